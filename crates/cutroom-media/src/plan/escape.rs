//! Filter-graph escaping and a small builder for filter strings.
//!
//! A value inside a `-filter_complex` description goes through two parsers: the
//! filter's option parser (`key=value:key=value`) and the graph parser (`,` `;` `[` `]`).
//! Every value cutroom writes into a graph — paths, colours, expressions — is escaped
//! for both, so nothing in it can end an option, a filter or a chain. User text never
//! enters a graph at all: it is written to files that drawtext reads.

use std::fmt::Write;

/// Escapes `v` for use as an option value inside a filter graph.
pub fn value(v: &str) -> String {
    let mut level1 = String::with_capacity(v.len() + 8);
    for c in v.chars() {
        if matches!(c, '\\' | '\'' | ':') || c.is_whitespace() {
            level1.push('\\');
        }
        level1.push(c);
    }
    let mut level2 = String::with_capacity(level1.len() + 8);
    for c in level1.chars() {
        if matches!(c, '\\' | '\'' | '[' | ']' | ',' | ';') {
            level2.push('\\');
        }
        level2.push(c);
    }
    level2
}

/// A filter with options: `name=k=v:k=v`.
pub struct Filter {
    text: String,
    has_opts: bool,
}

impl Filter {
    pub fn new(name: &str) -> Filter {
        Filter { text: name.to_string(), has_opts: false }
    }

    fn sep(&mut self) {
        self.text.push(if self.has_opts { ':' } else { '=' });
        self.has_opts = true;
    }

    /// An option whose value is escaped.
    pub fn opt(mut self, key: &str, v: impl AsRef<str>) -> Filter {
        self.sep();
        let _ = write!(self.text, "{key}={}", value(v.as_ref()));
        self
    }

    /// A numeric option.
    pub fn num(mut self, key: &str, v: impl Into<f64>) -> Filter {
        self.sep();
        let _ = write!(self.text, "{key}={}", num(v.into()));
        self
    }

    pub fn build(self) -> String {
        self.text
    }
}

/// A number as ffmpeg reads it: at most 6 decimals, no trailing zeros.
pub fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_both_levels() {
        assert_eq!(value("/tmp/a.txt"), "/tmp/a.txt");
        assert_eq!(value("a:b"), "a\\\\:b");
        assert_eq!(value("it's"), "it\\\\\\'s");
        assert_eq!(value("x,y;[z]"), "x\\,y\\;\\[z\\]");
        assert_eq!(value("a b"), "a\\\\ b");
        assert_eq!(value("gte(t,1)"), "gte(t\\,1)");
    }

    #[test]
    fn numbers() {
        assert_eq!(num(7.5), "7.5");
        assert_eq!(num(2.0), "2");
        assert_eq!(num(1.0 / 30.0), "0.033333");
        assert_eq!(num(-0.25), "-0.25");
        assert_eq!(Filter::new("fade").opt("t", "in").num("d", 0.5).build(), "fade=t=in:d=0.5");
    }
}
