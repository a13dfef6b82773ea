//! Many clients at once lose nothing.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_clients_create_sessions_and_upload_at_once() {
    let s = Arc::new(Server::with(|c| c.analysis_workers = 1).await);
    let clip = bytes(&clip());
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (s, clip) = (s.clone(), clip.clone());
        tasks.push(tokio::spawn(async move {
            let t = s.token().await;
            let sid = s.session(&t).await;
            let (status, v) = s.upload(&t, &sid, &[("a.mp4", clip.clone()), ("b.mp4", clip)]).await;
            assert_eq!(status, 200, "{v}");
            (t, sid)
        }));
    }
    let mut clients = Vec::new();
    for task in tasks {
        clients.push(task.await.unwrap());
    }
    for (t, sid) in &clients {
        let st = s.state(t, sid).await;
        assert_eq!(st["state"]["video_infos"].as_array().unwrap().len(), 2, "an upload went missing");
        let (_, v) = s.get("/api/credits/balance/simple", t).await;
        assert_eq!(v["data"], json!({"available": 100, "frozen": 0, "total": 100}));
    }
    let accounts = s.engine.store.accounts().await.unwrap();
    assert_eq!(accounts.len(), 50);
    for a in accounts {
        let ledger = s.engine.store.ledger(&a.id).await.unwrap();
        let grants: i64 = ledger.iter().filter(|e| e.kind == "grant").map(|e| e.amount).sum();
        assert_eq!(grants, a.available + a.frozen);
    }
    match Arc::try_unwrap(s) {
        Ok(server) => server.stop().await,
        Err(_) => panic!("server still shared"),
    }
}
