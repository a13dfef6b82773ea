//! `client.json`: round trip, one entry per server, mode 0600, atomic writes, a corrupt file.

use cutroom_client::{ClientError, ConfigStore, Credentials, Token};

#[test]
fn entries_round_trip_per_server_with_private_mode() {
    let dir = cutroom_testkit::tempdir();
    let store = ConfigStore::new(dir.path().join("nested/cutroom"));
    assert_eq!(store.get("http://a:1").unwrap(), None);
    store
        .update("http://a:1", |c| {
            c.client_id = "11111111-1111-4111-8111-111111111111".into();
            c.token = Some(Token::new("tok-a-0123456789"));
            c.session_id = Some("ses_a".into());
        })
        .unwrap();
    store
        .update("http://b:2", |c| {
            c.client_id = "22222222-2222-4222-8222-222222222222".into();
            c.env_session_id = Some("ses_env".into());
        })
        .unwrap();
    // Changing one server keeps the other.
    store.update("http://a:1", |c| c.session_id = Some("ses_a2".into())).unwrap();

    let a = store.get("http://a:1").unwrap().unwrap();
    assert_eq!(
        a,
        Credentials {
            client_id: "11111111-1111-4111-8111-111111111111".into(),
            token: Some(Token::new("tok-a-0123456789")),
            session_id: Some("ses_a2".into()),
            env_session_id: None,
        }
    );
    let b = store.get("http://b:2").unwrap().unwrap();
    assert_eq!((b.token, b.env_session_id.as_deref()), (None, Some("ses_env")));
    let file = store.load().unwrap();
    assert_eq!(file.servers.keys().collect::<Vec<_>>(), ["http://a:1", "http://b:2"]);
    assert_eq!(file.version, 1);

    // Only the file itself is left: no temporary files.
    let names: Vec<String> = std::fs::read_dir(store.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["client.json"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(store.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
        let dir_mode = std::fs::metadata(store.dir()).unwrap().permissions().mode() & 0o777;
        assert_eq!(dir_mode, 0o700, "{dir_mode:o}");
    }
    // The JSON is plain and keyed by server.
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(store.path()).unwrap()).unwrap();
    assert_eq!(v["servers"]["http://a:1"]["token"], "tok-a-0123456789");
    assert!(v["servers"]["http://b:2"].get("token").is_none());
}

#[test]
fn a_corrupt_file_is_a_clear_error_and_an_empty_one_is_fine() {
    let dir = cutroom_testkit::tempdir();
    let store = ConfigStore::new(dir.path());
    std::fs::write(store.path(), "").unwrap();
    assert_eq!(store.get("http://a:1").unwrap(), None);
    std::fs::write(store.path(), "{not json").unwrap();
    let e = store.get("http://a:1").unwrap_err();
    assert!(matches!(e, ClientError::Config { .. }));
    let s = e.to_string();
    assert!(s.contains("client.json") && s.contains("delete it"), "{s}");
    // A client refuses to start on it rather than forget the stored token silently.
    let (o, _) = super::options("http://127.0.0.1:9", dir.path());
    assert!(matches!(cutroom_client::Client::new(o), Err(ClientError::Config { .. })));
}
