//! The cutroom draft: the timeline model, its JSON form and schema, validation, typed edits,
//! undo/redo and the one-line summary. Pure: no I/O, no processes, no clocks.

pub mod color;
pub mod history;
pub mod model;
pub mod ops;
pub mod schema;
pub mod summary;
pub mod time;
pub mod validate;

pub use color::Color;
pub use history::History;
pub use model::*;
pub use ops::{EditError, EditOp, apply, apply_all};
pub use time::Ms;
pub use validate::{Invalid, Issue};
