//! Text overlay edits: add a title/caption, change its words or style.

use super::*;

pub(super) fn add(
    d: &mut Draft,
    text: &str,
    start: Ms,
    dur: Ms,
    style: &Option<TextStyle>,
    track: Option<usize>,
) -> OpResult {
    check_len(dur, d.canvas.fps)?;
    let ti = match track {
        Some(i) => {
            if track_ref(d, i)?.tt != TrackType::Text {
                return Err(format!("track {i} is not a text track"));
            }
            i
        }
        None => {
            let first = d.tracks_of(TrackType::Text).next();
            match first {
                Some(i) => i,
                None => {
                    d.t.push(Track::new(TrackType::Text));
                    d.t.len() - 1
                }
            }
        }
    };
    let mut seg = Segment::text(text, start, dur);
    seg.style = style.clone();
    check_content(&d.canvas, TrackType::Text, &seg)?;
    let t = &mut d.t[ti];
    t.sg.push(seg);
    sort_by_start(t);
    Ok(())
}

pub(super) fn edit(
    d: &mut Draft,
    track: usize,
    seg: usize,
    text: &Option<String>,
    style: &Option<TextStyle>,
) -> OpResult {
    let canvas = d.canvas.clone();
    let t = track_mut(d, track)?;
    if t.tt != TrackType::Text {
        return Err(format!("track {track} is not a text track"));
    }
    let n = t.sg.len();
    let s = t.sg.get_mut(seg).ok_or_else(|| no_seg(track, seg, n))?;
    let mut next = s.clone();
    if let Some(text) = text {
        next.text = Some(text.clone());
    }
    if let Some(style) = style {
        next.style = Some(style.clone());
    }
    check_content(&canvas, TrackType::Text, &next)?;
    *s = next;
    Ok(())
}
