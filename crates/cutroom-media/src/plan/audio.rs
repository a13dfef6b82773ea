//! The sound: every segment with audio becomes a chain of exactly its samples, delayed to
//! its place on the timeline; the chains are mixed (without level normalisation, so a
//! segment at 35% really plays at 35%), ducked tracks are compressed by the video's own
//! sound, and the mix gets the loudness gain the measuring pass found.

use super::escape::{Filter, num};
use super::graph::Graph;
use super::video::SegmentTiming;
use super::{Geometry, Input, MediaMap, SAMPLE_RATE};
use cutroom_timeline::{Draft, Duck, MediaKind, TrackType};

/// Which mix a chain joins.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bus {
    /// The video's own sound (what ducked tracks duck under).
    Video,
    /// An audio track with ducking, by track index.
    Ducked(usize),
    /// Any other audio track.
    Plain,
}

pub(crate) struct Item {
    input: usize,
    start: u64,
    len: u64,
    speed: f64,
    volume: f64,
    fade_in: f64,
    fade_out: f64,
    bus: Bus,
}

const FMT: &str = "aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo";

pub(crate) fn items(
    draft: &Draft,
    media: &MediaMap,
    geo: &Geometry,
    timings: &[SegmentTiming],
    inputs: &mut Vec<Input>,
) -> Vec<Item> {
    let per_frame = SAMPLE_RATE / u64::from(geo.fps);
    let mut out = Vec::new();
    if let Some(vt) = draft.video_track() {
        for (seg, timing) in draft.t[vt].sg.iter().zip(timings) {
            let Some(input) = timing.input else { continue };
            let Some(entry) = seg.src.as_deref().and_then(|id| media.get(id)) else {
                continue;
            };
            if entry.probe.kind != MediaKind::Video || !entry.probe.has_audio() || seg.volume == 0.0 {
                continue;
            }
            inputs[input].audio = true;
            // Transitions cross-fade the sound over the frames the pictures share.
            let fade_in = seg.fade_in.secs_f64().max(geo.secs(timing.overlap_in));
            let fade_out = seg.fade_out.secs_f64().max(geo.secs(timing.overlap_out));
            out.push(Item {
                input,
                start: timing.start_frame * per_frame,
                len: timing.frames * per_frame,
                speed: seg.speed,
                volume: seg.volume,
                fade_in,
                fade_out,
                bus: Bus::Video,
            });
        }
    }
    let per_ms = SAMPLE_RATE / 1000;
    for (ti, track) in draft.t.iter().enumerate().filter(|(_, t)| t.tt == TrackType::Audio) {
        let bus = if track.duck.is_some() { Bus::Ducked(ti) } else { Bus::Plain };
        for seg in &track.sg {
            let entry = seg.src.as_deref().and_then(|id| media.get(id)).expect("validated media");
            if seg.volume == 0.0 {
                continue;
            }
            let needed = seg.d.secs_f64() * seg.speed + 0.5;
            inputs.push(Input {
                options: vec!["-ss".into(), num(seg.src_in.secs_f64()), "-t".into(), num(needed)],
                path: entry.path.clone(),
                audio: true,
            });
            out.push(Item {
                input: inputs.len() - 1,
                start: seg.start.0 * per_ms,
                len: seg.d.0 * per_ms,
                speed: seg.speed,
                volume: seg.volume,
                fade_in: seg.fade_in.secs_f64(),
                fade_out: seg.fade_out.secs_f64(),
                bus,
            });
        }
    }
    out
}

/// `atempo` steps for a speed (each step within 0.5–2, which keeps quality).
fn atempo(speed: f64) -> Vec<String> {
    let mut s = speed;
    let mut out = Vec::new();
    while s > 2.0 {
        out.push("atempo=2".to_string());
        s /= 2.0;
    }
    while s < 0.5 {
        out.push("atempo=0.5".to_string());
        s /= 0.5;
    }
    if (s - 1.0).abs() > 1e-9 {
        out.push(format!("atempo={}", num(s)));
    }
    out
}

fn chain(item: &Item) -> Vec<String> {
    let mut f = vec!["asetpts=PTS-STARTPTS".to_string(), FMT.to_string()];
    f.extend(atempo(item.speed));
    if item.volume != 1.0 {
        f.push(format!("volume={}", num(item.volume)));
    }
    let secs = item.len as f64 / SAMPLE_RATE as f64;
    if item.fade_in > 0.0 {
        f.push(format!("afade=t=in:st=0:d={}", num(item.fade_in.min(secs))));
    }
    if item.fade_out > 0.0 {
        let d = item.fade_out.min(secs);
        f.push(format!("afade=t=out:st={}:d={}", num(secs - d), num(d)));
    }
    f.push(format!("apad=whole_len={}", item.len));
    f.push(format!("atrim=end_sample={}", item.len));
    if item.start > 0 {
        f.push(format!("adelay=delays={}S:all=1", item.start));
    }
    f
}

fn silence(total: u64) -> Vec<String> {
    vec!["anullsrc=r=48000:cl=stereo".into(), format!("atrim=end_sample={total}"), FMT.into()]
}

fn mix(n: usize) -> String {
    format!("amix=inputs={n}:duration=first:normalize=0:dropout_transition=0")
}

fn compressor(d: &Duck) -> String {
    let threshold = 10f64.powf(d.threshold_db / 20.0).clamp(0.000_976_563, 1.0);
    // Under speech about 20 dB over the threshold, this ratio lowers the track by `amount_db`.
    let ratio = (20.0 / (20.0 - d.amount_db.min(19.0))).clamp(1.0, 20.0);
    Filter::new("sidechaincompress")
        .num("threshold", (threshold * 1e6).round() / 1e6)
        .num("ratio", (ratio * 1000.0).round() / 1000.0)
        .num("attack", f64::from(d.attack_ms.clamp(1, 2000)))
        .num("release", f64::from(d.release_ms.clamp(1, 9000)))
        .build()
}

/// The audio graph, ending in `[mix]`. `idx` maps plan input indices to this invocation's.
pub(crate) fn graph(draft: &Draft, items: &[Item], total: u64, idx: &dyn Fn(usize) -> usize) -> String {
    let mut g = Graph::default();
    if items.is_empty() {
        g.chain(&[], &silence(total), "mix");
        return g.finish();
    }
    let mut labels: Vec<(Bus, String)> = Vec::new();
    for (j, item) in items.iter().enumerate() {
        let label = format!("a{j}");
        let input = idx(item.input);
        g.chain(&[&format!("{input}:a")], &chain(item), &label);
        labels.push((item.bus, label));
    }
    let of = |bus: Bus| -> Vec<String> { labels.iter().filter(|(b, _)| *b == bus).map(|(_, l)| l.clone()).collect() };
    let mut ducked: Vec<usize> =
        labels.iter().filter_map(|(b, _)| if let Bus::Ducked(t) = b { Some(*t) } else { None }).collect();
    ducked.dedup();
    // Sum a bus over silence of the full length, so every bus lasts exactly the timeline.
    let bus_mix = |g: &mut Graph, name: &str, members: Vec<String>| -> String {
        let base = format!("{name}_base");
        g.chain(&[], &silence(total), &base);
        let mut refs = vec![base.as_str()];
        refs.extend(members.iter().map(String::as_str));
        g.chain(&refs, &[mix(refs.len())], name);
        name.to_string()
    };
    let mut finals: Vec<String> = Vec::new();
    if ducked.is_empty() {
        let mut all = of(Bus::Video);
        all.extend(of(Bus::Plain));
        bus_mix(&mut g, "mix", all);
        return g.finish();
    }
    let vbus = bus_mix(&mut g, "vbus", of(Bus::Video));
    let mut outs = vec!["vmix".to_string()];
    outs.extend((0..ducked.len()).map(|k| format!("sc{k}")));
    g.chain(&[&vbus], &[format!("asplit={}", outs.len())], &outs.join("]["));
    finals.push("vmix".into());
    for (k, ti) in ducked.iter().enumerate() {
        let bus = bus_mix(&mut g, &format!("dbus{k}"), of(Bus::Ducked(*ti)));
        let duck = draft.t[*ti].duck.clone().unwrap_or_default();
        let out = format!("ducked{k}");
        g.chain(&[&bus, &format!("sc{k}")], &[compressor(&duck)], &out);
        finals.push(out);
    }
    finals.extend(of(Bus::Plain));
    let refs: Vec<&str> = finals.iter().map(String::as_str).collect();
    g.chain(&refs, &[mix(refs.len())], "mix");
    g.finish()
}

/// The end of the audio graph: the loudness gain, then the output format.
pub(crate) fn tail(gain_db: Option<f64>) -> String {
    match gain_db {
        Some(g) if g.abs() > 0.01 => format!("[mix]volume={}dB,{FMT}[aout]", num((g * 100.0).round() / 100.0)),
        _ => format!("[mix]{FMT}[aout]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atempo_steps_stay_in_range() {
        assert_eq!(atempo(1.0), Vec::<String>::new());
        assert_eq!(atempo(1.25), vec!["atempo=1.25"]);
        assert_eq!(atempo(4.0), vec!["atempo=2", "atempo=2"]);
        assert_eq!(atempo(0.25), vec!["atempo=0.5", "atempo=0.5"]);
        assert_eq!(atempo(3.0), vec!["atempo=2", "atempo=1.5"]);
    }
}
