-- What Law 10/2022 art. 18-21 and Decree 59/2023 art. 3-5 ask of a village's decision
-- beyond its count: where it was taken and what was decided (the record, art. 20(2)); the
-- meeting that could not decide before household ballots (art. 17(2)); the cluster
-- meetings of a village of 200 households or more, whose counts add up into one decision
-- (art. 18(3)); sending the decision to the commune and its recognition (art. 20(3), 21(2));
-- the Front's signature and receipt; and the Front's agreement to an online vote (Decree
-- 59/2023 art. 5).

-- +goose Up
ALTER TABLE village_decisions ADD COLUMN place TEXT NOT NULL DEFAULT '';
ALTER TABLE village_decisions ADD COLUMN content TEXT NOT NULL DEFAULT '';
-- The meeting that could not decide (no quorum) before household ballots, kept with them.
ALTER TABLE village_decisions ADD COLUMN prior_meeting_on TIMESTAMPTZ;
ALTER TABLE village_decisions ADD COLUMN prior_meeting_present INTEGER;

-- One cluster meeting of a village that met by clusters; the village's counts are their sum.
CREATE TABLE village_decision_clusters (
    id           BIGSERIAL PRIMARY KEY,
    decision_id  BIGINT NOT NULL REFERENCES village_decisions (id) ON DELETE CASCADE,
    ordinal      INTEGER NOT NULL CHECK (ordinal > 0),
    name         TEXT NOT NULL DEFAULT '',
    present      INTEGER NOT NULL CHECK (present >= 0),
    agree        INTEGER NOT NULL CHECK (agree >= 0),
    disagree     INTEGER NOT NULL CHECK (disagree >= 0),
    other        INTEGER NOT NULL CHECK (other >= 0),
    CHECK (agree + disagree + other <= present),
    UNIQUE (decision_id, ordinal)
);

-- The acts after a village's decision, one row per village of a matter, for recorded and
-- online decisions alike.
CREATE TABLE village_decision_acts (
    id                   BIGSERIAL PRIMARY KEY,
    consultation_id      BIGINT NOT NULL REFERENCES consultations (id),
    village_id           BIGINT NOT NULL REFERENCES units (id),
    sent_on              TIMESTAMPTZ,
    sent_by              BIGINT REFERENCES staff (id),
    front_received_on    TIMESTAMPTZ,
    front_received_by    BIGINT REFERENCES staff (id),
    front_signed_at      TIMESTAMPTZ,
    front_signed_by      BIGINT REFERENCES staff (id),
    recognition          TEXT NOT NULL DEFAULT '' CHECK (recognition IN ('', 'recognised', 'refused')),
    recognition_number   TEXT NOT NULL DEFAULT '',
    recognition_date     TIMESTAMPTZ,
    recognition_reasons  TEXT NOT NULL DEFAULT '',
    recognition_by       BIGINT REFERENCES staff (id),
    updated_at           TIMESTAMPTZ NOT NULL,
    -- A refusal is written, with its reasons.
    CHECK (recognition <> 'refused' OR recognition_reasons <> ''),
    CHECK (recognition = '' OR recognition_date IS NOT NULL),
    UNIQUE (consultation_id, village_id)
);

-- The village Front committee's agreement to an online vote; codes are issued only after it.
ALTER TABLE village_ballots ADD COLUMN front_agreed_at TIMESTAMPTZ;
ALTER TABLE village_ballots ADD COLUMN front_agreed_by BIGINT REFERENCES staff (id);

-- +goose Down
ALTER TABLE village_ballots DROP COLUMN front_agreed_by;
ALTER TABLE village_ballots DROP COLUMN front_agreed_at;
DROP TABLE village_decision_acts;
DROP TABLE village_decision_clusters;
ALTER TABLE village_decisions DROP COLUMN prior_meeting_present;
ALTER TABLE village_decisions DROP COLUMN prior_meeting_on;
ALTER TABLE village_decisions DROP COLUMN content;
ALTER TABLE village_decisions DROP COLUMN place;
