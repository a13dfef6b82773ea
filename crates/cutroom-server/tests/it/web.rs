//! The web studio: its files served from the binary, and the page in a real browser —
//! Playwright (`web-tests/studio.mjs`, playwright-core driving the system's Chromium)
//! uploads, sees a bad file refused, edits through the chat, watches the timeline, exports
//! and downloads; the downloaded MP4 is checked with ffprobe. Screenshots of the main states
//! are kept in `target/web-screenshots/`.

use super::*;
use cutroom_process::Command;
use std::path::Path;

#[tokio::test]
async fn the_page_and_its_files_are_served() {
    let s = Server::start().await;
    let page = s.http.get(s.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let etag = page.headers()["etag"].clone();
    let html = page.text().await.unwrap();
    assert!(html.contains("/web/") && html.contains("type=\"module\""), "{html}");
    let again = s.http.get(s.url("/")).header("If-None-Match", etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    for (file, kind) in [("/web/app.js", "javascript"), ("/web/style.css", "text/css")] {
        let r = s.http.get(s.url(file)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{file}");
        assert!(r.headers()["content-type"].to_str().unwrap().contains(kind), "{file}");
    }
    for bad in ["/web/nope.js", "/web/../Cargo.toml", "/web/%2e%2e/src/lib.rs"] {
        let r = s.http.get(s.url(bad)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{bad}");
    }
    // The API's own answers are unchanged.
    let (code, v) = s.get("/api/nothing", "x").await;
    assert_eq!((code, v["code"].as_i64()), (404, Some(1002)), "{v}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_studio_edits_and_exports_in_a_browser() {
    let s = Server::start().await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = root.join("web-tests/studio.mjs");
    assert!(
        root.join("web-tests/node_modules/playwright-core").is_dir(),
        "the browser-test driver is missing: run scripts/setup.sh"
    );
    let clip = |name: &str, colour: &str| {
        cutroom_testkit::fixture(name, Some(&format!("color=c={colour}:s=640x360:r=30")), Some("sine=f=330"), 3.0)
    };
    let (a, b) = (clip("web-red-3s.mp4", "red"), clip("web-blue-3s.mp4", "blue"));
    let work = cutroom_testkit::tempdir();
    let bad = work.path().join("notes.txt");
    std::fs::write(&bad, "these are notes, not a video").unwrap();
    let shots = root.join("target/web-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let out = work.path().join("studio-export.mp4");
    let cmd = Command::new("node")
        .arg(&script)
        .arg(&s.api.base)
        .arg(&a)
        .arg(&b)
        .arg(&bad)
        .arg(&shots)
        .arg(&out)
        .timeout(std::time::Duration::from_secs(420));
    let ran = tokio::task::spawn_blocking(move || cmd.run()).await.unwrap();
    let output = match ran {
        Ok(o) => o,
        Err(e) => panic!("the browser test failed: {e}\n{}", e.stderr_tail().unwrap_or_default()),
    };
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let last: Value = serde_json::from_str(stdout.lines().last().unwrap_or("{}")).unwrap_or(Value::Null);
    assert_eq!(last["ok"], json!(true), "{stdout}\n{}", output.stderr);
    for name in [
        "01-connected.png",
        "03-uploaded.png",
        "04-after-turn.png",
        "05-exported.png",
        "06-reloaded.png",
        "07-phone.png",
    ] {
        assert!(shots.join(name).metadata().is_ok_and(|m| m.len() > 1000), "screenshot {name}");
    }
    let probe = cutroom_testkit::probe(&out).expect("the downloaded MP4");
    let v = probe.video.expect("a video stream");
    assert_eq!((v.codec.as_str(), v.display_width, v.display_height), ("h264", 1080, 1920));
    s.stop().await;
}

/// The page's event-stream parser against the same cases as the Rust client's (chunks
/// split anywhere, `\r\n`, a character cut in two, heartbeats).
#[test]
fn the_pages_stream_parser_passes_its_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let run = Command::new("node")
        .args(["--test", "sse.test.mjs"])
        .current_dir(root.join("web-tests"))
        .timeout(std::time::Duration::from_secs(60))
        .run();
    if let Err(e) = run {
        panic!("node --test sse.test.mjs failed: {e}\n{}", e.stderr_tail().unwrap_or_default());
    }
}
