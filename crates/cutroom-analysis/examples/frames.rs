//! Prints per-frame numbers of a file's picture (for tuning the detector).

use cutroom_analysis::features::measure;
use cutroom_analysis::shots::{Detector, Params};
use cutroom_media::stream::{FrameReader, StreamOptions, analysis_size};

fn main() {
    let path = std::path::PathBuf::from(std::env::args().nth(1).expect("a file"));
    let p = cutroom_media::probe(&path).expect("probe");
    let v = p.video.clone().expect("video");
    let (w, h) = analysis_size(v.display_width, v.display_height, 320);
    let mut r = FrameReader::open(&path, w, h, &StreamOptions::default()).expect("open");
    let mut d = Detector::new(Params::for_fps(p.fps_f64().unwrap_or(25.0)));
    let mut buf = Vec::new();
    while r.next_frame(&mut buf).expect("frame") {
        d.push(&measure(&buf, w as usize, h as usize));
    }
    let params = Params::for_fps(p.fps_f64().unwrap_or(25.0));
    let (b, stats) = d.finish();
    for (i, s) in stats.iter().enumerate() {
        println!(
            "{i:4} luma {:.3} hist {:.3} res {:.3} raw {:.3} dx {:+.4} dy {:+.4} change {:.2}",
            s.luma,
            s.hist_change,
            s.motion.residual,
            s.motion.raw,
            s.motion.dx,
            s.motion.dy,
            s.change(&params)
        );
    }
    println!("{b:?}");
}
