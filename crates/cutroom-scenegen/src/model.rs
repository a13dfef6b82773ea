//! Video models behind one interface: the built-in procedural renderer (the default), or an
//! operator's own model server over HTTP — the request (prompt, scene, length, size) in as
//! JSON, an MP4 out, checked with ffprobe before it is accepted.

use crate::render::{SceneError, VideoInfo, VideoRequest, render_clip, temp_beside};
use cutroom_media::stream::StreamOptions;
use cutroom_media::{MediaError, Quality};
use cutroom_process::Cancel;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// Reports progress, 0–1.
pub type Progress = Arc<dyn Fn(f64) + Send + Sync>;

/// Something that turns a request into a video file.
#[async_trait::async_trait]
pub trait VideoModel: Send + Sync {
    /// `procedural`, or the model server's address (without its query).
    fn name(&self) -> String;
    /// Writes the clip to `out` (only once it is complete and checked).
    async fn generate(
        &self,
        req: &VideoRequest,
        out: &Path,
        cancel: &Cancel,
        progress: Progress,
    ) -> Result<VideoInfo, SceneError>;
}

/// The built-in generator: the scene drawn frame by frame and encoded with ffmpeg.
pub struct Procedural {
    pub quality: Quality,
    /// Kill the encoder after this long.
    pub timeout: Duration,
}

impl Default for Procedural {
    fn default() -> Self {
        Procedural { quality: Quality::Medium, timeout: Duration::from_secs(1800) }
    }
}

#[async_trait::async_trait]
impl VideoModel for Procedural {
    fn name(&self) -> String {
        "procedural".into()
    }

    async fn generate(
        &self,
        req: &VideoRequest,
        out: &Path,
        cancel: &Cancel,
        progress: Progress,
    ) -> Result<VideoInfo, SceneError> {
        let (req, out, quality) = (req.clone(), out.to_path_buf(), self.quality);
        let opts = StreamOptions { timeout: self.timeout, cancel: cancel.clone(), skip_nonref: false };
        tokio::task::spawn_blocking(move || {
            let mut last = 0.0;
            render_clip(&req, &out, quality, &opts, &mut |p| {
                // Every 5% is plenty for a progress bar or an event stream.
                if p - last >= 0.05 || p >= 1.0 {
                    last = p;
                    progress(p);
                }
            })
        })
        .await
        .map_err(|e| SceneError::Invalid(format!("the generator stopped: {e}")))?
    }
}

/// An operator's video model server. cutroom POSTs the request as JSON to `url`:
/// `{"prompt", "duration" (s), "duration_ms", "width", "height", "fps", "seed", "aspect", "scene"}`
/// and expects `200` with the MP4 as the body.
pub struct HttpModel {
    url: reqwest::Url,
    client: reqwest::Client,
    /// Largest answer accepted.
    pub max_bytes: u64,
}

impl HttpModel {
    pub fn new(url: &str, timeout: Duration) -> Result<HttpModel, SceneError> {
        let url = reqwest::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| SceneError::Invalid(format!("the video model URL '{url}' is not an http(s) URL")))?;
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| SceneError::Invalid(format!("the video model client: {e}")))?;
        Ok(HttpModel { url, client, max_bytes: 4 << 30 })
    }
}

#[async_trait::async_trait]
impl VideoModel for HttpModel {
    fn name(&self) -> String {
        let mut u = self.url.clone();
        u.set_query(None);
        let _ = u.set_password(None);
        let _ = u.set_username("");
        u.to_string()
    }

    async fn generate(
        &self,
        req: &VideoRequest,
        out: &Path,
        cancel: &Cancel,
        progress: Progress,
    ) -> Result<VideoInfo, SceneError> {
        req.check()?;
        let start = Instant::now();
        let body = serde_json::json!({
            "prompt": req.spec.prompt,
            "duration": req.spec.duration_ms as f64 / 1000.0,
            "duration_ms": req.spec.duration_ms,
            "width": req.width,
            "height": req.height,
            "fps": req.fps,
            "seed": req.seed,
            "aspect": req.spec.aspect.label(),
            "scene": req.spec,
        });
        progress(0.05);
        let name = self.name();
        let fail = |what: String| SceneError::Model(format!("at {name} {what}"));
        let mut resp = self
            .client
            .post(self.url.clone())
            .header("accept", "video/mp4")
            .json(&body)
            .send()
            .await
            .map_err(|e| fail(format!("could not be reached: {e}")))?;
        if !resp.status().is_success() {
            let status = resp.status();
            let text = resp.text().await.unwrap_or_default();
            let text: String = text.chars().filter(|c| !c.is_control()).take(300).collect();
            return Err(fail(format!("answered {status}: {text}")));
        }
        let tmp = temp_beside(out)?;
        let mut file =
            tokio::fs::File::create(tmp.path()).await.map_err(MediaError::io("writing the model's video"))?;
        let mut got = 0u64;
        let expected = resp.content_length();
        let result: Result<(), SceneError> = async {
            while let Some(chunk) = resp.chunk().await.map_err(|e| fail(format!("stopped sending: {e}")))? {
                if cancel.is_cancelled() {
                    return Err(SceneError::Cancelled);
                }
                got += chunk.len() as u64;
                if got > self.max_bytes {
                    return Err(fail(format!("sent more than {} bytes", self.max_bytes)));
                }
                file.write_all(&chunk).await.map_err(MediaError::io("writing the model's video"))?;
                if let Some(total) = expected.filter(|t| *t > 0) {
                    progress(0.1 + 0.8 * got as f64 / total as f64);
                }
            }
            file.flush().await.map_err(MediaError::io("writing the model's video"))?;
            Ok(())
        }
        .await;
        let checked = result.and_then(|()| {
            let probe = cutroom_media::probe(tmp.path())
                .map_err(|e| fail(format!("answered with something that is not a video ({e})")))?;
            let v = probe
                .video
                .as_ref()
                .filter(|_| probe.duration.is_some())
                .ok_or_else(|| fail("answered with a file that has no moving picture".into()))?;
            Ok(VideoInfo {
                width: v.display_width,
                height: v.display_height,
                fps: v.fps.map_or(0.0, |(n, d)| f64::from(n) / f64::from(d.max(1))),
                frames: 0,
                duration_ms: probe.duration.map_or(0, |d| d.0),
                backend: name.clone(),
                total_ms: start.elapsed().as_millis() as u64,
                ..VideoInfo::default()
            })
        });
        // On any failure the temporary file goes with `tmp`.
        let info = checked?;
        tmp.persist(out).map_err(|e| MediaError::io("moving the clip into place")(e.error))?;
        progress(1.0);
        Ok(info)
    }
}

/// The model an operator configured: their server when a URL is set, else the built-in one.
pub fn configured(url: Option<&str>, timeout: Duration) -> Result<Box<dyn VideoModel>, SceneError> {
    match url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => Ok(Box::new(HttpModel::new(u, timeout)?)),
        None => Ok(Box::new(Procedural { timeout, ..Procedural::default() })),
    }
}
