//! Behaviour a real server will not show on cue, against small axum mocks: 429 then 200
//! (and the wait taken), a 400 about the client id, heartbeats and split chunks on the
//! event stream, the headers every request carries, answers that are not envelopes.

use super::*;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cutroom_client::{ClientError, TurnEvent};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};

async fn spawn(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

fn envelope(status: StatusCode, code: i32, message: &str, data: Value) -> Response {
    (status, axum::Json(json!({"code": code, "message": message, "data": data}))).into_response()
}

/// Waits recorded instead of slept.
fn recorded_sleep(o: &mut ClientOptions) -> Arc<Mutex<Vec<Duration>>> {
    let waits = Arc::new(Mutex::new(Vec::new()));
    let w = waits.clone();
    o.sleep = Arc::new(move |d| {
        w.lock().unwrap().push(d);
        Box::pin(async {})
    });
    waits
}

type Seen = Arc<Mutex<Vec<HeaderMap>>>;

const TOKEN: &str = "mock-token-0123456789";

/// A balance endpoint answering 429 `limited` times first (with `retry_after`, if any).
async fn limited_server(limited: usize, retry_after: Option<&'static str>) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let calls = Arc::new(AtomicUsize::new(0));
    let s = seen.clone();
    let router = Router::new().route(
        "/api/credits/balance/simple",
        get(move |headers: HeaderMap| {
            let (s, calls) = (s.clone(), calls.clone());
            async move {
                s.lock().unwrap().push(headers);
                if calls.fetch_add(1, Ordering::SeqCst) < limited {
                    let mut r = envelope(
                        StatusCode::TOO_MANY_REQUESTS,
                        429,
                        "too many requests: wait 7 s and try again",
                        Value::Null,
                    );
                    if let Some(v) = retry_after {
                        r.headers_mut().insert(header::RETRY_AFTER, v.parse().unwrap());
                    }
                    r
                } else {
                    envelope(StatusCode::OK, 0, "ok", json!({"available": 5, "frozen": 1, "total": 6}))
                }
            }
        }),
    );
    (spawn(router).await, seen)
}

#[tokio::test]
async fn a_429_waits_for_retry_after_and_retries_once() {
    let (base, seen) = limited_server(1, Some("7")).await;
    let dir = cutroom_testkit::tempdir();
    let (mut o, notices) = options(&base, dir.path());
    o.env_token = Some(TOKEN.into());
    let waits = recorded_sleep(&mut o);
    let c = Client::new(o).unwrap();
    let b = c.credits().await.unwrap();
    assert_eq!((b.available, b.frozen, b.total), (5, 1, 6));
    assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(7)]);
    assert_eq!(notices.all(), [Notice::RateLimited { wait: Duration::from_secs(7) }]);
    // Both attempts carried the token and the three attribution headers.
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    for h in seen.iter() {
        assert_eq!(h["authorization"], format!("Bearer {TOKEN}").as_str());
        assert_eq!(h["x-skill-source"], "cutroom-cli");
        assert_eq!(h["x-skill-version"], cutroom_client::VERSION);
        assert_eq!(h["x-skill-platform"], "tests");
    }
}

#[tokio::test]
async fn a_second_429_is_returned_and_long_waits_are_not_taken() {
    // No Retry-After: the configured wait (30 s by default), once.
    let (base, seen) = limited_server(5, None).await;
    let dir = cutroom_testkit::tempdir();
    let (mut o, _) = options(&base, dir.path());
    o.env_token = Some(TOKEN.into());
    let waits = recorded_sleep(&mut o);
    let e = Client::new(o).unwrap().credits().await.unwrap_err();
    assert_eq!(e.code(), Some(429));
    assert!(e.to_string().contains("rate limited"), "{e}");
    assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(30)]);
    assert_eq!(seen.lock().unwrap().len(), 2);

    // Retry-After beyond the longest wait: the error at once, with the wait in it.
    let (base, seen) = limited_server(5, Some("3600")).await;
    let (mut o, _) = options(&base, dir.path());
    o.env_token = Some(TOKEN.into());
    let waits = recorded_sleep(&mut o);
    let e = Client::new(o).unwrap().credits().await.unwrap_err();
    assert!(
        matches!(e, ClientError::Api { code: 429, retry_after: Some(d), .. } if d == Duration::from_secs(3600)),
        "{e:?}"
    );
    assert!(waits.lock().unwrap().is_empty());
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_400_about_the_client_id_makes_a_new_one() {
    let ids: Arc<Mutex<Vec<String>>> = Arc::default();
    let i = ids.clone();
    let router = Router::new()
        .route(
            "/api/auth/anonymous-token",
            post(move |headers: HeaderMap| {
                let i = i.clone();
                async move {
                    let id = headers.get("x-client-id").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
                    let first = {
                        let mut ids = i.lock().unwrap();
                        ids.push(id);
                        ids.len() == 1
                    };
                    if first {
                        envelope(
                            StatusCode::BAD_REQUEST,
                            400,
                            "X-Client-Id header missing: send a UUID identifying this client",
                            Value::Null,
                        )
                    } else {
                        envelope(StatusCode::OK, 0, "ok", json!({"token": TOKEN, "expires_at": 0, "credits": 100}))
                    }
                }
            }),
        )
        .route(
            "/api/credits/balance/simple",
            get(|headers: HeaderMap| async move {
                assert_eq!(headers["authorization"], format!("Bearer {TOKEN}").as_str());
                envelope(StatusCode::OK, 0, "ok", json!({"available": 100, "frozen": 0, "total": 100}))
            }),
        );
    let base = spawn(router).await;
    let dir = cutroom_testkit::tempdir();
    let (c, notices) = client(&base, dir.path());
    assert_eq!(c.credits().await.unwrap().available, 100);
    let ids = ids.lock().unwrap().clone();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    assert!(ids.iter().all(|i| uuid::Uuid::parse_str(i).is_ok()), "{ids:?}");
    assert_eq!(c.client_id(), ids[1]);
    assert_eq!(notices.all(), [Notice::Connecting, Notice::ClientIdRenewed]);
    let stored = cutroom_client::ConfigStore::new(dir.path()).get(&base).unwrap().unwrap();
    assert_eq!(stored.client_id, ids[1]);
    assert_eq!(stored.token.unwrap().expose(), TOKEN);
}

fn event(id: &str, partial: bool, complete: bool, part: Value) -> String {
    let e = json!({"id": id, "invocationId": "inv_1", "author": "cutroom", "timestamp": 1.0,
                   "partial": partial, "turnComplete": complete, "content": {"role": "model", "parts": [part]}});
    format!("data: {e}\n\n")
}

#[tokio::test]
async fn a_turn_streams_typed_events_with_heartbeats() {
    let bodies: Arc<Mutex<Vec<(HeaderMap, Value)>>> = Arc::default();
    let b = bodies.clone();
    let stream = [
        ": ping\n\n".to_string(),
        "data: \n\n".to_string(),
        event(
            "e1",
            false,
            false,
            json!({"functionCall": {"id": "c1", "name": "canvas", "args": {"w": 1080, "h": 1920}}}),
        ),
        event(
            "e2",
            false,
            false,
            json!({"functionResponse": {"id": "c1", "name": "canvas", "response": {"ok": true}}}),
        ),
        event("e3", true, false, json!({"text": "rendering… 50%"})),
        ": ping\n\n".to_string(),
        event("e4", false, true, json!({"text": "Made it vertical (1080x1920)."})),
    ]
    .concat();
    let router = Router::new()
        .route(
            "/api/tasks/me/with-session/nemo_agent",
            post(|body: axum::Json<Value>| async move {
                assert_eq!(body.0, json!({"task_name": "project", "language": "en"}));
                envelope(StatusCode::OK, 0, "ok", json!({"task_id": "task_1", "session_id": "ses_mock"}))
            }),
        )
        .route(
            "/run_sse",
            post(move |headers: HeaderMap, body: axum::Json<Value>| {
                let (b, stream) = (b.clone(), stream.clone());
                async move {
                    b.lock().unwrap().push((headers, body.0));
                    // Chunks that cut lines (and a UTF-8 character) in the middle.
                    let bytes = stream.into_bytes();
                    let chunks: Vec<Result<Vec<u8>, std::convert::Infallible>> =
                        bytes.chunks(7).map(|c| Ok(c.to_vec())).collect();
                    Response::builder()
                        .header(header::CONTENT_TYPE, "text/event-stream")
                        .body(Body::from_stream(futures_util::stream::iter(chunks)))
                        .unwrap()
                }
            }),
        );
    let base = spawn(router).await;
    let dir = cutroom_testkit::tempdir();
    let (mut o, notices) = options(&base, dir.path());
    o.env_token = Some(TOKEN.into());
    let c = Client::new(o).unwrap();
    let mut turn = c.send("make it vertical").await.unwrap();
    assert_eq!(turn.session_id(), "ses_mock");
    let mut events = Vec::new();
    while let Some(e) = turn.next().await {
        events.push(e.unwrap());
    }
    assert_eq!(
        events,
        [
            TurnEvent::Heartbeat,
            TurnEvent::Heartbeat,
            TurnEvent::ToolCall { id: "c1".into(), name: "canvas".into(), args: json!({"w": 1080, "h": 1920}) },
            TurnEvent::ToolResult { id: "c1".into(), name: "canvas".into(), response: json!({"ok": true}) },
            TurnEvent::Text { text: "rendering… 50%".into(), partial: true, complete: false },
            TurnEvent::Heartbeat,
            TurnEvent::Text { text: "Made it vertical (1080x1920).".into(), partial: false, complete: true },
        ]
    );
    assert_eq!(
        notices.all(),
        [Notice::Connecting, Notice::SessionStarted { session_id: "ses_mock".into(), replaced: None }]
    );
    let (headers, body) = bodies.lock().unwrap()[0].clone();
    assert_eq!(headers["accept"], "text/event-stream");
    assert_eq!(headers["authorization"], format!("Bearer {TOKEN}").as_str());
    assert_eq!(body["app_name"], "nemo_agent");
    assert_eq!(body["user_id"], "me");
    assert_eq!(body["session_id"], "ses_mock");
    assert_eq!(body["new_message"]["parts"][0]["text"], "make it vertical");

    // The same turn gathered.
    let mut seen = 0;
    let outcome = c.say("make it vertical", |_| seen += 1).await.unwrap();
    assert_eq!(seen, 7);
    assert_eq!(outcome.reply(), Some("Made it vertical (1080x1920)."));
    assert_eq!(
        (outcome.tools.as_slice(), outcome.heartbeats, outcome.complete),
        (&["canvas".to_string()][..], 3, true)
    );
    assert_eq!(outcome.progress, ["rendering… 50%"]);
}

#[tokio::test]
async fn answers_that_are_not_envelopes_are_named() {
    let router = Router::new()
        .route("/api/credits/balance/simple", get(|| async { (StatusCode::BAD_GATEWAY, "<html>bad gateway</html>") }))
        .route("/healthz", get(|| async { (StatusCode::OK, "fine") }));
    let base = spawn(router).await;
    let dir = cutroom_testkit::tempdir();
    let (mut o, _) = options(&base, dir.path());
    o.env_token = Some(TOKEN.into());
    let c = Client::new(o).unwrap();
    let e = c.credits().await.unwrap_err();
    assert!(matches!(e, ClientError::Http { status: 502, .. }), "{e:?}");
    assert!(e.to_string().contains("is it a cutroom server"), "{e}");
    let e = c.health().await.unwrap_err();
    assert!(matches!(e, ClientError::Protocol { .. }), "{e:?}");
    assert_hidden(TOKEN, &format!("{e} {e:?} {c:?}"));
}

#[tokio::test]
async fn a_silent_event_stream_is_a_timeout_not_a_hang() {
    let router = Router::new().route(
        "/run_sse",
        post(|| async {
            // One heartbeat, then nothing at all (the connection stays open).
            let chunks = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(": ping\n\n".to_string())])
                .chain(futures_util::stream::pending());
            Response::builder()
                .header(header::CONTENT_TYPE, "text/event-stream")
                .body(Body::from_stream(chunks))
                .unwrap()
        }),
    );
    let base = spawn(router).await;
    let dir = cutroom_testkit::tempdir();
    cutroom_client::ConfigStore::new(dir.path()).update(&base, |c| c.env_session_id = Some("ses_x".into())).unwrap();
    let (mut o, _) = options(&base, dir.path());
    o.env_token = Some(TOKEN.into());
    o.read_timeout = Duration::from_millis(300);
    let c = Client::new(o).unwrap();
    let mut turn = c.send("hello").await.unwrap();
    assert_eq!(turn.next().await.unwrap().unwrap(), TurnEvent::Heartbeat);
    let e = turn.next().await.unwrap().unwrap_err();
    assert!(matches!(e, ClientError::Timeout { .. }), "{e:?}");
    assert!(e.to_string().contains("silent"), "{e}");
    assert!(turn.next().await.is_none());
}
