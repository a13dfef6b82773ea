//! cutroom's service logic, between the HTTP layer and the store: accounts and tokens,
//! credits, sessions and drafts, uploads, render and analysis jobs with their workers,
//! agent turns, and the state the API reports. Errors come out as `ApiError` codes; HTTP
//! statuses are the server's business.

pub mod autoedit;
mod config;
pub mod generate;
mod ingest;
mod jobs;
pub mod llm;
pub mod metadata;
mod metrics;
mod security;
mod state;
mod turn;
pub mod video;

pub use config::{Config, ConfigError, Credits, ENV, Prices};
pub use ingest::{ACCEPTED, Content, Received, clean_name, is_public};
pub use metrics::{JobLabels, KindLabel, Metrics, RouteLabels, RouteOnly, StreamGuard};
pub use security::{Signer, new_token, token_hash};
pub use state::MediaFile;

use cutroom_api::*;
use cutroom_media::{MediaEntry, MediaMap, Probe};
use cutroom_store::{Account, BlobStore, NewMedia, Session, SqliteStore, Store, StoreError};
use cutroom_timeline::Draft;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{what}: {error}")]
    Io { what: String, error: std::io::Error },
    #[error("the database: {0}")]
    Store(#[from] StoreError),
}

/// Attribution headers of a request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Attribution {
    pub source: Option<String>,
    pub version: Option<String>,
    pub platform: Option<String>,
}

impl Attribution {
    pub fn complete(&self) -> bool {
        self.source.is_some() && self.version.is_some() && self.platform.is_some()
    }
}

/// The running service's state.
pub struct Engine {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub blobs: BlobStore,
    pub signer: Signer,
    pub metrics: Metrics,
    work: jobs::Work,
    /// The language-model planner, when configured.
    llm: Option<llm::LlmPlanner>,
    usage: Mutex<HashMap<(String, String, String, String), i64>>,
}

/// An unknown session, or someone else's.
pub(crate) fn session_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "session not found: create one with /api/tasks/me/with-session/nemo_agent")
}

pub(crate) fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::not_found("not"),
        other => ApiError::internal(other.to_string()),
    }
}

impl Engine {
    /// Opens the data directory (creating it), the database (migrating it) and the media
    /// store; requeues jobs a crash left running. Workers start with [`Engine::start`].
    pub async fn open(config: Config) -> Result<Arc<Engine>, StartError> {
        let dir = config.data_dir.clone();
        let io = |what: String| move |error| StartError::Io { what, error };
        std::fs::create_dir_all(dir.join("renders")).map_err(io(format!("creating {}", dir.display())))?;
        let store = SqliteStore::open(&dir.join("state.db")).await?;
        let blobs = BlobStore::new(dir.join("media")).map_err(io("opening the media store".into()))?;
        let swept = blobs.sweep_tmp().map_err(io("cleaning the media store".into()))?;
        let signer = Signer::load_or_create(&dir.join("secret")).map_err(io("reading the signing key".into()))?;
        let requeued = store.requeue_running(now()).await?;
        if requeued > 0 || swept > 0 {
            tracing::info!(requeued, swept, "recovered from an interrupted run");
        }
        let llm = (config.planner.kind == "llm").then(|| llm::LlmPlanner::new(&config.planner));
        Ok(Arc::new(Engine {
            llm,
            config,
            store: Arc::new(store),
            blobs,
            signer,
            metrics: Metrics::default(),
            work: jobs::Work::default(),
            usage: Mutex::new(HashMap::new()),
        }))
    }

    pub fn renders_dir(&self) -> PathBuf {
        self.config.data_dir.join("renders")
    }

    pub fn analysis_dir(&self) -> PathBuf {
        self.config.data_dir.join("analysis")
    }

    // ---- accounts ----

    /// A 7-day anonymous token for a client id (a UUID).
    pub async fn issue_token(&self, client_id: Option<&str>) -> Result<TokenData, ApiError> {
        let client = client_id
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| ApiError::bad_request("X-Client-Id header missing: send a UUID identifying this client"))?;
        if client.len() > 64 || !client.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(ApiError::bad_request("X-Client-Id must be a UUID"));
        }
        let token = new_token();
        let ttl = self.config.token_days * 86_400;
        let welcome = if self.config.credits.enabled { self.config.credits.welcome } else { 0 };
        let now = now();
        match self.store.issue_anonymous_token(client, &token_hash(&token), now, ttl, ttl, welcome).await {
            Ok(account) => Ok(TokenData { token, expires_at: now + ttl, credits: account.available }),
            Err(StoreError::TooSoon { retry_after }) => Err(ApiError::new(
                ErrorCode::RateLimited,
                format!("a token was already issued to this client id; try again in {} h", (retry_after + 3599) / 3600),
            )
            .retry_after(retry_after as u64)),
            Err(e) => Err(store_error(e)),
        }
    }

    /// The account behind an `Authorization: Bearer …` header.
    pub async fn authenticate(&self, authorization: Option<&str>) -> Result<Account, ApiError> {
        let token = authorization
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() < 200)
            .ok_or_else(ApiError::unauthorized)?;
        self.store.account_by_token(&token_hash(token), now()).await.map_err(|e| match e {
            StoreError::NotFound => ApiError::unauthorized(),
            other => store_error(other),
        })
    }

    pub async fn balance(&self, account: &Account) -> Result<Balance, ApiError> {
        let a = self.store.account(&account.id).await.map_err(store_error)?;
        Ok(Balance { available: a.available, frozen: a.frozen, total: a.available + a.frozen })
    }

    /// The error for a price the account cannot pay.
    pub fn no_credits(&self, account: &Account, available: i64, needed: i64) -> ApiError {
        let mut e =
            ApiError::new(ErrorCode::NoCredits, format!("not enough credits: {available} available, {needed} needed"));
        if account.kind == "anonymous" {
            e.message.push_str(&format!("; register or bind this account with ?bind={} to get more", account.bind_id));
            e = e.with_data(serde_json::json!({ "bind_id": account.bind_id, "bind_path": format!("/bind?bind={}", account.bind_id) }));
        }
        e
    }

    // ---- sessions ----

    pub async fn create_session(&self, account: &Account, req: NewSession) -> Result<SessionData, ApiError> {
        let language = req
            .language
            .map(|l| l.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(16).collect::<String>());
        let name = req.task_name.map(|n| clean_name(&n));
        let s = self
            .store
            .create_session(
                &account.id,
                name.as_deref(),
                language.as_deref().filter(|l| !l.is_empty()),
                &Draft::default().to_json(),
                now(),
            )
            .await
            .map_err(store_error)?;
        Ok(SessionData { task_id: s.task_id, session_id: s.id })
    }

    /// A session of this account; someone else's (or none) is 1002.
    pub async fn session(&self, account: &Account, session_id: &str) -> Result<Session, ApiError> {
        self.store.session(&account.id, session_id).await.map_err(|e| match e {
            StoreError::NotFound => session_not_found(),
            other => store_error(other),
        })
    }

    /// The current draft of a session.
    pub async fn current_draft(&self, session: &Session) -> Result<Draft, ApiError> {
        let body = self.store.draft(&session.id, session.draft_version).await.map_err(store_error)?;
        Draft::from_json(&body).map_err(|e| ApiError::internal(format!("stored draft unreadable: {e}")))
    }

    // ---- media ----

    /// Stores received files (all or none) as media of the session.
    pub async fn store_uploads(
        &self,
        account: &Account,
        session: &Session,
        files: Vec<Received>,
    ) -> Result<UploadData, ApiError> {
        let mut new = Vec::with_capacity(files.len());
        for f in files {
            let (kind, probe) = match &f.content {
                Content::Media(p) => (
                    serde_json::to_value(p.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                    serde_json::to_string(p),
                ),
                Content::Captions(c) => (state::CAPTIONS.to_string(), serde_json::to_string(c)),
            };
            let probe = probe.map_err(|e| ApiError::internal(e.to_string()))?;
            let (hash, size) = f
                .ingest
                .commit(&self.blobs)
                .await
                .map_err(|e| ApiError::internal(format!("storing an upload: {e}")))?;
            new.push(NewMedia {
                account_id: account.id.clone(),
                session_id: session.id.clone(),
                blob_hash: hash,
                size: size as i64,
                name: f.name,
                source: if f.url.is_some() { "url".into() } else { "upload".into() },
                url: f.url,
                kind,
                probe,
            });
        }
        let rows = self.store.add_media(&new, now()).await.map_err(store_error)?;
        self.work.analysis.notify_waiters();
        Ok(UploadData { media: rows.iter().map(state::media_info).collect() })
    }

    /// The files a draft uses, resolved among this account's media.
    pub async fn media_map(&self, account_id: &str, draft: &Draft) -> Result<MediaMap, ApiError> {
        let mut map = MediaMap::new();
        self.fill_media_map(account_id, draft, &mut map).await?;
        Ok(map)
    }

    /// Adds to `map` the files a draft uses that it does not hold yet.
    pub async fn fill_media_map(&self, account_id: &str, draft: &Draft, map: &mut MediaMap) -> Result<(), ApiError> {
        for (ti, t) in draft.t.iter().enumerate() {
            for (si, s) in t.sg.iter().enumerate() {
                let Some(id) = s.src.as_deref() else { continue };
                if map.contains_key(id) {
                    continue;
                }
                let row = self.store.media(account_id, id).await.map_err(|e| match e {
                    StoreError::NotFound => {
                        ApiError::bad_request(format!("t[{ti}].sg[{si}].src: media '{id}' not found"))
                    }
                    other => store_error(other),
                })?;
                let probe: Probe =
                    serde_json::from_str(&row.probe).map_err(|e| ApiError::internal(format!("stored probe: {e}")))?;
                map.insert(id.to_string(), MediaEntry { path: self.blobs.path(&row.blob_hash), probe });
            }
        }
        Ok(())
    }

    // ---- attribution ----

    /// Counts a request against its attribution source (flushed to the store in batches).
    pub fn count_usage(&self, a: &Attribution, route: &str) {
        let key = |v: &Option<String>| v.as_deref().unwrap_or("none").chars().take(64).collect::<String>();
        let mut usage = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        *usage.entry((key(&a.source), key(&a.version), key(&a.platform), route.to_string())).or_default() += 1;
    }

    /// Writes counted usage to the store.
    pub async fn flush_usage(&self) {
        let batch: Vec<_> =
            std::mem::take(&mut *self.usage.lock().unwrap_or_else(|e| e.into_inner())).into_iter().collect();
        for ((source, version, platform, route), count) in batch {
            if let Err(e) = self.store.count_usage(&source, &version, &platform, &route, count).await {
                tracing::warn!("recording usage: {e}");
            }
        }
    }
}
