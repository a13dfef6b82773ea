//! Metadata through the agent over HTTP: titles, a description with chapters and tags for
//! an uploaded clip, kept as generated media, set on the draft and carried in the exported
//! MP4's container tags; in Chinese for a Chinese request.

use super::agent::{calls, export, last_text};
use super::*;

#[tokio::test]
async fn titles_and_tags_land_in_the_draft_and_the_exported_file() {
    let s = Server::start().await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let part = |c: &str, tag: &str| format!("color=c={c}:s=320x180:r=30,trim=duration=12,setpts=PTS-STARTPTS[{tag}]");
    let graph = format!("{};{};{};[r][g][b]concat=n=3[out0]", part("red", "r"), part("lime", "g"), part("blue", "b"));
    let clip = cutroom_testkit::fixture("api-meta-36s.mp4", Some(&graph), Some("sine=f=330"), 36.0);
    let (code, up) = s.upload(&t, &sid, &[("lisbon_walk.mp4", bytes(&clip))]).await;
    assert_eq!(code, 200, "{up}");
    let ev = s.say(&t, &sid, "write me a title, description and tags for youtube").await;
    let reply = last_text(&ev);
    assert_eq!(calls(&ev).last().map(String::as_str), Some("metadata"), "{reply}");
    assert!(reply.contains("Title options") && reply.contains("\n1. ") && reply.contains("3 chapters"), "{reply}");
    let st = s.state(&t, &sid).await;
    let m = &st["state"]["draft"]["m"];
    let title = m["title"].as_str().expect("a title on the draft").to_string();
    assert!(title.to_lowercase().contains("lisbon"), "{m}");
    assert!(m["description"].as_str().unwrap().contains("0:12"), "{m}");
    let generated = st["state"]["generated_media"].to_string();
    assert!(generated.contains("metadata") && generated.contains("chapters"), "{generated}");
    assert_eq!(s.balance(&t).await["available"], json!(98));

    let out = export(&s, &t, &sid, "export 360p", "meta.mp4").await;
    let probe = cutroom_process::Command::tool(cutroom_process::Tool::Ffprobe)
        .unwrap()
        .args(["-v", "error", "-show_entries", "format_tags", "-of", "json"])
        .arg(&out)
        .run()
        .unwrap();
    let tags = String::from_utf8_lossy(&probe.stdout).to_string();
    assert!(tags.contains(&title) && tags.to_lowercase().contains("lisbon, walk"), "{tags}");

    let ev = s.say(&t, &sid, "帮我写几个B站的标题和标签").await;
    let reply = last_text(&ev);
    assert!(reply.contains("标题候选"), "{reply}");
    let st = s.state(&t, &sid).await;
    let zh = st["state"]["draft"]["m"]["title"].as_str().unwrap().to_string();
    assert!(zh.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)), "{zh}");
    s.stop().await;
}
