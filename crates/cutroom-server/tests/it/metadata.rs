//! Metadata through the agent over HTTP: titles, a description with chapters and tags for
//! an uploaded clip, kept as generated media, set on the draft and carried in the exported
//! MP4's container tags; in Chinese for a Chinese request.

use super::agent::{calls, export, last_text};
use super::*;
use std::sync::Mutex;

#[tokio::test]
async fn titles_and_tags_land_in_the_draft_and_the_exported_file() {
    let s = Server::start().await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let part = |c: &str, tag: &str| format!("color=c={c}:s=320x180:r=30,trim=duration=12,setpts=PTS-STARTPTS[{tag}]");
    let graph = format!("{};{};{};[r][g][b]concat=n=3[out0]", part("red", "r"), part("lime", "g"), part("blue", "b"));
    let clip = cutroom_testkit::fixture("api-meta-36s.mp4", Some(&graph), Some("sine=f=330"), 36.0);
    let (code, up) = s.upload(&t, &sid, &[("lisbon_walk.mp4", bytes(&clip))]).await;
    assert_eq!(code, 200, "{up}");
    let ev = s.say(&t, &sid, "write me a title, description and tags for youtube").await;
    let reply = last_text(&ev);
    assert_eq!(calls(&ev).last().map(String::as_str), Some("metadata"), "{reply}");
    assert!(reply.contains("Title options") && reply.contains("\n1. ") && reply.contains("3 chapters"), "{reply}");
    let st = s.state(&t, &sid).await;
    let m = &st["state"]["draft"]["m"];
    let title = m["title"].as_str().expect("a title on the draft").to_string();
    assert!(title.to_lowercase().contains("lisbon"), "{m}");
    assert!(m["description"].as_str().unwrap().contains("0:12"), "{m}");
    let generated = st["state"]["generated_media"].to_string();
    assert!(generated.contains("metadata") && generated.contains("chapters"), "{generated}");
    assert_eq!(s.balance(&t).await["available"], json!(98));

    let out = export(&s, &t, &sid, "export 360p", "meta.mp4").await;
    let probe = cutroom_process::Command::tool(cutroom_process::Tool::Ffprobe)
        .unwrap()
        .args(["-v", "error", "-show_entries", "format_tags", "-of", "json"])
        .arg(&out)
        .run()
        .unwrap();
    let tags = String::from_utf8_lossy(&probe.stdout).to_string();
    assert!(tags.contains(&title) && tags.to_lowercase().contains("lisbon, walk"), "{tags}");

    let ev = s.say(&t, &sid, "帮我写几个B站的标题和标签").await;
    let reply = last_text(&ev);
    assert!(reply.contains("标题候选"), "{reply}");
    let st = s.state(&t, &sid).await;
    let zh = st["state"]["draft"]["m"]["title"].as_str().unwrap().to_string();
    assert!(zh.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)), "{zh}");
    s.stop().await;
}

/// A 12 s grey clip with a tone, under a name that says nothing.
fn plain_clip() -> Vec<u8> {
    bytes(&cutroom_testkit::fixture(
        "api-meta-plain-12s.mp4",
        Some("color=c=gray:s=320x180:r=30"),
        Some("sine=f=440"),
        12.0,
    ))
}

#[tokio::test]
async fn uploaded_subtitles_feed_the_metadata() {
    let s = Server::start().await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let srt = "1\r\n00:00:00,500 --> 00:00:03,000\r\nThe fishing boats leave the harbour\r\n\r\n2\r\n00:00:04,000 --> 00:00:08,000\r\n<i>Fishing</i> boats &amp; gulls at the harbour <script>x</script>\r\n\r\n";
    let (code, up) = s.upload(&t, &sid, &[("clip.mp4", plain_clip()), ("notes.srt", srt.as_bytes().to_vec())]).await;
    assert_eq!(code, 200, "{up}");
    let subs = &up["data"]["media"][1];
    assert_eq!((subs["kind"].as_str(), subs["format"].as_str()), (Some("captions"), Some("srt")), "{up}");
    assert_eq!(subs["duration_ms"], json!(8000), "{up}");
    // A file named .vtt that is not one is refused by its content, with the accepted types.
    let (code, bad) = s.upload(&t, &sid, &[("fake.vtt", b"WEBVTT\n\nno cues here".to_vec())]).await;
    assert_eq!((code, bad["code"].as_i64()), (415, Some(4001)), "{bad}");
    assert!(bad["message"].as_str().unwrap().contains("srt, vtt"), "{bad}");

    let ev = s.say(&t, &sid, "write a title, description and tags for youtube").await;
    assert_eq!(calls(&ev).last().map(String::as_str), Some("metadata"), "{}", last_text(&ev));
    let st = s.state(&t, &sid).await;
    let m = &st["state"]["draft"]["m"];
    let words = format!("{} {}", m["title"], m["keywords"]).to_lowercase();
    assert!(words.contains("fishing") && words.contains("harbour"), "{m}");
    assert!(!m.to_string().contains('<'), "{m}");
    // Only the clip is on the timeline; the subtitles' analysis is their cues.
    assert_eq!(st["state"]["draft"]["t"][0]["sg"].as_array().unwrap().len(), 1);
    let mut cues = Value::Null;
    for _ in 0..100 {
        let st = s.state(&t, &sid).await;
        let infos = st["state"]["video_infos"].as_array().cloned().unwrap_or_default();
        let subs = infos.into_iter().find(|m| m["kind"] == "captions").expect("the subtitles");
        if subs["analysis_status"] == "ready" {
            cues = subs["analysis"]["cues"].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(cues[1]["text"], json!("Fishing boats & gulls at the harbour x"), "{cues}");
    s.stop().await;
}

/// A stand-in for an operator's OpenAI-compatible model: planning requests (with tools)
/// get `plan_status`; metadata requests (asking for JSON) get `metadata` as the message
/// content. Every request body is kept.
async fn language_model(metadata: &'static str) -> (String, Arc<Mutex<Vec<Value>>>) {
    use axum::routing::post;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(move |axum::Json(body): axum::Json<Value>| {
            let log = log.clone();
            async move {
                let planning = body.get("tools").is_some();
                log.lock().unwrap().push(body);
                if planning {
                    return (axum::http::StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({"error": "busy"})));
                }
                let answer = json!({"choices": [{"message": {"role": "assistant", "content": metadata}}]});
                (axum::http::StatusCode::OK, axum::Json(answer))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

async fn with_model(url: &str) -> Server {
    let url = url.to_string();
    Server::with(move |c| {
        c.planner.kind = "llm".into();
        c.planner.llm_url = url;
        c.planner.llm_timeout_secs = 5;
    })
    .await
}

/// A server whose language model answers metadata requests with `answer`, a clip named
/// `rooftop_garden.mp4`, and a request for YouTube metadata: the server, the token, the
/// session, the reply and the model's requests.
async fn metadata_with_model(answer: &'static str) -> (Server, String, String, String, Arc<Mutex<Vec<Value>>>) {
    let (url, seen) = language_model(answer).await;
    let s = with_model(&url).await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let (code, up) = s.upload(&t, &sid, &[("rooftop_garden.mp4", plain_clip())]).await;
    assert_eq!(code, 200, "{up}");
    let ev = s.say(&t, &sid, "write a title and tags for youtube").await;
    let reply = last_text(&ev);
    (s, t, sid, reply, seen)
}

#[tokio::test]
async fn a_configured_language_model_writes_the_metadata() {
    let answer = r##"{"titles": ["Grey Skies, Clear Tone", "A Minute of Calm", "Quiet Grey Study"],
        "description": "A calm study in grey with a steady tone.\nMade for slow evenings. <b>bold</b>",
        "tags": ["calm", "grey study", "ambient"], "hashtags": ["#Calm", "Ambient"]}"##;
    let (s, t, sid, reply, seen) = metadata_with_model(answer).await;
    assert!(reply.contains("1. Grey Skies, Clear Tone"), "{reply}");
    let st = s.state(&t, &sid).await;
    let m = &st["state"]["draft"]["m"];
    assert_eq!(m["title"], json!("Grey Skies, Clear Tone"), "{m}");
    assert!(m["description"].as_str().unwrap().starts_with("A calm study in grey"), "{m}");
    assert!(!m["description"].as_str().unwrap().contains('<'), "{m}");
    assert!(st["state"]["generated_media"].to_string().contains("#Ambient"));
    // The model was given the facts: the file's words and the platform's limits.
    let asked = seen.lock().unwrap().iter().find(|b| b.get("response_format").is_some()).cloned().expect("asked");
    let prompt = asked["messages"].to_string();
    assert!(prompt.contains("rooftop garden") && prompt.contains("YouTube"), "{prompt}");
    s.stop().await;
}

#[tokio::test]
async fn a_failing_language_model_leaves_the_built_in_writer() {
    let (s, t, sid, reply, _seen) = metadata_with_model("Sorry, I can only chat.").await;
    assert!(reply.contains("built-in writer") && reply.contains("no JSON object"), "{reply}");
    let st = s.state(&t, &sid).await;
    let title = st["state"]["draft"]["m"]["title"].as_str().unwrap().to_lowercase();
    assert!(title.contains("rooftop"), "{title}");
    s.stop().await;
}
