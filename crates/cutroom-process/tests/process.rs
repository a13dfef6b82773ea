//! Process runner behaviour, driven with the POSIX shell.

use cutroom_process::{Cancel, Command, ProcessError, Tool, locate_in};
use std::time::{Duration, Instant};

fn sh(script: &str) -> Command {
    Command::new("sh").arg("-c").arg(script)
}

fn alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn collects_stdout_and_stderr_tail() {
    let out = sh("printf 'a\\nb\\n'; echo warn >&2").run().unwrap();
    assert_eq!(out.stdout, b"a\nb\n");
    assert_eq!(out.stderr, "warn");
    assert!(out.peak_rss_kib > 0);
}

#[test]
fn failure_carries_the_last_stderr_lines() {
    let err = sh("for i in $(seq 1 100); do echo line$i >&2; done; exit 3").run().unwrap_err();
    match &err {
        ProcessError::Failed { status, stderr, .. } => {
            assert_eq!(status, "exit code 3");
            assert!(stderr.ends_with("line100"));
            assert!(!stderr.contains("line1\n"));
            assert!(stderr.lines().count() <= 30);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.code(), "process_failed");
    assert!(err.to_string().contains("line99"));
}

#[test]
fn timeout_kills() {
    let t = Instant::now();
    let err = sh("echo started >&2; sleep 30").timeout(Duration::from_millis(300)).run().unwrap_err();
    assert!(matches!(err, ProcessError::TimedOut { .. }), "{err:?}");
    assert!(err.stderr_tail().unwrap().contains("started"));
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn cancel_kills() {
    let cancel = Cancel::new();
    let c2 = cancel.clone();
    let t = Instant::now();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        c2.cancel();
    });
    let err = sh("sleep 30").cancel(&cancel).run().unwrap_err();
    assert!(matches!(err, ProcessError::Cancelled { .. }), "{err:?}");
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn dropping_a_running_process_kills_it() {
    let running = sh("sleep 30").spawn().unwrap();
    let pid = running.pid();
    assert!(alive(pid));
    drop(running);
    assert!(!alive(pid), "process {pid} survived its handle");
}

#[test]
fn streams_lines_and_stdin() {
    let mut seen = Vec::new();
    sh("for i in 1 2 3; do echo n=$i; done").run_lines(|l| seen.push(l.to_string())).unwrap();
    assert_eq!(seen, ["n=1", "n=2", "n=3"]);

    let mut running = sh("wc -c").stdin_piped().spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = running.take_stdin().unwrap();
        stdin.write_all(&[0u8; 100_000]).unwrap();
    }
    let out = running.finish().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "100000");
}

#[test]
fn arguments_are_never_interpreted_by_a_shell() {
    let hostile = "'; touch /tmp/cutroom-pwned; echo '$(id)`id`";
    let out = Command::new("printf").arg("%s").arg(hostile).run().unwrap();
    assert_eq!(out.stdout, hostile.as_bytes());
    assert!(!std::path::Path::new("/tmp/cutroom-pwned").exists());
}

#[test]
fn missing_programs_are_typed_errors() {
    let err = Command::new("/nonexistent/cutroom-tool").run().unwrap_err();
    assert!(matches!(err, ProcessError::NotFound { .. }), "{err:?}");
    // The override must point at an executable; without one, PATH is searched.
    let err = locate_in(Tool::Ffprobe, Some("/nonexistent/ffprobe".into()), None).unwrap_err();
    assert!(err.to_string().contains("CUTROOM_FFPROBE points at /nonexistent/ffprobe"), "{err}");
    let err = locate_in(Tool::Ffmpeg, None, Some("/nonexistent".into())).unwrap_err();
    assert!(err.to_string().contains("scripts/setup.sh"), "{err}");
    let sh_dir = locate_in(Tool::Ffmpeg, Some("/bin/sh".into()), None).unwrap();
    assert_eq!(sh_dir, std::path::PathBuf::from("/bin/sh"));
}
