//! Track-level edits: add/remove tracks, ducking, draft metadata.

use super::*;

pub(super) fn add_track(d: &mut Draft, tt: TrackType, name: &Option<String>, role: &Option<String>) -> OpResult {
    if tt == TrackType::Video && d.video_track().is_some() {
        return Err("the draft already has its video track".into());
    }
    let mut t = Track::new(tt);
    if let Some(n) = name {
        t.m.insert("name".into(), n.clone().into());
    }
    if let Some(r) = role {
        t.m.insert("role".into(), r.clone().into());
    }
    d.t.push(t);
    Ok(())
}

pub(super) fn remove_track(d: &mut Draft, track: usize) -> OpResult {
    track_ref(d, track)?;
    d.t.remove(track);
    Ok(())
}

pub(super) fn duck(d: &mut Draft, track: usize, duck: &Option<Duck>) -> OpResult {
    let t = track_mut(d, track)?;
    if t.tt != TrackType::Audio {
        return Err(format!("track {track} is not an audio track"));
    }
    t.duck = duck.clone();
    Ok(())
}

pub(super) fn set_meta(d: &mut Draft, key: &str, value: &Option<serde_json::Value>) -> OpResult {
    if key.trim().is_empty() || key.len() > 64 {
        return Err("a metadata key must be 1–64 bytes".into());
    }
    match value {
        Some(v) => d.m.insert(key.to_string(), v.clone()),
        None => d.m.remove(key),
    };
    Ok(())
}
