//! Agent turns. A turn runs in its own task and sends ADK-shaped events into a channel;
//! whoever streams them to the client may go away — the turn still finishes, its draft
//! edits are saved as new versions, and the turn is recorded. Every turn ends with a text
//! event that says what changed, in the user's language.
//!
//! A message is either edit operations as JSON (see `docs/edit-op.schema.json`) or plain
//! words: the planner (`cutroom-agent`, or a language model when configured) turns those
//! into tool calls, carried out here one by one — each edit saved as a draft version
//! tagged with the turn (undo takes back whole messages), generator jobs queued and
//! waited for with progress, exports rendered and linked.

use crate::autoedit::{PromoJob, PromoOutput};
use crate::generate::{MusicJob, MusicOutput};
use crate::metadata::{MetaJob, MetaOutput};
use crate::video::{VideoJob, VideoOutput};
use crate::{Attribution, Engine, now, store_error};
use cutroom_agent::reply::{Say, compose};
use cutroom_agent::tools::{
    ExportArgs, MetadataArgs, MusicArgs, Pace, Platform, PromoArgs, Quality, ReeditOrder, TextToVideoArgs,
};
use cutroom_agent::{Context, Lang, MediaInfo, Plan, PlanInput, ToolCall};
use cutroom_api::*;
use cutroom_autoedit::{Order, ReeditRequest};
use cutroom_media::MediaMap;
use cutroom_store::{Account, MediaRecord, Session, StoreError};
use cutroom_timeline::{Draft, EditOp, apply, apply_all};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Builds the events of one turn.
pub struct Turn {
    invocation: String,
    events: Vec<Event>,
    tx: mpsc::Sender<Event>,
    calls: usize,
}

fn timestamp() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

impl Turn {
    fn emit(&mut self, parts: Vec<Part>, partial: bool, complete: bool) {
        let event = Event {
            id: cutroom_store::new_id("evt"),
            invocation_id: self.invocation.clone(),
            author: "cutroom".into(),
            timestamp: timestamp(),
            partial,
            turn_complete: complete,
            content: Content { role: "model".into(), parts },
        };
        self.events.push(event.clone());
        // A client that left does not stop the turn.
        let _ = self.tx.try_send(event);
    }

    /// A progress message for long work.
    pub fn progress(&mut self, text: impl Into<String>) {
        self.emit(vec![Part::Text { text: text.into() }], true, false);
    }

    /// Announces a tool call; returns its id for the answer.
    pub fn call(&mut self, name: &str, args: Value) -> String {
        self.calls += 1;
        let id = format!("call_{}", self.calls);
        self.emit(
            vec![Part::Call { function_call: FunctionCall { id: id.clone(), name: name.into(), args } }],
            false,
            false,
        );
        id
    }

    /// A tool call's answer.
    pub fn answer(&mut self, id: String, name: &str, response: Value) {
        self.emit(
            vec![Part::Response { function_response: FunctionResponse { id, name: name.into(), response } }],
            false,
            false,
        );
    }

    /// A tool call and its answer at once.
    pub fn tool(&mut self, name: &str, args: Value, response: Value) {
        let id = self.call(name, args);
        self.answer(id, name, response);
    }

    /// The closing text.
    pub fn finish(&mut self, text: impl Into<String>) {
        self.emit(vec![Part::Text { text: text.into() }], false, true);
    }
}

/// Edit operations in a message: one op object, a list, or `{"ops": [...]}`.
fn parse_ops(text: &str) -> Option<Result<Vec<EditOp>, String>> {
    let t = text.trim();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    let value: Value = serde_json::from_str(t).ok()?;
    let list = match value {
        Value::Array(items) => items,
        Value::Object(mut o) if o.contains_key("ops") => match o.remove("ops") {
            Some(Value::Array(items)) => items,
            _ => return Some(Err("\"ops\" must be a list of edit operations".into())),
        },
        obj @ Value::Object(_) => vec![obj],
        _ => return None,
    };
    Some(
        list.into_iter()
            .enumerate()
            .map(|(i, v)| serde_json::from_value(v).map_err(|e| format!("operation {}: {e}", i + 1)))
            .collect(),
    )
}

/// Who asked, for what session, reaching us where.
struct Asked<'a> {
    account: &'a Account,
    session: &'a Session,
    who: &'a Attribution,
    base_url: &'a str,
}

/// Names that mark a recording as a voice track.
const VOICE_WORDS: [&str; 8] = ["voice", "narration", "vo", "speech", "podcast", "旁白", "配音", "解说"];

/// What the planner needs to know of a media row.
fn planner_media(m: &MediaRecord) -> Option<MediaInfo> {
    let probe: cutroom_media::Probe = serde_json::from_str(&m.probe).ok()?;
    let duration = probe.duration;
    // Only the sound's speech spans are read (an analysis holds much more).
    #[derive(serde::Deserialize)]
    struct Sound {
        audio: Option<Speech>,
    }
    #[derive(serde::Deserialize)]
    struct Speech {
        speech: Vec<cutroom_analysis::Span>,
        duration_ms: u64,
    }
    let sound: Option<Sound> = m.analysis.as_deref().and_then(|a| serde_json::from_str(a).ok());
    let spoken = sound.and_then(|s| s.audio).is_some_and(|a| {
        let talk: u64 = a.speech.iter().map(|s| s.end_ms.saturating_sub(s.start_ms)).sum();
        a.duration_ms > 0 && talk * 2 > a.duration_ms
    });
    let lower = m.name.to_lowercase();
    let named = lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| VOICE_WORDS.contains(&w) || VOICE_WORDS.iter().any(|v| !v.is_ascii() && w.contains(v)));
    Some(MediaInfo {
        id: m.id.clone(),
        name: m.name.clone(),
        kind: probe.kind,
        duration,
        has_audio: probe.has_audio(),
        speech: probe.video.is_none() && (spoken || named),
        generated: m.source == "generated",
    })
}

/// A music style's name as the user's language says it.
fn style_label(name: &str, say: Say) -> String {
    cutroom_agent::tools::MusicStyle::ALL
        .into_iter()
        .find(|s| s.name() == name)
        .map_or(name.to_string(), |s| s.label(say.0.zh()).to_string())
}

/// Why an edit was not saved.
enum SaveError {
    /// Someone else saved a version meanwhile.
    Moved,
    Bad(String),
}

impl From<ApiError> for SaveError {
    fn from(e: ApiError) -> Self {
        SaveError::Bad(e.message)
    }
}

impl From<StoreError> for SaveError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Stale { .. } => SaveError::Moved,
            other => SaveError::Bad(store_error(other).message),
        }
    }
}

impl SaveError {
    fn message(&self) -> String {
        match self {
            SaveError::Moved => "the draft changed meanwhile".into(),
            SaveError::Bad(m) => m.clone(),
        }
    }
}

/// How a carried-out plan went so far.
struct Progress {
    say: Say,
    /// The draft version the turn stands on, and that draft.
    version: i64,
    draft: Draft,
    /// Files the turn's drafts use, looked up once.
    media: MediaMap,
    /// What was done (and found out), in order.
    done: Vec<String>,
}

impl Engine {
    /// Starts a turn; its events arrive on the returned channel. `who` and `base_url` are
    /// the caller's attribution and the address it reached us at (for links in replies).
    pub async fn start_turn(
        self: &Arc<Self>,
        account: &Account,
        session_id: &str,
        message: String,
        who: Attribution,
        base_url: String,
    ) -> Result<mpsc::Receiver<Event>, ApiError> {
        let session = self.session(account, session_id).await?;
        let (tx, rx) = mpsc::channel(256);
        let engine = self.clone();
        let account = account.clone();
        tokio::spawn(async move {
            let mut turn = Turn { invocation: cutroom_store::new_id("inv"), events: Vec::new(), tx, calls: 0 };
            let limit = Duration::from_secs(engine.config.turn_timeout_secs);
            let asked = Asked { account: &account, session: &session, who: &who, base_url: &base_url };
            let context = match tokio::time::timeout(limit, engine.respond(&asked, &message, &mut turn)).await {
                Ok(context) => context,
                Err(_) => {
                    let lang = if cutroom_agent::token::is_chinese(&message) { Lang::Zh } else { Lang::En };
                    turn.finish(Say(lang).timed_out());
                    None
                }
            };
            let events = serde_json::to_string(&turn.events).unwrap_or_default();
            let context = context.and_then(|c| serde_json::to_string(&c).ok()).unwrap_or_else(|| "{}".into());
            let clipped: String = message.chars().take(10_000).collect();
            if let Err(e) = engine.store.record_turn(&account.id, &session.id, &clipped, &events, &context, now()).await
            {
                tracing::error!("recording a turn: {e}");
            }
        });
        Ok(rx)
    }

    /// Answers one message, ending the turn with a text event; returns the conversation's
    /// context for the next message.
    async fn respond(&self, asked: &Asked<'_>, message: &str, turn: &mut Turn) -> Option<Context> {
        if let Some(ops) = parse_ops(message) {
            let say = Say(Lang::En);
            let text = match ops {
                Ok(ops) => self.edit_ops(asked, ops, turn).await,
                Err(e) => format!("I could not read those edits: {e}. {}", say.nothing_changed()),
            };
            turn.finish(text);
            return None;
        }
        match self.carry_out(asked, message, turn).await {
            Ok((text, context)) => {
                turn.finish(text);
                Some(context)
            }
            Err((lang, e)) => {
                turn.finish(format!("{} {}", Say(lang).job_failed(&e.message), Say(lang).nothing_changed()));
                None
            }
        }
    }

    /// Edits sent as JSON: applied together, saved as one version.
    async fn edit_ops(&self, asked: &Asked<'_>, ops: Vec<EditOp>, turn: &mut Turn) -> String {
        let args = serde_json::to_value(&ops).unwrap_or_default();
        let outcome = async {
            let session = self.session(asked.account, &asked.session.id).await?;
            let draft = self.current_draft(&session).await?;
            let next = apply_all(&draft, &ops).map_err(|e| SaveError::Bad(e.to_string()))?;
            self.save_edit(asked, &session, next, &turn.invocation, &mut MediaMap::new()).await
        }
        .await;
        match outcome {
            Ok((version, next)) => {
                let summary = next.summary();
                turn.tool("edit_draft", args, json!({ "version": version, "summary": summary }));
                let n = ops.len();
                format!("Done — {n} edit{} applied (version {version}). {summary}", if n == 1 { "" } else { "s" })
            }
            Err(e) => {
                turn.tool("edit_draft", args, json!({ "error": e.message() }));
                format!("I could not apply that: {}. Nothing was changed.", e.message())
            }
        }
    }

    /// Checks an edited draft against the media it uses and saves it after `session`'s
    /// current version, as part of this turn.
    /// `media` holds the files already looked up in this turn; it gains any new ones.
    async fn save_edit(
        &self,
        asked: &Asked<'_>,
        session: &Session,
        mut next: Draft,
        group: &str,
        media: &mut MediaMap,
    ) -> Result<(i64, Draft), SaveError> {
        self.fill_media_map(&asked.account.id, &next, media).await?;
        next.validate_media(|id| media.get(id).map(|x| x.probe.facts())).map_err(|e| SaveError::Bad(e.to_string()))?;
        let version = self.push_version(&asked.account.id, session, &mut next, "edit", Some(group)).await?;
        Ok((version, next))
    }

    /// Plans a message in plain words and carries the plan out. Returns the closing text
    /// and the context for the next message.
    async fn carry_out(
        &self,
        asked: &Asked<'_>,
        message: &str,
        turn: &mut Turn,
    ) -> Result<(String, Context), (Lang, ApiError)> {
        let guess = if cutroom_agent::token::is_chinese(message) { Lang::Zh } else { Lang::En };
        let snap =
            self.store.snapshot(&asked.account.id, &asked.session.id).await.map_err(|e| (guess, store_error(e)))?;
        let draft = Draft::from_json(&snap.draft).map_err(|e| (guess, ApiError::internal(e.to_string())))?;
        let media: Vec<MediaInfo> = snap.media.iter().filter_map(planner_media).collect();
        let context: Context = self
            .store
            .last_context(&snap.session.id)
            .await
            .ok()
            .flatten()
            .and_then(|c| serde_json::from_str(&c).ok())
            .unwrap_or_default();
        let input = PlanInput {
            message,
            draft: &draft,
            media: &media,
            language: snap.session.language.as_deref(),
            context: &context,
        };
        let plan = self.plan(&input).await;
        let mut p = Progress {
            say: Say(plan.lang),
            version: snap.session.draft_version,
            draft,
            media: MediaMap::new(),
            done: Vec::new(),
        };
        let session = Session { draft_version: p.version, ..snap.session };
        self.run_plan(asked, &session, &plan, &mut p, turn).await;
        let mut text = compose(plan.lang, p.done, &plan.questions);
        if text.trim().is_empty() {
            text = p.say.help();
        }
        Ok((text, plan.context))
    }

    /// The plan for a message: the configured language model's, or the built-in planner's.
    async fn plan(&self, input: &PlanInput<'_>) -> Plan {
        crate::llm::plan_with_fallback(self.llm.as_ref(), input).await
    }

    /// Carries out a plan's steps in order, stopping at the first that fails.
    async fn run_plan(&self, asked: &Asked<'_>, session: &Session, plan: &Plan, p: &mut Progress, turn: &mut Turn) {
        let group = turn.invocation.clone();
        let mut pending: Vec<String> = Vec::new();
        for step in &plan.steps {
            let (name, args) = (step.call.name(), step.call.args());
            let ok = match &step.call {
                ToolCall::Edit(op) => {
                    let at = Session { draft_version: p.version, ..session.clone() };
                    let outcome = match apply(&p.draft, op) {
                        Ok(next) => self.save_edit(asked, &at, next, &group, &mut p.media).await,
                        Err(e) => Err(SaveError::Bad(e.to_string())),
                    };
                    match outcome {
                        Ok((version, next)) => {
                            turn.tool(name, args, json!({ "version": version, "summary": next.summary() }));
                            (p.version, p.draft) = (version, next);
                            pending.extend(step.note.clone());
                            true
                        }
                        Err(e) => {
                            turn.tool(name, args, json!({ "error": e.message() }));
                            p.done.append(&mut pending);
                            p.done.push(match e {
                                SaveError::Moved => p.say.draft_moved(),
                                SaveError::Bad(m) => p.say.edit_failed(&m),
                            });
                            false
                        }
                    }
                }
                call => {
                    p.done.append(&mut pending);
                    self.run_call(asked, session, call, step.note.as_deref(), p, turn).await
                }
            };
            if !ok {
                return;
            }
        }
        p.done.append(&mut pending);
    }

    /// One call that is not a draft edit. Returns whether to go on.
    async fn run_call(
        &self,
        asked: &Asked<'_>,
        session: &Session,
        call: &ToolCall,
        note: Option<&str>,
        p: &mut Progress,
        turn: &mut Turn,
    ) -> bool {
        let (name, args) = (call.name(), call.args());
        match call {
            ToolCall::Undo(s) | ToolCall::Redo(s) => {
                let undo = matches!(call, ToolCall::Undo(_));
                match self.history(session, p.version, undo, s.steps).await {
                    Ok(Some((taken, version, draft))) => {
                        turn.tool(name, args, json!({ "version": version, "summary": draft.summary() }));
                        p.done.push(p.say.stepped(undo, taken));
                        (p.version, p.draft) = (version, draft);
                        true
                    }
                    Ok(None) => {
                        turn.tool(name, args, json!({ "error": format!("nothing to {name}") }));
                        p.done.push(p.say.nothing_to(undo));
                        true
                    }
                    Err(e) => {
                        turn.tool(name, args, json!({ "error": e.message() }));
                        p.done.push(match e {
                            SaveError::Moved => p.say.draft_moved(),
                            SaveError::Bad(m) => p.say.job_failed(&m),
                        });
                        false
                    }
                }
            }
            ToolCall::Status => {
                let summary = p.draft.summary();
                turn.tool(name, args, json!({ "version": p.version, "summary": summary }));
                p.done.push(summary);
                true
            }
            ToolCall::Credits => match self.balance(asked.account).await {
                Ok(b) => {
                    turn.tool(name, args, json!({ "available": b.available, "frozen": b.frozen }));
                    p.done.push(p.say.balance(b.available, b.frozen));
                    true
                }
                Err(e) => {
                    turn.tool(name, args, json!({ "error": e.message }));
                    p.done.push(p.say.job_failed(&e.message));
                    false
                }
            },
            ToolCall::Export(a) => {
                p.done.extend(note.map(str::to_string));
                let text = self.export(asked, a, p.say, turn).await;
                p.done.push(text);
                true
            }
            ToolCall::Music(_) | ToolCall::Promo(_) | ToolCall::Metadata(_) | ToolCall::TextToVideo(_) => {
                // A generator job: the note first (music says what it made instead), then
                // the draft the job saved.
                if !matches!(call, ToolCall::Music(_)) {
                    p.done.extend(note.map(str::to_string));
                }
                let ok = match call {
                    ToolCall::Music(a) => self.music(asked, a, p, turn).await,
                    ToolCall::Promo(a) => self.promo(asked, a, p, turn).await,
                    ToolCall::Metadata(a) => self.metadata(asked, a, p, turn).await,
                    ToolCall::TextToVideo(a) => self.text_to_video(asked, a, p, turn).await,
                    _ => unreachable!("matched above"),
                };
                self.reload(asked.account, &session.id, p).await;
                ok
            }
            ToolCall::Reedit(a) => {
                let req = ReeditRequest {
                    order: a.order.map(|o| match o {
                        ReeditOrder::Reverse => Order::Reverse,
                        ReeditOrder::Energy => Order::Energy,
                        ReeditOrder::Chronological => Order::Chronological,
                        ReeditOrder::StrongestFirst => Order::StrongestFirst,
                    }),
                    pace: a.pace.map(|x| match x {
                        Pace::Faster => 0.7,
                        Pace::Slower => 1.4,
                    }),
                    dead_air: a.remove_dead_air,
                    duration_ms: a.duration_ms,
                    ..ReeditRequest::default()
                };
                match self.reedit_draft(asked.account, &session.id, &req, Some(&turn.invocation)).await {
                    Ok((version, r)) => {
                        let scenes: Vec<usize> = r.scenes.iter().map(|s| s.was).collect();
                        let len = r.draft.duration().0;
                        turn.tool(
                            name,
                            args,
                            json!({ "version": version, "scenes": scenes, "duration_ms": len, "dead_air_ms": r.dead_air_ms }),
                        );
                        p.done.push(p.say.reedit_done(r.scenes.len(), len, r.dead_air_ms, r.short_ms));
                        (p.version, p.draft) = (version, r.draft);
                        true
                    }
                    Err(e) => {
                        turn.tool(name, args, json!({ "error": e.message }));
                        p.done.push(p.say.job_failed(&e.message));
                        false
                    }
                }
            }
            other => {
                let what = other.name();
                turn.tool(what, args, json!({ "error": format!("{what} is not available on this server yet") }));
                p.done.push(p.say.unavailable(what));
                true
            }
        }
    }

    /// Picks up the draft a generator job saved meanwhile (kept as it was if unreadable).
    async fn reload(&self, account: &Account, session_id: &str, p: &mut Progress) {
        if let Ok(session) = self.session(account, session_id).await
            && let Ok(draft) = self.current_draft(&session).await
        {
            (p.version, p.draft) = (session.draft_version, draft);
        }
    }

    /// Undo or redo whole turns: versions one turn saved go back (or come back) together.
    /// Returns how many steps were taken, the version reached and its draft.
    async fn history(
        &self,
        session: &Session,
        version: i64,
        undo: bool,
        steps: u32,
    ) -> Result<Option<(usize, i64, Draft)>, SaveError> {
        let groups = self.store.draft_groups(&session.id).await?;
        let group = |v: i64| groups.iter().find(|(n, _)| *n == v).and_then(|(_, g)| g.clone());
        let last = groups.iter().map(|(v, _)| *v).max().unwrap_or(1);
        let (mut at, mut taken) = (version, 0);
        for _ in 0..steps {
            if undo && at > 1 {
                let g = group(at);
                at -= 1;
                while g.is_some() && at > 1 && group(at) == g {
                    at -= 1;
                }
            } else if !undo && at < last {
                at += 1;
                let g = group(at);
                while g.is_some() && at < last && group(at + 1) == g {
                    at += 1;
                }
            } else {
                break;
            }
            taken += 1;
        }
        if taken == 0 {
            return Ok(None);
        }
        self.store.set_draft_version(&session.id, version, at, now()).await?;
        let draft =
            Draft::from_json(&self.store.draft(&session.id, at).await?).map_err(|e| SaveError::Bad(e.to_string()))?;
        Ok(Some((taken, at, draft)))
    }

    /// Generates music for the draft as a job and waits for it, reporting progress.
    async fn music(&self, asked: &Asked<'_>, a: &MusicArgs, p: &mut Progress, turn: &mut Turn) -> bool {
        let req = MusicJob {
            session_id: asked.session.id.clone(),
            style: a.style.map(|s| s.name().to_string()),
            bpm: a.bpm,
            volume: a.volume.unwrap_or(0.35),
            seed: rand::random::<u32>().into(),
            duration_ms: None,
            group: Some(turn.invocation.clone()),
        };
        let working = p.say.composing();
        let submit = |key: String| async move { self.submit_music(asked.account, &key, &req).await };
        let Some(out) = self.generator_call::<MusicOutput, _>(asked, "music", a, &working, p, turn, submit).await
        else {
            return false;
        };
        let style = style_label(&out.style, p.say);
        p.done.push(p.say.music_ready(&style, out.bpm, out.duration_ms, a.volume.unwrap_or(0.35)));
        true
    }

    /// Makes a promo from the session's footage as a job and waits for it.
    async fn promo(&self, asked: &Asked<'_>, a: &PromoArgs, p: &mut Progress, turn: &mut Turn) -> bool {
        let req = PromoJob {
            session_id: asked.session.id.clone(),
            duration_ms: a.duration_ms,
            aspect: a.aspect.clone(),
            title: a.title.clone(),
            cta: a.cta.clone(),
            style: a.style.map(|s| s.name().to_string()),
            seed: rand::random::<u32>().into(),
            group: Some(turn.invocation.clone()),
        };
        let working = p.say.making_promo();
        let submit = |key: String| async move { self.submit_promo(asked.account, &key, &req).await };
        let Some(out) = self.generator_call::<PromoOutput, _>(asked, "promo", a, &working, p, turn, submit).await
        else {
            return false;
        };
        let aspect = match (out.width, out.height) {
            (w, h) if w * 16 == h * 9 => "9:16".to_string(),
            (w, h) if w * 9 == h * 16 => "16:9".to_string(),
            (w, h) if w == h => "1:1".to_string(),
            (w, h) => format!("{w}x{h}"),
        };
        let style = style_label(&out.style, p.say);
        p.done.push(p.say.promo_ready(out.shots, out.duration_ms, &aspect, &style, out.bpm));
        true
    }

    /// Generates a clip from the prompt as a job and waits for it.
    async fn text_to_video(&self, asked: &Asked<'_>, a: &TextToVideoArgs, p: &mut Progress, turn: &mut Turn) -> bool {
        let req = VideoJob {
            session_id: asked.session.id.clone(),
            prompt: a.prompt.clone(),
            duration_ms: a.duration_ms,
            aspect: a.aspect.clone(),
            seed: rand::random::<u32>().into(),
            group: Some(turn.invocation.clone()),
        };
        let had_video = p.draft.video_track().is_some_and(|v| !p.draft.t[v].sg.is_empty());
        let working = p.say.generating_video();
        let submit = |key: String| async move { self.submit_video(asked.account, &key, &req).await };
        let Some(out) =
            self.generator_call::<VideoOutput, _>(asked, "text_to_video", a, &working, p, turn, submit).await
        else {
            return false;
        };
        p.done.push(p.say.video_ready(&out.summary, out.duration_ms, out.width, out.height, had_video));
        true
    }

    /// Writes metadata for the draft as a job and waits for it.
    async fn metadata(&self, asked: &Asked<'_>, a: &MetadataArgs, p: &mut Progress, turn: &mut Turn) -> bool {
        let platform = a.platform.and_then(|x| match x {
            Platform::Youtube => Some("youtube"),
            Platform::Tiktok | Platform::Douyin => Some("tiktok"),
            Platform::Instagram | Platform::Xiaohongshu => Some("instagram"),
            Platform::Bilibili => Some("bilibili"),
            Platform::Generic => None,
        });
        let req = MetaJob {
            session_id: asked.session.id.clone(),
            platform: platform.map(str::to_string),
            hint: a.hints.clone(),
            lang: Some(if p.say.0.zh() { "zh" } else { "en" }.to_string()),
            seed: rand::random::<u32>().into(),
            group: Some(turn.invocation.clone()),
        };
        let working = p.say.writing_metadata();
        let submit = |key: String| async move { self.submit_metadata(asked.account, &key, &req).await };
        let Some(out) = self.generator_call::<MetaOutput, _>(asked, "metadata", a, &working, p, turn, submit).await
        else {
            return false;
        };
        let m = &out.metadata;
        let opening = m.description.lines().next().unwrap_or_default();
        p.done.push(p.say.metadata_ready(&m.titles, opening, m.chapters.len(), m.tags.len(), &m.hashtags));
        if let Some(why) = &out.fallback {
            p.done.push(p.say.writer_fallback(why));
        }
        true
    }

    /// One generator call of the turn: queued by `submit` with its client key, waited for
    /// while `working` is reported, answered with its output (or its error, said to the user).
    #[allow(clippy::too_many_arguments)]
    async fn generator_call<T, F>(
        &self,
        asked: &Asked<'_>,
        name: &str,
        args: &impl serde::Serialize,
        working: &str,
        p: &mut Progress,
        turn: &mut Turn,
        submit: impl FnOnce(String) -> F,
    ) -> Option<T>
    where
        T: serde::de::DeserializeOwned + serde::Serialize,
        F: std::future::Future<Output = Result<cutroom_store::Job, ApiError>>,
    {
        let key = format!("{name}_{}_{}", turn.invocation, turn.calls + 1);
        let id = turn.call(name, serde_json::to_value(args).unwrap_or_default());
        let job = match submit(key).await {
            Ok(job) => job,
            Err(e) => {
                turn.answer(id, name, json!({ "error": e.message }));
                p.done.push(p.say.job_failed(&e.message));
                return None;
            }
        };
        let out = self.await_job::<T>(asked, &job.client_key, &id, name, working, p, turn).await?;
        turn.answer(id, name, serde_json::to_value(&out).unwrap_or_default());
        Some(out)
    }

    /// Waits for a generator job, reporting its progress as `working`; its output read as
    /// `T`, or none after saying why not.
    #[allow(clippy::too_many_arguments)]
    async fn await_job<T: serde::de::DeserializeOwned>(
        &self,
        asked: &Asked<'_>,
        key: &str,
        id: &str,
        name: &str,
        working: &str,
        p: &mut Progress,
        turn: &mut Turn,
    ) -> Option<T> {
        let mut watch = self.watch_job(asked.account, key);
        let mut reported = -1.0;
        loop {
            let job = match self.store.job(&asked.account.id, key).await {
                Ok(j) => j,
                Err(e) => {
                    turn.answer(id.to_string(), name, json!({ "error": e.to_string() }));
                    p.done.push(p.say.job_failed(&e.to_string()));
                    return None;
                }
            };
            match job.status.as_str() {
                "completed" => {
                    let out = job.output.as_deref().and_then(|o| serde_json::from_str(o).ok());
                    if out.is_none() {
                        turn.answer(id.to_string(), name, json!({ "error": "the job left no result" }));
                        p.done.push(p.say.job_failed("the job left no result"));
                    }
                    return out;
                }
                "failed" => {
                    let why = job.error.unwrap_or_default();
                    turn.answer(id.to_string(), name, json!({ "error": why }));
                    p.done.push(p.say.job_failed(&why));
                    return None;
                }
                _ if job.progress >= reported + 0.1 => {
                    reported = job.progress;
                    turn.progress(p.say.working(working, job.progress));
                }
                _ => {}
            }
            watch.changed().await;
        }
    }

    /// Exports the current draft, reporting progress until the file is ready; returns what
    /// to tell the user.
    async fn export(&self, asked: &Asked<'_>, a: &ExportArgs, say: Say, turn: &mut Turn) -> String {
        let id = format!("chat_{}_{}", turn.invocation, turn.calls + 1);
        let quality = match a.quality.unwrap_or(Quality::High) {
            Quality::High => "high",
            Quality::Medium => "medium",
            Quality::Low => "low",
        };
        let req = RenderRequest {
            id: id.clone(),
            session_id: asked.session.id.clone(),
            draft: None,
            output: Some(RenderOutput {
                format: Some("mp4".into()),
                quality: Some(quality.into()),
                resolution: a.resolution,
            }),
        };
        let args = serde_json::to_value(a).unwrap_or_default();
        let queued = match self.submit_render(asked.account, req, asked.who).await {
            Ok(s) => s,
            Err(e) => {
                turn.tool("export", args, json!({ "error": e.message }));
                return say.export_failed(&e.message);
            }
        };
        turn.tool("export", args, json!({ "id": id, "status": queued.status }));
        let mut watch = self.watch_job(asked.account, &id);
        let mut reported = -1.0;
        loop {
            let status = match self.render_status(asked.account, &id, asked.base_url).await {
                Ok(s) => s,
                Err(e) => return say.export_failed(&e.message),
            };
            match status.status.as_str() {
                "completed" => {
                    let url = status.output.map(|o| o.url).unwrap_or_default();
                    return say.export_ready(&url, (self.config.download_ttl_secs / 3600).max(1) as u64);
                }
                "failed" => return say.export_failed(&status.error.unwrap_or_default()),
                _ if status.progress >= reported + 0.1 => {
                    reported = status.progress;
                    turn.progress(say.exporting(status.progress));
                }
                _ => {}
            }
            watch.changed().await;
        }
    }

    /// Names media segments after their files (for summaries), where they have no name.
    pub async fn name_segments(&self, account_id: &str, draft: &mut Draft) {
        for track in &mut draft.t {
            for seg in &mut track.sg {
                let Some(src) = seg.src.clone().filter(|_| !seg.m.contains_key("name")) else { continue };
                if let Ok(m) = self.store.media(account_id, &src).await {
                    let stem = m.name.rsplit_once('.').map_or(m.name.as_str(), |(s, _)| s).to_string();
                    seg.m.insert("name".into(), stem.into());
                }
            }
        }
    }

    /// Saves `draft` (its media segments named) as the version after `session`'s current
    /// one, as part of `group` (the agent turn); `Stale` if the draft moved meanwhile.
    pub(crate) async fn push_version(
        &self,
        account_id: &str,
        session: &Session,
        draft: &mut Draft,
        note: &str,
        group: Option<&str>,
    ) -> Result<i64, StoreError> {
        self.name_segments(account_id, draft).await;
        self.store.push_draft(&session.id, session.draft_version, &draft.to_json(), note, group, now()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ops_in_three_shapes() {
        let one = parse_ops(r#"{"op":"canvas","w":1080,"h":1920}"#).unwrap().unwrap();
        assert_eq!(one.len(), 1);
        let two =
            parse_ops(r#"[{"op":"canvas","w":1080},{"op":"set_meta","key":"title","value":"x"}]"#).unwrap().unwrap();
        assert_eq!(two.len(), 2);
        let wrapped = parse_ops(r#"{"ops":[{"op":"canvas","fps":25}]}"#).unwrap().unwrap();
        assert_eq!(wrapped.len(), 1);
        assert!(parse_ops(r#"{"op":"explode"}"#).unwrap().is_err());
        assert!(parse_ops("make it vertical").is_none());
        assert!(parse_ops("{not json").is_none());
    }
}
