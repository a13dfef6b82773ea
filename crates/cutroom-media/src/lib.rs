//! Media work for cutroom: probing files, planning a render (draft → ffmpeg filter graph,
//! pure and snapshot-tested), running it with progress, and generated media for tests.

mod error;
mod fonts;
pub mod plan;
pub mod probe;
mod render;
pub mod stream;
pub mod synth;

pub use error::MediaError;
pub use fonts::FontBook;
pub use plan::{MediaEntry, MediaMap, Quality, RenderSettings};
pub use probe::{Probe, ProbeError, probe};
pub use render::{Rendered, gain_from_ebur128, load_media, output_temp, render};

/// The bundled example draft: the reference timeline (see `examples/reference.json`).
pub const REFERENCE_DRAFT: &str = include_str!("../../../examples/reference.json");
