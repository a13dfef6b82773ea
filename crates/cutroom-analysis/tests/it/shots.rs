//! Shot boundaries on footage of known structure.

use super::*;
use cutroom_analysis::shots::Kind;

#[test]
fn hard_cuts_within_one_frame() {
    let graph = format!(
        "{}[a];{}[b];{}[c];{}[d];[a][b][c][d]concat=n=4[out0]",
        src("testsrc2", 2.0),
        src("mandelbrot", 2.0),
        src("cellauto", 2.0),
        src("gradients", 2.0)
    );
    let a = run(&clip("cuts.mp4", &graph, 8.0));
    let frames: Vec<u64> = a.transitions.iter().map(|t| t.at_ms * 30 / 1000).collect();
    assert_eq!(frames.len(), 3, "{:?}", a.transitions);
    for (got, want) in frames.iter().zip([60u64, 120, 180]) {
        assert!(got.abs_diff(want) <= 1, "cut at frame {got}, expected {want}");
    }
    assert!(a.transitions.iter().all(|t| t.kind == Kind::Cut && t.confidence > 0.5));
    assert_eq!(a.shots.len(), 4);
    assert_eq!(a.shots[3].end_ms, 8000);
    assert_eq!(a.video.as_ref().unwrap().frames, 240);
    // Three cuts in eight seconds is a fast pace.
    assert_eq!(a.tags.pace.as_deref(), Some("fast"));
}

fn joined(kind: &str) -> PathBuf {
    let graph = format!(
        "{}[a];{}[b];{}[c];[a][b]xfade=transition={kind}:duration=0.5:offset=2.5[x];[x][c]xfade=transition={kind}:duration=0.5:offset=5[out0]",
        src("testsrc2", 3.0),
        src("mandelbrot", 3.0),
        src("life", 3.0)
    );
    clip(&format!("{kind}s.mp4"), &graph, 8.0)
}

#[test]
fn dissolves_within_a_third_of_a_second() {
    let a = run(&joined("fade"));
    assert_eq!(a.transitions.len(), 2, "{:?}", a.transitions);
    for (t, want) in a.transitions.iter().zip([2750u64, 5250]) {
        assert!(t.at_ms.abs_diff(want) <= 300, "{t:?}, expected about {want} ms");
        assert_eq!(t.kind, Kind::Dissolve, "{t:?}");
    }
}

#[test]
fn fades_through_black_within_a_third_of_a_second() {
    let a = run(&joined("fadeblack"));
    assert_eq!(a.transitions.len(), 2, "{:?}", a.transitions);
    for (t, want) in a.transitions.iter().zip([2750u64, 5250]) {
        assert!(t.at_ms.abs_diff(want) <= 300, "{t:?}, expected about {want} ms");
        assert_eq!(t.kind, Kind::Fade, "{t:?}");
    }
}

#[test]
fn wipes_are_gradual() {
    for kind in ["wipeleft", "wipeup"] {
        let a = run(&joined(kind));
        assert_eq!(a.transitions.len(), 2, "{kind}: {:?}", a.transitions);
        for (t, want) in a.transitions.iter().zip([2750u64, 5250]) {
            assert!(t.at_ms.abs_diff(want) <= 300, "{kind}: {t:?}, expected about {want} ms");
        }
    }
}

#[test]
fn a_white_flash_is_not_a_cut() {
    let graph =
        format!("{},drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(n\\,45)'[out0]", src("mandelbrot", 3.0));
    let a = run(&clip("flash.mp4", &graph, 3.0));
    assert_eq!(at(&a), Vec::<u64>::new());
    assert_eq!(a.shots.len(), 1);
}

#[test]
fn a_fast_pan_is_not_a_cut() {
    // One still, 1600 px wide, panned 12 px a frame (almost 4% of the frame each frame).
    let graph = "testsrc2=s=1600x240:r=30:d=1,trim=end_frame=1,loop=loop=-1:size=1,crop=320:240:x='min(n*12\\,1280)':y=0,trim=duration=3,setpts=N/30/TB,format=yuv420p[out0]";
    let a = run(&clip("pan.mp4", graph, 3.0));
    assert_eq!(at(&a), Vec::<u64>::new());
    let shot = &a.shots[0];
    // The camera moved about 12/320 of the frame each frame, smoothly.
    assert!((shot.camera_motion - 12.0 / 320.0).abs() < 0.01, "{shot:?}");
    assert!(!shot.shaky, "{shot:?}");
}

#[test]
fn real_footage_cuts() {
    // bikes.mp4 (from the sample set) has five cuts, checked by eye.
    let a = run(&cutroom_testkit::sample("bikes.mp4"));
    let want = [1200u64, 3040, 5480, 7480, 9680];
    assert_eq!(a.transitions.len(), want.len(), "{:?}", a.transitions);
    for (t, w) in a.transitions.iter().zip(want) {
        assert!(t.at_ms.abs_diff(w) <= 40, "{t:?}, expected {w}");
    }
    // One continuous shot, no cuts.
    assert!(run(&cutroom_testkit::sample("bigbuckbunny.mp4")).transitions.is_empty());
}
