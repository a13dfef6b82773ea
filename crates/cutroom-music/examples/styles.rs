//! Renders 30 s of every style to WAV files and prints timing and levels.
//! Usage: cargo run --release -p cutroom-music --example styles -- OUT_DIR

use cutroom_music::{Footage, Request, Style, generate, write_wav};
use std::time::Instant;

fn main() {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/music".into()));
    std::fs::create_dir_all(&out).unwrap();
    for style in Style::ALL {
        let t = Instant::now();
        let req = Request { style: Some(style), duration_ms: 30_000, bpm: None, seed: 7, footage: Footage::default() };
        let p = generate(&req, None).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let path = out.join(format!("{}.wav", style.name()));
        write_wav(&p, &path).unwrap();
        println!(
            "{:<11} {:>5.1} BPM {:<9} {:.2} s  {:.1} LUFS  peak {:.1} dBFS  {} beats",
            style.name(),
            p.bpm,
            p.key,
            secs,
            p.loudness_lufs,
            p.peak_dbfs,
            p.beats_ms.len()
        );
    }
}
