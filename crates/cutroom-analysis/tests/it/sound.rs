//! Sound: tempo, silence, loudness against ffmpeg's own meter.

use super::*;

fn audio(name: &str, expr: &str, secs: f64) -> PathBuf {
    fixture(name, None, Some(&format!("aevalsrc={expr}:s=48000:c=stereo")), secs)
}

#[test]
fn a_120_bpm_click_track_measures_120() {
    let a = run(&audio("click120.wav", "0.8*sin(2*PI*1000*t)*lt(mod(t\\,0.5)\\,0.02)", 20.0));
    let s = a.audio.unwrap();
    let bpm = s.bpm.expect("a tempo");
    assert!((bpm - 120.0).abs() <= 1.0, "{bpm}");
    assert!(s.beats_ms.len() >= 38);
    assert!(s.beats_ms.iter().all(|b| (b % 500).min(500 - b % 500) <= 30), "{:?}", &s.beats_ms[..6]);
    assert!(a.shots.is_empty() && a.video.is_none());
}

#[test]
fn other_tempos() {
    for bpm in [90.0f64, 140.0] {
        let period = 60.0 / bpm;
        let a =
            run(&audio(&format!("click{bpm}.wav"), &format!("0.8*sin(2*PI*800*t)*lt(mod(t\\,{period})\\,0.02)"), 20.0));
        let got = a.audio.unwrap().bpm.expect("a tempo");
        assert!((got - bpm).abs() <= 1.0, "{bpm}: {got}");
    }
}

#[test]
fn silence_after_a_tone_is_found() {
    let a = run(&audio("tone-then-silence.wav", "0.1*sin(2*PI*440*t)*lt(t\\,2)", 4.0));
    let s = a.audio.unwrap();
    assert_eq!(s.silences.len(), 1, "{:?}", s.silences);
    assert!(s.silences[0].start_ms.abs_diff(2000) <= 40 && s.silences[0].end_ms == 4000, "{:?}", s.silences);
    assert!(s.bpm.is_none());
}

#[test]
fn loudness_agrees_with_ffmpeg() {
    let file = audio("minus20.wav", "0.1*sin(2*PI*1000*t)", 10.0);
    let ours = run(&file).audio.unwrap().lufs.unwrap();
    let theirs = cutroom_testkit::loudness_lufs(&file);
    assert!((ours - theirs).abs() <= 0.5, "ours {ours} LUFS, ffmpeg {theirs} LUFS");
}

#[test]
fn speech_like_sound_is_told_from_music() {
    // Syllables: bursts of a voiced buzz, 180 ms on and 120 ms off.
    let talk = audio(
        "talk.wav",
        "(0.3*sin(2*PI*150*t)+0.2*sin(2*PI*300*t)+0.1*sin(2*PI*450*t)+0.05*(random(0)-0.5))*lt(mod(t\\,0.3)\\,0.18)",
        6.0,
    );
    let hum = audio("hum.wav", "0.2*sin(2*PI*220*t)+0.15*sin(2*PI*277*t)+0.1*sin(2*PI*330*t)", 6.0);
    let t = run(&talk).audio.unwrap();
    let h = run(&hum).audio.unwrap();
    let covered = |spans: &[cutroom_analysis::Span]| spans.iter().map(|s| s.end_ms - s.start_ms).sum::<u64>();
    assert!(covered(&t.speech) >= 4000, "{:?}", t.speech);
    assert_eq!(covered(&h.speech), 0, "{:?}", h.speech);
}
