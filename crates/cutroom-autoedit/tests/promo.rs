//! A promo from generated footage with planted good and bad parts, analysed for real: no
//! black, blurred or shaky footage, no shot twice, the asked length, cuts on the beats,
//! the title at the start, the asked aspect.

use cutroom_analysis::{Analysis, Options, analyze};
use cutroom_autoedit::{Music, PromoRequest, Source, Tone, promo};
use cutroom_music::{Footage, Request, Style, arrange, compose::grid};
use cutroom_testkit::fixture;

/// One 3 s part of the planted clip, as a lavfi chain ending in `[tag]`.
fn part(chain: &str, tag: &str) -> String {
    format!("{chain},scale=640:360,setsar=1,fps=30,trim=duration=3,setpts=PTS-STARTPTS[{tag}]")
}

/// 21 s: good, black, good, blurred, shaky, good, and the first good part again.
fn planted() -> std::path::PathBuf {
    let shaky = "testsrc2=s=760x460:r=30,crop=640:360:x='60+50*sin(t*23)':y='50+40*sin(t*31+1)'";
    let graph = [
        part("testsrc2=s=640x360:r=30", "a"),
        part("color=c=black:s=640x360:r=30", "b"),
        part("smptebars=s=640x360:r=30,hue=h=t*40", "c"),
        part("mandelbrot=s=640x360:r=30,gblur=sigma=14", "d"),
        part(shaky, "e"),
        part("mandelbrot=s=640x360:r=30", "f"),
        part("testsrc2=s=640x360:r=30", "g"),
    ]
    .join(";");
    fixture(
        "promo-planted.mp4",
        Some(&format!("{graph};[a][b][c][d][e][f][g]concat=n=7[out0]")),
        Some("sine=f=220"),
        21.0,
    )
}

fn second() -> std::path::PathBuf {
    let graph = [
        part("cellauto=s=640x360:r=30:seed=1", "a"),
        part("rgbtestsrc=s=640x360:r=30,hue=h=t*60", "b"),
        part("life=s=640x360:r=30:mold=10:ratio=0.2:seed=1", "c"),
        part("gradients=s=640x360:r=30:speed=0.05:seed=1", "d"),
    ]
    .join(";");
    fixture("promo-second.mp4", Some(&format!("{graph};[a][b][c][d]concat=n=4[out0]")), None, 12.0)
}

fn analysed(path: &std::path::Path) -> Analysis {
    analyze(path, &Options::default()).expect("analysis")
}

#[test]
fn a_promo_uses_only_good_distinct_footage_cut_on_the_beat() {
    let (a, b) = (analysed(&planted()), analysed(&second()));
    for s in &a.shots {
        println!(
            "shot {:>5}–{:>5} ms sharp {:.2} shaky {} black {} score {:.2} motion {:.3}",
            s.start_ms, s.end_ms, s.sharpness, s.shaky, s.black, s.score, s.motion
        );
    }
    let sources = [
        Source { id: "planted".into(), analysis: &a, has_audio: true },
        Source { id: "second".into(), analysis: &b, has_audio: false },
    ];
    let target = 12_000;
    let arrangement = arrange(&Request {
        style: Some(Style::Pop),
        duration_ms: target,
        bpm: None,
        seed: 1,
        footage: Footage::default(),
    })
    .unwrap();
    let (beats, _) = grid(&arrangement);
    let req = PromoRequest {
        duration_ms: target,
        width: 1080,
        height: 1920,
        title: Some("Summer Sale".into()),
        cta: Some("Shop now".into()),
        tone: Tone::Energetic,
        music: Some(Music { media: "music".into(), duration_ms: target, beats_ms: beats.clone() }),
    };
    let p = promo(&sources, &req).expect("a promo");
    let d = &p.draft;
    assert_eq!((d.canvas.w, d.canvas.h), (1080, 1920));
    let len = d.duration().0;
    assert!(len.abs_diff(target) <= 500, "{len} ms for {target}");
    // Bad parts of the planted clip: black 3–6 s, blurred 9–12 s, shaky 12–15 s.
    let bad = [(3_000u64, 6_000u64), (9_000, 12_000), (12_000, 15_000)];
    let v = d.video_track().unwrap();
    let mut used: Vec<(String, u64, u64)> = Vec::new();
    for s in &d.t[v].sg {
        let src = s.src.clone().unwrap();
        let (from, to) = (s.src_in.0, s.src_in.0 + s.d.0);
        if src == "planted" {
            for (lo, hi) in bad {
                assert!(to <= lo || from >= hi, "uses bad footage {from}–{to} (bad {lo}–{hi})");
            }
        }
        for (u, f, t) in &used {
            assert!(!(u == &src && from < *t && *f < to), "{src} {from}–{to} is used twice");
        }
        used.push((src, from, to));
    }
    // The first good part and its copy at 18–21 s are the same picture: at most one of them.
    let copies = used.iter().filter(|(s, f, _)| s == "planted" && (*f < 3_000 || *f >= 18_000)).count();
    assert!(copies <= 1, "the duplicated shot appears {copies} times: {used:?}");
    assert!(used.len() >= 4, "{used:?}");
    // Cuts on the beat.
    let on_beat = p.cuts_ms.iter().filter(|c| beats.iter().any(|b| b.abs_diff(**c) <= 50)).count();
    assert!(on_beat * 10 >= p.cuts_ms.len() * 8, "{on_beat} of {} cuts on a beat", p.cuts_ms.len());
    // The title is on screen from the start.
    let title = d.t.iter().flat_map(|t| &t.sg).find(|s| s.text.as_deref() == Some("Summer Sale")).unwrap();
    assert_eq!(title.start.0, 0);
    let cta = d.t.iter().flat_map(|t| &t.sg).find(|s| s.text.as_deref() == Some("Shop now")).unwrap();
    assert_eq!(cta.end().0, len);
}
