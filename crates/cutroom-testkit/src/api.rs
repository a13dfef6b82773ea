//! A client of cutroom's HTTP API used the way the reference service's clients use it, for
//! tests and benchmarks; and `cutroom serve` started as a process of its own.

use cutroom_process::{Command, ProcessError, Running};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// The API at `base` (`http://127.0.0.1:PORT`).
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

impl Api {
    pub fn new(base: impl Into<String>) -> Api {
        Api { base: base.into(), http: reqwest::Client::new() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Waits until `/healthz` answers 200 (at most a minute).
    pub async fn ready(&self) {
        let started = Instant::now();
        while !self.http.get(self.url("/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            assert!(started.elapsed() < Duration::from_secs(60), "the server did not come up at {}", self.base);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
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
        let r = self.http.post(self.url(path));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    /// POSTs JSON; returns (HTTP status, envelope).
    pub async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        let r = self.post_raw(path, Some(token)).json(&body).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    /// GETs; returns (HTTP status, envelope).
    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        let r = self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    /// A new session's id.
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

    /// Uploads one file that must be accepted; returns its media id.
    pub async fn upload_file(&self, token: &str, session: &str, file: &Path) -> String {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let (s, v) = self.upload(token, session, &[(&name, std::fs::read(file).unwrap())]).await;
        assert_eq!((s, &v["code"]), (200, &json!(0)), "{v}");
        v["data"]["media"][0]["media_id"].as_str().unwrap().to_string()
    }

    /// The session's state (`data` of the envelope).
    pub async fn state(&self, token: &str, session: &str) -> Value {
        let (s, v) = self.get(&format!("/api/state/nemo_agent/me/{session}/latest"), token).await;
        assert_eq!(s, 200, "{v}");
        v["data"].clone()
    }

    /// The account's balance (`data` of the envelope).
    pub async fn balance(&self, token: &str) -> Value {
        let (s, v) = self.get("/api/credits/balance/simple", token).await;
        assert_eq!(s, 200, "{v}");
        v["data"].clone()
    }

    /// Sends a message on `/run_sse`; the response streams the events.
    pub async fn message(&self, token: &str, session: &str, text: &str) -> reqwest::Response {
        let body = json!({"app_name": "nemo_agent", "user_id": "me", "session_id": session, "new_message": {"parts": [{"text": text}]}});
        self.post_raw("/run_sse", Some(token)).header("Accept", "text/event-stream").json(&body).send().await.unwrap()
    }

    /// Sends a message on `/run_sse` and returns all its events.
    pub async fn say(&self, token: &str, session: &str, text: &str) -> Vec<Value> {
        let r = self.message(token, session, text).await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        let text = r.text().await.unwrap();
        text.lines().filter_map(|l| l.strip_prefix("data: ")).map(|d| serde_json::from_str(d).unwrap()).collect()
    }
}

/// `cutroom serve` running as its own process on a free loopback port.
pub struct ServeProcess {
    pub running: Running,
    pub api: Api,
}

impl ServeProcess {
    /// Starts `bin serve` on `data` with extra environment; then wait for `api.ready()`.
    pub fn start(bin: &Path, data: &Path, env: &[(&str, &str)]) -> ServeProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let cmd = Command::new(bin).args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--data-dir"]).arg(data);
        let running = env.iter().fold(cmd, |cmd, (k, v)| cmd.env(k, v)).spawn().expect("cutroom serve");
        ServeProcess { running, api: Api::new(format!("http://127.0.0.1:{port}")) }
    }

    pub fn pid(&self) -> u32 {
        self.running.pid()
    }

    /// Resident memory now, MB.
    pub fn rss_mb(&self) -> f64 {
        rss_kib(self.pid()) as f64 / 1024.0
    }

    /// Sends `signal` (`TERM`, `KILL`) to the server alone, not its process group.
    pub fn signal(&self, signal: &str) {
        Command::new("kill").args([&format!("-{signal}"), &self.pid().to_string()]).run().expect("kill");
    }

    /// SIGTERM, then waits for the exit.
    pub fn stop(self) -> Result<(), ProcessError> {
        self.signal("TERM");
        self.running.finish().map(|_| ())
    }
}

/// A process's resident memory (`VmRSS`), KiB; 0 once it is gone.
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
