//! The tools a plan calls: every draft edit operation, history (undo/redo), information
//! (status, credits), export, and the generator jobs. One typed value per call, the same
//! for the built-in planner and for a language model offered them as functions.

use cutroom_timeline::EditOp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Output quality of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    High,
    Medium,
    Low,
}

/// Arguments of `export`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportArgs {
    /// Encoder quality (default high).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<Quality>,
    /// The output's short side in pixels (720, 1080, 2160); default: the canvas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<u32>,
}

/// Music styles the generator knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MusicStyle {
    /// Lo-fi, chill, relaxed.
    Lofi,
    /// Upbeat pop, happy, cheerful.
    Pop,
    /// Cinematic, epic, dramatic.
    Cinematic,
    /// Ambient, calm, peaceful.
    Ambient,
    /// Electronic, dance, energetic.
    Electronic,
    /// Acoustic, folk, warm.
    Acoustic,
    /// Corporate, inspiring, uplifting.
    Corporate,
}

impl MusicStyle {
    pub const ALL: [MusicStyle; 7] = [
        MusicStyle::Lofi,
        MusicStyle::Pop,
        MusicStyle::Cinematic,
        MusicStyle::Ambient,
        MusicStyle::Electronic,
        MusicStyle::Acoustic,
        MusicStyle::Corporate,
    ];

    /// The style's name in arguments (`lofi`, `pop`, …).
    pub fn name(self) -> &'static str {
        match self {
            MusicStyle::Lofi => "lofi",
            MusicStyle::Pop => "pop",
            MusicStyle::Cinematic => "cinematic",
            MusicStyle::Ambient => "ambient",
            MusicStyle::Electronic => "electronic",
            MusicStyle::Acoustic => "acoustic",
            MusicStyle::Corporate => "corporate",
        }
    }

    /// How a reply names it.
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (MusicStyle::Lofi, false) => "chill lo-fi",
            (MusicStyle::Pop, false) => "upbeat pop",
            (MusicStyle::Cinematic, false) => "cinematic",
            (MusicStyle::Ambient, false) => "calm ambient",
            (MusicStyle::Electronic, false) => "electronic dance",
            (MusicStyle::Acoustic, false) => "acoustic",
            (MusicStyle::Corporate, false) => "inspiring corporate",
            (MusicStyle::Lofi, true) => "轻松 Lo-fi",
            (MusicStyle::Pop, true) => "欢快流行",
            (MusicStyle::Cinematic, true) => "史诗电影感",
            (MusicStyle::Ambient, true) => "舒缓氛围",
            (MusicStyle::Electronic, true) => "动感电子",
            (MusicStyle::Acoustic, true) => "原声民谣",
            (MusicStyle::Corporate, true) => "励志商务",
        }
    }
}

/// Arguments of `music`: generate a background track for the video and place it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MusicArgs {
    /// The style; default: chosen from the footage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<MusicStyle>,
    /// Volume under the video, 0–1 (default 0.35).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<f64>,
    /// Tempo; default: from the cut rate and motion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bpm: Option<u32>,
}

/// Target platforms for metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Youtube,
    Tiktok,
    Instagram,
    Bilibili,
    Douyin,
    Xiaohongshu,
    Generic,
}

/// Arguments of `promo`: a new edit of the uploaded footage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromoArgs {
    /// Target length (default 15–30 s, from the footage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// `9:16`, `16:9`, `1:1` or `4:5`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect: Option<String>,
    /// Title text at the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Call-to-action text at the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cta: Option<String>,
    /// Music style.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<MusicStyle>,
}

/// Arguments of `text_to_video`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextToVideoArgs {
    /// What the video shows.
    pub prompt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect: Option<String>,
}

/// Arguments of `metadata`: titles, a description with chapters, tags and hashtags.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetadataArgs {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// The user's own words about the video (topic, audience, keywords).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hints: Option<String>,
}

/// Scene orders a re-edit can apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReeditOrder {
    Reverse,
    Energy,
    Chronological,
    StrongestFirst,
}

/// Pacing changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Pace {
    Faster,
    Slower,
}

/// Arguments of `reedit`: reorder, pace and tighten the current edit using the analysis.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReeditArgs {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<ReeditOrder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pace: Option<Pace>,
    /// Cut silent, static stretches.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remove_dead_air: bool,
    /// Target length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

/// How many steps undo/redo take (each step is one earlier message).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Steps {
    #[serde(default = "one")]
    pub steps: u32,
}

fn one() -> u32 {
    1
}

/// One call in a plan.
// Edits dominate plans, so boxing them would cost more than the padding of the rare others.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum ToolCall {
    /// A draft edit (its name is the operation's, e.g. `canvas`, `add_text`).
    Edit(EditOp),
    Undo(Steps),
    Redo(Steps),
    /// Describe the timeline; changes nothing.
    Status,
    /// Report the credit balance; changes nothing.
    Credits,
    Export(ExportArgs),
    Music(MusicArgs),
    Promo(PromoArgs),
    TextToVideo(TextToVideoArgs),
    Metadata(MetadataArgs),
    Reedit(ReeditArgs),
}

impl ToolCall {
    pub fn name(&self) -> &'static str {
        match self {
            ToolCall::Edit(op) => op.name(),
            ToolCall::Undo(_) => "undo",
            ToolCall::Redo(_) => "redo",
            ToolCall::Status => "status",
            ToolCall::Credits => "credits",
            ToolCall::Export(_) => "export",
            ToolCall::Music(_) => "music",
            ToolCall::Promo(_) => "promo",
            ToolCall::TextToVideo(_) => "text_to_video",
            ToolCall::Metadata(_) => "metadata",
            ToolCall::Reedit(_) => "reedit",
        }
    }

    /// The call's arguments as JSON (what a `functionCall` event carries).
    pub fn args(&self) -> Value {
        let v = match self {
            ToolCall::Edit(op) => {
                let mut v = serde_json::to_value(op).unwrap_or(Value::Null);
                if let Some(o) = v.as_object_mut() {
                    o.remove("op");
                }
                return v;
            }
            ToolCall::Undo(s) | ToolCall::Redo(s) => serde_json::to_value(s),
            ToolCall::Status | ToolCall::Credits => return json!({}),
            ToolCall::Export(a) => serde_json::to_value(a),
            ToolCall::Music(a) => serde_json::to_value(a),
            ToolCall::Promo(a) => serde_json::to_value(a),
            ToolCall::TextToVideo(a) => serde_json::to_value(a),
            ToolCall::Metadata(a) => serde_json::to_value(a),
            ToolCall::Reedit(a) => serde_json::to_value(a),
        };
        v.unwrap_or(Value::Null)
    }

    /// Whether the call is a generator job (runs in the background, may take a while).
    pub fn is_generator(&self) -> bool {
        matches!(
            self,
            ToolCall::Music(_)
                | ToolCall::Promo(_)
                | ToolCall::TextToVideo(_)
                | ToolCall::Metadata(_)
                | ToolCall::Reedit(_)
        )
    }

    /// Reads a call by name and JSON arguments, checking them against the same types and
    /// ranges the built-in planner uses. Unknown names and bad arguments are errors.
    pub fn from_call(name: &str, args: Value) -> Result<ToolCall, String> {
        let args = match args {
            Value::Null => json!({}),
            Value::Object(o) => Value::Object(o),
            other => return Err(format!("{name}: arguments must be an object, got {other}")),
        };
        fn read<T: serde::de::DeserializeOwned>(name: &str, args: Value) -> Result<T, String> {
            serde_json::from_value(args).map_err(|e| format!("{name}: {e}"))
        }
        let call = match name {
            "undo" => ToolCall::Undo(read(name, args)?),
            "redo" => ToolCall::Redo(read(name, args)?),
            "status" => ToolCall::Status,
            "credits" => ToolCall::Credits,
            "export" => ToolCall::Export(read(name, args)?),
            "music" => ToolCall::Music(read(name, args)?),
            "promo" => ToolCall::Promo(read(name, args)?),
            "text_to_video" => ToolCall::TextToVideo(read(name, args)?),
            "metadata" => ToolCall::Metadata(read(name, args)?),
            "reedit" => ToolCall::Reedit(read(name, args)?),
            op => {
                if !edit_names().iter().any(|n| n == op) {
                    return Err(format!("unknown tool '{op}'"));
                }
                let mut obj = args.as_object().cloned().unwrap_or_default();
                obj.insert("op".into(), Value::String(op.into()));
                ToolCall::Edit(read(name, Value::Object(obj))?)
            }
        };
        call.check()?;
        Ok(call)
    }

    /// Range checks beyond the types.
    pub fn check(&self) -> Result<(), String> {
        let bad = |m: String| Err(format!("{}: {m}", self.name()));
        match self {
            ToolCall::Undo(s) | ToolCall::Redo(s) if s.steps == 0 || s.steps > 100 => {
                bad(format!("steps must be 1–100, got {}", s.steps))
            }
            ToolCall::Export(a) if a.resolution.is_some_and(|r| !(144..=4320).contains(&r)) => {
                bad("resolution must be 144–4320".into())
            }
            ToolCall::Music(a) if a.volume.is_some_and(|v| !(0.0..=1.0).contains(&v)) => {
                bad("volume must be 0–1".into())
            }
            ToolCall::Music(a) if a.bpm.is_some_and(|b| !(40..=220).contains(&b)) => bad("bpm must be 40–220".into()),
            ToolCall::Promo(a) if a.duration_ms.is_some_and(|d| !(3_000..=180_000).contains(&d)) => {
                bad("duration_ms must be 3 000–180 000".into())
            }
            ToolCall::Promo(PromoArgs { aspect: Some(a), .. })
            | ToolCall::TextToVideo(TextToVideoArgs { aspect: Some(a), .. })
                if !ASPECTS.contains(&a.as_str()) =>
            {
                bad(format!("aspect must be one of {}", ASPECTS.join(", ")))
            }
            ToolCall::TextToVideo(a) if a.prompt.trim().is_empty() || a.prompt.len() > 2000 => {
                bad("prompt must be 1–2000 bytes".into())
            }
            ToolCall::TextToVideo(a) if a.duration_ms.is_some_and(|d| !(1_000..=60_000).contains(&d)) => {
                bad("duration_ms must be 1 000–60 000".into())
            }
            ToolCall::Reedit(a) if a.duration_ms.is_some_and(|d| !(1_000..=600_000).contains(&d)) => {
                bad("duration_ms must be 1 000–600 000".into())
            }
            _ => Ok(()),
        }
    }
}

/// Aspect ratios generators accept.
pub const ASPECTS: [&str; 4] = ["9:16", "16:9", "1:1", "4:5"];

/// The names of the draft edit operations.
pub fn edit_names() -> Vec<String> {
    let schema = serde_json::to_value(schemars::schema_for!(EditOp)).unwrap_or(Value::Null);
    schema["oneOf"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["properties"]["op"]["const"].as_str().map(str::to_string))
        .collect()
}

/// Every tool as an OpenAI-style function definition (`{"type": "function", "function":
/// {name, description, parameters}}`), for a language model to call.
pub fn definitions() -> Vec<Value> {
    let mut out = Vec::new();
    let schema = serde_json::to_value(schemars::schema_for!(EditOp)).unwrap_or(Value::Null);
    let defs = schema.get("$defs").cloned().unwrap_or(json!({}));
    for v in schema["oneOf"].as_array().into_iter().flatten() {
        let Some(name) = v["properties"]["op"]["const"].as_str() else { continue };
        let mut params = v.clone();
        let description = params.get("description").and_then(Value::as_str).unwrap_or("").to_string();
        if let Some(o) = params.as_object_mut() {
            o.remove("description");
            if let Some(p) = o.get_mut("properties").and_then(Value::as_object_mut) {
                p.remove("op");
            }
            if let Some(r) = o.get_mut("required").and_then(Value::as_array_mut) {
                r.retain(|x| x != "op");
            }
            o.insert("$defs".into(), defs.clone());
        }
        out.push(function(name, &format!("Draft edit: {description}"), params));
    }
    fn schema_of<T: JsonSchema>() -> Value {
        let mut v = serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null);
        if let Some(o) = v.as_object_mut() {
            o.remove("$schema");
            o.remove("title");
        }
        v
    }
    let empty = json!({"type": "object", "properties": {}});
    out.push(function("undo", "Undo the last message's edits (steps: how many messages).", schema_of::<Steps>()));
    out.push(function("redo", "Redo what undo took back.", schema_of::<Steps>()));
    out.push(function("status", "Show the timeline's tracks; changes nothing.", empty.clone()));
    out.push(function("credits", "Show the credit balance; changes nothing.", empty));
    out.push(function(
        "export",
        "Render the timeline to an MP4 and give its download link.",
        schema_of::<ExportArgs>(),
    ));
    out.push(function(
        "music",
        "Generate original background music that fits the video and put it on the timeline (replacing any).",
        schema_of::<MusicArgs>(),
    ));
    out.push(function(
        "promo",
        "Make a new short edit (promo) from the uploaded footage: best shots, music, title.",
        schema_of::<PromoArgs>(),
    ));
    out.push(function("text_to_video", "Generate a video clip from a description.", schema_of::<TextToVideoArgs>()));
    out.push(function(
        "metadata",
        "Write title options, a description with chapters, tags and hashtags for a platform.",
        schema_of::<MetadataArgs>(),
    ));
    out.push(function(
        "reedit",
        "Re-edit the current video: reorder scenes, change pacing, remove dead air, fit a length.",
        schema_of::<ReeditArgs>(),
    ));
    out
}

fn function(name: &str, description: &str, parameters: Value) -> Value {
    json!({"type": "function", "function": {"name": name, "description": description, "parameters": parameters}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_edit_op_is_a_tool() {
        let names = edit_names();
        assert_eq!(names.len(), 22);
        assert!(names.iter().all(|n| !n.is_empty()));
        let defs = definitions();
        assert_eq!(defs.len(), 22 + 10);
        for d in &defs {
            let name = d["function"]["name"].as_str().unwrap();
            assert!(!name.is_empty());
            assert!(d["function"]["parameters"].is_object(), "{name}");
        }
    }

    #[test]
    fn calls_round_trip_and_are_checked() {
        let call = ToolCall::from_call("canvas", json!({"w": 1080, "h": 1920})).unwrap();
        assert_eq!(call.name(), "canvas");
        assert_eq!(call.args(), json!({"w": 1080, "h": 1920}));
        let again = ToolCall::from_call(call.name(), call.args()).unwrap();
        assert_eq!(again, call);
        let music = ToolCall::from_call("music", json!({"style": "lofi", "volume": 0.3})).unwrap();
        assert_eq!(music.args(), json!({"style": "lofi", "volume": 0.3}));
        assert!(ToolCall::from_call("music", json!({"volume": 3})).is_err());
        assert!(ToolCall::from_call("music", json!({"style": "polka"})).is_err());
        assert!(ToolCall::from_call("delete_everything", json!({})).is_err());
        assert!(ToolCall::from_call("canvas", json!({"w": "wide"})).is_err());
        assert!(ToolCall::from_call("export", json!({"resolution": 99999})).is_err());
        assert_eq!(ToolCall::from_call("undo", Value::Null).unwrap(), ToolCall::Undo(Steps { steps: 1 }));
    }
}
