//! Bad input: a clear error or a sensible empty result, never a panic or a hang.

use super::*;
use cutroom_analysis::AnalysisError;
use std::time::Instant;

#[test]
fn broken_files_are_errors() {
    let dir = cutroom_testkit::tempdir();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let t = Instant::now();
    let e = analyze(&write("empty.mp4", b""), &Options::default()).unwrap_err();
    assert!(e.to_string().contains("the file is empty"), "{e}");
    assert!(e.is_client_error());
    let whole = std::fs::read(clip("whole.mp4", &format!("{}[out0]", src("testsrc2", 2.0)), 2.0)).unwrap();
    let mdat = whole.windows(4).position(|w| w == b"mdat").unwrap();
    let moov = whole.windows(4).position(|w| w == b"moov").unwrap();
    let cut = write("cut.mp4", &whole[..mdat.max(moov).min(whole.len() / 2)]);
    match analyze(&cut, &Options::default()) {
        Err(e) => assert!(e.is_client_error(), "{e}"),
        // The index survived: whatever decodes is analysed.
        Ok(a) => assert!(a.shots.len() <= 1),
    }
    let e = analyze(&write("notes.mov", b"not a movie"), &Options::default()).unwrap_err();
    assert!(matches!(e, AnalysisError::Probe(_)), "{e:?}");
    assert!(t.elapsed().as_secs() < 30);
}

#[test]
fn audio_only_and_one_frame_and_stills() {
    let sound = fixture("sound-only.m4a", None, Some("sine=frequency=440:sample_rate=48000"), 2.0);
    let a = run(&sound);
    assert!(a.video.is_none() && a.shots.is_empty() && a.audio.is_some());

    let one = clip("one-frame.mp4", &format!("{},trim=end_frame=1[out0]", src("testsrc2", 1.0)), 1.0);
    let a = run(&one);
    assert_eq!(a.shots.len(), 1);
    assert!(a.transitions.is_empty());
    assert_eq!(a.video.unwrap().frames, 1);

    let still = fixture("still.png", Some("testsrc2=s=320x240"), None, 1.0);
    let a = run(&still);
    assert_eq!(a.shots.len(), 1);
    assert_eq!(a.duration_ms, 0);
}

#[test]
fn huge_headers_are_refused() {
    let dir = cutroom_testkit::tempdir();
    // A PNG header claiming 100000 × 100000 pixels.
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
    png.extend(b"IHDR");
    png.extend(100_000u32.to_be_bytes());
    png.extend(100_000u32.to_be_bytes());
    png.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    let p = dir.path().join("huge.png");
    std::fs::write(&p, png).unwrap();
    assert!(analyze(&p, &Options::default()).is_err());
}
