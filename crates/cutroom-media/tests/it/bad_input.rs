//! Bad drafts and bad media are refused before ffmpeg starts, with the field named;
//! failures and cancellation leave nothing behind.

use super::*;
use cutroom_media::MediaError;
use cutroom_media::plan::PlanError;

fn try_render(d: &Draft, m: &MediaMap) -> (Result<Rendered, MediaError>, tempfile::TempDir) {
    let dir = cutroom_testkit::tempdir();
    let out = dir.path().join("out.mp4");
    let r = render(d, m, &as_mixed(), &out, &Cancel::new(), &mut |_| {});
    (r, dir)
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

#[test]
fn missing_media_is_named_by_its_field() {
    let red = color_clip("red", 3.0, None);
    let mut d = canvas(320, 180);
    d.t.push(video_track(vec![seg("red.mp4", 0, 1000), seg("gone.mp4", 1000, 1000)]));
    let (r, dir) = try_render(&d, &media(&[("red.mp4", &red)]));
    let e = r.unwrap_err();
    assert!(matches!(e, MediaError::Plan(PlanError::Invalid(_))), "{e:?}");
    assert_eq!(e.to_string(), "t[0].sg[1].src: media 'gone.mp4' not found");
    assert!(e.is_client_error());
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn structural_errors_are_refused_before_anything_runs() {
    let red = color_clip("red", 3.0, None);
    let m = media(&[("red.mp4", &red)]);
    let mut d = canvas(320, 180);
    d.t.push(video_track(vec![seg("red.mp4", 0, 1000), seg("red.mp4", 1000, 0)]));
    let e = try_render(&d, &m).0.unwrap_err().to_string();
    assert!(e.contains("t[0].sg[1].d: must be > 0"), "{e}");
    let mut d = canvas(100_000, 180);
    d.t.push(video_track(vec![seg("red.mp4", 0, 1000)]));
    assert!(try_render(&d, &m).0.unwrap_err().to_string().starts_with("canvas.w: "));
    let mut d = canvas(320, 180);
    d.t.push(video_track(vec![seg("red.mp4", 0, 60_000)]));
    let e = try_render(&d, &m).0.unwrap_err().to_string();
    assert!(e.contains("t[0].sg[0].d: needs source up to 60s") && e.contains("is 3s long"), "{e}");
    assert!(matches!(try_render(&canvas(320, 180), &m).0, Err(MediaError::Plan(PlanError::Empty))));
}

#[test]
fn unusable_files_are_named_by_the_segment_that_uses_them() {
    let dir = cutroom_testkit::tempdir();
    std::fs::write(dir.path().join("notes.mp4"), "this is text, not video\n").unwrap();
    std::fs::write(dir.path().join("empty.mov"), "").unwrap();
    let mut d = canvas(320, 180);
    d.t.push(video_track(vec![seg("notes.mp4", 0, 1000)]));
    let e = cutroom_media::load_media(&d, |id| dir.path().join(id)).unwrap_err();
    assert!(
        e.to_string().starts_with("t[0].sg[0].src: ") && e.to_string().contains("not a video, image or audio file"),
        "{e}"
    );
    assert_eq!(e.code(), "not_media");
    d.t[0].sg[0].src = Some("empty.mov".into());
    let e = cutroom_media::load_media(&d, |id| dir.path().join(id)).unwrap_err();
    assert!(e.to_string().contains("the file is empty"), "{e}");
    // A file that does not exist is left to validation, which names the field.
    d.t[0].sg[0].src = Some("nowhere.mp4".into());
    assert!(cutroom_media::load_media(&d, |id| dir.path().join(id)).unwrap().is_empty());
}

#[test]
fn ffmpeg_failures_carry_its_words_and_leave_nothing() {
    // The file vanishes between probing and rendering.
    let red = color_clip("red", 3.0, None);
    let mut m = media(&[("red.mp4", &red)]);
    m.get_mut("red.mp4").unwrap().path = PathBuf::from("/nonexistent/red.mp4");
    let mut d = canvas(320, 180);
    d.t.push(video_track(vec![seg("red.mp4", 0, 1000)]));
    let (r, dir) = try_render(&d, &m);
    let e = r.unwrap_err();
    assert!(matches!(e, MediaError::Ffmpeg(_)), "{e:?}");
    assert!(e.to_string().contains("No such file or directory"), "{e}");
    assert!(!e.is_client_error());
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
}

#[test]
fn progress_climbs_to_one_and_cancel_stops_cleanly() {
    let g = gradient_clip();
    let m = media(&[("g.mp4", &g)]);
    let mut d = canvas(320, 180);
    d.t.push(video_track(vec![seg("g.mp4", 0, 3000)]));
    let dir = cutroom_testkit::tempdir();
    let mut seen = Vec::new();
    render(&d, &m, &as_mixed(), &dir.path().join("a.mp4"), &Cancel::new(), &mut |p| seen.push(p)).unwrap();
    assert!(seen.windows(2).all(|w| w[1] >= w[0]), "{seen:?}");
    assert_eq!(seen.last(), Some(&1.0));
    assert!(seen.len() > 3);

    // A long render, cancelled as soon as it makes progress.
    let mut d = canvas(1280, 720);
    let segs = (0..20).map(|i| seg("g.mp4", i * 3000, 3000)).collect();
    d.t.push(video_track(segs));
    let cancel = Cancel::new();
    let c = cancel.clone();
    let out = dir.path().join("b.mp4");
    let started = std::time::Instant::now();
    let r = render(&d, &m, &as_mixed(), &out, &cancel, &mut |p| {
        if p > 0.06 {
            c.cancel();
        }
    });
    assert!(matches!(r, Err(MediaError::Cancelled)), "{r:?}");
    assert!(started.elapsed().as_secs() < 30);
    assert!(!out.exists());
    assert_eq!(leftovers(dir.path()), vec!["a.mp4".to_string()]);
}
