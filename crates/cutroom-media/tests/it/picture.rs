//! The picture: transitions, fit modes, canvases, speed and trim, stills, gaps, fades.

use super::*;
use cutroom_testkit::{Frame, frame_at, moov_before_mdat};

fn red_blue(kind: TransitionKind) -> (Draft, MediaMap) {
    let (red, blue) = (color_clip("red", 3.0, Some(440)), color_clip("blue", 3.0, Some(660)));
    let mut d = canvas(320, 180);
    let mut a = seg("red.mp4", 0, 2000);
    a.transition = cross(kind, 1000);
    d.t.push(video_track(vec![a, seg("blue.mp4", 1000, 2000)]));
    (d, media(&[("red.mp4", &red), ("blue.mp4", &blue)]))
}

#[test]
fn crossfade_overlaps_and_blends() {
    let (d, m) = red_blue(TransitionKind::Crossfade);
    let out = render_ok(&d, &m, &as_mixed());
    // 2 s + 2 s − 1 s of overlap.
    assert_eq!(out.rendered.frames, 90);
    let p = probe_file(&out.path).unwrap();
    assert_eq!(p.duration, Some(Ms(3000)));
    assert_eq!(p.video.as_ref().unwrap().frames, Some(90));
    let start = frame_at(&out.path, 0.5).mean(0, 0, 320, 180);
    let mid = frame_at(&out.path, 1.5).mean(0, 0, 320, 180);
    let end = frame_at(&out.path, 2.5).mean(0, 0, 320, 180);
    assert!(start[0] > 200.0 && start[2] < 40.0, "red before: {start:?}");
    assert!(end[2] > 200.0 && end[0] < 40.0, "blue after: {end:?}");
    assert!((90.0..170.0).contains(&mid[0]) && (90.0..170.0).contains(&mid[2]), "half of each mid-way: {mid:?}");
    assert!(moov_before_mdat(&out.path), "faststart");
}

#[test]
fn fade_through_black_is_dark_in_the_middle() {
    let (d, m) = red_blue(TransitionKind::FadeBlack);
    let out = render_ok(&d, &m, &as_mixed());
    assert!(frame_at(&out.path, 1.5).mean_luma(0, 0, 320, 180) < 20.0);
    assert!(frame_at(&out.path, 1.1).mean_luma(0, 0, 320, 180) > 30.0);
}

#[test]
fn wipe_and_slide_split_the_frame() {
    for kind in [TransitionKind::WipeLeft, TransitionKind::SlideLeft, TransitionKind::WipeUp] {
        let (d, m) = red_blue(kind);
        let out = render_ok(&d, &m, &as_mixed());
        let f = frame_at(&out.path, 1.5);
        let (a, b) = if kind == TransitionKind::WipeUp {
            (f.mean(0, 0, 320, 40), f.mean(0, 140, 320, 180))
        } else {
            (f.mean(0, 0, 60, 180), f.mean(260, 0, 320, 180))
        };
        let reddish = |c: [f64; 3]| c[0] > 150.0 && c[2] < 80.0;
        let bluish = |c: [f64; 3]| c[2] > 150.0 && c[0] < 80.0;
        assert!((reddish(a) && bluish(b)) || (bluish(a) && reddish(b)), "{kind:?}: {a:?} vs {b:?}");
    }
}

fn fit_render(fit: Fit) -> Frame {
    let g = gradient_clip();
    let mut d = canvas(180, 320);
    let mut s = seg("g.mp4", 0, 1000);
    s.fit = fit;
    d.t.push(video_track(vec![s]));
    let out = render_ok(&d, &media(&[("g.mp4", &g)]), &as_mixed());
    let f = frame_at(&out.path, 0.5);
    assert_eq!((f.w, f.h), (180, 320));
    f
}

#[test]
fn fit_modes_on_a_vertical_canvas() {
    let cover = fit_render(Fit::Cover);
    let contain = fit_render(Fit::Contain);
    let blur = fit_render(Fit::Blur);
    // Cover: picture to every edge, no bars.
    for (name, band) in [("top", cover.mean_luma(0, 0, 180, 10)), ("bottom", cover.mean_luma(0, 310, 180, 320))] {
        assert!(band > 40.0, "cover has a bar at the {name}: {band}");
    }
    // Contain: the 16:9 picture is 102 px high in the middle, black above and below.
    assert!(contain.mean_luma(0, 0, 180, 100) < 3.0, "contain: bar on top");
    assert!(contain.mean_luma(0, 220, 180, 320) < 3.0, "contain: bar below");
    assert!(contain.mean_luma(0, 120, 180, 200) > 40.0, "contain: picture in the middle");
    // Blurred background: no bars and not black, and smooth (blurred) above the picture.
    let top = blur.mean_luma(0, 0, 180, 100);
    assert!(top > 40.0, "blur: the background is black ({top})");
    assert!(blur.luma_std(0, 0, 180, 100) < cover.luma_std(0, 0, 180, 320) + 1.0);
    assert!(blur.diff(&contain) > 20.0);
}

#[test]
fn canvases_and_resolution() {
    let g = gradient_clip();
    let m = media(&[("g.mp4", &g)]);
    for (w, h) in [(320, 180), (180, 320), (240, 240), (240, 300)] {
        let mut d = canvas(w, h);
        d.t.push(video_track(vec![seg("g.mp4", 0, 500)]));
        let out = render_ok(&d, &m, &as_mixed());
        let v = out.rendered.probe.video.clone().unwrap();
        assert_eq!((v.width, v.height), (w, h));
    }
    // 4K when asked: a 16:9 canvas scaled to 2160 on its short side.
    let mut d = canvas(320, 180);
    d.t.push(video_track(vec![seg("g.mp4", 0, 400)]));
    let out = render_ok(&d, &m, &RenderSettings { short_side: Some(2160), quality: Quality::Low, ..as_mixed() });
    let v = out.rendered.probe.video.clone().unwrap();
    assert_eq!((v.width, v.height), (3840, 2160));
}

#[test]
fn preview_is_small() {
    let g = gradient_clip();
    let mut d = canvas(1080, 1920);
    d.t.push(video_track(vec![seg("g.mp4", 0, 1000)]));
    let out = render_ok(&d, &media(&[("g.mp4", &g)]), &RenderSettings { preview: true, ..as_mixed() });
    let v = out.rendered.probe.video.clone().unwrap();
    assert_eq!((v.width, v.height), (360, 640));
}

/// A clip whose brightness encodes its own time: luma = 16 + 20 × t.
fn ramp() -> PathBuf {
    fixture(
        "ramp.mp4",
        Some("nullsrc=s=320x180:r=30,geq=lum='16+20*T':cb=128:cr=128,format=yuv420p"),
        Some("sine=frequency=440:sample_rate=48000"),
        10.0,
    )
}

#[test]
fn trim_and_speed_pick_the_right_source_time() {
    let r = ramp();
    let mut d = canvas(320, 180);
    let mut s = seg("ramp.mp4", 0, 2000);
    s.src_in = Ms(2000);
    s.speed = 2.0;
    d.t.push(video_track(vec![s]));
    let out = render_ok(&d, &media(&[("ramp.mp4", &r)]), &as_mixed());
    assert_eq!(out.rendered.frames, 60);
    // Limited-range luma 16 + 20·T decodes to grey 23.3·T in full-range RGB.
    let source_time = |secs: f64| frame_at(&out.path, secs).mean_luma(0, 0, 320, 180) / (20.0 * 255.0 / 219.0);
    // Output t = 1 s shows source t = 2 + 2 × 1 = 4 s; the first frame shows source 2 s.
    let (first, later) = (source_time(0.0), source_time(1.0));
    assert!((first - 2.0).abs() < 0.1, "starts at source {first} s");
    assert!((later - 4.0).abs() < 0.1, "one second in shows source {later} s");
    // The sound is twice as fast but keeps its pitch.
    let tone = cutroom_testkit::samples(&out.path, 0.2, Some(1.5));
    let hz = cutroom_testkit::zero_crossing_hz(&tone);
    assert!((hz - 440.0).abs() < 15.0, "pitch {hz}");
}

#[test]
fn stills_hold_or_zoom() {
    let img =
        fixture("square.png", Some("color=black:s=320x180,drawbox=x=140:y=70:w=40:h=40:color=white:t=fill"), None, 1.0);
    let m = media(&[("sq.png", &img)]);
    let width_of_square = |f: &Frame| f.ink_columns(85, 95, 0.0, 128.0).map(|(a, b)| b - a + 1).unwrap_or(0);

    let mut d = canvas(320, 180);
    d.t.push(video_track(vec![seg("sq.png", 0, 2000)]));
    let out = render_ok(&d, &m, &as_mixed());
    let (a, b) = (frame_at(&out.path, 0.0), frame_at(&out.path, 1.9));
    assert!(a.diff(&b) < 1.0, "a still without motion holds");
    assert!((width_of_square(&a) as i64 - 40).abs() <= 2);

    let mut s = seg("sq.png", 0, 2000);
    s.motion = Some(Motion { zoom_from: 1.0, zoom_to: 2.0, from: Point::CENTER, to: Point::CENTER });
    let mut d = canvas(320, 180);
    d.t.push(video_track(vec![s]));
    let out = render_ok(&d, &m, &as_mixed());
    let (a, b) = (width_of_square(&frame_at(&out.path, 0.0)), width_of_square(&frame_at(&out.path, 1.96)));
    assert!((a as i64 - 40).abs() <= 3, "starts unzoomed: {a}");
    assert!((b as i64 - 80).abs() <= 5, "ends at twice the size: {b}");
}

#[test]
fn a_pan_on_video_follows_a_moving_object() {
    // A white 40×40 square whose centre moves from x = 60 to x = 220 of 320 over 2 s.
    let v = "color=c=black:s=320x180:r=30[bg];color=c=white:s=40x40:r=30[fg];\
             [bg][fg]overlay=x='40+t*80':y=70:shortest=1";
    let clip = fixture("crossing.mp4", Some(v), None, 2.0);
    let m = media(&[("c.mp4", &clip)]);
    let square = |f: &Frame| f.ink_columns(150, 170, 0.0, 128.0).map(|(a, b)| (a + b) as f64 / 2.0);
    let mut s = seg("c.mp4", 0, 2000);
    let (from, to) = (Point { x: 60.0 / 320.0, y: 0.5 }, Point { x: 220.0 / 320.0, y: 0.5 });
    s.motion = Some(Motion { zoom_from: 1.0, zoom_to: 1.0, from, to });
    let mut d = canvas(180, 320);
    d.t.push(video_track(vec![s.clone()]));
    let out = render_ok(&d, &m, &as_mixed());
    for t in [0.0, 0.5, 1.0, 1.5, 1.95] {
        let x = square(&frame_at(&out.path, t)).unwrap_or_else(|| panic!("the square is in frame at {t} s"));
        assert!((x - 89.5).abs() <= 6.0, "the square stays in the middle at {t} s: {x}");
    }
    // Without the pan the centre crop misses it at the start.
    s.motion = None;
    let mut d = canvas(180, 320);
    d.t.push(video_track(vec![s]));
    let out = render_ok(&d, &m, &as_mixed());
    assert!(square(&frame_at(&out.path, 0.0)).is_none());
}

#[test]
fn gaps_show_the_canvas_colour_and_fades_go_to_black() {
    let red = color_clip("red", 3.0, None);
    let mut d = canvas(320, 180);
    d.canvas.bg = Color::rgb(0, 200, 0);
    let mut s = seg("red.mp4", 0, 1000);
    s.fade_in = Ms(500);
    d.t.push(video_track(vec![s, seg("red.mp4", 2000, 1000)]));
    let out = render_ok(&d, &media(&[("red.mp4", &red)]), &as_mixed());
    assert_eq!(out.rendered.frames, 90);
    let gap = frame_at(&out.path, 1.5).mean(0, 0, 320, 180);
    assert!(gap[1] > 180.0 && gap[0] < 30.0, "gap in the canvas colour: {gap:?}");
    assert!(frame_at(&out.path, 0.0).mean_luma(0, 0, 320, 180) < 15.0, "fade in starts black");
    assert!(frame_at(&out.path, 0.8).mean(0, 0, 320, 180)[0] > 200.0);
}

#[test]
fn output_is_clean_h264_aac_in_sync() {
    let red = color_clip("red", 3.0, None);
    let mut d = canvas(320, 180);
    d.t.push(video_track(vec![seg("red.mp4", 0, 2500)]));
    d.m.insert("title".into(), "Urban \"Dreams\": test".into());
    let out = render_ok(&d, &media(&[("red.mp4", &red)]), &RenderSettings::default());
    let p = &out.rendered.probe;
    let (v, a) = (p.video.as_ref().unwrap(), p.audio.as_ref().unwrap());
    assert_eq!(
        (v.codec.as_str(), v.pix_fmt.as_deref(), a.codec.as_str(), a.sample_rate),
        ("h264", Some("yuv420p"), "aac", 48_000)
    );
    // Audio and video end together (the source has no sound; silence is still written).
    let samples = cutroom_testkit::samples(&out.path, 0.0, None);
    let audio_ms = samples.len() as f64 / 48.0;
    assert!((audio_ms - 2500.0).abs() < 30.0, "audio lasts {audio_ms} ms");
    assert!(moov_before_mdat(&out.path));
    // Draft metadata lands in the container.
    let tags = cutroom_process::Command::tool(cutroom_process::Tool::Ffprobe)
        .unwrap()
        .args(["-v", "error", "-show_entries", "format_tags=title", "-of", "default=nw=1:nk=1"])
        .arg(&out.path)
        .run()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&tags.stdout).trim(), "Urban \"Dreams\": test");
}

#[test]
fn quality_presets_order_file_sizes() {
    let g = gradient_clip();
    let m = media(&[("g.mp4", &g)]);
    let mut d = canvas(320, 180);
    d.t.push(video_track(vec![seg("g.mp4", 0, 2000)]));
    let size = |q: Quality| {
        let out = render_ok(&d, &m, &RenderSettings { quality: q, ..as_mixed() });
        std::fs::metadata(&out.path).unwrap().len()
    };
    let (high, low) = (size(Quality::High), size(Quality::Low));
    assert!(high > low, "high {high} ≤ low {low}");
}

#[test]
fn drafts_with_many_cuts_render_in_chunks_and_join_exactly() {
    let (red, blue) = (color_clip("red", 3.0, Some(440)), color_clip("blue", 3.0, Some(660)));
    let music = fixture("chunk-music.wav", None, Some("aevalsrc=0.3*sin(2*PI*220*t):s=48000"), 12.0);
    let m = media(&[("red.mp4", &red), ("blue.mp4", &blue), ("music.wav", &music)]);
    let mut d = canvas(320, 180);
    let mut segs: Vec<Segment> =
        (0..12u64).map(|i| seg(if i % 2 == 0 { "red.mp4" } else { "blue.mp4" }, i * 700, 700)).collect();
    segs[2].src_in = Ms(1500);
    d.t.push(video_track(segs));
    let mut a = Track::new(TrackType::Audio);
    a.sg.push(seg("music.wav", 0, 8400));
    d.t.push(a);
    let mut t = Track::new(TrackType::Text);
    let mut title = Segment::text("Across the join", Ms(3500), Ms(2000));
    title.style = Some(TextStyle { size: 20, pos: Anchor::Top, ..TextStyle::default() });
    t.sg.push(title);
    d.t.push(t);
    let out = render_ok(&d, &m, &as_mixed());
    let p = &out.rendered.probe;
    assert_eq!(p.video.as_ref().unwrap().frames, Some(252));
    assert!(p.duration.unwrap().0.abs_diff(8400) <= 2, "{:?}", p.duration);
    // Every segment shows its own colour, on both sides of the chunk join.
    for i in 0..12u64 {
        let c = frame_at(&out.path, i as f64 * 0.7 + 0.35).mean(0, 60, 320, 180);
        let red_expected = i % 2 == 0;
        assert!(
            if red_expected { c[0] > 200.0 && c[2] < 50.0 } else { c[2] > 200.0 && c[0] < 50.0 },
            "segment {i}: {c:?}"
        );
    }
    // The title is drawn in both chunks.
    for secs in [3.8, 5.2] {
        assert!(frame_at(&out.path, secs).luma_std(0, 0, 320, 50) > 15.0, "title missing at {secs} s");
    }
    // The music runs through the join without a gap.
    let music_level = |at: f64| cutroom_testkit::tone_db(&cutroom_testkit::samples(&out.path, at, Some(0.2)), 220.0);
    for at in [0.5, 4.1, 4.2, 7.5] {
        assert!(music_level(at) > -14.0, "music at {at} s: {}", music_level(at));
    }
}
