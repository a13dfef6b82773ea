//! Re-editing real (generated) clips, checked on the rendered result: scenes reversed,
//! removed and repeated (by the colour of decoded frames), dead air cut (by the length, the
//! frames and the sound), a length asked for reached.

mod common;

use common::{frames, media, render_small};
use cutroom_analysis::{Analysis, Options, analyze};
use cutroom_autoedit::{Order, ReeditRequest, Source, clip_draft, reedit};
use cutroom_testkit::{fixture, samples};
use cutroom_timeline::Draft;
use std::path::{Path, PathBuf};

/// A finished clip of three shots, red, lime green and blue, `secs` each, with a tone.
fn three_shots(secs: u32) -> PathBuf {
    let part = |c: &str, tag: &str| {
        format!(
            "color=c={c}:s=320x180:r=30,drawbox=x='mod(t*80,280)':y=70:w=40:h=40:color=white:t=fill,trim=duration={secs},setpts=PTS-STARTPTS[{tag}]"
        )
    };
    let graph = format!("{};{};{};[r][g][b]concat=n=3[out0]", part("red", "r"), part("lime", "g"), part("blue", "b"));
    fixture(&format!("three-shots-{secs}.mp4"), Some(&graph), Some("sine=f=330"), f64::from(secs * 3))
}

fn analysed(path: &Path) -> Analysis {
    analyze(path, &Options::default()).expect("analysis")
}

/// Which of red, green and blue the left half of a frame (320×180) is.
fn colour(rgb: &[u8]) -> char {
    let mut sum = [0u64; 3];
    for (i, p) in rgb.chunks_exact(3).enumerate() {
        if i % 320 < 30 {
            (0..3).for_each(|k| sum[k] += u64::from(p[k]));
        }
    }
    match (0..3).max_by_key(|k| sum[*k]).unwrap() {
        0 => 'r',
        1 => 'g',
        _ => 'b',
    }
}

/// The colours of the rendered draft's frames, one letter per run.
fn runs(draft: &Draft, file: &Path) -> (String, usize) {
    let (_dir, out) = render_small(draft, &media(&[("clip", file)]), 180);
    let all = frames(&out);
    let mut s = String::new();
    for f in &all {
        let c = colour(f);
        if !s.ends_with(c) {
            s.push(c);
        }
    }
    (s, all.len())
}

fn run(a: &Analysis, req: &ReeditRequest) -> cutroom_autoedit::Reedit {
    let sources = [Source { id: "clip".into(), analysis: a, has_audio: true }];
    reedit(&clip_draft("clip", a), &sources, req, &|_| None).expect("re-edit")
}

#[test]
fn scenes_of_a_finished_clip_reverse_drop_and_repeat() {
    let file = three_shots(2);
    let a = analysed(&file);
    assert_eq!(a.shots.len(), 3, "{:?}", a.transitions);
    let r = run(&a, &ReeditRequest { order: Some(Order::Reverse), ..Default::default() });
    assert_eq!(r.scenes.iter().map(|s| s.was).collect::<Vec<_>>(), vec![3, 2, 1]);
    let (colours, n) = runs(&r.draft, &file);
    assert_eq!(colours, "bgr", "the shots play in reverse");
    assert!(n.abs_diff(180) <= 1, "{n} frames");

    let req = ReeditRequest {
        remove: vec![2],
        duplicate: vec![3],
        order: Some(Order::Explicit(vec![3])),
        ..Default::default()
    };
    let r = run(&a, &req);
    let (colours, _) = runs(&r.draft, &file);
    assert_eq!(colours, "br", "blue twice then red: {:?}", r.scenes);
    assert_eq!(r.scenes.iter().map(|s| s.was).collect::<Vec<_>>(), vec![3, 3, 1]);

    let bad = reedit(&clip_draft("clip", &a), &[], &ReeditRequest { remove: vec![7], ..Default::default() }, &|_| None);
    assert_eq!(bad.unwrap_err().to_string(), "there is no scene 7: the draft has 1");
}

#[test]
fn dead_air_is_cut() {
    // 2 s of picture and sound, 3 s frozen and silent, 2 s of picture and sound.
    let graph = "testsrc2=s=320x180:r=30,trim=duration=2,setpts=PTS-STARTPTS[a];\
                 testsrc2=s=320x180:r=30:d=1,trim=end_frame=1,loop=loop=-1:size=1,trim=duration=3,setpts=N/30/TB[b];\
                 testsrc2=s=320x180:r=30,hue=h=120,trim=duration=2,setpts=PTS-STARTPTS[c];\
                 [a][b][c]concat=n=3,format=yuv420p[out0]";
    let file = fixture(
        "dead-air.mp4",
        Some(graph),
        Some("sine=f=440:d=2,apad=pad_dur=3[s];sine=f=660:d=2[t];[s][t]concat=n=2:v=0:a=1"),
        7.0,
    );
    let a = analysed(&file);
    let r = run(&a, &ReeditRequest { dead_air: true, ..Default::default() });
    let len = r.draft.duration().0;
    assert!((4_000..=4_500).contains(&len), "{len} ms left of 7 s: {:?}", r.draft.t[0].sg);
    assert!(r.dead_air_ms >= 2_500, "{} ms cut", r.dead_air_ms);
    let (_dir, out) = render_small(&r.draft, &media(&[("clip", &file)]), 180);
    // No run of identical frames longer than the margins, and no long silence.
    let pictures = frames(&out);
    let mut same = 0usize;
    let mut longest = 0usize;
    for w in pictures.windows(2) {
        let diff: u64 = w[0].iter().zip(&w[1]).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
        same = if diff * 1000 < w[0].len() as u64 { same + 1 } else { 0 };
        longest = longest.max(same);
    }
    assert!(longest <= 12, "{longest} frames stand still in a row");
    let sound = samples(&out, 0.0, None);
    let window = 48_000 / 10;
    let quiet = sound.chunks(window).filter(|c| c.iter().map(|s| s * s).sum::<f32>() / (c.len() as f32) < 1e-6).count();
    assert!(quiet <= 4, "{quiet} silent tenths of a second");
}

#[test]
fn a_length_asked_for_is_reached() {
    let file = three_shots(6);
    let a = analysed(&file);
    for target in [10_000u64, 7_000] {
        let r = run(&a, &ReeditRequest { duration_ms: Some(target), ..Default::default() });
        assert_eq!(r.short_ms, 0);
        assert!(r.draft.duration().0.abs_diff(target) <= 34, "{} for {target}", r.draft.duration().0);
        let (colours, n) = runs(&r.draft, &file);
        assert_eq!(colours, "rgb", "every scene stays, in order");
        assert!(n.abs_diff(target as usize * 30 / 1000) <= 1, "{n} frames for {target} ms");
    }
    // Faster: shorter holds; the same three scenes.
    let r = run(&a, &ReeditRequest { pace: Some(0.6), ..Default::default() });
    assert!(r.draft.duration().0.abs_diff(10_800) <= 100, "{}", r.draft.duration().0);
    // Longer than the footage: slower playback makes up the rest.
    let r = run(&a, &ReeditRequest { duration_ms: Some(24_000), ..Default::default() });
    assert_eq!(r.short_ms, 0);
    assert!(r.draft.t[0].sg.iter().all(|s| s.speed < 1.0), "{:?}", r.draft.t[0].sg);
}

#[test]
fn cuts_move_onto_beats() {
    let file = three_shots(2);
    let a = analysed(&file);
    let beats: Vec<u64> = (0..20).map(|k| k * 500 + 250).collect();
    let r = run(&a, &ReeditRequest { beats_ms: Some(beats.clone()), ..Default::default() });
    let v = &r.draft.t[0].sg;
    assert_eq!(v.len(), 3);
    for s in &v[1..] {
        assert!(beats.iter().any(|b| b.abs_diff(s.start.0) <= 34), "cut at {} is off the beat", s.start.0);
    }
}
