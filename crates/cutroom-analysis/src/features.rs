//! What one frame looks like, in numbers: a colour histogram, a grey thumbnail for motion,
//! brightness, contrast, colourfulness, sharpness, saturation, warmth, and a few sampled
//! pixels for palettes. Pure: RGB bytes in, numbers out.

/// Bins of the colour histogram: 8 grey levels for unsaturated pixels, then
/// 16 hues × 2 saturations × 4 values.
pub const HIST_BINS: usize = 8 + 16 * 2 * 4;
/// Width of the motion thumbnail.
pub const THUMB_W: usize = 128;
/// Pixels sampled per frame for palettes.
pub const SAMPLES: usize = 48;

/// A grey thumbnail (for motion estimation).
#[derive(Clone, Debug, PartialEq)]
pub struct Thumb {
    pub w: usize,
    pub h: usize,
    pub px: Vec<u8>,
}

/// One frame's measurements.
#[derive(Clone, Debug)]
pub struct Features {
    /// Colour histogram (HSV, see [`HIST_BINS`]); sums to 1.
    pub hist: Vec<f32>,
    /// The grey frame at half the analysis size (for motion).
    pub grey: Thumb,
    /// A grey thumbnail [`THUMB_W`] wide (for comparing frames further apart).
    pub thumb: Thumb,
    /// Mean luma, 0–1.
    pub luma: f32,
    /// Standard deviation of luma, 0–0.5.
    pub contrast: f32,
    /// Hasler–Süsstrunk colourfulness / 100 (0 grey, ~1 very colourful).
    pub colorfulness: f32,
    /// Variance of the Laplacian of luma (0–255 scale): high when sharp.
    pub laplacian: f32,
    /// Mean HSV saturation, 0–1.
    pub saturation: f32,
    /// Mean (R − B) of coloured pixels, −1 (cool) to 1 (warm).
    pub warmth: f32,
    /// Mean luma of the top and bottom thirds, and how sky-like the top third is (0–1:
    /// bright, bluish or pale, smooth).
    pub top_luma: f32,
    pub bottom_luma: f32,
    pub sky: f32,
    /// Pixels sampled on a grid, RGB.
    pub samples: Vec<[u8; 3]>,
}

/// Measures an RGB24 frame of `w`×`h`.
pub fn measure(rgb: &[u8], w: usize, h: usize) -> Features {
    assert!(rgb.len() >= w * h * 3 && w >= 2 && h >= 2);
    let n = (w * h) as f64;
    let mut grey = vec![0u8; w * h];
    let (mut sum_y, mut sum_y2) = (0.0f64, 0.0f64);
    let (mut rg_sum, mut rg_sq, mut yb_sum, mut yb_sq) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut hist = vec![0f32; HIST_BINS];
    let (mut sat_sum, mut warm_sum, mut warm_n) = (0.0f64, 0.0f64, 0.0f64);
    let (mut top_sum, mut bottom_sum, mut top_n, mut bottom_n) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut sky_score = 0.0f64;
    let third = h / 3;
    for y in 0..h {
        for x in 0..w {
            let i = (y * w + x) * 3;
            let (r, g, b) = (rgb[i], rgb[i + 1], rgb[i + 2]);
            let l = ((77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b)) >> 8) as u8;
            grey[y * w + x] = l;
            let lf = f64::from(l);
            sum_y += lf;
            sum_y2 += lf * lf;
            if y < third {
                top_sum += lf;
                top_n += 1.0;
            } else if y >= h - third {
                bottom_sum += lf;
                bottom_n += 1.0;
            }
            // Colour statistics on every other pixel in both directions: plenty, and cheaper.
            if x % 2 == 0 && y % 2 == 0 {
                let (rf, gf, bf) = (f64::from(r), f64::from(g), f64::from(b));
                let rg = rf - gf;
                let yb = 0.5 * (rf + gf) - bf;
                rg_sum += rg;
                rg_sq += rg * rg;
                yb_sum += yb;
                yb_sq += yb * yb;
                let max = r.max(g).max(b);
                let min = r.min(g).min(b);
                let v = f32::from(max) / 255.0;
                let s = if max == 0 { 0.0 } else { f32::from(max - min) / f32::from(max) };
                sat_sum += f64::from(s);
                let bin = if s < 0.2 || max < 24 {
                    (usize::from(max) * 8 / 256).min(7)
                } else {
                    let hue = hue(r, g, b, max, min);
                    let hb = ((hue / 360.0 * 16.0) as usize).min(15);
                    let sb = usize::from(s >= 0.55);
                    let vb = ((v * 4.0) as usize).min(3);
                    8 + (hb * 2 + sb) * 4 + vb
                };
                hist[bin] += 1.0;
                if s >= 0.2 {
                    warm_sum += (rf - bf) / 255.0;
                    warm_n += 1.0;
                }
                if y < third {
                    // Sky: bright, blue-ish or pale grey, not saturated warm.
                    let bluish = bf >= rf && bf >= gf * 0.9;
                    if v > 0.45 && (bluish || s < 0.15) {
                        sky_score += 1.0;
                    }
                }
            }
        }
    }
    let total: f32 = hist.iter().sum();
    for v in &mut hist {
        *v /= total.max(1.0);
    }
    let luma = sum_y / n;
    let var = (sum_y2 / n - luma * luma).max(0.0);
    let sampled = (w.div_ceil(2) * h.div_ceil(2)).max(1) as f64;
    let (mrg, myb) = (rg_sum / sampled, yb_sum / sampled);
    let srg = (rg_sq / sampled - mrg * mrg).max(0.0).sqrt();
    let syb = (yb_sq / sampled - myb * myb).max(0.0).sqrt();
    let colorfulness = ((srg * srg + syb * syb).sqrt() + 0.3 * (mrg * mrg + myb * myb).sqrt()) / 100.0;
    let lap = laplacian_variance(&grey, w, h);
    let top_sampled = (w.div_ceil(2) * third.div_ceil(2)).max(1) as f64;
    Features {
        hist,
        thumb: thumbnail(&grey, w, h),
        grey: crate::motion::half(&Thumb { w, h, px: grey }),
        luma: (luma / 255.0) as f32,
        contrast: (var.sqrt() / 255.0) as f32,
        colorfulness: colorfulness as f32,
        laplacian: lap as f32,
        saturation: (sat_sum / sampled) as f32,
        warmth: if warm_n > 0.0 { (warm_sum / warm_n) as f32 } else { 0.0 },
        top_luma: (top_sum / top_n.max(1.0) / 255.0) as f32,
        bottom_luma: (bottom_sum / bottom_n.max(1.0) / 255.0) as f32,
        sky: (sky_score / top_sampled) as f32,
        samples: samples(rgb, w, h),
    }
}

fn hue(r: u8, g: u8, b: u8, max: u8, min: u8) -> f32 {
    let d = f32::from(max - min).max(1.0);
    let (rf, gf, bf) = (f32::from(r), f32::from(g), f32::from(b));
    let h = if max == r {
        60.0 * ((gf - bf) / d)
    } else if max == g {
        60.0 * ((bf - rf) / d + 2.0)
    } else {
        60.0 * ((rf - gf) / d + 4.0)
    };
    if h < 0.0 { h + 360.0 } else { h }
}

/// Variance of the 4-neighbour Laplacian: the classic blur measure.
pub fn laplacian_variance(grey: &[u8], w: usize, h: usize) -> f64 {
    if w < 3 || h < 3 {
        return 0.0;
    }
    let (mut sum, mut sq, mut n) = (0.0f64, 0.0f64, 0.0f64);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let c = i32::from(grey[y * w + x]);
            let l = 4 * c
                - i32::from(grey[(y - 1) * w + x])
                - i32::from(grey[(y + 1) * w + x])
                - i32::from(grey[y * w + x - 1])
                - i32::from(grey[y * w + x + 1]);
            let l = f64::from(l);
            sum += l;
            sq += l * l;
            n += 1.0;
        }
    }
    let mean = sum / n;
    sq / n - mean * mean
}

/// A box-filtered grey thumbnail [`THUMB_W`] wide (or the frame itself when smaller).
fn thumbnail(grey: &[u8], w: usize, h: usize) -> Thumb {
    let tw = THUMB_W.min(w);
    let th = ((h * tw) as f64 / w as f64).round().max(2.0) as usize;
    let mut px = vec![0u8; tw * th];
    for ty in 0..th {
        let (y0, y1) = (ty * h / th, ((ty + 1) * h / th).max(ty * h / th + 1));
        for tx in 0..tw {
            let (x0, x1) = (tx * w / tw, ((tx + 1) * w / tw).max(tx * w / tw + 1));
            let mut s = 0u32;
            for y in y0..y1 {
                for x in x0..x1 {
                    s += u32::from(grey[y * w + x]);
                }
            }
            px[ty * tw + tx] = (s / ((y1 - y0) * (x1 - x0)) as u32) as u8;
        }
    }
    Thumb { w: tw, h: th, px }
}

fn samples(rgb: &[u8], w: usize, h: usize) -> Vec<[u8; 3]> {
    let (cols, rows) = (8, SAMPLES / 8);
    let mut out = Vec::with_capacity(SAMPLES);
    for r in 0..rows {
        for c in 0..cols {
            let x = (2 * c + 1) * w / (2 * cols);
            let y = (2 * r + 1) * h / (2 * rows);
            let i = (y * w + x) * 3;
            out.push([rgb[i], rgb[i + 1], rgb[i + 2]]);
        }
    }
    out
}

/// How different two histograms are: half the L1 distance, 0 (same) to 1 (disjoint).
pub fn hist_distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f32>() * 0.5
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(w: usize, h: usize, c: [u8; 3]) -> Vec<u8> {
        (0..w * h).flat_map(|_| c).collect()
    }

    #[test]
    fn solid_colours() {
        let red = measure(&solid(64, 36, [255, 0, 0]), 64, 36);
        let blue = measure(&solid(64, 36, [0, 0, 255]), 64, 36);
        assert!((hist_distance(&red.hist, &blue.hist) - 1.0).abs() < 1e-6);
        assert!(hist_distance(&red.hist, &red.hist) < 1e-6);
        assert!(red.warmth > 0.9 && blue.warmth < -0.9);
        assert!(red.saturation > 0.99 && red.contrast < 1e-6 && red.laplacian < 1e-9);
        let black = measure(&solid(64, 36, [0, 0, 0]), 64, 36);
        assert!(black.luma < 0.01 && black.colorfulness < 0.01);
    }

    #[test]
    fn blur_lowers_the_laplacian() {
        let (w, h) = (64, 36);
        let checker: Vec<u8> =
            (0..w * h).flat_map(|i| if (i % w / 4 + i / w / 4) % 2 == 0 { [255; 3] } else { [0; 3] }).collect();
        let soft: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                let v = (128.0 + 100.0 * ((i % w) as f64 / 6.0).sin()) as u8;
                [v; 3]
            })
            .collect();
        assert!(measure(&checker, w, h).laplacian > 10.0 * measure(&soft, w, h).laplacian);
    }

    #[test]
    fn thumbnail_averages() {
        let f = measure(&solid(320, 180, [100, 100, 100]), 320, 180);
        assert_eq!((f.thumb.w, f.thumb.h), (128, 72));
        assert!(f.thumb.px.iter().all(|&p| p == 100));
        assert_eq!(f.samples.len(), SAMPLES);
    }
}
