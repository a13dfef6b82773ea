//! Re-editing a draft: its scenes (the video track's segments, split where their sources
//! cut from one shot to the next) reordered, removed or repeated, dead air cut out, the pace
//! changed, cuts moved onto the music's beats and the whole fitted to a length — as a new
//! draft whose texts and music follow the picture.

use crate::{AutoEditError, Source, frame};
use cutroom_analysis::{Analysis, Span};
use cutroom_timeline::{Canvas, Draft, Motion, Ms, Point, Segment, Track, TrackType, Transition};

/// How to order the scenes.
#[derive(Clone, Debug, PartialEq)]
pub enum Order {
    /// Scene numbers (1-based, as the draft has them now); scenes not named follow in their
    /// order.
    Explicit(Vec<usize>),
    /// Rising energy: the calmest first, the liveliest last.
    Energy,
    /// As they were shot: by source (in order of first use) and time in it.
    Chronological,
    Reverse,
    /// The best-looking scene first, then down.
    StrongestFirst,
}

/// What to change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReeditRequest {
    pub order: Option<Order>,
    /// Scene numbers (1-based, before any other change) to leave out.
    pub remove: Vec<usize>,
    /// Scene numbers to repeat right after themselves.
    pub duplicate: Vec<usize>,
    /// Cut dead air: stretches where the picture stands still and nothing is heard.
    pub dead_air: bool,
    /// Holds times this: under 1 is faster (shorter holds, tighter transitions), over 1
    /// slower (longer holds from the footage around them, else slower playback).
    pub pace: Option<f64>,
    /// Move the cuts onto these beats (ms on the timeline).
    pub beats_ms: Option<Vec<u64>>,
    /// The length to end at.
    pub duration_ms: Option<u64>,
}

/// A scene as re-edited: where its footage comes from and where it now plays.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneInfo {
    /// Its number in the draft before (1-based).
    pub was: usize,
    pub src: String,
    /// The source span of its first piece, ms.
    pub from_ms: u64,
    pub start_ms: u64,
    pub d_ms: u64,
}

/// The re-edit.
#[derive(Clone, Debug, PartialEq)]
pub struct Reedit {
    pub draft: Draft,
    pub scenes: Vec<SceneInfo>,
    /// Dead air taken out, ms of source.
    pub dead_air_ms: u64,
    /// Texts dropped because what they were shown over is gone.
    pub texts_dropped: usize,
    /// How far the length asked for could not be reached (ms; 0 when it was).
    pub short_ms: u64,
}

/// Shortest hold a scene keeps when shortened, ms.
const MIN_HOLD: u64 = 500;
/// Slowest playback used to lengthen a scene with no footage around it.
const MIN_SPEED: f64 = 0.5;
/// Dead air keeps this much either side, ms (a breath before and after).
const DEAD_MARGIN: u64 = 150;
/// Dead air shorter than this (after the margins) stays, ms.
const MIN_DEAD: u64 = 400;
/// A shot change closer than this to a segment's edge does not split it, ms.
const MIN_SPLIT: u64 = 300;

/// One piece of footage of a scene, and how far it may grow in its source (ms).
#[derive(Clone, Debug)]
struct Piece {
    seg: Segment,
    lo: u64,
    hi: u64,
}

impl Piece {
    fn src_from(&self) -> u64 {
        self.seg.src_in.0
    }

    fn src_to(&self) -> u64 {
        self.seg.src_in.0 + self.seg.src_len().0
    }

    /// The piece showing source `[from, to)` instead, its pan kept on the same path.
    fn retimed(&self, from: u64, to: u64, fps: u32) -> Piece {
        let mut seg = self.seg.clone();
        let (a, b) = (self.src_from() as f64, self.src_to() as f64);
        if let Some(m) = &seg.motion {
            let at = |t: u64| {
                let f = if b > a { (t as f64 - a) / (b - a) } else { 0.0 };
                let l = |p: f64, q: f64| (p + (q - p) * f).clamp(0.0, 1.0);
                Point { x: l(m.from.x, m.to.x), y: l(m.from.y, m.to.y) }
            };
            seg.motion = Some(Motion { from: at(from), to: at(to), ..m.clone() });
        }
        seg.src_in = Ms(from);
        seg.d = Ms(frame((to.saturating_sub(from) as f64 / seg.speed).round() as u64, fps).max(frame_ms(fps)));
        Piece { seg, lo: self.lo, hi: self.hi }
    }
}

/// A scene: pieces of footage played one after another.
#[derive(Clone, Debug)]
struct Scene {
    was: usize,
    pieces: Vec<Piece>,
    /// Into the next scene.
    transition: Option<Transition>,
    energy: f32,
    score: f32,
    /// (first use of the source, time in it): the order it was shot in.
    shot_order: (usize, u64),
}

impl Scene {
    fn hold(&self) -> u64 {
        self.pieces.iter().map(|p| p.seg.d.0).sum()
    }
}

fn frame_ms(fps: u32) -> u64 {
    (1000 / u64::from(fps.max(1))).max(1)
}

fn source<'a>(sources: &'a [Source<'a>], id: &str) -> Option<&'a Source<'a>> {
    sources.iter().find(|s| s.id == id)
}

/// The analysed shot of `a` that holds source time `t`.
fn shot_at(a: &Analysis, t: u64) -> Option<&cutroom_analysis::Shot> {
    a.shots.iter().find(|s| s.start_ms <= t && t < s.end_ms).or_else(|| a.shots.last().filter(|s| t >= s.end_ms))
}

/// The scenes of a draft's video track (see the module doc), numbered from 1.
fn scenes(draft: &Draft, sources: &[Source<'_>]) -> Vec<Scene> {
    let fps = draft.canvas.fps;
    let Some(v) = draft.video_track() else { return Vec::new() };
    let mut first_use: Vec<String> = Vec::new();
    let mut out: Vec<Scene> = Vec::new();
    for seg in &draft.t[v].sg {
        let src = seg.src.clone().unwrap_or_default();
        if !first_use.contains(&src) {
            first_use.push(src.clone());
        }
        let analysis = source(sources, &src).map(|s| s.analysis);
        let (from, to) = (seg.src_in.0, seg.src_in.0 + seg.src_len().0);
        // Where the source cuts inside the segment.
        let cuts: Vec<u64> = analysis
            .map(|a| {
                a.shots.iter().map(|s| s.start_ms).filter(|&c| c >= from + MIN_SPLIT && c + MIN_SPLIT <= to).collect()
            })
            .unwrap_or_default();
        let whole = Piece { seg: seg.clone(), lo: 0, hi: u64::MAX };
        let mut edges = vec![from];
        edges.extend(&cuts);
        edges.push(to);
        let n = edges.len() - 1;
        for (k, w) in edges.windows(2).enumerate() {
            let mut p = if n == 1 { whole.clone() } else { whole.retimed(w[0], w[1], fps) };
            // How far each piece may grow: within its shot, and the source.
            let (lo, hi) = match analysis.and_then(|a| shot_at(a, w[0]).map(|s| (s, a.duration_ms))) {
                Some((s, len)) => (s.start_ms, s.end_ms.min(len.max(s.end_ms))),
                None if seg.src.is_some() && analysis.is_none() => (from, to),
                None => (0, u64::MAX),
            };
            (p.lo, p.hi) = (lo.min(w[0]), hi.max(w[1]));
            if k > 0 {
                p.seg.fade_in = Ms::ZERO;
            }
            if k + 1 < n {
                p.seg.fade_out = Ms::ZERO;
                p.seg.transition = None;
            }
            let continues = k == 0
                && out.last().is_some_and(|s: &Scene| {
                    let last = s.pieces.last().expect("scenes have pieces");
                    s.transition.is_none()
                        && last.seg.src == p.seg.src
                        && last.seg.end() == seg.start
                        && last.src_to().abs_diff(from) <= frame_ms(fps)
                        && !analysis.is_some_and(|a| a.shots.iter().any(|s| s.start_ms.abs_diff(from) < MIN_SPLIT))
                });
            let transition = p.seg.transition.take();
            if continues {
                let s = out.last_mut().expect("checked");
                s.pieces.push(p);
                s.transition = transition;
                continue;
            }
            let mid = (w[0] + w[1]) / 2;
            let shot = analysis.and_then(|a| shot_at(a, mid));
            let src_index = first_use.iter().position(|s| *s == src).unwrap_or(0);
            out.push(Scene {
                was: out.len() + 1,
                pieces: vec![p],
                transition,
                energy: shot.map_or(0.0, |s| s.motion),
                score: shot.map_or(0.5, |s| s.score),
                shot_order: (src_index, w[0]),
            });
        }
    }
    out
}

/// Stretches of source `a` with nothing going on: the picture still and no sound (or no
/// sound track at all), less a margin either side.
fn dead_spans(a: &Analysis, has_audio: bool) -> Vec<(u64, u64)> {
    let quiet: Vec<Span> = match (&a.audio, has_audio) {
        (Some(audio), true) => audio.silences.clone(),
        _ => vec![Span { start_ms: 0, end_ms: u64::MAX }],
    };
    let mut out = Vec::new();
    for s in &a.still {
        for q in &quiet {
            let (from, to) = (s.start_ms.max(q.start_ms), s.end_ms.min(q.end_ms));
            // Where the footage ends, the margin is only needed on the near side.
            let lead = if from == 0 { 0 } else { DEAD_MARGIN };
            let tail = if to >= a.duration_ms { 0 } else { DEAD_MARGIN };
            if to > from + lead + tail && to - from - lead - tail >= MIN_DEAD {
                out.push((from + lead, to - tail));
            }
        }
    }
    out
}

/// Cuts the dead air out of a scene's pieces; returns how much went.
fn cut_dead_air(scene: &mut Scene, sources: &[Source<'_>], fps: u32) -> u64 {
    let mut removed = 0;
    let mut pieces = Vec::new();
    for p in std::mem::take(&mut scene.pieces) {
        let Some(s) = p.seg.src.as_deref().and_then(|id| source(sources, id)) else {
            pieces.push(p);
            continue;
        };
        let (from, to) = (p.src_from(), p.src_to());
        let mut dead: Vec<(u64, u64)> = dead_spans(s.analysis, s.has_audio)
            .into_iter()
            .map(|(a, b)| (a.max(from), b.min(to)))
            .filter(|(a, b)| b > a)
            .collect();
        dead.sort_unstable();
        if dead.is_empty() {
            pieces.push(p);
            continue;
        }
        let mut at = from;
        let mut kept = Vec::new();
        for (a, b) in dead {
            if a > at {
                kept.push((at, a));
            }
            removed += b - a.max(at).min(b);
            at = at.max(b);
        }
        if to > at {
            kept.push((at, to));
        }
        let n = kept.len();
        for (k, (a, b)) in kept.into_iter().enumerate() {
            if b - a < frame_ms(fps) * 2 {
                continue;
            }
            let mut q = p.retimed(a, b, fps);
            // A piece may grow up to the dead air around it, not back into it.
            q.lo = if k == 0 { p.lo.min(a) } else { a };
            q.hi = if k + 1 == n { p.hi.max(b) } else { b };
            if a != from {
                q.seg.fade_in = Ms::ZERO;
            }
            if b != to {
                q.seg.fade_out = Ms::ZERO;
            }
            pieces.push(q);
        }
    }
    scene.pieces = pieces;
    removed
}

/// Sets a scene's hold to `want` (ms) as near as it can: shorter by trimming both ends
/// equally, longer with the footage around it (within its shot), then by slowing down to
/// half speed. Returns the hold reached.
fn fit_hold(scene: &mut Scene, want: u64, fps: u32) -> u64 {
    let want = frame(want.max(frame_ms(fps) * 2), fps);
    let hold = scene.hold();
    if want < hold {
        let mut cut = hold - want;
        let head = frame(cut / 2, fps);
        trim(scene, head, true, fps);
        cut = scene.hold().saturating_sub(want);
        trim(scene, cut, false, fps);
    } else if want > hold {
        // Grow the last piece's tail, then the first piece's head, in the source.
        let mut need = want - hold;
        for tail in [true, false] {
            if need == 0 {
                break;
            }
            let i = if tail { scene.pieces.len() - 1 } else { 0 };
            let p = &scene.pieces[i];
            let (from, to, speed) = (p.src_from(), p.src_to(), p.seg.speed);
            let room = if tail { p.hi.saturating_sub(to) } else { from.saturating_sub(p.lo) };
            let take_src = room.min((need as f64 * speed).round() as u64);
            let (a, b) = if tail { (from, to + take_src) } else { (from - take_src, to) };
            let before = p.seg.d.0;
            scene.pieces[i] = p.retimed(a, b, fps);
            need = need.saturating_sub(scene.pieces[i].seg.d.0.saturating_sub(before));
        }
        if need > 0 {
            let slow = scene.hold() as f64 / want as f64;
            for p in &mut scene.pieces {
                let speed = (p.seg.speed * slow).clamp(MIN_SPEED, 4.0);
                let (a, b) = (p.src_from(), p.src_to());
                p.seg.speed = (speed * 1000.0).round() / 1000.0;
                *p = p.retimed(a, b, fps);
            }
        }
    }
    scene.hold()
}

/// Takes `ms` off the head (or the tail) of a scene, dropping pieces it uses up.
fn trim(scene: &mut Scene, mut ms: u64, head: bool, fps: u32) {
    while ms > 0 && !scene.pieces.is_empty() {
        let i = if head { 0 } else { scene.pieces.len() - 1 };
        let p = &scene.pieces[i];
        if p.seg.d.0 <= ms + frame_ms(fps) && scene.pieces.len() > 1 {
            ms -= p.seg.d.0;
            let gone = scene.pieces.remove(i);
            let next = if head { 0 } else { scene.pieces.len() - 1 };
            if head {
                scene.pieces[next].seg.fade_in = gone.seg.fade_in;
            } else {
                scene.pieces[next].seg.fade_out = gone.seg.fade_out;
            }
            continue;
        }
        let d = p.seg.d.0.saturating_sub(ms).max(frame_ms(fps) * 2);
        let src = (d as f64 * p.seg.speed).round() as u64;
        let (a, b) = if head { (p.src_to() - src, p.src_to()) } else { (p.src_from(), p.src_from() + src) };
        scene.pieces[i] = p.retimed(a, b, fps);
        ms = 0;
    }
}

/// The transitions between scenes, clamped to fit the pieces they join.
fn clamp_transitions(scenes: &mut [Scene], fps: u32) {
    let n = scenes.len();
    for i in 0..n {
        if i + 1 == n {
            scenes[i].transition = None;
            continue;
        }
        let room = scenes[i].pieces.last().map_or(0, |p| p.seg.d.0).min(scenes[i + 1].pieces[0].seg.d.0) / 2;
        if let Some(t) = &mut scenes[i].transition {
            t.d = Ms(frame(t.d.0.min(room), fps));
            if t.d.0 < frame_ms(fps) * 2 {
                scenes[i].transition = None;
            }
        }
    }
}

/// The length of the scenes played in order, their transitions overlapping.
fn total(scenes: &[Scene]) -> u64 {
    let holds: u64 = scenes.iter().map(Scene::hold).sum();
    let overlaps: u64 = scenes.iter().filter_map(|s| s.transition.as_ref()).map(|t| t.d.0).sum();
    holds.saturating_sub(overlaps)
}

/// Fits the scenes to `target` ms: every hold scaled alike, then what is left taken from
/// (or given to) the scenes from the last one back. Returns how far short it stayed.
fn fit_length(scenes: &mut [Scene], target: u64, fps: u32) -> u64 {
    for _ in 0..3 {
        let now = total(scenes);
        if now.abs_diff(target) <= frame_ms(fps) {
            break;
        }
        let factor = target as f64 / now.max(1) as f64;
        for s in scenes.iter_mut() {
            let want = (s.hold() as f64 * factor).round() as u64;
            fit_hold(s, want.max(MIN_HOLD.min(s.hold())), fps);
        }
        clamp_transitions(scenes, fps);
    }
    for i in (0..scenes.len()).rev() {
        let now = total(scenes);
        if now == target {
            break;
        }
        let hold = scenes[i].hold();
        let want = if now > target { hold.saturating_sub(now - target) } else { hold + (target - now) };
        fit_hold(&mut scenes[i], want.max(frame_ms(fps) * 2), fps);
        clamp_transitions(scenes, fps);
    }
    // Within a frame is there: lengths are whole frames.
    Some(target.saturating_sub(total(scenes))).filter(|s| *s >= frame_ms(fps)).unwrap_or(0)
}

/// Moves each cut onto the nearest beat within half a beat, by lengthening or shortening
/// the scene before it.
fn sync_to_beats(scenes: &mut [Scene], beats: &[u64], fps: u32) {
    if beats.len() < 2 {
        return;
    }
    let beat = (beats[beats.len() - 1] - beats[0]) / (beats.len() as u64 - 1);
    let mut start = 0u64;
    for i in 0..scenes.len().saturating_sub(1) {
        let overlap = scenes[i].transition.as_ref().map_or(0, |t| t.d.0);
        // The cut is the middle of a transition.
        let cut = start + scenes[i].hold() - overlap / 2;
        if let Some(&b) = beats.iter().filter(|b| b.abs_diff(cut) <= beat / 2).min_by_key(|b| b.abs_diff(cut)) {
            let want = (scenes[i].hold() as i64 + b as i64 - cut as i64).max(MIN_HOLD as i64) as u64;
            fit_hold(&mut scenes[i], want, fps);
        }
        start += scenes[i].hold() - overlap;
    }
}

/// Re-edits `draft` as asked. `media_len` gives a media file's length (for music that
/// should follow a longer video).
pub fn reedit(
    draft: &Draft,
    sources: &[Source<'_>],
    req: &ReeditRequest,
    media_len: &dyn Fn(&str) -> Option<u64>,
) -> Result<Reedit, AutoEditError> {
    let fps = draft.canvas.fps;
    let mut list = scenes(draft, sources);
    let count = list.len();
    if count == 0 {
        return Err(AutoEditError::NoScenes);
    }
    for &n in req.remove.iter().chain(&req.duplicate) {
        if n == 0 || n > count {
            return Err(AutoEditError::NoSuchScene { n, count });
        }
    }
    if let Some(Order::Explicit(order)) = &req.order
        && let Some(&n) = order.iter().find(|&&n| n == 0 || n > count)
    {
        return Err(AutoEditError::NoSuchScene { n, count });
    }
    let old_end = draft.video_track().map_or(0, |v| draft.t[v].end().0);
    let old_pieces: Vec<Piece> = list.iter().flat_map(|s| s.pieces.clone()).collect();
    // Remove, repeat.
    list.retain(|s| !req.remove.contains(&s.was));
    if list.is_empty() {
        return Err(AutoEditError::NoScenes);
    }
    let mut repeated = Vec::with_capacity(list.len());
    for s in list {
        let again = req.duplicate.contains(&s.was);
        repeated.push(s.clone());
        if again {
            repeated.push(s);
        }
    }
    let mut list = repeated;
    // Dead air.
    let mut dead_air_ms = 0;
    if req.dead_air {
        for s in &mut list {
            dead_air_ms += cut_dead_air(s, sources, fps);
        }
        list.retain(|s| !s.pieces.is_empty());
        if list.is_empty() {
            return Err(AutoEditError::NoScenes);
        }
    }
    // Order.
    match &req.order {
        None => {}
        Some(Order::Reverse) => list.reverse(),
        Some(Order::Energy) => list.sort_by(|a, b| a.energy.total_cmp(&b.energy)),
        Some(Order::StrongestFirst) => list.sort_by(|a, b| b.score.total_cmp(&a.score)),
        Some(Order::Chronological) => list.sort_by_key(|s| s.shot_order),
        Some(Order::Explicit(order)) => {
            let mut rest = list;
            let mut ordered = Vec::with_capacity(rest.len());
            for &n in order {
                while let Some(i) = rest.iter().position(|s| s.was == n) {
                    ordered.push(rest.remove(i));
                }
            }
            ordered.append(&mut rest);
            list = ordered;
        }
    }
    // Transitions stay with the scene they lead out of.
    clamp_transitions(&mut list, fps);
    if let Some(f) = req.pace.filter(|f| *f > 0.0 && *f != 1.0) {
        for s in &mut list {
            let hold = s.hold();
            let want = (hold as f64 * f).round() as u64;
            fit_hold(s, if f < 1.0 { want.max(MIN_HOLD.min(hold)) } else { want }, fps);
            if f < 1.0
                && let Some(t) = &mut s.transition
            {
                t.d = Ms(frame((t.d.0 as f64 * f) as u64, fps));
            }
        }
        clamp_transitions(&mut list, fps);
    }
    if let Some(beats) = &req.beats_ms {
        sync_to_beats(&mut list, beats, fps);
        clamp_transitions(&mut list, fps);
    }
    let short_ms = match req.duration_ms {
        Some(t) => fit_length(&mut list, frame(t, fps), fps),
        None => 0,
    };
    let (draft, scenes, texts_dropped) = lay_out(draft, &list, &old_pieces, old_end, media_len);
    draft.validate().map_err(|e| AutoEditError::Invalid(e.to_string()))?;
    Ok(Reedit { draft, scenes, dead_air_ms, texts_dropped, short_ms })
}

/// The new draft: the scenes on the video track, the other tracks following them.
fn lay_out(
    old: &Draft,
    list: &[Scene],
    old_pieces: &[Piece],
    old_end: u64,
    media_len: &dyn Fn(&str) -> Option<u64>,
) -> (Draft, Vec<SceneInfo>, usize) {
    let mut video = Track::new(TrackType::Video);
    let mut infos = Vec::with_capacity(list.len());
    let mut t = 0u64;
    for s in list {
        let start = t;
        let n = s.pieces.len();
        for (k, p) in s.pieces.iter().enumerate() {
            let mut seg = p.seg.clone();
            seg.start = Ms(t);
            seg.transition = if k + 1 == n { s.transition.clone() } else { None };
            t += seg.d.0 - seg.transition.as_ref().map_or(0, |x| x.d.0);
            video.sg.push(seg);
        }
        let first = &s.pieces[0];
        infos.push(SceneInfo {
            was: s.was,
            src: first.seg.src.clone().unwrap_or_default(),
            from_ms: first.src_from(),
            start_ms: start,
            d_ms: s.hold(),
        });
    }
    let new_end = video.end().0;
    let mut draft = Draft { t: Vec::new(), ..old.clone() };
    let mut dropped = 0;
    let vt = old.video_track();
    for (ti, track) in old.t.iter().enumerate() {
        if Some(ti) == vt {
            draft.t.push(video.clone());
            continue;
        }
        let mut tr = Track { sg: Vec::new(), ..track.clone() };
        for seg in &track.sg {
            let mut s = seg.clone();
            match track.tt {
                TrackType::Text => {
                    let ends_video = s.start.0 > 0 && s.end().0.abs_diff(old_end) <= 50;
                    if track.meta_str("role") == Some("title") || s.start.0 == 0 {
                        s.start = Ms::ZERO;
                    } else if track.meta_str("role") == Some("cta") || ends_video {
                        s.start = Ms(new_end.saturating_sub(s.d.0));
                    } else if let Some(at) = follow(s.start.0, old_pieces, &video) {
                        s.start = Ms(at);
                    } else {
                        dropped += 1;
                        continue;
                    }
                }
                _ => {
                    // Music under the whole video follows its new length.
                    let under_all = s.start.0 == 0 && s.end().0 + 50 >= old_end;
                    if under_all {
                        let max =
                            s.src.as_deref().and_then(media_len).map_or(u64::MAX, |len| {
                                ((len.saturating_sub(s.src_in.0)) as f64 / s.speed).floor() as u64
                            });
                        s.d = Ms(new_end.min(max).max(1));
                        s.fade_out = Ms(s.fade_out.0.min(s.d.0 / 2));
                    }
                }
            }
            if s.start.0 >= new_end {
                dropped += usize::from(track.tt == TrackType::Text);
                continue;
            }
            if s.end().0 > new_end {
                s.d = Ms(new_end - s.start.0);
                s.fade_out = Ms(s.fade_out.0.min(s.d.0 / 2));
                s.fade_in = Ms(s.fade_in.0.min(s.d.0 / 2));
            }
            tr.sg.push(s);
        }
        tr.sg.sort_by_key(|s| s.start);
        // Texts on one track may not overlap: a later one that now would is dropped.
        if track.tt == TrackType::Text {
            let mut kept: Vec<Segment> = Vec::new();
            for s in tr.sg {
                if kept.last().is_some_and(|k| k.end() > s.start) {
                    dropped += 1;
                } else {
                    kept.push(s);
                }
            }
            tr.sg = kept;
        }
        draft.t.push(tr);
    }
    (draft, infos, dropped)
}

/// Where the moment shown at `old_t` on the old timeline plays now: the same source time,
/// in the first segment of the new video track that shows it.
fn follow(old_t: u64, old_pieces: &[Piece], video: &Track) -> Option<u64> {
    let p = old_pieces.iter().find(|p| p.seg.start.0 <= old_t && old_t < p.seg.end().0)?;
    let src_t = p.seg.src_in.0 + ((old_t - p.seg.start.0) as f64 * p.seg.speed) as u64;
    video.sg.iter().find_map(|s| {
        let (a, b) = (s.src_in.0, s.src_in.0 + s.src_len().0);
        (s.src == p.seg.src && a <= src_t && src_t < b).then(|| s.start.0 + ((src_t - a) as f64 / s.speed) as u64)
    })
}

/// A draft of a finished clip as it is: one segment over the whole of it, on a canvas of
/// its own shape (scenes come from its shots when re-edited).
pub fn clip_draft(id: &str, analysis: &Analysis) -> Draft {
    let (w, h, fps) = analysis.video.as_ref().map_or((1920, 1080, 30.0), |v| (v.width, v.height, v.fps));
    let even = |v: u32| (v.clamp(16, 4096) / 2) * 2;
    let fps = [24u32, 25, 30, 50, 60].into_iter().min_by_key(|f| (f64::from(*f) - fps).abs() as u64).unwrap_or(30);
    let mut track = Track::new(TrackType::Video);
    let step = 1000.0 / f64::from(fps);
    let d = ((analysis.duration_ms as f64 / step).floor() * step).floor() as u64;
    track.sg.push(Segment::media(id, Ms::ZERO, Ms(d)));
    Draft { canvas: Canvas { w: even(w), h: even(h), fps, ..Canvas::default() }, t: vec![track], ..Draft::default() }
}
