//! Tokens, sessions, credits, isolation, rate limits, attribution, the error envelope.

use super::*;
use cutroom_engine::{new_token, now, token_hash};

#[tokio::test]
async fn tokens_once_a_week_and_errors_in_the_envelope() {
    let s = Server::start().await;
    let r = s.post_raw("/api/auth/anonymous-token", None).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], 400);
    assert!(v["message"].as_str().unwrap().contains("X-Client-Id"));

    let client = uuid::Uuid::new_v4().to_string();
    let first = s.post_raw("/api/auth/anonymous-token", None).header("X-Client-Id", &client).send().await.unwrap();
    let v: Value = first.json().await.unwrap();
    assert_eq!((v["code"].as_i64(), v["data"]["credits"].as_i64()), (Some(0), Some(100)));
    let token = v["data"]["token"].as_str().unwrap().to_string();
    let again = s.post_raw("/api/auth/anonymous-token", None).header("X-Client-Id", &client).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 429);
    let wait: u64 = again.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 6 * 86_400 && wait <= 7 * 86_400, "{wait}");
    assert_eq!(again.json::<Value>().await.unwrap()["code"], 429);

    // The token is stored only as a hash.
    let db = std::fs::read(s.dir.path().join("data/state.db")).unwrap();
    assert!(!db.windows(token.len()).any(|w| w == token.as_bytes()), "the raw token is in the database");

    let (status, v) = s.get("/api/credits/balance/simple", &token).await;
    assert_eq!((status, v["data"].clone()), (200, json!({"available": 100, "frozen": 0, "total": 100})));
    for bad in ["", "nonsense", "ct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
        let (status, v) = s.get("/api/credits/balance/simple", bad).await;
        assert_eq!((status, v["code"].as_i64()), (401, Some(1001)), "{bad:?}");
    }
    let r = s.http.get(s.url("/api/credits/balance/simple")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);

    // An expired token is 1001 too.
    let account = s.engine.store.account_by_token(&token_hash(&token), now()).await.unwrap();
    let old = new_token();
    s.engine.store.add_token(&account.id, &token_hash(&old), now() - 8 * 86_400, 7 * 86_400).await.unwrap();
    let (status, v) = s.get("/api/credits/balance/simple", &old).await;
    assert_eq!((status, v["code"].as_i64()), (401, Some(1001)));

    // Broken and huge JSON.
    let r = s
        .post_raw("/api/tasks/me/with-session/nemo_agent", Some(&token))
        .body("{\"task_name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let huge = format!("{{\"task_name\": \"{}\"}}", "x".repeat(17 << 20));
    let r = s.post_raw("/api/tasks/me/with-session/nemo_agent", Some(&token)).body(huge).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = s.http.get(s.url("/no/such/thing")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    s.stop().await;
}

#[tokio::test]
async fn sessions_are_private() {
    let s = Server::start().await;
    let (a, b) = (s.token().await, s.token().await);
    let sid = s.session(&a).await;
    assert!(s.state(&a, &sid).await["state"]["summary"].as_str().unwrap().starts_with("Timeline (0 tracks)"));
    for (token, session) in [(&b, sid.as_str()), (&a, "ses_doesnotexist")] {
        let (status, v) = s.get(&format!("/api/state/nemo_agent/me/{session}/latest"), token).await;
        assert_eq!((status, v["code"].as_i64()), (404, Some(1002)), "{v}");
        assert!(v["data"].is_null());
        let (status, _) = s.upload(token, session, &[("a.mp4", bytes(&clip()))]).await;
        assert_eq!(status, 404);
    }
    // Someone else's media cannot be used in a draft.
    let (_, up) = s.upload(&a, &sid, &[("a.mp4", bytes(&clip()))]).await;
    let media = up["data"]["media"][0]["media_id"].as_str().unwrap().to_string();
    let sid_b = s.session(&b).await;
    let draft = json!({"t": [{"tt": 0, "sg": [{"src": media, "d": 1000}]}]});
    let (status, v) =
        s.post("/api/render/proxy/lambda", &b, json!({"id": "r1", "sessionId": sid_b, "draft": draft})).await;
    assert_eq!(status, 400);
    assert!(v["message"].as_str().unwrap().contains("t[0].sg[0].src: media"), "{v}");
    let (status, v) = s.get("/api/render/proxy/lambda/r1", &a).await;
    assert_eq!((status, v["code"].as_i64()), (404, Some(1002)));
    s.stop().await;
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let s = Server::with(|c| c.rate_limit_per_minute = 5).await;
    let t = s.token().await;
    for _ in 0..5 {
        assert_eq!(s.get("/api/credits/balance/simple", &t).await.0, 200);
    }
    let r = s.http.get(s.url("/api/credits/balance/simple")).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.headers().contains_key("retry-after"));
    s.stop().await;
}

#[tokio::test]
async fn attribution_policy_and_usage() {
    let s = Server::with(|c| c.require_attribution = true).await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let (_, up) = s.upload(&t, &sid, &[("a.mp4", bytes(&clip()))]).await;
    let media = up["data"]["media"][0]["media_id"].as_str().unwrap().to_string();
    let body =
        json!({"id": "render_x", "sessionId": sid, "draft": {"t": [{"tt": 0, "sg": [{"src": media, "d": 500}]}]}});
    let r = s.post_raw("/api/render/proxy/lambda", Some(&t)).json(&body).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 402);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], 402);
    let r = s
        .post_raw("/api/render/proxy/lambda", Some(&t))
        .header("X-Skill-Source", "video-to-generator")
        .header("X-Skill-Version", "1.2.0")
        .header("X-Skill-Platform", "cursor")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    s.engine.flush_usage().await;
    let usage = s.engine.store.usage().await.unwrap();
    assert!(
        usage.iter().any(|u| u.source == "video-to-generator" && u.platform == "cursor" && u.route == "render"),
        "{usage:?}"
    );
    s.stop().await;
}

#[tokio::test]
async fn health_metrics_and_openapi() {
    let s = Server::start().await;
    let r = s.http.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let t = s.token().await;
    s.get("/api/credits/balance/simple", &t).await;
    let metrics = s.http.get(s.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains("cutroom_http_requests_total{route=\"/api/credits/balance/simple\",code=\"0\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("cutroom_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("cutroom_queue_depth") || metrics.contains("cutroom_sse_streams"));
    let doc: Value = s.http.get(s.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    for path in [
        "/api/auth/anonymous-token",
        "/api/tasks/me/with-session/{app}",
        "/run_sse",
        "/api/upload-video/{app}/{user}/{session}",
        "/api/credits/balance/simple",
        "/api/state/{app}/{user}/{session}/latest",
        "/api/render/proxy/lambda",
        "/api/render/proxy/lambda/{id}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
    }
    s.stop().await;
}
