//! Jobs: render requests are validated and queued (idempotently, freezing their price);
//! workers in this process claim them from the store, render with progress, and settle the
//! credits; a job running when the process died is requeued at the next start. Analyses of
//! uploads run on their own workers. Completed renders are served through signed links.

use crate::{Attribution, Engine, KindLabel, now, store_error};
use cutroom_api::*;
use cutroom_media::{MediaError, Quality, RenderSettings};
use cutroom_process::Cancel;
use cutroom_store::{Account, Job, NewJob, StoreError};
use cutroom_timeline::Draft;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, broadcast};
use tokio::task::JoinHandle;

/// What a render job was asked to do (stored with the job).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct RenderJob {
    draft: serde_json::Value,
    quality: Quality,
    resolution: Option<u32>,
}

/// What a completed render produced (stored with the job).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct RenderOutputFile {
    file: String,
    duration_ms: u64,
    width: u32,
    height: u32,
    size_bytes: u64,
}

/// The workers' shared state.
pub(crate) struct Work {
    pub render: Notify,
    pub analysis: Notify,
    pub generate: Notify,
    /// "account/client key" of each job whose progress or status changed in this process.
    changed: broadcast::Sender<Arc<str>>,
    pub(crate) stopping: AtomicBool,
    running: Mutex<HashMap<String, Cancel>>,
    analysing: Mutex<HashSet<String>>,
    handles: Mutex<Vec<JoinHandle<()>>>,
}

impl Default for Work {
    fn default() -> Work {
        Work {
            render: Notify::new(),
            analysis: Notify::new(),
            generate: Notify::new(),
            changed: broadcast::channel(256).0,
            stopping: AtomicBool::new(false),
            running: Mutex::default(),
            analysing: Mutex::default(),
            handles: Mutex::default(),
        }
    }
}

fn job_key(account_id: &str, client_key: &str) -> Arc<str> {
    format!("{account_id}/{client_key}").into()
}

/// Waits until a job changes. Another process's workers do not announce their changes, so
/// the wait also ends after a few seconds.
pub(crate) struct JobWatch {
    key: Arc<str>,
    changes: broadcast::Receiver<Arc<str>>,
}

impl JobWatch {
    pub async fn changed(&mut self) {
        let deadline = tokio::time::sleep(Duration::from_secs(5));
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut deadline => return,
                got = self.changes.recv() => match got {
                    Ok(k) if k == self.key => return,
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => return,
                    Err(broadcast::error::RecvError::Closed) => return deadline.await,
                },
            }
        }
    }
}

/// Longest id a client may choose.
const MAX_KEY: usize = 128;

impl Engine {
    /// Queues an export of a draft (the session's current one when none is given).
    pub async fn submit_render(
        &self,
        account: &Account,
        req: RenderRequest,
        who: &Attribution,
    ) -> Result<RenderStatus, ApiError> {
        if self.config.require_attribution && !who.complete() {
            return Err(ApiError::new(
                ErrorCode::ExportBlocked,
                "export blocked: this server requires the X-Skill-Source, X-Skill-Version and X-Skill-Platform headers",
            ));
        }
        let key = req.id.trim();
        if key.is_empty() || key.len() > MAX_KEY || key.chars().any(|c| c.is_control()) {
            return Err(ApiError::bad_request("id must be 1–128 printable characters (for example render_1732200000)"));
        }
        if let Some(fmt) =
            req.output.as_ref().and_then(|o| o.format.as_deref()).filter(|f| !f.eq_ignore_ascii_case("mp4"))
        {
            return Err(ApiError::bad_request(format!("output.format '{fmt}' is not supported; use mp4")));
        }
        // The same id again: the same job, whatever the body says.
        if let Ok(existing) = self.store.job(&account.id, key).await {
            return self.status_of(&existing, None);
        }
        let session = self.session(account, &req.session_id).await?;
        let draft = match req.draft {
            Some(v) => Draft::from_value(v).map_err(|e| ApiError::bad_request(format!("draft: {e}")))?,
            None => self.current_draft(&session).await?,
        };
        draft.validate().map_err(|e| ApiError::bad_request(format!("draft: {e}")))?;
        let media = self.media_map(&account.id, &draft).await?;
        draft
            .validate_media(|id| media.get(id).map(|m| m.probe.facts()))
            .map_err(|e| ApiError::bad_request(format!("draft: {e}")))?;
        if draft.duration().to_frame(draft.canvas.fps) == 0 {
            return Err(ApiError::bad_request("draft: the timeline is empty; add clips before exporting"));
        }
        let output = req.output.unwrap_or_default();
        let quality = match output.quality.as_deref() {
            None => Quality::High,
            Some(q) => q.parse().map_err(|e: String| ApiError::bad_request(format!("output.quality: {e}")))?,
        };
        if let Some(r) = output.resolution.filter(|r| !(144..=4320).contains(r)) {
            return Err(ApiError::bad_request(format!("output.resolution {r} is outside 144–4320")));
        }
        let request = serde_json::to_string(&RenderJob {
            draft: serde_json::to_value(&draft).map_err(|e| ApiError::internal(e.to_string()))?,
            quality,
            resolution: output.resolution,
        })
        .map_err(|e| ApiError::internal(e.to_string()))?;
        let new = NewJob {
            account_id: account.id.clone(),
            client_key: key.to_string(),
            session_id: Some(session.id.clone()),
            kind: "render".into(),
            request,
            price: self.config.price("render"),
        };
        let (job, _) = self.store.enqueue(&new, now()).await.map_err(|e| match e {
            StoreError::Insufficient { available, needed } => self.no_credits(account, available, needed),
            other => store_error(other),
        })?;
        self.work.render.notify_one();
        self.status_of(&job, None)
    }

    /// A render's status, with a signed download link once it is done.
    pub async fn render_status(&self, account: &Account, id: &str, base_url: &str) -> Result<RenderStatus, ApiError> {
        let job = self.store.job(&account.id, id).await.map_err(|e| match e {
            StoreError::NotFound => ApiError::new(ErrorCode::NotFound, format!("render '{id}' not found")),
            other => store_error(other),
        })?;
        self.status_of(&job, Some(base_url))
    }

    /// A watch on a job (render or generator) of this account, by the id its client chose.
    pub(crate) fn watch_job(&self, account: &Account, id: &str) -> JobWatch {
        JobWatch { key: job_key(&account.id, id), changes: self.work.changed.subscribe() }
    }

    pub(crate) fn announce(&self, job: &Job) {
        let _ = self.work.changed.send(job_key(&job.account_id, &job.client_key));
    }

    /// Asks a render to stop.
    pub async fn cancel_render(&self, account: &Account, id: &str) -> Result<RenderStatus, ApiError> {
        let job = self.store.cancel_job(&account.id, id, now()).await.map_err(|e| match e {
            StoreError::NotFound => ApiError::new(ErrorCode::NotFound, format!("render '{id}' not found")),
            other => store_error(other),
        })?;
        if let Some(c) = self.work.running.lock().unwrap_or_else(|e| e.into_inner()).get(&job.id) {
            c.cancel();
        }
        self.announce(&job);
        self.status_of(&job, None)
    }

    fn status_of(&self, job: &Job, base_url: Option<&str>) -> Result<RenderStatus, ApiError> {
        let output = match (job.status.as_str(), &job.output, base_url) {
            ("completed", Some(out), Some(base)) => {
                let o: RenderOutputFile = serde_json::from_str(out).map_err(|e| ApiError::internal(e.to_string()))?;
                let expires = now() + self.config.download_ttl_secs;
                let sig = self.signer.sign(&job.id, expires);
                let base = self.config.public_url.as_deref().unwrap_or(base).trim_end_matches('/');
                Some(RenderResult {
                    url: format!("{base}/api/render/download/{}.mp4?expires={expires}&sig={sig}", job.id),
                    duration_ms: o.duration_ms,
                    width: o.width,
                    height: o.height,
                    size_bytes: o.size_bytes,
                })
            }
            _ => None,
        };
        Ok(RenderStatus {
            id: job.client_key.clone(),
            status: job.status.clone(),
            progress: (job.progress * 1000.0).round() / 1000.0,
            output,
            error: job.error.clone(),
        })
    }

    /// The file behind a signed download link.
    pub async fn download(&self, job_id: &str, expires: i64, sig: &str) -> Result<PathBuf, ApiError> {
        if !self.signer.verify(job_id, expires, sig, now()) {
            return Err(ApiError::new(
                ErrorCode::Unauthorized,
                "this download link is invalid or has expired; ask for the render's status again",
            ));
        }
        let job = self.store.job_by_id(job_id).await.map_err(|_| ApiError::not_found("render"))?;
        let path = self.renders_dir().join(format!("{}.mp4", job.id));
        if job.status != "completed" || !path.is_file() {
            return Err(ApiError::not_found("render"));
        }
        Ok(path)
    }

    // ---- workers ----

    /// Starts the render and analysis workers and the housekeeping tasks.
    pub fn start(self: &Arc<Self>) {
        let mut handles = self.work.handles.lock().unwrap_or_else(|e| e.into_inner());
        for _ in 0..self.config.workers {
            let e = self.clone();
            handles.push(tokio::spawn(async move { e.render_loop().await }));
        }
        for _ in 0..self.config.analysis_workers {
            let e = self.clone();
            handles.push(tokio::spawn(async move { e.analysis_loop().await }));
        }
        for _ in 0..self.config.generator_workers {
            let e = self.clone();
            handles.push(tokio::spawn(async move { e.generator_loop().await }));
        }
        let e = self.clone();
        handles.push(tokio::spawn(async move {
            while !e.work.stopping.load(Ordering::SeqCst) {
                e.flush_usage().await;
                if let Ok(depth) = e.store.queue_depth().await {
                    for kind in ["render", "analysis"].into_iter().chain(crate::generate::GENERATOR_KINDS) {
                        let n = depth.iter().find(|(k, _)| k == kind).map_or(0, |(_, n)| *n);
                        e.metrics.queue.get_or_create(&KindLabel { kind: kind.into() }).set(n);
                    }
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }));
    }

    /// Stops taking work, lets running renders finish for the grace period, then stops and
    /// requeues them (they run again at the next start).
    pub async fn shutdown(&self) {
        self.work.stopping.store(true, Ordering::SeqCst);
        self.work.render.notify_waiters();
        self.work.analysis.notify_waiters();
        self.work.generate.notify_waiters();
        let grace = Duration::from_secs(self.config.shutdown_grace_secs);
        let started = Instant::now();
        while !self.work.running.lock().unwrap_or_else(|e| e.into_inner()).is_empty() && started.elapsed() < grace {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for c in self.work.running.lock().unwrap_or_else(|e| e.into_inner()).values() {
            c.cancel();
        }
        let handles: Vec<_> = std::mem::take(&mut *self.work.handles.lock().unwrap_or_else(|e| e.into_inner()));
        for h in handles {
            let _ = h.await;
        }
        self.flush_usage().await;
    }

    pub(crate) async fn idle(&self, notify: &Notify) {
        tokio::select! {
            _ = notify.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }

    async fn render_loop(self: Arc<Self>) {
        while !self.work.stopping.load(Ordering::SeqCst) {
            match self.store.claim("render", now()).await {
                Ok(Some(job)) => self.run_render(job).await,
                Ok(None) => self.idle(&self.work.render).await,
                Err(e) => {
                    tracing::error!("claiming a render: {e}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    async fn run_render(&self, job: Job) {
        let cancel = Cancel::new();
        self.work.running.lock().unwrap_or_else(|e| e.into_inner()).insert(job.id.clone(), cancel.clone());
        tracing::info!(job = %job.id, attempt = job.attempts, "render started");
        let result = self.render_job(&job, cancel).await;
        self.work.running.lock().unwrap_or_else(|e| e.into_inner()).remove(&job.id);
        let stopping = self.work.stopping.load(Ordering::SeqCst);
        let outcome = match result {
            Ok(output) => self.store.finish(&job.id, true, Some(&output), None, now()).await.map(|_| "completed"),
            Err(RenderFailure::Media(MediaError::Cancelled)) if stopping => {
                self.store.requeue(&job.id, now()).await.map(|_| "requeued")
            }
            Err(e) => {
                let message = e.to_string();
                tracing::warn!(job = %job.id, "render failed: {message}");
                self.store.finish(&job.id, false, None, Some(&message), now()).await.map(|_| "failed")
            }
        };
        match outcome {
            Ok(status) => {
                tracing::info!(job = %job.id, status, "render ended");
                self.metrics
                    .jobs
                    .get_or_create(&crate::JobLabels { kind: "render".into(), status: status.into() })
                    .inc();
            }
            Err(e) => tracing::error!(job = %job.id, "recording a render's end: {e}"),
        }
        self.announce(&job);
    }

    async fn render_job(&self, job: &Job, cancel: Cancel) -> Result<String, RenderFailure> {
        let req: RenderJob = serde_json::from_str(&job.request).map_err(|e| RenderFailure::Other(e.to_string()))?;
        let draft = Draft::from_value(req.draft).map_err(|e| RenderFailure::Other(e.to_string()))?;
        let media = self.media_map(&job.account_id, &draft).await.map_err(|e| RenderFailure::Other(e.message))?;
        let out = self.renders_dir().join(format!("{}.mp4", job.id));
        let settings = RenderSettings { quality: req.quality, short_side: req.resolution, ..RenderSettings::default() };
        if job.cancel {
            return Err(RenderFailure::Media(MediaError::Cancelled));
        }
        let (store, id, handle) = (self.store.clone(), job.id.clone(), tokio::runtime::Handle::current());
        let (changed, key) = (self.work.changed.clone(), job_key(&job.account_id, &job.client_key));
        let rendered = tokio::task::spawn_blocking(move || {
            let mut last = (0.0f64, Instant::now());
            cutroom_media::render(&draft, &media, &settings, &out, &cancel, &mut |p| {
                if p >= 1.0 || (p - last.0 >= 0.01 && last.1.elapsed() >= Duration::from_millis(250)) {
                    last = (p, Instant::now());
                    let _ = handle.block_on(store.progress(&id, p.min(0.999), now()));
                    let _ = changed.send(key.clone());
                }
            })
        })
        .await
        .map_err(|e| RenderFailure::Other(e.to_string()))?
        .map_err(RenderFailure::Media)?;
        let size = std::fs::metadata(&rendered.path).map(|m| m.len()).unwrap_or(0);
        serde_json::to_string(&RenderOutputFile {
            file: format!("{}.mp4", job.id),
            duration_ms: rendered.probe.duration.map_or(rendered.duration.0, |d| d.0),
            width: rendered.width,
            height: rendered.height,
            size_bytes: size,
        })
        .map_err(|e| RenderFailure::Other(e.to_string()))
    }

    async fn analysis_loop(self: Arc<Self>) {
        while !self.work.stopping.load(Ordering::SeqCst) {
            let next = match self.store.pending_analysis().await {
                Ok(pending) => {
                    let mut taken = self.work.analysing.lock().unwrap_or_else(|e| e.into_inner());
                    let pick = pending.into_iter().find(|m| !taken.contains(&m.id));
                    if let Some(m) = &pick {
                        taken.insert(m.id.clone());
                    }
                    pick
                }
                Err(e) => {
                    tracing::error!("listing pending analyses: {e}");
                    None
                }
            };
            let Some(media) = next else {
                self.idle(&self.work.analysis).await;
                continue;
            };
            let (status, body) = if media.kind == crate::state::CAPTIONS {
                // A subtitle file's analysis is its cues, read when it was received.
                ("ready", Some(media.probe.clone()))
            } else {
                self.analyse_file(self.blobs.path(&media.blob_hash)).await
            };
            if let Err(e) = self.store.set_analysis(&media.id, status, body.as_deref()).await {
                tracing::error!(media = %media.id, "recording an analysis: {e}");
            }
            self.metrics.jobs.get_or_create(&crate::JobLabels { kind: "analysis".into(), status: status.into() }).inc();
            self.work.analysing.lock().unwrap_or_else(|e| e.into_inner()).remove(&media.id);
        }
    }

    /// Analyses a media file: the status and the analysis (or the error) as JSON.
    async fn analyse_file(&self, path: std::path::PathBuf) -> (&'static str, Option<String>) {
        let cache = cutroom_analysis::Cache::new(self.analysis_dir());
        let result =
            tokio::task::spawn_blocking(move || cache.analyze(&path, &cutroom_analysis::Options::default())).await;
        let failed = |e: String| ("failed", Some(serde_json::json!({ "error": e }).to_string()));
        match result {
            Ok(Ok(done)) => ("ready", serde_json::to_string(&done.analysis).ok()),
            Ok(Err(e)) => failed(e.to_string()),
            Err(e) => failed(e.to_string()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum RenderFailure {
    #[error(transparent)]
    Media(MediaError),
    #[error("{0}")]
    Other(String),
}
