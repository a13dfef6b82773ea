//! Integration tests of the draft model: JSON, validation, edits, properties, schema.

mod edits;
mod json;
mod props;
mod schema;
mod validation;

use cutroom_timeline::*;

/// Three clips with two crossfades, music and a title: the reference timeline's shape.
pub fn sample() -> Draft {
    Draft::from_json(include_str!("../../../../examples/reference.json")).expect("example parses")
}

pub fn seg(src: &str, start: u64, d: u64) -> Segment {
    Segment::media(src, Ms(start), Ms(d))
}

pub fn video(sg: Vec<Segment>) -> Track {
    let mut t = Track::new(TrackType::Video);
    t.sg = sg;
    t
}
