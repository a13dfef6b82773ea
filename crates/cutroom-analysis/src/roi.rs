//! Where the interest is, frame by frame, and crops that follow it: the centroid of what
//! moved (the difference left once the camera's motion is undone) and of what stands out
//! (pixels far from the frame's mean brightness), each weighted by how strong and how
//! concentrated it is; smoothed within each shot into a path of the centre of interest; and
//! the crop centres (for reframing to another aspect, e.g. 16:9 to 9:16) that follow it.
//!
//! Per frame this reads the half-size grey frame the shot detector already makes (a quarter
//! of the analysis pixels) two or three times — a comparison or two and a byte difference a
//! pixel, arithmetic only on the few pixels that pass — and keeps six numbers (24 bytes):
//! frames are measured and dropped like everywhere else in the analysis. The path is made
//! at the end, shot by shot, once the shots are known.

use crate::features::Thumb;
use crate::motion::Motion;
use crate::shots::Boundary;
use cutroom_timeline::Point;
use serde::{Deserialize, Serialize};

/// A point of the region-of-interest path: at `t_ms`, the centre of interest at (`x`, `y`)
/// in fractions of the frame (0–1, from the top left), and how sure that is (`weight`, 0–1;
/// 0 means nothing moved or stood out, and the point is the centre).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoiPoint {
    pub t_ms: u64,
    pub x: f32,
    pub y: f32,
    pub weight: f32,
}

impl RoiPoint {
    /// The centre of the frame, with no weight: where a crop goes when nothing is known.
    pub const fn centre(t_ms: u64) -> RoiPoint {
        RoiPoint { t_ms, x: 0.5, y: 0.5, weight: 0.0 }
    }
}

/// One cue in one frame: its centroid (fractions of the frame) and weight (0–1).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cue {
    pub x: f32,
    pub y: f32,
    pub weight: f32,
}

/// The numbers kept per frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameRoi {
    /// What moved relative to the camera.
    pub moving: Cue,
    /// What stands out from the frame's mean brightness.
    pub salient: Cue,
}

/// A pixel difference (0–255) at or below this is noise (compression, grain).
const NOISE: u8 = 16;
/// A pixel stands out when it is this many standard deviations from the frame's mean
/// brightness, and at least [`SALIENT_MIN`] levels.
const SALIENT_SIGMAS: f32 = 2.5;
const SALIENT_MIN: f32 = 40.0;
/// The share of the frame passing a cue at which its strength is full (0.2%: a 6×5 block
/// of the 160×90 grey frame of 16:9 footage).
const AREA_UNIT: f32 = 0.002;
/// Cue weights under this are noise and count as nothing.
const MIN_WEIGHT: f32 = 0.05;
/// Motion counts this many times as much as standing out (which also gives way to clear
/// motion, see `smooth`).
const MOTION_PRIORITY: f32 = 2.0;
/// The weight, per frame of a smoothing window, of the centre of the frame: where the path
/// drifts when the cues are weak.
const PRIOR: f32 = 0.01;
/// Each of the two smoothing passes averages over this long, centred.
const SMOOTH_SECS: f64 = 0.5;
/// The path is sampled this often (and at the first and last frame of every shot).
const STEP_SECS: f64 = 0.2;

/// Weighted moments of the pixels passing a cue.
#[derive(Default)]
struct Moments {
    count: u64,
    m: f64,
    mx: f64,
    my: f64,
    mxx: f64,
    myy: f64,
}

/// One row's share of [`Moments`], in integers.
#[derive(Default)]
struct Row {
    count: u64,
    m: u64,
    mx: u64,
    mxx: u64,
}

impl Row {
    #[inline]
    fn add(&mut self, x: usize, v: u64) {
        let x = x as u64;
        self.count += 1;
        self.m += v;
        self.mx += v * x;
        self.mxx += v * x * x;
    }
}

impl Moments {
    fn add_row(&mut self, y: usize, r: &Row) {
        if r.count == 0 {
            return;
        }
        let (y, m) = (y as f64, r.m as f64);
        self.count += r.count;
        self.m += m;
        self.mx += r.mx as f64;
        self.mxx += r.mxx as f64;
        self.my += m * y;
        self.myy += m * y * y;
    }

    /// The centroid, weighted by strength (share of the frame passing, up to [`AREA_UNIT`])
    /// times concentration squared (concentration: 1 for a point, 0 for something spread
    /// over the frame on both axes, from the spread of each axis against that of a uniform
    /// spread).
    fn cue(&self, w: usize, h: usize) -> Cue {
        if self.m <= 0.0 {
            return Cue::default();
        }
        let (wf, hf) = (w as f64, h as f64);
        let (cx, cy) = (self.mx / self.m, self.my / self.m);
        let vx = (self.mxx / self.m - cx * cx).max(0.0) / (wf * wf);
        let vy = (self.myy / self.m - cy * cy).max(0.0) / (hf * hf);
        let concentrated = |v: f64| (1.0 - (12.0 * v).sqrt()).clamp(0.0, 1.0);
        let concentration = 0.5 * (concentrated(vx) + concentrated(vy));
        let strength = (self.count as f64 / (wf * hf) / f64::from(AREA_UNIT)).min(1.0);
        // Squared, so that what is spread out counts for much less than what is not.
        let weight = (concentration * concentration * strength) as f32;
        if weight < MIN_WEIGHT {
            return Cue::default();
        }
        Cue { x: ((cx + 0.5) / wf) as f32, y: ((cy + 0.5) / hf) as f32, weight }
    }
}

/// Adds to `m` the pixels of `row` (line `y`) that differ by more than [`NOISE`] from
/// those of `before` (the previous frame's line `y − sy`) shifted by `sx`.
fn differences(m: &mut Moments, y: usize, row: &[u8], before: &[u8], sx: isize) {
    let w = row.len() as isize;
    let (x0, x1) = (sx.max(0), w + sx.min(0));
    if x0 >= x1 {
        return;
    }
    let mut r = Row::default();
    let shifted = &before[(x0 - sx) as usize..(x1 - sx) as usize];
    for (k, (&a, &b)) in row[x0 as usize..x1 as usize].iter().zip(shifted).enumerate() {
        let d = a.abs_diff(b);
        if d > NOISE {
            r.add(x0 as usize + k, u64::from(d - NOISE));
        }
    }
    m.add_row(y, &r);
}

/// Both cues of one frame: `grey` is the frame's half-size grey picture, `prev` the one
/// before (none for the first frame), `camera` the camera's motion between them, and
/// `luma`/`contrast` the frame's mean brightness and its standard deviation (0–1).
///
/// What moved is the difference left once the camera's motion is undone — or, when that
/// leaves less to go on than the plain difference, the plain difference: over a flat
/// background the "camera motion" found is the object's own (nothing else to match), and
/// undoing it hides the object, whereas a real pan over texture changes the whole frame
/// (spread out, so weak) until it is undone.
pub fn frame_roi(prev: Option<&Thumb>, grey: &Thumb, camera: &Motion, luma: f32, contrast: f32) -> FrameRoi {
    let (w, h) = (grey.w, grey.h);
    let mean = luma * 255.0;
    let band = (SALIENT_SIGMAS * contrast * 255.0).max(SALIENT_MIN);
    // Pixels outside [lo, hi] stand out.
    let lo = (mean - band).floor().max(-1.0) as i32;
    let hi = (mean + band).ceil().min(256.0) as i32;
    let mut salient = Moments::default();
    let (mut plain, mut undone) = (Moments::default(), Moments::default());
    // `grey` at p shows what `prev` showed at p − s (see `motion::estimate`).
    let prev = prev.filter(|p| (p.w, p.h) == (w, h));
    let sx = (f64::from(camera.dx) * w as f64).round() as isize;
    let sy = (f64::from(camera.dy) * h as f64).round() as isize;
    let moved = sx != 0 || sy != 0;
    for y in 0..h {
        let row = &grey.px[y * w..(y + 1) * w];
        let mut s = Row::default();
        for (x, &v) in row.iter().enumerate() {
            let v = i32::from(v);
            if v < lo {
                s.add(x, (lo - v) as u64);
            } else if v > hi {
                s.add(x, (v - hi) as u64);
            }
        }
        salient.add_row(y, &s);
        let Some(prev) = prev else { continue };
        differences(&mut plain, y, row, &prev.px[y * w..(y + 1) * w], 0);
        let py = y as isize - sy;
        if moved && py >= 0 && (py as usize) < h {
            differences(&mut undone, y, row, &prev.px[py as usize * w..(py as usize + 1) * w], sx);
        }
    }
    let plain = plain.cue(w, h);
    let moving =
        if moved { Some(undone.cue(w, h)).filter(|u| u.weight >= plain.weight).unwrap_or(plain) } else { plain };
    FrameRoi { moving, salient: salient.cue(w, h) }
}

/// Collects the frames' cues as they stream by (keeping the previous grey frame only), and
/// makes the smoothed path at the end.
#[derive(Default)]
pub struct Tracker {
    prev: Option<Thumb>,
    frames: Vec<FrameRoi>,
}

impl Tracker {
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// Adds the next frame (see [`frame_roi`]).
    pub fn push(&mut self, grey: &Thumb, camera: &Motion, luma: f32, contrast: f32) {
        self.frames.push(frame_roi(self.prev.as_ref(), grey, camera, luma, contrast));
        match &mut self.prev {
            Some(p) if p.px.len() == grey.px.len() => {
                p.px.copy_from_slice(&grey.px);
                (p.w, p.h) = (grey.w, grey.h);
            }
            p => *p = Some(grey.clone()),
        }
    }

    /// The path (see [`path`]).
    pub fn finish(self, boundaries: &[Boundary], fps: f64) -> Vec<RoiPoint> {
        path(&self.frames, boundaries, fps)
    }
}

/// The smoothed path of one shot's frames, (x, y, weight) a frame. First, over a centred
/// window (cut short at the shot's ends), the weighted least-squares line through the
/// cues, read at the frame — with the frame's centre as a weak prior at every frame, so the
/// path drifts back there when nothing moves or stands out, and a line so that motion is
/// followed without lag or lead even at the shot's ends. Then a plain mean of that over the
/// same window, narrowed to stay centred near the ends, so the path moves gradually even
/// where the cues come and go. Linear motion comes through both unchanged.
fn smooth(frames: &[FrameRoi], still: &[bool], half: usize) -> Vec<[f32; 3]> {
    let n = frames.len();
    let still_next = still.get(1).copied().unwrap_or(true);
    // Per frame: the position of the cues and the prior together, their weight, and the
    // weight to report.
    let cues: Vec<[f64; 4]> = frames
        .iter()
        .zip(still)
        .enumerate()
        .map(|(i, (f, &still))| {
            // A shot's first frame has no motion of its own: it takes the next frame's (the
            // change between them is as much the first frame's).
            let moved = if !still {
                Some(f.moving)
            } else if i == 0 && n > 1 && !still_next {
                Some(frames[1].moving)
            } else {
                None
            };
            let moving = moved.map_or(0.0, |m| f64::from(m.weight));
            let m = moved.unwrap_or_default();
            let wm = f64::from(MOTION_PRIORITY) * moving;
            // What stands out counts only as far as nothing moves (not at all once the
            // motion's weight reaches one half).
            let ws = f64::from(f.salient.weight) * (1.0 - 2.0 * moving).max(0.0);
            let (prior, w) = (f64::from(PRIOR), wm + ws + f64::from(PRIOR));
            let x = (wm * f64::from(m.x) + ws * f64::from(f.salient.x) + prior * 0.5) / w;
            let y = (wm * f64::from(m.y) + ws * f64::from(f.salient.y) + prior * 0.5) / w;
            let report = moving.max(f64::from(f.salient.weight)).min(1.0);
            [x, y, w, report]
        })
        .collect();
    let fitted: Vec<[f64; 3]> = (0..n)
        .map(|i| {
            let (lo, hi) = (i.saturating_sub(half), (i + half + 1).min(n));
            let (mut sw, mut st, mut stt, mut sx, mut stx, mut sy, mut sty, mut sr) =
                (0.0f64, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
            for (j, &[x, y, w, r]) in cues[lo..hi].iter().enumerate() {
                let t = (lo + j) as f64 - i as f64;
                sw += w;
                st += w * t;
                stt += w * t * t;
                sx += w * x;
                stx += w * t * x;
                sy += w * y;
                sty += w * t * y;
                sr += r;
            }
            let tm = st / sw;
            let var = stt - st * tm;
            // The line's value at t = 0 (this frame).
            let at = |s: f64, ts: f64| {
                let mean = s / sw;
                let slope = if var > 1e-9 { (ts - st * mean) / var } else { 0.0 };
                (mean - slope * tm).clamp(0.0, 1.0)
            };
            [at(sx, stx), at(sy, sty), sr / (hi - lo) as f64]
        })
        .collect();
    (0..n)
        .map(|i| {
            let k = half.min(i).min(n - 1 - i);
            let window = &fitted[i - k..=i + k];
            let len = window.len() as f64;
            [0, 1, 2].map(|c| (window.iter().map(|v| v[c]).sum::<f64>() / len) as f32)
        })
        .collect()
}

fn round3(v: f32) -> f32 {
    (v * 1000.0).round() / 1000.0
}

/// The region-of-interest path of a video from its frames' cues: smoothed within each shot
/// (the shots begin at `boundaries`, which reset the smoothing; motion measured across a
/// transition counts for nothing), sampled every ~0.2 s and at every shot's first and last
/// frame. Frame `i` is at `i / fps` seconds.
pub fn path(frames: &[FrameRoi], boundaries: &[Boundary], fps: f64) -> Vec<RoiPoint> {
    let n = frames.len();
    let fps = if fps.is_finite() && fps > 0.0 { fps } else { 25.0 };
    let half = ((fps * SMOOTH_SECS / 2.0).round() as usize).max(1);
    let step = ((fps * STEP_SECS).round() as usize).max(1);
    let mut edges: Vec<usize> = vec![0];
    edges.extend(boundaries.iter().map(|b| b.frame).filter(|&f| f > 0 && f < n));
    edges.push(n);
    edges.sort_unstable();
    edges.dedup();
    // Frames whose difference from the one before is no motion: the first, and transitions.
    let mut still = vec![false; n];
    for b in boundaries {
        for s in still.iter_mut().take(b.last.max(b.frame) + 1).skip(b.first.min(b.frame)) {
            *s = true;
        }
    }
    if let Some(s) = still.first_mut() {
        *s = true;
    }
    let ms = |i: usize| (i as f64 * 1000.0 / fps).round() as u64;
    let mut out = Vec::with_capacity(n / step + 2 * edges.len());
    for w in edges.windows(2) {
        let (s, e) = (w[0], w[1]);
        let path = smooth(&frames[s..e], &still[s..e], half);
        let last = e - s - 1;
        for (i, p) in path.iter().enumerate() {
            if i % step == 0 || i == last {
                out.push(RoiPoint { t_ms: ms(s + i), x: round3(p[0]), y: round3(p[1]), weight: round3(p[2]) });
            }
        }
    }
    out
}

/// The path at `t_ms`: interpolated linearly between the points around it, the first or
/// last point outside the path, the centre (weight 0) when there is none.
pub fn roi_at(roi: &[RoiPoint], t_ms: u64) -> RoiPoint {
    let k = roi.partition_point(|p| p.t_ms <= t_ms);
    match (k.checked_sub(1).map(|i| roi[i]), roi.get(k).copied()) {
        (None, None) => RoiPoint::centre(t_ms),
        (Some(a), None) => RoiPoint { t_ms, ..a },
        (None, Some(b)) => RoiPoint { t_ms, ..b },
        (Some(a), Some(b)) => {
            let f = (t_ms - a.t_ms) as f32 / (b.t_ms - a.t_ms).max(1) as f32;
            let lerp = |p: f32, q: f32| p + (q - p) * f;
            RoiPoint { t_ms, x: lerp(a.x, b.x), y: lerp(a.y, b.y), weight: lerp(a.weight, b.weight) }
        }
    }
}

/// The width and height, as fractions of a `src_w`×`src_h` frame, of the largest part of
/// it with the shape of `dst_w`×`dst_h` — what `fit: cover` crops. A 9:16 crop of 16:9
/// footage is (0.316, 1).
pub fn cover_fraction(src_w: u32, src_h: u32, dst_w: u32, dst_h: u32) -> (f32, f32) {
    let src = f64::from(src_w.max(1)) / f64::from(src_h.max(1));
    let dst = f64::from(dst_w.max(1)) / f64::from(dst_h.max(1));
    if src > dst { ((dst / src) as f32, 1.0) } else { (1.0, (src / dst) as f32) }
}

/// The centre of a `crop_w`×`crop_h` crop (fractions of the frame) as near (`x`, `y`) as it
/// can be with the crop inside the frame.
pub fn clamp_centre(x: f32, y: f32, crop_w: f32, crop_h: f32) -> Point {
    let clamp = |v: f32, size: f32| {
        let half = f64::from(size.clamp(0.0, 1.0)) / 2.0;
        f64::from(v).clamp(half, 1.0 - half)
    };
    Point { x: clamp(x, crop_w), y: clamp(y, crop_h) }
}

/// Where a `crop_w`×`crop_h` crop (fractions of the frame) following the path is centred at
/// `t_ms`: the path there, clamped so the crop stays inside the frame. It is what
/// `Segment.focus` means (the point of the source kept in frame, in fractions of the
/// source; `fit: cover` centres its crop there and clamps it the same way).
pub fn crop_centre_at(roi: &[RoiPoint], t_ms: u64, crop_w: f32, crop_h: f32) -> Point {
    let p = roi_at(roi, t_ms);
    clamp_centre(p.x, p.y, crop_w, crop_h)
}

/// The crop centres along `[from_ms, to_ms]` every 40 ms (and at `to_ms`).
fn centres(roi: &[RoiPoint], from_ms: u64, to_ms: u64, crop_w: f32, crop_h: f32) -> Vec<(u64, Point)> {
    let to_ms = to_ms.max(from_ms);
    let mut out: Vec<(u64, Point)> =
        (from_ms..to_ms).step_by(40).map(|t| (t, crop_centre_at(roi, t, crop_w, crop_h))).collect();
    out.push((to_ms, crop_centre_at(roi, to_ms, crop_w, crop_h)));
    out
}

/// A linear pan for the span `[from_ms, to_ms]` of a video that follows its path as well as
/// a straight line can: the least-squares line through the crop centres along the span
/// (see [`crop_centre_at`]), its ends clamped so a `crop_w`×`crop_h` crop (fractions of the
/// frame, e.g. from [`cover_fraction`]) stays inside the frame all the way. Returns the
/// centre at the start and at the end, in fractions of the source frame.
pub fn crop_path(roi: &[RoiPoint], from_ms: u64, to_ms: u64, crop_w_frac: f32, crop_h_frac: f32) -> (Point, Point) {
    let c = centres(roi, from_ms, to_ms, crop_w_frac, crop_h_frac);
    let n = c.len() as f64;
    let span = to_ms.saturating_sub(from_ms) as f64;
    if span <= 0.0 {
        return (c[0].1, c[0].1);
    }
    let ts: Vec<f64> = c.iter().map(|(t, _)| (*t - from_ms) as f64 / span).collect();
    let mt = ts.iter().sum::<f64>() / n;
    let vt: f64 = ts.iter().map(|t| (t - mt).powi(2)).sum();
    let fit = |v: &dyn Fn(&Point) -> f64| {
        let mv = c.iter().map(|(_, p)| v(p)).sum::<f64>() / n;
        let cov: f64 = ts.iter().zip(&c).map(|(t, (_, p))| (t - mt) * (v(p) - mv)).sum();
        let slope = if vt > 0.0 { cov / vt } else { 0.0 };
        (mv - slope * mt, mv + slope * (1.0 - mt))
    };
    let (x0, x1) = fit(&|p| p.x);
    let (y0, y1) = fit(&|p| p.y);
    (
        clamp_centre(x0 as f32, y0 as f32, crop_w_frac, crop_h_frac),
        clamp_centre(x1 as f32, y1 as f32, crop_w_frac, crop_h_frac),
    )
}

/// A linear pan of a crop: its centre moves from `from` at `from_ms` to `to` at `to_ms`
/// (fractions of the source frame).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CropSpan {
    pub from_ms: u64,
    pub to_ms: u64,
    pub from: Point,
    pub to: Point,
}

impl CropSpan {
    /// The centre at `t_ms` (clamped to the span).
    pub fn at(&self, t_ms: u64) -> Point {
        let f = if self.to_ms > self.from_ms {
            (t_ms.clamp(self.from_ms, self.to_ms) - self.from_ms) as f64 / (self.to_ms - self.from_ms) as f64
        } else {
            0.0
        };
        Point { x: self.from.x + (self.to.x - self.from.x) * f, y: self.from.y + (self.to.y - self.from.y) * f }
    }
}

/// Spans shorter than this are not split further.
const MIN_SPAN_MS: u64 = 200;

/// Linear pans that follow the path over `[from_ms, to_ms]` when one line cannot: the span
/// is split where the path strays furthest from the line (as Douglas–Peucker does) until
/// the crop centres along each piece stray at most `tolerance` (a fraction of the frame, on
/// either axis) from its line, and pieces longer than `max_span_ms` are cut into equal
/// parts; pieces stop splitting at 200 ms. Each piece runs between crop centres on the path, so consecutive
/// pieces meet and the crop never jumps. A tolerance of a quarter of the crop's width keeps
/// anything within a quarter-width of the centre of interest inside the crop.
pub fn crop_spans(
    roi: &[RoiPoint],
    from_ms: u64,
    to_ms: u64,
    crop_w_frac: f32,
    crop_h_frac: f32,
    max_span_ms: u64,
    tolerance: f32,
) -> Vec<CropSpan> {
    let c = centres(roi, from_ms, to_ms, crop_w_frac, crop_h_frac);
    let mut out = Vec::new();
    split(&c, 0, c.len() - 1, max_span_ms.max(MIN_SPAN_MS), f64::from(tolerance.max(0.0)), &mut out);
    out
}

fn split(c: &[(u64, Point)], a: usize, b: usize, max_span_ms: u64, tolerance: f64, out: &mut Vec<CropSpan>) {
    let span = CropSpan { from_ms: c[a].0, to_ms: c[b].0, from: c[a].1, to: c[b].1 };
    let length = span.to_ms - span.from_ms;
    if b <= a + 1 || length <= MIN_SPAN_MS {
        out.push(span);
        return;
    }
    let (worst, off) = (a + 1..b)
        .map(|k| {
            let on = span.at(c[k].0);
            (k, (c[k].1.x - on.x).abs().max((c[k].1.y - on.y).abs()))
        })
        .max_by(|p, q| p.1.total_cmp(&q.1))
        .unwrap_or((a, 0.0));
    if off <= tolerance && length <= max_span_ms {
        out.push(span);
        return;
    }
    if off > tolerance {
        split(c, a, worst, max_span_ms, tolerance, out);
        split(c, worst, b, max_span_ms, tolerance, out);
        return;
    }
    // Straight enough but too long: equal pieces.
    let pieces = length.div_ceil(max_span_ms) as usize;
    let cuts: Vec<usize> = (0..=pieces).map(|k| a + (b - a) * k / pieces).collect();
    for w in cuts.windows(2) {
        if w[1] > w[0] {
            split(c, w[0], w[1], max_span_ms, tolerance, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shots::Kind;

    const W: usize = 160;
    const H: usize = 90;

    /// A dark frame with a bright `size`-pixel square whose top left is at (x, y).
    fn square(x: usize, y: usize, size: usize) -> Thumb {
        let mut px = vec![10u8; W * H];
        for yy in y..(y + size).min(H) {
            for xx in x..(x + size).min(W) {
                px[yy * W + xx] = 240;
            }
        }
        Thumb { w: W, h: H, px }
    }

    fn stats(t: &Thumb) -> (f32, f32) {
        let n = t.px.len() as f32;
        let mean = t.px.iter().map(|&v| f32::from(v)).sum::<f32>() / n;
        let var = t.px.iter().map(|&v| (f32::from(v) - mean).powi(2)).sum::<f32>() / n;
        (mean / 255.0, var.sqrt() / 255.0)
    }

    fn track(frames: &[Thumb]) -> Tracker {
        let mut t = Tracker::new();
        for f in frames {
            let (luma, contrast) = stats(f);
            t.push(f, &Motion::default(), luma, contrast);
        }
        t
    }

    #[test]
    fn a_bright_square_is_found_by_both_cues() {
        let a = square(20, 40, 10);
        let b = square(23, 40, 10);
        let (luma, contrast) = stats(&b);
        let f = frame_roi(Some(&a), &b, &Motion::default(), luma, contrast);
        assert!((f.salient.x - 28.0 / 160.0).abs() < 0.01 && (f.salient.y - 45.0 / 90.0).abs() < 0.01, "{f:?}");
        assert!(f.salient.weight > 0.8, "{f:?}");
        // What changed: columns 20–22 (left behind) and 30–32 (newly covered).
        assert!((f.moving.x - 26.5 / 160.0).abs() < 0.01, "{f:?}");
        assert!(f.moving.weight > 0.5, "{f:?}");
    }

    #[test]
    fn flat_and_uniformly_busy_frames_have_no_interest() {
        let flat = Thumb { w: W, h: H, px: vec![90; W * H] };
        let f = frame_roi(Some(&flat), &flat, &Motion::default(), 90.0 / 255.0, 0.0);
        assert_eq!(f, FrameRoi::default());
        // Noise everywhere: lots passes, but spread over the whole frame.
        let noise = |seed: u32| Thumb {
            w: W,
            h: H,
            px: (0..(W * H) as u32).map(|i| ((i ^ seed).wrapping_mul(2_654_435_761) >> 24) as u8).collect(),
        };
        let (a, b) = (noise(0), noise(77));
        let (luma, contrast) = stats(&b);
        let f = frame_roi(Some(&a), &b, &Motion::default(), luma, contrast);
        assert!(f.moving.weight < MIN_WEIGHT && f.salient.weight < MIN_WEIGHT, "{f:?}");
    }

    #[test]
    fn camera_motion_is_undone() {
        // A textured picture panned by 4 px: nothing moved relative to the camera.
        let view = |ox: usize| Thumb {
            w: W,
            h: H,
            px: (0..W * H)
                .map(|i| {
                    let (x, y) = ((i % W + ox) as f32, (i / W) as f32);
                    (128.0 + 100.0 * (x * 0.3).sin() * (y * 0.2).cos()) as u8
                })
                .collect(),
        };
        let (a, b) = (view(0), view(4));
        let (luma, contrast) = stats(&b);
        let camera = Motion { dx: -4.0 / W as f32, ..Motion::default() };
        assert_eq!(frame_roi(Some(&a), &b, &camera, luma, contrast).moving, Cue::default());
        // Not undone, the whole textured frame differs: spread out, so weak at most.
        assert!(frame_roi(Some(&a), &b, &Motion::default(), luma, contrast).moving.weight < 0.2);
    }

    #[test]
    fn the_path_follows_smoothly_and_resets_at_a_cut() {
        // 2 s of a square moving right, then 2 s of one still at the right.
        let mut frames: Vec<Thumb> = (0..60).map(|k| square(10 + k, 40, 10)).collect();
        frames.extend((0..60).map(|_| square(130, 20, 10)));
        let cut = Boundary { frame: 60, kind: Kind::Cut, confidence: 1.0, first: 60, last: 60 };
        let path = track(&frames).finish(&[cut], 30.0);
        // Every 200 ms, plus each shot's last frame.
        assert_eq!(path.iter().filter(|p| p.t_ms < 2000).count(), 11, "{path:?}");
        let (a, b): (Vec<RoiPoint>, Vec<RoiPoint>) = path.iter().partition(|p| p.t_ms < 2000);
        for p in &a {
            let want = (10.0 + p.t_ms as f32 * 0.03 + 5.0) / 160.0;
            assert!((p.x - want).abs() < 0.02, "{p:?}, want x {want}");
            assert!(p.weight > 0.5, "{p:?}");
        }
        for p in &b {
            assert!((p.x - 135.0 / 160.0).abs() < 0.01 && (p.y - 25.0 / 90.0).abs() < 0.01, "{p:?}");
        }
        assert_eq!(b[0].t_ms, 2000);
        for w in a.windows(2) {
            assert!((w[1].x - w[0].x).abs() < 0.05, "{w:?}");
        }
    }

    #[test]
    fn nothing_to_follow_is_the_centre() {
        let frames: Vec<Thumb> = (0..45).map(|_| Thumb { w: W, h: H, px: vec![60; W * H] }).collect();
        let path = track(&frames).finish(&[], 30.0);
        assert_eq!(path.len(), 9);
        assert!(path.iter().all(|p| (p.x, p.y, p.weight) == (0.5, 0.5, 0.0)), "{path:?}");
        assert_eq!(path.last().unwrap().t_ms, 1467);
        assert!(track(&[]).finish(&[], 30.0).is_empty());
    }

    fn line(points: &[(u64, f32)]) -> Vec<RoiPoint> {
        points.iter().map(|&(t_ms, x)| RoiPoint { t_ms, x, y: 0.5, weight: 1.0 }).collect()
    }

    #[test]
    fn crops_follow_and_stay_inside() {
        assert_eq!(cover_fraction(1920, 1080, 1080, 1920), (0.31640625, 1.0));
        assert_eq!(cover_fraction(1080, 1920, 1920, 1080), (1.0, 0.31640625));
        assert_eq!(cover_fraction(640, 360, 1280, 720), (1.0, 1.0));
        let (cw, ch) = (0.3, 1.0);
        let roi = line(&[(0, 0.1), (1000, 0.5), (2000, 0.9)]);
        let c = crop_centre_at(&roi, 500, cw, ch);
        assert!((c.x - 0.3).abs() < 1e-6 && (c.y - 0.5).abs() < 1e-6, "{c:?}");
        // At the ends the crop is held inside the frame.
        assert!((crop_centre_at(&roi, 0, cw, ch).x - 0.15).abs() < 1e-6);
        assert!((crop_centre_at(&roi, 5000, cw, ch).x - 0.85).abs() < 1e-6);
        // A straight path gives its own line.
        let (a, b) = crop_path(&roi, 500, 1500, cw, ch);
        assert!((a.x - 0.3).abs() < 1e-3 && (b.x - 0.7).abs() < 1e-3, "{a:?} {b:?}");
        // Nothing known: the centre.
        assert_eq!(crop_path(&[], 0, 1000, cw, ch), (Point::CENTER, Point::CENTER));
        // There and back: one line cannot follow, pieces can, and they meet.
        let roi = line(&[(0, 0.2), (2000, 0.8), (4000, 0.2)]);
        let (a, b) = crop_path(&roi, 0, 4000, cw, ch);
        assert!((a.x - b.x).abs() < 0.01, "{a:?} {b:?}");
        let spans = crop_spans(&roi, 0, 4000, cw, ch, 2000, 0.05);
        assert!(spans.len() >= 2 && spans.iter().all(|s| s.to_ms - s.from_ms <= 2000), "{spans:?}");
        assert_eq!((spans[0].from_ms, spans.last().unwrap().to_ms), (0, 4000));
        for w in spans.windows(2) {
            assert_eq!((w[0].to_ms, w[0].to), (w[1].from_ms, w[1].from));
        }
        for t in (0..4000).step_by(50) {
            let s = spans.iter().find(|s| s.from_ms <= t && t <= s.to_ms).unwrap();
            assert!((s.at(t).x - crop_centre_at(&roi, t, cw, ch).x).abs() <= 0.05 + 1e-6, "at {t}: {spans:?}");
        }
        // Long straight stretches are still cut to the longest span.
        let spans = crop_spans(&line(&[(0, 0.5), (10_000, 0.5)]), 0, 10_000, cw, ch, 2000, 0.05);
        assert!(spans.len() == 5 && spans.iter().all(|s| s.to_ms - s.from_ms <= 2000), "{spans:?}");
    }
}
