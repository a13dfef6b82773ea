//! Service benchmark, against a real `cutroom serve` on loopback:
//! 1. requests/second and p50/p99 latency of `credits/balance` and `state/latest` with 64
//!    concurrent connections (targets: p99 < 20 ms);
//! 2. the server's resident memory holding 1,000 open agent streams — each a chat export
//!    waiting in the render queue, with heartbeats (target: under 200 MB);
//! 3. its memory growth while one 500 MB upload streams in (target: under 64 MB).
//!
//! Usage: bench/serve.sh

use cutroom_media::synth::{Synth, synthesize};
use cutroom_testkit::api::{Api, ServeProcess, rss_kib};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 64;
const STREAMS: usize = 1000;
const UPLOAD_BYTES: u64 = 500_000_000;

async fn start(bin: &Path, data: &Path) -> ServeProcess {
    let env = [("CUTROOM_LOG", "error"), ("CUTROOM_RATE_LIMIT", "100000000"), ("CUTROOM_HEARTBEAT_SECS", "10")];
    let server = ServeProcess::start(bin, data, &env);
    server.api.ready().await;
    server
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

/// Applies JSON edit operations through the agent; they must be applied.
async fn edit(api: &Api, t: &str, sid: &str, ops: Value) {
    let events = api.say(t, sid, &ops.to_string()).await;
    let last = events.last().map(|e| e["content"]["parts"][0]["text"].to_string()).unwrap_or_default();
    assert!(last.contains("applied"), "the edit was refused: {last}");
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

/// 1. Throughput and latency of the two read endpoints; returns their p99s.
async fn read_load(bin: &Path, work: &Path, clip: &Path) -> (f64, f64) {
    let server = start(bin, &work.join("data-load")).await;
    let api = &server.api;
    let t = api.token().await;
    let sid = api.session(&t).await;
    let media = api.upload_file(&t, &sid, clip).await;
    let ops = json!([{"op": "add_track", "tt": 0}, {"op": "add_segment", "track": 0, "segment": {"src": media, "d": 900}}, {"op": "add_text", "text": "Bench", "start": 0, "d": 500}]);
    edit(api, &t, &sid, ops).await;
    println!("{CONNECTIONS} concurrent connections, 5 s each (load generator on the same machine):");
    let balance = load("credits/balance", api.url("/api/credits/balance/simple"), &t, 5).await;
    let state = load("state/latest", api.url(&format!("/api/state/nemo_agent/me/{sid}/latest")), &t, 5).await;
    println!("server RSS after the load: {:.1} MB", server.rss_mb());
    let _ = server.stop();
    (balance.2, state.2)
}

/// 2. The server's RSS with 1,000 agent streams open: exports queued behind a long one.
async fn open_streams(bin: &Path, work: &Path, clip: &Path, long_clip: &Path) -> f64 {
    let server = start(bin, &work.join("data-streams")).await;
    let api = &server.api;
    let t = api.token().await;
    let sid0 = api.session(&t).await;
    let media = api.upload_file(&t, &sid0, clip).await;
    // The first export is long (an hour of 1080p), so the others wait behind it.
    let minute = api.upload_file(&t, &sid0, long_clip).await;
    let mut ops = vec![json!({"op": "canvas", "w": 1920, "h": 1080}), json!({"op": "add_track", "tt": 0})];
    ops.extend((0..60).map(
        |i| json!({"op": "add_segment", "track": 0, "segment": {"src": minute, "start": i * 60_000, "d": 60_000}}),
    ));
    edit(api, &t, &sid0, Value::Array(ops)).await;
    let short = json!([{"op": "canvas", "w": 160, "h": 90}, {"op": "add_track", "tt": 0}, {"op": "add_segment", "track": 0, "segment": {"src": media, "d": 500}}]);
    let sessions: Vec<String> = futures_util::stream::iter(0..STREAMS - 1)
        .map(|_| {
            let (api, t, short) = (api.clone(), t.clone(), short.clone());
            async move {
                let sid = api.session(&t).await;
                edit(&api, &t, &sid, short).await;
                sid
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let baseline = server.rss_mb();
    let streams_api =
        Api { http: reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap(), ..api.clone() };
    let open_stream = |sid: String, first: Option<tokio::sync::oneshot::Sender<()>>| {
        let (api, t) = (streams_api.clone(), t.clone());
        tokio::spawn(async move {
            let mut body = api.message(&t, &sid, "export").await.bytes_stream();
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
        let metrics = api.http.get(api.url("/metrics")).send().await.unwrap().text().await.unwrap();
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
    let _ = server.stop();
    for h in open {
        h.abort();
    }
    with_streams
}

/// A WAV header for `data_len` bytes of 16-bit stereo at 48 kHz.
fn wav_header(data_len: u64) -> Vec<u8> {
    let mut h = Vec::with_capacity(44);
    h.extend(b"RIFF");
    h.extend(((data_len + 36) as u32).to_le_bytes());
    h.extend(b"WAVEfmt ");
    h.extend(16u32.to_le_bytes());
    h.extend(1u16.to_le_bytes());
    h.extend(2u16.to_le_bytes());
    h.extend(48_000u32.to_le_bytes());
    h.extend((48_000u32 * 4).to_le_bytes());
    h.extend(4u16.to_le_bytes());
    h.extend(16u16.to_le_bytes());
    h.extend(b"data");
    h.extend((data_len as u32).to_le_bytes());
    h
}

/// 3. The server's RSS growth while a 500 MB upload streams in.
async fn big_upload(bin: &Path, work: &Path) -> f64 {
    let server = start(bin, &work.join("data-upload")).await;
    let api = &server.api;
    let t = api.token().await;
    let sid = api.session(&t).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let baseline = server.rss_mb();
    let pid = server.pid();
    let peak = Arc::new(AtomicU64::new(0));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    // A valid WAV: a header, then 500 MB of silence, generated as it is sent.
    let data_len = UPLOAD_BYTES - 44;
    let chunk = vec![0u8; 256 * 1024];
    let full = data_len / chunk.len() as u64;
    let rest = (data_len % chunk.len() as u64) as usize;
    let body = futures_util::stream::iter(
        std::iter::once(wav_header(data_len))
            .chain((0..full).map(move |_| chunk.clone()))
            .chain(std::iter::once(vec![0u8; rest]))
            .map(Ok::<_, std::io::Error>),
    );
    let part = reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(body), UPLOAD_BYTES)
        .file_name("silence.wav");
    let started = Instant::now();
    let r = api
        .post_raw(&format!("/api/upload-video/nemo_agent/me/{sid}"), Some(&t))
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
    let _ = server.stop();
    peak_mb - baseline
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().join("cutroom");
    let work = exe.parent().unwrap().join("bench-serve");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let clip = work.join("clip.mp4");
    let tone = Some("sine=frequency=440:sample_rate=48000");
    synthesize(&Synth { video: Some("testsrc2=s=160x90:r=30"), audio: tone, secs: 1.0 }, &clip).unwrap();
    let long_clip = work.join("minute.mp4");
    synthesize(&Synth { video: Some("testsrc2=s=320x180:r=30"), audio: None, secs: 60.0 }, &long_clip).unwrap();

    let (balance, state) = read_load(&bin, &work, &clip).await;
    let streams = open_streams(&bin, &work, &clip, &long_clip).await;
    let growth = big_upload(&bin, &work).await;
    println!();
    println!(
        "targets: p99 < 20 ms (balance {balance:.2}, state {state:.2}); 1,000 streams < 200 MB ({streams:.1}); upload growth < 64 MB ({growth:.1})"
    );
}
