//! `cutroom tour`: all five jobs driven through the client against a running server — a
//! promo from real footage, a re-edit of it, metadata for it, a video from a sentence, and
//! music for that video — with every MP4 and the metadata saved in one folder and a short
//! report of what was made and how long each step took.

use crate::remote::{Conn, connect, run_export};
use anyhow::{Context, Result, bail};
use cutroom_client::{Client, Quality, TurnEvent};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One line of the report.
struct Made {
    job: &'static str,
    secs: f64,
    what: String,
}

/// Sends a message and returns the agent's reply; fails when the agent called none of
/// `tools` (the job did not run).
async fn ask(client: &Client, message: &str, tools: &[&str]) -> Result<String> {
    println!("\n> {message}");
    let outcome = client
        .say(message, |e| {
            if let TurnEvent::Text { text, partial: true, .. } = e {
                eprintln!("  … {text}");
            }
        })
        .await?;
    let reply = outcome.reply().unwrap_or("").to_string();
    println!("{reply}");
    if !outcome.tools.iter().any(|t| tools.contains(&t.as_str())) {
        bail!("the agent did not run {} for \"{message}\": {reply}", tools.join("/"));
    }
    Ok(reply)
}

async fn export_to(client: &Client, out: &Path, name: &str) -> Result<String> {
    let path = out.join(name);
    let r = run_export(client, Quality::High, None, &path).await?;
    Ok(format!("{} ({}x{}, {:.1} s)", r.path.display(), r.width, r.height, r.duration_ms as f64 / 1000.0))
}

/// `clips`, or the sample clips the set-up script fetched (`$CUTROOM_SAMPLES_DIR`, else
/// `.cache/samples`) that are there.
pub fn clips_or_samples(clips: Vec<PathBuf>) -> Vec<PathBuf> {
    if !clips.is_empty() {
        return clips;
    }
    let dir = std::env::var_os("CUTROOM_SAMPLES_DIR").map_or_else(|| PathBuf::from(".cache/samples"), PathBuf::from);
    ["bigbuckbunny.mp4", "carphone_pristine.mp4", "bikes.mp4"]
        .iter()
        .map(|n| dir.join(n))
        .filter(|p| p.is_file())
        .collect()
}

/// Runs the tour with `clips` (real footage) into `out`.
pub fn tour(conn: &Conn, clips: &[PathBuf], out: &Path) -> Result<()> {
    if clips.is_empty() {
        bail!("name at least one clip for the promo (or run scripts/setup.sh to fetch the sample clips)");
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(async {
        let client = connect(conn)?;
        // A server that is starting gets a minute to answer.
        let waiting = Instant::now();
        while let Err(e) = client.health().await {
            if waiting.elapsed().as_secs() >= 60 {
                return Err(e.into());
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        let started = Instant::now();
        let mut made: Vec<Made> = Vec::new();
        let mut step = |job: &'static str, t: Instant, what: String| {
            made.push(Made { job, secs: t.elapsed().as_secs_f64(), what });
        };

        // 1. Promo from footage.
        let t = Instant::now();
        client.new_session().await?;
        println!("Uploading {} clip(s)…", clips.len());
        client.upload_files(clips).await?;
        ask(&client, "turn this video into a new short promotional clip with music and transitions", &["promo"])
            .await?;
        let file = export_to(&client, out, "1-promo.mp4").await?;
        step("promo from footage", t, file);

        // 2. Re-edit of the promo, with metadata for it (carried in the MP4's tags).
        let t = Instant::now();
        let reply = ask(&client, "reorder the scenes and make it snappier", &["reedit"]).await?;
        step("re-edit", t, reply.split(". ").last().unwrap_or_default().trim().to_string());
        let t = Instant::now();
        ask(&client, "write a title, description and tags for youtube", &["metadata"]).await?;
        let state = client.state().await?;
        let meta = state
            .state
            .generated_media
            .iter()
            .rev()
            .find(|g| g.kind == "metadata")
            .map(|g| g.meta.clone())
            .context("no metadata in the session")?;
        let meta_path = out.join("2-reedit-metadata.json");
        std::fs::write(&meta_path, serde_json::to_string_pretty(&meta)?)?;
        let title = meta["titles"][0].as_str().unwrap_or_default().to_string();
        step("metadata", t, format!("{} (\"{title}\")", meta_path.display()));
        let t = Instant::now();
        let file = export_to(&client, out, "2-reedit.mp4").await?;
        step("re-edit export", t, file);

        // 3. A video from a sentence, then 4. music that fits it.
        let t = Instant::now();
        client.new_session().await?;
        ask(
            &client,
            "generate a 10-second vertical video of a futuristic city at night with cinematic lighting",
            &["text_to_video"],
        )
        .await?;
        let file = export_to(&client, out, "3-text-to-video.mp4").await?;
        step("text to video", t, file);
        let t = Instant::now();
        ask(&client, "add music that fits the mood", &["music"]).await?;
        let file = export_to(&client, out, "4-with-music.mp4").await?;
        step("music", t, file);

        let credits = client.credits().await?;
        println!("\nWhat was made (in {:.0} s), all in {}:", started.elapsed().as_secs_f64(), out.display());
        for m in &made {
            println!("  {:<20} {:>6.1} s  {}", m.job, m.secs, m.what);
        }
        println!("Credits left: {} of {}.", credits.available, credits.total);
        Ok(())
    })
}
