//! Analysis of footage of known structure (generated with ffmpeg's lavfi sources) and of
//! real clips: cuts, dissolves, fades, flashes, pans, measures, sound, bad input, cache, and
//! the region of interest.

mod bad_input;
mod pictures;
mod roi;
mod shots;
mod sound;

use cutroom_analysis::{Analysis, Options, analyze};
use cutroom_testkit::fixture;
use std::path::{Path, PathBuf};

/// A 320x240 30 fps source, trimmed to `secs`. Sources with random content get a fixed
/// seed, so a fixture is the same on every machine.
pub fn src(name: &str, secs: f64) -> String {
    let base = match name {
        "testsrc2" => "testsrc2=s=320x240:r=30".to_string(),
        "mandelbrot" => "mandelbrot=s=320x240:r=30".to_string(),
        "cellauto" => "cellauto=s=320x240:r=30:rule=110:random_fill_ratio=0.5:seed=1".to_string(),
        "gradients" => "gradients=s=320x240:r=30:c0=0xff8000:c1=0x0080ff:nb_colors=2:speed=0.02:seed=1".to_string(),
        "life" => "life=s=320x240:r=30:mold=10:ratio=0.3:death_color=#C83232:life_color=#00ff00:seed=1".to_string(),
        other => panic!("unknown source {other}"),
    };
    format!("{base},trim=duration={secs},setpts=PTS-STARTPTS,format=yuv420p,setsar=1")
}

/// A generated clip from a lavfi graph whose output is `[out0]`.
pub fn clip(name: &str, graph: &str, secs: f64) -> PathBuf {
    fixture(name, Some(graph), None, secs)
}

pub fn run(path: &Path) -> Analysis {
    analyze(path, &Options::default()).unwrap_or_else(|e| panic!("analysing {}: {e}", path.display()))
}

/// Boundary times in ms.
pub fn at(a: &Analysis) -> Vec<u64> {
    a.transitions.iter().map(|t| t.at_ms).collect()
}
