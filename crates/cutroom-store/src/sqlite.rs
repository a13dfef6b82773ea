//! The SQLite store: one file under the data directory, WAL mode, migrations embedded from
//! `migrations/`. Every transaction that moves credits or advances a draft or job starts
//! `IMMEDIATE` (it takes the write lock first), so concurrent writers queue instead of
//! deadlocking, and checks its precondition in the same statement that changes the row.

use crate::*;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use std::path::Path;
use std::time::Duration;

/// The embedded store.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

type Tx = Transaction<'static, Sqlite>;

/// A query on media rows with their blob's size (what `media()` reads), then `$rest`.
macro_rules! select_media {
    ($rest:literal) => {
        concat!("SELECT m.id, m.account_id, m.session_id, m.blob_hash, m.name, m.source, m.url, m.kind, m.probe, m.analysis_status, m.analysis, b.size, m.created_at FROM media m JOIN blobs b ON b.hash = m.blob_hash ", $rest)
    };
}

const MEDIA_OF_SESSION: &str =
    select_media!("WHERE m.session_id = ? AND m.account_id = ? ORDER BY m.created_at, m.rowid");
const GENERATED_OF_SESSION: &str = "SELECT id, kind, media_id, meta, created_at FROM generated_media WHERE session_id = ? AND account_id = ? ORDER BY created_at, rowid";

fn account(r: &SqliteRow) -> Account {
    Account {
        id: r.get("id"),
        kind: r.get("kind"),
        name: r.get("name"),
        bind_id: r.get("bind_id"),
        available: r.get("available"),
        frozen: r.get("frozen"),
        created_at: r.get("created_at"),
    }
}

fn session(r: &SqliteRow) -> Session {
    Session {
        id: r.get("id"),
        task_id: r.get("task_id"),
        account_id: r.get("account_id"),
        name: r.get("name"),
        language: r.get("language"),
        draft_version: r.get("draft_version"),
        created_at: r.get("created_at"),
        updated_at: r.get("updated_at"),
    }
}

fn job(r: &SqliteRow) -> Job {
    Job {
        id: r.get("id"),
        account_id: r.get("account_id"),
        client_key: r.get("client_key"),
        session_id: r.get("session_id"),
        kind: r.get("kind"),
        status: r.get("status"),
        progress: r.get("progress"),
        request: r.get("request"),
        output: r.get("output"),
        error: r.get("error"),
        hold_id: r.get("hold_id"),
        attempts: r.get("attempts"),
        cancel: r.get::<i64, _>("cancel") != 0,
        created_at: r.get("created_at"),
        updated_at: r.get("updated_at"),
    }
}

fn media(r: &SqliteRow) -> MediaRecord {
    MediaRecord {
        id: r.get("id"),
        account_id: r.get("account_id"),
        session_id: r.get("session_id"),
        blob_hash: r.get("blob_hash"),
        name: r.get("name"),
        source: r.get("source"),
        url: r.get("url"),
        kind: r.get("kind"),
        probe: r.get("probe"),
        analysis_status: r.get("analysis_status"),
        analysis: r.get("analysis"),
        size: r.get("size"),
        created_at: r.get("created_at"),
    }
}

fn generated(r: &SqliteRow) -> GeneratedRecord {
    GeneratedRecord {
        id: r.get("id"),
        kind: r.get("kind"),
        media_id: r.get("media_id"),
        meta: r.get("meta"),
        created_at: r.get("created_at"),
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(15));
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    async fn write(&self) -> Result<Tx> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn insert_account(tx: &mut Tx, kind: &str, name: Option<&str>, credits: i64, now: i64) -> Result<String> {
    let id = new_id("acc");
    let bind = format!("b{}", &uuid::Uuid::new_v4().simple().to_string()[..16]);
    sqlx::query(
        "INSERT INTO accounts (id, kind, name, bind_id, available, frozen, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
    )
    .bind(&id)
    .bind(kind)
    .bind(name)
    .bind(&bind)
    .bind(credits)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if credits > 0 {
        ledger(tx, &id, "grant", credits, None, Some("welcome credits"), now).await?;
    }
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn ledger(
    tx: &mut Tx,
    account_id: &str,
    kind: &str,
    amount: i64,
    hold_id: Option<&str>,
    note: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO ledger (account_id, kind, amount, hold_id, note, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(account_id)
        .bind(kind)
        .bind(amount)
        .bind(hold_id)
        .bind(note)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn account_in(tx: &mut Tx, id: &str) -> Result<Account> {
    let sql = "SELECT id, kind, name, bind_id, available, frozen, created_at FROM accounts WHERE id = ?";
    Ok(account(&sqlx::query(sql).bind(id).fetch_one(&mut **tx).await?))
}

/// Moves credits to a new hold, inside `tx`.
async fn freeze_in(tx: &mut Tx, account_id: &str, amount: i64, purpose: &str, now: i64) -> Result<Hold> {
    let moved = sqlx::query(
        "UPDATE accounts SET available = available - ?1, frozen = frozen + ?1 WHERE id = ?2 AND available >= ?1",
    )
    .bind(amount)
    .bind(account_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if moved == 0 {
        let acc = account_in(tx, account_id).await?;
        return Err(StoreError::Insufficient { available: acc.available, needed: amount });
    }
    let id = new_id("hold");
    sqlx::query(
        "INSERT INTO holds (id, account_id, amount, state, purpose, created_at) VALUES (?, ?, ?, 'frozen', ?, ?)",
    )
    .bind(&id)
    .bind(account_id)
    .bind(amount)
    .bind(purpose)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    ledger(tx, account_id, "freeze", amount, Some(&id), Some(purpose), now).await?;
    Ok(Hold { id, account_id: account_id.into(), amount, state: "frozen".into() })
}

/// Charges or releases a hold, inside `tx`; only a frozen hold moves, and only once.
async fn settle_in(tx: &mut Tx, hold_id: &str, charge: bool, now: i64) -> Result<()> {
    let state = if charge { "charged" } else { "released" };
    let row = sqlx::query(
        "UPDATE holds SET state = ?, settled_at = ? WHERE id = ? AND state = 'frozen' RETURNING account_id, amount",
    )
    .bind(state)
    .bind(now)
    .bind(hold_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        let current: Option<String> =
            sqlx::query_scalar("SELECT state FROM holds WHERE id = ?").bind(hold_id).fetch_optional(&mut **tx).await?;
        return match current {
            Some(state) => Err(StoreError::Settled { id: hold_id.into(), state }),
            None => Err(StoreError::NotFound),
        };
    };
    let (account_id, amount): (String, i64) = (row.get("account_id"), row.get("amount"));
    let sql = if charge {
        "UPDATE accounts SET frozen = frozen - ?1 WHERE id = ?2"
    } else {
        "UPDATE accounts SET frozen = frozen - ?1, available = available + ?1 WHERE id = ?2"
    };
    sqlx::query(sql).bind(amount).bind(&account_id).execute(&mut **tx).await?;
    ledger(tx, &account_id, if charge { "charge" } else { "release" }, amount, Some(hold_id), None, now).await?;
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    async fn issue_anonymous_token(
        &self,
        client_id: &str,
        token_hash: &str,
        now: i64,
        ttl: i64,
        every: i64,
        credits: i64,
    ) -> Result<Account> {
        let mut tx = self.write().await?;
        let known: Option<(String, i64)> =
            sqlx::query_as("SELECT account_id, last_token_at FROM clients WHERE client_id = ?")
                .bind(client_id)
                .fetch_optional(&mut *tx)
                .await?;
        let account_id = match known {
            Some((_, last)) if now - last < every => {
                return Err(StoreError::TooSoon { retry_after: every - (now - last) });
            }
            Some((id, _)) => {
                sqlx::query("UPDATE clients SET last_token_at = ? WHERE client_id = ?")
                    .bind(now)
                    .bind(client_id)
                    .execute(&mut *tx)
                    .await?;
                id
            }
            None => {
                let id = insert_account(&mut tx, "anonymous", None, credits, now).await?;
                sqlx::query("INSERT INTO clients (client_id, account_id, last_token_at) VALUES (?, ?, ?)")
                    .bind(client_id)
                    .bind(&id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                id
            }
        };
        sqlx::query("INSERT INTO tokens (hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
            .bind(token_hash)
            .bind(&account_id)
            .bind(now)
            .bind(now + ttl)
            .execute(&mut *tx)
            .await?;
        let acc = account_in(&mut tx, &account_id).await?;
        tx.commit().await?;
        Ok(acc)
    }

    async fn create_account(&self, name: &str, credits: i64, now: i64) -> Result<Account> {
        let mut tx = self.write().await?;
        let id = insert_account(&mut tx, "registered", Some(name), credits, now).await?;
        let acc = account_in(&mut tx, &id).await?;
        tx.commit().await?;
        Ok(acc)
    }

    async fn add_token(&self, account_id: &str, token_hash: &str, now: i64, ttl: i64) -> Result<()> {
        sqlx::query("INSERT INTO tokens (hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
            .bind(token_hash)
            .bind(account_id)
            .bind(now)
            .bind(now + ttl)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn account_by_token(&self, token_hash: &str, now: i64) -> Result<Account> {
        let sql = "SELECT a.id, a.kind, a.name, a.bind_id, a.available, a.frozen, a.created_at FROM tokens t JOIN accounts a ON a.id = t.account_id WHERE t.hash = ? AND t.expires_at > ?";
        Ok(account(&sqlx::query(sql).bind(token_hash).bind(now).fetch_one(&self.pool).await?))
    }

    async fn account(&self, account_id: &str) -> Result<Account> {
        let sql = "SELECT id, kind, name, bind_id, available, frozen, created_at FROM accounts WHERE id = ?";
        Ok(account(&sqlx::query(sql).bind(account_id).fetch_one(&self.pool).await?))
    }

    async fn find_account(&self, key: &str) -> Result<Account> {
        let sql = "SELECT id, kind, name, bind_id, available, frozen, created_at FROM accounts WHERE id = ?1 OR bind_id = ?1 OR id = (SELECT account_id FROM clients WHERE client_id = ?1)";
        Ok(account(&sqlx::query(sql).bind(key).fetch_one(&self.pool).await?))
    }

    async fn accounts(&self) -> Result<Vec<Account>> {
        let sql = "SELECT id, kind, name, bind_id, available, frozen, created_at FROM accounts ORDER BY created_at, id";
        Ok(sqlx::query(sql).fetch_all(&self.pool).await?.iter().map(account).collect())
    }

    async fn grant(&self, account_id: &str, amount: i64, note: &str, now: i64) -> Result<Account> {
        let mut tx = self.write().await?;
        let changed = sqlx::query("UPDATE accounts SET available = available + ? WHERE id = ? AND available + ? >= 0")
            .bind(amount)
            .bind(account_id)
            .bind(amount)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        ledger(&mut tx, account_id, "grant", amount.max(0), None, Some(note), now).await?;
        let acc = account_in(&mut tx, account_id).await?;
        tx.commit().await?;
        Ok(acc)
    }

    async fn freeze(&self, account_id: &str, amount: i64, purpose: &str, now: i64) -> Result<Hold> {
        let mut tx = self.write().await?;
        let hold = freeze_in(&mut tx, account_id, amount, purpose, now).await?;
        tx.commit().await?;
        Ok(hold)
    }

    async fn charge(&self, hold_id: &str, now: i64) -> Result<()> {
        let mut tx = self.write().await?;
        settle_in(&mut tx, hold_id, true, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn release(&self, hold_id: &str, now: i64) -> Result<()> {
        let mut tx = self.write().await?;
        settle_in(&mut tx, hold_id, false, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn ledger(&self, account_id: &str) -> Result<Vec<LedgerEntry>> {
        let rows =
            sqlx::query("SELECT kind, amount, hold_id, note, created_at FROM ledger WHERE account_id = ? ORDER BY id")
                .bind(account_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .iter()
            .map(|r| LedgerEntry {
                kind: r.get("kind"),
                amount: r.get("amount"),
                hold_id: r.get("hold_id"),
                note: r.get("note"),
                created_at: r.get("created_at"),
            })
            .collect())
    }

    async fn create_session(
        &self,
        account_id: &str,
        name: Option<&str>,
        language: Option<&str>,
        draft: &str,
        now: i64,
    ) -> Result<Session> {
        let mut tx = self.write().await?;
        let (id, task) = (new_id("ses"), new_id("task"));
        sqlx::query("INSERT INTO sessions (id, task_id, account_id, name, language, draft_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)")
            .bind(&id)
            .bind(&task)
            .bind(account_id)
            .bind(name)
            .bind(language)
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO drafts (session_id, version, body, note, created_at) VALUES (?, 1, ?, 'new session', ?)",
        )
        .bind(&id)
        .bind(draft)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Session {
            id,
            task_id: task,
            account_id: account_id.into(),
            name: name.map(Into::into),
            language: language.map(Into::into),
            draft_version: 1,
            created_at: now,
            updated_at: now,
        })
    }

    async fn session(&self, account_id: &str, session_id: &str) -> Result<Session> {
        let sql = "SELECT id, task_id, account_id, name, language, draft_version, created_at, updated_at FROM sessions WHERE id = ? AND account_id = ?";
        Ok(session(&sqlx::query(sql).bind(session_id).bind(account_id).fetch_one(&self.pool).await?))
    }

    async fn draft(&self, session_id: &str, version: i64) -> Result<String> {
        Ok(sqlx::query_scalar("SELECT body FROM drafts WHERE session_id = ? AND version = ?")
            .bind(session_id)
            .bind(version)
            .fetch_one(&self.pool)
            .await?)
    }

    async fn snapshot(&self, account_id: &str, session_id: &str) -> Result<SessionSnapshot> {
        let mut conn = self.pool.acquire().await?;
        let sql = "SELECT s.id, s.task_id, s.account_id, s.name, s.language, s.draft_version, s.created_at, s.updated_at, \
                   d.body, (SELECT MAX(version) FROM drafts WHERE session_id = s.id) AS versions \
                   FROM sessions s JOIN drafts d ON d.session_id = s.id AND d.version = s.draft_version \
                   WHERE s.id = ? AND s.account_id = ?";
        let row = sqlx::query(sql).bind(session_id).bind(account_id).fetch_one(&mut *conn).await?;
        let media = sqlx::query(MEDIA_OF_SESSION).bind(session_id).bind(account_id).fetch_all(&mut *conn).await?;
        let generated =
            sqlx::query(GENERATED_OF_SESSION).bind(session_id).bind(account_id).fetch_all(&mut *conn).await?;
        Ok(SessionSnapshot {
            session: session(&row),
            draft: row.get("body"),
            versions: row.get("versions"),
            media: media.iter().map(self::media).collect(),
            generated: generated.iter().map(self::generated).collect(),
        })
    }

    async fn draft_versions(&self, session_id: &str) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM drafts WHERE session_id = ?")
            .bind(session_id)
            .fetch_one(&self.pool)
            .await?)
    }

    async fn push_draft(
        &self,
        session_id: &str,
        expected: i64,
        body: &str,
        note: &str,
        group: Option<&str>,
        now: i64,
    ) -> Result<i64> {
        let mut tx = self.write().await?;
        let next = expected + 1;
        let moved =
            sqlx::query("UPDATE sessions SET draft_version = ?, updated_at = ? WHERE id = ? AND draft_version = ?")
                .bind(next)
                .bind(now)
                .bind(session_id)
                .bind(expected)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if moved == 0 {
            let current: Option<i64> = sqlx::query_scalar("SELECT draft_version FROM sessions WHERE id = ?")
                .bind(session_id)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(current.map_or(StoreError::NotFound, |current| StoreError::Stale { current }));
        }
        // Versions after the current one were undone: a new edit replaces them.
        sqlx::query("DELETE FROM drafts WHERE session_id = ? AND version >= ?")
            .bind(session_id)
            .bind(next)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO drafts (session_id, version, body, note, grp, created_at) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(session_id)
            .bind(next)
            .bind(body)
            .bind(note)
            .bind(group)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(next)
    }

    async fn draft_groups(&self, session_id: &str) -> Result<Vec<(i64, Option<String>)>> {
        let rows = sqlx::query("SELECT version, grp FROM drafts WHERE session_id = ? ORDER BY version")
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| (r.get("version"), r.get("grp"))).collect())
    }

    async fn set_draft_version(&self, session_id: &str, expected: i64, version: i64, now: i64) -> Result<()> {
        let mut tx = self.write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT version FROM drafts WHERE session_id = ? AND version = ?")
            .bind(session_id)
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let moved =
            sqlx::query("UPDATE sessions SET draft_version = ?, updated_at = ? WHERE id = ? AND draft_version = ?")
                .bind(version)
                .bind(now)
                .bind(session_id)
                .bind(expected)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if moved == 0 {
            let current: i64 = sqlx::query_scalar("SELECT draft_version FROM sessions WHERE id = ?")
                .bind(session_id)
                .fetch_one(&mut *tx)
                .await?;
            return Err(StoreError::Stale { current });
        }
        tx.commit().await?;
        Ok(())
    }

    async fn add_media(&self, items: &[NewMedia], now: i64) -> Result<Vec<MediaRecord>> {
        let mut tx = self.write().await?;
        let mut ids = Vec::new();
        for m in items {
            sqlx::query("INSERT OR IGNORE INTO blobs (hash, size, created_at) VALUES (?, ?, ?)")
                .bind(&m.blob_hash)
                .bind(m.size)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let id = new_id("med");
            sqlx::query("INSERT INTO media (id, account_id, session_id, blob_hash, name, source, url, kind, probe, analysis_status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)")
                .bind(&id)
                .bind(&m.account_id)
                .bind(&m.session_id)
                .bind(&m.blob_hash)
                .bind(&m.name)
                .bind(&m.source)
                .bind(&m.url)
                .bind(&m.kind)
                .bind(&m.probe)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            ids.push(id);
        }
        let mut out = Vec::new();
        for id in &ids {
            let sql = select_media!("WHERE m.id = ?");
            out.push(media(&sqlx::query(sql).bind(id).fetch_one(&mut *tx).await?));
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn session_media(&self, account_id: &str, session_id: &str) -> Result<Vec<MediaRecord>> {
        Ok(sqlx::query(MEDIA_OF_SESSION)
            .bind(session_id)
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(media)
            .collect())
    }

    async fn media(&self, account_id: &str, media_id: &str) -> Result<MediaRecord> {
        let sql = select_media!("WHERE m.id = ? AND m.account_id = ?");
        Ok(media(&sqlx::query(sql).bind(media_id).bind(account_id).fetch_one(&self.pool).await?))
    }

    async fn set_analysis(&self, media_id: &str, status: &str, analysis: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE media SET analysis_status = ?, analysis = ? WHERE id = ?")
            .bind(status)
            .bind(analysis)
            .bind(media_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn pending_analysis(&self) -> Result<Vec<MediaRecord>> {
        let sql = select_media!("WHERE m.analysis_status = 'pending' ORDER BY m.created_at, m.rowid");
        Ok(sqlx::query(sql).fetch_all(&self.pool).await?.iter().map(media).collect())
    }

    async fn add_generated(
        &self,
        account_id: &str,
        session_id: &str,
        kind: &str,
        media_id: Option<&str>,
        meta: &str,
        now: i64,
    ) -> Result<GeneratedRecord> {
        let id = new_id("gen");
        sqlx::query("INSERT INTO generated_media (id, account_id, session_id, kind, media_id, meta, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(&id)
            .bind(account_id)
            .bind(session_id)
            .bind(kind)
            .bind(media_id)
            .bind(meta)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(GeneratedRecord {
            id,
            kind: kind.into(),
            media_id: media_id.map(Into::into),
            meta: meta.into(),
            created_at: now,
        })
    }

    async fn session_generated(&self, account_id: &str, session_id: &str) -> Result<Vec<GeneratedRecord>> {
        Ok(sqlx::query(GENERATED_OF_SESSION)
            .bind(session_id)
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(generated)
            .collect())
    }

    async fn enqueue(&self, new: &NewJob, now: i64) -> Result<(Job, bool)> {
        let mut tx = self.write().await?;
        let existing = sqlx::query("SELECT id, account_id, client_key, session_id, kind, status, progress, request, output, error, hold_id, attempts, cancel, created_at, updated_at FROM jobs WHERE account_id = ? AND client_key = ?")
            .bind(&new.account_id)
            .bind(&new.client_key)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = existing {
            tx.commit().await?;
            return Ok((job(&row), false));
        }
        let hold = if new.price > 0 {
            Some(
                freeze_in(&mut tx, &new.account_id, new.price, &format!("{} {}", new.kind, new.client_key), now)
                    .await?,
            )
        } else {
            None
        };
        let id = new_id("job");
        sqlx::query("INSERT INTO jobs (id, account_id, client_key, session_id, kind, status, progress, request, hold_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)")
            .bind(&id)
            .bind(&new.account_id)
            .bind(&new.client_key)
            .bind(&new.session_id)
            .bind(&new.kind)
            .bind(&new.request)
            .bind(hold.as_ref().map(|h| h.id.clone()))
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT id, account_id, client_key, session_id, kind, status, progress, request, output, error, hold_id, attempts, cancel, created_at, updated_at FROM jobs WHERE id = ?")
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((job(&row), true))
    }

    async fn job(&self, account_id: &str, client_key: &str) -> Result<Job> {
        let sql = "SELECT id, account_id, client_key, session_id, kind, status, progress, request, output, error, hold_id, attempts, cancel, created_at, updated_at FROM jobs WHERE account_id = ? AND client_key = ?";
        Ok(job(&sqlx::query(sql).bind(account_id).bind(client_key).fetch_one(&self.pool).await?))
    }

    async fn job_by_id(&self, job_id: &str) -> Result<Job> {
        let sql = "SELECT id, account_id, client_key, session_id, kind, status, progress, request, output, error, hold_id, attempts, cancel, created_at, updated_at FROM jobs WHERE id = ?";
        Ok(job(&sqlx::query(sql).bind(job_id).fetch_one(&self.pool).await?))
    }

    async fn claim(&self, kind: &str, now: i64) -> Result<Option<Job>> {
        let sql = "UPDATE jobs SET status = 'rendering', attempts = attempts + 1, updated_at = ?1 WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND kind = ?2 ORDER BY created_at, rowid LIMIT 1) RETURNING id, account_id, client_key, session_id, kind, status, progress, request, output, error, hold_id, attempts, cancel, created_at, updated_at";
        let mut tx = self.write().await?;
        let row = sqlx::query(sql).bind(now).bind(kind).fetch_optional(&mut *tx).await?;
        tx.commit().await?;
        Ok(row.as_ref().map(job))
    }

    async fn progress(&self, job_id: &str, progress: f64, now: i64) -> Result<()> {
        sqlx::query("UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ? AND status = 'rendering'")
            .bind(progress)
            .bind(now)
            .bind(job_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn finish(
        &self,
        job_id: &str,
        completed: bool,
        output: Option<&str>,
        error: Option<&str>,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let sql = "UPDATE jobs SET status = ?, progress = CASE WHEN ? THEN 1.0 ELSE progress END, output = ?, error = ?, updated_at = ? WHERE id = ? AND status IN ('queued', 'rendering') RETURNING hold_id";
        let row = sqlx::query(sql)
            .bind(if completed { "completed" } else { "failed" })
            .bind(completed)
            .bind(output)
            .bind(error)
            .bind(now)
            .bind(job_id)
            .fetch_optional(&mut *tx)
            .await?;
        // Already finished: nothing to do (finishing twice must not charge twice).
        if let Some(hold) = row.and_then(|r| r.get::<Option<String>, _>("hold_id")) {
            settle_in(&mut tx, &hold, completed, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn cancel_job(&self, account_id: &str, client_key: &str, now: i64) -> Result<Job> {
        let found = self.job(account_id, client_key).await?;
        sqlx::query("UPDATE jobs SET cancel = 1, updated_at = ? WHERE id = ?")
            .bind(now)
            .bind(&found.id)
            .execute(&self.pool)
            .await?;
        if found.status == "queued" {
            self.finish(&found.id, false, None, Some("cancelled"), now).await?;
        }
        self.job_by_id(&found.id).await
    }

    async fn requeue_running(&self, now: i64) -> Result<u64> {
        Ok(sqlx::query("UPDATE jobs SET status = 'queued', progress = 0, updated_at = ? WHERE status = 'rendering'")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    async fn requeue(&self, job_id: &str, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE jobs SET status = 'queued', progress = 0, updated_at = ? WHERE id = ? AND status = 'rendering'",
        )
        .bind(now)
        .bind(job_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn queue_depth(&self) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as("SELECT kind, COUNT(*) FROM jobs WHERE status = 'queued' GROUP BY kind ORDER BY kind")
            .fetch_all(&self.pool)
            .await?)
    }

    async fn record_turn(
        &self,
        account_id: &str,
        session_id: &str,
        message: &str,
        events: &str,
        context: &str,
        now: i64,
    ) -> Result<String> {
        let id = new_id("turn");
        sqlx::query(
            "INSERT INTO turns (id, session_id, account_id, message, events, context, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(session_id)
        .bind(account_id)
        .bind(message)
        .bind(events)
        .bind(context)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    async fn last_context(&self, session_id: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT context FROM turns WHERE session_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
        )
        .bind(session_id)
        .fetch_optional(&self.pool)
        .await?
        .flatten())
    }

    async fn count_usage(&self, source: &str, version: &str, platform: &str, route: &str, count: i64) -> Result<()> {
        sqlx::query("INSERT INTO usage (source, version, platform, route, count) VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, version, platform, route) DO UPDATE SET count = count + excluded.count")
            .bind(source)
            .bind(version)
            .bind(platform)
            .bind(route)
            .bind(count)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn usage(&self) -> Result<Vec<UsageRow>> {
        let rows =
            sqlx::query("SELECT source, version, platform, route, count FROM usage ORDER BY count DESC, source, route")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .iter()
            .map(|r| UsageRow {
                source: r.get("source"),
                version: r.get("version"),
                platform: r.get("platform"),
                route: r.get("route"),
                count: r.get("count"),
            })
            .collect())
    }
}
