//! Synthesis and mastering: an arrangement is played by a General MIDI SoundFont (real
//! instrument samples) at 48 kHz stereo, then levelled for mixing under speech, peak-limited
//! below −1 dBFS, and faded to silence over its last half second.

use crate::MusicError;
use crate::compose::{Arrangement, CH_BASS, CH_CHORDS, CH_DRUMS, CH_LAYER, CH_LEAD};
use rustysynth::{SoundFont, Synthesizer, SynthesizerSettings};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

pub const SAMPLE_RATE: u32 = 48_000;
/// Loudness the music is set to (quieter than speech; the render mixes and normalises).
pub const TARGET_LUFS: f64 = -18.0;
/// Highest sample peak after limiting.
pub const CEILING_DBFS: f64 = -1.5;
/// The fade to silence at the end.
pub const END_FADE_MS: u64 = 500;

/// Where a GM SoundFont is: `CUTROOM_SOUNDFONT`, else the Debian packages' files.
pub fn soundfont_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CUTROOM_SOUNDFONT").map(PathBuf::from) {
        return p.is_file().then_some(p);
    }
    [
        "/usr/share/sounds/sf2/FluidR3_GM.sf2",
        "/usr/share/sounds/sf2/TimGM6mb.sf2",
        "/usr/share/sounds/sf2/default-GM.sf2",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

/// SoundFonts load once per process (the GM bank is large).
fn load(path: &Path) -> Result<Arc<SoundFont>, MusicError> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<SoundFont>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(sf) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(path) {
        return Ok(sf.clone());
    }
    let mut file = std::io::BufReader::new(
        std::fs::File::open(path).map_err(|e| MusicError::SoundFont(format!("{}: {e}", path.display())))?,
    );
    let sf =
        Arc::new(SoundFont::new(&mut file).map_err(|e| MusicError::SoundFont(format!("{}: {e:?}", path.display())))?);
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_path_buf(), sf.clone());
    Ok(sf)
}

/// Plays the arrangement; returns interleaved stereo samples of exactly its length.
pub fn render(a: &Arrangement, soundfont: &Path) -> Result<Vec<f32>, MusicError> {
    let sf = load(soundfont)?;
    let settings = SynthesizerSettings::new(SAMPLE_RATE as i32);
    let mut synth = Synthesizer::new(&sf, &settings).map_err(|e| MusicError::SoundFont(format!("{e:?}")))?;
    for (ch, program) in &a.programs {
        synth.process_midi_message(i32::from(*ch), 0xC0, i32::from(*program), 0);
    }
    // Channel levels and placement: a simple mix.
    for (ch, volume, pan) in
        [(CH_CHORDS, 92, 52), (CH_BASS, 104, 64), (CH_LEAD, 84, 78), (CH_LAYER, 70, 60), (CH_DRUMS, 100, 64)]
    {
        synth.process_midi_message(i32::from(ch), 0xB0, 7, volume);
        synth.process_midi_message(i32::from(ch), 0xB0, 10, pan);
        synth.process_midi_message(i32::from(ch), 0xB0, 91, 40); // reverb send
    }
    let sample_of = |beat: f64| -> usize { (beat * 60.0 / a.bpm * f64::from(SAMPLE_RATE)).round() as usize };
    let total = sample_of(a.end_beat);
    // (sample, on?, channel, key, velocity); offs before ons at the same sample.
    let mut events: Vec<(usize, bool, u8, u8, u8)> = Vec::with_capacity(a.notes.len() * 2);
    for n in &a.notes {
        let on = sample_of(n.at);
        let off = sample_of(n.at + n.len).max(on + 1);
        events.push((on, true, n.ch, n.key, n.vel));
        events.push((off, false, n.ch, n.key, 0));
    }
    events.sort_by_key(|e| (e.0, e.1));
    let mut left = vec![0f32; total];
    let mut right = vec![0f32; total];
    let mut at = 0usize;
    for (sample, on, ch, key, vel) in events {
        let sample = sample.min(total);
        if sample > at {
            synth.render(&mut left[at..sample], &mut right[at..sample]);
            at = sample;
        }
        if on {
            synth.note_on(i32::from(ch), i32::from(key), i32::from(vel));
        } else {
            synth.note_off(i32::from(ch), i32::from(key));
        }
    }
    if at < total {
        synth.render(&mut left[at..], &mut right[at..]);
    }
    let mut out = Vec::with_capacity(total * 2);
    for (l, r) in left.iter().zip(&right) {
        out.push(*l);
        out.push(*r);
    }
    Ok(out)
}

/// Integrated loudness (LUFS) and true peak (dBTP) of interleaved stereo.
pub fn measure(samples: &[f32]) -> (f64, f64) {
    let Ok(mut m) = ebur128::EbuR128::new(2, SAMPLE_RATE, ebur128::Mode::I | ebur128::Mode::TRUE_PEAK) else {
        return (f64::NEG_INFINITY, f64::NEG_INFINITY);
    };
    if m.add_frames_f32(samples).is_err() {
        return (f64::NEG_INFINITY, f64::NEG_INFINITY);
    }
    let lufs = m.loudness_global().unwrap_or(f64::NEG_INFINITY);
    let peak = (0..2).filter_map(|c| m.true_peak(c).ok()).fold(0.0f64, f64::max);
    (lufs, 20.0 * peak.max(1e-9).log10())
}

/// Levels, limits and fades the piece in place; returns (LUFS, sample peak dBFS).
pub fn master(samples: &mut [f32]) -> (f64, f64) {
    let (lufs, _) = measure(samples);
    if lufs.is_finite() {
        let gain = 10f64.powf(((TARGET_LUFS - lufs) / 20.0).clamp(-24.0 / 20.0, 24.0 / 20.0)) as f32;
        samples.iter_mut().for_each(|s| *s *= gain);
    }
    limit(samples, 10f32.powf(CEILING_DBFS as f32 / 20.0));
    // 10 ms in, the last half second out to nothing.
    let frames = samples.len() / 2;
    let fade_in = (SAMPLE_RATE as usize / 100).min(frames);
    for i in 0..fade_in {
        let g = i as f32 / fade_in as f32;
        samples[2 * i] *= g;
        samples[2 * i + 1] *= g;
    }
    let fade_out = ((END_FADE_MS * u64::from(SAMPLE_RATE) / 1000) as usize).min(frames);
    for k in 0..fade_out {
        let i = frames - fade_out + k;
        let x = (k + 1) as f32 / fade_out as f32;
        let g = 0.5 * (1.0 + (std::f32::consts::PI * x).cos());
        samples[2 * i] *= g;
        samples[2 * i + 1] *= g;
    }
    let (lufs, _) = measure(samples);
    let peak = samples.iter().fold(0f32, |m, s| m.max(s.abs()));
    (lufs, 20.0 * f64::from(peak.max(1e-9)).log10())
}

/// A look-ahead peak limiter: gain drops before a peak arrives and recovers over 150 ms,
/// so no sample passes `ceiling`.
fn limit(samples: &mut [f32], ceiling: f32) {
    let frames = samples.len() / 2;
    if frames == 0 {
        return;
    }
    let look = (SAMPLE_RATE as usize * 5 / 1000).max(1);
    let peaks: Vec<f32> = (0..frames).map(|i| samples[2 * i].abs().max(samples[2 * i + 1].abs())).collect();
    // Gain each frame needs, then the minimum over the look-ahead window.
    let need: Vec<f32> = peaks.iter().map(|p| if *p > ceiling { ceiling / p } else { 1.0 }).collect();
    let mut window_min = vec![1.0f32; frames];
    let mut dq: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    for i in (0..frames).rev() {
        while dq.back().is_some_and(|&j| need[j] >= need[i]) {
            dq.pop_back();
        }
        dq.push_back(i);
        while dq.front().is_some_and(|&j| j > i + look) {
            dq.pop_front();
        }
        window_min[i] = need[*dq.front().unwrap_or(&i)];
    }
    let release = (-1.0 / (0.15 * SAMPLE_RATE as f32)).exp();
    let mut g = 1.0f32;
    for i in 0..frames {
        let target = window_min[i];
        g = if target < g { target } else { target + (g - target) * release };
        samples[2 * i] *= g;
        samples[2 * i + 1] *= g;
    }
    // Anything the smoothing let through is clipped exactly at the ceiling.
    for s in samples.iter_mut() {
        *s = s.clamp(-ceiling, ceiling);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_holds_the_ceiling() {
        let level = |i: usize| if i < 100 { 2.5 } else { 0.5 };
        let mut s: Vec<f32> = (0..48_000)
            .flat_map(|i| {
                let v = (i as f32 * 0.05).sin() * level(i);
                [v, v]
            })
            .collect();
        limit(&mut s, 0.8);
        assert!(s.iter().all(|x| x.abs() <= 0.8 + 1e-6));
        // Long after the burst the level is back to what it was.
        let i = 40_000;
        assert!((s[2 * i].abs() - ((i as f32 * 0.05).sin() * 0.5).abs()).abs() < 0.01);
    }
}
