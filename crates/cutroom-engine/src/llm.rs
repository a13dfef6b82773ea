//! The optional language model: an OpenAI-compatible chat-completions endpoint offered the
//! agent's tools as functions (and asked for JSON by the metadata writer). Its calls are checked like the built-in
//! planner's (types, ranges, every edit tried on a copy of the draft); whenever the model
//! fails, the built-in planner answers instead and the reply says why.

use crate::config::PlannerConfig;
use cutroom_agent::resolve::MAX_MESSAGE;
use cutroom_agent::token::is_chinese;
use cutroom_agent::{BuiltinPlanner, Lang, Plan, PlanInput, Planner, Step, ToolCall, tools};
use cutroom_timeline::{Draft, MediaFacts, apply};
use serde_json::{Value, json};
use std::time::Duration;

/// Largest draft JSON put in the prompt; a bigger draft is described by its summary only.
const MAX_DRAFT_JSON: usize = 60_000;
/// Most media files listed in the prompt.
const MAX_MEDIA: usize = 200;

/// Plans with a language model.
pub struct LlmPlanner {
    /// `None` when the HTTP client could not be built (every plan is then an error).
    client: Option<reqwest::Client>,
    config: PlannerConfig,
}

impl LlmPlanner {
    pub fn new(config: &PlannerConfig) -> LlmPlanner {
        let secs = config.llm_timeout_secs.max(1);
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(secs))
            .connect_timeout(Duration::from_secs(secs.min(10)))
            .build()
            .ok();
        LlmPlanner { client, config: config.clone() }
    }

    fn url(&self) -> String {
        format!("{}/chat/completions", self.config.llm_url.trim_end_matches('/'))
    }

    /// Asks the model; any failure is an Err with a short reason (for a note to the user).
    pub async fn plan(&self, input: &PlanInput<'_>) -> Result<Plan, String> {
        let body = json!({
            "model": self.config.llm_model,
            "messages": [
                {"role": "system", "content": system_prompt(input)},
                {"role": "user", "content": input.message},
            ],
            "tools": tools::definitions(),
            "tool_choice": "auto",
            "temperature": 0,
        });
        read_answer(input, &self.chat(body).await?)
    }

    /// Asks the model for a JSON object (the metadata writer); the answer's text.
    pub async fn write_json(&self, system: &str, user: &str) -> Result<String, String> {
        let body = json!({
            "model": self.config.llm_model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "response_format": {"type": "json_object"},
            "temperature": 0.7,
        });
        let answer = self.chat(body).await?;
        let text = answer.pointer("/choices/0/message/content").map(content_text).unwrap_or_default();
        if text.is_empty() { Err("the model answered with nothing".into()) } else { Ok(text) }
    }

    /// One chat-completions request; the answer's JSON, or why there is none.
    async fn chat(&self, body: Value) -> Result<Value, String> {
        let client = self.client.as_ref().ok_or("the HTTP client could not be set up")?;
        let url = self.url();
        let mut request = client.post(&url).json(&body);
        if let Some(key) = self.config.llm_api_key.as_deref().filter(|k| !k.is_empty()) {
            request = request.bearer_auth(key);
        }
        let secs = self.config.llm_timeout_secs.max(1);
        let failed = |e: reqwest::Error| {
            if e.is_timeout() {
                format!("the model at {url} did not answer in {secs} s")
            } else if e.is_connect() {
                format!("the model at {url} could not be reached")
            } else {
                format!("the request to the model at {url} failed")
            }
        };
        let response = request.send().await.map_err(failed)?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("the model at {url} returned status {}", status.as_u16()));
        }
        response.json().await.map_err(|e| {
            if e.is_timeout() { failed(e) } else { format!("the model at {url} did not return valid JSON") }
        })
    }
}

/// The plan the user gets: the model's, or the built-in planner's with a note saying why
/// the model was not used.
pub async fn plan_with_fallback(llm: Option<&LlmPlanner>, input: &PlanInput<'_>) -> Plan {
    // The built-in planner has its own answer for messages too long to read.
    let Some(llm) = llm.filter(|_| input.message.trim().chars().count() <= MAX_MESSAGE) else {
        return BuiltinPlanner.plan(input);
    };
    let why = match llm.plan(input).await {
        Ok(plan) => return plan,
        Err(why) => why,
    };
    tracing::warn!(reason = %why, "language model planner failed; using the built-in planner");
    let mut plan = BuiltinPlanner.plan(input);
    let note = match plan.lang {
        Lang::En => format!("(The language model was unavailable — {why} — so the built-in planner handled this.)"),
        Lang::Zh => format!("（语言模型暂不可用：{why}，本次由内置规划器处理。）"),
    };
    // On the first step when there is one, so a plan that does something still does and a
    // question is still a question.
    match plan.steps.first_mut() {
        Some(step) => {
            let sep = if plan.lang.zh() { "" } else { " " };
            step.note = Some(match step.note.take() {
                Some(n) if !n.is_empty() => format!("{note}{sep}{n}"),
                _ => note,
            });
        }
        None => plan.questions.insert(0, note),
    }
    plan
}

fn lang_of(input: &PlanInput<'_>) -> Lang {
    let m = input.message;
    if is_chinese(m)
        || (!m.chars().any(|c| c.is_ascii_alphabetic()) && input.language.is_some_and(|l| l.starts_with("zh")))
    {
        Lang::Zh
    } else {
        Lang::En
    }
}

fn system_prompt(input: &PlanInput<'_>) -> String {
    let draft = serde_json::to_string(input.draft).unwrap_or_default();
    let draft = if draft.len() > MAX_DRAFT_JSON { "(too large to show; use the summary)".to_string() } else { draft };
    let media: Vec<Value> = input
        .media
        .iter()
        .take(MAX_MEDIA)
        .map(|m| {
            json!({"id": m.id, "name": m.name, "kind": m.kind, "duration_ms": m.duration.map(|d| d.0), "has_audio": m.has_audio})
        })
        .collect();
    let media = serde_json::to_string(&media).unwrap_or_default();
    format!(
        "You are cutroom's video editing agent. Carry out the user's request on the current draft (the timeline) \
         by calling the tools, and only those calls. If the request is unclear, answer with a short question in \
         plain text instead and call nothing. Times are integer milliseconds; track and segment indices count \
         from 0. Media are referred to by id. Reply in the user's language.\n\
         Draft summary: {summary}\nDraft JSON: {draft}\nMedia: {media}",
        summary = input.draft.summary(),
    )
}

/// The text of a message's content (a string, or parts with `text`).
fn content_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.trim().to_string(),
        Value::Array(parts) => {
            parts.iter().filter_map(|p| p["text"].as_str()).collect::<Vec<_>>().join("").trim().to_string()
        }
        _ => String::new(),
    }
}

/// Turns a chat-completions answer into a checked plan.
fn read_answer(input: &PlanInput<'_>, answer: &Value) -> Result<Plan, String> {
    let message = answer.pointer("/choices/0/message").ok_or("the model's answer has no message")?;
    let text = content_text(&message["content"]);
    let mut calls = Vec::new();
    for call in message["tool_calls"].as_array().into_iter().flatten() {
        let f = &call["function"];
        let name = f["name"].as_str().ok_or("the model called a tool without a name")?;
        let args = match &f["arguments"] {
            Value::String(s) if s.trim().is_empty() => Value::Null,
            Value::String(s) => serde_json::from_str(s)
                .map_err(|_| format!("the model gave arguments for {name} that are not valid JSON"))?,
            other => other.clone(),
        };
        calls.push(ToolCall::from_call(name, args).map_err(|e| format!("the model made an unusable call ({e})"))?);
    }
    let lang = lang_of(input);
    let mut plan = Plan { lang, context: input.context.clone(), ..Plan::default() };
    if calls.is_empty() {
        if text.is_empty() {
            return Err("the model answered with nothing".into());
        }
        plan.questions.push(text);
        return Ok(plan);
    }
    check_edits(input, &calls)?;
    let note = if text.is_empty() {
        let names: Vec<String> = calls.iter().map(|c| c.name().replace('_', " ")).collect();
        match lang {
            Lang::En => format!("Done: {}.", names.join(", ")),
            Lang::Zh => format!("已完成：{}。", names.join("、")),
        }
    } else {
        text
    };
    let last = calls.len() - 1;
    plan.steps =
        calls.into_iter().enumerate().map(|(i, call)| Step { call, note: (i == last).then(|| note.clone()) }).collect();
    Ok(plan)
}

/// Tries the edits in order on a copy of the draft. After an undo or redo the draft they
/// meet is not known here, so later edits are left to the service.
fn check_edits(input: &PlanInput<'_>, calls: &[ToolCall]) -> Result<(), String> {
    let facts = |id: &str| {
        input.media.iter().find(|m| m.id == id).map(|m| MediaFacts {
            kind: m.kind,
            duration: m.duration,
            has_audio: m.has_audio,
        })
    };
    let mut draft: Draft = input.draft.clone();
    for call in calls {
        match call {
            ToolCall::Undo(_) | ToolCall::Redo(_) => break,
            ToolCall::Edit(op) => {
                let next = apply(&draft, op).map_err(|e| format!("the model's {} does not apply ({e})", op.name()))?;
                next.validate_media(facts).map_err(|e| format!("the model's {} does not apply ({e})", op.name()))?;
                draft = next;
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cutroom_agent::Context;
    use cutroom_timeline::EditOp;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    use tokio::task::JoinHandle;

    /// A fake endpoint: answers one request with `answer` (JSON body, status 200), or never
    /// answers when it is `None`. The handle gives back the request it read.
    async fn fake(answer: Option<Value>) -> (String, JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let handle = tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.expect("accept");
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            loop {
                let n = sock.read(&mut chunk).await.expect("read");
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf);
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text[..end]
                        .lines()
                        .find_map(|l| l.to_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + len {
                        break;
                    }
                }
            }
            let request = String::from_utf8_lossy(&buf).to_string();
            match answer {
                Some(v) => {
                    let body = v.to_string();
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    sock.write_all(head.as_bytes()).await.expect("write");
                    sock.write_all(body.as_bytes()).await.expect("write");
                    sock.shutdown().await.ok();
                }
                None => tokio::time::sleep(Duration::from_secs(30)).await,
            }
            request
        });
        (format!("http://{addr}/v1/"), handle)
    }

    fn planner(url: &str, timeout: u64) -> LlmPlanner {
        LlmPlanner::new(&PlannerConfig {
            kind: "llm".into(),
            llm_url: url.into(),
            llm_model: "test".into(),
            llm_api_key: Some("sekrit".into()),
            llm_timeout_secs: timeout,
        })
    }

    fn calling(name: &str, arguments: &str) -> Value {
        json!({"choices": [{"message": {"role": "assistant", "content": null, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": name, "arguments": arguments}}
        ]}}]})
    }

    fn input<'a>(message: &'a str, draft: &'a Draft, context: &'a Context) -> PlanInput<'a> {
        PlanInput { message, draft, media: &[], language: None, context }
    }

    fn has_canvas(plan: &Plan) -> bool {
        plan.steps.iter().any(|s| matches!(s.call, ToolCall::Edit(EditOp::Canvas { .. })))
    }

    #[tokio::test]
    async fn a_valid_tool_call_becomes_the_plan() {
        let (url, server) = fake(Some(calling("canvas", r#"{"w":1080,"h":1920}"#))).await;
        let (draft, ctx) = (Draft::default(), Context::default());
        let plan = planner(&url, 5).plan(&input("make it tall please", &draft, &ctx)).await.expect("plan");
        assert_eq!(plan.steps.len(), 1);
        assert!(matches!(plan.steps[0].call, ToolCall::Edit(EditOp::Canvas { w: Some(1080), .. })));
        assert_eq!(plan.reply(), "Done: canvas.");
        assert!(!plan.is_question());
        let request = server.await.expect("server");
        assert!(request.starts_with("POST /v1/chat/completions"), "{request}");
        assert!(request.to_lowercase().contains("authorization: bearer sekrit"));
        assert!(request.contains("\"tools\"") && request.contains("make it tall please"));
    }

    async fn falls_back(answer: Option<Value>, timeout: u64) -> Plan {
        let (url, _server) = fake(answer).await;
        let (draft, ctx) = (Draft::default(), Context::default());
        let plan = plan_with_fallback(Some(&planner(&url, timeout)), &input("make it vertical", &draft, &ctx)).await;
        assert!(has_canvas(&plan), "{plan:?}");
        assert!(plan.reply().contains("built-in planner"), "{}", plan.reply());
        plan
    }

    #[tokio::test]
    async fn invalid_arguments_fall_back() {
        let plan = falls_back(Some(calling("canvas", "{w: 1080")), 5).await;
        assert!(plan.reply().contains("not valid JSON"), "{}", plan.reply());
    }

    #[tokio::test]
    async fn an_unknown_tool_falls_back() {
        let plan = falls_back(Some(calling("explode", "{}")), 5).await;
        assert!(plan.reply().contains("explode"), "{}", plan.reply());
    }

    #[tokio::test]
    async fn an_edit_that_does_not_apply_falls_back() {
        falls_back(Some(calling("canvas", r#"{"w":7}"#)), 5).await;
    }

    #[tokio::test]
    async fn a_silent_model_falls_back_after_the_timeout() {
        let started = std::time::Instant::now();
        let plan = falls_back(None, 1).await;
        assert!(started.elapsed() < Duration::from_millis(2500), "{:?}", started.elapsed());
        assert!(plan.reply().contains("did not answer in 1 s"), "{}", plan.reply());
    }

    #[tokio::test]
    async fn an_unreachable_model_falls_back() {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            l.local_addr().expect("address").port()
        };
        let (draft, ctx) = (Draft::default(), Context::default());
        let llm = planner(&format!("http://127.0.0.1:{port}/v1"), 5);
        let plan = plan_with_fallback(Some(&llm), &input("make it vertical", &draft, &ctx)).await;
        assert!(has_canvas(&plan));
        assert!(plan.reply().contains("could not be reached"), "{}", plan.reply());
        let zh = plan_with_fallback(Some(&llm), &input("改成竖屏", &draft, &ctx)).await;
        assert_eq!(zh.lang, Lang::Zh);
        assert!(zh.reply().contains("内置规划器"), "{}", zh.reply());
    }

    #[tokio::test]
    async fn a_text_answer_is_a_question() {
        let answer = json!({"choices": [{"message": {"role": "assistant", "content": " Which clip do you mean? "}}]});
        let (url, _server) = fake(Some(answer)).await;
        let (draft, ctx) = (Draft::default(), Context::default());
        let plan = planner(&url, 5).plan(&input("cut it", &draft, &ctx)).await.expect("plan");
        assert!(plan.is_question());
        assert_eq!(plan.questions, vec!["Which clip do you mean?".to_string()]);
        let (url, _server) = fake(Some(json!({"choices": [{"message": {"content": ""}}]}))).await;
        assert!(planner(&url, 5).plan(&input("cut it", &draft, &ctx)).await.is_err());
    }
}
