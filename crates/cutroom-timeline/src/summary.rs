//! The one-line timeline summary, in the reference format:
//! `Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)`.

use crate::model::*;
use crate::time::span;

const MAX_LABEL_CHARS: usize = 40;

impl Draft {
    /// The summary line.
    pub fn summary(&self) -> String {
        let n = self.t.len();
        let mut out = format!("Timeline ({n} track{})", if n == 1 { "" } else { "s" });
        if n == 0 {
            out.push_str(": empty");
            return out;
        }
        out.push(':');
        for (i, t) in self.t.iter().enumerate() {
            out.push_str(&format!(" {}. {}", i + 1, track_line(t)));
        }
        out
    }
}

fn track_line(t: &Track) -> String {
    let kind = kind_label(t);
    if t.sg.is_empty() {
        return format!("{kind}: empty");
    }
    let range = span(t.start(), t.end());
    match t.tt {
        TrackType::Video => format!("{kind}: {} ({range})", content_name(t, "clip")),
        TrackType::Audio => format!("{kind}: {} ({range}, {})", content_name(t, "clip"), volume_label(t)),
        TrackType::Text => {
            let first = quoted(t.sg[0].text.as_deref().unwrap_or(""));
            let more = t.sg.len() - 1;
            if more == 0 {
                format!("{kind}: {first} ({range})")
            } else {
                format!("{kind}: {first} +{more} more ({range})")
            }
        }
    }
}

fn kind_label(t: &Track) -> &'static str {
    let role = t.meta_str("role").unwrap_or("").to_ascii_lowercase();
    match (t.tt, role.as_str()) {
        (TrackType::Video, _) => "Video",
        (TrackType::Audio, "bgm" | "music") => "BGM",
        (TrackType::Audio, "voice" | "voiceover" | "narration") => "Voice",
        (TrackType::Audio, "sfx") => "SFX",
        (TrackType::Audio, _) => "Audio",
        (TrackType::Text, "captions" | "subtitles") => "Captions",
        (TrackType::Text, "lower_third") => "Lower third",
        (TrackType::Text, "title") => "Title",
        (TrackType::Text, _) if t.sg.len() > 1 => "Text",
        (TrackType::Text, _) => "Title",
    }
}

/// The track's name, its single segment's name, or a count.
fn content_name(t: &Track, noun: &str) -> String {
    if let Some(name) = t.meta_str("name") {
        return clip(name);
    }
    match t.sg.as_slice() {
        [only] => clip(&segment_name(only)),
        many => format!("{} {noun}s", many.len()),
    }
}

/// A segment's `m.name`, else its media id without folders and extension.
pub fn segment_name(s: &Segment) -> String {
    if let Some(n) = s.meta_str("name") {
        return n.to_string();
    }
    let src = s.src.as_deref().unwrap_or("untitled");
    let file = src.rsplit('/').next().unwrap_or(src);
    match file.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => file.to_string(),
    }
}

fn volume_label(t: &Track) -> String {
    let pct = |v: f64| (v * 100.0).round() as i64;
    let lo = t.sg.iter().map(|s| pct(s.volume)).min().unwrap_or(100);
    let hi = t.sg.iter().map(|s| pct(s.volume)).max().unwrap_or(100);
    if lo == hi { format!("{lo}%") } else { format!("{lo}-{hi}%") }
}

fn clip(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > MAX_LABEL_CHARS {
        let cut: String = one_line.chars().take(MAX_LABEL_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

fn quoted(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    format!("\"{}\"", clip(&lines.join(" / ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Ms;

    #[test]
    fn reference_example() {
        let mut d = Draft::default();
        let mut v = Track::new(TrackType::Video);
        let mut s = Segment::media("uploads/city.mp4", Ms(0), Ms(10_000));
        s.m.insert("name".into(), "city timelapse".into());
        v.sg.push(s);
        let mut a = Track::new(TrackType::Audio);
        a.m.insert("role".into(), "bgm".into());
        a.m.insert("name".into(), "Lo-fi".into());
        let mut m = Segment::media("lofi.wav", Ms(0), Ms(10_000));
        m.volume = 0.35;
        a.sg.push(m);
        let mut t = Track::new(TrackType::Text);
        t.sg.push(Segment::text("Urban Dreams", Ms(0), Ms(3000)));
        d.t = vec![v, a, t];
        assert_eq!(
            d.summary(),
            "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: \"Urban Dreams\" (0-3s)"
        );
    }

    #[test]
    fn counts_names_and_empties() {
        let mut d = Draft::default();
        assert_eq!(d.summary(), "Timeline (0 tracks): empty");
        let mut v = Track::new(TrackType::Video);
        v.sg.push(Segment::media("a/clip_a.mp4", Ms(0), Ms(8000)));
        v.sg.push(Segment::media("clip_b.mp4", Ms(8000), Ms(6400)));
        d.t.push(v);
        d.t.push(Track::new(TrackType::Audio));
        let mut t = Track::new(TrackType::Text);
        t.sg.push(Segment::text("Line one\nline two", Ms(0), Ms(1500)));
        t.sg.push(Segment::text("B", Ms(2000), Ms(1500)));
        d.t.push(t);
        assert_eq!(
            d.summary(),
            "Timeline (3 tracks): 1. Video: 2 clips (0-14.4s) 2. Audio: empty 3. Text: \"Line one / line two\" +1 more (0-3.5s)"
        );
        assert_eq!(segment_name(&d.t[0].sg[0]), "clip_a");
    }
}
