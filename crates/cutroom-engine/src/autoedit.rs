//! The automatic editor in the service: promos as generator jobs (analyses, music first,
//! then the plan, saved as a new draft version) and re-edits of the current draft (planned
//! at once from the analyses, saved as a new version of the asking turn).

use crate::generate::{GenFailure, other};
use crate::{Engine, store_error};
use cutroom_analysis::Analysis;
use cutroom_api::ApiError;
use cutroom_autoedit::{AutoEditError, Music, PromoRequest, Reedit, ReeditRequest, Source, Tone};
use cutroom_music::Style;
use cutroom_store::{Account, Job, MediaRecord, StoreError};
use cutroom_timeline::{Draft, TrackType};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long a re-edit or a promo waits for uploads still being analysed.
const ANALYSIS_WAIT: Duration = Duration::from_secs(180);

/// A promo job's request.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PromoJob {
    pub session_id: String,
    /// Target length; none: 15–30 s from the footage.
    pub duration_ms: Option<u64>,
    /// `9:16`, `16:9`, `1:1` or `4:5`; none: the footage's shape.
    pub aspect: Option<String>,
    pub title: Option<String>,
    pub cta: Option<String>,
    /// A music style name; none: from the footage.
    pub style: Option<String>,
    pub seed: u64,
    /// The agent turn that asked.
    pub group: Option<String>,
}

/// What a promo job made.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PromoOutput {
    pub version: i64,
    pub duration_ms: u64,
    pub width: u32,
    pub height: u32,
    pub shots: usize,
    pub cuts_on_beat: usize,
    pub music_media_id: String,
    pub style: String,
    pub bpm: f64,
}

/// The canvas for an aspect name (`9:16`, `16:9`, `1:1`, `4:5`).
pub fn canvas_for(aspect: &str) -> Option<(u32, u32)> {
    cutroom_scenegen::Aspect::parse(aspect).map(|a| a.size(1080))
}

/// How a music style cuts: dissolves for the calm ones, hard cuts for the rest.
pub fn tone_for(style: Style) -> Tone {
    match style {
        Style::Ambient | Style::Lofi | Style::Acoustic => Tone::Calm,
        _ => Tone::Energetic,
    }
}

/// The analysis stored with a media record, if it is done and readable.
fn analysis_of(m: &MediaRecord) -> Option<Analysis> {
    m.analysis.as_deref().and_then(|a| serde_json::from_str(a).ok())
}

/// The canvas a promo gets when no aspect is asked: the footage's own shape (portrait
/// 9:16, square 1:1, else 16:9).
pub fn canvas_like(analysis: Option<&Analysis>) -> (u32, u32) {
    let (w, h) = analysis.and_then(|a| a.video.as_ref()).map_or((1920, 1080), |v| (v.width, v.height));
    match w.cmp(&h) {
        std::cmp::Ordering::Less => (1080, 1920),
        std::cmp::Ordering::Equal => (1080, 1080),
        std::cmp::Ordering::Greater => (1920, 1080),
    }
}

/// The default promo length for this much usable footage: 15–30 s.
fn default_length(footage_ms: u64) -> u64 {
    (footage_ms / 3).clamp(15_000, 30_000)
}

fn bad(e: AutoEditError) -> ApiError {
    ApiError::bad_request(e.to_string())
}

impl Engine {
    /// The records of these media (foreign or missing ones left out) once their analyses
    /// are done, waiting for uploads still being analysed.
    pub(crate) async fn analysed_media(&self, account_id: &str, ids: &[String]) -> HashMap<String, MediaRecord> {
        let started = Instant::now();
        let mut out = HashMap::new();
        for id in ids {
            if out.contains_key(id) {
                continue;
            }
            while let Ok(m) = self.store.media(account_id, id).await {
                let waiting = matches!(m.analysis_status.as_str(), "pending" | "running");
                if !waiting || started.elapsed() >= ANALYSIS_WAIT {
                    out.insert(id.clone(), m);
                    break;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
        out
    }

    /// The beats of the draft's generated music, on the timeline.
    async fn music_beats(&self, account_id: &str, session_id: &str, draft: &Draft) -> Option<Vec<u64>> {
        let bgm = draft
            .tracks_of(TrackType::Audio)
            .find(|t| draft.t[*t].meta_str("role") == Some("bgm"))
            .and_then(|t| draft.t[t].sg.first())?;
        let src = bgm.src.as_deref()?;
        let generated = self.store.session_generated(account_id, session_id).await.ok()?;
        let meta = generated.iter().find(|g| g.media_id.as_deref() == Some(src))?;
        let meta: serde_json::Value = serde_json::from_str(&meta.meta).ok()?;
        let beats: Vec<u64> = meta["beats_ms"].as_array()?.iter().filter_map(|b| b.as_u64()).collect();
        let on_timeline = cutroom_autoedit::beats_on_timeline(bgm, &beats);
        (on_timeline.len() >= 2).then_some(on_timeline)
    }

    /// Re-edits the session's current draft and saves it as a new version (part of
    /// `group`). Cuts stay on the beat of generated music when the draft has some.
    pub async fn reedit_draft(
        &self,
        account: &Account,
        session_id: &str,
        req: &ReeditRequest,
        group: Option<&str>,
    ) -> Result<(i64, Reedit), ApiError> {
        for _ in 0..4 {
            let session = self.store.session(&account.id, session_id).await.map_err(store_error)?;
            let draft = self.current_draft(&session).await?;
            let ids: Vec<String> = draft.t.iter().flat_map(|t| &t.sg).filter_map(|s| s.src.clone()).collect();
            let media = self.analysed_media(&account.id, &ids).await;
            let analyses: HashMap<&String, Analysis> =
                media.iter().filter_map(|(id, m)| Some((id, analysis_of(m)?))).collect();
            let sources: Vec<Source<'_>> = analyses
                .iter()
                .map(|(id, a)| Source { id: (*id).clone(), analysis: a, has_audio: a.audio.is_some() })
                .collect();
            let mut req = req.clone();
            if req.beats_ms.is_none() {
                req.beats_ms = self.music_beats(&account.id, session_id, &draft).await;
            }
            let len = |id: &str| {
                let m = media.get(id)?;
                serde_json::from_str::<cutroom_media::Probe>(&m.probe).ok()?.duration.map(|d| d.0)
            };
            let mut r = cutroom_autoedit::reedit(&draft, &sources, &req, &len).map_err(bad)?;
            match self.push_version(&account.id, &session, &mut r.draft, "reedit", group).await {
                Ok(v) => return Ok((v, r)),
                Err(StoreError::Stale { .. }) => continue,
                Err(e) => return Err(store_error(e)),
            }
        }
        Err(ApiError::internal("the draft kept changing; try the re-edit again"))
    }

    /// Queues a promo from the session's footage. `key` is the client key (idempotent).
    pub async fn submit_promo(&self, account: &Account, key: &str, req: &PromoJob) -> Result<Job, ApiError> {
        if let Some(s) = req.style.as_deref().filter(|s| Style::from_word(s).is_none()) {
            return Err(ApiError::bad_request(format!("unknown music style '{s}'")));
        }
        if let Some(a) = req.aspect.as_deref().filter(|a| canvas_for(a).is_none()) {
            return Err(ApiError::bad_request(format!("unknown aspect '{a}': use 9:16, 16:9, 1:1 or 4:5")));
        }
        if let Some(d) = req.duration_ms.filter(|d| !(3_000..=600_000).contains(d)) {
            return Err(ApiError::bad_request(format!("the promo length must be 3 s to 10 min, got {d} ms")));
        }
        self.enqueue_generator(account, key, &req.session_id, "promo", req).await
    }

    /// A promo job: the session's uploaded footage analysed, music composed for the length
    /// and stored, the promo planned on its beats and saved as the next draft version.
    pub(crate) async fn promo_job(&self, job: &Job) -> Result<String, GenFailure> {
        let req: PromoJob = serde_json::from_str(&job.request).map_err(other)?;
        let session = self.store.session(&job.account_id, &req.session_id).await.map_err(other)?;
        let uploads: Vec<_> = self
            .store
            .session_media(&job.account_id, &session.id)
            .await
            .map_err(other)?
            .into_iter()
            .filter(|m| m.source != "generated" && matches!(m.kind.as_str(), "video" | "image"))
            .collect();
        if uploads.is_empty() {
            return Err(other("there is no footage in this session: upload clips first"));
        }
        let ids: Vec<String> = uploads.iter().map(|m| m.id.clone()).collect();
        let analyses: HashMap<String, Analysis> = self
            .analysed_media(&job.account_id, &ids)
            .await
            .into_iter()
            .filter_map(|(id, m)| Some((id, analysis_of(&m)?)))
            .collect();
        self.set_progress(job, 0.3).await;
        let sources: Vec<Source<'_>> = ids
            .iter()
            .filter_map(|id| analyses.get(id).map(|a| (id, a)))
            .filter(|(_, a)| a.video.is_some())
            .map(|(id, a)| Source { id: id.clone(), analysis: a, has_audio: a.audio.is_some() })
            .collect();
        let usable: u64 = cutroom_autoedit::candidates(&sources).iter().map(|c| c.len()).sum();
        let duration_ms = req.duration_ms.unwrap_or_else(|| default_length(usable));
        let (w, h) = match req.aspect.as_deref().and_then(canvas_for) {
            Some(c) => c,
            None => canvas_like(sources.first().map(|s| s.analysis)),
        };
        // The music first: the cuts follow its beats.
        let each: Vec<_> = sources.iter().map(|s| crate::generate::clip_footage(s.analysis)).collect();
        let request = cutroom_music::Request {
            style: req.style.as_deref().and_then(Style::from_word),
            duration_ms,
            bpm: None,
            seed: req.seed,
            footage: cutroom_music::Footage::mean(&each),
        };
        let soundfont = self.config.soundfont.clone();
        let piece = tokio::task::spawn_blocking(move || cutroom_music::generate(&request, soundfont.as_deref()))
            .await
            .map_err(other)??;
        self.set_progress(job, 0.7).await;
        let (music_id, _) = self.store_music(&job.account_id, &session.id, &piece, req.seed).await?;
        let plan = cutroom_autoedit::promo(
            &sources,
            &PromoRequest {
                duration_ms,
                width: w,
                height: h,
                title: req.title.clone(),
                cta: req.cta.clone(),
                tone: tone_for(piece.style),
                music: Some(Music {
                    media: music_id.clone(),
                    duration_ms: piece.duration_ms,
                    beats_ms: piece.beats_ms.clone(),
                }),
            },
        )?;
        let on_beat = plan.cuts_ms.iter().filter(|c| piece.beats_ms.iter().any(|b| b.abs_diff(**c) <= 50)).count();
        let mut version = 0;
        for _ in 0..8 {
            let session = self.store.session(&job.account_id, &req.session_id).await.map_err(other)?;
            let mut draft = plan.draft.clone();
            match self.push_version(&job.account_id, &session, &mut draft, "promo", req.group.as_deref()).await {
                Ok(v) => {
                    version = v;
                    break;
                }
                Err(StoreError::Stale { .. }) => continue,
                Err(e) => return Err(other(e)),
            }
        }
        if version == 0 {
            return Err(other("the draft kept changing; the promo was not saved"));
        }
        serde_json::to_string(&PromoOutput {
            version,
            duration_ms: plan.draft.duration().0,
            width: w,
            height: h,
            shots: plan.shots.len(),
            cuts_on_beat: on_beat,
            music_media_id: music_id,
            style: piece.style.name().into(),
            bpm: piece.bpm,
        })
        .map_err(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aspects_tones_and_default_lengths() {
        assert_eq!(canvas_for("9:16"), Some((1080, 1920)));
        assert_eq!(canvas_for("1:1"), Some((1080, 1080)));
        assert_eq!(canvas_for("3:7"), None);
        assert_eq!(tone_for(Style::Ambient), Tone::Calm);
        assert_eq!(tone_for(Style::Electronic), Tone::Energetic);
        assert_eq!(default_length(10_000), 15_000);
        assert_eq!(default_length(60_000), 20_000);
        assert_eq!(default_length(600_000), 30_000);
    }
}
