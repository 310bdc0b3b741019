-- The whole life of a village charter (hương ước, quy ước) under Decree 61/2023/NĐ-CP, beyond
-- its recognition (00004):
--
--  * its proposal (art. 7) and its drafting team (art. 8), one row per charter;
--  * the sending of the recognised charter to the commune's Fatherland Front as well as back to
--    the village (a new step, send_front);
--  * suspension and annulment of the whole charter or of some of its articles, with the day the
--    commune received the report or made the finding that starts its period, and for a
--    suspension the day by which the village must amend (art. 12, 14);
--  * the village's amended text after a suspension (a new step, amend), which ends with a new
--    recognition decision (art. 12(5), 13(4)) instead of a "reinstatement": the step
--    reinstate is no longer taken, and the rows recorded with it stay as they were, read as
--    history (charter_steps is append-only, so they are never rewritten);
--  * the annual review of each charter in force (art. 15(4)).
--
-- SQLite cannot change a CHECK constraint, so charter_steps is rebuilt with the new steps and
-- columns; its rows are copied as they are and its append-only triggers made again.

-- +goose Up
CREATE TABLE charter_steps_next (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id      INTEGER NOT NULL REFERENCES consultations (id),
    step                 TEXT NOT NULL CHECK (step IN ('submit', 'incomplete', 'complete', 'recognise', 'refuse', 'return', 'send_front', 'suspend', 'reinstate', 'amend', 'annul')),
    from_state           TEXT NOT NULL,
    to_state             TEXT NOT NULL,
    doc_number           TEXT NOT NULL DEFAULT '',
    doc_date             DATETIME,
    reasons              TEXT NOT NULL DEFAULT '',
    adopted_on           DATETIME,
    request_ref          TEXT NOT NULL DEFAULT '',
    request_date         DATETIME,
    minutes_ref          TEXT NOT NULL DEFAULT '',
    minutes_date         DATETIME,
    has_text             BOOLEAN NOT NULL DEFAULT FALSE,
    actor_id             INTEGER REFERENCES staff (id),
    created_at           DATETIME NOT NULL,
    -- Suspension and annulment: the whole charter or some articles ('whole', 'part'), which
    -- articles, and the day the report or finding reached the commune (its period runs from
    -- the day after).
    scope                TEXT NOT NULL DEFAULT '' CHECK (scope IN ('', 'whole', 'part')),
    articles             TEXT NOT NULL DEFAULT '',
    grounds_on           DATETIME,
    -- Suspension: the last day the village has to amend the charter.
    amend_by             DATETIME,
    -- Amendment: the amended articles as the households adopted them.
    amended_text         TEXT NOT NULL DEFAULT ''
);
INSERT INTO charter_steps_next (id, consultation_id, step, from_state, to_state, doc_number, doc_date, reasons, adopted_on,
    request_ref, request_date, minutes_ref, minutes_date, has_text, actor_id, created_at)
SELECT id, consultation_id, step, from_state, to_state, doc_number, doc_date, reasons, adopted_on,
    request_ref, request_date, minutes_ref, minutes_date, has_text, actor_id, created_at FROM charter_steps;
DROP TABLE charter_steps;
ALTER TABLE charter_steps_next RENAME TO charter_steps;
CREATE INDEX charter_steps_consultation_idx ON charter_steps (consultation_id, id);
-- +goose StatementBegin
CREATE TRIGGER charter_steps_no_update BEFORE UPDATE ON charter_steps
BEGIN SELECT RAISE(ABORT, 'charter_steps is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER charter_steps_no_delete BEFORE DELETE ON charter_steps
BEGIN SELECT RAISE(ABORT, 'charter_steps is append-only'); END;
-- +goose StatementEnd

-- The charter's standing beyond its state: when it was sent to the Front, the suspension in
-- force or the last one (the state says whether it still is) and the articles annulled in part.
ALTER TABLE charter_records ADD COLUMN front_sent_on DATETIME;
ALTER TABLE charter_records ADD COLUMN suspended_on DATETIME;
ALTER TABLE charter_records ADD COLUMN suspend_scope TEXT NOT NULL DEFAULT '';
ALTER TABLE charter_records ADD COLUMN suspended_articles TEXT NOT NULL DEFAULT '';
ALTER TABLE charter_records ADD COLUMN amend_by DATETIME;
ALTER TABLE charter_records ADD COLUMN amended_at DATETIME;
ALTER TABLE charter_records ADD COLUMN annulled_articles TEXT NOT NULL DEFAULT '';
-- The start of the last suspension's and annulment's periods, and the annulment's date.
ALTER TABLE charter_records ADD COLUMN suspend_grounds_on DATETIME;
ALTER TABLE charter_records ADD COLUMN annul_from DATETIME;
ALTER TABLE charter_records ADD COLUMN annulled_on DATETIME;

-- The proposal to draft a charter (art. 7) and its drafting team (art. 8), as the village
-- records them. Members are one per line; they are shown to staff only.
CREATE TABLE charter_drafting (
    consultation_id      INTEGER PRIMARY KEY REFERENCES consultations (id),
    proposed_by          TEXT NOT NULL DEFAULT '',
    proposed_on          DATETIME,
    proposal             TEXT NOT NULL DEFAULT '',
    team_formed_on       DATETIME,
    leader_name          TEXT NOT NULL DEFAULT '',
    front_head_name      TEXT NOT NULL DEFAULT '',
    members              TEXT NOT NULL DEFAULT '',
    actor_id             INTEGER REFERENCES staff (id),
    updated_at           DATETIME NOT NULL
);

-- The annual review of a charter in force (art. 15(4)), one per charter and year.
CREATE TABLE charter_reviews (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id      INTEGER NOT NULL REFERENCES consultations (id),
    year                 INTEGER NOT NULL,
    held_on              DATETIME NOT NULL,
    outcome              TEXT NOT NULL CHECK (outcome IN ('keep', 'amend', 'replace', 'annul')),
    findings             TEXT NOT NULL DEFAULT '',
    actor_id             INTEGER REFERENCES staff (id),
    created_at           DATETIME NOT NULL,
    UNIQUE (consultation_id, year)
);

-- +goose Down
DROP TABLE charter_reviews;
DROP TABLE charter_drafting;
ALTER TABLE charter_records DROP COLUMN annulled_on;
ALTER TABLE charter_records DROP COLUMN annul_from;
ALTER TABLE charter_records DROP COLUMN suspend_grounds_on;
ALTER TABLE charter_records DROP COLUMN annulled_articles;
ALTER TABLE charter_records DROP COLUMN amended_at;
ALTER TABLE charter_records DROP COLUMN amend_by;
ALTER TABLE charter_records DROP COLUMN suspended_articles;
ALTER TABLE charter_records DROP COLUMN suspend_scope;
ALTER TABLE charter_records DROP COLUMN suspended_on;
ALTER TABLE charter_records DROP COLUMN front_sent_on;
CREATE TABLE charter_steps_prev (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id      INTEGER NOT NULL REFERENCES consultations (id),
    step                 TEXT NOT NULL CHECK (step IN ('submit', 'incomplete', 'complete', 'recognise', 'refuse', 'return', 'suspend', 'reinstate', 'annul')),
    from_state           TEXT NOT NULL,
    to_state             TEXT NOT NULL,
    doc_number           TEXT NOT NULL DEFAULT '',
    doc_date             DATETIME,
    reasons              TEXT NOT NULL DEFAULT '',
    adopted_on           DATETIME,
    request_ref          TEXT NOT NULL DEFAULT '',
    request_date         DATETIME,
    minutes_ref          TEXT NOT NULL DEFAULT '',
    minutes_date         DATETIME,
    has_text             BOOLEAN NOT NULL DEFAULT FALSE,
    actor_id             INTEGER REFERENCES staff (id),
    created_at           DATETIME NOT NULL
);
INSERT INTO charter_steps_prev SELECT id, consultation_id, step, from_state, to_state, doc_number, doc_date, reasons, adopted_on,
    request_ref, request_date, minutes_ref, minutes_date, has_text, actor_id, created_at FROM charter_steps
    WHERE step NOT IN ('send_front', 'amend');
DROP TABLE charter_steps;
ALTER TABLE charter_steps_prev RENAME TO charter_steps;
CREATE INDEX charter_steps_consultation_idx ON charter_steps (consultation_id, id);
-- +goose StatementBegin
CREATE TRIGGER charter_steps_no_update BEFORE UPDATE ON charter_steps
BEGIN SELECT RAISE(ABORT, 'charter_steps is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER charter_steps_no_delete BEFORE DELETE ON charter_steps
BEGIN SELECT RAISE(ABORT, 'charter_steps is append-only'); END;
-- +goose StatementEnd
