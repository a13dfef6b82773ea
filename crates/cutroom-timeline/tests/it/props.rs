//! Properties: any sequence of edits keeps the draft valid; JSON round-trips exactly.

use super::*;
use proptest::prelude::*;

fn ms(max: u64) -> impl Strategy<Value = Ms> {
    (0..=max).prop_map(Ms)
}

fn kind() -> impl Strategy<Value = TransitionKind> {
    proptest::sample::select(TransitionKind::ALL.to_vec())
}

fn transition() -> impl Strategy<Value = Option<Transition>> {
    proptest::option::of((kind(), ms(3000)).prop_map(|(kind, d)| Transition { kind, d }))
}

fn media_segment() -> impl Strategy<Value = Segment> {
    (0..4u8, ms(5000), 1..12_000u64, 0.25..4.0f64, 0.0..4.0f64).prop_map(|(i, src_in, d, speed, volume)| {
        let mut s = Segment::media(format!("m{i}.mp4"), Ms(0), Ms(d));
        s.src_in = src_in;
        s.speed = speed;
        s.volume = volume;
        s
    })
}

fn style() -> impl Strategy<Value = Option<TextStyle>> {
    proptest::option::of((4..300u32, 0.0..0.45f64, any::<bool>()).prop_map(|(size, margin, bold)| TextStyle {
        size,
        margin,
        bold,
        ..TextStyle::default()
    }))
}

fn words() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 '%:;\\\\\\[\\]{}\n你好]{1,40}".prop_filter("not blank", |s| !s.trim().is_empty())
}

fn op() -> impl Strategy<Value = EditOp> {
    let track = 0..4usize;
    let seg = 0..6usize;
    let oseg = proptest::option::of(0..6usize);
    prop_oneof![
        (track.clone(), proptest::option::of(0..5usize), media_segment())
            .prop_map(|(track, at, segment)| EditOp::AddSegment { track, at, segment }),
        (track.clone(), seg.clone()).prop_map(|(track, seg)| EditOp::RemoveSegment { track, seg }),
        (track.clone(), seg.clone()).prop_map(|(track, seg)| EditOp::DuplicateSegment { track, seg }),
        (track.clone(), seg.clone(), ms(30_000)).prop_map(|(track, seg, start)| EditOp::MoveSegment {
            track,
            seg,
            start
        }),
        (
            track.clone(),
            Just(()).prop_perturb(|_, mut rng| {
                let n = rng.random_range(0..6usize);
                let mut v: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    v.swap(i, rng.random_range(0..=i));
                }
                v
            })
        )
            .prop_map(|(track, order)| EditOp::Reorder { track, order }),
        (track.clone(), seg.clone(), -6000..6000i64, -6000..6000i64)
            .prop_map(|(track, seg, head, tail)| EditOp::Trim { track, seg, head, tail }),
        (track.clone(), seg.clone(), ms(20_000)).prop_map(|(track, seg, d)| EditOp::SetDuration { track, seg, d }),
        (track.clone(), seg.clone(), ms(30_000)).prop_map(|(track, seg, at)| EditOp::Split { track, seg, at }),
        (track.clone(), oseg.clone(), 0.1..5.0f64).prop_map(|(track, seg, speed)| EditOp::Speed { track, seg, speed }),
        (track.clone(), oseg.clone(), -0.5..5.0f64).prop_map(|(track, seg, volume)| EditOp::Volume {
            track,
            seg,
            volume
        }),
        (track.clone(), seg.clone(), proptest::option::of(ms(6000)), proptest::option::of(ms(6000)))
            .prop_map(|(track, seg, fade_in, fade_out)| EditOp::Fade { track, seg, fade_in, fade_out }),
        (track.clone(), oseg.clone(), transition())
            .prop_map(|(track, seg, transition)| { EditOp::Transition { track, seg, transition } }),
        (track.clone(), oseg, proptest::sample::select(vec![Fit::Cover, Fit::Contain, Fit::Blur]))
            .prop_map(|(track, seg, fit)| EditOp::Fit { track, seg, fit }),
        (words(), ms(20_000), ms(8000), style(), proptest::option::of(0..4usize))
            .prop_map(|(text, start, d, style, track)| EditOp::AddText { text, start, d, style, track }),
        (track.clone(), seg, proptest::option::of(words()), style())
            .prop_map(|(track, seg, text, style)| EditOp::EditText { track, seg, text, style }),
        (
            proptest::option::of(proptest::sample::select(vec![1920u32, 1080, 1350, 720, 7])),
            proptest::option::of(proptest::sample::select(vec![1920u32, 1080, 1350, 720])),
            proptest::option::of(proptest::sample::select(vec![24u32, 25, 30, 60, 29])),
        )
            .prop_map(|(w, h, fps)| EditOp::Canvas { w, h, fps, bg: None }),
        (track, any::<bool>()).prop_map(|(track, on)| EditOp::Duck { track, duck: on.then(Duck::default) }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Every edit either applies and leaves a valid draft that survives a JSON round trip,
    /// or is rejected for its arguments. No edit may produce an invalid draft (the
    /// `Invalid` error is only a safety net).
    #[test]
    fn edits_keep_drafts_valid(ops in proptest::collection::vec(op(), 1..40)) {
        let mut d = sample();
        let mut applied = 0;
        for op in &ops {
            match apply(&d, op) {
                Ok(next) => {
                    prop_assert!(next.validate().is_ok());
                    let back = Draft::from_json(&next.to_json()).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(&back, &next);
                    d = next;
                    applied += 1;
                }
                Err(EditError::Rejected { .. }) => {}
                Err(e @ EditError::Invalid { .. }) => {
                    return Err(TestCaseError::fail(format!("{op:?} produced an invalid draft: {e}")));
                }
            }
        }
        let _ = applied;
    }

    /// Undo after any successful edit gives back exactly the previous version.
    #[test]
    fn undo_restores(ops in proptest::collection::vec(op(), 1..20)) {
        let mut h = History::new(sample());
        let mut seen = vec![h.current().clone()];
        for op in &ops {
            if h.apply(std::slice::from_ref(op)).is_ok() {
                seen.push(h.current().clone());
            }
        }
        while let Some(prev) = seen.pop() {
            prop_assert_eq!(h.current(), &prev);
            if h.undo().is_none() { break; }
        }
        prop_assert!(seen.is_empty());
    }
}

/// Enough edits succeed that the property above says something.
#[test]
fn most_generated_edits_apply() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = op();
    let (mut ok, mut total) = (0, 0);
    let mut d = sample();
    for _ in 0..2000 {
        let op = strategy.new_tree(&mut runner).unwrap().current();
        total += 1;
        if let Ok(next) = apply(&d, &op) {
            ok += 1;
            d = if next.t.is_empty() || next.duration() > Ms(600_000) { sample() } else { next };
        }
    }
    assert!(ok * 4 > total, "only {ok} of {total} generated edits applied");
}
