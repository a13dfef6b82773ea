//! Request and response bodies of every endpoint.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /api/auth/anonymous-token` → data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TokenData {
    /// The Bearer token (shown once; cutroom keeps only its hash).
    pub token: String,
    /// Seconds since the epoch.
    pub expires_at: i64,
    pub credits: i64,
}

/// `POST /api/tasks/me/with-session/nemo_agent` body.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewSession {
    #[serde(default)]
    pub task_name: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
}

/// `POST /api/tasks/me/with-session/nemo_agent` → data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SessionData {
    pub task_id: String,
    pub session_id: String,
}

/// `/run_sse` body (Google ADK's run request).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RunRequest {
    #[serde(default)]
    pub app_name: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    pub session_id: String,
    pub new_message: NewMessage,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewMessage {
    #[serde(default)]
    pub role: Option<String>,
    pub parts: Vec<MessagePart>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MessagePart {
    #[serde(default)]
    pub text: Option<String>,
}

impl NewMessage {
    /// The message's text parts, joined.
    pub fn text(&self) -> String {
        self.parts.iter().filter_map(|p| p.text.as_deref()).collect::<Vec<_>>().join("\n")
    }
}

/// URL upload body: `{"urls": [...], "source_type": "url"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UrlUpload {
    pub urls: Vec<String>,
    #[serde(default)]
    pub source_type: Option<String>,
}

/// A media file of a session, as probed (and, once done, analysed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MediaInfo {
    /// Use this id as `src` in the draft.
    pub media_id: String,
    pub name: String,
    /// `video`, `image` or `audio`.
    pub kind: String,
    pub duration_ms: Option<u64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fps: Option<f64>,
    pub has_audio: bool,
    pub size_bytes: u64,
    pub format: String,
    /// `pending`, `ready` or `failed`.
    pub analysis_status: String,
    /// The analysis (shots, audio, tags) when ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub analysis: Option<serde_json::Value>,
    /// A signed link to the file itself (plays in a browser, HTTP Range), valid for a day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Upload → data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UploadData {
    pub media: Vec<MediaInfo>,
}

/// `GET /api/credits/balance/simple` → data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Balance {
    pub available: i64,
    pub frozen: i64,
    pub total: i64,
}

/// Something a generator made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GeneratedMedia {
    pub id: String,
    pub kind: String,
    #[serde(default)]
    pub media_id: Option<String>,
    #[schema(value_type = Object)]
    pub meta: serde_json::Value,
    pub created_at: i64,
}

/// `GET /api/state/.../latest` → data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StateData {
    pub session_id: String,
    pub state: SessionState,
    /// For anonymous accounts: the id to register or bind with (`?bind=<id>`).
    pub bind_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SessionState {
    #[schema(value_type = Object)]
    pub draft: serde_json::Value,
    /// Position in the draft's version history, and how many versions there are.
    pub draft_version: i64,
    pub draft_versions: i64,
    /// The one-line timeline summary.
    pub summary: String,
    pub video_infos: Vec<MediaInfo>,
    pub generated_media: Vec<GeneratedMedia>,
    pub language: Option<String>,
}

/// `POST /api/render/proxy/lambda` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenderRequest {
    /// Client-chosen id (`render_<ts>`); posting it again returns the same job.
    pub id: String,
    pub session_id: String,
    /// The draft to render; the session's current draft when absent.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub draft: Option<serde_json::Value>,
    #[serde(default)]
    pub output: Option<RenderOutput>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RenderOutput {
    #[serde(default)]
    pub format: Option<String>,
    /// `high`, `medium` or `low`.
    #[serde(default)]
    pub quality: Option<String>,
    /// Shorter side in pixels (720, 1080, 2160).
    #[serde(default)]
    pub resolution: Option<u32>,
}

/// Render job status → data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RenderStatus {
    pub id: String,
    /// `queued`, `rendering`, `completed` or `failed`.
    pub status: String,
    /// 0–1.
    pub progress: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<RenderResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RenderResult {
    /// A signed download link (works in a browser, supports HTTP Range, expires).
    pub url: String,
    pub duration_ms: u64,
    pub width: u32,
    pub height: u32,
    pub size_bytes: u64,
}
