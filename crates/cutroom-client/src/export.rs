//! Export settings and progress, and the small pure decisions of an export: the render id,
//! the file it is saved to, and the download URL resolved against the server.

use crate::error::ClientError;
use std::path::{Path, PathBuf};

/// Export quality presets of the API.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Quality {
    #[default]
    High,
    Medium,
    Low,
}

impl Quality {
    /// The value of `output.quality`.
    pub fn as_str(self) -> &'static str {
        match self {
            Quality::High => "high",
            Quality::Medium => "medium",
            Quality::Low => "low",
        }
    }
}

impl std::fmt::Display for Quality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Quality {
    type Err = ClientError;
    /// `high`, `medium`, `low`; `preview`/`draft` mean low, `hd`/`best` high.
    fn from_str(s: &str) -> Result<Quality, ClientError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "high" | "hd" | "best" => Ok(Quality::High),
            "medium" | "med" => Ok(Quality::Medium),
            "low" | "preview" | "draft" => Ok(Quality::Low),
            other => Err(ClientError::InvalidInput(format!("unknown quality '{other}': use high, medium or low"))),
        }
    }
}

/// What to export and where to put it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportOptions {
    pub quality: Quality,
    /// Shorter side in pixels (the server's default — the canvas — when `None`).
    pub resolution: Option<u32>,
    /// A file to write, or an existing folder to write `<id>.mp4` into.
    pub dest: PathBuf,
    /// The render id (`render_<ms>` when `None`); the same id again is the same job.
    pub id: Option<String>,
}

impl ExportOptions {
    pub fn new(quality: Quality, dest: impl Into<PathBuf>) -> ExportOptions {
        ExportOptions { quality, resolution: None, dest: dest.into(), id: None }
    }
}

/// How an export is getting on.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportProgress {
    /// The job was accepted under this id.
    Submitted { id: String },
    /// Waiting for a worker.
    Queued,
    /// Rendering, 0–1.
    Rendering { fraction: f64 },
    /// Downloading: bytes so far and, when known, in all.
    Downloading { received: u64, total: Option<u64> },
    /// Saved here.
    Saved { path: PathBuf },
}

/// A finished export.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportResult {
    pub id: String,
    /// Where the file was saved.
    pub path: PathBuf,
    /// The download link (signed, expires).
    pub url: String,
    pub size_bytes: u64,
    pub duration_ms: u64,
    pub width: u32,
    pub height: u32,
}

/// `render_<unix ms>`.
pub fn render_id(unix_ms: u128) -> String {
    format!("render_{unix_ms}")
}

/// Where an export is saved: `dest` itself, or `dest/<id>.mp4` when `dest` is a folder.
pub fn export_path(dest: &Path, dest_is_dir: bool, id: &str) -> PathBuf {
    if dest_is_dir {
        let safe: String =
            id.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_') { c } else { '_' }).collect();
        dest.join(format!("{safe}.mp4"))
    } else {
        dest.to_path_buf()
    }
}

/// A download URL as the server gave it (absolute, or relative to the base).
pub fn resolve_url(base: &str, url: &str) -> Result<reqwest::Url, ClientError> {
    let bad = |e: String| ClientError::InvalidInput(format!("'{url}' is not a usable download address ({e})"));
    let base = reqwest::Url::parse(&format!("{}/", base.trim_end_matches('/'))).map_err(|e| bad(e.to_string()))?;
    let u = base.join(url.trim()).map_err(|e| bad(e.to_string()))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(bad("not http(s)".into()));
    }
    Ok(u)
}

/// The same scheme, host and port: the only URLs the token is sent to.
pub fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_names() {
        assert_eq!("Preview".parse::<Quality>().unwrap(), Quality::Low);
        assert_eq!("high".parse::<Quality>().unwrap().as_str(), "high");
        assert_eq!(Quality::Medium.to_string(), "medium");
        assert!("ultra".parse::<Quality>().unwrap_err().to_string().contains("high, medium or low"));
    }

    #[test]
    fn paths_and_urls() {
        assert_eq!(render_id(1_732_200_000_123), "render_1732200000123");
        assert_eq!(export_path(Path::new("/out"), true, "render_1"), PathBuf::from("/out/render_1.mp4"));
        assert_eq!(export_path(Path::new("/out"), true, "../x/y"), PathBuf::from("/out/___x_y.mp4"));
        assert_eq!(export_path(Path::new("/out/a.mp4"), false, "render_1"), PathBuf::from("/out/a.mp4"));
        let base = "http://127.0.0.1:8080";
        assert_eq!(
            resolve_url(base, "/api/render/download/r.mp4?expires=1&sig=ab").unwrap().as_str(),
            "http://127.0.0.1:8080/api/render/download/r.mp4?expires=1&sig=ab"
        );
        assert_eq!(resolve_url("http://h/prefix", "api/x").unwrap().as_str(), "http://h/prefix/api/x");
        assert_eq!(resolve_url(base, "https://cdn.example/x.mp4").unwrap().as_str(), "https://cdn.example/x.mp4");
        assert!(resolve_url(base, "file:///etc/passwd").is_err());
        let b = reqwest::Url::parse(base).unwrap();
        assert!(same_origin(&b, &resolve_url(base, "/x").unwrap()));
        assert!(!same_origin(&b, &resolve_url(base, "http://127.0.0.1:8081/x").unwrap()));
        assert!(!same_origin(&b, &resolve_url(base, "https://127.0.0.1:8080/x").unwrap()));
    }
}
