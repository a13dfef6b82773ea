//! Global motion between two frames: the camera's translation, found by matching grey
//! thumbnails coarse to fine (with sub-pixel refinement), and how much is left different
//! once that translation is undone.

use crate::features::Thumb;

/// How one frame moved relative to the previous.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Motion {
    /// Translation in fractions of the frame width/height.
    pub dx: f32,
    pub dy: f32,
    /// Mean absolute difference without compensation, 0–1.
    pub raw: f32,
    /// Mean absolute difference after undoing the translation, 0–1.
    pub residual: f32,
}

/// Mean absolute difference of `b` shifted by (dx, dy) against `a`, over the overlap.
fn mad(a: &[u8], b: &[u8], w: usize, h: usize, dx: i32, dy: i32) -> f64 {
    let (w, h) = (w as i32, h as i32);
    let (x0, x1) = (0.max(-dx), w.min(w - dx));
    let (y0, y1) = (0.max(-dy), h.min(h - dy));
    if x1 - x0 < w / 2 || y1 - y0 < h / 2 {
        return f64::MAX;
    }
    let mut sum = 0u64;
    for y in y0..y1 {
        let ra = (y * w) as usize;
        let rb = ((y + dy) * w) as usize;
        for x in x0..x1 {
            sum += u64::from(a[ra + x as usize].abs_diff(b[rb + (x + dx) as usize]));
        }
    }
    sum as f64 / f64::from((x1 - x0) * (y1 - y0))
}

/// Half the size, averaging 2×2 blocks.
pub fn half(t: &Thumb) -> Thumb {
    let (w, h) = (t.w / 2, t.h / 2);
    let mut px = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let s = u32::from(t.px[2 * y * t.w + 2 * x])
                + u32::from(t.px[2 * y * t.w + 2 * x + 1])
                + u32::from(t.px[(2 * y + 1) * t.w + 2 * x])
                + u32::from(t.px[(2 * y + 1) * t.w + 2 * x + 1]);
            px[y * w + x] = (s / 4) as u8;
        }
    }
    Thumb { w, h, px }
}

/// Best integer shift within `radius` of `around`.
fn search(a: &Thumb, b: &Thumb, around: (i32, i32), radius: i32) -> ((i32, i32), f64) {
    let mut best = (around, f64::MAX);
    for dy in -radius..=radius {
        for dx in -radius..=radius {
            let s = (around.0 + dx, around.1 + dy);
            let m = mad(&a.px, &b.px, a.w, a.h, s.0, s.1);
            // Prefer no motion on ties (flat frames match anywhere).
            if m < best.1 - 1e-9 || (m <= best.1 + 1e-9 && s.0.abs() + s.1.abs() < best.0.0.abs() + best.0.1.abs()) {
                best = (s, m);
            }
        }
    }
    best
}

/// Camera motion from `prev` to `cur` (grey frames of the same size).
pub fn estimate(prev: &Thumb, cur: &Thumb) -> Motion {
    assert_eq!((prev.w, prev.h), (cur.w, cur.h));
    let raw = mad(&prev.px, &cur.px, prev.w, prev.h, 0, 0);
    if raw < 0.25 {
        return Motion { raw: (raw / 255.0) as f32, ..Motion::default() };
    }
    // A pyramid down to about 40 px wide; ±8 px there covers a fifth of the frame per frame.
    let mut levels: Vec<(Thumb, Thumb)> = Vec::new();
    while levels.last().map_or(prev.w, |(p, _)| p.w) >= 64 && levels.last().map_or(prev.h, |(p, _)| p.h) >= 16 {
        let next = match levels.last() {
            Some((p, c)) => (half(p), half(c)),
            None => (half(prev), half(cur)),
        };
        levels.push(next);
    }
    let mut shift = (0, 0);
    let mut radius = 8;
    for (p, c) in levels.iter().rev() {
        (shift, _) = search(p, c, (shift.0 * 2, shift.1 * 2), radius);
        radius = 1;
    }
    let (s0, m0) = search(prev, cur, (shift.0 * 2, shift.1 * 2), radius);
    // Sub-pixel: a parabola through the neighbours on each axis.
    let sub = |minus: f64, plus: f64| {
        let denom = minus - 2.0 * m0 + plus;
        if denom > 1e-9 && minus < f64::MAX && plus < f64::MAX {
            (0.5 * (minus - plus) / denom).clamp(-0.5, 0.5)
        } else {
            0.0
        }
    };
    let fx = sub(
        mad(&prev.px, &cur.px, prev.w, prev.h, s0.0 - 1, s0.1),
        mad(&prev.px, &cur.px, prev.w, prev.h, s0.0 + 1, s0.1),
    );
    let fy = sub(
        mad(&prev.px, &cur.px, prev.w, prev.h, s0.0, s0.1 - 1),
        mad(&prev.px, &cur.px, prev.w, prev.h, s0.0, s0.1 + 1),
    );
    // `cur` at x + s shows what `prev` showed at x: the picture moved by +s.
    Motion {
        dx: ((f64::from(s0.0) + fx) / prev.w as f64) as f32,
        dy: ((f64::from(s0.1) + fy) / prev.h as f64) as f32,
        raw: (raw / 255.0) as f32,
        residual: (m0.min(raw) / 255.0) as f32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A textured image, cropped at an offset: what a camera pan sees.
    fn view(ox: i32, oy: i32) -> Thumb {
        let (w, h) = (128usize, 72usize);
        let px = (0..w * h)
            .map(|i| {
                let (x, y) = ((i % w) as i32 + ox, (i / w) as i32 + oy);
                let v = 128.0
                    + 60.0 * ((x as f64) * 0.21).sin() * ((y as f64) * 0.17).cos()
                    + 40.0 * ((x + 2 * y) as f64 * 0.05).sin();
                v.clamp(0.0, 255.0) as u8
            })
            .collect();
        Thumb { w, h, px }
    }

    #[test]
    fn finds_pans() {
        for (dx, dy) in [(0, 0), (3, 0), (-7, 2), (20, -4), (-25, 0)] {
            let m = estimate(&view(0, 0), &view(dx, dy));
            // The view moved right by dx: content moves left, by −dx.
            assert!((m.dx * 128.0 + dx as f32).abs() < 0.6, "dx {dx}: {m:?}");
            assert!((m.dy * 72.0 + dy as f32).abs() < 0.6, "dy {dy}: {m:?}");
            assert!(m.residual < 0.01, "{m:?}");
        }
    }

    #[test]
    fn unrelated_pictures_stay_different() {
        let a = view(0, 0);
        let noise = (0..128 * 72u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let b = Thumb { w: 128, h: 72, px: noise };
        let m = estimate(&a, &b);
        assert!(m.residual > 0.1, "{m:?}");
    }
}
