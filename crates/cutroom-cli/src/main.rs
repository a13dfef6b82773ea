//! The `cutroom` binary: one entry point for every command.

mod commands;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// cutroom — a self-hosted video studio: timelines in, H.264 MP4s out.
#[derive(Parser)]
#[command(
    name = "cutroom",
    version,
    about = "cutroom — a self-hosted video studio: timelines in, H.264 MP4s out."
)]
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
    Render {
        /// The draft file.
        draft: PathBuf,
        /// Where to write the MP4.
        #[arg(short, long)]
        output: PathBuf,
        /// Where media ids resolve to files (default: the draft's folder).
        #[arg(long)]
        media_dir: Option<PathBuf>,
        /// A fast, small preview (360 px on the shorter side).
        #[arg(long)]
        preview: bool,
        /// high, medium or low.
        #[arg(long, default_value = "high")]
        quality: String,
        /// Scale so the shorter side has this many pixels (720, 1080, 2160 for 4K, …).
        #[arg(long)]
        resolution: Option<u32>,
        /// Leave the mix's loudness as it is (default: normalise to −14 LUFS).
        #[arg(long)]
        no_normalize: bool,
    },
    /// Describe a media file (duration, streams, size).
    Probe {
        file: PathBuf,
        /// Print JSON instead of a readable summary.
        #[arg(long)]
        json: bool,
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
    let level = match cli.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("CUTROOM_LOG").unwrap_or_else(|_| level.into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command {
        Cmd::Render {
            draft,
            output,
            media_dir,
            preview,
            quality,
            resolution,
            no_normalize,
        } => commands::render(commands::RenderArgs {
            draft,
            output,
            media_dir,
            preview,
            quality,
            resolution,
            no_normalize,
        }),
        Cmd::Probe { file, json } => commands::probe(&file, json),
        Cmd::Demo { out } => commands::demo(&out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
