//! Dominant colours: k-means over sampled pixels, seeded deterministically (farthest-point),
//! near-identical clusters merged, sorted by share.

use serde::{Deserialize, Serialize};

/// A colour and how much of the picture it covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Swatch {
    /// `#rrggbb`.
    pub color: String,
    /// 0–1.
    pub share: f32,
}

fn dist2(a: [f32; 3], b: [f32; 3]) -> f32 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)
}

/// Up to `k` dominant colours of `pixels`.
pub fn palette(pixels: &[[u8; 3]], k: usize) -> Vec<Swatch> {
    if pixels.is_empty() || k == 0 {
        return Vec::new();
    }
    let pts: Vec<[f32; 3]> = pixels.iter().map(|p| p.map(f32::from)).collect();
    // Seeds: the mean, then repeatedly the point farthest from every seed so far.
    let n = pts.len() as f32;
    let mean = pts.iter().fold([0.0; 3], |a, p| [a[0] + p[0] / n, a[1] + p[1] / n, a[2] + p[2] / n]);
    let mut centres = vec![mean];
    while centres.len() < k {
        let far = pts
            .iter()
            .map(|p| centres.iter().map(|c| dist2(*p, *c)).fold(f32::MAX, f32::min))
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match far {
            Some((i, d)) if d > 100.0 => centres.push(pts[i]),
            _ => break,
        }
    }
    let mut assign = vec![0usize; pts.len()];
    for _ in 0..12 {
        for (i, p) in pts.iter().enumerate() {
            assign[i] = (0..centres.len())
                .min_by(|&a, &b| dist2(*p, centres[a]).total_cmp(&dist2(*p, centres[b])))
                .unwrap_or(0);
        }
        let mut sums = vec![[0.0f32; 4]; centres.len()];
        for (p, &c) in pts.iter().zip(&assign) {
            sums[c] = [sums[c][0] + p[0], sums[c][1] + p[1], sums[c][2] + p[2], sums[c][3] + 1.0];
        }
        for (c, s) in centres.iter_mut().zip(&sums) {
            if s[3] > 0.0 {
                *c = [s[0] / s[3], s[1] / s[3], s[2] / s[3]];
            }
        }
    }
    let mut counts = vec![0usize; centres.len()];
    for &c in &assign {
        counts[c] += 1;
    }
    let mut out: Vec<([f32; 3], usize)> = Vec::new();
    for (c, count) in centres.into_iter().zip(counts).filter(|(_, n)| *n > 0) {
        match out.iter_mut().find(|(o, _)| dist2(*o, c) < 400.0) {
            Some((_, m)) => *m += count,
            None => out.push((c, count)),
        }
    }
    out.sort_by_key(|o| std::cmp::Reverse(o.1));
    out.into_iter()
        .map(|(c, count)| Swatch {
            color: format!("#{:02x}{:02x}{:02x}", c[0].round() as u8, c[1].round() as u8, c[2].round() as u8),
            share: ((count as f32 / n) * 1000.0).round() / 1000.0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_main_colours_by_share() {
        let mut px = vec![[250, 10, 10]; 70];
        px.extend(vec![[10, 10, 240]; 30]);
        let p = palette(&px, 5);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].color.as_str(), p[0].share), ("#fa0a0a", 0.7));
        assert_eq!((p[1].color.as_str(), p[1].share), ("#0a0af0", 0.3));
        assert!(palette(&[], 5).is_empty());
        assert_eq!(palette(&[[1, 2, 3]; 10], 5).len(), 1);
    }
}
