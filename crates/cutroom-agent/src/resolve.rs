//! Tying requests to the draft. Every edit is tried on a working copy as it is planned, so
//! later requests see earlier ones and a request that cannot apply is reported instead of
//! half-done. Clips are tracked by a private id while planning, so "remove clip 1 and
//! clip 3" removes the clips the user saw, not whatever slid into their places.

use crate::clause::split;
use crate::intent::*;
use crate::read::read;
use crate::reply::{Say, clip_label};
use crate::token::{is_chinese, tokenize};
use crate::tools::*;
use crate::{Context, Focus, Lang, MediaInfo, Plan, PlanInput, Step};
use cutroom_timeline::*;
use serde_json::Value;

const PID: &str = "_pid";
/// Longest message the planner reads.
pub const MAX_MESSAGE: usize = 4000;
const DEFAULT_FADE: u64 = 1000;
const DEFAULT_TRANSITION: u64 = 500;
const DEFAULT_TEXT: u64 = 3000;
/// The shortest text placed after another rather than over it.
const MIN_FOLLOW: u64 = 1_000;
const DEFAULT_STILL: u64 = 3000;
const DEFAULT_MUSIC_VOLUME: f64 = 0.35;

/// Plans a message (the built-in planner).
pub fn plan(input: &PlanInput<'_>) -> Plan {
    let lang = if is_chinese(input.message) {
        Lang::Zh
    } else if input.message.chars().any(|c| c.is_ascii_alphabetic()) {
        Lang::En
    } else if input.language.is_some_and(|l| l.starts_with("zh")) {
        Lang::Zh
    } else {
        Lang::En
    };
    let mut w = Work::new(input, lang);
    let msg = input.message.trim();
    if msg.is_empty() {
        w.ask_help();
        return w.finish();
    }
    if msg.chars().count() > MAX_MESSAGE {
        w.questions.push(w.say.too_long(MAX_MESSAGE));
        return w.finish();
    }
    let chars: Vec<char> = msg.chars().collect();
    let clauses = split(&tokenize(msg));
    let intents: Vec<Intent> = clauses.iter().flat_map(|c| read(c, input.media, &chars)).collect();
    if intents.is_empty() {
        w.ask_help();
        return w.finish();
    }
    if intents.iter().any(needs_clips) {
        w.place_uploads();
    }
    w.snapshot();
    for intent in intents {
        if w.stopped {
            break;
        }
        w.intent(intent);
    }
    w.finish()
}

fn needs_clips(i: &Intent) -> bool {
    !matches!(
        i,
        Intent::Undo(_)
            | Intent::Redo(_)
            | Intent::Status
            | Intent::Credits
            | Intent::Help
            | Intent::Promo(_)
            | Intent::TextToVideo(_)
            | Intent::Ask(_)
    )
}

/// What a focus points at while planning.
#[derive(Clone, Debug, PartialEq)]
enum Fw {
    Clips(Vec<u64>),
    Text(u64),
    Music,
    Voice,
    Video,
}

struct Work<'a> {
    input: &'a PlanInput<'a>,
    say: Say,
    draft: Draft,
    next_pid: u64,
    /// The video track's clips when the message started (after uploads were placed).
    clips0: Vec<u64>,
    /// Whether clips were added or moved, so positions are read from the current order.
    reordered: bool,
    steps: Vec<Step>,
    questions: Vec<String>,
    focus: Option<Fw>,
    /// The music call of this message, whose volume later requests may still set.
    music_step: Option<usize>,
    /// The clips the last removal of this message took out.
    removed: Vec<u64>,
    stopped: bool,
    lang: Lang,
}

fn pid(s: &Segment) -> Option<u64> {
    s.m.get(PID).and_then(Value::as_u64)
}

impl<'a> Work<'a> {
    fn new(input: &'a PlanInput<'a>, lang: Lang) -> Work<'a> {
        let mut w = Work {
            input,
            say: Say(lang),
            draft: input.draft.clone(),
            next_pid: 1,
            clips0: Vec::new(),
            reordered: false,
            steps: Vec::new(),
            questions: Vec::new(),
            focus: None,
            music_step: None,
            removed: Vec::new(),
            stopped: false,
            lang,
        };
        w.retag();
        w.focus = w.focus_from(input.context);
        w
    }

    fn focus_from(&self, c: &Context) -> Option<Fw> {
        Some(match c.focus.as_ref()? {
            Focus::Clips { indices } => {
                let v = self.video()?;
                let pids: Vec<u64> =
                    indices.iter().filter_map(|i| self.draft.t[v].sg.get(*i)).filter_map(pid).collect();
                if pids.is_empty() {
                    return None;
                }
                Fw::Clips(pids)
            }
            Focus::Text { text } => Fw::Text(
                self.texts()
                    .into_iter()
                    .find(|(_, _, s)| s.text.as_deref() == Some(text.as_str()))
                    .map(|(_, _, s)| pid(s))??,
            ),
            Focus::Music => Fw::Music,
            Focus::Voice => Fw::Voice,
            Focus::Video => Fw::Video,
        })
    }

    /// Gives every segment a private id (new segments, and copies made by split/duplicate).
    fn retag(&mut self) {
        let mut seen = std::collections::HashSet::new();
        for t in &mut self.draft.t {
            for s in &mut t.sg {
                match pid(s) {
                    Some(p) if seen.insert(p) => self.next_pid = self.next_pid.max(p + 1),
                    _ => {
                        s.m.insert(PID.into(), Value::from(self.next_pid));
                        seen.insert(self.next_pid);
                        self.next_pid += 1;
                    }
                }
            }
        }
    }

    fn snapshot(&mut self) {
        self.clips0 = self.clip_pids();
    }

    fn video(&self) -> Option<usize> {
        self.draft.video_track()
    }

    fn clip_pids(&self) -> Vec<u64> {
        self.video().map(|v| self.draft.t[v].sg.iter().filter_map(pid).collect()).unwrap_or_default()
    }

    fn clip_index(&self, p: u64) -> Option<usize> {
        let v = self.video()?;
        self.draft.t[v].sg.iter().position(|s| pid(s) == Some(p))
    }

    fn clip(&self, p: u64) -> Option<&Segment> {
        let v = self.video()?;
        self.draft.t[v].sg.iter().find(|s| pid(s) == Some(p))
    }

    fn video_end(&self) -> u64 {
        self.video().map_or(0, |v| self.draft.t[v].end().0)
    }

    /// (track, index, segment) of every text.
    fn texts(&self) -> Vec<(usize, usize, &Segment)> {
        let mut out = Vec::new();
        for (ti, t) in self.draft.t.iter().enumerate() {
            if t.tt == TrackType::Text {
                for (si, s) in t.sg.iter().enumerate() {
                    out.push((ti, si, s));
                }
            }
        }
        out
    }

    fn media(&self, id: &str) -> Option<&'a MediaInfo> {
        self.input.media.iter().find(|m| m.id == id)
    }

    /// The media file a clip shows.
    fn clip_media(&self, p: u64) -> Option<&'a MediaInfo> {
        self.clip(p).and_then(|s| s.src.as_deref()).and_then(|id| self.media(id))
    }

    fn facts(&self, id: &str) -> Option<MediaFacts> {
        self.media(id).map(|m| MediaFacts { kind: m.kind, duration: m.duration, has_audio: m.has_audio })
    }

    fn label(&self, p: u64) -> String {
        let idx = self.clip_index(p).map_or(0, |i| i + 1);
        let name = self.clip(p).and_then(|s| self.seg_name(s)).unwrap_or_default();
        clip_label(self.lang, idx, &name)
    }

    fn seg_name(&self, s: &Segment) -> Option<String> {
        s.meta_str("name")
            .map(str::to_string)
            .or_else(|| s.src.as_deref().and_then(|id| self.media(id)).map(|m| m.stem()))
    }

    // ---- applying ----

    /// Tries an edit on the working copy; keeps it if the draft stays valid.
    fn edit(&mut self, op: EditOp) -> Result<(), String> {
        let next = apply(&self.draft, &op).map_err(|e| e.to_string())?;
        next.validate_media(|id| self.facts(id)).map_err(|e| e.to_string())?;
        self.draft = next;
        self.retag();
        self.steps.push(Step { call: ToolCall::Edit(strip(op)), note: None });
        Ok(())
    }

    /// Runs one request's edits all or nothing; `note` describes them when they worked.
    fn attempt(&mut self, f: impl FnOnce(&mut Self) -> Result<Option<String>, String>) {
        let (draft, steps, next, reordered) = (self.draft.clone(), self.steps.len(), self.next_pid, self.reordered);
        match f(self) {
            Ok(note) => {
                if let Some(note) = note {
                    match self.steps.get_mut(steps..).and_then(|s| s.last_mut()) {
                        Some(last) => last.note = Some(note),
                        None => self.questions.push(note),
                    }
                }
            }
            Err(problem) => {
                self.draft = draft;
                self.steps.truncate(steps);
                self.next_pid = next;
                self.reordered = reordered;
                self.questions.push(problem);
            }
        }
    }

    fn push(&mut self, call: ToolCall, note: String) {
        self.steps.push(Step { call, note: Some(note) });
    }

    fn ask_help(&mut self) {
        self.questions.push(self.say.help());
    }

    fn finish(self) -> Plan {
        let context = Context {
            focus: match &self.focus {
                Some(Fw::Clips(p)) => {
                    let indices: Vec<usize> = p.iter().filter_map(|p| self.clip_index(*p)).collect();
                    (!indices.is_empty()).then_some(Focus::Clips { indices })
                }
                Some(Fw::Text(p)) => self
                    .texts()
                    .into_iter()
                    .find(|(_, _, s)| pid(s) == Some(*p))
                    .and_then(|(_, _, s)| s.text.clone())
                    .map(|text| Focus::Text { text }),
                Some(Fw::Music) => Some(Focus::Music),
                Some(Fw::Voice) => Some(Focus::Voice),
                Some(Fw::Video) => Some(Focus::Video),
                None => self.input.context.focus.clone(),
            },
        };
        // Generators run after the edits, on the edited draft (their results are placed then).
        let (mut steps, jobs): (Vec<Step>, Vec<Step>) = self.steps.into_iter().partition(|s| !s.call.is_generator());
        steps.extend(jobs);
        Plan { lang: self.lang, steps, questions: self.questions, context }
    }

    // ---- uploads ----

    /// An empty timeline gets the session's uploaded videos first (or its images).
    fn place_uploads(&mut self) {
        if self.video().is_some_and(|v| !self.draft.t[v].sg.is_empty()) {
            return;
        }
        let videos: Vec<&MediaInfo> =
            self.input.media.iter().filter(|m| m.kind == MediaKind::Video && !m.generated).collect();
        let list = if videos.is_empty() {
            self.input.media.iter().filter(|m| m.kind == MediaKind::Image && !m.generated).collect()
        } else {
            videos
        };
        if list.is_empty() {
            return;
        }
        self.attempt(|w| {
            let v = w.ensure_video()?;
            for m in &list {
                let d = m.duration.map_or(DEFAULT_STILL, |d| d.0);
                let mut seg = Segment::media(m.id.clone(), Ms::ZERO, Ms(d));
                seg.m.insert("name".into(), m.stem().into());
                w.edit(EditOp::AddSegment { track: v, at: None, segment: seg })?;
            }
            let names: Vec<String> = list.iter().map(|m| m.stem()).collect();
            Ok(Some(w.say.placed(&names)))
        });
    }

    fn ensure_video(&mut self) -> Result<usize, String> {
        if let Some(v) = self.video() {
            return Ok(v);
        }
        self.edit(EditOp::AddTrack { tt: TrackType::Video, name: None, role: None })?;
        self.video().ok_or_else(|| "no video track".into())
    }

    // ---- references ----

    /// Resolves clip references to clips; `None` in the result means "not said".
    fn clips(&self, refs: &Clips) -> Result<Vec<u64>, String> {
        let current = self.clip_pids();
        let order: Vec<u64> = if self.reordered {
            current.clone()
        } else {
            self.clips0.iter().copied().filter(|p| current.contains(p)).collect()
        };
        let base = if self.reordered { &current } else { &self.clips0 };
        let mut out: Vec<u64> = Vec::new();
        let push = |p: u64, out: &mut Vec<u64>| {
            if !out.contains(&p) {
                out.push(p);
            }
        };
        for r in &refs.0 {
            match r {
                ClipRef::Index(n) => {
                    let len = base.len() as i64;
                    let i = if *n > 0 { *n - 1 } else { len + *n };
                    match base.get(i as usize).filter(|_| i >= 0) {
                        Some(p) if current.contains(p) => push(*p, &mut out),
                        Some(_) => return Err(self.say.gone(*n)),
                        None => return Err(self.say.no_clip(*n, current.len())),
                    }
                }
                ClipRef::FirstN(n) => order.iter().take(*n).for_each(|p| push(*p, &mut out)),
                ClipRef::LastN(n) => order.iter().skip(order.len().saturating_sub(*n)).for_each(|p| push(*p, &mut out)),
                ClipRef::Name(name) => {
                    let hits: Vec<u64> = current
                        .iter()
                        .copied()
                        .filter(|p| {
                            self.clip(*p).is_some_and(|s| {
                                s.src.as_deref().and_then(|id| self.media(id)).is_some_and(|m| m.stem() == *name)
                                    || s.meta_str("name").is_some_and(|n| n.eq_ignore_ascii_case(name))
                            })
                        })
                        .collect();
                    if hits.is_empty() {
                        return Err(self.say.not_on_timeline(name));
                    }
                    hits.into_iter().for_each(|p| push(p, &mut out));
                }
                ClipRef::All => current.iter().for_each(|p| push(*p, &mut out)),
                ClipRef::Stills => {
                    let stills: Vec<u64> = current
                        .iter()
                        .copied()
                        .filter(|p| self.clip_media(*p).is_some_and(|m| m.kind == MediaKind::Image))
                        .collect();
                    if stills.is_empty() {
                        return Err(self.say.no_stills());
                    }
                    stills.into_iter().for_each(|p| push(p, &mut out));
                }
                ClipRef::Others => {}
                ClipRef::It | ClipRef::The => {
                    if let Some(Fw::Clips(f)) = &self.focus {
                        f.iter().filter(|p| current.contains(p)).for_each(|p| push(*p, &mut out));
                    }
                }
            }
        }
        if refs.0.contains(&ClipRef::Others) {
            let named = out.clone();
            out = current.iter().copied().filter(|p| !named.contains(p)).collect();
        }
        Ok(out)
    }

    /// The clips a request is about; with none said, the focus, else all (when `all_ok`).
    fn target_clips(&self, refs: &Clips, all_ok: bool, what: &'static str) -> Result<Vec<u64>, String> {
        let said = self.clips(refs)?;
        if !said.is_empty() {
            return Ok(said);
        }
        let only_it = refs.0.iter().all(|r| matches!(r, ClipRef::It));
        if let (true, Some(Fw::Clips(f))) = (only_it, &self.focus) {
            let live: Vec<u64> = f.iter().copied().filter(|p| self.clip_index(*p).is_some()).collect();
            if !live.is_empty() {
                return Ok(live);
            }
        }
        let all = self.clip_pids();
        if all.is_empty() {
            return Err(self.say.no_clips());
        }
        let one_unnamed = refs.0.contains(&ClipRef::The);
        if (all_ok && !one_unnamed) || all.len() == 1 {
            return Ok(all);
        }
        Err(self.say.which_clip(what, &all.iter().map(|p| self.label(*p)).collect::<Vec<_>>()))
    }

    // ---- requests ----

    fn intent(&mut self, i: Intent) {
        match i {
            Intent::Canvas { w, h, name } => self.attempt(|s| {
                if s.draft.canvas.w == w && s.draft.canvas.h == h {
                    return Ok(Some(s.say.canvas_same(w, h)));
                }
                s.edit(EditOp::Canvas { w: Some(w), h: Some(h), fps: None, bg: None })?;
                s.focus = Some(Fw::Video);
                Ok(Some(s.say.canvas(w, h, name)))
            }),
            Intent::CanvasBg(c) => self.attempt(|s| {
                s.edit(EditOp::Canvas { w: None, h: None, fps: None, bg: Some(c) })?;
                Ok(Some(s.say.background(&c.to_string())))
            }),
            Intent::CanvasFps(fps) => self.attempt(|s| {
                s.edit(EditOp::Canvas { w: None, h: None, fps: Some(fps), bg: None })?;
                Ok(Some(s.say.fps(fps)))
            }),
            Intent::Fit { clips, fit } => self.attempt(|s| {
                let pids = s.target_clips(&clips, true, "fit")?;
                s.each_or_all(&pids, |track, seg| EditOp::Fit { track, seg, fit })?;
                s.focus = Some(Fw::Clips(pids.clone()));
                Ok(Some(s.say.fit(fit, pids.len())))
            }),
            Intent::Swap(clips) => self.attempt(|s| s.swap(&clips)),
            Intent::Move { clip, dest } => self.attempt(|s| s.move_clip(&clip, &dest)),
            // One clip: its scenes are its shots, which the re-edit finds from the analysis.
            Intent::Reverse if self.video().is_some_and(|v| self.draft.t[v].sg.len() == 1) => {
                let a = ReeditArgs { order: Some(ReeditOrder::Reverse), ..ReeditArgs::default() };
                let note = self.say.reedit(&a);
                self.push(ToolCall::Reedit(a), note);
            }
            Intent::Reverse => self.attempt(|s| {
                let v = s.video().ok_or_else(|| s.say.no_clips())?;
                let n = s.draft.t[v].sg.len();
                if n < 2 {
                    return Err(s.say.need_two());
                }
                s.edit(EditOp::Reorder { track: v, order: (0..n).rev().collect() })?;
                s.reordered = true;
                Ok(Some(s.say.reversed(n)))
            }),
            Intent::Remove(clips) => self.attempt(|s| s.remove(&clips, false)),
            Intent::KeepOnly(clips) => self.attempt(|s| s.remove(&clips, true)),
            Intent::Duplicate { clip, copies } => self.attempt(|s| {
                let pids = s.target_clips(&clip, false, "duplicate")?;
                let label = s.label(pids[0]);
                for p in pids.iter().rev() {
                    for _ in 0..copies {
                        let v = s.video().unwrap_or(0);
                        let i = s.clip_index(*p).unwrap_or(0);
                        s.edit(EditOp::DuplicateSegment { track: v, seg: i })?;
                    }
                }
                s.reordered = true;
                s.focus = Some(Fw::Clips(pids.clone()));
                Ok(Some(s.say.duplicated(&label, copies)))
            }),
            Intent::Trim { clip, head, tail } => self.attempt(|s| s.trim(&clip, head, tail)),
            Intent::CutSpan { from, to } => self.attempt(|s| s.cut_span(from, to)),
            Intent::SetLen { clips, d } => self.attempt(|s| s.set_len(&clips, Some(d), 1.0)),
            Intent::ScaleLen { clips, factor } => self.attempt(|s| s.set_len(&clips, None, factor)),
            Intent::Total(d) => self.attempt(|s| s.total(d)),
            Intent::Split { clip, at } => self.attempt(|s| s.split(&clip, &at)),
            Intent::Speed { clips, amount } => self.attempt(|s| s.speed(&clips, amount)),
            Intent::Volume { sound, amount } => self.attempt(|s| s.volume(&sound, amount)),
            Intent::Fade { target, fade_in, fade_out, has_in, has_out } => {
                self.attempt(|s| s.fade(&target, fade_in, fade_out, has_in, has_out))
            }
            Intent::Transition { cuts, kind, d } => self.attempt(|s| {
                let kind = kind.unwrap_or(TransitionKind::Crossfade);
                let d = d.unwrap_or(DEFAULT_TRANSITION).clamp(40, 5000);
                let tr = Some(Transition { kind, d: Ms(d) });
                let n = s.set_transitions(&cuts, tr)?;
                Ok(Some(s.say.transition(kind, d, n)))
            }),
            Intent::NoTransition(cuts) => self.attempt(|s| {
                let n = s.set_transitions(&cuts, None)?;
                Ok(Some(s.say.no_transition(n)))
            }),
            Intent::Duck(on) => self.attempt(|s| {
                let Some(t) = s.music_track() else {
                    if s.music_step.is_some() && on {
                        return Ok(Some(s.say.duck(true)));
                    }
                    return Err(s.say.no_music());
                };
                s.edit(EditOp::Duck { track: t, duck: on.then(Duck::default) })?;
                s.focus = Some(Fw::Music);
                Ok(Some(s.say.duck(on)))
            }),
            Intent::AddText { text, role, when, style } => self.attempt(|s| s.add_text(text, role, &when, &style)),
            Intent::EditText { sel, text, style, when, or_add } => {
                self.attempt(|s| s.edit_text(&sel, text, &style, &when, or_add))
            }
            Intent::RemoveText(sel) => self.attempt(|s| s.remove_text(&sel)),
            Intent::Motion { clips, motion } => self.attempt(|s| s.motion(&clips, motion)),
            Intent::AddClip { media, dest, d, or_move } => self.attempt(|s| {
                let placed: Vec<u64> = s
                    .clip_pids()
                    .into_iter()
                    .filter(|p| s.clip(*p).and_then(|c| c.src.as_deref()) == Some(media.as_str()))
                    .collect();
                match placed.as_slice() {
                    [_] if or_move => s.move_clip(
                        &Clips(vec![ClipRef::Name(s.media(&media).map_or(media.clone(), |m| m.stem()))]),
                        &dest,
                    ),
                    _ => s.add_clip(&media, &dest, d),
                }
            }),
            Intent::AddAudio { media, start, volume } => self.attempt(|s| s.add_audio(&media, start, volume)),
            Intent::MusicFromUpload { media, volume } => self.attempt(|s| s.music_upload(&media, volume)),
            Intent::Music(args) => self.attempt(|s| {
                if s.video_end() == 0 {
                    return Err(s.say.no_clips());
                }
                let note = s.say.music(args.style, args.volume.unwrap_or(DEFAULT_MUSIC_VOLUME));
                s.music_step = Some(s.steps.len());
                s.push(ToolCall::Music(args), note);
                s.focus = Some(Fw::Music);
                Ok(None)
            }),
            Intent::RemoveMusic => self.attempt(|s| {
                let Some(t) = s.music_track() else { return Err(s.say.no_music()) };
                s.edit(EditOp::RemoveTrack { track: t })?;
                Ok(Some(s.say.music_removed()))
            }),
            Intent::RemoveVoice => self.attempt(|s| {
                let Some(t) = s.voice_track() else { return Err(s.say.no_voice()) };
                s.edit(EditOp::RemoveTrack { track: t })?;
                Ok(Some(s.say.voice_removed()))
            }),
            Intent::MoveMusic(at) => self.attempt(|s| {
                let Some(t) = s.music_track() else { return Err(s.say.no_music()) };
                s.edit(EditOp::MoveSegment { track: t, seg: 0, start: Ms(at) })?;
                Ok(Some(s.say.music_moved(at)))
            }),
            Intent::Undo(n) | Intent::Redo(n) => {
                let undo = matches!(i, Intent::Undo(_));
                let steps = Steps { steps: n };
                let note = self.say.undo(undo, n);
                self.push(if undo { ToolCall::Undo(steps) } else { ToolCall::Redo(steps) }, note);
                // What the draft looks like after undo is the service's to know.
                self.stopped = true;
            }
            Intent::Status => {
                let note = self.say.status();
                self.push(ToolCall::Status, note);
            }
            Intent::Credits => {
                let note = self.say.credits();
                self.push(ToolCall::Credits, note);
            }
            Intent::Export(a) => {
                if self.video_end() == 0 {
                    let q = self.say.no_clips();
                    self.questions.push(q);
                    return;
                }
                let note = self.say.export(&a);
                self.push(ToolCall::Export(a), note);
            }
            Intent::Promo(a) => {
                let note = self.say.promo(&a);
                self.push(ToolCall::Promo(a), note);
            }
            Intent::TextToVideo(a) => {
                let note = self.say.text_to_video(&a);
                self.push(ToolCall::TextToVideo(a), note);
            }
            Intent::Metadata(a) => {
                let note = self.say.metadata(&a);
                self.push(ToolCall::Metadata(a), note);
            }
            Intent::Reedit(a) => {
                let note = self.say.reedit(&a);
                self.push(ToolCall::Reedit(a), note);
            }
            Intent::Help => self.ask_help(),
            Intent::Focus(clips) => {
                if let Ok(p) = self.clips(&clips)
                    && !p.is_empty()
                {
                    self.focus = Some(Fw::Clips(p));
                }
            }
            Intent::Comparative(amount) => self.attempt(|s| match s.focus.clone() {
                Some(Fw::Music) => s.volume(&Sound::Music, amount),
                Some(Fw::Voice) => s.volume(&Sound::Voice, amount),
                Some(Fw::Text(_)) => {
                    let style = StyleChange { size: Some(amount), ..StyleChange::default() };
                    s.edit_text(&TextSel::It, None, &style, &When::default(), false)
                }
                _ => Err(s.say.ask(&Ask::WhatToChange)),
            }),
            Intent::Ask(a) => {
                let q = self.say.ask(&a);
                self.questions.push(q);
            }
        }
    }

    /// One op per clip, or one for the whole track when every clip is meant.
    fn each_or_all(&mut self, pids: &[u64], op: impl Fn(usize, Option<usize>) -> EditOp) -> Result<(), String> {
        let v = self.video().ok_or_else(|| self.say.no_clips())?;
        if pids.len() == self.draft.t[v].sg.len() {
            return self.edit(op(v, None));
        }
        for p in pids {
            let i = self.clip_index(*p).ok_or_else(|| self.say.no_clips())?;
            self.edit(op(v, Some(i)))?;
        }
        Ok(())
    }

    fn reorder(&mut self, order: Vec<u64>) -> Result<(), String> {
        let v = self.video().ok_or_else(|| self.say.no_clips())?;
        let idx: Vec<usize> = order.iter().filter_map(|p| self.clip_index(*p)).collect();
        self.edit(EditOp::Reorder { track: v, order: idx })?;
        self.reordered = true;
        Ok(())
    }

    fn swap(&mut self, clips: &Clips) -> Result<Option<String>, String> {
        let mut pids = self.clips(clips)?;
        let all = self.clip_pids();
        if pids.len() < 2 {
            if all.len() == 2 && pids.len() <= 1 && clips.0.iter().all(|r| matches!(r, ClipRef::All | ClipRef::It)) {
                pids = all.clone();
            } else {
                let labels: Vec<String> = all.iter().map(|p| self.label(*p)).collect();
                return Err(self.say.which_clip("swap", &labels));
            }
        }
        if pids.len() > 2 {
            return Err(self.say.which_clip("swap", &pids.iter().map(|p| self.label(*p)).collect::<Vec<_>>()));
        }
        let (a, b) = (pids[0], pids[1]);
        let (la, lb) = (self.label(a), self.label(b));
        let order: Vec<u64> = all
            .iter()
            .map(|p| {
                if *p == a {
                    b
                } else if *p == b {
                    a
                } else {
                    *p
                }
            })
            .collect();
        self.reorder(order)?;
        self.focus = Some(Fw::Clips(vec![a, b]));
        Ok(Some(self.say.swapped(&la, &lb)))
    }

    fn move_clip(&mut self, clip: &Clips, dest: &Dest) -> Result<Option<String>, String> {
        let pids = self.target_clips(clip, false, "move")?;
        let all = self.clip_pids();
        let mut rest: Vec<u64> = all.iter().copied().filter(|p| !pids.contains(p)).collect();
        let at = match dest {
            Dest::Start => 0,
            Dest::End => rest.len(),
            Dest::Position(n) => {
                let n = if *n > 0 { *n - 1 } else { all.len() as i64 + *n };
                (n.max(0) as usize).min(rest.len())
            }
            Dest::Before(r) | Dest::After(r) => {
                let anchor = self.clips(&Clips(vec![r.clone()]))?;
                let a = *anchor.first().ok_or_else(|| self.say.no_clips())?;
                let i = rest.iter().position(|p| *p == a).ok_or_else(|| self.say.need_two())?;
                if matches!(dest, Dest::After(_)) { i + 1 } else { i }
            }
        };
        let label = self.label(pids[0]);
        for (k, p) in pids.iter().enumerate() {
            rest.insert(at + k, *p);
        }
        if rest == all {
            return Ok(Some(self.say.already_there(&label)));
        }
        self.reorder(rest)?;
        self.focus = Some(Fw::Clips(pids.clone()));
        let pos = self.clip_index(pids[0]).map_or(0, |i| i + 1);
        Ok(Some(self.say.moved(&label, pos, self.clip_pids().len())))
    }

    fn remove(&mut self, clips: &Clips, keep: bool) -> Result<Option<String>, String> {
        // "I don't need the city clip, chop it out": "it" is what was just removed.
        if !keep
            && self.focus == Some(Fw::Video)
            && !self.removed.is_empty()
            && clips.0.iter().all(|r| matches!(r, ClipRef::It))
        {
            return Ok(None);
        }
        let named = if keep { self.clips(clips)? } else { self.target_clips(clips, false, "remove")? };
        if named.is_empty() {
            return Err(self
                .say
                .which_clip("remove", &self.clip_pids().iter().map(|p| self.label(*p)).collect::<Vec<_>>()));
        }
        let old_end = self.video_end();
        let gone: Vec<u64> =
            if keep { self.clip_pids().into_iter().filter(|p| !named.contains(p)).collect() } else { named };
        let labels: Vec<String> = gone.iter().map(|p| self.label(*p)).collect();
        let mut idx: Vec<usize> = gone.iter().filter_map(|p| self.clip_index(*p)).collect();
        idx.sort_unstable();
        let v = self.video().ok_or_else(|| self.say.no_clips())?;
        for i in idx.into_iter().rev() {
            self.edit(EditOp::RemoveSegment { track: v, seg: i })?;
        }
        self.removed = gone;
        self.focus = Some(Fw::Video);
        let follow = self.follow_video(old_end)?;
        Ok(Some(self.say.removed(&labels) + &follow))
    }

    /// The longest a clip can be from `src_in` at its speed (stills: unlimited).
    fn max_len(&self, s: &Segment) -> Option<u64> {
        let m = self.media(s.src.as_deref()?)?;
        let total = m.duration?.0;
        Some(((total.saturating_sub(s.src_in.0)) as f64 / s.speed).floor() as u64)
    }

    fn trim(&mut self, clip: &Clips, head: i64, tail: i64) -> Result<Option<String>, String> {
        // No clip said and none in focus: the start or end of the video.
        let unsaid = clip.0.iter().all(|r| matches!(r, ClipRef::It));
        let focus_clips = matches!(self.focus, Some(Fw::Clips(_)));
        if unsaid && !focus_clips && self.clip_pids().len() > 1 {
            if head > 0 && tail == 0 {
                return self.cut_span(0, head as u64);
            }
            if tail != 0 && head == 0 {
                return self.trim(&Clips(vec![ClipRef::Index(-1)]), 0, tail);
            }
        }
        let pids = self.target_clips(clip, false, "trim")?;
        let old_end = self.video_end();
        let v = self.video().ok_or_else(|| self.say.no_clips())?;
        let mut notes = Vec::new();
        for p in &pids {
            let i = self.clip_index(*p).ok_or_else(|| self.say.no_clips())?;
            let s = self.draft.t[v].sg[i].clone();
            let (mut head, mut tail) = (head, tail);
            if head < 0 {
                // Extending the start: only as far back as the source goes.
                let room = (s.src_in.0 as f64 / s.speed) as i64;
                head = head.max(-room);
            }
            if tail < 0
                && let Some(max) = self.max_len(&s)
            {
                tail = tail.max(-((max as i64) - s.d.0 as i64).max(0));
            }
            if head + tail >= s.d.0 as i64 {
                return Err(self.say.trim_too_much(&self.label(*p), s.d.0));
            }
            if head == 0 && tail == 0 {
                return Err(self.say.cannot_extend(&self.label(*p)));
            }
            self.edit(EditOp::Trim { track: v, seg: i, head, tail })?;
            let now = self.clip(*p).map_or(0, |s| s.d.0);
            notes.push(self.say.trimmed(&self.label(*p), head, tail, now));
        }
        self.focus = Some(Fw::Clips(pids));
        let follow = self.follow_video(old_end)?;
        Ok(Some(notes.join(" ") + &follow))
    }

    /// Cuts the span [from, to) of the timeline out of the video track.
    fn cut_span(&mut self, from: u64, to: u64) -> Result<Option<String>, String> {
        let old_end = self.video_end();
        let v = self.video().ok_or_else(|| self.say.no_clips())?;
        let to = to.min(old_end);
        if to <= from {
            return Err(self.say.no_clips());
        }
        let segs: Vec<(u64, u64, u64)> =
            self.draft.t[v].sg.iter().filter_map(|s| Some((pid(s)?, s.start.0, s.end().0))).collect();
        for (p, a, b) in segs.into_iter().rev() {
            let (lo, hi) = (from.max(a), to.min(b));
            if lo >= hi {
                continue;
            }
            let i = self.clip_index(p).unwrap_or(0);
            if lo == a && hi == b {
                self.edit(EditOp::RemoveSegment { track: v, seg: i })?;
            } else if lo == a {
                self.edit(EditOp::Trim { track: v, seg: i, head: (hi - lo) as i64, tail: 0 })?;
            } else if hi == b {
                self.edit(EditOp::Trim { track: v, seg: i, head: 0, tail: (hi - lo) as i64 })?;
            } else {
                self.edit(EditOp::Split { track: v, seg: i, at: Ms(hi) })?;
                self.edit(EditOp::Trim { track: v, seg: i, head: 0, tail: (hi - lo) as i64 })?;
            }
        }
        self.focus = Some(Fw::Video);
        let follow = self.follow_video(old_end)?;
        Ok(Some(self.say.cut_span(from, to) + &follow))
    }

    fn set_len(&mut self, clips: &Clips, d: Option<u64>, factor: f64) -> Result<Option<String>, String> {
        let pids = self.target_clips(clips, false, "change")?;
        let old_end = self.video_end();
        let v = self.video().ok_or_else(|| self.say.no_clips())?;
        let mut short = Vec::new();
        for p in &pids {
            let i = self.clip_index(*p).ok_or_else(|| self.say.no_clips())?;
            let s = self.draft.t[v].sg[i].clone();
            let want = d.unwrap_or_else(|| (s.d.0 as f64 * factor).round() as u64);
            let max = self.max_len(&s).unwrap_or(u64::MAX);
            if want > max {
                short.push(self.label(*p));
            }
            let target = want.min(max).max(Ms::frame_len(self.draft.canvas.fps).0);
            if target != s.d.0 {
                self.edit(EditOp::SetDuration { track: v, seg: i, d: Ms(target) })?;
            }
        }
        self.focus = Some(Fw::Clips(pids.clone()));
        let follow = self.follow_video(old_end)?;
        let each = pids.iter().map(|p| self.clip(*p).map_or(0, |s| s.d.0)).collect::<Vec<_>>();
        let labels: Vec<String> = pids.iter().map(|p| self.label(*p)).collect();
        Ok(Some(self.say.lengths(&labels, &each, &short) + &follow))
    }

    /// Sets the whole video's length by scaling every clip (within what the sources hold).
    fn total(&mut self, target: u64) -> Result<Option<String>, String> {
        let v = self.video().ok_or_else(|| self.say.no_clips())?;
        let old_end = self.video_end();
        if old_end == 0 {
            return Err(self.say.no_clips());
        }
        let track = self.draft.t[v].clone();
        let overlap: u64 = track.sg.iter().map(|s| s.transition_len().0).sum();
        let want_sum = target + overlap;
        let lens: Vec<u64> = track.sg.iter().map(|s| s.d.0).collect();
        let maxes: Vec<u64> = track.sg.iter().map(|s| self.max_len(s).unwrap_or(u64::MAX)).collect();
        // Scale, then hand what capped clips could not take to the others.
        let mut new: Vec<f64> = lens.iter().map(|d| *d as f64).collect();
        for _ in 0..8 {
            let sum: f64 = new.iter().sum();
            let diff = want_sum as f64 - sum;
            // Growing: clips with footage to spare; shrinking: any clip can give.
            let free: Vec<usize> = (0..new.len())
                .filter(|&i| if diff > 0.0 { (new[i] as u64) < maxes[i] } else { new[i] > 40.0 })
                .collect();
            if diff.abs() < 1.0 || free.is_empty() {
                break;
            }
            let free_sum: f64 = free.iter().map(|&i| new[i]).sum();
            for &i in &free {
                new[i] = (new[i] + diff * new[i] / free_sum.max(1.0)).min(maxes[i] as f64).max(40.0);
            }
        }
        let mut ints: Vec<u64> = new.iter().map(|x| x.round() as u64).collect();
        let sum: i64 = ints.iter().map(|x| *x as i64).sum();
        let fix = want_sum as i64 - sum;
        if let Some(last) =
            (0..ints.len()).rev().find(|&i| (ints[i] as i64 + fix) > 40 && (ints[i] as i64 + fix) as u64 <= maxes[i])
        {
            ints[last] = (ints[last] as i64 + fix) as u64;
        }
        for (i, d) in ints.iter().enumerate() {
            if *d != lens[i] {
                self.edit(EditOp::SetDuration { track: v, seg: i, d: Ms(*d) })?;
            }
        }
        self.focus = Some(Fw::Video);
        let follow = self.follow_video(old_end)?;
        let got = self.video_end();
        Ok(Some(self.say.total(target, got) + &follow))
    }

    fn split(&mut self, clip: &Clips, at: &SplitAt) -> Result<Option<String>, String> {
        let v = self.video().ok_or_else(|| self.say.no_clips())?;
        match at {
            SplitAt::Time(t) => {
                let p = if clip.none() {
                    let i = self.draft.t[v].sg.iter().position(|s| s.start.0 < *t && *t < s.end().0);
                    let i = i.ok_or_else(|| self.say.not_inside(*t))?;
                    pid(&self.draft.t[v].sg[i]).unwrap_or(0)
                } else {
                    self.target_clips(clip, false, "split")?[0]
                };
                let s = self.clip(p).cloned().ok_or_else(|| self.say.no_clips())?;
                // Into the clip when it fits there, else a time on the timeline.
                let at_abs = if !clip.none() && *t < s.d.0 { s.start.0 + t } else { *t };
                let i = self.clip_index(p).unwrap_or(0);
                let label = self.label(p);
                self.edit(EditOp::Split { track: v, seg: i, at: Ms(at_abs) }).map_err(|_| self.say.not_inside(*t))?;
                self.reordered = true;
                self.focus = Some(Fw::Clips(vec![p]));
                Ok(Some(self.say.split(&label, at_abs - s.start.0, 2)))
            }
            SplitAt::Parts(n) => {
                let p = self.target_clips(clip, false, "split")?[0];
                let s = self.clip(p).cloned().ok_or_else(|| self.say.no_clips())?;
                let label = self.label(p);
                let part = s.d.0 / u64::from(*n);
                for k in (1..*n).rev() {
                    let i = self.clip_index(p).unwrap_or(0);
                    self.edit(EditOp::Split { track: v, seg: i, at: Ms(s.start.0 + part * u64::from(k)) })?;
                }
                self.reordered = true;
                self.focus = Some(Fw::Clips(vec![p]));
                Ok(Some(self.say.split(&label, part, *n)))
            }
        }
    }

    fn speed(&mut self, clips: &Clips, amount: Amount) -> Result<Option<String>, String> {
        let pids = self.target_clips(clips, true, "speed")?;
        let old_end = self.video_end();
        let v = self.video().ok_or_else(|| self.say.no_clips())?;
        let mut values = Vec::new();
        for p in &pids {
            let i = self.clip_index(*p).ok_or_else(|| self.say.no_clips())?;
            let cur = self.draft.t[v].sg[i].speed;
            let want = match amount {
                Amount::Abs(x) => x,
                Amount::Rel(f) => cur * f,
            };
            let want = (want.clamp(0.25, 4.0) * 100.0).round() / 100.0;
            values.push(want);
            if (want - cur).abs() > 1e-9 {
                self.edit(EditOp::Speed { track: v, seg: Some(i), speed: want })?;
            }
        }
        let labels: Vec<String> = if pids.len() == self.clip_pids().len() && pids.len() > 1 {
            Vec::new()
        } else {
            pids.iter().map(|p| self.label(*p)).collect()
        };
        self.focus = Some(Fw::Clips(pids));
        let follow = self.follow_video(old_end)?;
        Ok(Some(self.say.speed(&labels, values.first().copied().unwrap_or(1.0)) + &follow))
    }

    fn music_track(&self) -> Option<usize> {
        let audio: Vec<usize> = self.draft.tracks_of(TrackType::Audio).collect();
        audio.iter().copied().find(|t| self.draft.t[*t].meta_str("role") == Some("bgm")).or_else(|| {
            audio.into_iter().find(|t| {
                self.draft.t[*t].meta_str("role") != Some("voice")
                    && !self.draft.t[*t]
                        .sg
                        .iter()
                        .any(|s| s.src.as_deref().and_then(|id| self.media(id)).is_some_and(|m| m.speech))
            })
        })
    }

    fn voice_track(&self) -> Option<usize> {
        self.draft.tracks_of(TrackType::Audio).find(|t| {
            let tr = &self.draft.t[*t];
            tr.meta_str("role") == Some("voice")
                || tr.sg.iter().any(|s| s.src.as_deref().and_then(|id| self.media(id)).is_some_and(|m| m.speech))
        })
    }

    fn volume(&mut self, sound: &Sound, amount: Amount) -> Result<Option<String>, String> {
        let sound = match sound {
            Sound::Unsaid => match &self.focus {
                Some(Fw::Music) => Sound::Music,
                Some(Fw::Voice) => Sound::Voice,
                Some(Fw::Clips(_)) => Sound::Clips(Clips(vec![ClipRef::It])),
                _ => {
                    let music = self.music_track().is_some() || self.music_step.is_some();
                    let clip_sound = self.clip_pids().iter().any(|p| self.clip_media(*p).is_some_and(|m| m.has_audio));
                    match (music, clip_sound) {
                        (true, true) => return Err(self.say.ask(&Ask::WhichSound)),
                        (true, false) => Sound::Music,
                        _ => Sound::Clips(Clips(vec![ClipRef::All])),
                    }
                }
            },
            other => other.clone(),
        };
        let set = |cur: f64| -> f64 {
            let v = match amount {
                Amount::Abs(x) => x,
                Amount::Rel(f) => cur * f,
            };
            (v.clamp(0.0, 4.0) * 1000.0).round() / 1000.0
        };
        match sound {
            Sound::Music => {
                // Music this message asked for is made after its edits: set its volume there.
                if let Some(step) = self.music_step {
                    if let ToolCall::Music(a) = &mut self.steps[step].call {
                        let v = set(a.volume.unwrap_or(DEFAULT_MUSIC_VOLUME)).min(1.0);
                        a.volume = Some(v);
                        self.steps[step].note = Some(self.say.music(a.style, v));
                    }
                    self.focus = Some(Fw::Music);
                    return Ok(None);
                }
                let Some(t) = self.music_track() else { return Err(self.say.no_music()) };
                let cur = self.draft.t[t].sg.first().map_or(1.0, |s| s.volume);
                let v = set(cur);
                self.edit(EditOp::Volume { track: t, seg: None, volume: v })?;
                self.focus = Some(Fw::Music);
                Ok(Some(self.say.volume_of(self.say.the_music(), v)))
            }
            Sound::Voice => {
                let Some(t) = self.voice_track() else { return Err(self.say.no_voice()) };
                let cur = self.draft.t[t].sg.first().map_or(1.0, |s| s.volume);
                let v = set(cur);
                self.edit(EditOp::Volume { track: t, seg: None, volume: v })?;
                self.focus = Some(Fw::Voice);
                Ok(Some(self.say.volume_of(self.say.the_voice(), v)))
            }
            Sound::Clips(c) => {
                let pids = self.target_clips(&c, true, "volume")?;
                let v = self.video().ok_or_else(|| self.say.no_clips())?;
                let mut last = 1.0;
                for p in &pids {
                    let i = self.clip_index(*p).ok_or_else(|| self.say.no_clips())?;
                    last = set(self.draft.t[v].sg[i].volume);
                    self.edit(EditOp::Volume { track: v, seg: Some(i), volume: last })?;
                }
                let who = if pids.len() == self.clip_pids().len() && pids.len() > 1 {
                    self.say.the_clips()
                } else {
                    pids.iter().map(|p| self.label(*p)).collect::<Vec<_>>().join(", ")
                };
                self.focus = Some(Fw::Clips(pids));
                Ok(Some(self.say.volume_of(who, last)))
            }
            Sound::Unsaid => Err(self.say.ask(&Ask::WhichSound)),
        }
    }

    fn fade(
        &mut self,
        target: &FadeTarget,
        fin: Option<u64>,
        fout: Option<u64>,
        has_in: bool,
        has_out: bool,
    ) -> Result<Option<String>, String> {
        let pick = |d: Option<u64>, seg_d: u64| -> u64 { d.unwrap_or(DEFAULT_FADE).min(seg_d / 2).max(1) };
        let (track, segs): (usize, Vec<(usize, bool, bool)>) = match target {
            FadeTarget::Video | FadeTarget::Clips(_) => {
                let v = self.video().ok_or_else(|| self.say.no_clips())?;
                let n = self.draft.t[v].sg.len();
                if n == 0 {
                    return Err(self.say.no_clips());
                }
                match target {
                    FadeTarget::Clips(c) => {
                        let pids = self.target_clips(c, false, "fade")?;
                        self.focus = Some(Fw::Clips(pids.clone()));
                        (v, pids.iter().filter_map(|p| self.clip_index(*p)).map(|i| (i, has_in, has_out)).collect())
                    }
                    _ if n == 1 => (v, vec![(0, has_in, has_out)]),
                    _ => {
                        let mut list = Vec::new();
                        if has_in {
                            list.push((0, true, false));
                        }
                        if has_out {
                            list.push((n - 1, false, true));
                        }
                        (v, list)
                    }
                }
            }
            FadeTarget::Music | FadeTarget::Voice => {
                let t = if matches!(target, FadeTarget::Music) { self.music_track() } else { self.voice_track() };
                let t = t.ok_or_else(|| {
                    if matches!(target, FadeTarget::Music) { self.say.no_music() } else { self.say.no_voice() }
                })?;
                let n = self.draft.t[t].sg.len();
                if n == 0 {
                    return Err(self.say.no_music());
                }
                self.focus = Some(if matches!(target, FadeTarget::Music) { Fw::Music } else { Fw::Voice });
                if n == 1 {
                    (t, vec![(0, has_in, has_out)])
                } else {
                    (t, vec![(0, has_in, false), (n - 1, false, has_out)])
                }
            }
            FadeTarget::Text(sel) => {
                let found = self.find_texts(sel)?;
                let t = found[0].0;
                (t, found.iter().filter(|(tt, _)| *tt == t).map(|(_, i)| (*i, has_in, has_out)).collect())
            }
        };
        let mut len = 0;
        for (i, fi, fo) in segs {
            let d = self.draft.t[track].sg[i].d.0;
            let fade_in = fi.then(|| Ms(pick(fin, d)));
            let fade_out = fo.then(|| Ms(pick(fout, d)));
            len = fade_in.or(fade_out).map_or(0, |m| m.0);
            self.edit(EditOp::Fade { track, seg: i, fade_in, fade_out })?;
        }
        let what = match target {
            FadeTarget::Music => self.say.the_music(),
            FadeTarget::Voice => self.say.the_voice(),
            _ => self.say.the_video(),
        };
        Ok(Some(self.say.fade(what, has_in, has_out, len)))
    }

    fn set_transitions(&mut self, cuts: &Cuts, tr: Option<Transition>) -> Result<usize, String> {
        let v = self.video().ok_or_else(|| self.say.no_clips())?;
        let n = self.draft.t[v].sg.len();
        if n < 2 {
            return Err(self.say.need_two());
        }
        let old_end = self.video_end();
        let count = match cuts {
            Cuts::All => {
                self.edit(EditOp::Transition { track: v, seg: None, transition: tr })?;
                n - 1
            }
            Cuts::After(refs) => {
                let mut pids = self.clips(&Clips(refs.clone()))?;
                if pids.is_empty()
                    && let Some(Fw::Clips(f)) = &self.focus
                {
                    pids = f.clone();
                }
                let mut idx: Vec<usize> = pids.iter().filter_map(|p| self.clip_index(*p)).collect();
                // "between the last two" names the pair: the cut is after the first of them.
                if refs.iter().any(|r| matches!(r, ClipRef::LastN(_) | ClipRef::FirstN(_))) && idx.len() >= 2 {
                    idx.pop();
                }
                idx.retain(|i| *i + 1 < n);
                if idx.is_empty() {
                    return Err(self.say.need_two());
                }
                for i in &idx {
                    self.edit(EditOp::Transition { track: v, seg: Some(*i), transition: tr.clone() })?;
                }
                idx.len()
            }
        };
        self.follow_video(old_end)?;
        Ok(count)
    }

    /// Which text track holds a role (by its `role`, else by habit: titles start at 0).
    fn role_track(&self, role: Role) -> Option<usize> {
        let name = role.name();
        self.draft.tracks_of(TrackType::Text).find(|t| {
            let r = self.draft.t[*t].meta_str("role");
            r == Some(name)
                || (role == Role::Caption && r == Some("caption"))
                || (role == Role::Caption && r == Some("subtitles"))
        })
    }

    fn find_texts(&self, sel: &TextSel) -> Result<Vec<(usize, usize)>, String> {
        let texts = self.texts();
        if texts.is_empty() {
            return Err(self.say.no_text());
        }
        let found: Vec<(usize, usize)> = match sel {
            TextSel::Words(w) => {
                let w = w.to_lowercase();
                let exact: Vec<(usize, usize)> = texts
                    .iter()
                    .filter(|(_, _, s)| s.text.as_deref().is_some_and(|t| t.to_lowercase() == w))
                    .map(|(t, i, _)| (*t, *i))
                    .collect();
                if exact.is_empty() {
                    texts
                        .iter()
                        .filter(|(_, _, s)| s.text.as_deref().is_some_and(|t| t.to_lowercase().contains(&w)))
                        .map(|(t, i, _)| (*t, *i))
                        .collect()
                } else {
                    exact
                }
            }
            TextSel::All => texts.iter().map(|(t, i, _)| (*t, *i)).collect(),
            TextSel::It => match &self.focus {
                Some(Fw::Text(p)) => {
                    texts.iter().filter(|(_, _, s)| pid(s) == Some(*p)).map(|(t, i, _)| (*t, *i)).collect()
                }
                _ if texts.len() == 1 => vec![(texts[0].0, texts[0].1)],
                _ => return Err(self.say.ask(&Ask::WhichText)),
            },
            TextSel::Role { role, n, all } => {
                let of_role: Vec<(usize, usize)> = match (role, self.role_track(*role)) {
                    (_, Some(t)) => (0..self.draft.t[t].sg.len()).map(|i| (t, i)).collect(),
                    (Role::Title, None) => {
                        texts.iter().filter(|(_, _, s)| s.start.0 == 0).take(1).map(|(t, i, _)| (*t, *i)).collect()
                    }
                    (Role::Text, None) => texts.iter().map(|(t, i, _)| (*t, *i)).collect(),
                    _ => Vec::new(),
                };
                let of_role = if of_role.is_empty() && *role == Role::Text {
                    texts.iter().map(|(t, i, _)| (*t, *i)).collect()
                } else {
                    of_role
                };
                match n {
                    Some(n) => {
                        let i = if *n > 0 { *n - 1 } else { of_role.len() as i64 + *n };
                        of_role.get(i.max(0) as usize).filter(|_| i >= 0).copied().into_iter().collect()
                    }
                    None if *all || *role != Role::Text || of_role.len() <= 1 => of_role,
                    None => match &self.focus {
                        Some(Fw::Text(p)) => {
                            texts.iter().filter(|(_, _, s)| pid(s) == Some(*p)).map(|(t, i, _)| (*t, *i)).collect()
                        }
                        _ => return Err(self.say.ask(&Ask::WhichText)),
                    },
                }
            }
        };
        if found.is_empty() {
            return Err(match sel {
                TextSel::Role { role, .. } => self.say.no_role(*role),
                TextSel::Words(w) => self.say.no_words(w),
                _ => self.say.no_text(),
            });
        }
        Ok(found)
    }

    fn base_style(&self, role: Role) -> TextStyle {
        let scale = f64::from(self.draft.canvas.w.min(self.draft.canvas.h)) / 1080.0;
        let size = |px: f64| ((px * scale).round() as u32).max(12);
        let mut s = TextStyle::default();
        match role {
            Role::Title => {
                s.pos = Anchor::Top;
                s.size = size(96.0);
                s.bold = true;
                s.shadow = Some(Shadow { color: Color::rgba(0, 0, 0, 0xb0), x: 3, y: 3 });
            }
            Role::Caption => {
                s.pos = Anchor::Bottom;
                s.size = size(48.0);
                s.bg = Some(TextBox { color: Color::rgba(0, 0, 0, 0x99), pad: 12 });
            }
            Role::LowerThird => {
                s.pos = Anchor::BottomLeft;
                s.size = size(44.0);
                s.align = Align::Left;
                s.bg = Some(TextBox { color: Color::rgba(0, 0, 0, 0x99), pad: 14 });
            }
            Role::Cta => {
                s.pos = Anchor::Bottom;
                s.size = size(72.0);
                s.bold = true;
                s.bg = Some(TextBox { color: Color::rgba(0, 0, 0, 0x99), pad: 18 });
            }
            Role::Text => {
                s.size = size(64.0);
                s.shadow = Some(Shadow { color: Color::rgba(0, 0, 0, 0xb0), x: 3, y: 3 });
            }
        }
        s
    }

    fn restyle(s: &mut TextStyle, c: &StyleChange) {
        if let Some(col) = c.color {
            s.color = col;
        }
        if let Some(p) = c.pos {
            s.pos = p;
            s.align = match p {
                Anchor::TopLeft | Anchor::Left | Anchor::BottomLeft => Align::Left,
                Anchor::TopRight | Anchor::Right | Anchor::BottomRight => Align::Right,
                _ => Align::Center,
            };
        }
        if let Some(b) = c.bold {
            s.bold = b;
        }
        match c.size {
            Some(Amount::Abs(x)) => s.size = x.round().clamp(8.0, 400.0) as u32,
            Some(Amount::Rel(f)) => s.size = ((f64::from(s.size) * f).round() as u32).clamp(8, 400),
            None => {}
        }
    }

    fn add_text(
        &mut self,
        text: Option<String>,
        role: Role,
        when: &When,
        style: &StyleChange,
    ) -> Result<Option<String>, String> {
        let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
            return Err(self.say.ask(&Ask::WhatWords(role)));
        };
        let end = self.video_end();
        let (mut start, mut d) = self.text_span(role, when, end)?;
        let mut st = self.base_style(role);
        Self::restyle(&mut st, style);
        // Another title (or text of the same kind) at the same place follows the last one
        // instead of covering it, when no time was said and there is room before the end.
        let untimed = when.start.is_none() && when.end.is_none() && when.over.is_none() && !when.at_end && !when.whole;
        if untimed && role != Role::Cta {
            let same_place = self.role_track(role).into_iter().flat_map(|t| self.draft.t[t].sg.iter()).filter(|s| {
                s.style.as_ref().is_some_and(|x| x.pos == st.pos) && s.start.0 < start + d && s.start.0 + s.d.0 > start
            });
            if let Some(last) = same_place.map(|s| s.start.0 + s.d.0).max() {
                if end == 0 {
                    start = last;
                } else if last + MIN_FOLLOW <= end {
                    start = last;
                    d = d.min(end - last);
                }
            }
        }
        let track = match self.role_track(role) {
            Some(t) => t,
            None => {
                let name = match role {
                    Role::Caption => "Captions",
                    Role::Title => "Title",
                    Role::LowerThird => "Lower third",
                    Role::Cta => "Call to action",
                    Role::Text => "Text",
                };
                self.edit(EditOp::AddTrack {
                    tt: TrackType::Text,
                    name: Some(name.into()),
                    role: Some(role.name().into()),
                })?;
                self.draft.t.len() - 1
            }
        };
        self.edit(EditOp::AddText {
            text: text.clone(),
            start: Ms(start),
            d: Ms(d),
            style: Some(st),
            track: Some(track),
        })?;
        let p = self.draft.t[track]
            .sg
            .iter()
            .find(|s| s.text.as_deref() == Some(text.as_str()) && s.start.0 == start)
            .and_then(pid);
        if let Some(p) = p {
            self.focus = Some(Fw::Text(p));
        }
        Ok(Some(self.say.text_added(role, &text, start, start + d)))
    }

    /// When a new text shows, from what was said and its role.
    /// (A following text needs at least [`MIN_FOLLOW`] before the video ends.)
    fn text_span(&self, role: Role, when: &When, end: u64) -> Result<(u64, u64), String> {
        let video = if end == 0 { DEFAULT_TEXT } else { end };
        if let Some(r) = &when.over {
            let p = self.clips(&Clips(vec![r.clone()]))?;
            let s = p.first().and_then(|p| self.clip(*p)).ok_or_else(|| self.say.no_clips())?;
            return Ok((s.start.0, when.d.unwrap_or(s.d.0)));
        }
        if when.whole {
            return Ok((0, video));
        }
        let d = match (when.start, when.end, when.d) {
            (Some(s), Some(e), _) if e > s => e - s,
            (_, _, Some(d)) => d,
            _ if role == Role::Caption && when.start.is_none() && end > 0 => DEFAULT_TEXT.min(video),
            _ => DEFAULT_TEXT.min(video.max(40)),
        };
        let start = match when.start {
            Some(s) => s,
            None if when.at_end || role == Role::Cta => video.saturating_sub(d),
            None => 0,
        };
        Ok((start, d.max(40)))
    }

    fn edit_text(
        &mut self,
        sel: &TextSel,
        text: Option<String>,
        style: &StyleChange,
        when: &When,
        or_add: bool,
    ) -> Result<Option<String>, String> {
        let found = match self.find_texts(sel) {
            Ok(f) => f,
            Err(e) if or_add => {
                // "标题写'毕业快乐'" with no title yet, "show 'Hi' at 2s": add it.
                match (&text, sel) {
                    (Some(t), TextSel::Role { role, .. }) => return self.add_text(Some(t.clone()), *role, when, style),
                    (None, TextSel::Words(w)) => return self.add_text(Some(w.clone()), Role::Text, when, style),
                    _ => return Err(e),
                }
            }
            Err(e) => return Err(e),
        };
        // "from 2s to 5s": the length follows from both ends.
        let when = &When {
            d: when.d.or(match (when.start, when.end) {
                (Some(s), Some(e)) if e > s => Some(e - s),
                _ => None,
            }),
            ..when.clone()
        };
        let mut last = String::new();
        for (t, i) in found.iter().rev() {
            let s = self.draft.t[*t].sg[*i].clone();
            let mut st = s.style.clone().unwrap_or_default();
            Self::restyle(&mut st, style);
            let changed_style = Some(&st) != s.style.as_ref() && !style.is_empty();
            let new_text = text.clone().filter(|x| Some(x) != s.text.as_ref());
            if new_text.is_some() || changed_style {
                self.edit(EditOp::EditText {
                    track: *t,
                    seg: *i,
                    text: new_text.clone(),
                    style: changed_style.then(|| st.clone()),
                })?;
            }
            if let Some(d) = when.d {
                self.edit(EditOp::SetDuration { track: *t, seg: *i, d: Ms(d) })?;
            }
            if let Some(start) = when.start {
                let i = self.draft.t[*t].sg.iter().position(|x| pid(x) == pid(&s)).unwrap_or(*i);
                self.edit(EditOp::MoveSegment { track: *t, seg: i, start: Ms(start) })?;
            }
            last = new_text.or(s.text.clone()).unwrap_or_default();
            if let Some(p) = pid(&s) {
                self.focus = Some(Fw::Text(p));
            }
        }
        Ok(Some(self.say.text_changed(&last, found.len(), text.is_some(), style)))
    }

    fn remove_text(&mut self, sel: &TextSel) -> Result<Option<String>, String> {
        let mut found = self.find_texts(sel)?;
        found.sort_unstable();
        let words: Vec<String> = found.iter().filter_map(|(t, i)| self.draft.t[*t].sg[*i].text.clone()).collect();
        for (t, i) in found.iter().rev() {
            self.edit(EditOp::RemoveSegment { track: *t, seg: *i })?;
        }
        // Drop text tracks left empty.
        let mut tracks: Vec<usize> = found.iter().map(|(t, _)| *t).collect();
        tracks.dedup();
        for t in tracks.into_iter().rev() {
            if self.draft.t.get(t).is_some_and(|x| x.sg.is_empty()) {
                self.edit(EditOp::RemoveTrack { track: t })?;
            }
        }
        self.focus = Some(Fw::Video);
        Ok(Some(self.say.text_removed(&words)))
    }

    fn motion(&mut self, clips: &Clips, m: Option<MotionKind>) -> Result<Option<String>, String> {
        let pids = self.target_clips(clips, true, "zoom")?;
        let v = self.video().ok_or_else(|| self.say.no_clips())?;
        let stills: Vec<u64> =
            pids.iter().copied().filter(|p| self.clip_media(*p).is_some_and(|m| m.kind == MediaKind::Image)).collect();
        if stills.is_empty() {
            return Err(self.say.no_stills());
        }
        let motion = m.map(|k| {
            let c = Point::CENTER;
            match k {
                MotionKind::ZoomIn => Motion { zoom_from: 1.0, zoom_to: 1.2, from: c, to: c },
                MotionKind::ZoomOut => Motion { zoom_from: 1.2, zoom_to: 1.0, from: c, to: c },
                MotionKind::PanLeft => Motion {
                    zoom_from: 1.2,
                    zoom_to: 1.2,
                    from: Point { x: 0.6, y: 0.5 },
                    to: Point { x: 0.4, y: 0.5 },
                },
                MotionKind::PanRight => Motion {
                    zoom_from: 1.2,
                    zoom_to: 1.2,
                    from: Point { x: 0.4, y: 0.5 },
                    to: Point { x: 0.6, y: 0.5 },
                },
            }
        });
        for p in &stills {
            let i = self.clip_index(*p).unwrap_or(0);
            self.edit(EditOp::Motion { track: v, seg: i, motion: motion.clone() })?;
        }
        let labels: Vec<String> = stills.iter().map(|p| self.label(*p)).collect();
        self.focus = Some(Fw::Clips(stills));
        Ok(Some(self.say.motion(&labels, m)))
    }

    fn add_clip(&mut self, media: &str, dest: &Dest, d: Option<u64>) -> Result<Option<String>, String> {
        let m = self.media(media).ok_or_else(|| self.say.not_on_timeline(media))?;
        let old_end = self.video_end();
        let v = self.ensure_video()?;
        let full = m.duration.map_or(DEFAULT_STILL, |x| x.0);
        let len = match (m.kind, d) {
            (MediaKind::Image, d) => d.unwrap_or(DEFAULT_STILL),
            (_, Some(d)) => d.min(full),
            (_, None) => full,
        };
        let all = self.clip_pids();
        let at = match dest {
            Dest::Start => 0,
            Dest::End => all.len(),
            Dest::Position(n) => ((*n - 1).max(0) as usize).min(all.len()),
            Dest::Before(r) | Dest::After(r) => {
                let a = self.clips(&Clips(vec![r.clone()]))?;
                let i = a.first().and_then(|p| self.clip_index(*p)).ok_or_else(|| self.say.no_clips())?;
                if matches!(dest, Dest::After(_)) { i + 1 } else { i }
            }
        };
        let mut seg = Segment::media(m.id.clone(), Ms::ZERO, Ms(len));
        seg.m.insert("name".into(), m.stem().into());
        self.edit(EditOp::AddSegment { track: v, at: Some(at), segment: seg })?;
        self.reordered = true;
        let p = self.draft.t[v].sg.get(at).and_then(pid);
        if let Some(p) = p {
            self.focus = Some(Fw::Clips(vec![p]));
        }
        let follow = self.follow_video(old_end)?;
        Ok(Some(self.say.clip_added(&m.stem(), at + 1, len) + &follow))
    }

    fn add_audio(&mut self, media: &str, start: u64, volume: Option<f64>) -> Result<Option<String>, String> {
        let m = self.media(media).ok_or_else(|| self.say.not_on_timeline(media))?;
        let d = m.duration.map_or(0, |x| x.0);
        if d == 0 {
            return Err(self.say.not_on_timeline(&m.stem()));
        }
        let role = if m.speech { "voice" } else { "sfx" };
        let name = m.stem();
        let t = match self.voice_track().filter(|_| m.speech) {
            Some(t) => t,
            None => {
                self.edit(EditOp::AddTrack {
                    tt: TrackType::Audio,
                    name: Some(name.clone()),
                    role: Some(role.into()),
                })?;
                self.draft.t.len() - 1
            }
        };
        let mut seg = Segment::media(m.id.clone(), Ms(start), Ms(d));
        seg.m.insert("name".into(), name.clone().into());
        if let Some(v) = volume {
            seg.volume = v.clamp(0.0, 4.0);
        }
        self.edit(EditOp::AddSegment { track: t, at: None, segment: seg })?;
        self.focus = Some(if m.speech { Fw::Voice } else { Fw::Music });
        Ok(Some(self.say.audio_added(&name, start)))
    }

    fn music_upload(&mut self, media: &str, volume: Option<f64>) -> Result<Option<String>, String> {
        let m = self.media(media).ok_or_else(|| self.say.not_on_timeline(media))?;
        let end = self.video_end();
        if end == 0 {
            return Err(self.say.no_clips());
        }
        let ops = place_music(
            &self.draft,
            &m.id,
            &m.stem(),
            m.duration.map_or(end, |d| d.0),
            volume.unwrap_or(DEFAULT_MUSIC_VOLUME),
        );
        for op in ops {
            self.edit(op)?;
        }
        self.focus = Some(Fw::Music);
        let covered = self.music_track().and_then(|t| self.draft.t[t].sg.first().map(|s| s.end().0)).unwrap_or(0);
        Ok(Some(self.say.music_placed(&m.stem(), volume.unwrap_or(DEFAULT_MUSIC_VOLUME), covered < end)))
    }

    /// After the video's length changed: music that covered it follows its new end, texts
    /// past the end are shortened or dropped, and an ending text stays at the end.
    fn follow_video(&mut self, old_end: u64) -> Result<String, String> {
        let new_end = self.video_end();
        if new_end == old_end || old_end == 0 {
            return Ok(String::new());
        }
        let mut note = String::new();
        if let Some(t) = self.music_track() {
            let n = self.draft.t[t].sg.len();
            if n > 0 {
                let last = self.draft.t[t].sg[n - 1].clone();
                if last.end().0 + 50 >= old_end && last.start.0 < new_end {
                    let max = self.max_len(&last).unwrap_or(u64::MAX);
                    let want = (new_end - last.start.0).min(max);
                    if want != last.d.0 && want >= 40 {
                        self.edit(EditOp::SetDuration { track: t, seg: n - 1, d: Ms(want) })?;
                        if last.fade_out.0 > 0 {
                            let fo = last.fade_out.0.min(want / 2);
                            self.edit(EditOp::Fade { track: t, seg: n - 1, fade_in: None, fade_out: Some(Ms(fo)) })?;
                        }
                        note = self.say.music_follows();
                    }
                } else if last.start.0 >= new_end && new_end < old_end {
                    self.edit(EditOp::RemoveSegment { track: t, seg: n - 1 })?;
                }
            }
        }
        for ti in (0..self.draft.t.len()).rev() {
            if self.draft.t[ti].tt != TrackType::Text {
                continue;
            }
            for si in (0..self.draft.t[ti].sg.len()).rev() {
                let s = self.draft.t[ti].sg[si].clone();
                let ends_with_video = s.end().0.abs_diff(old_end) <= 50 && s.start.0 > 0;
                if ends_with_video && new_end > s.d.0 {
                    self.edit(EditOp::MoveSegment { track: ti, seg: si, start: Ms(new_end - s.d.0) })?;
                } else if s.start.0 + 40 >= new_end && new_end < old_end {
                    self.edit(EditOp::RemoveSegment { track: ti, seg: si })?;
                } else if s.end().0 > new_end && new_end < old_end {
                    self.edit(EditOp::SetDuration { track: ti, seg: si, d: Ms(new_end - s.start.0) })?;
                }
            }
        }
        Ok(note)
    }
}

/// The edits that put a music file under the whole video: a `bgm` audio track (replacing
/// any), at `volume`, fading out over the last second, ducked under the video's sound.
pub fn place_music(draft: &Draft, media: &str, name: &str, media_len: u64, volume: f64) -> Vec<EditOp> {
    let mut ops = Vec::new();
    let mut tracks = draft.t.len();
    let existing: Vec<usize> =
        draft.tracks_of(TrackType::Audio).filter(|t| draft.t[*t].meta_str("role") == Some("bgm")).collect();
    for t in existing.into_iter().rev() {
        ops.push(EditOp::RemoveTrack { track: t });
        tracks -= 1;
    }
    let end = draft.video_track().map_or(0, |v| draft.t[v].end().0);
    let d = if end == 0 { media_len } else { end.min(media_len) };
    ops.push(EditOp::AddTrack { tt: TrackType::Audio, name: Some(name.to_string()), role: Some("bgm".into()) });
    let mut seg = Segment::media(media.to_string(), Ms::ZERO, Ms(d));
    seg.volume = volume.clamp(0.0, 4.0);
    seg.fade_out = Ms(1000.min(d / 4));
    seg.m.insert("name".into(), name.into());
    ops.push(EditOp::AddSegment { track: tracks, at: None, segment: seg });
    ops.push(EditOp::Duck { track: tracks, duck: Some(Duck::default()) });
    ops
}

/// Edits that put a generated clip on the draft: the whole picture of a draft without
/// video (the canvas takes the clip's size), else the next clip at the end of the video.
pub fn place_clip(draft: &Draft, media: &str, name: &str, media_len: u64, size: (u32, u32)) -> Vec<EditOp> {
    let mut ops = Vec::new();
    let v = match draft.video_track() {
        Some(v) => v,
        None => {
            ops.push(EditOp::AddTrack { tt: TrackType::Video, name: None, role: None });
            draft.t.len()
        }
    };
    if draft.video_track().is_none_or(|v| draft.t[v].sg.is_empty()) {
        ops.push(EditOp::Canvas { w: Some(size.0), h: Some(size.1), fps: None, bg: None });
    }
    let mut seg = Segment::media(media.to_string(), Ms::ZERO, Ms(media_len));
    seg.m.insert("name".into(), name.into());
    ops.push(EditOp::AddSegment { track: v, at: None, segment: seg });
    ops
}

/// An op without planning-only metadata.
fn strip(op: EditOp) -> EditOp {
    match op {
        EditOp::AddSegment { track, at, mut segment } => {
            segment.m.remove(PID);
            EditOp::AddSegment { track, at, segment }
        }
        other => other,
    }
}

/// Removes planning-only metadata from a draft (for comparing with the service's result).
pub fn clean(draft: &mut Draft) {
    for t in &mut draft.t {
        for s in &mut t.sg {
            s.m.remove(PID);
        }
    }
}
