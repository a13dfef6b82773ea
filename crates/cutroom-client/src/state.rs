//! Reading a session's state for people: the timeline's one-line summary, what the
//! generators made, and what changed between two states (for turns that end without text).

use cutroom_api::{GeneratedMedia, MediaInfo, StateData};
use serde_json::Value;

/// The timeline's summary line (`Timeline (3 tracks): 1. Video: …`); made from the draft
/// when the server sent none.
pub fn summary_line(state: &StateData) -> String {
    let s = state.state.summary.trim();
    if !s.is_empty() {
        return s.to_string();
    }
    let tracks = state.state.draft.get("t").and_then(Value::as_array).map_or(0, Vec::len);
    match tracks {
        0 => "Timeline (empty)".to_string(),
        1 => "Timeline (1 track)".to_string(),
        n => format!("Timeline ({n} tracks)"),
    }
}

/// One thing a generator made, described.
#[derive(Clone, Debug, PartialEq)]
pub struct GeneratedItem {
    /// `music`, `video`, `promo`, `metadata`, …
    pub kind: String,
    pub media_id: Option<String>,
    /// The file's name, when it is a media file of the session.
    pub name: Option<String>,
    pub duration_ms: Option<u64>,
    /// A short line: `music: music-chill-92bpm.wav (6.0 s, chill, 92 BPM)`.
    pub line: String,
}

/// What the session's generators made, oldest first.
pub fn generated_media(state: &StateData) -> Vec<GeneratedItem> {
    state.state.generated_media.iter().map(|g| generated_item(g, &state.state.video_infos)).collect()
}

fn generated_item(g: &GeneratedMedia, media: &[MediaInfo]) -> GeneratedItem {
    let info = g.media_id.as_deref().and_then(|id| media.iter().find(|m| m.media_id == id));
    let name = info.map(|m| m.name.clone());
    let duration_ms = info.and_then(|m| m.duration_ms).or_else(|| g.meta.get("duration_ms").and_then(Value::as_u64));
    let mut details = Vec::new();
    if let Some(ms) = duration_ms {
        details.push(format!("{:.1} s", ms as f64 / 1000.0));
    }
    if let Some(style) = g.meta.get("style").and_then(Value::as_str) {
        details.push(style.to_string());
    }
    if let Some(bpm) = g.meta.get("bpm").and_then(Value::as_f64) {
        details.push(format!("{bpm:.0} BPM"));
    }
    let title = g
        .meta
        .get("title")
        .and_then(Value::as_str)
        .or_else(|| g.meta.get("titles").and_then(Value::as_array).and_then(|t| t.first()).and_then(Value::as_str))
        .or_else(|| g.meta.get("prompt").and_then(Value::as_str));
    let what = name.clone().or_else(|| title.map(|t| format!("\"{t}\""))).unwrap_or_else(|| g.id.clone());
    let line = if details.is_empty() {
        format!("{}: {what}", g.kind)
    } else {
        format!("{}: {what} ({})", g.kind, details.join(", "))
    };
    GeneratedItem { kind: g.kind.clone(), media_id: g.media_id.clone(), name, duration_ms, line }
}

/// The difference between two states of a session.
#[derive(Clone, Debug, PartialEq)]
pub struct DraftChange {
    /// The draft itself changed (content or version).
    pub changed: bool,
    pub version_before: i64,
    pub version_after: i64,
    pub summary_before: String,
    pub summary_after: String,
    /// Lines for media that appeared (uploads and generated media).
    pub new_media: Vec<String>,
}

impl DraftChange {
    /// A sentence for the user.
    pub fn sentence(&self) -> String {
        let mut s = if !self.changed {
            format!("The timeline did not change: {}", self.summary_after)
        } else if self.summary_before == self.summary_after {
            format!(
                "The timeline changed (version {} → {}): {}",
                self.version_before, self.version_after, self.summary_after
            )
        } else {
            format!(
                "The timeline changed (version {} → {}): {} (before: {})",
                self.version_before, self.version_after, self.summary_after, self.summary_before
            )
        };
        if !self.new_media.is_empty() {
            s.push_str(&format!("; new: {}", self.new_media.join("; ")));
        }
        s
    }
}

impl std::fmt::Display for DraftChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sentence())
    }
}

/// What changed from `before` to `after` (states of the same session).
pub fn describe_change(before: &StateData, after: &StateData) -> DraftChange {
    let (b, a) = (&before.state, &after.state);
    let changed = b.draft != a.draft || b.draft_version != a.draft_version || before.session_id != after.session_id;
    let mut new_media: Vec<String> = a
        .generated_media
        .iter()
        .filter(|g| !b.generated_media.iter().any(|old| old.id == g.id))
        .map(|g| generated_item(g, &a.video_infos).line)
        .collect();
    let generated_ids: Vec<&str> = a.generated_media.iter().filter_map(|g| g.media_id.as_deref()).collect();
    new_media.extend(
        a.video_infos
            .iter()
            .filter(|m| !b.video_infos.iter().any(|o| o.media_id == m.media_id))
            .filter(|m| !generated_ids.contains(&m.media_id.as_str()))
            .map(|m| format!("{}: {}", m.kind, m.name)),
    );
    DraftChange {
        changed,
        version_before: b.draft_version,
        version_after: a.draft_version,
        summary_before: summary_line(before),
        summary_after: summary_line(after),
        new_media,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cutroom_api::SessionState;
    use serde_json::json;

    fn state(version: i64, summary: &str, draft: Value) -> StateData {
        StateData {
            session_id: "ses_1".into(),
            state: SessionState {
                draft,
                draft_version: version,
                draft_versions: version,
                summary: summary.into(),
                video_infos: vec![],
                generated_media: vec![],
                language: None,
            },
            bind_id: None,
        }
    }

    fn media(id: &str, name: &str, kind: &str, ms: u64) -> MediaInfo {
        MediaInfo {
            media_id: id.into(),
            name: name.into(),
            kind: kind.into(),
            duration_ms: Some(ms),
            width: None,
            height: None,
            fps: None,
            has_audio: true,
            size_bytes: 1,
            format: "wav".into(),
            analysis_status: "ready".into(),
            analysis: None,
            url: None,
        }
    }

    #[test]
    fn summaries_and_changes() {
        let before = state(1, "Timeline (1 track): 1. Video: clip.mp4 (0-3s)", json!({"t": [{}]}));
        assert_eq!(summary_line(&state(1, "", json!({"t": [{}, {}]}))), "Timeline (2 tracks)");
        assert_eq!(summary_line(&state(1, "", json!({}))), "Timeline (empty)");
        let same = describe_change(&before, &before.clone());
        assert!(!same.changed);
        assert!(same.sentence().starts_with("The timeline did not change: Timeline (1 track)"));

        let mut after = state(
            2,
            "Timeline (2 tracks): 1. Video: clip.mp4 (0-3s) 2. BGM: chill (0-3s, 30%)",
            json!({"t": [{}, {}]}),
        );
        after.state.video_infos =
            vec![media("med_m", "music-chill-92bpm.wav", "audio", 3000), media("med_u", "b.mp4", "video", 2000)];
        after.state.generated_media = vec![GeneratedMedia {
            id: "gen_1".into(),
            kind: "music".into(),
            media_id: Some("med_m".into()),
            meta: json!({"style": "chill", "bpm": 92.0}),
            created_at: 0,
        }];
        let c = describe_change(&before, &after);
        assert!(c.changed);
        assert_eq!(c.new_media, ["music: music-chill-92bpm.wav (3.0 s, chill, 92 BPM)", "video: b.mp4"]);
        let s = c.sentence();
        assert!(s.starts_with("The timeline changed (version 1 → 2): Timeline (2 tracks)"), "{s}");
        assert!(s.contains("(before: Timeline (1 track)"), "{s}");
        assert_eq!(generated_media(&after)[0].name.as_deref(), Some("music-chill-92bpm.wav"));
        // Nothing new the second time.
        assert!(describe_change(&after, &after).new_media.is_empty());
    }
}
