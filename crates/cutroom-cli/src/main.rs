//! The `cutroom` binary: one entry point for every command.

mod commands;
mod mcp;
mod remote;
mod serve;
mod tour;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// cutroom — a self-hosted video studio: timelines in, H.264 MP4s out.
#[derive(Parser)]
#[command(name = "cutroom", version, about = "cutroom — a self-hosted video studio: timelines in, H.264 MP4s out.")]
struct Cli {
    /// More log output (-v info, -vv debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Render a draft (timeline JSON) to an MP4.
    Render(commands::RenderArgs),
    /// Describe a media file (duration, streams, size).
    Probe {
        file: PathBuf,
        /// Print JSON instead of a readable summary.
        #[arg(long)]
        json: bool,
    },
    /// Analyse footage: shots, their quality and colour, sound, tempo, scene tags.
    Analyze {
        file: PathBuf,
        /// Print JSON instead of a readable report.
        #[arg(long)]
        json: bool,
        /// Where analyses are cached by content (default: ~/.cache/cutroom/analysis).
        #[arg(long)]
        cache_dir: Option<PathBuf>,
        /// Analyse again even when a cached result exists.
        #[arg(long)]
        no_cache: bool,
    },
    /// Compose original background music for a video (or a length) and write a WAV.
    Music(commands::MusicArgs),
    /// Generate a video from a description: the prompt becomes a scene (setting, time of day,
    /// weather, mood, camera) drawn frame by frame, or goes to a configured video model.
    Generate(commands::GenerateArgs),
    /// Write title options, a description with chapters, tags and hashtags for a video or
    /// a draft, within a platform's limits.
    Meta(commands::MetaArgs),
    /// Make a promo from footage: the best shots cut on the beat of new music, reframed,
    /// with a title and a call to action.
    Promo(commands::PromoArgs),
    /// Re-edit a draft or a finished clip: reorder, remove or repeat scenes, cut dead air,
    /// change the pace or the length, cut on the music's beat.
    Reedit(commands::ReeditArgs),
    /// Run the HTTP service (the reference API, with workers) until Ctrl-C or SIGTERM.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long)]
        bind: Option<String>,
        #[command(flatten)]
        config: serve::ConfigArgs,
    },
    /// Operator commands on the service's data: credits, accounts, usage.
    Admin {
        #[command(flatten)]
        config: serve::ConfigArgs,
        #[command(subcommand)]
        command: serve::Admin,
    },
    /// Send a message to the agent of a cutroom server ("export", "credits", "status" and
    /// file paths are handled here, like the reference clients do).
    Say {
        /// What you want, in plain words (English or Chinese).
        #[arg(required = true, num_args = 1..)]
        message: Vec<String>,
        #[command(flatten)]
        conn: remote::Conn,
    },
    /// Upload files (or URLs for the server to fetch) to the current session.
    Upload {
        #[arg(required = true, num_args = 1.., value_name = "FILE|URL")]
        items: Vec<String>,
        #[command(flatten)]
        conn: remote::Conn,
    },
    /// Export the session's timeline to an MP4 and download it.
    Export(remote::ExportArgs),
    /// Show the account's credits.
    Credits {
        #[command(flatten)]
        conn: remote::Conn,
    },
    /// Show the session's timeline, media and generated media.
    Status {
        /// Print the whole state as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        conn: remote::Conn,
    },
    /// Talk to the agent line by line (a file path uploads it, "export" downloads).
    Chat {
        #[command(flatten)]
        conn: remote::Conn,
    },
    /// Serve cutroom's tools to MCP clients over stdio (JSON-RPC), against a cutroom server.
    Mcp {
        #[command(flatten)]
        conn: remote::Conn,
    },
    /// Drive all five jobs through a running server (promo, re-edit, metadata, text to
    /// video, music) and save the MP4s and the metadata in one folder.
    Tour {
        /// Footage for the promo [default: the sample clips fetched by the set-up script].
        clips: Vec<PathBuf>,
        /// Where to put the MP4s and the metadata.
        #[arg(long, default_value = "out/demo")]
        out: PathBuf,
        #[command(flatten)]
        conn: remote::Conn,
    },
    /// Generate example footage and render the bundled example draft.
    Demo {
        /// Where to put the footage, the draft and the MP4.
        #[arg(long, default_value = "out/demo")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The service logs each request by default; the tools only warn unless asked.
    let quiet = if matches!(cli.command, Cmd::Serve { .. }) { "info" } else { "warn" };
    let level = match cli.verbose {
        0 => quiet,
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CUTROOM_LOG").unwrap_or_else(|_| level.into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // CUTROOM_LOG_FORMAT=json gives one JSON object per line (structured logs).
    if std::env::var("CUTROOM_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        logs.json().init();
    } else {
        logs.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).init();
    }
    let result = match cli.command {
        Cmd::Render(args) => commands::render(args),
        Cmd::Probe { file, json } => commands::probe(&file, json),
        Cmd::Analyze { file, json, cache_dir, no_cache } => commands::analyze(&file, json, cache_dir, no_cache),
        Cmd::Music(args) => commands::music(args),
        Cmd::Generate(args) => commands::generate(args),
        Cmd::Meta(args) => commands::meta(args),
        Cmd::Promo(args) => commands::promo(args),
        Cmd::Reedit(args) => commands::reedit(args),
        Cmd::Demo { out } => commands::demo(&out),
        Cmd::Say { message, conn } => remote::say(&message.join(" "), &conn),
        Cmd::Upload { items, conn } => remote::upload(&items, &conn),
        Cmd::Export(args) => remote::export(&args),
        Cmd::Credits { conn } => remote::credits(&conn),
        Cmd::Status { json, conn } => remote::status(&conn, json),
        Cmd::Chat { conn } => remote::chat(&conn),
        Cmd::Mcp { conn } => mcp::run(&conn),
        Cmd::Tour { clips, out, conn } => tour::tour(&conn, &tour::clips_or_samples(clips), &out),
        Cmd::Serve { bind, config } => serve::serve(&config, bind),
        Cmd::Admin { config, command } => serve::admin(&config, command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
