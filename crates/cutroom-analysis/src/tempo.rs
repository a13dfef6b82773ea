//! Tempo and beats from an onset-strength envelope: autocorrelation (with a prior that
//! prefers tempos near 120 BPM, to pick the right octave) finds the period, a comb over the
//! envelope refines it to a fraction of a BPM, and beats are laid on the best phase and
//! nudged to the strongest onset near each.

/// A tempo estimate.
#[derive(Clone, Debug, PartialEq)]
pub struct Tempo {
    pub bpm: f64,
    /// Autocorrelation at the period relative to zero lag, 0–1.
    pub confidence: f32,
    /// Beat times, seconds.
    pub beats: Vec<f64>,
}

/// Tempos considered.
pub const MIN_BPM: f64 = 50.0;
pub const MAX_BPM: f64 = 210.0;
/// Below this confidence there is no steady beat worth reporting.
pub const MIN_CONFIDENCE: f32 = 0.15;
/// How much of the envelope the fine search looks at (tempo is assumed steady), seconds.
const FINE_SPAN: f64 = 120.0;

fn interp(env: &[f32], t: f64) -> f64 {
    let i = t.floor() as usize;
    let f = t - t.floor();
    match (env.get(i), env.get(i + 1)) {
        (Some(a), Some(b)) => f64::from(*a) * (1.0 - f) + f64::from(*b) * f,
        (Some(a), None) => f64::from(*a),
        _ => 0.0,
    }
}

/// The envelope with its slow trend removed and negatives clipped: only onsets remain.
fn detrend(onset: &[f32], width: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(onset.len());
    let mut sum = 0.0f64;
    let mut win = std::collections::VecDeque::new();
    for (i, &v) in onset.iter().enumerate() {
        win.push_back(v);
        sum += f64::from(v);
        if win.len() > width {
            sum -= f64::from(win.pop_front().unwrap_or(0.0));
        }
        let _ = i;
        let mean = sum / win.len() as f64;
        out.push((f64::from(v) - mean).max(0.0) as f32);
    }
    out
}

/// Estimates tempo and beats from an onset envelope sampled at `rate` frames per second.
pub fn estimate(onset: &[f32], rate: f64) -> Option<Tempo> {
    if (onset.len() as f64) < rate * 4.0 {
        return None;
    }
    let env = detrend(onset, (rate * 0.25).round() as usize);
    let n = env.len();
    let energy: f64 = env.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / n as f64;
    if energy <= 1e-12 {
        return None;
    }
    let lag_of = |bpm: f64| rate * 60.0 / bpm;
    let (lo, hi) = (lag_of(MAX_BPM).floor() as usize, (lag_of(MIN_BPM).ceil() as usize).min(n / 2));
    if lo < 2 || hi <= lo + 2 {
        return None;
    }
    // Autocovariance: without the mean, unrelated onsets average to zero.
    let mean = env.iter().map(|v| f64::from(*v)).sum::<f64>() / n as f64;
    let centred: Vec<f64> = env.iter().map(|v| f64::from(*v) - mean).collect();
    let ac: Vec<f64> = (0..=hi)
        .map(|l| centred[..n - l].iter().zip(&centred[l..]).map(|(a, b)| a * b).sum::<f64>() / (n - l) as f64)
        .collect();
    if ac[0] <= 1e-12 {
        return None;
    }
    let prior = |lag: f64| {
        let octaves = (rate * 60.0 / lag / 120.0).log2();
        (-0.5 * (octaves / 0.9).powi(2)).exp()
    };
    let mut best = (lo..=hi).max_by(|&a, &b| (ac[a] * prior(a as f64)).total_cmp(&(ac[b] * prior(b as f64))))?;
    // Twice as fast, if the beats in between are as strong: 174 rather than 87 for a steady
    // pulse, while a real half-time feel (weak off-beats) stays half-time.
    let half = (best as f64 / 2.0).round() as usize;
    if half >= lo {
        let around_half = (half.saturating_sub(1)..=half + 1).map(|l| ac[l]).fold(0.0, f64::max);
        if around_half >= 0.8 * ac[best] {
            best = (half.saturating_sub(1)..=half + 1).max_by(|&a, &b| ac[a].total_cmp(&ac[b])).unwrap_or(half);
        }
    }
    let confidence = (ac[best] / ac[0]).clamp(0.0, 1.0) as f32;
    if confidence < MIN_CONFIDENCE {
        return None;
    }
    let refined = if best > lo && best < hi {
        let (a, b, c) = (ac[best - 1], ac[best], ac[best + 1]);
        let d = a - 2.0 * b + c;
        if d < 0.0 { best as f64 + (0.5 * (a - c) / d).clamp(-0.5, 0.5) } else { best as f64 }
    } else {
        best as f64
    };
    // Fine search: the tempo whose beat comb collects the most onset strength.
    let span = &env[..n.min((FINE_SPAN * rate) as usize)];
    let comb = |period: f64| -> (f64, f64) {
        let mut best = (0.0, 0.0);
        let mut phase = 0.0;
        while phase < period {
            let mut total = 0.0;
            let mut t = phase;
            while t < span.len() as f64 {
                total += interp(span, t);
                t += period;
            }
            if total > best.0 {
                best = (total, phase);
            }
            phase += 0.5;
        }
        best
    };
    let coarse_bpm = rate * 60.0 / refined;
    let mut top = (f64::MIN, coarse_bpm, 0.0);
    let mut bpm = coarse_bpm - 2.0;
    while bpm <= coarse_bpm + 2.0 {
        let period = lag_of(bpm);
        let (score, phase) = comb(period);
        // Normalise by the number of beats so slower combs are not favoured.
        let score = score / (span.len() as f64 / period);
        if score > top.0 {
            top = (score, bpm, phase);
        }
        bpm += 0.02;
    }
    let (_, bpm, phase) = top;
    Some(Tempo { bpm: (bpm * 100.0).round() / 100.0, confidence, beats: track(onset, rate, lag_of(bpm), phase) })
}

/// Beats from `phase` every `period` frames, each moved to the strongest onset within an
/// eighth of a period, the next predicted from where the last one landed.
fn track(onset: &[f32], rate: f64, period: f64, phase: f64) -> Vec<f64> {
    let mut beats = Vec::new();
    let reach = (period / 8.0).max(1.0);
    let mut t = phase;
    while t < onset.len() as f64 {
        let (a, b) = ((t - reach).max(0.0) as usize, ((t + reach) as usize).min(onset.len() - 1));
        let peak = (a..=b).max_by(|&x, &y| onset[x].total_cmp(&onset[y])).unwrap_or(t as usize);
        let at = if onset[peak] > 0.0 { peak as f64 } else { t };
        beats.push(at / rate);
        // Follow the music gently: half way between the prediction and what was found.
        t = 0.5 * (t + at) + period;
    }
    beats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clicks(bpm: f64, secs: f64, rate: f64, offset: f64) -> Vec<f32> {
        let n = (secs * rate) as usize;
        let mut env = vec![0.01f32; n];
        let mut t = offset;
        while t < secs {
            let i = (t * rate).round() as usize;
            if i < n {
                env[i] = 1.0;
            }
            t += 60.0 / bpm;
        }
        env
    }

    #[test]
    fn finds_steady_tempos() {
        for bpm in [72.0, 90.0, 120.0, 128.0, 174.0] {
            let t = estimate(&clicks(bpm, 30.0, 93.75, 0.3), 93.75).unwrap();
            assert!((t.bpm - bpm).abs() < 1.0, "{bpm}: {}", t.bpm);
            // Beats land on the clicks.
            let first = t.beats.iter().find(|b| **b > 1.0).unwrap();
            let period = 60.0 / bpm;
            let off = ((first - 0.3) / period).fract().min(1.0 - ((first - 0.3) / period).fract());
            assert!(off * period < 0.02, "{bpm}: beat at {first}");
        }
    }

    #[test]
    fn no_beat_in_noise_or_silence() {
        assert!(estimate(&vec![0.0; 2000], 93.75).is_none());
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let noise: Vec<f32> = (0..3000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 1000) as f32 / 1000.0
            })
            .collect();
        assert!(estimate(&noise, 93.75).is_none_or(|t| t.confidence < 0.3));
        assert!(estimate(&[1.0; 10], 93.75).is_none());
    }
}
