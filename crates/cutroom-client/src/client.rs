//! The client itself: options, stored credentials in use, every request with the bearer
//! token and attribution headers, the reference's recovery (1001 → new token, 1002 → new
//! session, 429 → wait and retry once, 400 about `X-Client-Id` → new client id), and the
//! operations (upload, turn, state, credits, export, download).

use crate::config::{self, ConfigStore, Credentials, Token};
use crate::error::ClientError;
use crate::export::{self, ExportOptions, ExportProgress, ExportResult};
use crate::route::{Source, expand_home};
use crate::sse::{SseParser, TurnEvent, TurnOutcome, turn_events};
use cutroom_api::{Balance, Envelope, MediaInfo, RenderStatus, SessionData, StateData, TokenData, UploadData};
use futures_util::{Stream, StreamExt};
use reqwest::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// The app name in the API's paths and bodies.
const APP: &str = "nemo_agent";
/// Most files the server takes in one upload.
pub const MAX_FILES: usize = 20;

type Result<T> = std::result::Result<T, ClientError>;

/// Waits for a duration (injectable so tests need not sleep through a 429).
pub type Sleeper = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;
/// Told about what the client did on its own.
pub type NoticeFn = Arc<dyn Fn(&Notice) + Send + Sync>;

/// Something the client did on its own that a user may want to hear about.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// First use: a token and/or a session is being set up (say "Connecting…").
    Connecting,
    /// A new anonymous token replaced one the server refused (1001).
    TokenRenewed,
    /// A new client id was made (the server wanted one, or refused another token to the old).
    ClientIdRenewed,
    /// A session was started; `replaced` names the one that was gone (1002), if any.
    SessionStarted { session_id: String, replaced: Option<String> },
    /// The server asked to slow down; waiting this long before the one retry.
    RateLimited { wait: Duration },
}

/// Where the token in use came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// `NEMO_TOKEN` (or [`ClientOptions::env_token`]); never stored.
    Env,
    /// An anonymous token stored in `client.json` or obtained by this client.
    Anonymous,
    /// None yet: one is obtained on first use.
    None,
}

/// How the client is set up.
#[derive(Clone)]
pub struct ClientOptions {
    /// The server's base URL (`None`: [`config::DEFAULT_SERVER`]).
    pub server: Option<String>,
    /// Where `client.json` lives (`None`: nothing is stored).
    pub config_dir: Option<PathBuf>,
    /// A token to use instead of a stored one (`NEMO_TOKEN`); never written to disk.
    pub env_token: Option<String>,
    /// The language new sessions are created with.
    pub language: String,
    /// `X-Skill-Source`.
    pub source: String,
    /// `X-Skill-Platform`.
    pub platform: String,
    /// Wait after a 429 without `Retry-After`.
    pub rate_limit_wait: Duration,
    /// Longest `Retry-After` worth waiting for (longer: the error is returned).
    pub max_rate_limit_wait: Duration,
    /// Time between export status polls.
    pub poll_interval: Duration,
    /// Whole-request limit of plain JSON calls.
    pub request_timeout: Duration,
    /// Whole-request limit of an agent turn (the API's hard limit is 15 min).
    pub turn_timeout: Duration,
    /// Longest an export may take to render.
    pub render_timeout: Duration,
    pub connect_timeout: Duration,
    /// Longest silence while reading an event stream or a download (the server's SSE
    /// heartbeats come every ~10 s). Uploads are not limited in time.
    pub read_timeout: Duration,
    /// How waits are done (tokio's sleep by default).
    pub sleep: Sleeper,
    /// Called with every [`Notice`].
    pub on_notice: Option<NoticeFn>,
}

impl Default for ClientOptions {
    /// Defaults that read nothing from the environment.
    fn default() -> Self {
        ClientOptions {
            server: None,
            config_dir: None,
            env_token: None,
            language: "en".into(),
            source: "cutroom-cli".into(),
            platform: "unknown".into(),
            rate_limit_wait: Duration::from_secs(30),
            max_rate_limit_wait: Duration::from_secs(120),
            poll_interval: Duration::from_secs(2),
            request_timeout: Duration::from_secs(120),
            turn_timeout: Duration::from_secs(15 * 60),
            render_timeout: Duration::from_secs(60 * 60),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(180),
            sleep: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
            on_notice: None,
        }
    }
}

impl ClientOptions {
    /// Defaults plus the environment: `CUTROOM_SERVER`, the config folder
    /// (`CUTROOM_CONFIG_DIR`, `XDG_CONFIG_HOME`, `HOME`) and `NEMO_TOKEN`. An explicit
    /// server set afterwards wins over `CUTROOM_SERVER`.
    pub fn from_env() -> ClientOptions {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        ClientOptions {
            server: var(config::env::SERVER),
            config_dir: config::config_dir_from(var),
            env_token: var(config::env::TOKEN),
            ..ClientOptions::default()
        }
    }
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("server", &self.server)
            .field("config_dir", &self.config_dir)
            .field("env_token", &self.env_token.as_ref().map(|_| "<redacted>"))
            .field("language", &self.language)
            .field("source", &self.source)
            .field("platform", &self.platform)
            .field("rate_limit_wait", &self.rate_limit_wait)
            .field("poll_interval", &self.poll_interval)
            .finish_non_exhaustive()
    }
}

/// The credentials in use.
struct Creds {
    client_id: String,
    token: Option<Token>,
    from_env: bool,
    session_id: Option<String>,
}

struct Inner {
    http: reqwest::Client,
    base: String,
    base_url: reqwest::Url,
    opts: ClientOptions,
    store: Option<ConfigStore>,
    creds: Mutex<Creds>,
    /// One token request at a time.
    auth: tokio::sync::Mutex<()>,
    /// One session creation at a time.
    sessions: tokio::sync::Mutex<()>,
    connecting_said: AtomicBool,
}

/// A typed client of one cutroom server. Cheap to clone (shared state).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = self.creds();
        f.debug_struct("Client")
            .field("server", &self.inner.base)
            .field("client_id", &c.client_id)
            .field("token", &c.token.as_ref().map(|_| "<redacted>"))
            .field("token_from_env", &c.from_env)
            .field("session_id", &c.session_id)
            .finish()
    }
}

/// Which session a request uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SessionUse {
    /// None.
    No,
    /// The current one (created on first use); a 1002 starts a new one and retries.
    Recover,
}

enum CallBody<'a> {
    None,
    /// JSON made from the session id.
    Json(Box<dyn Fn(&str) -> Value + Send + Sync + 'a>),
    /// Multipart parts named `files`, streamed from disk.
    Files(&'a [PathBuf]),
}

/// One API request, rebuilt for every attempt.
struct Call<'a> {
    method: Method,
    /// The path from the session id.
    path: Box<dyn Fn(&str) -> String + Send + Sync + 'a>,
    body: CallBody<'a>,
    session: SessionUse,
    timeout: Option<Duration>,
    sse: bool,
}

impl<'a> Call<'a> {
    fn new(method: Method, path: impl Fn(&str) -> String + Send + Sync + 'a) -> Call<'a> {
        Call { method, path: Box::new(path), body: CallBody::None, session: SessionUse::No, timeout: None, sse: false }
    }

    fn json(mut self, body: impl Fn(&str) -> Value + Send + Sync + 'a) -> Call<'a> {
        self.body = CallBody::Json(Box::new(body));
        self
    }

    fn in_session(mut self) -> Call<'a> {
        self.session = SessionUse::Recover;
        self
    }
}

/// A header value: printable ASCII, at most 64 characters, else `fallback`.
pub fn header_value(s: &str, fallback: &str) -> String {
    let clean: String = s.chars().filter(|c| (' '..='~').contains(c)).take(64).collect();
    let clean = clean.trim();
    if clean.is_empty() { fallback.to_string() } else { clean.to_string() }
}

/// The error sources of `e`, joined.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

fn io_error(action: &str, path: &Path) -> impl FnOnce(std::io::Error) -> ClientError {
    let (action, path) = (action.to_string(), path.to_path_buf());
    move |source| ClientError::Io { action, path, source }
}

fn now_ms() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

impl Client {
    /// A client of the server `options` name, with the credentials stored for it.
    pub fn new(options: ClientOptions) -> Result<Client> {
        let base = config::server_from(options.server.as_deref(), |_| None)?;
        let base_url = reqwest::Url::parse(&format!("{base}/"))
            .map_err(|e| ClientError::InvalidInput(format!("'{base}' is not a server address: {e}")))?;
        let store = options.config_dir.clone().map(ConfigStore::new);
        let stored = match &store {
            Some(s) => s.get(&base)?.unwrap_or_default(),
            None => Credentials::default(),
        };
        let env_token = options.env_token.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(Token::new);
        let from_env = env_token.is_some();
        let client_id = if uuid::Uuid::parse_str(&stored.client_id).is_ok() {
            stored.client_id.clone()
        } else {
            uuid::Uuid::new_v4().to_string()
        };
        let creds = Creds {
            client_id,
            token: if from_env { env_token } else { stored.token.clone() },
            from_env,
            session_id: if from_env { stored.env_session_id.clone() } else { stored.session_id.clone() },
        };
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .user_agent(concat!("cutroom-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::InvalidInput(format!("the HTTP client could not be set up: {}", chain(&e))))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                base_url,
                opts: options,
                store,
                creds: Mutex::new(creds),
                auth: tokio::sync::Mutex::new(()),
                sessions: tokio::sync::Mutex::new(()),
                connecting_said: AtomicBool::new(false),
            }),
        })
    }

    /// [`ClientOptions::from_env`] with an explicit server (`--server`), if given.
    pub fn from_env(server: Option<&str>) -> Result<Client> {
        let mut o = ClientOptions::from_env();
        if let Some(s) = server.filter(|s| !s.trim().is_empty()) {
            o.server = Some(s.to_string());
        }
        Client::new(o)
    }

    /// The server's normalised base URL.
    pub fn server(&self) -> &str {
        &self.inner.base
    }

    /// The session in use, if one was started.
    pub fn session_id(&self) -> Option<String> {
        self.creds().session_id.clone()
    }

    pub fn client_id(&self) -> String {
        self.creds().client_id.clone()
    }

    pub fn token_source(&self) -> TokenSource {
        let c = self.creds();
        match (&c.token, c.from_env) {
            (Some(_), true) => TokenSource::Env,
            (Some(_), false) => TokenSource::Anonymous,
            (None, _) => TokenSource::None,
        }
    }

    /// Where the credentials are stored, if anywhere.
    pub fn config_path(&self) -> Option<PathBuf> {
        self.inner.store.as_ref().map(ConfigStore::path)
    }

    fn creds(&self) -> std::sync::MutexGuard<'_, Creds> {
        self.inner.creds.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn notice(&self, n: Notice) {
        tracing::debug!(target: "cutroom::client", notice = ?n);
        if let Some(f) = &self.inner.opts.on_notice {
            f(&n);
        }
    }

    fn say_connecting(&self) {
        if !self.inner.connecting_said.swap(true, Ordering::SeqCst) {
            self.notice(Notice::Connecting);
        }
    }

    /// Writes this server's entry; a failure is logged (the client goes on in memory).
    fn persist(&self, change: impl FnOnce(&mut Credentials)) {
        if let Some(store) = &self.inner.store
            && let Err(e) = store.update(&self.inner.base, change)
        {
            tracing::warn!(target: "cutroom::client", "keeping the client state: {e}");
        }
    }

    /// Adds the bearer token (when given) and the attribution headers.
    fn decorate(&self, rb: RequestBuilder, token: Option<&Token>) -> RequestBuilder {
        let o = &self.inner.opts;
        let rb = rb
            .header("X-Skill-Source", header_value(&o.source, "cutroom-cli"))
            .header("X-Skill-Version", env!("CARGO_PKG_VERSION"))
            .header("X-Skill-Platform", header_value(&o.platform, "unknown"));
        match token {
            Some(t) => rb.bearer_auth(t.expose()),
            None => rb,
        }
    }

    fn net_error(&self, e: reqwest::Error, what: &str) -> ClientError {
        let url = self.inner.base.clone();
        if e.is_connect() {
            ClientError::Connect { url }
        } else if e.is_timeout() {
            ClientError::Timeout { url, what: what.to_string() }
        } else {
            ClientError::Network { url, detail: chain(&e.without_url()) }
        }
    }

    /// The error a non-success answer stands for.
    async fn failure(&self, resp: Response) -> ClientError {
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = resp.bytes().await.unwrap_or_default();
        match serde_json::from_slice::<Envelope<Value>>(&body) {
            Ok(env) if env.code != 0 => {
                let mut data = env.data;
                // Make the bind link one a browser can open.
                if let Some(Value::Object(d)) = data.as_mut()
                    && let Some(path) = d.get("bind_path").and_then(Value::as_str).map(str::to_string)
                    && !d.contains_key("bind_url")
                {
                    let url = export::resolve_url(&self.inner.base, &path).map(|u| u.to_string()).unwrap_or(path);
                    d.insert("bind_url".into(), Value::String(url));
                }
                ClientError::Api { code: env.code, message: env.message, data, retry_after }
            }
            _ if status == 429 => {
                ClientError::Api { code: 429, message: "too many requests".into(), data: None, retry_after }
            }
            _ => {
                let text = String::from_utf8_lossy(&body);
                let detail: String = text.trim().chars().take(200).collect();
                ClientError::Http {
                    url: self.inner.base.clone(),
                    status,
                    detail: if detail.is_empty() { "empty answer".into() } else { detail },
                }
            }
        }
    }

    /// The `data` of a successful envelope.
    async fn data<T: DeserializeOwned>(&self, resp: Response) -> Result<T> {
        let protocol = |detail: String| ClientError::Protocol { url: self.inner.base.clone(), detail };
        let body = resp.bytes().await.map_err(|e| self.net_error(e, "reading the answer"))?;
        let env: Envelope<Value> =
            serde_json::from_slice(&body).map_err(|e| protocol(format!("not an envelope: {e}")))?;
        if env.code != 0 {
            return Err(ClientError::Api { code: env.code, message: env.message, data: env.data, retry_after: None });
        }
        serde_json::from_value(env.data.unwrap_or(Value::Null)).map_err(|e| protocol(e.to_string()))
    }

    /// Sends a call, recovering once from each of 1001, 1002 (for session calls) and 429.
    /// Returns the successful answer and the session id it used.
    async fn execute(&self, call: &Call<'_>) -> Result<(Response, String)> {
        let (mut renewed, mut replaced, mut waited) = (false, false, false);
        loop {
            let token = self.ensure_token().await?;
            let sid = match call.session {
                SessionUse::No => String::new(),
                SessionUse::Recover => self.ensure_session().await?,
            };
            let path = (call.path)(&sid);
            let what = format!("{} {}", call.method, path.split('?').next().unwrap_or(&path));
            let mut rb = self.decorate(
                self.inner.http.request(call.method.clone(), format!("{}{path}", self.inner.base)),
                Some(&token),
            );
            if let Some(t) = call.timeout {
                rb = rb.timeout(t);
            }
            if call.sse {
                rb = rb.header(ACCEPT, "text/event-stream");
            }
            rb = match &call.body {
                CallBody::None => rb,
                CallBody::Json(f) => rb.json(&f(&sid)),
                CallBody::Files(paths) => rb.multipart(files_form(paths).await?),
            };
            tracing::debug!(target: "cutroom::client", %what, "request");
            let resp = rb.send().await.map_err(|e| self.net_error(e, &what))?;
            if resp.status().is_success() {
                return Ok((resp, sid));
            }
            let err = self.failure(resp).await;
            tracing::debug!(target: "cutroom::client", %what, code = ?err.code(), "refused");
            match &err {
                ClientError::Api { code: 1001, .. } if !renewed && !self.creds().from_env => {
                    renewed = true;
                    self.renew_token(&token).await?;
                }
                ClientError::Api { code: 1002, .. } if call.session == SessionUse::Recover && !replaced => {
                    replaced = true;
                    self.replace_session(&sid).await?;
                }
                ClientError::Api { code: 429, retry_after, .. } if !waited => {
                    let wait = retry_after.unwrap_or(self.inner.opts.rate_limit_wait);
                    if wait > self.inner.opts.max_rate_limit_wait {
                        return Err(err);
                    }
                    waited = true;
                    self.notice(Notice::RateLimited { wait });
                    (self.inner.opts.sleep)(wait).await;
                }
                _ => return Err(err),
            }
        }
    }

    async fn call<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T> {
        let call = Call { timeout: call.timeout.or(Some(self.inner.opts.request_timeout)), ..call };
        let (resp, _) = self.execute(&call).await?;
        self.data(resp).await
    }

    // ---- credentials ----

    async fn ensure_token(&self) -> Result<Token> {
        if let Some(t) = self.creds().token.clone() {
            return Ok(t);
        }
        let _one = self.inner.auth.lock().await;
        if let Some(t) = self.creds().token.clone() {
            return Ok(t);
        }
        self.say_connecting();
        self.obtain_token().await
    }

    /// Replaces `stale` (unless another request already did).
    async fn renew_token(&self, stale: &Token) -> Result<()> {
        let _one = self.inner.auth.lock().await;
        if self.creds().token.as_ref() != Some(stale) {
            return Ok(());
        }
        self.obtain_token().await?;
        self.notice(Notice::TokenRenewed);
        Ok(())
    }

    /// `POST /api/auth/anonymous-token` with the client id (a new id when the server wants
    /// one or will not give the old one another token). Holds `auth`.
    async fn obtain_token(&self) -> Result<Token> {
        let (mut rotated, mut waited) = (false, false);
        loop {
            let client_id = self.creds().client_id.clone();
            let what = "POST /api/auth/anonymous-token";
            let resp = self
                .decorate(self.inner.http.post(format!("{}/api/auth/anonymous-token", self.inner.base)), None)
                .header("X-Client-Id", &client_id)
                .timeout(self.inner.opts.request_timeout)
                .send()
                .await
                .map_err(|e| self.net_error(e, what))?;
            if resp.status().is_success() {
                let data: TokenData = self.data(resp).await?;
                let token = Token::new(data.token);
                self.creds().token = Some(token.clone());
                let stored = token.clone();
                self.persist(move |c| {
                    c.client_id = client_id;
                    c.token = Some(stored);
                });
                return Ok(token);
            }
            let err = self.failure(resp).await;
            let max = self.inner.opts.max_rate_limit_wait;
            match &err {
                ClientError::Api { code: 400, message, .. }
                    if !rotated && message.to_ascii_lowercase().contains("x-client-id") =>
                {
                    rotated = true;
                    self.rotate_client_id();
                }
                // One token per client id per token lifetime: the reference clients make a new id.
                ClientError::Api { code: 429, retry_after, .. } if !rotated && retry_after.is_some_and(|w| w > max) => {
                    rotated = true;
                    self.rotate_client_id();
                }
                ClientError::Api { code: 429, retry_after, .. } if !waited => {
                    waited = true;
                    let wait = retry_after.unwrap_or(self.inner.opts.rate_limit_wait).min(max);
                    self.notice(Notice::RateLimited { wait });
                    (self.inner.opts.sleep)(wait).await;
                }
                _ => return Err(err),
            }
        }
    }

    fn rotate_client_id(&self) {
        self.creds().client_id = uuid::Uuid::new_v4().to_string();
        self.notice(Notice::ClientIdRenewed);
    }

    async fn ensure_session(&self) -> Result<String> {
        if let Some(s) = self.session_id() {
            return Ok(s);
        }
        let _one = self.inner.sessions.lock().await;
        if let Some(s) = self.session_id() {
            return Ok(s);
        }
        self.say_connecting();
        self.create_session(None).await
    }

    /// Replaces `stale` after a 1002 (unless another request already did).
    async fn replace_session(&self, stale: &str) -> Result<()> {
        let _one = self.inner.sessions.lock().await;
        if self.session_id().as_deref() != Some(stale) {
            return Ok(());
        }
        self.create_session(Some(stale)).await.map(|_| ())
    }

    /// Starts a new session and makes it the current one (the old one stays on the server;
    /// the notice's `replaced` is `None`: nothing was lost).
    pub async fn new_session(&self) -> Result<String> {
        let _one = self.inner.sessions.lock().await;
        self.create_session(None).await
    }

    /// Boxed, with `Send` stated: creating a session goes through `execute`, which may
    /// create a session, so the future's type must not depend on itself.
    fn create_session<'a>(
        &'a self,
        replaced: Option<&'a str>,
    ) -> Pin<Box<dyn Future<Output = Result<String>> + Send + 'a>> {
        Box::pin(async move {
            let language = self.inner.opts.language.clone();
            let call = Call::new(Method::POST, |_| format!("/api/tasks/me/with-session/{APP}"))
                .json(move |_| json!({"task_name": "project", "language": language}));
            let data: SessionData = self.call(call).await?;
            let sid = data.session_id;
            let from_env = {
                let mut c = self.creds();
                c.session_id = Some(sid.clone());
                c.from_env
            };
            let stored = sid.clone();
            self.persist(move |c| {
                if from_env {
                    c.env_session_id = Some(stored);
                } else {
                    c.session_id = Some(stored);
                }
            });
            self.notice(Notice::SessionStarted { session_id: sid.clone(), replaced: replaced.map(str::to_string) });
            Ok(sid)
        })
    }

    // ---- operations ----

    /// `GET /healthz`: whether a cutroom server answers at the base URL.
    pub async fn health(&self) -> Result<()> {
        let resp = self
            .decorate(self.inner.http.get(format!("{}/healthz", self.inner.base)), None)
            .timeout(self.inner.opts.request_timeout)
            .send()
            .await
            .map_err(|e| self.net_error(e, "GET /healthz"))?;
        if !resp.status().is_success() {
            return Err(self.failure(resp).await);
        }
        self.data::<Value>(resp).await.map(|_| ())
    }

    /// The account's credits.
    pub async fn credits(&self) -> Result<Balance> {
        self.call(Call::new(Method::GET, |_| "/api/credits/balance/simple".into())).await
    }

    /// The session's state: draft, summary, media, generated media.
    pub async fn state(&self) -> Result<StateData> {
        self.call(
            Call::new(Method::GET, |sid| format!("/api/state/{APP}/me/{}/latest", path_segment(sid))).in_session(),
        )
        .await
    }

    /// Uploads local files (streamed, as multipart parts named `files`).
    pub async fn upload_files<P: AsRef<Path>>(&self, paths: &[P]) -> Result<Vec<MediaInfo>> {
        if paths.is_empty() {
            return Err(ClientError::InvalidInput("nothing to upload: name one or more files".into()));
        }
        if paths.len() > MAX_FILES {
            return Err(ClientError::InvalidInput(format!("at most {MAX_FILES} files per upload")));
        }
        let mut files = Vec::with_capacity(paths.len());
        for p in paths {
            let p = p.as_ref();
            let meta = tokio::fs::metadata(p).await.map_err(io_error("read", p))?;
            if !meta.is_file() {
                return Err(ClientError::InvalidInput(format!("{} is not a file", p.display())));
            }
            files.push(p.to_path_buf());
        }
        let call = Call {
            body: CallBody::Files(&files),
            ..Call::new(Method::POST, |sid| format!("/api/upload-video/{APP}/me/{}", path_segment(sid))).in_session()
        };
        let (resp, _) = self.execute(&call).await?;
        Ok(self.data::<UploadData>(resp).await?.media)
    }

    /// Asks the server to fetch media from URLs.
    pub async fn upload_urls(&self, urls: &[&str]) -> Result<Vec<MediaInfo>> {
        if urls.is_empty() {
            return Err(ClientError::InvalidInput("nothing to upload: name one or more URLs".into()));
        }
        let urls: Vec<String> = urls.iter().map(|u| u.trim().to_string()).collect();
        let call = Call::new(Method::POST, |sid| format!("/api/upload-video/{APP}/me/{}", path_segment(sid)))
            .in_session()
            .json(move |_| json!({"urls": urls, "source_type": "url"}));
        Ok(self.call::<UploadData>(call).await?.media)
    }

    /// Uploads what a message or a command named: the files (`~/` expanded; in batches of
    /// [`MAX_FILES`]), then the URLs. A missing file is an error before anything is sent.
    /// `on_batch` hears what is about to go (for a progress line).
    pub async fn upload_sources(&self, sources: &[Source], mut on_batch: impl FnMut(&str)) -> Result<Vec<MediaInfo>> {
        let missing: Vec<&str> =
            sources.iter().filter_map(|s| if let Source::Missing(p) = s { Some(p.as_str()) } else { None }).collect();
        if !missing.is_empty() {
            return Err(ClientError::InvalidInput(format!("no such file: {}", missing.join(", "))));
        }
        let paths: Vec<PathBuf> =
            sources.iter().filter_map(|s| if let Source::Path(p) = s { Some(expand_home(p)) } else { None }).collect();
        let urls: Vec<&str> =
            sources.iter().filter_map(|s| if let Source::Url(u) = s { Some(u.as_str()) } else { None }).collect();
        let mut media = Vec::new();
        for batch in paths.chunks(MAX_FILES) {
            on_batch(&format!("Uploading {} file{}…", batch.len(), if batch.len() == 1 { "" } else { "s" }));
            media.extend(self.upload_files(batch).await?);
        }
        if !urls.is_empty() {
            on_batch(&format!("Fetching {} URL{}…", urls.len(), if urls.len() == 1 { "" } else { "s" }));
            media.extend(self.upload_urls(&urls).await?);
        }
        Ok(media)
    }

    /// Asks the server to fetch one URL.
    pub async fn upload_url(&self, url: &str) -> Result<Vec<MediaInfo>> {
        self.upload_urls(&[url]).await
    }

    /// Sends a message to the agent; the turn's events stream back.
    pub async fn send(&self, message: &str) -> Result<TurnStream> {
        let call = Call {
            timeout: Some(self.inner.opts.turn_timeout),
            sse: true,
            ..Call::new(Method::POST, |_| "/run_sse".into()).in_session().json(move |sid| {
                json!({"app_name": APP, "user_id": "me", "session_id": sid,
                       "new_message": {"role": "user", "parts": [{"text": message}]}})
            })
        };
        let (resp, sid) = self.execute(&call).await?;
        let kind = resp.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        if !kind.starts_with("text/event-stream") {
            // An envelope where events were expected.
            return Err(match self.data::<Value>(resp).await {
                Err(e) => e,
                Ok(_) => ClientError::Protocol {
                    url: self.inner.base.clone(),
                    detail: format!("/run_sse answered {kind:?} instead of an event stream"),
                },
            });
        }
        let client = self.clone();
        let body = resp
            .bytes_stream()
            .map(move |r| r.map(|b| b.to_vec()).map_err(|e| client.net_error(e, "reading the turn")));
        let idle = self.inner.opts.read_timeout;
        Ok(TurnStream {
            body: Box::pin(body),
            parser: SseParser::new(),
            queue: VecDeque::new(),
            finished: false,
            session_id: sid,
            idle,
            quiet: Box::pin(tokio::time::sleep(idle)),
            url: self.inner.base.clone(),
        })
    }

    /// Sends a message and waits for the whole turn, telling `on_event` about each event.
    pub async fn say(&self, message: &str, mut on_event: impl FnMut(&TurnEvent) + Send) -> Result<TurnOutcome> {
        let mut stream = self.send(message).await?;
        let mut outcome = TurnOutcome { session_id: stream.session_id().to_string(), ..TurnOutcome::default() };
        while let Some(event) = stream.next().await {
            let event = event?;
            on_event(&event);
            outcome.add(&event);
        }
        Ok(outcome)
    }

    /// A render's status.
    pub async fn render_status(&self, id: &str) -> Result<RenderStatus> {
        let id = id.to_string();
        self.call(Call::new(Method::GET, move |_| format!("/api/render/proxy/lambda/{}", path_segment(&id)))).await
    }

    /// Exports the session's current draft: submits the render, polls it (reporting
    /// progress) until it is done, then downloads the MP4.
    pub async fn export(
        &self,
        options: &ExportOptions,
        mut progress: impl FnMut(&ExportProgress) + Send,
    ) -> Result<ExportResult> {
        let state = self.state().await?;
        let id = options.id.clone().unwrap_or_else(|| export::render_id(now_ms()));
        let mut output = json!({"format": "mp4", "quality": options.quality.as_str()});
        if let Some(r) = options.resolution {
            output["resolution"] = json!(r);
        }
        let body = json!({"id": id, "sessionId": state.session_id, "draft": state.state.draft, "output": output});
        let submitted: RenderStatus = self
            .call(Call::new(Method::POST, |_| "/api/render/proxy/lambda".into()).json(move |_| body.clone()))
            .await?;
        progress(&ExportProgress::Submitted { id: id.clone() });
        let started = Instant::now();
        let mut status = submitted;
        let result = loop {
            match status.status.as_str() {
                "completed" => {
                    if let Some(out) = status.output.take() {
                        break out;
                    }
                }
                "failed" => {
                    return Err(ClientError::RenderFailed {
                        id,
                        reason: status.error.unwrap_or_else(|| "no reason given".into()),
                    });
                }
                "queued" => progress(&ExportProgress::Queued),
                _ => progress(&ExportProgress::Rendering { fraction: status.progress.clamp(0.0, 1.0) }),
            }
            if status.status != "completed" {
                if started.elapsed() > self.inner.opts.render_timeout {
                    return Err(ClientError::Timeout {
                        url: self.inner.base.clone(),
                        what: format!("export {id} still {} after {} s", status.status, started.elapsed().as_secs()),
                    });
                }
                tokio::time::sleep(self.inner.opts.poll_interval).await;
            }
            status = self.render_status(&id).await?;
        };
        let is_dir = tokio::fs::metadata(&options.dest).await.is_ok_and(|m| m.is_dir());
        let path = export::export_path(&options.dest, is_dir, &id);
        let size = self
            .download(&result.url, &path, |received, total| progress(&ExportProgress::Downloading { received, total }))
            .await?;
        progress(&ExportProgress::Saved { path: path.clone() });
        Ok(ExportResult {
            id,
            path,
            url: result.url,
            size_bytes: size,
            duration_ms: result.duration_ms,
            width: result.width,
            height: result.height,
        })
    }

    /// Downloads `url` (absolute, or relative to the server) to `dest`, streamed into a
    /// temporary file beside it that is renamed into place when complete. The token is
    /// only sent to the server's own origin. Returns the size.
    pub async fn download(
        &self,
        url: &str,
        dest: &Path,
        mut progress: impl FnMut(u64, Option<u64>) + Send,
    ) -> Result<u64> {
        use tokio::io::AsyncWriteExt;
        let target = export::resolve_url(&self.inner.base, url)?;
        let token = if export::same_origin(&target, &self.inner.base_url) { self.creds().token.clone() } else { None };
        let resp = self
            .decorate(self.inner.http.get(target), token.as_ref())
            .send()
            .await
            .map_err(|e| self.net_error(e, "downloading"))?;
        if !resp.status().is_success() {
            return Err(self.failure(resp).await);
        }
        let total = resp.content_length();
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        tokio::fs::create_dir_all(&dir).await.map_err(io_error("create", &dir))?;
        let name = dest.file_name().map_or_else(|| "download".into(), |n| n.to_string_lossy().into_owned());
        let tmp = TempFile(Some(dir.join(format!(".{name}.{}.part", uuid::Uuid::new_v4().simple()))));
        let tmp_path = tmp.path().to_path_buf();
        let mut file = tokio::fs::File::create(&tmp_path).await.map_err(io_error("create", &tmp_path))?;
        let mut received = 0u64;
        progress(0, total);
        let mut body = resp.bytes_stream();
        let idle = self.inner.opts.read_timeout;
        loop {
            let next = tokio::time::timeout(idle, body.next()).await.map_err(|_| ClientError::Timeout {
                url: self.inner.base.clone(),
                what: format!("the download was silent for {} s", idle.as_secs()),
            })?;
            let Some(chunk) = next else { break };
            let chunk = chunk.map_err(|e| self.net_error(e, "downloading"))?;
            file.write_all(&chunk).await.map_err(io_error("write", &tmp_path))?;
            received += chunk.len() as u64;
            progress(received, total);
        }
        if let Some(t) = total.filter(|t| *t != received) {
            return Err(ClientError::Network {
                url: self.inner.base.clone(),
                detail: format!("the download ended after {received} of {t} bytes"),
            });
        }
        file.flush().await.map_err(io_error("write", &tmp_path))?;
        file.sync_all().await.map_err(io_error("write", &tmp_path))?;
        drop(file);
        tokio::fs::rename(&tmp_path, dest).await.map_err(io_error("save", dest))?;
        tmp.keep();
        Ok(received)
    }
}

/// A path segment with anything outside `[A-Za-z0-9._-]` percent-encoded.
fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A temporary file removed on drop unless kept.
struct TempFile(Option<PathBuf>);

impl TempFile {
    fn path(&self) -> &Path {
        self.0.as_deref().unwrap_or(Path::new(""))
    }

    fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The multipart form of an upload: one streamed part named `files` per path.
async fn files_form(paths: &[PathBuf]) -> Result<reqwest::multipart::Form> {
    let mut form = reqwest::multipart::Form::new();
    for p in paths {
        let file = tokio::fs::File::open(p).await.map_err(io_error("open", p))?;
        let len = file.metadata().await.map_err(io_error("read", p))?.len();
        let name = p.file_name().map_or_else(|| "upload".into(), |n| n.to_string_lossy().into_owned());
        form = form.part("files", reqwest::multipart::Part::stream_with_length(file, len).file_name(name));
    }
    Ok(form)
}

type Chunks = Pin<Box<dyn Stream<Item = Result<Vec<u8>>> + Send>>;

/// The events of one agent turn, as they arrive. Ends when the server closes the stream.
pub struct TurnStream {
    body: Chunks,
    parser: SseParser,
    queue: VecDeque<TurnEvent>,
    finished: bool,
    session_id: String,
    /// Longest silence (not even a heartbeat) before the turn counts as lost.
    idle: Duration,
    quiet: Pin<Box<tokio::time::Sleep>>,
    url: String,
}

impl TurnStream {
    /// The session the message went to.
    pub fn session_id(&self) -> &str {
        &self.session_id
    }
}

impl std::fmt::Debug for TurnStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnStream").field("session_id", &self.session_id).field("finished", &self.finished).finish()
    }
}

impl Stream for TurnStream {
    type Item = Result<TurnEvent>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(e) = this.queue.pop_front() {
                return Poll::Ready(Some(Ok(e)));
            }
            if this.finished {
                return Poll::Ready(None);
            }
            match this.body.poll_next_unpin(cx) {
                Poll::Pending => {
                    if this.quiet.as_mut().poll(cx).is_ready() {
                        this.finished = true;
                        return Poll::Ready(Some(Err(ClientError::Timeout {
                            url: this.url.clone(),
                            what: format!("the agent's event stream was silent for {} s", this.idle.as_secs()),
                        })));
                    }
                    return Poll::Pending;
                }
                Poll::Ready(Some(Ok(bytes))) => {
                    this.quiet.as_mut().reset(tokio::time::Instant::now() + this.idle);
                    for item in this.parser.push(&bytes) {
                        this.queue.extend(turn_events(item));
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    this.finished = true;
                    for item in this.parser.finish() {
                        this.queue.extend(turn_events(item));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_printable() {
        assert_eq!(header_value("cutroom-cli", "x"), "cutroom-cli");
        assert_eq!(header_value(" \n\u{7f}", "unknown"), "unknown");
        assert_eq!(header_value("curs\u{f6}r", "unknown"), "cursr");
        assert_eq!(header_value(&"a".repeat(100), "x").len(), 64);
    }

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(path_segment("render_1"), "render_1");
        assert_eq!(path_segment("a/b?c"), "a%2Fb%3Fc");
    }

    #[test]
    fn options_debug_hides_the_token() {
        let o = ClientOptions { env_token: Some("tok-secret-1".into()), ..ClientOptions::default() };
        let c = Client::new(o.clone()).unwrap();
        let shown = format!("{o:?} {c:?}");
        assert!(!shown.contains("tok-secret-1") && shown.contains("redacted"), "{shown}");
        assert_eq!(c.token_source(), TokenSource::Env);
        assert_eq!(c.server(), config::DEFAULT_SERVER);
    }
}
