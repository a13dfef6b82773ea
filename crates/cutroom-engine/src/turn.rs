//! Agent turns. A turn runs in its own task and sends ADK-shaped events into a channel;
//! whoever streams them to the client may go away — the turn still finishes, its draft
//! edits are saved as new versions, and the turn is recorded. Every turn ends with a text
//! event that says what changed.
//!
//! The handler here is the built-in minimum: edit operations given as JSON (see
//! `docs/edit-op.schema.json`), undo, redo and status. The planner that understands plain
//! words in English and Chinese plugs in at `respond`.

use crate::{Attribution, Engine, now, store_error};
use cutroom_api::*;
use cutroom_store::{Account, Session, StoreError};
use cutroom_timeline::{Draft, EditOp, apply_all};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Builds the events of one turn.
pub struct Turn {
    invocation: String,
    events: Vec<Event>,
    tx: mpsc::Sender<Event>,
    calls: usize,
}

fn timestamp() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

impl Turn {
    fn emit(&mut self, parts: Vec<Part>, partial: bool, complete: bool) {
        let event = Event {
            id: cutroom_store::new_id("evt"),
            invocation_id: self.invocation.clone(),
            author: "cutroom".into(),
            timestamp: timestamp(),
            partial,
            turn_complete: complete,
            content: Content { role: "model".into(), parts },
        };
        self.events.push(event.clone());
        // A client that left does not stop the turn.
        let _ = self.tx.try_send(event);
    }

    /// A progress message for long work.
    pub fn progress(&mut self, text: impl Into<String>) {
        self.emit(vec![Part::Text { text: text.into() }], true, false);
    }

    /// A tool call and its answer.
    pub fn tool(&mut self, name: &str, args: serde_json::Value, response: serde_json::Value) {
        self.calls += 1;
        let id = format!("call_{}", self.calls);
        self.emit(
            vec![Part::Call { function_call: FunctionCall { id: id.clone(), name: name.into(), args } }],
            false,
            false,
        );
        self.emit(
            vec![Part::Response { function_response: FunctionResponse { id, name: name.into(), response } }],
            false,
            false,
        );
    }

    /// The closing text.
    pub fn finish(&mut self, text: impl Into<String>) {
        self.emit(vec![Part::Text { text: text.into() }], false, true);
    }
}

/// Edit operations in a message: one op object, a list, or `{"ops": [...]}`.
fn parse_ops(text: &str) -> Option<Result<Vec<EditOp>, String>> {
    let t = text.trim();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(t).ok()?;
    let list = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut o) if o.contains_key("ops") => match o.remove("ops") {
            Some(serde_json::Value::Array(items)) => items,
            _ => return Some(Err("\"ops\" must be a list of edit operations".into())),
        },
        obj @ serde_json::Value::Object(_) => vec![obj],
        _ => return None,
    };
    Some(
        list.into_iter()
            .enumerate()
            .map(|(i, v)| serde_json::from_value(v).map_err(|e| format!("operation {}: {e}", i + 1)))
            .collect(),
    )
}

const HELP: &str = "I can apply edit operations sent as JSON (for example {\"op\":\"canvas\",\"w\":1080,\"h\":1920}; see docs/edit-op.schema.json), undo or redo the last edit, show the timeline (say \"status\"), and export it (say \"export\", optionally with high, medium or low quality).";

/// Who asked, for what session, reaching us where.
struct Asked<'a> {
    account: &'a Account,
    session: &'a Session,
    who: &'a Attribution,
    base_url: &'a str,
}

/// "export", "export low quality", "导出": the quality asked for.
fn export_request(lower: &str) -> Option<&'static str> {
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let is_export =
        words.first().is_some_and(|w| matches!(*w, "export" | "download" | "render")) || lower.starts_with("导出");
    if !is_export || words.len() > 6 {
        return None;
    }
    Some(if words.contains(&"low") {
        "low"
    } else if words.contains(&"medium") {
        "medium"
    } else {
        "high"
    })
}

impl Engine {
    /// Starts a turn; its events arrive on the returned channel. `who` and `base_url` are
    /// the caller's attribution and the address it reached us at (for links in replies).
    pub async fn start_turn(
        self: &Arc<Self>,
        account: &Account,
        session_id: &str,
        message: String,
        who: Attribution,
        base_url: String,
    ) -> Result<mpsc::Receiver<Event>, ApiError> {
        let session = self.session(account, session_id).await?;
        let (tx, rx) = mpsc::channel(256);
        let engine = self.clone();
        let account = account.clone();
        tokio::spawn(async move {
            let mut turn = Turn { invocation: cutroom_store::new_id("inv"), events: Vec::new(), tx, calls: 0 };
            let limit = Duration::from_secs(engine.config.turn_timeout_secs);
            let asked = Asked { account: &account, session: &session, who: &who, base_url: &base_url };
            if tokio::time::timeout(limit, engine.respond(&asked, &message, &mut turn)).await.is_err() {
                turn.finish("That took longer than this turn may run; nothing more was changed. Check the state and try a smaller request.");
            }
            let events = serde_json::to_string(&turn.events).unwrap_or_default();
            let clipped: String = message.chars().take(10_000).collect();
            if let Err(e) = engine.store.record_turn(&account.id, &session.id, &clipped, &events, "{}", now()).await {
                tracing::error!("recording a turn: {e}");
            }
        });
        Ok(rx)
    }

    /// Answers one message. Always ends the turn with a text event.
    async fn respond(&self, asked: &Asked<'_>, message: &str, turn: &mut Turn) {
        let (account, session) = (asked.account, asked.session);
        let text = message.trim();
        let lower = text.to_lowercase();
        let answer = if text.is_empty() {
            Ok(format!("Your message was empty. {HELP}"))
        } else if let Some(ops) = parse_ops(text) {
            match ops {
                Ok(ops) => self.edit(account, session, ops, turn).await,
                Err(e) => Ok(format!("I could not read those edits: {e}. Nothing was changed.")),
            }
        } else if matches!(lower.as_str(), "undo" | "撤销" | "撤消") {
            self.step(session, -1, turn).await
        } else if matches!(lower.as_str(), "redo" | "重做") {
            self.step(session, 1, turn).await
        } else if let Some(quality) = export_request(&lower) {
            self.export(asked, quality, turn).await
        } else if ["status", "show tracks", "summary", "状态"].contains(&lower.as_str()) {
            self.current_draft(session).await.map(|d| d.summary())
        } else {
            Ok(format!("I can't do that yet. {HELP}"))
        };
        match answer {
            Ok(text) => turn.finish(text),
            Err(e) => turn.finish(format!("Something went wrong: {}. Nothing was changed.", e.message)),
        }
    }

    async fn edit(
        &self,
        account: &Account,
        session: &Session,
        ops: Vec<EditOp>,
        turn: &mut Turn,
    ) -> Result<String, ApiError> {
        let args = serde_json::to_value(&ops).unwrap_or_default();
        // The draft may have moved since the session was read: work on the latest.
        let session = self.session(account, &session.id).await?;
        let draft = self.current_draft(&session).await?;
        let mut next = match apply_all(&draft, &ops) {
            Ok(d) => d,
            Err(e) => {
                turn.tool("edit_draft", args, serde_json::json!({ "error": e.to_string() }));
                return Ok(format!("I could not apply that: {e}. Nothing was changed."));
            }
        };
        let media = self.media_map(&account.id, &next).await;
        if let Err(e) = media.and_then(|m| {
            next.validate_media(|id| m.get(id).map(|x| x.probe.facts()))
                .map_err(|e| ApiError::bad_request(e.to_string()))
        }) {
            turn.tool("edit_draft", args, serde_json::json!({ "error": e.message }));
            return Ok(format!("That edit does not fit the media: {}. Nothing was changed.", e.message));
        }
        self.name_segments(&account.id, &mut next).await;
        let version = self.save_draft(&session, &next, "edit").await?;
        let summary = next.summary();
        turn.tool("edit_draft", args, serde_json::json!({ "version": version, "summary": summary }));
        Ok(format!(
            "Done — {} edit{} applied (version {version}). {summary}",
            ops.len(),
            if ops.len() == 1 { "" } else { "s" }
        ))
    }

    /// Exports the current draft, reporting progress until the file is ready.
    async fn export(&self, asked: &Asked<'_>, quality: &str, turn: &mut Turn) -> Result<String, ApiError> {
        let id = format!("chat_{}", turn.invocation);
        let req = RenderRequest {
            id: id.clone(),
            session_id: asked.session.id.clone(),
            draft: None,
            output: Some(RenderOutput { format: Some("mp4".into()), quality: Some(quality.into()), resolution: None }),
        };
        let queued = match self.submit_render(asked.account, req, asked.who).await {
            Ok(s) => s,
            Err(e) => {
                turn.tool(
                    "export",
                    serde_json::json!({ "quality": quality }),
                    serde_json::json!({ "error": e.message }),
                );
                return Ok(format!("I could not start the export: {}", e.message));
            }
        };
        turn.tool(
            "export",
            serde_json::json!({ "quality": quality }),
            serde_json::json!({ "id": id, "status": queued.status }),
        );
        let mut watch = self.watch_render(asked.account, &id);
        let mut reported = -1.0;
        loop {
            let status = self.render_status(asked.account, &id, asked.base_url).await?;
            match status.status.as_str() {
                "completed" => {
                    let url = status.output.map(|o| o.url).unwrap_or_default();
                    return Ok(format!(
                        "Your video is ready: {url} (the link works for {} h).",
                        self.config.download_ttl_secs / 3600
                    ));
                }
                "failed" => return Ok(format!("The export failed: {}", status.error.unwrap_or_default())),
                _ if status.progress >= reported + 0.1 => {
                    reported = status.progress;
                    turn.progress(format!("Exporting… {:.0}%", status.progress * 100.0));
                }
                _ => {}
            }
            watch.changed().await;
        }
    }

    /// Names media segments after their files (for summaries), where they have no name.
    pub async fn name_segments(&self, account_id: &str, draft: &mut Draft) {
        for track in &mut draft.t {
            for seg in &mut track.sg {
                let Some(src) = seg.src.clone().filter(|_| !seg.m.contains_key("name")) else { continue };
                if let Ok(m) = self.store.media(account_id, &src).await {
                    let stem = m.name.rsplit_once('.').map_or(m.name.as_str(), |(s, _)| s).to_string();
                    seg.m.insert("name".into(), stem.into());
                }
            }
        }
    }

    /// Saves a new draft version after the session's current one.
    pub async fn save_draft(&self, session: &Session, draft: &Draft, note: &str) -> Result<i64, ApiError> {
        self.store.push_draft(&session.id, session.draft_version, &draft.to_json(), note, None, now()).await.map_err(|e| {
            match e {
                StoreError::Stale { .. } => {
                    ApiError::new(ErrorCode::BadRequest, "the draft changed meanwhile; try again")
                }
                other => store_error(other),
            }
        })
    }

    async fn step(&self, session: &Session, by: i64, turn: &mut Turn) -> Result<String, ApiError> {
        let versions = self.store.draft_versions(&session.id).await.map_err(store_error)?;
        let target = session.draft_version + by;
        let name = if by < 0 { "undo" } else { "redo" };
        if target < 1 || target > versions {
            turn.tool(name, serde_json::json!({}), serde_json::json!({ "error": format!("nothing to {name}") }));
            return Ok(format!("There is nothing to {name}."));
        }
        self.store.set_draft_version(&session.id, session.draft_version, target, now()).await.map_err(store_error)?;
        let draft = Draft::from_json(&self.store.draft(&session.id, target).await.map_err(store_error)?)
            .map_err(|e| ApiError::internal(e.to_string()))?;
        turn.tool(name, serde_json::json!({}), serde_json::json!({ "version": target, "summary": draft.summary() }));
        Ok(format!(
            "{} — now at version {target} of {versions}. {}",
            if by < 0 { "Undone" } else { "Redone" },
            draft.summary()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ops_in_three_shapes() {
        let one = parse_ops(r#"{"op":"canvas","w":1080,"h":1920}"#).unwrap().unwrap();
        assert_eq!(one.len(), 1);
        let two =
            parse_ops(r#"[{"op":"canvas","w":1080},{"op":"set_meta","key":"title","value":"x"}]"#).unwrap().unwrap();
        assert_eq!(two.len(), 2);
        let wrapped = parse_ops(r#"{"ops":[{"op":"canvas","fps":25}]}"#).unwrap().unwrap();
        assert_eq!(wrapped.len(), 1);
        assert!(parse_ops(r#"{"op":"explode"}"#).unwrap().is_err());
        assert!(parse_ops("make it vertical").is_none());
        assert!(parse_ops("{not json").is_none());
    }

    #[test]
    fn export_requests() {
        assert_eq!(export_request("export"), Some("high"));
        assert_eq!(export_request("export low quality"), Some("low"));
        assert_eq!(export_request("导出"), Some("high"));
        assert_eq!(export_request("export the clip to my aunt's house in paris tomorrow"), None);
        assert_eq!(export_request("make it vertical"), None);
    }
}
