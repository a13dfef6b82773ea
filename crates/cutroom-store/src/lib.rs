//! cutroom's persistent state behind a small repository interface — accounts and hashed
//! tokens, the credits ledger, sessions and draft versions, media, generated media, jobs,
//! agent turns, attribution usage — with SQLite as the embedded default. Also the
//! content-addressed file store for media. This is the only crate with SQL.

mod blobs;
mod sqlite;

pub use blobs::{BlobStore, Ingest, IngestError, TooLarge};
pub use sqlite::SqliteStore;

use async_trait::async_trait;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A token was issued to this client too recently; retry after this many seconds.
    #[error("a token was issued to this client {retry_after} s too recently")]
    TooSoon { retry_after: i64 },
    #[error("not enough credits: {available} available, {needed} needed")]
    Insufficient { available: i64, needed: i64 },
    /// A hold was already charged or released.
    #[error("hold {id} is already {state}")]
    Settled { id: String, state: String },
    /// Someone else changed the draft first.
    #[error("the draft changed meanwhile (now at version {current})")]
    Stale { current: i64 },
    #[error("database: {0}")]
    Db(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            other => StoreError::Db(other.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> StoreError {
        StoreError::Db(format!("migrating: {e}"))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    /// `anonymous` or `registered`.
    pub kind: String,
    pub name: Option<String>,
    pub bind_id: String,
    pub available: i64,
    pub frozen: i64,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hold {
    pub id: String,
    pub account_id: String,
    pub amount: i64,
    pub state: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerEntry {
    pub kind: String,
    pub amount: i64,
    pub hold_id: Option<String>,
    pub note: Option<String>,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub task_id: String,
    pub account_id: String,
    pub name: Option<String>,
    pub language: Option<String>,
    /// The current draft version (1 = the first).
    pub draft_version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Everything the state endpoint shows of a session, read in one go.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionSnapshot {
    pub session: Session,
    /// The current draft's JSON.
    pub draft: String,
    /// How many versions the draft has.
    pub versions: i64,
    pub media: Vec<MediaRecord>,
    pub generated: Vec<GeneratedRecord>,
}

/// A media file of a session.
#[derive(Clone, Debug, PartialEq)]
pub struct MediaRecord {
    pub id: String,
    pub account_id: String,
    pub session_id: String,
    pub blob_hash: String,
    pub name: String,
    pub source: String,
    pub url: Option<String>,
    pub kind: String,
    /// ffprobe's findings, JSON.
    pub probe: String,
    pub analysis_status: String,
    pub analysis: Option<String>,
    pub size: i64,
    pub created_at: i64,
}

/// A media file to add.
#[derive(Clone, Debug)]
pub struct NewMedia {
    pub account_id: String,
    pub session_id: String,
    pub blob_hash: String,
    pub size: i64,
    pub name: String,
    pub source: String,
    pub url: Option<String>,
    pub kind: String,
    pub probe: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GeneratedRecord {
    pub id: String,
    pub kind: String,
    pub media_id: Option<String>,
    pub meta: String,
    pub created_at: i64,
}

/// A background job.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: String,
    pub account_id: String,
    pub client_key: String,
    pub session_id: Option<String>,
    pub kind: String,
    /// `queued`, `rendering`, `completed` or `failed`.
    pub status: String,
    pub progress: f64,
    /// What to do, JSON.
    pub request: String,
    /// What came out, JSON.
    pub output: Option<String>,
    pub error: Option<String>,
    pub hold_id: Option<String>,
    pub attempts: i64,
    pub cancel: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A job to queue.
#[derive(Clone, Debug)]
pub struct NewJob {
    pub account_id: String,
    pub client_key: String,
    pub session_id: Option<String>,
    pub kind: String,
    pub request: String,
    /// Credits to freeze for it (0: free).
    pub price: i64,
}

/// Requests counted per attribution source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageRow {
    pub source: String,
    pub version: String,
    pub platform: String,
    pub route: String,
    pub count: i64,
}

/// The repository interface. Every call that reads a user's data takes the account id, so
/// one user can never reach another's rows.
#[async_trait]
pub trait Store: Send + Sync {
    // ---- accounts and tokens ----

    /// An anonymous token for `client_id`: a new account with `credits` the first time, the
    /// same account afterwards — but at most one token per `every` seconds.
    async fn issue_anonymous_token(
        &self,
        client_id: &str,
        token_hash: &str,
        now: i64,
        ttl: i64,
        every: i64,
        credits: i64,
    ) -> Result<Account>;
    /// A registered account (operator-made) with a first grant of credits.
    async fn create_account(&self, name: &str, credits: i64, now: i64) -> Result<Account>;
    async fn add_token(&self, account_id: &str, token_hash: &str, now: i64, ttl: i64) -> Result<()>;
    /// The account a live token belongs to.
    async fn account_by_token(&self, token_hash: &str, now: i64) -> Result<Account>;
    async fn account(&self, account_id: &str) -> Result<Account>;
    /// An account by its id, bind id or client id (for operators).
    async fn find_account(&self, key: &str) -> Result<Account>;
    async fn accounts(&self) -> Result<Vec<Account>>;

    // ---- credits ----

    async fn grant(&self, account_id: &str, amount: i64, note: &str, now: i64) -> Result<Account>;
    /// Moves `amount` from available to frozen, or fails with `Insufficient`.
    async fn freeze(&self, account_id: &str, amount: i64, purpose: &str, now: i64) -> Result<Hold>;
    /// Frozen credits are spent. Fails with `Settled` if the hold was settled before.
    async fn charge(&self, hold_id: &str, now: i64) -> Result<()>;
    /// Frozen credits go back to available. Fails with `Settled` if settled before.
    async fn release(&self, hold_id: &str, now: i64) -> Result<()>;
    async fn ledger(&self, account_id: &str) -> Result<Vec<LedgerEntry>>;

    // ---- sessions and drafts ----

    async fn create_session(
        &self,
        account_id: &str,
        name: Option<&str>,
        language: Option<&str>,
        draft: &str,
        now: i64,
    ) -> Result<Session>;
    /// A session of this account (`NotFound` for someone else's).
    async fn session(&self, account_id: &str, session_id: &str) -> Result<Session>;
    async fn draft(&self, session_id: &str, version: i64) -> Result<String>;
    /// A session of this account with its current draft, media and generated media, on one
    /// connection (`NotFound` for someone else's).
    async fn snapshot(&self, account_id: &str, session_id: &str) -> Result<SessionSnapshot>;
    /// How many versions the session's draft has.
    async fn draft_versions(&self, session_id: &str) -> Result<i64>;
    /// Adds a version after `expected` (the caller's view of the current one), dropping any
    /// versions after it (they were undone). Fails with `Stale` if the draft moved on.
    async fn push_draft(
        &self,
        session_id: &str,
        expected: i64,
        body: &str,
        note: &str,
        group: Option<&str>,
        now: i64,
    ) -> Result<i64>;
    /// Every version of the session's draft with the group (agent turn) that made it.
    async fn draft_groups(&self, session_id: &str) -> Result<Vec<(i64, Option<String>)>>;
    /// Makes `version` current (undo/redo).
    async fn set_draft_version(&self, session_id: &str, expected: i64, version: i64, now: i64) -> Result<()>;

    // ---- media ----

    /// Adds media (and their blobs) in one transaction.
    async fn add_media(&self, media: &[NewMedia], now: i64) -> Result<Vec<MediaRecord>>;
    async fn session_media(&self, account_id: &str, session_id: &str) -> Result<Vec<MediaRecord>>;
    async fn media(&self, account_id: &str, media_id: &str) -> Result<MediaRecord>;
    async fn set_analysis(&self, media_id: &str, status: &str, analysis: Option<&str>) -> Result<()>;
    /// Media whose analysis has not been done.
    async fn pending_analysis(&self) -> Result<Vec<MediaRecord>>;
    async fn add_generated(
        &self,
        account_id: &str,
        session_id: &str,
        kind: &str,
        media_id: Option<&str>,
        meta: &str,
        now: i64,
    ) -> Result<GeneratedRecord>;
    async fn session_generated(&self, account_id: &str, session_id: &str) -> Result<Vec<GeneratedRecord>>;

    // ---- jobs ----

    /// Queues a job (freezing its price) — or returns the job already queued under the
    /// same client key, with `false`.
    async fn enqueue(&self, job: &NewJob, now: i64) -> Result<(Job, bool)>;
    async fn job(&self, account_id: &str, client_key: &str) -> Result<Job>;
    async fn job_by_id(&self, job_id: &str) -> Result<Job>;
    /// Takes the oldest queued job of `kind` and marks it running.
    async fn claim(&self, kind: &str, now: i64) -> Result<Option<Job>>;
    async fn progress(&self, job_id: &str, progress: f64, now: i64) -> Result<()>;
    /// Ends a job: completed (its hold is charged) or failed (its hold released), at once.
    async fn finish(
        &self,
        job_id: &str,
        completed: bool,
        output: Option<&str>,
        error: Option<&str>,
        now: i64,
    ) -> Result<()>;
    /// Asks a job to stop; a queued one fails at once.
    async fn cancel_job(&self, account_id: &str, client_key: &str, now: i64) -> Result<Job>;
    /// Puts running jobs back in the queue (after a restart, or at shutdown).
    async fn requeue_running(&self, now: i64) -> Result<u64>;
    async fn requeue(&self, job_id: &str, now: i64) -> Result<()>;
    /// Jobs waiting, per kind.
    async fn queue_depth(&self) -> Result<Vec<(String, i64)>>;

    // ---- turns and usage ----

    /// Records a turn: the message, its events, and the agent's context afterwards.
    async fn record_turn(
        &self,
        account_id: &str,
        session_id: &str,
        message: &str,
        events: &str,
        context: &str,
        now: i64,
    ) -> Result<String>;
    /// The context the session's latest turn left.
    async fn last_context(&self, session_id: &str) -> Result<Option<String>>;
    async fn count_usage(&self, source: &str, version: &str, platform: &str, route: &str, count: i64) -> Result<()>;
    async fn usage(&self) -> Result<Vec<UsageRow>>;
}

/// A fresh random id with a prefix: `acc_…`, `ses_…`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}
