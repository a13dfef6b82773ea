//! Running an analysis: probe, then stream the picture (small frames) and the sound (f32
//! samples) from two ffmpeg processes at once, each bounded by a timeout, feeding the
//! detectors and the region-of-interest tracker; keep a few candidate frames for keyframes
//! and palettes.

use crate::audio::{AudioAnalyzer, Span};
use crate::features::measure;
use crate::report::{self, Analysis, Candidate, TransitionInfo, VideoSummary, frame_quality};
use crate::roi::{RoiPoint, Tracker};
use crate::shots::{Detector, Params};
use cutroom_media::stream::{FrameReader, PcmReader, StreamOptions, analysis_size};
use cutroom_media::{MediaError, Probe, ProbeError};
use cutroom_process::Cancel;
use cutroom_timeline::MediaKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How to analyse.
#[derive(Clone, Debug)]
pub struct Options {
    /// Frames are decoded to fit inside this square (pixels).
    pub max_edge: u32,
    /// Where to write keyframe JPEGs (`shot_000.jpg`, …); none when absent.
    pub keyframes: Option<PathBuf>,
    pub cancel: Cancel,
}

impl Default for Options {
    fn default() -> Self {
        Options { max_edge: 320, keyframes: None, cancel: Cancel::new() }
    }
}

/// Why an analysis failed.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Probe(#[from] ProbeError),
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error("{what}: {error}")]
    Io { what: String, error: std::io::Error },
}

impl AnalysisError {
    pub fn is_client_error(&self) -> bool {
        match self {
            AnalysisError::Probe(e) => e.is_client_error(),
            AnalysisError::Media(e) => e.is_client_error(),
            AnalysisError::Io { .. } => false,
        }
    }
}

/// How long the decoders may run: four times real time, at least two minutes.
fn time_limit(duration_ms: u64) -> Duration {
    Duration::from_secs(120) + Duration::from_millis(duration_ms.saturating_mul(4))
}

/// Analyses a file.
pub fn analyze(path: &Path, opts: &Options) -> Result<Analysis, AnalysisError> {
    let probe = cutroom_media::probe(path)?;
    analyze_probed(path, &probe, opts)
}

/// Analyses a file already probed.
pub fn analyze_probed(path: &Path, probe: &Probe, opts: &Options) -> Result<Analysis, AnalysisError> {
    let duration_ms = probe.duration.map_or(0, |d| d.0);
    let stream = StreamOptions { timeout: time_limit(duration_ms), cancel: opts.cancel.clone(), skip_nonref: false };
    let (video, audio) = std::thread::scope(|s| {
        let audio = probe.audio.as_ref().map(|_| s.spawn(|| sound(path, &stream)));
        let video = picture(path, probe, opts, &stream);
        if video.is_err() {
            // No point finishing the sound of a file whose picture failed.
            opts.cancel.cancel();
        }
        (video, audio.map(|h| h.join().expect("audio thread")))
    });
    let video = video?;
    let audio = audio.transpose()?;
    let (summary, shots, transitions, tags, roi, still) = video.unwrap_or_default();
    let duration_ms = duration_ms.max(audio.as_ref().map_or(0, |a| a.duration_ms));
    Ok(Analysis { version: report::VERSION, duration_ms, video: summary, shots, transitions, audio, tags, roi, still })
}

fn sound(path: &Path, stream: &StreamOptions) -> Result<crate::audio::AudioReport, AnalysisError> {
    let mut reader = PcmReader::open(path, 2, 48_000, stream)?;
    let mut analyzer = AudioAnalyzer::new(2, 48_000);
    let mut buf = Vec::new();
    loop {
        reader.next_chunk(8192, &mut buf)?;
        if buf.is_empty() {
            break;
        }
        analyzer.push(&buf);
    }
    reader.finish()?;
    Ok(analyzer.finish())
}

/// The best-looking frame so far in the current second.
struct Best {
    frame: usize,
    quality: f32,
    pixels: Vec<u8>,
    samples: Vec<[u8; 3]>,
}

type Picture = (Option<VideoSummary>, Vec<report::Shot>, Vec<TransitionInfo>, report::Tags, Vec<RoiPoint>, Vec<Span>);

fn picture(
    path: &Path,
    probe: &Probe,
    opts: &Options,
    stream: &StreamOptions,
) -> Result<Option<Picture>, AnalysisError> {
    let Some(v) = &probe.video else { return Ok(None) };
    let fps = probe.fps_f64().filter(|f| *f > 0.0 && *f <= 240.0).unwrap_or(25.0);
    let (w, h) = analysis_size(v.display_width, v.display_height, opts.max_edge);
    let mut reader = FrameReader::open(path, w, h, stream)?;
    let mut detector = Detector::new(Params::for_fps(fps));
    let mut tracker = Tracker::new();
    // One candidate frame per second: the best-looking one, kept as a JPEG and a few pixels.
    let block = (fps.round() as usize).max(1);
    let mut candidates: Vec<Candidate> = Vec::new();
    // The best frame of the current second, kept whole until the second is over.
    let mut best: Option<Best> = None;
    let mut spare: Vec<u8> = Vec::new();
    let mut frame = Vec::new();
    let mut n = 0usize;
    let keep = |best: &mut Option<Best>, out: &mut Vec<Candidate>, spare: &mut Vec<u8>| {
        if let Some(b) = best.take() {
            let jpeg = opts.keyframes.as_ref().and_then(|_| jpeg(&b.pixels, w, h));
            out.push(Candidate { frame: b.frame, quality: b.quality, jpeg, samples: b.samples });
            *spare = b.pixels;
        }
    };
    while reader.next_frame(&mut frame)? {
        let f = measure(&frame, w as usize, h as usize);
        let camera = detector.push(&f);
        tracker.push(&f.grey, &camera, f.luma, f.contrast);
        let stat = detector.last().expect("just pushed");
        let quality = frame_quality(stat);
        if best.as_ref().is_none_or(|b| quality > b.quality) {
            let mut pixels = best.take().map(|b| b.pixels).unwrap_or_else(|| std::mem::take(&mut spare));
            pixels.clear();
            pixels.extend_from_slice(&frame);
            best = Some(Best { frame: n, quality, pixels, samples: f.samples });
        }
        n += 1;
        if n.is_multiple_of(block) {
            keep(&mut best, &mut candidates, &mut spare);
        }
    }
    keep(&mut best, &mut candidates, &mut spare);
    reader.finish()?;
    let (boundaries, stats) = detector.finish();
    let duration_ms = match probe.kind {
        MediaKind::Image => 0,
        _ => probe.duration.map_or(0, |d| d.0).max((n as f64 * 1000.0 / fps) as u64),
    };
    let mut shots = report::shots(&stats, &boundaries, &candidates, fps, duration_ms);
    if stats.is_empty() {
        shots.clear();
    }
    if let Some(dir) = &opts.keyframes {
        std::fs::create_dir_all(dir)
            .map_err(|error| AnalysisError::Io { what: format!("creating {}", dir.display()), error })?;
        for shot in &mut shots {
            let frame = (shot.keyframe_ms as f64 * fps / 1000.0).round() as usize;
            let Some(c) = candidates.iter().filter(|c| c.jpeg.is_some()).min_by_key(|c| c.frame.abs_diff(frame)) else {
                continue;
            };
            let name = format!("shot_{:03}.jpg", shot.index);
            std::fs::write(dir.join(&name), c.jpeg.as_deref().unwrap_or_default())
                .map_err(|error| AnalysisError::Io { what: format!("writing {name}"), error })?;
            shot.keyframe = Some(name);
        }
    }
    let ms = |f: usize| (f as f64 * 1000.0 / fps).round() as u64;
    let transitions = boundaries
        .iter()
        .map(|b| TransitionInfo {
            at_ms: ms(b.frame),
            kind: b.kind,
            confidence: (b.confidence * 1000.0).round() / 1000.0,
            start_ms: ms(b.first),
            end_ms: ms(b.last + 1),
        })
        .collect();
    let tags = report::tags(&stats, boundaries.len(), duration_ms);
    let roi = if stats.is_empty() { Vec::new() } else { tracker.finish(&boundaries, fps) };
    let still = report::still_spans(&stats, fps);
    Ok(Some((
        Some(VideoSummary { width: v.display_width, height: v.display_height, fps, frames: n as u64 }),
        shots,
        transitions,
        tags,
        roi,
        still,
    )))
}

fn jpeg(rgb: &[u8], w: u32, h: u32) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
    enc.encode(rgb, w, h, image::ExtendedColorType::Rgb8).ok()?;
    Some(out)
}
