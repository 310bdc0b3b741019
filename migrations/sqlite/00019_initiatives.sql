-- Citizens' initiatives (Law 10/2022 art. 16(3); Decree 61/2023 art. 7): a household of a
-- village proposes a matter or a new or amended hương ước, quy ước; the village's households
-- support it, one support per household; at 10% of the households the village head must
-- put it to the community.
--
-- A household identifies with its code, printed on the village's code sheet as the online
-- vote's codes are: only a hash is kept, with the household's number on the sheet, which is
-- what a support names, so a household supports once whether online or on paper.

-- +goose Up
CREATE TABLE village_household_codes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    village_id INTEGER NOT NULL REFERENCES units (id),
    serial     INTEGER NOT NULL CHECK (serial > 0),
    code_hash  TEXT NOT NULL UNIQUE,
    issued_at  DATETIME NOT NULL,
    UNIQUE (village_id, serial)
);

CREATE TABLE initiatives (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    village_id       INTEGER NOT NULL REFERENCES units (id),
    kind             TEXT NOT NULL CHECK (kind IN ('matter', 'charter')),
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    households       INTEGER NOT NULL CHECK (households > 0),
    threshold        INTEGER NOT NULL CHECK (threshold > 0 AND threshold <= households),
    support_ends     DATETIME NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'rejected', 'open', 'put', 'declined')),
    channel          TEXT NOT NULL CHECK (channel IN ('online', 'paper')),
    proposer_serial  INTEGER NOT NULL CHECK (proposer_serial > 0),
    supports_online  INTEGER NOT NULL DEFAULT 0 CHECK (supports_online >= 0),
    supports_paper   INTEGER NOT NULL DEFAULT 0 CHECK (supports_paper >= 0),
    reached_at       DATETIME,
    reject_reason    TEXT NOT NULL DEFAULT '',
    moderated_at     DATETIME,
    moderated_by     INTEGER REFERENCES staff (id),
    outcome_on       DATETIME,
    consultation_id  INTEGER REFERENCES consultations (id),
    outcome_note     TEXT NOT NULL DEFAULT '',
    outcome_by       INTEGER REFERENCES staff (id),
    created_by       INTEGER REFERENCES staff (id),
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
    -- No check of the supports against households: a household formed after the proposal,
    -- numbered on a later code sheet, may support it too.
);
CREATE INDEX initiatives_village_idx ON initiatives (village_id, created_at);
CREATE INDEX initiatives_status_idx ON initiatives (status);

CREATE TABLE initiative_supports (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    initiative_id    INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    household_serial INTEGER NOT NULL CHECK (household_serial > 0),
    channel          TEXT NOT NULL CHECK (channel IN ('online', 'paper')),
    signed_on        DATETIME NOT NULL,
    entered_by       INTEGER REFERENCES staff (id),
    created_at       DATETIME NOT NULL,
    UNIQUE (initiative_id, household_serial)
);

-- +goose Down
DROP TABLE initiative_supports;
DROP TABLE initiatives;
DROP TABLE village_household_codes;
