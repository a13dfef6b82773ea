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

/// A stretch of the picture that its own ffmpeg encodes (for drafts with many inputs).
#[derive(Clone, Debug)]
pub struct Chunk {
    pub inputs: Vec<Input>,
    graph: String,
    /// Where the chunk starts in the output, and how many frames it has.
    pub start_frame: u64,
    pub frames: u64,
}

impl Chunk {
    pub fn graph(&self) -> &str {
        &self.graph
    }
}

/// How a draft is rendered: one ffmpeg invocation, or (for drafts with many inputs) video
/// chunks, a sound pass and a join without re-encoding.
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
    /// Inputs of the single-pass render: pictures first, then sounds.
    pub inputs: Vec<Input>,
    video_graph: String,
    audio_graph: String,
    /// The sound over only the inputs that carry it (for measuring, and for chunked renders).
    audio_only: String,
    has_sound: bool,
    /// When not empty, the picture is rendered in these chunks.
    pub chunks: Vec<Chunk>,
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

/// Drafts with more picture inputs than this are rendered in chunks.
pub const CHUNK_ABOVE: usize = 8;
/// Picture inputs a chunk aims at (a run of transitions is never split, so it may hold more).
const CHUNK_INPUTS: usize = 6;

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
    let lay = video::layout(draft, media, &geo, frames, &mut inputs);
    let pictures = inputs.len();
    let audio_items = audio::items(draft, media, &geo, &lay.segments, &mut inputs);
    let total_samples = frames * SAMPLE_RATE / u64::from(fps);
    let audio_graph = audio::graph(draft, &audio_items, total_samples, &|i| i);
    let sounding: Vec<usize> = (0..inputs.len()).filter(|&i| inputs[i].audio).collect();
    let remap = |i: usize| sounding.iter().position(|&u| u == i).expect("audio input is listed");
    let audio_only = audio::graph(draft, &audio_items, total_samples, &remap);

    let mut text_files: Vec<TextFile> = Vec::new();
    let mut faces: Vec<PathBuf> = Vec::new();
    let mut picture = |pieces: &[video::PieceSpec], window: (u64, u64), local: &dyn Fn(usize) -> usize| {
        let mut g = graph::Graph::default();
        let label = video::emit(&mut g, draft, media, &geo, pieces, local);
        let texts = text::overlays(draft, &geo, fonts, workdir, &mut warnings, window);
        let mut tail = texts.filters;
        tail.extend([format!("trim=end_frame={}", window.1 - window.0), "setsar=1".into(), "format=yuv420p".into()]);
        g.chain(&[&label], &tail, "vout");
        for f in texts.files {
            if !text_files.iter().any(|t| t.name == f.name) {
                text_files.push(f);
            }
        }
        for face in texts.faces {
            if !faces.contains(&face) {
                faces.push(face);
            }
        }
        g.finish()
    };
    let mut chunks = Vec::new();
    let mut video_graph = String::new();
    if pictures > CHUNK_ABOVE {
        for range in chunk_ranges(&lay.pieces) {
            let pieces = &lay.pieces[range];
            let own: Vec<usize> = pieces.iter().filter_map(|p| p.input).collect();
            let local = |i: usize| own.iter().position(|&o| o == i).expect("chunk input");
            let start = pieces[0].start_frame;
            let end = pieces.last().map_or(start, |p| p.start_frame + p.frames);
            let graph = picture(pieces, (start, end), &local);
            let chunk_inputs = video::picture_inputs(own.iter().map(|&i| Input { audio: false, ..inputs[i].clone() }));
            chunks.push(Chunk { inputs: chunk_inputs, graph, start_frame: start, frames: end - start });
        }
    } else {
        video_graph = picture(&lay.pieces, (0, frames), &|i| i);
        let capped = video::picture_inputs(inputs[..pictures].iter().cloned());
        inputs.splice(..pictures, capped);
    }
    Ok(Plan {
        width: geo.w,
        height: geo.h,
        fps,
        frames,
        duration,
        pieces: lay.pieces.len(),
        inputs,
        video_graph,
        audio_graph,
        audio_only,
        has_sound: !audio_items.is_empty(),
        chunks,
        text_files,
        fonts: faces,
        encode: settings.encode(),
        loudness: settings.loudness,
        metadata: metadata(draft),
        warnings,
    })
}

/// Splits the pieces into chunks of about [`CHUNK_INPUTS`] inputs, only at hard cuts.
fn chunk_ranges(pieces: &[video::PieceSpec]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut count) = (0, 0);
    for (k, p) in pieces.iter().enumerate() {
        count += usize::from(p.input.is_some());
        if p.join.is_none() && count >= CHUNK_INPUTS {
            ranges.push(start..k + 1);
            (start, count) = (k + 1, 0);
        }
    }
    if start < pieces.len() {
        ranges.push(start..pieces.len());
    }
    ranges
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
    /// The single-pass graph, with the loudness gain (dB) found by the measuring pass.
    pub fn graph(&self, gain_db: Option<f64>) -> String {
        format!("{};\n{};\n{}", self.video_graph, self.audio_graph, audio::tail(gain_db))
    }

    /// The audio-only graph that measures loudness, when there is sound to measure.
    pub fn measure_graph(&self) -> Option<String> {
        self.loudness?;
        // ebur128 measures integrated loudness and true peak in one cheap pass.
        self.has_sound.then(|| format!("{};\n[mix]ebur128=peak=true:framelog=verbose[aout]", self.audio_only))
    }

    /// The audio-only graph that makes the sound of a chunked render.
    pub fn sound_graph(&self, gain_db: Option<f64>) -> String {
        format!("{};\n{}", self.audio_only, audio::tail(gain_db))
    }

    fn args_for(inputs: &[Input], only_audio: bool) -> Vec<OsString> {
        let mut args = Vec::new();
        for input in inputs.iter().filter(|i| !only_audio || i.audio) {
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

    fn head(progress: bool) -> Vec<OsString> {
        let mut a: Vec<OsString> =
            ["-hide_banner", "-nostdin", "-y", "-v", "error", "-nostats"].map(OsString::from).to_vec();
        if progress {
            a.extend(["-progress", "pipe:1"].map(OsString::from));
        }
        a
    }

    fn video_codec(&self) -> Vec<OsString> {
        let e = self.encode;
        let mut a: Vec<OsString> =
            ["-c:v", "libx264", "-preset", e.preset, "-pix_fmt", "yuv420p", "-profile:v", "high", "-crf"]
                .map(OsString::from)
                .to_vec();
        a.push(e.crf.to_string().into());
        a
    }

    fn audio_codec(&self) -> Vec<OsString> {
        let kbps = format!("{}k", self.encode.audio_kbps);
        ["-c:a", "aac", "-ar", "48000", "-ac", "2", "-b:a", &kbps].map(OsString::from).to_vec()
    }

    fn finish_mp4(&self, a: &mut Vec<OsString>, out: &Path) {
        a.extend(["-movflags", "+faststart"].map(OsString::from));
        for (k, v) in &self.metadata {
            a.push("-metadata".into());
            a.push(format!("{k}={v}").into());
        }
        a.extend(["-f", "mp4"].map(OsString::from));
        a.push(out.as_os_str().to_owned());
    }

    /// ffmpeg arguments for the single-pass render, reading the graph from `graph_file`.
    pub fn render_args(&self, graph_file: &Path, out: &Path) -> Vec<OsString> {
        let mut a = Plan::head(true);
        a.extend(Plan::args_for(&self.inputs, false));
        a.push("-filter_complex_script".into());
        a.push(graph_file.as_os_str().to_owned());
        a.extend(["-map", "[vout]", "-map", "[aout]"].map(OsString::from));
        a.extend(self.video_codec());
        a.extend(self.audio_codec());
        self.finish_mp4(&mut a, out);
        a
    }

    /// ffmpeg arguments for the loudness measurement (audio only, no output file).
    pub fn measure_args(&self, graph_file: &Path) -> Vec<OsString> {
        let mut a: Vec<OsString> = ["-hide_banner", "-nostdin", "-v", "info", "-nostats"].map(OsString::from).to_vec();
        a.extend(Plan::args_for(&self.inputs, true));
        a.push("-filter_complex_script".into());
        a.push(graph_file.as_os_str().to_owned());
        a.extend(["-map", "[aout]", "-f", "null", "-"].map(OsString::from));
        a
    }

    /// ffmpeg arguments that encode chunk `i`'s picture (no sound) to `out`.
    pub fn chunk_args(&self, i: usize, graph_file: &Path, out: &Path) -> Vec<OsString> {
        let mut a = Plan::head(true);
        a.extend(Plan::args_for(&self.chunks[i].inputs, false));
        a.push("-filter_complex_script".into());
        a.push(graph_file.as_os_str().to_owned());
        a.extend(["-map", "[vout]", "-an"].map(OsString::from));
        a.extend(self.video_codec());
        a.extend(["-f", "mp4"].map(OsString::from));
        a.push(out.as_os_str().to_owned());
        a
    }

    /// ffmpeg arguments that encode a chunked render's sound to `out` (AAC in MP4).
    pub fn sound_args(&self, graph_file: &Path, out: &Path) -> Vec<OsString> {
        let mut a = Plan::head(false);
        a.extend(Plan::args_for(&self.inputs, true));
        a.push("-filter_complex_script".into());
        a.push(graph_file.as_os_str().to_owned());
        a.extend(["-map", "[aout]", "-vn"].map(OsString::from));
        a.extend(self.audio_codec());
        a.extend(["-f", "mp4"].map(OsString::from));
        a.push(out.as_os_str().to_owned());
        a
    }

    /// ffmpeg arguments that join the chunks listed in `list_file` with the sound, copying
    /// both (nothing is encoded again).
    pub fn join_args(&self, list_file: &Path, sound: &Path, out: &Path) -> Vec<OsString> {
        let mut a = Plan::head(false);
        a.extend(["-f", "concat", "-safe", "0", "-i"].map(OsString::from));
        a.push(list_file.as_os_str().to_owned());
        a.push("-i".into());
        a.push(sound.as_os_str().to_owned());
        a.extend(["-map", "0:v", "-map", "1:a", "-c", "copy"].map(OsString::from));
        self.finish_mp4(&mut a, out);
        a
    }
}

/// The concat demuxer's list of chunk files.
pub fn concat_list(files: &[PathBuf]) -> String {
    files.iter().map(|f| format!("file '{}'\n", f.to_string_lossy().replace('\'', "'\\''"))).collect()
}
