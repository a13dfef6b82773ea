//! Which parts of the footage are worth showing: the analysed shots minus the black, the
//! blurred, the shaky and the very short, each trimmed away from its edges, with
//! near-duplicates (the same picture twice) kept once — the better one.

use crate::Source;
use cutroom_analysis::report::Shot;

/// Sharpness (0–1) below which a shot is too blurred to use.
pub const BLURRED: f32 = 0.3;
/// The shortest usable shot, ms.
pub const SHORTEST: u64 = 700;

/// A usable piece of footage.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub source: String,
    /// Index of the source in the list given, and of the shot in its analysis.
    pub source_index: usize,
    pub shot: usize,
    /// The usable span in the source, ms.
    pub from: u64,
    pub to: u64,
    pub score: f32,
    pub motion: f32,
    look: [f32; 4],
    colour: [f32; 3],
}

impl Candidate {
    pub fn len(&self) -> u64 {
        self.to - self.from
    }

    pub fn is_empty(&self) -> bool {
        self.to <= self.from
    }

    /// Looks like the same picture: the same light, contrast and colour.
    pub fn same_picture(&self, other: &Candidate) -> bool {
        let look = self.look.iter().zip(&other.look).all(|(a, b)| (a - b).abs() < 0.03 * a.abs().max(1.0));
        let colour = self.colour.iter().zip(&other.colour).map(|(a, b)| (a - b).powi(2)).sum::<f32>().sqrt() < 32.0;
        look && colour && (self.motion - other.motion).abs() < 0.02
    }
}

fn hex(c: &str) -> [f32; 3] {
    let v = u32::from_str_radix(c.trim_start_matches('#'), 16).unwrap_or(0);
    [((v >> 16) & 255) as f32, ((v >> 8) & 255) as f32, (v & 255) as f32]
}

fn usable(s: &Shot) -> bool {
    !s.black && !s.shaky && s.sharpness >= BLURRED && s.end_ms.saturating_sub(s.start_ms) >= SHORTEST
}

/// The usable shots of all sources, best first, near-duplicates removed.
pub fn candidates(sources: &[Source<'_>]) -> Vec<Candidate> {
    let mut all: Vec<Candidate> = Vec::new();
    for (si, src) in sources.iter().enumerate() {
        for (i, s) in src.analysis.shots.iter().enumerate().filter(|(_, s)| usable(s)) {
            // Keep away from the cut: transitions and flashes live at the edges.
            let margin = ((s.end_ms - s.start_ms) / 10).min(200);
            // The palette's mean colour (single swatches shift between similar frames).
            let weight: f32 = s.palette.iter().map(|p| p.share).sum();
            let colour = s.palette.iter().fold([0.0f32; 3], |acc, p| {
                let c = hex(&p.color);
                [0, 1, 2].map(|k| acc[k] + c[k] * p.share / weight.max(1e-6))
            });
            all.push(Candidate {
                source: src.id.clone(),
                source_index: si,
                shot: i,
                from: s.start_ms + margin,
                to: s.end_ms - margin,
                score: s.score,
                motion: s.motion,
                look: [s.brightness, s.contrast, s.colorfulness, s.saturation],
                colour,
            });
        }
    }
    all.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.len().cmp(&a.len())));
    let mut kept: Vec<Candidate> = Vec::new();
    for c in all {
        if !kept.iter().any(|k| k.same_picture(&c)) {
            kept.push(c);
        }
    }
    kept
}
