//! Typed process errors with stable codes.

use std::time::Duration;

/// Why a process did not give a result.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The tool is not installed (or the override points nowhere).
    #[error("{tool} not found: {hint}")]
    NotFound { tool: String, hint: String },
    /// The OS refused to start it.
    #[error("could not start {program}: {error}")]
    Spawn { program: String, error: std::io::Error },
    /// It ran past its time limit and was killed.
    #[error("{program} ran longer than {after:?} and was stopped{}", tail(stderr))]
    TimedOut { program: String, after: Duration, stderr: String },
    /// It was cancelled and killed.
    #[error("{program} was cancelled")]
    Cancelled { program: String },
    /// It exited with a failure status.
    #[error("{program} failed ({status}){}", tail(stderr))]
    Failed { program: String, status: String, stderr: String },
    /// Reading from or writing to it failed.
    #[error("i/o with {program} failed: {error}")]
    Io { program: String, error: std::io::Error },
}

fn tail(stderr: &str) -> String {
    let s = stderr.trim();
    if s.is_empty() { String::new() } else { format!(":\n{s}") }
}

impl ProcessError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ProcessError::NotFound { .. } => "tool_not_found",
            ProcessError::Spawn { .. } => "spawn_failed",
            ProcessError::TimedOut { .. } => "timed_out",
            ProcessError::Cancelled { .. } => "cancelled",
            ProcessError::Failed { .. } => "process_failed",
            ProcessError::Io { .. } => "process_io",
        }
    }

    /// The last lines the process wrote to stderr, when there are any.
    pub fn stderr_tail(&self) -> Option<&str> {
        match self {
            ProcessError::TimedOut { stderr, .. } | ProcessError::Failed { stderr, .. } => Some(stderr),
            _ => None,
        }
    }
}
