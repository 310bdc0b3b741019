-- Decisions of the households of a village on a matter of Law 10/2022 art. 15: the item of
-- art. 15 a consultation is about, the outcome statuses adopted and rejected, the decision
-- recorded for each village (a meeting or household ballots), and online voting (Decree
-- 59/2023 art. 5) with one code per household.

-- +goose Up
-- adopted and rejected: the households' decision on a decide matter, after the results.
ALTER TABLE consultations DROP CONSTRAINT consultations_status_check;
ALTER TABLE consultations ADD CONSTRAINT consultations_status_check
    CHECK (status IN ('draft', 'open', 'closed', 'results_published', 'withdrawn', 'adopted', 'rejected'));
-- The item of Law 10/2022 art. 15 a decide matter is about (1–6); NULL for a consult matter.
ALTER TABLE consultations ADD COLUMN item SMALLINT CHECK (item BETWEEN 1 AND 6);
-- The day the households decided (the last village to decide), set when the outcome of a
-- decide matter is concluded.
ALTER TABLE consultations ADD COLUMN decided_at TIMESTAMPTZ;
ALTER TABLE consultations ADD CONSTRAINT consultations_item_matter_check CHECK (item IS NULL OR matter = 'decide');
-- A hương ước or quy ước is item 3 of art. 15; other decide matters wait for an official.
UPDATE consultations SET item = 3 WHERE matter = 'decide' AND kind IN ('huong_uoc', 'quy_uoc');

-- The decision of one village's households, recorded by an official from the minutes of the
-- meeting or the count of the ballots. Households is the village's number of households at
-- the time, which the threshold counts against. Whether the matter is adopted follows from
-- the numbers and the item, so it is computed, never stored.
CREATE TABLE village_decisions (
    id               BIGSERIAL PRIMARY KEY,
    consultation_id  BIGINT NOT NULL REFERENCES consultations (id),
    village_id       BIGINT NOT NULL REFERENCES units (id),
    form             TEXT NOT NULL CHECK (form IN ('meeting', 'ballot')),
    held_on          TIMESTAMPTZ NOT NULL,
    households       INTEGER NOT NULL CHECK (households > 0),
    -- Households present at the meeting, or ballots returned.
    present          INTEGER NOT NULL CHECK (present >= 0 AND present <= households),
    agree            INTEGER NOT NULL CHECK (agree >= 0),
    disagree         INTEGER NOT NULL CHECK (disagree >= 0),
    other            INTEGER NOT NULL CHECK (other >= 0),
    recorded_by      BIGINT REFERENCES staff (id),
    recorded_at      TIMESTAMPTZ NOT NULL,
    CHECK (agree + disagree + other <= present),
    UNIQUE (consultation_id, village_id)
);

-- Online voting in one village (Decree 59/2023 art. 5), allowed after more than half of the
-- households agreed to it. The counts are kept here, apart from the codes, so no one can
-- tell how a household voted; the codes only say who took part.
CREATE TABLE village_ballots (
    id                 BIGSERIAL PRIMARY KEY,
    consultation_id    BIGINT NOT NULL REFERENCES consultations (id),
    village_id         BIGINT NOT NULL REFERENCES units (id),
    households         INTEGER NOT NULL CHECK (households > 0),
    agreed_households  INTEGER NOT NULL CHECK (agreed_households * 2 > households AND agreed_households <= households),
    agreed_on          TIMESTAMPTZ NOT NULL,
    opens_at           TIMESTAMPTZ NOT NULL,
    closes_at          TIMESTAMPTZ NOT NULL,
    agree              INTEGER NOT NULL DEFAULT 0 CHECK (agree >= 0),
    disagree           INTEGER NOT NULL DEFAULT 0 CHECK (disagree >= 0),
    other              INTEGER NOT NULL DEFAULT 0 CHECK (other >= 0),
    codes_issued_at    TIMESTAMPTZ,
    created_by         BIGINT REFERENCES staff (id),
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    CHECK (closes_at > opens_at),
    CHECK (agree + disagree + other <= households),
    UNIQUE (consultation_id, village_id)
);

-- One voting code per household. Only a hash of the code is kept: a copy of the database
-- does not reveal the codes that are still unused. Serial is the number printed beside the
-- code on the sheet, so the minutes can list which slips were used, and when.
CREATE TABLE village_ballot_codes (
    id          BIGSERIAL PRIMARY KEY,
    ballot_id   BIGINT NOT NULL REFERENCES village_ballots (id) ON DELETE CASCADE,
    serial      INTEGER NOT NULL CHECK (serial > 0),
    code_hash   TEXT NOT NULL UNIQUE,
    voted_at    TIMESTAMPTZ,
    UNIQUE (ballot_id, serial)
);

-- +goose Down
DROP TABLE village_ballot_codes;
DROP TABLE village_ballots;
DROP TABLE village_decisions;
-- An adopted or rejected consultation goes back to results_published, the last status the
-- old schema knows.
UPDATE consultations SET status = 'results_published' WHERE status IN ('adopted', 'rejected');
ALTER TABLE consultations DROP CONSTRAINT consultations_item_matter_check;
ALTER TABLE consultations DROP COLUMN decided_at;
ALTER TABLE consultations DROP COLUMN item;
ALTER TABLE consultations DROP CONSTRAINT consultations_status_check;
ALTER TABLE consultations ADD CONSTRAINT consultations_status_check
    CHECK (status IN ('draft', 'open', 'closed', 'results_published', 'withdrawn'));
