//! The HTTP service end to end: a real server on a random loopback port with a temporary
//! data directory, driven the way the reference service's clients drive it.

mod agent;
mod auth;
mod autoedit;
mod concurrency;
mod media;
mod metadata;
mod render;
mod turns;
mod video;
mod web;

use cutroom_engine::{Config, Engine};
use cutroom_testkit::api::Api;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;

pub struct Server {
    pub api: Api,
    pub engine: Arc<Engine>,
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

/// The server's client calls (`s.token()`, `s.session(..)`, `s.http`, …) read as the server's.
impl std::ops::Deref for Server {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
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
        let api = Api::new(format!("http://{}", listener.local_addr().unwrap()));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let e = engine.clone();
        let handle = tokio::spawn(async move {
            cutroom_server::serve(listener, e, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Server { api, engine, dir, stop: Some(tx), handle: Some(handle) }
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
