//! Real footage: the sample clips from the set-up step.

use super::*;
use cutroom_testkit::{frame_at, sample};

#[test]
fn sample_clips_probe() {
    let bbb = probe_file(&sample("bigbuckbunny.mp4")).unwrap();
    assert_eq!(bbb.kind, MediaKind::Video);
    assert!(bbb.duration.unwrap() > Ms(5000));
    let car = probe_file(&sample("carphone_pristine.mp4")).unwrap();
    let v = car.video.unwrap();
    assert_eq!((v.width, v.height), (176, 144));
}

#[test]
fn real_clips_render_to_a_vertical_promo() {
    let bbb = sample("bigbuckbunny.mp4");
    let car = sample("carphone_pristine.mp4");
    let m = media(&[("bbb.mp4", &bbb), ("car.mp4", &car)]);
    let mut d = canvas(1080, 1920);
    let mut a = seg("bbb.mp4", 0, 2500);
    a.src_in = Ms(1000);
    a.transition = cross(TransitionKind::SlideUp, 500);
    let mut b = seg("car.mp4", 2000, 2000);
    b.fit = Fit::Blur;
    d.t.push(video_track(vec![a, b]));
    let mut t = Track::new(TrackType::Text);
    let mut s = Segment::text("Real footage", Ms(0), Ms(1500));
    s.style = Some(TextStyle { size: 90, pos: Anchor::Bottom, ..TextStyle::default() });
    t.sg.push(s);
    d.t.push(t);
    let out = render_ok(&d, &m, &RenderSettings { preview: true, ..RenderSettings::default() });
    assert_eq!(out.rendered.frames, 120);
    let p = &out.rendered.probe;
    assert_eq!(p.duration, Some(Ms(4000)));
    let v = p.video.as_ref().unwrap();
    assert_eq!((v.width, v.height), (360, 640));
    let f = frame_at(&out.path, 1.0);
    assert!(f.mean_luma(0, 0, 360, 640) > 30.0, "the bunny is visible");
    let g = frame_at(&out.path, 3.5);
    assert!(g.mean_luma(0, 0, 360, 60) > 10.0, "blurred background, not bars");
}
