-- The authority's decision on each article after the consultation (Law 10/2022 art. 28(3–4))
-- and the staff inbox.

-- +goose Up
CREATE TABLE article_decisions (
    id               BIGSERIAL PRIMARY KEY,
    consultation_id  BIGINT NOT NULL REFERENCES consultations (id),
    section_id       BIGINT NOT NULL REFERENCES sections (id),
    decision         TEXT NOT NULL CHECK (decision IN ('kept', 'amended', 'removed')),
    -- Why the decision differs from the majority of opinions on the article; required then,
    -- by the application, which knows the counts.
    reason           TEXT NOT NULL DEFAULT '',
    decided_by       BIGINT REFERENCES staff (id),
    decided_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (consultation_id, section_id)
);

CREATE TABLE staff_notifications (
    id               BIGSERIAL PRIMARY KEY,
    staff_id         BIGINT NOT NULL REFERENCES staff (id),
    kind             TEXT NOT NULL,
    consultation_id  BIGINT REFERENCES consultations (id),
    unit_id          BIGINT REFERENCES units (id),
    -- One notice per event and person, whatever retries the event.
    dedup_key        TEXT NOT NULL UNIQUE,
    created_at       TIMESTAMPTZ NOT NULL,
    read_at          TIMESTAMPTZ
);
CREATE INDEX staff_notifications_staff_idx ON staff_notifications (staff_id, read_at, created_at);

-- +goose Down
DROP TABLE staff_notifications;
DROP TABLE article_decisions;
