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
-- (art. 26) and a dialogue with the citizens directly affected (art. 27). SQLite cannot
-- change a CHECK constraint in place, so opinions is rebuilt as 00003 rebuilt consultations
-- (https://www.sqlite.org/lang_altertable.html#otheralter): foreign keys off outside the
-- transaction, a new table, the rows copied with the AUTOINCREMENT counter, the old table
-- dropped, the new one renamed, and its indexes and tally triggers (00015) created again.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

ALTER TABLE consultations ADD COLUMN topic INTEGER CHECK (topic BETWEEN 1 AND 6);

CREATE TABLE consultation_plans (
    consultation_id     INTEGER PRIMARY KEY REFERENCES consultations (id) ON DELETE CASCADE,
    council_sent_on     DATETIME,
    front_sent_on       DATETIME,
    report_submitted_on DATETIME,
    report_session      TEXT NOT NULL DEFAULT '',
    updated_by          INTEGER REFERENCES staff (id),
    updated_at          DATETIME NOT NULL
);
CREATE INDEX consultation_plans_report_idx ON consultation_plans (report_submitted_on);

CREATE TABLE opinions_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id   INTEGER NOT NULL REFERENCES consultations (id),
    section_id        INTEGER REFERENCES sections (id),
    stance            TEXT NOT NULL CHECK (stance IN ('agree', 'disagree', 'other')),
    body              TEXT NOT NULL,
    channel           TEXT NOT NULL CHECK (channel IN ('online', 'meeting', 'form', 'box', 'phone', 'social', 'front', 'dialogue')),
    village_id        INTEGER REFERENCES units (id),
    author_name       TEXT NOT NULL DEFAULT '',
    show_name         BOOLEAN NOT NULL DEFAULT FALSE,
    contact           TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'hidden', 'withdrawn')),
    -- The text as the public sees it: personal data masked. The original stays in body.
    body_public       TEXT NOT NULL DEFAULT '',
    -- Automatic flags (comma-separated kinds) for the moderator; they never decide alone.
    flags             TEXT NOT NULL DEFAULT '',
    -- When a moderator looked at it: set at the first decision, or at review under post-moderation.
    reviewed_at       DATETIME,
    -- Seconds from submission to the first decision, for the median in public statistics.
    decision_seconds  INTEGER,
    rejection_reason  TEXT NOT NULL DEFAULT '',
    tracking_code     TEXT NOT NULL UNIQUE,
    idempotency_key   TEXT,
    -- Hash of the submitted content: a key reused for a different opinion is refused.
    request_hash      TEXT NOT NULL DEFAULT '',
    submitted_at      DATETIME NOT NULL,
    decided_at        DATETIME,
    -- When the author withdrew the opinion, or erased their name and contact.
    withdrawn_at      DATETIME,
    erased_at         DATETIME,
    response_id       INTEGER REFERENCES responses (id),
    entered_by        INTEGER REFERENCES staff (id),
    offline_ref       TEXT NOT NULL DEFAULT '',
    UNIQUE (consultation_id, idempotency_key)
);
INSERT INTO opinions_new (id, consultation_id, section_id, stance, body, channel, village_id, author_name, show_name, contact, status, body_public, flags, reviewed_at, decision_seconds, rejection_reason, tracking_code, idempotency_key, request_hash, submitted_at, decided_at, withdrawn_at, erased_at, response_id, entered_by, offline_ref) SELECT id, consultation_id, section_id, stance, body, channel, village_id, author_name, show_name, contact, status, body_public, flags, reviewed_at, decision_seconds, rejection_reason, tracking_code, idempotency_key, request_hash, submitted_at, decided_at, withdrawn_at, erased_at, response_id, entered_by, offline_ref FROM opinions;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'opinions') WHERE name = 'opinions_new';
DROP TABLE opinions;
ALTER TABLE opinions_new RENAME TO opinions;
CREATE INDEX opinions_queue_idx ON opinions (status, submitted_at);
CREATE INDEX opinions_summary_idx ON opinions
    (consultation_id, status, section_id, stance, channel, village_id, rejection_reason, submitted_at, id);
CREATE INDEX opinions_decision_time_idx ON opinions (consultation_id, decision_seconds)
    WHERE decision_seconds IS NOT NULL;
CREATE INDEX opinions_newest_idx ON opinions (consultation_id, submitted_at DESC, id DESC);
CREATE INDEX opinions_section_newest_idx ON opinions (consultation_id, section_id, submitted_at DESC, id DESC, status);
CREATE INDEX opinions_public_newest_idx ON opinions (consultation_id, section_id, submitted_at DESC, id DESC)
    WHERE status IN ('approved', 'hidden');
CREATE INDEX opinions_public_all_newest_idx ON opinions (consultation_id, submitted_at DESC, id DESC)
    WHERE status IN ('approved', 'hidden');
-- +goose StatementBegin
CREATE TRIGGER opinions_tally_insert AFTER INSERT ON opinions BEGIN
    INSERT INTO opinion_tallies (consultation_id, kind, key, n)
    SELECT consultation_id, kind, key, d FROM (
        SELECT NEW.consultation_id AS consultation_id, 'status' AS kind, NEW.status || ':' || NEW.rejection_reason AS key, 1 AS d
        UNION ALL SELECT NEW.consultation_id, 'approved', COALESCE(NEW.section_id, 0) || ':' || NEW.stance || ':' || NEW.channel, 1
            WHERE NEW.status = 'approved'
        UNION ALL SELECT NEW.consultation_id, 'village', CAST(NEW.village_id AS TEXT), 1
            WHERE NEW.status = 'approved' AND NEW.village_id IS NOT NULL
        UNION ALL SELECT NEW.consultation_id, 'day', strftime('%Y%m%d', NEW.submitted_at, '+25200 seconds'), 1
            WHERE NEW.status = 'approved'
        UNION ALL SELECT NEW.consultation_id, 'decided', CAST(CASE WHEN NEW.decision_seconds < 3600 THEN NEW.decision_seconds
                WHEN NEW.decision_seconds < 172800 THEN NEW.decision_seconds / 60 * 60
                ELSE NEW.decision_seconds / 3600 * 3600 END AS TEXT), 1
            WHERE NEW.decision_seconds IS NOT NULL
        UNION ALL SELECT NEW.consultation_id, 'changes', '', 1 WHERE NEW.status = 'approved'
    ) WHERE true
    ON CONFLICT (consultation_id, kind, key, shard) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opinions_tally_delete AFTER DELETE ON opinions BEGIN
    INSERT INTO opinion_tallies (consultation_id, kind, key, n)
    SELECT consultation_id, kind, key, d FROM (
        SELECT OLD.consultation_id AS consultation_id, 'status' AS kind, OLD.status || ':' || OLD.rejection_reason AS key, -1 AS d
        UNION ALL SELECT OLD.consultation_id, 'approved', COALESCE(OLD.section_id, 0) || ':' || OLD.stance || ':' || OLD.channel, -1
            WHERE OLD.status = 'approved'
        UNION ALL SELECT OLD.consultation_id, 'village', CAST(OLD.village_id AS TEXT), -1
            WHERE OLD.status = 'approved' AND OLD.village_id IS NOT NULL
        UNION ALL SELECT OLD.consultation_id, 'day', strftime('%Y%m%d', OLD.submitted_at, '+25200 seconds'), -1
            WHERE OLD.status = 'approved'
        UNION ALL SELECT OLD.consultation_id, 'decided', CAST(CASE WHEN OLD.decision_seconds < 3600 THEN OLD.decision_seconds
                WHEN OLD.decision_seconds < 172800 THEN OLD.decision_seconds / 60 * 60
                ELSE OLD.decision_seconds / 3600 * 3600 END AS TEXT), -1
            WHERE OLD.decision_seconds IS NOT NULL
        UNION ALL SELECT OLD.consultation_id, 'changes', '', 1 WHERE OLD.status = 'approved'
    ) WHERE true
    ON CONFLICT (consultation_id, kind, key, shard) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opinions_tally_update AFTER UPDATE ON opinions
WHEN OLD.consultation_id IS NOT NEW.consultation_id OR OLD.status IS NOT NEW.status OR OLD.rejection_reason IS NOT NEW.rejection_reason OR OLD.section_id IS NOT NEW.section_id OR OLD.stance IS NOT NEW.stance OR OLD.channel IS NOT NEW.channel OR OLD.village_id IS NOT NEW.village_id OR OLD.submitted_at IS NOT NEW.submitted_at OR OLD.decision_seconds IS NOT NEW.decision_seconds OR OLD.body_public IS NOT NEW.body_public
BEGIN
    INSERT INTO opinion_tallies (consultation_id, kind, key, n)
    SELECT consultation_id, kind, key, d FROM (
        SELECT OLD.consultation_id AS consultation_id, 'status' AS kind, OLD.status || ':' || OLD.rejection_reason AS key, -1 AS d
        UNION ALL SELECT OLD.consultation_id, 'approved', COALESCE(OLD.section_id, 0) || ':' || OLD.stance || ':' || OLD.channel, -1
            WHERE OLD.status = 'approved'
        UNION ALL SELECT OLD.consultation_id, 'village', CAST(OLD.village_id AS TEXT), -1
            WHERE OLD.status = 'approved' AND OLD.village_id IS NOT NULL
        UNION ALL SELECT OLD.consultation_id, 'day', strftime('%Y%m%d', OLD.submitted_at, '+25200 seconds'), -1
            WHERE OLD.status = 'approved'
        UNION ALL SELECT OLD.consultation_id, 'decided', CAST(CASE WHEN OLD.decision_seconds < 3600 THEN OLD.decision_seconds
                WHEN OLD.decision_seconds < 172800 THEN OLD.decision_seconds / 60 * 60
                ELSE OLD.decision_seconds / 3600 * 3600 END AS TEXT), -1
            WHERE OLD.decision_seconds IS NOT NULL
        UNION ALL SELECT OLD.consultation_id, 'changes', '', 1 WHERE OLD.status = 'approved'
    ) WHERE true
    ON CONFLICT (consultation_id, kind, key, shard) DO UPDATE SET n = n + excluded.n;
    INSERT INTO opinion_tallies (consultation_id, kind, key, n)
    SELECT consultation_id, kind, key, d FROM (
        SELECT NEW.consultation_id AS consultation_id, 'status' AS kind, NEW.status || ':' || NEW.rejection_reason AS key, 1 AS d
        UNION ALL SELECT NEW.consultation_id, 'approved', COALESCE(NEW.section_id, 0) || ':' || NEW.stance || ':' || NEW.channel, 1
            WHERE NEW.status = 'approved'
        UNION ALL SELECT NEW.consultation_id, 'village', CAST(NEW.village_id AS TEXT), 1
            WHERE NEW.status = 'approved' AND NEW.village_id IS NOT NULL
        UNION ALL SELECT NEW.consultation_id, 'day', strftime('%Y%m%d', NEW.submitted_at, '+25200 seconds'), 1
            WHERE NEW.status = 'approved'
        UNION ALL SELECT NEW.consultation_id, 'decided', CAST(CASE WHEN NEW.decision_seconds < 3600 THEN NEW.decision_seconds
                WHEN NEW.decision_seconds < 172800 THEN NEW.decision_seconds / 60 * 60
                ELSE NEW.decision_seconds / 3600 * 3600 END AS TEXT), 1
            WHERE NEW.decision_seconds IS NOT NULL
        UNION ALL SELECT NEW.consultation_id, 'changes', '', 1 WHERE NEW.status = 'approved'
    ) WHERE true
    ON CONFLICT (consultation_id, kind, key, shard) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DELETE FROM opinions WHERE channel IN ('front', 'dialogue');
CREATE TABLE opinions_old (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id   INTEGER NOT NULL REFERENCES consultations (id),
    section_id        INTEGER REFERENCES sections (id),
    stance            TEXT NOT NULL CHECK (stance IN ('agree', 'disagree', 'other')),
    body              TEXT NOT NULL,
    channel           TEXT NOT NULL CHECK (channel IN ('online', 'meeting', 'form', 'box', 'phone', 'social')),
    village_id        INTEGER REFERENCES units (id),
    author_name       TEXT NOT NULL DEFAULT '',
    show_name         BOOLEAN NOT NULL DEFAULT FALSE,
    contact           TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'hidden', 'withdrawn')),
    -- The text as the public sees it: personal data masked. The original stays in body.
    body_public       TEXT NOT NULL DEFAULT '',
    -- Automatic flags (comma-separated kinds) for the moderator; they never decide alone.
    flags             TEXT NOT NULL DEFAULT '',
    -- When a moderator looked at it: set at the first decision, or at review under post-moderation.
    reviewed_at       DATETIME,
    -- Seconds from submission to the first decision, for the median in public statistics.
    decision_seconds  INTEGER,
    rejection_reason  TEXT NOT NULL DEFAULT '',
    tracking_code     TEXT NOT NULL UNIQUE,
    idempotency_key   TEXT,
    -- Hash of the submitted content: a key reused for a different opinion is refused.
    request_hash      TEXT NOT NULL DEFAULT '',
    submitted_at      DATETIME NOT NULL,
    decided_at        DATETIME,
    -- When the author withdrew the opinion, or erased their name and contact.
    withdrawn_at      DATETIME,
    erased_at         DATETIME,
    response_id       INTEGER REFERENCES responses (id),
    entered_by        INTEGER REFERENCES staff (id),
    offline_ref       TEXT NOT NULL DEFAULT '',
    UNIQUE (consultation_id, idempotency_key)
);
INSERT INTO opinions_old (id, consultation_id, section_id, stance, body, channel, village_id, author_name, show_name, contact, status, body_public, flags, reviewed_at, decision_seconds, rejection_reason, tracking_code, idempotency_key, request_hash, submitted_at, decided_at, withdrawn_at, erased_at, response_id, entered_by, offline_ref) SELECT id, consultation_id, section_id, stance, body, channel, village_id, author_name, show_name, contact, status, body_public, flags, reviewed_at, decision_seconds, rejection_reason, tracking_code, idempotency_key, request_hash, submitted_at, decided_at, withdrawn_at, erased_at, response_id, entered_by, offline_ref FROM opinions;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'opinions') WHERE name = 'opinions_old';
DROP TABLE opinions;
ALTER TABLE opinions_old RENAME TO opinions;
CREATE INDEX opinions_queue_idx ON opinions (status, submitted_at);
CREATE INDEX opinions_summary_idx ON opinions
    (consultation_id, status, section_id, stance, channel, village_id, rejection_reason, submitted_at, id);
CREATE INDEX opinions_decision_time_idx ON opinions (consultation_id, decision_seconds)
    WHERE decision_seconds IS NOT NULL;
CREATE INDEX opinions_newest_idx ON opinions (consultation_id, submitted_at DESC, id DESC);
CREATE INDEX opinions_section_newest_idx ON opinions (consultation_id, section_id, submitted_at DESC, id DESC, status);
CREATE INDEX opinions_public_newest_idx ON opinions (consultation_id, section_id, submitted_at DESC, id DESC)
    WHERE status IN ('approved', 'hidden');
CREATE INDEX opinions_public_all_newest_idx ON opinions (consultation_id, submitted_at DESC, id DESC)
    WHERE status IN ('approved', 'hidden');
-- +goose StatementBegin
CREATE TRIGGER opinions_tally_insert AFTER INSERT ON opinions BEGIN
    INSERT INTO opinion_tallies (consultation_id, kind, key, n)
    SELECT consultation_id, kind, key, d FROM (
        SELECT NEW.consultation_id AS consultation_id, 'status' AS kind, NEW.status || ':' || NEW.rejection_reason AS key, 1 AS d
        UNION ALL SELECT NEW.consultation_id, 'approved', COALESCE(NEW.section_id, 0) || ':' || NEW.stance || ':' || NEW.channel, 1
            WHERE NEW.status = 'approved'
        UNION ALL SELECT NEW.consultation_id, 'village', CAST(NEW.village_id AS TEXT), 1
            WHERE NEW.status = 'approved' AND NEW.village_id IS NOT NULL
        UNION ALL SELECT NEW.consultation_id, 'day', strftime('%Y%m%d', NEW.submitted_at, '+25200 seconds'), 1
            WHERE NEW.status = 'approved'
        UNION ALL SELECT NEW.consultation_id, 'decided', CAST(CASE WHEN NEW.decision_seconds < 3600 THEN NEW.decision_seconds
                WHEN NEW.decision_seconds < 172800 THEN NEW.decision_seconds / 60 * 60
                ELSE NEW.decision_seconds / 3600 * 3600 END AS TEXT), 1
            WHERE NEW.decision_seconds IS NOT NULL
        UNION ALL SELECT NEW.consultation_id, 'changes', '', 1 WHERE NEW.status = 'approved'
    ) WHERE true
    ON CONFLICT (consultation_id, kind, key, shard) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opinions_tally_delete AFTER DELETE ON opinions BEGIN
    INSERT INTO opinion_tallies (consultation_id, kind, key, n)
    SELECT consultation_id, kind, key, d FROM (
        SELECT OLD.consultation_id AS consultation_id, 'status' AS kind, OLD.status || ':' || OLD.rejection_reason AS key, -1 AS d
        UNION ALL SELECT OLD.consultation_id, 'approved', COALESCE(OLD.section_id, 0) || ':' || OLD.stance || ':' || OLD.channel, -1
            WHERE OLD.status = 'approved'
        UNION ALL SELECT OLD.consultation_id, 'village', CAST(OLD.village_id AS TEXT), -1
            WHERE OLD.status = 'approved' AND OLD.village_id IS NOT NULL
        UNION ALL SELECT OLD.consultation_id, 'day', strftime('%Y%m%d', OLD.submitted_at, '+25200 seconds'), -1
            WHERE OLD.status = 'approved'
        UNION ALL SELECT OLD.consultation_id, 'decided', CAST(CASE WHEN OLD.decision_seconds < 3600 THEN OLD.decision_seconds
                WHEN OLD.decision_seconds < 172800 THEN OLD.decision_seconds / 60 * 60
                ELSE OLD.decision_seconds / 3600 * 3600 END AS TEXT), -1
            WHERE OLD.decision_seconds IS NOT NULL
        UNION ALL SELECT OLD.consultation_id, 'changes', '', 1 WHERE OLD.status = 'approved'
    ) WHERE true
    ON CONFLICT (consultation_id, kind, key, shard) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opinions_tally_update AFTER UPDATE ON opinions
WHEN OLD.consultation_id IS NOT NEW.consultation_id OR OLD.status IS NOT NEW.status OR OLD.rejection_reason IS NOT NEW.rejection_reason OR OLD.section_id IS NOT NEW.section_id OR OLD.stance IS NOT NEW.stance OR OLD.channel IS NOT NEW.channel OR OLD.village_id IS NOT NEW.village_id OR OLD.submitted_at IS NOT NEW.submitted_at OR OLD.decision_seconds IS NOT NEW.decision_seconds OR OLD.body_public IS NOT NEW.body_public
BEGIN
    INSERT INTO opinion_tallies (consultation_id, kind, key, n)
    SELECT consultation_id, kind, key, d FROM (
        SELECT OLD.consultation_id AS consultation_id, 'status' AS kind, OLD.status || ':' || OLD.rejection_reason AS key, -1 AS d
        UNION ALL SELECT OLD.consultation_id, 'approved', COALESCE(OLD.section_id, 0) || ':' || OLD.stance || ':' || OLD.channel, -1
            WHERE OLD.status = 'approved'
        UNION ALL SELECT OLD.consultation_id, 'village', CAST(OLD.village_id AS TEXT), -1
            WHERE OLD.status = 'approved' AND OLD.village_id IS NOT NULL
        UNION ALL SELECT OLD.consultation_id, 'day', strftime('%Y%m%d', OLD.submitted_at, '+25200 seconds'), -1
            WHERE OLD.status = 'approved'
        UNION ALL SELECT OLD.consultation_id, 'decided', CAST(CASE WHEN OLD.decision_seconds < 3600 THEN OLD.decision_seconds
                WHEN OLD.decision_seconds < 172800 THEN OLD.decision_seconds / 60 * 60
                ELSE OLD.decision_seconds / 3600 * 3600 END AS TEXT), -1
            WHERE OLD.decision_seconds IS NOT NULL
        UNION ALL SELECT OLD.consultation_id, 'changes', '', 1 WHERE OLD.status = 'approved'
    ) WHERE true
    ON CONFLICT (consultation_id, kind, key, shard) DO UPDATE SET n = n + excluded.n;
    INSERT INTO opinion_tallies (consultation_id, kind, key, n)
    SELECT consultation_id, kind, key, d FROM (
        SELECT NEW.consultation_id AS consultation_id, 'status' AS kind, NEW.status || ':' || NEW.rejection_reason AS key, 1 AS d
        UNION ALL SELECT NEW.consultation_id, 'approved', COALESCE(NEW.section_id, 0) || ':' || NEW.stance || ':' || NEW.channel, 1
            WHERE NEW.status = 'approved'
        UNION ALL SELECT NEW.consultation_id, 'village', CAST(NEW.village_id AS TEXT), 1
            WHERE NEW.status = 'approved' AND NEW.village_id IS NOT NULL
        UNION ALL SELECT NEW.consultation_id, 'day', strftime('%Y%m%d', NEW.submitted_at, '+25200 seconds'), 1
            WHERE NEW.status = 'approved'
        UNION ALL SELECT NEW.consultation_id, 'decided', CAST(CASE WHEN NEW.decision_seconds < 3600 THEN NEW.decision_seconds
                WHEN NEW.decision_seconds < 172800 THEN NEW.decision_seconds / 60 * 60
                ELSE NEW.decision_seconds / 3600 * 3600 END AS TEXT), 1
            WHERE NEW.decision_seconds IS NOT NULL
        UNION ALL SELECT NEW.consultation_id, 'changes', '', 1 WHERE NEW.status = 'approved'
    ) WHERE true
    ON CONFLICT (consultation_id, kind, key, shard) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

DROP TABLE consultation_plans;
ALTER TABLE consultations DROP COLUMN topic;
COMMIT;
PRAGMA foreign_keys = ON;
