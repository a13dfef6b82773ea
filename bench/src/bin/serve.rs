//! Service benchmark, against a real `cutroom serve` on loopback:
//! 1. requests/second and p50/p99 latency of `credits/balance` and `state/latest` with 64
//!    concurrent connections (targets: p99 < 20 ms);
//! 2. the server's resident memory holding 1,000 open agent streams — each a chat export
//!    waiting in the render queue, with heartbeats (target: under 200 MB);
//! 3. its memory growth while one 500 MB upload streams in (target: under 64 MB).
//!
//! Usage: bench/serve.sh

use cutroom_media::synth::{Synth, synthesize};
use cutroom_process::{Command, Running};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 64;
const STREAMS: usize = 1000;
const UPLOAD_BYTES: u64 = 500_000_000;

struct Server {
    running: Running,
    base: String,
}

fn start(bin: &Path, data: &Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let running = Command::new(bin)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(data)
        .env("CUTROOM_LOG", "error")
        .env("CUTROOM_RATE_LIMIT", "100000000")
        .env("CUTROOM_HEARTBEAT_SECS", "10")
        .spawn()
        .expect("cutroom serve");
    Server { running, base: format!("http://127.0.0.1:{port}") }
}

impl Server {
    fn rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.running.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }

    fn stop(self) {
        let _ = Command::new("kill").args(["-TERM", &self.running.pid().to_string()]).run();
        let _ = self.running.finish();
    }
}

async fn ready(http: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not come up");
}

async fn token(http: &reqwest::Client, base: &str) -> String {
    let v: Value = http
        .post(format!("{base}/api/auth/anonymous-token"))
        .header("X-Client-Id", uuid::Uuid::new_v4().to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["data"]["token"].as_str().unwrap().to_string()
}

async fn session(http: &reqwest::Client, base: &str, t: &str) -> String {
    let v: Value = http
        .post(format!("{base}/api/tasks/me/with-session/nemo_agent"))
        .bearer_auth(t)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["data"]["session_id"].as_str().unwrap().to_string()
}

async fn say(http: &reqwest::Client, base: &str, t: &str, sid: &str, text: &str) -> reqwest::Response {
    let body = json!({"app_name": "nemo_agent", "user_id": "me", "session_id": sid, "new_message": {"parts": [{"text": text}]}});
    http.post(format!("{base}/run_sse"))
        .bearer_auth(t)
        .header("Accept", "text/event-stream")
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn upload(http: &reqwest::Client, base: &str, t: &str, sid: &str, file: &Path) -> String {
    let part = reqwest::multipart::Part::bytes(std::fs::read(file).unwrap()).file_name("clip.mp4");
    let v: Value = http
        .post(format!("{base}/api/upload-video/nemo_agent/me/{sid}"))
        .bearer_auth(t)
        .multipart(reqwest::multipart::Form::new().part("files", part))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["data"]["media"][0]["media_id"].as_str().unwrap().to_string()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

/// Hammers `url` from 64 connections for `secs`; prints throughput and latency.
async fn load(name: &str, url: String, t: &str, secs: u64) -> (f64, f64, f64) {
    let http = reqwest::Client::builder().pool_max_idle_per_host(CONNECTIONS).build().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let counting = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (http, url, t) = (http.clone(), url.clone(), t.to_string());
        let (stop, counting, errors) = (stop.clone(), counting.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                match http.get(&url).bearer_auth(&t).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        if counting.load(Ordering::Relaxed) {
                            lat.push(started.elapsed().as_secs_f64() * 1000.0);
                        }
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            lat
        }));
    }
    // One second of warm-up is not counted.
    tokio::time::sleep(Duration::from_secs(1)).await;
    counting.store(true, Ordering::Relaxed);
    let counted = Instant::now();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    counting.store(false, Ordering::Relaxed);
    let window = counted.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    lat.sort_by(f64::total_cmp);
    let rps = lat.len() as f64 / window;
    let (p50, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
    println!(
        "{name:<22} {rps:>9.0} req/s   p50 {p50:>6.2} ms   p99 {p99:>6.2} ms   ({} requests, {} errors)",
        lat.len(),
        errors.load(Ordering::Relaxed)
    );
    (rps, p50, p99)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().join("cutroom");
    let work = exe.parent().unwrap().join("bench-serve");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let clip = work.join("clip.mp4");
    synthesize(
        &Synth {
            video: Some("testsrc2=s=160x90:r=30"),
            audio: Some("sine=frequency=440:sample_rate=48000"),
            secs: 1.0,
        },
        &clip,
    )
    .unwrap();
    let long_clip = work.join("minute.mp4");
    synthesize(&Synth { video: Some("testsrc2=s=320x180:r=30"), audio: None, secs: 60.0 }, &long_clip).unwrap();
    let http = reqwest::Client::new();

    // ---- 1. throughput and latency ----
    let server = start(&bin, &work.join("data-load"));
    ready(&http, &server.base).await;
    let t = token(&http, &server.base).await;
    let sid = session(&http, &server.base, &t).await;
    let media = upload(&http, &server.base, &t, &sid, &clip).await;
    let ops = json!([{"op": "add_track", "tt": 0}, {"op": "add_segment", "track": 0, "segment": {"src": media, "d": 900}}, {"op": "add_text", "text": "Bench", "start": 0, "d": 500}]);
    let _ = say(&http, &server.base, &t, &sid, &ops.to_string()).await.text().await;
    println!("{CONNECTIONS} concurrent connections, 5 s each (load generator on the same machine):");
    let balance = load("credits/balance", format!("{}/api/credits/balance/simple", server.base), &t, 5).await;
    let state = load("state/latest", format!("{}/api/state/nemo_agent/me/{sid}/latest", server.base), &t, 5).await;
    println!("server RSS after the load: {:.1} MB", server.rss_mb());
    server.stop();

    // ---- 2. 1,000 open agent streams ----
    let server = start(&bin, &work.join("data-streams"));
    ready(&http, &server.base).await;
    let t = token(&http, &server.base).await;
    let sid0 = session(&http, &server.base, &t).await;
    let media = upload(&http, &server.base, &t, &sid0, &clip).await;
    // The first export is long (an hour of 1080p), so the others wait behind it.
    let minute = upload(&http, &server.base, &t, &sid0, &long_clip).await;
    let long: Vec<Value> = (0..60)
        .map(|i| json!({"op": "add_segment", "track": 0, "segment": {"src": minute, "start": i * 60_000, "d": 60_000}}))
        .collect();
    let mut ops = vec![json!({"op": "canvas", "w": 1920, "h": 1080}), json!({"op": "add_track", "tt": 0})];
    ops.extend(long);
    let said = say(&http, &server.base, &t, &sid0, &Value::Array(ops).to_string()).await.text().await.unwrap();
    assert!(said.contains("applied"), "the long draft was not made: {said}");
    let short = json!([{"op": "canvas", "w": 160, "h": 90}, {"op": "add_track", "tt": 0}, {"op": "add_segment", "track": 0, "segment": {"src": media, "d": 500}}]).to_string();
    let sessions: Vec<String> = futures_util::stream::iter(0..STREAMS - 1)
        .map(|_| {
            let (http, base, t, short) = (http.clone(), server.base.clone(), t.clone(), short.clone());
            async move {
                let sid = session(&http, &base, &t).await;
                let _ = say(&http, &base, &t, &sid, &short).await.text().await;
                sid
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let baseline = server.rss_mb();
    let streams_http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let open_stream = |sid: String, first: Option<tokio::sync::oneshot::Sender<()>>| {
        let (http, base, t) = (streams_http.clone(), server.base.clone(), t.clone());
        tokio::spawn(async move {
            let r = say(&http, &base, &t, &sid, "export").await;
            let mut body = r.bytes_stream();
            let mut seen = Vec::new();
            let mut first = first;
            while let Some(Ok(chunk)) = body.next().await {
                seen.extend_from_slice(&chunk);
                if let Some(tx) = first.take() {
                    let _ = tx.send(());
                }
            }
            String::from_utf8_lossy(&seen).into_owned()
        })
    };
    // The long export goes first and has a second to start; the others queue behind it.
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut open = vec![open_stream(sid0.clone(), Some(tx))];
    let _ = rx.await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    open.extend(sessions.into_iter().map(|sid| open_stream(sid, None)));
    let started = Instant::now();
    let mut streams = 0.0;
    while started.elapsed() < Duration::from_secs(120) {
        let metrics = http.get(format!("{}/metrics", server.base)).send().await.unwrap().text().await.unwrap();
        streams = metrics
            .lines()
            .find_map(|l| l.strip_prefix("cutroom_sse_streams "))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        if streams >= STREAMS as f64 || open.iter().any(|h| h.is_finished()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let opened = started.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let with_streams = server.rss_mb();
    println!();
    println!(
        "{streams:.0} open agent streams (exports waiting in the queue, opened in {:.1} s): server RSS {with_streams:.1} MB ({baseline:.1} MB before them)",
        opened.as_secs_f64()
    );
    let ended = open.iter().filter(|h| h.is_finished()).count();
    if let Some(first) = open.iter().position(|h| h.is_finished()) {
        let body = open.remove(first).await.unwrap_or_default();
        let tail: String = body.chars().skip(body.chars().count().saturating_sub(600)).collect();
        println!("{ended} streams ended early; the first said: {tail}");
    }
    server.stop();
    for h in open {
        h.abort();
    }

    // ---- 3. a 500 MB upload ----
    let server = start(&bin, &work.join("data-upload"));
    ready(&http, &server.base).await;
    let t = token(&http, &server.base).await;
    let sid = session(&http, &server.base, &t).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let baseline = server.rss_mb();
    let pid = server.running.pid();
    let peak = Arc::new(AtomicU64::new(0));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
                if let Some(kb) = status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
                {
                    peak.fetch_max(kb, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    // A valid WAV: a header, then 500 MB of silence, generated as it is sent.
    let data_len = UPLOAD_BYTES - 44;
    let mut header = Vec::with_capacity(44);
    header.extend(b"RIFF");
    header.extend(((data_len + 36) as u32).to_le_bytes());
    header.extend(b"WAVEfmt ");
    header.extend(16u32.to_le_bytes());
    header.extend(1u16.to_le_bytes());
    header.extend(2u16.to_le_bytes());
    header.extend(48_000u32.to_le_bytes());
    header.extend((48_000u32 * 4).to_le_bytes());
    header.extend(4u16.to_le_bytes());
    header.extend(16u16.to_le_bytes());
    header.extend(b"data");
    header.extend((data_len as u32).to_le_bytes());
    let chunk = vec![0u8; 256 * 1024];
    let full = data_len / chunk.len() as u64;
    let rest = (data_len % chunk.len() as u64) as usize;
    let body = futures_util::stream::iter(
        std::iter::once(header)
            .chain((0..full).map(move |_| chunk.clone()))
            .chain(std::iter::once(vec![0u8; rest]))
            .map(Ok::<_, std::io::Error>),
    );
    let part = reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(body), UPLOAD_BYTES)
        .file_name("silence.wav");
    let started = Instant::now();
    let r = http
        .post(format!("{}/api/upload-video/nemo_agent/me/{sid}", server.base))
        .bearer_auth(&t)
        .multipart(reqwest::multipart::Form::new().part("files", part))
        .send()
        .await
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    let v: Value = r.json().await.unwrap();
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.await;
    let peak_mb = peak.load(Ordering::Relaxed) as f64 / 1024.0;
    println!();
    println!(
        "500 MB upload (code {}) in {secs:.1} s ({:.0} MB/s): server RSS {baseline:.1} MB before, {peak_mb:.1} MB peak, growth {:.1} MB",
        v["code"],
        UPLOAD_BYTES as f64 / 1e6 / secs,
        peak_mb - baseline
    );
    server.stop();
    println!();
    println!(
        "targets: p99 < 20 ms (balance {:.2}, state {:.2}); 1,000 streams < 200 MB ({with_streams:.1}); upload growth < 64 MB ({:.1})",
        balance.2,
        state.2,
        peak_mb - baseline
    );
}
