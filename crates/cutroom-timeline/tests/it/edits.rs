//! Each edit operation's effect on a draft.

use super::*;

fn starts(d: &Draft) -> Vec<u64> {
    d.t[0].sg.iter().map(|s| s.start.0).collect()
}
fn durs(d: &Draft) -> Vec<u64> {
    d.t[0].sg.iter().map(|s| s.d.0).collect()
}
fn srcs(d: &Draft) -> Vec<String> {
    d.t[0].sg.iter().map(|s| s.src.clone().unwrap()).collect()
}
fn ok(d: &Draft, op: EditOp) -> Draft {
    apply(d, &op).unwrap_or_else(|e| panic!("{e}"))
}
fn rejected(d: &Draft, op: EditOp) -> String {
    match apply(d, &op) {
        Err(EditError::Rejected { message, .. }) => message,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn trim_ripples_the_video_track() {
    let d = ok(&sample(), EditOp::Trim { track: 0, seg: 0, head: 1000, tail: 1000 });
    assert_eq!(durs(&d), vec![6000, 6400, 8000]);
    assert_eq!(d.t[0].sg[0].src_in, Ms(1000));
    assert_eq!(starts(&d), vec![0, 5500, 11_400]);
    assert_eq!(d.t[0].end(), Ms(19_400));
    // Head trim on a sped-up clip moves the in-point by head × speed.
    let d = ok(&sample(), EditOp::Trim { track: 0, seg: 1, head: 400, tail: 0 });
    assert_eq!(d.t[0].sg[1].src_in, Ms(2500));
    let e = rejected(&sample(), EditOp::Trim { track: 0, seg: 1, head: -2000, tail: 0 });
    assert!(e.contains("the source starts 2000 ms earlier"), "{e}");
    let e = rejected(&sample(), EditOp::Trim { track: 0, seg: 0, head: 8000, tail: 0 });
    assert!(e.contains("shorter than one frame") || e.contains("more than the whole"), "{e}");
}

#[test]
fn set_duration_split_and_remove() {
    let d = ok(&sample(), EditOp::SetDuration { track: 0, seg: 2, d: Ms(2000) });
    assert_eq!(d.t[0].end(), Ms(15_400));
    let d = ok(&sample(), EditOp::Split { track: 0, seg: 0, at: Ms(3000) });
    assert_eq!(srcs(&d), vec!["clip_a.mp4", "clip_a.mp4", "clip_b.mp4", "clip_c.mp4"]);
    assert_eq!(durs(&d), vec![3000, 5000, 6400, 8000]);
    assert_eq!(d.t[0].sg[1].src_in, Ms(3000));
    assert!(d.t[0].sg[0].transition.is_none() && d.t[0].sg[1].transition.is_some());
    assert_eq!(d.t[0].end(), Ms(21_400));
    // Split points inside a transition are refused.
    rejected(&sample(), EditOp::Split { track: 0, seg: 0, at: Ms(7800) });
    let d = ok(&sample(), EditOp::RemoveSegment { track: 0, seg: 0 });
    assert_eq!(srcs(&d), vec!["clip_b.mp4", "clip_c.mp4"]);
    assert_eq!(starts(&d), vec![0, 5900]);
}

#[test]
fn reorder_keeps_transitions_at_the_cuts() {
    let d = ok(&sample(), EditOp::Reorder { track: 0, order: vec![2, 1, 0] });
    assert_eq!(srcs(&d), vec!["clip_c.mp4", "clip_b.mp4", "clip_a.mp4"]);
    assert!(d.t[0].sg[2].transition.is_none());
    assert_eq!(d.t[0].sg[0].transition_len(), Ms(500));
    assert_eq!(d.t[0].end(), Ms(21_400));
    rejected(&sample(), EditOp::Reorder { track: 0, order: vec![0, 0, 1] });
    rejected(&sample(), EditOp::Reorder { track: 0, order: vec![1, 0] });
    rejected(&sample(), EditOp::Reorder { track: 1, order: vec![0] });
}

#[test]
fn speed_keeps_the_source_material() {
    let d = ok(&sample(), EditOp::Speed { track: 0, seg: Some(0), speed: 2.0 });
    assert_eq!(d.t[0].sg[0].d, Ms(4000));
    assert_eq!(d.t[0].sg[0].src_len(), Ms(8000));
    assert_eq!(d.t[0].sg[1].start, Ms(3500));
    let d = ok(&sample(), EditOp::Speed { track: 0, seg: None, speed: 0.5 });
    assert_eq!(durs(&d), vec![16_000, 16_000, 16_000]);
    let e = rejected(&sample(), EditOp::Speed { track: 0, seg: None, speed: 9.0 });
    assert!(e.contains("speed must be 0.25–4"), "{e}");
    rejected(&sample(), EditOp::Speed { track: 2, seg: None, speed: 2.0 });
}

#[test]
fn transitions_are_set_clamped_and_removed() {
    let tr = |kind, d| Some(Transition { kind, d: Ms(d) });
    let d = ok(&sample(), EditOp::Transition { track: 0, seg: None, transition: tr(TransitionKind::WipeLeft, 1000) });
    assert_eq!(d.t[0].end(), Ms(20_400));
    assert!(d.t[0].sg.iter().take(2).all(|s| s.transition.as_ref().unwrap().kind == TransitionKind::WipeLeft));
    // Too long for the segments around it: shortened to what fits.
    let d =
        ok(&sample(), EditOp::Transition { track: 0, seg: Some(0), transition: tr(TransitionKind::FadeBlack, 60_000) });
    assert_eq!(d.t[0].sg[0].transition_len(), Ms(6400));
    d.validate().unwrap();
    let d = ok(&sample(), EditOp::Transition { track: 0, seg: None, transition: None });
    assert_eq!(d.t[0].end(), Ms(22_400));
    let e = rejected(
        &sample(),
        EditOp::Transition { track: 0, seg: Some(2), transition: tr(TransitionKind::Crossfade, 500) },
    );
    assert!(e.contains("last one"), "{e}");
}

#[test]
fn add_duplicate_and_move() {
    let d = ok(&sample(), EditOp::AddSegment { track: 0, at: Some(1), segment: seg("new.mp4", 99_999, 2000) });
    assert_eq!(srcs(&d)[1], "new.mp4");
    assert_eq!(d.t[0].sg[1].start, Ms(7500));
    let e = rejected(&sample(), EditOp::AddSegment { track: 2, at: None, segment: seg("x.mp4", 0, 1000) });
    assert!(e.contains("segment text: a text segment needs text"), "{e}");
    let d = ok(&sample(), EditOp::DuplicateSegment { track: 0, seg: 2 });
    assert_eq!(srcs(&d), vec!["clip_a.mp4", "clip_b.mp4", "clip_c.mp4", "clip_c.mp4"]);
    assert_eq!(d.t[0].end(), Ms(29_400));
    let d = ok(&sample(), EditOp::MoveSegment { track: 2, seg: 0, start: Ms(5000) });
    assert_eq!(d.t[2].sg[0].start, Ms(5000));
    rejected(&sample(), EditOp::MoveSegment { track: 0, seg: 0, start: Ms(5000) });
}

#[test]
fn text_canvas_volume_fade_fit_duck_meta() {
    let mut d = sample();
    d.t.pop();
    let d = ok(&d, EditOp::AddText { text: "Hello".into(), start: Ms(0), d: Ms(2000), style: None, track: None });
    assert_eq!(d.t.last().unwrap().tt, TrackType::Text);
    let d = ok(&d, EditOp::EditText { track: 2, seg: 0, text: Some("Bye".into()), style: None });
    assert_eq!(d.t[2].sg[0].text.as_deref(), Some("Bye"));
    let e = rejected(&d, EditOp::EditText { track: 2, seg: 0, text: Some("   ".into()), style: None });
    assert!(e.contains("must not be empty"), "{e}");

    let d = ok(&sample(), EditOp::Canvas { w: Some(1080), h: Some(1350), fps: Some(25), bg: None });
    assert_eq!((d.canvas.w, d.canvas.h, d.canvas.fps), (1080, 1350, 25));
    let e = rejected(&sample(), EditOp::Canvas { w: Some(7), h: None, fps: None, bg: None });
    assert!(e.contains("canvas.w"), "{e}");

    let d = ok(&sample(), EditOp::Volume { track: 1, seg: None, volume: 0.2 });
    assert_eq!(d.t[1].sg[0].volume, 0.2);
    let d = ok(&sample(), EditOp::Fade { track: 0, seg: 0, fade_in: Some(Ms(500)), fade_out: None });
    assert_eq!(d.t[0].sg[0].fade_in, Ms(500));
    rejected(&sample(), EditOp::Fade { track: 0, seg: 0, fade_in: Some(Ms(9000)), fade_out: None });
    let d = ok(&sample(), EditOp::Fit { track: 0, seg: None, fit: Fit::Blur });
    assert!(d.t[0].sg.iter().all(|s| s.fit == Fit::Blur));
    let d = ok(&sample(), EditOp::Duck { track: 1, duck: Some(Duck::default()) });
    assert!(d.t[1].duck.is_some());
    rejected(&sample(), EditOp::Duck { track: 0, duck: Some(Duck::default()) });
    let d = ok(&sample(), EditOp::SetMeta { key: "title".into(), value: Some("New".into()) });
    assert_eq!(d.m["title"], "New");
}

#[test]
fn ops_have_a_json_form() {
    let op: EditOp = serde_json::from_str(r#"{"op":"trim","track":0,"seg":1,"head":500}"#).unwrap();
    assert_eq!(op, EditOp::Trim { track: 0, seg: 1, head: 500, tail: 0 });
    let op: EditOp =
        serde_json::from_str(r#"{"op":"transition","track":0,"transition":{"kind":"slide_left","d":400}}"#).unwrap();
    assert_eq!(op.name(), "transition");
    assert!(serde_json::from_str::<EditOp>(r#"{"op":"explode","track":0}"#).is_err());
    assert!(serde_json::from_str::<EditOp>(r#"{"op":"trim","track":0,"seg":1,"bogus":1}"#).is_err());
}
