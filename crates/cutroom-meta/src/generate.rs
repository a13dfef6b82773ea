//! The built-in metadata writer: key phrases from the user's hint, the draft's own text
//! (titles the user wrote weigh most), captions and file names, plus what the analyses saw
//! (night or day, indoor or outdoor, warm or cool, pace), put into title, description,
//! chapter, tag and hashtag templates with a seeded choice — then made valid for the platform.

use crate::validate::repair;
use crate::{Chapter, Lang, Metadata, Platform};
use cutroom_analysis::Analysis;
use cutroom_timeline::{Draft, TrackType};
use std::collections::HashMap;

/// What the writer knows about the video.
#[derive(Clone, Debug, Default)]
pub struct Input<'a> {
    pub platform: Platform,
    /// `None`: Chinese when the hint (or the draft's text) is mostly Chinese, else English.
    pub lang: Option<Lang>,
    pub hint: Option<&'a str>,
    pub draft: Option<&'a Draft>,
    /// Analyses by media id (a segment's `src`).
    pub analyses: HashMap<String, Analysis>,
    /// File names by media id.
    pub names: HashMap<String, String>,
    /// Subtitle or caption lines (an SRT's text).
    pub captions: Vec<String>,
    pub seed: u64,
}

const STOP_EN: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "is",
    "are",
    "was",
    "be",
    "it",
    "its",
    "this",
    "that",
    "my",
    "our",
    "your",
    "me",
    "we",
    "you",
    "i",
    "video",
    "clip",
    "mp4",
    "mov",
    "final",
    "edit",
    "v1",
    "v2",
    "copy",
    "img",
    "vid",
    "make",
    "please",
    "about",
    "some",
    "titles",
    "title",
    "tags",
    "description",
    "youtube",
    "tiktok",
    "instagram",
    "bilibili",
    "generate",
    "write",
    "new",
    "just",
    "very",
    "meets",
    "shows",
    "makes",
    "gets",
    "goes",
    "using",
    "feat",
    "into",
    "over",
    "through",
    "some",
    "how",
    "what",
    "when",
    "where",
    "who",
    "why",
    "will",
    "can",
    "has",
    "have",
    "had",
    "not",
    "but",
    "all",
    "out",
    "up",
    "down",
    "like",
    "more",
];

/// A Han character (Chinese punctuation and full-width forms are separators here, so the
/// wider `cutroom_media::plan::text::is_cjk` does not fit).
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

pub(crate) fn mostly_chinese(s: &str) -> bool {
    let cjk = s.chars().filter(|c| is_cjk(*c)).count();
    let latin = s.chars().filter(|c| c.is_ascii_alphabetic()).count();
    cjk > 0 && cjk * 2 >= latin
}

/// Phrases of one text: English words (stop words out) and Chinese runs split at
/// punctuation and particles, each with the weight given.
fn phrases(text: &str, weight: f64, out: &mut Vec<(String, f64)>) {
    let text: String = text.chars().take(4000).collect();
    let mut word = String::new();
    let mut han = String::new();
    let flush = |word: &mut String, han: &mut String, out: &mut Vec<(String, f64)>| {
        let w = word.to_lowercase();
        // File names' camera numbers (IMG_0042, c40) say nothing; the user's own words may.
        let numbered = w.chars().any(|c| c.is_ascii_digit()) && weight < 3.0;
        if w.chars().count() >= 3 && !STOP_EN.contains(&w.as_str()) && !numbered {
            out.push((w, weight));
        }
        word.clear();
        // Chinese: runs split at 的/和/与/是 and punctuation; long runs in two- to four-character pieces.
        for part in han.split(['的', '和', '与', '是', '了', '在', '我', '把', '给']) {
            let n = part.chars().count();
            if (2..=6).contains(&n) {
                out.push((part.to_string(), weight));
            } else if n > 6 {
                let cs: Vec<char> = part.chars().collect();
                for chunk in cs.chunks(4).filter(|c| c.len() >= 2) {
                    out.push((chunk.iter().collect(), weight * 0.7));
                }
            }
        }
        han.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() && !is_cjk(c) && c.is_ascii() {
            if !han.is_empty() {
                flush(&mut String::new(), &mut han, out);
            }
            word.push(c);
        } else if is_cjk(c) {
            if !word.is_empty() {
                flush(&mut word, &mut String::new(), out);
            }
            han.push(c);
        } else {
            flush(&mut word, &mut han, out);
        }
    }
    flush(&mut word, &mut han, out);
}

/// A file name's words: `night_city-walk.mp4` → `night city walk`.
pub(crate) fn name_words(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    stem.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect()
}

/// What the picture showed, as words, weighted by how long each clip plays.
pub(crate) fn descriptors(input: &Input) -> Vec<String> {
    let mut votes: HashMap<String, f64> = HashMap::new();
    for a in input.analyses.values() {
        let w = a.duration_ms.max(1) as f64;
        for word in a.tags.time_of_day.iter().chain(&a.tags.setting).chain(&a.tags.warmth).chain(&a.tags.pace) {
            *votes.entry(word.clone()).or_default() += w;
        }
    }
    let mut v: Vec<(String, f64)> = votes.into_iter().filter(|(w, _)| w != "neutral" && w != "medium").collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter().map(|(w, _)| w).collect()
}

fn zh_word(w: &str) -> &str {
    match w {
        "night" => "夜景",
        "day" => "白天",
        "outdoor" => "户外",
        "indoor" => "室内",
        "warm" => "暖色调",
        "cool" => "冷色调",
        "fast" => "快节奏",
        "slow" => "慢节奏",
        other => other,
    }
}

fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| f.to_uppercase().collect::<String>() + c.as_str())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The longest run (up to four) of consecutive words of the hint that are not stop words
/// (English), or its first phrase (Chinese).
fn hint_topic(hint: &str, zh: bool) -> Option<String> {
    let hint: String = hint.chars().take(400).collect();
    if zh {
        let mut found = Vec::new();
        phrases(&hint, 1.0, &mut found);
        return found.into_iter().map(|(p, _)| p).find(|p| p.chars().any(is_cjk));
    }
    let words: Vec<&str> = hint.split(|c: char| !(c.is_ascii_alphanumeric() || c == '\'')).collect();
    // A name written with capitals ("Big Buck Bunny") is the topic.
    let mut caps: Vec<&str> = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    for w in &words {
        if w.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !STOP_EN.contains(&w.to_lowercase().as_str()) {
            run.push(w);
            if run.len() > caps.len() && run.len() <= 4 {
                caps = run.clone();
            }
        } else {
            run.clear();
        }
    }
    if caps.len() >= 2 {
        return Some(caps.join(" "));
    }
    let mut best: Vec<&str> = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    for w in words {
        let lower = w.to_lowercase();
        if w.len() >= 2 && w.len() <= 30 && !STOP_EN.contains(&lower.as_str()) {
            run.push(w);
            if run.len() > best.len() && run.len() <= 4 {
                best = run.clone();
            }
        } else {
            run.clear();
        }
    }
    (!best.is_empty()).then(|| best.join(" "))
}

/// Ranked key phrases: hint ×3, the draft's titles ×3, other overlays and captions ×1,
/// file names ×1; repeated words add up.
fn keywords(input: &Input) -> (Vec<String>, Vec<(u64, String)>) {
    let mut found = Vec::new();
    if let Some(h) = input.hint {
        phrases(h, 5.0, &mut found);
    }
    let mut overlays = Vec::new();
    if let Some(d) = input.draft {
        for t in d.tracks_of(TrackType::Text) {
            for s in &d.t[t].sg {
                if let Some(text) = s.text.as_deref().filter(|x| !x.trim().is_empty()) {
                    let title = s.start.0 == 0 || d.t[t].meta_str("role") == Some("title");
                    phrases(text, if title { 3.0 } else { 1.0 }, &mut found);
                    overlays.push((s.start.0, text.trim().to_string()));
                }
            }
        }
        for s in d.video_track().map(|v| d.t[v].sg.as_slice()).unwrap_or(&[]) {
            if let Some(name) = s.src.as_ref().and_then(|id| input.names.get(id)) {
                phrases(&name_words(name), 1.0, &mut found);
            }
        }
    } else {
        for n in input.names.values() {
            phrases(&name_words(n), 1.0, &mut found);
        }
    }
    for c in &input.captions {
        phrases(c, 1.0, &mut found);
    }
    let mut score: Vec<(String, f64, usize)> = Vec::new();
    for (i, (p, w)) in found.into_iter().enumerate() {
        match score.iter_mut().find(|(q, _, _)| *q == p) {
            Some(e) => e.1 += w,
            None => score.push((p, w, i)),
        }
    }
    score.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
    overlays.sort();
    (score.into_iter().map(|(p, _, _)| p).collect(), overlays)
}

/// Chapters at the draft's edit points, merged so each is at least 10 s; none for a video
/// under 30 s or when fewer than three would remain.
fn chapters(input: &Input, total: u64, lang: Lang, overlays: &[(u64, String)], descr: &[String]) -> Vec<Chapter> {
    let Some(d) = input.draft else { return Vec::new() };
    if total < 30_000 {
        return Vec::new();
    }
    let Some(v) = d.video_track() else { return Vec::new() };
    // Edit points: where each segment starts, and the shot changes inside its footage.
    let mut points: Vec<u64> = Vec::new();
    for s in &d.t[v].sg {
        points.push(s.start.0);
        let Some(a) = s.src.as_ref().and_then(|id| input.analyses.get(id)) else { continue };
        let speed = s.speed.max(0.01);
        for shot in &a.shots {
            if shot.start_ms > s.src_in.0 {
                let at = s.start.0 + ((shot.start_ms - s.src_in.0) as f64 / speed) as u64;
                if at < s.start.0 + s.d.0 {
                    points.push(at);
                }
            }
        }
    }
    points.sort_unstable();
    let mut starts: Vec<u64> = vec![0];
    for at in points {
        if at >= starts.last().copied().unwrap_or(0) + 10_000 && total.saturating_sub(at) >= 10_000 {
            starts.push(at);
        }
    }
    if starts.len() < 3 {
        return Vec::new();
    }
    let zh = lang == Lang::Zh;
    starts
        .iter()
        .enumerate()
        .map(|(i, &at)| {
            let end = starts.get(i + 1).copied().unwrap_or(total);
            // A text on screen in this part names it; else the clip's name; else its place.
            let text = overlays.iter().find(|(t, _)| *t >= at && *t < end).map(|(_, x)| x.clone());
            let seg = d.t[v].sg.iter().find(|s| s.start.0 <= at && at < s.start.0 + s.d.0.max(1));
            let named = seg.and_then(|s| s.src.as_ref()).and_then(|id| input.names.get(id)).map(|n| name_words(n));
            let named = named.map(|n| n.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|n| !n.is_empty());
            let title = match (text, named) {
                (Some(t), _) => t,
                (None, Some(n)) if !zh => title_case(&n),
                _ if i == 0 => (if zh { "开场" } else { "Intro" }).to_string(),
                _ if i + 1 == starts.len() => (if zh { "结尾" } else { "Finale" }).to_string(),
                _ => match (zh, descr.first()) {
                    (true, Some(w)) => format!("第{}部分：{}", i + 1, zh_word(w)),
                    (true, None) => format!("第{}部分", i + 1),
                    (false, Some(w)) => format!("Part {}: {}", i + 1, title_case(w)),
                    (false, None) => format!("Part {}", i + 1),
                },
            };
            Chapter { start_ms: at, title: title.chars().take(90).collect() }
        })
        .collect()
}

/// The video's length: the draft's, else the longest analysed file's.
pub fn video_ms(input: &Input) -> u64 {
    input.draft.map_or_else(|| input.analyses.values().map(|a| a.duration_ms).max().unwrap_or(0), |d| d.duration().0)
}

/// Writes the metadata for `input`, valid for its platform.
pub fn generate(input: &Input) -> Metadata {
    let total = video_ms(input);
    let (keys, overlays) = keywords(input);
    let lang = input.lang.unwrap_or_else(|| {
        // The hint's language, else the language of the text on screen and the captions.
        let text = match input.hint.filter(|h| h.chars().any(char::is_alphabetic)) {
            Some(h) => h.to_string(),
            None => overlays
                .iter()
                .map(|(_, t)| t.as_str())
                .chain(input.captions.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" "),
        };
        if mostly_chinese(&text) { Lang::Zh } else { Lang::En }
    });
    let zh = lang == Lang::Zh;
    let descr = descriptors(input);
    let d_words: Vec<String> = descr.iter().map(|w| if zh { zh_word(w).to_string() } else { w.clone() }).collect();
    // The topic: the hint's longest run of words that say something, else the strongest
    // phrase with the next when they read well together.
    let from_hint = input.hint.and_then(|h| hint_topic(h, zh));
    let topic = match (keys.first(), keys.get(1)) {
        _ if from_hint.is_some() => from_hint.unwrap_or_default(),
        (Some(a), Some(b)) if zh && a.chars().count() + b.chars().count() <= 8 => format!("{a}{b}"),
        (Some(a), Some(b)) if !zh && !b.contains(a.as_str()) => format!("{a} {b}"),
        (Some(a), _) => a.clone(),
        (None, _) => match d_words.iter().find(|w| !matches!(w.as_str(), "fast" | "slow" | "快节奏" | "慢节奏")) {
            Some(w) if zh => format!("{w}影像"),
            Some(w) => format!("{w} scenes"),
            None if zh => "视频记录".to_string(),
            None => "moments".to_string(),
        },
    };
    let look = d_words.iter().take(2).cloned().collect::<Vec<_>>();
    let secs = total.div_ceil(1000).max(1);
    let pick = |options: Vec<String>| -> Vec<String> {
        let n = options.len().max(1);
        let k = (input.seed % n as u64) as usize;
        options.iter().cycle().skip(k).take(n).cloned().collect()
    };
    let titles = if zh {
        let look_zh = look.join("、");
        pick(vec![
            format!("{topic}｜{}", if look_zh.is_empty() { "精彩瞬间".to_string() } else { look_zh.clone() }),
            format!("{secs}秒带你看{topic}"),
            format!("这就是{topic}"),
            format!("{topic}：不容错过的画面"),
            format!("关于{topic}的一段影像"),
        ])
    } else {
        let t = title_case(&topic);
        let l = title_case(&look.join(" "));
        pick(vec![
            if l.is_empty() { format!("{t}: The Highlights") } else { format!("{t}: {l} Highlights") },
            format!("{t} in {secs} Seconds"),
            format!("This Is {t}"),
            format!("Watch This: {t}"),
            format!("{t}, Up Close"),
        ])
    };
    let chapters = chapters(input, total, lang, &overlays, &descr);
    let tags: Vec<String> =
        keys.iter().take(12).cloned().chain(d_words.iter().cloned()).chain(std::iter::once(topic.clone())).collect();
    let topic_lower = topic.to_lowercase();
    let hashtags: Vec<String> = std::iter::once(&topic)
        .chain(keys.iter().filter(|k| !topic_lower.contains(k.as_str())).take(5))
        .chain(d_words.iter().take(2))
        .map(|k| format!("#{}", title_case(k).replace(' ', "")))
        .chain(match input.platform {
            Platform::YouTube if total <= 60_000 => Some("#Shorts".to_string()),
            Platform::Bilibili => Some(if zh { "#生活记录".to_string() } else { "#vlog".to_string() }),
            _ => None,
        })
        .collect();
    let mut description = if zh {
        let mut s = format!("{}，{}秒。", titles[0], secs);
        if !look.is_empty() {
            s += &format!("\n\n画面：{}。", d_words.join("、"));
        }
        if keys.len() > 1 {
            s += &format!("关键词：{}。", keys.iter().take(5).cloned().collect::<Vec<_>>().join("、"));
        }
        s
    } else {
        let mut s = format!("{} — {secs} seconds of {topic}.", titles[0]);
        if !descr.is_empty() {
            let say = |w: &str| match w {
                "night" => "at night",
                "day" => "in daylight",
                "outdoor" => "outdoors",
                "indoor" => "indoors",
                "warm" => "in warm tones",
                "cool" => "in cool tones",
                _ => "",
            };
            let pace = descr.iter().find_map(|w| match w.as_str() {
                "fast" => Some("fast-paced "),
                "slow" => Some("slow, calm "),
                _ => None,
            });
            let filmed: Vec<&str> = descr.iter().map(|w| say(w)).filter(|x| !x.is_empty()).collect();
            s += &format!("\n\nA {}look at {topic}", pace.unwrap_or(""));
            if !filmed.is_empty() {
                s += &format!(", filmed {}", filmed.join(" "));
            }
            s += ".";
        }
        if keys.len() > 1 {
            s += &format!(" About: {}.", keys.iter().take(5).cloned().collect::<Vec<_>>().join(", "));
        }
        s
    };
    if matches!(input.platform, Platform::TikTok | Platform::Instagram) && !hashtags.is_empty() {
        description += "\n\n";
        description += &hashtags.join(" ");
    }
    repair(Metadata { platform: input.platform, lang, titles, description, chapters, tags, hashtags }, total)
}
