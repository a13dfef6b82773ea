//! Tokens and sessions against a real server: stored and reused, renewed after 1001, a new
//! session after 1002, `NEMO_TOKEN` never stored, a server that is not running.

use super::*;
use cutroom_client::{ClientError, ConfigStore, TokenSource};

#[tokio::test]
async fn a_stored_token_is_reused_by_the_next_client() {
    let s = Server::start().await;
    let dir = cutroom_testkit::tempdir();
    let (first, notices) = client(&s.base, dir.path());
    assert_eq!(first.token_source(), TokenSource::None);
    let balance = first.credits().await.unwrap();
    assert_eq!((balance.available, balance.total), (100, 100));
    assert_eq!(s.tokens_issued(), 1);
    assert_eq!(notices.all(), [Notice::Connecting]);
    let token = stored_token(&s.base, dir.path()).expect("the token is stored");
    let stored = ConfigStore::new(dir.path()).get(&s.base).unwrap().unwrap();
    assert_eq!(stored.client_id, first.client_id());
    assert_eq!(stored.session_id, None, "credits need no session");

    // A second client (another run of the CLI) uses the stored token: no new request.
    let (second, notices) = client(&s.base, dir.path());
    assert_eq!(second.token_source(), TokenSource::Anonymous);
    second.credits().await.unwrap();
    let sid = second.new_session().await.unwrap();
    assert_eq!(s.tokens_issued(), 1);
    assert_eq!(notices.all(), [Notice::SessionStarted { session_id: sid.clone(), replaced: None }]);
    // …and its session is kept for the next one, which does not start another.
    let (third, notices) = client(&s.base, dir.path());
    assert_eq!(third.state().await.unwrap().session_id, sid);
    assert!(notices.all().is_empty());
    assert_eq!(s.requests("/api/tasks/me/with-session/{app}", 0), 1);
    for shown in [format!("{first:?}"), format!("{second:?}"), format!("{third:?}"), format!("{stored:?}")] {
        assert_hidden(&token, &shown);
    }
    // Another server in the same file gets its own entry.
    let other = Server::start().await;
    let (c, _) = client(&other.base, dir.path());
    c.credits().await.unwrap();
    let file = ConfigStore::new(dir.path()).load().unwrap();
    assert_eq!(file.servers.len(), 2);
    assert_ne!(stored_token(&other.base, dir.path()), Some(token));
    other.stop().await;
    s.stop().await;
}

#[tokio::test]
async fn an_invalid_token_is_replaced_once() {
    let s = Server::start().await;
    let dir = cutroom_testkit::tempdir();
    let bogus = "bogus-token-0123456789";
    ConfigStore::new(dir.path())
        .update(&s.base, |c| {
            c.client_id = uuid::Uuid::new_v4().to_string();
            c.token = Some(cutroom_client::Token::new(bogus));
        })
        .unwrap();
    let (c, notices) = client(&s.base, dir.path());
    let b = c.credits().await.expect("recovered from 1001");
    assert_eq!(b.available, 100);
    assert_eq!(s.requests("/api/credits/balance/simple", 1001), 1);
    assert_eq!(s.tokens_issued(), 1);
    assert!(notices.all().contains(&Notice::TokenRenewed), "{:?}", notices.all());
    let fresh = stored_token(&s.base, dir.path()).unwrap();
    assert_ne!(fresh, bogus);
    assert_hidden(&fresh, &format!("{c:?}"));
    s.stop().await;
}

#[tokio::test]
async fn a_client_id_that_already_had_its_token_is_replaced() {
    // The server gives one token per client id per token lifetime; a client whose token is
    // refused makes a new id, as the reference clients do.
    let s = Server::start().await;
    let dir = cutroom_testkit::tempdir();
    let (c, _) = client(&s.base, dir.path());
    c.credits().await.unwrap();
    let id = c.client_id();
    ConfigStore::new(dir.path())
        .update(&s.base, |e| e.token = Some(cutroom_client::Token::new("revoked-0123456789")))
        .unwrap();
    let (again, notices) = client(&s.base, dir.path());
    again.credits().await.unwrap();
    assert_ne!(again.client_id(), id);
    assert!(notices.all().contains(&Notice::ClientIdRenewed), "{:?}", notices.all());
    assert_eq!(ConfigStore::new(dir.path()).get(&s.base).unwrap().unwrap().client_id, again.client_id());
    assert_eq!(s.tokens_issued(), 2);
    s.stop().await;
}

#[tokio::test]
async fn a_missing_session_is_replaced_once_and_the_caller_is_told() {
    let s = Server::start().await;
    let dir = cutroom_testkit::tempdir();
    let (c, _) = client(&s.base, dir.path());
    c.credits().await.unwrap();
    ConfigStore::new(dir.path()).update(&s.base, |e| e.session_id = Some("ses_bogus".into())).unwrap();
    let (c, notices) = client(&s.base, dir.path());
    assert_eq!(c.session_id().as_deref(), Some("ses_bogus"));
    let st = c.state().await.expect("recovered from 1002");
    assert_ne!(st.session_id, "ses_bogus");
    assert_eq!(c.session_id().as_deref(), Some(st.session_id.as_str()));
    assert_eq!(
        notices.all(),
        [Notice::SessionStarted { session_id: st.session_id.clone(), replaced: Some("ses_bogus".into()) }]
    );
    let stored = ConfigStore::new(dir.path()).get(&s.base).unwrap().unwrap();
    assert_eq!(stored.session_id.as_deref(), Some(st.session_id.as_str()));
    assert_eq!(s.requests("/api/state/{app}/{user}/{session}/latest", 1002), 1);

    // The same for a message: the turn runs in the new session.
    ConfigStore::new(dir.path()).update(&s.base, |e| e.session_id = Some("ses_gone".into())).unwrap();
    let (c, notices) = client(&s.base, dir.path());
    let outcome = c.say("status", |_| {}).await.expect("recovered from 1002");
    assert_ne!(outcome.session_id, "ses_gone");
    assert!(outcome.reply().is_some_and(|r| r.starts_with("Timeline")), "{outcome:?}");
    assert_eq!(
        notices.all(),
        [Notice::SessionStarted { session_id: outcome.session_id.clone(), replaced: Some("ses_gone".into()) }]
    );
    assert_eq!(s.requests("/run_sse", 1002), 1);
    s.stop().await;
}

#[tokio::test]
async fn an_env_token_is_used_as_is_and_never_stored() {
    let s = Server::start().await;
    let dir = cutroom_testkit::tempdir();
    // A token obtained elsewhere (NEMO_TOKEN): here, by another client with its own folder.
    let other_dir = cutroom_testkit::tempdir();
    let (other, _) = client(&s.base, other_dir.path());
    other.credits().await.unwrap();
    let token = stored_token(&s.base, other_dir.path()).unwrap();
    let issued = s.tokens_issued();
    let (mut o, _) = options(&s.base, dir.path());
    o.env_token = Some(token.clone());
    let c = Client::new(o).unwrap();
    assert_eq!(c.token_source(), TokenSource::Env);
    let st = c.state().await.unwrap();
    assert_eq!(s.tokens_issued(), issued, "no token was requested");
    let stored = ConfigStore::new(dir.path()).get(&s.base).unwrap().unwrap();
    assert_eq!(stored.token, None, "NEMO_TOKEN is never written");
    assert_eq!(stored.env_session_id.as_deref(), Some(st.session_id.as_str()));
    assert_eq!(stored.session_id, None);
    assert!(!std::fs::read_to_string(ConfigStore::new(dir.path()).path()).unwrap().contains(&token));

    // A bad NEMO_TOKEN is reported, not silently swapped for an anonymous one.
    let (mut o, _) = options(&s.base, dir.path());
    o.env_token = Some("wrong-env-token-42".into());
    let e = Client::new(o).unwrap().credits().await.unwrap_err();
    assert_eq!(e.code(), Some(1001));
    assert!(e.to_string().contains("NEMO_TOKEN"), "{e}");
    assert_hidden("wrong-env-token-42", &format!("{e} {e:?}"));
    assert_eq!(s.tokens_issued(), issued);
    s.stop().await;
}

#[tokio::test]
async fn no_server_is_a_sentence_about_starting_one() {
    // A port that was free a moment ago.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = cutroom_testkit::tempdir();
    let (c, notices) = client(&format!("127.0.0.1:{port}"), dir.path());
    assert_eq!(c.server(), format!("http://127.0.0.1:{port}"));
    let e = c.credits().await.unwrap_err();
    assert!(matches!(e, ClientError::Connect { .. }), "{e:?}");
    let s = e.to_string();
    assert!(
        s.contains(&format!("http://127.0.0.1:{port}")) && s.contains("cutroom serve") && s.contains("--server"),
        "{s}"
    );
    assert!(matches!(c.health().await, Err(ClientError::Connect { .. })));
    assert_eq!(notices.all(), [Notice::Connecting]);
    // Nothing was stored: no token was obtained.
    assert_eq!(ConfigStore::new(dir.path()).get(c.server()).unwrap(), None);
}
