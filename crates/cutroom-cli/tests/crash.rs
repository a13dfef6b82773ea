//! The service survives being killed mid-render: after SIGKILL nothing keeps running, and
//! on restart the job is requeued, completes, and the credits ledger balances.

use cutroom_process::{Command, Running};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start(data: &std::path::Path) -> (Running, String) {
    let port = free_port();
    let running = Command::new(env!("CARGO_BIN_EXE_cutroom"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(data)
        .env("CUTROOM_PRICE_RENDER", "5")
        .env("CUTROOM_LOG", "warn")
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while !healthy(&format!("{base}/healthz")) {
        assert!(started.elapsed() < Duration::from_secs(30), "the server did not come up");
        std::thread::sleep(Duration::from_millis(100));
    }
    (running, base)
}

/// Whether a GET answers 2xx (from a plain thread).
fn healthy(url: &str) -> bool {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return false };
    rt.block_on(async { reqwest::get(url).await.is_ok_and(|r| r.status().is_success()) })
}

fn ffmpegs_using(dir: &std::path::Path) -> Vec<String> {
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
    let (server, base) = tokio::task::spawn_blocking({
        let data = data.clone();
        move || start(&data)
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let v: Value = http
        .post(format!("{base}/api/auth/anonymous-token"))
        .header("X-Client-Id", uuid::Uuid::new_v4().to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = v["data"]["token"].as_str().unwrap().to_string();
    let v: Value = http
        .post(format!("{base}/api/tasks/me/with-session/nemo_agent"))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sid = v["data"]["session_id"].as_str().unwrap().to_string();
    let form = reqwest::multipart::Form::new()
        .part("files", reqwest::multipart::Part::bytes(std::fs::read(&clip).unwrap()).file_name("clip.mp4"));
    let v: Value = http
        .post(format!("{base}/api/upload-video/nemo_agent/me/{sid}"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let media = v["data"]["media"][0]["media_id"].as_str().unwrap().to_string();
    // Long enough to be caught in the middle: 30 s of 1280x720.
    let segments: Vec<Value> = (0..5).map(|i| json!({"src": media, "start": i * 6000, "d": 6000})).collect();
    let draft = json!({"canvas": {"w": 1280, "h": 720}, "t": [{"tt": 0, "sg": segments}]});
    let v: Value = http
        .post(format!("{base}/api/render/proxy/lambda"))
        .bearer_auth(&token)
        .json(&json!({"id": "render_crash", "sessionId": sid, "draft": draft, "output": {"quality": "low"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["code"], 0, "{v}");
    let status = |base: String, token: String| async move {
        let v: Value = reqwest::Client::new()
            .get(format!("{base}/api/render/proxy/lambda/render_crash"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["data"].clone()
    };
    let started = Instant::now();
    loop {
        let s = status(base.clone(), token.clone()).await;
        if s["status"] == "rendering" && s["progress"].as_f64().unwrap() > 0.1 {
            break;
        }
        assert_ne!(s["status"], "completed", "finished before it could be interrupted");
        assert!(started.elapsed() < Duration::from_secs(120), "{s}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let balance: Value = http
        .get(format!("{base}/api/credits/balance/simple"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(balance["data"], json!({"available": 95, "frozen": 5, "total": 100}));

    // SIGKILL the server only (not its process group): its ffmpeg must die with it.
    Command::new("kill").args(["-9", &server.pid().to_string()]).run().unwrap();
    drop(server);
    let t = Instant::now();
    while !ffmpegs_using(&data).is_empty() && t.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(ffmpegs_using(&data), Vec::<String>::new(), "ffmpeg outlived the server");

    let (server, base) = tokio::task::spawn_blocking({
        let data = data.clone();
        move || start(&data)
    })
    .await
    .unwrap();
    let started = Instant::now();
    let done = loop {
        let s = status(base.clone(), token.clone()).await;
        if s["status"] == "completed" || s["status"] == "failed" {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(240), "{s}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["output"]["duration_ms"], 30_000);
    let balance: Value = http
        .get(format!("{base}/api/credits/balance/simple"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        balance["data"],
        json!({"available": 95, "frozen": 0, "total": 95}),
        "charged once, nothing left frozen"
    );
    Command::new("kill").args(["-TERM", &server.pid().to_string()]).run().unwrap();
    let out = server.finish();
    assert!(out.is_ok(), "graceful stop: {out:?}");
}
