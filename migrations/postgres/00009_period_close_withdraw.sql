-- Why a period was cut short, and the withdrawal of a draft.
--
-- An official may close a consultation before its last day once the legal minimum has run
-- (Decree 61/2023 art. 9(1), Law 10/2022 art. 28(2)), but only with a reason, which the
-- public page, the report and the oversight view show beside the real closing time
-- (closed_at). A draft may be withdrawn, from draft, open or closed, with a reason its
-- public page shows. The consultation_events log keeps the same reasons with each change.

-- +goose Up
ALTER TABLE consultations ADD COLUMN close_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE consultations ADD COLUMN withdrawn_at TIMESTAMPTZ;
ALTER TABLE consultations ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE consultations DROP COLUMN withdraw_reason;
ALTER TABLE consultations DROP COLUMN withdrawn_at;
ALTER TABLE consultations DROP COLUMN close_reason;
