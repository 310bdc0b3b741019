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

-- +goose Up
ALTER TABLE charter_steps DROP CONSTRAINT charter_steps_step_check;
ALTER TABLE charter_steps ADD CONSTRAINT charter_steps_step_check
    CHECK (step IN ('submit', 'incomplete', 'complete', 'recognise', 'refuse', 'return', 'send_front', 'suspend', 'reinstate', 'amend', 'annul'));
-- Suspension and annulment: the whole charter or some articles, which articles, and the day
-- the report or finding reached the commune (its period runs from the day after); for a
-- suspension the last day the village has to amend; for an amendment the amended articles.
ALTER TABLE charter_steps ADD COLUMN scope TEXT NOT NULL DEFAULT '' CHECK (scope IN ('', 'whole', 'part'));
ALTER TABLE charter_steps ADD COLUMN articles TEXT NOT NULL DEFAULT '';
ALTER TABLE charter_steps ADD COLUMN grounds_on TIMESTAMPTZ;
ALTER TABLE charter_steps ADD COLUMN amend_by TIMESTAMPTZ;
ALTER TABLE charter_steps ADD COLUMN amended_text TEXT NOT NULL DEFAULT '';

-- The charter's standing beyond its state: when it was sent to the Front, the suspension in
-- force or the last one (the state says whether it still is) and the articles annulled in part.
ALTER TABLE charter_records ADD COLUMN front_sent_on TIMESTAMPTZ;
ALTER TABLE charter_records ADD COLUMN suspended_on TIMESTAMPTZ;
ALTER TABLE charter_records ADD COLUMN suspend_scope TEXT NOT NULL DEFAULT '';
ALTER TABLE charter_records ADD COLUMN suspended_articles TEXT NOT NULL DEFAULT '';
ALTER TABLE charter_records ADD COLUMN amend_by TIMESTAMPTZ;
ALTER TABLE charter_records ADD COLUMN amended_at TIMESTAMPTZ;
ALTER TABLE charter_records ADD COLUMN annulled_articles TEXT NOT NULL DEFAULT '';
-- The start of the last suspension's and annulment's periods, and the annulment's date.
ALTER TABLE charter_records ADD COLUMN suspend_grounds_on TIMESTAMPTZ;
ALTER TABLE charter_records ADD COLUMN annul_from TIMESTAMPTZ;
ALTER TABLE charter_records ADD COLUMN annulled_on TIMESTAMPTZ;

-- The proposal to draft a charter (art. 7) and its drafting team (art. 8), as the village
-- records them. Members are one per line; they are shown to staff only.
CREATE TABLE charter_drafting (
    consultation_id      BIGINT PRIMARY KEY REFERENCES consultations (id),
    proposed_by          TEXT NOT NULL DEFAULT '',
    proposed_on          TIMESTAMPTZ,
    proposal             TEXT NOT NULL DEFAULT '',
    team_formed_on       TIMESTAMPTZ,
    leader_name          TEXT NOT NULL DEFAULT '',
    front_head_name      TEXT NOT NULL DEFAULT '',
    members              TEXT NOT NULL DEFAULT '',
    actor_id             BIGINT REFERENCES staff (id),
    updated_at           TIMESTAMPTZ NOT NULL
);

-- The annual review of a charter in force (art. 15(4)), one per charter and year.
CREATE TABLE charter_reviews (
    id                   BIGSERIAL PRIMARY KEY,
    consultation_id      BIGINT NOT NULL REFERENCES consultations (id),
    year                 INTEGER NOT NULL,
    held_on              TIMESTAMPTZ NOT NULL,
    outcome              TEXT NOT NULL CHECK (outcome IN ('keep', 'amend', 'replace', 'annul')),
    findings             TEXT NOT NULL DEFAULT '',
    actor_id             BIGINT REFERENCES staff (id),
    created_at           TIMESTAMPTZ NOT NULL,
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
ALTER TABLE charter_steps DROP COLUMN amended_text;
ALTER TABLE charter_steps DROP COLUMN amend_by;
ALTER TABLE charter_steps DROP COLUMN grounds_on;
ALTER TABLE charter_steps DROP COLUMN articles;
ALTER TABLE charter_steps DROP COLUMN scope;
ALTER TABLE charter_steps DROP CONSTRAINT charter_steps_step_check;
ALTER TABLE charter_steps ADD CONSTRAINT charter_steps_step_check
    CHECK (step IN ('submit', 'incomplete', 'complete', 'recognise', 'refuse', 'return', 'suspend', 'reinstate', 'annul'));
