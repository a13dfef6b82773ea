//! Music benchmark: the time to compose and synthesise 30 s and 3 min of four-part music
//! (drums, bass, chords, lead) in every style, on one core, against the target of 30 s of
//! music in under 2 s, and as a multiple of real time.
//!
//! Usage: bench/music.sh

use cutroom_music::{Footage, Request, Style, arrange, synth};
use std::time::Instant;

fn main() {
    let sf = synth::soundfont_path().expect("a GM SoundFont (scripts/setup.sh installs one)");
    // The SoundFont loads once per process; load it before timing.
    let warm = Request { style: Some(Style::Pop), duration_ms: 2_000, bpm: None, seed: 1, footage: Footage::default() };
    let _ = synth::render(&arrange(&warm).unwrap(), &sf).unwrap();
    println!("{:<11} {:>8} {:>10} {:>10} {:>10} {:>9}", "style", "length", "compose", "synthesise", "total", "× real");
    let mut worst_30 = 0.0f64;
    let mut sum_180 = 0.0;
    for style in Style::ALL {
        for secs in [30u64, 180] {
            let req = Request {
                style: Some(style),
                duration_ms: secs * 1000,
                bpm: None,
                seed: 7,
                footage: Footage::default(),
            };
            let t = Instant::now();
            let a = arrange(&req).unwrap();
            let composed = t.elapsed().as_secs_f64();
            let mut samples = synth::render(&a, &sf).unwrap();
            synth::master(&mut samples);
            let total = t.elapsed().as_secs_f64();
            println!(
                "{:<11} {:>7}s {:>9.1}ms {:>9.2}s {:>9.2}s {:>8.0}×",
                style.name(),
                secs,
                composed * 1000.0,
                total - composed,
                total,
                secs as f64 / total
            );
            if secs == 30 {
                worst_30 = worst_30.max(total);
            } else {
                sum_180 += total;
            }
        }
    }
    println!();
    println!(
        "target: 30 s of music in < 2 s on one core — slowest style {worst_30:.2} s ({:.0}% of the target); 3 min takes {:.2} s on average",
        worst_30 / 2.0 * 100.0,
        sum_180 / Style::ALL.len() as f64
    );
}
