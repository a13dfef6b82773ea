//! Checks a video's metadata against its platform's limits (title, description, chapter, tag and hashtag rules)
//! and repairs metadata so that it fits them.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use crate::{Chapter, Lang, Metadata, Platform};

/// How a length is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Unicode scalar values (`chars().count()`).
    Chars,
    /// UTF-8 bytes.
    Bytes,
}

impl Unit {
    /// The length of `s` in this unit.
    pub fn measure(self, s: &str) -> usize {
        match self {
            Unit::Chars => s.chars().count(),
            Unit::Bytes => s.len(),
        }
    }

    fn of_char(self, c: char) -> usize {
        match self {
            Unit::Chars => 1,
            Unit::Bytes => c.len_utf8(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Unit::Chars => "characters",
            Unit::Bytes => "bytes",
        }
    }
}

/// One platform's limits. Lengths are in characters (Unicode scalar values) unless said otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest title.
    pub title_chars: usize,
    /// How many distinct, non-empty titles are needed.
    pub min_titles: usize,
    /// The longest description, counted in `description_unit`.
    pub description_len: usize,
    /// Whether `description_len` counts characters or bytes.
    pub description_unit: Unit,
    /// The longest first line of the description (the preview).
    pub preview_chars: usize,
    /// The longest tag list, counted as [`youtube_tags_len`] does.
    pub tags_chars: usize,
    /// The longest tag.
    pub tag_chars: usize,
    /// The most tags (`usize::MAX`: no count limit of its own, `tags_chars` caps the list).
    pub max_tags: usize,
    /// The most hashtags.
    pub max_hashtags: usize,
    /// The fewest chapters when there are any.
    pub min_chapters: usize,
    /// The shortest chapter, in milliseconds.
    pub min_chapter_ms: u64,
    /// The longest chapter title.
    pub chapter_title_chars: usize,
}

/// Fewer than this many ASCII letters never count as caps-lock.
const CAPS_MIN_LETTERS: usize = 4;

/// The limits of platform `p`.
pub fn limits(p: Platform) -> Limits {
    let base = Limits {
        title_chars: 100,
        min_titles: 3,
        description_len: 2200,
        description_unit: Unit::Chars,
        preview_chars: 150,
        tags_chars: 500,
        tag_chars: 100,
        max_tags: usize::MAX,
        max_hashtags: 15,
        min_chapters: 3,
        min_chapter_ms: 10_000,
        chapter_title_chars: 100,
    };
    match p {
        Platform::YouTube => Limits { description_len: 5000, description_unit: Unit::Bytes, ..base },
        Platform::TikTok | Platform::Instagram => base,
        Platform::Bilibili => Limits { title_chars: 80, description_len: 2000, tag_chars: 20, max_tags: 12, ..base },
    }
}

/// What breaks a limit, naming the field (`titles[1]: 104 characters, the limit is 100`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// `titles`, `titles[1]`, `description`, `chapters[2]`, `chapters[2].title`, `tags`, `hashtags[0]`, …
    pub field: String,
    pub message: String,
}

impl Problem {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// YouTube's count of a tag list: each tag's characters, +2 for a tag containing a space (YouTube quotes it),
/// +1 per comma between tags.
pub fn youtube_tags_len(tags: &[String]) -> usize {
    let quoted: usize =
        tags.iter().map(|t| t.chars().count() + if t.contains(char::is_whitespace) { 2 } else { 0 }).sum();
    quoted + tags.len().saturating_sub(1)
}

/// A chapter's timestamp as YouTube reads it in a description: `M:SS`, or `H:MM:SS` from an hour on.
pub fn timestamp(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 { format!("{h}:{m:02}:{sec:02}") } else { format!("{m}:{sec:02}") }
}

/// Everything in `m` that breaks its platform's limits, for a video `video_ms` long. Empty when it is valid.
pub fn validate(m: &Metadata, video_ms: u64) -> Vec<Problem> {
    let lim = limits(m.platform);
    let mut out = Vec::new();
    check_titles(&m.titles, &lim, &mut out);
    check_description(&m.description, &m.chapters, &lim, &mut out);
    check_chapters(&m.chapters, video_ms, &lim, &mut out);
    check_tags(&m.tags, &lim, &mut out);
    check_hashtags(&m.hashtags, &lim, &mut out);
    out
}

/// The same metadata made valid for a video `video_ms` long: over-long text cut at a word (or, in CJK text,
/// character) boundary, markup (`<…>`, stray `<` and `>`) and control characters removed, empty and duplicate
/// titles and tags dropped, titles in capitals put in normal case, tags and hashtags trimmed to the limits,
/// chapters sorted and merged or dropped where they break the rules and listed at the end of the description.
/// Missing titles are made from the first (`X (2)`), or `Untitled video` / `未命名视频` when there is none.
/// `validate(&repair(m, video_ms), video_ms)` is always empty, and repairing twice changes nothing.
pub fn repair(m: Metadata, video_ms: u64) -> Metadata {
    let lim = limits(m.platform);
    let titles = repair_titles(&m.titles, m.lang, &lim);
    let chapters = repair_chapters(&m.chapters, video_ms, m.lang, &lim);
    let had_chapters = !m.chapters.is_empty();
    let (description, chapters, _) =
        repair_description(&m.description, chapters, had_chapters, &titles[0], video_ms, &lim);
    let tags = repair_tags(&m.tags, &lim);
    let hashtags = repair_hashtags(&m.hashtags, &lim);
    Metadata { platform: m.platform, lang: m.lang, titles, description, chapters, tags, hashtags }
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

fn check_markup(field: &str, s: &str, newline_ok: bool, out: &mut Vec<Problem>) {
    if s.contains(['<', '>']) {
        out.push(Problem::new(field, "contains `<` or `>`"));
    }
    if s.chars().any(|c| c.is_control() && !(newline_ok && c == '\n')) {
        let what = if newline_ok { "a control character other than a line break" } else { "a control character" };
        out.push(Problem::new(field, format!("contains {what}")));
    }
}

fn check_len(field: &str, n: usize, max: usize, unit: Unit, out: &mut Vec<Problem>) {
    if n > max {
        out.push(Problem::new(field, format!("{n} {}, the limit is {max}", unit.name())));
    }
}

/// More than 60% of its ASCII letters in upper case, with at least four of them.
fn is_caps(s: &str) -> bool {
    let (letters, upper) = s
        .chars()
        .filter(char::is_ascii_alphabetic)
        .fold((0, 0), |(l, u), c| (l + 1, u + usize::from(c.is_ascii_uppercase())));
    letters >= CAPS_MIN_LETTERS && upper * 5 > letters * 3
}

/// Checks each item of the list `name` with `each` (which says whether the item counts:
/// an empty one does not) and reports repeats, ignoring case and surrounding space. Returns
/// how many distinct items count.
fn check_list(
    list: &[String],
    name: &str,
    out: &mut Vec<Problem>,
    mut each: impl FnMut(&str, &str, &mut Vec<Problem>) -> bool,
) -> usize {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, item) in list.iter().enumerate() {
        let field = format!("{name}[{i}]");
        if !each(&field, item, out) {
            continue;
        }
        let key = item.trim().to_lowercase();
        match seen.get(&key) {
            Some(j) => out.push(Problem::new(field, format!("the same as {name}[{j}]"))),
            None => {
                seen.insert(key, i);
            }
        }
    }
    seen.len()
}

/// Reports an empty item; whether it has text.
fn not_empty(field: &str, item: &str, out: &mut Vec<Problem>) -> bool {
    let empty = item.trim().is_empty();
    if empty {
        out.push(Problem::new(field, "empty"));
    }
    !empty
}

fn check_titles(titles: &[String], lim: &Limits, out: &mut Vec<Problem>) {
    let distinct = check_list(titles, "titles", out, |field, t, out| {
        if !not_empty(field, t, out) {
            return false;
        }
        check_len(field, t.chars().count(), lim.title_chars, Unit::Chars, out);
        check_markup(field, t, false, out);
        if is_caps(t) {
            out.push(Problem::new(field, "written in capitals; use normal case"));
        }
        true
    });
    if distinct < lim.min_titles {
        out.push(Problem::new("titles", format!("{distinct} distinct titles, at least {} are needed", lim.min_titles)));
    }
}

/// The timestamp a description line starts with (`0:00 Intro`, `1:02:03 - End`), if it starts with one.
pub(crate) fn line_timestamp(line: &str) -> Option<&str> {
    let l = line.trim_start();
    let end = l.find(|c: char| !(c.is_ascii_digit() || c == ':')).unwrap_or(l.len());
    let (tok, rest) = l.split_at(end);
    if rest.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let parts: Vec<&str> = tok.split(':').collect();
    let ok = (2..=3).contains(&parts.len()) && !parts[0].is_empty() && parts[1..].iter().all(|p| p.len() == 2);
    ok.then_some(tok)
}

fn check_description(d: &str, chapters: &[Chapter], lim: &Limits, out: &mut Vec<Problem>) {
    const F: &str = "description";
    if d.trim().is_empty() {
        out.push(Problem::new(F, "empty"));
    } else {
        let first = d.split('\n').next().unwrap_or("").chars().count();
        if first > lim.preview_chars {
            out.push(Problem::new(
                F,
                format!("its first line (the preview) is {first} characters, the limit is {}", lim.preview_chars),
            ));
        }
    }
    let unit = lim.description_unit;
    check_len(F, unit.measure(d), lim.description_len, unit, out);
    check_markup(F, d, true, out);
    if chapters.is_empty() {
        return;
    }
    let found: Vec<&str> = d.split('\n').filter_map(line_timestamp).collect();
    let want: Vec<String> = chapters.iter().map(|c| timestamp(c.start_ms)).collect();
    let Some(i) = (0..found.len().max(want.len())).find(|&i| found.get(i).copied() != want.get(i).map(String::as_str))
    else {
        return;
    };
    let message = match (want.get(i), found.get(i)) {
        (Some(w), Some(f)) => {
            format!("does not list the chapters: timestamp line {} starts with {f}, chapters[{i}] starts at {w}", i + 1)
        }
        (Some(w), None) => format!("does not list the chapters: no line starting with {w} for chapters[{i}]"),
        (None, Some(f)) => format!("lists a chapter at {f} that is not in the chapters"),
        (None, None) => unreachable!("i is below the longer list's length"),
    };
    out.push(Problem::new(F, message));
}

fn check_chapters(chapters: &[Chapter], video_ms: u64, lim: &Limits, out: &mut Vec<Problem>) {
    if chapters.is_empty() {
        return;
    }
    if chapters.len() < lim.min_chapters {
        out.push(Problem::new(
            "chapters",
            format!("{} chapters, at least {} are needed (or none)", chapters.len(), lim.min_chapters),
        ));
    }
    if chapters[0].start_ms != 0 {
        out.push(Problem::new(
            "chapters[0]",
            format!("starts at {}, the first chapter must start at 0:00", timestamp(chapters[0].start_ms)),
        ));
    }
    for (i, c) in chapters.iter().enumerate() {
        let field = format!("chapters[{i}]");
        let mut ordered = true;
        if c.start_ms >= video_ms {
            ordered = false;
            out.push(Problem::new(
                &field,
                format!("starts at {}, not before the video's end ({})", timestamp(c.start_ms), timestamp(video_ms)),
            ));
        }
        if i > 0 && c.start_ms <= chapters[i - 1].start_ms {
            out.push(Problem::new(
                &field,
                format!(
                    "starts at {}, not after chapters[{}] ({})",
                    timestamp(c.start_ms),
                    i - 1,
                    timestamp(chapters[i - 1].start_ms)
                ),
            ));
        }
        let end = chapters.get(i + 1).map_or(video_ms, |n| n.start_ms);
        // An end before the start is reported as the order problem (or the video's end) above.
        if ordered && end > c.start_ms && end - c.start_ms < lim.min_chapter_ms {
            out.push(Problem::new(
                &field,
                format!(
                    "{:.1} s long, a chapter needs at least {} s",
                    (end - c.start_ms) as f64 / 1000.0,
                    lim.min_chapter_ms / 1000
                ),
            ));
        }
        let tf = format!("{field}.title");
        if c.title.trim().is_empty() {
            out.push(Problem::new(tf, "empty"));
        } else {
            check_len(&tf, c.title.chars().count(), lim.chapter_title_chars, Unit::Chars, out);
            check_markup(&tf, &c.title, false, out);
        }
    }
}

fn check_tags(tags: &[String], lim: &Limits, out: &mut Vec<Problem>) {
    check_list(tags, "tags", out, |field, t, out| {
        if !not_empty(field, t, out) {
            return false;
        }
        check_len(field, t.chars().count(), lim.tag_chars, Unit::Chars, out);
        if t.contains('#') {
            out.push(Problem::new(field, "contains `#` (tags go without it)"));
        }
        if t.contains(',') {
            out.push(Problem::new(field, "contains a comma (it would split the tag)"));
        }
        check_markup(field, t, false, out);
        true
    });
    if tags.len() > lim.max_tags {
        out.push(Problem::new("tags", format!("{} tags, the limit is {}", tags.len(), lim.max_tags)));
    }
    let total = youtube_tags_len(tags);
    if total > lim.tags_chars {
        out.push(Problem::new(
            "tags",
            format!("{total} characters in all (quotes and commas counted), the limit is {}", lim.tags_chars),
        ));
    }
}

fn hashtag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn check_hashtags(hashtags: &[String], lim: &Limits, out: &mut Vec<Problem>) {
    check_list(hashtags, "hashtags", out, |field, h, out| {
        match h.strip_prefix('#') {
            None => out.push(Problem::new(field, "does not start with `#`")),
            Some("") => out.push(Problem::new(field, "nothing after `#`")),
            Some(rest) if !rest.chars().all(hashtag_char) => {
                out.push(Problem::new(field, "only letters, digits and `_` may follow `#`"));
            }
            Some(_) => {}
        }
        true
    });
    if hashtags.len() > lim.max_hashtags {
        out.push(Problem::new("hashtags", format!("{} hashtags, the limit is {}", hashtags.len(), lim.max_hashtags)));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Text helpers

/// Chinese, Japanese and Korean characters: text in them may be cut between any two.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x2E80..=0x303F | 0x3040..=0x30FF | 0x3100..=0x31FF | 0x3200..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Characters that belong to the one before them: combining marks, variation selectors, skin tones, tag characters.
fn is_extend(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE00..=0xFE0F
        | 0xFE20..=0xFE2F | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F | 0xE0100..=0xE01EF)
}

fn is_regional(c: char) -> bool {
    matches!(c as u32, 0x1F1E6..=0x1F1FF)
}

/// Whether `chars` may be cut before `chars[p]` (0 < p < len) without splitting what shows as one character: an
/// accented letter, an emoji with a skin tone or joined to the next by ZWJ, a flag (a pair of regional indicators).
fn can_cut(chars: &[(usize, char)], p: usize) -> bool {
    let (a, b) = (chars[p - 1].1, chars[p].1);
    if a == '\u{200D}' || b == '\u{200D}' || is_extend(b) {
        return false;
    }
    if is_regional(a) && is_regional(b) {
        return chars[..p].iter().rev().take_while(|(_, c)| is_regional(*c)).count() % 2 == 0;
    }
    true
}

/// A word boundary (any boundary next to a CJK character) before `chars[p]`.
fn word_break(chars: &[(usize, char)], p: usize) -> bool {
    let (a, b) = (chars[p - 1].1, chars[p].1);
    (a.is_whitespace() || b.is_whitespace() || is_cjk(a) || is_cjk(b)) && can_cut(chars, p)
}

/// The longest prefix of `s` at most `max` long (in `unit`), cut at a word boundary (any character boundary in
/// CJK text) when one lies in its second half, else between two characters that do not join; trailing white
/// space removed.
fn cut(s: &str, max: usize, unit: Unit) -> String {
    if unit.measure(s) <= max {
        return s.trim_end().to_string();
    }
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut used = 0;
    let mut k = 0;
    for &(_, c) in &chars {
        let w = unit.of_char(c);
        if used + w > max {
            break;
        }
        used += w;
        k += 1;
    }
    // k < chars.len(): the whole string does not fit, so chars[p] exists for every p <= k.
    let p = (k / 2 + 1..=k)
        .rev()
        .find(|&p| word_break(&chars, p))
        .or_else(|| (1..=k).rev().find(|&p| can_cut(&chars, p)))
        .unwrap_or(k);
    s[..chars[p].0].trim_end().to_string()
}

/// `<…>` tags (a `<` followed by a letter, `/` or `!`, closed on the same line) removed, then any stray `<` and `>`.
fn strip_markup(s: &str) -> String {
    fn tag_len(s: &str) -> Option<usize> {
        let second = s[1..].chars().next()?;
        if !(second.is_ascii_alphabetic() || second == '/' || second == '!') {
            return None;
        }
        for (i, c) in s.char_indices().skip(1) {
            match c {
                '>' => return Some(i + 1),
                '<' | '\n' => return None,
                _ if i > 1024 => return None,
                _ => {}
            }
        }
        None
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['<', '>']) {
        out.push_str(&rest[..i]);
        let at = &rest[i..];
        rest = match at.starts_with('<').then(|| tag_len(at)).flatten() {
            Some(len) => &at[len..],
            None => &at[1..],
        };
    }
    out.push_str(rest);
    out
}

/// One line of plain text: control characters and runs of white space made one space, markup removed, trimmed.
fn clean_line(s: &str) -> String {
    let s: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    strip_markup(&s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `s` with its ASCII capitals lowered when it is written in capitals: first word by word (`NASA` → `Nasa`), then,
/// when that is not enough, all but the first letter. Never changes its length or its lower-case form.
fn fix_caps(s: &str) -> String {
    if !is_caps(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut first_in_word = true;
    for c in s.chars() {
        if c.is_whitespace() {
            first_in_word = true;
            out.push(c);
        } else if c.is_ascii_alphabetic() {
            out.push(if first_in_word { c } else { c.to_ascii_lowercase() });
            first_in_word = false;
        } else {
            out.push(c);
        }
    }
    if !is_caps(&out) {
        return out;
    }
    let mut first = true;
    s.chars()
        .map(|c| if c.is_ascii_alphabetic() && !std::mem::take(&mut first) { c.to_ascii_lowercase() } else { c })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// Repairs

/// The non-empty items, each kept once (its first spelling), ignoring case.
fn distinct(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    items.into_iter().filter(|t| !t.is_empty() && seen.insert(t.to_lowercase())).collect()
}

fn repair_titles(titles: &[String], lang: Lang, lim: &Limits) -> Vec<String> {
    let mut out = distinct(titles.iter().map(|t| fix_caps(&cut(&clean_line(t), lim.title_chars, Unit::Chars))));
    let mut seen: HashSet<String> = out.iter().map(|t| t.to_lowercase()).collect();
    if out.is_empty() {
        let t = match lang {
            Lang::En => "Untitled video",
            Lang::Zh => "未命名视频",
        };
        seen.insert(t.to_lowercase());
        out.push(t.to_string());
    }
    let base = out[0].clone();
    let mut n = 2;
    while out.len() < lim.min_titles {
        let suffix = format!(" ({n})");
        let head = cut(&base, lim.title_chars.saturating_sub(suffix.chars().count()), Unit::Chars);
        let t = fix_caps(format!("{head}{suffix}").trim());
        if seen.insert(t.to_lowercase()) {
            out.push(t);
        }
        n += 1;
    }
    out
}

/// Chapters cleaned, sorted and merged into a set that keeps the rules, or none.
fn repair_chapters(chapters: &[Chapter], video_ms: u64, lang: Lang, lim: &Limits) -> Vec<Chapter> {
    let mut v: Vec<Chapter> = chapters
        .iter()
        .filter(|c| c.start_ms < video_ms)
        .map(|c| Chapter {
            start_ms: c.start_ms,
            title: cut(&clean_line(&c.title), lim.chapter_title_chars, Unit::Chars),
        })
        .filter(|c| !c.title.is_empty())
        .collect();
    v.sort_by_key(|c| c.start_ms);
    let Some(first) = v.first_mut() else { return v };
    if first.start_ms >= lim.min_chapter_ms {
        let intro = match lang {
            Lang::En => "Intro",
            Lang::Zh => "开场",
        };
        v.insert(0, Chapter { start_ms: 0, title: intro.to_string() });
    } else {
        first.start_ms = 0;
    }
    let mut kept: Vec<Chapter> = Vec::with_capacity(v.len());
    for c in v {
        if kept.last().is_none_or(|l| c.start_ms >= l.start_ms.saturating_add(lim.min_chapter_ms)) {
            kept.push(c);
        }
    }
    while kept.len() > 1 && kept.last().is_some_and(|l| video_ms - l.start_ms < lim.min_chapter_ms) {
        kept.pop();
    }
    if kept.len() < lim.min_chapters || video_ms < lim.min_chapter_ms {
        kept.clear();
    }
    kept
}

fn chapter_line(c: &Chapter) -> String {
    format!("{} {}", timestamp(c.start_ms), c.title)
}

/// The chapters with the shortest ones merged into the one before until their lines fit the description, or none
/// when even the fewest allowed do not fit.
fn fit_chapters(chapters: Vec<Chapter>, video_ms: u64, lim: &Limits) -> Vec<Chapter> {
    let unit = lim.description_unit;
    let lens: Vec<usize> = chapters.iter().map(|c| unit.measure(&chapter_line(c))).collect();
    let n = chapters.len();
    let mut total = lens.iter().sum::<usize>() + n.saturating_sub(1);
    if total <= lim.description_len {
        return chapters;
    }
    // A linked list over the chapters, and the candidates (never the first) ranked by the length of the chapter
    // that removing them makes (they merge into the one before), so that the chapters thin out evenly.
    let starts: Vec<u64> = chapters.iter().map(|c| c.start_ms).collect();
    let mut prev: Vec<usize> = (0..n).map(|i| i.saturating_sub(1)).collect();
    let mut next: Vec<usize> = (1..=n).collect();
    let merged =
        |i: usize, prev: &[usize], next: &[usize]| starts.get(next[i]).copied().unwrap_or(video_ms) - starts[prev[i]];
    let mut queue: BTreeSet<(u64, usize)> = (1..n).map(|i| (merged(i, &prev, &next), i)).collect();
    let mut alive = vec![true; n];
    let mut count = n;
    while total > lim.description_len && count > lim.min_chapters {
        let Some((_, i)) = queue.pop_first() else { break };
        let (p, nx) = (prev[i], next[i]);
        let touched: Vec<usize> = [p, nx].into_iter().filter(|&j| j > 0 && j < n).collect();
        for &j in &touched {
            queue.remove(&(merged(j, &prev, &next), j));
        }
        next[p] = nx;
        if nx < n {
            prev[nx] = p;
        }
        for &j in &touched {
            queue.insert((merged(j, &prev, &next), j));
        }
        alive[i] = false;
        count -= 1;
        total -= lens[i] + 1;
    }
    if total > lim.description_len {
        return Vec::new();
    }
    chapters.into_iter().zip(alive).filter_map(|(c, a)| a.then_some(c)).collect()
}

/// The description with `\r\n` and `\r` made `\n`, tabs made spaces, other control characters and markup removed.
fn clean_description(s: &str) -> String {
    let s: String = s
        .replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    strip_markup(&s)
}

/// The body trimmed (each line at its end, the whole at both), with no line starting with a timestamp when
/// `strip_timestamps`, and a first line longer than the preview broken at a word into two lines.
fn normalize_body(s: &str, strip_timestamps: bool, preview: usize) -> String {
    let mut lines: Vec<String> = s.split('\n').map(|l| l.trim_end().to_string()).collect();
    loop {
        if strip_timestamps {
            lines.retain(|l| line_timestamp(l).is_none());
        }
        let lead = lines.iter().take_while(|l| l.trim().is_empty()).count();
        lines.drain(..lead);
        while lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
        let Some(first) = lines.first_mut() else { break };
        *first = first.trim_start().to_string();
        if first.chars().count() <= preview {
            break;
        }
        let head = cut(first, preview, Unit::Chars);
        let rest = first[head.len()..].trim().to_string();
        lines[0] = head;
        lines.insert(1, rest);
    }
    lines.join("\n")
}

/// The body normalized and cut to `budget` (in `unit`).
fn fit_body(body: &str, budget: usize, unit: Unit, strip_timestamps: bool, preview: usize) -> String {
    let mut b = body.to_string();
    for _ in 0..64 {
        let n = normalize_body(&b, strip_timestamps, preview);
        let c = cut(&n, budget, unit);
        if c == n {
            return c;
        }
        b = c;
    }
    String::new()
}

/// The repaired description and the chapters it lists, and whether it had to fall back to a bare description
/// (the chapter lines alone, or the first title) because the body could not be made to fit.
fn repair_description(
    description: &str,
    chapters: Vec<Chapter>,
    had_chapters: bool,
    first_title: &str,
    video_ms: u64,
    lim: &Limits,
) -> (String, Vec<Chapter>, bool) {
    let unit = lim.description_unit;
    let body = clean_description(description);
    let chapters = fit_chapters(chapters, video_ms, lim);
    // Old chapter lines go whenever there were chapters: re-written below, or stale when the chapters were dropped.
    let strip = had_chapters || !chapters.is_empty();
    let block = chapters.iter().map(chapter_line).collect::<Vec<_>>().join("\n");
    let (description, fallback) = if chapters.is_empty() {
        let b = fit_body(&body, lim.description_len, unit, strip, lim.preview_chars);
        (if b.is_empty() { first_title.to_string() } else { b }, first_title.to_string())
    } else {
        let budget = lim.description_len.saturating_sub(unit.measure(&block) + unit.measure("\n\n"));
        let b = fit_body(&body, budget, unit, true, lim.preview_chars);
        (if b.is_empty() { block.clone() } else { format!("{b}\n\n{block}") }, block)
    };
    let mut problems = Vec::new();
    check_description(&description, &chapters, lim, &mut problems);
    if problems.is_empty() { (description, chapters, false) } else { (fallback, chapters, true) }
}

fn repair_tags(tags: &[String], lim: &Limits) -> Vec<String> {
    let mut out = distinct(
        tags.iter()
            .flat_map(|t| t.split(','))
            .map(|t| cut(&clean_line(&t.replace('#', "")), lim.tag_chars, Unit::Chars)),
    );
    out.truncate(lim.max_tags);
    while youtube_tags_len(&out) > lim.tags_chars {
        out.pop();
    }
    out
}

fn repair_hashtags(hashtags: &[String], lim: &Limits) -> Vec<String> {
    let bodies = hashtags.iter().map(|h| h.chars().filter(|&c| hashtag_char(c)).collect::<String>());
    let mut out: Vec<String> = distinct(bodies).into_iter().map(|b| format!("#{b}")).collect();
    out.truncate(lim.max_hashtags);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Platform; 4] = [Platform::YouTube, Platform::TikTok, Platform::Instagram, Platform::Bilibili];
    const MIN: u64 = 60_000;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn ch(start_ms: u64, title: &str) -> Chapter {
        Chapter { start_ms, title: title.to_string() }
    }

    fn good(platform: Platform) -> Metadata {
        Metadata {
            platform,
            lang: Lang::En,
            titles: s(&["How I Built a Desk", "Building a Desk in a Weekend", "My First Woodworking Project"]),
            description: "A walnut desk, start to finish.\n\nTools and wood in the comments.".to_string(),
            chapters: Vec::new(),
            tags: s(&["woodworking", "desk build", "diy"]),
            hashtags: s(&["#woodworking", "#DIY", "#木工", "#desk_build2"]),
        }
    }

    fn chaptered(platform: Platform) -> Metadata {
        let mut m = good(platform);
        m.chapters = vec![ch(0, "Intro"), ch(MIN, "Cutting"), ch(3 * MIN, "Finishing")];
        m.description = "A walnut desk.\n\n0:00 Intro\n1:00 Cutting\n3:00 Finishing".to_string();
        m
    }

    fn fields(p: &[Problem]) -> Vec<&str> {
        p.iter().map(|p| p.field.as_str()).collect()
    }

    /// Asserts `m` is invalid with a problem on `field`, and its repair is valid (and stable).
    #[track_caller]
    fn fails_then_repairs(m: Metadata, video_ms: u64, field: &str) -> Metadata {
        let problems = validate(&m, video_ms);
        assert!(fields(&problems).contains(&field), "expected a problem on {field}, got {problems:?}");
        assert_valid_repair(m, video_ms)
    }

    #[track_caller]
    fn assert_valid_repair(m: Metadata, video_ms: u64) -> Metadata {
        let r = repair(m, video_ms);
        let problems = validate(&r, video_ms);
        assert!(problems.is_empty(), "repair left {problems:?} in {r:?}");
        assert_eq!(repair(r.clone(), video_ms), r, "repair is not stable");
        r
    }

    fn caps_ok(problems: &[Problem]) -> bool {
        !problems.iter().any(|p| p.message.contains("capitals"))
    }

    // --- basics ---

    #[test]
    fn limits_table() {
        let yt = limits(Platform::YouTube);
        assert_eq!((yt.title_chars, yt.description_len, yt.description_unit), (100, 5000, Unit::Bytes));
        assert_eq!((yt.tags_chars, yt.tag_chars, yt.max_hashtags, yt.min_titles), (500, 100, 15, 3));
        for p in [Platform::TikTok, Platform::Instagram] {
            let l = limits(p);
            assert_eq!((l.title_chars, l.description_len, l.description_unit), (100, 2200, Unit::Chars));
            assert_eq!((l.tags_chars, l.max_hashtags), (500, 15));
        }
        let bl = limits(Platform::Bilibili);
        assert_eq!((bl.title_chars, bl.description_len, bl.description_unit), (80, 2000, Unit::Chars));
        assert_eq!((bl.max_tags, bl.tag_chars, bl.max_hashtags), (12, 20, 15));
        for p in ALL {
            let l = limits(p);
            assert_eq!(
                (l.preview_chars, l.min_chapters, l.min_chapter_ms, l.chapter_title_chars),
                (150, 3, 10_000, 100)
            );
        }
    }

    #[test]
    fn youtube_tags_len_counts_quotes_and_commas() {
        // "a b" is 3 characters and quoted (+2), a comma (+1), "c" (+1).
        assert_eq!(youtube_tags_len(&s(&["a b", "c"])), 7);
        assert_eq!(youtube_tags_len(&[]), 0);
        assert_eq!(youtube_tags_len(&s(&["abc"])), 3);
        assert_eq!(youtube_tags_len(&s(&["ab", "cd", "ef"])), 8);
        assert_eq!(youtube_tags_len(&s(&["中文 标签"])), 7);
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(0), "0:00");
        assert_eq!(timestamp(999), "0:00");
        assert_eq!(timestamp(59_999), "0:59");
        assert_eq!(timestamp(65_000), "1:05");
        assert_eq!(timestamp(10 * MIN + 7_000), "10:07");
        assert_eq!(timestamp(3_600_000), "1:00:00");
        assert_eq!(timestamp(3_725_000), "1:02:05");
        assert_eq!(timestamp(36_000_000), "10:00:00");
    }

    #[test]
    fn line_timestamps() {
        assert_eq!(line_timestamp("0:00 Intro"), Some("0:00"));
        assert_eq!(line_timestamp("  1:02:03 - End"), Some("1:02:03"));
        assert_eq!(line_timestamp("01:30"), Some("01:30"));
        assert_eq!(line_timestamp("1:23pm meeting"), None);
        assert_eq!(line_timestamp("1:2 x"), None);
        assert_eq!(line_timestamp("1:23:45:67 x"), None);
        assert_eq!(line_timestamp("Intro 0:00"), None);
        assert_eq!(line_timestamp(":30 x"), None);
    }

    #[test]
    fn problem_display_names_the_field() {
        let mut m = good(Platform::YouTube);
        m.titles[1] = format!("{} end", "x".repeat(100));
        let p = validate(&m, MIN);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].to_string(), "titles[1]: 104 characters, the limit is 100");
    }

    #[test]
    fn good_metadata_passes_everywhere() {
        for p in ALL {
            assert_eq!(validate(&good(p), MIN), vec![], "{p:?}");
            assert_eq!(validate(&chaptered(p), 5 * MIN), vec![], "{p:?}");
            assert_eq!(repair(good(p), MIN), good(p), "repair changes nothing valid ({p:?})");
            assert_eq!(repair(chaptered(p), 5 * MIN).chapters, chaptered(p).chapters);
        }
    }

    // --- titles ---

    #[test]
    fn too_few_titles_are_filled_from_the_first() {
        let mut m = good(Platform::YouTube);
        m.titles.truncate(2);
        let r = fails_then_repairs(m, MIN, "titles");
        assert_eq!(r.titles, s(&["How I Built a Desk", "Building a Desk in a Weekend", "How I Built a Desk (2)"]));
    }

    #[test]
    fn duplicate_and_empty_titles_are_dropped() {
        let mut m = good(Platform::TikTok);
        m.titles = s(&["Desk Build", "  desk build ", "", "   ", "Another One"]);
        let p = validate(&m, MIN);
        assert!(p.contains(&Problem::new("titles[1]", "the same as titles[0]")), "{p:?}");
        assert!(p.contains(&Problem::new("titles[2]", "empty")), "{p:?}");
        assert!(p.contains(&Problem::new("titles[3]", "empty")), "{p:?}");
        assert!(fields(&p).contains(&"titles"));
        let r = assert_valid_repair(m, MIN);
        assert_eq!(r.titles, s(&["Desk Build", "Another One", "Desk Build (2)"]));
    }

    #[test]
    fn numbered_variants_skip_taken_names() {
        let mut m = good(Platform::YouTube);
        m.titles = s(&["Desk", "desk (2)"]);
        let r = assert_valid_repair(m, MIN);
        assert_eq!(r.titles, s(&["Desk", "desk (2)", "Desk (3)"]));
    }

    #[test]
    fn no_titles_at_all() {
        let mut m = good(Platform::YouTube);
        m.titles = vec![];
        let r = fails_then_repairs(m.clone(), MIN, "titles");
        assert_eq!(r.titles, s(&["Untitled video", "Untitled video (2)", "Untitled video (3)"]));
        m.lang = Lang::Zh;
        m.titles = s(&["<>", "\u{7}"]);
        let r = assert_valid_repair(m, MIN);
        assert_eq!(r.titles, s(&["未命名视频", "未命名视频 (2)", "未命名视频 (3)"]));
    }

    #[test]
    fn long_title_is_cut_at_a_word() {
        let mut m = good(Platform::YouTube);
        let long = "The quick brown fox jumps over the lazy dog ".repeat(4);
        m.titles[0] = long.clone();
        let r = fails_then_repairs(m, MIN, "titles[0]");
        assert!(r.titles[0].chars().count() <= 100);
        assert!(long.starts_with(&r.titles[0]));
        assert!(long[r.titles[0].len()..].starts_with(' '), "cut mid-word: {:?}", r.titles[0]);
        // Variants of a title at the limit keep within it.
        let mut m = good(Platform::Bilibili);
        m.titles = vec![long];
        let r = fails_then_repairs(m, MIN, "titles[0]");
        assert!(r.titles.iter().all(|t| t.chars().count() <= 80), "{:?}", r.titles);
        assert!(r.titles[2].ends_with(" (3)"));
    }

    #[test]
    fn bilibili_title_limit_is_80() {
        let mut m = good(Platform::Bilibili);
        m.titles[2] = "视".repeat(81);
        let p = validate(&m, MIN);
        assert_eq!(p, vec![Problem::new("titles[2]", "81 characters, the limit is 80")]);
        m.platform = Platform::YouTube;
        assert_eq!(validate(&m, MIN), vec![]);
        m.platform = Platform::Bilibili;
        let r = assert_valid_repair(m, MIN);
        assert_eq!(r.titles[2], "视".repeat(80));
    }

    #[test]
    fn markup_and_control_chars_in_titles() {
        let mut m = good(Platform::Instagram);
        m.titles[0] = "Best <b>Desk</b> Ever".to_string();
        m.titles[1] = "Tab\there".to_string();
        let p = validate(&m, MIN);
        assert!(p.contains(&Problem::new("titles[0]", "contains `<` or `>`")), "{p:?}");
        assert!(p.contains(&Problem::new("titles[1]", "contains a control character")), "{p:?}");
        let r = assert_valid_repair(m, MIN);
        assert_eq!(r.titles[0], "Best Desk Ever");
        assert_eq!(r.titles[1], "Tab here");
    }

    #[test]
    fn all_caps_titles_fail_mixed_case_passes() {
        let mut m = good(Platform::YouTube);
        m.titles[0] = "I BUILT A DESK!!!".to_string();
        let p = validate(&m, MIN);
        assert!(p.contains(&Problem::new("titles[0]", "written in capitals; use normal case")), "{p:?}");
        let r = assert_valid_repair(m.clone(), MIN);
        assert_eq!(r.titles[0], "I Built A Desk!!!");
        // Mostly capitals (more than 60%) counts too.
        m.titles[0] = "HOW I BUILT a desk".to_string();
        assert!(!caps_ok(&validate(&m, MIN)));
        m.titles[0] = "ABCDEFG hij".to_string(); // 70%
        assert!(!caps_ok(&validate(&m, MIN)));
        // Single letters: title case is not enough, sentence case is.
        m.titles[0] = "A B C D E".to_string();
        assert!(!caps_ok(&validate(&m, MIN)));
        let r = assert_valid_repair(m.clone(), MIN);
        assert_eq!(r.titles[0], "A b c d e");
        for ok in [
            "How I Built a Desk",
            "Top 10 AI Tools",
            "NASA UFO video",
            "ABCDEF ghij",
            "WOW!",
            "OMG 视频",
            "iPhone 16 review",
        ] {
            m.titles[0] = ok.to_string();
            assert!(caps_ok(&validate(&m, MIN)), "{ok}");
        }
    }

    // --- description ---

    #[test]
    fn empty_description() {
        let mut m = good(Platform::YouTube);
        m.description = " \n\t ".to_string();
        let p = validate(&m, MIN);
        assert!(p.contains(&Problem::new("description", "empty")), "{p:?}");
        let r = assert_valid_repair(m, MIN);
        assert_eq!(r.description, r.titles[0]);
    }

    #[test]
    fn long_first_line_is_broken_for_the_preview() {
        let mut m = good(Platform::TikTok);
        let line = "This desk took a weekend and a lot of sanding to finish properly. ".repeat(4);
        m.description = format!("{line}\nSecond line.");
        let p = validate(&m, MIN);
        assert!(p.iter().any(|p| p.field == "description" && p.message.contains("preview")), "{p:?}");
        let r = assert_valid_repair(m, MIN);
        let first = r.description.split('\n').next().unwrap();
        assert!(first.chars().count() <= 150 && line.starts_with(first));
        // Nothing is lost: the rest of the line follows.
        assert_eq!(r.description.replace('\n', " ").split_whitespace().count(), 4 * 13 + 2);
    }

    #[test]
    fn youtube_counts_description_bytes() {
        let mut m = good(Platform::YouTube);
        let line = "视频".repeat(50);
        m.description = vec![line.as_str(); 19].join("\n"); // 1918 characters, 5718 bytes
        let p = validate(&m, MIN);
        assert_eq!(p, vec![Problem::new("description", "5718 bytes, the limit is 5000")]);
        let r = assert_valid_repair(m.clone(), MIN);
        assert!(r.description.len() <= 5000 && r.description.len() > 4900);
        // The other platforms count characters: 1918 is within TikTok's 2200 and Bilibili's 2000.
        for p in [Platform::TikTok, Platform::Instagram, Platform::Bilibili] {
            m.platform = p;
            assert_eq!(validate(&m, MIN), vec![], "{p:?}");
        }
        m.description = vec![line.as_str(); 20].join("\n");
        let p = validate(&m, MIN);
        assert_eq!(p, vec![Problem::new("description", "2019 characters, the limit is 2000")]);
    }

    #[test]
    fn control_chars_and_markup_in_the_description() {
        let mut m = good(Platform::YouTube);
        m.description = "Line one\r\nLine\ttwo\u{0}\n<script>alert('x')</script> a < b".to_string();
        let p = validate(&m, MIN);
        assert!(p.contains(&Problem::new("description", "contains `<` or `>`")), "{p:?}");
        assert!(p.contains(&Problem::new("description", "contains a control character other than a line break")));
        let r = assert_valid_repair(m, MIN);
        assert_eq!(r.description, "Line one\nLine two\nalert('x') a  b");
    }

    #[test]
    fn ten_kilobyte_flood_is_repaired_on_every_platform() {
        let mut flood = String::new();
        while flood.len() < 10_240 {
            flood += "<div class=\"x\"><script>alert('hi')</script>🎉🎉🎉🔥🔥👨‍👩‍👧‍👦🇨🇳 great video <<>> \u{1}\t";
            flood += &"😂".repeat(40);
            flood += "\n";
        }
        for p in ALL {
            let mut m = good(p);
            m.description = flood.clone();
            m.titles[0] = "🎉".repeat(150);
            let problems = validate(&m, MIN);
            assert!(fields(&problems).contains(&"description"), "{p:?}");
            let r = assert_valid_repair(m, MIN);
            let lim = limits(p);
            assert!(lim.description_unit.measure(&r.description) <= lim.description_len);
            assert!(!r.description.contains(['<', '>']) && !r.description.contains("script>"));
            assert!(!r.description.chars().any(|c| c.is_control() && c != '\n'));
            assert!(!r.description.ends_with('\u{200D}'), "an emoji sequence was split");
            assert!(r.titles[0].chars().all(|c| c == '🎉') && r.titles[0].chars().count() == lim.title_chars);
        }
    }

    #[test]
    fn cjk_description_is_cut_at_characters() {
        let text = "这是一个关于木工的视频，我们从零开始做一张桌子。".repeat(200); // 4800 characters, no spaces
        for p in ALL {
            let mut m = good(p);
            m.lang = Lang::Zh;
            m.description = text.clone();
            let r = fails_then_repairs(m, MIN, "description");
            let lim = limits(p);
            let joined = r.description.replace('\n', "");
            assert!(text.starts_with(&joined), "{p:?}: not a prefix split into lines");
            let n = lim.description_unit.measure(&r.description);
            // Cut at a character, not a word far back: within a few characters of the limit.
            assert!(n <= lim.description_len && n + 20 >= lim.description_len, "{p:?}: {n}");
        }
    }

    #[test]
    fn cut_respects_words_and_clusters() {
        assert_eq!(cut("hello world foo", 13, Unit::Chars), "hello world");
        assert_eq!(cut("hello world", 11, Unit::Chars), "hello world");
        assert_eq!(cut("abcdefghij", 4, Unit::Chars), "abcd");
        assert_eq!(cut("中文字幕", 3, Unit::Chars), "中文字");
        assert_eq!(cut("中文字幕", 7, Unit::Bytes), "中文");
        assert_eq!(cut("ab👨\u{200D}👩\u{200D}👧", 6, Unit::Chars), "ab");
        assert_eq!(cut("ok 👍🏽", 4, Unit::Chars), "ok");
        assert_eq!(cut("abcde\u{301}f", 5, Unit::Chars), "abcd");
        assert_eq!(cut("🇨🇳🇯🇵", 3, Unit::Chars), "🇨🇳");
        assert_eq!(cut("x", 0, Unit::Chars), "");
    }

    #[test]
    fn markup_is_stripped() {
        assert_eq!(strip_markup("a <b>bold</b> c"), "a bold c");
        assert_eq!(strip_markup("1 < 2 > 0"), "1  2  0");
        assert_eq!(strip_markup("<<script>>"), "");
        assert_eq!(strip_markup("<!-- note --> x"), " x");
        assert_eq!(strip_markup("<a href=\"x\"\nnext>"), "a href=\"x\"\nnext");
    }

    // --- tags ---

    #[test]
    fn bad_tags_are_cleaned() {
        let mut m = good(Platform::YouTube);
        m.tags = s(&["", "#diy", "wood,work", "diy", "DIY ", "<b>desk</b>", "bell\u{7}"]);
        let p = validate(&m, MIN);
        for (f, msg) in [
            ("tags[0]", "empty"),
            ("tags[1]", "contains `#` (tags go without it)"),
            ("tags[2]", "contains a comma (it would split the tag)"),
            ("tags[4]", "the same as tags[3]"),
            ("tags[5]", "contains `<` or `>`"),
            ("tags[6]", "contains a control character"),
        ] {
            assert!(p.contains(&Problem::new(f, msg)), "{f}: {msg} in {p:?}");
        }
        let r = assert_valid_repair(m, MIN);
        assert_eq!(r.tags, s(&["diy", "wood", "work", "desk", "bell"]));
    }

    #[test]
    fn a_600_character_tag() {
        for p in ALL {
            let mut m = good(p);
            m.tags = vec!["woodworking ".repeat(50)];
            let r = fails_then_repairs(m, MIN, "tags[0]");
            assert_eq!(r.tags.len(), 1);
            assert!(r.tags[0].chars().count() <= limits(p).tag_chars && r.tags[0].starts_with("woodworking"));
        }
    }

    #[test]
    fn tag_list_over_500_drops_from_the_end() {
        let mut m = good(Platform::YouTube);
        m.tags = (0..60).map(|i| format!("tag number {i}")).collect();
        let p = validate(&m, MIN);
        assert!(p.iter().any(|p| p.field == "tags" && p.message.contains("the limit is 500")), "{p:?}");
        let r = assert_valid_repair(m.clone(), MIN);
        assert!(youtube_tags_len(&r.tags) <= 500);
        assert_eq!(r.tags[..], m.tags[..r.tags.len()]);
        assert!(youtube_tags_len(&m.tags[..r.tags.len() + 1]) > 500, "dropped more than needed");
    }

    #[test]
    fn bilibili_tags() {
        let mut m = good(Platform::Bilibili);
        m.tags = (1..=13).map(|i| format!("标签{i}")).collect();
        let p = validate(&m, MIN);
        assert!(p.contains(&Problem::new("tags", "13 tags, the limit is 12")), "{p:?}");
        let r = assert_valid_repair(m.clone(), MIN);
        assert_eq!(r.tags, m.tags[..12]);
        m.tags = vec!["a".repeat(21)];
        let p = validate(&m, MIN);
        assert_eq!(p, vec![Problem::new("tags[0]", "21 characters, the limit is 20")]);
        m.platform = Platform::YouTube;
        assert_eq!(validate(&m, MIN), vec![]);
    }

    // --- hashtags ---

    #[test]
    fn bad_hashtags_are_cleaned() {
        let mut m = good(Platform::TikTok);
        m.hashtags = s(&["diy", "#", "#my tag", "#wow!", "#DIY", "#diy", "#<b>", "#中文_1"]);
        let p = validate(&m, MIN);
        for (f, msg) in [
            ("hashtags[0]", "does not start with `#`"),
            ("hashtags[1]", "nothing after `#`"),
            ("hashtags[2]", "only letters, digits and `_` may follow `#`"),
            ("hashtags[3]", "only letters, digits and `_` may follow `#`"),
            ("hashtags[5]", "the same as hashtags[4]"),
            ("hashtags[6]", "only letters, digits and `_` may follow `#`"),
        ] {
            assert!(p.contains(&Problem::new(f, msg)), "{f}: {msg} in {p:?}");
        }
        assert!(!fields(&p).contains(&"hashtags[7]"));
        let r = assert_valid_repair(m, MIN);
        assert_eq!(r.hashtags, s(&["#diy", "#mytag", "#wow", "#b", "#中文_1"]));
    }

    #[test]
    fn at_most_15_hashtags() {
        for p in ALL {
            let mut m = good(p);
            m.hashtags = (0..16).map(|i| format!("#tag{i}")).collect();
            let problems = validate(&m, MIN);
            assert!(problems.contains(&Problem::new("hashtags", "16 hashtags, the limit is 15")), "{problems:?}");
            let r = assert_valid_repair(m.clone(), MIN);
            assert_eq!(r.hashtags, m.hashtags[..15]);
        }
    }

    // --- chapters ---

    #[test]
    fn good_chapters_pass_and_none_is_fine() {
        let m = chaptered(Platform::YouTube);
        assert_eq!(validate(&m, 5 * MIN), vec![]);
        let mut hour = m.clone();
        hour.chapters.push(ch(3_600_000, "Late"));
        hour.description += "\n1:00:00 Late";
        assert_eq!(validate(&hour, 2 * 3_600_000), vec![]);
        // A video too short for chapters has none, with timestamps in its description or not.
        let mut short = good(Platform::YouTube);
        short.description = "0:00 whatever".to_string();
        assert_eq!(validate(&short, 5_000), vec![]);
    }

    #[test]
    fn first_chapter_not_at_zero() {
        let mut m = chaptered(Platform::YouTube);
        m.chapters[0].start_ms = 5_000;
        m.description = m.description.replace("0:00 Intro", "0:05 Intro");
        let p = validate(&m, 5 * MIN);
        assert!(p.contains(&Problem::new("chapters[0]", "starts at 0:05, the first chapter must start at 0:00")));
        let r = assert_valid_repair(m.clone(), 5 * MIN);
        assert_eq!(r.chapters[0], ch(0, "Intro"));
        // Far from the start, an intro chapter is added before it.
        m.chapters[0].start_ms = 20_000;
        let r = assert_valid_repair(m, 5 * MIN);
        assert_eq!(r.chapters, vec![ch(0, "Intro"), ch(20_000, "Intro"), ch(MIN, "Cutting"), ch(3 * MIN, "Finishing")]);
    }

    #[test]
    fn a_five_second_chapter() {
        let mut m = chaptered(Platform::YouTube);
        m.chapters.insert(2, ch(MIN + 5_000, "Oops"));
        m.description = "A walnut desk.\n\n0:00 Intro\n1:00 Cutting\n1:05 Oops\n3:00 Finishing".to_string();
        let p = validate(&m, 5 * MIN);
        assert_eq!(p, vec![Problem::new("chapters[1]", "5.0 s long, a chapter needs at least 10 s")]);
        let r = assert_valid_repair(m, 5 * MIN);
        assert_eq!(r.chapters, chaptered(Platform::YouTube).chapters);
        // The last one runs to the video's end.
        let m = chaptered(Platform::YouTube);
        let p = validate(&m, 3 * MIN + 9_000);
        assert_eq!(p, vec![Problem::new("chapters[2]", "9.0 s long, a chapter needs at least 10 s")]);
        let r = assert_valid_repair(m, 3 * MIN + 9_000);
        assert_eq!(r.chapters, vec![]);
    }

    #[test]
    fn two_chapters_are_too_few() {
        let mut m = chaptered(Platform::Bilibili);
        m.chapters.pop();
        m.description = "A walnut desk.\n\n0:00 Intro\n1:00 Cutting".to_string();
        let p = validate(&m, 5 * MIN);
        assert_eq!(p, vec![Problem::new("chapters", "2 chapters, at least 3 are needed (or none)")]);
        let r = assert_valid_repair(m, 5 * MIN);
        assert_eq!(r.chapters, vec![]);
        assert_eq!(r.description, "A walnut desk.", "stale chapter lines go with the chapters");
    }

    #[test]
    fn unsorted_chapters() {
        let mut m = chaptered(Platform::YouTube);
        m.chapters.swap(1, 2);
        m.description = "A walnut desk.\n\n0:00 Intro\n3:00 Finishing\n1:00 Cutting".to_string();
        let p = validate(&m, 5 * MIN);
        assert!(p.contains(&Problem::new("chapters[2]", "starts at 1:00, not after chapters[1] (3:00)")), "{p:?}");
        let r = assert_valid_repair(m, 5 * MIN);
        assert_eq!(r.chapters, chaptered(Platform::YouTube).chapters);
        assert_eq!(r.description, chaptered(Platform::YouTube).description);
    }

    #[test]
    fn chapters_past_the_end_and_bad_titles() {
        let mut m = chaptered(Platform::YouTube);
        m.chapters.push(ch(10 * MIN, "After"));
        m.description += "\n10:00 After";
        let p = validate(&m, 5 * MIN);
        assert!(p.contains(&Problem::new("chapters[3]", "starts at 10:00, not before the video's end (5:00)")));
        let r = assert_valid_repair(m, 5 * MIN);
        assert_eq!(r.chapters.len(), 3);

        let mut m = chaptered(Platform::YouTube);
        m.chapters[1].title = " ".to_string();
        m.chapters[2].title = format!("<i>{}</i>", "y".repeat(101));
        let p = validate(&m, 5 * MIN);
        assert!(p.contains(&Problem::new("chapters[1].title", "empty")), "{p:?}");
        assert!(p.contains(&Problem::new("chapters[2].title", "108 characters, the limit is 100")), "{p:?}");
        assert!(p.contains(&Problem::new("chapters[2].title", "contains `<` or `>`")), "{p:?}");
        let r = assert_valid_repair(m, 5 * MIN);
        assert_eq!(r.chapters, vec![]);
    }

    #[test]
    fn description_must_list_the_chapters() {
        let mut m = chaptered(Platform::YouTube);
        m.description = "A walnut desk.\n00:00 Old intro line\nSee you.".to_string();
        let p = validate(&m, 5 * MIN);
        assert_eq!(
            p,
            vec![Problem::new(
                "description",
                "does not list the chapters: timestamp line 1 starts with 00:00, chapters[0] starts at 0:00"
            )]
        );
        m.description = "A walnut desk.".to_string();
        let p = validate(&m, 5 * MIN);
        assert_eq!(
            p,
            vec![Problem::new("description", "does not list the chapters: no line starting with 0:00 for chapters[0]")]
        );
        m.description = "A walnut desk.\n00:00 Old intro line\nSee you.".to_string();
        let r = assert_valid_repair(m, 5 * MIN);
        assert_eq!(r.description, "A walnut desk.\nSee you.\n\n0:00 Intro\n1:00 Cutting\n3:00 Finishing");
        // An extra timestamp line is a chapter YouTube would make.
        let mut m = chaptered(Platform::YouTube);
        m.description += "\n4:00 Bonus";
        let p = validate(&m, 5 * MIN);
        assert_eq!(p, vec![Problem::new("description", "lists a chapter at 4:00 that is not in the chapters")]);
    }

    #[test]
    fn chapter_lines_fit_by_cutting_the_body() {
        let mut m = chaptered(Platform::YouTube);
        m.description = "word ".repeat(2000);
        let r = fails_then_repairs(m, 5 * MIN, "description");
        assert!(r.description.len() <= 5000);
        assert!(r.description.ends_with("\n\n0:00 Intro\n1:00 Cutting\n3:00 Finishing"));
        assert!(r.description.len() > 4900, "the body was cut further than needed");
    }

    #[test]
    fn too_many_chapters_for_the_description_are_merged() {
        let hours = 3 * 3_600_000;
        for p in ALL {
            let mut m = good(p);
            m.chapters =
                (0..1000).map(|i| ch(i * 10_000, &format!("Chapter {i} {}", "long title ".repeat(8)))).collect();
            let r = fails_then_repairs(m, hours, "description");
            assert!(r.chapters.len() >= 3 && r.chapters.len() < 1000, "{p:?}: {}", r.chapters.len());
            assert_eq!(r.chapters[0].start_ms, 0);
        }
    }

    // --- everything at once ---

    /// xorshift64*: a small deterministic generator.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n.max(1)
        }

        fn text(&mut self, pieces: u64) -> String {
            const PIECES: &[&str] = &[
                "word",
                "Hello",
                "WORLD",
                "SHOUTING",
                "desk",
                "a",
                "I",
                "9",
                " ",
                " ",
                "  ",
                "\n",
                "\n\n",
                "\t",
                "\r\n",
                "\r",
                "\u{0}",
                "\u{7}",
                "\u{85}",
                "<",
                ">",
                "<b>",
                "</b>",
                "<script>alert(1)</script>",
                "#",
                "#tag",
                ",",
                "_",
                ".",
                "!",
                "-",
                "🎉",
                "👨\u{200D}👩\u{200D}👧",
                "🇨🇳",
                "👍🏽",
                "中文",
                "视频剪辑",
                "e\u{301}",
                "0:00 ",
                "1:23 ",
                "01:30 ",
                "12:00:00 ",
                "\n0:00 Intro",
                "\n1:00 Next",
                "\u{3000}",
                "\u{2028}",
                "\u{200B}",
                "ß",
                "İ",
                "ÉCOLE",
                "supercalifragilisticexpialidocious",
            ];
            let n = self.below(pieces + 1);
            let mut s = String::new();
            for _ in 0..n {
                if self.below(8) == 0 {
                    // Any character at all, often ASCII or near the emoji.
                    let top = [0x80, 0x3000, 0x11_0000][self.below(3) as usize];
                    let c = char::from_u32(self.below(top) as u32).unwrap_or('\u{FFFD}');
                    s.push(if self.below(4) == 0 {
                        char::from_u32(0x1F300 + self.below(0x700) as u32).unwrap()
                    } else {
                        c
                    });
                } else {
                    s += PIECES[self.below(PIECES.len() as u64) as usize];
                }
            }
            s
        }

        fn list(&mut self, most: u64, pieces: u64) -> Vec<String> {
            let n = self.below(most + 1);
            (0..n).map(|_| if self.below(4) == 0 { self.text(pieces * 20) } else { self.text(pieces) }).collect()
        }
    }

    fn random_metadata(g: &mut Gen) -> (Metadata, u64) {
        let video_ms = match g.below(5) {
            0 => g.below(30_000),
            1 => g.below(10) * 3_600_000 + g.below(3_600_000),
            2 => u64::MAX - g.below(1000),
            _ => g.below(20 * MIN),
        };
        let chapters = match g.below(3) {
            0 => Vec::new(),
            1 => (0..g.below(12)).map(|_| ch(g.below(video_ms.saturating_add(20_000)), &g.text(6))).collect(),
            _ => {
                let mut t = g.below(3) * 4_000;
                (0..g.below(400))
                    .map(|_| {
                        let pieces = if g.below(3) == 0 { 80 } else { 5 };
                        let c = ch(t, &g.text(pieces));
                        t = t.saturating_add(g.below(120_000));
                        c
                    })
                    .collect()
            }
        };
        let pieces = if g.below(3) == 0 { 4000 } else { 60 };
        let description = g.text(pieces);
        let m = Metadata {
            platform: ALL[g.below(4) as usize],
            lang: if g.below(2) == 0 { Lang::En } else { Lang::Zh },
            titles: g.list(6, 12),
            description,
            chapters,
            tags: g.list(70, 4),
            hashtags: g.list(25, 3),
        };
        (m, video_ms)
    }

    #[test]
    fn repair_always_validates() {
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        for case in 0..600 {
            let (m, video_ms) = random_metadata(&mut g);
            let r = repair(m.clone(), video_ms);
            let problems = validate(&r, video_ms);
            assert!(problems.is_empty(), "case {case}: {problems:?}\ninput {m:?}\nrepaired {r:?}");
            assert_eq!(repair(r.clone(), video_ms), r, "case {case}: repair is not stable");
            let lim = limits(r.platform);
            let chapters = repair_chapters(&m.chapters, video_ms, m.lang, &lim);
            let (_, _, fell_back) =
                repair_description(&m.description, chapters, !m.chapters.is_empty(), &r.titles[0], video_ms, &lim);
            assert!(!fell_back, "case {case}: the description fell back\ninput {m:?}");
        }
    }
}
