-- +goose Up
-- Administrative units: provinces, communes/wards and the villages under them.
-- Units merge and rename, so the tree is data, imported from the official list.
CREATE TABLE units (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('province', 'commune', 'ward', 'special_zone', 'village')),
    parent_id   INTEGER REFERENCES units (id),
    households  INTEGER NOT NULL DEFAULT 0 CHECK (households >= 0),
    created_at  DATETIME NOT NULL
);
CREATE INDEX units_parent_idx ON units (parent_id);

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    -- Base32 TOTP secret while a second factor is being set up or in use; empty when none.
    totp_secret   TEXT NOT NULL DEFAULT '',
    totp_enabled_at DATETIME,
    -- The last accepted TOTP time step (Unix time / 30 s), so a code is never accepted twice.
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    created_at    DATETIME NOT NULL,
    disabled_at   DATETIME
);

-- A role covers its unit and every unit below it.
CREATE TABLE staff_roles (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_id  INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('admin', 'official', 'moderator', 'observer')),
    unit_id   INTEGER NOT NULL REFERENCES units (id),
    UNIQUE (staff_id, role, unit_id)
);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_id    INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    last_used_at DATETIME,
    revoked_at  DATETIME
);

-- Staff sessions, in the layout of alexedwards/scs sqlite3store (expiry is a Julian day number).
CREATE TABLE sessions (
    token   TEXT PRIMARY KEY,
    data    BLOB NOT NULL,
    expiry  REAL NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

CREATE TABLE consultations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id       INTEGER NOT NULL REFERENCES units (id),
    kind          TEXT NOT NULL CHECK (kind IN ('huong_uoc', 'quy_uoc', 'plan', 'policy', 'budget', 'other')),
    matter        TEXT NOT NULL CHECK (matter IN ('decide', 'consult')),
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    -- Diacritic-folded title and summary, so "huong uoc" finds "hương ước" on both databases.
    search_text   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed', 'results_published', 'withdrawn')),
    -- pre: opinions wait for a moderator; post: published at once and reviewed afterwards.
    moderation    TEXT NOT NULL DEFAULT 'pre' CHECK (moderation IN ('pre', 'post')),
    version       INTEGER NOT NULL DEFAULT 1,
    opens_at      DATETIME NOT NULL,
    closes_at     DATETIME NOT NULL,
    published_at  DATETIME,
    closed_at     DATETIME,
    results_published_at DATETIME,
    created_by    INTEGER REFERENCES staff (id),
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE INDEX consultations_unit_status_idx ON consultations (unit_id, status);
CREATE INDEX consultations_status_opens_idx ON consultations (status, opens_at);

CREATE TABLE consultation_versions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    number           INTEGER NOT NULL,
    source_text      TEXT NOT NULL,
    created_at       DATETIME NOT NULL,
    UNIQUE (consultation_id, number)
);

CREATE TABLE sections (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    version_id       INTEGER NOT NULL REFERENCES consultation_versions (id) ON DELETE CASCADE,
    ordinal          INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    level            INTEGER NOT NULL,
    path             TEXT NOT NULL,
    heading          TEXT NOT NULL,
    body             TEXT NOT NULL,
    UNIQUE (version_id, ordinal),
    UNIQUE (version_id, path)
);
CREATE INDEX sections_consultation_idx ON sections (consultation_id);

-- The official answer (tiếp thu, giải trình) to one opinion or a group of similar ones.
CREATE TABLE responses (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id),
    kind             TEXT NOT NULL CHECK (kind IN ('accepted', 'explained', 'noted')),
    text             TEXT NOT NULL,
    created_by       INTEGER REFERENCES staff (id),
    created_at       DATETIME NOT NULL
);
CREATE INDEX responses_consultation_idx ON responses (consultation_id);

CREATE TABLE opinions (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id   INTEGER NOT NULL REFERENCES consultations (id),
    section_id        INTEGER REFERENCES sections (id),
    stance            TEXT NOT NULL CHECK (stance IN ('agree', 'disagree', 'other')),
    body              TEXT NOT NULL,
    channel           TEXT NOT NULL CHECK (channel IN ('online', 'meeting', 'form', 'box', 'phone', 'social')),
    village_id        INTEGER REFERENCES units (id),
    author_name       TEXT NOT NULL DEFAULT '',
    show_name         BOOLEAN NOT NULL DEFAULT FALSE,
    contact           TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'hidden', 'withdrawn')),
    -- The text as the public sees it: personal data masked. The original stays in body.
    body_public       TEXT NOT NULL DEFAULT '',
    -- Automatic flags (comma-separated kinds) for the moderator; they never decide alone.
    flags             TEXT NOT NULL DEFAULT '',
    -- When a moderator looked at it: set at the first decision, or at review under post-moderation.
    reviewed_at       DATETIME,
    -- Seconds from submission to the first decision, for the median in public statistics.
    decision_seconds  INTEGER,
    rejection_reason  TEXT NOT NULL DEFAULT '',
    tracking_code     TEXT NOT NULL UNIQUE,
    idempotency_key   TEXT,
    -- Hash of the submitted content: a key reused for a different opinion is refused.
    request_hash      TEXT NOT NULL DEFAULT '',
    submitted_at      DATETIME NOT NULL,
    decided_at        DATETIME,
    -- When the author withdrew the opinion, or erased their name and contact.
    withdrawn_at      DATETIME,
    erased_at         DATETIME,
    response_id       INTEGER REFERENCES responses (id),
    entered_by        INTEGER REFERENCES staff (id),
    UNIQUE (consultation_id, idempotency_key)
);
CREATE INDEX opinions_queue_idx ON opinions (status, submitted_at);
CREATE INDEX opinions_public_idx ON opinions (consultation_id, status, section_id);

-- Consent per purpose (Personal Data Protection Law 91/2025): the words the commenter read,
-- in their language, when they gave it, and when they withdrew it.
CREATE TABLE consents (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    opinion_id    INTEGER NOT NULL REFERENCES opinions (id),
    purpose       TEXT NOT NULL CHECK (purpose IN ('show_name', 'contact')),
    text          TEXT NOT NULL,
    lang          TEXT NOT NULL,
    given_at      DATETIME NOT NULL,
    withdrawn_at  DATETIME,
    UNIQUE (opinion_id, purpose)
);

-- One appeal per rejected opinion; a different moderator decides it.
CREATE TABLE appeals (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    opinion_id   INTEGER NOT NULL UNIQUE REFERENCES opinions (id),
    text         TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    decided_at   DATETIME,
    decided_by   INTEGER REFERENCES staff (id),
    outcome      TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'upheld', 'overturned'))
);
CREATE INDEX appeals_open_idx ON appeals (decided_at);

-- Every moderation decision. Append-only: the triggers below refuse UPDATE and DELETE.
CREATE TABLE moderation_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    opinion_id   INTEGER NOT NULL REFERENCES opinions (id),
    actor_id     INTEGER REFERENCES staff (id),
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL
);
CREATE INDEX moderation_events_opinion_idx ON moderation_events (opinion_id);

-- Staff actions: who did what, to what, when and from which address. Append-only.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id     INTEGER REFERENCES staff (id),
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL DEFAULT '',
    target_id    INTEGER,
    unit_id      INTEGER REFERENCES units (id),
    ip           TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL
);
CREATE INDEX audit_log_unit_idx ON audit_log (unit_id, created_at);
CREATE INDEX audit_log_created_idx ON audit_log (created_at);

-- Every status change of a consultation. Append-only as well.
CREATE TABLE consultation_events (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id),
    actor_id         INTEGER REFERENCES staff (id),
    from_status      TEXT NOT NULL,
    to_status        TEXT NOT NULL,
    reason           TEXT NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL
);
CREATE INDEX consultation_events_consultation_idx ON consultation_events (consultation_id);

-- Outgoing e-mail. A message is written here first and a worker sends it, so a mail-server
-- outage delays mail and loses none. dedup_key (NULL: none) makes enqueuing idempotent, e.g.
-- 'digest:STAFFID:2026-11-25' for one moderator's digest of one day. A message that failed
-- too often stays, unsent, with its last error.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    to_addr          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    dedup_key        TEXT UNIQUE,
    created_at       DATETIME NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  DATETIME NOT NULL,
    sent_at          DATETIME,
    last_error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due_idx ON outbox (sent_at, next_attempt_at);

-- +goose StatementBegin
CREATE TRIGGER moderation_events_no_update BEFORE UPDATE ON moderation_events
BEGIN SELECT RAISE(ABORT, 'moderation_events is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER moderation_events_no_delete BEFORE DELETE ON moderation_events
BEGIN SELECT RAISE(ABORT, 'moderation_events is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consultation_events_no_update BEFORE UPDATE ON consultation_events
BEGIN SELECT RAISE(ABORT, 'consultation_events is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consultation_events_no_delete BEFORE DELETE ON consultation_events
BEGIN SELECT RAISE(ABORT, 'consultation_events is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE outbox;
DROP TABLE consultation_events;
DROP TABLE audit_log;
DROP TABLE moderation_events;
DROP TABLE consents;
DROP TABLE appeals;
DROP TABLE opinions;
DROP TABLE responses;
DROP TABLE sections;
DROP TABLE consultation_versions;
DROP TABLE consultations;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE staff_roles;
DROP TABLE staff;
DROP TABLE units;
