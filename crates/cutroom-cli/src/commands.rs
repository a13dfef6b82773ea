//! The local commands: render, probe, analyze, music, demo.

use anyhow::{Context, Result, bail};
use cutroom_media::{Probe, RenderSettings, load_media, probe as probe_file, render as render_draft, synth};
use cutroom_process::Cancel;
use cutroom_timeline::Draft;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `cutroom render`.
#[derive(clap::Args)]
pub struct RenderArgs {
    /// The draft file.
    pub draft: PathBuf,
    /// Where to write the MP4.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Where media ids resolve to files (default: the draft's folder).
    #[arg(long)]
    pub media_dir: Option<PathBuf>,
    /// A fast, small preview (360 px on the shorter side).
    #[arg(long)]
    pub preview: bool,
    /// high, medium or low.
    #[arg(long, default_value = "high")]
    pub quality: String,
    /// Scale so the shorter side has this many pixels (720, 1080, 2160 for 4K, …).
    #[arg(long)]
    pub resolution: Option<u32>,
    /// Leave the mix's loudness as it is (default: normalise to −14 LUFS).
    #[arg(long)]
    pub no_normalize: bool,
}

fn read_draft(path: &Path) -> Result<Draft> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Draft::from_json(&text).with_context(|| format!("{} is not a valid draft", path.display()))
}

/// Raises `cancel` on Ctrl-C, so ffmpeg is stopped and no partial file is left.
fn cancel_on_ctrl_c() -> Cancel {
    let cancel = Cancel::new();
    let c = cancel.clone();
    let _ = ctrlc::set_handler(move || c.cancel());
    cancel
}

pub fn render(a: RenderArgs) -> Result<()> {
    let draft = read_draft(&a.draft)?;
    let base = match a.media_dir {
        Some(d) => d,
        None => a.draft.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    let settings = RenderSettings {
        quality: a.quality.parse().map_err(anyhow::Error::msg)?,
        preview: a.preview,
        short_side: a.resolution,
        loudness: (!a.no_normalize).then_some(-14.0),
    };
    run_render(&draft, |id| base.join(id), &settings, &a.output)
}

/// A 0–1000 progress bar for `what` (drawn only on a terminal).
pub(crate) fn progress_bar(what: &str) -> ProgressBar {
    let template = format!("{{spinner}} {what} [{{bar:40}}] {{percent:>3}}% {{elapsed}} (eta {{eta}})");
    ProgressBar::new(1000).with_style(ProgressStyle::with_template(&template).expect("template").progress_chars("=> "))
}

fn run_render(draft: &Draft, resolve: impl Fn(&str) -> PathBuf, settings: &RenderSettings, out: &Path) -> Result<()> {
    let media = load_media(draft, resolve)?;
    let bar = progress_bar("rendering");
    let cancel = cancel_on_ctrl_c();
    let mut last_logged = -1i64;
    let mut progress = |p: f64| {
        bar.set_position((p * 1000.0) as u64);
        // The bar draws only on a terminal; log every 10% for everyone else.
        let step = (p * 10.0).floor() as i64;
        if step > last_logged {
            last_logged = step;
            tracing::info!("render {:.0}%", p * 100.0);
        }
    };
    let result = render_draft(draft, &media, settings, out, &cancel, &mut progress);
    bar.finish_and_clear();
    let done = result?;
    for w in &done.warnings {
        eprintln!("note: {w}");
    }
    println!(
        "{} — {}x{}, {} frames ({}), rendered in {:.1} s",
        done.path.display(),
        done.width,
        done.height,
        done.frames,
        done.duration,
        done.wall.as_secs_f64()
    );
    Ok(())
}

pub fn probe(file: &Path, json: bool) -> Result<()> {
    let p = probe_file(file)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&p)?);
    } else {
        println!("{}", describe(file, &p));
    }
    Ok(())
}

fn describe(file: &Path, p: &Probe) -> String {
    let mut s = format!("{}: {:?}", file.display(), p.kind).to_lowercase();
    if let Some(d) = p.duration {
        s.push_str(&format!(", {d}"));
    }
    if let Some(v) = &p.video {
        s.push_str(&format!(", {} {}x{}", v.codec, v.display_width, v.display_height));
        if let Some(fps) = p.fps_f64() {
            s.push_str(&format!(" @ {fps:.3} fps").replace(".000", ""));
        }
        if v.rotation != 0 {
            s.push_str(&format!(" (rotated {}°)", v.rotation));
        }
    }
    match &p.audio {
        Some(a) => s.push_str(&format!(", {} {} Hz {} ch", a.codec, a.sample_rate, a.channels)),
        None if p.video.is_some() => s.push_str(", no audio"),
        None => {}
    }
    s.push_str(&format!(", {} bytes", p.size_bytes));
    s
}

pub fn demo(out: &Path) -> Result<()> {
    let t = Instant::now();
    let media = out.join("media");
    println!("Generating example footage in {} …", media.display());
    synth::reference_media(&media)?;
    let draft = Draft::from_json(cutroom_media::REFERENCE_DRAFT).map_err(anyhow::Error::msg)?;
    let draft_path = out.join("reference.json");
    std::fs::write(&draft_path, draft.to_json())?;
    println!("Draft: {}", draft_path.display());
    println!("{}", draft.summary());
    let mp4 = out.join("reference.mp4");
    run_render(&draft, |id| media.join(id), &RenderSettings::default(), &mp4)?;
    if !mp4.is_file() {
        bail!("the demo render left no file");
    }
    println!("Done in {:.1} s. Open {} to watch it.", t.elapsed().as_secs_f64(), mp4.display());
    Ok(())
}

pub fn analyze(file: &Path, json: bool, cache_dir: Option<PathBuf>, no_cache: bool) -> Result<()> {
    let t = Instant::now();
    let cache = cutroom_analysis::Cache::new(cache_dir.unwrap_or_else(cutroom_analysis::Cache::default_dir));
    let opts = cutroom_analysis::Options { cancel: cancel_on_ctrl_c(), ..Default::default() };
    let done = if no_cache {
        let dir = tempfile_dir()?;
        let analysis =
            cutroom_analysis::analyze(file, &cutroom_analysis::Options { keyframes: Some(dir.clone()), ..opts })?;
        cutroom_analysis::Cached { analysis, keyframes: dir, hit: false }
    } else {
        cache.analyze(file, &opts)?
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&done.analysis)?);
        return Ok(());
    }
    println!("{}: {}", file.display(), done.analysis.describe().trim_end());
    println!(
        "keyframes in {} ({} in {:.1} s)",
        done.keyframes.display(),
        if done.hit { "from the cache" } else { "analysed" },
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A folder for keyframes of an uncached analysis.
fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("cutroom-keyframes-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Arguments of `cutroom music`.
#[derive(clap::Args)]
pub struct MusicArgs {
    /// Compose for this video: its length, cut rate and motion set the tempo, its look the
    /// style.
    #[arg(long = "for", value_name = "VIDEO")]
    pub video: Option<PathBuf>,
    /// Length in seconds (default: the video's, or 30).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
    /// lofi, pop, cinematic, ambient, electronic, acoustic or corporate — or a mood word
    /// (chill, upbeat, epic, calm, 欢快, 舒缓, 史诗, 动感 …); default: from the video.
    #[arg(long)]
    pub style: Option<String>,
    /// Tempo in BPM (overrides the one derived from the video).
    #[arg(long)]
    pub bpm: Option<u32>,
    /// The same seed makes the same piece (default: a random one, printed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where to write the WAV (48 kHz stereo).
    #[arg(short = 'o', long = "output", value_name = "OUT.wav")]
    pub output: PathBuf,
    /// Print the piece's facts with its beat and bar times as JSON.
    #[arg(long)]
    pub json: bool,
}

/// A music style from a name or mood word, if one was given.
fn music_style(word: Option<&str>) -> Result<Option<cutroom_music::Style>> {
    word.map(|w| {
        cutroom_music::Style::from_word(w).with_context(|| {
            format!("unknown style '{w}': use lofi, pop, cinematic, ambient, electronic, acoustic or corporate")
        })
    })
    .transpose()
}

pub fn music(args: MusicArgs) -> Result<()> {
    let t = Instant::now();
    let style = music_style(args.style.as_deref())?;
    let (footage, video_ms) = match &args.video {
        Some(v) => {
            let cache = cutroom_analysis::Cache::new(cutroom_analysis::Cache::default_dir());
            let opts = cutroom_analysis::Options { cancel: cancel_on_ctrl_c(), ..Default::default() };
            let done = cache.analyze(v, &opts).with_context(|| format!("analysing {}", v.display()))?;
            (cutroom_engine::generate::clip_footage(&done.analysis), Some(done.analysis.duration_ms))
        }
        None => (cutroom_music::Footage::default(), None),
    };
    let duration_ms = match (args.duration, video_ms) {
        (Some(s), _) if !(1.0..=1800.0).contains(&s) => bail!("--duration must be 1–1800 seconds, got {s}"),
        (Some(s), _) => (s * 1000.0).round() as u64,
        (None, Some(ms)) => ms,
        (None, None) => 30_000,
    };
    let seed = args.seed.unwrap_or_else(rand::random);
    let req = cutroom_music::Request { style, duration_ms, bpm: args.bpm, seed, footage };
    let piece = cutroom_music::generate(&req, None)?;
    cutroom_music::write_wav(&piece, &args.output)?;
    if args.json {
        let facts = serde_json::json!({
            "file": args.output, "style": piece.style.name(), "bpm": piece.bpm, "key": piece.key,
            "seed": seed, "duration_ms": piece.duration_ms, "loudness_lufs": piece.loudness_lufs,
            "peak_dbfs": piece.peak_dbfs, "beats_ms": piece.beats_ms, "bars_ms": piece.bars_ms,
            "footage": { "cuts_per_minute": footage.cuts_per_minute, "motion": footage.motion,
                         "brightness": footage.brightness, "saturation": footage.saturation },
        });
        println!("{}", serde_json::to_string_pretty(&facts)?);
        return Ok(());
    }
    println!(
        "{}: {} at {:.0} BPM in {}, {:.1} s, {} bars, {:.1} LUFS, peak {:.1} dBFS (seed {seed}, {:.1} s)",
        args.output.display(),
        piece.style.name(),
        piece.bpm,
        piece.key,
        piece.duration_ms as f64 / 1000.0,
        piece.bars_ms.len(),
        piece.loudness_lufs,
        piece.peak_dbfs,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Arguments of `cutroom promo`.
#[derive(clap::Args)]
pub struct PromoArgs {
    /// The footage (video clips).
    #[arg(required = true)]
    pub clips: Vec<PathBuf>,
    /// Target length in seconds.
    #[arg(long, default_value_t = 20.0, value_name = "SECONDS")]
    pub duration: f64,
    /// 9:16, 1:1, 4:5 or 16:9 (default: the first clip's shape).
    #[arg(long)]
    pub aspect: Option<String>,
    /// A title shown at the start.
    #[arg(long)]
    pub title: Option<String>,
    /// A call to action shown at the end ("Shop now").
    #[arg(long)]
    pub cta: Option<String>,
    /// The music's style (lofi, pop, cinematic, ambient, electronic, acoustic, corporate,
    /// or a mood word); it also sets the cutting: hard cuts for lively styles, dissolves
    /// for calm ones. Default: from the footage.
    #[arg(long)]
    pub style: Option<String>,
    /// The same seed makes the same music.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where to write the MP4 (the draft and the music are written beside it).
    #[arg(short = 'o', long = "output", value_name = "OUT.mp4")]
    pub output: PathBuf,
}

pub fn promo(a: PromoArgs) -> Result<()> {
    let t = Instant::now();
    if !(3.0..=600.0).contains(&a.duration) {
        bail!("--duration must be 3–600 seconds, got {}", a.duration);
    }
    let style = music_style(a.style.as_deref())?;
    // Each clip once, under its file name (the draft's media ids).
    let cache = cutroom_analysis::Cache::new(cutroom_analysis::Cache::default_dir());
    let opts = cutroom_analysis::Options { cancel: cancel_on_ctrl_c(), ..Default::default() };
    let mut files: Vec<(String, PathBuf, cutroom_analysis::Analysis)> = Vec::new();
    for clip in &a.clips {
        let done = cache.analyze(clip, &opts).with_context(|| format!("analysing {}", clip.display()))?;
        if done.analysis.video.is_none() {
            bail!("{} has no picture", clip.display());
        }
        let stem = clip.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "clip".into());
        let mut id: String = stem.chars().filter(|c| c.is_alphanumeric() || "._-".contains(*c)).collect();
        while files.iter().any(|(i, _, _)| *i == id) {
            id.insert(0, '_');
        }
        files.push((id, clip.clone(), done.analysis));
    }
    let (w, h) = match a.aspect.as_deref() {
        Some(x) => cutroom_engine::autoedit::canvas_for(x)
            .with_context(|| format!("unknown aspect '{x}': use 9:16, 16:9, 1:1 or 4:5"))?,
        None => cutroom_engine::autoedit::canvas_like(Some(&files[0].2)),
    };
    let total_ms = (a.duration * 1000.0).round() as u64;
    let analysed = t.elapsed();
    // The music first: the cuts follow its beats.
    let each: Vec<_> = files.iter().map(|f| cutroom_engine::generate::clip_footage(&f.2)).collect();
    let footage = cutroom_music::Footage::mean(&each);
    let seed = a.seed.unwrap_or_else(rand::random);
    let req = cutroom_music::Request { style, duration_ms: total_ms, bpm: None, seed, footage };
    let piece = cutroom_music::generate(&req, None)?;
    let stem = a.output.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "promo".into());
    let dir = a.output.parent().map(Path::to_path_buf).unwrap_or_default();
    let music_name = format!("{stem}.music.wav");
    cutroom_music::write_wav(&piece, &dir.join(&music_name))?;
    let tone = cutroom_engine::autoedit::tone_for(piece.style);
    let sources: Vec<cutroom_autoedit::Source<'_>> = files
        .iter()
        .map(|(id, _, an)| cutroom_autoedit::Source { id: id.clone(), analysis: an, has_audio: an.audio.is_some() })
        .collect();
    let plan = cutroom_autoedit::promo(
        &sources,
        &cutroom_autoedit::PromoRequest {
            duration_ms: total_ms,
            width: w,
            height: h,
            title: a.title.clone(),
            cta: a.cta.clone(),
            tone,
            music: Some(cutroom_autoedit::Music {
                media: music_name.clone(),
                duration_ms: piece.duration_ms,
                beats_ms: piece.beats_ms.clone(),
            }),
        },
    )?;
    let draft_path = dir.join(format!("{stem}.draft.json"));
    std::fs::write(&draft_path, plan.draft.to_json())?;
    let planned = t.elapsed();
    println!(
        "{} shots from {} clip{}, {} music at {:.0} BPM, cut on the beat; draft {}",
        plan.shots.len(),
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        piece.style.name(),
        piece.bpm,
        draft_path.display()
    );
    let paths: std::collections::HashMap<String, PathBuf> =
        files.iter().map(|(id, p, _)| (id.clone(), p.clone())).collect();
    run_render(
        &plan.draft,
        |id| paths.get(id).cloned().unwrap_or_else(|| dir.join(id)),
        &RenderSettings::default(),
        &a.output,
    )?;
    let secs = |d: std::time::Duration| d.as_secs_f64();
    println!(
        "{} in {:.1} s (analysis {:.1} s, music and plan {:.1} s, render {:.1} s)",
        a.output.display(),
        secs(t.elapsed()),
        secs(analysed),
        secs(planned - analysed),
        secs(t.elapsed() - planned)
    );
    Ok(())
}

/// Arguments of `cutroom reedit`.
#[derive(clap::Args)]
pub struct ReeditArgs {
    /// A draft (JSON; media ids are files beside it) or a finished clip (split into its
    /// shots).
    pub input: PathBuf,
    /// energy (calm to lively), chronological, reverse, strongest (first), or scene
    /// numbers such as 3,1,2.
    #[arg(long)]
    pub reorder: Option<String>,
    /// faster, slower, or a factor for the holds (0.7 is faster).
    #[arg(long)]
    pub pace: Option<String>,
    /// Scene numbers to leave out (1,3).
    #[arg(long, value_delimiter = ',')]
    pub remove: Vec<usize>,
    /// Scene numbers to repeat right after themselves.
    #[arg(long, value_delimiter = ',')]
    pub duplicate: Vec<usize>,
    /// Cut dead air: stretches where the picture stands still and nothing is heard.
    #[arg(long)]
    pub dead_air: bool,
    /// Move the cuts onto the beats of the draft's music.
    #[arg(long)]
    pub sync: bool,
    /// Target length in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
    /// Where to write the MP4 (the draft is written beside it).
    #[arg(short = 'o', long = "output", value_name = "OUT.mp4")]
    pub output: PathBuf,
}

fn reorder_arg(word: &str) -> Result<cutroom_autoedit::Order> {
    use cutroom_autoedit::Order;
    Ok(match word.trim().to_lowercase().as_str() {
        "energy" => Order::Energy,
        "chronological" | "chrono" | "original" => Order::Chronological,
        "reverse" | "reversed" => Order::Reverse,
        "strongest" | "strongest-first" | "best" => Order::StrongestFirst,
        list => Order::Explicit(
            list.split(',').map(|n| n.trim().parse::<usize>()).collect::<Result<Vec<_>, _>>().map_err(|_| {
                anyhow::anyhow!(
                    "unknown order '{word}': use energy, chronological, reverse, strongest or scene numbers like 3,1,2"
                )
            })?,
        ),
    })
}

fn pace_arg(word: &str) -> Result<f64> {
    match word.trim().to_lowercase().as_str() {
        "faster" | "fast" | "snappier" => Ok(0.7),
        "slower" | "slow" => Ok(1.4),
        n => match n.parse::<f64>() {
            Ok(f) if (0.25..=4.0).contains(&f) => Ok(f),
            _ => bail!("--pace must be faster, slower or a factor 0.25–4, got '{word}'"),
        },
    }
}

/// Where a draft's media ids are found.
type Resolver = Box<dyn Fn(&str) -> PathBuf>;

/// A draft (or a finished clip as a one-segment draft) with every media file it uses
/// analysed (through the analysis cache).
struct Loaded {
    draft: Draft,
    analyses: Vec<(String, cutroom_analysis::Analysis)>,
    resolve: Resolver,
}

fn load_analysed(input: &Path) -> Result<Loaded> {
    let cache = cutroom_analysis::Cache::new(cutroom_analysis::Cache::default_dir());
    let opts = cutroom_analysis::Options { cancel: cancel_on_ctrl_c(), ..Default::default() };
    let analyse = |path: &Path| -> Result<cutroom_analysis::Analysis> {
        Ok(cache.analyze(path, &opts).with_context(|| format!("analysing {}", path.display()))?.analysis)
    };
    let is_draft = input.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let base = input.parent().map(Path::to_path_buf).unwrap_or_default();
    let (draft, resolve): (Draft, Resolver) = if is_draft {
        (read_draft(input)?, Box::new(move |id: &str| base.join(id)))
    } else {
        let analysis = analyse(input)?;
        if analysis.video.is_none() {
            bail!("{} has no picture", input.display());
        }
        let input = input.to_path_buf();
        (cutroom_autoedit::clip_draft("clip", &analysis), Box::new(move |_: &str| input.clone()))
    };
    // The analyses of the footage (and of the music, for its beats).
    let mut analyses: Vec<(String, cutroom_analysis::Analysis)> = Vec::new();
    for id in draft.t.iter().flat_map(|t| &t.sg).filter_map(|s| s.src.clone()) {
        if !analyses.iter().any(|(i, _)| *i == id) {
            let an = analyse(&resolve(&id))?;
            analyses.push((id, an));
        }
    }
    Ok(Loaded { draft, analyses, resolve })
}

pub fn reedit(a: ReeditArgs) -> Result<()> {
    let t = Instant::now();
    if let Some(d) = a.duration.filter(|d| !(1.0..=3600.0).contains(d)) {
        bail!("--duration must be 1–3600 seconds, got {d}");
    }
    let Loaded { draft, analyses, resolve } = load_analysed(&a.input)?;
    let sources: Vec<cutroom_autoedit::Source<'_>> = analyses
        .iter()
        .map(|(id, an)| cutroom_autoedit::Source { id: id.clone(), analysis: an, has_audio: an.audio.is_some() })
        .collect();
    let beats_ms = if a.sync {
        let music = draft.tracks_of(cutroom_timeline::TrackType::Audio).find_map(|t| draft.t[t].sg.first());
        let Some(m) = music.filter(|m| m.src.is_some()) else { bail!("--sync needs music on the draft") };
        let an = &analyses.iter().find(|(i, _)| Some(i) == m.src.as_ref()).expect("analysed").1;
        let beats = an.audio.as_ref().map(|x| x.beats_ms.clone()).unwrap_or_default();
        let on_timeline = cutroom_autoedit::beats_on_timeline(m, &beats);
        if on_timeline.len() < 2 {
            bail!("no beat was found in the draft's music");
        }
        Some(on_timeline)
    } else {
        None
    };
    let req = cutroom_autoedit::ReeditRequest {
        order: a.reorder.as_deref().map(reorder_arg).transpose()?,
        remove: a.remove.clone(),
        duplicate: a.duplicate.clone(),
        dead_air: a.dead_air,
        pace: a.pace.as_deref().map(pace_arg).transpose()?,
        beats_ms,
        duration_ms: a.duration.map(|d| (d * 1000.0).round() as u64),
    };
    let lengths: Vec<(String, u64)> = analyses.iter().map(|(i, an)| (i.clone(), an.duration_ms)).collect();
    let r =
        cutroom_autoedit::reedit(&draft, &sources, &req, &|id| lengths.iter().find(|(i, _)| i == id).map(|(_, l)| *l))?;
    let stem = a.output.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "reedit".into());
    let dir = a.output.parent().map(Path::to_path_buf).unwrap_or_default();
    let draft_path = dir.join(format!("{stem}.draft.json"));
    std::fs::write(&draft_path, r.draft.to_json())?;
    let order: Vec<String> = r.scenes.iter().map(|s| s.was.to_string()).collect();
    println!(
        "{} scenes (from scenes {}), {:.1} s{}{}; draft {}",
        r.scenes.len(),
        order.join(","),
        r.draft.duration().secs_f64(),
        if r.dead_air_ms > 0 {
            format!(", {:.1} s of dead air cut", r.dead_air_ms as f64 / 1000.0)
        } else {
            String::new()
        },
        if r.short_ms > 0 {
            format!(", {:.1} s short of the length asked (not enough footage)", r.short_ms as f64 / 1000.0)
        } else {
            String::new()
        },
        draft_path.display()
    );
    run_render(&r.draft, resolve, &RenderSettings::default(), &a.output)?;
    println!("{} in {:.1} s", a.output.display(), t.elapsed().as_secs_f64());
    Ok(())
}

/// Arguments of `cutroom generate`.
#[derive(clap::Args)]
pub struct GenerateArgs {
    /// What the video shows, in English or Chinese ("a futuristic city at night, rain,
    /// cinematic", "下雪的森林，黄昏"). Quoted words appear on screen.
    pub prompt: String,
    /// Length in seconds, 1–60 (default: the prompt's, or 8).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
    /// 16:9, 9:16, 1:1 or 4:5 (default: the prompt's, or 16:9).
    #[arg(long)]
    pub aspect: Option<String>,
    /// The same seed draws the same scene; others vary its layout (default: random, printed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Pixels on the picture's short side.
    #[arg(long, default_value_t = 1080, value_name = "PIXELS")]
    pub size: u32,
    /// An operator's video model server to use instead of the built-in generator
    /// (default: $CUTROOM_VIDEO_MODEL_URL when set).
    #[arg(long, value_name = "URL")]
    pub model_url: Option<String>,
    /// Where to write the MP4.
    #[arg(short = 'o', long = "output", value_name = "OUT.mp4")]
    pub output: PathBuf,
    /// Print the scene understood and the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn generate(a: GenerateArgs) -> Result<()> {
    use cutroom_scenegen::{Aspect, VideoRequest, understand};
    let duration_ms = match a.duration {
        Some(s) if !(1.0..=60.0).contains(&s) => bail!("--duration must be 1–60 seconds, got {s}"),
        Some(s) => Some((s * 1000.0).round() as u64),
        None => None,
    };
    let aspect = a
        .aspect
        .as_deref()
        .map(|s| Aspect::parse(s).with_context(|| format!("unknown aspect '{s}': use 16:9, 9:16, 1:1 or 4:5")))
        .transpose()?;
    if !(144..=2160).contains(&a.size) {
        bail!("--size must be 144–2160 pixels, got {}", a.size);
    }
    let spec = understand(&a.prompt).with_overrides(duration_ms, aspect);
    let seed = a.seed.unwrap_or_else(rand::random);
    let req = VideoRequest::new(spec, a.size, seed);
    if !a.json {
        println!("scene: {}", req.spec.summary());
        for u in &req.spec.understood {
            println!("  {:<8} {:<12} ← {}", u.field, u.value, u.from);
        }
    }
    let url = a.model_url.or_else(|| std::env::var("CUTROOM_VIDEO_MODEL_URL").ok());
    let model = cutroom_scenegen::configured(url.as_deref(), std::time::Duration::from_secs(1800))?;
    let bar = progress_bar("generating");
    let cancel = cancel_on_ctrl_c();
    let b = bar.clone();
    let progress: cutroom_scenegen::Progress = std::sync::Arc::new(move |p| b.set_position((p * 1000.0) as u64));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let result = runtime.block_on(model.generate(&req, &a.output, &cancel, progress));
    bar.finish_and_clear();
    let info = result?;
    if a.json {
        let out = serde_json::json!({ "file": a.output, "seed": seed, "scene": req.spec, "video": info });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!(
        "{}: {}x{}, {:.1} s at {:.0} fps ({}, seed {seed}) in {:.1} s (layers {:.2} s, drawing {:.1} s)",
        a.output.display(),
        info.width,
        info.height,
        info.duration_ms as f64 / 1000.0,
        info.fps,
        info.backend,
        info.total_ms as f64 / 1000.0,
        info.setup_ms as f64 / 1000.0,
        info.draw_ms as f64 / 1000.0,
    );
    Ok(())
}

/// Arguments of `cutroom meta`.
#[derive(clap::Args)]
pub struct MetaArgs {
    /// A finished video, or a draft (JSON; its media are found beside it).
    pub input: PathBuf,
    /// youtube, tiktok, instagram or bilibili.
    #[arg(long, default_value = "youtube")]
    pub platform: String,
    /// en or zh (default: the hint's language, else English).
    #[arg(long)]
    pub lang: Option<String>,
    /// Your own words about the video: topic, audience, keywords.
    #[arg(long)]
    pub hint: Option<String>,
    /// Subtitles of the video (SRT or WebVTT): their words count as what is said.
    #[arg(long, value_name = "FILE")]
    pub captions: Option<PathBuf>,
    /// The same seed picks the same wording.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Print JSON (`titles`, `description`, `chapters` with `start_ms`/`title`, `tags`, `hashtags`).
    #[arg(long)]
    pub json: bool,
}

pub fn meta(a: MetaArgs) -> Result<()> {
    let platform = cutroom_meta::Platform::parse(&a.platform)
        .with_context(|| format!("unknown platform '{}': use youtube, tiktok, instagram or bilibili", a.platform))?;
    let lang = match a.lang.as_deref() {
        None => None,
        Some("en") => Some(cutroom_meta::Lang::En),
        Some("zh") => Some(cutroom_meta::Lang::Zh),
        Some(other) => bail!("unknown language '{other}': use en or zh"),
    };
    let captions = match &a.captions {
        None => Vec::new(),
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            cutroom_meta::captions::parse(&bytes)
                .with_context(|| format!("{} is not an SRT or WebVTT subtitle file", path.display()))?
                .lines()
        }
    };
    let Loaded { draft, analyses, resolve } = load_analysed(&a.input)?;
    let names = analyses
        .iter()
        .map(|(id, _)| {
            let path = resolve(id);
            (id.clone(), path.file_name().map_or_else(|| id.clone(), |n| n.to_string_lossy().into_owned()))
        })
        .collect();
    let t = Instant::now();
    let input = cutroom_meta::Input {
        platform,
        lang,
        hint: a.hint.as_deref(),
        draft: Some(&draft),
        analyses: analyses.into_iter().collect(),
        names,
        captions,
        seed: a.seed,
    };
    let m = cutroom_meta::generate(&input);
    let took = t.elapsed();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&m)?);
        return Ok(());
    }
    println!("Titles:");
    for (i, title) in m.titles.iter().enumerate() {
        println!("  {}. {title}", i + 1);
    }
    println!("\nDescription:\n{}\n", m.description);
    println!("Tags: {}", m.tags.join(", "));
    println!("Hashtags: {}", m.hashtags.join(" "));
    println!("\n({:?}, written in {:.1} ms)", platform, took.as_secs_f64() * 1000.0);
    Ok(())
}
