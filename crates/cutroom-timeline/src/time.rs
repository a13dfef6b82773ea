//! Integer time: milliseconds on the timeline and frame arithmetic at a canvas rate.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A point or span on the timeline, in whole milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Ms(pub u64);

impl Ms {
    pub const ZERO: Ms = Ms(0);

    pub fn from_secs(s: u64) -> Ms {
        Ms(s * 1000)
    }

    pub fn is_zero(&self) -> bool {
        self.0 == 0
    }

    /// `self + delta`, refusing to go below zero.
    pub fn checked_add_signed(self, delta: i64) -> Option<Ms> {
        self.0.checked_add_signed(delta).map(Ms)
    }

    pub fn saturating_sub(self, other: Ms) -> Ms {
        Ms(self.0.saturating_sub(other.0))
    }

    /// Scales a span by a speed factor (source time → timeline time is `/ speed`).
    pub fn scale(self, factor: f64) -> Ms {
        Ms((self.0 as f64 * factor).round().max(0.0) as u64)
    }

    /// The frame index nearest to this instant at `fps` frames per second.
    pub fn to_frame(self, fps: u32) -> u64 {
        (self.0 * u64::from(fps) + 500) / 1000
    }

    /// Seconds, for display and for ffmpeg arguments only (never stored).
    pub fn secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// The length of one frame at `fps`, rounded up.
    pub fn frame_len(fps: u32) -> Ms {
        Ms(1000u64.div_ceil(u64::from(fps.max(1))))
    }
}

impl std::ops::Add for Ms {
    type Output = Ms;
    fn add(self, rhs: Ms) -> Ms {
        Ms(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Ms {
    type Output = Ms;
    fn sub(self, rhs: Ms) -> Ms {
        Ms(self.0 - rhs.0)
    }
}

impl fmt::Display for Ms {
    /// Seconds with at most one decimal, without a trailing `.0`: `10s`, `21.4s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = (self.0 + 50) / 100;
        if tenths.is_multiple_of(10) {
            write!(f, "{}s", tenths / 10)
        } else {
            write!(f, "{}.{}s", tenths / 10, tenths % 10)
        }
    }
}

/// Formats a span the way the summary does: `0-10s`, `7.5-13.9s`.
pub fn span(start: Ms, end: Ms) -> String {
    let s = start.to_string();
    format!("{}-{}", s.trim_end_matches('s'), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_seconds_with_one_decimal() {
        assert_eq!(Ms(0).to_string(), "0s");
        assert_eq!(Ms(10_000).to_string(), "10s");
        assert_eq!(Ms(21_400).to_string(), "21.4s");
        assert_eq!(Ms(2_960).to_string(), "3s");
        assert_eq!(span(Ms(7_500), Ms(13_900)), "7.5-13.9s");
    }

    #[test]
    fn frames_round_to_nearest() {
        assert_eq!(Ms(1000).to_frame(30), 30);
        assert_eq!(Ms(21_400).to_frame(30), 642);
        assert_eq!(Ms(16).to_frame(30), 0);
        assert_eq!(Ms(17).to_frame(30), 1);
        assert_eq!(Ms::frame_len(30), Ms(34));
        assert_eq!(Ms::frame_len(25), Ms(40));
    }
}
