//! Generated media of known structure (ffmpeg's lavfi sources) for the demo, the
//! benchmarks and the tests. The source descriptions are cutroom's own constants.

use crate::error::MediaError;
use cutroom_process::{Command, Tool};
use std::path::Path;
use std::time::Duration;

/// A file to generate: a lavfi video and/or audio source, for `secs` seconds.
#[derive(Clone, Debug)]
pub struct Synth<'a> {
    pub video: Option<&'a str>,
    pub audio: Option<&'a str>,
    pub secs: f64,
}

/// Generates `out`; the container and codecs follow its extension (mp4, mov, mkv, webm,
/// wav, mp3, m4a, png, jpg).
pub fn synthesize(spec: &Synth, out: &Path) -> Result<(), MediaError> {
    let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let mut cmd = Command::tool(Tool::Ffmpeg)?.args(["-hide_banner", "-nostdin", "-v", "error", "-y"]);
    if let Some(v) = spec.video {
        cmd = cmd.args(["-f", "lavfi", "-i", v]);
    }
    if let Some(a) = spec.audio {
        cmd = cmd.args(["-f", "lavfi", "-i", a]);
    }
    let still = matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "webp");
    if still {
        cmd = cmd.args(["-frames:v", "1"]);
    } else {
        cmd = cmd.arg("-t").arg(format!("{}", spec.secs));
    }
    let codecs: &[&str] = match ext.as_str() {
        "mp4" | "mov" | "mkv" => &[
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-crf",
            "16",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "192k",
        ],
        "webm" => &["-c:v", "libvpx", "-deadline", "realtime", "-b:v", "2M", "-c:a", "libopus"],
        "wav" => &["-c:a", "pcm_s16le"],
        "mp3" => &["-c:a", "libmp3lame", "-b:a", "192k"],
        "m4a" => &["-c:a", "aac", "-b:a", "192k"],
        _ => &[],
    };
    cmd.args(codecs).arg(out).timeout(Duration::from_secs(600)).run()?;
    Ok(())
}

/// The media of the reference timeline: three 10 s 1920x1080 30 fps clips with sound and a
/// 30 s music bed, written into `dir` as clip_a.mp4, clip_b.mp4, clip_c.mp4 and music.wav.
/// Files already there are kept.
pub fn reference_media(dir: &Path) -> Result<(), MediaError> {
    std::fs::create_dir_all(dir).map_err(MediaError::io(format!("creating {}", dir.display())))?;
    let clips: [(&str, Synth); 4] = [
        (
            "clip_a.mp4",
            Synth {
                video: Some("testsrc2=size=1920x1080:rate=30"),
                audio: Some("sine=frequency=440:sample_rate=48000"),
                secs: 10.0,
            },
        ),
        (
            "clip_b.mp4",
            Synth {
                video: Some("mandelbrot=size=640x360:rate=30,scale=1920:1080"),
                audio: Some("sine=frequency=660:sample_rate=48000"),
                secs: 10.0,
            },
        ),
        (
            "clip_c.mp4",
            Synth {
                video: Some("cellauto=size=1920x1080:rate=30:rule=110:random_fill_ratio=0.5:seed=1,format=yuv420p"),
                audio: Some("sine=frequency=330:sample_rate=48000"),
                secs: 10.0,
            },
        ),
        (
            "music.wav",
            Synth {
                video: None,
                audio: Some(
                    "aevalsrc=(0.25*sin(2*PI*220*t)+0.18*sin(2*PI*277.18*t)+0.15*sin(2*PI*329.63*t))*(0.65+0.35*sin(2*PI*2*t))|(0.25*sin(2*PI*220*t)+0.18*sin(2*PI*277.18*t)+0.15*sin(2*PI*329.63*t))*(0.65+0.35*sin(2*PI*2*t+1)):s=48000",
                ),
                secs: 30.0,
            },
        ),
    ];
    for (name, spec) in clips {
        let path = dir.join(name);
        if path.is_file() {
            continue;
        }
        let tmp = dir.join(format!(".{name}.tmp.{}", path.extension().and_then(|e| e.to_str()).unwrap_or("")));
        synthesize(&spec, &tmp)?;
        std::fs::rename(&tmp, &path).map_err(MediaError::io(format!("saving {}", path.display())))?;
    }
    Ok(())
}
