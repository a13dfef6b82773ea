//! Per-shot measures: sharpness, black, shake, motion, palette, keyframes, tags.

use super::*;
use cutroom_analysis::Cache;

#[test]
fn blur_black_and_colour_show_in_the_measures() {
    let sharp = run(&clip("sharp.mp4", &format!("{}[out0]", src("testsrc2", 2.0)), 2.0));
    let soft = run(&clip("soft.mp4", &format!("{},gblur=sigma=6[out0]", src("testsrc2", 2.0)), 2.0));
    let black = run(&clip("black.mp4", "color=c=black:s=320x240:r=30,format=yuv420p[out0]", 2.0));
    let (s, b, k) = (&sharp.shots[0], &soft.shots[0], &black.shots[0]);
    assert!(s.sharpness > 0.8 && b.sharpness < 0.4, "sharp {} vs blurred {}", s.sharpness, b.sharpness);
    assert!(s.score > b.score + 0.1, "{} vs {}", s.score, b.score);
    assert!(k.black && !s.black && k.score < 0.1, "{k:?}");
    assert!(s.colorfulness > 0.5 && k.colorfulness < 0.01);
    assert!(!s.palette.is_empty() && s.palette.iter().map(|p| p.share).sum::<f32>() > 0.99);
}

#[test]
fn shake_is_told_from_a_steady_camera() {
    // One still, cropped at a random place each frame: a handheld wobble.
    let shaky = "testsrc2=s=480x360:r=30:d=1,trim=end_frame=1,loop=loop=-1:size=1,crop=320:240:x='60+40*random(1)':y='60+30*random(2)',trim=duration=3,setpts=N/30/TB,format=yuv420p[out0]";
    let steady = "testsrc2=s=480x360:r=30:d=1,trim=end_frame=1,loop=loop=-1:size=1,crop=320:240:x='2*n':y=60,trim=duration=3,setpts=N/30/TB,format=yuv420p[out0]";
    let a = run(&clip("shaky.mp4", shaky, 3.0));
    let b = run(&clip("steady.mp4", steady, 3.0));
    assert_eq!(a.shots.len(), 1, "the wobble is not a cut: {:?}", a.transitions);
    assert!(a.shots[0].shaky, "{:?}", a.shots[0]);
    assert!(!b.shots[0].shaky, "{:?}", b.shots[0]);
    assert!(a.shots[0].jitter > 5.0 * b.shots[0].jitter.max(0.0005));
}

#[test]
fn motion_energy_ranks_moving_above_still() {
    let still = run(&clip(
        "still.mp4",
        "testsrc2=s=320x240:r=30:d=1,trim=end_frame=1,loop=loop=-1:size=1,trim=duration=2,setpts=N/30/TB,format=yuv420p[out0]",
        2.0,
    ));
    let moving = run(&clip("life.mp4", &format!("{}[out0]", src("life", 2.0)), 2.0));
    assert!(still.shots[0].motion < 0.002, "{}", still.shots[0].motion);
    assert!(moving.shots[0].motion > 10.0 * still.shots[0].motion.max(0.001));
    assert_eq!(still.tags.pace.as_deref(), Some("slow"));
    // The still picture is one still span from start to end; moving footage has none.
    assert_eq!(still.still.len(), 1, "{:?}", still.still);
    assert!(still.still[0].start_ms == 0 && still.still[0].end_ms >= 1_950, "{:?}", still.still);
    assert!(moving.still.is_empty(), "{:?}", moving.still);
}

#[test]
fn a_frozen_stretch_between_moving_parts_is_found() {
    let graph = format!(
        "{}[a];testsrc2=s=320x240:r=30:d=1,trim=end_frame=1,loop=loop=-1:size=1,trim=duration=3,setpts=N/30/TB,\
         format=yuv420p[b];{}[c];[a][b][c]concat=n=3[out0]",
        src("life", 2.0),
        src("cellauto", 2.0)
    );
    let a = run(&clip("frozen-middle.mp4", &graph, 7.0));
    assert_eq!(a.still.len(), 1, "{:?}", a.still);
    let s = a.still[0];
    assert!(s.start_ms.abs_diff(2_000) <= 70 && s.end_ms.abs_diff(5_000) <= 70, "{s:?}");
}

#[test]
fn tags_follow_the_picture() {
    let night = run(&clip(
        "night.mp4",
        "color=c=0x0a0a28:s=320x240:r=30,drawbox=x=100:y=60:w=8:h=8:color=0xffffc0:t=fill,format=yuv420p[out0]",
        2.0,
    ));
    assert_eq!(night.tags.time_of_day.as_deref(), Some("night"));
    assert_eq!(night.tags.warmth.as_deref(), Some("cool"));
    let sunny = run(&clip(
        "sunny.mp4",
        "color=c=0x87ceeb:s=320x240:r=30,drawbox=x=0:y=140:w=320:h=100:color=0x2e8b57:t=fill,format=yuv420p[out0]",
        2.0,
    ));
    assert_eq!(sunny.tags.time_of_day.as_deref(), Some("day"));
    assert_eq!(sunny.tags.setting.as_deref(), Some("outdoor"));
    let warm = run(&clip("warm.mp4", "color=c=0xe07020:s=320x240:r=30,format=yuv420p[out0]", 2.0));
    assert_eq!(warm.tags.warmth.as_deref(), Some("warm"));
    assert_eq!(warm.tags.saturation.as_deref(), Some("saturated"));
    assert_eq!(warm.tags.pace.as_deref(), Some("slow"));
}

#[test]
fn keyframes_and_the_cache() {
    let graph = format!("{}[a];{}[b];[a][b]concat=n=2[out0]", src("testsrc2", 1.5), src("gradients", 1.5));
    let file = clip("kf.mp4", &graph, 3.0);
    let dir = cutroom_testkit::tempdir();
    let cache = Cache::new(dir.path());
    let first = cache.analyze(&file, &Options::default()).unwrap();
    assert!(!first.hit);
    assert_eq!(first.analysis.shots.len(), 2);
    for shot in &first.analysis.shots {
        let name = shot.keyframe.as_ref().expect("a keyframe");
        let img = image::load_from_memory(&std::fs::read(first.keyframes.join(name)).unwrap()).unwrap();
        assert_eq!((img.width(), img.height()), (320, 240));
        assert!(shot.keyframe_ms >= shot.start_ms && shot.keyframe_ms < shot.end_ms, "{shot:?}");
    }
    let again = cache.analyze(&file, &Options::default()).unwrap();
    assert!(again.hit);
    assert_eq!(again.analysis, first.analysis);
    // The same bytes under another name are the same entry.
    let copy = dir.path().join("copy.mp4");
    std::fs::copy(&file, &copy).unwrap();
    assert!(cache.analyze(&copy, &Options::default()).unwrap().hit);
}
