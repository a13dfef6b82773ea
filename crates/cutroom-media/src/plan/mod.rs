//! The render plan: a pure function from (draft, probed media, fonts, settings) to one
//! ffmpeg invocation — inputs, a filter graph, the text files drawtext reads, encoder
//! settings. Nothing here touches the filesystem or starts a process.
//!
//! Timing is exact: every timeline instant becomes a frame index at the canvas rate
//! (and a sample index at 48 kHz), each piece of the picture is trimmed to a whole number
//! of frames, and transitions overlap pieces by whole frames, so the output has exactly
//! the frames the draft describes.

mod audio;
pub mod escape;
mod graph;
pub mod text;
mod video;

use crate::probe::Probe;
use cutroom_timeline::{Draft, Invalid, Ms};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub use text::{FaceChoice, Fonts};

/// Audio sample rate of every render.
pub const SAMPLE_RATE: u64 = 48_000;

/// A media id's file and what ffprobe said about it.
#[derive(Clone, Debug)]
pub struct MediaEntry {
    pub path: PathBuf,
    pub probe: Probe,
}

/// The media a draft may use, by id.
pub type MediaMap = BTreeMap<String, MediaEntry>;

/// Export quality presets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    #[default]
    High,
    Medium,
    Low,
}

impl std::str::FromStr for Quality {
    type Err = String;
    fn from_str(s: &str) -> Result<Quality, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "high" => Ok(Quality::High),
            "medium" => Ok(Quality::Medium),
            "low" => Ok(Quality::Low),
            other => Err(format!("unknown quality '{other}' (high, medium or low)")),
        }
    }
}

/// How to encode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Encode {
    pub preset: &'static str,
    pub crf: u8,
    pub audio_kbps: u32,
}

/// What to make of the draft.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderSettings {
    pub quality: Quality,
    /// A fast, small preview: 360 px on the shorter side, fastest encoder settings.
    pub preview: bool,
    /// Scale the canvas so its shorter side has this many pixels (720, 1080, 2160, …).
    pub short_side: Option<u32>,
    /// Integrated loudness target (LUFS); `None` leaves the mix as it is.
    pub loudness: Option<f64>,
}

impl Default for RenderSettings {
    fn default() -> Self {
        RenderSettings { quality: Quality::High, preview: false, short_side: None, loudness: Some(-14.0) }
    }
}

/// The shorter side of preview renders.
pub const PREVIEW_SHORT_SIDE: u32 = 360;

impl RenderSettings {
    pub fn encode(&self) -> Encode {
        if self.preview {
            return Encode { preset: "ultrafast", crf: 30, audio_kbps: 96 };
        }
        match self.quality {
            Quality::High => Encode { preset: "veryfast", crf: 20, audio_kbps: 192 },
            Quality::Medium => Encode { preset: "veryfast", crf: 23, audio_kbps: 160 },
            Quality::Low => Encode { preset: "veryfast", crf: 28, audio_kbps: 128 },
        }
    }

    fn short_side(&self) -> Option<u32> {
        if self.preview { Some(PREVIEW_SHORT_SIDE) } else { self.short_side }
    }
}

/// One ffmpeg input: options that go before `-i`, and the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    pub options: Vec<String>,
    pub path: PathBuf,
    /// Whether the audio graph reads from it.
    pub audio: bool,
}

/// A text file drawtext reads (never spliced into the graph).
#[derive(Clone, Debug, PartialEq)]
pub struct TextFile {
    pub name: String,
    pub content: String,
}

/// One ffmpeg invocation that renders a draft.
#[derive(Clone, Debug)]
pub struct Plan {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    /// Frames in the output.
    pub frames: u64,
    pub duration: Ms,
    /// Pieces the picture is made of (segments and fills); each may cost a frame of rounding.
    pub pieces: usize,
    pub inputs: Vec<Input>,
    video_graph: String,
    audio_graph: String,
    measure_graph: Option<String>,
    pub text_files: Vec<TextFile>,
    /// Font files the text overlays draw with.
    pub fonts: Vec<PathBuf>,
    pub encode: Encode,
    pub loudness: Option<f64>,
    pub metadata: Vec<(String, String)>,
    /// Things the user may want to know (a font substituted, …).
    pub warnings: Vec<String>,
}

/// Why a draft cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    Invalid(#[from] Invalid),
    #[error("nothing to render: the timeline is empty")]
    Empty,
}

/// Plans the render of `draft`. Text files are referenced under `workdir`.
pub fn build(
    draft: &Draft,
    media: &MediaMap,
    fonts: &dyn Fonts,
    settings: &RenderSettings,
    workdir: &Path,
) -> Result<Plan, PlanError> {
    draft.validate_media(|id| media.get(id).map(|m| m.probe.facts()))?;
    let duration = draft.duration();
    let fps = draft.canvas.fps;
    let frames = duration.to_frame(fps);
    if frames == 0 {
        return Err(PlanError::Empty);
    }
    let geo = Geometry::new(draft, settings);
    let mut inputs = Vec::new();
    let mut warnings = Vec::new();
    let mut g = graph::Graph::default();
    let seq = video::sequence(draft, media, &geo, frames, &mut inputs, &mut g);
    let texts = text::overlays(draft, &geo, fonts, workdir, &mut warnings);
    let mut tail: Vec<String> = texts.filters;
    tail.push(format!("trim=end_frame={frames}"));
    tail.push("setsar=1".into());
    tail.push("format=yuv420p".into());
    g.chain(&[&seq.label], &tail, "vout");
    let audio_items = audio::items(draft, media, &geo, &seq, &mut inputs);
    let total_samples = frames * SAMPLE_RATE / u64::from(fps);
    let audio_graph = audio::graph(draft, &audio_items, total_samples, &|i| i);
    let measure_graph = if audio_items.is_empty() {
        None
    } else {
        // The measuring pass opens only the inputs that carry sound.
        let used: Vec<usize> = (0..inputs.len()).filter(|&i| inputs[i].audio).collect();
        let remap = |i: usize| used.iter().position(|&u| u == i).expect("audio input is listed");
        Some(audio::graph(draft, &audio_items, total_samples, &remap))
    };
    Ok(Plan {
        width: geo.w,
        height: geo.h,
        fps,
        frames,
        duration,
        pieces: seq.pieces,
        inputs,
        video_graph: g.finish(),
        audio_graph,
        measure_graph,
        text_files: texts.files,
        fonts: texts.faces,
        encode: settings.encode(),
        loudness: settings.loudness,
        metadata: metadata(draft),
        warnings,
    })
}

/// The output frame: the canvas, scaled for previews and resolution overrides.
pub(crate) struct Geometry {
    pub w: u32,
    pub h: u32,
    pub fps: u32,
    /// Output pixels per canvas pixel.
    pub scale: f64,
    pub bg: cutroom_timeline::Color,
}

impl Geometry {
    fn new(draft: &Draft, settings: &RenderSettings) -> Geometry {
        let c = &draft.canvas;
        let short = c.w.min(c.h);
        let scale = settings.short_side().map_or(1.0, |s| f64::from(s) / f64::from(short));
        let even = |v: u32| (((f64::from(v) * scale) / 2.0).round() as u32 * 2).max(2);
        Geometry { w: even(c.w), h: even(c.h), fps: c.fps, scale, bg: c.bg }
    }

    /// Canvas pixels to output pixels.
    pub fn px(&self, v: f64) -> f64 {
        v * self.scale
    }

    pub fn secs(&self, frames: u64) -> f64 {
        frames as f64 / f64::from(self.fps)
    }
}

/// `0xRRGGBB@alpha`, as ffmpeg colour options read it.
pub(crate) fn color(c: cutroom_timeline::Color) -> String {
    format!("0x{:02x}{:02x}{:02x}@{}", c.r, c.g, c.b, escape::num((c.alpha() * 1000.0).round() / 1000.0))
}

/// Draft metadata keys written into the MP4's container tags.
const META_KEYS: &[&str] =
    &["title", "description", "comment", "keywords", "artist", "album", "genre", "copyright", "date", "synopsis"];

fn metadata(draft: &Draft) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for key in META_KEYS {
        let Some(v) = draft.m.get(*key) else { continue };
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(items) => items.iter().filter_map(|i| i.as_str()).collect::<Vec<_>>().join(", "),
            serde_json::Value::Number(n) => n.to_string(),
            _ => continue,
        };
        let clean: String =
            text.chars().filter(|c| !c.is_control() || *c == '\n').take(5000).collect::<String>().trim().to_string();
        if !clean.is_empty() {
            out.push((key.to_string(), clean));
        }
    }
    out
}

impl Plan {
    /// The full graph, with the loudness gain (dB) found by the measuring pass.
    pub fn graph(&self, gain_db: Option<f64>) -> String {
        format!("{};\n{};\n{}", self.video_graph, self.audio_graph, audio::tail(gain_db))
    }

    /// The audio-only graph that measures loudness, when there is any sound.
    pub fn measure_graph(&self) -> Option<String> {
        self.loudness?;
        let body = self.measure_graph.as_ref()?;
        // ebur128 measures integrated loudness and true peak in one cheap pass.
        Some(format!("{body};\n[mix]ebur128=peak=true:framelog=verbose[aout]"))
    }

    fn input_args(&self, only_audio: bool) -> Vec<OsString> {
        let mut args = Vec::new();
        for input in self.inputs.iter().filter(|i| !only_audio || i.audio) {
            if only_audio {
                // Do not even open the pictures.
                args.push("-vn".into());
            }
            args.extend(input.options.iter().map(OsString::from));
            args.push("-i".into());
            args.push(input.path.clone().into_os_string());
        }
        args
    }

    /// ffmpeg arguments for the render, reading the graph from `graph_file`.
    pub fn render_args(&self, graph_file: &Path, out: &Path) -> Vec<OsString> {
        let e = self.encode;
        let mut a: Vec<OsString> = ["-hide_banner", "-nostdin", "-y", "-v", "error", "-nostats", "-progress", "pipe:1"]
            .map(OsString::from)
            .to_vec();
        a.extend(self.input_args(false));
        a.push("-filter_complex_script".into());
        a.push(graph_file.as_os_str().to_owned());
        let fixed = [
            "-map",
            "[vout]",
            "-map",
            "[aout]",
            "-c:v",
            "libx264",
            "-preset",
            e.preset,
            "-pix_fmt",
            "yuv420p",
            "-profile:v",
            "high",
            "-c:a",
            "aac",
            "-ar",
            "48000",
            "-ac",
            "2",
            "-movflags",
            "+faststart",
        ];
        a.extend(fixed.map(OsString::from));
        a.extend(["-crf".into(), e.crf.to_string().into(), "-b:a".into(), format!("{}k", e.audio_kbps).into()]);
        for (k, v) in &self.metadata {
            a.push("-metadata".into());
            a.push(format!("{k}={v}").into());
        }
        a.extend(["-f", "mp4"].map(OsString::from));
        a.push(out.as_os_str().to_owned());
        a
    }

    /// ffmpeg arguments for the loudness measurement (audio only, no output file).
    pub fn measure_args(&self, graph_file: &Path) -> Vec<OsString> {
        let mut a: Vec<OsString> = ["-hide_banner", "-nostdin", "-v", "info", "-nostats"].map(OsString::from).to_vec();
        a.extend(self.input_args(true));
        a.push("-filter_complex_script".into());
        a.push(graph_file.as_os_str().to_owned());
        a.extend(["-map", "[aout]", "-f", "null", "-"].map(OsString::from));
        a
    }
}
