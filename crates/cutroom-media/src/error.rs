//! The media crate's errors, with stable codes and whether the caller is at fault.

use crate::plan::PlanError;
use crate::probe::ProbeError;
use cutroom_process::ProcessError;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The draft cannot be rendered as it is (a field path says where).
    #[error("{0}")]
    Plan(#[from] PlanError),
    /// A file the draft uses cannot be read as media.
    #[error("{path}: {source}")]
    Media { path: String, source: ProbeError },
    /// Probing a file failed.
    #[error(transparent)]
    Probe(#[from] ProbeError),
    /// A font file drawtext needs is missing.
    #[error(
        "font file {0} is missing (Debian/Ubuntu: run scripts/setup.sh, or apt-get install fonts-dejavu-core fonts-noto-cjk)"
    )]
    Font(String),
    /// ffmpeg failed; the message carries its last lines.
    #[error("ffmpeg failed: {0}")]
    Ffmpeg(ProcessError),
    /// The render was cancelled; nothing was written.
    #[error("the render was cancelled")]
    Cancelled,
    /// The output did not come out as planned.
    #[error("the rendered file is not what was planned: {0}")]
    Verify(String),
    #[error("{what}: {error}")]
    Io { what: String, error: std::io::Error },
}

impl From<ProcessError> for MediaError {
    fn from(e: ProcessError) -> MediaError {
        match e {
            ProcessError::Cancelled { .. } => MediaError::Cancelled,
            other => MediaError::Ffmpeg(other),
        }
    }
}

impl MediaError {
    pub fn code(&self) -> &'static str {
        match self {
            MediaError::Plan(PlanError::Invalid(_)) => "invalid_draft",
            MediaError::Plan(PlanError::Empty) => "empty_draft",
            MediaError::Media { source, .. } => source.code(),
            MediaError::Probe(e) => e.code(),
            MediaError::Font(_) => "font_missing",
            MediaError::Ffmpeg(e) => e.code(),
            MediaError::Cancelled => "cancelled",
            MediaError::Verify(_) => "render_mismatch",
            MediaError::Io { .. } => "io",
        }
    }

    /// Whether the request is at fault (bad draft or media) rather than the machine.
    pub fn is_client_error(&self) -> bool {
        match self {
            MediaError::Plan(_) => true,
            MediaError::Media { source, .. } | MediaError::Probe(source) => source.is_client_error(),
            _ => false,
        }
    }

    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> MediaError {
        let what = what.into();
        move |error| MediaError::Io { what, error }
    }
}
