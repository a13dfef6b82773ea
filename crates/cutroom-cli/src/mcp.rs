//! `cutroom mcp`: cutroom's tools for AI agents over the Model Context Protocol (stdio,
//! newline-delimited JSON-RPC), as a client of a running cutroom server: upload, agent turns,
//! the generators (promo, text to video, music, metadata) as sentences the agent understands,
//! state, export with download, credits and sessions. Only JSON-RPC is written to stdout;
//! notices and logs go to stderr. A client error becomes a tool result with `isError` and
//! the client's sentence, never a protocol error.

use crate::remote::{Conn, connect, media_line, saved_line};
use anyhow::Context as _;
use cutroom_api::{MediaInfo, StateData};
use cutroom_client::{
    Client, ClientError, ExportOptions, ExportProgress, Quality, Source, TurnEvent, describe_change, generated_media,
    summary_line,
};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ProgressNotificationParam, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// What an MCP client is told about the server as a whole.
const INSTRUCTIONS: &str = "cutroom is a video studio: it edits a timeline (the draft) of the current session on a \
cutroom server and renders it to an H.264 MP4. Workflow: (1) `upload` local files or URLs (video, images, audio, \
subtitles); (2) change the edit with `say` in plain English or Chinese (\"make it vertical\", \"add a title 'Hello'\", \
\"crossfade between all clips\", \"music at 20%\", \"undo\") or with the generators: `generate_promo` (a short promo \
cut on the beat from the uploads), `generate_video` (a clip drawn from a text prompt), `generate_music` (background \
music composed for the video), `generate_metadata` (titles, a description with chapters, tags and hashtags); \
(3) check the result with `state`; (4) `export` renders the timeline and downloads the MP4. Every change is a new \
draft version and `say` \"undo\" takes back everything one message did. Generators and renders may cost credits \
(`credits`); `new_session` starts an empty project (the old one stays on the server).";

/// `cutroom mcp`: serves the tools on stdin/stdout until the client closes stdin.
pub fn run(conn: &Conn) -> anyhow::Result<()> {
    let client = connect(conn)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let result = runtime.block_on(async {
        let server = Cutroom::new(client, conn.new_session);
        let service = server.serve(rmcp::transport::stdio()).await.context("starting the MCP session")?;
        let reason = service.waiting().await.context("serving MCP")?;
        tracing::debug!(?reason, "MCP session ended");
        anyhow::Ok(())
    });
    // A read of stdin may still be parked on the blocking pool: do not wait for it.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

// ---- arguments ----

/// Shapes a generated video can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
enum Aspect {
    #[serde(rename = "9:16")]
    Vertical,
    #[serde(rename = "16:9")]
    Landscape,
    #[serde(rename = "1:1")]
    Square,
    #[serde(rename = "4:5")]
    Portrait,
}

impl Aspect {
    /// How a sentence for the agent names it.
    fn words(self) -> &'static str {
        match self {
            Aspect::Vertical => "vertical",
            Aspect::Landscape => "landscape",
            Aspect::Square => "square",
            Aspect::Portrait => "4:5",
        }
    }

    fn words_zh(self) -> &'static str {
        match self {
            Aspect::Vertical => "竖屏",
            Aspect::Landscape => "横屏",
            Aspect::Square => "方形",
            Aspect::Portrait => "4:5",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum ExportQuality {
    High,
    Medium,
    Low,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Platform {
    Youtube,
    Tiktok,
    Instagram,
    Bilibili,
}

impl Platform {
    fn en(self) -> &'static str {
        match self {
            Platform::Youtube => "youtube",
            Platform::Tiktok => "tiktok",
            Platform::Instagram => "instagram",
            Platform::Bilibili => "bilibili",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            Platform::Youtube => "YouTube",
            Platform::Tiktok => "抖音",
            Platform::Instagram => "Instagram",
            Platform::Bilibili => "B站",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Language {
    En,
    Zh,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct UploadArgs {
    /// Local files to upload: absolute paths (relative ones are taken from the MCP server's working
    /// directory; `~/` is expanded). Video (mp4, mov, avi, webm, mkv), images (jpg, png, gif, webp),
    /// audio (mp3, wav, m4a, aac) and subtitles (srt, vtt).
    #[serde(default)]
    paths: Vec<String>,
    /// http(s) URLs of media for the cutroom server to fetch.
    #[serde(default)]
    urls: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct SayArgs {
    /// What to do, in plain English or Chinese, as you would tell a video editor: "make it vertical",
    /// "add a title 'Summer Sale'", "swap the first two clips", "trim 1s off the start of clip 2",
    /// "crossfade between all clips", "music at 20%", "make the title red and bigger", "undo".
    /// One message may hold several requests.
    message: String,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct PromoArgs {
    /// Length of the promo in seconds (3–180); default: 15–30 s chosen from the footage.
    #[schemars(range(min = 3, max = 180))]
    duration_s: Option<u32>,
    /// Shape: "9:16" (vertical: TikTok, Reels, Shorts), "16:9" (landscape), "1:1" (square) or "4:5".
    aspect: Option<Aspect>,
    /// Title text shown at the start.
    title: Option<String>,
    /// Keep the promo's music (default true); false removes it after the promo is made.
    music: Option<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct VideoArgs {
    /// What the video shows, in a few descriptive words: setting, time of day, weather, mood,
    /// camera (e.g. "a futuristic city at night with cinematic lighting", "waves crashing on rocks
    /// at sunset"). Avoid quotes and words about music, titles or captions.
    prompt: String,
    /// Length in seconds (1–60); default: the generator's.
    #[schemars(range(min = 1, max = 60))]
    duration_s: Option<u32>,
    /// Shape: "9:16", "16:9", "1:1" or "4:5"; default: the timeline's canvas.
    aspect: Option<Aspect>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct MusicArgs {
    /// A style or mood: lofi (chill), pop (upbeat, happy), cinematic (epic), ambient (calm),
    /// electronic (dance, energetic), acoustic (folk, warm) or corporate (inspiring); default: chosen
    /// from the footage. The music is always composed for the timeline's length and pace.
    style: Option<String>,
    /// Volume under the video, 0–1 (default 0.35).
    #[schemars(range(min = 0.0, max = 1.0))]
    volume: Option<f64>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct MetadataArgs {
    /// The platform whose limits and habits the text follows; default youtube.
    platform: Option<Platform>,
    /// Your own words about the video: topic, audience, keywords.
    hint: Option<String>,
    /// Language of the text: "en" or "zh"; default: the hint's language, else English.
    language: Option<Language>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct ExportArgs {
    /// "high" (default), "medium" or "low" (fast previews).
    quality: Option<ExportQuality>,
    /// The output's shorter side in pixels (e.g. 720, 1080, 2160); default: the timeline's canvas.
    resolution: Option<u32>,
    /// Folder to save the MP4 in (created if missing; `~/` is expanded), or a file path ending in
    /// .mp4; default: the MCP server's working directory.
    output_dir: Option<String>,
}

// ---- results ----

/// A failed tool call: the sentence the caller sees.
#[derive(Debug)]
struct Failure(String);

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Failure {
        Failure(e.to_string())
    }
}

impl From<String> for Failure {
    fn from(s: String) -> Failure {
        Failure(s)
    }
}

type Outcome = Result<CallToolResult, Failure>;

/// A successful result: `text` for people and models, `data` as structured content.
fn done(text: String, data: Value) -> CallToolResult {
    let mut r = CallToolResult::success(vec![ContentBlock::text(text)]);
    r.structured_content = Some(data);
    r
}

fn failed(text: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(text)])
}

/// Runs a tool's work; the client cancelling the request ends it.
async fn guarded(ctx: &RequestContext<RoleServer>, work: impl Future<Output = Outcome>) -> CallToolResult {
    tokio::select! {
        r = work => r.unwrap_or_else(|f| failed(f.0)),
        _ = ctx.ct.cancelled() => failed("cancelled by the client"),
    }
}

/// Progress notifications for a request that asked for them (`_meta.progressToken`), sent in
/// order by a task of their own so reporting never waits.
struct Progress {
    tx: Option<tokio::sync::mpsc::UnboundedSender<String>>,
}

impl Progress {
    fn new(ctx: &RequestContext<RoleServer>) -> Progress {
        let Some(token) = ctx.meta.get_progress_token() else { return Progress { tx: None } };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let peer = ctx.peer.clone();
        tokio::spawn(async move {
            let mut n = 0.0;
            while let Some(message) = rx.recv().await {
                n += 1.0;
                let p = ProgressNotificationParam::new(token.clone(), n).with_message(message);
                if let Err(e) = peer.notify_progress(p).await {
                    tracing::debug!("progress notification not sent: {e}");
                    break;
                }
            }
        });
        Progress { tx: Some(tx) }
    }

    fn say(&self, message: impl Into<String>) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(message.into());
        }
    }
}

// ---- sentences for the agent ----

/// Quote characters would make the planner read the words as on-screen text: they go.
fn unquote(s: &str) -> String {
    let s: String = s.chars().map(|c| if "\"“”„«»「」『』`".contains(c) || c.is_control() { ' ' } else { c }).collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

/// "turn this video into a 20-second vertical promotional clip titled “Launch” with music and
/// transitions". Music is only mentioned after a length, shape or title: bare, the planner
/// reads "a promotional clip with music" as a request for music.
fn promo_sentence(a: &PromoArgs) -> String {
    let mut s = String::from("turn this video into a");
    if let Some(d) = a.duration_s {
        s.push_str(&format!(" {d}-second"));
    }
    if let Some(x) = a.aspect {
        s.push(' ');
        s.push_str(x.words());
    }
    s.push_str(" promotional clip");
    let title = a.title.as_deref().map(unquote).filter(|t| !t.is_empty());
    if let Some(t) = &title {
        s.push_str(&format!(" titled “{t}”"));
    }
    if a.duration_s.is_some() || a.aspect.is_some() || title.is_some() {
        s.push_str(if a.music == Some(false) { " with transitions" } else { " with music and transitions" });
    }
    s
}

/// "generate a 10-second vertical video of <prompt>" (in Chinese for a Chinese prompt).
fn video_sentence(a: &VideoArgs) -> String {
    let prompt = unquote(a.prompt.trim()).trim_end_matches(['.', '!', '?', '。', '！', '？']).to_string();
    if has_cjk(&prompt) {
        let mut s = String::from("生成一段");
        if let Some(d) = a.duration_s {
            s.push_str(&format!("{d}秒的"));
        }
        if let Some(x) = a.aspect {
            s.push_str(x.words_zh());
        }
        s.push_str("视频：");
        s.push_str(&prompt);
        return s;
    }
    let mut s = String::from("generate a");
    if let Some(d) = a.duration_s {
        s.push_str(&format!(" {d}-second"));
    }
    if let Some(x) = a.aspect {
        s.push(' ');
        s.push_str(x.words());
    }
    s.push_str(" video of ");
    s.push_str(&prompt);
    s
}

/// "add lofi background music at 30%".
fn music_sentence(a: &MusicArgs) -> String {
    let style: String = a
        .style
        .as_deref()
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' { c } else { ' ' })
        .collect();
    let style = style.split_whitespace().take(4).collect::<Vec<_>>().join(" ");
    let mut s = String::from("add");
    if !style.is_empty() {
        s.push(' ');
        s.push_str(&style);
    }
    s.push_str(" background music");
    if let Some(v) = a.volume {
        s.push_str(&format!(" at {}%", (v * 100.0).round() as u32));
    }
    s
}

/// "write a title, description and tags for youtube about “…”", or the Chinese request.
fn metadata_sentence(a: &MetadataArgs) -> String {
    let hint = a.hint.as_deref().map(unquote).filter(|h| !h.is_empty());
    let zh = match a.language {
        Some(l) => l == Language::Zh,
        None => hint.as_deref().is_some_and(has_cjk),
    };
    if zh {
        let about = hint.map(|h| format!("关于“{h}”的")).unwrap_or_default();
        return match a.platform {
            Some(p) if about.is_empty() => format!("帮我写几个{}的标题、简介和标签", p.zh()),
            Some(p) => format!("帮我写几个{about}{}标题、简介和标签", p.zh()),
            None => format!("帮我写几个{about}标题、简介和标签"),
        };
    }
    let mut s = String::from("write a title, description and tags");
    if let Some(p) = a.platform {
        s.push_str(" for ");
        s.push_str(p.en());
    }
    if let Some(h) = hint {
        s.push_str(&format!(" about “{h}”"));
    }
    s
}

// ---- descriptions ----

/// A media file without its analysis (which can be long).
fn media_json(m: &MediaInfo) -> Value {
    json!({
        "media_id": m.media_id, "name": m.name, "kind": m.kind, "duration_ms": m.duration_ms,
        "width": m.width, "height": m.height, "fps": m.fps, "has_audio": m.has_audio,
        "size_bytes": m.size_bytes, "format": m.format, "analysis_status": m.analysis_status,
    })
}

fn generated_json(state: &StateData) -> Vec<Value> {
    generated_media(state)
        .into_iter()
        .zip(&state.state.generated_media)
        .map(|(item, g)| {
            json!({"id": g.id, "kind": item.kind, "media_id": item.media_id, "name": item.name,
                   "duration_ms": item.duration_ms, "description": item.line, "meta": g.meta})
        })
        .collect()
}

/// What one agent turn did.
struct TurnReport {
    message: String,
    before: Option<StateData>,
    after: StateData,
    reply: Option<String>,
    tools: Vec<String>,
    /// (tool, error) for tools that answered with an error.
    errors: Vec<(String, String)>,
}

impl TurnReport {
    /// The draft moved to another version (or session) during the turn.
    fn changed(&self) -> bool {
        self.before.as_ref().is_some_and(|b| {
            b.session_id != self.after.session_id || b.state.draft_version != self.after.state.draft_version
        })
    }

    fn change(&self) -> Option<cutroom_client::DraftChange> {
        self.before.as_ref().map(|b| describe_change(b, &self.after))
    }

    /// Lines for the generated media and uploads that appeared during the turn.
    fn new_media(&self) -> Vec<String> {
        self.change().map(|c| c.new_media).unwrap_or_default()
    }

    fn json(&self) -> Value {
        json!({
            "message_sent": self.message,
            "reply": self.reply,
            "tools": self.tools,
            "tool_errors": self.errors.iter().map(|(t, e)| json!({"tool": t, "error": e})).collect::<Vec<_>>(),
            "change": self.change().map(|c| c.sentence()),
            "new_media": self.new_media(),
            "session_id": self.after.session_id,
            "draft_version": self.after.state.draft_version,
            "summary": summary_line(&self.after),
        })
    }

    /// The reply (or, for a silent turn, what changed), the tools and their errors.
    fn text(&self) -> String {
        let mut lines = Vec::new();
        match &self.reply {
            Some(r) => lines.push(r.clone()),
            None => lines.push(match self.change() {
                Some(c) => c.sentence(),
                None => summary_line(&self.after),
            }),
        }
        if !self.tools.is_empty() {
            lines.push(format!("Tools called: {}.", self.tools.join(", ")));
        }
        for (t, e) in &self.errors {
            lines.push(format!("{t} failed: {e}"));
        }
        lines.join("\n")
    }
}

// ---- the server ----

/// The MCP server: one cutroom client, shared by all requests.
#[derive(Clone)]
pub struct Cutroom {
    client: Client,
    /// `--new-session` asked for a new session that has not been started yet.
    fresh_pending: Arc<tokio::sync::Mutex<bool>>,
    tool_router: ToolRouter<Self>,
}

impl Cutroom {
    fn new(client: Client, new_session: bool) -> Cutroom {
        Cutroom {
            client,
            fresh_pending: Arc::new(tokio::sync::Mutex::new(new_session)),
            tool_router: Self::tool_router(),
        }
    }

    /// Starts the session `--new-session` asked for, before the first call that uses one.
    async fn ready(&self) -> Result<(), Failure> {
        let mut pending = self.fresh_pending.lock().await;
        if *pending {
            let sid = self.client.new_session().await?;
            eprintln!("New session: {sid}");
            *pending = false;
        }
        Ok(())
    }

    /// Sends a message to the agent and waits for the whole turn, reporting progress.
    async fn turn(&self, message: &str, progress: &Progress) -> Result<TurnReport, Failure> {
        self.ready().await?;
        let before = self.client.state().await.ok();
        let mut errors = Vec::new();
        let outcome = self
            .client
            .say(message, |event| match event {
                TurnEvent::Text { text, partial: true, .. } => progress.say(text.clone()),
                TurnEvent::ToolCall { name, .. } => progress.say(format!("calling {}", name.replace('_', " "))),
                TurnEvent::ToolResult { name, response, .. } => {
                    if let Some(e) = response.get("error").and_then(Value::as_str) {
                        errors.push((name.clone(), e.to_string()));
                    }
                }
                TurnEvent::Heartbeat => progress.say("still working…"),
                _ => {}
            })
            .await?;
        let after = self.client.state().await?;
        Ok(TurnReport {
            message: message.to_string(),
            before,
            after,
            reply: outcome.reply().map(str::to_string),
            tools: outcome.tools.clone(),
            errors,
        })
    }

    /// A generator's turn: the agent must call `expected`; when it did something else, that
    /// is taken back (undo) and the call fails with what the agent understood.
    async fn generate(
        &self,
        message: &str,
        expected: &str,
        what: &str,
        progress: &Progress,
    ) -> Result<TurnReport, Failure> {
        let report = self.turn(message, progress).await?;
        let reply = report.reply.clone().unwrap_or_else(|| "(no reply)".into());
        if !report.tools.iter().any(|t| t == expected) {
            let mut undone = "";
            if report.changed() {
                undone = match self.client.say("undo", |_| {}).await {
                    Ok(_) => " What it changed instead was undone.",
                    Err(_) => " It changed the timeline instead, and undoing that failed: say \"undo\".",
                };
            }
            let did = if report.tools.is_empty() { "no tool".to_string() } else { report.tools.join(", ") };
            return Err(Failure(format!(
                "The agent did not start {what}: it read \"{message}\" as {did} and replied: {reply}{undone} \
                 Rephrase the request (a prompt needs a few descriptive words), or use `say`."
            )));
        }
        if let Some((_, e)) = report.errors.iter().find(|(t, _)| t == expected) {
            return Err(Failure(format!("{what} failed: {e}. The agent replied: {reply}")));
        }
        Ok(report)
    }

    /// The text and data of a generator's result.
    fn generated(&self, report: &TurnReport) -> CallToolResult {
        done(Self::generated_text(report), report.json())
    }

    /// The reply, the new media and the timeline after a generator's turn.
    fn generated_text(report: &TurnReport) -> String {
        let mut text = report.text();
        let new = report.new_media();
        if !new.is_empty() {
            text.push_str(&format!("\nNew: {}.", new.join("; ")));
        }
        text.push_str(&format!(
            "\nTimeline now (version {}): {}",
            report.after.state.draft_version,
            summary_line(&report.after)
        ));
        text
    }

    async fn upload_work(&self, a: UploadArgs, progress: &Progress) -> Outcome {
        if a.paths.is_empty() && a.urls.is_empty() {
            return Err(Failure("nothing to upload: give `paths` (local files) or `urls`".into()));
        }
        self.ready().await?;
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let files = a.paths.iter().map(|p| {
            let path = local_path(p, &cwd).display().to_string();
            cutroom_client::route::source(&path, |f| Path::new(f).is_file())
        });
        let sources: Vec<Source> = files.chain(a.urls.iter().map(|u| Source::Url(u.trim().to_string()))).collect();
        let media = self.client.upload_sources(&sources, |line| progress.say(line.to_string())).await?;
        let mut text = format!("Uploaded {} file(s) to the session:", media.len());
        for m in &media {
            text.push_str(&format!("\n- {}", media_line(m)));
        }
        text.push_str(
            "\nThe agent places uploads on the timeline when a request needs them (e.g. `say` \"make it vertical\").",
        );
        Ok(done(text, json!({"media": media.iter().map(media_json).collect::<Vec<_>>()})))
    }

    async fn state_work(&self) -> Outcome {
        self.ready().await?;
        let st = self.client.state().await?;
        let s = &st.state;
        let mut text = format!(
            "Session {} · draft version {} of {}\n{}",
            st.session_id,
            s.draft_version,
            s.draft_versions,
            summary_line(&st)
        );
        if s.video_infos.is_empty() {
            text.push_str("\nMedia: none uploaded yet.");
        } else {
            text.push_str("\nMedia:");
            for m in &s.video_infos {
                text.push_str(&format!("\n- {} [analysis {}]", media_line(m), m.analysis_status));
            }
        }
        let generated = generated_media(&st);
        if !generated.is_empty() {
            text.push_str("\nGenerated:");
            for g in &generated {
                text.push_str(&format!("\n- {}", g.line));
            }
        }
        text.push_str(&format!("\nDraft JSON: {}", s.draft));
        let data = json!({
            "session_id": st.session_id,
            "draft_version": s.draft_version,
            "draft_versions": s.draft_versions,
            "summary": summary_line(&st),
            "media": s.video_infos.iter().map(media_json).collect::<Vec<_>>(),
            "generated": generated_json(&st),
            "language": s.language,
            "draft": s.draft,
        });
        Ok(done(text, data))
    }

    async fn metadata_work(&self, a: MetadataArgs, progress: &Progress) -> Outcome {
        let message = metadata_sentence(&a);
        let report = self.generate(&message, "metadata", "writing metadata", progress).await?;
        let known: Vec<&str> =
            report.before.iter().flat_map(|b| b.state.generated_media.iter().map(|g| g.id.as_str())).collect();
        let Some(meta) = report
            .after
            .state
            .generated_media
            .iter()
            .rev()
            .find(|g| g.kind == "metadata" && !known.contains(&g.id.as_str()))
            .map(|g| g.meta.clone())
        else {
            return Err(Failure(format!(
                "the agent wrote no metadata; it replied: {}",
                report.reply.as_deref().unwrap_or("(nothing)")
            )));
        };
        let strs = |k: &str| -> Vec<String> {
            meta.get(k)
                .and_then(Value::as_array)
                .map_or_else(Vec::new, |a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        };
        let platform = meta.get("platform").and_then(Value::as_str).unwrap_or("youtube");
        let lang = meta.get("lang").and_then(Value::as_str).unwrap_or("en");
        let mut text = format!("Metadata for {platform} ({lang}):\nTitles:");
        for (i, t) in strs("titles").iter().enumerate() {
            text.push_str(&format!("\n{}. {t}", i + 1));
        }
        let description = meta.get("description").and_then(Value::as_str).unwrap_or_default();
        text.push_str(&format!("\nDescription:\n{description}"));
        let chapters: Vec<String> = meta
            .get("chapters")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|c| {
                        let ms = c.get("start_ms").and_then(Value::as_u64).unwrap_or(0);
                        let title = c.get("title").and_then(Value::as_str).unwrap_or_default();
                        format!("{}:{:02} {title}", ms / 60_000, ms / 1000 % 60)
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !chapters.is_empty() {
            text.push_str(&format!("\nChapters: {}", chapters.join("; ")));
        }
        text.push_str(&format!("\nTags: {}", strs("tags").join(", ")));
        text.push_str(&format!("\nHashtags: {}", strs("hashtags").join(" ")));
        text.push_str(
            "\nThe first title, the description and the tags are set on the draft and go into the exported MP4.",
        );
        let mut data = report.json();
        data["metadata"] = meta;
        Ok(done(text, data))
    }

    async fn export_work(&self, a: ExportArgs, progress: &Progress) -> Outcome {
        self.ready().await?;
        let quality = match a.quality.unwrap_or(ExportQuality::High) {
            ExportQuality::High => Quality::High,
            ExportQuality::Medium => Quality::Medium,
            ExportQuality::Low => Quality::Low,
        };
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let dest = a
            .output_dir
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map_or_else(|| cwd.clone(), |d| local_path(d, &cwd));
        let is_file = dest.extension().is_some_and(|e| e.eq_ignore_ascii_case("mp4"));
        let folder =
            if is_file { dest.parent().map(Path::to_path_buf).unwrap_or_else(|| cwd.clone()) } else { dest.clone() };
        std::fs::create_dir_all(&folder).map_err(|e| Failure(format!("could not create {}: {e}", folder.display())))?;
        let mut options = ExportOptions::new(quality, &dest);
        options.resolution = a.resolution;
        let mut step = -1i64;
        let r = self
            .client
            .export(&options, |p| match p {
                ExportProgress::Submitted { id } => progress.say(format!("export {id} submitted")),
                ExportProgress::Rendering { fraction } => {
                    let s = (fraction * 10.0).floor() as i64;
                    if s > step {
                        step = s;
                        progress.say(format!("rendering {:.0}%", fraction * 100.0));
                    }
                }
                ExportProgress::Downloading { received: 0, .. } => progress.say("downloading"),
                _ => {}
            })
            .await?;
        let url =
            cutroom_client::export::resolve_url(self.client.server(), &r.url).map_or(r.url.clone(), |u| u.to_string());
        let text = format!("{}, H.264 MP4. Download link (expires): {url}", saved_line(&r));
        let data = json!({"id": r.id, "path": r.path, "url": url, "size_bytes": r.size_bytes,
                          "duration_ms": r.duration_ms, "width": r.width, "height": r.height});
        Ok(done(text, data))
    }
}

/// A path as given: `~/` expanded, relative ones taken from `cwd`.
fn local_path(p: &str, cwd: &Path) -> PathBuf {
    let p = cutroom_client::route::expand_home(p.trim());
    if p.is_absolute() { p } else { cwd.join(p) }
}

#[tool_router]
impl Cutroom {
    #[tool(
        description = "Upload media into the current cutroom session: local files (`paths`) and/or URLs for the server to fetch (`urls`). Accepts video (mp4, mov, avi, webm, mkv), images (jpg, png, gif, webp), audio (mp3, wav, m4a, aac) and subtitles (srt, vtt). Returns each file's name, kind, duration, size and media_id. Upload before asking for edits, promos or metadata."
    )]
    async fn upload(&self, Parameters(a): Parameters<UploadArgs>, ctx: RequestContext<RoleServer>) -> CallToolResult {
        let progress = Progress::new(&ctx);
        guarded(&ctx, self.upload_work(a, &progress)).await
    }

    #[tool(
        description = "Tell cutroom's editing agent what to change, in plain English or Chinese, as you would tell a video editor: format (\"make it vertical\", \"square for Instagram\"), clips (\"swap the first two clips\", \"delete the second scene\", \"trim 1s off the start of clip 2\", \"make every shot 2 seconds\"), sound (\"mute the video\", \"music at 20%\", \"fade the music out\"), text (\"add a title 'Summer Sale'\", \"captions saying 'hello' from 2s to 4s\", \"make the title red and bigger\"), transitions and motion (\"crossfade between all clips\", \"zoom in slowly on the photo\"), history (\"undo\", \"redo\"). Each message becomes one new draft version. Returns the agent's reply, the tools it called, and what changed when it said nothing."
    )]
    async fn say(&self, Parameters(a): Parameters<SayArgs>, ctx: RequestContext<RoleServer>) -> CallToolResult {
        let progress = Progress::new(&ctx);
        guarded(&ctx, async {
            if a.message.trim().is_empty() {
                return Err(Failure("the message is empty: say what to change".into()));
            }
            let report = self.turn(a.message.trim(), &progress).await?;
            Ok(done(report.text(), report.json()))
        })
        .await
    }

    #[tool(
        description = "Show the session: the timeline's one-line summary, the draft version, the uploaded media (with media_id, kind, duration, size, analysis status), what the generators made (music, videos, promos, metadata), and the draft (timeline) JSON.",
        annotations(read_only_hint = true)
    )]
    async fn state(&self, ctx: RequestContext<RoleServer>) -> CallToolResult {
        guarded(&ctx, self.state_work()).await
    }

    #[tool(
        description = "Make a short promotional video from the uploaded footage: the best shots cut on the beat of newly composed music, reframed to the shape, with transitions and an optional title. Replaces the timeline with the promo (say \"undo\" to go back). Takes a while (analysis, music, edit). Upload footage first."
    )]
    async fn generate_promo(
        &self,
        Parameters(a): Parameters<PromoArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let progress = Progress::new(&ctx);
        guarded(&ctx, async {
            if a.duration_s.is_some_and(|d| !(3..=180).contains(&d)) {
                return Err(Failure("duration_s must be 3–180 seconds for a promo".into()));
            }
            let report = self.generate(&promo_sentence(&a), "promo", "a promo", &progress).await?;
            if a.music != Some(false) {
                return Ok(self.generated(&report));
            }
            // The promo is cut to its music; without music, the track goes afterwards.
            let silence = self.turn("remove the background music", &progress).await?;
            let text = format!("{}\n{}", Self::generated_text(&report), Self::generated_text(&silence));
            let mut data = report.json();
            data["music_removed"] = silence.json();
            Ok(done(text, data))
        })
        .await
    }

    #[tool(
        description = "Generate a new video clip from a text description (setting, time of day, weather, mood, camera), drawn by the server's generator, kept as generated media and put on the timeline (the whole picture of an empty timeline, else after the last clip). Describe the scene in a few words, e.g. \"a futuristic city at night with cinematic lighting\"."
    )]
    async fn generate_video(
        &self,
        Parameters(a): Parameters<VideoArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let progress = Progress::new(&ctx);
        guarded(&ctx, async {
            if a.prompt.trim().is_empty() {
                return Err(Failure("the prompt is empty: describe what the video shows".into()));
            }
            if a.duration_s.is_some_and(|d| !(1..=60).contains(&d)) {
                return Err(Failure("duration_s must be 1–60 seconds for a generated video".into()));
            }
            let report = self.generate(&video_sentence(&a), "text_to_video", "generating a video", &progress).await?;
            Ok(self.generated(&report))
        })
        .await
    }

    #[tool(
        description = "Compose original background music for the timeline (its length and pace) in a style, and place it under the picture with a fade-out, dipping under speech. Replaces earlier background music."
    )]
    async fn generate_music(
        &self,
        Parameters(a): Parameters<MusicArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let progress = Progress::new(&ctx);
        guarded(&ctx, async {
            if a.volume.is_some_and(|v| !(0.0..=1.0).contains(&v)) {
                return Err(Failure("volume must be between 0 and 1 (0.35 is the default)".into()));
            }
            let report = self.generate(&music_sentence(&a), "music", "composing music", &progress).await?;
            Ok(self.generated(&report))
        })
        .await
    }

    #[tool(
        description = "Write publishing metadata for the video: title options, a description with chapters, tags and hashtags, within the platform's limits, from the uploads, the timeline and your hint. Returns them; the first title, the description and the tags are also set on the draft and go into the exported MP4."
    )]
    async fn generate_metadata(
        &self,
        Parameters(a): Parameters<MetadataArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let progress = Progress::new(&ctx);
        guarded(&ctx, self.metadata_work(a, &progress)).await
    }

    #[tool(
        description = "Render the session's timeline to an H.264 MP4 on the server and download it. Returns the local path, the download URL (it expires), the size, duration and width x height. Rendering takes about as long as the video or less; use quality \"low\" for a quick preview."
    )]
    async fn export(&self, Parameters(a): Parameters<ExportArgs>, ctx: RequestContext<RoleServer>) -> CallToolResult {
        let progress = Progress::new(&ctx);
        guarded(&ctx, self.export_work(a, &progress)).await
    }

    #[tool(
        description = "Show the account's credits: available, frozen for running jobs, and in all. Generators and renders may cost credits.",
        annotations(read_only_hint = true)
    )]
    async fn credits(&self, ctx: RequestContext<RoleServer>) -> CallToolResult {
        guarded(&ctx, async {
            let b = self.client.credits().await?;
            let text = format!(
                "Credits: {} available, {} frozen for running jobs, {} in all.",
                b.available, b.frozen, b.total
            );
            Ok(done(text, json!({"available": b.available, "frozen": b.frozen, "total": b.total})))
        })
        .await
    }

    #[tool(
        description = "Start a new, empty session (project) and use it from now on; the previous session stays on the server. Returns the new session id."
    )]
    async fn new_session(&self, ctx: RequestContext<RoleServer>) -> CallToolResult {
        guarded(&ctx, async {
            let mut pending = self.fresh_pending.lock().await;
            let sid = self.client.new_session().await?;
            *pending = false;
            Ok(done(format!("Started a new session: {sid}. Upload media to begin."), json!({"session_id": sid})))
        })
        .await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Cutroom {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("cutroom", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cutroom_agent::{BuiltinPlanner, Context, MediaInfo as PlanMedia, PlanInput, Planner};
    use cutroom_timeline::{Draft, MediaKind, Ms};

    /// The calls the built-in planner makes for `message` on a session with three uploaded
    /// clips on the timeline.
    fn plan(message: &str) -> Vec<(String, Value)> {
        let draft = Draft::from_value(json!({
            "canvas": {"w": 1920, "h": 1080, "fps": 30},
            "t": [{"tt": 0, "sg": [
                {"src": "m1", "start": 0, "in": 0, "d": 4000, "m": {"name": "clip1"}},
                {"src": "m2", "start": 4000, "in": 0, "d": 4000, "m": {"name": "clip2"}},
                {"src": "m3", "start": 8000, "in": 0, "d": 4000, "m": {"name": "clip3"}}
            ]}]
        }))
        .unwrap();
        let media: Vec<PlanMedia> = (1..=3)
            .map(|i| PlanMedia {
                id: format!("m{i}"),
                name: format!("clip{i}.mp4"),
                kind: MediaKind::Video,
                duration: Some(Ms(10_000)),
                has_audio: true,
                speech: false,
                generated: false,
            })
            .collect();
        let context = Context::default();
        let p = BuiltinPlanner.plan(&PlanInput {
            message,
            draft: &draft,
            media: &media,
            language: None,
            context: &context,
        });
        p.steps.iter().map(|s| (s.call.name().to_string(), s.call.args())).collect()
    }

    /// The one call `message` must plan.
    fn only(message: &str, tool: &str) -> Value {
        let calls = plan(message);
        assert_eq!(calls.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), [tool], "{message}: {calls:?}");
        calls[0].1.clone()
    }

    #[test]
    fn promo_sentences_reach_the_promo_tool() {
        let a = PromoArgs { duration_s: Some(20), aspect: Some(Aspect::Vertical), ..Default::default() };
        assert_eq!(
            promo_sentence(&a),
            "turn this video into a 20-second vertical promotional clip with music and transitions"
        );
        assert_eq!(only(&promo_sentence(&a), "promo"), json!({"duration_ms": 20000, "aspect": "9:16"}));
        assert_eq!(only(&promo_sentence(&PromoArgs::default()), "promo"), json!({}));
        let aspects = [Aspect::Vertical, Aspect::Landscape, Aspect::Square, Aspect::Portrait];
        for (aspect, name) in aspects.into_iter().zip(["9:16", "16:9", "1:1", "4:5"]) {
            for music in [None, Some(false)] {
                let a = PromoArgs { aspect: Some(aspect), music, ..Default::default() };
                assert_eq!(only(&promo_sentence(&a), "promo")["aspect"], name, "{}", promo_sentence(&a));
            }
        }
        for title in ["Grand Opening", "Mom's \"Kitchen\"", "Sale, 50% off and more"] {
            let a = PromoArgs { title: Some(title.into()), ..Default::default() };
            let args = only(&promo_sentence(&a), "promo");
            assert_eq!(args["title"], unquote(title), "{}", promo_sentence(&a));
        }
        let a =
            PromoArgs { duration_s: Some(15), title: Some("Launch".into()), music: Some(false), ..Default::default() };
        assert_eq!(only(&promo_sentence(&a), "promo"), json!({"duration_ms": 15000, "title": "Launch"}));
    }

    #[test]
    fn video_sentences_reach_text_to_video() {
        let a = VideoArgs {
            prompt: "a futuristic city at night with cinematic lighting".into(),
            duration_s: Some(10),
            aspect: Some(Aspect::Vertical),
        };
        assert_eq!(
            video_sentence(&a),
            "generate a 10-second vertical video of a futuristic city at night with cinematic lighting"
        );
        let args = only(&video_sentence(&a), "text_to_video");
        assert_eq!(args, json!({"prompt": a.prompt, "duration_ms": 10000, "aspect": "9:16"}));
        for prompt in [
            "waves crashing on rocks at sunset.",
            "a cat and a dog playing in the snow",
            "a forest at dawn, misty, with birds",
            "\"a lighthouse\" at dusk",
        ] {
            for aspect in [None, Some(Aspect::Landscape), Some(Aspect::Square), Some(Aspect::Portrait)] {
                let a = VideoArgs { prompt: prompt.into(), duration_s: Some(5), aspect };
                let args = only(&video_sentence(&a), "text_to_video");
                assert_eq!(args["duration_ms"], 5000, "{}", video_sentence(&a));
                assert!(!args["prompt"].as_str().unwrap().contains('"'), "{args}");
            }
        }
        let zh = VideoArgs {
            prompt: "下雪的森林，黄昏".into(), duration_s: Some(10), aspect: Some(Aspect::Vertical)
        };
        assert_eq!(video_sentence(&zh), "生成一段10秒的竖屏视频：下雪的森林，黄昏");
        assert_eq!(only(&video_sentence(&zh), "text_to_video")["aspect"], "9:16");
        // Too few words for a scene: the planner reads the shape as a canvas edit, which
        // `generate` takes back.
        let vague = VideoArgs { prompt: "a cat".into(), duration_s: None, aspect: Some(Aspect::Square) };
        assert_eq!(only(&video_sentence(&vague), "canvas"), json!({"w": 1080, "h": 1080}));
    }

    #[test]
    fn music_sentences_reach_the_music_tool() {
        let styles = [
            ("lofi", Some("lofi")),
            ("chill", Some("lofi")),
            ("pop", Some("pop")),
            ("upbeat", Some("pop")),
            ("cinematic", Some("cinematic")),
            ("epic", Some("cinematic")),
            ("ambient", Some("ambient")),
            ("calm", Some("ambient")),
            ("electronic", Some("electronic")),
            ("acoustic", Some("acoustic")),
            ("corporate", Some("corporate")),
            ("jazz", None),
        ];
        for (style, expected) in styles {
            let a = MusicArgs { style: Some(style.into()), volume: None };
            assert_eq!(music_sentence(&a), format!("add {style} background music"));
            let args = only(&music_sentence(&a), "music");
            assert_eq!(args.get("style").and_then(Value::as_str), expected, "{style}");
        }
        let a = MusicArgs { style: Some("lofi".into()), volume: Some(0.3) };
        assert_eq!(music_sentence(&a), "add lofi background music at 30%");
        assert_eq!(only(&music_sentence(&a), "music"), json!({"style": "lofi", "volume": 0.3}));
        assert_eq!(only(&music_sentence(&MusicArgs::default()), "music"), json!({}));
    }

    #[test]
    fn metadata_sentences_reach_the_metadata_tool() {
        let platforms = [Platform::Youtube, Platform::Tiktok, Platform::Instagram, Platform::Bilibili];
        let en = MetadataArgs { platform: Some(Platform::Youtube), ..Default::default() };
        assert_eq!(metadata_sentence(&en), "write a title, description and tags for youtube");
        for (platform, planned) in platforms.into_iter().zip(["youtube", "tiktok", "instagram", "bilibili"]) {
            for hint in [None, Some("my dog's first trip to the beach, with \"friends\"")] {
                let a = MetadataArgs { platform: Some(platform), hint: hint.map(str::to_string), language: None };
                let args = only(&metadata_sentence(&a), "metadata");
                assert_eq!(args["platform"], planned, "{}", metadata_sentence(&a));
                assert_eq!(args.get("hints").and_then(Value::as_str), hint.map(unquote).as_deref());
            }
        }
        // Chinese: the platform as Chinese users name it (抖音 is TikTok's Chinese twin).
        for (platform, planned) in platforms.into_iter().zip(["youtube", "douyin", "instagram", "bilibili"]) {
            for hint in [None, Some("周末露营，带狗")] {
                let a = MetadataArgs {
                    platform: Some(platform),
                    hint: hint.map(str::to_string),
                    language: Some(Language::Zh),
                };
                let args = only(&metadata_sentence(&a), "metadata");
                assert_eq!(args["platform"], planned, "{}", metadata_sentence(&a));
                assert_eq!(args.get("hints").and_then(Value::as_str), hint, "{}", metadata_sentence(&a));
            }
        }
        let a = MetadataArgs { hint: Some("周末露营".into()), ..Default::default() };
        assert_eq!(metadata_sentence(&a), "帮我写几个关于“周末露营”的标题、简介和标签");
        assert_eq!(only(&metadata_sentence(&a), "metadata"), json!({"hints": "周末露营"}));
        assert_eq!(only(&metadata_sentence(&MetadataArgs::default()), "metadata"), json!({}));
    }

    #[test]
    fn quotes_and_paths() {
        assert_eq!(unquote(" say “hi”\n\"there\" "), "say hi there");
        let cwd = Path::new("/work");
        assert_eq!(local_path("clip.mp4", cwd), PathBuf::from("/work/clip.mp4"));
        assert_eq!(local_path("/tmp/a.mp4", cwd), PathBuf::from("/tmp/a.mp4"));
    }
}
