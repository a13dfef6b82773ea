//! Test helpers shared by cutroom's integration tests: generated media cached across test
//! binaries, the real sample clips, and decoding outputs to look at them the way a user
//! would (frames as pixels, sound as samples, loudness as LUFS); a client of the HTTP API.

use cutroom_media::synth::{Synth, synthesize};
use cutroom_process::{Command, Tool};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

pub use cutroom_media::probe;

pub mod api;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where generated fixtures are cached (shared by every test binary and run).
pub fn fixtures_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace().join("target"));
    let dir = target.join("cutroom-fixtures");
    std::fs::create_dir_all(&dir).expect("fixture dir");
    dir
}

/// A generated media file, made once and reused: `name` gives the extension.
pub fn fixture(name: &str, video: Option<&str>, audio: Option<&str>, secs: f64) -> PathBuf {
    let mut h = DefaultHasher::new();
    (video, audio, secs.to_bits()).hash(&mut h);
    let (stem, ext) = name.rsplit_once('.').expect("fixture names have an extension");
    let path = fixtures_dir().join(format!("{stem}-{:016x}.{ext}", h.finish()));
    if !path.is_file() {
        // Write under a unique name and rename, so parallel tests never see half a file.
        let tmp =
            fixtures_dir().join(format!(".{stem}-{}-{:?}.{ext}", std::process::id(), std::thread::current().id()));
        synthesize(&Synth { video, audio, secs }, &tmp).unwrap_or_else(|e| panic!("generating {name}: {e}"));
        std::fs::rename(&tmp, &path).expect("rename fixture");
    }
    path
}

/// A real clip from the sample set fetched by scripts/setup.sh.
pub fn sample(name: &str) -> PathBuf {
    let dir = std::env::var_os("CUTROOM_SAMPLES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".cache/samples"));
    let p = dir.join(name);
    assert!(p.is_file(), "sample clip {} is missing: run scripts/setup.sh", p.display());
    p
}

/// A decoded RGB frame.
#[derive(Clone, Debug)]
pub struct Frame {
    pub w: usize,
    pub h: usize,
    pub rgb: Vec<u8>,
}

impl Frame {
    pub fn pixel(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.w + x) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// Mean R, G, B over a rectangle [x0, x1) × [y0, y1).
    pub fn mean(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> [f64; 3] {
        let mut s = [0.0; 3];
        let mut n = 0.0f64;
        for y in y0..y1 {
            for x in x0..x1 {
                let p = self.pixel(x, y);
                for c in 0..3 {
                    s[c] += f64::from(p[c]);
                }
                n += 1.0;
            }
        }
        s.map(|v| v / n.max(1.0))
    }

    pub fn luma(p: [u8; 3]) -> f64 {
        0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2])
    }

    /// Mean luma over a rectangle.
    pub fn mean_luma(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> f64 {
        let m = self.mean(x0, y0, x1, y1);
        0.299 * m[0] + 0.587 * m[1] + 0.114 * m[2]
    }

    /// Standard deviation of luma over a rectangle (how much is drawn there).
    pub fn luma_std(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> f64 {
        let mean = self.mean_luma(x0, y0, x1, y1);
        let mut v = 0.0;
        let mut n = 0.0f64;
        for y in y0..y1 {
            for x in x0..x1 {
                v += (Frame::luma(self.pixel(x, y)) - mean).powi(2);
                n += 1.0;
            }
        }
        (v / n.max(1.0)).sqrt()
    }

    /// Mean absolute difference to another frame of the same size (0–255).
    pub fn diff(&self, other: &Frame) -> f64 {
        assert_eq!((self.w, self.h), (other.w, other.h));
        let sum: u64 = self.rgb.iter().zip(&other.rgb).map(|(a, b)| u64::from(a.abs_diff(*b))).sum();
        sum as f64 / self.rgb.len() as f64
    }

    /// Columns (in a row band) whose luma differs from `bg` by more than `tol`: the ink's extent.
    pub fn ink_columns(&self, y0: usize, y1: usize, bg: f64, tol: f64) -> Option<(usize, usize)> {
        let inked: Vec<usize> =
            (0..self.w).filter(|&x| (y0..y1).any(|y| (Frame::luma(self.pixel(x, y)) - bg).abs() > tol)).collect();
        Some((*inked.first()?, *inked.last()?))
    }

    /// Rows whose luma differs from `bg` by more than `tol` anywhere.
    pub fn ink_rows(&self, bg: f64, tol: f64) -> Vec<usize> {
        (0..self.h).filter(|&y| (0..self.w).any(|x| (Frame::luma(self.pixel(x, y)) - bg).abs() > tol)).collect()
    }
}

/// The frame shown at `secs` (decoded exactly there).
pub fn frame_at(path: &Path, secs: f64) -> Frame {
    let v = probe(path).expect("probe").video.expect("video stream");
    let out = Command::tool(Tool::Ffmpeg)
        .unwrap()
        .args(["-v", "error", "-nostdin", "-i"])
        .arg(path)
        .args(["-ss", &format!("{secs}"), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .run()
        .expect("decode frame");
    let (w, h) = (v.display_width as usize, v.display_height as usize);
    assert_eq!(out.stdout.len(), w * h * 3, "no frame at {secs} s in {}", path.display());
    Frame { w, h, rgb: out.stdout }
}

/// Decoded samples of the left channel at 48 kHz from `start` for `dur` seconds (the whole file when `dur` is None).
pub fn samples(path: &Path, start: f64, dur: Option<f64>) -> Vec<f32> {
    let mut cmd = Command::tool(Tool::Ffmpeg).unwrap().args(["-v", "error", "-nostdin", "-i"]).arg(path);
    cmd = cmd.args(["-ss", &format!("{start}")]);
    if let Some(d) = dur {
        cmd = cmd.args(["-t", &format!("{d}")]);
    }
    // The left channel (a downmix would add 3 dB to identical channels).
    let out =
        cmd.args(["-vn", "-af", "pan=mono|c0=c0", "-ar", "48000", "-f", "f32le", "-"]).run().expect("decode audio");
    out.stdout.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

/// RMS level in dBFS (−200 for digital silence).
pub fn rms_db(s: &[f32]) -> f64 {
    let mean = s.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / s.len().max(1) as f64;
    if mean <= 0.0 { -200.0 } else { 10.0 * mean.log10() }
}

/// The level (dB, relative to full scale) of one frequency, by the Goertzel algorithm.
pub fn tone_db(s: &[f32], freq: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * freq / 48_000.0;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for v in s {
        let s0 = f64::from(*v) + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    let amplitude = 2.0 * power.max(0.0).sqrt() / s.len().max(1) as f64;
    20.0 * amplitude.max(1e-10).log10()
}

/// The dominant frequency by counting zero crossings (for a pure tone).
pub fn zero_crossing_hz(s: &[f32]) -> f64 {
    let crossings = s.windows(2).filter(|w| (w[0] < 0.0) != (w[1] < 0.0)).count();
    crossings as f64 / 2.0 / (s.len() as f64 / 48_000.0)
}

/// Integrated loudness (LUFS) by ffmpeg's EBU R128 meter.
pub fn loudness_lufs(path: &Path) -> f64 {
    let out = Command::tool(Tool::Ffmpeg)
        .unwrap()
        .args(["-nostdin", "-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args(["-af", "ebur128", "-f", "null", "-"])
        .run()
        .expect("ebur128");
    let summary = out.stderr.rsplit("Integrated loudness:").next().expect("summary");
    let i = summary.split("I:").nth(1).expect("I:").trim_start();
    i.split_whitespace().next().unwrap().parse().expect("number")
}

/// Whether the MP4's index (moov) comes before the media data (mdat): "faststart".
pub fn moov_before_mdat(path: &Path) -> bool {
    let data = std::fs::read(path).expect("read");
    let mut i = 0usize;
    while i + 8 <= data.len() {
        let size = u32::from_be_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]) as usize;
        match &data[i + 4..i + 8] {
            b"moov" => return true,
            b"mdat" => return false,
            _ => {}
        }
        if size < 8 {
            return false;
        }
        i += size;
    }
    false
}

/// A fresh temporary folder.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("cutroom-test-").tempdir().expect("tempdir")
}
