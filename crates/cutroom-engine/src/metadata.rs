//! Metadata in the service: a generator job writes title options, a description with
//! chapters, tags and hashtags for the session's draft (its analyses, text, file names and
//! uploaded subtitles, the user's hint) — with the configured language model when there is
//! one, checked like the built-in writer's, which takes over when it fails — keeps them as
//! generated media and sets the draft's title, description
//! and keywords, so the exported MP4 carries them in its container tags.

use crate::Engine;
use crate::generate::{GenFailure, other};
use cutroom_api::ApiError;
use cutroom_meta::{Input, Lang, Metadata, Platform};
use cutroom_store::{Account, Job};
use cutroom_timeline::EditOp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A metadata job's request.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct MetaJob {
    pub session_id: String,
    /// `youtube`, `tiktok`, `instagram` or `bilibili` (default YouTube).
    pub platform: Option<String>,
    /// The user's own words about the video.
    pub hint: Option<String>,
    /// `en` or `zh`; none: the hint's language.
    pub lang: Option<String>,
    pub seed: u64,
    /// The agent turn that asked.
    pub group: Option<String>,
}

/// What a metadata job wrote.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MetaOutput {
    #[serde(flatten)]
    pub metadata: Metadata,
    /// The draft version carrying the title, description and keywords.
    pub version: i64,
    /// `builtin`, or `llm` when the configured language model wrote it.
    pub writer: String,
    /// Why the configured language model's text was not used, when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
}

impl MetaJob {
    fn platform(&self) -> Result<Platform, ApiError> {
        match self.platform.as_deref() {
            None => Ok(Platform::YouTube),
            Some(p) => Platform::parse(p).ok_or_else(|| {
                ApiError::bad_request(format!("unknown platform '{p}': use youtube, tiktok, instagram or bilibili"))
            }),
        }
    }
}

impl Engine {
    /// Queues a metadata job. `key` is the client key (idempotent).
    pub async fn submit_metadata(&self, account: &Account, key: &str, req: &MetaJob) -> Result<Job, ApiError> {
        req.platform()?;
        if req.hint.as_ref().is_some_and(|h| h.len() > 20_000) {
            return Err(ApiError::bad_request("the hint must be under 20,000 bytes"));
        }
        self.enqueue_generator(account, key, &req.session_id, "metadata", req).await
    }

    /// The text of the session's uploaded subtitle files, cue by cue (kept when received).
    async fn session_captions(&self, account_id: &str, session_id: &str) -> Vec<String> {
        let media = self.store.session_media(account_id, session_id).await.unwrap_or_default();
        media
            .iter()
            .filter(|m| m.kind == crate::state::CAPTIONS)
            .filter_map(|m| serde_json::from_str::<cutroom_meta::captions::Captions>(&m.probe).ok())
            .flat_map(|c| c.lines())
            .collect()
    }

    pub(crate) async fn metadata_job(&self, job: &Job) -> Result<String, GenFailure> {
        let req: MetaJob = serde_json::from_str(&job.request).map_err(other)?;
        let session = self.store.session(&job.account_id, &req.session_id).await.map_err(other)?;
        let draft = self.current_draft(&session).await.map_err(|e| other(e.message))?;
        let ids: Vec<String> = draft.t.iter().flat_map(|t| &t.sg).filter_map(|s| s.src.clone()).collect();
        let media = self.analysed_media(&job.account_id, &ids).await;
        let analyses = media
            .iter()
            .filter_map(|(id, m)| Some((id.clone(), serde_json::from_str(m.analysis.as_deref()?).ok()?)))
            .collect();
        let names: HashMap<String, String> = media.iter().map(|(id, m)| (id.clone(), m.name.clone())).collect();
        let captions = self.session_captions(&job.account_id, &session.id).await;
        let input = Input {
            platform: req.platform().map_err(|e| other(e.message))?,
            lang: match req.lang.as_deref() {
                Some("zh") => Some(Lang::Zh),
                Some("en") => Some(Lang::En),
                _ => None,
            },
            hint: req.hint.as_deref(),
            draft: Some(&draft),
            analyses,
            names,
            captions,
            seed: req.seed,
        };
        let builtin = cutroom_meta::generate(&input);
        let (m, writer, fallback) = match &self.llm {
            None => (builtin, "builtin", None),
            Some(llm) => {
                let (system, user) = cutroom_meta::llm::prompt(&input, &builtin);
                let video_ms = cutroom_meta::generate::video_ms(&input);
                let written = llm.write_json(&system, &user).await;
                match written.and_then(|answer| cutroom_meta::llm::read(&answer, &builtin, video_ms)) {
                    Ok(m) => (m, "llm", None),
                    Err(why) => {
                        tracing::warn!(reason = %why, "language model metadata failed; using the built-in writer");
                        (builtin, "builtin", Some(why))
                    }
                }
            }
        };
        self.store
            .add_generated(
                &job.account_id,
                &session.id,
                "metadata",
                None,
                &serde_json::to_string(&m).map_err(other)?,
                crate::now(),
            )
            .await
            .map_err(other)?;
        let ops = vec![
            EditOp::SetMeta { key: "title".into(), value: m.titles.first().map(|t| t.clone().into()) },
            EditOp::SetMeta { key: "description".into(), value: Some(m.description.clone().into()) },
            EditOp::SetMeta { key: "keywords".into(), value: Some(m.tags.clone().into()) },
            EditOp::SetMeta { key: "comment".into(), value: Some(m.hashtags.join(" ").into()) },
        ];
        let version = self
            .place(&job.account_id, &session.id, req.group.as_deref(), "metadata", |_| ops.clone())
            .await
            .map_err(|e| other(e.message))?;
        serde_json::to_string(&MetaOutput { metadata: m, version, writer: writer.into(), fallback }).map_err(other)
    }
}
