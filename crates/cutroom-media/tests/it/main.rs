//! Integration tests of probing and rendering: every render is decoded and measured.

mod audio;
mod bad_input;
mod picture;
mod plan_snapshots;
mod probe;
mod real_clips;
mod text;

use cutroom_media::{MediaEntry, MediaMap, Quality, RenderSettings, Rendered, probe as probe_file, render};
use cutroom_process::Cancel;
use cutroom_testkit::fixture;
use cutroom_timeline::*;
use std::path::{Path, PathBuf};

/// A solid-colour clip (320x180, 30 fps), optionally with a tone.
pub fn color_clip(color: &str, secs: f64, tone: Option<u32>) -> PathBuf {
    let v = format!("color=c={color}:s=320x180:r=30");
    let a = tone.map(|f| format!("sine=frequency={f}:sample_rate=48000"));
    fixture(&format!("{}.mp4", color.trim_start_matches("0x")), Some(&v), a.as_deref(), secs)
}

/// A colourful gradient clip with no black anywhere.
pub fn gradient_clip() -> PathBuf {
    fixture(
        "gradient.mp4",
        Some("gradients=s=320x180:r=30:c0=0xff8000:c1=0x0080ff:nb_colors=2:speed=0.01:seed=1"),
        None,
        3.0,
    )
}

/// Probes files into a media map keyed by the given ids.
pub fn media(entries: &[(&str, &Path)]) -> MediaMap {
    entries
        .iter()
        .map(|(id, p)| (id.to_string(), MediaEntry { path: p.to_path_buf(), probe: probe_file(p).expect("probe") }))
        .collect()
}

/// Settings for measuring: no loudness normalisation, so levels are as mixed.
pub fn as_mixed() -> RenderSettings {
    RenderSettings { loudness: None, ..RenderSettings::default() }
}

pub struct Out {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub rendered: Rendered,
}

pub fn render_ok(draft: &Draft, media: &MediaMap, settings: &RenderSettings) -> Out {
    let dir = cutroom_testkit::tempdir();
    let path = dir.path().join("out.mp4");
    let rendered = render(draft, media, settings, &path, &Cancel::new(), &mut |_| {})
        .unwrap_or_else(|e| panic!("render failed: {e}"));
    Out { _dir: dir, path, rendered }
}

/// A draft on a `w`×`h` canvas at 30 fps.
pub fn canvas(w: u32, h: u32) -> Draft {
    Draft { canvas: Canvas { w, h, fps: 30, bg: Color::BLACK }, ..Draft::default() }
}

pub fn video_track(segments: Vec<Segment>) -> Track {
    let mut t = Track::new(TrackType::Video);
    t.sg = segments;
    t
}

pub fn seg(src: &str, start: u64, d: u64) -> Segment {
    Segment::media(src, Ms(start), Ms(d))
}

pub fn cross(kind: TransitionKind, d: u64) -> Option<Transition> {
    Some(Transition { kind, d: Ms(d) })
}
