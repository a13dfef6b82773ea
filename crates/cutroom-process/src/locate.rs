//! Finding the external tools: an environment override first, then `$PATH`.

use crate::error::ProcessError;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The external tools cutroom uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Ffmpeg,
    Ffprobe,
}

impl Tool {
    pub fn binary(self) -> &'static str {
        match self {
            Tool::Ffmpeg => "ffmpeg",
            Tool::Ffprobe => "ffprobe",
        }
    }

    /// The environment variable that overrides where the tool is.
    pub fn env_var(self) -> &'static str {
        match self {
            Tool::Ffmpeg => "CUTROOM_FFMPEG",
            Tool::Ffprobe => "CUTROOM_FFPROBE",
        }
    }
}

/// Where `tool` is: `$CUTROOM_FFMPEG`/`$CUTROOM_FFPROBE` when set, else the first match on `$PATH`.
pub fn locate(tool: Tool) -> Result<PathBuf, ProcessError> {
    locate_in(tool, std::env::var_os(tool.env_var()), std::env::var_os("PATH"))
}

/// [`locate`] with the override and the search path given explicitly.
pub fn locate_in(tool: Tool, over: Option<OsString>, path: Option<OsString>) -> Result<PathBuf, ProcessError> {
    let not_found = |hint: String| ProcessError::NotFound { tool: tool.binary().into(), hint };
    if let Some(over) = over.filter(|v| !v.is_empty()) {
        let p = PathBuf::from(over);
        return if is_executable(&p) {
            Ok(p)
        } else {
            Err(not_found(format!("{} points at {}, which is not an executable file", tool.env_var(), p.display())))
        };
    }
    let path = path.unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join(tool.binary())).find(|p| is_executable(p)).ok_or_else(|| {
        not_found(format!(
            "install it (Debian/Ubuntu: run scripts/setup.sh, or apt-get install ffmpeg) or set {}",
            tool.env_var()
        ))
    })
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
