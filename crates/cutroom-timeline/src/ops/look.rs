//! Edits to how segments play and look: speed, volume, fades, transitions, fit, focus,
//! motion, and the canvas.

use super::*;
use crate::validate::{MAX_SPEED, MAX_VOLUME, MIN_SPEED};

fn unit_range(v: f64, lo: f64, hi: f64, what: &str) -> OpResult {
    if v.is_finite() && v >= lo && v <= hi { Ok(()) } else { Err(format!("{what} must be {lo}–{hi}, got {v}")) }
}

pub(super) fn speed(d: &mut Draft, track: usize, seg: Option<usize>, speed: f64) -> OpResult {
    unit_range(speed, MIN_SPEED, MAX_SPEED, "speed")?;
    let fps = d.canvas.fps;
    let t = track_mut(d, track)?;
    if t.tt == TrackType::Text {
        return Err("text segments have no speed".into());
    }
    let origin = t.start();
    let which = targets(t, track, seg)?;
    // Check every target first so the edit is all or nothing.
    let new_lens: Vec<Ms> = which.iter().map(|&i| t.sg[i].src_len().scale(1.0 / speed)).collect();
    for len in &new_lens {
        check_len(*len, fps)?;
    }
    for (&i, len) in which.iter().zip(new_lens) {
        let s = &mut t.sg[i];
        s.speed = speed;
        s.d = len;
        clamp_fades(s);
    }
    if t.tt == TrackType::Video {
        relayout(t, origin, fps);
    }
    Ok(())
}

pub(super) fn volume(d: &mut Draft, track: usize, seg: Option<usize>, volume: f64) -> OpResult {
    unit_range(volume, 0.0, MAX_VOLUME, "volume")?;
    let t = track_mut(d, track)?;
    if t.tt == TrackType::Text {
        return Err("text segments have no volume".into());
    }
    for i in targets(t, track, seg)? {
        t.sg[i].volume = volume;
    }
    Ok(())
}

pub(super) fn fade(d: &mut Draft, track: usize, seg: usize, fade_in: Option<Ms>, fade_out: Option<Ms>) -> OpResult {
    let t = track_mut(d, track)?;
    let n = t.sg.len();
    let s = t.sg.get_mut(seg).ok_or_else(|| no_seg(track, seg, n))?;
    let fi = fade_in.unwrap_or(s.fade_in);
    let fo = fade_out.unwrap_or(s.fade_out);
    if fi + fo > s.d {
        return Err(format!("fades of {} + {} ms do not fit in a {} ms segment", fi.0, fo.0, s.d.0));
    }
    s.fade_in = fi;
    s.fade_out = fo;
    Ok(())
}

pub(super) fn transition(d: &mut Draft, track: usize, seg: Option<usize>, tr: &Option<Transition>) -> OpResult {
    let fps = d.canvas.fps;
    let t = track_mut(d, track)?;
    if t.tt != TrackType::Video {
        return Err("transitions apply to the video track".into());
    }
    let n = t.sg.len();
    if let Some(tr) = tr {
        check_len(tr.d, fps).map_err(|_| format!("a transition must last at least one frame, got {} ms", tr.d.0))?;
    }
    let which: Vec<usize> = match seg {
        Some(i) if i + 1 < n => vec![i],
        Some(i) if i < n => {
            return Err(format!("segment {i} is the last one; there is nothing after it to transition to"));
        }
        Some(i) => return Err(no_seg(track, i, n)),
        None if n < 2 => return Err("a transition needs at least two segments".into()),
        None => (0..n - 1).collect(),
    };
    let origin = t.start();
    for i in which {
        t.sg[i].transition = tr.clone();
    }
    relayout(t, origin, fps);
    Ok(())
}

pub(super) fn fit(d: &mut Draft, track: usize, seg: Option<usize>, fit: Fit) -> OpResult {
    let t = video_track(d, track)?;
    for i in targets(t, track, seg)? {
        t.sg[i].fit = fit;
    }
    Ok(())
}

pub(super) fn focus(d: &mut Draft, track: usize, seg: usize, focus: Option<Point>) -> OpResult {
    if let Some(p) = focus {
        unit_range(p.x, 0.0, 1.0, "focus.x")?;
        unit_range(p.y, 0.0, 1.0, "focus.y")?;
    }
    let t = video_track(d, track)?;
    let n = t.sg.len();
    t.sg.get_mut(seg).ok_or_else(|| no_seg(track, seg, n))?.focus = focus;
    Ok(())
}

pub(super) fn motion(d: &mut Draft, track: usize, seg: usize, motion: &Option<Motion>) -> OpResult {
    if let Some(m) = motion {
        unit_range(m.zoom_from, 1.0, 4.0, "zoom_from")?;
        unit_range(m.zoom_to, 1.0, 4.0, "zoom_to")?;
        for p in [m.from, m.to] {
            unit_range(p.x, 0.0, 1.0, "x")?;
            unit_range(p.y, 0.0, 1.0, "y")?;
        }
    }
    let t = video_track(d, track)?;
    let n = t.sg.len();
    t.sg.get_mut(seg).ok_or_else(|| no_seg(track, seg, n))?.motion = motion.clone();
    Ok(())
}

fn video_track(d: &mut Draft, track: usize) -> Result<&mut Track, String> {
    let t = track_mut(d, track)?;
    if t.tt != TrackType::Video {
        return Err(format!("track {track} is a {} track; this applies to video", t.tt));
    }
    Ok(t)
}

pub(super) fn canvas(d: &mut Draft, w: Option<u32>, h: Option<u32>, fps: Option<u32>, bg: Option<Color>) -> OpResult {
    let mut c = d.canvas.clone();
    c.w = w.unwrap_or(c.w);
    c.h = h.unwrap_or(c.h);
    c.fps = fps.unwrap_or(c.fps);
    c.bg = bg.unwrap_or(c.bg);
    // Check the canvas alone, with the validator's own rules and messages.
    let probe = Draft { canvas: c.clone(), ..Draft::default() };
    if let Err(e) = probe.validate() {
        return Err(e.to_string());
    }
    let frame = Ms::frame_len(c.fps);
    for t in &d.t {
        for s in &t.sg {
            if s.d < frame || s.transition.as_ref().is_some_and(|tr| tr.d < frame) {
                return Err(format!("{} fps would make some segments or transitions shorter than one frame", c.fps));
            }
        }
    }
    d.canvas = c;
    Ok(())
}
