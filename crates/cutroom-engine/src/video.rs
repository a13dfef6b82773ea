//! Text to video in the service: a generator job reads the prompt into a scene, has the
//! configured video model (built-in procedural, or the operator's server) make the clip,
//! stores it as generated media of the session and puts it on the draft as a new version.

use crate::Engine;
use crate::generate::{GenFailure, other};
use cutroom_api::ApiError;
use cutroom_process::Cancel;
use cutroom_scenegen::{Aspect, SceneSpec, VideoRequest, understand};
use cutroom_store::{Account, Job};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// A text-to-video job's request (stored with the job, so a requeued job draws the same scene).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VideoJob {
    pub session_id: String,
    pub prompt: String,
    /// Length, overriding the prompt's words.
    pub duration_ms: Option<u64>,
    /// `16:9`, `9:16`, `1:1` or `4:5`, overriding the prompt's words.
    pub aspect: Option<String>,
    pub seed: u64,
    /// The agent turn that asked.
    pub group: Option<String>,
}

/// What a text-to-video job made.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VideoOutput {
    pub media_id: String,
    pub name: String,
    /// The scene understood from the prompt.
    pub scene: SceneSpec,
    pub summary: String,
    pub width: u32,
    pub height: u32,
    pub duration_ms: u64,
    /// `procedural` or the model server's address.
    pub backend: String,
    pub seed: u64,
    /// The draft version with the clip placed.
    pub version: i64,
}

impl VideoJob {
    /// The scene to generate, with the request's own length and shape winning.
    pub fn scene(&self) -> Result<SceneSpec, ApiError> {
        let aspect =
            match self.aspect.as_deref() {
                Some(a) => Some(Aspect::parse(a).ok_or_else(|| {
                    ApiError::bad_request(format!("unknown aspect '{a}': use 16:9, 9:16, 1:1 or 4:5"))
                })?),
                None => None,
            };
        Ok(understand(&self.prompt).with_overrides(self.duration_ms, aspect))
    }
}

impl Engine {
    /// Queues a text-to-video job. `key` is the client key (idempotent).
    pub async fn submit_video(&self, account: &Account, key: &str, req: &VideoJob) -> Result<Job, ApiError> {
        let prompt = req.prompt.trim();
        if prompt.is_empty() || prompt.chars().count() > 2000 {
            return Err(ApiError::bad_request("the prompt must be 1–2000 characters"));
        }
        if let Some(d) = req.duration_ms.filter(|d| !(1_000..=60_000).contains(d)) {
            return Err(ApiError::bad_request(format!("a generated clip is 1–60 s long, not {d} ms")));
        }
        req.scene()?;
        self.enqueue_generator(account, key, &req.session_id, "text_to_video", req).await
    }

    pub(crate) async fn video_job(&self, job: &Job) -> Result<String, GenFailure> {
        let req: VideoJob = serde_json::from_str(&job.request).map_err(other)?;
        let session = self.store.session(&job.account_id, &req.session_id).await.map_err(other)?;
        let spec = req.scene().map_err(|e| other(e.message))?;
        let vm = &self.config.video_model;
        let model = cutroom_scenegen::configured(Some(&vm.url), Duration::from_secs(vm.timeout_secs)).map_err(other)?;
        let request = VideoRequest::new(spec, vm.short_side, req.seed);
        let work = tempfile::tempdir_in(self.blobs.tmp_dir()).map_err(other)?;
        let out = work.path().join("clip.mp4");
        // Progress from the drawing thread, forwarded to the job's record as it comes.
        let (tx, mut rx) = tokio::sync::watch::channel(0.0f64);
        let progress: cutroom_scenegen::Progress = Arc::new(move |p| {
            let _ = tx.send(p);
        });
        let cancel = Cancel::new();
        let generation = model.generate(&request, &out, &cancel, progress);
        tokio::pin!(generation);
        let info = loop {
            tokio::select! {
                done = &mut generation => break done.map_err(other)?,
                changed = rx.changed() => {
                    if changed.is_ok() {
                        let p = *rx.borrow_and_update();
                        self.set_progress(job, 0.05 + 0.85 * p).await;
                    }
                }
            }
        };
        let (media_id, name) = self.store_clip(&job.account_id, &session.id, &out, &request, &info.backend).await?;
        let size = (info.width, info.height);
        let version = self
            .place(&job.account_id, &session.id, req.group.as_deref(), "text_to_video", |d| {
                cutroom_agent::resolve::place_clip(d, &media_id, &name, info.duration_ms, size)
            })
            .await
            .map_err(|e| other(e.message))?;
        serde_json::to_string(&VideoOutput {
            media_id,
            name,
            summary: request.spec.summary(),
            scene: request.spec.clone(),
            width: info.width,
            height: info.height,
            duration_ms: info.duration_ms,
            backend: info.backend,
            seed: req.seed,
            version,
        })
        .map_err(other)
    }

    /// Stores a generated clip as media of the session, with the scene it shows.
    async fn store_clip(
        &self,
        account_id: &str,
        session_id: &str,
        path: &std::path::Path,
        req: &VideoRequest,
        backend: &str,
    ) -> Result<(String, String), GenFailure> {
        use tokio::io::AsyncReadExt;
        let mut ingest = self.blobs.ingest(u64::MAX).map_err(other)?;
        let mut file = tokio::fs::File::open(path).await.map_err(other)?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut buf).await.map_err(other)?;
            if n == 0 {
                break;
            }
            ingest.write(&buf[..n]).await.map_err(other)?;
        }
        let s = &req.spec;
        let (setting, time) = (cutroom_scenegen::spec::name(&s.setting), cutroom_scenegen::spec::name(&s.time));
        let name = format!("generated-{setting}-{time}.mp4");
        let meta = serde_json::json!({
            "prompt": s.prompt, "scene": s, "summary": s.summary(), "seed": req.seed,
            "width": req.width, "height": req.height, "fps": req.fps, "backend": backend,
        });
        let media_id = self.keep_generated(account_id, session_id, ingest, &name, ("video", "video"), &meta).await?;
        Ok((media_id, name))
    }
}
