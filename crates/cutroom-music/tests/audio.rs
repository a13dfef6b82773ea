//! The music measured as audio: detected tempo, length, the fade at the end, peaks and
//! loudness, differences between styles and seeds — not the code path that made it.

use cutroom_analysis::audio::AudioAnalyzer;
use cutroom_music::{Footage, Piece, Request, Style, generate};
use realfft::RealFftPlanner;

const RATE: u32 = 48_000;

fn piece(style: Style, ms: u64, bpm: Option<u32>, seed: u64) -> Piece {
    let req = Request { style: Some(style), duration_ms: ms, bpm, seed, footage: Footage::default() };
    generate(&req, None).expect("music (the set-up script installs the GM SoundFont)")
}

/// Tempo as the analysis hears it (onset strength, autocorrelation).
fn detected_bpm(p: &Piece) -> f64 {
    let mut a = AudioAnalyzer::new(2, RATE);
    a.push(&p.samples);
    a.finish().bpm.expect("a steady beat")
}

fn mono(p: &Piece) -> Vec<f32> {
    p.samples.chunks(2).map(|c| 0.5 * (c[0] + c[1])).collect()
}

fn rms_db(s: &[f32]) -> f64 {
    let e = s.iter().map(|x| f64::from(*x) * f64::from(*x)).sum::<f64>() / s.len().max(1) as f64;
    10.0 * e.max(1e-20).log10()
}

/// Mean spectral centroid in Hz over 4096-sample Hann windows.
fn centroid(p: &Piece) -> f64 {
    let m = mono(p);
    let n = 4096;
    let fft = RealFftPlanner::<f32>::new().plan_fft_forward(n);
    let window: Vec<f32> = (0..n).map(|i| 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / n as f32).cos()).collect();
    let (mut sum, mut frames) = (0.0, 0);
    for chunk in m.chunks_exact(n).step_by(2) {
        let mut input: Vec<f32> = chunk.iter().zip(&window).map(|(x, w)| x * w).collect();
        let mut spectrum = fft.make_output_vec();
        fft.process(&mut input, &mut spectrum).unwrap();
        let (mut num, mut den) = (0.0f64, 0.0f64);
        for (k, c) in spectrum.iter().enumerate() {
            let mag = f64::from(c.norm());
            num += mag * k as f64 * f64::from(RATE) / n as f64;
            den += mag;
        }
        if den > 1e-6 {
            sum += num / den;
            frames += 1;
        }
    }
    sum / f64::from(frames.max(1))
}

#[test]
fn the_requested_tempo_is_the_tempo_heard() {
    for style in Style::ALL {
        let p = piece(style, 20_000, Some(90), 3);
        let bpm = detected_bpm(&p);
        println!("{:<11} asked 90 BPM, heard {bpm:.1}", style.name());
        assert!((bpm - 90.0).abs() <= 2.0, "{}: asked 90 BPM, heard {bpm:.1}", style.name());
    }
    let p = piece(Style::Pop, 20_000, Some(120), 3);
    assert!((detected_bpm(&p) - 120.0).abs() <= 2.0);
}

#[test]
fn length_ending_peak_and_loudness() {
    for (style, ms) in [(Style::Lofi, 7_300), (Style::Electronic, 31_000), (Style::Cinematic, 12_345)] {
        let p = piece(style, ms, None, 11);
        let len_ms = p.samples.len() as f64 / 2.0 / f64::from(RATE) * 1000.0;
        assert!((len_ms - ms as f64).abs() <= 50.0, "{}: {len_ms} ms for {ms}", style.name());
        let m = mono(&p);
        let n = |ms: usize| ms * RATE as usize / 1000;
        let tail = &m[m.len() - n(500)..];
        let (first, second, last) = (rms_db(&tail[..n(250)]), rms_db(&tail[n(250)..]), rms_db(&tail[n(480)..]));
        assert!(second < first - 3.0, "{}: the last 500 ms fade ({first:.1} → {second:.1} dB)", style.name());
        assert!(last < -60.0, "{}: it ends in silence ({last:.1} dB)", style.name());
        let body = rms_db(&m[n(2000)..m.len() - n(2000)]);
        assert!(body > -40.0, "{}: there is music before the end ({body:.1} dB)", style.name());
        let peak = p.samples.iter().fold(0.0f32, |a, x| a.max(x.abs()));
        let peak_db = 20.0 * f64::from(peak).log10();
        assert!(peak_db < -1.0, "{}: peak {peak_db:.2} dBFS", style.name());
        // Loud enough to hear, quiet enough to sit under speech (−18 LUFS).
        assert!((p.loudness_lufs + 18.0).abs() < 1.5, "{}: {:.1} LUFS", style.name(), p.loudness_lufs);
    }
}

#[test]
fn styles_sound_different() {
    let measured: Vec<(Style, f64, f64)> = Style::ALL
        .iter()
        .map(|s| {
            let p = piece(*s, 15_000, None, 5);
            (*s, detected_bpm(&p), centroid(&p))
        })
        .collect();
    for (s, bpm, c) in &measured {
        println!("{:<11} {bpm:6.1} BPM  centroid {c:7.0} Hz", s.name());
    }
    for (i, a) in measured.iter().enumerate() {
        for b in &measured[i + 1..] {
            let tempo = (a.1 - b.1).abs() > 4.0;
            let colour = (a.2 / b.2).max(b.2 / a.2) > 1.12;
            assert!(tempo || colour, "{} and {} measure alike: {a:?} {b:?}", a.0.name(), b.0.name());
        }
    }
}

#[test]
fn seeds_make_pieces_and_repeat_them() {
    let a = piece(Style::Acoustic, 10_000, None, 7);
    let again = piece(Style::Acoustic, 10_000, None, 7);
    let other = piece(Style::Acoustic, 10_000, None, 8);
    assert!(a.samples == again.samples, "the same seed gives identical samples");
    assert_eq!(a.samples.len(), other.samples.len());
    let diff: Vec<f32> = a.samples.iter().zip(&other.samples).map(|(x, y)| x - y).collect();
    assert!(rms_db(&diff) > rms_db(&a.samples) - 6.0, "another seed is another piece");
}
