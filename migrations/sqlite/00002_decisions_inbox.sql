-- The authority's decision on each article after the consultation (Law 10/2022 art. 28(3–4))
-- and the staff inbox.

-- +goose Up
CREATE TABLE article_decisions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id),
    section_id       INTEGER NOT NULL REFERENCES sections (id),
    decision         TEXT NOT NULL CHECK (decision IN ('kept', 'amended', 'removed')),
    -- Why the decision differs from the majority of opinions on the article; required then,
    -- by the application, which knows the counts.
    reason           TEXT NOT NULL DEFAULT '',
    decided_by       INTEGER REFERENCES staff (id),
    decided_at       DATETIME NOT NULL,
    UNIQUE (consultation_id, section_id)
);

CREATE TABLE staff_notifications (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_id         INTEGER NOT NULL REFERENCES staff (id),
    kind             TEXT NOT NULL,
    consultation_id  INTEGER REFERENCES consultations (id),
    unit_id          INTEGER REFERENCES units (id),
    -- One notice per event and person, whatever retries the event.
    dedup_key        TEXT NOT NULL UNIQUE,
    created_at       DATETIME NOT NULL,
    read_at          DATETIME
);
CREATE INDEX staff_notifications_staff_idx ON staff_notifications (staff_id, read_at, created_at);

-- +goose Down
DROP TABLE staff_notifications;
DROP TABLE article_decisions;
