//! Text-to-video benchmark: a 10 s 1080x1920 30 fps clip (draw + encode) against the encode
//! floor — the same count of flat-colour frames through the same pipe and encoder — run
//! alternately in one process, medians and their ratio printed with the targets.

use cutroom_media::Quality;
use cutroom_media::stream::{FrameWriter, StreamOptions};
use cutroom_scenegen::render::encode_for;
use cutroom_scenegen::{Aspect, VideoRequest, render_clip, understand};
use std::time::Instant;

const PROMPT: &str = "a 10-second video of a futuristic city at night with cinematic lighting";
/// More scenes timed once each, for the spread across settings.
const OTHERS: [&str; 5] = [
    "a stormy ocean at dawn, slow zoom in",
    "a snowy forest at sunset, film grain",
    "foggy mountain lake at sunrise, pastel colors",
    "desert dunes at golden hour with heat haze",
    "deep space nebula, orbit",
];

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn floor_run(out: &std::path::Path, w: u32, h: u32, frames: u64) -> f64 {
    let t = Instant::now();
    let mut fw =
        FrameWriter::open(out, w, h, 30, encode_for(Quality::Medium), &StreamOptions::default()).expect("ffmpeg");
    let flat: Vec<u8> = [24u8, 32, 60, 255].repeat((w * h) as usize);
    for _ in 0..frames {
        fw.write_frame(&flat).expect("a frame");
    }
    fw.finish().expect("the encoder");
    t.elapsed().as_secs_f64()
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(3).max(1);
    let work = cutroom_testkit::tempdir();
    let dir = work.path().to_path_buf();
    let spec = understand(PROMPT).with_overrides(None, Some(Aspect::Portrait));
    let req = VideoRequest::new(spec, 1080, 1);
    let frames = (req.spec.duration_ms * 30).div_ceil(1000);
    println!("scene: {}", req.spec.summary());
    println!(
        "{}x{}, {frames} frames at 30 fps, libx264 veryfast crf 23; {runs} runs of each, alternating",
        req.width, req.height
    );
    let (mut gen_, mut floor, mut draw) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        let out = dir.join(format!("gen-{i}.mp4"));
        let info = render_clip(&req, &out, Quality::Medium, &StreamOptions::default(), &mut |_| {}).expect("generate");
        let g = info.total_ms as f64 / 1000.0;
        let f = floor_run(&dir.join(format!("floor-{i}.mp4")), req.width, req.height, frames);
        println!(
            "run {}: generate {g:.2} s (layers {:.2} s, drawing {:.2} s on its thread), encode floor {f:.2} s",
            i + 1,
            info.setup_ms as f64 / 1000.0,
            info.draw_ms as f64 / 1000.0
        );
        gen_.push(g);
        floor.push(f);
        draw.push(info.draw_ms as f64 / 1000.0);
    }
    let (g, f, d) = (median(&mut gen_), median(&mut floor), median(&mut draw));
    println!("median: generate {g:.2} s ({:.1} fps), drawing {d:.2} s, encode floor {f:.2} s", frames as f64 / g);
    println!("ratio to the encode floor: {:.2} (target < 2.0)  {}", g / f, verdict(g / f < 2.0));
    println!("total: {g:.2} s (target < 30 s)  {}", verdict(g < 30.0));
    for p in OTHERS {
        let spec = understand(p).with_overrides(Some(10_000), Some(Aspect::Portrait));
        let req = VideoRequest::new(spec, 1080, 1);
        let out = dir.join("other.mp4");
        let info = render_clip(&req, &out, Quality::Medium, &StreamOptions::default(), &mut |_| {}).expect("generate");
        println!(
            "  {:<48} {:.2} s (drawing {:.2} s), ratio {:.2}",
            req.spec.summary(),
            info.total_ms as f64 / 1000.0,
            info.draw_ms as f64 / 1000.0,
            info.total_ms as f64 / 1000.0 / f
        );
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}
