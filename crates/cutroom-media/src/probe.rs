//! Probing media with ffprobe into a typed description. Parsing is a pure function over
//! ffprobe's JSON; corrupt, truncated, empty or non-media input is a typed error.

use cutroom_process::{Command, ProcessError, Tool};
use cutroom_timeline::{MediaFacts, MediaKind, Ms};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// Largest accepted frame edge of an input.
pub const MAX_INPUT_EDGE: u32 = 16_384;
/// Largest accepted input pixel count (a 16K square would be 268 M).
pub const MAX_INPUT_PIXELS: u64 = 80_000_000;
/// Longest accepted input.
pub const MAX_INPUT_DURATION: Ms = Ms(24 * 3600 * 1000);
/// How long ffprobe may take.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(30);

/// What a media file is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// Container format as ffprobe names it (`mov,mp4,m4a,3gp,3g2,mj2`, `png_pipe`, …).
    pub format: String,
    pub kind: MediaKind,
    /// Playable length; `None` for stills.
    pub duration: Option<Ms>,
    pub size_bytes: u64,
    /// How many streams the file has (video, audio, subtitles, data, cover art).
    pub streams: u32,
    pub video: Option<VideoStream>,
    pub audio: Option<AudioStream>,
}

/// The main picture stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VideoStream {
    pub codec: String,
    /// Stored frame size.
    pub width: u32,
    pub height: u32,
    /// Size as shown: after rotation and non-square pixels.
    pub display_width: u32,
    pub display_height: u32,
    /// Rotation applied on display, degrees (0, 90, 180, 270).
    pub rotation: u32,
    /// Frame rate as a fraction, when known.
    pub fps: Option<(u32, u32)>,
    /// Pixel aspect ratio.
    pub sar: (u32, u32),
    pub pix_fmt: Option<String>,
    pub frames: Option<u64>,
}

/// The main sound stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AudioStream {
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
}

impl Probe {
    pub fn has_audio(&self) -> bool {
        self.audio.is_some()
    }

    /// What draft validation needs to know.
    pub fn facts(&self) -> MediaFacts {
        MediaFacts { kind: self.kind, duration: self.duration, has_audio: self.has_audio() }
    }

    /// Frames per second as a float, for display.
    pub fn fps_f64(&self) -> Option<f64> {
        self.video.as_ref()?.fps.map(|(n, d)| f64::from(n) / f64::from(d))
    }
}

/// Why a file could not be probed.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{path}: file not found")]
    Missing { path: String },
    #[error("{path}: the file is empty")]
    Empty { path: String },
    #[error("{path}: not a video, image or audio file{}", detail_suffix(detail))]
    NotMedia { path: String, detail: String },
    #[error("{path}: looks like {what} but is truncated or corrupt{}", detail_suffix(detail))]
    Corrupt { path: String, what: &'static str, detail: String },
    #[error("{path}: {reason}")]
    Unsupported { path: String, reason: String },
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error(transparent)]
    Tool(#[from] ProcessError),
}

fn detail_suffix(d: &str) -> String {
    if d.is_empty() { String::new() } else { format!(" ({d})") }
}

impl ProbeError {
    pub fn code(&self) -> &'static str {
        match self {
            ProbeError::Missing { .. } => "media_missing",
            ProbeError::Empty { .. } => "media_empty",
            ProbeError::NotMedia { .. } => "not_media",
            ProbeError::Corrupt { .. } => "media_corrupt",
            ProbeError::Unsupported { .. } => "media_unsupported",
            ProbeError::Io { .. } => "media_io",
            ProbeError::Tool(e) => e.code(),
        }
    }

    /// Whether the input is at fault (as opposed to the machine).
    pub fn is_client_error(&self) -> bool {
        !matches!(self, ProbeError::Io { .. } | ProbeError::Tool(_))
    }
}

/// Probes a file.
pub fn probe(path: &Path) -> Result<Probe, ProbeError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ProbeError::Missing { path: shown.clone() },
        _ => ProbeError::Io { path: shown.clone(), error: source },
    })?;
    if !meta.is_file() {
        return Err(ProbeError::NotMedia { path: shown, detail: "not a regular file".into() });
    }
    if meta.len() == 0 {
        return Err(ProbeError::Empty { path: shown });
    }
    let run = Command::tool(Tool::Ffprobe)?
        .args(["-v", "error", "-hide_banner", "-print_format", "json", "-show_format", "-show_streams"])
        .arg(path)
        .timeout(PROBE_TIMEOUT)
        .run();
    match run {
        Ok(out) => parse(&shown, &out.stdout, meta.len()),
        Err(ProcessError::Failed { stderr, .. }) => {
            let detail = last_line(&stderr);
            match sniff(path) {
                Some(what) => Err(ProbeError::Corrupt { path: shown, what, detail }),
                None => Err(ProbeError::NotMedia { path: shown, detail }),
            }
        }
        Err(e) => Err(e.into()),
    }
}

fn last_line(stderr: &str) -> String {
    let line = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    // ffprobe prefixes the path; the user knows which file it is.
    let line = line.rsplit_once(": ").map_or(line, |(_, msg)| msg);
    line.trim().chars().take(200).collect()
}

/// Recognises a media container by its first bytes.
fn sniff(path: &Path) -> Option<&'static str> {
    let mut head = [0u8; 16];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).ok()?;
    sniff_bytes(&head[..n])
}

/// Recognises a media container by its first bytes.
pub fn sniff_bytes(h: &[u8]) -> Option<&'static str> {
    let at = |i: usize, m: &[u8]| h.len() >= i + m.len() && &h[i..i + m.len()] == m;
    if at(4, b"ftyp") || at(4, b"moov") || at(4, b"mdat") || at(4, b"wide") || at(4, b"free") {
        Some("an MP4/MOV file")
    } else if at(0, &[0x1a, 0x45, 0xdf, 0xa3]) {
        Some("a Matroska/WebM file")
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        Some("a WAV file")
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        Some("an AVI file")
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Some("a WebP image")
    } else if at(0, &[0x89, b'P', b'N', b'G']) {
        Some("a PNG image")
    } else if at(0, &[0xff, 0xd8, 0xff]) {
        Some("a JPEG image")
    } else if at(0, b"GIF8") {
        Some("a GIF image")
    } else if at(0, b"ID3") || (h.len() >= 2 && h[0] == 0xff && h[1] & 0xe0 == 0xe0) {
        Some("an MP3/AAC file")
    } else {
        None
    }
}

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    streams: Vec<RawStream>,
    format: Option<RawFormat>,
}

#[derive(Deserialize)]
struct RawFormat {
    #[serde(default)]
    format_name: String,
    duration: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawStream {
    #[serde(default)]
    codec_type: String,
    #[serde(default)]
    codec_name: String,
    width: Option<u32>,
    height: Option<u32>,
    pix_fmt: Option<String>,
    sample_aspect_ratio: Option<String>,
    r_frame_rate: Option<String>,
    avg_frame_rate: Option<String>,
    duration: Option<String>,
    nb_frames: Option<String>,
    sample_rate: Option<String>,
    channels: Option<u32>,
    #[serde(default)]
    disposition: std::collections::BTreeMap<String, i64>,
    #[serde(default)]
    tags: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    side_data_list: Vec<serde_json::Value>,
}

const IMAGE_CODECS: &[&str] = &["png", "mjpeg", "jpegls", "bmp", "webp", "tiff", "gif", "pam", "ppm", "qoi"];

fn secs_to_ms(s: &str) -> Option<Ms> {
    let v: f64 = s.trim().parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| Ms((v * 1000.0).round() as u64))
}

fn ratio(s: &str) -> Option<(u32, u32)> {
    let (n, d) = s.split_once(['/', ':'])?;
    let (n, d): (u32, u32) = (n.trim().parse().ok()?, d.trim().parse().ok()?);
    (n > 0 && d > 0).then_some((n, d))
}

fn rotation_of(s: &RawStream) -> u32 {
    let from_side = s.side_data_list.iter().find_map(|v| v.get("rotation").and_then(serde_json::Value::as_f64));
    let from_tag = s.tags.get("rotate").and_then(|r| r.parse::<f64>().ok());
    let deg = from_side.or(from_tag).unwrap_or(0.0).round() as i64;
    deg.rem_euclid(360) as u32
}

/// Turns ffprobe's JSON into a [`Probe`], or says why the file is unusable.
pub fn parse(path: &str, json: &[u8], size_bytes: u64) -> Result<Probe, ProbeError> {
    let unsupported = |reason: String| ProbeError::Unsupported { path: path.to_string(), reason };
    let raw: Raw = serde_json::from_slice(json).map_err(|e| ProbeError::NotMedia {
        path: path.to_string(),
        detail: format!("unreadable probe output: {e}"),
    })?;
    let format = raw.format.as_ref().map(|f| f.format_name.clone()).unwrap_or_default();
    let picture = raw
        .streams
        .iter()
        .find(|s| s.codec_type == "video" && s.disposition.get("attached_pic").copied().unwrap_or(0) == 0);
    let sound = raw.streams.iter().find(|s| s.codec_type == "audio");
    if picture.is_none() && sound.is_none() {
        return Err(ProbeError::NotMedia { path: path.to_string(), detail: "no video or audio stream".into() });
    }
    let video = match picture {
        None => None,
        Some(s) => {
            let (w, h) = match (s.width, s.height) {
                (Some(w), Some(h)) if w > 0 && h > 0 => (w, h),
                _ => return Err(unsupported("the video stream has no frame size".into())),
            };
            if w > MAX_INPUT_EDGE || h > MAX_INPUT_EDGE || u64::from(w) * u64::from(h) > MAX_INPUT_PIXELS {
                return Err(unsupported(format!(
                    "{w}x{h} is too large (at most {MAX_INPUT_EDGE} px a side and {} megapixels)",
                    MAX_INPUT_PIXELS / 1_000_000
                )));
            }
            let sar = s.sample_aspect_ratio.as_deref().and_then(ratio).unwrap_or((1, 1));
            let rotation = rotation_of(s);
            let shown_w = ((u64::from(w) * u64::from(sar.0) / u64::from(sar.1)).max(1)) as u32;
            let (display_width, display_height) = if rotation % 180 == 90 { (h, shown_w) } else { (shown_w, h) };
            let fps = s.avg_frame_rate.as_deref().and_then(ratio).or_else(|| s.r_frame_rate.as_deref().and_then(ratio));
            Some(VideoStream {
                codec: s.codec_name.clone(),
                width: w,
                height: h,
                display_width,
                display_height,
                rotation,
                fps,
                sar,
                pix_fmt: s.pix_fmt.clone(),
                frames: s.nb_frames.as_deref().and_then(|n| n.parse().ok()),
            })
        }
    };
    let audio = sound.map(|s| AudioStream {
        codec: s.codec_name.clone(),
        sample_rate: s.sample_rate.as_deref().and_then(|r| r.parse().ok()).unwrap_or(0),
        channels: s.channels.unwrap_or(0),
    });
    let format_duration = raw.format.as_ref().and_then(|f| f.duration.as_deref()).and_then(secs_to_ms);
    let stream_duration = |s: Option<&RawStream>| s.and_then(|s| s.duration.as_deref()).and_then(secs_to_ms);
    let kind = match (&video, picture) {
        (Some(v), Some(p)) => {
            let still_format = format.ends_with("_pipe") || format == "image2" || format == "gif";
            let one_frame = v.frames == Some(1) || format_duration.is_none_or(|d| d < Ms(200));
            if IMAGE_CODECS.contains(&p.codec_name.as_str()) && still_format && one_frame {
                MediaKind::Image
            } else {
                MediaKind::Video
            }
        }
        _ => MediaKind::Audio,
    };
    let duration = match kind {
        MediaKind::Image => None,
        MediaKind::Video => stream_duration(picture).or(format_duration),
        MediaKind::Audio => stream_duration(sound).or(format_duration),
    };
    if kind != MediaKind::Image {
        match duration {
            None | Some(Ms(0)) => {
                return Err(unsupported("its duration is unknown or zero".into()));
            }
            Some(d) if d > MAX_INPUT_DURATION => {
                return Err(unsupported(format!("it is {d} long; the limit is {MAX_INPUT_DURATION}")));
            }
            _ => {}
        }
    }
    let streams = raw.streams.len() as u32;
    Ok(Probe { format, kind, duration, size_bytes, streams, video, audio })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(extra: serde_json::Value) -> serde_json::Value {
        extra
    }

    fn parse_json(v: serde_json::Value) -> Result<Probe, ProbeError> {
        parse("x", v.to_string().as_bytes(), 1000)
    }

    #[test]
    fn video_with_rotation_and_audio() {
        let p = parse_json(serde_json::json!({
            "streams": [
                stream(serde_json::json!({"codec_type":"video","codec_name":"h264","width":1920,"height":1080,
                    "avg_frame_rate":"30000/1001","duration":"10.010","nb_frames":"300",
                    "side_data_list":[{"side_data_type":"Display Matrix","rotation":-90}]})),
                stream(serde_json::json!({"codec_type":"audio","codec_name":"aac","sample_rate":"48000","channels":2}))
            ],
            "format": {"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"10.03"}
        }))
        .unwrap();
        assert_eq!(p.kind, MediaKind::Video);
        assert_eq!(p.duration, Some(Ms(10_010)));
        let v = p.video.unwrap();
        assert_eq!((v.rotation, v.display_width, v.display_height), (270, 1080, 1920));
        assert_eq!(v.fps, Some((30000, 1001)));
        assert_eq!(p.audio.unwrap().sample_rate, 48_000);
    }

    #[test]
    fn stills_gifs_and_cover_art() {
        let png = parse_json(serde_json::json!({
            "streams":[{"codec_type":"video","codec_name":"png","width":64,"height":48,"avg_frame_rate":"25/1"}],
            "format":{"format_name":"png_pipe"}}))
        .unwrap();
        assert_eq!((png.kind, png.duration), (MediaKind::Image, None));
        let gif = parse_json(serde_json::json!({
            "streams":[{"codec_type":"video","codec_name":"gif","width":64,"height":48,"duration":"1.0","nb_frames":"10"}],
            "format":{"format_name":"gif","duration":"1.0"}})).unwrap();
        assert_eq!(gif.kind, MediaKind::Video);
        let mp3 = parse_json(serde_json::json!({
            "streams":[{"codec_type":"audio","codec_name":"mp3","sample_rate":"44100","channels":2,"duration":"3.0"},
                       {"codec_type":"video","codec_name":"mjpeg","width":500,"height":500,"disposition":{"attached_pic":1}}],
            "format":{"format_name":"mp3","duration":"3.0"}})).unwrap();
        assert_eq!((mp3.kind, mp3.video.is_none()), (MediaKind::Audio, true));
    }

    #[test]
    fn refuses_absurd_and_empty() {
        let huge = parse_json(serde_json::json!({
            "streams":[{"codec_type":"video","codec_name":"h264","width":100000,"height":100000,"duration":"1"}],
            "format":{"format_name":"mov","duration":"1"}}));
        assert!(matches!(huge, Err(ProbeError::Unsupported { .. })));
        let long = parse_json(serde_json::json!({
            "streams":[{"codec_type":"audio","codec_name":"mp3","duration":"999999"}],
            "format":{"format_name":"mp3"}}));
        assert!(long.unwrap_err().to_string().contains("the limit is 86400s"));
        let none = parse_json(serde_json::json!({"streams":[{"codec_type":"data"}],"format":{"format_name":"mov"}}));
        assert!(matches!(none, Err(ProbeError::NotMedia { .. })));
        assert!(parse("x", b"{}", 1).is_err());
        assert!(parse("x", b"garbage", 1).is_err());
    }

    #[test]
    fn sniffs_containers() {
        assert_eq!(sniff_bytes(b"\0\0\0\x20ftypisom"), Some("an MP4/MOV file"));
        assert_eq!(sniff_bytes(b"RIFF\0\0\0\0WAVEfmt "), Some("a WAV file"));
        assert_eq!(sniff_bytes(b"hello world"), None);
    }
}
