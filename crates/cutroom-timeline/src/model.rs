//! The draft's types: canvas, tracks (`t`), segments (`sg`) and their settings.
//!
//! Keys the reference service defines keep their short names (`t`, `tt`, `sg`,
//! `d`, `m`); the rest are short English words. Time is whole milliseconds.

use crate::color::Color;
use crate::time::Ms;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// The draft format version this crate reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Free-form metadata (`m`): names, roles, notes, export tags.
pub type Meta = serde_json::Map<String, serde_json::Value>;

fn schema_version() -> u32 {
    SCHEMA_VERSION
}
fn one() -> f64 {
    1.0
}
fn is_one(v: &f64) -> bool {
    *v == 1.0
}

/// A timeline: what to render, as tracks of segments on a canvas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "cutroom draft")]
pub struct Draft {
    /// Schema version (currently 1).
    #[serde(default = "schema_version")]
    pub v: u32,
    /// Output frame size, rate and background.
    #[serde(default)]
    pub canvas: Canvas,
    /// Tracks (`t`). Video is drawn first, text on top in track order; audio is mixed.
    #[serde(default)]
    pub t: Vec<Track>,
    /// Draft metadata (`m`): `title`, `description`, `keywords`, … (written into exported files).
    #[serde(default, skip_serializing_if = "Meta::is_empty")]
    pub m: Meta,
}

impl Default for Draft {
    fn default() -> Self {
        Draft { v: SCHEMA_VERSION, canvas: Canvas::default(), t: Vec::new(), m: Meta::new() }
    }
}

impl Draft {
    /// The end of the last segment on any track.
    pub fn duration(&self) -> Ms {
        self.t.iter().map(Track::end).max().unwrap_or(Ms::ZERO)
    }

    /// Index of the (single) video track, if there is one.
    pub fn video_track(&self) -> Option<usize> {
        self.t.iter().position(|t| t.tt == TrackType::Video)
    }

    /// Indices of the tracks of one type, in order.
    pub fn tracks_of(&self, tt: TrackType) -> impl Iterator<Item = usize> + '_ {
        self.t.iter().enumerate().filter(move |(_, t)| t.tt == tt).map(|(i, _)| i)
    }

    /// Parses a draft from JSON; errors name the offending field (`t[0].tt: …`).
    pub fn from_json(json: &str) -> Result<Draft, crate::Issue> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| crate::Issue::new("", format!("not valid JSON: {e}")))?;
        Draft::from_value(value)
    }

    /// Reads a draft from a JSON value; errors name the offending field (`t[0].tt: …`).
    pub fn from_value(value: serde_json::Value) -> Result<Draft, crate::Issue> {
        if !value.is_object() {
            return Err(crate::Issue::new("", "a draft must be a JSON object"));
        }
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = crate::validate::format_path(e.path());
            crate::Issue::new(path, e.inner().to_string())
        })
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a draft always serialises")
    }
}

/// The frame everything is composed on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Canvas {
    /// Width in pixels (even, 16–4096).
    pub w: u32,
    /// Height in pixels (even, 16–4096).
    pub h: u32,
    /// Frames per second (a divisor of 48000 up to 120: 24, 25, 30, 50, 60, …).
    #[serde(default = "default_fps")]
    pub fps: u32,
    /// Colour behind everything (gaps, contain bars).
    #[serde(default = "black")]
    pub bg: Color,
}

fn default_fps() -> u32 {
    30
}
fn black() -> Color {
    Color::BLACK
}
fn white() -> Color {
    Color::WHITE
}

impl Default for Canvas {
    fn default() -> Self {
        Canvas { w: 1920, h: 1080, fps: 30, bg: Color::BLACK }
    }
}

impl Canvas {
    /// The canvas for an aspect ratio name at 1080p: `16:9`, `9:16`, `1:1`, `4:5`.
    pub fn for_aspect(aspect: &str) -> Option<Canvas> {
        let (w, h) = match aspect.trim() {
            "16:9" => (1920, 1080),
            "9:16" => (1080, 1920),
            "1:1" => (1080, 1080),
            "4:5" => (1080, 1350),
            "4:3" => (1440, 1080),
            "21:9" => (2560, 1080),
            _ => return None,
        };
        Some(Canvas { w, h, ..Canvas::default() })
    }
}

/// Track type (`tt`), numbered as the reference service numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrackType {
    /// `0`: pictures (clips and stills), in sequence.
    Video,
    /// `1`: sound (music, voice), mixed.
    Audio,
    /// `7`: text overlays (titles, captions, lower thirds).
    Text,
}

impl TrackType {
    pub fn code(self) -> u8 {
        match self {
            TrackType::Video => 0,
            TrackType::Audio => 1,
            TrackType::Text => 7,
        }
    }

    pub fn from_code(code: u64) -> Option<TrackType> {
        match code {
            0 => Some(TrackType::Video),
            1 => Some(TrackType::Audio),
            7 => Some(TrackType::Text),
            _ => None,
        }
    }
}

impl fmt::Display for TrackType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrackType::Video => "video",
            TrackType::Audio => "audio",
            TrackType::Text => "text",
        })
    }
}

impl Serialize for TrackType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for TrackType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TrackType, D::Error> {
        let code = u64::deserialize(d)?;
        TrackType::from_code(code).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown track type {code} (expected 0 video, 1 audio or 7 text)"))
        })
    }
}

impl JsonSchema for TrackType {
    fn schema_name() -> Cow<'static, str> {
        "TrackType".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "enum": [0, 1, 7],
            "description": "0 video, 1 audio, 7 text"
        })
    }
}

/// One track (`t[i]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Track {
    /// Track type: 0 video, 1 audio, 7 text.
    pub tt: TrackType,
    /// Segments (`sg`), ordered by `start`.
    #[serde(default)]
    pub sg: Vec<Segment>,
    /// Audio tracks only: lower this track while the video's own sound plays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duck: Option<Duck>,
    /// Track metadata: `name` (shown in summaries), `role` (`bgm`, `voice`, `title`, `captions`).
    #[serde(default, skip_serializing_if = "Meta::is_empty")]
    pub m: Meta,
}

impl Track {
    pub fn new(tt: TrackType) -> Track {
        Track { tt, sg: Vec::new(), duck: None, m: Meta::new() }
    }

    /// End of the last segment.
    pub fn end(&self) -> Ms {
        self.sg.iter().map(Segment::end).max().unwrap_or(Ms::ZERO)
    }

    /// Start of the first segment.
    pub fn start(&self) -> Ms {
        self.sg.iter().map(|s| s.start).min().unwrap_or(Ms::ZERO)
    }

    /// A string field of `m`.
    pub fn meta_str(&self, key: &str) -> Option<&str> {
        self.m.get(key).and_then(|v| v.as_str())
    }
}

/// One segment (`sg[j]`): a piece of media, or a text, placed on the timeline.
///
/// Which fields apply depends on the track: video segments use `src`, `in`,
/// `speed`, `volume`, fades, `transition`, `fit`, `focus` and `motion`; audio
/// segments use `src`, `in`, `speed`, `volume` and fades; text segments use
/// `text`, `style` and fades.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Media id of the source (video, image or audio).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
    /// Where the segment starts on the timeline (ms).
    #[serde(default)]
    pub start: Ms,
    /// Where the segment starts in its source (ms of source time).
    #[serde(rename = "in", default, skip_serializing_if = "Ms::is_zero")]
    pub src_in: Ms,
    /// Duration on the timeline (ms). The source span used is `d × speed`.
    pub d: Ms,
    /// Playback speed, 0.25–4 (audio keeps its pitch).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub speed: f64,
    /// Volume of the segment's sound, 0–4 (1 = as recorded).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub volume: f64,
    /// Fade in from black/silence (ms).
    #[serde(default, skip_serializing_if = "Ms::is_zero")]
    pub fade_in: Ms,
    /// Fade out to black/silence (ms).
    #[serde(default, skip_serializing_if = "Ms::is_zero")]
    pub fade_out: Ms,
    /// Video only: the transition into the next segment, which overlaps this one by its duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition: Option<Transition>,
    /// Video only: how the source fills the canvas.
    #[serde(default, skip_serializing_if = "Fit::is_cover")]
    pub fit: Fit,
    /// Video only: the point of the source to keep in frame when cropping (0–1 each).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<Point>,
    /// A slow zoom/pan: on stills a Ken Burns move (eased); on video a pan of the cover
    /// crop at one zoom, its centre moving at constant speed (`fit: cover` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motion: Option<Motion>,
    /// Text only: the words to show (newlines break lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Text only: how the words look.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<TextStyle>,
    /// Segment metadata: `name` (shown in summaries), notes.
    #[serde(default, skip_serializing_if = "Meta::is_empty")]
    pub m: Meta,
}

impl Segment {
    /// A media segment of duration `d` at `start`, with everything else default.
    pub fn media(src: impl Into<String>, start: Ms, d: Ms) -> Segment {
        Segment { src: Some(src.into()), start, d, ..Segment::blank() }
    }

    /// A text segment with the default style.
    pub fn text(text: impl Into<String>, start: Ms, d: Ms) -> Segment {
        Segment { text: Some(text.into()), start, d, ..Segment::blank() }
    }

    fn blank() -> Segment {
        Segment {
            src: None,
            start: Ms::ZERO,
            src_in: Ms::ZERO,
            d: Ms::ZERO,
            speed: 1.0,
            volume: 1.0,
            fade_in: Ms::ZERO,
            fade_out: Ms::ZERO,
            transition: None,
            fit: Fit::Cover,
            focus: None,
            motion: None,
            text: None,
            style: None,
            m: Meta::new(),
        }
    }

    /// End on the timeline.
    pub fn end(&self) -> Ms {
        self.start + self.d
    }

    /// How much source time the segment plays (`d × speed`).
    pub fn src_len(&self) -> Ms {
        self.d.scale(self.speed)
    }

    /// Duration of the outgoing transition, or zero.
    pub fn transition_len(&self) -> Ms {
        self.transition.as_ref().map_or(Ms::ZERO, |t| t.d)
    }

    /// A string field of `m`.
    pub fn meta_str(&self, key: &str) -> Option<&str> {
        self.m.get(key).and_then(|v| v.as_str())
    }
}

/// A transition into the next segment of a video track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The effect.
    pub kind: TransitionKind,
    /// How long the two segments overlap (ms).
    pub d: Ms,
}

/// Transition effects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransitionKind {
    /// Cross-dissolve: the picture blends from one segment to the next.
    #[serde(alias = "fade", alias = "dissolve")]
    Crossfade,
    /// Fade to black, then up from black.
    FadeBlack,
    /// Fade to white, then up from white.
    FadeWhite,
    WipeLeft,
    WipeRight,
    WipeUp,
    WipeDown,
    SlideLeft,
    SlideRight,
    SlideUp,
    SlideDown,
    CircleOpen,
    CircleClose,
    ZoomIn,
    Pixelize,
    Radial,
}

impl TransitionKind {
    pub const ALL: [TransitionKind; 16] = [
        TransitionKind::Crossfade,
        TransitionKind::FadeBlack,
        TransitionKind::FadeWhite,
        TransitionKind::WipeLeft,
        TransitionKind::WipeRight,
        TransitionKind::WipeUp,
        TransitionKind::WipeDown,
        TransitionKind::SlideLeft,
        TransitionKind::SlideRight,
        TransitionKind::SlideUp,
        TransitionKind::SlideDown,
        TransitionKind::CircleOpen,
        TransitionKind::CircleClose,
        TransitionKind::ZoomIn,
        TransitionKind::Pixelize,
        TransitionKind::Radial,
    ];
}

/// How a source fills a canvas of another shape.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    /// Fill the canvas, cropping what overflows (no bars).
    #[default]
    Cover,
    /// Show all of the source, with bars in the canvas colour.
    Contain,
    /// Show all of the source over a blurred, enlarged copy of itself (no bars).
    #[serde(alias = "blurred_background", alias = "blurred-background", alias = "blur_background")]
    Blur,
}

impl Fit {
    fn is_cover(&self) -> bool {
        *self == Fit::Cover
    }
}

/// A point in a frame, as fractions of its width and height (0–1).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub const CENTER: Point = Point { x: 0.5, y: 0.5 };
}

fn center() -> Point {
    Point::CENTER
}
fn zoom_to_default() -> f64 {
    1.15
}

/// A slow zoom/pan over a still (Ken Burns): from one framing to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Motion {
    /// Zoom at the start (1 = the whole fitted image, 2 = twice as close), 1–4.
    #[serde(default = "one")]
    pub zoom_from: f64,
    /// Zoom at the end, 1–4.
    #[serde(default = "zoom_to_default")]
    pub zoom_to: f64,
    /// Centre of the view at the start (fractions of the image).
    #[serde(default = "center")]
    pub from: Point,
    /// Centre of the view at the end.
    #[serde(default = "center")]
    pub to: Point,
}

/// Where a text block sits on the canvas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    TopLeft,
    Top,
    TopRight,
    Left,
    #[default]
    Center,
    Right,
    BottomLeft,
    Bottom,
    BottomRight,
}

/// How the lines of a text block line up with each other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    Left,
    #[default]
    Center,
    Right,
}

fn default_font() -> String {
    "DejaVu Sans".to_string()
}
fn default_size() -> u32 {
    64
}
fn default_margin() -> f64 {
    0.05
}
fn is_false(b: &bool) -> bool {
    !*b
}

/// The look of a text segment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextStyle {
    /// Font family. "DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono" and "Noto Sans CJK" are
    /// bundled; Chinese/Japanese/Korean text always falls back to Noto Sans CJK.
    #[serde(default = "default_font")]
    pub font: String,
    /// Bold weight.
    #[serde(default, skip_serializing_if = "is_false")]
    pub bold: bool,
    /// Font size in canvas pixels.
    #[serde(default = "default_size")]
    pub size: u32,
    /// Text colour.
    #[serde(default = "white")]
    pub color: Color,
    /// Where the block sits.
    #[serde(default)]
    pub pos: Anchor,
    /// How lines align within the block.
    #[serde(default)]
    pub align: Align,
    /// Distance from the canvas edge, as a fraction of the canvas's shorter side.
    #[serde(default = "default_margin")]
    pub margin: f64,
    /// A box behind each line.
    #[serde(default, rename = "box", skip_serializing_if = "Option::is_none")]
    pub bg: Option<TextBox>,
    /// A drop shadow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadow: Option<Shadow>,
    /// An outline around the letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outline: Option<Outline>,
}

impl Default for TextStyle {
    fn default() -> Self {
        TextStyle {
            font: default_font(),
            bold: false,
            size: default_size(),
            color: Color::WHITE,
            pos: Anchor::Center,
            align: Align::Center,
            margin: default_margin(),
            bg: None,
            shadow: None,
            outline: None,
        }
    }
}

fn box_color() -> Color {
    Color::rgba(0, 0, 0, 0x99)
}
fn box_pad() -> u32 {
    16
}
fn shadow_color() -> Color {
    Color::rgba(0, 0, 0, 0xb0)
}
fn shadow_offset() -> i32 {
    3
}
fn outline_w() -> u32 {
    3
}

/// A box behind text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextBox {
    #[serde(default = "box_color")]
    pub color: Color,
    /// Padding around the text, canvas pixels.
    #[serde(default = "box_pad")]
    pub pad: u32,
}

/// A drop shadow behind text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shadow {
    #[serde(default = "shadow_color")]
    pub color: Color,
    /// Offset in canvas pixels.
    #[serde(default = "shadow_offset")]
    pub x: i32,
    #[serde(default = "shadow_offset")]
    pub y: i32,
}

/// An outline around letters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outline {
    #[serde(default = "black")]
    pub color: Color,
    /// Width in canvas pixels.
    #[serde(default = "outline_w")]
    pub w: u32,
}

fn duck_amount() -> f64 {
    10.0
}
fn duck_threshold() -> f64 {
    -40.0
}
fn duck_attack() -> u32 {
    20
}
fn duck_release() -> u32 {
    400
}

/// Automatic ducking: an audio track drops while the video's own sound is present.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Duck {
    /// How far the track drops under typical speech (dB, 1–40).
    #[serde(default = "duck_amount")]
    pub amount_db: f64,
    /// Level of the video's sound above which ducking starts (dBFS, −60 to 0).
    #[serde(default = "duck_threshold")]
    pub threshold_db: f64,
    /// How fast the track drops (ms).
    #[serde(default = "duck_attack")]
    pub attack_ms: u32,
    /// How fast it comes back (ms).
    #[serde(default = "duck_release")]
    pub release_ms: u32,
}

impl Default for Duck {
    fn default() -> Self {
        Duck {
            amount_db: duck_amount(),
            threshold_db: duck_threshold(),
            attack_ms: duck_attack(),
            release_ms: duck_release(),
        }
    }
}

/// What kind of media a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Video,
    Image,
    Audio,
}

/// What validation needs to know about a media id (from a probe).
#[derive(Clone, Debug, PartialEq)]
pub struct MediaFacts {
    pub kind: MediaKind,
    /// Playable length; `None` for stills.
    pub duration: Option<Ms>,
    pub has_audio: bool,
}
