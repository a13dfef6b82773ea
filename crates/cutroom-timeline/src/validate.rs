//! Validation of drafts: structural rules, and rules that need the media's facts.
//! Every problem names the field it is about: `t[0].sg[2].d: must be > 0`.

use crate::model::*;
use crate::time::Ms;
use std::fmt;

/// The longest timeline accepted (4 hours).
pub const MAX_DURATION: Ms = Ms(4 * 3600 * 1000);
/// Tracks per draft.
pub const MAX_TRACKS: usize = 64;
/// Segments per track.
pub const MAX_SEGMENTS: usize = 5000;
/// Canvas edge limits (4K fits).
pub const MIN_EDGE: u32 = 16;
pub const MAX_EDGE: u32 = 4096;
/// Speed limits.
pub const MIN_SPEED: f64 = 0.25;
pub const MAX_SPEED: f64 = 4.0;
/// Volume limit (4 = +12 dB).
pub const MAX_VOLUME: f64 = 4.0;
/// Text limits.
pub const MAX_TEXT_CHARS: usize = 2000;
pub const MAX_TEXT_LINES: usize = 20;
/// Slack allowed between a segment's end and its source's end (rounding, frame timing).
pub const SOURCE_SLACK: Ms = Ms(50);

/// One problem, at a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub path: String,
    pub message: String,
}

impl Issue {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Issue {
        Issue { path: path.into(), message: message.into() }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

impl std::error::Error for Issue {}

/// All the problems found in a draft (never empty).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Invalid(pub Vec<Issue>);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, issue) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{issue}")?;
        }
        Ok(())
    }
}

/// Formats a deserialisation path the way validation paths read: `t[0].sg[2].d`.
pub fn format_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment as P;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            P::Seq { index } => out.push_str(&format!("[{index}]")),
            P::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            P::Enum { .. } => {}
            P::Unknown => out.push_str(".?"),
        }
    }
    out
}

struct Report(Vec<Issue>);

impl Report {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Issue::new(path, message));
    }
    fn check(&mut self, ok: bool, path: impl FnOnce() -> String, message: impl FnOnce() -> String) {
        if !ok {
            self.add(path(), message());
        }
    }
    fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() { Ok(()) } else { Err(Invalid(self.0)) }
    }
}

fn in_range(v: f64, lo: f64, hi: f64) -> bool {
    v.is_finite() && v >= lo && v <= hi
}

/// Whether a media id is acceptable: a relative name without `..`, controls or backslashes.
pub fn check_media_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("must not be empty".into());
    }
    if id.len() > 256 {
        return Err("is longer than 256 bytes".into());
    }
    if id.chars().any(|c| c.is_control() || c == '\\') {
        return Err("contains control characters or backslashes".into());
    }
    if id.starts_with('/') || id.split('/').any(|part| part == ".." || part.is_empty()) {
        return Err(format!("'{id}' must be a relative media id without '..' or empty parts"));
    }
    Ok(())
}

impl Draft {
    /// Checks everything that can be checked without the media. Returns every problem found.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut r = Report(Vec::new());
        if self.v != SCHEMA_VERSION {
            r.add("v", format!("unsupported schema version {} (this cutroom reads {SCHEMA_VERSION})", self.v));
        }
        check_canvas(&self.canvas, &mut r);
        if self.t.len() > MAX_TRACKS {
            r.add("t", format!("has {} tracks; the limit is {MAX_TRACKS}", self.t.len()));
        }
        let mut seen_video = false;
        for (ti, track) in self.t.iter().enumerate() {
            if track.tt == TrackType::Video {
                r.check(
                    !seen_video,
                    || format!("t[{ti}].tt"),
                    || "only one video track is supported; put further clips on the first one".into(),
                );
                seen_video = true;
            }
            check_track(ti, track, self.canvas.fps, &mut r);
        }
        let total = self.duration();
        r.check(
            total <= MAX_DURATION,
            || "t".into(),
            || format!("the timeline is {total} long; the limit is {MAX_DURATION}"),
        );
        r.finish()
    }

    /// Checks the draft against the facts of the media it uses (existence, kinds, lengths),
    /// after the structural checks.
    pub fn validate_media(&self, facts: impl Fn(&str) -> Option<MediaFacts>) -> Result<(), Invalid> {
        self.validate()?;
        let mut r = Report(Vec::new());
        for (ti, track) in self.t.iter().enumerate() {
            for (si, seg) in track.sg.iter().enumerate() {
                let Some(src) = &seg.src else { continue };
                let at = |field: &str| format!("t[{ti}].sg[{si}].{field}");
                let Some(f) = facts(src) else {
                    r.add(at("src"), format!("media '{src}' not found"));
                    continue;
                };
                match (track.tt, f.kind) {
                    (TrackType::Video, MediaKind::Audio) => {
                        r.add(at("src"), format!("'{src}' is audio only; put it on an audio track (tt 1)"))
                    }
                    (TrackType::Audio, MediaKind::Image) => {
                        r.add(at("src"), format!("'{src}' is a still image; it has no sound"))
                    }
                    (TrackType::Audio, _) if !f.has_audio => r.add(at("src"), format!("'{src}' has no audio stream")),
                    _ => {}
                }
                if let (Some(m), false) = (&seg.motion, f.kind == MediaKind::Image) {
                    if m.zoom_from != m.zoom_to {
                        r.add(at("motion"), "on video, motion pans at one zoom: zoom_from and zoom_to must match");
                    }
                    if seg.fit != Fit::Cover {
                        r.add(at("motion"), "on video, motion pans the cover crop: it needs fit \"cover\"");
                    }
                }
                if let Some(len) = f.duration {
                    let needed = seg.src_in + seg.src_len();
                    if seg.src_in >= len {
                        r.add(at("in"), format!("starts at {} but '{src}' is only {len} long", seg.src_in));
                    } else if needed > len + SOURCE_SLACK {
                        r.add(
                            at("d"),
                            format!(
                                "needs source up to {needed} (in {} + {} at {}×) but '{src}' is {len} long",
                                seg.src_in,
                                seg.src_len(),
                                seg.speed
                            ),
                        );
                    }
                }
            }
        }
        r.finish()
    }
}

fn check_canvas(c: &Canvas, r: &mut Report) {
    for (name, v) in [("w", c.w), ("h", c.h)] {
        r.check(
            (MIN_EDGE..=MAX_EDGE).contains(&v) && v.is_multiple_of(2),
            || format!("canvas.{name}"),
            || format!("must be an even number of pixels from {MIN_EDGE} to {MAX_EDGE}, got {v}"),
        );
    }
    r.check(
        (1..=120).contains(&c.fps) && 48_000u32.is_multiple_of(c.fps),
        || "canvas.fps".into(),
        || format!("must divide 48000 and be at most 120 (24, 25, 30, 50, 60, …), got {}", c.fps),
    );
}

fn check_track(ti: usize, track: &Track, fps: u32, r: &mut Report) {
    let tp = format!("t[{ti}]");
    if track.sg.len() > MAX_SEGMENTS {
        r.add(format!("{tp}.sg"), format!("has {} segments; the limit is {MAX_SEGMENTS}", track.sg.len()));
        return;
    }
    if track.duck.is_some() && track.tt != TrackType::Audio {
        r.add(format!("{tp}.duck"), "ducking applies to audio tracks only");
    }
    if let Some(duck) = &track.duck {
        r.check(
            in_range(duck.amount_db, 1.0, 40.0),
            || format!("{tp}.duck.amount_db"),
            || format!("must be 1–40 dB, got {}", duck.amount_db),
        );
        r.check(
            in_range(duck.threshold_db, -60.0, 0.0),
            || format!("{tp}.duck.threshold_db"),
            || format!("must be −60–0 dBFS, got {}", duck.threshold_db),
        );
        r.check(
            duck.attack_ms <= 5000 && duck.release_ms <= 10_000 && duck.attack_ms > 0,
            || format!("{tp}.duck"),
            || "attack must be 1–5000 ms and release at most 10000 ms".into(),
        );
    }
    let frame = Ms::frame_len(fps);
    for (si, seg) in track.sg.iter().enumerate() {
        let at = |field: &str| format!("{tp}.sg[{si}].{field}");
        check_segment_common(seg, frame, &at, r);
        match track.tt {
            TrackType::Video => check_media_segment(seg, &at, r, true),
            TrackType::Audio => check_media_segment(seg, &at, r, false),
            TrackType::Text => check_text_segment(seg, &at, r),
        }
        if track.tt != TrackType::Video {
            r.check(
                seg.transition.is_none(),
                || at("transition"),
                || "transitions apply to video segments only".into(),
            );
        }
    }
    if track.tt == TrackType::Video {
        check_sequence(&tp, track, frame, r);
    }
}

fn check_segment_common(seg: &Segment, frame: Ms, at: &dyn Fn(&str) -> String, r: &mut Report) {
    if seg.d.is_zero() {
        r.add(at("d"), "must be > 0");
    } else if seg.d < frame {
        r.add(at("d"), format!("must be at least one frame ({} ms), got {} ms", frame.0, seg.d.0));
    }
    r.check(seg.end() <= MAX_DURATION, || at("start"), || format!("ends after the {MAX_DURATION} limit"));
    r.check(
        seg.fade_in + seg.fade_out <= seg.d,
        || at("fade_out"),
        || {
            format!(
                "fade in ({} ms) plus fade out ({} ms) exceed the duration ({} ms)",
                seg.fade_in.0, seg.fade_out.0, seg.d.0
            )
        },
    );
}

fn check_media_segment(seg: &Segment, at: &dyn Fn(&str) -> String, r: &mut Report, video: bool) {
    match &seg.src {
        None => r.add(at("src"), "a media segment needs a source media id"),
        Some(id) => {
            if let Err(e) = check_media_id(id) {
                r.add(at("src"), e);
            }
        }
    }
    r.check(
        in_range(seg.speed, MIN_SPEED, MAX_SPEED),
        || at("speed"),
        || format!("must be {MIN_SPEED}–{MAX_SPEED}, got {}", seg.speed),
    );
    r.check(
        in_range(seg.volume, 0.0, MAX_VOLUME),
        || at("volume"),
        || format!("must be 0–{MAX_VOLUME}, got {}", seg.volume),
    );
    r.check(seg.text.is_none(), || at("text"), || "only text segments (tt 7) carry text".into());
    r.check(seg.style.is_none(), || at("style"), || "only text segments (tt 7) have a style".into());
    if video {
        if let Some(p) = &seg.focus {
            check_point(p, &at("focus"), r);
        }
        if let Some(m) = &seg.motion {
            for (name, z) in [("zoom_from", m.zoom_from), ("zoom_to", m.zoom_to)] {
                r.check(in_range(z, 1.0, 4.0), || at(&format!("motion.{name}")), || format!("must be 1–4, got {z}"));
            }
            check_point(&m.from, &at("motion.from"), r);
            check_point(&m.to, &at("motion.to"), r);
        }
    } else {
        r.check(seg.fit == Fit::Cover, || at("fit"), || "fit applies to video segments only".into());
        r.check(seg.focus.is_none(), || at("focus"), || "focus applies to video segments only".into());
        r.check(seg.motion.is_none(), || at("motion"), || "motion applies to video segments only".into());
    }
}

fn check_point(p: &Point, path: &str, r: &mut Report) {
    r.check(
        in_range(p.x, 0.0, 1.0) && in_range(p.y, 0.0, 1.0),
        || path.to_string(),
        || format!("x and y must be 0–1, got ({}, {})", p.x, p.y),
    );
}

fn check_text_segment(seg: &Segment, at: &dyn Fn(&str) -> String, r: &mut Report) {
    match &seg.text {
        None => r.add(at("text"), "a text segment needs text"),
        Some(t) if t.trim().is_empty() => r.add(at("text"), "must not be empty"),
        Some(t) => {
            let chars = t.chars().count();
            r.check(
                chars <= MAX_TEXT_CHARS,
                || at("text"),
                || format!("has {chars} characters; the limit is {MAX_TEXT_CHARS}"),
            );
            let lines = t.lines().count();
            r.check(
                lines <= MAX_TEXT_LINES,
                || at("text"),
                || format!("has {lines} lines; the limit is {MAX_TEXT_LINES}"),
            );
        }
    }
    r.check(seg.src.is_none(), || at("src"), || "text segments have no source media".into());
    r.check(seg.src_in.is_zero(), || at("in"), || "text segments have no source in-point".into());
    r.check(seg.speed == 1.0, || at("speed"), || "text segments have no speed".into());
    r.check(seg.volume == 1.0, || at("volume"), || "text segments have no volume".into());
    r.check(
        seg.fit == Fit::Cover && seg.focus.is_none() && seg.motion.is_none(),
        || at("fit"),
        || "fit, focus and motion apply to video segments only".into(),
    );
    if let Some(s) = &seg.style {
        r.check((4..=1000).contains(&s.size), || at("style.size"), || format!("must be 4–1000 px, got {}", s.size));
        r.check(
            in_range(s.margin, 0.0, 0.45),
            || at("style.margin"),
            || format!("must be 0–0.45 of the canvas's shorter side, got {}", s.margin),
        );
        r.check(
            !s.font.trim().is_empty() && s.font.len() <= 100,
            || at("style.font"),
            || "must name a font family".into(),
        );
        if let Some(b) = &s.bg {
            r.check(b.pad <= 500, || at("style.box.pad"), || "must be at most 500 px".into());
        }
        if let Some(sh) = &s.shadow {
            r.check(
                sh.x.abs() <= 100 && sh.y.abs() <= 100,
                || at("style.shadow"),
                || "offsets must be within ±100 px".into(),
            );
        }
        if let Some(o) = &s.outline {
            r.check(o.w <= 50, || at("style.outline.w"), || "must be at most 50 px".into());
        }
    }
}

/// Video segments play in sequence: ordered, not overlapping, except that a transition
/// overlaps its two segments by exactly its duration.
fn check_sequence(tp: &str, track: &Track, frame: Ms, r: &mut Report) {
    let sg = &track.sg;
    for (i, seg) in sg.iter().enumerate() {
        let at = |field: &str| format!("{tp}.sg[{i}].{field}");
        let incoming = if i > 0 { sg[i - 1].transition_len() } else { Ms::ZERO };
        if let Some(tr) = &seg.transition {
            let Some(next) = sg.get(i + 1) else {
                r.add(at("transition"), "the last segment has no next segment to transition to");
                continue;
            };
            if tr.d.is_zero() {
                r.add(at("transition.d"), "must be > 0 (remove the transition for a hard cut)");
            } else if tr.d < frame {
                r.add(at("transition.d"), format!("must be at least one frame ({} ms)", frame.0));
            }
            if tr.d + incoming > seg.d {
                r.add(
                    at("transition.d"),
                    format!(
                        "{} ms plus the incoming transition ({} ms) exceed the segment ({} ms)",
                        tr.d.0, incoming.0, seg.d.0
                    ),
                );
            }
            if tr.d > next.d {
                r.add(at("transition.d"), format!("{} ms is longer than the next segment ({} ms)", tr.d.0, next.d.0));
            }
        }
        if i > 0 {
            let prev = &sg[i - 1];
            let expected = prev.end().saturating_sub(incoming);
            if incoming > Ms::ZERO {
                r.check(
                    seg.start == expected,
                    || at("start"),
                    || {
                        format!(
                            "must be {} ms: the {} ms transition from sg[{}] overlaps it; got {} ms",
                            expected.0,
                            incoming.0,
                            i - 1,
                            seg.start.0
                        )
                    },
                );
            } else {
                r.check(
                    seg.start >= prev.end(),
                    || at("start"),
                    || {
                        format!(
                            "{} ms overlaps sg[{}], which ends at {} ms (video segments play in sequence)",
                            seg.start.0,
                            i - 1,
                            prev.end().0
                        )
                    },
                );
            }
        }
    }
}
