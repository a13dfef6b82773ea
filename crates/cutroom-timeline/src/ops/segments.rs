//! Segment placement edits: add, remove, duplicate, move, reorder, trim, split.

use super::*;

/// Runs `f` on a track, then restores its invariants (ripple on video, order elsewhere).
fn edit_track(d: &mut Draft, track: usize, f: impl FnOnce(&mut Track, u32) -> OpResult) -> OpResult {
    let fps = d.canvas.fps;
    let t = track_mut(d, track)?;
    let origin = t.start();
    f(t, fps)?;
    if t.tt == TrackType::Video {
        relayout(t, origin, fps);
    } else {
        sort_by_start(t);
    }
    Ok(())
}

pub(super) fn add(d: &mut Draft, track: usize, at: Option<usize>, segment: &Segment) -> OpResult {
    let canvas = d.canvas.clone();
    edit_track(d, track, |t, _| {
        check_content(&canvas, t.tt, segment)?;
        let pos = match (t.tt, at) {
            (TrackType::Video, Some(i)) if i <= t.sg.len() => i,
            (TrackType::Video, Some(i)) => {
                return Err(format!("position {i} is past the end (the track has {} segments)", t.sg.len()));
            }
            (TrackType::Video, None) => t.sg.len(),
            // Overlay tracks are ordered by start; sort_by_start places it.
            _ => t.sg.len(),
        };
        t.sg.insert(pos, segment.clone());
        Ok(())
    })
}

pub(super) fn remove(d: &mut Draft, track: usize, seg: usize) -> OpResult {
    edit_track(d, track, |t, _| {
        if seg >= t.sg.len() {
            return Err(no_seg(track, seg, t.sg.len()));
        }
        t.sg.remove(seg);
        Ok(())
    })
}

pub(super) fn duplicate(d: &mut Draft, track: usize, seg: usize) -> OpResult {
    edit_track(d, track, |t, _| {
        let Some(s) = t.sg.get(seg) else {
            return Err(no_seg(track, seg, t.sg.len()));
        };
        let mut copy = s.clone();
        copy.start = s.end();
        t.sg.insert(seg + 1, copy);
        Ok(())
    })
}

pub(super) fn move_to(d: &mut Draft, track: usize, seg: usize, start: Ms) -> OpResult {
    edit_track(d, track, |t, _| {
        if t.tt == TrackType::Video {
            return Err("video segments play in sequence; use reorder to change their order".into());
        }
        let n = t.sg.len();
        let s = t.sg.get_mut(seg).ok_or_else(|| no_seg(track, seg, n))?;
        s.start = start;
        Ok(())
    })
}

pub(super) fn reorder(d: &mut Draft, track: usize, order: &[usize]) -> OpResult {
    edit_track(d, track, |t, _| {
        if t.tt != TrackType::Video {
            return Err("reorder applies to the video track; move audio and text segments by time".into());
        }
        let n = t.sg.len();
        let mut seen = vec![false; n];
        if order.len() != n || order.iter().any(|&i| i >= n || std::mem::replace(&mut seen[i], true)) {
            return Err(format!("order must list each of the {n} segment indices 0–{} exactly once", n.max(1) - 1));
        }
        // Transitions belong to the cut positions, so the rhythm of the edit stays.
        let cuts: Vec<Option<Transition>> = t.sg.iter().map(|s| s.transition.clone()).collect();
        let old = std::mem::take(&mut t.sg);
        let mut slots: Vec<Option<Segment>> = old.into_iter().map(Some).collect();
        for (k, &i) in order.iter().enumerate() {
            let mut s = slots[i].take().expect("checked permutation");
            s.transition = cuts[k].clone();
            t.sg.push(s);
        }
        Ok(())
    })
}

pub(super) fn trim(d: &mut Draft, track: usize, seg: usize, head: i64, tail: i64) -> OpResult {
    edit_track(d, track, |t, fps| {
        let tt = t.tt;
        let n = t.sg.len();
        let s = t.sg.get_mut(seg).ok_or_else(|| no_seg(track, seg, n))?;
        let new_d =
            s.d.checked_add_signed(-head)
                .and_then(|d| d.checked_add_signed(-tail))
                .ok_or("the trim removes more than the whole segment")?;
        check_len(new_d, fps)?;
        if head != 0 {
            // Source time moves by head × speed; overlay segments also move on the timeline.
            if s.src.is_some() {
                let src_delta = (head as f64 * s.speed).round() as i64;
                s.src_in = s.src_in.checked_add_signed(src_delta).ok_or_else(|| {
                    format!("cannot extend the start by {} ms: the source starts {} ms earlier", -head, s.src_in.0)
                })?;
            }
            if tt != TrackType::Video {
                s.start = s.start.checked_add_signed(head).ok_or("cannot extend before the timeline's start")?;
            }
        }
        s.d = new_d;
        clamp_fades(s);
        Ok(())
    })
}

pub(super) fn split(d: &mut Draft, track: usize, seg: usize, at: Ms) -> OpResult {
    edit_track(d, track, |t, fps| {
        let n = t.sg.len();
        let incoming = if seg > 0 && seg < n { t.sg[seg - 1].transition_len() } else { Ms::ZERO };
        let s = t.sg.get(seg).ok_or_else(|| no_seg(track, seg, n))?;
        let frame = Ms::frame_len(fps);
        let lo = s.start + incoming + frame;
        let hi = s.end().saturating_sub(s.transition_len() + frame);
        if at < lo || at > hi {
            return Err(format!(
                "split point {} ms must lie inside the segment ({}–{} ms), at least a frame away from its ends and transitions",
                at.0, lo.0, hi.0
            ));
        }
        let mut left = s.clone();
        let mut right = s.clone();
        left.d = at - s.start;
        left.transition = None;
        left.fade_out = Ms::ZERO;
        right.start = at;
        right.d = s.end() - at;
        if s.src.is_some() {
            right.src_in = s.src_in + left.d.scale(s.speed);
        }
        right.fade_in = Ms::ZERO;
        clamp_fades(&mut left);
        clamp_fades(&mut right);
        t.sg[seg] = left;
        t.sg.insert(seg + 1, right);
        Ok(())
    })
}
