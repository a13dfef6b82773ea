//! Shot boundaries, found online frame by frame with a few frames of look-ahead.
//!
//! - **Hard cuts**: a frame whose change from the previous one passes an absolute threshold
//!   *and* stands out from the frames around it (adaptive threshold), and whose neighbours
//!   before and after really differ. The change is the geometric mean of the colour
//!   histogram distance and the pixel difference left after undoing camera motion, each
//!   normalised: a cut changes both, a dissolve changes pixels only a little per frame, a
//!   pan changes pixels that line up again once the motion is undone. The before/after
//!   check rejects flashes and brief occlusions: if the picture returns to what it was within
//!   a few frames, it was not a cut.
//! - **Gradual transitions** (dissolves, fades): a peak in how different frames a quarter
//!   second apart are is a candidate; it is a dissolve when the frames inside it are blends
//!   of the frames on either side (least-squares fit of a mix, with the mix moving from one
//!   side to the other), and a fade when it dips to black and each half is the near side
//!   dimmed, and a wipe when every pixel shows one side or the other with the new side's
//!   share growing while the camera stands still. Content that simply evolves — a zoom,
//!   moving shapes, a pan — fits none. (A slide moves the whole frame like a pan and is
//!   not told apart from one.)

use crate::features::{Features, Thumb, hist_distance};
use crate::motion::{Motion, estimate};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Thresholds (documented in ARCHITECTURE.md; tuned on generated and real footage).
#[derive(Clone, Debug)]
pub struct Params {
    /// The pixel difference (after motion compensation) and histogram distance that each
    /// count as "1" in a frame's change.
    pub pixel_unit: f32,
    pub hist_unit: f32,
    /// A cut's change must reach this…
    pub cut_threshold: f32,
    /// …and be this many times the mean change around it.
    pub cut_ratio: f32,
    /// Frames before and after a candidate that are this similar (histogram distance) and
    /// line up after motion compensation (residual below `same_residual`) make it a flash.
    pub same_threshold: f32,
    pub same_residual: f32,
    /// How different (histogram distance) the two sides of a gradual transition must be.
    pub gradual_span: f32,
    /// Frames between the sides compared to find gradual transitions (each side).
    pub gradual_window: usize,
    /// Half-lengths of gradual transitions tried, in frames, shortest first.
    pub gradual_halves: Vec<usize>,
    /// Largest misfit of the blend model, relative to the difference of the two sides.
    pub blend_misfit: f32,
    /// Shortest shot, in frames.
    pub min_shot: usize,
    /// Frames of look-ahead for cuts (and the flash check).
    pub lookahead: usize,
    /// Frames on each side for the adaptive threshold.
    pub window: usize,
}

impl Params {
    pub fn for_fps(fps: f64) -> Params {
        Params {
            pixel_unit: 0.10,
            hist_unit: 0.40,
            cut_threshold: 0.6,
            cut_ratio: 3.0,
            same_threshold: 0.15,
            same_residual: 0.05,
            gradual_span: 0.35,
            gradual_window: ((fps * 0.25).round() as usize).max(3),
            gradual_halves: [0.15, 0.3, 0.6, 1.0].iter().map(|t| ((fps * t).round() as usize).max(2)).collect(),
            blend_misfit: 0.35,
            min_shot: ((fps * 0.3).round() as usize).max(4),
            lookahead: 4,
            window: ((fps * 0.5).round() as usize).max(6),
        }
    }
}

/// What kind of boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Cut,
    Dissolve,
    Fade,
    /// A wipe or slide: the new picture takes over part of the frame at a time.
    Wipe,
}

/// A boundary between two shots, at frame `frame` (the first frame of the new shot).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Boundary {
    pub frame: usize,
    pub kind: Kind,
    /// 0–1.
    pub confidence: f32,
    /// The frames the transition spans (equal to `frame` for cuts).
    pub first: usize,
    pub last: usize,
}

/// Per-frame numbers kept for the whole video (no pixels).
#[derive(Clone, Copy, Debug, Default)]
pub struct FrameStat {
    /// Histogram distance to the previous frame.
    pub hist_change: f32,
    pub motion: Motion,
    pub luma: f32,
    pub contrast: f32,
    pub colorfulness: f32,
    pub laplacian: f32,
    pub saturation: f32,
    pub warmth: f32,
    pub top_luma: f32,
    pub bottom_luma: f32,
    pub sky: f32,
}

impl FrameStat {
    /// The change a cut is judged on: the geometric mean of pixel and colour change.
    pub fn change(&self, p: &Params) -> f32 {
        let pixels = (self.motion.residual / p.pixel_unit).min(4.0);
        let colours = (self.hist_change / p.hist_unit).min(4.0);
        (pixels * colours).sqrt()
    }
}

struct Recent {
    hist: Vec<f32>,
    thumb: Thumb,
    luma: f32,
}

/// The online detector: feed frames in order, then `finish`.
pub struct Detector {
    p: Params,
    recent: VecDeque<Recent>,
    stats: Vec<FrameStat>,
    boundaries: Vec<Boundary>,
    /// The last grey frame, for motion.
    prev_grey: Option<Thumb>,
    /// Cuts into or out of black (they give way to a fade found around them).
    to_black: Vec<usize>,
    next_candidate: usize,
    next_centre: usize,
}

impl Detector {
    pub fn new(p: Params) -> Detector {
        Detector {
            p,
            recent: VecDeque::new(),
            stats: Vec::new(),
            boundaries: Vec::new(),
            prev_grey: None,
            to_black: Vec::new(),
            next_candidate: 1,
            next_centre: 1,
        }
    }

    /// Frames kept: enough for the longest gradual transition on both sides, and the window.
    fn keep(&self) -> usize {
        2 * (self.half_max() + self.p.gradual_window) + self.p.lookahead + 8
    }

    fn half_max(&self) -> usize {
        self.p.gradual_halves.iter().copied().max().unwrap_or(1)
    }

    /// Adds the next frame; returns its camera motion relative to the previous one.
    pub fn push(&mut self, f: &Features) -> Motion {
        let i = self.stats.len();
        let (hist_change, motion) = match (self.recent.back(), &self.prev_grey) {
            (Some(prev), Some(grey)) => (hist_distance(&prev.hist, &f.hist), estimate(grey, &f.grey)),
            _ => (0.0, Motion::default()),
        };
        self.prev_grey = Some(f.grey.clone());
        self.stats.push(FrameStat {
            hist_change,
            motion,
            luma: f.luma,
            contrast: f.contrast,
            colorfulness: f.colorfulness,
            laplacian: f.laplacian,
            saturation: f.saturation,
            warmth: f.warmth,
            top_luma: f.top_luma,
            bottom_luma: f.bottom_luma,
            sky: f.sky,
        });
        self.recent.push_back(Recent { hist: f.hist.clone(), thumb: f.thumb.clone(), luma: f.luma });
        if self.recent.len() > self.keep() {
            self.recent.pop_front();
        }
        while self.next_candidate + self.p.lookahead <= i {
            self.judge_cut(self.next_candidate, i);
            self.next_candidate += 1;
        }
        let reach = self.half_max() + self.p.gradual_window;
        while self.next_centre + reach <= i {
            self.judge_gradual(self.next_centre, i);
            self.next_centre += 1;
        }
        motion
    }

    fn recent(&self, frame: usize) -> Option<&Recent> {
        let newest = self.stats.len().checked_sub(1)?;
        let back = newest.checked_sub(frame)?;
        self.recent.len().checked_sub(back + 1).and_then(|k| self.recent.get(k))
    }

    fn judge_cut(&mut self, c: usize, newest: usize) {
        let change = |k: usize| self.stats[k].change(&self.p);
        let here = change(c);
        if here < self.p.cut_threshold {
            return;
        }
        // A local maximum…
        let lo = c.saturating_sub(2).max(1);
        let hi = (c + 2).min(newest);
        if (lo..=hi).any(|k| k != c && change(k) > here) {
            return;
        }
        // …that stands out from its surroundings…
        let around: Vec<f32> = (c.saturating_sub(self.p.window).max(1)..c.saturating_sub(1))
            .chain(c + 2..=newest.min(c + self.p.lookahead))
            .map(change)
            .collect();
        let mean = if around.is_empty() { 0.0 } else { around.iter().sum::<f32>() / around.len() as f32 };
        if here < self.p.cut_ratio * mean + 0.05 {
            return;
        }
        // …and above its near neighbours, which a fade or dissolve's own frames are not.
        let near = [c.wrapping_sub(3), c.wrapping_sub(2), c + 2, c + 3]
            .into_iter()
            .filter(|&k| k >= 1 && k <= newest)
            .map(change)
            .fold(0.0f32, f32::max);
        if here < 2.0 * near {
            return;
        }
        // …between frames that really differ (not a flash or a passing occlusion).
        if self.returns(c, newest) {
            return;
        }
        let confidence = (here / (2.0 * self.p.cut_threshold)).min(1.0);
        // A jump into or out of black may be the steep side of a fade: it stays tentative.
        if (c.saturating_sub(2)..=(c + 3).min(newest)).any(|k| self.stats[k].luma < 0.05) {
            self.to_black.push(c);
        }
        self.boundaries.push(Boundary { frame: c, kind: Kind::Cut, confidence, first: c, last: c });
    }

    /// Whether some frame just before `c` and some frame just after it show the same picture.
    fn returns(&self, c: usize, newest: usize) -> bool {
        let before = c.saturating_sub(3)..c;
        let after = c + 1..=(c + 3).min(newest);
        for a in before {
            for b in after.clone() {
                let (Some(ra), Some(rb)) = (self.recent(a), self.recent(b)) else { continue };
                if hist_distance(&ra.hist, &rb.hist) < self.p.same_threshold
                    && estimate(&ra.thumb, &rb.thumb).residual < self.p.same_residual
                {
                    return true;
                }
            }
        }
        false
    }

    /// How different the frames `gradual_window` before and after `x` are.
    fn wide(&self, x: usize) -> Option<f32> {
        let k = self.p.gradual_window;
        let (a, b) = (self.recent(x.checked_sub(k)?)?, self.recent(x + k)?);
        Some(hist_distance(&a.hist, &b.hist))
    }

    fn judge_gradual(&mut self, c: usize, newest: usize) {
        let k = self.p.gradual_window;
        let Some(here) = self.wide(c) else { return };
        if here < self.p.gradual_span {
            return;
        }
        // The peak of the difference (the first frame of a plateau)…
        let peak = (c.saturating_sub(k)..=c + k).all(|x| match self.wide(x) {
            Some(w) if x < c => w < here,
            Some(w) => w <= here,
            None => true,
        });
        if !peak {
            return;
        }
        // …away from hard cuts and from transitions already found.
        let reach = self.half_max() + k;
        let near = |b: &Boundary| b.last + reach >= c && b.first <= c + reach;
        if self.boundaries.iter().any(|b| {
            near(b)
                && ((b.kind == Kind::Cut && !self.to_black.contains(&b.frame))
                    || (b.kind != Kind::Cut && b.last >= c.saturating_sub(k)))
        }) {
            return;
        }
        for &half in &self.p.gradual_halves {
            if c < half || c + half > newest {
                continue;
            }
            if let Some(found) = self.fit_transition(c, half) {
                self.boundaries.push(found);
                return;
            }
        }
    }

    /// Whether the frames within `half` of `c` are a dissolve or a fade between the frames
    /// at `c − half` and `c + half`.
    fn fit_transition(&self, c: usize, half: usize) -> Option<Boundary> {
        let (first, last) = (c - half, c + half);
        let (a, b) = (self.recent(first)?, self.recent(last)?);
        let span = hist_distance(&a.hist, &b.hist);
        if span < self.p.gradual_span {
            return None;
        }
        let difference = mean_abs(&a.thumb.px, &b.thumb.px).max(8.0);
        let samples = [first + half / 2, c, last - half / 2];
        let confidence = (span / (2.0 * self.p.gradual_span)).min(1.0);
        // A dissolve: every frame inside is a mix of the two sides, moving from one to the other.
        let fits: Vec<(f32, f32)> = samples
            .iter()
            .filter_map(|&m| self.recent(m))
            .map(|m| blend(&a.thumb.px, &b.thumb.px, &m.thumb.px))
            .collect();
        if fits.len() == 3
            && fits.iter().all(|(_, err)| *err <= self.p.blend_misfit * difference)
            && fits[0].0 > fits[2].0 + 0.2
            && (0.15..=0.85).contains(&fits[1].0)
        {
            return Some(Boundary { frame: c, kind: Kind::Dissolve, confidence, first, last });
        }
        // A wipe: every pixel shows one side or the other, the new side's share growing — with
        // the camera still (a pan also brings in new picture from one side).
        let camera = (first + 1..=last)
            .filter_map(|x| self.stats.get(x))
            .map(|s| (s.motion.dx.powi(2) + s.motion.dy.powi(2)).sqrt())
            .sum::<f32>()
            / (last - first).max(1) as f32;
        let covers: Vec<(f32, f32)> = samples
            .iter()
            .filter_map(|&m| self.recent(m))
            .map(|m| cover(&a.thumb.px, &b.thumb.px, &m.thumb.px))
            .collect();
        if covers.len() == 3
            && camera < 0.004
            && covers.iter().all(|(_, err)| *err <= self.p.blend_misfit * difference)
            && covers[0].0 + 0.1 < covers[1].0
            && covers[1].0 + 0.1 < covers[2].0
            && (0.15..=0.85).contains(&covers[1].0)
        {
            return Some(Boundary { frame: c, kind: Kind::Wipe, confidence, first, last });
        }
        // A fade: a dip to black, each half the near side dimmed.
        let (dark, at) =
            (first..=last).filter_map(|x| self.recent(x).map(|r| (r.luma, x))).min_by(|p, q| p.0.total_cmp(&q.0))?;
        if dark < 0.08 && a.luma > dark + 0.08 && b.luma > dark + 0.08 {
            let black = vec![0u8; a.thumb.px.len()];
            let dimmed = |x: usize| {
                let m = self.recent(x)?;
                let side = if x <= at { a } else { b };
                let (alpha, err) = blend(&side.thumb.px, &black, &m.thumb.px);
                Some(
                    err <= self.p.blend_misfit * mean_abs(&side.thumb.px, &black).max(8.0)
                        && (-0.05..=1.05).contains(&alpha),
                )
            };
            if samples.iter().all(|&x| dimmed(x).unwrap_or(false)) {
                return Some(Boundary { frame: at, kind: Kind::Fade, confidence, first, last });
            }
        }
        None
    }

    /// The numbers of the newest frame.
    pub fn last(&self) -> Option<&FrameStat> {
        self.stats.last()
    }

    /// Ends the stream: judges the last frames, closes an open run, tidies the boundaries.
    pub fn finish(mut self) -> (Vec<Boundary>, Vec<FrameStat>) {
        let n = self.stats.len();
        if n > 0 {
            while self.next_candidate < n {
                self.judge_cut(self.next_candidate, n - 1);
                self.next_candidate += 1;
            }
            while self.next_centre < n {
                self.judge_gradual(self.next_centre, n - 1);
                self.next_centre += 1;
            }
        }
        let fades: Vec<(usize, usize)> =
            self.boundaries.iter().filter(|b| b.kind == Kind::Fade).map(|b| (b.first, b.last)).collect();
        let to_black = self.to_black;
        let mut b: Vec<Boundary> = self
            .boundaries
            .into_iter()
            .filter(|x| {
                !(x.kind == Kind::Cut
                    && to_black.contains(&x.frame)
                    && fades.iter().any(|(f, l)| (*f..=*l).contains(&x.frame)))
            })
            .collect();
        b.sort_by_key(|x| x.frame);
        // Shots shorter than the minimum are merged away, keeping the surer boundary.
        let mut kept: Vec<Boundary> = Vec::new();
        for x in b {
            if x.frame < self.p.min_shot || x.frame + self.p.min_shot > n {
                continue;
            }
            match kept.last_mut() {
                Some(prev) if x.frame < prev.frame + self.p.min_shot => {
                    if x.confidence > prev.confidence {
                        *prev = x;
                    }
                }
                _ => kept.push(x),
            }
        }
        (kept, self.stats)
    }
}

/// Mean absolute difference of two grey images (0–255).
fn mean_abs(a: &[u8], b: &[u8]) -> f32 {
    let sum: u64 = a.iter().zip(b).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
    sum as f32 / a.len().max(1) as f32
}

/// The mix `α·a + (1 − α)·b` closest to `m` (least squares): α, and the mean absolute misfit.
fn blend(a: &[u8], b: &[u8], m: &[u8]) -> (f32, f32) {
    let (mut num, mut den) = (0.0f64, 0.0f64);
    for ((x, y), z) in a.iter().zip(b).zip(m) {
        let d = f64::from(*x) - f64::from(*y);
        num += (f64::from(*z) - f64::from(*y)) * d;
        den += d * d;
    }
    let alpha = if den > 0.0 { num / den } else { 0.5 };
    let err: f64 = a
        .iter()
        .zip(b)
        .zip(m)
        .map(|((x, y), z)| (f64::from(*z) - (alpha * f64::from(*x) + (1.0 - alpha) * f64::from(*y))).abs())
        .sum::<f64>()
        / a.len().max(1) as f64;
    (alpha as f32, err as f32)
}

/// How much of `m` shows `b` rather than `a` (share of pixels nearer `b`), and the mean
/// misfit of the nearer side.
fn cover(a: &[u8], b: &[u8], m: &[u8]) -> (f32, f32) {
    let (mut near_b, mut err) = (0usize, 0u64);
    for ((x, y), z) in a.iter().zip(b).zip(m) {
        let (da, db) = (z.abs_diff(*x), z.abs_diff(*y));
        if db < da {
            near_b += 1;
        }
        err += u64::from(da.min(db));
    }
    let n = a.len().max(1);
    (near_b as f32 / n as f32, err as f32 / n as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::measure;

    const W: usize = 64;
    const H: usize = 36;

    /// A textured picture in a colour scheme, seen from offset `ox`.
    fn picture(scheme: u8, ox: usize, bright: f32) -> Vec<u8> {
        (0..W * H)
            .flat_map(|i| {
                let (x, y) = ((i % W + ox) as f32, (i / W) as f32);
                let t = 0.5 + 0.5 * ((x * 0.3).sin() * (y * 0.4).cos());
                let base: [f32; 3] = match scheme {
                    0 => [220.0, 60.0, 40.0],
                    1 => [40.0, 80.0, 220.0],
                    2 => [60.0, 200.0, 80.0],
                    _ => [250.0, 250.0, 250.0],
                };
                base.map(|c| (c * (0.5 + 0.5 * t) * bright).clamp(0.0, 255.0) as u8)
            })
            .collect()
    }

    fn blend(a: &[u8], b: &[u8], t: f32) -> Vec<u8> {
        a.iter().zip(b).map(|(x, y)| (f32::from(*x) * (1.0 - t) + f32::from(*y) * t) as u8).collect()
    }

    fn detect(frames: &[Vec<u8>]) -> Vec<Boundary> {
        let mut d = Detector::new(Params::for_fps(30.0));
        for f in frames {
            d.push(&measure(f, W, H));
        }
        let (b, stats) = d.finish();
        if std::env::var_os("SHOW_STATS").is_some() {
            for (i, s) in stats.iter().enumerate() {
                eprintln!(
                    "{i}: hist {:.3} res {:.3} raw {:.3} luma {:.2}",
                    s.hist_change, s.motion.residual, s.motion.raw, s.luma
                );
            }
        }
        b
    }

    #[test]
    fn cuts_are_found_on_the_right_frame() {
        let mut frames = Vec::new();
        for k in 0..90 {
            frames.push(picture([0, 1, 2][k / 30], k % 5, 1.0));
        }
        let b = detect(&frames);
        assert_eq!(b.iter().map(|x| (x.frame, x.kind)).collect::<Vec<_>>(), vec![(30, Kind::Cut), (60, Kind::Cut)]);
    }

    #[test]
    fn a_flash_and_a_pan_are_not_cuts() {
        let mut frames: Vec<Vec<u8>> = (0..60).map(|k| picture(0, k * 2, 1.0)).collect();
        frames[30] = picture(3, 0, 1.0);
        assert_eq!(detect(&frames), vec![]);
    }

    #[test]
    fn dissolves_and_fades_are_gradual() {
        let (a, b) = (picture(0, 0, 1.0), picture(1, 0, 1.0));
        let mut frames: Vec<Vec<u8>> = (0..30).map(|_| a.clone()).collect();
        frames.extend((0..15).map(|k| blend(&a, &b, (k + 1) as f32 / 16.0)));
        frames.extend((0..30).map(|_| b.clone()));
        let found = detect(&frames);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, Kind::Dissolve);
        assert!(found[0].frame.abs_diff(37) <= 2, "{found:?}");

        let black = vec![0u8; W * H * 3];
        let mut frames: Vec<Vec<u8>> = (0..30).map(|_| a.clone()).collect();
        frames.extend((0..8).map(|k| blend(&a, &black, (k + 1) as f32 / 8.0)));
        frames.extend((0..8).map(|k| blend(&black, &b, (k + 1) as f32 / 8.0)));
        frames.extend((0..30).map(|_| b.clone()));
        let found = detect(&frames);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, Kind::Fade);
        assert!(found[0].frame.abs_diff(37) <= 2, "{found:?}");
    }
}
