//! Analysis benchmark: a 60 s 1080p clip of three sources with a cut every 10 s, analysed by
//! `cutroom analyze`, next to the decode floor (ffmpeg decoding and scaling the same frames
//! to nothing), ffmpeg's scene filter and PySceneDetect's ContentDetector — alternately, in
//! one run. Prints frames per second, the ratio to the floor, and precision/recall of the
//! cuts each found; then cutroom's precision/recall over a suite of generated footage.
//!
//! Usage: bench/analyze.sh [RUNS]

use cutroom_media::synth::{Synth, synthesize};
use cutroom_process::{Command, Output, Tool};
use std::path::{Path, PathBuf};
use std::time::Duration;

const FPS: u64 = 30;
const SECONDS: u64 = 60;

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let python = args.next().map(PathBuf::from);
    let exe = std::env::current_exe().expect("exe");
    let bin = exe.parent().expect("bin dir");
    let cutroom = bin.join("cutroom");
    let work = bin.join("bench-analyze");
    std::fs::create_dir_all(&work).expect("work dir");
    let clip = work.join("three-sources-60s-1080p.mp4");
    if !clip.is_file() {
        println!("generating {} …", clip.display());
        let one = |name: &str| match name {
            "a" => "testsrc2=s=1920x1080:r=30",
            "b" => "mandelbrot=s=640x360:r=30,scale=1920:1080",
            _ => "gradients=s=1920x1080:r=30:c0=0xff8000:c1=0x0080ff:c2=0x20c040:nb_colors=3:speed=0.02:seed=1",
        };
        let parts: Vec<String> = ["a", "b", "c", "a", "b", "c"]
            .iter()
            .enumerate()
            .map(|(i, s)| {
                format!(
                    "{},trim=start={}:duration=10,setpts=PTS-STARTPTS,format=yuv420p,setsar=1[p{i}]",
                    one(s),
                    i * 10
                )
            })
            .collect();
        let graph = format!("{};[p0][p1][p2][p3][p4][p5]concat=n=6[out0]", parts.join(";"));
        let tmp = work.join(".clip.mp4");
        synthesize(
            &Synth { video: Some(&graph), audio: Some("sine=frequency=440:sample_rate=48000"), secs: SECONDS as f64 },
            &tmp,
        )
        .expect("generate clip");
        std::fs::rename(&tmp, &clip).expect("rename");
    }
    let truth: Vec<u64> = (1..6).map(|k| k * 10 * FPS).collect();
    let frames = (SECONDS * FPS) as f64;
    let mut rows: Vec<(&str, Vec<f64>, Vec<u64>)> = vec![
        ("decode floor", vec![], vec![]),
        ("cutroom analyze", vec![], vec![]),
        ("ffmpeg scene filter", vec![], vec![]),
    ];
    if python.is_some() {
        rows.push(("PySceneDetect", vec![], vec![]));
    }
    for r in 0..runs {
        let order: Vec<usize> = if r % 2 == 0 { (0..rows.len()).collect() } else { (0..rows.len()).rev().collect() };
        for k in order {
            let (secs, cuts) = match k {
                0 => (floor(&clip).wall.as_secs_f64(), vec![]),
                1 => ours(&cutroom, &clip),
                2 => scene_filter(&clip),
                _ => pyscenedetect(python.as_deref().expect("python"), &clip),
            };
            println!("run {}: {:<20} {:>7.2} s", r + 1, rows[k].0, secs);
            rows[k].1.push(secs);
            rows[k].2 = cuts;
        }
    }
    let median = |v: &[f64]| {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        s[s.len() / 2]
    };
    let floor_secs = median(&rows[0].1);
    println!();
    println!("60 s of 1920x1080 at 30 fps (1800 frames), a cut every 10 s; median of {runs} runs");
    println!("{:<20} {:>9} {:>9} {:>10} {:>10} {:>8}", "", "seconds", "fps", "× floor", "precision", "recall");
    for (name, times, cuts) in &rows {
        let secs = median(times);
        let (p, r) = if *name == "decode floor" { (f64::NAN, f64::NAN) } else { precision_recall(cuts, &truth, 1) };
        let pr = |v: f64| if v.is_nan() { "—".to_string() } else { format!("{v:.2}") };
        println!(
            "{name:<20} {secs:>9.2} {:>9.0} {:>10.2} {:>10} {:>8}",
            frames / secs,
            secs / floor_secs,
            pr(p),
            pr(r)
        );
        if *name != "decode floor" {
            println!("{:<20} cuts at frames {:?}", "", cuts);
        }
    }
    println!("targets: cutroom within 1.3× the floor, faster than PySceneDetect, precision and recall 1.0");
    println!();
    suite(&cutroom, &work, python.as_deref());
}

fn floor(clip: &Path) -> Output {
    Command::tool(Tool::Ffmpeg)
        .expect("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-v", "error", "-i"])
        .arg(clip)
        .args(["-map", "0:V:0", "-vf", "scale=320:180:flags=fast_bilinear,format=rgb24", "-f", "null", "-"])
        .timeout(Duration::from_secs(600))
        .run()
        .expect("decode floor")
}

/// Runs `cutroom analyze --json --no-cache`; returns its time and the cut frames it found.
fn ours(cutroom: &Path, clip: &Path) -> (f64, Vec<u64>) {
    let out = Command::new(cutroom)
        .args(["analyze", "--json", "--no-cache"])
        .arg(clip)
        .timeout(Duration::from_secs(600))
        .run()
        .expect("cutroom analyze");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let cuts = v["transitions"]
        .as_array()
        .map(|t| t.iter().filter_map(|x| x["at_ms"].as_u64()).map(|ms| (ms * FPS + 500) / 1000).collect())
        .unwrap_or_default();
    (out.wall.as_secs_f64(), cuts)
}

fn scene_filter(clip: &Path) -> (f64, Vec<u64>) {
    let out = Command::tool(Tool::Ffmpeg)
        .expect("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-v", "info", "-i"])
        .arg(clip)
        .args(["-map", "0:V:0", "-vf", "select='gt(scene,0.4)',metadata=print:file=-", "-f", "null", "-"])
        .timeout(Duration::from_secs(600))
        .run()
        .expect("scene filter");
    let text = String::from_utf8_lossy(&out.stdout);
    let cuts = text
        .lines()
        .filter_map(|l| l.split("pts_time:").nth(1))
        .filter_map(|t| t.trim().parse::<f64>().ok())
        .map(|t| (t * FPS as f64).round() as u64)
        .collect();
    (out.wall.as_secs_f64(), cuts)
}

fn pyscenedetect(python: &Path, clip: &Path) -> (f64, Vec<u64>) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenedetect_cuts.py");
    let out =
        Command::new(python).arg(script).arg(clip).timeout(Duration::from_secs(900)).run().expect("PySceneDetect");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let cuts = v["cuts"].as_array().map(|c| c.iter().filter_map(|x| x.as_u64()).collect()).unwrap_or_default();
    (out.wall.as_secs_f64(), cuts)
}

/// Precision and recall of `found` against `truth`, matching within `tolerance` frames.
fn precision_recall(found: &[u64], truth: &[u64], tolerance: u64) -> (f64, f64) {
    let hits = truth.iter().filter(|t| found.iter().any(|f| f.abs_diff(**t) <= tolerance)).count() as f64;
    let good = found.iter().filter(|f| truth.iter().any(|t| t.abs_diff(**f) <= tolerance)).count() as f64;
    let p = if found.is_empty() { if truth.is_empty() { 1.0 } else { 0.0 } } else { good / found.len() as f64 };
    let r = if truth.is_empty() { 1.0 } else { hits / truth.len() as f64 };
    (p, r)
}

/// Every detector over generated footage of known structure: (name, graph, boundaries in
/// ms, tolerance in ms). Gradual transitions count as found when reported anywhere within
/// the tolerance of their middle.
fn suite(cutroom: &Path, work: &Path, python: Option<&Path>) {
    let src = |s: &str, secs: u32| {
        let base = match s {
            "t" => "testsrc2=s=320x240:r=30",
            "m" => "mandelbrot=s=320x240:r=30",
            "g" => "gradients=s=320x240:r=30:c0=0xff8000:c1=0x0080ff:nb_colors=2:speed=0.02:seed=1",
            _ => "cellauto=s=320x240:r=30:rule=110:random_fill_ratio=0.5:seed=1",
        };
        format!("{base},trim=duration={secs},setpts=PTS-STARTPTS,format=yuv420p,setsar=1")
    };
    let xf = |kind: &str| {
        format!(
            "{}[a];{}[b];{}[c];[a][b]xfade=transition={kind}:duration=0.5:offset=2.5[x];[x][c]xfade=transition={kind}:duration=0.5:offset=5[out0]",
            src("t", 3),
            src("m", 3),
            src("g", 3)
        )
    };
    let cases: Vec<(&str, String, Vec<u64>, u64)> = vec![
        ("hard cuts", format!("{}[a];{}[b];{}[c];{}[d];[a][b][c][d]concat=n=4[out0]", src("t", 2), src("m", 2), src("c", 2), src("g", 2)), vec![2000, 4000, 6000], 34),
        ("dissolves", xf("fade"), vec![2750, 5250], 300),
        ("fades through black", xf("fadeblack"), vec![2750, 5250], 300),
        ("wipes", xf("wipeleft"), vec![2750, 5250], 300),
        ("white flash", format!("{},drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(n\\,45)'[out0]", src("m", 3)), vec![], 0),
        ("fast pan", "testsrc2=s=1600x240:r=30:d=1,trim=end_frame=1,loop=loop=-1:size=1,crop=320:240:x='min(n*12\\,1280)':y=0,trim=duration=3,setpts=N/30/TB,format=yuv420p[out0]".into(), vec![], 0),
    ];
    let mut detectors: Vec<(&str, [usize; 4])> = vec![("cutroom", [0; 4]), ("ffmpeg scene filter", [0; 4])];
    if python.is_some() {
        detectors.push(("PySceneDetect", [0; 4]));
    }
    println!("generated footage, boundaries found (ms):");
    for (name, graph, truth, tol) in cases {
        let file = work.join(format!("suite-{}.mp4", name.replace(' ', "-")));
        if !file.is_file() {
            synthesize(&Synth { video: Some(&graph), audio: None, secs: 8.0 }, &file).expect("suite clip");
        }
        println!("  {name:<20} truth {truth:?}");
        for (det, totals) in &mut detectors {
            let found_ms: Vec<u64> = match *det {
                "cutroom" => ours(cutroom, &file).1,
                "ffmpeg scene filter" => scene_filter(&file).1,
                _ => pyscenedetect(python.expect("python"), &file).1,
            }
            .into_iter()
            .map(|f| f * 1000 / FPS)
            .collect();
            let good = found_ms.iter().filter(|f| truth.iter().any(|t| t.abs_diff(**f) <= tol)).count();
            let hit = truth.iter().filter(|t| found_ms.iter().any(|f| f.abs_diff(**t) <= tol)).count();
            *totals = [totals[0] + found_ms.len(), totals[1] + good, totals[2] + truth.len(), totals[3] + hit];
            println!("  {:<20}   {det:<20} {found_ms:?}", "");
        }
    }
    println!("{:<22} {:>10} {:>8}", "", "precision", "recall");
    for (det, [found, good, truth, hit]) in &detectors {
        let p = if *found == 0 { 1.0 } else { *good as f64 / *found as f64 };
        let r = if *truth == 0 { 1.0 } else { *hit as f64 / *truth as f64 };
        println!("  {det:<20} {p:>10.2} {r:>8.2}   ({good} of {found} reported are real, {hit} of {truth} real found)");
    }
}
