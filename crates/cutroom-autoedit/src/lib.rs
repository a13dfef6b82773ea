//! The automatic editor: a promo from footage (`promo`) — the best distinct shots, ordered
//! for a strong opening and a rising line, cut on the music's beats, reframed to the target
//! aspect, with a title, a call to action and the music under it — and re-edits of a draft
//! (`reedit`): scenes reordered, removed or repeated, dead air cut, pace and length changed,
//! cuts on the beat. Both make ordinary drafts. Pure: analyses and a beat grid in, a draft
//! out.

pub mod promo;
pub mod reedit;
pub mod shots;

pub use promo::{Music, Promo, PromoRequest, Tone, promo};
pub use reedit::{Order, Reedit, ReeditRequest, SceneInfo, clip_draft, reedit};
pub use shots::{Candidate, candidates};

use cutroom_analysis::Analysis;
use cutroom_timeline::Segment;

/// `ms` on the frame grid of `fps`.
pub(crate) fn frame(ms: u64, fps: u32) -> u64 {
    let f = 1000.0 / f64::from(fps.max(1));
    ((ms as f64 / f).round() * f).round() as u64
}

/// A music file's beats (ms of the file) as they fall on the timeline under `seg`, the
/// segment that plays it: those before its in-point dropped, the rest moved by its start
/// and speed.
pub fn beats_on_timeline(seg: &Segment, beats_ms: &[u64]) -> Vec<u64> {
    beats_ms
        .iter()
        .filter(|b| **b >= seg.src_in.0)
        .map(|b| seg.start.0 + ((b - seg.src_in.0) as f64 / seg.speed) as u64)
        .collect()
}

/// A footage file with its analysis.
#[derive(Clone, Debug)]
pub struct Source<'a> {
    /// The media id the draft refers to.
    pub id: String,
    pub analysis: &'a Analysis,
    pub has_audio: bool,
}

/// Why no edit could be made.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AutoEditError {
    #[error("there is no usable footage: every shot is black, blurred, shaky or too short")]
    NoFootage,
    #[error("the target length must be 3 s to 10 min, got {0} ms")]
    BadLength(u64),
    #[error("the draft has no scenes to re-edit: its video track is empty")]
    NoScenes,
    #[error("there is no scene {n}: the draft has {count}")]
    NoSuchScene { n: usize, count: usize },
    #[error("the planned draft is invalid: {0}")]
    Invalid(String),
}
