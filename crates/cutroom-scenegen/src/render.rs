//! Drawing a whole clip and encoding it: frames are drawn on this thread while a second
//! thread pipes the previous ones into ffmpeg, buffers going round a small pool; the file
//! is written beside its destination, checked with ffprobe and only then moved into place.

use crate::image::Image;
use crate::scene::Scene;
use crate::spec::SceneSpec;
use cutroom_media::plan::Encode;
use cutroom_media::stream::{FrameWriter, StreamOptions};
use cutroom_media::{MediaError, Quality, RenderSettings};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Why a clip could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SceneError {
    #[error("{0}")]
    Media(#[from] MediaError),
    #[error("the generation was cancelled")]
    Cancelled,
    /// The request cannot be generated as asked.
    #[error("{0}")]
    Invalid(String),
    /// The configured video model failed or answered with something that is not a video.
    #[error("the video model {0}")]
    Model(String),
}

/// What to draw.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VideoRequest {
    pub spec: SceneSpec,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub seed: u64,
}

impl VideoRequest {
    /// A request for `spec` at its aspect with `short` pixels on the short side, 30 fps.
    pub fn new(spec: SceneSpec, short: u32, seed: u64) -> VideoRequest {
        let (width, height) = spec.aspect.size(short);
        VideoRequest { spec, width, height, fps: 30, seed }
    }

    pub fn check(&self) -> Result<(), SceneError> {
        let d = self.spec.duration_ms;
        if !(crate::spec::MIN_DURATION_MS..=crate::spec::MAX_DURATION_MS).contains(&d) {
            return Err(SceneError::Invalid(format!("a generated clip is 1–60 s long, not {} ms", d)));
        }
        if !(16..=4096).contains(&self.width) || !(16..=4096).contains(&self.height) {
            return Err(SceneError::Invalid(format!(
                "a frame of {}x{} is out of range (16–4096)",
                self.width, self.height
            )));
        }
        if !(1..=60).contains(&self.fps) {
            return Err(SceneError::Invalid(format!("{} fps is out of range (1–60)", self.fps)));
        }
        Ok(())
    }
}

/// What a generated clip is, and how long making it took.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VideoInfo {
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub frames: u64,
    pub duration_ms: u64,
    /// Which backend made it (`procedural`, or the model server's URL).
    pub backend: String,
    /// Time spent drawing the layers before the first frame.
    pub setup_ms: u64,
    /// Time spent drawing frames (on the drawing thread).
    pub draw_ms: u64,
    pub total_ms: u64,
}

/// The encoder settings for generated clips.
pub fn encode_for(quality: Quality) -> Encode {
    RenderSettings { quality, ..RenderSettings::default() }.encode()
}

/// Draws and encodes the request into `out`, calling `progress` with 0–1 as frames go.
pub fn render_clip(
    req: &VideoRequest,
    out: &Path,
    quality: Quality,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<VideoInfo, SceneError> {
    req.check()?;
    let start = Instant::now();
    let mut scene = Scene::new(&req.spec, req.width as usize, req.height as usize, req.fps, req.seed);
    let setup = start.elapsed();
    let frames = scene.frames;
    let tmp = temp_beside(out)?;
    let writer = FrameWriter::open(tmp.path(), req.width, req.height, req.fps, encode_for(quality), opts)?;
    let mut draw = Duration::ZERO;
    let sent = std::thread::scope(|s| -> Result<(), SceneError> {
        let (to_writer, frames_in) = mpsc::sync_channel::<Image>(1);
        let (back, spare) = mpsc::channel::<Image>();
        let encoder = s.spawn(move || -> Result<(), MediaError> {
            let mut writer = writer;
            for img in frames_in {
                writer.write_frame(img.bytes())?;
                let _ = back.send(img);
            }
            writer.finish()
        });
        let mut pool: Vec<Image> = (0..3).map(|_| Image::new(req.width as usize, req.height as usize)).collect();
        let mut failed = None;
        for n in 0..frames {
            if opts.cancel.is_cancelled() {
                failed = Some(SceneError::Cancelled);
                break;
            }
            let mut img = match pool.pop() {
                Some(i) => i,
                None => match spare.recv() {
                    Ok(i) => i,
                    Err(_) => break,
                },
            };
            let t = Instant::now();
            scene.draw(n, &mut img);
            draw += t.elapsed();
            if to_writer.send(img).is_err() {
                break;
            }
            progress((n + 1) as f64 / frames as f64);
        }
        drop(to_writer);
        let encoded = encoder.join().map_err(|_| SceneError::Invalid("the encoder thread panicked".into()))?;
        if let Some(e) = failed {
            return Err(e);
        }
        if opts.cancel.is_cancelled() {
            return Err(SceneError::Cancelled);
        }
        encoded.map_err(SceneError::from)
    });
    sent?;
    let info = check(tmp.path(), req.width, req.height, frames)?;
    tmp.persist(out).map_err(|e| MediaError::io("moving the clip into place")(e.error))?;
    Ok(VideoInfo {
        backend: "procedural".into(),
        setup_ms: setup.as_millis() as u64,
        draw_ms: draw.as_millis() as u64,
        total_ms: start.elapsed().as_millis() as u64,
        ..info
    })
}

/// A temporary file beside `out` (same filesystem, so it can be renamed into place);
/// removed if dropped.
pub(crate) fn temp_beside(out: &Path) -> Result<tempfile::NamedTempFile, SceneError> {
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Ok(cutroom_media::output_temp(dir, ".cutroom-gen-", ".mp4").map_err(MediaError::io("creating the output file"))?)
}

/// Probes a finished clip and checks its picture against what was drawn.
fn check(path: &Path, width: u32, height: u32, frames: u64) -> Result<VideoInfo, SceneError> {
    let probe = cutroom_media::probe(path).map_err(MediaError::from)?;
    let v = probe.video.as_ref().ok_or_else(|| MediaError::Verify("the clip has no picture".into()))?;
    if (v.width, v.height) != (width, height) {
        return Err(MediaError::Verify(format!("the clip is {}x{}, not {width}x{height}", v.width, v.height)).into());
    }
    Ok(VideoInfo {
        width,
        height,
        fps: v.fps.map_or(0.0, |(n, d)| f64::from(n) / f64::from(d.max(1))),
        frames,
        duration_ms: probe.duration.map_or(0, |d| d.0),
        ..VideoInfo::default()
    })
}
