//! The client against a real cutroom server started in process (loopback port, temporary
//! data folder) and against small axum mocks for what a real server will not do on cue
//! (429 then 200, heartbeats, a 400 about the client id).

mod auth;
mod config;
mod mock;
mod roundtrip;

use cutroom_client::{Client, ClientOptions, Notice};
use cutroom_engine::{Config, Engine, RouteLabels};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A cutroom server on a random loopback port.
pub struct Server {
    pub base: String,
    pub engine: Arc<Engine>,
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
        Server { base, engine, dir, stop: Some(tx), handle: Some(handle) }
    }

    /// Requests answered on `route` (the router's pattern) with envelope `code`.
    pub fn requests(&self, route: &str, code: i32) -> u64 {
        self.engine.metrics.requests.get_or_create(&RouteLabels { route: route.into(), code: code.to_string() }).get()
    }

    /// Anonymous tokens issued.
    pub fn tokens_issued(&self) -> u64 {
        self.requests("/api/auth/anonymous-token", 0)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
    }
}

/// What a client reported through `on_notice`.
#[derive(Clone, Default)]
pub struct Notices(Arc<Mutex<Vec<Notice>>>);

impl Notices {
    pub fn all(&self) -> Vec<Notice> {
        self.0.lock().unwrap().clone()
    }
}

/// Options for `base` keeping state in `config_dir`, recording notices, polling fast.
pub fn options(base: &str, config_dir: &Path) -> (ClientOptions, Notices) {
    let notices = Notices::default();
    let n = notices.clone();
    let o = ClientOptions {
        server: Some(base.to_string()),
        config_dir: Some(config_dir.to_path_buf()),
        poll_interval: Duration::from_millis(100),
        platform: "tests".into(),
        on_notice: Some(Arc::new(move |x: &Notice| n.0.lock().unwrap().push(x.clone()))),
        ..ClientOptions::default()
    };
    (o, notices)
}

pub fn client(base: &str, config_dir: &Path) -> (Client, Notices) {
    let (o, n) = options(base, config_dir);
    (Client::new(o).unwrap(), n)
}

/// The token stored for `base` in `config_dir`.
pub fn stored_token(base: &str, config_dir: &Path) -> Option<String> {
    let c = cutroom_client::ConfigStore::new(config_dir).get(base).unwrap()?;
    c.token.map(|t| t.expose().to_string())
}

/// Fails when `text` shows `token`.
pub fn assert_hidden(token: &str, text: &str) {
    assert!(token.len() >= 8, "a real token");
    assert!(!text.contains(token), "the token leaked into: {text}");
}

/// A small clip with sound (generated once).
pub fn clip() -> PathBuf {
    cutroom_testkit::fixture(
        "client-clip.mp4",
        Some("testsrc2=s=320x240:r=30"),
        Some("sine=frequency=440:sample_rate=48000"),
        2.0,
    )
}
