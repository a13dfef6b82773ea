//! The client commands: `say`, `upload`, `export`, `credits`, `status` and `chat` against a
//! cutroom server, the way the reference service's clients work — a token and a session
//! set up on first use and kept in the config folder, keyword routing of messages, the
//! agent's turn streamed as readable text, exports downloaded with a progress bar. The
//! token is never printed.

use anyhow::{Context, Result};
use clap::Args;
use cutroom_api::MediaInfo;
use cutroom_client::{
    Client, ClientOptions, ExportOptions, ExportProgress, ExportResult, Notice, Quality, Route, Source, TurnEvent,
    describe_change, generated_media, path_exists, route, summary_line,
};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Which server, and which session.
#[derive(Args, Clone, Debug, Default)]
pub struct Conn {
    /// The cutroom server [default: $CUTROOM_SERVER, else http://127.0.0.1:8080].
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// Start a new session first (the old one stays on the server).
    #[arg(long)]
    pub new_session: bool,
}

/// `cutroom export`'s options.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// high, medium or low.
    #[arg(long, default_value = "high")]
    pub quality: String,
    /// Shorter side in pixels (default: the canvas).
    #[arg(long)]
    pub resolution: Option<u32>,
    /// Where to save the MP4 (a file, or a folder for `<render id>.mp4`).
    #[arg(short, long, default_value = ".")]
    pub output: PathBuf,
    #[command(flatten)]
    pub conn: Conn,
}

/// The last message shown, so a heartbeat says "still working…" only after a quiet spell.
const QUIET: Duration = Duration::from_secs(30);

/// A client for the command line: notices on stderr ("Connecting…", a new session).
pub fn connect(conn: &Conn) -> Result<Client> {
    let mut options = ClientOptions::from_env();
    if let Some(s) = conn.server.as_deref().filter(|s| !s.trim().is_empty()) {
        options.server = Some(s.to_string());
    }
    options.source = "cutroom-cli".into();
    // Where an agent skill drives the CLI from (clawhub, cursor), for attribution.
    if let Some(p) = std::env::var("CUTROOM_SKILL_PLATFORM").ok().filter(|p| !p.trim().is_empty()) {
        options.platform = cutroom_client::header_value(&p, "unknown");
    }
    options.on_notice = Some(Arc::new(|n: &Notice| match n {
        Notice::Connecting => eprintln!("Connecting…"),
        Notice::TokenRenewed => eprintln!("(The access token had expired; got a new one.)"),
        Notice::ClientIdRenewed => {}
        Notice::SessionStarted { replaced: Some(_), session_id } => {
            eprintln!("(The previous session was gone; started a new one: {session_id}.)")
        }
        Notice::SessionStarted { replaced: None, .. } => {}
        Notice::RateLimited { wait } => eprintln!("(Rate limited; retrying in {} s.)", wait.as_secs()),
    }));
    Ok(Client::new(options)?)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().context("starting the runtime")
}

async fn start(conn: &Conn) -> Result<Client> {
    let client = connect(conn)?;
    if conn.new_session {
        let sid = client.new_session().await?;
        eprintln!("New session: {sid}");
    }
    Ok(client)
}

/// `cutroom say MESSAGE`: one message, routed like the reference's clients route it.
pub fn say(message: &str, conn: &Conn) -> Result<()> {
    runtime()?.block_on(async {
        let client = start(conn).await?;
        handle(&client, message, Path::new(".")).await
    })
}

/// `cutroom upload FILE|URL…`.
pub fn upload(items: &[String], conn: &Conn) -> Result<()> {
    runtime()?.block_on(async {
        let client = start(conn).await?;
        let sources = items.iter().map(|i| cutroom_client::route::source(i, path_exists)).collect::<Vec<_>>();
        upload_sources(&client, &sources).await
    })
}

/// `cutroom export`.
pub fn export(a: &ExportArgs) -> Result<()> {
    let quality: Quality = a.quality.parse()?;
    runtime()?.block_on(async {
        let client = start(&a.conn).await?;
        run_export(&client, quality, a.resolution, &a.output).await.map(|_| ())
    })
}

/// `cutroom credits`.
pub fn credits(conn: &Conn) -> Result<()> {
    runtime()?.block_on(async {
        let client = start(conn).await?;
        show_credits(&client).await
    })
}

/// `cutroom status [--json]`.
pub fn status(conn: &Conn, json: bool) -> Result<()> {
    runtime()?.block_on(async {
        let client = start(conn).await?;
        if json {
            let state = client.state().await?;
            println!("{}", serde_json::to_string_pretty(&state)?);
            return Ok(());
        }
        show_state(&client).await
    })
}

/// `cutroom chat`: line by line until `/quit` or end of input; messages are kept in the
/// config folder's `history` file.
pub fn chat(conn: &Conn) -> Result<()> {
    runtime()?.block_on(async {
        let client = start(conn).await?;
        let history = client.config_path().and_then(|p| p.parent().map(|d| d.join("history")));
        let tty = std::io::stdin().is_terminal();
        if tty {
            eprintln!(
                "cutroom chat at {} — say what you want; a file path uploads it; \"export\" downloads the video.\n\
                 /status, /credits, /new (new session), /history, /quit.",
                client.server()
            );
        }
        let mut lines = std::io::stdin().lock().lines();
        loop {
            if tty {
                eprint!("> ");
                std::io::stderr().flush().ok();
            }
            let Some(line) = lines.next() else { break };
            let line = line.context("reading the input")?;
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(path) = &history {
                remember(path, line);
            }
            let result = match line {
                "/quit" | "/exit" | "/q" => break,
                "/status" => show_state(&client).await,
                "/credits" => show_credits(&client).await,
                "/new" => client.new_session().await.map(|sid| println!("New session: {sid}")).map_err(Into::into),
                "/history" => {
                    show_history(history.as_deref());
                    Ok(())
                }
                _ => handle(&client, line, Path::new(".")).await,
            };
            // A failed message does not end the conversation.
            if let Err(e) = result {
                eprintln!("error: {e:#}");
            }
        }
        Ok(())
    })
}

/// Appends a message to the history file (private to the user, like the credentials).
fn remember(path: &Path, line: &str) {
    let open = || {
        let mut o = std::fs::OpenOptions::new();
        o.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        o.open(path)
    };
    if let Ok(mut f) = open() {
        writeln!(f, "{}", line.replace('\n', " ")).ok();
    }
}

fn show_history(path: Option<&Path>) {
    let text = path.and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    for l in &lines[lines.len().saturating_sub(20)..] {
        println!("  {l}");
    }
}

/// One message: answered locally (export, credits, state, upload) or sent to the agent.
async fn handle(client: &Client, message: &str, out: &Path) -> Result<()> {
    match route(message, path_exists) {
        Route::Export(hint) => {
            run_export(client, hint.quality.unwrap_or(Quality::High), hint.resolution, out).await.map(|_| ())
        }
        Route::Credits => show_credits(client).await,
        Route::State => show_state(client).await,
        Route::Upload(sources) if sources.is_empty() => {
            println!("Which file? Give its path (or a URL), e.g. `upload ~/Videos/clip.mp4`.");
            Ok(())
        }
        Route::Upload(sources) => upload_sources(client, &sources).await,
        Route::Turn => turn(client, message).await,
    }
}

/// A media line: `clip.mp4 — video, 12.0 s, 1920x1080, 3.1 MB (media_id med_…)`.
pub(crate) fn media_line(m: &MediaInfo) -> String {
    let mut facts = vec![m.kind.clone()];
    if let Some(d) = m.duration_ms {
        facts.push(format!("{:.1} s", d as f64 / 1000.0));
    }
    if let (Some(w), Some(h)) = (m.width, m.height) {
        facts.push(format!("{w}x{h}"));
    }
    facts.push(format!("{:.1} MB", m.size_bytes as f64 / 1_048_576.0));
    format!("{} — {} (media_id {})", m.name, facts.join(", "), m.media_id)
}

async fn upload_sources(client: &Client, sources: &[Source]) -> Result<()> {
    for m in client.upload_sources(sources, |line| eprintln!("{line}")).await? {
        println!("Uploaded {}", media_line(&m));
    }
    Ok(())
}

async fn show_credits(client: &Client) -> Result<()> {
    let b = client.credits().await?;
    println!("Credits: {} available, {} frozen for running jobs, {} in all.", b.available, b.frozen, b.total);
    Ok(())
}

async fn show_state(client: &Client) -> Result<()> {
    let state = client.state().await?;
    println!("Session {} · draft version {}", state.session_id, state.state.draft_version);
    println!("{}", summary_line(&state));
    for m in &state.state.video_infos {
        println!("  media: {}", media_line(m));
    }
    for g in generated_media(&state) {
        println!("  generated {}", g.line);
    }
    Ok(())
}

/// An agent turn: text printed as it arrives, tool activity in brief, "still working…"
/// after a quiet spell; a turn that ends without text is explained from the state.
async fn turn(client: &Client, message: &str) -> Result<()> {
    let before = client.state().await.ok();
    let mut last = Instant::now();
    let mut said_anything = false;
    let outcome = client
        .say(message, |event| match event {
            TurnEvent::Text { text, partial: true, .. } => {
                eprintln!("  … {text}");
                last = Instant::now();
            }
            TurnEvent::Text { text, .. } => {
                if !text.trim().is_empty() {
                    println!("{text}");
                    said_anything = true;
                }
                last = Instant::now();
            }
            TurnEvent::ToolCall { name, .. } => {
                eprintln!("  · {}", name.replace('_', " "));
                last = Instant::now();
            }
            TurnEvent::Heartbeat if last.elapsed() >= QUIET => {
                eprintln!("  ⏳ still working…");
                last = Instant::now();
            }
            _ => {}
        })
        .await?;
    if !said_anything && outcome.silent() {
        let after = client.state().await?;
        match before {
            Some(before) => println!("{}", describe_change(&before, &after)),
            None => println!("{}", summary_line(&after)),
        }
    }
    Ok(())
}

/// Exports the session's draft and downloads it, with a progress bar on a terminal (and a
/// line per step elsewhere).
pub async fn run_export(
    client: &Client,
    quality: Quality,
    resolution: Option<u32>,
    out: &Path,
) -> Result<ExportResult> {
    let mut options = ExportOptions::new(quality, out);
    options.resolution = resolution;
    // The stage (queued, rendering, downloading) is the bar's message.
    let bar = crate::commands::progress_bar("{msg}");
    let tty = std::io::stderr().is_terminal();
    let mut last_step = -1i64;
    let say = |line: String| {
        if !tty {
            eprintln!("{line}");
        }
    };
    let result = client
        .export(&options, |p| match p {
            ExportProgress::Submitted { id } => {
                bar.set_message("queued");
                say(format!("Export {id} submitted"));
            }
            ExportProgress::Queued => bar.set_message("queued"),
            ExportProgress::Rendering { fraction } => {
                bar.set_message("rendering");
                bar.set_position((fraction * 1000.0) as u64);
                let step = (fraction * 10.0).floor() as i64;
                if step > last_step {
                    last_step = step;
                    say(format!("Rendering {:.0}%", fraction * 100.0));
                }
            }
            ExportProgress::Downloading { received, total } => {
                bar.set_message("downloading");
                if let Some(t) = total.filter(|t| *t > 0) {
                    bar.set_position(received * 1000 / t);
                }
            }
            ExportProgress::Saved { .. } => {}
        })
        .await;
    bar.finish_and_clear();
    let r = result?;
    println!("{}", saved_line(&r));
    Ok(r)
}

/// `Saved out.mp4 (1080x1920, 21.4 s, 12.3 MB)`.
pub(crate) fn saved_line(r: &ExportResult) -> String {
    format!(
        "Saved {} ({}x{}, {:.1} s, {:.1} MB)",
        r.path.display(),
        r.width,
        r.height,
        r.duration_ms as f64 / 1000.0,
        r.size_bytes as f64 / 1_048_576.0
    )
}
