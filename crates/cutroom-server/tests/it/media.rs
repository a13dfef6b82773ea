//! Uploads: multipart, URLs, content checks, size limits, hostile names — nothing partial kept.

use super::*;
use futures_util::StreamExt;

fn files_in(dir: &std::path::Path) -> usize {
    if !dir.is_dir() {
        return 0;
    }
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            if p.is_dir() { files_in(&p) } else { 1 }
        })
        .sum()
}

#[tokio::test]
async fn multipart_with_two_files_lands_in_state() {
    let s = Server::start().await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let (status, v) =
        s.upload(&t, &sid, &[("../../evil name;$(x).mp4", bytes(&clip())), ("poster.png", bytes(&still()))]).await;
    assert_eq!(status, 200, "{v}");
    let media = v["data"]["media"].as_array().unwrap();
    assert_eq!(media.len(), 2);
    assert_eq!(media[0]["name"], "evil name;$(x).mp4");
    assert_eq!(
        (media[0]["kind"].as_str(), media[0]["duration_ms"].as_u64(), media[0]["has_audio"].as_bool()),
        (Some("video"), Some(3000), Some(true))
    );
    assert_eq!((media[1]["kind"].as_str(), media[1]["width"].as_u64()), (Some("image"), Some(320)));
    let state = s.state(&t, &sid).await;
    let infos = state["state"]["video_infos"].as_array().unwrap();
    assert_eq!(infos.len(), 2);
    assert!(state["bind_id"].as_str().is_some_and(|b| !b.is_empty()));
    // Files are stored by content, nowhere near the name they came with.
    assert_eq!(files_in(&s.dir.path().join("data/media/blobs")), 2);
    assert!(!s.dir.path().join("evil name;$(x).mp4").exists());
    // The analysis follows in the background.
    let mut ready = false;
    for _ in 0..100 {
        let st = s.state(&t, &sid).await;
        if st["state"]["video_infos"].as_array().unwrap().iter().all(|m| m["analysis_status"] == "ready") {
            let shots = &st["state"]["video_infos"][0]["analysis"]["shots"];
            assert_eq!(shots.as_array().map(Vec::len), Some(1));
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(ready, "analysis never finished");
    s.stop().await;
}

#[tokio::test]
async fn text_files_and_oversized_streams_are_refused_and_leave_nothing() {
    let s = Server::with(|c| c.max_upload_mb = 1).await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let (status, v) = s.upload(&t, &sid, &[("movie.mp4", b"this is a text file, not a movie\n".to_vec())]).await;
    assert_eq!((status, v["code"].as_i64()), (415, Some(4001)), "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, wav, m4a, aac, srt, vtt")
    );
    // A good file and a bad one together: neither is kept.
    let (status, _) = s.upload(&t, &sid, &[("ok.mp4", bytes(&clip())), ("bad.mp4", b"nope".to_vec())]).await;
    assert_eq!(status, 415);
    // A 4 MB stream against a 1 MB limit, sent in chunks with no length up front.
    let chunks = futures_util::stream::iter((0..64).map(|_| Ok::<_, std::io::Error>(vec![0u8; 64 * 1024])));
    let part = reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(chunks)).file_name("big.mp4");
    let form = reqwest::multipart::Form::new().part("files", part);
    let r =
        s.post_raw(&format!("/api/upload-video/nemo_agent/me/{sid}"), Some(&t)).multipart(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 413);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], 4002);
    assert_eq!(files_in(&s.dir.path().join("data/media/tmp")), 0, "a partial upload was left behind");
    assert_eq!(files_in(&s.dir.path().join("data/media/blobs")), 0);
    assert!(s.state(&t, &sid).await["state"]["video_infos"].as_array().unwrap().is_empty());
    s.stop().await;
}

/// A tiny HTTP server on loopback serving one file.
async fn file_server(body: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/clip.mp4",
        axum::routing::get(move || {
            let b = body.clone();
            async move { b }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/clip.mp4")
}

#[tokio::test]
async fn url_uploads_respect_the_private_address_rule() {
    let url = file_server(bytes(&clip())).await;
    let strict = Server::start().await;
    let t = strict.token().await;
    let sid = strict.session(&t).await;
    let (status, v) = strict
        .post(&format!("/api/upload-video/nemo_agent/me/{sid}"), &t, json!({"urls": [url], "source_type": "url"}))
        .await;
    assert_eq!(status, 400, "{v}");
    assert!(v["message"].as_str().unwrap().contains("private, loopback or link-local"), "{v}");
    for bad in ["file:///etc/passwd", "http://169.254.169.254/latest/meta-data", "not a url"] {
        let (status, _) =
            strict.post(&format!("/api/upload-video/nemo_agent/me/{sid}"), &t, json!({"urls": [bad]})).await;
        assert_eq!(status, 400, "{bad}");
    }
    strict.stop().await;

    let open = Server::with(|c| c.allow_private_urls = true).await;
    let t = open.token().await;
    let sid = open.session(&t).await;
    let (status, v) = open
        .post(&format!("/api/upload-video/nemo_agent/me/{sid}"), &t, json!({"urls": [url], "source_type": "url"}))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["data"]["media"][0]["name"], "clip.mp4");
    assert_eq!(v["data"]["media"][0]["duration_ms"], 3000);
    open.stop().await;
}

#[tokio::test]
async fn a_stream_cut_off_midway_keeps_nothing() {
    let s = Server::start().await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    // The body ends with an error half way through.
    let whole = bytes(&clip());
    let half = whole[..whole.len() / 2].to_vec();
    let chunks = futures_util::stream::iter(vec![Ok(half), Err(std::io::Error::other("connection lost"))]);
    let part = reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(chunks.boxed())).file_name("c.mp4");
    let form = reqwest::multipart::Form::new().part("files", part);
    let _ = s.post_raw(&format!("/api/upload-video/nemo_agent/me/{sid}"), Some(&t)).multipart(form).send().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(files_in(&s.dir.path().join("data/media/tmp")), 0);
    assert!(s.state(&t, &sid).await["state"]["video_infos"].as_array().unwrap().is_empty());
    s.stop().await;
}

#[tokio::test]
async fn media_play_from_signed_links_and_nothing_else_opens_them() {
    let s = Server::start().await;
    let t = s.token().await;
    let sid = s.session(&t).await;
    let (status, v) = s.upload(&t, &sid, &[("a clip.mp4", bytes(&clip())), ("poster.png", bytes(&still()))]).await;
    assert_eq!(status, 200, "{v}");
    let uploaded = v["data"]["media"][0]["url"].as_str().expect("the upload answer links the file").to_string();
    let state = s.state(&t, &sid).await;
    let infos = state["state"]["video_infos"].as_array().unwrap();
    let link = |i: usize| infos[i]["url"].as_str().expect("the state links each file").to_string();
    // The same link within the hour, so a page that refreshes keeps its cache.
    assert_eq!(link(0), uploaded);
    assert!(link(0).starts_with(&s.base) && link(0).contains("/api/media/"), "{}", link(0));

    // The whole file, as what it is, never to be run.
    let r = s.http.get(link(0)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "video/mp4");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h["content-security-policy"].to_str().unwrap().starts_with("sandbox"));
    assert_eq!(h["content-disposition"], "inline; filename=\"a clip.mp4\"; filename*=UTF-8''a%20clip.mp4");
    assert_eq!(r.bytes().await.unwrap().to_vec(), bytes(&clip()));
    // Part of it (what a video element asks for).
    let r = s.http.get(link(0)).header("range", "bytes=4-7").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 206);
    assert_eq!(&r.bytes().await.unwrap()[..], b"ftyp");
    let r = s.http.get(link(1)).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["content-type"].to_str().unwrap()), (200, "image/png"));

    // A link changed in any part opens nothing.
    let refused = |url: String| {
        let http = s.http.clone();
        async move {
            let r = http.get(&url).send().await.unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap();
            (status, body["code"].as_i64())
        }
    };
    let mut tampered = link(0);
    let last = if tampered.ends_with('0') { "1" } else { "0" };
    tampered.replace_range(tampered.len() - 1.., last);
    assert_eq!(refused(tampered).await, (401, Some(1001)));
    let other_media = {
        let (a, b) = (infos[0]["media_id"].as_str().unwrap(), infos[1]["media_id"].as_str().unwrap());
        link(0).replace(a, b)
    };
    assert_eq!(refused(other_media).await, (401, Some(1001)));
    let unsigned = link(0).split('?').next().unwrap().to_string();
    assert_eq!(refused(unsigned).await, (401, Some(1001)));
    let expires: i64 = link(0).split("expires=").nth(1).unwrap().split('&').next().unwrap().parse().unwrap();
    let earlier = link(0).replace(&format!("expires={expires}"), &format!("expires={}", expires - 7200));
    assert_eq!(refused(earlier).await, (401, Some(1001)));

    // Another account's link to the same file names that account, and its own links
    // name only its own files.
    let t2 = s.token().await;
    let sid2 = s.session(&t2).await;
    let (_, v2) = s.upload(&t2, &sid2, &[("theirs.png", bytes(&still()))]).await;
    let theirs = v2["data"]["media"][0]["url"].as_str().unwrap().to_string();
    let mine_id = infos[1]["media_id"].as_str().unwrap();
    let their_id = v2["data"]["media"][0]["media_id"].as_str().unwrap();
    assert_eq!(refused(theirs.replace(their_id, mine_id)).await, (401, Some(1001)));
    s.stop().await;
}
