//! Structural and media-aware validation, with field paths.

use super::*;

fn issues(d: &Draft) -> Vec<String> {
    match d.validate() {
        Ok(()) => vec![],
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn zero_length_segment_is_named() {
    let mut d = sample();
    d.t[0].sg[2].d = Ms(0);
    assert!(issues(&d).contains(&"t[0].sg[2].d: must be > 0".to_string()), "{:?}", issues(&d));
}

#[test]
fn shorter_than_a_frame_is_refused() {
    let mut d = sample();
    d.t[2].sg[0].d = Ms(20);
    assert!(issues(&d).iter().any(|i| i.starts_with("t[2].sg[0].d: must be at least one frame")));
}

#[test]
fn sequence_rules_for_video() {
    let mut d = sample();
    d.t[0].sg[1].start = Ms(8000); // the crossfade demands 7500
    let i = issues(&d);
    assert!(i.iter().any(|i| i.starts_with("t[0].sg[1].start: must be 7500 ms")), "{i:?}");

    let mut d = sample();
    d.t[0].sg[0].transition = None;
    d.t[0].sg[1].start = Ms(7000); // now it overlaps without a transition
    assert!(issues(&d).iter().any(|i| i.starts_with("t[0].sg[1].start: 7000 ms overlaps sg[0]")));

    let mut d = sample();
    d.t[0].sg[2].transition = Some(Transition { kind: TransitionKind::Crossfade, d: Ms(500) });
    assert!(issues(&d).iter().any(|i| i.starts_with("t[0].sg[2].transition: the last segment")));

    let mut d = sample();
    if let Some(t) = &mut d.t[0].sg[0].transition {
        t.d = Ms(7000);
    }
    d.t[0].sg[1].start = Ms(1000);
    assert!(issues(&d).iter().any(|i| i.starts_with("t[0].sg[0].transition.d: 7000 ms is longer than the next")));

    // A gap without a transition is fine (rendered in the canvas colour).
    let mut d = sample();
    d.t[0].sg[1].transition = None;
    d.t[0].sg[2].start = Ms(20_000);
    assert_eq!(issues(&d), Vec::<String>::new());
}

#[test]
fn field_rules() {
    let mut d = sample();
    d.canvas.w = 1081;
    d.canvas.fps = 29;
    d.t[0].sg[0].speed = 10.0;
    d.t[0].sg[0].volume = -1.0;
    d.t[0].sg[1].src = Some("../etc/passwd".into());
    d.t[1].sg[0].text = Some("hi".into());
    d.t[1].sg[0].transition = Some(Transition { kind: TransitionKind::WipeLeft, d: Ms(500) });
    d.t[2].sg[0].text = Some("  \n ".into());
    d.t[2].sg[0].fade_in = Ms(2000);
    d.t[2].sg[0].fade_out = Ms(2000);
    let got = issues(&d);
    for prefix in [
        "canvas.w: must be an even number",
        "canvas.fps: must divide 48000",
        "t[0].sg[0].speed: must be 0.25–4",
        "t[0].sg[0].volume: must be 0–4",
        "t[0].sg[1].src: '../etc/passwd' must be a relative media id",
        "t[1].sg[0].text: only text segments",
        "t[1].sg[0].transition: transitions apply to video segments only",
        "t[2].sg[0].text: must not be empty",
        "t[2].sg[0].fade_out: fade in (2000 ms) plus fade out (2000 ms) exceed",
    ] {
        assert!(got.iter().any(|i| i.starts_with(prefix)), "missing {prefix:?} in {got:#?}");
    }
}

#[test]
fn second_video_track_and_version_are_refused() {
    let mut d = sample();
    d.t.push(video(vec![seg("a.mp4", 0, 1000)]));
    d.v = 2;
    let got = issues(&d);
    assert!(got.iter().any(|i| i.starts_with("v: unsupported schema version 2")));
    assert!(got.iter().any(|i| i.starts_with("t[3].tt: only one video track")));
}

fn facts(kind: MediaKind, secs: Option<u64>, has_audio: bool) -> MediaFacts {
    MediaFacts { kind, duration: secs.map(Ms::from_secs), has_audio }
}

#[test]
fn media_rules() {
    let d = sample();
    let lookup = |id: &str| match id {
        "clip_a.mp4" | "clip_c.mp4" => Some(facts(MediaKind::Video, Some(10), true)),
        "clip_b.mp4" => Some(facts(MediaKind::Video, Some(9), true)), // needs 2 + 8 s
        "music.wav" => Some(facts(MediaKind::Image, None, false)),
        _ => None,
    };
    let e = d.validate_media(lookup).unwrap_err().to_string();
    assert!(e.contains("t[0].sg[1].d: needs source up to 10s"), "{e}");
    assert!(e.contains("t[1].sg[0].src: 'music.wav' is a still image"), "{e}");

    let mut d = sample();
    d.t[0].sg[0].src = Some("gone.mp4".into());
    let e = d.validate_media(|id| (id != "gone.mp4").then(|| facts(MediaKind::Video, Some(30), true)));
    assert!(e.unwrap_err().to_string().contains("t[0].sg[0].src: media 'gone.mp4' not found"));

    let mut d = sample();
    d.t[0].sg[0].motion = Some(Motion { zoom_from: 1.0, zoom_to: 1.2, from: Point::CENTER, to: Point::CENTER });
    let e = d.validate_media(|_| Some(facts(MediaKind::Video, Some(30), true)));
    assert!(e.unwrap_err().to_string().contains("t[0].sg[0].motion: on video, motion pans at one zoom"));
    d.t[0].sg[0].motion =
        Some(Motion { zoom_from: 1.2, zoom_to: 1.2, from: Point::CENTER, to: Point { x: 0.2, y: 0.5 } });
    assert!(d.validate_media(|_| Some(facts(MediaKind::Video, Some(30), true))).is_ok(), "a pan on video");
    d.t[0].sg[0].fit = Fit::Contain;
    let e = d.validate_media(|_| Some(facts(MediaKind::Video, Some(30), true)));
    assert!(e.unwrap_err().to_string().contains("t[0].sg[0].motion: on video, motion pans the cover crop"));

    assert!(sample().validate_media(|_| Some(facts(MediaKind::Video, Some(30), true))).is_ok());
}
