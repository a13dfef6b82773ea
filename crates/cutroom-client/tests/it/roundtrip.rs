//! A whole session through the client against a real server: upload a clip, a turn, the
//! state's summary and what changed, credits, an export downloaded and probed; and the
//! server's own errors (4001, 2001) as sentences.

use super::*;
use cutroom_client::{
    ClientError, ExportOptions, ExportProgress, Quality, Route, TurnEvent, describe_change, generated_media, route,
    summary_line,
};

#[tokio::test]
async fn upload_turn_state_credits_and_export() {
    // Exports need the attribution headers here: the client sends them.
    let s = Server::with(|c| c.require_attribution = true).await;
    let dir = cutroom_testkit::tempdir();
    let (c, notices) = client(&s.base, dir.path());

    let media = c.upload_files(&[clip()]).await.unwrap();
    assert_eq!(media.len(), 1);
    assert_eq!((media[0].kind.as_str(), media[0].width, media[0].height), ("video", Some(320), Some(240)));
    assert!(media[0].name.starts_with("client-clip"), "{}", media[0].name);
    let sid = c.session_id().expect("a session was started for the upload");
    assert!(matches!(notices.all().as_slice(), [Notice::Connecting, Notice::SessionStarted { replaced: None, .. }]));

    let before = c.state().await.unwrap();
    assert_eq!(before.session_id, sid);
    assert_eq!(before.state.video_infos.len(), 1);

    assert_eq!(route("make it vertical", |_| false), Route::Turn);
    let mut events = Vec::new();
    let outcome = c.say("make it vertical", |e| events.push(e.clone())).await.unwrap();
    assert_eq!(outcome.session_id, sid);
    assert!(outcome.complete, "{events:?}");
    assert!(outcome.tools.iter().any(|t| t == "canvas"), "{:?}", outcome.tools);
    let reply = outcome.reply().expect("the turn ends with text").to_string();
    assert!(matches!(events.last(), Some(TurnEvent::Text { complete: true, .. })));

    let after = c.state().await.unwrap();
    let d = &after.state.draft;
    assert_eq!((d["canvas"]["w"].as_u64(), d["canvas"]["h"].as_u64()), (Some(1080), Some(1920)), "{reply}");
    let change = describe_change(&before, &after);
    assert!(change.changed, "{change:?}");
    assert!(change.version_after > change.version_before);
    assert_eq!(change.summary_after, summary_line(&after));
    assert!(summary_line(&after).starts_with("Timeline (1 track)"), "{}", summary_line(&after));
    assert!(change.sentence().starts_with("The timeline changed"), "{}", change.sentence());
    assert!(generated_media(&after).is_empty());
    assert!(!describe_change(&after, &after).changed);

    let credits = c.credits().await.unwrap();
    assert_eq!(credits.total, credits.available + credits.frozen);
    assert!(credits.available <= 100);

    let out = dir.path().join("exports");
    std::fs::create_dir(&out).unwrap();
    let mut seen = Vec::new();
    let export = ExportOptions { resolution: Some(360), ..ExportOptions::new(Quality::Low, &out) };
    let result = c.export(&export, |p| seen.push(p.clone())).await.unwrap();
    assert!(result.id.starts_with("render_"));
    assert_eq!(result.path, out.join(format!("{}.mp4", result.id)));
    assert!(result.url.starts_with(&s.base), "{}", result.url);
    assert_eq!((result.width, result.height), (360, 640));
    assert!(matches!(seen.first(), Some(ExportProgress::Submitted { .. })), "{seen:?}");
    assert!(matches!(seen.last(), Some(ExportProgress::Saved { path }) if *path == result.path));
    let downloaded: Vec<u64> = seen
        .iter()
        .filter_map(|p| if let ExportProgress::Downloading { received, .. } = p { Some(*received) } else { None })
        .collect();
    assert_eq!(downloaded.last(), Some(&result.size_bytes));
    assert!(downloaded.windows(2).all(|w| w[0] <= w[1]));
    let bytes = std::fs::metadata(&result.path).unwrap().len();
    assert_eq!(bytes, result.size_bytes);
    let probe = cutroom_testkit::probe(&result.path).expect("the export probes");
    let v = probe.video.as_ref().expect("a video stream");
    assert_eq!((v.codec.as_str(), v.display_width, v.display_height), ("h264", 360, 640));
    assert!((probe.duration.unwrap().0 as i64 - 2000).abs() <= 100, "{:?}", probe.duration);
    // Nothing but the MP4 in the folder: the partial download was renamed into place.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);

    // The same link again, to a file path, through `download`.
    let again = dir.path().join("again.mp4");
    let mut last = (0, None);
    let n = c.download(&result.url, &again, |r, t| last = (r, t)).await.unwrap();
    assert_eq!((n, last), (bytes, (bytes, Some(bytes))));

    // The attribution headers were counted on the server.
    assert_eq!(s.requests("/api/render/proxy/lambda", 402), 0);

    // No string the client produced shows the token.
    let token = stored_token(&s.base, dir.path()).unwrap();
    let shown = format!("{c:?} {notices:?} {events:?} {result:?} {seen:?}", notices = notices.all());
    assert_hidden(&token, &shown);
    s.stop().await;
}

#[tokio::test]
async fn server_errors_read_as_sentences() {
    let s = Server::with(|c| {
        c.credits.welcome = 0;
        c.credits.prices.render = 5;
    })
    .await;
    let dir = cutroom_testkit::tempdir();
    let (c, _) = client(&s.base, dir.path());

    // 4001: a text file named .mp4, refused by content, with the accepted formats.
    let fake = dir.path().join("notes.mp4");
    std::fs::write(&fake, "this is not a video\n".repeat(100)).unwrap();
    let e = c.upload_files(&[&fake]).await.unwrap_err();
    assert_eq!(e.code(), Some(4001), "{e:?}");
    let sentence = e.to_string();
    assert!(sentence.contains("accepted formats: mp4, mov"), "{sentence}");

    // A missing file never reaches the server.
    let e = c.upload_files(&[dir.path().join("nope.mp4")]).await.unwrap_err();
    assert!(matches!(e, ClientError::Io { .. }) && e.to_string().contains("nope.mp4"), "{e}");
    assert!(matches!(c.upload_files::<&str>(&[]).await, Err(ClientError::InvalidInput(_))));

    // 400: an empty timeline cannot be exported.
    let e = c.export(&ExportOptions::new(Quality::Low, dir.path()), |_| {}).await.unwrap_err();
    assert_eq!(e.code(), Some(400), "{e:?}");
    assert!(e.to_string().contains("empty"), "{e}");

    // 2001: exports cost credits here and this anonymous account has none.
    c.upload_files(&[clip()]).await.unwrap();
    c.say("make it vertical", |_| {}).await.unwrap();
    let e = c.export(&ExportOptions::new(Quality::Low, dir.path()), |_| {}).await.unwrap_err();
    assert_eq!(e.code(), Some(2001), "{e:?}");
    let sentence = e.to_string();
    let bind = c.state().await.unwrap().bind_id.expect("anonymous accounts have a bind id");
    assert!(sentence.starts_with("out of credits (not enough credits: 0 available, 5 needed)"), "{sentence}");
    assert!(sentence.contains(&format!("?bind={bind}")), "{sentence}");
    assert!(sentence.contains(&format!("{}/bind?bind={bind}", s.base)), "{sentence}");
    let token = stored_token(&s.base, dir.path()).unwrap();
    assert_hidden(&token, &format!("{sentence} {e:?}"));
    s.stop().await;
}
