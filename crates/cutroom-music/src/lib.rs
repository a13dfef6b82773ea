//! Original background music for a video, with no model: an algorithmic composer writes a
//! multi-part arrangement in a style (tempo from the footage's cut rate and motion, key
//! and instruments from its mood, sections from its length, an ending on the tonic at the
//! end), and a General MIDI SoundFont plays it with real instrument samples. The piece
//! comes back with its beat grid so edits can cut on the beat.

pub mod compose;
pub mod style;
pub mod synth;

pub use style::Style;

use std::path::{Path, PathBuf};

/// What went wrong making music.
#[derive(Debug, thiserror::Error)]
pub enum MusicError {
    #[error(
        "no General MIDI SoundFont found: install fluid-soundfont-gm (scripts/setup.sh does) or set CUTROOM_SOUNDFONT"
    )]
    NoSoundFont,
    #[error("SoundFont: {0}")]
    SoundFont(String),
    #[error("the music must last 1 s to 30 min, got {0} ms")]
    BadLength(u64),
    #[error("tempo must be 40–220 BPM, got {0}")]
    BadTempo(u32),
    #[error("writing {path}: {error}")]
    Write { path: PathBuf, error: String },
}

/// What the footage is like, from its analysis (all optional; neutral defaults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Footage {
    /// Cuts per minute of the edit.
    pub cuts_per_minute: f64,
    /// Mean motion (0 still … ~0.1 very busy), as the analysis measures it.
    pub motion: f64,
    /// Mean brightness 0–1.
    pub brightness: f64,
    /// Mean saturation 0–1.
    pub saturation: f64,
}

impl Default for Footage {
    fn default() -> Self {
        Footage { cuts_per_minute: 10.0, motion: 0.02, brightness: 0.5, saturation: 0.35 }
    }
}

impl Footage {
    /// 0 (slow, static) … 1 (fast cuts, lots of motion).
    pub fn energy(&self) -> f64 {
        let cuts = (self.cuts_per_minute / 30.0).clamp(0.0, 1.0);
        let motion = (self.motion / 0.08).clamp(0.0, 1.0);
        0.6 * cuts + 0.4 * motion
    }

    /// The average of several clips (each counted once); the default for none.
    pub fn mean(all: &[Footage]) -> Footage {
        if all.is_empty() {
            return Footage::default();
        }
        let n = all.len() as f64;
        let sum = |f: fn(&Footage) -> f64| all.iter().map(f).sum::<f64>() / n;
        Footage {
            cuts_per_minute: sum(|f| f.cuts_per_minute),
            motion: sum(|f| f.motion),
            brightness: sum(|f| f.brightness),
            saturation: sum(|f| f.saturation),
        }
    }

    /// A style that suits the footage when none is asked for.
    pub fn style(&self) -> Style {
        let e = self.energy();
        match (e, self.brightness, self.saturation) {
            (e, _, _) if e > 0.7 => Style::Electronic,
            (e, b, _) if e > 0.45 && b > 0.45 => Style::Pop,
            (e, _, _) if e > 0.45 => Style::Cinematic,
            (_, b, _) if b < 0.3 => Style::Ambient,
            (_, _, s) if s > 0.45 => Style::Acoustic,
            _ => Style::Lofi,
        }
    }
}

/// A request for a piece.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub style: Option<Style>,
    pub duration_ms: u64,
    /// Overrides the tempo derived from the footage.
    pub bpm: Option<u32>,
    pub seed: u64,
    pub footage: Footage,
}

/// A finished piece.
#[derive(Clone, Debug)]
pub struct Piece {
    pub style: Style,
    pub bpm: f64,
    pub key: String,
    /// Interleaved stereo at [`synth::SAMPLE_RATE`].
    pub samples: Vec<f32>,
    pub duration_ms: u64,
    /// Every beat and every bar, in ms from the start.
    pub beats_ms: Vec<u64>,
    pub bars_ms: Vec<u64>,
    pub loudness_lufs: f64,
    pub peak_dbfs: f64,
}

/// The tempo for a style and footage: calm footage at the low end of the style's range,
/// busy footage at the top.
pub fn tempo(style: Style, footage: &Footage) -> f64 {
    let (lo, hi) = style::spec(style).bpm;
    (lo + footage.energy() * (hi - lo)).round()
}

/// Composes the piece (without playing it).
pub fn arrange(req: &Request) -> Result<compose::Arrangement, MusicError> {
    if !(1_000..=1_800_000).contains(&req.duration_ms) {
        return Err(MusicError::BadLength(req.duration_ms));
    }
    if let Some(b) = req.bpm.filter(|b| !(40..=220).contains(b)) {
        return Err(MusicError::BadTempo(b));
    }
    let style = req.style.unwrap_or_else(|| req.footage.style());
    let bpm = req.bpm.map_or_else(|| tempo(style, &req.footage), f64::from);
    let beats = req.duration_ms as f64 / 1000.0 * bpm / 60.0;
    Ok(compose::compose(style, bpm, beats, req.seed))
}

/// Composes and plays a piece with the SoundFont at `soundfont` (default: the installed one).
pub fn generate(req: &Request, soundfont: Option<&Path>) -> Result<Piece, MusicError> {
    let sf = match soundfont {
        Some(p) => p.to_path_buf(),
        None => synth::soundfont_path().ok_or(MusicError::NoSoundFont)?,
    };
    let a = arrange(req)?;
    let mut samples = synth::render(&a, &sf)?;
    let (loudness_lufs, peak_dbfs) = synth::master(&mut samples);
    let (beats_ms, bars_ms) = compose::grid(&a);
    Ok(Piece {
        style: a.style,
        bpm: a.bpm,
        key: a.key_name(),
        duration_ms: (samples.len() / 2) as u64 * 1000 / u64::from(synth::SAMPLE_RATE),
        samples,
        beats_ms,
        bars_ms,
        loudness_lufs,
        peak_dbfs,
    })
}

/// The piece as a 16-bit stereo WAV file's bytes.
pub fn wav_bytes(piece: &Piece) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: synth::SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = std::io::Cursor::new(Vec::with_capacity(44 + piece.samples.len() * 2));
    // Writing to memory cannot fail.
    if let Ok(mut w) = hound::WavWriter::new(&mut out, spec) {
        for s in &piece.samples {
            let _ = w.write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16);
        }
        let _ = w.finalize();
    }
    out.into_inner()
}

/// Writes the piece as a 16-bit stereo WAV (to a temporary name, then renamed).
pub fn write_wav(piece: &Piece, path: &Path) -> Result<(), MusicError> {
    let err = |e: &dyn std::fmt::Display| MusicError::Write { path: path.to_path_buf(), error: e.to_string() };
    let tmp = path.with_extension("wav.part");
    std::fs::write(&tmp, wav_bytes(piece)).map_err(|e| err(&e))?;
    std::fs::rename(&tmp, path).map_err(|e| err(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busier_footage_gets_a_faster_tempo() {
        let calm = Footage { cuts_per_minute: 3.0, motion: 0.005, ..Footage::default() };
        let busy = Footage { cuts_per_minute: 40.0, motion: 0.09, ..Footage::default() };
        for s in Style::ALL {
            assert!(tempo(s, &busy) > tempo(s, &calm), "{s:?}");
        }
        assert_eq!(busy.style(), Style::Electronic);
    }

    #[test]
    fn requests_are_checked() {
        let r = Request { style: None, duration_ms: 500, bpm: None, seed: 1, footage: Footage::default() };
        assert!(matches!(arrange(&r), Err(MusicError::BadLength(500))));
        let r = Request { duration_ms: 10_000, bpm: Some(500), ..r };
        assert!(matches!(arrange(&r), Err(MusicError::BadTempo(500))));
    }
}
