//! Reframing, checked on the rendered promo: a bright object crossing a 16:9 frame stays
//! whole inside the 9:16 picture on nearly every frame, where a blind centre crop loses it.

mod common;

use common::{frames, media, render_small};
use cutroom_analysis::{Options, analyze};
use cutroom_autoedit::{PromoRequest, Source, Tone, promo};
use cutroom_media::MediaMap;
use cutroom_testkit::fixture;
use cutroom_timeline::Draft;

/// A white 40×40 square crossing a grey 640×360 frame left to right at 75 px/s, for 8 s.
fn crossing() -> std::path::PathBuf {
    fixture(
        "reframe-crossing.mp4",
        Some(
            "color=c=0x404040:s=640x360:r=30[bg];color=c=white:s=40x40:r=30[fg];\
             [bg][fg]overlay=x='t*75':y=160:shortest=1,format=yuv420p,setsar=1[out0]",
        ),
        None,
        8.0,
    )
}

/// Renders at 360×640 and returns, per frame, whether the square is whole in the picture:
/// bright columns that do not touch an edge, as wide as the square shows (40 px of the
/// 202 px crop, over 360 px: 71).
fn whole_in_frame(draft: &Draft, media: &MediaMap) -> Vec<bool> {
    let (_dir, out) = render_small(draft, media, 360);
    frames(&out)
        .iter()
        .map(|rgb| {
            let xs: Vec<usize> =
                rgb.chunks_exact(3).enumerate().filter(|(_, p)| p[1] > 160).map(|(i, _)| i % 360).collect();
            let (a, b) = (xs.iter().min().copied(), xs.iter().max().copied());
            matches!((a, b), (Some(a), Some(b)) if a > 0 && b < 359 && b - a + 1 >= 60)
        })
        .collect()
}

#[test]
fn a_promo_reframed_to_9_16_follows_a_moving_object() {
    let file = crossing();
    let a = analyze(&file, &Options::default()).expect("analysis");
    let sources = [Source { id: "clip".into(), analysis: &a, has_audio: false }];
    let req = PromoRequest {
        duration_ms: 6_000,
        width: 1080,
        height: 1920,
        title: None,
        cta: None,
        tone: Tone::Energetic,
        music: None,
    };
    let p = promo(&sources, &req).expect("a promo");
    let media = media(&[("clip", &file)]);
    let whole = whole_in_frame(&p.draft, &media);
    assert!(whole.len() >= 170, "{} frames", whole.len());
    let share = whole.iter().filter(|w| **w).count() as f64 / whole.len() as f64;
    println!(
        "followed: whole on {:.1}% of {} frames, {} piece(s)",
        share * 100.0,
        whole.len(),
        p.draft.t[p.draft.video_track().unwrap()].sg.len()
    );
    assert!(share >= 0.95, "the object is whole in the picture on {:.1}% of frames", share * 100.0);
    let v = p.draft.video_track().unwrap();
    assert!(p.draft.t[v].sg.iter().all(|s| s.motion.is_some()), "the crop pans: {:?}", p.draft.t[v].sg);

    // A blind centre crop of the same cut loses it most of the time.
    let mut blind = p.draft.clone();
    for s in &mut blind.t[v].sg {
        s.motion = None;
        s.focus = None;
    }
    let whole = whole_in_frame(&blind, &media);
    let share = whole.iter().filter(|w| **w).count() as f64 / whole.len() as f64;
    println!("centre crop: whole on {:.1}% of frames", share * 100.0);
    assert!(share < 0.5, "a centre crop keeps it on {:.1}% of frames", share * 100.0);
}
