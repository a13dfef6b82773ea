//! `cutroom mcp` as an MCP client drives it: newline-delimited JSON-RPC on a pipe against a
//! real `cutroom serve` — the handshake, the tool list with schemas, upload, an agent turn,
//! the generators, state, export to an H.264 file, credits, a new session, failures as tool
//! results, and a clean exit when stdin closes. Every read has a timeout.

use cutroom_process::{Command, Running};
use cutroom_testkit::api::ServeProcess;
use cutroom_testkit::{fixture, tempdir};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::ChildStdin;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const SECS: fn(u64) -> Duration = Duration::from_secs;

/// `cutroom mcp` on pipes: requests out, messages in (read by a thread, so reads can time out).
struct Mcp {
    running: Running,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    next_id: u64,
    /// Progress notifications seen.
    progress: Vec<Value>,
}

impl Mcp {
    fn start(server: &str, config: &Path, extra: &[&str]) -> Mcp {
        let mut running = Command::new(env!("CARGO_BIN_EXE_cutroom"))
            .args(["mcp", "--server", server])
            .args(extra)
            .env("CUTROOM_CONFIG_DIR", config)
            .env("CUTROOM_LOG", "warn")
            .stdin_piped()
            .spawn()
            .expect("cutroom mcp");
        let stdin = running.take_stdin();
        let stdout = running.take_stdout().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Mcp { running, stdin, lines, next_id: 1, progress: Vec::new() }
    }

    fn send(&mut self, message: Value) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{message}").unwrap();
        stdin.flush().unwrap();
    }

    /// The next message; every line on stdout must be JSON-RPC.
    fn read(&mut self, deadline: Instant, what: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = self.lines.recv_timeout(left).unwrap_or_else(|e| panic!("no answer to {what} in time: {e}"));
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON on stdout: {line:?} ({e})"));
        assert_eq!(v["jsonrpc"], "2.0", "{v}");
        v
    }

    /// Sends a request and waits for its answer, keeping notifications seen meanwhile.
    fn request(&mut self, method: &str, params: Value, timeout: Duration) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + timeout;
        loop {
            let msg = self.read(deadline, method);
            if msg["id"] == id {
                return msg;
            }
            assert!(msg["method"].is_string(), "an answer to no request: {msg}");
            if msg["method"] == "notifications/progress" {
                self.progress.push(msg["params"].clone());
            }
        }
    }

    /// `initialize` and `notifications/initialized`; returns the answer to `initialize`.
    fn initialize(&mut self) -> Value {
        let init = self.request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "cutroom-test", "version": "1"}}),
            SECS(60),
        );
        self.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        init
    }

    /// Calls a tool (asking for progress); returns the result.
    fn call(&mut self, tool: &str, args: Value, timeout: Duration) -> Value {
        let params = json!({"name": tool, "arguments": args, "_meta": {"progressToken": format!("p-{tool}")}});
        let answer = self.request("tools/call", params, timeout);
        assert!(answer.get("error").is_none(), "{tool}: protocol error {answer}");
        answer["result"].clone()
    }

    /// Calls a tool that must succeed.
    fn ok(&mut self, tool: &str, args: Value, timeout: Duration) -> Value {
        let r = self.call(tool, args, timeout);
        assert_eq!(r["isError"], false, "{tool} failed: {}", text(&r));
        r
    }

    /// Closes stdin; the server must exit by itself, successfully.
    fn close(mut self) {
        drop(self.stdin.take());
        let pid = self.running.pid();
        let started = Instant::now();
        while !exited(pid) {
            assert!(started.elapsed() < Duration::from_secs(20), "cutroom mcp did not exit after stdin closed");
            std::thread::sleep(Duration::from_millis(50));
        }
        if let Err(e) = self.running.finish() {
            panic!("cutroom mcp: {e}");
        }
    }
}

/// Gone or a zombie.
fn exited(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit_once(") ").is_none_or(|(_, rest)| rest.starts_with('Z'))
}

/// The text content of a tool result.
fn text(result: &Value) -> String {
    result["content"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn tools_called(result: &Value) -> Vec<String> {
    result["structuredContent"]["tools"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

#[test]
fn an_mcp_client_uploads_edits_generates_and_exports() {
    let data = tempdir();
    let config = tempdir();
    let out = tempdir();
    let bin = Path::new(env!("CARGO_BIN_EXE_cutroom"));
    let server = ServeProcess::start(bin, data.path(), &[("CUTROOM_LOG", "warn"), ("CUTROOM_VIDEO_SHORT_SIDE", "360")]);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(server.api.ready());
    let mut mcp = Mcp::start(&server.api.base, config.path(), &[]);

    // The handshake.
    let init = mcp.initialize();
    let info = &init["result"];
    assert_eq!(info["protocolVersion"], "2025-06-18", "{init}");
    assert_eq!(info["serverInfo"]["name"], "cutroom", "{init}");
    assert_eq!(info["serverInfo"]["version"], env!("CARGO_PKG_VERSION"), "{init}");
    assert!(info["capabilities"]["tools"].is_object(), "{init}");
    let instructions = info["instructions"].as_str().unwrap_or_default();
    assert!(instructions.contains("upload") && instructions.contains("export"), "{instructions}");

    // Every tool, with an object schema for its arguments.
    let list = mcp.request("tools/list", json!({}), SECS(30));
    let tools = list["result"]["tools"].as_array().unwrap_or_else(|| panic!("{list}"));
    let mut names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "credits",
            "export",
            "generate_metadata",
            "generate_music",
            "generate_promo",
            "generate_video",
            "new_session",
            "say",
            "state",
            "upload"
        ]
    );
    for t in tools {
        assert_eq!(t["inputSchema"]["type"], "object", "{t}");
        assert!(t["description"].as_str().is_some_and(|d| d.len() > 40), "{t}");
    }
    let schema = |name: &str| tools.iter().find(|t| t["name"] == name).unwrap()["inputSchema"].to_string();
    assert!(schema("say").contains("\"message\"") && schema("say").contains("\"required\""), "{}", schema("say"));
    assert!(schema("generate_promo").contains("9:16") && schema("generate_promo").contains("duration_s"));
    assert!(schema("export").contains("\"low\"") && schema("export").contains("output_dir"));
    assert!(schema("generate_metadata").contains("bilibili") && schema("generate_metadata").contains("\"zh\""));

    let credits = mcp.ok("credits", json!({}), SECS(60));
    let welcome = credits["structuredContent"]["available"].as_i64().expect("credits");
    assert!(text(&credits).contains("available"), "{credits}");

    // Upload a clip.
    let clip = fixture("mcp-clip.mp4", Some("testsrc2=s=320x180:r=30"), Some("sine=frequency=440"), 3.0);
    let up = mcp.ok("upload", json!({"paths": [clip]}), SECS(120));
    let media = &up["structuredContent"]["media"][0];
    assert_eq!(media["kind"], "video", "{up}");
    assert!(media["duration_ms"].as_u64().is_some_and(|d| d.abs_diff(3000) <= 100), "{up}");
    let media_id = media["media_id"].as_str().unwrap().to_string();
    assert!(text(&up).contains(&media_id), "{}", text(&up));

    // A text file named .mp4 is refused as a tool error with the accepted formats…
    let fake = out.path().join("notes.mp4");
    std::fs::write(&fake, "these are notes, not a video\n").unwrap();
    let bad = mcp.call("upload", json!({"paths": [fake]}), SECS(60));
    assert_eq!(bad["isError"], true, "{bad}");
    assert!(text(&bad).contains("accepted formats") && text(&bad).contains("mp4"), "{}", text(&bad));
    // …as are arguments of the wrong kind and files that are not there; the server goes on.
    let bad = mcp.call("generate_video", json!({"prompt": "waves", "aspect": "4:3"}), SECS(30));
    assert_eq!(bad["isError"], true, "{bad}");
    let bad = mcp.call("upload", json!({"paths": [out.path().join("missing.mp4")]}), SECS(30));
    assert_eq!(bad["isError"], true, "{bad}");
    assert!(text(&bad).contains("no such file"), "{}", text(&bad));
    let unknown = mcp.request("tools/call", json!({"name": "explode", "arguments": {}}), SECS(30));
    assert!(unknown["error"].is_object(), "{unknown}");

    // An agent turn.
    let before = mcp.progress.len();
    let said = mcp.ok("say", json!({"message": "make it vertical"}), SECS(120));
    assert!(tools_called(&said).contains(&"canvas".to_string()), "{said}");
    assert!(text(&said).to_lowercase().contains("vertical"), "{}", text(&said));
    assert!(mcp.progress.len() > before, "the turn reported progress");
    assert!(mcp.progress.iter().all(|p| p["progressToken"].is_string() && p["progress"].is_number()));

    let state = mcp.ok("state", json!({}), SECS(60));
    let st = &state["structuredContent"];
    assert_eq!((st["draft"]["canvas"]["w"].as_u64(), st["draft"]["canvas"]["h"].as_u64()), (Some(1080), Some(1920)));
    assert_eq!(st["media"][0]["media_id"], media_id.as_str(), "{st}");
    assert!(text(&state).contains("Draft JSON") && text(&state).contains("draft version"), "{}", text(&state));

    // The generators: each sentence reaches its tool.
    let music = mcp.ok("generate_music", json!({"style": "lofi", "volume": 0.3}), SECS(300));
    assert!(tools_called(&music).contains(&"music".to_string()), "{music}");
    assert_eq!(music["structuredContent"]["message_sent"], "add lofi background music at 30%");
    assert!(text(&music).contains("New: music"), "{}", text(&music));

    let meta = mcp.ok("generate_metadata", json!({"platform": "youtube", "hint": "a colour test pattern"}), SECS(300));
    assert!(tools_called(&meta).contains(&"metadata".to_string()), "{meta}");
    let m = &meta["structuredContent"]["metadata"];
    assert!(m["titles"].as_array().is_some_and(|t| !t.is_empty()), "{meta}");
    assert!(m["tags"].as_array().is_some_and(|t| !t.is_empty()), "{meta}");
    assert!(text(&meta).contains("Titles:\n1. "), "{}", text(&meta));

    let video = mcp.ok(
        "generate_video",
        json!({"prompt": "waves crashing on rocks at sunset", "duration_s": 2, "aspect": "9:16"}),
        SECS(300),
    );
    assert!(tools_called(&video).contains(&"text_to_video".to_string()), "{video}");
    assert_eq!(
        video["structuredContent"]["message_sent"],
        "generate a 2-second vertical video of waves crashing on rocks at sunset"
    );

    // A prompt the agent cannot read as a video leaves the timeline as it was.
    let draft_before = mcp.ok("state", json!({}), SECS(60))["structuredContent"]["draft"].clone();
    // ("a square video of a cat" reads as "make it square": that edit is taken back.)
    let vague = mcp.call("generate_video", json!({"prompt": "a cat", "aspect": "1:1"}), SECS(120));
    assert_eq!(vague["isError"], true, "{vague}");
    assert!(text(&vague).contains("did not start") && text(&vague).contains("undone"), "{}", text(&vague));
    let draft_after = mcp.ok("state", json!({}), SECS(60))["structuredContent"]["draft"].clone();
    assert_eq!(draft_before, draft_after);

    // Export and download.
    let dir = out.path().join("exports");
    let ex = mcp.ok("export", json!({"quality": "low", "output_dir": dir}), SECS(300));
    let r = &ex["structuredContent"];
    let path = Path::new(r["path"].as_str().expect("a path"));
    assert!(path.is_file() && path.starts_with(&dir), "{ex}");
    assert_eq!(std::fs::metadata(path).unwrap().len(), r["size_bytes"].as_u64().unwrap());
    assert!(r["url"].as_str().is_some_and(|u| u.starts_with("http://")), "{ex}");
    assert!(r["width"].as_u64() < r["height"].as_u64(), "vertical: {ex}");
    let probe = Command::tool(cutroom_process::Tool::Ffprobe)
        .unwrap()
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name", "-of", "csv=p=0"])
        .arg(path)
        .run()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&probe.stdout).trim(), "h264");

    let credits = mcp.ok("credits", json!({}), SECS(60));
    assert!(credits["structuredContent"]["available"].as_i64().unwrap() < welcome, "{credits}");

    // A new session starts empty.
    let old = st["session_id"].as_str().unwrap().to_string();
    let fresh = mcp.ok("new_session", json!({}), SECS(60));
    let sid = fresh["structuredContent"]["session_id"].as_str().unwrap().to_string();
    assert_ne!(sid, old);
    let state = mcp.ok("state", json!({}), SECS(60));
    assert_eq!(state["structuredContent"]["session_id"], sid.as_str());
    assert_eq!(state["structuredContent"]["media"], json!([]));

    // A promo of the clip, square, titled, without its music.
    mcp.ok("upload", json!({"paths": [clip]}), SECS(120));
    let promo = mcp.ok(
        "generate_promo",
        json!({"duration_s": 3, "aspect": "1:1", "title": "Launch Day", "music": false}),
        SECS(300),
    );
    let p = &promo["structuredContent"];
    assert_eq!(
        p["message_sent"],
        "turn this video into a 3-second square promotional clip titled “Launch Day” with transitions"
    );
    assert!(tools_called(&promo).contains(&"promo".to_string()), "{promo}");
    assert!(p["music_removed"]["tools"].to_string().contains("remove_track"), "{promo}");
    let d = &mcp.ok("state", json!({}), SECS(60))["structuredContent"]["draft"];
    assert_eq!((d["canvas"]["w"].as_u64(), d["canvas"]["h"].as_u64()), (Some(1080), Some(1080)), "{d}");
    assert!(d.to_string().contains("Launch Day"), "{d}");
    assert!(!d.to_string().contains("\"bgm\""), "the music is gone: {d}");
    mcp.close();

    // --new-session starts another session before the first call.
    let mut again = Mcp::start(&server.api.base, config.path(), &["--new-session"]);
    again.initialize();
    let state = again.ok("state", json!({}), SECS(60));
    let third = state["structuredContent"]["session_id"].as_str().unwrap().to_string();
    assert!(third != sid && third != old, "{third}");
    again.close();
    server.stop().unwrap();
}
