//! The built-in metadata writer on drafts and analyses of known content: valid for every
//! platform, chapters at the edit points, the hint's words used, Chinese for Chinese,
//! something sensible from the picture alone, and valid whatever the hint.

use cutroom_analysis::Analysis;
use cutroom_meta::{Input, Lang, Metadata, Platform, generate, validate};
use cutroom_timeline::Draft;
use std::collections::HashMap;

const PLATFORMS: [Platform; 4] = [Platform::YouTube, Platform::TikTok, Platform::Instagram, Platform::Bilibili];

fn analysis(duration_ms: u64, night: bool, shots: &[u64]) -> Analysis {
    let shot = |i: usize, start: u64, end: u64| {
        serde_json::json!({
            "index": i, "start_ms": start, "end_ms": end, "score": 0.6, "motion": 0.05, "camera_motion": 0.0,
            "jitter": 0.0, "shaky": false, "sharpness": 0.8, "brightness": if night { 0.15 } else { 0.6 },
            "contrast": 0.3, "colorfulness": 0.3, "saturation": 0.4, "black": false, "palette": [],
            "keyframe_ms": start, "keyframe": null, "enters_by": null
        })
    };
    let mut bounds: Vec<u64> = vec![0];
    bounds.extend(shots);
    bounds.push(duration_ms);
    let shots: Vec<_> = bounds.windows(2).enumerate().map(|(i, w)| shot(i, w[0], w[1])).collect();
    serde_json::from_value(serde_json::json!({
        "version": 3, "duration_ms": duration_ms, "video": null, "shots": shots, "transitions": [], "audio": null,
        "tags": {
            "time_of_day": if night { "night" } else { "day" }, "setting": "outdoor", "warmth": "cool",
            "saturation": "natural", "pace": "fast", "cuts_per_minute": 12.0, "motion": 0.05,
            "words": ["night", "outdoor", "cool", "fast"]
        }
    }))
    .expect("an analysis")
}

/// Four clips of 15 s, a title over the start and a caption at 31 s.
fn draft() -> Draft {
    Draft::from_value(serde_json::json!({
        "t": [
            {"tt": 0, "sg": [
                {"src": "a", "start": 0, "in": 0, "d": 15000},
                {"src": "b", "start": 15000, "in": 0, "d": 15000},
                {"src": "c", "start": 30000, "in": 0, "d": 15000},
                {"src": "d", "start": 45000, "in": 0, "d": 15000}
            ]},
            {"tt": 7, "sg": [
                {"text": "Tokyo After Dark", "start": 0, "d": 3000},
                {"text": "Shibuya crossing", "start": 31000, "d": 3000}
            ]}
        ]
    }))
    .expect("a draft")
}

fn input<'a>(draft: &'a Draft, hint: Option<&'a str>, platform: Platform) -> Input<'a> {
    let analyses = ["a", "b", "c", "d"].iter().map(|id| (id.to_string(), analysis(15_000, true, &[]))).collect();
    let names = [("a", "tokyo_streets.mp4"), ("b", "neon-signs.mp4"), ("c", "crossing.mp4"), ("d", "train ride.mp4")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Input { platform, lang: None, hint, draft: Some(draft), analyses, names, captions: Vec::new(), seed: 1 }
}

fn all_text(m: &Metadata) -> String {
    format!("{} {} {} {}", m.titles.join(" "), m.description, m.tags.join(" "), m.hashtags.join(" "))
}

fn cjk_share(s: &str) -> f64 {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    let cjk = letters.iter().filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(*c)).count();
    cjk as f64 / letters.len().max(1) as f64
}

#[test]
fn every_platform_gets_valid_metadata() {
    let d = draft();
    for p in PLATFORMS {
        for hint in [None, Some("night walk through Tokyo"), Some("东京夜景漫步，霓虹灯和十字路口")] {
            let m = generate(&input(&d, hint, p));
            let problems = validate(&m, 60_000);
            assert!(problems.is_empty(), "{p:?} {hint:?}: {problems:?}\n{m:#?}");
            assert!(m.titles.len() >= 3 && !m.description.is_empty() && !m.tags.is_empty(), "{m:#?}");
        }
    }
}

#[test]
fn chapters_start_at_the_edit_points() {
    let d = draft();
    let m = generate(&input(&d, None, Platform::YouTube));
    let starts: Vec<u64> = m.chapters.iter().map(|c| c.start_ms).collect();
    assert_eq!(starts, vec![0, 15_000, 30_000, 45_000], "{m:#?}");
    assert!(m.description.contains("0:00 ") && m.description.contains("0:45 "), "{}", m.description);
    // Text on screen names its chapter.
    assert_eq!(m.chapters[2].title, "Shibuya crossing");
    // Shot changes inside one long clip are edit points too.
    let one = Draft::from_value(serde_json::json!({"t": [{"tt": 0, "sg": [{"src": "x", "d": 60000}]}]})).unwrap();
    let mut i = input(&one, None, Platform::YouTube);
    i.analyses = HashMap::from([("x".to_string(), analysis(60_000, false, &[4_000, 20_000, 41_000]))]);
    let m = generate(&i);
    let starts: Vec<u64> = m.chapters.iter().map(|c| c.start_ms).collect();
    assert_eq!(starts, vec![0, 20_000, 41_000], "{m:#?}");
    // Too short for chapters.
    let short = Draft::from_value(serde_json::json!({"t": [{"tt": 0, "sg": [{"src": "x", "d": 20000}]}]})).unwrap();
    let mut i = input(&short, None, Platform::YouTube);
    i.analyses = HashMap::from([("x".to_string(), analysis(20_000, false, &[10_000]))]);
    assert!(generate(&i).chapters.is_empty());
}

#[test]
fn the_hints_words_are_used() {
    let d = draft();
    let m = generate(&input(&d, Some("a review of the Fujifilm X100 camera in Kyoto"), Platform::YouTube));
    let tags = m.tags.join(" ").to_lowercase();
    let titles = m.titles.join(" ").to_lowercase();
    eprintln!("{m:#?}");
    for noun in ["fujifilm", "kyoto", "camera"] {
        assert!(tags.contains(noun), "tag {noun}: {tags}");
    }
    assert!(titles.contains("fujifilm") || titles.contains("kyoto"), "{titles}");
    // The draft's own title is strong evidence too.
    let m = generate(&input(&d, None, Platform::YouTube));
    assert!(all_text(&m).to_lowercase().contains("tokyo"), "{m:#?}");
}

#[test]
fn chinese_in_chinese_out() {
    let d = draft();
    let m = generate(&input(&d, Some("东京夜景漫步，霓虹灯和十字路口"), Platform::Bilibili));
    eprintln!("{m:#?}");
    assert_eq!(m.lang, Lang::Zh);
    let share = cjk_share(&format!("{} {}", m.titles.join(" "), m.description));
    assert!(share > 0.6, "CJK share {share:.2}: {m:#?}");
    assert!(m.titles.iter().all(|t| cjk_share(t) > 0.5), "{:?}", m.titles);
    // Asked for Chinese without a Chinese hint.
    let mut i = input(&d, None, Platform::YouTube);
    i.lang = Some(Lang::Zh);
    let m = generate(&i);
    assert!(cjk_share(&m.titles[0]) > 0.3 && m.chapters.iter().all(|c| !c.title.is_empty()), "{m:#?}");
}

#[test]
fn the_picture_alone_is_enough() {
    let d = Draft::from_value(serde_json::json!({"t": [{"tt": 0, "sg": [{"src": "x", "d": 40000}]}]})).unwrap();
    let i = Input {
        platform: Platform::YouTube,
        draft: Some(&d),
        analyses: HashMap::from([("x".to_string(), analysis(40_000, true, &[12_000, 26_000]))]),
        ..Input::default()
    };
    let m = generate(&i);
    eprintln!("{m:#?}");
    assert!(validate(&m, 40_000).is_empty());
    let text = all_text(&m).to_lowercase();
    assert!(text.contains("night") && text.contains("outdoor"), "{text}");
    assert!(m.titles.iter().all(|t| t.chars().count() >= 8), "{:?}", m.titles);
}

#[test]
fn hostile_hints_still_give_valid_output() {
    let d = draft();
    let long = "word ".repeat(2100);
    let html = "<script>alert('x')</script><b>bold</b> <a href='x'>link</a> & stuff".repeat(40);
    let emoji = "🔥🎉😀".repeat(1000);
    let tag = "x".repeat(600);
    let control = "night\u{0}\u{7}\u{1b}[31m city\r\n\t".repeat(50);
    for hint in [long.as_str(), html.as_str(), emoji.as_str(), tag.as_str(), control.as_str()] {
        for p in PLATFORMS {
            let m = generate(&input(&d, Some(hint), p));
            let problems = validate(&m, 60_000);
            assert!(problems.is_empty(), "{p:?} {}…: {problems:?}", hint.chars().take(20).collect::<String>());
            assert!(!all_text(&m).contains('<'), "{m:#?}");
        }
    }
}

#[test]
fn the_seed_picks_the_wording() {
    let d = draft();
    let mut i = input(&d, Some("night walk through Tokyo"), Platform::YouTube);
    let a = generate(&i);
    assert_eq!(a, generate(&i));
    i.seed = 2;
    let b = generate(&i);
    assert_ne!(a.titles[0], b.titles[0]);
}

#[test]
fn nothing_at_all_still_gives_three_titles() {
    let m = generate(&Input::default());
    assert!(m.titles.len() >= 3, "{m:#?}");
    assert!(validate(&m, 0).is_empty(), "{:?}", validate(&m, 0));
    let back: Metadata = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(back, m);
}
