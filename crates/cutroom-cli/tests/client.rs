//! The client commands as a user runs them, each a `cutroom` process against a real
//! `cutroom serve`: the reference's quick-edit, batch and iterative workflows; credentials
//! kept in the config folder and recovered after 1001 and 1002; keyword routing in both
//! languages; and no output line, ever, showing the token.

use cutroom_process::Command;
use cutroom_testkit::api::ServeProcess;
use cutroom_testkit::{fixture, tempdir};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A server, a user's config folder and working folder, and everything printed.
struct User {
    server: ServeProcess,
    _data: tempfile::TempDir,
    config: tempfile::TempDir,
    work: tempfile::TempDir,
    printed: Vec<String>,
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl User {
    fn new() -> User {
        let data = tempdir();
        let server = ServeProcess::start(Path::new(env!("CARGO_BIN_EXE_cutroom")), &data.path().join("data"), &[]);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(server.api.ready());
        User { server, _data: data, config: tempdir(), work: tempdir(), printed: Vec::new() }
    }

    /// Runs `cutroom ARGS` in the working folder.
    fn run(&mut self, args: &[&str]) -> Run {
        let cmd = Command::new(env!("CARGO_BIN_EXE_cutroom"))
            .args(args)
            .current_dir(self.work.path())
            .env("CUTROOM_SERVER", &self.server.api.base)
            .env("CUTROOM_CONFIG_DIR", self.config.path())
            .env("CUTROOM_LOG", "warn");
        let r = match cmd.run() {
            Ok(o) => Run { ok: true, stdout: String::from_utf8_lossy(&o.stdout).into(), stderr: o.stderr },
            Err(cutroom_process::ProcessError::Failed { stderr, .. }) => {
                Run { ok: false, stdout: String::new(), stderr }
            }
            Err(e) => panic!("{e}"),
        };
        self.printed.push(format!("{}\n{}", r.stdout, r.stderr));
        r
    }

    /// Runs and expects success.
    fn ok(&mut self, args: &[&str]) -> Run {
        let r = self.run(args);
        assert!(r.ok, "cutroom {args:?} failed: {}", r.stderr);
        r
    }

    fn config_file(&self) -> PathBuf {
        self.config.path().join("client.json")
    }

    /// The stored credentials for this server.
    fn stored(&self) -> Value {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(self.config_file()).unwrap()).unwrap();
        v["servers"][&self.server.api.base].clone()
    }

    fn store(&self, key: &str, value: &str) {
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(self.config_file()).unwrap()).unwrap();
        v["servers"][&self.server.api.base][key] = value.into();
        std::fs::write(self.config_file(), v.to_string()).unwrap();
    }

    fn copy_in(&self, from: &Path, name: &str) -> String {
        std::fs::copy(from, self.work.path().join(name)).unwrap();
        name.to_string()
    }

    /// How many anonymous tokens the server has handed out.
    fn tokens_issued(&self) -> u64 {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let text = rt.block_on(async {
            self.server.api.http.get(self.server.api.url("/metrics")).send().await.unwrap().text().await.unwrap()
        });
        text.lines()
            .filter(|l| l.starts_with("cutroom_http_requests_total{route=\"/api/auth/anonymous-token\""))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }

    /// No line printed by any command shows any of `tokens`.
    fn never_printed(&self, tokens: &[String]) {
        for t in tokens.iter().filter(|t| t.len() > 8) {
            for out in &self.printed {
                assert!(!out.contains(t.as_str()), "a token was printed: {out}");
            }
        }
    }
}

/// The saved file named in "Saved PATH (…)".
fn saved(r: &Run, dir: &Path) -> PathBuf {
    let line = r.stdout.lines().find(|l| l.starts_with("Saved ")).unwrap_or_else(|| panic!("{}", r.stdout));
    let path = line.trim_start_matches("Saved ").split(" (").next().unwrap();
    dir.join(path)
}

/// (codec, width, height, seconds) of a file's video.
fn video_facts(path: &Path) -> (String, u32, u32, f64) {
    let p = cutroom_testkit::probe(path).unwrap();
    let v = p.video.expect("a video stream");
    (v.codec, v.display_width, v.display_height, p.duration.unwrap().0 as f64 / 1000.0)
}

fn clip(name: &str, colour: &str) -> PathBuf {
    fixture(name, Some(&format!("color=c={colour}:s=320x180:r=30")), Some("sine=f=440"), 3.0)
}

#[test]
fn quick_edit_turns_a_real_clip_into_a_promo_and_downloads_it() {
    let mut u = User::new();
    let name = u.copy_in(&cutroom_testkit::sample("bigbuckbunny.mp4"), "demo.mp4");
    // A file path alone is an upload; the first use connects.
    let r = u.ok(&["say", &name]);
    assert!(r.stdout.contains("Uploaded demo.mp4 — video"), "{}", r.stdout);
    assert!(r.stderr.contains("Connecting…"), "{}", r.stderr);
    let r = u.ok(&["say", "turn this video into a new short promotional clip with music and transitions"]);
    assert!(r.stderr.contains("· promo"), "{}", r.stderr);
    assert!(r.stdout.contains("Your promo is ready"), "{}", r.stdout);
    let r = u.ok(&["say", "send me the video"]);
    let file = saved(&r, u.work.path());
    let (codec, w, h, secs) = video_facts(&file);
    assert_eq!((codec.as_str(), w, h), ("h264", 1920, 1080), "{}", r.stdout);
    assert!(secs > 3.0, "{secs}");
    assert!(cutroom_testkit::probe(&file).unwrap().audio.is_some(), "the promo has music");
    // One token for all of it, kept where only the user can read it.
    assert_eq!(u.tokens_issued(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(u.config_file()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let token = u.stored()["token"].as_str().unwrap().to_string();
    u.never_printed(&[token]);
}

#[test]
fn batch_three_uploads_three_renders() {
    let mut u = User::new();
    let files: Vec<String> = ["red", "lime", "blue"]
        .iter()
        .map(|c| u.copy_in(&clip(&format!("cli-batch-{c}.mp4"), c), &format!("{c}.mp4")))
        .collect();
    let steps = [
        (&files[0], "make it vertical", "b1.mp4", 3.0),
        (&files[1], "add lime at the end", "b2.mp4", 6.0),
        (&files[2], "put blue.mp4 at the start", "b3.mp4", 9.0),
    ];
    let mut sessions = Vec::new();
    for (file, instruction, out, secs) in steps {
        let r = u.ok(&["upload", file]);
        assert!(r.stdout.contains(&format!("Uploaded {file}")), "{}", r.stdout);
        u.ok(&["say", instruction]);
        let r = u.ok(&["export", "--quality", "low", "--resolution", "360", "-o", out]);
        let (codec, w, h, got) = video_facts(&saved(&r, u.work.path()));
        assert_eq!((codec.as_str(), w, h), ("h264", 360, 640), "{out}");
        assert!((got - secs).abs() < 0.1, "{out}: {got} s, expected {secs}");
        sessions.push(u.stored()["session_id"].clone());
    }
    assert!(sessions.windows(2).all(|w| w[0] == w[1]), "one session: {sessions:?}");
    let status = u.ok(&["status"]).stdout;
    assert!(status.contains("3 clips (0-9s)") && status.matches("media: ").count() == 3, "{status}");
    let token = u.stored()["token"].as_str().unwrap().to_string();
    u.never_printed(&[token]);
}

#[test]
fn iterative_edits_persist_keywords_route_and_credentials_recover() {
    let mut u = User::new();
    let red = u.copy_in(&clip("cli-iter-red.mp4", "red"), "red.mp4");
    u.ok(&["upload", &red]);
    u.ok(&["say", "make it vertical"]);
    let r = u.ok(&["say", "add a title 'Hello'"]);
    assert!(r.stdout.contains("Hello"), "{}", r.stdout);
    u.ok(&["say", "make the title yellow"]);
    // State persists between processes, whichever words ask for it.
    for ask in ["status", "show tracks", "状态"] {
        let r = u.ok(&["say", ask]);
        assert!(r.stdout.contains("Title: \"Hello\"") && r.stdout.contains("draft version"), "{ask}: {}", r.stdout);
        assert!(!r.stderr.contains('·'), "{ask} went to the agent: {}", r.stderr);
    }
    let doc = u.ok(&["status", "--json"]).stdout;
    let state: Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(state["state"]["draft"]["canvas"]["w"], 1080, "{doc}");
    for ask in ["credits", "积分", "balance", "余额"] {
        let r = u.ok(&["say", ask]);
        assert!(r.stdout.starts_with("Credits: "), "{ask}: {}", r.stdout);
    }
    for ask in ["export", "导出", "download"] {
        let r = u.ok(&["say", ask]);
        let (codec, w, h, _) = video_facts(&saved(&r, u.work.path()));
        assert_eq!((codec.as_str(), w, h), ("h264", 1080, 1920), "{ask}");
    }
    let session = u.stored()["session_id"].as_str().unwrap().to_string();

    // 1001: a token the server does not know is replaced, once, and the command works.
    let first = u.stored()["token"].as_str().unwrap().to_string();
    u.store("token", "ct_not_a_real_token_at_all");
    let r = u.ok(&["credits"]);
    assert!(r.stderr.contains("got a new one") && r.stdout.starts_with("Credits: "), "{}{}", r.stdout, r.stderr);
    let second = u.stored()["token"].as_str().unwrap().to_string();
    assert!(second != first && second != "ct_not_a_real_token_at_all");
    // 1002: the new token's account cannot see the old session: a new one is started.
    let r = u.ok(&["status"]);
    assert!(r.stderr.contains("previous session was gone"), "{}", r.stderr);
    assert_ne!(u.stored()["session_id"].as_str().unwrap(), session);
    u.store("session_id", "ses_gone");
    let r = u.ok(&["say", "add a title 'Again'"]);
    assert!(r.stderr.contains("previous session was gone"), "{}", r.stderr);

    // The same conversation, line by line: local answers, agent turns, a failing line
    // that does not end it, and the history kept.
    let chat = Command::new(env!("CARGO_BIN_EXE_cutroom"))
        .arg("chat")
        .current_dir(u.work.path())
        .env("CUTROOM_SERVER", &u.server.api.base)
        .env("CUTROOM_CONFIG_DIR", u.config.path())
        .env("CUTROOM_LOG", "warn")
        .timeout(std::time::Duration::from_secs(120))
        .stdin_piped();
    let mut running = chat.spawn().unwrap();
    let mut stdin = running.take_stdin().unwrap();
    use std::io::Write;
    writeln!(stdin, "upload nothing-here.mp4\nadd a title 'Chat'\n/credits\nshow tracks\n/history\n/quit").unwrap();
    drop(stdin);
    let out = running.finish().unwrap();
    let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), out.stderr);
    u.printed.push(text.clone());
    assert!(text.contains("no such file: nothing-here.mp4"), "{text}");
    assert!(text.contains("Added the title “Chat”") && text.contains("Credits: "), "{text}");
    assert!(text.contains("Timeline (1 track): 1. Title: \"Again\" +1 more"), "{text}");
    assert!(u.ok(&["status", "--json"]).stdout.contains("\"Chat\""));
    assert!(text.contains("  add a title 'Chat'"), "the history: {text}");
    assert!(std::fs::read_to_string(u.config.path().join("history")).unwrap().contains("/credits"));

    // Bad input: a clear sentence, a failing exit, and nothing lost.
    std::fs::write(u.work.path().join("notes.mp4"), "not a video").unwrap();
    let r = u.run(&["upload", "notes.mp4"]);
    assert!(!r.ok && r.stderr.contains("mp4, mov"), "{}", r.stderr);
    let r = u.run(&["upload", "missing.mp4"]);
    assert!(!r.ok && r.stderr.contains("no such file: missing.mp4"), "{}", r.stderr);
    u.never_printed(&[first, second, "ct_not_a_real_token_at_all".into()]);
}
