//! Frames and layers as premultiplied RGBA pixels, and the few per-frame operations the
//! renderer needs, written for speed: alpha-over with sub-pixel offsets that skip empty
//! rows, a bilinear zoom, per-row displaced copies (water, heat shimmer) and small sprites.

/// An RGBA image, premultiplied alpha, rows top to bottom.
#[derive(Clone, Debug)]
pub struct Image {
    pub w: usize,
    pub h: usize,
    pub px: Vec<[u8; 4]>,
    /// Per row, the first and one-past-last column with any alpha (`(0, 0)`: empty).
    pub rows: Vec<(u32, u32)>,
    /// Per row, the longest run of fully opaque columns (`(0, 0)`: none).
    pub solid: Vec<(u32, u32)>,
}

/// `x · a / 255`, rounded.
#[inline]
pub fn mul255(x: u32, a: u32) -> u32 {
    let t = x * a + 128;
    (t + (t >> 8)) >> 8
}

impl Image {
    pub fn new(w: usize, h: usize) -> Image {
        Image { w, h, px: vec![[0; 4]; w * h], rows: vec![(0, 0); h], solid: vec![(0, 0); h] }
    }

    pub fn filled(w: usize, h: usize, c: [u8; 4]) -> Image {
        let mut i = Image { w, h, px: vec![c; w * h], rows: Vec::new(), solid: Vec::new() };
        i.measure();
        i
    }

    /// From tiny-skia's premultiplied RGBA bytes.
    pub fn from_rgba(w: usize, h: usize, data: &[u8]) -> Image {
        let px = data.chunks_exact(4).map(|c| [c[0], c[1], c[2], c[3]]).collect();
        let mut i = Image { w, h, px, rows: Vec::new(), solid: Vec::new() };
        i.measure();
        i
    }

    /// Recomputes which columns of each row hold anything, and which are opaque.
    pub fn measure(&mut self) {
        self.solid = self
            .px
            .chunks_exact(self.w.max(1))
            .map(|row| {
                let (mut best, mut start) = ((0, 0), None);
                for (x, p) in row.iter().enumerate().chain(std::iter::once((row.len(), &[0u8; 4]))) {
                    match (p[3] == 255, start) {
                        (true, None) => start = Some(x),
                        (false, Some(s)) => {
                            if x - s > (best.1 - best.0) as usize {
                                best = (s as u32, x as u32);
                            }
                            start = None;
                        }
                        _ => {}
                    }
                }
                best
            })
            .collect();
        self.rows = self
            .px
            .chunks_exact(self.w.max(1))
            .map(|row| {
                let first = row.iter().position(|p| p[3] != 0);
                match first {
                    None => (0, 0),
                    Some(f) => (f as u32, row.iter().rposition(|p| p[3] != 0).map_or(0, |l| l as u32 + 1)),
                }
            })
            .collect();
    }

    pub fn bytes(&self) -> &[u8] {
        self.px.as_flattened()
    }

    #[inline]
    pub fn get(&self, x: usize, y: usize) -> [u8; 4] {
        self.px[y * self.w + x]
    }

    /// Copies `src` (opaque, at least as large) into self, its column `sx` at column 0 and
    /// its row `sy` at row 0; only rows for which `rows(y)` holds.
    pub fn copy_from(&mut self, src: &Image, sx: usize, sy: usize, rows: impl Fn(usize) -> bool) {
        let w = self.w.min(src.w.saturating_sub(sx));
        for y in (0..self.h.min(src.h.saturating_sub(sy))).filter(|y| rows(*y)) {
            let s = (sy + y) * src.w + sx;
            self.px[y * self.w..y * self.w + w].copy_from_slice(&src.px[s..s + w]);
        }
    }

    /// Draws `src` over self with its left edge at `x` (sub-pixel) and top at `y`,
    /// at `opacity` (0–255).
    pub fn over(&mut self, src: &Image, x: f32, y: i32, opacity: u32) {
        self.over_rows(src, x, y, opacity, |_| true);
    }

    /// [`Image::over`] on the rows of self for which `rows(y)` holds.
    pub fn over_rows(&mut self, src: &Image, x: f32, y: i32, opacity: u32, rows: impl Fn(usize) -> bool) {
        if opacity == 0 {
            return;
        }
        let xi = x.floor();
        let frac = ((x - xi) * 256.0) as u32;
        let xi = xi as i64;
        for dy in 0..self.h as i64 {
            let sy = dy - i64::from(y);
            if sy < 0 || sy >= src.h as i64 || !rows(dy as usize) {
                continue;
            }
            let (r0, r1) = src.rows[sy as usize];
            if r0 >= r1 {
                continue;
            }
            // Destination columns that can see source columns r0-1 ..= r1.
            let lo = (i64::from(r0) + xi).max(0);
            let hi = (i64::from(r1) + xi + 1).min(self.w as i64);
            if lo >= hi {
                continue;
            }
            let srow = &src.px[sy as usize * src.w..(sy as usize + 1) * src.w];
            let drow = &mut self.px[dy as usize * self.w..(dy as usize + 1) * self.w];
            for dx in lo..hi {
                // This pixel mixes source columns sx-1 (weight frac) and sx (256-frac).
                let sx = dx - xi;
                let b = if sx >= 0 && (sx as usize) < src.w { srow[sx as usize] } else { [0; 4] };
                let s = if frac == 0 {
                    b
                } else {
                    let a = if sx >= 1 && ((sx - 1) as usize) < src.w { srow[(sx - 1) as usize] } else { [0; 4] };
                    lerp(a, b, frac)
                };
                blend(&mut drow[dx as usize], s, opacity);
            }
        }
    }

    /// Whether row `y` of self, drawn with its left edge at `x`, hides the whole of a
    /// `w`-wide row under it.
    pub fn covers(&self, y: usize, x: f32, w: usize) -> bool {
        let (s0, s1) = self.solid[y];
        let xi = x.floor() as i64;
        s0 < s1 && i64::from(s0) + xi < 0 && i64::from(s1) + xi > w as i64 + 1
    }

    /// Sets self to `src` zoomed by `scale` (≥ 1) about the point (`cx`, `cy`) of `src`,
    /// which lands at the centre of self. Bilinear.
    pub fn zoom_from(&mut self, src: &Image, scale: f32, cx: f32, cy: f32) {
        let inv = 1.0 / scale.max(0.01);
        let (w, h) = (self.w, self.h);
        let col = |d: usize, size: usize, c: f32, half: f32| {
            let s = (c + (d as f32 + 0.5 - half) * inv - 0.5).clamp(0.0, (size - 1) as f32);
            let i = (s.floor() as usize).min(size.saturating_sub(2));
            (i, ((s - i as f32) * 256.0).min(256.0) as u32)
        };
        let xs: Vec<(usize, u32)> = (0..w).map(|d| col(d, src.w, cx, w as f32 / 2.0)).collect();
        for dy in 0..h {
            let (sy, fy) = col(dy, src.h, cy, h as f32 / 2.0);
            let r0 = &src.px[sy * src.w..(sy + 1) * src.w];
            let r1 = &src.px[(sy + 1).min(src.h - 1) * src.w..((sy + 1).min(src.h - 1) + 1) * src.w];
            let drow = &mut self.px[dy * w..(dy + 1) * w];
            for (d, &(sx, fx)) in drow.iter_mut().zip(&xs) {
                let top = lerp(r0[sx], r0[sx + 1], 256 - fx);
                let bottom = lerp(r1[sx], r1[sx + 1], 256 - fx);
                *d = lerp(top, bottom, 256 - fy);
            }
        }
    }

    /// Rows from `top` down become mirrored rows from above it: `row(d)` gives, for the
    /// `d`-th row under `top`, the source row (above `top`), a sideways shift and how far
    /// (0–256) to mix toward `tint` — water.
    pub fn reflect(&mut self, top: usize, tint: [u8; 4], row: impl Fn(usize) -> (usize, f32, u32)) {
        let w = self.w;
        let top = top.min(self.h);
        let (above, below) = self.px.split_at_mut(top * w);
        for (d, drow) in below.chunks_exact_mut(w).enumerate() {
            let (sy, shift, amount) = row(d);
            let sy = sy.min(top.saturating_sub(1));
            shift_into(drow, &above[sy * w..(sy + 1) * w], shift, tint, amount);
        }
    }

    /// Shifts each row from `from` down sideways by `shift(y)` pixels — heat shimmer.
    pub fn shimmer(&mut self, from: usize, shift: impl Fn(usize) -> f32) {
        let mut tmp = vec![[0u8; 4]; self.w];
        for y in from..self.h {
            let row = &mut self.px[y * self.w..(y + 1) * self.w];
            tmp.copy_from_slice(row);
            shift_into(row, &tmp, shift(y), [0; 4], 0);
        }
    }

    /// Fills the rectangle (clipped) with colour `c` at `opacity` (0–255).
    pub fn rect(&mut self, x: i64, y: i64, w: i64, h: i64, c: [u8; 4], opacity: u32) {
        let (x0, y0) = (x.max(0), y.max(0));
        let (x1, y1) = ((x + w).min(self.w as i64), (y + h).min(self.h as i64));
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        for yy in y0..y1 {
            let row = &mut self.px[yy as usize * self.w..(yy as usize + 1) * self.w];
            for p in &mut row[x0 as usize..x1 as usize] {
                blend(p, c, opacity);
            }
        }
    }

    /// A sprite drawn with its top-left corner at (`x`, `y`) (whole pixels, clipped).
    pub fn sprite(&mut self, s: &Image, x: i64, y: i64, opacity: u32) {
        for sy in 0..s.h as i64 {
            let dy = y + sy;
            if dy < 0 || dy >= self.h as i64 {
                continue;
            }
            for sx in 0..s.w as i64 {
                let dx = x + sx;
                if dx < 0 || dx >= self.w as i64 {
                    continue;
                }
                let p = s.px[(sy as usize) * s.w + sx as usize];
                if p[3] != 0 {
                    blend(&mut self.px[dy as usize * self.w + dx as usize], p, opacity);
                }
            }
        }
    }

    /// A straight anti-aliased-by-length streak from (x0,y0) to (x1,y1), fading from
    /// transparent at the start to `c` at the end (rain).
    pub fn streak(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, c: [u8; 4], opacity: u32) {
        let steps = ((x1 - x0).abs().max((y1 - y0).abs()).ceil() as usize).max(1);
        for i in 0..=steps {
            let t = i as f32 / steps as f32;
            let (x, y) = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t);
            if x < 0.0 || y < 0.0 || x >= self.w as f32 || y >= self.h as f32 {
                continue;
            }
            let o = (opacity as f32 * t) as u32;
            blend(&mut self.px[y as usize * self.w + x as usize], c, o);
        }
    }
}

/// `drow` = `srow` shifted right by `shift` pixels (edges clamped), mixed toward `tint` by
/// `amount` (0–256).
fn shift_into(drow: &mut [[u8; 4]], srow: &[[u8; 4]], shift: f32, tint: [u8; 4], amount: u32) {
    let xi = shift.floor();
    let frac = ((shift - xi) * 256.0) as u32;
    let xi = xi as i64;
    let last = srow.len() as i64 - 1;
    for (dx, d) in drow.iter_mut().enumerate() {
        let sx = (dx as i64 - xi).clamp(0, last) as usize;
        let p =
            if frac == 0 { srow[sx] } else { lerp(srow[(dx as i64 - xi - 1).clamp(0, last) as usize], srow[sx], frac) };
        *d = if amount == 0 { p } else { lerp(p, tint, 256 - amount) };
    }
}

/// The four channels of a pixel spread into 16-bit lanes of a `u64` (r, b, g, a), so one
/// multiplication scales all of them.
const LANES: u64 = 0x00FF_00FF_00FF_00FF;

#[inline]
fn spread(p: [u8; 4]) -> u64 {
    let p = u64::from(u32::from_le_bytes(p));
    (p | (p << 24)) & LANES
}

#[inline]
fn pack(x: u64) -> [u8; 4] {
    let x = x & LANES;
    ((x | (x >> 24)) as u32).to_le_bytes()
}

/// `a·f + b·(256−f)` per channel, `f` in 0–256.
#[inline]
pub fn lerp(a: [u8; 4], b: [u8; 4], f: u32) -> [u8; 4] {
    let f = u64::from(f);
    pack((spread(a) * f + spread(b) * (256 - f)) >> 8)
}

/// Premultiplied `s` over `d`, with `s` scaled by `opacity` (0–255).
#[inline]
pub fn blend(d: &mut [u8; 4], s: [u8; 4], opacity: u32) {
    let mut sl = spread(s);
    let mut a = u32::from(s[3]);
    if opacity < 255 {
        let o = u64::from(opacity + (opacity >> 7));
        sl = (sl * o) >> 8 & LANES;
        a = (a * (opacity + (opacity >> 7))) >> 8;
    }
    if a == 0 {
        return;
    }
    if a >= 255 {
        *d = pack(sl);
        return;
    }
    // d·(255−a)/255 in every lane, rounded.
    let t = spread(*d) * u64::from(255 - a) + 0x0080_0080_0080_0080;
    *d = pack(sl + (((t + ((t >> 8) & LANES)) >> 8) & LANES));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_places_and_mixes_sub_pixels() {
        let mut src = Image::new(2, 1);
        src.px[0] = [255, 255, 255, 255];
        src.measure();
        let mut dst = Image::filled(6, 1, [0, 0, 0, 255]);
        dst.over(&src, 2.0, 0, 255);
        assert_eq!(dst.px[2], [255, 255, 255, 255]);
        assert_eq!(dst.px[1], [0, 0, 0, 255]);
        let mut dst = Image::filled(6, 1, [0, 0, 0, 255]);
        dst.over(&src, 2.5, 0, 255);
        assert!((120..=136).contains(&dst.px[2][0]), "{:?}", dst.px);
        assert!((120..=136).contains(&dst.px[3][0]), "{:?}", dst.px);
        assert_eq!(dst.px[4][0], 0);
    }

    #[test]
    fn zoom_keeps_the_centre_and_enlarges() {
        let mut src = Image::filled(100, 100, [0, 0, 0, 255]);
        for y in 40..60 {
            for x in 40..60 {
                src.px[y * 100 + x] = [255, 255, 255, 255];
            }
        }
        let mut dst = Image::new(100, 100);
        dst.zoom_from(&src, 2.0, 50.0, 50.0);
        let white = dst.px.iter().filter(|p| p[0] > 128).count();
        assert!((1500..1700).contains(&white), "{white}");
        assert!(dst.get(50, 50)[0] > 250);
    }

    #[test]
    fn blending_is_premultiplied_over() {
        let mut d = [0, 0, 200, 255];
        blend(&mut d, [100, 0, 0, 128], 255);
        assert_eq!(d[0], 100);
        assert!((98..=101).contains(&d[2]));
        assert_eq!(d[3], 255);
    }
}
