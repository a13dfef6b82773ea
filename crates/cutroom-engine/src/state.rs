//! What the state endpoint reports: the current draft and its summary, the session's media
//! as probed and analysed (`video_infos`), and what generators made.

use crate::{Engine, now, session_not_found, store_error};
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
            url: None,
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
        url: None,
    }
}

/// The content type a stored file is served with, from its kind and probed container
/// (uploads are checked by content, so this never trusts the name).
pub(crate) fn mime_of(kind: &str, format: &str) -> &'static str {
    let has = |name: &str| format.split(',').any(|f| f == name);
    match kind {
        CAPTIONS if format == "webvtt" => "text/vtt; charset=utf-8",
        CAPTIONS => "application/x-subrip; charset=utf-8",
        "image" if format.starts_with("png") => "image/png",
        "image" if format.starts_with("gif") => "image/gif",
        "image" if format.starts_with("webp") => "image/webp",
        "image" => "image/jpeg",
        "audio" if has("mp3") => "audio/mpeg",
        "audio" if has("wav") => "audio/wav",
        "audio" if has("aac") => "audio/aac",
        "audio" if has("mp4") || has("m4a") => "audio/mp4",
        _ if has("webm") || has("matroska") => "video/webm",
        _ if has("avi") => "video/x-msvideo",
        _ if has("mp4") || has("mov") => "video/mp4",
        _ => "application/octet-stream",
    }
}

/// The name a media link signs: the account is part of it, so a link names one file of
/// one account and nothing else.
fn media_subject(account_id: &str, media_id: &str) -> String {
    format!("media/{account_id}/{media_id}")
}

/// A media file behind a signed link.
pub struct MediaFile {
    pub path: std::path::PathBuf,
    pub mime: &'static str,
    pub name: String,
}

impl Engine {
    /// Gives each media entry its signed link (`url`), as seen from `base_url` (or the
    /// configured public address). Links last a day and change once an hour, so a page
    /// that refreshes the state keeps the same addresses and its browser cache.
    pub fn link_media(&self, account: &Account, media: &mut [MediaInfo], base_url: &str) {
        const HOUR: i64 = 3600;
        let expires = (now() + self.config.download_ttl_secs).div_euclid(HOUR) * HOUR + HOUR;
        let base = self.config.public_url.as_deref().unwrap_or(base_url).trim_end_matches('/');
        for m in media {
            let sig = self.signer.sign(&media_subject(&account.id, &m.media_id), expires);
            m.url = Some(format!("{base}/api/media/{}/{}?expires={expires}&sig={sig}", account.id, m.media_id));
        }
    }

    /// The file behind a signed media link.
    pub async fn media_file(
        &self,
        account_id: &str,
        media_id: &str,
        expires: i64,
        sig: &str,
    ) -> Result<MediaFile, ApiError> {
        if !self.signer.verify(&media_subject(account_id, media_id), expires, sig, now()) {
            return Err(ApiError::new(
                ErrorCode::Unauthorized,
                "this media link is invalid or has expired; read the session's state again for a new one",
            ));
        }
        let m = self.store.media(account_id, media_id).await.map_err(|e| match e {
            StoreError::NotFound => ApiError::not_found("media"),
            other => store_error(other),
        })?;
        let path = self.blobs.path(&m.blob_hash);
        if !path.is_file() {
            return Err(ApiError::not_found("media"));
        }
        let info = media_info(&m);
        Ok(MediaFile { path, mime: mime_of(&m.kind, &info.format), name: m.name })
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_served_as_what_their_content_is() {
        assert_eq!(mime_of("video", "mov,mp4,m4a,3gp,3g2,mj2"), "video/mp4");
        assert_eq!(mime_of("audio", "mov,mp4,m4a,3gp,3g2,mj2"), "audio/mp4");
        assert_eq!(mime_of("video", "matroska,webm"), "video/webm");
        assert_eq!(mime_of("video", "avi"), "video/x-msvideo");
        assert_eq!(mime_of("audio", "mp3"), "audio/mpeg");
        assert_eq!(mime_of("audio", "wav"), "audio/wav");
        assert_eq!(mime_of("audio", "aac"), "audio/aac");
        assert_eq!(mime_of("image", "png_pipe"), "image/png");
        assert_eq!(mime_of("image", "jpeg_pipe"), "image/jpeg");
        assert_eq!(mime_of("image", "image2"), "image/jpeg");
        assert_eq!(mime_of("image", "gif"), "image/gif");
        assert_eq!(mime_of("image", "webp_pipe"), "image/webp");
        assert_eq!(mime_of(CAPTIONS, "webvtt"), "text/vtt; charset=utf-8");
        assert_eq!(mime_of(CAPTIONS, "srt"), "application/x-subrip; charset=utf-8");
        // Nothing unknown is ever served as something a browser would run.
        assert_eq!(mime_of("video", "html"), "application/octet-stream");
        assert_eq!(mime_of("", ""), "application/octet-stream");
    }
}
