//! Promo benchmark: the end-to-end time of `cutroom promo` turning a 2-minute 1080p source
//! into a 20 s 9:16 promo (analysis + music + render), against the target of 60 s, and as a
//! multiple of the source's real-time length (120 s). Each run gets a fresh, empty analysis
//! cache, so no run is free. The source is generated once per invocation: 15 visually
//! different shots of 7–10 s, three of them bad (black, heavily blurred, underexposed),
//! with a sound track.
//!
//! Usage: bench/promo.sh [RUNS]   (builds release binaries, then runs this; default 1 run)

use cutroom_media::probe;
use cutroom_process::{Command, Tool};
use std::path::Path;
use std::time::{Duration, Instant};

const SOURCE_SECS: f64 = 120.0;
const PROMO_SECS: f64 = 20.0;
const TARGET_SECS: f64 = 60.0;

/// The shots of the source: (what it shows, seconds, the lavfi source chain before it is
/// trimmed and scaled to 1920x1080). The seconds add up to [`SOURCE_SECS`].
const SHOTS: &[(&str, u32, &str)] = &[
    ("test pattern", 8, "testsrc2=s=1920x1080:r=30"),
    ("colour bars, hue rotating", 7, "smptehdbars=s=1920x1080:r=30,hue=h=t*45"),
    ("mandelbrot zoom", 9, "mandelbrot=s=640x360:r=30"),
    ("black (bad)", 3, "color=c=black:s=1920x1080:r=30"),
    (
        "game of life",
        10,
        "life=s=480x270:r=30:ratio=0.3:seed=1:mold=10:life_color=0xffd040:death_color=0x102040:mold_color=0x603010,scale=1920:1080:flags=neighbor",
    ),
    (
        "linear gradients",
        8,
        "gradients=s=1920x1080:r=30:c0=0xff8000:c1=0x0080ff:c2=0x20c040:nb_colors=3:speed=0.02:seed=1",
    ),
    (
        "white box moving over blue",
        9,
        "color=c=0x203050:s=1920x1080:r=30[bg];color=c=white:s=240x240:r=30[box];[bg][box]overlay=x='mod(t*400\\,1680)':y='420+300*sin(t)'",
    ),
    ("test pattern, heavily blurred (bad)", 7, "testsrc2=s=480x270:r=30,boxblur=12:3"),
    (
        "cellular automaton",
        8,
        "cellauto=s=480x270:r=30:rule=110:random_fill_ratio=0.5:seed=1,scale=1920:1080:flags=neighbor",
    ),
    (
        "radial gradients",
        9,
        "gradients=s=1920x1080:r=30:type=radial:c0=0xe02060:c1=0x20e0a0:nb_colors=2:speed=0.03:seed=1",
    ),
    ("grainy colour bars", 8, "smptebars=s=1920x1080:r=30,noise=alls=25:allf=t"),
    ("underexposed test pattern (bad)", 8, "testsrc=s=1920x1080:r=30,colorlevels=romax=0.2:gomax=0.2:bomax=0.2"),
    ("mandelbrot, another palette", 10, "mandelbrot=s=640x360:r=30:outer=iteration_count:start_scale=1.5,hue=h=120"),
    (
        "green box moving over dark red",
        8,
        "color=c=0x401010:s=1920x1080:r=30[bg];color=c=0x40ff60:s=320x180:r=30[box];[bg][box]overlay=x='800+700*sin(t*1.3)':y='mod(t*250\\,900)'",
    ),
    ("test pattern, mirrored and hue-shifted", 8, "testsrc2=s=1920x1080:r=30,hflip,hue=h=180"),
];

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1).max(1);
    let cutroom = cutroom_bench::cutroom_bin();
    let work = std::env::temp_dir().join(format!("cutroom-bench-promo-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work dir");

    let source = work.join("source-120s-1080p.mp4");
    println!("generating the source in {} …", work.display());
    let t = Instant::now();
    generate_source(&source);
    let generated = t.elapsed().as_secs_f64();
    let p = probe(&source).expect("probe source");
    let v = p.video.as_ref().expect("source video");
    let bad = SHOTS.iter().filter(|s| s.0.ends_with("(bad)")).count();
    println!(
        "source: {:.1} s of {}x{} {}, {} shots of 3–10 s ({bad} bad: black, blurred, underexposed), sound {}, \
         libx264 veryfast crf 23 + AAC, {:.1} MB (generated in {generated:.0} s)",
        p.duration.expect("source duration").0 as f64 / 1000.0,
        v.width,
        v.height,
        v.codec,
        SHOTS.len(),
        p.audio.as_ref().map_or("none".to_string(), |a| a.codec.clone()),
        p.size_bytes as f64 / 1e6
    );
    println!();

    let out = work.join("promo.mp4");
    let mut results = Vec::new();
    for run in 1..=runs {
        let r = run_promo(&cutroom, &source, &out, &work.join(format!("cache-{run}")));
        if let Err(e) = check(&out) {
            eprintln!("run {run}: wrong output {}: {e}", out.display());
            eprintln!("(the files are left in {})", work.display());
            std::process::exit(1);
        }
        println!(
            "run {run}: {:>6.1} s end to end  (cutroom says: total {}, analysis {}, music and plan {}, render {})",
            r.wall,
            secs(r.total),
            secs(r.analysis),
            secs(r.music),
            secs(r.render)
        );
        results.push(r);
    }

    let mut walls: Vec<f64> = results.iter().map(|r| r.wall).collect();
    walls.sort_by(f64::total_cmp);
    let best = walls[0];
    let median = walls[walls.len() / 2];
    // The breakdown of the run whose time is the median.
    let mid = results.iter().find(|r| r.wall == median).expect("median run");
    println!();
    println!(
        "2 min 1080p source → {PROMO_SECS:.0} s 9:16 promo (1080x1920, h264), fresh analysis cache each run; {runs} run{}",
        if runs == 1 { "" } else { "s" }
    );
    println!("best {best:.1} s, median {median:.1} s");
    println!(
        "median run: analysis {}, music and plan {}, render {}",
        secs(mid.analysis),
        secs(mid.music),
        secs(mid.render)
    );
    println!("target {TARGET_SECS:.0} s: ratio {:.2} (under 1 is inside the target)", median / TARGET_SECS);
    println!(
        "{:.2}× real time for the {SOURCE_SECS:.0} s source ({:.0}% of its length)",
        SOURCE_SECS / median,
        median / SOURCE_SECS * 100.0
    );
    let _ = std::fs::remove_dir_all(&work);
}

/// Seconds for printing, or "—" when the CLI did not report the figure.
fn secs(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |s| format!("{s:.1} s"))
}

/// Writes the 120 s source: every shot trimmed, scaled to 1920x1080 at 30 fps and
/// concatenated, with a quiet tone over pink noise as its sound.
fn generate_source(out: &Path) {
    let total: u32 = SHOTS.iter().map(|s| s.1).sum();
    assert_eq!(f64::from(total), SOURCE_SECS, "the shots must add up to the source length");
    let mut parts = Vec::new();
    let mut labels = String::new();
    for (i, (_, secs, chain)) in SHOTS.iter().enumerate() {
        // Labels inside a shot's chain ([bg], [box]) are made unique per shot.
        let chain = chain.replace("[bg]", &format!("[bg{i}]")).replace("[box]", &format!("[box{i}]"));
        parts.push(format!(
            "{chain},trim=duration={secs},setpts=PTS-STARTPTS,scale=1920:1080,setsar=1,fps=30,format=yuv420p[s{i}]"
        ));
        labels.push_str(&format!("[s{i}]"));
    }
    let video = format!("{};{labels}concat=n={}:v=1:a=0[out0]", parts.join(";"), SHOTS.len());
    let audio = "sine=frequency=220:sample_rate=48000,volume=0.3[a];\
                 anoisesrc=color=pink:amplitude=0.05:seed=1:sample_rate=48000[b];\
                 [a][b]amix=inputs=2:duration=shortest,aformat=channel_layouts=stereo[out0]";
    let tmp = out.with_extension("part.mp4");
    Command::tool(Tool::Ffmpeg)
        .expect("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-y", "-v", "error"])
        .args(["-f", "lavfi", "-i", &video, "-f", "lavfi", "-i", audio])
        .args(["-map", "0:v", "-map", "1:a", "-t", &SOURCE_SECS.to_string()])
        .args(["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"])
        .args(["-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart"])
        .arg(&tmp)
        .timeout(Duration::from_secs(1800))
        .run()
        .expect("generating the source with ffmpeg");
    std::fs::rename(&tmp, out).expect("rename source");
}

/// One run's figures: the wall time measured here, and what the CLI reported.
struct Run {
    wall: f64,
    total: Option<f64>,
    analysis: Option<f64>,
    music: Option<f64>,
    render: Option<f64>,
}

/// Runs `cutroom promo` with an empty analysis cache of its own (the promo command has no
/// cache option: the cache lives under CUTROOM_CACHE_DIR, else XDG_CACHE_HOME, else HOME).
fn run_promo(cutroom: &Path, source: &Path, out: &Path, cache: &Path) -> Run {
    let _ = std::fs::remove_dir_all(cache);
    std::fs::create_dir_all(cache).expect("cache dir");
    let result = Command::new(cutroom)
        .args(["promo"])
        .arg(source)
        .args(["--duration", &PROMO_SECS.to_string(), "--aspect", "9:16"])
        .args(["--title", "Launch day", "--cta", "Try it free", "--seed", "1", "-o"])
        .arg(out)
        .env("CUTROOM_CACHE_DIR", cache)
        .env("XDG_CACHE_HOME", cache)
        .timeout(Duration::from_secs(1800))
        .run()
        .expect("cutroom promo");
    // The analysis must have gone to this run's cache, or later runs could be served from
    // another one and measure nothing.
    let used = std::fs::read_dir(cache.join("analysis")).map(|d| d.count() > 0).unwrap_or(false);
    assert!(used, "cutroom promo did not write its analysis cache under {}", cache.display());
    let _ = std::fs::remove_dir_all(cache);
    let stdout = String::from_utf8_lossy(&result.stdout);
    let last = stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    let (total, analysis, music, render) = parse_summary(last);
    Run { wall: result.wall.as_secs_f64(), total, analysis, music, render }
}

/// Parses the CLI's last line, `OUT.mp4 in 41.2 s (analysis 20.1 s, music and plan 1.0 s,
/// render 20.1 s)`, into (total, analysis, music and plan, render); a figure that is not
/// there is None.
fn parse_summary(line: &str) -> (Option<f64>, Option<f64>, Option<f64>, Option<f64>) {
    let Some((_, tail)) = line.rsplit_once(" in ") else { return (None, None, None, None) };
    let number = |s: &str| s.split_whitespace().next().and_then(|n| n.parse::<f64>().ok());
    let after = |label: &str| tail.split_once(label).and_then(|(_, rest)| number(rest));
    (number(tail), after("(analysis "), after("music and plan "), after("render "))
}

/// The promo must be a 20 s 1080x1920 h264 video.
fn check(out: &Path) -> Result<(), String> {
    let p = probe(out).map_err(|e| format!("ffprobe: {e}"))?;
    let v = p.video.ok_or("no video stream")?;
    if (v.width, v.height) != (1080, 1920) {
        return Err(format!("{}x{}, expected 1080x1920", v.width, v.height));
    }
    if v.codec != "h264" {
        return Err(format!("codec {}, expected h264", v.codec));
    }
    let d = p.duration.ok_or("no duration")?.0 as f64 / 1000.0;
    if (d - PROMO_SECS).abs() > 0.5 {
        return Err(format!("lasts {d:.2} s, expected {PROMO_SECS} ± 0.5 s"));
    }
    Ok(())
}
