//! The analysis as a user or a generator reads it: shots with their measures and a score,
//! transitions, sound, scene tags and the region-of-interest path — and how per-frame
//! numbers become those.

use crate::audio::{AudioReport, Span};
use crate::palette::{Swatch, palette};
use crate::roi::RoiPoint;
use crate::shots::{Boundary, FrameStat, Kind};
use serde::{Deserialize, Serialize};

/// Bumped whenever results would change; cached analyses of other versions are redone.
pub const VERSION: u32 = 3;

/// Everything cutroom learned about a media file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub version: u32,
    pub duration_ms: u64,
    pub video: Option<VideoSummary>,
    pub shots: Vec<Shot>,
    pub transitions: Vec<TransitionInfo>,
    pub audio: Option<AudioReport>,
    pub tags: Tags,
    /// Where the interest is in the frame over time (smoothed within shots, every ~0.2 s and
    /// at each shot's first and last frame; see `roi`). Empty without a picture, and in
    /// analyses made before version 2.
    #[serde(default)]
    pub roi: Vec<RoiPoint>,
    /// Where the picture stands still (frozen frames, a static slide) for at least 1 s:
    /// every frame differs from the one before by under [`STILL_DIFF`]. Empty in analyses
    /// made before version 3.
    #[serde(default)]
    pub still: Vec<Span>,
}

/// The mean absolute pixel difference (0–1) under which a frame repeats the one before:
/// compression noise on a frozen picture, not motion.
pub const STILL_DIFF: f32 = 0.004;
/// The shortest stretch of still picture reported, ms.
pub const MIN_STILL_MS: u64 = 1_000;

/// The stretches of at least [`MIN_STILL_MS`] over which the picture does not change (see
/// [`Analysis::still`]); frame `i` is at `i / fps` seconds.
pub fn still_spans(stats: &[FrameStat], fps: f64) -> Vec<Span> {
    let ms = |i: usize| (i as f64 * 1000.0 / fps).round() as u64;
    let mut out = Vec::new();
    let mut from: Option<usize> = None;
    // Frame 0 has nothing before it; a run starts at the frame the first repeat repeats.
    for (i, s) in stats.iter().enumerate().skip(1) {
        let still = s.motion.raw < STILL_DIFF;
        match (still, from) {
            (true, None) => from = Some(i - 1),
            (false, Some(f)) => {
                if ms(i) - ms(f) >= MIN_STILL_MS {
                    out.push(Span { start_ms: ms(f), end_ms: ms(i) });
                }
                from = None;
            }
            _ => {}
        }
    }
    if let Some(f) = from
        && ms(stats.len()) - ms(f) >= MIN_STILL_MS
    {
        out.push(Span { start_ms: ms(f), end_ms: ms(stats.len()) });
    }
    out
}

/// The picture stream as analysed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VideoSummary {
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub frames: u64,
}

/// One shot and how it looks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shot {
    pub index: usize,
    pub start_ms: u64,
    pub end_ms: u64,
    /// Quality/interest for picking shots, 0–1 (see `score`).
    pub score: f32,
    /// Mean frame-to-frame pixel change, 0–1 (camera and subject motion).
    pub motion: f32,
    /// Mean camera movement per frame, as a fraction of the frame.
    pub camera_motion: f32,
    /// Frame-to-frame wobble of the camera path (fraction of the frame), and whether that
    /// makes the shot shaky.
    pub jitter: f32,
    pub shaky: bool,
    /// 0 (blurred) – 1 (crisp), from the variance of the Laplacian.
    pub sharpness: f32,
    /// Mean luma 0–1, its spread, colourfulness, saturation.
    pub brightness: f32,
    pub contrast: f32,
    pub colorfulness: f32,
    pub saturation: f32,
    /// Nearly black throughout.
    pub black: bool,
    pub palette: Vec<Swatch>,
    /// The representative frame: when it is, and its JPEG (file name in the keyframe folder).
    pub keyframe_ms: u64,
    pub keyframe: Option<String>,
    /// How this shot begins: `cut`, `dissolve`, `fade`, or nothing for the first.
    pub enters_by: Option<Kind>,
}

/// A boundary between shots.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransitionInfo {
    pub at_ms: u64,
    pub kind: Kind,
    pub confidence: f32,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// Scene tags from explainable rules (thresholds in `tags`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tags {
    /// `day` or `night` (mean brightness below 0.28 is night).
    pub time_of_day: Option<String>,
    /// `outdoor` when the top of the frame looks like sky, else `indoor` (a guess).
    pub setting: Option<String>,
    /// `warm`, `cool` or `neutral` (mean red-minus-blue of coloured pixels beyond ±0.08).
    pub warmth: Option<String>,
    /// `saturated` (> 0.45), `muted` (< 0.2) or `natural`.
    pub saturation: Option<String>,
    /// `slow`, `medium` or `fast`, from cuts per minute and motion.
    pub pace: Option<String>,
    pub cuts_per_minute: f32,
    pub motion: f32,
    /// The tags above as plain words, for search and metadata.
    pub words: Vec<String>,
}

/// A frame kept to represent its part of the video.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub frame: usize,
    pub quality: f32,
    pub jpeg: Option<Vec<u8>>,
    pub samples: Vec<[u8; 3]>,
}

/// Laplacian variance that maps to sharpness 0.5.
const SHARP_HALF: f32 = 120.0;
/// Camera-path wobble (fraction of the frame per frame) above which a shot is shaky.
pub const SHAKY_JITTER: f32 = 0.006;
/// Below this mean luma a shot is black.
const BLACK: f32 = 0.06;

pub fn sharpness(laplacian: f32) -> f32 {
    laplacian / (laplacian + SHARP_HALF)
}

/// How good a frame is to show: sharp, well exposed, not a blur of motion.
pub fn frame_quality(s: &FrameStat) -> f32 {
    let exposure = 1.0 - ((s.luma - 0.5).abs() - 0.2).max(0.0) / 0.3;
    sharpness(s.laplacian) * exposure.clamp(0.05, 1.0) * (1.0 - (s.motion.raw * 4.0).min(0.8))
}

fn mean(v: impl Iterator<Item = f32>) -> f32 {
    let (s, n) = v.fold((0.0f64, 0usize), |(s, n), x| (s + f64::from(x), n + 1));
    if n == 0 { 0.0 } else { (s / n as f64) as f32 }
}

fn round3(v: f32) -> f32 {
    (v * 1000.0).round() / 1000.0
}

/// What a shot looks like, for scoring.
pub struct Look {
    pub sharpness: f32,
    pub brightness: f32,
    pub contrast: f32,
    pub colorfulness: f32,
    pub motion: f32,
    pub shaky: bool,
    pub black: bool,
    pub secs: f32,
}

/// The interest score: sharpness 35%, exposure 20%, contrast 15%, colour 15%, motion 15%
/// (some motion is interesting, a lot is not), then ×0.1 for black shots, ×0.6 when
/// shaky, ×0.7 when shorter than half a second.
pub fn score(l: &Look) -> f32 {
    let exposure = (1.0 - ((l.brightness - 0.5).abs() - 0.2).max(0.0) / 0.3).clamp(0.0, 1.0);
    let contrast = (l.contrast / 0.2).min(1.0);
    let colour = (l.colorfulness / 0.6).min(1.0);
    let moving = if l.motion < 0.05 { l.motion / 0.05 } else { (1.0 - (l.motion - 0.05) / 0.15).max(0.3) };
    let mut s = 0.35 * l.sharpness + 0.2 * exposure + 0.15 * contrast + 0.15 * colour + 0.15 * moving;
    if l.black {
        s *= 0.1;
    }
    if l.shaky {
        s *= 0.6;
    }
    if l.secs < 0.5 {
        s *= 0.7;
    }
    round3(s.clamp(0.0, 1.0))
}

/// Shots from the boundaries and per-frame numbers.
pub fn shots(
    stats: &[FrameStat],
    boundaries: &[Boundary],
    candidates: &[Candidate],
    fps: f64,
    duration_ms: u64,
) -> Vec<Shot> {
    let ms = |frame: usize| ((frame as f64 * 1000.0 / fps).round() as u64).min(duration_ms);
    let mut edges: Vec<usize> = vec![0];
    edges.extend(boundaries.iter().map(|b| b.frame));
    edges.push(stats.len());
    let mut out = Vec::new();
    for (k, w) in edges.windows(2).enumerate() {
        let (s, e) = (w[0], w[1].max(w[0] + 1).min(stats.len().max(1)));
        let frames = &stats[s.min(stats.len())..e.min(stats.len())];
        // The first frame's motion belongs to the boundary, not the shot.
        let moving = if frames.len() > 1 { &frames[1..] } else { frames };
        let jitter = mean(moving.windows(3).map(|w| {
            let (a, b, c) = (w[0].motion, w[1].motion, w[2].motion);
            ((b.dx - (a.dx + c.dx) / 2.0).powi(2) + (b.dy - (a.dy + c.dy) / 2.0).powi(2)).sqrt()
        }));
        let mut laps: Vec<f32> = frames.iter().map(|f| f.laplacian).collect();
        laps.sort_by(f32::total_cmp);
        let sharp = sharpness(laps.get(laps.len() / 2).copied().unwrap_or(0.0));
        let brightness = mean(frames.iter().map(|f| f.luma));
        let contrast = mean(frames.iter().map(|f| f.contrast));
        let colorfulness = mean(frames.iter().map(|f| f.colorfulness));
        let motion = mean(moving.iter().map(|f| f.motion.raw));
        let shaky = jitter > SHAKY_JITTER && moving.len() >= 4;
        let black = brightness < BLACK;
        let (start_ms, end_ms) = (ms(s), if k + 2 == edges.len() { duration_ms.max(ms(s)) } else { ms(e) });
        let secs = (end_ms - start_ms) as f32 / 1000.0;
        // The representative frame: the best candidate away from the shot's edges.
        let margin = (e - s) / 10;
        let inside: Vec<&Candidate> = candidates.iter().filter(|c| c.frame >= s && c.frame < e).collect();
        let chosen = inside
            .iter()
            .filter(|c| c.frame >= s + margin && c.frame + margin < e)
            .chain(inside.iter())
            .max_by(|a, b| a.quality.total_cmp(&b.quality))
            .copied()
            .or_else(|| candidates.iter().min_by_key(|c| c.frame.abs_diff((s + e) / 2)));
        let samples: Vec<[u8; 3]> = inside.iter().flat_map(|c| c.samples.iter().copied()).collect();
        let samples = if samples.is_empty() { chosen.map(|c| c.samples.clone()).unwrap_or_default() } else { samples };
        out.push(Shot {
            index: k,
            start_ms,
            end_ms,
            score: score(&Look { sharpness: sharp, brightness, contrast, colorfulness, motion, shaky, black, secs }),
            motion: round3(motion),
            camera_motion: round3(mean(moving.iter().map(|f| (f.motion.dx.powi(2) + f.motion.dy.powi(2)).sqrt()))),
            jitter: (jitter * 10_000.0).round() / 10_000.0,
            shaky,
            sharpness: round3(sharp),
            brightness: round3(brightness),
            contrast: round3(contrast),
            colorfulness: round3(colorfulness),
            saturation: round3(mean(frames.iter().map(|f| f.saturation))),
            black,
            palette: palette(&samples, 5),
            keyframe_ms: chosen.map_or(start_ms, |c| ms(c.frame)),
            keyframe: None,
            enters_by: if k == 0 { None } else { Some(boundaries[k - 1].kind) },
        });
    }
    out
}

/// Scene tags from the whole video's numbers.
pub fn tags(stats: &[FrameStat], boundaries: usize, duration_ms: u64) -> Tags {
    if stats.is_empty() {
        return Tags::default();
    }
    let brightness = mean(stats.iter().map(|f| f.luma));
    let warmth = mean(stats.iter().map(|f| f.warmth));
    let saturation = mean(stats.iter().map(|f| f.saturation));
    let sky = mean(stats.iter().map(|f| f.sky));
    let top_brighter = mean(stats.iter().map(|f| f.top_luma - f.bottom_luma));
    let motion = mean(stats.iter().skip(1).map(|f| f.motion.raw));
    let minutes = (duration_ms as f32 / 60_000.0).max(1.0 / 60.0);
    let cpm = boundaries as f32 / minutes;
    let time_of_day = if brightness < 0.28 { "night" } else { "day" };
    let setting = if sky > 0.35 && top_brighter > 0.03 && brightness >= 0.28 { "outdoor" } else { "indoor" };
    let warmth_tag = if warmth > 0.08 {
        "warm"
    } else if warmth < -0.08 {
        "cool"
    } else {
        "neutral"
    };
    let saturation_tag = if saturation > 0.45 {
        "saturated"
    } else if saturation < 0.2 {
        "muted"
    } else {
        "natural"
    };
    let pace = if cpm >= 20.0 || motion >= 0.06 {
        "fast"
    } else if cpm < 6.0 && motion < 0.015 {
        "slow"
    } else {
        "medium"
    };
    let words = vec![
        time_of_day.to_string(),
        setting.to_string(),
        warmth_tag.to_string(),
        saturation_tag.to_string(),
        format!("{pace}-paced"),
    ];
    Tags {
        time_of_day: Some(time_of_day.into()),
        setting: Some(setting.into()),
        warmth: Some(warmth_tag.into()),
        saturation: Some(saturation_tag.into()),
        pace: Some(pace.into()),
        cuts_per_minute: round3(cpm),
        motion: round3(motion),
        words,
    }
}

impl Analysis {
    /// A readable report.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let secs = |ms: u64| format!("{:.2}s", ms as f64 / 1000.0);
        match &self.video {
            Some(v) => s.push_str(
                &format!(
                    "{} of {}x{} at {:.3} fps: {} shot{}, {} transition{}\n",
                    secs(self.duration_ms),
                    v.width,
                    v.height,
                    v.fps,
                    self.shots.len(),
                    if self.shots.len() == 1 { "" } else { "s" },
                    self.transitions.len(),
                    if self.transitions.len() == 1 { "" } else { "s" }
                )
                .replace(".000 fps", " fps"),
            ),
            None => s.push_str(&format!("{} of sound, no picture\n", secs(self.duration_ms))),
        }
        if !self.tags.words.is_empty() {
            s.push_str(&format!("tags: {} ({:.1} cuts/min)\n", self.tags.words.join(", "), self.tags.cuts_per_minute));
        }
        if let Some(a) = &self.audio {
            let lufs = a.lufs.map_or("silent".to_string(), |l| format!("{l:.1} LUFS"));
            let tempo = a.bpm.map_or("no steady beat".to_string(), |b| format!("{b:.1} BPM"));
            s.push_str(&format!(
                "sound: {lufs}, {tempo}, {} silence{}, {} speech-like region{}\n",
                a.silences.len(),
                if a.silences.len() == 1 { "" } else { "s" },
                a.speech.len(),
                if a.speech.len() == 1 { "" } else { "s" }
            ));
        }
        for shot in &self.shots {
            let flags = [(shot.shaky, " shaky"), (shot.black, " black")]
                .iter()
                .filter(|(f, _)| *f)
                .map(|(_, w)| *w)
                .collect::<String>();
            let colours: Vec<&str> = shot.palette.iter().take(3).map(|p| p.color.as_str()).collect();
            s.push_str(&format!(
                "  #{:<3} {:>8}–{:<8} score {:.2}  sharp {:.2}  bright {:.2}  motion {:.3}  {}{}\n",
                shot.index + 1,
                secs(shot.start_ms),
                secs(shot.end_ms),
                shot.score,
                shot.sharpness,
                shot.brightness,
                shot.motion,
                colours.join(" "),
                flags
            ));
        }
        s
    }
}
