//! Snapshots of planned filter graphs and arguments, so any change to a render shows in review.

use cutroom_media::plan::{FaceChoice, Fonts, build};
use cutroom_media::probe::{AudioStream, Probe, VideoStream};
use cutroom_media::{MediaEntry, MediaMap, REFERENCE_DRAFT, RenderSettings};
use cutroom_timeline::*;
use std::path::{Path, PathBuf};

struct FakeFonts;

impl Fonts for FakeFonts {
    fn face(&self, family: &str, bold: bool, cjk: bool) -> FaceChoice {
        let name = if cjk {
            "NotoSansCJK-Regular.ttc"
        } else if bold {
            "DejaVuSans-Bold.ttf"
        } else {
            "DejaVuSans.ttf"
        };
        let substituted = (family != "DejaVu Sans").then(|| format!("font '{family}' is not available"));
        FaceChoice { path: PathBuf::from("/fonts").join(name), substituted }
    }
    fn width(&self, _: &Path, size: f64, text: &str) -> f64 {
        text.chars().count() as f64 * size * 0.55
    }
}

fn video(w: u32, h: u32, secs: u64, audio: bool) -> Probe {
    Probe {
        format: "mov,mp4,m4a,3gp,3g2,mj2".into(),
        kind: MediaKind::Video,
        duration: Some(Ms::from_secs(secs)),
        size_bytes: 1,
        streams: 2,
        video: Some(VideoStream {
            codec: "h264".into(),
            width: w,
            height: h,
            display_width: w,
            display_height: h,
            rotation: 0,
            fps: Some((30, 1)),
            sar: (1, 1),
            pix_fmt: Some("yuv420p".into()),
            frames: Some(secs * 30),
        }),
        audio: audio.then(|| AudioStream { codec: "aac".into(), sample_rate: 48_000, channels: 2 }),
    }
}

fn reference_media() -> MediaMap {
    let mut m = MediaMap::new();
    for id in ["clip_a.mp4", "clip_b.mp4", "clip_c.mp4"] {
        m.insert(id.into(), MediaEntry { path: PathBuf::from("/media").join(id), probe: video(1920, 1080, 10, true) });
    }
    let music = Probe {
        format: "wav".into(),
        kind: MediaKind::Audio,
        duration: Some(Ms::from_secs(30)),
        size_bytes: 1,
        streams: 2,
        video: None,
        audio: Some(AudioStream { codec: "pcm_s16le".into(), sample_rate: 48_000, channels: 2 }),
    };
    m.insert("music.wav".into(), MediaEntry { path: "/media/music.wav".into(), probe: music });
    m
}

/// The reference draft planned with stand-in media and fonts, text files under `workdir`.
fn reference_plan(draft: &Draft, workdir: &str) -> cutroom_media::plan::Plan {
    build(draft, &reference_media(), &FakeFonts, &RenderSettings::default(), Path::new(workdir)).unwrap()
}

fn argv(args: Vec<std::ffi::OsString>) -> String {
    args.iter().map(|a| a.to_string_lossy().into_owned()).collect::<Vec<_>>().join(" ")
}

#[test]
fn reference_timeline_graph() {
    let d = Draft::from_json(REFERENCE_DRAFT).unwrap();
    let plan = reference_plan(&d, "/work");
    assert_eq!((plan.width, plan.height, plan.frames), (1080, 1920, 642));
    insta::assert_snapshot!("reference_graph", plan.graph(Some(-3.5)));
    insta::assert_snapshot!("reference_measure", plan.measure_graph().unwrap());
    insta::assert_snapshot!(
        "reference_argv",
        argv(plan.render_args(Path::new("/work/graph.txt"), Path::new("/out/x.mp4")))
    );
    insta::assert_snapshot!("reference_measure_argv", argv(plan.measure_args(Path::new("/work/measure.txt"))));
    assert_eq!(plan.text_files.len(), 1);
    assert_eq!(plan.text_files[0].content, "Urban Dreams");
}

#[test]
fn fit_modes_ducking_and_text_styles_graph() {
    let mut d = Draft { canvas: Canvas { w: 1080, h: 1080, fps: 25, bg: Color::rgb(10, 20, 30) }, ..Draft::default() };
    let mut v = Track::new(TrackType::Video);
    let mut a = Segment::media("wide.mp4", Ms(0), Ms(2000));
    a.fit = Fit::Contain;
    a.fade_in = Ms(400);
    let mut b = Segment::media("wide.mp4", Ms(2000), Ms(2000));
    b.fit = Fit::Blur;
    b.focus = Some(Point { x: 0.2, y: 0.5 });
    b.volume = 0.5;
    v.sg = vec![a, b];
    let mut music = Track::new(TrackType::Audio);
    music.duck = Some(Duck::default());
    let mut s = Segment::media("wide.mp4", Ms(500), Ms(3000));
    s.src_in = Ms(1000);
    s.speed = 1.5;
    s.fade_in = Ms(300);
    music.sg.push(s);
    let mut t = Track::new(TrackType::Text);
    let mut title = Segment::text("Line one\n你好 two", Ms(1000), Ms(2000));
    title.fade_out = Ms(500);
    title.style = Some(TextStyle {
        font: "Comic Sans".into(),
        pos: Anchor::BottomRight,
        align: Align::Right,
        bg: Some(TextBox { color: Color::rgba(0, 0, 0, 128), pad: 12 }),
        shadow: Some(Shadow { color: Color::BLACK, x: 2, y: 2 }),
        outline: Some(Outline { color: Color::WHITE, w: 2 }),
        ..TextStyle::default()
    });
    t.sg.push(title);
    d.t = vec![v, music, t];
    let mut m = MediaMap::new();
    m.insert("wide.mp4".into(), MediaEntry { path: "/media/wide.mp4".into(), probe: video(1920, 800, 20, true) });
    let plan =
        build(&d, &m, &FakeFonts, &RenderSettings { preview: true, ..RenderSettings::default() }, Path::new("/w"))
            .unwrap();
    assert_eq!((plan.width, plan.height), (360, 360));
    assert_eq!(plan.warnings, vec!["font 'Comic Sans' is not available".to_string()]);
    insta::assert_snapshot!("styles_graph", plan.graph(None));
    let files: Vec<_> = plan.text_files.iter().map(|f| (f.name.as_str(), f.content.as_str())).collect();
    assert_eq!(files, vec![("text_t2_s0_l0.txt", "Line one"), ("text_t2_s0_l1.txt", "你好 two")]);
}

#[test]
fn hostile_text_never_reaches_the_graph() {
    let mut d = Draft::from_json(REFERENCE_DRAFT).unwrap();
    let evil = "x';[out]null[vout];drawtext=text=%{pts}:\\,\n$(rm -rf /)";
    d.t[2].sg[0].text = Some(evil.into());
    d.t[2].sg[0].style.as_mut().unwrap().size = 20;
    let plan = reference_plan(&d, "/work");
    let graph = plan.graph(None);
    for piece in ["%{pts}", "rm -rf", "[out]null"] {
        assert!(!graph.contains(piece), "{piece} leaked into the graph");
    }
    assert_eq!(plan.text_files.len(), 2);
    assert_eq!(plan.text_files[0].content, "x';[out]null[vout];drawtext=text=%{pts}:\\,");
    assert_eq!(plan.text_files[1].content, "$(rm -rf /)");
}

#[test]
fn odd_paths_are_escaped_in_the_graph() {
    let d = Draft::from_json(REFERENCE_DRAFT).unwrap();
    let plan = reference_plan(&d, "/tmp/it's [a]:b,c;d");
    let graph = plan.graph(None);
    assert!(graph.contains("textfile=/tmp/it\\\\\\'s\\\\ \\[a\\]\\\\:b\\,c\\;d/text_t2_s0_l0.txt"), "{graph}");
}

#[test]
fn many_inputs_are_rendered_in_chunks_split_at_hard_cuts() {
    let mut d = Draft::from_json(REFERENCE_DRAFT).unwrap();
    let clips = ["clip_a.mp4", "clip_b.mp4", "clip_c.mp4"];
    d.t[0].sg = (0..12u64).map(|i| Segment::media(clips[i as usize % 3], Ms(i * 1000), Ms(1000))).collect();
    // A transition between the 6th and 7th segments: the first chunk must not end there.
    d.t[0].sg[5].transition = Some(Transition { kind: TransitionKind::WipeLeft, d: Ms(400) });
    for s in &mut d.t[0].sg[6..] {
        s.start = Ms(s.start.0 - 400);
    }
    d.t[1].sg[0].d = Ms(11_600);
    d.t[1].sg[0].fade_out = Ms(0);
    d.t[2].sg[0].start = Ms(5000); // the title spans the chunk boundary
    let plan = reference_plan(&d, "/work");
    assert_eq!(plan.frames, 348);
    let chunks: Vec<(usize, u64, u64)> =
        plan.chunks.iter().map(|c| (c.inputs.len(), c.start_frame, c.frames)).collect();
    assert_eq!(chunks, vec![(7, 0, 198), (5, 198, 150)]);
    assert!(plan.chunks[0].graph().contains("xfade=transition=wipeleft"));
    // Each chunk draws the part of the title it holds, in its own time.
    assert!(plan.chunks[0].graph().contains("enable=gte(t\\,4.983333)*lt(t\\,7.983333)"), "{}", plan.chunks[0].graph());
    assert!(
        plan.chunks[1].graph().contains("enable=gte(t\\,-1.616667)*lt(t\\,1.383333)"),
        "{}",
        plan.chunks[1].graph()
    );
    assert!(plan.chunks[0].inputs.iter().all(|i| i.options.starts_with(&["-threads".into(), "1".into()])));
    insta::assert_snapshot!("chunk_1_graph", plan.chunks[1].graph());
    insta::assert_snapshot!("chunked_sound_graph", plan.sound_graph(Some(2.0)));
    let list = cutroom_media::plan::concat_list(&[PathBuf::from("/a/chunk0.mp4"), PathBuf::from("/b/it's.mp4")]);
    assert_eq!(list, "file '/a/chunk0.mp4'\nfile '/b/it'\\''s.mp4'\n");
}
