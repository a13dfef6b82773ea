//! Exports: idempotent ids, progress to completion, signed Range downloads, credits.

use super::*;
use std::time::Duration;

async fn ready_session(s: &Server, t: &str) -> (String, String) {
    let sid = s.session(t).await;
    let (_, up) = s.upload(t, &sid, &[("clip.mp4", bytes(&clip()))]).await;
    (sid, up["data"]["media"][0]["media_id"].as_str().unwrap().to_string())
}

pub async fn poll(s: &Server, t: &str, id: &str) -> Value {
    for _ in 0..300 {
        let (_, v) = s.get(&format!("/api/render/proxy/lambda/{id}"), t).await;
        if matches!(v["data"]["status"].as_str(), Some("completed" | "failed")) {
            return v["data"].clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("render {id} never finished");
}

#[tokio::test]
async fn export_is_idempotent_and_downloads_with_range() {
    let s = Server::start().await;
    let t = s.token().await;
    let (sid, media) = ready_session(&s, &t).await;
    let draft = json!({"canvas": {"w": 240, "h": 320}, "t": [
        {"tt": 0, "sg": [{"src": media, "d": 2000, "fit": "blur"}]},
        {"tt": 7, "sg": [{"text": "Export me", "d": 1000, "style": {"size": 24}}]}]});
    let body = json!({"id": "render_1732200000", "sessionId": sid, "draft": draft, "output": {"format": "mp4", "quality": "high"}});
    let (status, first) = s.post("/api/render/proxy/lambda", &t, body.clone()).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["data"]["id"], "render_1732200000");
    let (_, second) = s.post("/api/render/proxy/lambda", &t, body).await;
    assert_eq!(second["data"]["id"], "render_1732200000");
    let done = poll(&s, &t, "render_1732200000").await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["progress"], 1.0);
    let url = done["output"]["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&s.base));
    // One job, though posted twice.
    let mut jobs = 0;
    for entry in std::fs::read_dir(s.dir.path().join("data/renders")).unwrap() {
        jobs += usize::from(entry.unwrap().path().extension().is_some_and(|e| e == "mp4"));
    }
    assert_eq!(jobs, 1);
    // The link works without the token (in a browser), whole and in parts.
    let whole = reqwest::get(&url).await.unwrap();
    assert_eq!(whole.status().as_u16(), 200);
    assert_eq!(whole.headers()["content-type"], "video/mp4");
    let bytes = whole.bytes().await.unwrap();
    let part = s.http.get(&url).header("Range", "bytes=0-99").send().await.unwrap();
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(part.headers()["content-range"].to_str().unwrap(), format!("bytes 0-99/{}", bytes.len()));
    assert_eq!(&part.bytes().await.unwrap()[..], &bytes[..100]);
    let file = s.dir.path().join("downloaded.mp4");
    std::fs::write(&file, &bytes).unwrap();
    let p = cutroom_media::probe(&file).unwrap();
    assert_eq!(p.duration.unwrap().0, 2000);
    assert_eq!(p.video.as_ref().map(|v| (v.codec.as_str(), v.width, v.height)), Some(("h264", 240, 320)));
    // A tampered or expired link is refused.
    let tampered = url.replace("sig=", "sig=0");
    assert_eq!(reqwest::get(&tampered).await.unwrap().status().as_u16(), 401);
    let expired = url.split("?expires=").next().unwrap().to_string() + "?expires=1&sig=00";
    assert_eq!(reqwest::get(&expired).await.unwrap().status().as_u16(), 401);
    s.stop().await;
}

#[tokio::test]
async fn the_current_draft_is_exported_when_none_is_sent_and_bad_drafts_are_named() {
    let s = Server::start().await;
    let t = s.token().await;
    let (sid, media) = ready_session(&s, &t).await;
    let (status, v) = s.post("/api/render/proxy/lambda", &t, json!({"id": "empty", "sessionId": sid})).await;
    assert_eq!(status, 400, "{v}");
    assert!(v["message"].as_str().unwrap().contains("empty"));
    let bad = json!({"t": [{"tt": 0, "sg": [{"src": media, "d": 0}]}]});
    let (status, v) =
        s.post("/api/render/proxy/lambda", &t, json!({"id": "bad", "sessionId": sid, "draft": bad})).await;
    assert_eq!(status, 400);
    assert!(v["message"].as_str().unwrap().contains("t[0].sg[0].d: must be > 0"), "{v}");
    let (status, v) = s
        .post("/api/render/proxy/lambda", &t, json!({"id": "bad2", "sessionId": sid, "draft": {"t": [{"tt": 9}]}}))
        .await;
    assert_eq!(status, 400);
    assert!(v["message"].as_str().unwrap().contains("t[0].tt: unknown track type 9"), "{v}");
    s.say(
        &t,
        &sid,
        &json!([{"op": "add_track", "tt": 0}, {"op": "add_segment", "track": 0, "segment": {"src": media, "d": 1000}}])
            .to_string(),
    )
    .await;
    let (status, _) = s
        .post("/api/render/proxy/lambda", &t, json!({"id": "current", "sessionId": sid, "output": {"quality": "low"}}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(poll(&s, &t, "current").await["status"], "completed");
    s.stop().await;
}

#[tokio::test]
async fn priced_exports_freeze_charge_and_refuse_without_credits() {
    let s = Server::with(|c| c.credits.prices.render = 40).await;
    let t = s.token().await;
    let (sid, media) = ready_session(&s, &t).await;
    let draft = json!({"canvas": {"w": 160, "h": 90}, "t": [{"tt": 0, "sg": [{"src": media, "d": 500}]}]});
    for id in ["a", "b"] {
        let (status, _) =
            s.post("/api/render/proxy/lambda", &t, json!({"id": id, "sessionId": sid, "draft": draft})).await;
        assert_eq!(status, 200);
    }
    let (status, v) =
        s.post("/api/render/proxy/lambda", &t, json!({"id": "c", "sessionId": sid, "draft": draft})).await;
    assert_eq!((status, v["code"].as_i64()), (402, Some(2001)), "{v}");
    assert!(v["data"]["bind_id"].as_str().is_some() && v["message"].as_str().unwrap().contains("?bind="));
    for id in ["a", "b"] {
        assert_eq!(poll(&s, &t, id).await["status"], "completed");
    }
    let (_, v) = s.get("/api/credits/balance/simple", &t).await;
    assert_eq!(v["data"], json!({"available": 20, "frozen": 0, "total": 20}));
    s.stop().await;
}

#[tokio::test]
async fn a_queued_export_can_be_cancelled() {
    // No workers take jobs while the first render holds the only one; cancel the second.
    let s = Server::with(|c| c.credits.prices.render = 10).await;
    let t = s.token().await;
    let (sid, media) = ready_session(&s, &t).await;
    let long = json!({"canvas": {"w": 1280, "h": 720}, "t": [{"tt": 0, "sg": (0..10).map(|i| json!({"src": media, "start": i * 3000, "d": 3000})).collect::<Vec<_>>()}]});
    s.post("/api/render/proxy/lambda", &t, json!({"id": "long", "sessionId": sid, "draft": long})).await;
    s.post("/api/render/proxy/lambda", &t, json!({"id": "next", "sessionId": sid, "draft": long})).await;
    let r = s.http.delete(s.url("/api/render/proxy/lambda/next")).bearer_auth(&t).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!((v["data"]["status"].as_str(), v["data"]["error"].as_str()), (Some("failed"), Some("cancelled")), "{v}");
    let r = s.http.delete(s.url("/api/render/proxy/lambda/long")).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let long = poll(&s, &t, "long").await;
    assert_eq!(long["status"], "failed");
    let (_, v) = s.get("/api/credits/balance/simple", &t).await;
    assert_eq!(v["data"]["available"], 100, "cancelled exports cost nothing");
    s.stop().await;
}
