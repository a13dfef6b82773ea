//! Typed edit operations: each takes a draft and produces the next version.
//!
//! Operations keep the draft valid by construction: edits on the video track
//! ripple (later segments move so the track stays in sequence), transitions
//! are shortened when the segments around them shrink, and arguments outside
//! their ranges are refused with a message that says why. `apply` checks the
//! result once more with [`Draft::validate`] as a safety net.

mod look;
mod segments;
mod text;
mod tracks;

use crate::color::Color;
use crate::model::*;
use crate::time::Ms;
use crate::validate::Invalid;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One edit. `track` and `seg` are indices into `t` and `t[track].sg`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum EditOp {
    /// Add an empty track at the end.
    AddTrack {
        tt: TrackType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// `bgm`, `voice`, `title`, `captions`, …
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    /// Remove a track and everything on it.
    RemoveTrack { track: usize },
    /// Add a segment. On the video track it is inserted at sequence position `at`
    /// (default: the end) and later segments ripple; elsewhere it goes at its `start`.
    AddSegment {
        track: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<usize>,
        segment: Segment,
    },
    /// Remove a segment (the video track closes the gap).
    RemoveSegment { track: usize, seg: usize },
    /// Insert a copy of a segment right after it.
    DuplicateSegment { track: usize, seg: usize },
    /// Move an audio or text segment to a new start time.
    MoveSegment { track: usize, seg: usize, start: Ms },
    /// Put the video track's segments in a new order: `order[k]` is the old index of the new k-th.
    Reorder { track: usize, order: Vec<usize> },
    /// Cut `head` ms off the start and `tail` ms off the end (negative values extend).
    Trim {
        track: usize,
        seg: usize,
        #[serde(default)]
        head: i64,
        #[serde(default)]
        tail: i64,
    },
    /// Set a segment's duration on the timeline, keeping its start and in-point.
    SetDuration { track: usize, seg: usize, d: Ms },
    /// Split a segment in two at timeline time `at`.
    Split { track: usize, seg: usize, at: Ms },
    /// Change playback speed, keeping the same source material (so the duration changes).
    Speed {
        track: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seg: Option<usize>,
        speed: f64,
    },
    /// Set the volume of one segment, or of the whole track when `seg` is absent.
    Volume {
        track: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seg: Option<usize>,
        volume: f64,
    },
    /// Set fade in and/or fade out.
    Fade {
        track: usize,
        seg: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fade_in: Option<Ms>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fade_out: Option<Ms>,
    },
    /// Set (or with `null` remove) the transition after one segment, or after every
    /// segment but the last when `seg` is absent. Too-long transitions are shortened to fit.
    Transition {
        track: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seg: Option<usize>,
        transition: Option<Transition>,
    },
    /// Set how one or all video segments fill the canvas.
    Fit {
        track: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seg: Option<usize>,
        fit: Fit,
    },
    /// Set the point of a video segment to keep in frame when cropping.
    Focus { track: usize, seg: usize, focus: Option<Point> },
    /// Set (or remove) a still's zoom/pan.
    Motion { track: usize, seg: usize, motion: Option<Motion> },
    /// Add a text overlay, on `track` or on the first text track (created if needed).
    AddText {
        text: String,
        start: Ms,
        d: Ms,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        style: Option<TextStyle>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        track: Option<usize>,
    },
    /// Change a text segment's words and/or style.
    EditText {
        track: usize,
        seg: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        style: Option<TextStyle>,
    },
    /// Change the canvas size, frame rate or background.
    Canvas {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        w: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        h: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fps: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bg: Option<Color>,
    },
    /// Set (or remove) ducking on an audio track.
    Duck { track: usize, duck: Option<Duck> },
    /// Set (or with `null` remove) a draft metadata key.
    SetMeta { key: String, value: Option<serde_json::Value> },
}

impl EditOp {
    /// The operation's name as it appears in JSON (`op`).
    pub fn name(&self) -> &'static str {
        match self {
            EditOp::AddTrack { .. } => "add_track",
            EditOp::RemoveTrack { .. } => "remove_track",
            EditOp::AddSegment { .. } => "add_segment",
            EditOp::RemoveSegment { .. } => "remove_segment",
            EditOp::DuplicateSegment { .. } => "duplicate_segment",
            EditOp::MoveSegment { .. } => "move_segment",
            EditOp::Reorder { .. } => "reorder",
            EditOp::Trim { .. } => "trim",
            EditOp::SetDuration { .. } => "set_duration",
            EditOp::Split { .. } => "split",
            EditOp::Speed { .. } => "speed",
            EditOp::Volume { .. } => "volume",
            EditOp::Fade { .. } => "fade",
            EditOp::Transition { .. } => "transition",
            EditOp::Fit { .. } => "fit",
            EditOp::Focus { .. } => "focus",
            EditOp::Motion { .. } => "motion",
            EditOp::AddText { .. } => "add_text",
            EditOp::EditText { .. } => "edit_text",
            EditOp::Canvas { .. } => "canvas",
            EditOp::Duck { .. } => "duck",
            EditOp::SetMeta { .. } => "set_meta",
        }
    }
}

/// Why an edit was not applied. The draft is unchanged either way.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EditError {
    /// The arguments do not fit the draft (a missing segment, a value out of range, …).
    #[error("{op}: {message}")]
    Rejected { op: &'static str, message: String },
    /// The edit would leave the draft invalid (content supplied by the caller is wrong).
    #[error("{op}: {issues}")]
    Invalid { op: &'static str, issues: Invalid },
}

pub(crate) type OpResult = Result<(), String>;

/// Applies one edit, returning the new draft.
pub fn apply(draft: &Draft, op: &EditOp) -> Result<Draft, EditError> {
    let mut next = draft.clone();
    let name = op.name();
    apply_in_place(&mut next, op).map_err(|message| EditError::Rejected { op: name, message })?;
    next.validate().map_err(|issues| EditError::Invalid { op: name, issues })?;
    Ok(next)
}

/// Applies several edits in order, all or nothing.
pub fn apply_all(draft: &Draft, ops: &[EditOp]) -> Result<Draft, EditError> {
    let mut next = draft.clone();
    for op in ops {
        next = apply(&next, op)?;
    }
    Ok(next)
}

fn apply_in_place(d: &mut Draft, op: &EditOp) -> OpResult {
    match op {
        EditOp::AddTrack { tt, name, role } => tracks::add_track(d, *tt, name, role),
        EditOp::RemoveTrack { track } => tracks::remove_track(d, *track),
        EditOp::AddSegment { track, at, segment } => segments::add(d, *track, *at, segment),
        EditOp::RemoveSegment { track, seg } => segments::remove(d, *track, *seg),
        EditOp::DuplicateSegment { track, seg } => segments::duplicate(d, *track, *seg),
        EditOp::MoveSegment { track, seg, start } => segments::move_to(d, *track, *seg, *start),
        EditOp::Reorder { track, order } => segments::reorder(d, *track, order),
        EditOp::Trim { track, seg, head, tail } => segments::trim(d, *track, *seg, *head, *tail),
        EditOp::SetDuration { track, seg, d: dur } => {
            let old = seg_ref(d, *track, *seg)?.d;
            segments::trim(d, *track, *seg, 0, old.0 as i64 - dur.0 as i64)
        }
        EditOp::Split { track, seg, at } => segments::split(d, *track, *seg, *at),
        EditOp::Speed { track, seg, speed } => look::speed(d, *track, *seg, *speed),
        EditOp::Volume { track, seg, volume } => look::volume(d, *track, *seg, *volume),
        EditOp::Fade { track, seg, fade_in, fade_out } => look::fade(d, *track, *seg, *fade_in, *fade_out),
        EditOp::Transition { track, seg, transition } => look::transition(d, *track, *seg, transition),
        EditOp::Fit { track, seg, fit } => look::fit(d, *track, *seg, *fit),
        EditOp::Focus { track, seg, focus } => look::focus(d, *track, *seg, *focus),
        EditOp::Motion { track, seg, motion } => look::motion(d, *track, *seg, motion),
        EditOp::AddText { text, start, d: dur, style, track } => text::add(d, text, *start, *dur, style, *track),
        EditOp::EditText { track, seg, text, style } => text::edit(d, *track, *seg, text, style),
        EditOp::Canvas { w, h, fps, bg } => look::canvas(d, *w, *h, *fps, *bg),
        EditOp::Duck { track, duck } => tracks::duck(d, *track, duck),
        EditOp::SetMeta { key, value } => tracks::set_meta(d, key, value),
    }
}

// ---- shared helpers ----

pub(crate) fn track_ref(d: &Draft, track: usize) -> Result<&Track, String> {
    d.t.get(track).ok_or_else(|| no_track(d, track))
}

pub(crate) fn track_mut(d: &mut Draft, track: usize) -> Result<&mut Track, String> {
    let n = d.t.len();
    d.t.get_mut(track).ok_or_else(|| format!("there is no track {track} (the draft has {n})"))
}

fn no_track(d: &Draft, track: usize) -> String {
    format!("there is no track {track} (the draft has {})", d.t.len())
}

pub(crate) fn seg_ref(d: &Draft, track: usize, seg: usize) -> Result<&Segment, String> {
    let t = track_ref(d, track)?;
    t.sg.get(seg).ok_or_else(|| no_seg(track, seg, t.sg.len()))
}

pub(crate) fn no_seg(track: usize, seg: usize, n: usize) -> String {
    format!("track {track} has no segment {seg} (it has {n})")
}

/// The indices an op addresses: one segment, or all of them.
pub(crate) fn targets(t: &Track, track: usize, seg: Option<usize>) -> Result<Vec<usize>, String> {
    match seg {
        Some(s) if s < t.sg.len() => Ok(vec![s]),
        Some(s) => Err(no_seg(track, s, t.sg.len())),
        None if t.sg.is_empty() => Err(format!("track {track} has no segments")),
        None => Ok((0..t.sg.len()).collect()),
    }
}

pub(crate) fn check_len(d: Ms, fps: u32) -> OpResult {
    let frame = Ms::frame_len(fps);
    if d < frame {
        return Err(format!("the result would be {} ms, shorter than one frame ({} ms)", d.0, frame.0));
    }
    Ok(())
}

/// Checks caller-supplied segment content on its own, with the validator's rules, so a bad
/// segment is refused up front with the validator's message.
pub(crate) fn check_content(canvas: &Canvas, tt: TrackType, seg: &Segment) -> OpResult {
    let mut alone = seg.clone();
    alone.start = Ms::ZERO;
    alone.transition = None;
    let mut t = Track::new(tt);
    t.sg.push(alone);
    let probe = Draft { canvas: canvas.clone(), t: vec![t], ..Draft::default() };
    probe.validate().map_err(|e| e.to_string().replace("t[0].sg[0].", "segment "))
}

/// Keeps fades inside the segment after its duration changed.
pub(crate) fn clamp_fades(s: &mut Segment) {
    if s.fade_in + s.fade_out > s.d {
        s.fade_in = s.fade_in.min(s.d);
        s.fade_out = s.d - s.fade_in;
    }
}

/// Restores the video track's invariants after an edit: segments in sequence from the
/// track's `origin`, transitions short enough for the segments around them, none after
/// the last. Gaps are closed (edits on the video track ripple).
pub(crate) fn relayout(track: &mut Track, origin: Ms, fps: u32) {
    let frame = Ms::frame_len(fps);
    let n = track.sg.len();
    for i in 0..n {
        let incoming = if i > 0 { track.sg[i - 1].transition_len() } else { Ms::ZERO };
        let next_d = track.sg.get(i + 1).map(|s| s.d);
        let seg = &mut track.sg[i];
        if let Some(tr) = &mut seg.transition {
            match next_d {
                None => seg.transition = None,
                Some(next_d) => {
                    let max = seg.d.saturating_sub(incoming).min(next_d);
                    if tr.d > max {
                        tr.d = max;
                    }
                    if tr.d < frame {
                        seg.transition = None;
                    }
                }
            }
        }
    }
    let mut at = origin;
    for seg in &mut track.sg {
        seg.start = at;
        at = seg.end().saturating_sub(seg.transition_len());
    }
}

/// Keeps an overlay track's segments ordered by start.
pub(crate) fn sort_by_start(track: &mut Track) {
    track.sg.sort_by_key(|s| s.start);
}
