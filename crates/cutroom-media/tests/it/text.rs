//! Text overlays: timing, position, hostile text drawn literally, CJK.

use super::*;
use cutroom_media::FontBook;
use cutroom_media::plan::Fonts;
use cutroom_testkit::{Frame, frame_at};

const BG: &str = "0x204080";

fn bg_luma(f: &Frame) -> f64 {
    f.mean_luma(0, 170, 4, 180)
}

fn titled(text: &str, style: TextStyle, start: u64, d: u64) -> Out {
    let bg = color_clip(BG, 5.0, None);
    let mut dr = canvas(320, 180);
    dr.t.push(video_track(vec![seg("bg.mp4", 0, 4000)]));
    let mut t = Track::new(TrackType::Text);
    let mut s = Segment::text(text, Ms(start), Ms(d));
    s.style = Some(style);
    t.sg.push(s);
    dr.t.push(t);
    render_ok(&dr, &media(&[("bg.mp4", &bg)]), &as_mixed())
}

#[test]
fn a_title_shows_only_while_it_is_on() {
    let style = TextStyle { size: 32, pos: Anchor::Top, bold: true, ..TextStyle::default() };
    let out = titled("Hello", style, 500, 1500);
    let on = frame_at(&out.path, 1.0);
    let before = frame_at(&out.path, 0.2);
    let after = frame_at(&out.path, 2.5);
    // The top band holds the text while it is on, and only background otherwise.
    assert!(on.luma_std(0, 0, 320, 60) > 20.0, "text drawn");
    for (name, f) in [("before", &before), ("after", &after)] {
        assert!(f.luma_std(0, 0, 320, 60) < 2.0, "nothing drawn {name}");
    }
    // It sits at the top: nothing in the lower half.
    assert!(on.luma_std(0, 100, 320, 180) < 2.0);
    let rows = on.ink_rows(bg_luma(&on), 60.0);
    assert!(*rows.first().unwrap() >= 8 && *rows.last().unwrap() < 60, "rows {rows:?}");
    // Centred.
    let (l, r) = on.ink_columns(0, 60, bg_luma(&on), 60.0).unwrap();
    assert!(((l + r) as i64 / 2 - 160).abs() <= 4, "centre {l}..{r}");
}

#[test]
fn text_fades_and_box() {
    // Black letters on a black box: the whole box is black once faded in.
    let style = TextStyle {
        size: 30,
        color: Color::BLACK,
        bg: Some(TextBox { color: Color::rgba(0, 0, 0, 255), pad: 8 }),
        ..TextStyle::default()
    };
    let bg = color_clip(BG, 5.0, None);
    let mut dr = canvas(320, 180);
    dr.t.push(video_track(vec![seg("bg.mp4", 0, 3000)]));
    let mut t = Track::new(TrackType::Text);
    let mut s = Segment::text("Boxed", Ms(0), Ms(3000));
    s.style = Some(style);
    s.fade_in = Ms(1000);
    t.sg.push(s);
    dr.t.push(t);
    let out = render_ok(&dr, &media(&[("bg.mp4", &bg)]), &as_mixed());
    let box_luma = |secs: f64| frame_at(&out.path, secs).mean_luma(150, 84, 170, 96);
    let (start, half, full) = (box_luma(0.0), box_luma(0.5), box_luma(2.0));
    assert!(full < 25.0, "the box is black: {full}");
    assert!(start > half && half > full, "fading in: {start} {half} {full}");
}

/// Text that would break a naive filter graph or shell, and text ffmpeg would expand.
const HOSTILE: &[&str] = &[
    "it's: 50% off; [out] \\n",
    "%{pts} %{localtime} %%",
    "a'b\"c\\d:e,f;g[h]i{j}k",
    "$(touch /tmp/cutroom-pwned); `id`",
    "drawtext=text=x:fontfile=/etc/passwd",
];

#[test]
fn hostile_text_renders_literally() {
    let fonts = FontBook::system();
    let face = fonts.face("DejaVu Sans", false, false);
    for text in HOSTILE {
        let out = titled(text, TextStyle { size: 14, ..TextStyle::default() }, 0, 4000);
        let (a, b) = (frame_at(&out.path, 0.5), frame_at(&out.path, 3.0));
        // Nothing expands per frame (a %{pts} expansion would change between frames).
        assert!(a.diff(&b) < 0.05, "{text:?} changes over time");
        // The ink is as wide as the literal string set in the same font.
        let want = fonts.width(&face.path, 14.0, text);
        let (l, r) = a.ink_columns(0, 180, bg_luma(&a), 40.0).expect("ink");
        let got = (r - l + 1) as f64;
        assert!((got - want).abs() < 6.0, "{text:?}: ink {got} px, expected about {want:.0}");
    }
    assert!(!Path::new("/tmp/cutroom-pwned").exists());
}

#[test]
fn newlines_make_lines() {
    let out = titled("first line\nsecond", TextStyle { size: 20, ..TextStyle::default() }, 0, 4000);
    let f = frame_at(&out.path, 1.0);
    let rows = f.ink_rows(bg_luma(&f), 60.0);
    // Two bands of ink with a gap between them.
    let gaps = rows.windows(2).filter(|w| w[1] > w[0] + 3).count();
    assert_eq!(gaps, 1, "rows {rows:?}");
}

#[test]
fn long_text_wraps_inside_the_frame() {
    let text = "this sentence is far too long to fit on one line of a small frame";
    let out = titled(text, TextStyle { size: 20, ..TextStyle::default() }, 0, 4000);
    let f = frame_at(&out.path, 1.0);
    let (l, r) = f.ink_columns(0, 180, bg_luma(&f), 60.0).unwrap();
    assert!(l >= 14 && r <= 306, "stays inside the margins: {l}..{r}");
    let rows = f.ink_rows(bg_luma(&f), 60.0);
    assert!(rows.windows(2).filter(|w| w[1] > w[0] + 3).count() >= 2, "three or more lines");
}

#[test]
fn chinese_text_uses_a_cjk_font() {
    let fonts = FontBook::system();
    let face = fonts.face("DejaVu Sans", false, true);
    assert!(face.path.to_string_lossy().contains("CJK"), "{:?}", face.path);
    let text = "你好，世界";
    let out = titled(text, TextStyle { size: 24, ..TextStyle::default() }, 0, 4000);
    let f = frame_at(&out.path, 1.0);
    let (l, r) = f.ink_columns(0, 180, bg_luma(&f), 60.0).expect("ink");
    let want = fonts.width(&face.path, 24.0, text);
    // Five full-width glyphs, each one em wide (the comma's ink is narrower than its advance).
    assert!(((r - l + 1) as f64 - want).abs() < 14.0 && want > 100.0, "ink {}..{}, advance {want}", l, r);
    // Glyphs, not empty boxes: the ink is dense in places.
    assert!(f.luma_std(l, 70, r, 110) > 30.0);
}
