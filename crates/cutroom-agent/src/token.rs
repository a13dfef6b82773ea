//! Tokens: a message becomes a flat list of concepts, numbers with units, quoted text and
//! separators. English is split into words and phrases; Chinese (which has no spaces) is
//! segmented by longest match against the vocabulary; numbers are read in digits, English
//! words and Chinese numerals alike ("2s", "two seconds", "两秒" are the same token).

use crate::lex::{L, en_phrase, en_plural, en_word, zh_name, zh_word};
use cutroom_timeline::Color;

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A known word or phrase.
    W(L),
    /// A bare number.
    Num(f64),
    /// A span of time, ms.
    Dur(u64),
    /// A fraction given as a percentage (30% → 0.3).
    Pct(f64),
    /// A multiplier ("2x", "两倍").
    Mul(f64),
    /// An ordinal, from 1; negative counts from the end (-1 = the last).
    Ord(i64),
    /// An aspect ratio ("9:16").
    Ratio(u32, u32),
    /// A frame size ("1080x1920").
    Size(u32, u32),
    /// An output resolution's short side ("1080p", "4K").
    Res(u32),
    /// Frames per second.
    Fps(u32),
    /// A colour written as hex.
    Hex(Color),
    /// Text the user quoted (or marked with "saying …").
    Quote(String),
    /// A file name or a word that may name media ("city.mp4" → "city").
    Name(String),
    /// A word not in the vocabulary.
    Unknown(String),
    /// End of a sentence (. ! ? ; newline).
    Stop,
    /// A comma.
    Comma,
}

/// A token and the char range of the message it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub t: Tok,
    pub at: usize,
    pub end: usize,
}

/// Units that follow numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Unit {
    Ms,
    Sec,
    Min,
    Frame,
    Pct,
    /// Tenths (Chinese 成).
    Tenth,
    Times,
    Fps,
    Count,
}

/// First-pass tokens, before numbers and units are joined.
#[derive(Clone, Debug, PartialEq)]
enum Raw {
    T(Tok),
    Unit(Unit),
    /// 第 (an ordinal follows).
    OrdMark,
    /// 倒数 (counting from the end).
    FromEnd,
    /// 百分之 (a percentage follows).
    PercentOf,
    /// "and a half" / 半 after a number.
    AndHalf,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Whether the message is mostly Chinese.
pub fn is_chinese(msg: &str) -> bool {
    let cjk = msg.chars().filter(|c| is_cjk(*c)).count();
    let latin = msg.chars().filter(|c| c.is_ascii_alphabetic()).count();
    cjk > 0 && cjk * 2 >= latin.min(cjk * 4)
}

/// Full-width forms and CJK punctuation to ASCII; ASCII to lower case. One char for one.
fn norm(c: char) -> char {
    let c = match c {
        '、' => ',',
        '。' => '.',
        '〜' => '~',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '—' | '–' => '-',
        _ => c,
    };
    c.to_ascii_lowercase()
}

const QUOTES: [(char, char); 8] =
    [('“', '”'), ('‘', '’'), ('「', '」'), ('『', '』'), ('《', '》'), ('«', '»'), ('"', '"'), ('\'', '\'')];

const MEDIA_EXT: [&str; 16] = [
    "mp4", "mov", "webm", "mkv", "avi", "m4v", "jpg", "jpeg", "png", "gif", "webp", "mp3", "wav", "m4a", "aac", "flac",
];

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '#' | '%' | '&' | '@' | '_')
}

/// Chars that may sit inside an ASCII word ("lo-fi", "9:16", "1.5", "don't", "city.mp4").
fn inner_char(c: char) -> bool {
    matches!(c, '.' | ':' | '-' | '\'' | '/' | '+')
}

/// Splits a message into tokens.
pub fn tokenize(msg: &str) -> Vec<Token> {
    let orig: Vec<char> = msg.chars().collect();
    let n: Vec<char> = orig.iter().map(|c| norm(*c)).collect();
    let mut raw: Vec<(Raw, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < n.len() {
        let c = n[i];
        if c.is_whitespace() {
            if c == '\n' {
                raw.push((Raw::T(Tok::Stop), i, i + 1));
            }
            i += 1;
            continue;
        }
        if let Some(close) = quote_close(&n, i) {
            let text: String = orig[i + 1..close].iter().collect();
            let text = text.trim().to_string();
            if !text.is_empty() {
                raw.push((Raw::T(Tok::Quote(text)), i, close + 1));
            }
            i = close + 1;
            continue;
        }
        if word_char(c) || (c == '.' && n.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            let mut j = i + 1;
            while j < n.len() && (word_char(n[j]) || (inner_char(n[j]) && n.get(j + 1).is_some_and(|x| word_char(*x))))
            {
                j += 1;
            }
            // A Latin letter written onto Chinese ("b站"): a Chinese word when one spans both.
            if n.get(j).is_some_and(|c| is_cjk(*c))
                && let Some((l, len)) = zh_word(&n[start..]).filter(|(_, len)| *len > j - start)
            {
                raw.push((Raw::T(Tok::W(l)), start, start + len));
                i = start + len;
                continue;
            }
            let word: String = n[start..j].iter().collect();
            raw.push((Raw::T(Tok::Unknown(word)), start, j));
            i = j;
            continue;
        }
        if is_cjk(c) {
            let start = i;
            let mut j = i;
            while j < n.len() && is_cjk(n[j]) {
                j += 1;
            }
            cjk_run(&n[start..j], start, &mut raw);
            i = j;
            continue;
        }
        match c {
            '.' | '!' | ';' | '\n' => raw.push((Raw::T(Tok::Stop), i, i + 1)),
            '?' => {
                raw.push((Raw::T(Tok::W(L::Question)), i, i + 1));
                raw.push((Raw::T(Tok::Stop), i, i + 1));
            }
            ',' => raw.push((Raw::T(Tok::Comma), i, i + 1)),
            ':' => raw.push((Raw::T(Tok::Unknown(":".into())), i, i + 1)),
            '~' => raw.push((Raw::T(Tok::W(L::Until)), i, i + 1)),
            '×' => raw.push((Raw::Unit(Unit::Times), i, i + 1)),
            _ => {}
        }
        i += 1;
    }
    let raw = english(raw);
    let toks = join_numbers(raw);
    literal_markers(toks, &orig)
}

/// Where the quote opened at `i` closes, if `n[i]` opens one.
fn quote_close(n: &[char], i: usize) -> Option<usize> {
    let c = n[i];
    let (_, close) = QUOTES.iter().find(|(o, _)| *o == c)?;
    if c == '\'' {
        // An apostrophe inside a word ("don't") is not a quote.
        let before = i.checked_sub(1).map(|k| n[k]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
    }
    let mut j = i + 1;
    while j < n.len() {
        if n[j] == *close {
            if *close == '\'' {
                let after = n.get(j + 1);
                if after.is_some_and(|a| a.is_ascii_alphanumeric()) {
                    j += 1;
                    continue;
                }
            }
            return (j > i + 1).then_some(j);
        }
        if n[j] == '\n' {
            return None;
        }
        j += 1;
    }
    None
}

/// Segments a run of CJK characters: vocabulary words, Chinese numerals and units.
fn cjk_run(run: &[char], offset: usize, out: &mut Vec<(Raw, usize, usize)>) {
    let mut k = 0;
    while k < run.len() {
        let at = offset + k;
        let rest = &run[k..];
        let after_ordinal = matches!(out.last(), Some((Raw::OrdMark, _, _)));
        let (num, num_len) = zh_number(rest);
        if let Some((raw, len)) = zh_special(rest)
            && (num_len <= len || !after_ordinal)
        {
            out.push((raw, at, at + len));
            k += len;
            continue;
        }
        let word = zh_word(rest);
        let word_len = word.map_or(0, |(_, l)| l);
        if let Some((name, len)) = zh_name(rest)
            && len > word_len
            && len >= num_len
        {
            out.push((Raw::T(Tok::Name(name.to_string())), at, at + len));
            k += len;
            continue;
        }
        if num_len > 0 && (num_len >= word_len || after_ordinal) {
            out.push((Raw::T(Tok::Num(num)), at, at + num_len));
            k += num_len;
            // 两成 = 20%: 成 right after a numeral counts tenths.
            if run.get(k) == Some(&'成') && !after_ordinal {
                out.push((Raw::Unit(Unit::Tenth), at + num_len, at + num_len + 1));
                k += 1;
            }
            continue;
        }
        if let Some((l, len)) = word {
            out.push((Raw::T(Tok::W(l)), at, at + len));
            k += len;
            continue;
        }
        out.push((Raw::T(Tok::Unknown(rest[0].to_string())), at, at + 1));
        k += 1;
    }
}

/// Chinese units and number markers.
fn zh_special(s: &[char]) -> Option<(Raw, usize)> {
    const TABLE: [(&str, Raw); 17] = [
        ("百分之", Raw::PercentOf),
        ("倒数", Raw::FromEnd),
        ("第", Raw::OrdMark),
        ("毫秒", Raw::Unit(Unit::Ms)),
        ("秒钟", Raw::Unit(Unit::Sec)),
        ("秒", Raw::Unit(Unit::Sec)),
        ("分钟", Raw::Unit(Unit::Min)),
        ("帧", Raw::Unit(Unit::Frame)),
        ("倍速", Raw::Unit(Unit::Times)),
        ("倍", Raw::Unit(Unit::Times)),
        ("个", Raw::Unit(Unit::Count)),
        ("张", Raw::Unit(Unit::Count)),
        ("首", Raw::Unit(Unit::Count)),
        ("条", Raw::Unit(Unit::Count)),
        ("次", Raw::Unit(Unit::Count)),
        ("步", Raw::Unit(Unit::Count)),
        ("半", Raw::AndHalf),
    ];
    let text: String = s.iter().take(3).collect();
    for (w, raw) in TABLE {
        if text.starts_with(w) {
            return Some((raw, w.chars().count()));
        }
    }
    None
}

/// A Chinese numeral at the start of `s`: its value and length (0 when there is none).
fn zh_number(s: &[char]) -> (f64, usize) {
    fn digit(c: char) -> Option<u64> {
        Some(match c {
            '零' | '〇' => 0,
            '一' => 1,
            '二' | '两' | '俩' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    }
    let mut total = 0u64;
    let mut current = 0u64;
    let mut len = 0;
    let mut seen = false;
    while len < s.len() {
        let c = s[len];
        if let Some(d) = digit(c) {
            current = current * 10 + d;
        } else {
            let unit = match c {
                '十' => 10,
                '百' => 100,
                '千' => 1000,
                _ => break,
            };
            if unit == 100 && len + 1 < s.len() && s[len + 1] == '分' {
                break; // 百分之
            }
            total += current.max(1) * unit;
            current = 0;
        }
        seen = true;
        len += 1;
    }
    if !seen {
        return (0.0, 0);
    }
    let mut value = (total + current) as f64;
    // 一点五 = 1.5 (but 一点 alone is "a bit").
    if len + 1 < s.len()
        && s[len] == '点'
        && let Some(d) = digit(s[len + 1])
    {
        let mut frac = String::from("0.");
        let mut k = len + 1;
        frac.push(char::from_digit(d as u32, 10).unwrap_or('0'));
        k += 1;
        while k < s.len() {
            match digit(s[k]) {
                Some(d) => frac.push(char::from_digit(d as u32, 10).unwrap_or('0')),
                None => break,
            }
            k += 1;
        }
        value += frac.parse::<f64>().unwrap_or(0.0);
        len = k;
    }
    (value, len)
}

const EN_NUMBERS: [(&str, f64); 32] = [
    ("zero", 0.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("hundred", 100.0),
    ("couple", 2.0),
    ("few", 3.0),
    ("dozen", 12.0),
];

const EN_ORDINALS: [(&str, i64); 10] = [
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("penultimate", -2),
];

fn en_unit(w: &str) -> Option<Unit> {
    Some(match w {
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => Unit::Ms,
        "s" | "sec" | "secs" | "second" | "seconds" | "sek" => Unit::Sec,
        "min" | "mins" | "minute" | "minutes" | "m" => Unit::Min,
        "frame" | "frames" | "f" => Unit::Frame,
        "%" | "percent" | "pct" | "per-cent" => Unit::Pct,
        "x" | "times" | "×" => Unit::Times,
        "fps" => Unit::Fps,
        _ => return None,
    })
}

fn number_word(w: &str) -> Option<f64> {
    EN_NUMBERS.iter().find(|(n, _)| *n == w).map(|(_, v)| *v)
}

/// Reads a word of digits and marks: "2", "2.5s", "500ms", "30%", "2x", "x2", "1080p",
/// "4k", "9:16", "0:05", "1080x1920", "#ff0000", "3rd", "20-second", "60fps".
fn digit_word(w: &str) -> Option<Vec<Raw>> {
    let t = |tok| Raw::T(tok);
    if let Some(hex) = w.strip_prefix('#')
        && hex.len() == 6
        && hex.chars().all(|c| c.is_ascii_hexdigit())
    {
        return w.parse::<Color>().ok().map(|c| vec![t(Tok::Hex(c))]);
    }
    if let Some(rest) = w.strip_prefix('x')
        && let Ok(v) = rest.parse::<f64>()
    {
        return Some(vec![t(Tok::Mul(v))]);
    }
    if let Some((a, b)) = w.split_once(':') {
        if let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) {
            let ratios = [(16, 9), (9, 16), (1, 1), (4, 5), (5, 4), (4, 3), (3, 4), (21, 9), (2, 3), (3, 2)];
            if ratios.contains(&(a, b)) {
                return Some(vec![t(Tok::Ratio(a, b))]);
            }
            if b < 60 {
                return Some(vec![t(Tok::Dur(u64::from(a) * 60_000 + u64::from(b) * 1000))]);
            }
        }
        return None;
    }
    if let Some((a, b)) = w.split_once('x')
        && let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>())
    {
        if a >= 100 && b >= 100 {
            return Some(vec![t(Tok::Size(a, b))]);
        }
        if [(16, 9), (9, 16), (1, 1), (4, 5), (4, 3), (3, 4)].contains(&(a, b)) {
            return Some(vec![t(Tok::Ratio(a, b))]);
        }
    }
    if let Some((a, b)) = w.split_once('-') {
        // "20-second", "10-sec"
        if let (Ok(v), Some(u)) = (a.parse::<f64>(), en_unit(b)) {
            return Some(vec![t(Tok::Num(v)), Raw::Unit(u)]);
        }
        return None;
    }
    let split = w.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(w.len());
    let (num, suffix) = w.split_at(split);
    if num.is_empty() || num == "." {
        return None;
    }
    let v: f64 = num.parse().ok()?;
    let out = match suffix {
        "" => vec![t(Tok::Num(v))],
        "p" => vec![t(Tok::Res(v as u32))],
        "k" if v <= 8.0 => vec![t(Tok::Res(if v >= 4.0 { 2160 } else { (v * 720.0) as u32 }))],
        "st" | "nd" | "rd" | "th" => vec![t(Tok::Ord(v as i64))],
        "d" if v == 3.0 => vec![t(Tok::W(L::Unsupported))],
        s => vec![t(Tok::Num(v)), Raw::Unit(en_unit(s)?)],
    };
    Some(out)
}

/// Reads English words: phrases, number words, units, ordinals and the vocabulary.
fn english(raw: Vec<(Raw, usize, usize)>) -> Vec<(Raw, usize, usize)> {
    let words: Vec<&str> = raw
        .iter()
        .map(|(r, _, _)| match r {
            Raw::T(Tok::Unknown(w)) => w.as_str(),
            _ => "",
        })
        .collect();
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let (r, at, end) = &raw[i];
        let w = words[i];
        if w.is_empty() || !w.chars().next().is_some_and(|c| c.is_ascii() && c != ':') {
            out.push((r.clone(), *at, *end));
            i += 1;
            continue;
        }
        // Phrases first ("fade to black", "background music").
        if let Some((l, len)) = en_phrase(&words, i) {
            out.push((Raw::T(Tok::W(l)), *at, raw[i + len - 1].2));
            i += len;
            continue;
        }
        // "the one before last", "last but one", "next to last": the second from the end.
        let second_last = match (w, words.get(i + 1).copied(), words.get(i + 2).copied(), words.get(i + 3).copied()) {
            ("one", Some("before"), Some("last"), _)
            | ("last", Some("but"), Some("one"), _)
            | ("next", Some("to"), Some("last"), _) => Some(3),
            ("one", Some("before"), Some("the"), Some("last")) => Some(4),
            _ => None,
        };
        if let Some(len) = second_last {
            out.push((Raw::T(Tok::Ord(-2)), *at, raw[i + len - 1].2));
            i += len;
            continue;
        }
        const DETERMINERS: [&str; 16] = [
            "a",
            "an",
            "the",
            "some",
            "my",
            "this",
            "that",
            "these",
            "those",
            "it",
            "them",
            "all",
            "every",
            "each",
            "both",
            "everything",
        ];
        let next_is_determiner = words.get(i + 1).is_some_and(|x| DETERMINERS.contains(x));
        // "ad a crossfade": a typo of "add" where a verb must stand (an advert takes no article after it).
        if w == "ad" && next_is_determiner {
            out.push((Raw::T(Tok::W(L::Add)), *at, *end));
            i += 1;
            continue;
        }
        // "slow the first clip": the adjective used as a verb.
        if w == "slow" && next_is_determiner {
            out.push((Raw::T(Tok::W(L::SlowDown)), *at, *end));
            i += 1;
            continue;
        }
        // "quarter volume", "a quarter of a second".
        if w == "quarter" {
            out.push((Raw::T(Tok::Num(0.25)), *at, *end));
            i += 1;
            if words.get(i) == Some(&"of")
                && words.get(i + 1).is_some_and(|x| matches!(*x, "a" | "an"))
                && words.get(i + 2).and_then(|x| en_unit(x)).is_some()
            {
                i += 2;
            }
            continue;
        }
        if let Some(v) = number_word(w) {
            // "twenty five", "one hundred"
            let mut v = v;
            let mut j = i + 1;
            while j < raw.len() {
                match number_word(words[j]) {
                    Some(100.0) => v *= 100.0,
                    Some(x) if x < 10.0 && v >= 20.0 && v % 10.0 == 0.0 => v += x,
                    _ => break,
                }
                j += 1;
            }
            // "a couple of seconds": skip "of"
            if matches!(w, "couple" | "few" | "dozen") && words.get(j) == Some(&"of") {
                j += 1;
            }
            out.push((Raw::T(Tok::Num(v)), *at, raw[j - 1].2));
            i = j;
            continue;
        }
        if matches!(w, "and" | "&") && words.get(i + 1) == Some(&"a") && words.get(i + 2) == Some(&"half") {
            out.push((Raw::AndHalf, *at, raw[i + 2].2));
            i += 3;
            continue;
        }
        if w == "half"
            && words.get(i + 1).is_some_and(|x| *x == "a" || *x == "an")
            && words.get(i + 2).and_then(|x| en_unit(x)).is_some()
        {
            out.push((Raw::T(Tok::Num(0.5)), *at, raw[i + 1].2));
            i += 2;
            continue;
        }
        if matches!(w, "a" | "an")
            && words.get(i + 1).and_then(|x| en_unit(x)).is_some_and(|u| matches!(u, Unit::Sec | Unit::Min))
            && !out.last().is_some_and(|(r, _, _)| matches!(r, Raw::T(Tok::Num(_))))
        {
            out.push((Raw::T(Tok::Num(1.0)), *at, *end));
            i += 1;
            continue;
        }
        if w == "twice" || w == "double" || w == "doubled" {
            out.push((Raw::T(Tok::Mul(2.0)), *at, *end));
            i += 1;
            continue;
        }
        if w == "triple" || w == "thrice" {
            out.push((Raw::T(Tok::Mul(3.0)), *at, *end));
            i += 1;
            continue;
        }
        if w == "once" {
            out.push((Raw::T(Tok::Num(1.0)), *at, *end));
            i += 1;
            continue;
        }
        let after_number = matches!(out.last(), Some((Raw::T(Tok::Num(_)), _, _)) | Some((Raw::AndHalf, _, _)));
        if let Some(u) = en_unit(w) {
            // A unit only right after a number ("2 seconds"; "the second clip" is an ordinal).
            let single_letter = w.len() == 1 && w != "%" && w != "x";
            if after_number && !(single_letter && matches!(u, Unit::Min | Unit::Frame)) {
                out.push((Raw::Unit(u), *at, *end));
                i += 1;
                continue;
            }
            if w == "%" {
                out.push((Raw::Unit(u), *at, *end));
                i += 1;
                continue;
            }
        }
        if let Some((_, n)) = EN_ORDINALS.iter().find(|(o, _)| *o == w) {
            // "second to last", "second last", "third from the end"
            let mut n = *n;
            let mut j = i + 1;
            if words.get(j) == Some(&"to") && words.get(j + 1) == Some(&"last") {
                n = -n;
                j += 2;
            } else if words.get(j) == Some(&"last") {
                n = -n;
                j += 1;
            } else if words.get(j) == Some(&"from")
                && matches!(words.get(j + 1), Some(&"last") | Some(&"the"))
                && (words.get(j + 1) == Some(&"last") || words.get(j + 2) == Some(&"end"))
            {
                n = -n;
                j += if words.get(j + 1) == Some(&"last") { 2 } else { 3 };
            }
            out.push((Raw::T(Tok::Ord(n)), *at, raw[j - 1].2));
            i = j;
            continue;
        }
        if (w.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '#' || c == '.')
            || (w.starts_with('x') && w[1..].parse::<f64>().is_ok()))
            && let Some(parts) = digit_word(w)
        {
            for p in parts {
                out.push((p, *at, *end));
            }
            i += 1;
            continue;
        }
        if let Some((stem, ext)) = w.rsplit_once('.')
            && MEDIA_EXT.contains(&ext)
            && !stem.is_empty()
        {
            out.push((Raw::T(Tok::Name(stem.to_string())), *at, *end));
            i += 1;
            continue;
        }
        match en_word(w) {
            Some(l) => {
                if en_plural(w) {
                    out.push((Raw::T(Tok::W(L::Plural)), *at, *at));
                }
                out.push((Raw::T(Tok::W(l)), *at, *end))
            }
            None => out.push((Raw::T(Tok::Name(w.to_string())), *at, *end)),
        }
        i += 1;
    }
    out
}

/// Joins numbers with their units and markers: "2" "seconds" → 2000 ms; 第 二 → 2nd.
fn join_numbers(raw: Vec<(Raw, usize, usize)>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(raw.len());
    let mut i = 0;
    let push = |out: &mut Vec<Token>, t: Tok, at: usize, end: usize| out.push(Token { t, at, end });
    while i < raw.len() {
        let (r, at, end) = (&raw[i].0, raw[i].1, raw[i].2);
        match r {
            Raw::FromEnd => {
                // 倒数第二(个) → -2
                let mut j = i + 1;
                if matches!(raw.get(j), Some((Raw::OrdMark, _, _))) {
                    j += 1;
                }
                if let Some((Raw::T(Tok::Num(v)), _, e)) = raw.get(j) {
                    let mut e = *e;
                    j += 1;
                    if matches!(raw.get(j), Some((Raw::Unit(Unit::Count), _, _))) {
                        e = raw[j].2;
                        j += 1;
                    }
                    push(&mut out, Tok::Ord(-(*v as i64)), at, e);
                    i = j;
                } else {
                    i += 1;
                }
            }
            Raw::OrdMark => {
                if let Some((Raw::T(Tok::Num(v)), _, e)) = raw.get(i + 1) {
                    let mut j = i + 2;
                    let mut e = *e;
                    match raw.get(j) {
                        // 第3秒: a moment, not an ordinal
                        Some((Raw::Unit(Unit::Sec), _, e2)) => {
                            push(&mut out, Tok::W(L::At), at, at + 1);
                            push(&mut out, Tok::Dur((*v * 1000.0).round() as u64), at + 1, *e2);
                            i = j + 1;
                            continue;
                        }
                        Some((Raw::Unit(Unit::Count), _, e2)) => {
                            e = *e2;
                            j += 1;
                        }
                        _ => {}
                    }
                    push(&mut out, Tok::Ord(*v as i64), at, e);
                    i = j;
                } else {
                    i += 1;
                }
            }
            Raw::PercentOf => {
                if let Some((Raw::T(Tok::Num(v)), _, e)) = raw.get(i + 1) {
                    push(&mut out, Tok::Pct(v / 100.0), at, *e);
                    i += 2;
                } else {
                    i += 1;
                }
            }
            Raw::T(Tok::Num(v)) => {
                let mut v = *v;
                let mut j = i + 1;
                if matches!(raw.get(j), Some((Raw::AndHalf, _, _))) {
                    v += 0.5;
                    j += 1;
                }
                match raw.get(j) {
                    Some((Raw::Unit(u), _, e)) => {
                        let mut e = *e;
                        let mut extra = 0.0;
                        let mut k = j + 1;
                        // 一秒半
                        if matches!(raw.get(k), Some((Raw::AndHalf, _, _))) {
                            extra = 0.5;
                            e = raw[k].2;
                            k += 1;
                        }
                        let tok = match u {
                            Unit::Ms => Tok::Dur((v + extra).round() as u64),
                            Unit::Sec => Tok::Dur(((v + extra) * 1000.0).round() as u64),
                            Unit::Min => Tok::Dur(((v + extra) * 60_000.0).round() as u64),
                            Unit::Frame if [12.0, 15.0, 24.0, 25.0, 30.0, 48.0, 50.0, 60.0, 120.0].contains(&v) => {
                                Tok::Fps(v as u32)
                            }
                            Unit::Frame => Tok::Dur((v * 1000.0 / 30.0).round() as u64),
                            Unit::Pct => Tok::Pct(v / 100.0),
                            Unit::Tenth => Tok::Pct((v + extra) / 10.0),
                            Unit::Times => Tok::Mul(v + extra),
                            Unit::Fps => Tok::Fps(v as u32),
                            Unit::Count => Tok::Num(v),
                        };
                        push(&mut out, tok, at, e);
                        i = k;
                    }
                    _ => {
                        // "三成" = 30%
                        push(&mut out, Tok::Num(v), at, raw[j - 1].2);
                        i = j;
                    }
                }
            }
            Raw::AndHalf => {
                // 半秒, half a second handled above; a lone 半 is "half".
                match raw.get(i + 1) {
                    Some((Raw::Unit(Unit::Sec), _, e)) => {
                        push(&mut out, Tok::Dur(500), at, *e);
                        i += 2;
                    }
                    _ => {
                        push(&mut out, Tok::W(L::Half), at, end);
                        i += 1;
                    }
                }
            }
            Raw::Unit(Unit::Times) => {
                // "x" alone, "倍" alone
                push(&mut out, Tok::W(L::Times), at, end);
                i += 1;
            }
            Raw::Unit(Unit::Pct) => {
                i += 1;
            }
            Raw::Unit(_) => {
                // A unit with no number: 秒 in "几秒", "个" as a counter word.
                i += 1;
            }
            Raw::T(t) => {
                push(&mut out, t.clone(), at, end);
                i += 1;
            }
        }
    }
    out
}

/// "saying Hello World", "that says …", "写着…", "title: Hello": the rest of the clause
/// (to the next stop or comma) is literal text, with the user's own capitals.
fn literal_markers(toks: Vec<Token>, orig: &[char]) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let tk = &toks[i];
        let colon_after_text = matches!(&tk.t, Tok::Unknown(s) if s == ":")
            && out.last().is_some_and(|p| {
                matches!(p.t, Tok::W(L::Title | L::Caption | L::Text | L::Cta | L::LowerThird | L::Saying))
            });
        let marker = matches!(tk.t, Tok::W(L::Saying)) || colon_after_text;
        if marker && !matches!(toks.get(i + 1).map(|t| &t.t), Some(Tok::Quote(_))) {
            let from = tk.end;
            let mut j = i + 1;
            while j < toks.len() && !matches!(toks[j].t, Tok::Stop | Tok::Comma) {
                j += 1;
            }
            let to = if j > i + 1 { toks[j - 1].end } else { from };
            let text: String = orig[from..to].iter().collect();
            let text = text.trim().trim_matches(|c: char| c == ':' || c == '：').trim().to_string();
            if !text.is_empty() {
                out.push(Token { t: Tok::Quote(text), at: tk.at, end: to });
                i = j;
                continue;
            }
        }
        if !matches!(&tk.t, Tok::Unknown(s) if s == ":") && !matches!(tk.t, Tok::W(L::Saying)) {
            out.push(tk.clone());
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cutroom_timeline::TransitionKind;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).into_iter().map(|t| t.t).collect()
    }

    #[test]
    fn english_numbers_and_units() {
        assert_eq!(toks("2s"), vec![Tok::Dur(2000)]);
        assert_eq!(toks("two seconds"), vec![Tok::Dur(2000)]);
        assert_eq!(toks("2.5 sec"), vec![Tok::Dur(2500)]);
        assert_eq!(toks("500ms"), vec![Tok::Dur(500)]);
        assert_eq!(toks("half a second"), vec![Tok::Dur(500)]);
        assert_eq!(toks("one and a half seconds"), vec![Tok::Dur(1500)]);
        assert_eq!(toks("a second"), vec![Tok::Dur(1000)]);
        assert_eq!(toks("twenty five percent"), vec![Tok::Pct(0.25)]);
        assert_eq!(toks("30%"), vec![Tok::Pct(0.3)]);
        assert_eq!(toks("2x"), vec![Tok::Mul(2.0)]);
        assert_eq!(toks("1.5 x"), vec![Tok::Mul(1.5)]);
        assert_eq!(toks("1080p"), vec![Tok::Res(1080)]);
        assert_eq!(toks("4K"), vec![Tok::Res(2160)]);
        assert_eq!(toks("9:16"), vec![Tok::Ratio(9, 16)]);
        assert_eq!(toks("0:05"), vec![Tok::Dur(5000)]);
        assert_eq!(toks("1080x1920"), vec![Tok::Size(1080, 1920)]);
        assert_eq!(toks("20-second"), vec![Tok::Dur(20_000)]);
        assert_eq!(toks("3rd"), vec![Tok::Ord(3)]);
        assert_eq!(toks("the second clip"), vec![Tok::W(L::Filler), Tok::Ord(2), Tok::W(L::Clip)]);
        assert_eq!(toks("second to last"), vec![Tok::Ord(-2)]);
        assert_eq!(toks("a couple of seconds"), vec![Tok::W(L::Filler), Tok::Dur(2000)]);
        assert_eq!(toks("60fps"), vec![Tok::Fps(60)]);
        assert_eq!(toks("the one before last"), vec![Tok::W(L::Filler), Tok::Ord(-2)]);
        assert_eq!(toks("last but one"), vec![Tok::Ord(-2)]);
        assert_eq!(toks("quarter volume"), vec![Tok::Num(0.25), Tok::W(L::Volume)]);
        assert_eq!(toks("a quarter of a second"), vec![Tok::W(L::Filler), Tok::Dur(250)]);
        assert_eq!(toks("ad a title"), vec![Tok::W(L::Add), Tok::W(L::Filler), Tok::W(L::Title)]);
        assert_eq!(
            toks("slow the first clip"),
            vec![Tok::W(L::SlowDown), Tok::W(L::Filler), Tok::W(L::First), Tok::W(L::Clip)]
        );
    }

    #[test]
    fn chinese_numbers_and_words() {
        assert_eq!(toks("两秒"), vec![Tok::Dur(2000)]);
        assert_eq!(toks("一点五秒"), vec![Tok::Dur(1500)]);
        assert_eq!(toks("半秒"), vec![Tok::Dur(500)]);
        assert_eq!(toks("一秒半"), vec![Tok::Dur(1500)]);
        assert_eq!(toks("百分之三十"), vec![Tok::Pct(0.3)]);
        assert_eq!(toks("两倍速"), vec![Tok::Mul(2.0)]);
        assert_eq!(toks("第二个镜头"), vec![Tok::Ord(2), Tok::W(L::Clip)]);
        assert_eq!(toks("第2个镜头"), vec![Tok::Ord(2), Tok::W(L::Clip)]);
        assert_eq!(toks("第一段"), vec![Tok::Ord(1), Tok::W(L::Clip)]);
        assert_eq!(toks("倒数第二个"), vec![Tok::Ord(-2)]);
        assert_eq!(toks("最后一个镜头"), vec![Tok::W(L::Last), Tok::Num(1.0), Tok::W(L::Clip)]);
        assert_eq!(toks("二十五"), vec![Tok::Num(25.0)]);
        assert_eq!(toks("一半"), vec![Tok::W(L::Half)]);
        assert_eq!(toks("小一点"), vec![Tok::W(L::Small)]);
        assert_eq!(toks("第3秒"), vec![Tok::W(L::At), Tok::Dur(3000)]);
        assert_eq!(toks("30%"), vec![Tok::Pct(0.3)]);
        assert_eq!(toks("两成"), vec![Tok::Pct(0.2)]);
        assert_eq!(toks("切成两段"), vec![Tok::W(L::Split), Tok::Num(2.0), Tok::W(L::Clip)]);
        assert_eq!(toks("B站"), vec![Tok::W(L::Platform(crate::lex::Plat::Bilibili))]);
        assert_eq!(toks("背景音乐小一点"), vec![Tok::W(L::Music), Tok::W(L::Small)]);
    }

    #[test]
    fn quotes_and_literals() {
        assert_eq!(
            toks("add a title 'Summer Sale'"),
            vec![Tok::W(L::Add), Tok::W(L::Filler), Tok::W(L::Title), Tok::Quote("Summer Sale".into())]
        );
        assert_eq!(toks("don't"), vec![Tok::W(L::Not)]);
        assert_eq!(toks("标题“夏日特卖”"), vec![Tok::W(L::Title), Tok::Quote("夏日特卖".into())]);
        assert_eq!(
            toks("add a caption saying Hello World, then export"),
            vec![
                Tok::W(L::Add),
                Tok::W(L::Filler),
                Tok::W(L::Caption),
                Tok::Quote("Hello World".into()),
                Tok::Comma,
                Tok::W(L::Then),
                Tok::W(L::Export)
            ]
        );
        assert_eq!(toks("title: Big News"), vec![Tok::W(L::Title), Tok::Quote("Big News".into())]);
        assert_eq!(toks("fade to black"), vec![Tok::W(L::TKind(TransitionKind::FadeBlack))]);
        assert_eq!(toks("city.mp4"), vec![Tok::Name("city".into())]);
        assert!(is_chinese("把第二个镜头删掉"));
        assert!(!is_chinese("make it vertical"));
    }
}
