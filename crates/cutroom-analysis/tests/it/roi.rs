//! The region of interest: a bright object crossing a 16:9 frame stays inside the 9:16 crop
//! that follows it; a still scene stays centred; the path is smooth within a shot and starts
//! afresh after a cut.

use super::*;
use cutroom_analysis::{CropSpan, RoiPoint, cover_fraction, crop_centre_at, crop_path, crop_spans};
use cutroom_media::stream::{FrameReader, StreamOptions};

/// A white 40×40 square moving at 140 px/s from `x0` (to the right, or to the left when
/// `leftwards`) over a `bg` background of 640x360 at 30 fps, for `secs`.
fn crossing(bg: &str, x0: u32, leftwards: bool, secs: f64) -> String {
    let sign = if leftwards { '-' } else { '+' };
    format!(
        "color=c={bg}:s=640x360:r=30[bg];color=c=white:s=40x40:r=30[fg];\
         [bg][fg]overlay=x='{x0}{sign}t*140':y=160:shortest=1,trim=duration={secs},setpts=PTS-STARTPTS,\
         format=yuv420p,setsar=1"
    )
}

/// Every frame of a file at its own size, as the analysis numbers them (frame i at i/fps).
fn frames(path: &Path) -> Vec<Vec<u8>> {
    let v = cutroom_media::probe(path).unwrap().video.unwrap();
    let mut reader = FrameReader::open(path, v.display_width, v.display_height, &StreamOptions::default()).unwrap();
    let mut out = Vec::new();
    let mut buf = Vec::new();
    while reader.next_frame(&mut buf).unwrap() {
        out.push(buf.clone());
    }
    reader.finish().unwrap();
    out
}

/// The columns [first, last] of pixels brighter than mid-grey: the object's extent.
fn bright_columns(rgb: &[u8], w: usize) -> Option<(usize, usize)> {
    let xs = rgb.chunks_exact(3).enumerate().filter(|(_, p)| p[1] > 128).map(|(i, _)| i % w);
    xs.fold(None, |acc, x| Some(acc.map_or((x, x), |(a, b): (usize, usize)| (a.min(x), b.max(x)))))
}

/// The share of frames whose bright object lies inside the crop of width `crop_w` (fraction
/// of the frame) centred where `centre` says at that frame's time.
fn inside_share(pictures: &[Vec<u8>], w: usize, crop_w: f32, centre: impl Fn(u64) -> f64) -> f64 {
    let half = f64::from(crop_w) * w as f64 / 2.0;
    let inside = pictures
        .iter()
        .enumerate()
        .filter(|(i, rgb)| {
            let (a, b) = bright_columns(rgb, w).expect("the object is in every frame");
            let cx = centre((*i as f64 * 1000.0 / 30.0).round() as u64) * w as f64;
            a as f64 >= cx - half - 0.5 && b as f64 + 1.0 <= cx + half + 0.5
        })
        .count();
    inside as f64 / pictures.len() as f64
}

fn span_at(spans: &[CropSpan], t: u64) -> f64 {
    spans.iter().find(|s| t <= s.to_ms).or(spans.last()).map_or(0.5, |s| s.at(t).x)
}

#[test]
fn a_bright_object_crossing_the_frame_stays_inside_a_9_16_crop() {
    let file = clip("roi-crossing.mp4", &format!("{}[out0]", crossing("black", 20, false, 4.0)), 4.0);
    let a = run(&file);
    let pictures = frames(&file);
    assert_eq!(pictures.len(), 120);
    let (cw, ch) = cover_fraction(640, 360, 9, 16);
    assert!((cw * 640.0 - 202.5).abs() < 0.01 && ch == 1.0);
    // The path goes along with the object, surely.
    assert!(a.roi.len() >= 20, "{:?}", a.roi);
    assert!(a.roi.windows(2).all(|w| w[1].x > w[0].x), "{:?}", a.roi);
    assert!(a.roi.iter().all(|p| p.weight > 0.5 && (p.y - 0.5).abs() < 0.02), "{:?}", a.roi);
    // Crops centred on the path frame by frame…
    let share = inside_share(&pictures, 640, cw, |t| crop_centre_at(&a.roi, t, cw, ch).x);
    assert!(share >= 0.95, "inside the crop on {:.1}% of frames", share * 100.0);
    // …as one linear pan over the whole clip…
    let (from, to) = crop_path(&a.roi, 0, a.duration_ms, cw, ch);
    let pan = CropSpan { from_ms: 0, to_ms: a.duration_ms, from, to };
    let share = inside_share(&pictures, 640, cw, |t| pan.at(t).x);
    assert!(share >= 0.95, "inside a linear pan on {:.1}% of frames: {pan:?}", share * 100.0);
    // (A blind centre crop would not do.)
    assert!(inside_share(&pictures, 640, cw, |_| 0.5) < 0.5);
    // …and as pans of at most 2 s.
    let spans = crop_spans(&a.roi, 0, a.duration_ms, cw, ch, 2000, cw / 4.0);
    assert!(spans.len() >= 2 && spans.iter().all(|s| s.to_ms - s.from_ms <= 2000), "{spans:?}");
    let share = inside_share(&pictures, 640, cw, |t| span_at(&spans, t));
    assert!(share >= 0.95, "inside the pans on {:.1}% of frames: {spans:?}", share * 100.0);
}

#[test]
fn a_still_scene_has_a_centred_roi_without_weight() {
    for (name, graph) in [
        (
            "roi-still.mp4",
            "testsrc2=s=640x360:r=30:d=1,trim=end_frame=1,loop=loop=-1:size=1,trim=duration=2,setpts=N/30/TB,format=yuv420p[out0]",
        ),
        ("roi-grey.mp4", "color=c=0x808080:s=640x360:r=30,format=yuv420p[out0]"),
    ] {
        let a = run(&clip(name, graph, 2.0));
        assert!(a.roi.len() >= 10, "{name}: {:?}", a.roi);
        for p in &a.roi {
            assert!((p.x - 0.5).abs() < 0.02 && (p.y - 0.5).abs() < 0.02 && p.weight < 0.05, "{name}: {p:?}");
        }
        let (cw, ch) = cover_fraction(640, 360, 9, 16);
        let (from, to) = crop_path(&a.roi, 0, a.duration_ms, cw, ch);
        assert!((from.x - 0.5).abs() < 0.02 && (to.x - 0.5).abs() < 0.02, "{name}: {from:?} {to:?}");
    }
    // Sound only: no path.
    let tone = cutroom_testkit::fixture("roi-tone.wav", None, Some("sine=f=440:r=48000"), 1.0);
    assert!(run(&tone).roi.is_empty());
}

#[test]
fn the_path_is_continuous_within_a_shot_and_starts_afresh_at_a_cut() {
    // 2 s of a square moving right over navy, cut to 2 s of one moving left over dark red.
    let graph = format!(
        "{}[a];{}[b];[a][b]concat=n=2[out0]",
        crossing("0x000050", 20, false, 2.0),
        crossing("0x500000", 580, true, 2.0)
    );
    let a = run(&clip("roi-cut.mp4", &graph, 4.0));
    assert_eq!(a.transitions.len(), 1, "{:?}", a.transitions);
    let cut = a.transitions[0].at_ms;
    assert!(cut.abs_diff(2000) <= 34, "{:?}", a.transitions);
    let (before, after): (Vec<RoiPoint>, Vec<RoiPoint>) = a.roi.iter().partition(|p| p.t_ms < cut);
    // Within a shot the path moves no faster than the object (0.22 of the frame a second)
    // and a little.
    for shot in [&before, &after] {
        assert!(shot.len() >= 8, "{:?}", a.roi);
        for w in shot.windows(2) {
            let dt = (w[1].t_ms - w[0].t_ms) as f32 / 1000.0;
            assert!((w[1].x - w[0].x).abs() <= 0.25 * dt + 0.01, "a jump within a shot: {w:?}");
        }
    }
    // Each side of the cut is where its own object is, not dragged from the other shot.
    let object = |x0: f32, v: f32, t_ms: u64| (x0 + 20.0 + v * t_ms as f32 / 1000.0) / 640.0;
    let (last, first) = (before.last().unwrap(), after[0]);
    assert!((last.x - object(20.0, 140.0, last.t_ms)).abs() < 0.03, "{last:?}");
    assert!((first.x - object(580.0, -140.0, first.t_ms - cut)).abs() < 0.03, "{first:?}");
    assert!(before.iter().all(|p| p.x < 0.55) && after.iter().all(|p| p.x > 0.45), "{:?}", a.roi);
}

#[test]
fn analyses_from_before_the_path_still_parse() {
    let mut json =
        serde_json::to_value(run(&clip("roi-grey.mp4", "color=c=0x808080:s=640x360:r=30,format=yuv420p[out0]", 2.0)))
            .unwrap();
    json.as_object_mut().unwrap().remove("roi");
    let old: Analysis = serde_json::from_value(json).unwrap();
    assert!(old.roi.is_empty());
}
