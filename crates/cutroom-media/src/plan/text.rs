//! Text overlays: words are laid out here (wrapped to the canvas, aligned as a block with
//! measured widths) and drawn by drawtext reading each line from its own file, with
//! `expansion=none` — so no character of the text is ever interpreted by ffmpeg.

use super::escape::{Filter, num};
use super::{Geometry, TextFile, color};
use cutroom_timeline::{Align, Anchor, Draft, TextStyle, TrackType};
use std::path::{Path, PathBuf};

/// A font file chosen for a family/weight/script.
#[derive(Clone, Debug, PartialEq)]
pub struct FaceChoice {
    pub path: PathBuf,
    /// Set when the requested family was not available and another was used.
    pub substituted: Option<String>,
}

/// Font lookup and measurement (the render uses installed fonts; tests use a stand-in).
pub trait Fonts {
    /// The face for a family and weight; `cjk` asks for one with Chinese/Japanese/Korean glyphs.
    fn face(&self, family: &str, bold: bool, cjk: bool) -> FaceChoice;
    /// The advance width of `text` in `face` at `size_px`.
    fn width(&self, face: &Path, size_px: f64, text: &str) -> f64;
}

/// Whether a character needs a CJK font.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x2E80..=0x2FDF | 0x3000..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x2FA1F)
}

/// Line breaks normalised, tabs expanded, other control characters dropped.
pub fn normalize(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(|l| {
            l.replace('\t', "    ")
                .chars()
                .filter(|c| {
                    !c.is_control() && !matches!(*c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{feff}')
                })
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

/// Most lines one text segment may become after wrapping.
const MAX_LINES: usize = 40;

/// Breaks a line into lines no wider than `max` (between words; anywhere between CJK characters).
pub fn wrap(line: &str, max: f64, width: &dyn Fn(&str) -> f64) -> Vec<String> {
    let mut tokens: Vec<(String, String)> = Vec::new();
    let mut sep = String::new();
    let mut word = String::new();
    for c in line.chars() {
        if c == ' ' {
            if !word.is_empty() {
                tokens.push((std::mem::take(&mut sep), std::mem::take(&mut word)));
            }
            sep.push(' ');
        } else if is_cjk(c) {
            if !word.is_empty() {
                tokens.push((std::mem::take(&mut sep), std::mem::take(&mut word)));
            }
            tokens.push((std::mem::take(&mut sep), c.to_string()));
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        tokens.push((sep, word));
    }
    let mut lines = Vec::new();
    let mut cur = String::new();
    for (sep, word) in tokens {
        let candidate = if cur.is_empty() { word.clone() } else { format!("{cur}{sep}{word}") };
        if width(&candidate) <= max {
            cur = candidate;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if width(&word) <= max {
            cur = word;
        } else {
            for c in word.chars() {
                let next = format!("{cur}{c}");
                if !cur.is_empty() && width(&next) > max {
                    lines.push(std::mem::take(&mut cur));
                    cur.push(c);
                } else {
                    cur = next;
                }
            }
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

pub(crate) struct Overlays {
    pub filters: Vec<String>,
    pub files: Vec<TextFile>,
    /// Font files the filters use.
    pub faces: Vec<PathBuf>,
}

/// drawtext filters for the text shown in the frames `window` (start inclusive, end
/// exclusive), with times relative to the window's start.
pub(crate) fn overlays(
    draft: &Draft,
    geo: &Geometry,
    fonts: &dyn Fonts,
    workdir: &Path,
    warnings: &mut Vec<String>,
    window: (u64, u64),
) -> Overlays {
    let mut out = Overlays { filters: Vec::new(), files: Vec::new(), faces: Vec::new() };
    let default_style = TextStyle::default();
    for (ti, track) in draft.t.iter().enumerate().filter(|(_, t)| t.tt == TrackType::Text) {
        for (si, seg) in track.sg.iter().enumerate() {
            let style = seg.style.as_ref().unwrap_or(&default_style);
            let Some(text) = seg.text.as_deref() else {
                continue;
            };
            let f0 = seg.start.to_frame(geo.fps);
            let f1 = seg.end().to_frame(geo.fps);
            if f1 <= window.0 || f0 >= window.1 {
                continue;
            }
            let timing = Timing {
                start: geo.secs(f0) - geo.secs(window.0),
                end: geo.secs(f1) - geo.secs(window.0),
                fade_in: seg.fade_in.secs_f64(),
                fade_out: seg.fade_out.secs_f64(),
                fps: f64::from(geo.fps),
            };
            let lines = layout(text, style, geo, fonts, warnings);
            for (li, line) in lines.iter().enumerate() {
                let name = format!("text_t{ti}_s{si}_l{li}.txt");
                let path = workdir.join(&name);
                if !out.faces.contains(&line.face) {
                    out.faces.push(line.face.clone());
                }
                out.filters.push(drawtext(line, style, geo, &timing, &path));
                out.files.push(TextFile { name, content: line.text.clone() });
            }
        }
    }
    out
}

struct Timing {
    start: f64,
    end: f64,
    fade_in: f64,
    fade_out: f64,
    fps: f64,
}

/// One line, placed: its block's left edge and width, and its baseline.
struct Line {
    text: String,
    face: PathBuf,
    size: f64,
    block_x: f64,
    block_w: f64,
    baseline: f64,
    align: Align,
}

fn layout(text: &str, style: &TextStyle, geo: &Geometry, fonts: &dyn Fonts, warnings: &mut Vec<String>) -> Vec<Line> {
    let size = geo.px(f64::from(style.size)).max(4.0);
    let margin = style.margin * f64::from(geo.w.min(geo.h));
    let pad = style.bg.as_ref().map_or(0.0, |b| geo.px(f64::from(b.pad)));
    let max_w = (f64::from(geo.w) - 2.0 * (margin + pad)).max(size);
    let face_for = |s: &str| fonts.face(&style.font, style.bold, s.chars().any(is_cjk));
    let mut lines: Vec<(String, PathBuf, f64)> = Vec::new();
    for para in normalize(text) {
        let face = face_for(&para);
        if let Some(note) = face.substituted.as_ref().filter(|n| !warnings.contains(n)) {
            warnings.push(note.clone());
        }
        let measure = |s: &str| fonts.width(&face.path, size, s);
        if para.trim().is_empty() {
            lines.push((String::new(), face.path.clone(), 0.0));
            continue;
        }
        for l in wrap(&para, max_w, &measure) {
            let f = face_for(&l).path;
            let w = fonts.width(&f, size, &l);
            lines.push((l, f, w));
        }
    }
    if lines.len() > MAX_LINES {
        warnings.push(format!("a text was cut to its first {MAX_LINES} lines"));
        lines.truncate(MAX_LINES);
    }
    let line_h = (size * 1.3).round() + pad;
    let block_w = lines.iter().map(|l| l.2).fold(0.0, f64::max);
    let block_h = line_h * lines.len() as f64;
    let (w, h) = (f64::from(geo.w), f64::from(geo.h));
    let (col, row) = match style.pos {
        Anchor::TopLeft => (0, 0),
        Anchor::Top => (1, 0),
        Anchor::TopRight => (2, 0),
        Anchor::Left => (0, 1),
        Anchor::Center => (1, 1),
        Anchor::Right => (2, 1),
        Anchor::BottomLeft => (0, 2),
        Anchor::Bottom => (1, 2),
        Anchor::BottomRight => (2, 2),
    };
    let block_x = match col {
        0 => margin + pad,
        1 => (w - block_w) / 2.0,
        _ => w - margin - pad - block_w,
    };
    let top = match row {
        0 => margin + pad,
        1 => (h - block_h) / 2.0,
        _ => h - margin - pad - block_h,
    };
    // The baseline sits about one ascent below the top of each line box.
    let ascent = size * 0.93;
    lines
        .into_iter()
        .enumerate()
        .filter(|(_, l)| !l.0.is_empty())
        .map(|(i, (text, face, _))| Line {
            text,
            face,
            size,
            block_x,
            block_w,
            baseline: top + line_h * i as f64 + ascent,
            align: style.align,
        })
        .collect()
}

fn drawtext(line: &Line, style: &TextStyle, geo: &Geometry, t: &Timing, file: &Path) -> String {
    let bx = num(line.block_x.round());
    let bw = num(line.block_w.round());
    let x = match line.align {
        Align::Left => bx,
        Align::Center => format!("{bx}+({bw}-text_w)/2"),
        Align::Right => format!("{bx}+{bw}-text_w"),
    };
    // Half a frame of slack at each end keeps frame times' rounding from flickering.
    let half = 0.5 / t.fps;
    let enable = format!("gte(t,{})*lt(t,{})", num(t.start - half), num(t.end - half));
    let mut f = Filter::new("drawtext")
        .opt("fontfile", line.face.to_string_lossy())
        .opt("textfile", file.to_string_lossy())
        .opt("expansion", "none")
        .num("fontsize", line.size.round())
        .opt("fontcolor", color(style.color))
        .opt("x", x)
        .opt("y", format!("{}-ascent", num(line.baseline.round())))
        .opt("enable", enable);
    let mut alpha = Vec::new();
    if t.fade_in > 0.0 {
        alpha.push(format!("min(1,max(0,(t-{})/{}))", num(t.start), num(t.fade_in)));
    }
    if t.fade_out > 0.0 {
        alpha.push(format!("min(1,max(0,({}-t)/{}))", num(t.end), num(t.fade_out)));
    }
    if !alpha.is_empty() {
        f = f.opt("alpha", alpha.join("*"));
    }
    if let Some(b) = &style.bg {
        f = f.num("box", 1).opt("boxcolor", color(b.color)).num("boxborderw", geo.px(f64::from(b.pad)).round());
    }
    if let Some(s) = &style.shadow {
        f = f
            .num("shadowx", geo.px(f64::from(s.x)).round())
            .num("shadowy", geo.px(f64::from(s.y)).round())
            .opt("shadowcolor", color(s.color));
    }
    if let Some(o) = &style.outline {
        f = f.num("borderw", geo.px(f64::from(o.w)).round().max(1.0)).opt("bordercolor", color(o.color));
    }
    f.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> f64 {
        s.chars().map(|c| if is_cjk(c) { 10.0 } else { 6.0 }).sum()
    }

    #[test]
    fn wraps_between_words_and_between_cjk_characters() {
        assert_eq!(wrap("hello big world", 60.0, &w), vec!["hello big", "world"]);
        assert_eq!(wrap("你好世界你好世界", 40.0, &w), vec!["你好世界", "你好世界"]);
        assert_eq!(wrap("abcdefghijklmnop", 30.0, &w), vec!["abcde", "fghij", "klmno", "p"]);
        assert_eq!(wrap("short", 600.0, &w), vec!["short"]);
    }

    #[test]
    fn normalises_controls_and_newlines() {
        assert_eq!(normalize("a\r\nb\rc\td\u{7}e\u{202e}f  "), vec!["a", "b", "c    def"]);
    }
}
