//! Probing real files of every accepted kind, and refusing what is not media.

use super::*;
use cutroom_media::ProbeError;
use cutroom_testkit::tempdir;

#[test]
fn videos_images_and_audio() {
    let v = color_clip("red", 3.0, Some(440));
    let p = probe_file(&v).unwrap();
    assert_eq!(p.kind, MediaKind::Video);
    assert_eq!(p.duration, Some(Ms(3000)));
    assert!(p.has_audio());
    assert_eq!(p.streams, 2);
    assert_eq!(p.fps_f64(), Some(30.0));
    let vi = p.video.unwrap();
    assert_eq!((vi.width, vi.height, vi.codec.as_str()), (320, 180, "h264"));

    let silent = color_clip("blue", 3.0, None);
    assert!(!probe_file(&silent).unwrap().has_audio());

    for (name, kind) in [("p.png", MediaKind::Image), ("p.jpg", MediaKind::Image), ("p.webp", MediaKind::Image)] {
        let f = fixture(name, Some("testsrc2=s=64x48"), None, 1.0);
        let p = probe_file(&f).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((p.kind, p.duration), (kind, None), "{name}");
    }
    for name in ["a.wav", "a.mp3", "a.m4a", "a.aac"] {
        let f = fixture(name, None, Some("sine=frequency=440:sample_rate=48000"), 2.0);
        let p = probe_file(&f).unwrap();
        assert_eq!(p.kind, MediaKind::Audio, "{name}");
        assert!(p.duration.unwrap().0.abs_diff(2000) < 60, "{name}: {:?}", p.duration);
    }
    for name in ["v.webm", "v.mkv", "v.mov", "v.gif", "v.avi"] {
        let f = fixture(name, Some("testsrc2=s=64x48:r=10"), None, 1.0);
        assert_eq!(probe_file(&f).unwrap().kind, MediaKind::Video, "{name}");
    }
}

#[test]
fn rotation_swaps_the_shown_size() {
    let dir = tempdir();
    let src = color_clip("red", 3.0, None);
    let out = dir.path().join("rot.mp4");
    cutroom_process::Command::tool(cutroom_process::Tool::Ffmpeg)
        .unwrap()
        .args(["-v", "error", "-i"])
        .arg(&src)
        .args(["-c", "copy", "-metadata:s:v:0", "rotate=90"])
        .arg(&out)
        .run()
        .unwrap();
    let v = probe_file(&out).unwrap().video.unwrap();
    assert_eq!((v.width, v.height), (320, 180));
    assert_eq!(v.rotation % 180, 90);
    assert_eq!((v.display_width, v.display_height), (180, 320));
}

fn png_header(w: u32, h: u32) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut c = 0xffff_ffffu32;
        for b in data {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    out.extend(13u32.to_be_bytes());
    out.extend(&ihdr);
    out.extend(crc32(&ihdr).to_be_bytes());
    out.extend(0u32.to_be_bytes());
    out.extend(b"IEND");
    out.extend(crc32(b"IEND").to_be_bytes());
    out
}

#[test]
fn bad_files_are_typed_errors() {
    let dir = tempdir();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let empty = write("empty.mp4", b"");
    assert!(matches!(probe_file(&empty), Err(ProbeError::Empty { .. })));
    let text = write("notes.mp4", b"just some words\n");
    assert!(matches!(probe_file(&text), Err(ProbeError::NotMedia { .. })));
    let noise =
        write("noise.mov", &(0..50_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect::<Vec<_>>());
    assert!(probe_file(&noise).is_err());
    // An MP4 cut short before its index.
    let whole = std::fs::read(color_clip("red", 3.0, Some(440))).unwrap();
    let mut cut = whole.clone();
    let moov = whole.windows(4).position(|w| w == b"moov").unwrap();
    let mdat = whole.windows(4).position(|w| w == b"mdat").unwrap();
    if moov < mdat {
        // faststart: keep the header but drop most of the media data.
        cut.truncate(mdat + 1000);
        let p = write("cut.mp4", &cut);
        // The index is whole, so it probes; the missing frames are the render's problem.
        assert!(probe_file(&p).is_ok());
    } else {
        cut.truncate(mdat + 1000);
        let p = write("cut.mp4", &cut);
        let e = probe_file(&p).unwrap_err();
        assert!(matches!(e, ProbeError::Corrupt { .. }), "{e:?}");
        assert!(e.to_string().contains("looks like an MP4/MOV file but is truncated or corrupt"), "{e}");
    }
    let huge = write("huge.png", &png_header(100_000, 100_000));
    let e = probe_file(&huge).unwrap_err();
    assert!(matches!(e, ProbeError::Unsupported { .. } | ProbeError::Corrupt { .. }), "{e:?}");
    assert!(matches!(probe_file(&dir.path().join("absent.mp4")), Err(ProbeError::Missing { .. })));
    assert!(matches!(probe_file(dir.path()), Err(ProbeError::NotMedia { .. })));
    // Hostile names are just names.
    let odd = write("a'b;$(x)[y]:z.mp4", &whole);
    assert_eq!(probe_file(&odd).unwrap().kind, MediaKind::Video);
}
