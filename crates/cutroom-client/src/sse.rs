//! Agent turns as typed events: an incremental parser of the `text/event-stream` of
//! `/run_sse` (pure), the events it yields, and what a whole turn came to.

use cutroom_api::{Event, Part};
use serde_json::Value;

/// One thing that happened in a turn.
#[derive(Clone, Debug, PartialEq)]
pub enum TurnEvent {
    /// Text for the user. `partial` texts report progress of long work; the text with
    /// `complete` set closes the turn.
    Text { text: String, partial: bool, complete: bool },
    /// The agent called a tool (an edit, a generator, an export).
    ToolCall { id: String, name: String, args: Value },
    /// A tool's answer.
    ToolResult { id: String, name: String, response: Value },
    /// The server is still working (an SSE comment or an empty `data:` line): show "still
    /// working…" now and then.
    Heartbeat,
    /// A `data:` line that is not an agent event (kept for logs).
    Unrecognized(String),
}

/// A raw item of an event stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SseItem {
    /// The joined `data:` lines of one event.
    Data(String),
    /// A `:` comment line (heartbeats).
    Comment(String),
}

/// Splits an event stream into items, fed in chunks of any size (a chunk may end inside a
/// line or inside a UTF-8 character).
#[derive(Debug, Default)]
pub struct SseParser {
    buf: Vec<u8>,
    data: Vec<String>,
    /// The last byte fed was a `\r` (a following `\n` belongs to it).
    after_cr: bool,
}

impl SseParser {
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// Feeds bytes; returns the items completed by them.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SseItem> {
        let mut out = Vec::new();
        for &b in bytes {
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' => self.line(&mut out),
                b'\r' => {
                    self.after_cr = true;
                    self.line(&mut out);
                }
                _ => self.buf.push(b),
            }
        }
        out
    }

    /// The end of the stream: an event without its closing blank line still counts.
    pub fn finish(&mut self) -> Vec<SseItem> {
        let mut out = Vec::new();
        if !self.buf.is_empty() {
            self.line(&mut out);
        }
        if !self.data.is_empty() {
            out.push(SseItem::Data(std::mem::take(&mut self.data).join("\n")));
        }
        out
    }

    fn line(&mut self, out: &mut Vec<SseItem>) {
        let line = String::from_utf8_lossy(&std::mem::take(&mut self.buf)).into_owned();
        if line.is_empty() {
            if !self.data.is_empty() {
                out.push(SseItem::Data(std::mem::take(&mut self.data).join("\n")));
            }
            return;
        }
        if let Some(comment) = line.strip_prefix(':') {
            out.push(SseItem::Comment(comment.trim_start().to_string()));
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line.as_str(), ""),
        };
        if field == "data" {
            self.data.push(value.to_string());
        }
        // `event:`, `id:` and `retry:` carry nothing cutroom uses.
    }
}

/// The turn events one stream item stands for.
pub fn turn_events(item: SseItem) -> Vec<TurnEvent> {
    match item {
        SseItem::Comment(_) => vec![TurnEvent::Heartbeat],
        SseItem::Data(d) if d.trim().is_empty() => vec![TurnEvent::Heartbeat],
        SseItem::Data(d) => match serde_json::from_str::<Event>(&d) {
            Ok(event) => from_event(event),
            Err(_) => vec![TurnEvent::Unrecognized(d)],
        },
    }
}

fn from_event(e: Event) -> Vec<TurnEvent> {
    let (partial, complete) = (e.partial, e.turn_complete);
    let n = e.content.parts.len();
    e.content
        .parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| match p {
            // Only the last part of a closing event closes the turn.
            Part::Text { text } => TurnEvent::Text { text, partial, complete: complete && i + 1 == n },
            Part::Call { function_call: c } => TurnEvent::ToolCall { id: c.id, name: c.name, args: c.args },
            Part::Response { function_response: r } => {
                TurnEvent::ToolResult { id: r.id, name: r.name, response: r.response }
            }
        })
        .collect()
}

/// What a turn came to, gathered from its events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TurnOutcome {
    /// The session the message went to (a new one if the old one was gone).
    pub session_id: String,
    /// The final (non-partial) texts, in order.
    pub texts: Vec<String>,
    /// Progress texts (partial).
    pub progress: Vec<String>,
    /// Names of the tools the agent called, in order.
    pub tools: Vec<String>,
    pub heartbeats: usize,
    /// A text closed the turn (`turnComplete`).
    pub complete: bool,
}

impl TurnOutcome {
    pub fn add(&mut self, event: &TurnEvent) {
        match event {
            TurnEvent::Text { text, partial: true, .. } => self.progress.push(text.clone()),
            TurnEvent::Text { text, complete, .. } => {
                self.texts.push(text.clone());
                self.complete |= *complete;
            }
            TurnEvent::ToolCall { name, .. } => self.tools.push(name.clone()),
            TurnEvent::Heartbeat => self.heartbeats += 1,
            TurnEvent::ToolResult { .. } | TurnEvent::Unrecognized(_) => {}
        }
    }

    /// The reply to show: the last final text, if the turn said anything.
    pub fn reply(&self) -> Option<&str> {
        self.texts.iter().rev().find(|t| !t.trim().is_empty()).map(String::as_str)
    }

    /// The turn ended without any text: compare the state before and after
    /// ([`crate::describe_change`]) to tell the user what happened.
    pub fn silent(&self) -> bool {
        self.reply().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"id":"e1","invocationId":"inv","author":"agent","timestamp":1.0,"partial":false,"turnComplete":true,"content":{"role":"model","parts":[{"text":"Done: 9:16"}]}}"#;

    #[test]
    fn parses_across_chunk_boundaries_and_line_endings() {
        let stream = format!(": ping\n\ndata: \n\ndata: {EVENT}\r\n\r\nevent: x\ndata: a\ndata: b\n\ndata: tail");
        let bytes = stream.as_bytes();
        // Every split point gives the same items.
        for cut in 0..bytes.len() {
            let mut p = SseParser::new();
            let mut items = p.push(&bytes[..cut]);
            items.extend(p.push(&bytes[cut..]));
            items.extend(p.finish());
            assert_eq!(
                items,
                [
                    SseItem::Comment("ping".into()),
                    SseItem::Data(String::new()),
                    SseItem::Data(EVENT.into()),
                    SseItem::Data("a\nb".into()),
                    SseItem::Data("tail".into()),
                ],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_multibyte_character_split_between_chunks_survives() {
        let s = "data: 导出完成\n\n".as_bytes();
        let mut p = SseParser::new();
        let mut items = p.push(&s[..8]);
        items.extend(p.push(&s[8..]));
        assert_eq!(items, [SseItem::Data("导出完成".into())]);
    }

    #[test]
    fn items_become_turn_events() {
        assert_eq!(turn_events(SseItem::Comment("ping".into())), [TurnEvent::Heartbeat]);
        assert_eq!(turn_events(SseItem::Data(" ".into())), [TurnEvent::Heartbeat]);
        assert_eq!(turn_events(SseItem::Data("not json".into())), [TurnEvent::Unrecognized("not json".into())]);
        let e = turn_events(SseItem::Data(EVENT.into()));
        assert_eq!(e, [TurnEvent::Text { text: "Done: 9:16".into(), partial: false, complete: true }]);
        let call = r#"{"id":"e0","invocationId":"inv","author":"agent","timestamp":1.0,"content":{"role":"model","parts":[{"functionCall":{"id":"c1","name":"canvas","args":{"w":1080}}},{"functionResponse":{"id":"c1","name":"canvas","response":{"ok":true}}}]}}"#;
        let e = turn_events(SseItem::Data(call.into()));
        assert!(matches!(&e[0], TurnEvent::ToolCall { name, .. } if name == "canvas"));
        assert!(matches!(&e[1], TurnEvent::ToolResult { name, .. } if name == "canvas"));
        let mut o = TurnOutcome::default();
        for ev in e.iter().chain(turn_events(SseItem::Data(EVENT.into())).iter()) {
            o.add(ev);
        }
        o.add(&TurnEvent::Heartbeat);
        assert_eq!(
            (o.tools.as_slice(), o.reply(), o.complete, o.heartbeats),
            (&["canvas".to_string()][..], Some("Done: 9:16"), true, 1)
        );
        assert!(TurnOutcome::default().silent());
    }
}
