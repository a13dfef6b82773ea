//! The automatic editor through the agent over HTTP: a finished clip's scenes reversed and
//! the whole made 10 s (checked in the exported file's frames), dead air removed, and a
//! promo from two uploads (9:16, the title at the start, music cut on its beat).

use super::agent::{calls, export, last_text, video};
use super::*;

fn end_ms(st: &Value) -> u64 {
    video(st).iter().map(|s| s["start"].as_u64().unwrap_or(0) + s["d"].as_u64().unwrap()).max().unwrap_or(0)
}

#[tokio::test]
async fn a_finished_clip_reversed_then_made_10_s() {
    let s = Server::start().await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let part = |c: &str, tag: &str| {
        format!(
            "color=c={c}:s=320x180:r=30,drawbox=x='mod(t*80,280)':y=70:w=40:h=40:color=white:t=fill,\
             trim=duration=5,setpts=PTS-STARTPTS[{tag}]"
        )
    };
    let graph = format!("{};{};{};[r][g][b]concat=n=3[out0]", part("red", "r"), part("lime", "g"), part("blue", "b"));
    let clip = cutroom_testkit::fixture("agent-three-shots.mp4", Some(&graph), Some("sine=f=330"), 15.0);
    let (code, up) = s.upload(&t, &sid, &[("story.mp4", bytes(&clip))]).await;
    assert_eq!(code, 200, "{up}");

    let ev = s.say(&t, &sid, "reverse the scene order").await;
    let reply = last_text(&ev);
    assert_eq!(calls(&ev).last().map(String::as_str), Some("reedit"), "{reply}");
    assert!(reply.contains("3 scenes"), "{reply}");
    let st = s.state(&t, &sid).await;
    let ins: Vec<u64> = video(&st).iter().map(|s| s["in"].as_u64().unwrap_or(0)).collect();
    assert_eq!(ins.len(), 3, "{ins:?}");
    assert!(ins[0] > ins[1] && ins[1] > ins[2], "the shots in reverse: {ins:?}");

    let ev = s.say(&t, &sid, "make it 10 s").await;
    let reply = last_text(&ev);
    let st = s.state(&t, &sid).await;
    assert_eq!(end_ms(&st), 10_000, "{reply}");

    let out = export(&s, &t, &sid, "export 720p", "reversed.mp4").await;
    let p = cutroom_media::probe(&out).unwrap();
    assert!(p.duration.unwrap().0.abs_diff(10_000) <= 50, "{:?}", p.duration);
    let colour = |secs: f64| {
        let c = cutroom_testkit::frame_at(&out, secs).mean(0, 0, 100, 720);
        if c[2] > 150.0 && c[0] < 80.0 {
            'b'
        } else if c[1] > 150.0 && c[0] < 80.0 {
            'g'
        } else if c[0] > 150.0 && c[1] < 80.0 {
            'r'
        } else {
            '?'
        }
    };
    let seen: String = [0.3, 5.0, 9.7].iter().map(|t| colour(*t)).collect();
    assert_eq!(seen, "bgr", "blue, green, red in the exported file");
    s.stop().await;
}

#[tokio::test]
async fn dead_air_is_removed_by_asking() {
    let s = Server::start().await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let graph = "testsrc2=s=320x180:r=30,trim=duration=2,setpts=PTS-STARTPTS[a];\
                 testsrc2=s=320x180:r=30:d=1,trim=end_frame=1,loop=loop=-1:size=1,trim=duration=3,setpts=N/30/TB[b];\
                 testsrc2=s=320x180:r=30,hue=h=120,trim=duration=2,setpts=PTS-STARTPTS[c];\
                 [a][b][c]concat=n=3,format=yuv420p[out0]";
    let clip = cutroom_testkit::fixture(
        "agent-dead-air.mp4",
        Some(graph),
        Some("sine=f=440:d=2,apad=pad_dur=3[s];sine=f=660:d=2[t];[s][t]concat=n=2:v=0:a=1"),
        7.0,
    );
    let (code, up) = s.upload(&t, &sid, &[("talk.mp4", bytes(&clip))]).await;
    assert_eq!(code, 200, "{up}");
    let ev = s.say(&t, &sid, "remove dead air").await;
    let reply = last_text(&ev);
    assert_eq!(calls(&ev).last().map(String::as_str), Some("reedit"), "{reply}");
    assert!(reply.contains("dead air cut"), "{reply}");
    let st = s.state(&t, &sid).await;
    let len = end_ms(&st);
    assert!((4_000..=4_500).contains(&len), "{len} ms of 7 s left: {reply}");
    // Undo takes the whole message back (the clip was placed by it too).
    s.say(&t, &sid, "undo").await;
    assert_eq!(end_ms(&s.state(&t, &sid).await), 0);
    s.stop().await;
}

#[tokio::test]
async fn a_promo_from_two_uploads() {
    let s = Server::start().await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let a = cutroom_testkit::fixture("agent-promo-a.mp4", Some("testsrc2=s=640x360:r=30"), Some("sine=f=300"), 6.0);
    let b = cutroom_testkit::fixture("agent-promo-b.mp4", Some("mandelbrot=s=640x360:r=30"), None, 6.0);
    let (code, up) = s.upload(&t, &sid, &[("demo.mp4", bytes(&a)), ("fractal.mp4", bytes(&b))]).await;
    assert_eq!(code, 200, "{up}");
    let ev = s
        .say(&t, &sid, "turn this into an 8 second promo for TikTok with the title 'Launch Day' and energetic music")
        .await;
    let reply = last_text(&ev);
    assert_eq!(calls(&ev).last().map(String::as_str), Some("promo"), "{reply}");
    assert!(ev.iter().any(|e| e["partial"] == true), "the promo reports progress");
    assert!(reply.contains("9:16") && reply.contains("BPM"), "{reply}");
    let st = s.state(&t, &sid).await;
    let d = &st["state"]["draft"];
    assert_eq!((d["canvas"]["w"].as_u64(), d["canvas"]["h"].as_u64()), (Some(1080), Some(1920)));
    assert!(end_ms(&st).abs_diff(8_000) <= 500, "{}", end_ms(&st));
    let tracks = d["t"].as_array().unwrap();
    let title = tracks.iter().flat_map(|t| t["sg"].as_array().unwrap()).find(|s| s["text"] == "Launch Day");
    assert_eq!(title.map(|s| s["start"].as_u64().unwrap_or(0)), Some(0), "the title opens the promo");
    let bgm = tracks.iter().find(|t| t["m"]["role"] == "bgm").expect("music");
    let generated = st["state"]["generated_media"].as_array().unwrap();
    assert_eq!(bgm["sg"][0]["src"], generated[0]["media_id"]);
    let beats: Vec<u64> =
        generated[0]["meta"]["beats_ms"].as_array().unwrap().iter().filter_map(|b| b.as_u64()).collect();
    let v = video(&st);
    // Cuts between shots (a shot may pan in pieces), in the middle of any dissolve.
    let cuts: Vec<u64> = v
        .windows(2)
        .filter(|w| w[0]["m"]["shot"] != w[1]["m"]["shot"])
        .map(|w| w[1]["start"].as_u64().unwrap() + w[0]["transition"]["d"].as_u64().unwrap_or(0) / 2)
        .collect();
    let on_beat = cuts.iter().filter(|c| beats.iter().any(|b| b.abs_diff(**c) <= 50)).count();
    assert!(!cuts.is_empty() && on_beat * 10 >= cuts.len() * 8, "{on_beat} of {cuts:?} on the beat");
    let out = export(&s, &t, &sid, "export 720p", "promo.mp4").await;
    let p = cutroom_media::probe(&out).unwrap();
    let pv = p.video.as_ref().unwrap();
    assert_eq!((pv.display_width, pv.display_height), (720, 1280));
    assert!(p.has_audio());
    s.stop().await;
}
