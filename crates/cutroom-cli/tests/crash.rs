//! The service survives being killed mid-render: after SIGKILL nothing keeps running, and
//! on restart the job is requeued, completes, and the credits ledger balances.

use cutroom_testkit::api::{Api, ServeProcess};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

async fn start(data: &Path) -> ServeProcess {
    let bin = Path::new(env!("CARGO_BIN_EXE_cutroom"));
    let server = ServeProcess::start(bin, data, &[("CUTROOM_PRICE_RENDER", "5"), ("CUTROOM_LOG", "warn")]);
    server.api.ready().await;
    server
}

fn ffmpegs_using(dir: &Path) -> Vec<String> {
    let needle = dir.to_string_lossy().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            let cmd = std::fs::read(p.join("cmdline")).ok()?;
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            (cmd.contains("ffmpeg") && cmd.contains(&needle)).then_some(cmd)
        })
        .collect()
}

async fn status(api: &Api, token: &str) -> Value {
    let (_, v) = api.get("/api/render/proxy/lambda/render_crash", token).await;
    v["data"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_render_then_restart_completes_and_balances() {
    let dir = cutroom_testkit::tempdir();
    let data = dir.path().join("data");
    let clip = cutroom_testkit::fixture(
        "crash-clip.mp4",
        Some("testsrc2=s=1280x720:r=30"),
        Some("sine=frequency=330:sample_rate=48000"),
        6.0,
    );
    let server = start(&data).await;
    let api = server.api.clone();
    let token = api.token().await;
    let sid = api.session(&token).await;
    let media = api.upload_file(&token, &sid, &clip).await;
    // Long enough to be caught in the middle: 30 s of 1280x720.
    let segments: Vec<Value> = (0..5).map(|i| json!({"src": media, "start": i * 6000, "d": 6000})).collect();
    let draft = json!({"canvas": {"w": 1280, "h": 720}, "t": [{"tt": 0, "sg": segments}]});
    let body = json!({"id": "render_crash", "sessionId": sid, "draft": draft, "output": {"quality": "low"}});
    let (_, v) = api.post("/api/render/proxy/lambda", &token, body).await;
    assert_eq!(v["code"], 0, "{v}");
    let started = Instant::now();
    loop {
        let s = status(&api, &token).await;
        if s["status"] == "rendering" && s["progress"].as_f64().unwrap() > 0.1 {
            break;
        }
        assert_ne!(s["status"], "completed", "finished before it could be interrupted");
        assert!(started.elapsed() < Duration::from_secs(120), "{s}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(api.balance(&token).await, json!({"available": 95, "frozen": 5, "total": 100}));

    // SIGKILL the server only (its ffmpeg leads a process group of its own): the ffmpeg
    // must die with it.
    server.signal("KILL");
    drop(server);
    let t = Instant::now();
    while !ffmpegs_using(&data).is_empty() && t.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(ffmpegs_using(&data), Vec::<String>::new(), "ffmpeg outlived the server");

    let server = start(&data).await;
    let api = server.api.clone();
    let started = Instant::now();
    let done = loop {
        let s = status(&api, &token).await;
        if s["status"] == "completed" || s["status"] == "failed" {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(240), "{s}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["output"]["duration_ms"], 30_000);
    assert_eq!(
        api.balance(&token).await,
        json!({"available": 95, "frozen": 0, "total": 95}),
        "charged once, nothing left frozen"
    );
    let out = server.stop();
    assert!(out.is_ok(), "graceful stop: {out:?}");
}
