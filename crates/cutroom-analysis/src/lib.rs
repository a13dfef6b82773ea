//! Understanding footage: shot boundaries, per-shot quality and motion, colour, loudness,
//! silence and speech-like regions, tempo and beats, scene tags, and where the interest is
//! in the frame — computed from frames and samples streamed out of ffmpeg, with no model.

pub mod audio;
pub mod cache;
pub mod features;
pub mod motion;
pub mod palette;
pub mod report;
pub mod roi;
mod run;
pub mod shots;
pub mod tempo;

pub use audio::{AudioReport, Span};
pub use cache::{Cache, Cached, content_hash};
pub use report::{Analysis, Shot, Tags, TransitionInfo};
pub use roi::{CropSpan, RoiPoint, cover_fraction, crop_centre_at, crop_path, crop_spans, roi_at};
pub use run::{AnalysisError, Options, analyze, analyze_probed};
