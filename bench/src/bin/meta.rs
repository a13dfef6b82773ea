//! Metadata benchmark: the built-in writer on a 2-minute video (a draft of 24 clips with
//! titles and captions, each clip analysed beforehand — analysis is not timed), for every
//! platform in both languages; the median time per call against the 50 ms target.

use cutroom_meta::{Input, Lang, Platform, generate, validate};
use std::collections::HashMap;
use std::time::Instant;

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200).max(1);
    // A 2-minute source with a cut every 5 s, analysed once (not timed).
    let graph = (0..24)
        .map(|i| {
            format!(
                "color=c=0x{:06x}:s=320x180:r=30,trim=duration=5,setpts=PTS-STARTPTS[v{i}]",
                (i * 0x0a3b5c) % 0xffffff
            )
        })
        .collect::<Vec<_>>()
        .join(";")
        + ";"
        + &(0..24).map(|i| format!("[v{i}]")).collect::<String>()
        + "concat=n=24[out0]";
    let clip = cutroom_testkit::fixture("bench-meta-2min.mp4", Some(&graph), Some("sine=f=220"), 120.0);
    let t = Instant::now();
    let analysis = cutroom_analysis::analyze(&clip, &cutroom_analysis::Options::default()).expect("analysis");
    println!(
        "analysed the 2-minute source in {:.1} s ({} shots; not part of the timing)",
        t.elapsed().as_secs_f64(),
        analysis.shots.len()
    );
    let mut segs = Vec::new();
    let mut texts = Vec::new();
    for i in 0..24u64 {
        segs.push(serde_json::json!({"src": "clip", "start": i * 5000, "in": i * 5000, "d": 5000}));
        if i % 6 == 0 {
            texts.push(serde_json::json!({"text": format!("Part {} of the city walk", i / 6 + 1), "start": i * 5000 + 500, "d": 2000}));
        }
    }
    let draft =
        cutroom_timeline::Draft::from_value(serde_json::json!({"t": [{"tt": 0, "sg": segs}, {"tt": 7, "sg": texts}]}))
            .expect("a draft");
    let captions: Vec<String> =
        (0..40).map(|i| format!("line {i}: walking through the old town market at dusk")).collect();
    let mut all = Vec::new();
    for platform in [Platform::YouTube, Platform::TikTok, Platform::Instagram, Platform::Bilibili] {
        for (lang, hint) in
            [(Lang::En, "a slow city walk through Lisbon's old town"), (Lang::Zh, "里斯本老城区的城市漫步")]
        {
            let input = Input {
                platform,
                lang: Some(lang),
                hint: Some(hint),
                draft: Some(&draft),
                analyses: HashMap::from([("clip".to_string(), analysis.clone())]),
                names: HashMap::from([("clip".to_string(), "lisbon_walk_2min.mp4".to_string())]),
                captions: captions.clone(),
                seed: 7,
            };
            let mut times = Vec::new();
            let mut last = None;
            for _ in 0..runs {
                let t = Instant::now();
                last = Some(generate(&input));
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(f64::total_cmp);
            let m = last.expect("metadata");
            assert!(validate(&m, 120_000).is_empty(), "valid");
            println!(
                "{platform:?} {lang:?}: median {:.3} ms, max {:.3} ms — {} titles, {} chapters, {} tags, {} hashtags",
                times[runs / 2],
                times[runs - 1],
                m.titles.len(),
                m.chapters.len(),
                m.tags.len(),
                m.hashtags.len()
            );
            all.extend(times);
        }
    }
    all.sort_by(f64::total_cmp);
    let median = all[all.len() / 2];
    println!(
        "all platforms and languages: median {median:.3} ms, ratio to the 50 ms target {:.4}  {}",
        median / 50.0,
        if median < 50.0 { "ok" } else { "MISSED" }
    );
}
