//! Text to video through the agent over HTTP: a sentence becomes a generated clip on the
//! timeline (its scene visible in the exported file), and an operator's model server makes
//! the clip when one is configured — its failure is reported and costs nothing.

use super::agent::{calls, export, last_text, video};
use super::*;
use std::sync::Mutex;

#[tokio::test]
async fn a_sentence_becomes_a_clip_on_the_timeline() {
    let s = Server::with(|c| c.video_model.short_side = 360).await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let ev = s
        .say(&t, &sid, "generate a 3-second vertical video of a futuristic city at night with cinematic lighting")
        .await;
    let reply = last_text(&ev);
    assert_eq!(calls(&ev).last().map(String::as_str), Some("text_to_video"), "{reply}");
    assert!(reply.contains("city") && reply.contains("night") && reply.contains("360x640"), "{reply}");
    let st = s.state(&t, &sid).await;
    let segs = video(&st);
    assert_eq!(segs.len(), 1, "{st}");
    assert_eq!(segs[0]["d"].as_u64(), Some(3000), "{st}");
    let media = segs[0]["src"].as_str().unwrap();
    let generated = st["state"]["generated_media"].as_array().unwrap();
    assert!(generated.iter().any(|g| g.to_string().contains(media)), "{st}");
    assert_eq!(
        (&st["state"]["draft"]["canvas"]["w"], &st["state"]["draft"]["canvas"]["h"]),
        (&json!(360), &json!(640))
    );
    // The price was charged once the clip was made.
    assert_eq!(s.balance(&t).await["available"], json!(90));

    let out = export(&s, &t, &sid, "export 360p", "city.mp4").await;
    let p = cutroom_media::probe(&out).unwrap();
    assert!(p.duration.unwrap().0.abs_diff(3000) <= 50, "{:?}", p.duration);
    let f = cutroom_testkit::frame_at(&out, 1.5);
    let (w, h) = (f.w, f.h);
    let night = f.mean_luma(0, h / 8, w, h * 7 / 8);
    let bars = f.mean_luma(0, 0, w, h / 20).max(f.mean_luma(0, h - h / 20, w, h));
    eprintln!("night picture luma {night:.1}, bars {bars:.1}");
    assert!(night < 70.0 && night > 3.0, "a dark night picture: {night}");
    assert!(bars < 8.0, "cinematic letterbox bars: {bars}");
    s.stop().await;
}

/// A stand-in for an operator's model server: records requests, answers with `clip` or
/// with an error.
async fn model_server(clip: Option<Vec<u8>>) -> (String, Arc<Mutex<Vec<Value>>>) {
    use axum::routing::post;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = axum::Router::new().route(
        "/generate",
        post(move |axum::Json(body): axum::Json<Value>| {
            let log = log.clone();
            let clip = clip.clone();
            async move {
                log.lock().unwrap().push(body);
                match clip {
                    Some(bytes) => (axum::http::StatusCode::OK, bytes),
                    None => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, b"out of GPU memory".to_vec()),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/generate", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test]
async fn an_operators_model_server_makes_the_clip() {
    let clip = cutroom_testkit::fixture("model-answer.mp4", Some("testsrc2=s=640x360:r=30"), None, 2.0);
    let (url, seen) = model_server(Some(bytes(&clip))).await;
    let s = Server::with(|c| {
        c.video_model.url = url.clone();
        c.video_model.short_side = 360;
    })
    .await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let ev = s.say(&t, &sid, "generate a 2-second video of a forest at dawn").await;
    let reply = last_text(&ev);
    assert!(reply.contains("forest") && reply.contains("dawn"), "{reply}");
    let req = seen.lock().unwrap().first().cloned().expect("the model server was asked");
    assert_eq!((&req["width"], &req["height"], &req["duration_ms"]), (&json!(640), &json!(360), &json!(2000)), "{req}");
    assert!(req["prompt"].as_str().unwrap().contains("forest"), "{req}");
    assert_eq!(req["scene"]["setting"], json!("forest"), "{req}");
    let st = s.state(&t, &sid).await;
    let segs = video(&st);
    assert_eq!(segs.len(), 1, "{st}");
    assert!(segs[0]["d"].as_u64().unwrap().abs_diff(2000) <= 40, "{st}");
    let infos = st["state"]["video_infos"].to_string();
    assert!(infos.contains("640") && infos.contains("generated"), "{infos}");
    s.stop().await;

    // A model server that fails: the user is told why, nothing is placed, nothing is charged.
    let (url, seen) = model_server(None).await;
    let s = Server::with(|c| c.video_model.url = url.clone()).await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let ev = s.say(&t, &sid, "generate a 2-second video of a forest at dawn").await;
    let reply = last_text(&ev);
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert!(reply.contains("out of GPU memory"), "{reply}");
    assert!(video(&s.state(&t, &sid).await).is_empty());
    assert_eq!(s.balance(&t).await["available"], json!(100));
    s.stop().await;
}
