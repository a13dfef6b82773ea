//! The sound, streamed: EBU R128 loudness and true peak, and per 10.7 ms hop the energy,
//! spectral flatness and spectral flux (onset strength) — from which come silences,
//! speech-like regions, tempo and beats. Pure: samples in, report out.

use crate::tempo;
use ebur128::{EbuR128, Mode};
use realfft::{RealFftPlanner, RealToComplex};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// FFT size and hop (at 48 kHz: 21.3 ms windows every 10.7 ms).
const FRAME: usize = 1024;
const HOP: usize = 512;
/// Shortest silence reported.
const MIN_SILENCE_MS: u64 = 300;

/// A stretch of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start_ms: u64,
    pub end_ms: u64,
}

/// What the sound is like.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AudioReport {
    /// Integrated loudness (EBU R128), LUFS; absent for silence.
    pub lufs: Option<f64>,
    /// True peak, dBTP.
    pub true_peak_db: Option<f64>,
    /// Tempo, when there is a steady beat.
    pub bpm: Option<f64>,
    pub tempo_confidence: f32,
    pub beats_ms: Vec<u64>,
    pub silences: Vec<Span>,
    /// Regions whose energy rises and falls like speech (syllables and pauses), not steady.
    pub speech: Vec<Span>,
    pub duration_ms: u64,
}

/// Streaming analyser: `push` interleaved samples, then `finish`.
pub struct AudioAnalyzer {
    rate: u32,
    channels: usize,
    r128: Option<EbuR128>,
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    pending: Vec<f32>,
    input: Vec<f32>,
    spectrum: Vec<realfft::num_complex::Complex<f32>>,
    prev: Vec<f32>,
    onset: Vec<f32>,
    energy_db: Vec<f32>,
    flatness: Vec<f32>,
    samples: u64,
}

impl AudioAnalyzer {
    pub fn new(channels: u32, rate: u32) -> AudioAnalyzer {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(FRAME);
        let window =
            (0..FRAME).map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / FRAME as f32).cos()).collect();
        AudioAnalyzer {
            rate,
            channels: channels.max(1) as usize,
            r128: EbuR128::new(channels.max(1), rate, Mode::I | Mode::TRUE_PEAK).ok(),
            input: fft.make_input_vec(),
            spectrum: fft.make_output_vec(),
            fft,
            window,
            pending: Vec::with_capacity(FRAME * 2),
            prev: vec![0.0; FRAME / 2 + 1],
            onset: Vec::new(),
            energy_db: Vec::new(),
            flatness: Vec::new(),
            samples: 0,
        }
    }

    /// Hops per second of the per-hop series.
    pub fn hop_rate(&self) -> f64 {
        f64::from(self.rate) / HOP as f64
    }

    pub fn push(&mut self, interleaved: &[f32]) {
        if let Some(r) = &mut self.r128 {
            let _ = r.add_frames_f32(interleaved);
        }
        let ch = self.channels;
        self.samples += (interleaved.len() / ch) as u64;
        self.pending.extend(interleaved.chunks_exact(ch).map(|f| f.iter().sum::<f32>() / ch as f32));
        while self.pending.len() >= FRAME {
            self.hop();
            self.pending.drain(..HOP);
        }
    }

    fn hop(&mut self) {
        let frame = &self.pending[..FRAME];
        let rms = (frame[FRAME - HOP..].iter().map(|v| v * v).sum::<f32>() / HOP as f32).sqrt();
        self.energy_db.push(if rms > 1e-10 { 20.0 * rms.log10() } else { -200.0 });
        for (i, v) in self.input.iter_mut().enumerate() {
            *v = frame[i] * self.window[i];
        }
        if self.fft.process(&mut self.input, &mut self.spectrum).is_err() {
            return;
        }
        let bin_hz = self.rate as f32 / FRAME as f32;
        let (lo, hi) = ((100.0 / bin_hz) as usize, ((8000.0 / bin_hz) as usize).min(self.spectrum.len() - 1));
        let (mut flux, mut log_sum, mut lin_sum) = (0.0f32, 0.0f64, 0.0f64);
        for (k, c) in self.spectrum.iter().enumerate() {
            let mag = c.norm() / FRAME as f32;
            let compressed = (1.0 + 1000.0 * mag).ln();
            if k >= 1 {
                flux += (compressed - self.prev[k]).max(0.0);
            }
            self.prev[k] = compressed;
            if (lo..=hi).contains(&k) {
                let power = f64::from(mag * mag) + 1e-12;
                log_sum += power.ln();
                lin_sum += power;
            }
        }
        let bins = (hi - lo + 1) as f64;
        self.onset.push(flux);
        self.flatness.push(((log_sum / bins).exp() / (lin_sum / bins)) as f32);
    }

    pub fn finish(self) -> AudioReport {
        let duration_ms = self.samples * 1000 / u64::from(self.rate.max(1));
        let lufs = self.r128.as_ref().and_then(|r| r.loudness_global().ok()).filter(|l| l.is_finite() && *l > -70.0);
        let true_peak_db = self.r128.as_ref().and_then(|r| {
            let peak = (0..self.channels as u32).filter_map(|c| r.true_peak(c).ok()).fold(0.0f64, f64::max);
            (peak > 0.0).then(|| 20.0 * peak.log10())
        });
        let hop_ms = HOP as f64 * 1000.0 / f64::from(self.rate);
        let rate = self.hop_rate();
        let silences = silences(&self.energy_db, hop_ms, duration_ms);
        let speech = speech(&self.energy_db, &self.flatness, hop_ms, duration_ms);
        let tempo = tempo::estimate(&self.onset, rate);
        AudioReport {
            lufs: lufs.map(|l| (l * 100.0).round() / 100.0),
            true_peak_db: true_peak_db.map(|p| (p * 100.0).round() / 100.0),
            bpm: tempo.as_ref().map(|t| t.bpm),
            tempo_confidence: tempo.as_ref().map_or(0.0, |t| t.confidence),
            beats_ms: tempo.map(|t| t.beats.iter().map(|b| (b * 1000.0).round() as u64).collect()).unwrap_or_default(),
            silences,
            speech,
            duration_ms,
        }
    }
}

/// The level below which a hop is silent: 40 dB under the loud parts, between −60 and −40 dBFS.
fn silence_threshold(energy_db: &[f32]) -> f32 {
    let mut sorted: Vec<f32> = energy_db.to_vec();
    sorted.sort_by(f32::total_cmp);
    let loud = sorted.get(sorted.len() * 95 / 100).copied().unwrap_or(-200.0);
    (loud - 40.0).clamp(-60.0, -40.0)
}

fn runs(flags: impl Iterator<Item = bool>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut n = 0;
    for (i, f) in flags.enumerate() {
        match (f, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
        n = i + 1;
    }
    if let Some(s) = start {
        out.push((s, n));
    }
    out
}

fn silences(energy_db: &[f32], hop_ms: f64, duration_ms: u64) -> Vec<Span> {
    let threshold = silence_threshold(energy_db);
    runs(energy_db.iter().map(|e| *e < threshold))
        .into_iter()
        .map(|(a, b)| Span {
            start_ms: (a as f64 * hop_ms) as u64,
            // The hop's samples end a window after its start.
            end_ms: (((b as f64 + 1.0) * hop_ms) as u64).min(duration_ms),
        })
        .filter(|s| s.end_ms.saturating_sub(s.start_ms) >= MIN_SILENCE_MS)
        .collect()
}

/// Speech-like: one-second blocks where the sound keeps stopping and starting at syllable
/// rate — at least 2.5 drops a second more than 10 dB below the block's median — with a
/// spectrum neither a pure tone nor flat noise, and sound on for 30–95% of the time.
fn speech(energy_db: &[f32], flatness: &[f32], hop_ms: f64, duration_ms: u64) -> Vec<Span> {
    let block = (1000.0 / hop_ms).round() as usize;
    let threshold = silence_threshold(energy_db);
    let mut flags = Vec::new();
    for (e, f) in energy_db.chunks(block).zip(flatness.chunks(block)) {
        let mut sorted = e.to_vec();
        sorted.sort_by(f32::total_cmp);
        let median = sorted[sorted.len() / 2];
        let low = median - 10.0;
        let drops = e.windows(2).filter(|w| w[0] >= low && w[1] < low).count();
        let active = e.iter().filter(|v| **v >= threshold).count() as f32 / e.len() as f32;
        let flat = f.iter().sum::<f32>() / f.len().max(1) as f32;
        let seconds = e.len() as f32 * hop_ms as f32 / 1000.0;
        flags.push(
            median >= threshold
                && drops as f32 >= 2.5 * seconds
                && (0.3..0.95).contains(&active)
                && (0.001..0.5).contains(&flat),
        );
    }
    runs(flags.into_iter())
        .into_iter()
        .map(|(a, b)| Span {
            start_ms: (a as f64 * block as f64 * hop_ms) as u64,
            end_ms: ((b as f64 * block as f64 * hop_ms) as u64).min(duration_ms),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(samples: &[f32], channels: u32) -> AudioReport {
        let mut a = AudioAnalyzer::new(channels, 48_000);
        for chunk in samples.chunks(4096 * channels as usize) {
            a.push(chunk);
        }
        a.finish()
    }

    #[test]
    fn tone_then_silence() {
        let mut s: Vec<f32> =
            (0..48_000 * 2).map(|i| 0.1 * (i as f32 * 2.0 * std::f32::consts::PI * 440.0 / 48_000.0).sin()).collect();
        s.extend(std::iter::repeat_n(0.0, 48_000 * 2));
        let r = run(&s, 1);
        assert_eq!(r.duration_ms, 4000);
        assert_eq!(r.silences.len(), 1, "{:?}", r.silences);
        let sil = r.silences[0];
        assert!(sil.start_ms.abs_diff(2000) <= 30 && sil.end_ms == 4000, "{sil:?}");
        // A −20 dBFS-peak sine (−23 dBFS RMS) on one channel reads about −23.7 LUFS; half the time is gated out.
        let lufs = r.lufs.unwrap();
        assert!((-25.0..-22.0).contains(&lufs), "{lufs}");
        assert!(r.bpm.is_none());
    }

    #[test]
    fn clicks_have_a_tempo() {
        let mut s = vec![0.0f32; 48_000 * 20];
        let period = 48_000 / 2; // 120 BPM
        for beat in (0..s.len()).step_by(period) {
            for k in 0..200 {
                if beat + k < s.len() {
                    s[beat + k] = 0.8 * (1.0 - k as f32 / 200.0) * if k % 2 == 0 { 1.0 } else { -1.0 };
                }
            }
        }
        let r = run(&s, 1);
        let bpm = r.bpm.expect("tempo");
        assert!((bpm - 120.0).abs() < 1.0, "{bpm}");
        assert!(r.beats_ms.len() >= 38, "{}", r.beats_ms.len());
        assert!(r.beats_ms.iter().all(|b| (b % 500).min(500 - b % 500) <= 25), "{:?}", &r.beats_ms[..8]);
    }
}
