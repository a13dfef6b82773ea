//! What the state endpoint reports: the current draft and its summary, the session's media
//! as probed and analysed (`video_infos`), and what generators made.

use crate::{Engine, session_not_found, store_error};
use cutroom_api::*;
use cutroom_media::Probe;
use cutroom_meta::captions::Captions;
use cutroom_store::{Account, MediaRecord, SessionSnapshot, StoreError};
use cutroom_timeline::Draft;

/// The media kind of an uploaded subtitle file (its cues are kept in the probe's place).
pub(crate) const CAPTIONS: &str = "captions";

/// A media row as the API shows it.
pub(crate) fn media_info(m: &MediaRecord) -> MediaInfo {
    if m.kind == CAPTIONS {
        // A subtitle file's cues are kept in place of a probe.
        let captions: Option<Captions> = serde_json::from_str(&m.probe).ok();
        return MediaInfo {
            media_id: m.id.clone(),
            name: m.name.clone(),
            kind: m.kind.clone(),
            duration_ms: captions.as_ref().map(Captions::duration_ms),
            width: None,
            height: None,
            fps: None,
            has_audio: false,
            size_bytes: m.size.max(0) as u64,
            format: captions.map(|c| c.format.name().to_string()).unwrap_or_default(),
            analysis_status: m.analysis_status.clone(),
            analysis: m.analysis.as_deref().and_then(|a| serde_json::from_str(a).ok()),
        };
    }
    let probe: Option<Probe> = serde_json::from_str(&m.probe).ok();
    let video = probe.as_ref().and_then(|p| p.video.as_ref());
    MediaInfo {
        media_id: m.id.clone(),
        name: m.name.clone(),
        kind: m.kind.clone(),
        duration_ms: probe.as_ref().and_then(|p| p.duration).map(|d| d.0),
        width: video.map(|v| v.display_width),
        height: video.map(|v| v.display_height),
        fps: probe.as_ref().and_then(Probe::fps_f64).map(|f| (f * 1000.0).round() / 1000.0),
        has_audio: probe.as_ref().is_some_and(Probe::has_audio),
        size_bytes: m.size.max(0) as u64,
        format: probe.map(|p| p.format).unwrap_or_default(),
        analysis_status: m.analysis_status.clone(),
        analysis: m.analysis.as_deref().and_then(|a| serde_json::from_str(a).ok()),
    }
}

impl Engine {
    /// The session's latest state.
    pub async fn state(&self, account: &Account, session_id: &str) -> Result<StateData, ApiError> {
        let SessionSnapshot { session, draft, versions, media, generated } =
            self.store.snapshot(&account.id, session_id).await.map_err(|e| match e {
                StoreError::NotFound => session_not_found(),
                other => store_error(other),
            })?;
        let draft =
            Draft::from_json(&draft).map_err(|e| ApiError::internal(format!("stored draft unreadable: {e}")))?;
        Ok(StateData {
            session_id: session.id.clone(),
            state: SessionState {
                summary: draft.summary(),
                draft: serde_json::to_value(&draft).map_err(|e| ApiError::internal(e.to_string()))?,
                draft_version: session.draft_version,
                draft_versions: versions,
                video_infos: media.iter().map(media_info).collect(),
                generated_media: generated
                    .into_iter()
                    .map(|g| GeneratedMedia {
                        id: g.id,
                        kind: g.kind,
                        media_id: g.media_id,
                        meta: serde_json::from_str(&g.meta).unwrap_or(serde_json::Value::Null),
                        created_at: g.created_at,
                    })
                    .collect(),
                language: session.language,
            },
            bind_id: (account.kind == "anonymous").then(|| account.bind_id.clone()),
        })
    }
}
