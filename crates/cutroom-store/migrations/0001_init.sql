-- cutroom's state. Times are seconds since the epoch; money is whole credits.

CREATE TABLE accounts (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('anonymous', 'registered')),
    name        TEXT,
    bind_id     TEXT NOT NULL UNIQUE,
    available   INTEGER NOT NULL CHECK (available >= 0),
    frozen      INTEGER NOT NULL CHECK (frozen >= 0),
    created_at  INTEGER NOT NULL
);

-- One anonymous account per client id; a new token at most once per period.
CREATE TABLE clients (
    client_id     TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    last_token_at INTEGER NOT NULL
);

-- Bearer tokens, stored as SHA-256 hashes only.
CREATE TABLE tokens (
    hash        TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX tokens_account ON tokens (account_id);

-- Credits set aside for a job: frozen, then charged or released, exactly once.
CREATE TABLE holds (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    state       TEXT NOT NULL CHECK (state IN ('frozen', 'charged', 'released')),
    purpose     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    settled_at  INTEGER
);

-- Every movement of credits, for audit: the balance can be rebuilt from it.
CREATE TABLE ledger (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    kind        TEXT NOT NULL CHECK (kind IN ('grant', 'freeze', 'charge', 'release')),
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    hold_id     TEXT REFERENCES holds (id),
    note        TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX ledger_account ON ledger (account_id);

CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    task_id        TEXT NOT NULL UNIQUE,
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    name           TEXT,
    language       TEXT,
    draft_version  INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Every version of every session's draft; sessions.draft_version is the current one.
CREATE TABLE drafts (
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    note        TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (session_id, version)
);

-- Stored files, by content hash (BLAKE3).
CREATE TABLE blobs (
    hash        TEXT PRIMARY KEY,
    size        INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE media (
    id               TEXT PRIMARY KEY,
    account_id       TEXT NOT NULL REFERENCES accounts (id),
    session_id       TEXT NOT NULL REFERENCES sessions (id),
    blob_hash        TEXT NOT NULL REFERENCES blobs (hash),
    name             TEXT NOT NULL,
    source           TEXT NOT NULL CHECK (source IN ('upload', 'url', 'generated')),
    url              TEXT,
    kind             TEXT NOT NULL,
    probe            TEXT NOT NULL,
    analysis_status  TEXT NOT NULL CHECK (analysis_status IN ('pending', 'ready', 'failed')),
    analysis         TEXT,
    created_at       INTEGER NOT NULL
);
CREATE INDEX media_session ON media (session_id);

CREATE TABLE generated_media (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    kind        TEXT NOT NULL,
    media_id    TEXT REFERENCES media (id),
    meta        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX generated_session ON generated_media (session_id);

-- Background work. (account_id, client_key) makes a client-chosen id idempotent.
CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    client_key    TEXT NOT NULL,
    session_id    TEXT REFERENCES sessions (id),
    kind          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'rendering', 'completed', 'failed')),
    progress      REAL NOT NULL DEFAULT 0,
    request       TEXT NOT NULL,
    output        TEXT,
    error         TEXT,
    hold_id       TEXT REFERENCES holds (id),
    attempts      INTEGER NOT NULL DEFAULT 0,
    cancel        INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (account_id, client_key)
);
CREATE INDEX jobs_queue ON jobs (status, kind, created_at);

-- What each agent turn was asked and answered.
CREATE TABLE turns (
    id          TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    message     TEXT NOT NULL,
    events      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- Requests per attribution source, counted.
CREATE TABLE usage (
    source    TEXT NOT NULL,
    version   TEXT NOT NULL,
    platform  TEXT NOT NULL,
    route     TEXT NOT NULL,
    count     INTEGER NOT NULL,
    PRIMARY KEY (source, version, platform, route)
);
