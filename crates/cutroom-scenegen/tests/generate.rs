//! Text to video end to end: prompts rendered to MP4 by `render_clip`, then decoded and measured the way a
//! user would judge them — length and shape, dark nights, warm sunsets, falling rain and snow, the push-in
//! zoom, letterbox bars, quoted text, smooth motion, and seeds.

use cutroom_media::Quality;
use cutroom_media::stream::{FrameReader, StreamOptions};
use cutroom_scenegen::image::Image;
use cutroom_scenegen::{
    Aspect, Camera, Mood, Scene, SceneSpec, Setting, TimeOfDay, VideoRequest, Weather, render_clip, understand,
};
use cutroom_testkit::{Frame, probe, tempdir};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Instant;

// ---------------------------------------------------------------------------------------------------------
// Rendering and decoding

/// A rendered clip and what was asked for.
struct Clip {
    path: PathBuf,
    req: VideoRequest,
    frames: u64,
}

/// The prompt understood, its length set to `ms`.
fn spec(prompt: &str, ms: u64) -> SceneSpec {
    understand(prompt).with_overrides(Some(ms), None)
}

/// Renders `req` into `dir/name.mp4` and checks what ffprobe says of the file: the size asked for, 30 fps,
/// and a duration within one frame of the request.
fn render_req(dir: &Path, name: &str, req: VideoRequest) -> Clip {
    let path = dir.join(format!("{name}.mp4"));
    let started = Instant::now();
    let mut progress = 0.0;
    let info = render_clip(&req, &path, Quality::Medium, &StreamOptions::default(), &mut |p| progress = p)
        .unwrap_or_else(|e| panic!("rendering {name} ({}): {e}", req.spec.prompt));
    let took = started.elapsed();
    let p = probe(&path).expect("probe");
    let v = p.video.as_ref().expect("a picture stream");
    let duration = p.duration.expect("a duration").0;
    let frame_ms = 1000 / u64::from(req.fps);
    eprintln!(
        "{name}: [{}] → {}x{} @ {:?}, {} ms asked, {duration} ms probed, {} frames, rendered in {} ms",
        req.spec.summary(),
        v.width,
        v.height,
        v.fps,
        req.spec.duration_ms,
        info.frames,
        took.as_millis()
    );
    assert_eq!((v.width, v.height), (req.width, req.height), "{name}: frame size");
    assert_eq!((v.display_width, v.display_height), (req.width, req.height), "{name}: display size");
    assert_eq!(v.fps, Some((req.fps, 1)), "{name}: frame rate");
    assert!(
        duration.abs_diff(req.spec.duration_ms) <= frame_ms,
        "{name}: {duration} ms, not {} ms",
        req.spec.duration_ms
    );
    assert_eq!(progress, 1.0, "{name}: progress ends at 1");
    Clip { path, req, frames: info.frames }
}

/// `prompt` for `ms` milliseconds, 360 px on the short side.
fn render(dir: &Path, name: &str, prompt: &str, ms: u64, seed: u64) -> Clip {
    render_req(dir, name, VideoRequest::new(spec(prompt, ms), 360, seed))
}

/// Every frame of the clip, decoded at its own size.
fn frames(clip: &Clip) -> Vec<Frame> {
    let (w, h) = (clip.req.width, clip.req.height);
    let mut reader = FrameReader::open(&clip.path, w, h, &StreamOptions::default()).expect("open decoder");
    let mut out = Vec::new();
    let mut buf = Vec::new();
    while reader.next_frame(&mut buf).expect("decode a frame") {
        out.push(Frame { w: w as usize, h: h as usize, rgb: buf.clone() });
    }
    reader.finish().expect("decoder");
    assert_eq!(out.len() as u64, clip.frames, "decoded frames of {}", clip.path.display());
    out
}

// ---------------------------------------------------------------------------------------------------------
// Measurements

/// Luma (0–255) of every pixel.
fn luma(f: &Frame) -> Vec<f32> {
    f.rgb.chunks_exact(3).map(|p| Frame::luma([p[0], p[1], p[2]]) as f32).collect()
}

/// Mean luma of the whole frame.
fn mean_luma(f: &Frame) -> f64 {
    f.mean_luma(0, 0, f.w, f.h)
}

/// Share of pixels brighter than `level` luma.
fn share_above(f: &Frame, level: f32) -> f64 {
    luma(f).iter().filter(|l| **l > level).count() as f64 / (f.w * f.h) as f64
}

/// Hue (degrees) and HSV saturation (0–1) of a pixel.
fn hue_sat(p: [u8; 3]) -> (f64, f64) {
    let [r, g, b] = p.map(|c| f64::from(c) / 255.0);
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let d = max - min;
    if d <= 0.0 {
        return (0.0, 0.0);
    }
    let h = if max == r {
        60.0 * ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / d + 2.0)
    } else {
        60.0 * ((r - g) / d + 4.0)
    };
    (h, d / max)
}

/// Share of the saturation-weighted hue histogram that is red, orange or yellow (hue 0–60° or above 330°).
fn warm_share(f: &Frame) -> f64 {
    let (mut warm, mut all) = (0.0, 0.0);
    for p in f.rgb.chunks_exact(3) {
        let (h, s) = hue_sat([p[0], p[1], p[2]]);
        all += s;
        if !(60.0..=330.0).contains(&h) {
            warm += s;
        }
    }
    warm / all.max(1e-9)
}

/// Pearson correlation of horizontally adjacent luma values.
fn adjacent_correlation(f: &Frame) -> f64 {
    let l = luma(f);
    let (mut n, mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0f64, 0.0, 0.0, 0.0, 0.0, 0.0);
    for row in l.chunks_exact(f.w) {
        for pair in row.windows(2) {
            let (a, b) = (f64::from(pair[0]), f64::from(pair[1]));
            n += 1.0;
            sa += a;
            sb += b;
            saa += a * a;
            sbb += b * b;
            sab += a * b;
        }
    }
    let cov = sab / n - sa / n * sb / n;
    let va = saa / n - (sa / n).powi(2);
    let vb = sbb / n - (sb / n).powi(2);
    cov / (va * vb).sqrt().max(1e-9)
}

/// The shift (dx, dy) that best carries mask `a` onto mask `b` (`w` wide), by normalised correlation,
/// and that correlation.
fn best_shift(a: &[f32], b: &[f32], w: usize, dxs: RangeInclusive<i32>, dys: RangeInclusive<i32>) -> (i32, i32, f64) {
    let h = a.len() / w;
    let on: Vec<(i32, i32, f64)> = a
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0.0)
        .map(|(i, v)| ((i % w) as i32, (i / w) as i32, f64::from(*v)))
        .collect();
    let norm = |m: &mut dyn Iterator<Item = f64>| m.map(|v| v * v).sum::<f64>().sqrt();
    let na = norm(&mut on.iter().map(|p| p.2));
    let nb = norm(&mut b.iter().map(|v| f64::from(*v)));
    let mut best = (0, 0, f64::MIN);
    for dy in dys {
        for dx in dxs.clone() {
            let mut sum = 0.0;
            for &(x, y, v) in &on {
                let (tx, ty) = (x + dx, y + dy);
                if tx >= 0 && ty >= 0 && (tx as usize) < w && (ty as usize) < h {
                    sum += v * f64::from(b[ty as usize * w + tx as usize]);
                }
            }
            let c = sum / (na * nb).max(1e-9);
            if c > best.2 {
                best = (dx, dy, c);
            }
        }
    }
    best
}

/// The zoom `s` about the centre that best maps frame `a` onto frame `b` (b(p) ≈ a(c + (p − c) / s)),
/// searched over 0.90–1.50 in steps of 0.01, judged on the middle half of the picture; and its mean error.
fn best_scale(a: &Frame, b: &Frame) -> (f64, f64) {
    let (la, lb) = (luma(a), luma(b));
    let (w, h) = (a.w, a.h);
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let sample = |x: f64, y: f64| {
        let (x, y) = (x.clamp(0.0, (w - 2) as f64), y.clamp(0.0, (h - 2) as f64));
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (fx, fy) = (x - x0 as f64, y - y0 as f64);
        let at = |x: usize, y: usize| f64::from(la[y * w + x]);
        let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
        let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
        top * (1.0 - fy) + bottom * fy
    };
    let mut best = (0.0, f64::MAX);
    for i in 0..=60 {
        let s = 0.9 + f64::from(i) * 0.01;
        let (mut err, mut n) = (0.0, 0.0);
        for y in h / 4..h * 3 / 4 {
            for x in w / 4..w * 3 / 4 {
                let (sx, sy) = (cx + (x as f64 + 0.5 - cx) / s - 0.5, cy + (y as f64 + 0.5 - cy) / s - 0.5);
                err += (f64::from(lb[y * w + x]) - sample(sx, sy)).abs();
                n += 1.0;
            }
        }
        if err / n < best.1 {
            best = (s, err / n);
        }
    }
    best
}

/// Rows from the top and from the bottom that are black (mean luma below 8, none above 24): letterbox bars.
fn bar_rows(f: &Frame) -> (usize, usize) {
    let black = |y: usize| {
        let row: Vec<f64> = (0..f.w).map(|x| Frame::luma(f.pixel(x, y))).collect();
        row.iter().sum::<f64>() / f.w as f64 <= 8.0 && row.iter().all(|l| *l <= 24.0)
    };
    let top = (0..f.h).take_while(|&y| black(y)).count();
    let bottom = (0..f.h).rev().take_while(|&y| black(y)).count();
    (top, bottom)
}

/// Separable minimum (or maximum) filter of radius `r` over a `w`-wide plane.
fn extreme(l: &[f32], w: usize, r: usize, max: bool) -> Vec<f32> {
    let h = l.len() / w;
    let pick = |a: f32, b: f32| if max { a.max(b) } else { a.min(b) };
    let mut rows = vec![0.0; l.len()];
    for y in 0..h {
        for x in 0..w {
            rows[y * w + x] = (x.saturating_sub(r)..=(x + r).min(w - 1)).map(|i| l[y * w + i]).reduce(pick).unwrap();
        }
    }
    let mut out = vec![0.0; l.len()];
    for y in 0..h {
        for x in 0..w {
            out[y * w + x] = (y.saturating_sub(r)..=(y + r).min(h - 1)).map(|i| rows[i * w + x]).reduce(pick).unwrap();
        }
    }
    out
}

/// Small bright spots (at most 7 px across): the darkest channel above its grey opening (white top-hat,
/// radius 3) by more than 12. White flakes and drops stand out; warm or coloured light far less.
fn small_bright_spots(f: &Frame) -> Vec<f32> {
    let l: Vec<f32> = f.rgb.chunks_exact(3).map(|p| f32::from(p[0].min(p[1]).min(p[2]))).collect();
    let open = extreme(&extreme(&l, f.w, 3, false), f.w, 3, true);
    l.iter().zip(&open).map(|(v, o)| if v - o > 12.0 { v - o } else { 0.0 }).collect()
}

/// How the particles move from frame `i` to `i + 1`: the best (dx, dy, correlation) of those frames' small
/// bright spots, less the spots of two frames 4 to 7 away (what stands still, or slides slowly with the
/// camera, drops out; a falling particle has left its place by then).
fn particle_motion(all: &[Frame], i: usize) -> (i32, i32, f64) {
    let refs: Vec<usize> = [i as i64 - 6, i as i64 - 4, i as i64 + 5, i as i64 + 7]
        .into_iter()
        .filter_map(|r| usize::try_from(r).ok().filter(|r| *r < all.len()))
        .take(2)
        .collect();
    let mut floor = vec![0.0f32; all[i].w * all[i].h];
    for r in refs {
        for (f, v) in floor.iter_mut().zip(small_bright_spots(&all[r])) {
            *f = f.max(v);
        }
    }
    let moving = |n: usize| -> Vec<f32> {
        small_bright_spots(&all[n]).iter().zip(&floor).map(|(v, f)| (v - f).max(0.0)).collect()
    };
    let (a, b) = (moving(i), moving(i + 1));
    let share = a.iter().filter(|v| **v > 0.0).count() as f64 / a.len() as f64;
    let (dx, dy, corr) = best_shift(&a, &b, all[i].w, -10..=10, -40..=40);
    eprintln!(
        "  frames {i}→{}: moving spots {:.2}% of the frame, moved ({dx}, {dy}), correlation {corr:.2}",
        i + 1,
        share * 100.0
    );
    (dx, dy, corr)
}

// ---------------------------------------------------------------------------------------------------------
// Tests

#[test]
fn full_hd_vertical_prompt_gives_1080x1920_of_the_asked_length() {
    let dir = tempdir();
    let spec = understand("a 1-second vertical video of mountains over a lake at dawn");
    assert_eq!((spec.setting, spec.time, spec.water), (Setting::Mountains, TimeOfDay::Dawn, true));
    assert_eq!((spec.aspect, spec.duration_ms), (Aspect::Portrait, 1000));
    // `render_req` checks with ffprobe: 1080x1920, 30 fps, 1 s within one frame.
    let clip = render_req(dir.path(), "vertical", VideoRequest::new(spec, 1080, 3));
    assert_eq!((clip.req.width, clip.req.height, clip.frames), (1080, 1920, 30));
    let f = &frames(&clip)[15];
    let (mean, std) = (mean_luma(f), f.luma_std(0, 0, f.w, f.h));
    eprintln!("frame 15: mean luma {mean:.1}, std {std:.1}");
    assert!(std > 10.0, "a picture, not a flat frame: luma std {std:.1}");
}

#[test]
fn night_is_dark_with_bright_points() {
    let dir = tempdir();
    let spec = understand("a 3-second video of a futuristic city at night with cinematic lighting");
    assert_eq!((spec.setting, spec.time, spec.duration_ms), (Setting::City, TimeOfDay::Night, 3000));
    let night = frames(&render_req(dir.path(), "night", VideoRequest::new(spec, 360, 1)));
    for n in [0, 45, 89] {
        let f = &night[n];
        let (mean, bright) = (mean_luma(f), share_above(f, 180.0));
        eprintln!("night frame {n}: mean luma {mean:.1}, {:.3}% of pixels above 180", bright * 100.0);
        assert!(mean < 70.0, "night frame {n} is dark: mean luma {mean:.1}");
        assert!(bright > 0.0002, "night frame {n} has lights: {:.3}% above 180", bright * 100.0);
    }
    // The same measure tells day from night.
    let day = &frames(&render(dir.path(), "day", "a futuristic city at noon", 1000, 1))[15];
    let mean = mean_luma(day);
    eprintln!("day frame 15: mean luma {mean:.1}");
    assert!(mean > 70.0, "the day city is not dark: mean luma {mean:.1}");
}

#[test]
fn sunset_has_warm_dominant_hues() {
    let dir = tempdir();
    for (name, prompt, warm) in
        [("sunset", "ocean at sunset", true), ("zh-sunset", "海边的日落", true), ("noon", "ocean at noon", false)]
    {
        let spec = understand(prompt);
        assert_eq!(spec.setting, Setting::Ocean, "{prompt}");
        assert_eq!(spec.time, if warm { TimeOfDay::Sunset } else { TimeOfDay::Day }, "{prompt}");
        let f = &frames(&render(dir.path(), name, prompt, 1000, 2))[15];
        let [r, _, b] = f.mean(0, 0, f.w, f.h);
        let share = warm_share(f);
        eprintln!("{name}: mean R {r:.1}, B {b:.1}; warm hues {:.1}% of the saturation", share * 100.0);
        if warm {
            assert!(r > b + 40.0, "{name}: red {r:.1} over blue {b:.1}");
            assert!(share > 0.7, "{name}: warm hues {:.1}%", share * 100.0);
        } else {
            assert!(share < 0.3 && b > r, "{name} is not warm: {:.1}%, R {r:.1}, B {b:.1}", share * 100.0);
        }
    }
}

#[test]
fn rain_falls_down_fast_and_slanted() {
    let dir = tempdir();
    let prompt = "a city street in the rain at night, static camera";
    let spec = spec(prompt, 2000);
    assert_eq!((spec.weather, spec.camera), (Weather::Rain, Camera::Static));
    let all = frames(&render_req(dir.path(), "rain", VideoRequest::new(spec, 360, 4)));
    // Drops fall 1.4–2.2 frame heights a second: 17–26 px a frame at 360 px, slanted by the wind (0.12).
    for i in [0, 15, 30, 45, 58] {
        let (dx, dy, corr) = particle_motion(&all, i);
        assert!(dy >= 10, "rain falls fast: {dy} px a frame");
        assert!(dx >= 1 && f64::from(dx) <= f64::from(dy) * 0.3, "rain slants a little: dx {dx} for dy {dy}");
        assert!(corr > 0.3, "the drops are found again a frame later: correlation {corr:.2}");
    }
}

#[test]
fn snow_falls_down_slowly() {
    let dir = tempdir();
    let spec = spec("a snowy forest, static camera", 2000);
    assert_eq!((spec.setting, spec.weather, spec.camera), (Setting::Forest, Weather::Snow, Camera::Static));
    let all = frames(&render_req(dir.path(), "snow", VideoRequest::new(spec, 360, 5)));
    // Flakes fall 0.05–0.17 frame heights a second: 0.5–2.5 px a frame at 360 px, swaying.
    for i in [0, 15, 30, 45, 58] {
        let (dx, dy, corr) = particle_motion(&all, i);
        assert!((1..=5).contains(&dy), "snow falls, slowly: {dy} px a frame");
        assert!(dx.abs() <= 2, "snow sways, it is not blown: dx {dx}");
        assert!(corr > 0.4, "the flakes are found again a frame later: correlation {corr:.2}");
    }
}

#[test]
fn slow_zoom_changes_scale_and_a_static_camera_does_not() {
    let dir = tempdir();
    let zoom = spec("slow zoom into a desert at noon", 2000);
    let still = spec("a desert at noon, static camera", 2000);
    assert_eq!((zoom.setting, zoom.camera, still.camera), (Setting::Desert, Camera::PushIn, Camera::Static));
    let zoom = frames(&render_req(dir.path(), "zoom", VideoRequest::new(zoom, 360, 6)));
    let still = frames(&render_req(dir.path(), "still", VideoRequest::new(still, 360, 6)));
    let (end, end_err) = best_scale(&zoom[0], &zoom[59]);
    let (mid, mid_err) = best_scale(&zoom[0], &zoom[30]);
    let (fixed, fixed_err) = best_scale(&still[0], &still[59]);
    eprintln!("push-in: first→last ×{end:.2} (error {end_err:.2}), first→middle ×{mid:.2} (error {mid_err:.2})");
    eprintln!("static: first→last ×{fixed:.2} (error {fixed_err:.2})");
    // The push-in goes from 1.0 to 1.3, eased.
    assert!(end >= 1.15, "the zoom scales the picture up: ×{end:.2}");
    assert!(mid > 1.03 && mid < end, "the zoom is under way half way through: ×{mid:.2}");
    assert!((0.98..=1.02).contains(&fixed), "a static camera keeps the scale: ×{fixed:.2}");
}

#[test]
fn cinematic_prompt_has_letterbox_bars() {
    let dir = tempdir();
    let clips = [
        ("cinematic", "ocean at sunset, cinematic", true),
        ("plain", "ocean at sunset", false),
        ("night-cinematic", "a futuristic city at night with cinematic lighting", true),
    ];
    for (name, prompt, cinematic) in clips {
        assert_eq!(understand(prompt).has(Mood::Cinematic), cinematic, "{prompt}");
        let f = &frames(&render(dir.path(), name, prompt, 1000, 2))[15];
        let band = f.h / 10;
        let top = f.mean_luma(0, 0, f.w, band);
        let bottom = f.mean_luma(0, f.h - band, f.w, f.h);
        let middle = f.mean_luma(0, band, f.w, f.h - band);
        let middle_std = f.luma_std(0, band, f.w, f.h - band);
        let rows = bar_rows(f);
        eprintln!(
            "{name}: black rows {rows:?}; mean luma top 10% {top:.1}, bottom 10% {bottom:.1}, \
             middle {middle:.1} (std {middle_std:.1})"
        );
        if cinematic {
            assert!(top < 8.0 && bottom < 8.0, "{name}: bars are black: top {top:.1}, bottom {bottom:.1}");
            assert!(middle > 10.0 && middle_std > 10.0, "{name}: a picture between: {middle:.1} (std {middle_std:.1})");
            // 2.39:1 inside 640x360: (360 − 640 / 2.39) / 2 = 46 rows each.
            for bar in [rows.0, rows.1] {
                assert!(bar.abs_diff(46) <= 2, "{name}: bars of {rows:?} rows, not 46");
            }
        } else {
            assert!(top > 8.0 && bottom > 8.0, "{name}: no bars: top {top:.1}, bottom {bottom:.1}");
            assert_eq!(rows, (0, 0), "{name}: no black rows");
        }
    }
}

#[test]
fn quoted_text_appears() {
    let dir = tempdir();
    let base = "a city skyline at sunset";
    let plain_all = frames(&render(dir.path(), "plain", base, 2000, 8));
    let plain = &plain_all[45];
    let lp = luma(plain);
    for (name, quote) in [("sale", "'SALE'"), ("zh", "「促销」")] {
        let prompt = format!("{base} {quote}");
        let spec = understand(&prompt);
        let want = quote.trim_matches(['\'', '「', '」']);
        assert_eq!(spec.text.as_deref(), Some(want), "{prompt}");
        assert_eq!(spec.summary().replace(&format!(" · text “{want}”"), ""), understand(base).summary());
        let all = frames(&render(dir.path(), name, &prompt, 2000, 8));
        let f = &all[45];
        let (w, h) = (f.w, f.h);
        let lt = luma(f);
        // Where the text frame is clearly brighter than the plain one: the letters.
        let ink: Vec<usize> = (0..w * h).filter(|&i| lt[i] - lp[i] > 40.0).collect();
        let share = ink.len() as f64 / (w * h) as f64;
        let ink_luma = ink.iter().map(|&i| f64::from(lt[i])).sum::<f64>() / ink.len().max(1) as f64;
        let (x0, x1) = (ink.iter().map(|i| i % w).min().unwrap_or(0), ink.iter().map(|i| i % w).max().unwrap_or(0));
        let (y0, y1) = (ink.iter().map(|i| i / w).min().unwrap_or(0), ink.iter().map(|i| i / w).max().unwrap_or(0));
        let centre = {
            let (a, b) = (w / 4, h * 2 / 5);
            let n = ((w - 2 * a) * (h - 2 * b)) as f64;
            (b..h - b)
                .flat_map(|y| (a..w - a).map(move |x| y * w + x))
                .map(|i| f64::from((lt[i] - lp[i]).abs()))
                .sum::<f64>()
                / n
        };
        let top = (0..w * h / 4).map(|i| f64::from((lt[i] - lp[i]).abs())).sum::<f64>() / (w * h / 4) as f64;
        eprintln!(
            "{name}: letters cover {:.2}% of the frame in x {x0}–{x1}, y {y0}–{y1}, mean luma {ink_luma:.0}; \
             mean change in the centre {centre:.1}, in the top quarter {top:.2}; \
             frame 0 (the text fading in) vs plain {:.2}",
            share * 100.0,
            all[0].diff(&plain_all[0])
        );
        assert!(share > 0.001, "{name}: the text is there: {:.2}% of the frame", share * 100.0);
        assert!(ink_luma > 200.0, "{name}: the text is bright: mean luma {ink_luma:.0}");
        assert!(centre > 1.5, "{name}: the centre differs: {centre:.1}");
        assert!(top < 0.5, "{name}: and only the centre: top quarter {top:.2}");
        let (cx, cy) = ((x0 + x1) as f64 / 2.0, (y0 + y1) as f64 / 2.0);
        assert!(
            (cx - w as f64 / 2.0).abs() < w as f64 * 0.05 && (cy - h as f64 / 2.0).abs() < h as f64 * 0.05,
            "{name}: the text is centred: at ({cx:.0}, {cy:.0}) in {w}x{h}"
        );
    }
}

#[test]
fn frames_move_without_noise() {
    let dir = tempdir();
    for (name, prompt) in
        [("lake", "mountains over a lake at dawn, static camera"), ("fog", "a foggy forest, static camera")]
    {
        assert_eq!(understand(prompt).camera, Camera::Static, "{prompt}");
        let all = frames(&render(dir.path(), name, prompt, 2000, 9));
        let diffs: Vec<f64> = all.windows(2).map(|p| p[0].diff(&p[1])).collect();
        let (least, most) = diffs.iter().fold((f64::MAX, 0.0f64), |(a, b), d| (a.min(*d), b.max(*d)));
        let still = diffs.iter().position(|d| *d == least).unwrap_or(0);
        let corr: Vec<f64> = all.iter().step_by(6).map(adjacent_correlation).collect();
        let least_corr = corr.iter().copied().fold(f64::MAX, f64::min);
        eprintln!(
            "{name}: frame-to-frame mean |Δ| {least:.4} (frames {still}→{}) to {most:.3}; \
             neighbour correlation {least_corr:.3} at least ({corr:.3?})",
            still + 1
        );
        assert!(least > 0.003, "{name}: every frame moves: frames {still}→{} differ by {least:.4}", still + 1);
        assert!(most < 3.0, "{name}: smoothly, no flashes: {most:.3}");
        assert!(least_corr > 0.8, "{name}: pictures, not noise: neighbour correlation {least_corr:.3}");
    }
}

#[test]
fn same_seed_gives_same_frames_and_another_seed_another_layout() {
    let dir = tempdir();
    let prompt = "a futuristic city at night";
    let a = render(dir.path(), "seed7", prompt, 1000, 7);
    let b = render(dir.path(), "seed7-again", prompt, 1000, 7);
    let c = render(dir.path(), "seed8", prompt, 1000, 8);
    let (fa, fb, fc) = (&frames(&a)[0], &frames(&b)[0], &frames(&c)[0]);
    let (same, other) = (fa.diff(fb), fa.diff(fc));
    eprintln!("frame 0, mean |Δ|: seed 7 vs 7 {same:.3}, seed 7 vs 8 {other:.3}");
    assert!(same < 0.5, "the same seed gives the same frame: {same:.3}");
    assert!(other > 5.0, "another seed gives another city: {other:.3}");
}

#[test]
fn chinese_prompt_gives_vertical_snowy_cinematic_clip() {
    let dir = tempdir();
    let spec = understand("生成一段三秒的竖屏视频：下雪的森林，黄昏，电影感");
    assert_eq!((spec.setting, spec.time, spec.weather), (Setting::Forest, TimeOfDay::Sunset, Weather::Snow));
    assert_eq!((spec.aspect, spec.duration_ms, spec.has(Mood::Cinematic)), (Aspect::Portrait, 3000, true));
    // `render_req` checks 360x640 and 3 s within a frame with ffprobe.
    let clip = render_req(dir.path(), "zh", VideoRequest::new(spec, 360, 10));
    assert_eq!((clip.req.width, clip.req.height), (360, 640));
    let all = frames(&clip);
    // No camera was named: the default dolly slides the forest while the snow falls.
    for i in [0, 30, 60, 88] {
        let (dx, dy, corr) = particle_motion(&all, i);
        // 0.05–0.17 frame heights a second: 1–3.6 px a frame at 640 px.
        assert!((1..=6).contains(&dy) && dx.abs() <= 2, "snow falls down slowly: ({dx}, {dy})");
        assert!(corr > 0.4, "the flakes are found again: correlation {corr:.2}");
    }
    let f = &all[45];
    let rows = bar_rows(f);
    let middle = f.mean_luma(0, f.h / 10, f.w, f.h * 9 / 10);
    eprintln!("frame 45: black rows {rows:?}, mean luma of the middle {middle:.1}");
    // Portrait bars are 7% of the height: 44 rows of 640.
    assert!(rows.0.abs_diff(44) <= 2 && rows.1.abs_diff(44) <= 2, "letterbox bars: {rows:?}");
    assert!(middle > 10.0, "a picture between the bars: {middle:.1}");
}

#[test]
fn decoded_frames_are_the_drawn_frames() {
    let dir = tempdir();
    let clip = render(dir.path(), "drawn", "a forest at dawn", 1000, 11);
    let all = frames(&clip);
    let r = &clip.req;
    assert_eq!(r.spec.camera, Camera::Dolly, "the default camera moves, so neighbouring frames differ");
    let mut scene = Scene::new(&r.spec, r.width as usize, r.height as usize, r.fps, r.seed);
    let mut img = Image::new(1, 1);
    let mut drawn = |n: usize| {
        scene.draw(n as u64, &mut img);
        Frame { w: img.w, h: img.h, rgb: img.px.iter().flat_map(|p| [p[0], p[1], p[2]]).collect() }
    };
    for n in [1, 10, 20, 28] {
        let d: Vec<f64> = [n - 1, n, n + 1].iter().map(|&k| drawn(k).diff(&all[n])).collect();
        eprintln!("decoded frame {n} vs drawn {}, {n}, {}: mean |Δ| {d:.2?}", n - 1, n + 1);
        assert!(d[1] < 4.0, "decoded frame {n} is the drawn one: {:.2}", d[1]);
        assert!(d[1] < d[0] && d[1] < d[2], "and not its neighbour: {d:.2?}");
    }
}
