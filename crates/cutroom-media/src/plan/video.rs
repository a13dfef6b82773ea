//! The picture: each video segment (or gap) becomes a piece of exactly its frames, fitted
//! to the canvas; pieces joined by transitions are chained with xfade, the rest concatenated.

use super::escape::{Filter, num};
use super::graph::Graph;
use super::{Geometry, Input, MediaMap, color};
use cutroom_timeline::{Draft, Fit, MediaKind, Motion, Point, Segment, TransitionKind};

/// Where a video segment's picture landed, for its sound to follow.
pub(crate) struct SegmentTiming {
    pub input: Option<usize>,
    pub start_frame: u64,
    pub frames: u64,
    /// Frames shared with the previous and the next segment by transitions.
    pub overlap_in: u64,
    pub overlap_out: u64,
}

/// Above this many picture inputs in one ffmpeg, decoders run single-threaded.
const MANY_INPUTS: usize = 4;

/// A piece of the picture: one video segment, or a stretch of the canvas colour.
pub(crate) struct PieceSpec {
    /// The segment's index on the video track; `None` for a fill.
    pub seg: Option<usize>,
    /// The segment's input (plan-wide index).
    pub input: Option<usize>,
    pub start_frame: u64,
    pub frames: u64,
    /// Transition into the next piece, and the frames it overlaps.
    pub join: Option<(TransitionKind, u64)>,
}

/// The picture laid out in frames, before any graph is written.
pub(crate) struct Layout {
    pub pieces: Vec<PieceSpec>,
    /// Per video segment, in track order.
    pub segments: Vec<SegmentTiming>,
}

/// Lays the video track out in whole frames and adds an input per segment.
pub(crate) fn layout(draft: &Draft, media: &MediaMap, geo: &Geometry, total: u64, inputs: &mut Vec<Input>) -> Layout {
    let fps = geo.fps;
    let mut pieces: Vec<PieceSpec> = Vec::new();
    let mut timings: Vec<SegmentTiming> = Vec::new();
    let mut cursor = 0u64;
    let fill = |at: u64, frames: u64| PieceSpec { seg: None, input: None, start_frame: at, frames, join: None };
    let segments: &[Segment] = draft.video_track().map_or(&[], |t| &draft.t[t].sg);
    for (i, seg) in segments.iter().enumerate() {
        let f0 = seg.start.to_frame(fps);
        let f1 = seg.end().to_frame(fps);
        let mut overlap_in = 0;
        if f0 > cursor {
            pieces.push(fill(cursor, f0 - cursor));
        } else if f0 < cursor {
            // Validation guarantees an overlap only where the previous segment has a transition.
            overlap_in = cursor - f0;
            let kind = segments[i - 1].transition.as_ref().map_or(TransitionKind::Crossfade, |t| t.kind);
            pieces.last_mut().expect("an overlap follows a piece").join = Some((kind, overlap_in));
            timings.last_mut().expect("an overlap follows a segment").overlap_out = overlap_in;
        }
        let frames = f1 - f0;
        let entry = seg.src.as_deref().and_then(|id| media.get(id)).expect("validated media");
        let mut options = Vec::new();
        if entry.probe.kind != MediaKind::Image {
            // Seek and bound the read at the input, so nothing outside the segment is decoded.
            let needed = geo.secs(frames) * seg.speed + 0.5;
            options = vec!["-ss".into(), num(seg.src_in.secs_f64()), "-t".into(), num(needed)];
        }
        let input = inputs.len();
        inputs.push(Input { options, path: entry.path.clone(), audio: false });
        pieces.push(PieceSpec { seg: Some(i), input: Some(input), start_frame: f0, frames, join: None });
        timings.push(SegmentTiming { input: Some(input), start_frame: f0, frames, overlap_in, overlap_out: 0 });
        cursor = f1;
    }
    if total > cursor {
        pieces.push(fill(cursor, total - cursor));
    }
    Layout { pieces, segments: timings }
}

/// The picture inputs one ffmpeg opens: with many of them, one decoder thread each keeps
/// memory down (every decoder has its own threads and frame pools; the encoder has the cores).
pub(crate) fn picture_inputs(inputs: impl Iterator<Item = Input>) -> Vec<Input> {
    let mut list: Vec<Input> = inputs.collect();
    if list.len() > MANY_INPUTS {
        for i in &mut list {
            i.options.splice(0..0, ["-threads".to_string(), "1".to_string()]);
        }
    }
    list
}

/// Writes the graph for a run of pieces; `local` maps plan-wide input indices to this
/// ffmpeg's. Returns the label of the picture.
pub(crate) fn emit(
    g: &mut Graph,
    draft: &Draft,
    media: &MediaMap,
    geo: &Geometry,
    pieces: &[PieceSpec],
    local: &dyn Fn(usize) -> usize,
) -> String {
    let segments: &[Segment] = draft.video_track().map_or(&[], |t| &draft.t[t].sg);
    let mut built = Vec::with_capacity(pieces.len());
    for p in pieces {
        let piece = match (p.seg, p.input) {
            (Some(si), Some(input)) => {
                let seg = &segments[si];
                let entry = seg.src.as_deref().and_then(|id| media.get(id)).expect("validated media");
                let label = format!("v{si}");
                media_piece(g, geo, seg, entry, local(input), p.frames, &label);
                Piece { label, frames: p.frames, join: p.join }
            }
            _ => fill(g, geo, p.start_frame, p.frames),
        };
        built.push(piece);
    }
    join(g, geo, built)
}

struct Piece {
    label: String,
    frames: u64,
    join: Option<(TransitionKind, u64)>,
}

/// A stretch of the canvas colour.
fn fill(g: &mut Graph, geo: &Geometry, at: u64, frames: u64) -> Piece {
    let label = format!("fill{at}");
    let src = Filter::new("color").opt("c", color(geo.bg)).opt("s", format!("{}x{}", geo.w, geo.h)).num("r", geo.fps);
    g.chain(
        &[],
        &[src.build(), format!("trim=end_frame={frames}"), "setsar=1".into(), "format=yuv420p".into()],
        &label,
    );
    Piece { label, frames, join: None }
}

fn media_piece(
    g: &mut Graph,
    geo: &Geometry,
    seg: &Segment,
    entry: &super::MediaEntry,
    input: usize,
    frames: u64,
    label: &str,
) {
    let v = entry.probe.video.as_ref().expect("validated: video segments have pictures");
    let src = (v.display_width, v.display_height);
    let fps = geo.fps;
    let pre = format!("{label}_in");
    let mut timing: Vec<String> = Vec::new();
    let still = entry.probe.kind == MediaKind::Image;
    if !still {
        timing.push("setpts=PTS-STARTPTS".into());
        if seg.speed != 1.0 {
            timing.push(format!("setpts=PTS/{}", num(seg.speed)));
        }
        timing.push(format!("fps={fps}"));
        // Clone the last frame if the source ends a little early; then cut exactly.
        timing.push(format!("tpad=stop_mode=clone:stop={frames}"));
        timing.push(format!("trim=end_frame={frames}"));
    }
    if v.sar.0 != v.sar.1 {
        timing.push(format!("scale=w=trunc(iw*{}/{}/2)*2:h=ih", v.sar.0, v.sar.1));
        timing.push("setsar=1".into());
    }
    timing.push("format=yuv420p".into());
    g.chain(&[&format!("{input}:v")], &timing, &pre);

    let motion = if still { seg.motion.as_ref() } else { None };
    // Stills with motion are fitted at twice the size, so the zoom has pixels to spare.
    let over = if motion.is_some() { 2 } else { 1 };
    let fitted = format!("{label}_fit");
    let aim = match (&seg.motion, still) {
        (Some(m), false) => Aim::Pan(m, frames),
        _ => Aim::At(seg.focus.unwrap_or(Point::CENTER)),
    };
    fit(g, &pre, src, (geo.w * over, geo.h * over), seg.fit, aim, geo, &fitted);

    let mut post: Vec<String> = Vec::new();
    if still {
        match motion {
            Some(m) => post.push(zoompan(m, frames, geo)),
            None => post.push(format!("loop=loop={}:size=1:start=0", frames - 1)),
        }
        post.push(format!("setpts=N/{fps}/TB"));
        post.push(format!("fps={fps}"));
        post.push(format!("trim=end_frame={frames}"));
    }
    post.push("setsar=1".into());
    if !seg.fade_in.is_zero() {
        post.push(format!("fade=t=in:st=0:d={}", num(seg.fade_in.secs_f64())));
    }
    if !seg.fade_out.is_zero() {
        let st = (geo.secs(frames) - seg.fade_out.secs_f64()).max(0.0);
        post.push(format!("fade=t=out:st={}:d={}", num(st), num(seg.fade_out.secs_f64())));
    }
    g.chain(&[&fitted], &post, label);
}

/// Ken Burns over a still fitted at twice the output size: zoom and centre eased from
/// `from` to `to` over the segment.
fn zoompan(m: &Motion, frames: u64, geo: &Geometry) -> String {
    let last = (frames.max(2) - 1) as f64;
    let e = format!("(min(on/{},1)*min(on/{},1)*(3-2*min(on/{},1)))", num(last), num(last), num(last));
    let lerp = |a: f64, b: f64| format!("({}+({})*{e})", num(a), num(b - a));
    let z = lerp(m.zoom_from, m.zoom_to);
    let cx = lerp(m.from.x, m.to.x);
    let cy = lerp(m.from.y, m.to.y);
    Filter::new("zoompan")
        .opt("z", &z)
        .opt("x", format!("max(0,min(iw-iw/zoom,{cx}*iw-iw/zoom/2))"))
        .opt("y", format!("max(0,min(ih-ih/zoom,{cy}*ih-ih/zoom/2))"))
        .num("d", frames as f64)
        .opt("s", format!("{}x{}", geo.w, geo.h))
        .num("fps", geo.fps)
        .build()
}

fn even(v: f64) -> u32 {
    (((v / 2.0).round() as u32) * 2).max(2)
}

/// The part of a `src` frame that covers a `dst` frame, centred on `focus`: (w, h, x, y).
pub(crate) fn cover_crop(src: (u32, u32), dst: (u32, u32), focus: Point) -> (u32, u32, u32, u32) {
    let (sw, sh) = (u64::from(src.0), u64::from(src.1));
    let (dw, dh) = (u64::from(dst.0), u64::from(dst.1));
    let (cw, ch) = if sw * dh > sh * dw {
        (even(sh as f64 * dw as f64 / dh as f64).min(src.0), src.1)
    } else {
        (src.0, even(sw as f64 * dh as f64 / dw as f64).min(src.1))
    };
    let place = |f: f64, full: u32, part: u32| -> u32 {
        let max = f64::from(full - part);
        (f * f64::from(full) - f64::from(part) / 2.0).round().clamp(0.0, max) as u32
    };
    (cw, ch, place(focus.x, src.0, cw), place(focus.y, src.1, ch))
}

/// The size of a `src` frame scaled to fit inside `dst`.
pub(crate) fn contain_size(src: (u32, u32), dst: (u32, u32)) -> (u32, u32) {
    let (sw, sh) = (f64::from(src.0), f64::from(src.1));
    let (dw, dh) = (f64::from(dst.0), f64::from(dst.1));
    if sw * dh > sh * dw { (dst.0, even(dw * sh / sw).min(dst.1)) } else { (even(dh * sw / sh).min(dst.0), dst.1) }
}

/// Where a cover crop sits: centred on a fixed point of the source, or panning over
/// `frames` frames (a video segment's `motion`).
#[derive(Clone, Copy)]
enum Aim<'a> {
    At(Point),
    Pan(&'a Motion, u64),
}

impl Aim<'_> {
    /// The fixed point (for a pan, where it starts).
    fn focus(self) -> Point {
        match self {
            Aim::At(p) => p,
            Aim::Pan(m, _) => m.from,
        }
    }
}

/// The crop filter of a pan: a window of the cover crop's shape, `zoom` times smaller,
/// whose centre moves at constant speed from `from` to `to` over the frames (`n` counts
/// them), kept inside the frame.
fn pan_crop(src: (u32, u32), dst: (u32, u32), m: &Motion, frames: u64) -> String {
    let (cw, ch, _, _) = cover_crop(src, dst, Point::CENTER);
    let zoom = m.zoom_from.max(1.0);
    let (w, h) = (even(f64::from(cw) / zoom).min(cw), even(f64::from(ch) / zoom).min(ch));
    let last = num((frames.max(2) - 1) as f64);
    let axis = |a: f64, b: f64, full: u32, part: u32| {
        let centre = format!("({}+({})*n/{last})*{full}", num(a), num(b - a));
        format!("max(0,min({},{centre}-{}))", full - part, num(f64::from(part) / 2.0))
    };
    Filter::new("crop")
        .num("w", w)
        .num("h", h)
        .opt("x", axis(m.from.x, m.to.x, src.0, w))
        .opt("y", axis(m.from.y, m.to.y, src.1, h))
        .build()
}

/// Fits a picture onto the canvas. Cover crops first and scales the crop, which is
/// cheaper than scaling the whole frame up and cropping after.
#[allow(clippy::too_many_arguments)]
fn fit(g: &mut Graph, input: &str, src: (u32, u32), dst: (u32, u32), fit: Fit, aim: Aim, geo: &Geometry, out: &str) {
    let scale = |w: u32, h: u32| format!("scale={w}:{h}");
    let focus = aim.focus();
    let cover = |chain: &mut Vec<String>| {
        let (cw, ch, x, y) = cover_crop(src, dst, focus);
        if let Aim::Pan(m, frames) = aim {
            chain.push(pan_crop(src, dst, m, frames));
            chain.push(scale(dst.0, dst.1));
            return;
        }
        if (cw, ch) != src {
            chain.push(format!("crop={cw}:{ch}:{x}:{y}"));
        }
        if (cw, ch) != dst {
            chain.push(scale(dst.0, dst.1));
        }
    };
    match fit {
        Fit::Cover => {
            let mut chain = Vec::new();
            cover(&mut chain);
            g.chain(&[input], &chain, out);
        }
        Fit::Contain => {
            let (fw, fh) = contain_size(src, dst);
            let mut chain = Vec::new();
            if (fw, fh) != src {
                chain.push(scale(fw, fh));
            }
            if (fw, fh) != dst {
                let pad = Filter::new("pad")
                    .num("w", dst.0)
                    .num("h", dst.1)
                    .num("x", (dst.0 - fw) / 2)
                    .num("y", (dst.1 - fh) / 2)
                    .opt("color", color(geo.bg));
                chain.push(pad.build());
            }
            g.chain(&[input], &chain, out);
        }
        Fit::Blur => {
            let (fw, fh) = contain_size(src, dst);
            let (a, b, bg, fg) = (format!("{out}_a"), format!("{out}_b"), format!("{out}_bg"), format!("{out}_fg"));
            g.chain(&[input], &["split=2".into()], &format!("{a}][{b}"));
            // The background: the cover crop, shrunk, blurred and scaled back up.
            let (bw, bh) = (even(f64::from(dst.0) / 8.0).max(16), even(f64::from(dst.1) / 8.0).max(16));
            let r = (bw.min(bh) / 10).max(1);
            let (cw, ch, x, y) = cover_crop(src, dst, focus);
            let mut back = Vec::new();
            if (cw, ch) != src {
                back.push(format!("crop={cw}:{ch}:{x}:{y}"));
            }
            back.push(scale(bw, bh));
            back.push(format!("boxblur=luma_radius={r}:luma_power=2:chroma_radius={}:chroma_power=2", (r / 2).max(1)));
            back.push(format!("scale={}:{}:flags=bilinear", dst.0, dst.1));
            g.chain(&[&a], &back, &bg);
            g.chain(&[&b], &[scale(fw, fh)], &fg);
            g.chain(&[&bg, &fg], &[format!("overlay=x={}:y={}", (dst.0 - fw) / 2, (dst.1 - fh) / 2)], out);
        }
    }
}

fn xfade_name(kind: TransitionKind) -> &'static str {
    match kind {
        TransitionKind::Crossfade => "fade",
        TransitionKind::FadeBlack => "fadeblack",
        TransitionKind::FadeWhite => "fadewhite",
        TransitionKind::WipeLeft => "wipeleft",
        TransitionKind::WipeRight => "wiperight",
        TransitionKind::WipeUp => "wipeup",
        TransitionKind::WipeDown => "wipedown",
        TransitionKind::SlideLeft => "slideleft",
        TransitionKind::SlideRight => "slideright",
        TransitionKind::SlideUp => "slideup",
        TransitionKind::SlideDown => "slidedown",
        TransitionKind::CircleOpen => "circleopen",
        TransitionKind::CircleClose => "circleclose",
        TransitionKind::ZoomIn => "zoomin",
        TransitionKind::Pixelize => "pixelize",
        TransitionKind::Radial => "radial",
    }
}

/// Joins pieces: runs linked by transitions become xfade chains, runs are concatenated.
fn join(g: &mut Graph, geo: &Geometry, pieces: Vec<Piece>) -> String {
    let fps = geo.fps;
    let mut runs: Vec<String> = Vec::new();
    let mut iter = pieces.into_iter().peekable();
    while let Some(first) = iter.next() {
        let mut label = first.label;
        let mut frames = first.frames;
        let mut join = first.join;
        while let Some((kind, overlap)) = join {
            let next = iter.next().expect("a transition has a next piece");
            let out = format!("{}_x", next.label);
            let offset = frames - overlap;
            let xfade = Filter::new("xfade")
                .opt("transition", xfade_name(kind))
                .num("duration", geo.secs(overlap))
                .num("offset", geo.secs(offset))
                .build();
            // xfade in ffmpeg 5.1 can leave a one-frame hole in the timestamps (the muxer
            // would fill it with a duplicate); number the frames afresh.
            g.chain(&[&label, &next.label], &[xfade, format!("settb=1/{fps}"), "setpts=N".into()], &out);
            label = out;
            frames = offset + next.frames;
            join = next.join;
        }
        runs.push(label);
    }
    if runs.len() == 1 {
        return runs.pop().expect("one run");
    }
    let refs: Vec<&str> = runs.iter().map(String::as_str).collect();
    g.chain(&refs, &[format!("concat=n={}:v=1:a=0", runs.len())], "vseq");
    "vseq".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cover_crops_the_middle_of_a_wide_source_for_a_tall_canvas() {
        assert_eq!(cover_crop((1920, 1080), (1080, 1920), Point::CENTER), (608, 1080, 656, 0));
        assert_eq!(cover_crop((1920, 1080), (1080, 1920), Point { x: 0.0, y: 0.5 }), (608, 1080, 0, 0));
        assert_eq!(cover_crop((1920, 1080), (1080, 1920), Point { x: 1.0, y: 0.5 }), (608, 1080, 1312, 0));
        assert_eq!(cover_crop((1080, 1920), (1920, 1080), Point::CENTER), (1080, 608, 0, 656));
        assert_eq!(cover_crop((1920, 1080), (1920, 1080), Point::CENTER), (1920, 1080, 0, 0));
    }

    #[test]
    fn contain_fits_inside() {
        assert_eq!(contain_size((1920, 1080), (1080, 1920)), (1080, 608));
        assert_eq!(contain_size((1080, 1920), (1920, 1080)), (608, 1080));
        assert_eq!(contain_size((640, 480), (1080, 1080)), (1080, 810));
    }
}
