//! The only place cutroom starts processes: tool discovery (`CUTROOM_FFMPEG`, then `$PATH`),
//! timeouts, cancellation, kill on drop, a tail of stderr for error messages, and the
//! wall time and peak memory of each run.

mod error;
mod locate;
mod run;
mod sys;

pub use error::ProcessError;
pub use locate::{Tool, locate, locate_in};
pub use run::{Cancel, Command, Output, Running};
