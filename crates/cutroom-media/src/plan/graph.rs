//! Assembling a filter graph from labelled chains.

/// Chains of filters, one per line: `[in][in2]f1,f2[out]`.
#[derive(Default)]
pub(crate) struct Graph {
    lines: Vec<String>,
}

impl Graph {
    /// Adds a chain from `inputs` through `filters` to a new label `out`.
    /// `inputs` are labels (without brackets) or stream specifiers such as `0:v`.
    pub fn chain(&mut self, inputs: &[&str], filters: &[String], out: &str) {
        let mut line: String = inputs.iter().map(|i| format!("[{i}]")).collect();
        if filters.is_empty() {
            line.push_str("null");
        } else {
            line.push_str(&filters.join(","));
        }
        line.push_str(&format!("[{out}]"));
        self.lines.push(line);
    }

    pub fn finish(self) -> String {
        self.lines.join(";\n")
    }
}
