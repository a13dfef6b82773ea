//! The scene description a prompt becomes: setting, time of day, weather, mood, camera,
//! length, shape and on-screen text — plain data, shown to the user as "what was understood".

use serde::{Deserialize, Serialize};

/// Where the scene takes place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// Skyline, streets, towers.
    City,
    /// Sea, beach, waves.
    Ocean,
    Forest,
    /// Ranges of peaks, often over a lake.
    Mountains,
    /// Dunes.
    Desert,
    /// Stars, nebulae, planets.
    Space,
    /// Moving colour fields: what a prompt without a place gets.
    #[default]
    Abstract,
}

/// The light of the scene.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeOfDay {
    Dawn,
    #[default]
    Day,
    /// Golden hour and sunset: a low sun, warm light.
    Sunset,
    Night,
}

/// What is in the air.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weather {
    #[default]
    Clear,
    Rain,
    Snow,
    Fog,
    /// Heat shimmer over hot ground.
    Haze,
}

/// The look: palette and finish. A scene can have several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mood {
    /// Letterbox bars, vignette, a teal-and-orange grade.
    Cinematic,
    /// Saturated magenta and cyan lights.
    Neon,
    /// Light, soft, low-saturation colours.
    Pastel,
    Warm,
    Cold,
    /// Black and white.
    Monochrome,
    /// Film grain.
    Grain,
}

/// How the camera moves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Camera {
    Static,
    /// Turns sideways: everything slides at the same rate.
    Pan,
    /// Zooms in on the centre.
    PushIn,
    /// Moves sideways: near layers slide faster than far ones (parallax).
    #[default]
    Dolly,
    /// Circles around the middle distance: near and far layers slide opposite ways.
    Orbit,
}

/// The picture's shape.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Aspect {
    #[default]
    #[serde(rename = "16:9")]
    Landscape,
    #[serde(rename = "9:16")]
    Portrait,
    #[serde(rename = "1:1")]
    Square,
    #[serde(rename = "4:5")]
    Tall,
}

impl Aspect {
    /// `16:9`, `9:16`, `1:1` or `4:5` (also `vertical`, `portrait`, `square`, …).
    pub fn parse(s: &str) -> Option<Aspect> {
        Some(match s.trim().to_ascii_lowercase().replace(['x', '/'], ":").as_str() {
            "16:9" | "landscape" | "horizontal" | "widescreen" => Aspect::Landscape,
            "9:16" | "portrait" | "vertical" => Aspect::Portrait,
            "1:1" | "square" => Aspect::Square,
            "4:5" => Aspect::Tall,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Aspect::Landscape => "16:9",
            Aspect::Portrait => "9:16",
            Aspect::Square => "1:1",
            Aspect::Tall => "4:5",
        }
    }

    /// The frame size with `short` pixels on the short side (even numbers).
    pub fn size(self, short: u32) -> (u32, u32) {
        let even = |v: u64| (v / 2 * 2).max(2) as u32;
        let s = u64::from(short.max(2));
        match self {
            Aspect::Landscape => (even(s * 16 / 9), even(s)),
            Aspect::Portrait => (even(s), even(s * 16 / 9)),
            Aspect::Square => (even(s), even(s)),
            Aspect::Tall => (even(s), even(s * 5 / 4)),
        }
    }
}

/// One thing the prompt said and what it set, e.g. `time: night ← "night"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Understood {
    /// `setting`, `time`, `weather`, `mood`, `camera`, `duration`, `aspect`, `text`, `water`.
    pub field: String,
    pub value: String,
    /// The words of the prompt that said it.
    pub from: String,
}

/// A scene to generate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SceneSpec {
    /// The prompt as given.
    pub prompt: String,
    pub setting: Setting,
    pub time: TimeOfDay,
    pub weather: Weather,
    /// Sorted, no repeats.
    pub moods: Vec<Mood>,
    pub camera: Camera,
    /// Water in the lower part of the picture (sea, lake, river, harbour) reflecting the scene.
    pub water: bool,
    pub duration_ms: u64,
    pub aspect: Aspect,
    /// Quoted words shown on screen.
    pub text: Option<String>,
    /// What each recognised phrase set; fields not listed kept their defaults.
    pub understood: Vec<Understood>,
}

/// Generated clips are 1 to 60 seconds long.
pub const MIN_DURATION_MS: u64 = 1_000;
pub const MAX_DURATION_MS: u64 = 60_000;
/// The length when the prompt names none.
pub const DEFAULT_DURATION_MS: u64 = 8_000;

impl SceneSpec {
    /// The spec with a length and shape asked for apart from the prompt (flags, API fields),
    /// which win over the prompt's words.
    pub fn with_overrides(mut self, duration_ms: Option<u64>, aspect: Option<Aspect>) -> SceneSpec {
        if let Some(d) = duration_ms {
            self.duration_ms = d.clamp(MIN_DURATION_MS, MAX_DURATION_MS);
            self.understood.retain(|u| u.field != "duration");
        }
        if let Some(a) = aspect {
            self.aspect = a;
            self.understood.retain(|u| u.field != "aspect");
        }
        self
    }

    pub fn has(&self, m: Mood) -> bool {
        self.moods.contains(&m)
    }

    /// One line for people: `city · night · rain · neon, cinematic · dolly · 10 s · 9:16 · "Hello"`.
    pub fn summary(&self) -> String {
        let mut parts = vec![name(&self.setting), name(&self.time), name(&self.weather)];
        if self.water && !matches!(self.setting, Setting::Ocean) {
            parts.push("water".into());
        }
        if !self.moods.is_empty() {
            parts.push(self.moods.iter().map(name).collect::<Vec<_>>().join(", "));
        }
        parts.push(format!("camera {}", name(&self.camera).replace('_', "-")));
        parts.push(format_seconds(self.duration_ms));
        parts.push(self.aspect.label().into());
        if let Some(t) = &self.text {
            parts.push(format!("text \u{201c}{t}\u{201d}"));
        }
        parts.join(" · ")
    }
}

/// `10 s`, `7.5 s`.
pub fn format_seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) { format!("{} s", ms / 1000) } else { format!("{:.1} s", ms as f64 / 1000.0) }
}

/// The serde name of a unit enum value (`push_in`).
pub fn name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_aspect() {
        assert_eq!(Aspect::Landscape.size(1080), (1920, 1080));
        assert_eq!(Aspect::Portrait.size(1080), (1080, 1920));
        assert_eq!(Aspect::Square.size(1080), (1080, 1080));
        assert_eq!(Aspect::Tall.size(1080), (1080, 1350));
        assert_eq!(Aspect::Landscape.size(361), (640, 360));
    }

    #[test]
    fn aspects_parse() {
        assert_eq!(Aspect::parse("9:16"), Some(Aspect::Portrait));
        assert_eq!(Aspect::parse("9x16"), Some(Aspect::Portrait));
        assert_eq!(Aspect::parse("4:5"), Some(Aspect::Tall));
        assert_eq!(Aspect::parse("3:2"), None);
    }

    #[test]
    fn the_summary_reads_as_a_line() {
        let s = SceneSpec {
            setting: Setting::City,
            time: TimeOfDay::Night,
            weather: Weather::Rain,
            moods: vec![Mood::Cinematic, Mood::Neon],
            camera: Camera::PushIn,
            duration_ms: 10_000,
            aspect: Aspect::Portrait,
            text: Some("Hi".into()),
            ..SceneSpec::default()
        };
        assert_eq!(s.summary(), "city · night · rain · cinematic, neon · camera push-in · 10 s · 9:16 · text “Hi”");
    }
}
