//! Agent benchmark:
//! 1. the built-in planner's latency per message, over every instruction of the corpus
//!    (English and Chinese), planned against a three-clip draft with a title and music
//!    (target: p99 < 5 ms);
//! 2. time to the first event of `/run_sse` on a real `cutroom serve` on loopback, for
//!    edits, status and undo (target: < 50 ms).
//!
//! Usage: bench/agent.sh

use cutroom_agent::{BuiltinPlanner, Context, MediaInfo, PlanInput, Planner};
use cutroom_media::synth::{Synth, synthesize};
use cutroom_testkit::api::ServeProcess;
use cutroom_timeline::{Draft, MediaKind, Ms};
use futures_util::StreamExt;
use std::path::Path;
use std::time::Instant;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn media(id: &str, name: &str, kind: MediaKind, ms: u64) -> MediaInfo {
    MediaInfo {
        id: id.into(),
        name: name.into(),
        kind,
        duration: Some(Ms(ms)),
        has_audio: kind != MediaKind::Image,
        speech: false,
        generated: false,
    }
}

/// A working draft: three clips, a title, music under it all.
fn draft() -> Draft {
    Draft::from_value(serde_json::json!({
        "canvas": {"w": 1920, "h": 1080, "fps": 30},
        "t": [
            {"tt": 0, "sg": [
                {"src": "m1", "start": 0, "in": 0, "d": 4000, "m": {"name": "beach"}},
                {"src": "m2", "start": 4000, "in": 0, "d": 4000, "m": {"name": "city"}},
                {"src": "m3", "start": 8000, "in": 0, "d": 4000, "m": {"name": "forest"}}
            ]},
            {"tt": 7, "m": {"role": "title"}, "sg": [{"start": 0, "d": 3000, "text": "Hello"}]},
            {"tt": 1, "m": {"role": "bgm"}, "sg": [{"src": "m4", "start": 0, "in": 0, "d": 12000, "volume": 0.35}]}
        ]
    }))
    .expect("bench draft")
}

/// Every instruction in the corpus files.
fn messages() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/cutroom-agent/corpus");
    let mut out = Vec::new();
    for f in ["tune.jsonl", "tune_b.jsonl", "held_out.jsonl"] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap_or_default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("corpus line");
            out.extend(v["before"].as_array().into_iter().flatten().filter_map(|b| b.as_str().map(String::from)));
            out.extend(v["say"].as_str().map(String::from));
        }
    }
    out
}

fn planner_latency() -> f64 {
    let draft = draft();
    let media = [
        media("m1", "beach.mp4", MediaKind::Video, 10_000),
        media("m2", "city.mp4", MediaKind::Video, 10_000),
        media("m3", "forest.mp4", MediaKind::Video, 10_000),
        media("m4", "song.mp3", MediaKind::Audio, 60_000),
    ];
    let context = Context::default();
    let msgs = messages();
    assert!(msgs.len() >= 300, "the corpus is there");
    let mut lat = Vec::new();
    let mut steps = 0usize;
    for round in 0..20 {
        for m in &msgs {
            let input = PlanInput { message: m, draft: &draft, media: &media, language: None, context: &context };
            let started = Instant::now();
            let plan = BuiltinPlanner.plan(&input);
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            if round > 0 {
                lat.push(ms);
                steps += plan.steps.len();
            }
        }
    }
    lat.sort_by(f64::total_cmp);
    let (p50, p99, max) = (percentile(&lat, 0.5), percentile(&lat, 0.99), lat[lat.len() - 1]);
    println!(
        "planner: {} messages × 19 rounds, {:.1} tool calls per message: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({:.0} messages/s on one core)",
        msgs.len(),
        steps as f64 / lat.len() as f64,
        p50,
        p99,
        max,
        1000.0 / (lat.iter().sum::<f64>() / lat.len() as f64)
    );
    p99
}

async fn first_event(bin: &Path, work: &Path) -> f64 {
    let clip = work.join("clip.mp4");
    let tone = Some("sine=frequency=440:sample_rate=48000");
    synthesize(&Synth { video: Some("testsrc2=s=320x180:r=30"), audio: tone, secs: 2.0 }, &clip).unwrap();
    let env = [("CUTROOM_LOG", "error"), ("CUTROOM_RATE_LIMIT", "100000000")];
    let server = ServeProcess::start(bin, &work.join("data"), &env);
    let api = &server.api;
    api.ready().await;
    let t = api.token().await;
    let sid = api.session(&t).await;
    let bytes = std::fs::read(&clip).unwrap();
    let (code, _) = api.upload(&t, &sid, &[("a.mp4", bytes.clone()), ("b.mp4", bytes)]).await;
    assert_eq!(code, 200);
    let messages = ["make it vertical", "status", "add a title 'Hello'", "undo", "swap the clips", "把音量调小一点"];
    let mut lat = Vec::new();
    for round in 0..40 {
        for m in messages {
            let started = Instant::now();
            let r = api.message(&t, &sid, m).await;
            assert_eq!(r.status().as_u16(), 200);
            let mut body = r.bytes_stream();
            let mut seen = String::new();
            // Until the first `data:` line (heartbeats are comments).
            while let Some(chunk) = body.next().await {
                seen.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
                if seen.contains("data:") {
                    break;
                }
            }
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            // Read the rest so the turn is over before the next message.
            while body.next().await.is_some() {}
            if round > 0 {
                lat.push(ms);
            }
        }
    }
    server.stop().unwrap();
    lat.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
    println!("run_sse first event: {} turns: p50 {p50:.2} ms, p99 {p99:.2} ms", lat.len());
    p99
}

#[tokio::main]
async fn main() {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().join("cutroom");
    let work = exe.parent().unwrap().join("bench-agent");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let planner = planner_latency();
    let first = first_event(&bin, &work).await;
    println!();
    println!(
        "targets: planner p99 < 5 ms ({planner:.3} ms, {:.0}% of the target); first event p99 < 50 ms ({first:.2} ms, {:.0}% of the target)",
        planner / 5.0 * 100.0,
        first / 50.0 * 100.0
    );
}
