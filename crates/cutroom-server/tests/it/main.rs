//! The HTTP service end to end: a real server on a random loopback port with a temporary
//! data directory, driven the way the reference service's clients drive it.

mod auth;
mod concurrency;
mod media;
mod render;
mod turns;

use cutroom_engine::{Config, Engine};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;

pub struct Server {
    pub base: String,
    pub engine: Arc<Engine>,
    pub http: reqwest::Client,
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    pub async fn start() -> Server {
        Server::with(|_| {}).await
    }

    pub async fn with(tune: impl FnOnce(&mut Config)) -> Server {
        let dir = cutroom_testkit::tempdir();
        let mut config = Config { data_dir: dir.path().join("data"), bind: "127.0.0.1:0".into(), ..Config::default() };
        tune(&mut config);
        let engine = Engine::open(config).await.expect("engine");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let e = engine.clone();
        let handle = tokio::spawn(async move {
            cutroom_server::serve(listener, e, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Server { base, engine, http: reqwest::Client::new(), dir, stop: Some(tx), handle: Some(handle) }
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A fresh anonymous token.
    pub async fn token(&self) -> String {
        let r = self
            .post_raw("/api/auth/anonymous-token", None)
            .header("X-Client-Id", uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .unwrap();
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["code"], 0, "{v}");
        v["data"]["token"].as_str().unwrap().to_string()
    }

    pub fn post_raw(&self, path: &str, token: Option<&str>) -> reqwest::RequestBuilder {
        let mut r = self.http.post(self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r
    }

    /// POSTs JSON; returns (HTTP status, envelope).
    pub async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        let r = self.post_raw(path, Some(token)).json(&body).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        let r = self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    pub async fn session(&self, token: &str) -> String {
        let (s, v) = self
            .post("/api/tasks/me/with-session/nemo_agent", token, json!({"task_name": "project", "language": "en"}))
            .await;
        assert_eq!((s, &v["code"]), (200, &json!(0)), "{v}");
        v["data"]["session_id"].as_str().unwrap().to_string()
    }

    /// Uploads files as multipart parts named `files`.
    pub async fn upload(&self, token: &str, session: &str, files: &[(&str, Vec<u8>)]) -> (u16, Value) {
        let mut form = reqwest::multipart::Form::new();
        for (name, bytes) in files {
            form = form.part("files", reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()));
        }
        let r = self
            .post_raw(&format!("/api/upload-video/nemo_agent/me/{session}"), Some(token))
            .multipart(form)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    pub async fn state(&self, token: &str, session: &str) -> Value {
        let (s, v) = self.get(&format!("/api/state/nemo_agent/me/{session}/latest"), token).await;
        assert_eq!(s, 200, "{v}");
        v["data"].clone()
    }

    /// Sends a message on /run_sse; returns the events.
    pub async fn say(&self, token: &str, session: &str, text: &str) -> Vec<Value> {
        let body = json!({"app_name": "nemo_agent", "user_id": "me", "session_id": session, "new_message": {"parts": [{"text": text}]}});
        let r = self
            .post_raw("/run_sse", Some(token))
            .header("Accept", "text/event-stream")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        let text = r.text().await.unwrap();
        text.lines().filter_map(|l| l.strip_prefix("data: ")).map(|d| serde_json::from_str(d).unwrap()).collect()
    }
}

/// A small clip with sound (generated once).
pub fn clip() -> PathBuf {
    cutroom_testkit::fixture(
        "api-clip.mp4",
        Some("testsrc2=s=320x240:r=30"),
        Some("sine=frequency=440:sample_rate=48000"),
        3.0,
    )
}

pub fn still() -> PathBuf {
    cutroom_testkit::fixture("api-still.png", Some("testsrc2=s=320x240"), None, 1.0)
}

pub fn bytes(p: &PathBuf) -> Vec<u8> {
    std::fs::read(p).unwrap()
}
