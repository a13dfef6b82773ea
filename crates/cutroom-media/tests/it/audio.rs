//! The sound: volume, fades, speed, ducking, loudness, crossfades, silent inputs.

use super::*;
use cutroom_testkit::{loudness_lufs, rms_db, samples, tone_db};

/// A 6 s music bed: a 220 Hz tone at −6 dBFS peak.
fn music() -> PathBuf {
    fixture("music.wav", None, Some("aevalsrc=0.5*sin(2*PI*220*t):s=48000:c=stereo"), 6.0)
}

fn with_music(volume: f64, fade_out: u64) -> Draft {
    let mut d = canvas(320, 180);
    d.t.push(video_track(vec![seg("v.mp4", 0, 4000)]));
    let mut a = Track::new(TrackType::Audio);
    a.m.insert("role".into(), "bgm".into());
    let mut s = seg("music.wav", 0, 4000);
    s.volume = volume;
    s.fade_out = Ms(fade_out);
    a.sg.push(s);
    d.t.push(a);
    d
}

fn silent_video() -> PathBuf {
    color_clip("0x303030", 5.0, None)
}

#[test]
fn music_at_35_percent_is_9_db_down() {
    let (v, m) = (silent_video(), music());
    let map = media(&[("v.mp4", &v), ("music.wav", &m)]);
    let full = render_ok(&with_music(1.0, 0), &map, &as_mixed());
    let low = render_ok(&with_music(0.35, 0), &map, &as_mixed());
    let level = |p: &Path| rms_db(&samples(p, 0.5, Some(3.0)));
    let drop = level(&full.path) - level(&low.path);
    // 20·log10(0.35) = −9.1 dB.
    assert!((drop - 9.12).abs() < 0.5, "35% measured {drop:.2} dB down");
    assert!((level(&full.path) - (-9.0)).abs() < 1.0, "a −6 dBFS-peak sine is about −9 dB RMS");
}

#[test]
fn faded_out_tail_is_silent() {
    let (v, m) = (silent_video(), music());
    let out = render_ok(&with_music(1.0, 1000), &media(&[("v.mp4", &v), ("music.wav", &m)]), &as_mixed());
    let body = rms_db(&samples(&out.path, 2.0, Some(0.5)));
    let tail = rms_db(&samples(&out.path, 3.95, Some(0.05)));
    let half = rms_db(&samples(&out.path, 3.45, Some(0.1)));
    assert!(body > -12.0, "before the fade: {body}");
    assert!(half < body - 3.0 && half > tail, "fading: {half}");
    assert!(tail < -35.0, "the last 50 ms are near silence: {tail}");
}

#[test]
fn loudness_is_normalised_to_minus_14() {
    let (v, m) = (silent_video(), music());
    let map = media(&[("v.mp4", &v), ("music.wav", &m)]);
    for vol in [0.1, 1.0] {
        let out = render_ok(&with_music(vol, 0), &map, &RenderSettings::default());
        let lufs = loudness_lufs(&out.path);
        assert!((lufs + 14.0).abs() < 1.0, "volume {vol}: {lufs} LUFS");
        assert!(out.rendered.gain_db.is_some());
    }
}

#[test]
fn ducking_lowers_music_under_the_videos_sound() {
    // The clip talks (a 2 kHz tone) for its first 2 s and is silent after.
    let talk = fixture(
        "talk.mp4",
        Some("color=c=gray:s=320x180:r=30"),
        Some("aevalsrc=0.5*sin(2*PI*2000*t)*lt(t\\,2):s=48000"),
        4.0,
    );
    let m = music();
    let map = media(&[("v.mp4", &talk), ("music.wav", &m)]);
    let music_level = |duck: bool| {
        let mut d = with_music(0.5, 0);
        if duck {
            d.t[1].duck = Some(Duck { amount_db: 12.0, ..Duck::default() });
        }
        let out = render_ok(&d, &map, &as_mixed());
        let during = tone_db(&samples(&out.path, 0.8, Some(1.0)), 220.0);
        let after = tone_db(&samples(&out.path, 3.0, Some(0.8)), 220.0);
        (during, after)
    };
    let (during, after) = music_level(true);
    assert!(after - during > 6.0, "ducked by only {:.1} dB ({during:.1} vs {after:.1})", after - during);
    let (during, after) = music_level(false);
    assert!((after - during).abs() < 1.0, "without ducking the music stays level");
}

#[test]
fn clip_sound_follows_its_picture_and_crossfades() {
    let a = color_clip("red", 3.0, Some(440));
    let b = color_clip("blue", 3.0, Some(660));
    let mut d = canvas(320, 180);
    let mut s = seg("a.mp4", 0, 2000);
    s.transition = cross(TransitionKind::Crossfade, 1000);
    let mut s2 = seg("b.mp4", 1000, 2000);
    s2.volume = 0.5;
    d.t.push(video_track(vec![s, s2]));
    let out = render_ok(&d, &media(&[("a.mp4", &a), ("b.mp4", &b)]), &as_mixed());
    let first = samples(&out.path, 0.2, Some(0.6));
    let last = samples(&out.path, 2.3, Some(0.6));
    assert!(tone_db(&first, 440.0) > tone_db(&first, 660.0) + 20.0);
    assert!(tone_db(&last, 660.0) > tone_db(&last, 440.0) + 20.0);
    // Half volume on the second clip: 6 dB below the first.
    let diff = tone_db(&first, 440.0) - tone_db(&last, 660.0);
    assert!((diff - 6.0).abs() < 1.0, "{diff}");
    // Mid-transition both are heard, each partly faded.
    let mid = samples(&out.path, 1.4, Some(0.2));
    assert!(tone_db(&mid, 440.0) < tone_db(&first, 440.0) - 1.0 && tone_db(&mid, 660.0) > -40.0);
}

#[test]
fn a_draft_with_only_music_and_text_renders() {
    let m = music();
    let mut d = canvas(320, 180);
    let mut a = Track::new(TrackType::Audio);
    a.sg.push(seg("music.wav", 500, 2000));
    d.t.push(a);
    let mut t = Track::new(TrackType::Text);
    t.sg.push(Segment::text("Only words", Ms(0), Ms(1000)));
    d.t.push(t);
    let out = render_ok(&d, &media(&[("music.wav", &m)]), &as_mixed());
    assert_eq!(out.rendered.frames, 75);
    assert!(rms_db(&samples(&out.path, 0.0, Some(0.4))) < -60.0, "silence before the music starts");
    assert!(rms_db(&samples(&out.path, 1.0, Some(0.5))) > -12.0);
}
