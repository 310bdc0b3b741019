-- Consultation plans and reports of a consult matter (Law 10/2022 art. 25-28).
--
-- consultations.topic is the item of art. 25 a consult matter is about (1-6); NULL where it
-- was never stated (rows created before it was asked) and for decide matters.
--
-- consultation_plans records the days the commune sent the plan of a consultation to the
-- commune People's Council and to the commune Front (art. 28(1)), and the day it submitted
-- its report on the results to the People's Council (art. 28(5), 14(3)).
--
-- Opinions gain two channels: through the Front and the socio-political organisations
-- (art. 26) and a dialogue with the citizens directly affected (art. 27).

-- +goose Up
ALTER TABLE consultations ADD COLUMN topic INTEGER CHECK (topic BETWEEN 1 AND 6);
ALTER TABLE consultations ADD CONSTRAINT consultations_topic_consult CHECK (topic IS NULL OR matter = 'consult');

CREATE TABLE consultation_plans (
    consultation_id     BIGINT PRIMARY KEY REFERENCES consultations (id) ON DELETE CASCADE,
    council_sent_on     TIMESTAMPTZ,
    front_sent_on       TIMESTAMPTZ,
    report_submitted_on TIMESTAMPTZ,
    report_session      TEXT NOT NULL DEFAULT '',
    updated_by          BIGINT REFERENCES staff (id),
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX consultation_plans_report_idx ON consultation_plans (report_submitted_on);

ALTER TABLE opinions DROP CONSTRAINT opinions_channel_check;
ALTER TABLE opinions ADD CONSTRAINT opinions_channel_check
    CHECK (channel IN ('online', 'meeting', 'form', 'box', 'phone', 'social', 'front', 'dialogue'));

-- +goose Down
ALTER TABLE opinions DROP CONSTRAINT opinions_channel_check;
ALTER TABLE opinions ADD CONSTRAINT opinions_channel_check
    CHECK (channel IN ('online', 'meeting', 'form', 'box', 'phone', 'social'));
DROP TABLE consultation_plans;
ALTER TABLE consultations DROP CONSTRAINT consultations_topic_consult;
ALTER TABLE consultations DROP COLUMN topic;
