//! Subtitle files (SubRip `.srt` and WebVTT `.vtt`) read into timed cues: recognised by
//! their content, not their name, with styling tags and entities taken out of the text.

use serde::{Deserialize, Serialize};

/// Largest caption file accepted (a two-hour film's subtitles are a few hundred KB).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// A subtitle file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Srt,
    Vtt,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Srt => "srt",
            Format::Vtt => "webvtt",
        }
    }
}

/// One timed line (or lines) of text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
}

/// A parsed subtitle file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Captions {
    pub format: Format,
    pub cues: Vec<Cue>,
}

impl Captions {
    /// Where the last cue ends.
    pub fn duration_ms(&self) -> u64 {
        self.cues.iter().map(|c| c.end_ms).max().unwrap_or(0)
    }

    /// Each cue's text, in order.
    pub fn lines(&self) -> Vec<String> {
        self.cues.iter().map(|c| c.text.clone()).collect()
    }
}

/// Reads a subtitle file; `None` when the bytes are not one (not UTF-8 text, no timing
/// line where the format needs one, or no cue with text).
pub fn parse(bytes: &[u8]) -> Option<Captions> {
    if bytes.len() > MAX_BYTES {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).replace("\r\n", "\n").replace('\r', "\n");
    let first = text.lines().find(|l| !l.trim().is_empty())?.trim();
    let format = if first == "WEBVTT" || first.starts_with("WEBVTT ") || first.starts_with("WEBVTT\t") {
        Format::Vtt
    } else {
        // SubRip: the first block is an index then a timing line, or a timing line.
        let mut head = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let a = head.next()?;
        let timed = timing(a).is_some() || (a.parse::<u64>().is_ok() && head.next().and_then(timing).is_some());
        if !timed {
            return None;
        }
        Format::Srt
    };
    let mut cues = Vec::new();
    for block in text.split("\n\n") {
        let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
        let Some(at) = lines.iter().position(|l| l.contains("-->")) else { continue };
        // WebVTT's NOTE, STYLE and REGION blocks hold no cue; an index or identifier may
        // come before the timing line, never more than one line.
        if at > 1 || lines.first().is_some_and(|l| ["NOTE", "STYLE", "REGION"].iter().any(|k| l.starts_with(k))) {
            continue;
        }
        let Some((start_ms, end_ms)) = timing(lines[at]) else { continue };
        let text = lines[at + 1..].iter().map(|l| clean(l)).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
        if end_ms > start_ms && !text.is_empty() {
            cues.push(Cue { start_ms, end_ms, text });
        }
    }
    if cues.is_empty() {
        return None;
    }
    cues.sort_by_key(|c| (c.start_ms, c.end_ms));
    Some(Captions { format, cues })
}

/// `00:00:01,500 --> 00:00:03,000` (SubRip) or `00:01.500 --> 00:03.000 align:start`
/// (WebVTT, hours optional, settings after the end).
fn timing(line: &str) -> Option<(u64, u64)> {
    let (a, b) = line.split_once("-->")?;
    let end = b.split_whitespace().next()?;
    Some((timestamp(a.trim())?, timestamp(end)?))
}

/// `[HH:]MM:SS[,.]mmm` in milliseconds.
fn timestamp(s: &str) -> Option<u64> {
    let (clock, frac) = s.split_once([',', '.'])?;
    if frac.is_empty() || frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ms: u64 = format!("{frac:0<3}").parse().ok()?;
    let parts: Vec<&str> = clock.split(':').collect();
    let num = |p: &str| {
        (!p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u64>().ok())
            .flatten()
    };
    let (h, m, sec) = match parts.as_slice() {
        [m, s] => (0, num(m)?, num(s)?),
        [h, m, s] => (num(h)?, num(m)?, num(s)?),
        _ => return None,
    };
    (m < 60 && sec < 60).then_some(((h * 60 + m) * 60 + sec) * 1000 + ms)
}

/// A cue line without styling: `<i>`, `<c.yellow>`, `<00:00:01.000>` and `{\an8}` tags
/// removed, the common entities decoded, spaces collapsed.
fn clean(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' | '{' => {
                let close = if c == '<' { '>' } else { '}' };
                let tag: String = chars.clone().take_while(|&x| x != close).collect();
                // Only a closed tag that starts with a letter, digit, `/` or `\` is markup;
                // a lone `<` (as in "5 < 6") is text.
                let markup = tag.starts_with(|x: char| x.is_alphanumeric() || x == '/' || x == '\\' || x == '.')
                    && !tag.contains(c);
                if markup && chars.clone().nth(tag.chars().count()) == Some(close) {
                    for _ in 0..=tag.chars().count() {
                        chars.next();
                    }
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    let out = out.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRT: &str = "1\r\n00:00:01,000 --> 00:00:03,500\r\nWelcome to the <i>harbour</i>\r\n\r\n2\r\n00:00:04,000 --> 00:00:06,000\r\n{\\an8}Fish &amp; chips\r\nat dawn\r\n\r\n";

    #[test]
    fn reads_subrip() {
        let c = parse(SRT.as_bytes()).unwrap();
        assert_eq!(c.format, Format::Srt);
        assert_eq!(
            c.cues,
            vec![
                Cue { start_ms: 1000, end_ms: 3500, text: "Welcome to the harbour".into() },
                Cue { start_ms: 4000, end_ms: 6000, text: "Fish & chips\nat dawn".into() },
            ]
        );
        assert_eq!(c.duration_ms(), 6000);
    }

    #[test]
    fn reads_webvtt_with_notes_identifiers_and_settings() {
        let vtt = "\u{feff}WEBVTT - demo\n\nNOTE written by hand\nover two lines\n\nSTYLE\n::cue { color: red }\n\nintro\n00:01.250 --> 00:02.000 align:start position:10%\n<v Anna><c.yellow>Hello</c> <00:01.500>world</v>\n\n01:00:00.000 --> 01:00:01.000\n深夜的城市\n";
        let c = parse(vtt.as_bytes()).unwrap();
        assert_eq!(c.format, Format::Vtt);
        assert_eq!(c.lines(), vec!["Hello world".to_string(), "深夜的城市".into()]);
        assert_eq!((c.cues[0].start_ms, c.cues[0].end_ms), (1250, 2000));
        assert_eq!(c.cues[1].start_ms, 3_600_000);
    }

    #[test]
    fn other_content_is_not_captions() {
        for bad in [
            &b"\x00\x00\x00\x18ftypmp42"[..],
            b"hello world\nthis is a text file",
            b"1\nnot a timing line\ntext",
            b"WEBVTT\n\n",
            b"1\n00:00:05,000 --> 00:00:01,000\nbackwards\n",
            b"1\n00:00:01,000 --> 00:00:02,000\n\n",
            b"\xff\xfe\x00junk",
            b"",
        ] {
            assert_eq!(parse(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
        assert_eq!(parse(&vec![b'a'; MAX_BYTES + 1]), None);
    }

    #[test]
    fn timestamps_are_checked() {
        assert_eq!(timestamp("00:00:01,5"), Some(1500));
        assert_eq!(timestamp("1:02:03.004"), Some(3_723_004));
        assert_eq!(timestamp("00:61.000"), None);
        assert_eq!(timestamp("00:00:01"), None);
        assert_eq!(timestamp("aa:00.000"), None);
        assert_eq!(timestamp("00:00.1234"), None);
    }

    #[test]
    fn markup_is_removed_but_plain_brackets_stay() {
        assert_eq!(clean("<b>5 < 6</b> and {\\i1}x{\\i0} &lt;ok&gt;"), "5 < 6 and x <ok>");
        assert_eq!(clean("a  lone { brace"), "a lone { brace");
    }
}
