-- The monthly dialogue between a commune's People's Committee and its residents (Law
-- 10/2022 art. 32): the meetings, the residents' questions sent ahead by theme, the support
-- other residents give them, and what the officials promised, with a due day.

-- +goose Up
CREATE TABLE dialogues (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id        INTEGER NOT NULL REFERENCES units (id),
    title          TEXT NOT NULL,
    starts_at      DATETIME NOT NULL,
    place          TEXT NOT NULL,
    chaired_by     TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'held', 'cancelled')),
    attendance     INTEGER NOT NULL DEFAULT 0 CHECK (attendance >= 0),
    summary        TEXT NOT NULL DEFAULT '',
    held_at        DATETIME,
    cancel_reason  TEXT NOT NULL DEFAULT '',
    created_by     INTEGER REFERENCES staff (id),
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);
CREATE INDEX dialogues_unit_idx ON dialogues (unit_id, starts_at);

CREATE TABLE dialogue_questions (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    dialogue_id       INTEGER NOT NULL REFERENCES dialogues (id),
    theme             TEXT NOT NULL CHECK (theme IN ('land', 'environment', 'welfare', 'infrastructure', 'procedures', 'security', 'other')),
    body              TEXT NOT NULL,
    -- The question with personal data masked: what the public sees.
    body_public       TEXT NOT NULL,
    flags             TEXT NOT NULL DEFAULT '',
    village_id        INTEGER REFERENCES units (id),
    status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    rejection_reason  TEXT NOT NULL DEFAULT '',
    rejection_note    TEXT NOT NULL DEFAULT '',
    moderated_by      INTEGER REFERENCES staff (id),
    moderated_at      DATETIME,
    tracking_code     TEXT NOT NULL UNIQUE,
    -- A retry of the same form or API call finds the first question by its key.
    idempotency_key   TEXT UNIQUE,
    request_hash      TEXT NOT NULL DEFAULT '',
    supports          INTEGER NOT NULL DEFAULT 0 CHECK (supports >= 0),
    answer            TEXT NOT NULL DEFAULT '',
    answered_at       DATETIME,
    answered_by       INTEGER REFERENCES staff (id),
    submitted_at      DATETIME NOT NULL
);
CREATE INDEX dialogue_questions_dialogue_idx ON dialogue_questions (dialogue_id, status, supports);

-- One support per supporter and question: the supporter is a hash of a random token the
-- browser (or the API client) keeps, never an address or a name.
CREATE TABLE dialogue_supports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id   INTEGER NOT NULL REFERENCES dialogue_questions (id),
    supporter     TEXT NOT NULL,
    created_at    DATETIME NOT NULL,
    UNIQUE (question_id, supporter)
);

CREATE TABLE dialogue_promises (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    dialogue_id   INTEGER NOT NULL REFERENCES dialogues (id),
    question_id   INTEGER REFERENCES dialogue_questions (id),
    text          TEXT NOT NULL,
    -- The last day to keep it, at local midnight; overdue from the midnight after it.
    due_on        DATETIME NOT NULL,
    done_at       DATETIME,
    done_note     TEXT NOT NULL DEFAULT '',
    created_by    INTEGER REFERENCES staff (id),
    created_at    DATETIME NOT NULL
);
CREATE INDEX dialogue_promises_dialogue_idx ON dialogue_promises (dialogue_id);
CREATE INDEX dialogue_promises_open_idx ON dialogue_promises (due_on) WHERE done_at IS NULL;

-- +goose Down
DROP TABLE dialogue_promises;
DROP TABLE dialogue_supports;
DROP TABLE dialogue_questions;
DROP TABLE dialogues;
