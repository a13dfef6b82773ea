//! The `cutroom` binary as a user runs it: render, probe, errors.

use cutroom_process::Command;
use cutroom_testkit::{fixture, tempdir};
use std::path::{Path, PathBuf};

fn cutroom() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cutroom")).env("CUTROOM_LOG", "warn")
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn run(cmd: Command) -> Run {
    match cmd.run() {
        Ok(o) => Run { ok: true, stdout: String::from_utf8_lossy(&o.stdout).into(), stderr: o.stderr },
        Err(cutroom_process::ProcessError::Failed { stderr, .. }) => Run { ok: false, stdout: String::new(), stderr },
        Err(e) => panic!("{e}"),
    }
}

/// A folder with two clips and a draft using them.
fn project(draft: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempdir();
    let red =
        fixture("cli-red.mp4", Some("color=c=red:s=320x180:r=30"), Some("sine=frequency=440:sample_rate=48000"), 3.0);
    let blue = fixture("cli-blue.mp4", Some("color=c=blue:s=320x180:r=30"), None, 3.0);
    std::fs::copy(red, dir.path().join("red.mp4")).unwrap();
    std::fs::copy(blue, dir.path().join("it's [blue]; ok.mp4")).unwrap();
    let path = dir.path().join("draft.json");
    std::fs::write(&path, draft).unwrap();
    (dir, path)
}

const GOOD: &str = r#"{"canvas":{"w":180,"h":320},"t":[
  {"tt":0,"sg":[{"src":"red.mp4","d":1500,"transition":{"kind":"wipe_left","d":500}},
                {"src":"it's [blue]; ok.mp4","start":1000,"d":1500,"fit":"contain"}]},
  {"tt":7,"sg":[{"text":"Hi: 100% [out]","d":1000,"style":{"size":20,"pos":"bottom"}}]}]}"#;

#[test]
fn render_writes_a_checked_mp4() {
    let (dir, draft) = project(GOOD);
    let out = dir.path().join("out.mp4");
    let r = run(cutroom().arg("render").arg(&draft).arg("-o").arg(&out));
    assert!(r.ok, "{}", r.stderr);
    assert!(r.stdout.contains("180x320, 75 frames (2.5s)"), "{}", r.stdout);
    let p = cutroom_testkit::probe(&out).unwrap();
    assert_eq!(p.duration.unwrap().0, 2500);
    // As readable as any file the user makes there (a temporary file's 0600 would not be).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, "x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out), mode(&plain));
    }
    // A preview in another folder, media resolved with --media-dir.
    let other = tempdir();
    let prev = other.path().join("p.mp4");
    let r = run(cutroom()
        .arg("render")
        .arg(&draft)
        .arg("-o")
        .arg(&prev)
        .arg("--preview")
        .arg("--media-dir")
        .arg(dir.path()));
    assert!(r.ok, "{}", r.stderr);
    let v = cutroom_testkit::probe(&prev).unwrap().video.unwrap();
    assert_eq!((v.width, v.height), (360, 640));
}

/// An ffmpeg stand-in that records that it ran, complains and fails.
fn fake_ffmpeg(dir: &Path) -> (PathBuf, PathBuf) {
    let marker = dir.join("ffmpeg-ran");
    let script = dir.join("fake-ffmpeg");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ntouch '{}'\necho 'first complaint' >&2\necho 'Conversion failed: the encoder exploded' >&2\nexit 1\n", marker.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, marker)
}

#[test]
fn bad_drafts_are_refused_before_ffmpeg_starts() {
    let cases = [
        (GOOD.replace("\"d\":1000", "\"d\":0"), "t[1].sg[0].d: must be > 0"),
        (GOOD.replace("\"tt\":7", "\"tt\":3"), "t[1].tt: unknown track type 3"),
        (GOOD.replace("red.mp4", "missing.mp4"), "t[0].sg[0].src: media 'missing.mp4' not found"),
        (GOOD.replace("red.mp4", "../red.mp4"), "t[0].sg[0].src: '../red.mp4' must be a relative media id"),
        ("{\"t\": [".to_string(), "not valid JSON"),
    ];
    for (draft, message) in cases {
        let (dir, path) = project(&draft);
        let (ffmpeg, marker) = fake_ffmpeg(dir.path());
        let out = dir.path().join("out.mp4");
        let r = run(cutroom().env("CUTROOM_FFMPEG", &ffmpeg).arg("render").arg(&path).arg("-o").arg(&out));
        assert!(!r.ok);
        assert!(r.stderr.contains(message), "expected {message:?} in {}", r.stderr);
        assert!(!marker.exists(), "ffmpeg ran for {message:?}");
        assert!(!out.exists());
    }
}

#[test]
fn ffmpeg_failure_is_reported_with_its_last_lines() {
    let (dir, path) = project(GOOD);
    let (ffmpeg, marker) = fake_ffmpeg(dir.path());
    let out = dir.path().join("out.mp4");
    let r = run(cutroom().env("CUTROOM_FFMPEG", &ffmpeg).arg("render").arg(&path).arg("-o").arg(&out));
    assert!(!r.ok);
    assert!(marker.exists());
    assert!(r.stderr.contains("first complaint") && r.stderr.contains("the encoder exploded"), "{}", r.stderr);
    assert!(!out.exists());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.iter().all(|n| !n.to_string_lossy().contains(".part")), "{left:?}");
}

#[test]
fn probe_prints_a_summary_or_json() {
    let (dir, _) = project(GOOD);
    let r = run(cutroom().arg("probe").arg(dir.path().join("red.mp4")));
    assert!(r.ok, "{}", r.stderr);
    assert!(r.stdout.contains(": video, 3s, h264 320x180 @ 30 fps, aac 48000 Hz 1 ch"), "{}", r.stdout);
    let r = run(cutroom().arg("probe").arg("--json").arg(dir.path().join("it's [blue]; ok.mp4")));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["kind"], "video");
    assert_eq!(v["duration"], 3000);
    assert!(v["audio"].is_null());
    std::fs::write(dir.path().join("fake.mp4"), "hello").unwrap();
    let r = run(cutroom().arg("probe").arg(dir.path().join("fake.mp4")));
    assert!(!r.ok);
    assert!(r.stderr.contains("not a video, image or audio file"), "{}", r.stderr);
}

#[test]
fn help_lists_the_commands() {
    let r = run(cutroom().arg("--help"));
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn analyze_reports_shots_sound_and_tags_and_caches() {
    let dir = tempdir();
    let clip = fixture(
        "cli-two-shots.mp4",
        Some(
            "testsrc2=s=320x240:r=30,trim=duration=1.5[a];color=c=red:s=320x240:r=30,trim=duration=1.5[b];[a][b]concat=n=2[out0]",
        ),
        Some("sine=frequency=440:sample_rate=48000"),
        3.0,
    );
    let cache = dir.path().join("cache");
    let r = run(cutroom().arg("analyze").arg("--json").arg("--cache-dir").arg(&cache).arg(&clip));
    assert!(r.ok, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let shots = v["shots"].as_array().unwrap();
    assert_eq!(shots.len(), 2);
    for key in ["start_ms", "end_ms", "score", "sharpness", "brightness", "motion", "palette", "keyframe"] {
        assert!(!shots[0][key].is_null(), "shots[0].{key} missing");
    }
    assert_eq!(shots[1]["start_ms"], 1500);
    for key in ["lufs", "bpm", "beats_ms", "silences"] {
        assert!(v["audio"].get(key).is_some(), "audio.{key} missing");
    }
    assert!(v["tags"]["words"].as_array().is_some_and(|w| !w.is_empty()));
    let r = run(cutroom().arg("analyze").arg("--cache-dir").arg(&cache).arg(&clip));
    assert!(r.stdout.contains("2 shots, 1 transition") && r.stdout.contains("from the cache"), "{}", r.stdout);
    let r = run(cutroom().arg("analyze").arg(dir.path().join("missing.mp4")));
    assert!(!r.ok && r.stderr.contains("file not found"), "{}", r.stderr);
}

/// Runs `cutroom music … --json` and returns its report.
fn music(args: &[&str], cache: &Path) -> serde_json::Value {
    let mut cmd = cutroom().env("CUTROOM_CACHE_DIR", cache).arg("music").arg("--json");
    for a in args {
        cmd = cmd.arg(a);
    }
    let r = run(cmd);
    assert!(r.ok, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn music_follows_the_footage_and_the_flags() {
    let dir = tempdir();
    let cache = dir.path().join("cache");
    // "name=options": the size and rate go first, the source's own options after.
    let shot = |src: &str, tag: &str| {
        let (name, opts) = src.split_once('=').map_or((src, String::new()), |(n, o)| (n, format!(":{o}")));
        format!("{name}=s=320x240:r=30{opts},trim=duration=1,setpts=PTS-STARTPTS[{tag}]")
    };
    // Six different moving shots in 6 s, and one still picture held for 6 s.
    let fast = fixture(
        "cli-fast-cuts.mp4",
        Some(&format!(
            "{};{};{};{};{};{};[a][b][c][d][e][f]concat=n=6[out0]",
            shot("testsrc2", "a"),
            shot("cellauto=seed=1", "b"),
            shot("mandelbrot", "c"),
            shot("life=seed=1", "d"),
            shot("smptebars", "e"),
            shot("rgbtestsrc", "f"),
        )),
        None,
        6.0,
    );
    let slow = fixture("cli-still.mp4", Some("color=c=0x4060a0:s=320x240:r=30"), None, 6.0);
    let out = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    let f = music(&["--for", fast.to_str().unwrap(), "--style", "lofi", "--seed", "7", "-o", &out("f.wav")], &cache);
    let s = music(&["--for", slow.to_str().unwrap(), "--style", "lofi", "--seed", "7", "-o", &out("s.wav")], &cache);
    assert!(f["bpm"].as_f64() > s["bpm"].as_f64(), "fast cuts {} BPM, a still {} BPM", f["bpm"], s["bpm"]);
    assert!(f["footage"]["cuts_per_minute"].as_f64().unwrap() > 30.0, "{}", f["footage"]);
    // Left to choose, busy footage gets a livelier style than a still picture.
    let f2 = music(&["--for", fast.to_str().unwrap(), "--seed", "7", "-o", &out("f2.wav")], &cache);
    let s2 = music(&["--for", slow.to_str().unwrap(), "--seed", "7", "-o", &out("s2.wav")], &cache);
    assert!(f2["bpm"].as_f64().unwrap() > s2["bpm"].as_f64().unwrap() + 20.0, "{} vs {}", f2["bpm"], s2["bpm"]);
    // The music lasts as long as the video, and the WAV says so.
    let wav = cutroom_media::probe(Path::new(&out("f.wav"))).unwrap();
    assert!((wav.duration.unwrap().0 as i64 - 6000).abs() <= 50, "{:?}", wav.duration);
    // The beat grid comes with it: one beat every 60/BPM seconds across the video.
    let beats: Vec<f64> = f["beats_ms"].as_array().unwrap().iter().map(|b| b.as_f64().unwrap()).collect();
    let period = 60_000.0 / f["bpm"].as_f64().unwrap();
    assert!(beats.windows(2).all(|w| (w[1] - w[0] - period).abs() <= 2.0), "{beats:?}");
    assert!(beats[0] <= 1.0 && 6000.0 - beats[beats.len() - 1] <= period + 1.0, "{beats:?}");

    // Without a video: --duration, --bpm; the same seed makes the same file.
    let a = music(&["--duration", "5", "--style", "pop", "--bpm", "100", "--seed", "3", "-o", &out("a.wav")], &cache);
    let b = music(&["--duration", "5", "--style", "欢快", "--bpm", "100", "--seed", "3", "-o", &out("b.wav")], &cache);
    assert_eq!(
        (a["bpm"].as_f64(), a["duration_ms"].as_u64(), a["style"].as_str()),
        (Some(100.0), Some(5000), Some("pop"))
    );
    assert_eq!(b["style"], "pop", "欢快 is upbeat pop");
    assert_eq!(std::fs::read(out("a.wav")).unwrap(), std::fs::read(out("b.wav")).unwrap());
    let c = music(&["--duration", "5", "--style", "pop", "--bpm", "100", "--seed", "4", "-o", &out("c.wav")], &cache);
    assert_eq!(c["seed"], 4);
    assert_ne!(std::fs::read(out("a.wav")).unwrap(), std::fs::read(out("c.wav")).unwrap());
    // Bad requests are explained.
    let r = run(cutroom().arg("music").arg("--style").arg("polka").arg("-o").arg(out("x.wav")));
    assert!(!r.ok && r.stderr.contains("unknown style 'polka'"), "{}", r.stderr);
    let r = run(cutroom().arg("music").arg("--duration").arg("0").arg("-o").arg(out("x.wav")));
    assert!(!r.ok && r.stderr.contains("1–1800 seconds"), "{}", r.stderr);
    let r = run(cutroom().arg("music").arg("--bpm").arg("500").arg("-o").arg(out("x.wav")));
    assert!(!r.ok && r.stderr.contains("40–220 BPM"), "{}", r.stderr);
}

#[test]
fn promo_makes_a_vertical_video_with_its_draft_and_music() {
    let dir = tempdir();
    let a = fixture("cli-promo-a.mp4", Some("testsrc2=s=640x360:r=30"), Some("sine=f=300"), 5.0);
    let b = fixture("cli-promo-b.mp4", Some("mandelbrot=s=640x360:r=30"), None, 5.0);
    let out = dir.path().join("promo.mp4");
    let r = run(cutroom()
        .env("CUTROOM_CACHE_DIR", dir.path().join("cache"))
        .arg("promo")
        .arg(&a)
        .arg(&b)
        .args(["--duration", "6", "--aspect", "9:16", "--title", "Summer Sale", "--style", "pop", "--seed", "2"])
        .arg("-o")
        .arg(&out));
    assert!(r.ok, "{}", r.stderr);
    let p = cutroom_media::probe(&out).unwrap();
    let v = p.video.as_ref().unwrap();
    assert_eq!((v.display_width, v.display_height), (1080, 1920));
    assert!((p.duration.unwrap().0 as i64 - 6000).abs() <= 500, "{:?}", p.duration);
    assert!(p.has_audio());
    let draft: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("promo.draft.json")).unwrap()).unwrap();
    let texts: Vec<&str> = draft["t"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["sg"].as_array().unwrap())
        .filter_map(|s| s["text"].as_str())
        .collect();
    assert_eq!(texts, ["Summer Sale"]);
    assert!(dir.path().join("promo.music.wav").is_file());
    let r = run(cutroom().arg("promo").arg(&a).args(["--aspect", "3:7", "-o"]).arg(dir.path().join("x.mp4")));
    assert!(!r.ok && r.stderr.contains("unknown aspect '3:7'"), "{}", r.stderr);
}

#[test]
fn reedit_reverses_the_shots_of_a_clip_and_fits_a_length() {
    let dir = tempdir();
    let part = |c: &str, tag: &str| {
        format!(
            "color=c={c}:s=320x180:r=30,drawbox=x='mod(t*80,280)':y=70:w=40:h=40:color=white:t=fill,trim=duration=2,setpts=PTS-STARTPTS[{tag}]"
        )
    };
    let graph = format!("{};{};{};[r][g][b]concat=n=3[out0]", part("red", "r"), part("lime", "g"), part("blue", "b"));
    let clip = fixture("cli-three-shots.mp4", Some(&graph), Some("sine=f=330"), 6.0);
    let out = dir.path().join("re.mp4");
    let r = run(cutroom()
        .env("CUTROOM_CACHE_DIR", dir.path().join("cache"))
        .arg("reedit")
        .arg(&clip)
        .args(["--reorder", "reverse", "--duration", "4.5", "-o"])
        .arg(&out));
    assert!(r.ok, "{}", r.stderr);
    assert!(r.stdout.contains("from scenes 3,2,1"), "{}", r.stdout);
    let p = cutroom_media::probe(&out).unwrap();
    assert!(p.duration.unwrap().0.abs_diff(4_500) <= 40, "{:?}", p.duration);
    let first = cutroom_testkit::frame_at(&out, 0.2).mean(0, 0, 60, 180);
    let last = cutroom_testkit::frame_at(&out, 4.3).mean(0, 0, 60, 180);
    assert!(first[2] > 150.0 && first[0] < 80.0, "opens on the blue shot: {first:?}");
    assert!(last[0] > 150.0 && last[2] < 80.0, "ends on the red shot: {last:?}");
    assert!(dir.path().join("re.draft.json").is_file());
    let bad = |args: &[&str], says: &str| {
        let r = run(cutroom()
            .env("CUTROOM_CACHE_DIR", dir.path().join("cache"))
            .arg("reedit")
            .arg(&clip)
            .args(args)
            .arg("-o")
            .arg(dir.path().join("x.mp4")));
        assert!(!r.ok && r.stderr.contains(says), "{args:?}: {}", r.stderr);
    };
    bad(&["--reorder", "sideways"], "unknown order 'sideways'");
    bad(&["--remove", "9"], "there is no scene 9: the draft has 3");
    bad(&["--pace", "9"], "--pace must be faster, slower or a factor");
    bad(&["--sync"], "--sync needs music on the draft");
}

#[test]
fn generate_prints_the_scene_and_writes_the_clip() {
    let dir = tempdir();
    let out = dir.path().join("snow.mp4");
    let r = run(cutroom()
        .arg("generate")
        .arg("a snowy forest at dusk, static camera, with the words 'Winter Sale'")
        .args(["--duration", "2", "--aspect", "9:16", "--seed", "4", "--size", "360", "-o"])
        .arg(&out));
    assert!(r.ok, "{}", r.stderr);
    for said in ["forest", "sunset", "snow", "camera static", "2 s", "9:16", "Winter Sale", "seed 4"] {
        assert!(r.stdout.contains(said), "{said}: {}", r.stdout);
    }
    let p = cutroom_media::probe(&out).unwrap();
    let v = p.video.unwrap();
    assert_eq!((v.width, v.height), (360, 640));
    assert!(p.duration.unwrap().0.abs_diff(2_000) <= 40, "{:?}", p.duration);
    // The same seed draws the same picture.
    let again = dir.path().join("again.mp4");
    let json = run(cutroom()
        .arg("generate")
        .arg("a snowy forest at dusk, static camera, with the words 'Winter Sale'")
        .args(["--duration", "2", "--aspect", "9:16", "--seed", "4", "--size", "360", "--json", "-o"])
        .arg(&again));
    assert!(json.ok, "{}", json.stderr);
    let facts: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(facts["scene"]["weather"], "snow");
    let (a, b) = (cutroom_testkit::frame_at(&out, 0.0), cutroom_testkit::frame_at(&again, 0.0));
    assert!((a.mean_luma(0, 0, 360, 640) - b.mean_luma(0, 0, 360, 640)).abs() < 0.5);
    let bad = |args: &[&str], says: &str| {
        let r = run(cutroom().arg("generate").arg("a city").args(args).arg("-o").arg(dir.path().join("x.mp4")));
        assert!(!r.ok && r.stderr.contains(says), "{args:?}: {}", r.stderr);
    };
    bad(&["--duration", "90"], "--duration must be 1–60 seconds");
    bad(&["--aspect", "3:2"], "unknown aspect '3:2'");
    bad(&["--model-url", "ftp://x"], "is not an http(s) URL");
    assert!(!dir.path().join("x.mp4").exists());
}

#[test]
fn meta_writes_titles_chapters_and_tags_for_a_clip() {
    let dir = tempdir();
    let part = |c: &str, tag: &str| format!("color=c={c}:s=320x180:r=30,trim=duration=12,setpts=PTS-STARTPTS[{tag}]");
    let graph = format!("{};{};{};[r][g][b]concat=n=3[out0]", part("red", "r"), part("lime", "g"), part("blue", "b"));
    let clip = fixture("cli-meta-36s.mp4", Some(&graph), None, 36.0);
    let run_meta = |args: &[&str]| {
        run(cutroom().env("CUTROOM_CACHE_DIR", dir.path().join("cache")).arg("meta").arg(&clip).args(args))
    };
    let r = run_meta(&["--hint", "A colour test card for the Studio Lights review", "--json"]);
    assert!(r.ok, "{}", r.stderr);
    let m: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(m["titles"].as_array().unwrap().len() >= 3, "{m}");
    let starts: Vec<u64> = m["chapters"].as_array().unwrap().iter().map(|c| c["start_ms"].as_u64().unwrap()).collect();
    assert_eq!(starts.len(), 3, "{m}");
    assert_eq!(starts[0], 0);
    assert!(starts[1].abs_diff(12_000) <= 100 && starts[2].abs_diff(24_000) <= 100, "{starts:?}");
    assert!(m["description"].as_str().unwrap().contains("0:12"), "{m}");
    let tags = m["tags"].to_string().to_lowercase();
    assert!(tags.contains("studio") && tags.contains("lights"), "{tags}");
    let r = run_meta(&["--hint", "彩色测试卡，灯光评测", "--platform", "bilibili"]);
    assert!(r.ok && r.stdout.contains("灯光"), "{}{}", r.stdout, r.stderr);
    let r = run_meta(&["--platform", "myspace"]);
    assert!(!r.ok && r.stderr.contains("unknown platform 'myspace'"), "{}", r.stderr);
    // Subtitles count as what is said; a file that is not one is refused.
    let vtt = dir.path().join("talk.vtt");
    std::fs::write(&vtt, "WEBVTT\n\n00:01.000 --> 00:04.000\nOur lighthouse keeper climbs the lighthouse stairs\n")
        .unwrap();
    let r = run_meta(&["--captions", vtt.to_str().unwrap(), "--json"]);
    assert!(r.ok && r.stdout.to_lowercase().contains("lighthouse"), "{}{}", r.stdout, r.stderr);
    let r = run_meta(&["--captions", clip.to_str().unwrap()]);
    assert!(!r.ok && r.stderr.contains("not an SRT or WebVTT subtitle file"), "{}", r.stderr);
}

/// The agent skill in the repository: Agent Skills frontmatter, the five jobs, and only
/// commands and flags the binary has.
#[test]
fn the_agent_skill_names_real_commands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../skills/cutroom");
    let text = std::fs::read_to_string(root.join("SKILL.md")).unwrap();
    let front = text.strip_prefix("---\n").and_then(|t| t.split_once("\n---\n")).expect("YAML frontmatter").0;
    let field = |k: &str| front.lines().find_map(|l| l.strip_prefix(&format!("{k}: "))).map(str::trim);
    assert_eq!(field("name"), Some("cutroom"), "the name matches the folder");
    let description = field("description").expect("a description");
    assert!(description.len() <= 1024 && description.contains("promo") && description.contains("music"));
    for job in ["promo", "a sentence", "re-edit", "music", "metadata"] {
        assert!(text.contains(job), "the skill covers {job}");
    }
    let mut checked = 0;
    let mut in_code = false;
    let code: Vec<&str> = text
        .lines()
        .filter(|l| {
            if l.starts_with("```") {
                in_code = !in_code;
            }
            in_code
        })
        .collect();
    for line in code.into_iter().filter(|l| l.starts_with("cutroom ")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let r = run(cutroom().args([words[1], "--help"]));
        assert!(r.ok, "`{line}`: {}", r.stderr);
        for flag in words.iter().filter(|w| w.starts_with("--")) {
            assert!(r.stdout.contains(*flag), "`{line}`: cutroom {} has no {flag}", words[1]);
        }
        checked += 1;
    }
    assert!(checked >= 5, "{checked} commands checked");
}
