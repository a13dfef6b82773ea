//! Running a render: probe the media a draft uses, plan, measure loudness, run ffmpeg
//! with progress and cancellation, and check the file that comes out.

use crate::error::MediaError;
use crate::fonts::FontBook;
use crate::plan::{self, MediaEntry, MediaMap, Plan, RenderSettings};
use crate::probe::{Probe, ProbeError, probe};
use cutroom_process::{Cancel, Command, Output, Tool};
use cutroom_timeline::{Draft, MediaKind, Ms};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a finished render produced.
#[derive(Debug)]
pub struct Rendered {
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub frames: u64,
    pub duration: Ms,
    /// Loudness gain applied to the mix (dB), when normalising.
    pub gain_db: Option<f64>,
    /// The output as ffprobe sees it.
    pub probe: Probe,
    pub wall: Duration,
    /// Peak memory of the ffmpeg render process, KiB.
    pub peak_rss_kib: u64,
    pub warnings: Vec<String>,
}

/// Probes every media id the draft uses, resolving ids to files with `resolve`. Ids whose
/// file does not exist are left out (validation then names the segment); files that exist
/// but are not usable media are an error naming the first segment that uses them.
pub fn load_media(draft: &Draft, resolve: impl Fn(&str) -> PathBuf) -> Result<MediaMap, MediaError> {
    // Each distinct id once, with the first segment that uses it.
    let mut wanted: Vec<(String, String, PathBuf)> = Vec::new();
    for (ti, track) in draft.t.iter().enumerate() {
        for (si, seg) in track.sg.iter().enumerate() {
            let Some(id) = seg.src.as_deref() else {
                continue;
            };
            if wanted.iter().any(|(w, _, _)| w == id) || cutroom_timeline::validate::check_media_id(id).is_err() {
                continue;
            }
            wanted.push((id.to_string(), format!("t[{ti}].sg[{si}].src"), resolve(id)));
        }
    }
    // Probe a few at a time: each probe mostly waits for ffprobe to start.
    let mut probed: Vec<Result<Probe, ProbeError>> = Vec::with_capacity(wanted.len());
    for batch in wanted.chunks(4) {
        std::thread::scope(|s| {
            let handles: Vec<_> = batch.iter().map(|(_, _, path)| s.spawn(move || probe(path))).collect();
            probed.extend(handles.into_iter().map(|h| h.join().expect("probe thread")));
        });
    }
    let mut map = MediaMap::new();
    for ((id, field, path), result) in wanted.into_iter().zip(probed) {
        match result {
            Ok(p) => {
                map.insert(id, MediaEntry { path, probe: p });
            }
            Err(ProbeError::Missing { .. }) => {}
            Err(source) => {
                return Err(MediaError::Media { path: field, source });
            }
        }
    }
    Ok(map)
}

/// How long a render may run: generous, but bounded.
fn time_limit(duration: Ms) -> Duration {
    Duration::from_secs(1800) + Duration::from_millis(duration.0.saturating_mul(20))
}

/// Renders `draft` to `out`. The file appears only when the render succeeded and checked
/// out; on failure or cancellation nothing is left behind. `progress` gets 0–1.
pub fn render(
    draft: &Draft,
    media: &MediaMap,
    settings: &RenderSettings,
    out: &Path,
    cancel: &Cancel,
    progress: &mut dyn FnMut(f64),
) -> Result<Rendered, MediaError> {
    let started = Instant::now();
    let work =
        tempfile::Builder::new().prefix("cutroom-render-").tempdir().map_err(MediaError::io("temporary folder"))?;
    let plan = plan::build(draft, media, FontBook::system(), settings, work.path())?;
    for font in &plan.fonts {
        if !font.is_file() {
            return Err(MediaError::Font(font.display().to_string()));
        }
    }
    for f in &plan.text_files {
        std::fs::write(work.path().join(&f.name), &f.content).map_err(MediaError::io("writing text files"))?;
    }
    for w in &plan.warnings {
        tracing::warn!("{w}");
    }
    let limit = time_limit(plan.duration);
    progress(0.0);
    let mut runner = Runner { work: work.path(), limit, cancel, commands: Vec::new(), peak_rss_kib: 0 };
    let gain_db = measure_gain(&plan, &mut runner)?;
    progress(0.05);

    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let partial = output_temp(dir, ".cutroom-", ".mp4.part")
        .map_err(MediaError::io(format!("creating the output in {}", dir.display())))?;
    if plan.chunks.is_empty() {
        single_pass(&plan, &mut runner, gain_db, partial.path(), progress)?;
    } else {
        chunked(&plan, &mut runner, dir, gain_db, partial.path(), progress)?;
    }
    let (peak_rss_kib, commands) = (runner.peak_rss_kib, runner.commands);
    keep_for_debugging(work, &commands);
    let produced = probe(partial.path())?;
    verify(&plan, &produced)?;
    partial.persist(out).map_err(|e| MediaError::Io { what: format!("saving {}", out.display()), error: e.error })?;
    progress(1.0);
    tracing::info!(out = %out.display(), wall = ?started.elapsed(), "rendered");
    Ok(Rendered {
        path: out.to_path_buf(),
        width: plan.width,
        height: plan.height,
        frames: plan.frames,
        duration: plan.duration,
        gain_db,
        probe: produced,
        wall: started.elapsed(),
        peak_rss_kib,
        warnings: plan.warnings.clone(),
    })
}

/// Runs the ffmpeg steps of one render, keeping their commands and peak memory.
struct Runner<'a> {
    work: &'a Path,
    limit: Duration,
    cancel: &'a Cancel,
    commands: Vec<Vec<OsString>>,
    peak_rss_kib: u64,
}

impl Runner<'_> {
    /// Writes a work file.
    fn write(&self, name: &str, content: &str) -> Result<PathBuf, MediaError> {
        let path = self.work.join(name);
        std::fs::write(&path, content).map_err(MediaError::io(format!("writing {name}")))?;
        Ok(path)
    }

    /// Runs ffmpeg with `args`, reporting the fraction of `span` it has written.
    fn ffmpeg(
        &mut self,
        args: Vec<OsString>,
        span: Ms,
        on_progress: &mut dyn FnMut(f64),
    ) -> Result<Output, MediaError> {
        self.commands.push(args.clone());
        let total_us = (span.0.max(1) * 1000) as f64;
        let out =
            Command::tool(Tool::Ffmpeg)?.args(args).timeout(self.limit).cancel(self.cancel).run_lines(|line| {
                if let Some(us) = line.strip_prefix("out_time_us=").and_then(|v| v.trim().parse::<f64>().ok()) {
                    on_progress((us / total_us).clamp(0.0, 1.0));
                }
            })?;
        self.peak_rss_kib = self.peak_rss_kib.max(out.peak_rss_kib);
        Ok(out)
    }
}

/// The whole draft in one ffmpeg.
fn single_pass(
    plan: &Plan,
    r: &mut Runner,
    gain_db: Option<f64>,
    out: &Path,
    progress: &mut dyn FnMut(f64),
) -> Result<(), MediaError> {
    let graph = r.write("graph.txt", &plan.graph(gain_db))?;
    r.ffmpeg(plan.render_args(&graph, out), plan.duration, &mut |f| progress(0.05 + 0.94 * f))?;
    Ok(())
}

/// Picture chunks (each its own ffmpeg with a few inputs), the sound in one pass, then a
/// join that copies both: memory stays bounded however many cuts the draft has.
fn chunked(
    plan: &Plan,
    r: &mut Runner,
    dir: &Path,
    gain_db: Option<f64>,
    out: &Path,
    progress: &mut dyn FnMut(f64),
) -> Result<(), MediaError> {
    // Chunks are as large as the output: keep them beside it, not in the temporary folder.
    let parts = tempfile::Builder::new()
        .prefix(".cutroom-chunks-")
        .tempdir_in(dir)
        .map_err(MediaError::io(format!("creating a folder in {}", dir.display())))?;
    let frames = plan.frames as f64;
    let mut files = Vec::new();
    for (i, chunk) in plan.chunks.iter().enumerate() {
        let graph = r.write(&format!("chunk{i}.txt"), chunk.graph())?;
        let file = parts.path().join(format!("chunk{i:04}.mp4"));
        let span = Ms(chunk.frames * 1000 / u64::from(plan.fps));
        let (base, share) = (chunk.start_frame as f64 / frames, chunk.frames as f64 / frames);
        r.ffmpeg(plan.chunk_args(i, &graph, &file), span, &mut |f| progress(0.05 + 0.9 * (base + share * f)))?;
        files.push(file);
    }
    let graph = r.write("sound.txt", &plan.sound_graph(gain_db))?;
    let sound = parts.path().join("sound.m4a");
    r.ffmpeg(plan.sound_args(&graph, &sound), plan.duration, &mut |f| progress(0.95 + 0.03 * f))?;
    let list = r.write("chunks.txt", &plan::concat_list(&files))?;
    r.ffmpeg(plan.join_args(&list, &sound, out), plan.duration, &mut |_| {})?;
    progress(0.99);
    Ok(())
}

/// With `CUTROOM_KEEP_WORK` set, keeps the render's work folder (filter graphs, text files)
/// and writes the ffmpeg commands into it, for reproducing a render by hand.
fn keep_for_debugging(work: tempfile::TempDir, commands: &[Vec<OsString>]) {
    if std::env::var_os("CUTROOM_KEEP_WORK").is_none() {
        return;
    }
    let dir = work.keep();
    let quote = |a: &OsString| format!("'{}'", a.to_string_lossy().replace('\'', "'\\''"));
    let script: String =
        commands.iter().map(|c| format!("ffmpeg {}\n", c.iter().map(quote).collect::<Vec<_>>().join(" "))).collect();
    let _ = std::fs::write(dir.join("commands.sh"), script);
    tracing::warn!("kept the render's work folder at {}", dir.display());
}

/// Runs the audio-only pass and returns the loudness gain for the render.
fn measure_gain(plan: &Plan, r: &mut Runner) -> Result<Option<f64>, MediaError> {
    let (Some(target), Some(graph)) = (plan.loudness, plan.measure_graph()) else {
        return Ok(None);
    };
    let file = r.write("measure.txt", &graph)?;
    let out = r.ffmpeg(plan.measure_args(&file), plan.duration, &mut |_| {})?;
    Ok(gain_from_ebur128(&out.stderr, target))
}

/// Reads ebur128's summary (integrated loudness and true peak) and works out the linear gain
/// that brings the mix to `target` LUFS without pushing true peaks over −1 dBTP.
pub fn gain_from_ebur128(stderr: &str, target: f64) -> Option<f64> {
    let summary = &stderr[stderr.rfind("Summary:")?..];
    let value = |label: &str| -> Option<f64> {
        let rest = &summary[summary.find(label)? + label.len()..];
        rest.split_whitespace().next()?.parse::<f64>().ok().filter(|v| v.is_finite())
    };
    let integrated = value("I:").filter(|i| *i > -70.0)?;
    let mut gain = target - integrated;
    if let Some(peak) = value("Peak:") {
        gain = gain.min(-1.0 - peak);
    }
    Some(gain.clamp(-40.0, 30.0))
}

fn verify(plan: &Plan, p: &Probe) -> Result<(), MediaError> {
    let fail = |m: String| Err(MediaError::Verify(m));
    let Some(v) = &p.video else {
        return fail("no video stream".into());
    };
    if p.kind != MediaKind::Video || v.codec != "h264" || v.pix_fmt.as_deref() != Some("yuv420p") {
        return fail(format!("expected H.264 yuv420p video, got {} {:?}", v.codec, v.pix_fmt));
    }
    if (v.width, v.height) != (plan.width, plan.height) {
        return fail(format!("expected {}x{}, got {}x{}", plan.width, plan.height, v.width, v.height));
    }
    if p.audio.as_ref().map(|a| a.codec.as_str()) != Some("aac") {
        return fail("expected an AAC audio stream".into());
    }
    let frame_ms = 1000.0 / f64::from(plan.fps);
    let got = p.duration.map_or(0.0, |d| d.0 as f64);
    let want = plan.frames as f64 * frame_ms;
    let slack = frame_ms * plan.pieces.max(1) as f64 + 1.0;
    if (got - want).abs() > slack {
        return fail(format!("expected {want:.0} ms of video, got {got:.0} ms"));
    }
    Ok(())
}

/// A temporary file in `dir` for an output that is renamed into place when done: readable
/// like any file the user creates there (the umask applies), not private like a temporary
/// file; removed if dropped.
pub fn output_temp(dir: &Path, prefix: &str, suffix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix).suffix(suffix);
    #[cfg(unix)]
    b.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    b.tempfile_in(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMMARY: &str = "[Parsed_ebur128_29 @ 0x55] Summary:\n\n  Integrated loudness:\n    I:         -19.2 LUFS\n    Threshold: -29.2 LUFS\n\n  Loudness range:\n    LRA:         0.3 LU\n\n  True peak:\n    Peak:      -11.0 dBFS";

    #[test]
    fn gain_reads_the_summary() {
        let g = gain_from_ebur128(SUMMARY, -14.0).unwrap();
        assert!((g - 5.2).abs() < 1e-9, "{g}");
        // Limited by the true peak: −11 dBFS may rise by 10 dB at most.
        let g = gain_from_ebur128(SUMMARY, -5.0).unwrap();
        assert!((g - 10.0).abs() < 1e-9, "{g}");
        // Silence gets no gain; garbage gets none either.
        let silent = SUMMARY.replace("-19.2 LUFS", "-70.0 LUFS").replace("-11.0 dBFS", "-inf dBFS");
        assert_eq!(gain_from_ebur128(&silent, -14.0), None);
        assert_eq!(gain_from_ebur128("no summary here", -14.0), None);
    }
}
