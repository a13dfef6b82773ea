//! Analyses cached by the content of the file they describe (BLAKE3), with their keyframes.

use crate::report::{Analysis, VERSION};
use crate::run::{AnalysisError, Options, analyze_probed};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The BLAKE3 hash of a file's bytes, hex.
pub fn content_hash(path: &Path) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().to_hex().to_string())
}

/// A folder of analyses: `<dir>/<hash>-v<version>-<edge>/analysis.json` plus keyframes.
#[derive(Clone, Debug)]
pub struct Cache {
    pub dir: PathBuf,
}

/// A cached (or fresh) analysis and where its keyframes are.
pub struct Cached {
    pub analysis: Analysis,
    pub keyframes: PathBuf,
    pub hit: bool,
}

impl Cache {
    /// `$CUTROOM_CACHE_DIR/analysis`, else `$XDG_CACHE_HOME/cutroom/analysis`, else
    /// `~/.cache/cutroom/analysis`.
    pub fn default_dir() -> PathBuf {
        let base = std::env::var_os("CUTROOM_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|x| PathBuf::from(x).join("cutroom")))
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/cutroom")))
            .unwrap_or_else(|| std::env::temp_dir().join("cutroom-cache"));
        base.join("analysis")
    }

    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    /// The analysis of `path`: from the cache when its content was analysed before.
    pub fn analyze(&self, path: &Path, opts: &Options) -> Result<Cached, AnalysisError> {
        let io = |what: String| move |error| AnalysisError::Io { what, error };
        // Probe first: a file that is missing or not media gets the usual clear error.
        let probe = cutroom_media::probe(path)?;
        let hash = content_hash(path).map_err(io(format!("reading {}", path.display())))?;
        let entry = self.dir.join(format!("{hash}-v{VERSION}-{}", opts.max_edge));
        let json = entry.join("analysis.json");
        let cached = std::fs::read(&json).ok().and_then(|b| serde_json::from_slice::<Analysis>(&b).ok());
        if let Some(analysis) = cached.filter(|a| a.version == VERSION) {
            return Ok(Cached { analysis, keyframes: entry, hit: true });
        }
        std::fs::create_dir_all(&self.dir).map_err(io(format!("creating {}", self.dir.display())))?;
        // Work in a fresh folder and rename it into place, so readers never see half an entry.
        let work = tempfile::Builder::new()
            .prefix(".analysis-")
            .tempdir_in(&self.dir)
            .map_err(io(format!("creating a folder in {}", self.dir.display())))?;
        let opts = Options { keyframes: Some(work.path().to_path_buf()), ..opts.clone() };
        let analysis = analyze_probed(path, &probe, &opts)?;
        let text = serde_json::to_vec_pretty(&analysis).expect("analysis serialises");
        std::fs::write(work.path().join("analysis.json"), text).map_err(io("writing analysis.json".into()))?;
        let kept = work.keep();
        if std::fs::rename(&kept, &entry).is_err() {
            // Another analysis of the same content finished first; theirs is as good.
            let _ = std::fs::remove_dir_all(&kept);
        }
        Ok(Cached { analysis, keyframes: entry, hit: false })
    }
}
