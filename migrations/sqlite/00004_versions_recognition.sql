-- Versions of a draft keep the link from each part to the part it revises, so opinions on an
-- earlier version stay with their article; and the recognition of a village charter (hương
-- ước, quy ước) after its adoption: the dossier, the commune's decision, and later suspension
-- or annulment (Decree 61/2023 art. 11).

-- +goose Up
-- Each part of a version that revises a part of the previous version, with that part: the
-- article renumbered, moved to another chapter or reworded is still the same article. A part
-- without a row was added in its version; a part of the previous version that no row names
-- was removed. Written once, when the version is published.
CREATE TABLE section_links (
    section_id           INTEGER PRIMARY KEY REFERENCES sections (id) ON DELETE CASCADE,
    previous_section_id  INTEGER NOT NULL UNIQUE REFERENCES sections (id) ON DELETE CASCADE,
    consultation_id      INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE
);
CREATE INDEX section_links_consultation_idx ON section_links (consultation_id);

-- What the drafting team says changed in a version (who published it is in the audit log).
ALTER TABLE consultation_versions ADD COLUMN note TEXT NOT NULL DEFAULT '';

-- A charter's path from adoption to recognition, one row per consultation: its current state
-- and the dossier last submitted. Every change is also a row of charter_steps. Kept apart
-- from consultations.status: recognition, suspension and annulment happen to the adopted
-- charter, long after the consultation itself has ended.
CREATE TABLE charter_records (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id      INTEGER NOT NULL UNIQUE REFERENCES consultations (id),
    state                TEXT NOT NULL CHECK (state IN ('submitted', 'incomplete', 'complete', 'recognised', 'refused', 'suspended', 'annulled')),
    -- The version of the draft the households adopted, and the day they did.
    version_number       INTEGER NOT NULL,
    adopted_on           DATETIME NOT NULL,
    -- The dossier's checklist: the request and the minutes of the household decision, each
    -- with its reference and date (NULL date: not in the dossier), and the adopted text.
    request_ref          TEXT NOT NULL DEFAULT '',
    request_date         DATETIME,
    minutes_ref          TEXT NOT NULL DEFAULT '',
    minutes_date         DATETIME,
    has_text             BOOLEAN NOT NULL DEFAULT FALSE,
    -- The first submission after this adoption (the dossier deadline), and the latest one,
    -- which starts the commune's 5 working days once it is complete.
    first_submitted_at   DATETIME NOT NULL,
    submitted_at         DATETIME NOT NULL,
    -- The commune's answer: the recognition decision, or the written refusal.
    decision_number      TEXT NOT NULL DEFAULT '',
    decision_date        DATETIME,
    -- The day the recognised charter was sent back to the village.
    returned_on          DATETIME,
    updated_at           DATETIME NOT NULL
);
CREATE INDEX charter_records_state_idx ON charter_records (state);

-- Every step of a charter's recognition, with the document it rests on. Append-only.
CREATE TABLE charter_steps (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id      INTEGER NOT NULL REFERENCES consultations (id),
    step                 TEXT NOT NULL CHECK (step IN ('submit', 'incomplete', 'complete', 'recognise', 'refuse', 'return', 'suspend', 'reinstate', 'annul')),
    from_state           TEXT NOT NULL,
    to_state             TEXT NOT NULL,
    -- The decision or letter: its number and date; for a return, the day it was sent.
    doc_number           TEXT NOT NULL DEFAULT '',
    doc_date             DATETIME,
    -- Reasons of a refusal, suspension or annulment; what is missing from a dossier.
    reasons              TEXT NOT NULL DEFAULT '',
    -- For a submission, the dossier as submitted.
    adopted_on           DATETIME,
    request_ref          TEXT NOT NULL DEFAULT '',
    request_date         DATETIME,
    minutes_ref          TEXT NOT NULL DEFAULT '',
    minutes_date         DATETIME,
    has_text             BOOLEAN NOT NULL DEFAULT FALSE,
    actor_id             INTEGER REFERENCES staff (id),
    created_at           DATETIME NOT NULL
);
CREATE INDEX charter_steps_consultation_idx ON charter_steps (consultation_id, id);

-- +goose StatementBegin
CREATE TRIGGER charter_steps_no_update BEFORE UPDATE ON charter_steps
BEGIN SELECT RAISE(ABORT, 'charter_steps is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER charter_steps_no_delete BEFORE DELETE ON charter_steps
BEGIN SELECT RAISE(ABORT, 'charter_steps is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE charter_steps;
DROP TABLE charter_records;
ALTER TABLE consultation_versions DROP COLUMN note;
DROP TABLE section_links;
