//! Shows how the built-in planner reads a message: tokens, requests, intents, and the plan
//! it makes on a sample draft (three clips and a photo, a title, music).
//! Usage: cargo run -p cutroom-agent --example explain -- "make it vertical"
//! (`EXPLAIN_EMPTY=1`: on an empty draft with no media instead).

use cutroom_agent::clause::split;
use cutroom_agent::read::read;
use cutroom_agent::token::tokenize;
use cutroom_agent::{BuiltinPlanner, Context, MediaInfo, PlanInput, Planner};
use cutroom_timeline::{Draft, MediaKind, Ms};

fn media(id: &str, name: &str, kind: MediaKind, ms: Option<u64>) -> MediaInfo {
    MediaInfo {
        id: id.into(),
        name: name.into(),
        kind,
        duration: ms.map(Ms),
        has_audio: kind != MediaKind::Image,
        speech: false,
        generated: false,
    }
}

fn main() {
    let msg = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let toks = tokenize(&msg);
    println!("tokens: {:?}", toks.iter().map(|t| &t.t).collect::<Vec<_>>());
    let chars: Vec<char> = msg.chars().collect();
    for c in split(&toks) {
        println!("request: {:?} (borrowed {:?})", c.toks.iter().map(|t| &t.t).collect::<Vec<_>>(), c.borrowed);
        println!("  intents: {:?}", read(&c, &[], &chars));
    }
    let draft = Draft::from_value(serde_json::json!({
        "canvas": {"w": 1920, "h": 1080, "fps": 30},
        "t": [
            {"tt": 0, "sg": [
                {"src": "m1", "start": 0, "in": 0, "d": 4000, "m": {"name": "beach"}},
                {"src": "m2", "start": 4000, "in": 0, "d": 4000, "m": {"name": "city"}},
                {"src": "m3", "start": 8000, "in": 0, "d": 4000, "m": {"name": "forest"}},
                {"src": "m5", "start": 12000, "in": 0, "d": 3000, "m": {"name": "photo"}}
            ]},
            {"tt": 7, "m": {"role": "title"}, "sg": [{"start": 0, "d": 3000, "text": "Hello"}]},
            {"tt": 1, "m": {"role": "bgm"}, "sg": [{"src": "m4", "start": 0, "in": 0, "d": 15000, "volume": 0.35}]}
        ]
    }))
    .expect("sample draft");
    let media = [
        media("m1", "beach.mp4", MediaKind::Video, Some(10_000)),
        media("m2", "city.mp4", MediaKind::Video, Some(10_000)),
        media("m3", "forest.mp4", MediaKind::Video, Some(10_000)),
        media("m4", "song.mp3", MediaKind::Audio, Some(60_000)),
        media("m5", "photo.jpg", MediaKind::Image, None),
    ];
    let empty = std::env::var_os("EXPLAIN_EMPTY").is_some();
    let (draft, media) = if empty { (Draft::default(), &media[..0]) } else { (draft, &media[..]) };
    let context = Context::default();
    let plan =
        BuiltinPlanner.plan(&PlanInput { message: &msg, draft: &draft, media, language: None, context: &context });
    for s in &plan.steps {
        println!("step: {} {}", s.call.name(), s.call.args());
    }
    println!("reply: {}", plan.reply());
}
