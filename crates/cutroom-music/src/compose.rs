//! The composer: a style, a tempo, a length and a seed become an arrangement — chords with
//! voice leading, a bass line, drums, a lead melody or arpeggio and a sustaining layer —
//! in sections (intro, build, main, outro) that end on the tonic exactly at the end.

use crate::style::{self, Comping, LeadKind, Mode, Spec, Style};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub const CH_CHORDS: u8 = 0;
pub const CH_BASS: u8 = 1;
pub const CH_LEAD: u8 = 2;
pub const CH_LAYER: u8 = 3;
pub const CH_DRUMS: u8 = 9;

/// One note, in beats.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Note {
    pub ch: u8,
    pub key: u8,
    pub vel: u8,
    pub at: f64,
    pub len: f64,
}

/// A part of the piece.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Intro,
    Build,
    Main,
    Outro,
    End,
}

/// What the synthesizer plays.
#[derive(Clone, Debug)]
pub struct Arrangement {
    pub style: Style,
    pub bpm: f64,
    /// Tonic (MIDI key) and mode.
    pub tonic: u8,
    pub mode: Mode,
    /// Length in beats (the piece ends exactly here).
    pub end_beat: f64,
    /// Where the final tonic chord starts.
    pub final_beat: f64,
    pub notes: Vec<Note>,
    /// (channel, GM program)
    pub programs: Vec<(u8, u8)>,
    /// Sections with their first beat.
    pub sections: Vec<(Section, f64)>,
}

const NAMES: [&str; 12] = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];

impl Arrangement {
    /// "A minor", "F major".
    pub fn key_name(&self) -> String {
        format!("{} {}", NAMES[usize::from(self.tonic % 12)], if self.mode == Mode::Major { "major" } else { "minor" })
    }
}

fn scale(mode: Mode) -> [u8; 7] {
    match mode {
        Mode::Major => [0, 2, 4, 5, 7, 9, 11],
        Mode::Minor => [0, 2, 3, 5, 7, 8, 10],
    }
}

/// Pitch classes (semitones above the tonic) of the chord on a scale degree.
fn chord(mode: Mode, degree: u8, sevenths: bool) -> Vec<u8> {
    let s = scale(mode);
    let pick = |k: u8| {
        let i = usize::from(degree + k);
        s[i % 7] + if i >= 7 { 12 } else { 0 }
    };
    let mut c = vec![pick(0), pick(2), pick(4)];
    if sevenths {
        c.push(pick(6));
    }
    c
}

/// The voicing of `pcs` (semitones above `tonic`) nearest the previous voicing, around `center`.
fn voice(tonic: u8, pcs: &[u8], prev: &[u8], center: u8) -> Vec<u8> {
    let mut best: Option<(i32, Vec<u8>)> = None;
    for shift in 0..pcs.len() {
        for octave in [-12i32, 0, 12] {
            let mut v: Vec<u8> = pcs
                .iter()
                .enumerate()
                .map(|(i, pc)| {
                    let up = if i < shift { 12 } else { 0 };
                    (i32::from(tonic) + i32::from(*pc) + up + octave).clamp(24, 108) as u8
                })
                .collect();
            v.sort_unstable();
            let cost: i32 = if prev.is_empty() {
                (i32::from(v[0]) - i32::from(center)).abs()
            } else {
                v.iter()
                    .zip(prev.iter().chain(std::iter::repeat(prev.last().unwrap_or(&center))))
                    .map(|(a, b)| (i32::from(*a) - i32::from(*b)).abs())
                    .sum::<i32>()
                    + (i32::from(v[0]) - i32::from(center)).abs() / 2
            };
            if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                best = Some((cost, v));
            }
        }
    }
    best.map(|(_, v)| v).unwrap_or_default()
}

/// Plans the sections of a piece of `bars` bars (before the final chord).
fn sections(bars: usize) -> Vec<(Section, usize)> {
    if bars == 0 {
        return Vec::new();
    }
    let intro = match bars {
        0..=2 => 0,
        3..=7 => 1,
        8..=15 => 2,
        _ => 4,
    };
    let outro = match bars {
        0..=5 => 0,
        6..=11 => 1,
        _ => 2,
    };
    let middle = bars - intro - outro;
    let build = if middle >= 4 { (middle / 4).clamp(1, 4) } else { 0 };
    let mut out = Vec::new();
    let mut at = 0;
    for (s, n) in
        [(Section::Intro, intro), (Section::Build, build), (Section::Main, middle - build), (Section::Outro, outro)]
    {
        if n > 0 {
            out.push((s, at));
            at += n;
        }
    }
    out
}

/// Composes a piece of `beats` beats at `bpm` in `style`.
pub fn compose(style: Style, bpm: f64, beats: f64, seed: u64) -> Arrangement {
    let spec = style::spec(style);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (style as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let tonics: &[u8] = match spec.mode {
        Mode::Major => &[60, 62, 65, 67, 57],
        Mode::Minor => &[57, 62, 64, 60, 55],
    };
    let tonic = tonics[rng.random_range(0..tonics.len())];
    // The final chord rings for at least 1.5 s (and two beats) before the end.
    let tail = (1.5 * bpm / 60.0).max(2.0);
    let bars = ((beats - tail) / 4.0).floor().max(0.0) as usize;
    let final_beat = bars as f64 * 4.0;
    let plan = sections(bars);
    let section_of = |bar: usize| plan.iter().rev().find(|(_, start)| bar >= *start).map_or(Section::Main, |(s, _)| *s);
    let first = spec.progressions[rng.random_range(0..spec.progressions.len())];
    let second = spec.progressions[rng.random_range(0..spec.progressions.len())];
    let mut notes = Vec::new();
    let mut prev_voicing: Vec<u8> = Vec::new();
    let motif = motif(&mut rng, &spec);
    let humanize = |rng: &mut ChaCha8Rng, v: f64| -> u8 {
        (v * spec.energy + rng.random_range(-6.0..6.0)).clamp(1.0, 127.0) as u8
    };
    for bar in 0..bars {
        let prog = if (bar / 8) % 2 == 1 { second } else { first };
        let degree = prog[bar % prog.len()];
        let pcs = chord(spec.mode, degree, spec.sevenths);
        let voicing = voice(tonic, &pcs, &prev_voicing, 60);
        prev_voicing.clone_from(&voicing);
        let at = bar as f64 * 4.0;
        let sec = section_of(bar);
        // Chords in every section.
        comp(&mut notes, &mut rng, &spec, &voicing, at, sec);
        let root = tonic as i32 + i32::from(pcs[0]);
        let bass_key = (36 + (root - 36).rem_euclid(12)) as u8;
        if matches!(sec, Section::Build | Section::Main | Section::Outro) {
            let steps = spec.bass_steps;
            for (i, step) in steps.iter().enumerate() {
                let next = steps.get(i + 1).map_or(16, |s| *s);
                let len = f64::from(next - step) / 4.0 * 0.9;
                let fifth = i % 2 == 1 && steps.len() > 2 && style != Style::Electronic;
                let key = if fifth { bass_key + 7 } else { bass_key };
                let v = humanize(&mut rng, 95.0);
                notes.push(Note { ch: CH_BASS, key, vel: v, at: at + swung(&spec, *step), len });
            }
        }
        if let Some(_layer) = spec.layer
            && matches!(sec, Section::Build | Section::Main)
        {
            for k in &voicing {
                let v = humanize(&mut rng, 55.0);
                notes.push(Note { ch: CH_LAYER, key: k + 12, vel: v, at, len: 3.95 });
            }
        }
        if matches!(sec, Section::Main) || (sec == Section::Outro && spec.lead_kind == LeadKind::Arpeggio) {
            lead(&mut notes, &mut rng, &spec, &motif, tonic, &pcs, at, bar);
        }
        let first_main = plan.iter().any(|(s, b)| *s == Section::Main && *b == bar);
        drums(&mut notes, &mut rng, &spec, at, sec, bar, first_main, bpm < spec.bpm.0 * 0.85);
    }
    // The ending: the tonic chord, held to the end.
    let end_beat = beats;
    let hold = (end_beat - final_beat).max(0.5);
    let pcs = chord(spec.mode, 0, spec.sevenths && style == Style::Lofi);
    let voicing = voice(tonic, &pcs, &prev_voicing, 60);
    for k in &voicing {
        notes.push(Note { ch: CH_CHORDS, key: *k, vel: (80.0 * spec.energy) as u8, at: final_beat, len: hold });
    }
    if spec.layer.is_some() {
        for k in &voicing {
            notes.push(Note { ch: CH_LAYER, key: k + 12, vel: (60.0 * spec.energy) as u8, at: final_beat, len: hold });
        }
    }
    let bass_key = 36 + (tonic % 12);
    notes.push(Note { ch: CH_BASS, key: bass_key, vel: 100, at: final_beat, len: hold });
    if spec.lead_kind == LeadKind::Melody {
        notes.push(Note { ch: CH_LEAD, key: tonic + 12, vel: (85.0 * spec.energy) as u8, at: final_beat, len: hold });
    }
    if !spec.drums.is_empty() && !matches!(style, Style::Ambient | Style::Lofi | Style::Acoustic) {
        notes.push(Note { ch: CH_DRUMS, key: style::CRASH, vel: 100, at: final_beat, len: 1.0 });
        notes.push(Note { ch: CH_DRUMS, key: 36, vel: 110, at: final_beat, len: 0.5 });
    }
    notes.retain(|n| n.at < end_beat);
    for n in &mut notes {
        n.len = n.len.min(end_beat - n.at);
    }
    notes.sort_by(|a, b| a.at.total_cmp(&b.at));
    let mut secs: Vec<(Section, f64)> = plan.iter().map(|(s, b)| (*s, *b as f64 * 4.0)).collect();
    secs.push((Section::End, final_beat));
    let mut programs = vec![(CH_CHORDS, spec.chords), (CH_BASS, spec.bass), (CH_LEAD, spec.lead)];
    if let Some(l) = spec.layer {
        programs.push((CH_LAYER, l));
    }
    Arrangement { style, bpm, tonic, mode: spec.mode, end_beat, final_beat, notes, programs, sections: secs }
}

/// A 16th step's position in beats, with the style's swing on off-beat eighths.
fn swung(spec: &Spec, step: u8) -> f64 {
    let base = f64::from(step) / 4.0;
    if step % 4 == 2 { base + spec.swing / 6.0 } else { base }
}

fn comp(notes: &mut Vec<Note>, rng: &mut ChaCha8Rng, spec: &Spec, voicing: &[u8], at: f64, sec: Section) {
    let vel = |rng: &mut ChaCha8Rng, v: f64| (v * spec.energy + rng.random_range(-5.0..5.0)).clamp(1.0, 127.0) as u8;
    let quiet = if sec == Section::Intro { 0.8 } else { 1.0 };
    match spec.comping {
        Comping::Pad => {
            for k in voicing {
                let v = vel(rng, 70.0 * quiet);
                notes.push(Note { ch: CH_CHORDS, key: *k, vel: v, at, len: 3.95 });
            }
        }
        Comping::Strum => {
            for beat in [0.0, 1.5, 2.0, 3.0] {
                for (i, k) in voicing.iter().enumerate() {
                    let v = vel(rng, if beat == 0.0 { 80.0 } else { 65.0 } * quiet);
                    notes.push(Note { ch: CH_CHORDS, key: *k, vel: v, at: at + beat + i as f64 * 0.02, len: 0.9 });
                }
            }
        }
        Comping::Pulse => {
            let offbeat = spec.bass_steps.first() == Some(&2);
            let hits: &[f64] = if offbeat { &[0.5, 1.5, 2.5, 3.5] } else { &[0.0, 1.0, 2.0, 3.0] };
            for beat in hits {
                for k in voicing {
                    let v = vel(rng, 72.0 * quiet);
                    notes.push(Note { ch: CH_CHORDS, key: *k, vel: v, at: at + beat, len: 0.45 });
                }
            }
        }
    }
}

/// A two-bar melodic idea: (beat offset within two bars, length, scale step from the chord).
fn motif(rng: &mut ChaCha8Rng, spec: &Spec) -> Vec<(f64, f64, i32)> {
    const RHYTHMS: [&[f64]; 4] = [
        &[0.0, 1.0, 1.5, 2.0, 3.0, 4.0, 5.5, 6.0],
        &[0.0, 0.5, 1.0, 2.0, 2.5, 4.0, 4.5, 5.0, 6.0],
        &[0.0, 1.5, 2.0, 3.5, 4.0, 5.0, 6.5],
        &[0.5, 1.0, 2.0, 3.0, 4.5, 5.0, 6.0, 7.0],
    ];
    let r = RHYTHMS[rng.random_range(0..RHYTHMS.len())];
    let mut step = 0i32;
    let mut out = Vec::new();
    for (i, at) in r.iter().enumerate() {
        let next = r.get(i + 1).copied().unwrap_or(8.0);
        step = (step + rng.random_range(-2..=2)).clamp(-3, 5);
        out.push((*at, (next - at).min(1.5) * 0.9, step));
    }
    let _ = spec;
    out
}

#[allow(clippy::too_many_arguments)]
fn lead(
    notes: &mut Vec<Note>,
    rng: &mut ChaCha8Rng,
    spec: &Spec,
    motif: &[(f64, f64, i32)],
    tonic: u8,
    pcs: &[u8],
    at: f64,
    bar: usize,
) {
    let sc = scale(spec.mode);
    let vel = |rng: &mut ChaCha8Rng, v: f64| (v * spec.energy + rng.random_range(-6.0..6.0)).clamp(1.0, 127.0) as u8;
    match spec.lead_kind {
        LeadKind::Melody => {
            let half = (bar % 2) as f64 * 4.0;
            for (off, len, step) in motif.iter().filter(|(o, _, _)| *o >= half && *o < half + 4.0) {
                // Steps walk the scale from the chord's root, in the octave above middle C.
                let root_idx = sc.iter().position(|s| *s == pcs[0] % 12).unwrap_or(0) as i32;
                let idx = root_idx + step;
                let octave = idx.div_euclid(7);
                let pc = i32::from(sc[idx.rem_euclid(7) as usize]);
                let key = (i32::from(tonic) + 12 + pc + octave * 12).clamp(48, 96) as u8;
                let v = vel(rng, 85.0);
                notes.push(Note { ch: CH_LEAD, key, vel: v, at: at + off - half, len: *len });
            }
        }
        LeadKind::Arpeggio => {
            let fast = spec.bpm.0 >= 110.0;
            let step = if fast { 0.25 } else { 0.5 };
            let tones: Vec<u8> =
                pcs.iter().map(|p| tonic + 12 + p).chain(pcs.first().map(|p| tonic + 24 + p)).collect();
            let n = (4.0 / step) as usize;
            for i in 0..n {
                let up = (bar / 2).is_multiple_of(2);
                let k = if up { tones[i % tones.len()] } else { tones[tones.len() - 1 - i % tones.len()] };
                let v = vel(rng, if i % 4 == 0 { 78.0 } else { 62.0 });
                notes.push(Note { ch: CH_LEAD, key: k, vel: v, at: at + i as f64 * step, len: step * 0.9 });
            }
        }
    }
}

/// Hi-hats, shakers and rides: the parts that mark subdivisions.
const CYMBALS: [u8; 5] = [42, 44, 46, 51, 70];

#[allow(clippy::too_many_arguments)]
fn drums(
    notes: &mut Vec<Note>,
    rng: &mut ChaCha8Rng,
    spec: &Spec,
    at: f64,
    sec: Section,
    bar: usize,
    first_main: bool,
    half_time: bool,
) {
    for (key, hits) in spec.drums {
        let keep: &dyn Fn(u8) -> bool = match sec {
            Section::Intro => &|k| k == 42 || k == 70 || k == 51,
            Section::Build => &|k| k != 38 && k != 39 && k != 37,
            Section::Main => &|_| true,
            Section::Outro => &|k| k == 36 || k == 42 || k == 70,
            Section::End => &|_| false,
        };
        if !keep(*key) {
            continue;
        }
        for (step, v) in hits.iter() {
            // Well below the style's tempo the groove goes half-time: cymbals keep to the
            // beat, so the pulse heard is the tempo asked for, not twice it.
            if half_time && CYMBALS.contains(key) && step % 4 != 0 {
                continue;
            }
            // A little variation every fourth bar.
            if bar % 4 == 3 && *key == 36 && *step > 8 && rng.random_bool(0.5) {
                continue;
            }
            let vel = (f64::from(*v) * spec.energy + rng.random_range(-8.0..8.0)).clamp(1.0, 127.0) as u8;
            notes.push(Note { ch: CH_DRUMS, key: *key, vel, at: at + swung(spec, *step), len: 0.2 });
        }
    }
    if first_main && !spec.drums.is_empty() {
        notes.push(Note { ch: CH_DRUMS, key: style::CRASH, vel: (95.0 * spec.energy) as u8, at, len: 1.0 });
    }
}

/// Beat and bar times of an arrangement, in ms.
pub fn grid(a: &Arrangement) -> (Vec<u64>, Vec<u64>) {
    let beat_ms = 60_000.0 / a.bpm;
    let n = a.end_beat.floor() as usize;
    let beats: Vec<u64> =
        (0..=n).map(|i| (i as f64 * beat_ms).round() as u64).filter(|t| (*t as f64) < a.end_beat * beat_ms).collect();
    let bars = beats.iter().copied().step_by(4).collect();
    (beats, bars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chords_are_diatonic() {
        assert_eq!(chord(Mode::Major, 0, false), vec![0, 4, 7]);
        assert_eq!(chord(Mode::Major, 4, false), vec![7, 11, 14]);
        assert_eq!(chord(Mode::Minor, 0, true), vec![0, 3, 7, 10]);
        assert_eq!(chord(Mode::Major, 1, true), vec![2, 5, 9, 12]);
    }

    #[test]
    fn the_piece_ends_on_the_tonic_at_the_end() {
        for style in Style::ALL {
            let a = compose(style, 100.0, 50.0, 7);
            assert!(a.final_beat <= a.end_beat - 2.0 && a.final_beat > a.end_beat - 8.0, "{style:?}");
            let last: Vec<&Note> = a.notes.iter().filter(|n| n.at == a.final_beat && n.ch == CH_BASS).collect();
            assert_eq!(last.len(), 1);
            assert_eq!(last[0].key % 12, a.tonic % 12);
            assert!(a.notes.iter().all(|n| n.at + n.len <= a.end_beat + 1e-9));
            assert!(a.notes.iter().any(|n| n.ch == CH_LEAD));
        }
    }

    #[test]
    fn seeds_matter_and_repeat() {
        let a = compose(Style::Pop, 110.0, 64.0, 1);
        let b = compose(Style::Pop, 110.0, 64.0, 1);
        let c = compose(Style::Pop, 110.0, 64.0, 2);
        assert_eq!(a.notes, b.notes);
        assert_ne!(a.notes, c.notes);
    }

    #[test]
    fn sections_fill_the_bars() {
        assert_eq!(sections(0), vec![]);
        assert_eq!(sections(4), vec![(Section::Intro, 0), (Section::Main, 1)]);
        let s = sections(20);
        assert_eq!(s.first(), Some(&(Section::Intro, 0)));
        assert_eq!(s.last(), Some(&(Section::Outro, 18)));
    }
}
