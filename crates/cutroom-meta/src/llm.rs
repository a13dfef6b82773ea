//! Metadata from a language model, the pure parts: the chat messages that give the model
//! what the built-in writer knows (and its draft to improve on), and the reading of the
//! model's JSON answer into metadata that passes the same validator — repaired where it
//! can be, refused (so the built-in text is used) where it cannot.

use crate::generate::{descriptors, mostly_chinese, name_words};
use crate::validate::{limits, line_timestamp, repair, timestamp};
use crate::{Chapter, Input, Lang, Metadata, Platform};
use cutroom_timeline::TrackType;
use serde_json::{Value, json};

/// Most characters of each piece of the user's text put in the prompt.
const MAX_HINT: usize = 2_000;
const MAX_CAPTIONS: usize = 4_000;
const MAX_OVERLAYS: usize = 2_000;

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn platform_name(p: Platform) -> &'static str {
    match p {
        Platform::YouTube => "YouTube",
        Platform::TikTok => "TikTok",
        Platform::Instagram => "Instagram Reels",
        Platform::Bilibili => "Bilibili",
    }
}

/// The system and user messages asking for `builtin`'s fields, written better.
pub fn prompt(input: &Input, builtin: &Metadata) -> (String, String) {
    let lim = limits(builtin.platform);
    let language = match builtin.lang {
        Lang::En => "English",
        Lang::Zh => "Simplified Chinese",
    };
    let system = format!(
        "You write metadata for a video that will be posted on {platform}. Answer with one JSON object and \
         nothing else: {{\"titles\": [at least 3 distinct title options, best first, each at most {title} \
         characters, hook first, normal case, no clickbait capitals], \"description\": \"a description whose \
         first line works as a preview (at most {preview} characters), without HTML or the characters < and >\", \
         \"chapter_titles\": [one short title per chapter start given, in order], \"tags\": [up to 15 search \
         tags without #], \"hashtags\": [up to {hashtags} hashtags starting with #]}}. Write every text in \
         {language}. Describe only what the facts say; do not invent names, places or claims.",
        platform = platform_name(builtin.platform),
        title = lim.title_chars,
        preview = lim.preview_chars,
        hashtags = lim.max_hashtags,
    );
    let overlays: Vec<String> = input
        .draft
        .map(|d| {
            d.tracks_of(TrackType::Text)
                .flat_map(|t| d.t[t].sg.iter())
                .filter_map(|s| s.text.as_deref().map(str::trim).filter(|x| !x.is_empty()))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let names: Vec<String> = input.names.values().map(|n| name_words(n).trim().to_string()).collect();
    let facts = json!({
        "length_seconds": crate::generate::video_ms(input).div_ceil(1000),
        "user_hint": input.hint.map(|h| cut(h, MAX_HINT)),
        "text_on_screen": cut(&overlays.join(" | "), MAX_OVERLAYS),
        "captions": cut(&input.captions.join(" "), MAX_CAPTIONS),
        "file_names": names,
        "the_picture_looks": descriptors(input),
        "chapter_starts": builtin.chapters.iter().map(|c| timestamp(c.start_ms)).collect::<Vec<_>>(),
        "draft_to_improve": {
            "titles": builtin.titles,
            "description": builtin.description,
            "tags": builtin.tags,
            "hashtags": builtin.hashtags,
        },
    });
    (system, format!("Facts about the video:\n{facts}"))
}

/// The strings of a JSON array, or of a string split at `split`.
fn strings(v: &Value, split: &[char]) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().filter_map(Value::as_str).map(|s| s.trim().to_string()).collect(),
        Value::String(s) => s.split(split).map(|x| x.trim().to_string()).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect()
}

/// The JSON object in a model's answer (which may wrap it in a code fence or prose).
fn object(answer: &str) -> Result<serde_json::Map<String, Value>, String> {
    let (Some(a), Some(b)) = (answer.find('{'), answer.rfind('}')) else {
        return Err("the model's answer holds no JSON object".into());
    };
    match serde_json::from_str(&answer[a..=b.max(a)]) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err("the model's answer is not valid JSON".into()),
    }
}

/// Reads the model's answer. The chapters keep the built-in start times (the edit points)
/// and take the model's titles when it gave one per chapter; too few titles are made up
/// from the built-in ones; the result is repaired for the platform. An answer with no
/// titles or description, or in the wrong language, is an error.
pub fn read(answer: &str, builtin: &Metadata, video_ms: u64) -> Result<Metadata, String> {
    let o = object(answer)?;
    let mut titles = strings(o.get("titles").unwrap_or(&Value::Null), &['\n']);
    if titles.is_empty() {
        return Err("the model gave no titles".into());
    }
    // Chapter lines are written from the chapters, so the model's own are left out.
    let description = o
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .lines()
        .filter(|l| line_timestamp(l).is_none())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string();
    if description.is_empty() {
        return Err("the model gave no description".into());
    }
    let written = format!("{} {description}", titles.join(" "));
    if builtin.lang == Lang::Zh && !mostly_chinese(&written) {
        return Err("the model did not write in Chinese".into());
    }
    if builtin.lang == Lang::En && mostly_chinese(&written) {
        return Err("the model did not write in English".into());
    }
    for t in &builtin.titles {
        if titles.len() >= 3 {
            break;
        }
        if !titles.iter().any(|x| x.eq_ignore_ascii_case(t)) {
            titles.push(t.clone());
        }
    }
    let names = strings(o.get("chapter_titles").unwrap_or(&Value::Null), &['\n']);
    let chapters = if names.len() == builtin.chapters.len() {
        builtin.chapters.iter().zip(names).map(|(c, title)| Chapter { start_ms: c.start_ms, title }).collect()
    } else {
        builtin.chapters.clone()
    };
    let tags: Vec<String> = strings(o.get("tags").unwrap_or(&Value::Null), &[','])
        .into_iter()
        .map(|t| t.trim_start_matches('#').to_string())
        .collect();
    let hashtags = strings(o.get("hashtags").unwrap_or(&Value::Null), &[' ', ',', '\n'])
        .into_iter()
        .map(|h| if h.starts_with('#') { h } else { format!("#{h}") })
        .collect();
    Ok(repair(
        Metadata {
            platform: builtin.platform,
            lang: builtin.lang,
            titles,
            description,
            chapters,
            tags: if tags.is_empty() { builtin.tags.clone() } else { tags },
            hashtags,
        },
        video_ms,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::validate;

    fn builtin(lang: Lang, chapters: &[u64]) -> Metadata {
        Metadata {
            platform: Platform::YouTube,
            lang,
            titles: vec!["Harbour at Dawn".into(), "Harbour in 40 Seconds".into(), "This Is the Harbour".into()],
            description: "Harbour at Dawn — 40 seconds of harbour.".into(),
            chapters: chapters.iter().map(|&s| Chapter { start_ms: s, title: format!("Part {s}") }).collect(),
            tags: vec!["harbour".into(), "boats".into()],
            hashtags: vec!["#Harbour".into()],
        }
    }

    #[test]
    fn a_good_answer_is_read_and_keeps_the_edit_points() {
        let b = builtin(Lang::En, &[0, 12_000, 24_000]);
        let answer = r##"Sure! ```json
{"titles": ["Boats Wake Up", "The Harbour Before Sunrise", "Morning Light on the Water"],
 "description": "Fishing boats leave the harbour at first light.\n0:00 Intro\n0:12 Boats\nFilmed on a quiet morning.",
 "chapter_titles": ["Quiet water", "Boats leave", "Open sea"],
 "tags": ["harbour", "fishing boats", "#dawn"], "hashtags": ["Harbour", "#Dawn"]}
```"##;
        let m = read(answer, &b, 40_000).unwrap();
        assert_eq!(m.titles[0], "Boats Wake Up");
        assert_eq!(m.chapters.iter().map(|c| c.start_ms).collect::<Vec<_>>(), vec![0, 12_000, 24_000]);
        assert_eq!(m.chapters[2].title, "Open sea");
        assert!(m.description.starts_with("Fishing boats leave"), "{}", m.description);
        assert!(
            m.description.contains("0:24 Open sea") && !m.description.contains("0:12 Boats\n"),
            "{}",
            m.description
        );
        assert_eq!(m.tags, vec!["harbour", "fishing boats", "dawn"]);
        assert_eq!(m.hashtags, vec!["#Harbour", "#Dawn"]);
        assert!(validate(&m, 40_000).is_empty(), "{:?}", validate(&m, 40_000));
    }

    #[test]
    fn a_hostile_answer_is_repaired() {
        let b = builtin(Lang::En, &[]);
        let long = "x".repeat(600);
        let answer = json!({
            "titles": ["<script>alert(1)</script>BOATS BOATS BOATS", "boats boats boats"],
            "description": format!("<b>Click</b> here\u{0007} {}", "🎉".repeat(3000)),
            "tags": [long, "ok"], "hashtags": (0..40).map(|i| format!("#t{i}")).collect::<Vec<_>>(),
        })
        .to_string();
        let m = read(&answer, &b, 40_000).unwrap();
        assert!(validate(&m, 40_000).is_empty(), "{:?}", validate(&m, 40_000));
        assert!(m.titles.len() >= 3 && m.titles.iter().all(|t| !t.contains('<')), "{:?}", m.titles);
        assert!(m.hashtags.len() <= 15);
    }

    #[test]
    fn unusable_answers_are_errors() {
        let en = builtin(Lang::En, &[]);
        let zh = builtin(Lang::Zh, &[]);
        assert!(read("I cannot help with that.", &en, 10_000).unwrap_err().contains("no JSON"));
        assert!(read("{titles: [}", &en, 10_000).unwrap_err().contains("not valid JSON"));
        assert!(read(r#"{"description": "x"}"#, &en, 10_000).unwrap_err().contains("no titles"));
        assert!(read(r#"{"titles": ["A"]}"#, &en, 10_000).unwrap_err().contains("no description"));
        let english = r#"{"titles": ["Harbour"], "description": "Boats at dawn."}"#;
        assert!(read(english, &zh, 10_000).unwrap_err().contains("Chinese"));
        let chinese = r#"{"titles": ["清晨的港口"], "description": "渔船在黎明出海。"}"#;
        assert_eq!(read(chinese, &zh, 10_000).unwrap().titles[0], "清晨的港口");
        assert!(read(chinese, &en, 10_000).unwrap_err().contains("English"));
    }

    #[test]
    fn the_prompt_carries_the_facts_and_the_limits() {
        let input = Input {
            hint: Some("harbour at dawn"),
            captions: vec!["The boats leave at five".into()],
            names: [("m1".to_string(), "harbour_dawn.mp4".to_string())].into(),
            ..Input::default()
        };
        let (system, user) = prompt(&input, &builtin(Lang::Zh, &[0, 12_000, 24_000]));
        assert!(system.contains("YouTube") && system.contains("100 characters") && system.contains("Chinese"));
        assert!(
            user.contains("harbour at dawn") && user.contains("boats leave at five") && user.contains("harbour dawn")
        );
        assert!(user.contains(r#""chapter_starts":["0:00","0:12","0:24"]"#), "{user}");
    }
}
