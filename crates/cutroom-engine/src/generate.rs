//! Generator jobs. They queue like renders (idempotent client key, frozen price), run on
//! their own workers, store what they make as generated media of the session, and place it
//! on the draft as a new version — so the result lands in the state even when nobody is
//! listening any more. Music is the first: composed for the draft's length and pace,
//! rendered with a SoundFont, placed under the video with a fade-out and ducking.

use crate::{Engine, now, store_error};
use cutroom_analysis::Analysis;
use cutroom_api::*;
use cutroom_music::{Footage, Style};
use cutroom_store::{Account, Job, NewJob, NewMedia, StoreError};
use cutroom_timeline::{Draft, apply_all};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Job kinds the generator workers take.
pub const GENERATOR_KINDS: [&str; 4] = ["music", "promo", "text_to_video", "metadata"];

/// A music job's request (stored with the job, so a requeued job makes the same piece).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MusicJob {
    pub session_id: String,
    /// A style name (`lofi`, `pop`, …); none: chosen from the footage.
    pub style: Option<String>,
    pub bpm: Option<u32>,
    /// Level under the video, 0–1.
    pub volume: f64,
    pub seed: u64,
    /// Length when the timeline is empty (default 30 s).
    pub duration_ms: Option<u64>,
    /// The agent turn that asked (so undo takes the music back with the rest of it).
    pub group: Option<String>,
}

/// What a music job made.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MusicOutput {
    pub media_id: String,
    pub name: String,
    pub style: String,
    pub bpm: f64,
    pub key: String,
    pub duration_ms: u64,
    /// The draft version with the music placed.
    pub version: i64,
    pub beats: usize,
    pub bars: usize,
    pub loudness_lufs: f64,
    pub peak_dbfs: f64,
}

/// How busy and how bright the edit is: cut rate over the video track, and the analysed
/// shots' motion, brightness and saturation weighted by how long each is on screen.
pub fn footage(draft: &Draft, analyses: &HashMap<String, Analysis>) -> Footage {
    let mut f = Footage::default();
    let Some(v) = draft.video_track() else { return f };
    let segs = &draft.t[v].sg;
    let total = draft.t[v].end().0;
    if segs.is_empty() || total == 0 {
        return f;
    }
    let mut cuts = segs.len().saturating_sub(1);
    let (mut w, mut motion, mut bright, mut sat) = (0.0, 0.0, 0.0, 0.0);
    for s in segs {
        let Some(a) = s.src.as_ref().and_then(|id| analyses.get(id)) else { continue };
        let from = s.src_in.0;
        let to = from + (s.d.0 as f64 * s.speed.max(0.01)) as u64;
        for shot in &a.shots {
            let overlap = shot.end_ms.min(to).saturating_sub(shot.start_ms.max(from));
            if overlap == 0 {
                continue;
            }
            if shot.start_ms > from {
                cuts += 1;
            }
            let x = overlap as f64;
            w += x;
            motion += x * f64::from(shot.motion);
            bright += x * f64::from(shot.brightness);
            sat += x * f64::from(shot.saturation);
        }
    }
    f.cuts_per_minute = cuts as f64 / (total as f64 / 60_000.0);
    if w > 0.0 {
        f.motion = motion / w;
        f.brightness = bright / w;
        f.saturation = sat / w;
    }
    f
}

/// The pace and look of one whole clip, from its analysis.
pub fn clip_footage(analysis: &Analysis) -> Footage {
    let mut track = cutroom_timeline::Track::new(cutroom_timeline::TrackType::Video);
    track.sg.push(cutroom_timeline::Segment::media(
        "clip",
        cutroom_timeline::Ms::ZERO,
        cutroom_timeline::Ms(analysis.duration_ms),
    ));
    let draft = Draft { t: vec![track], ..Draft::default() };
    footage(&draft, &HashMap::from([("clip".to_string(), analysis.clone())]))
}

/// Why a generator job failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GenFailure {
    #[error("{0}")]
    Music(#[from] cutroom_music::MusicError),
    #[error("{0}")]
    AutoEdit(#[from] cutroom_autoedit::AutoEditError),
    #[error("{0}")]
    Other(String),
}

pub(crate) fn other(e: impl std::fmt::Display) -> GenFailure {
    GenFailure::Other(e.to_string())
}

impl Engine {
    /// Queues music for a session's draft. `key` is the client key (idempotent).
    pub async fn submit_music(&self, account: &Account, key: &str, req: &MusicJob) -> Result<Job, ApiError> {
        if let Some(s) = req.style.as_deref().filter(|s| Style::from_word(s).is_none()) {
            return Err(ApiError::bad_request(format!("unknown music style '{s}'")));
        }
        self.enqueue_generator(account, key, &req.session_id, "music", req).await
    }

    /// Queues a generator job of `kind` for a session at the kind's price, and wakes the
    /// generator workers. `key` is the client key (idempotent).
    pub(crate) async fn enqueue_generator(
        &self,
        account: &Account,
        key: &str,
        session_id: &str,
        kind: &str,
        request: &impl Serialize,
    ) -> Result<Job, ApiError> {
        let new = NewJob {
            account_id: account.id.clone(),
            client_key: key.to_string(),
            session_id: Some(session_id.to_string()),
            kind: kind.into(),
            request: serde_json::to_string(request).map_err(|e| ApiError::internal(e.to_string()))?,
            price: self.config.price(kind),
        };
        let (job, _) = self.store.enqueue(&new, now()).await.map_err(|e| match e {
            StoreError::Insufficient { available, needed } => self.no_credits(account, available, needed),
            other => store_error(other),
        })?;
        self.work.generate.notify_one();
        Ok(job)
    }

    pub(crate) async fn generator_loop(self: Arc<Self>) {
        while !self.work.stopping.load(Ordering::SeqCst) {
            let mut claimed = None;
            for kind in GENERATOR_KINDS {
                match self.store.claim(kind, now()).await {
                    Ok(Some(job)) => {
                        claimed = Some(job);
                        break;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::error!("claiming a {kind} job: {e}");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
            match claimed {
                Some(job) => self.run_generator(job).await,
                None => self.idle(&self.work.generate).await,
            }
        }
    }

    async fn run_generator(&self, job: Job) {
        tracing::info!(job = %job.id, kind = %job.kind, "generator started");
        let result = match job.kind.as_str() {
            "music" => self.music_job(&job).await,
            "promo" => self.promo_job(&job).await,
            "text_to_video" => self.video_job(&job).await,
            "metadata" => self.metadata_job(&job).await,
            other => Err(GenFailure::Other(format!("unknown generator '{other}'"))),
        };
        let outcome = match result {
            Ok(output) => self.store.finish(&job.id, true, Some(&output), None, now()).await.map(|_| "completed"),
            Err(e) => {
                tracing::warn!(job = %job.id, "generator failed: {e}");
                self.store.finish(&job.id, false, None, Some(&e.to_string()), now()).await.map(|_| "failed")
            }
        };
        match outcome {
            Ok(status) => {
                self.metrics
                    .jobs
                    .get_or_create(&crate::JobLabels { kind: job.kind.clone(), status: status.into() })
                    .inc();
            }
            Err(e) => tracing::error!(job = %job.id, "recording a generator's end: {e}"),
        };
        self.announce(&job);
    }

    pub(crate) async fn set_progress(&self, job: &Job, p: f64) {
        let _ = self.store.progress(&job.id, p, now()).await;
        self.announce(job);
    }

    async fn music_job(&self, job: &Job) -> Result<String, GenFailure> {
        let req: MusicJob = serde_json::from_str(&job.request).map_err(other)?;
        let session = self.store.session(&job.account_id, &req.session_id).await.map_err(other)?;
        let draft = self.current_draft(&session).await.map_err(|e| other(e.message))?;
        let mut analyses = HashMap::new();
        for src in draft.t.iter().flat_map(|t| &t.sg).filter_map(|s| s.src.as_deref()) {
            if analyses.contains_key(src) {
                continue;
            }
            let a = self.store.media(&job.account_id, src).await.ok().and_then(|m| m.analysis);
            if let Some(a) = a.and_then(|a| serde_json::from_str::<Analysis>(&a).ok()) {
                analyses.insert(src.to_string(), a);
            }
        }
        let video_end = draft.video_track().map_or(0, |v| draft.t[v].end().0);
        let request = cutroom_music::Request {
            style: req.style.as_deref().and_then(Style::from_word),
            duration_ms: if video_end > 0 { video_end } else { req.duration_ms.unwrap_or(30_000) },
            bpm: req.bpm,
            seed: req.seed,
            footage: footage(&draft, &analyses),
        };
        self.set_progress(job, 0.1).await;
        let soundfont = self.config.soundfont.clone();
        let piece = tokio::task::spawn_blocking(move || cutroom_music::generate(&request, soundfont.as_deref()))
            .await
            .map_err(other)??;
        self.set_progress(job, 0.8).await;
        let (media_id, name) = self.store_music(&job.account_id, &session.id, &piece, req.seed).await?;
        let version = self
            .place(&job.account_id, &session.id, req.group.as_deref(), "music", |d| {
                cutroom_agent::resolve::place_music(d, &media_id, "music", piece.duration_ms, req.volume)
            })
            .await
            .map_err(|e| other(e.message))?;
        serde_json::to_string(&MusicOutput {
            media_id,
            name,
            style: piece.style.name().into(),
            bpm: piece.bpm,
            key: piece.key.clone(),
            duration_ms: piece.duration_ms,
            version,
            beats: piece.beats_ms.len(),
            bars: piece.bars_ms.len(),
            loudness_lufs: piece.loudness_lufs,
            peak_dbfs: piece.peak_dbfs,
        })
        .map_err(other)
    }

    /// Stores a composed piece as generated media of the session (with its beat grid in the
    /// generated record's meta); returns its media id and file name.
    pub(crate) async fn store_music(
        &self,
        account_id: &str,
        session_id: &str,
        piece: &cutroom_music::Piece,
        seed: u64,
    ) -> Result<(String, String), GenFailure> {
        let mut ingest = self.blobs.ingest(u64::MAX).map_err(other)?;
        ingest.write(&cutroom_music::wav_bytes(piece)).await.map_err(other)?;
        let name = format!("music-{}-{:.0}bpm.wav", piece.style.name(), piece.bpm);
        let meta = serde_json::json!({
            "style": piece.style.name(), "bpm": piece.bpm, "key": piece.key, "seed": seed,
            "duration_ms": piece.duration_ms, "beats_ms": piece.beats_ms, "bars_ms": piece.bars_ms,
            "loudness_lufs": piece.loudness_lufs, "peak_dbfs": piece.peak_dbfs,
        });
        let id = self.keep_generated(account_id, session_id, ingest, &name, ("audio", "music"), &meta).await?;
        Ok((id, name))
    }

    /// Keeps what a generator wrote into `ingest` as media of the session (probed, stored
    /// under its hash) and records it as generated media of `kinds.1` with `meta`; returns
    /// the media id. `kinds.0` is the media kind (`audio`, `video`).
    pub(crate) async fn keep_generated(
        &self,
        account_id: &str,
        session_id: &str,
        mut ingest: cutroom_store::Ingest,
        name: &str,
        kinds: (&str, &str),
        meta: &serde_json::Value,
    ) -> Result<String, GenFailure> {
        ingest.flush().await.map_err(other)?;
        let probe = cutroom_media::probe(ingest.path()).map_err(other)?;
        let (hash, size) = ingest.commit(&self.blobs).await.map_err(other)?;
        let rows = self
            .store
            .add_media(
                &[NewMedia {
                    account_id: account_id.to_string(),
                    session_id: session_id.to_string(),
                    blob_hash: hash,
                    size: size as i64,
                    name: name.to_string(),
                    source: "generated".into(),
                    url: None,
                    kind: kinds.0.into(),
                    probe: serde_json::to_string(&probe).map_err(other)?,
                }],
                now(),
            )
            .await
            .map_err(other)?;
        let media_id = rows.first().map(|m| m.id.clone()).ok_or_else(|| other(format!("{name} was not stored")))?;
        self.store
            .add_generated(account_id, session_id, kinds.1, Some(&media_id), &meta.to_string(), now())
            .await
            .map_err(other)?;
        Ok(media_id)
    }

    /// Applies edits made from the latest draft and saves them as a new version, trying
    /// again (from the newer draft) if someone else saved one meanwhile.
    pub(crate) async fn place(
        &self,
        account_id: &str,
        session_id: &str,
        group: Option<&str>,
        note: &str,
        edits: impl Fn(&Draft) -> Vec<cutroom_timeline::EditOp>,
    ) -> Result<i64, ApiError> {
        for _ in 0..8 {
            let session = self.store.session(account_id, session_id).await.map_err(store_error)?;
            let draft = self.current_draft(&session).await?;
            let mut next = apply_all(&draft, &edits(&draft)).map_err(|e| ApiError::internal(e.to_string()))?;
            match self.push_version(account_id, &session, &mut next, note, group).await {
                Ok(v) => return Ok(v),
                Err(StoreError::Stale { .. }) => continue,
                Err(e) => return Err(store_error(e)),
            }
        }
        Err(ApiError::internal("the draft kept changing; the result is stored but not placed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footage_counts_cuts_and_weights_shots() {
        let draft = Draft::from_value(serde_json::json!({
            "t": [{"tt": 0, "sg": [
                {"src": "a", "start": 0, "in": 0, "d": 6000},
                {"src": "b", "start": 6000, "in": 0, "d": 6000}
            ]}]
        }))
        .expect("draft");
        let shot = |start_ms: u64, end_ms: u64, motion: f32, brightness: f32| {
            serde_json::json!({
                "index": 0, "start_ms": start_ms, "end_ms": end_ms, "score": 0.5, "motion": motion,
                "camera_motion": 0.0, "jitter": 0.0, "shaky": false, "sharpness": 0.8, "brightness": brightness,
                "contrast": 0.2, "colorfulness": 0.3, "saturation": 0.4, "black": false, "palette": [],
                "keyframe_ms": start_ms, "keyframe": null, "enters_by": null
            })
        };
        let analysis = |shots: Vec<serde_json::Value>| -> Analysis {
            serde_json::from_value(serde_json::json!({
                "version": 1, "duration_ms": 10_000, "video": null, "shots": shots,
                "transitions": [], "audio": null, "tags": {"cuts_per_minute": 0.0, "motion": 0.0, "words": []}
            }))
            .expect("analysis")
        };
        let mut analyses = HashMap::new();
        analyses.insert("a".to_string(), analysis(vec![shot(0, 3000, 0.1, 0.2), shot(3000, 10_000, 0.1, 0.2)]));
        analyses.insert("b".to_string(), analysis(vec![shot(0, 10_000, 0.0, 0.8)]));
        let f = footage(&draft, &analyses);
        // One cut between the clips and one inside clip a, over 12 s: 10 per minute.
        assert!((f.cuts_per_minute - 10.0).abs() < 1e-9, "{}", f.cuts_per_minute);
        assert!((f.motion - 0.05).abs() < 1e-6 && (f.brightness - 0.5).abs() < 1e-6, "{f:?}");
        assert_eq!(footage(&Draft::default(), &analyses), Footage::default());
    }
}
