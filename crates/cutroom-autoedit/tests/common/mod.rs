//! Helpers of the autoedit tests: rendering a draft and reading its frames back.

use cutroom_media::stream::{FrameReader, StreamOptions};
use cutroom_media::{MediaEntry, MediaMap, RenderSettings, probe, render};
use cutroom_process::Cancel;
use cutroom_timeline::Draft;
use std::path::{Path, PathBuf};

/// Probes files into a media map keyed by the given ids.
pub fn media(entries: &[(&str, &Path)]) -> MediaMap {
    entries
        .iter()
        .map(|(id, p)| (id.to_string(), MediaEntry { path: p.to_path_buf(), probe: probe(p).expect("probe") }))
        .collect()
}

/// Renders `draft` with its shorter side at `short_side` px, levels as mixed; the file
/// lives as long as the returned directory.
pub fn render_small(draft: &Draft, media: &MediaMap, short_side: u32) -> (tempfile::TempDir, PathBuf) {
    let dir = cutroom_testkit::tempdir();
    let out = dir.path().join("out.mp4");
    let settings = RenderSettings { short_side: Some(short_side), loudness: None, ..RenderSettings::default() };
    render(draft, media, &settings, &out, &Cancel::new(), &mut |_| {}).expect("render");
    (dir, out)
}

/// Every frame of a file at its own size, RGB.
pub fn frames(path: &Path) -> Vec<Vec<u8>> {
    let v = probe(path).unwrap().video.unwrap();
    let mut reader = FrameReader::open(path, v.display_width, v.display_height, &StreamOptions::default()).unwrap();
    let (mut out, mut buf) = (Vec::new(), Vec::new());
    while reader.next_frame(&mut buf).unwrap() {
        out.push(buf.clone());
    }
    reader.finish().unwrap();
    out
}
