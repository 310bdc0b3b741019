-- Decisions of the households of a village on a matter of Law 10/2022 art. 15: the item of
-- art. 15 a consultation is about, the outcome statuses adopted and rejected, the decision
-- recorded for each village (a meeting or household ballots), and online voting (Decree
-- 59/2023 art. 5) with one code per household.
--
-- SQLite cannot change a CHECK constraint in place, so consultations is rebuilt by the
-- procedure of https://www.sqlite.org/lang_altertable.html#otheralter: foreign keys off, a
-- new table, the rows copied, the old table dropped and the new one renamed, all in one
-- transaction. Foreign keys must be off while the old table is dropped, or the drop would
-- cascade to the sections and versions that reference it; the pragma has no effect inside a
-- transaction, hence NO TRANSACTION and an explicit BEGIN and COMMIT. goose runs the whole
-- migration on one connection, so the pragma and the transaction apply to the same one.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE consultations_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id       INTEGER NOT NULL REFERENCES units (id),
    kind          TEXT NOT NULL CHECK (kind IN ('huong_uoc', 'quy_uoc', 'plan', 'policy', 'budget', 'other')),
    matter        TEXT NOT NULL CHECK (matter IN ('decide', 'consult')),
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    -- Diacritic-folded title and summary, so "huong uoc" finds "hương ước" on both databases.
    search_text   TEXT NOT NULL DEFAULT '',
    -- adopted and rejected: the households' decision on a decide matter, after the results.
    status        TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed', 'results_published', 'withdrawn', 'adopted', 'rejected')),
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
    -- The item of Law 10/2022 art. 15 a decide matter is about (1–6); NULL for a consult matter.
    item          INTEGER CHECK (item BETWEEN 1 AND 6),
    -- The day the households decided (the last village to decide), set when the outcome of
    -- a decide matter is concluded.
    decided_at    DATETIME,
    CHECK (closes_at > opens_at),
    CHECK (item IS NULL OR matter = 'decide')
);
INSERT INTO consultations_new (id, unit_id, kind, matter, title, summary, search_text, status, moderation, version,
    opens_at, closes_at, published_at, closed_at, results_published_at, created_by, created_at, updated_at, item)
SELECT id, unit_id, kind, matter, title, summary, search_text, status, moderation, version,
    opens_at, closes_at, published_at, closed_at, results_published_at, created_by, created_at, updated_at,
    -- A hương ước or quy ước is item 3 of art. 15; other decide matters wait for an official.
    CASE WHEN matter = 'decide' AND kind IN ('huong_uoc', 'quy_uoc') THEN 3 END
FROM consultations;
DROP TABLE consultations;
ALTER TABLE consultations_new RENAME TO consultations;
CREATE INDEX consultations_unit_status_idx ON consultations (unit_id, status);
CREATE INDEX consultations_status_opens_idx ON consultations (status, opens_at);

-- The decision of one village's households, recorded by an official from the minutes of the
-- meeting or the count of the ballots. Households is the village's number of households at
-- the time, which the threshold counts against. Whether the matter is adopted follows from
-- the numbers and the item, so it is computed, never stored.
CREATE TABLE village_decisions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id),
    village_id       INTEGER NOT NULL REFERENCES units (id),
    form             TEXT NOT NULL CHECK (form IN ('meeting', 'ballot')),
    held_on          DATETIME NOT NULL,
    households       INTEGER NOT NULL CHECK (households > 0),
    -- Households present at the meeting, or ballots returned.
    present          INTEGER NOT NULL CHECK (present >= 0 AND present <= households),
    agree            INTEGER NOT NULL CHECK (agree >= 0),
    disagree         INTEGER NOT NULL CHECK (disagree >= 0),
    other            INTEGER NOT NULL CHECK (other >= 0),
    recorded_by      INTEGER REFERENCES staff (id),
    recorded_at      DATETIME NOT NULL,
    CHECK (agree + disagree + other <= present),
    UNIQUE (consultation_id, village_id)
);

-- Online voting in one village (Decree 59/2023 art. 5), allowed after more than half of the
-- households agreed to it. The counts are kept here, apart from the codes, so no one can
-- tell how a household voted; the codes only say who took part.
CREATE TABLE village_ballots (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id    INTEGER NOT NULL REFERENCES consultations (id),
    village_id         INTEGER NOT NULL REFERENCES units (id),
    households         INTEGER NOT NULL CHECK (households > 0),
    agreed_households  INTEGER NOT NULL CHECK (agreed_households * 2 > households AND agreed_households <= households),
    agreed_on          DATETIME NOT NULL,
    opens_at           DATETIME NOT NULL,
    closes_at          DATETIME NOT NULL,
    agree              INTEGER NOT NULL DEFAULT 0 CHECK (agree >= 0),
    disagree           INTEGER NOT NULL DEFAULT 0 CHECK (disagree >= 0),
    other              INTEGER NOT NULL DEFAULT 0 CHECK (other >= 0),
    codes_issued_at    DATETIME,
    created_by         INTEGER REFERENCES staff (id),
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL,
    CHECK (closes_at > opens_at),
    CHECK (agree + disagree + other <= households),
    UNIQUE (consultation_id, village_id)
);

-- One voting code per household. Only a hash of the code is kept: a copy of the database
-- does not reveal the codes that are still unused. Serial is the number printed beside the
-- code on the sheet, so the minutes can list which slips were used, and when.
CREATE TABLE village_ballot_codes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ballot_id   INTEGER NOT NULL REFERENCES village_ballots (id) ON DELETE CASCADE,
    serial      INTEGER NOT NULL CHECK (serial > 0),
    code_hash   TEXT NOT NULL UNIQUE,
    voted_at    DATETIME,
    UNIQUE (ballot_id, serial)
);

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TABLE village_ballot_codes;
DROP TABLE village_ballots;
DROP TABLE village_decisions;
CREATE TABLE consultations_old (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id       INTEGER NOT NULL REFERENCES units (id),
    kind          TEXT NOT NULL CHECK (kind IN ('huong_uoc', 'quy_uoc', 'plan', 'policy', 'budget', 'other')),
    matter        TEXT NOT NULL CHECK (matter IN ('decide', 'consult')),
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    search_text   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed', 'results_published', 'withdrawn')),
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
-- An adopted or rejected consultation goes back to results_published, the last status the
-- old schema knows.
INSERT INTO consultations_old (id, unit_id, kind, matter, title, summary, search_text, status, moderation, version,
    opens_at, closes_at, published_at, closed_at, results_published_at, created_by, created_at, updated_at)
SELECT id, unit_id, kind, matter, title, summary, search_text,
    CASE WHEN status IN ('adopted', 'rejected') THEN 'results_published' ELSE status END,
    moderation, version, opens_at, closes_at, published_at, closed_at, results_published_at, created_by, created_at, updated_at
FROM consultations;
DROP TABLE consultations;
ALTER TABLE consultations_old RENAME TO consultations;
CREATE INDEX consultations_unit_status_idx ON consultations (unit_id, status);
CREATE INDEX consultations_status_opens_idx ON consultations (status, opens_at);
COMMIT;
PRAGMA foreign_keys = ON;
