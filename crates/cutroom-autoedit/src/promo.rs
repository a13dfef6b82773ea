//! A promo from footage: pick the best distinct shots, order them (a strong opening, rising
//! energy, the strongest last), cut on the music's beats, reframe to the target aspect,
//! add the title and the call to action, put the music under it with the footage's own
//! sound lowered.

use crate::shots::{Candidate, candidates};
use crate::{AutoEditError, Source, frame};
use cutroom_analysis::{Analysis, cover_fraction, crop_spans};
use cutroom_timeline::{
    Align, Anchor, Canvas, Color, Draft, Fit, Motion, Ms, Segment, Shadow, TextBox, TextStyle, Track, TrackType,
    Transition, TransitionKind,
};

/// How the cuts feel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Hard cuts, short holds.
    Energetic,
    /// Dissolves, longer holds.
    Calm,
}

impl Tone {
    /// The hold each shot aims for, ms.
    fn hold(self) -> u64 {
        match self {
            Tone::Energetic => 1_800,
            Tone::Calm => 3_200,
        }
    }
}

/// The music the promo is cut to.
#[derive(Clone, Debug, PartialEq)]
pub struct Music {
    pub media: String,
    pub duration_ms: u64,
    /// Beat times from the start of the piece, ms.
    pub beats_ms: Vec<u64>,
}

/// What the promo should be.
#[derive(Clone, Debug, PartialEq)]
pub struct PromoRequest {
    pub duration_ms: u64,
    /// The canvas (1080x1920 for 9:16, …).
    pub width: u32,
    pub height: u32,
    pub title: Option<String>,
    pub cta: Option<String>,
    pub tone: Tone,
    pub music: Option<Music>,
}

/// The promo: its draft and which footage it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Promo {
    pub draft: Draft,
    /// The shots used, in order.
    pub shots: Vec<Candidate>,
    /// Cut times on the timeline, ms (the middle of a dissolve).
    pub cuts_ms: Vec<u64>,
}

const FPS: u32 = 30;
const DISSOLVE: u64 = 500;
/// Level of the footage's own sound under the music.
const UNDER_MUSIC: f64 = 0.25;

/// The order of the chosen shots: the second-best opens, the rest rise in energy, the best
/// closes.
fn order(mut chosen: Vec<Candidate>) -> Vec<Candidate> {
    if chosen.len() < 3 {
        return chosen;
    }
    // `chosen` is best first.
    let best = chosen.remove(0);
    let opening = chosen.remove(0);
    chosen.sort_by(|a, b| a.motion.total_cmp(&b.motion));
    let mut out = vec![opening];
    out.extend(chosen);
    out.push(best);
    out
}

/// The beat nearest to `t` within `lo..=hi`, else `t` itself clamped.
fn snap(t: u64, lo: u64, hi: u64, beats: &[u64]) -> u64 {
    beats
        .iter()
        .copied()
        .filter(|b| (lo..=hi).contains(b))
        .min_by_key(|b| b.abs_diff(t))
        .unwrap_or_else(|| t.clamp(lo, hi))
}

/// The shortest piece of a reframed shot.
const MIN_PIECE: u64 = 2 * DISSOLVE;

/// A segment of video reframed to a `canvas` by following the region of interest: its
/// cover crop pans along the path, in one straight move when that keeps the centre of
/// interest within a quarter of the crop's width of the crop's centre, else in several
/// pieces that meet (cut on frames, the last keeping the transition). A still centre of
/// interest gives a fixed `focus`.
pub fn reframe(seg: Segment, analysis: &Analysis, canvas: (u32, u32)) -> Vec<Segment> {
    let Some(v) = &analysis.video else { return vec![seg] };
    if analysis.roi.is_empty() || seg.speed != 1.0 {
        return vec![seg];
    }
    let (cw, ch) = cover_fraction(v.width, v.height, canvas.0, canvas.1);
    if cw >= 0.999 && ch >= 0.999 {
        return vec![seg];
    }
    let from = seg.src_in.0;
    let spans = crop_spans(&analysis.roi, from, from + seg.d.0, cw, ch, seg.d.0, cw.min(ch) / 4.0);
    let n = spans.len();
    let mut out = Vec::with_capacity(n);
    let mut at = seg.start.0;
    // Where a skipped (too short) span began: the next piece starts its move there.
    let mut pending = None;
    for (k, span) in spans.iter().enumerate() {
        let end = if k + 1 == n { seg.end().0 } else { frame(seg.start.0 + span.to_ms - from, FPS) };
        // No piece shorter than a dissolve's room: a short first piece could not take the
        // previous shot's dissolve, a short last one its own; the next span's path takes over.
        if end <= at || (k + 1 < n && (end - at < MIN_PIECE || seg.end().0.saturating_sub(end) < MIN_PIECE)) {
            pending = pending.or(Some(span.from));
            continue;
        }
        let start_pt = pending.take().unwrap_or(span.from);
        let mut piece = Segment { start: Ms(at), src_in: Ms(from + at - seg.start.0), d: Ms(end - at), ..seg.clone() };
        if at > seg.start.0 {
            piece.fade_in = Ms::ZERO;
        }
        if k + 1 < n {
            piece.transition = None;
            piece.fade_out = Ms::ZERO;
        }
        let moves = (span.to.x - start_pt.x).abs().max((span.to.y - start_pt.y).abs()) > 0.005;
        if moves {
            piece.motion = Some(Motion { zoom_from: 1.0, zoom_to: 1.0, from: start_pt, to: span.to });
        } else {
            piece.focus = Some(start_pt);
        }
        out.push(piece);
        at = end;
    }
    out
}

/// Plans a promo from the sources.
pub fn promo(sources: &[Source<'_>], req: &PromoRequest) -> Result<Promo, AutoEditError> {
    if !(3_000..=600_000).contains(&req.duration_ms) {
        return Err(AutoEditError::BadLength(req.duration_ms));
    }
    let dissolve = if req.tone == Tone::Calm { DISSOLVE } else { 0 };
    let mut pool = candidates(sources);
    // Every shot must be able to hold the shortest cut, with its dissolves.
    pool.retain(|c| c.len() >= SHORT_HOLD + dissolve);
    if pool.is_empty() {
        return Err(AutoEditError::NoFootage);
    }
    let total = req.duration_ms;
    let want = ((total as f64 / req.tone.hold() as f64).round() as usize).clamp(1, pool.len());
    let chosen = order(pool.into_iter().take(want).collect());
    let n = chosen.len();
    let beats: Vec<u64> = req.music.as_ref().map(|m| m.beats_ms.clone()).unwrap_or_default();
    // Cuts: evenly spread, weighted by what each shot can give, snapped to beats.
    let avail: Vec<u64> = chosen.iter().map(|c| c.len().saturating_sub(dissolve)).collect();
    let mut cuts = vec![0u64];
    let mut t = 0u64;
    for i in 0..n - 1 {
        // What the shots from here on can still fill, and the share of this one.
        let rest: u64 = avail[i..].iter().sum();
        let after: u64 = avail[i + 1..].iter().sum();
        let ideal = t + ((total - t) as f64 * avail[i] as f64 / rest.max(1) as f64) as u64;
        let lo = (t + SHORT_HOLD).max(total.saturating_sub(after));
        let hi = (t + avail[i]).min(total.saturating_sub(SHORT_HOLD * (n - 1 - i) as u64));
        let cut =
            if lo <= hi { frame(snap(ideal.clamp(lo, hi), lo, hi, &beats), FPS) } else { frame(hi.max(t + 1), FPS) };
        cuts.push(cut);
        t = cut;
    }
    let last = chosen[n - 1].len().saturating_sub(dissolve / 2);
    let end = total.min(t + last);
    // Segments: a dissolve is centred on its cut.
    let mut video = Track::new(TrackType::Video);
    for (i, c) in chosen.iter().enumerate() {
        let at = cuts[i];
        let next = if i + 1 < n { cuts[i + 1] } else { end };
        let head = if i > 0 { dissolve / 2 } else { 0 };
        let tail = if i + 1 < n { dissolve / 2 } else { 0 };
        let d = next - at + head + tail;
        let slack = c.len().saturating_sub(d);
        let mut seg = Segment::media(c.source.clone(), Ms(at - head), Ms(d));
        seg.src_in = Ms(c.from + slack / 2);
        seg.fit = Fit::Cover;
        seg.volume = if req.music.is_some() { UNDER_MUSIC } else { 1.0 };
        if tail > 0 {
            seg.transition = Some(Transition { kind: TransitionKind::Crossfade, d: Ms(dissolve) });
        }
        seg.m.insert("shot".into(), i.into());
        video.sg.extend(reframe(seg, sources[c.source_index].analysis, (req.width, req.height)));
    }
    let mut draft = Draft {
        canvas: Canvas { w: req.width, h: req.height, fps: FPS, ..Canvas::default() },
        t: vec![video],
        ..Draft::default()
    };
    let scale = f64::from(req.width.min(req.height)) / 1080.0;
    let px = |v: f64| ((v * scale).round() as u32).max(12);
    if let Some(title) = req.title.as_deref().filter(|t| !t.trim().is_empty()) {
        let mut t = Track::new(TrackType::Text);
        t.m.insert("role".into(), "title".into());
        let mut s = Segment::text(title.trim(), Ms::ZERO, Ms(2_500.min(end / 3).max(1_000)));
        let style = TextStyle {
            pos: Anchor::Top,
            size: px(96.0),
            bold: true,
            shadow: Some(Shadow { color: Color::rgba(0, 0, 0, 0xb0), x: 3, y: 3 }),
            ..TextStyle::default()
        };
        s.style = Some(style);
        s.fade_out = Ms(300);
        t.sg.push(s);
        draft.t.push(t);
    }
    if let Some(cta) = req.cta.as_deref().filter(|t| !t.trim().is_empty()) {
        let mut t = Track::new(TrackType::Text);
        t.m.insert("role".into(), "cta".into());
        let d = 2_500.min(end / 3).max(1_000);
        let mut s = Segment::text(cta.trim(), Ms(end - d), Ms(d));
        s.style = Some(TextStyle {
            pos: Anchor::Bottom,
            size: px(72.0),
            bold: true,
            align: Align::Center,
            bg: Some(TextBox { color: Color::rgba(0, 0, 0, 0x99), pad: 18 }),
            ..TextStyle::default()
        });
        s.fade_in = Ms(300);
        t.sg.push(s);
        draft.t.push(t);
    }
    if let Some(m) = &req.music {
        let mut t = Track::new(TrackType::Audio);
        t.m.insert("role".into(), "bgm".into());
        t.m.insert("name".into(), "music".into());
        let d = end.min(m.duration_ms);
        let mut s = Segment::media(m.media.clone(), Ms::ZERO, Ms(d));
        s.volume = 0.9;
        s.fade_out = Ms(1_000.min(d / 4));
        t.sg.push(s);
        draft.t.push(t);
    }
    draft.validate().map_err(|e| AutoEditError::Invalid(e.to_string()))?;
    let mut cut_times = cuts;
    cut_times.remove(0);
    Ok(Promo { draft, shots: chosen, cuts_ms: cut_times })
}

/// The shortest hold a cut may leave, ms.
const SHORT_HOLD: u64 = 800;

#[cfg(test)]
mod tests {
    use super::*;
    use cutroom_analysis::RoiPoint;
    use cutroom_analysis::report::{Tags, VERSION, VideoSummary};

    /// 4 s of 16:9 video whose centre of interest goes right for 2 s, then back left.
    fn there_and_back() -> Analysis {
        let roi = (0..=20)
            .map(|k| {
                let t = k * 200;
                let x =
                    if t <= 2_000 { 0.2 + 0.3 * t as f32 / 1_000.0 } else { 0.8 - 0.3 * (t - 2_000) as f32 / 1_000.0 };
                RoiPoint { t_ms: t, x, y: 0.5, weight: 1.0 }
            })
            .collect();
        Analysis {
            version: VERSION,
            duration_ms: 4_000,
            video: Some(VideoSummary { width: 1920, height: 1080, fps: 30.0, frames: 120 }),
            shots: Vec::new(),
            transitions: Vec::new(),
            audio: None,
            tags: Tags::default(),
            roi,
            still: Vec::new(),
        }
    }

    #[test]
    fn a_path_that_turns_back_is_followed_in_pieces_that_meet() {
        let a = there_and_back();
        let mut seg = Segment::media("clip", Ms(1_000), Ms(4_000));
        seg.transition = Some(Transition { kind: TransitionKind::Crossfade, d: Ms(500) });
        seg.fade_in = Ms(200);
        let pieces = reframe(seg, &a, (1080, 1920));
        assert!(pieces.len() >= 2, "{pieces:?}");
        assert_eq!(pieces[0].start, Ms(1_000));
        assert_eq!(pieces.last().unwrap().end(), Ms(5_000));
        for w in pieces.windows(2) {
            assert_eq!(w[0].end(), w[1].start, "pieces meet");
            assert_eq!(w[1].src_in.0 - w[0].src_in.0, w[0].d.0, "and play on in the source");
            assert_eq!(w[0].transition, None);
            let (a, b) = (w[0].motion.as_ref().unwrap().to, w[1].motion.as_ref().unwrap().from);
            assert!((a.x - b.x).abs() < 0.03, "the crop does not jump: {a:?} {b:?}");
        }
        assert!(pieces.iter().all(|p| frame(p.start.0, FPS) == p.start.0), "cut on frames");
        assert_eq!(pieces[0].fade_in, Ms(200));
        assert!(pieces[1..].iter().all(|p| p.fade_in.is_zero()));
        assert!(pieces.last().unwrap().transition.is_some(), "the last piece keeps the transition");
        // Rightwards, then leftwards.
        let first = pieces[0].motion.as_ref().unwrap();
        assert!(first.to.x > first.from.x);
        let last = pieces.last().unwrap().motion.as_ref().unwrap();
        assert!(last.to.x < last.from.x);

        // A turn just after the start gives no piece too short for the previous dissolve.
        let mut seg = Segment::media("clip", Ms(0), Ms(2_000));
        seg.src_in = Ms(1_700);
        let pieces = reframe(seg, &a, (1080, 1920));
        assert!(pieces.iter().all(|p| p.d.0 >= MIN_PIECE), "{pieces:?}");
        assert_eq!((pieces[0].start, pieces.last().unwrap().end()), (Ms(0), Ms(2_000)));
        for w in pieces.windows(2) {
            let (a, b) = (w[0].motion.as_ref().unwrap().to, w[1].motion.as_ref().unwrap().from);
            assert!((a.x - b.x).abs() < 0.03, "the crop does not jump: {a:?} {b:?}");
        }

        // Footage already the canvas's shape is not cropped at all.
        let seg = Segment::media("clip", Ms(0), Ms(2_000));
        let same = reframe(seg.clone(), &a, (1920, 1080));
        assert_eq!(same, vec![seg]);
    }
}
