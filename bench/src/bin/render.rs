//! Render benchmark: the reference timeline (three 1080p clips → 1080x1920, two crossfades,
//! one clip at 1.25×, a title, music at 35% with a fade-out) rendered by `cutroom render`
//! and by one hand-written ffmpeg command with the same encoder settings, alternately in
//! the same run. Prints wall time and peak memory of each, and the ratios.
//!
//! Usage: bench/render.sh [RUNS]   (builds release binaries, then runs this)

use cutroom_media::{REFERENCE_DRAFT, probe, synth};
use cutroom_process::{Command, Output, Tool};
use std::path::Path;
use std::time::Duration;

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let exe = std::env::current_exe().expect("current exe");
    let bin_dir = exe.parent().expect("bin dir");
    let cutroom = cutroom_bench::cutroom_bin();
    let work = bin_dir.join("bench-render");
    let media = work.join("media");
    println!("preparing the reference media in {} …", media.display());
    synth::reference_media(&media).expect("reference media");
    let draft = work.join("reference.json");
    std::fs::write(&draft, REFERENCE_DRAFT).expect("write draft");

    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for i in 0..runs {
        // Alternate the order so neither always runs on a warmer machine.
        let order = if i % 2 == 0 { [true, false] } else { [false, true] };
        for cut in order {
            let out = work.join(if cut { "cutroom.mp4" } else { "hand.mp4" });
            let result = if cut { run_cutroom(&cutroom, &draft, &media, &out) } else { run_hand(&media, &out) };
            check(&out);
            let (name, list) = if cut { ("cutroom", &mut ours) } else { ("hand-written ffmpeg", &mut theirs) };
            println!(
                "run {}: {name:<20} {:>6.2} s  {:>5} MB peak",
                i + 1,
                result.wall.as_secs_f64(),
                result.peak_rss_kib / 1024
            );
            list.push(result);
        }
    }
    let med = |v: &[Output], f: &dyn Fn(&Output) -> f64| {
        let mut xs: Vec<f64> = v.iter().map(f).collect();
        xs.sort_by(f64::total_cmp);
        xs[xs.len() / 2]
    };
    let wall = |o: &Output| o.wall.as_secs_f64();
    let mem = |o: &Output| o.peak_rss_kib as f64 / 1024.0;
    let (ow, tw) = (med(&ours, &wall), med(&theirs, &wall));
    let (om, tm) = (med(&ours, &mem), med(&theirs, &mem));
    println!();
    println!("reference timeline: 21.4 s of 1080x1920 30 fps output, libx264 veryfast crf 23, AAC 160k");
    println!("median of {runs} runs      wall time    peak memory");
    println!("cutroom                 {ow:>8.2} s   {om:>8.0} MB");
    println!("hand-written ffmpeg     {tw:>8.2} s   {tm:>8.0} MB");
    println!("ratio (cutroom / hand)  {:>8.2}     {:>8.2}     (target ≤ 1.10 for both)", ow / tw, om / tm);
    println!("cutroom's time includes its loudness-measuring pass, which the hand-written command skips.");
}

fn run_cutroom(cutroom: &Path, draft: &Path, media: &Path, out: &Path) -> Output {
    Command::new(cutroom)
        .args(["render", "--quality", "medium", "--media-dir"])
        .arg(media)
        .arg(draft)
        .arg("-o")
        .arg(out)
        .timeout(Duration::from_secs(900))
        .run()
        .expect("cutroom render")
}

/// The same timeline written by hand as one ffmpeg command, the way the ffmpeg
/// documentation teaches: trim filters, scale-to-cover then crop, xfade, acrossfade, amix.
fn run_hand(media: &Path, out: &Path) -> Output {
    let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    let cover = "scale=1080:1920:force_original_aspect_ratio=increase,crop=1080:1920,setsar=1,fps=30,format=yuv420p";
    let graph = format!(
        "[0:v]trim=0:8,setpts=PTS-STARTPTS,{cover}[v0];\
         [1:v]trim=2:10,setpts=(PTS-STARTPTS)/1.25,{cover}[v1];\
         [2:v]trim=0:8,setpts=PTS-STARTPTS,{cover}[v2];\
         [v0][v1]xfade=transition=fade:duration=0.5:offset=7.5[x1];\
         [x1][v2]xfade=transition=fade:duration=0.5:offset=13.4[x2];\
         [x2]drawtext=fontfile={font}:text='Urban Dreams':fontsize=96:fontcolor=white:shadowx=4:shadowy=4:x=(w-text_w)/2:y=54:enable='lt(t,3)'[vout];\
         [0:a]atrim=0:8,asetpts=PTS-STARTPTS[a0];\
         [1:a]atrim=2:10,asetpts=PTS-STARTPTS,atempo=1.25[a1];\
         [2:a]atrim=0:8,asetpts=PTS-STARTPTS[a2];\
         [a0][a1]acrossfade=d=0.5[ax1];[ax1][a2]acrossfade=d=0.5[ax2];\
         [3:a]atrim=0:21.4,volume=0.35,afade=t=out:st=20.4:d=1[m];\
         [ax2][m]amix=inputs=2:duration=first:normalize=0[aout]"
    );
    let mut cmd = Command::tool(Tool::Ffmpeg).expect("ffmpeg").args(["-hide_banner", "-nostdin", "-y", "-v", "error"]);
    for f in ["clip_a.mp4", "clip_b.mp4", "clip_c.mp4", "music.wav"] {
        cmd = cmd.arg("-i").arg(media.join(f));
    }
    cmd.args(["-filter_complex", &graph, "-map", "[vout]", "-map", "[aout]"])
        .args(["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"])
        .args(["-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart"])
        .arg(out)
        .timeout(Duration::from_secs(900))
        .run()
        .expect("hand-written ffmpeg")
}

/// Both renders must be the same timeline: 21.4 s of 1080x1920.
fn check(out: &Path) {
    let p = probe(out).expect("probe output");
    let v = p.video.expect("video");
    assert_eq!((v.width, v.height), (1080, 1920), "{}", out.display());
    let d = p.duration.expect("duration").0;
    assert!(d.abs_diff(21_400) <= 70, "{} lasts {d} ms", out.display());
}
