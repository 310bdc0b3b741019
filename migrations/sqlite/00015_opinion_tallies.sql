-- Counts of each consultation's opinions, kept current by the database as opinions are
-- written, moderated, hidden, withdrawn or erased. The PostgreSQL migration of the same
-- number explains the kinds of counter; SQLite runs the same arithmetic once per row.

-- The public lists of opinions and the newest opinions of each article read only approved
-- opinions and the markers of hidden ones, newest first. The indexes they used held every
-- opinion, so right after a burst the newest entries were thousands of opinions waiting for
-- moderation, read and skipped on every view. These hold only the public ones.

-- +goose Up
CREATE INDEX opinions_public_newest_idx ON opinions (consultation_id, section_id, submitted_at DESC, id DESC)
    WHERE status IN ('approved', 'hidden');
CREATE INDEX opinions_public_all_newest_idx ON opinions (consultation_id, submitted_at DESC, id DESC)
    WHERE status IN ('approved', 'hidden');
CREATE TABLE opinion_tallies (
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    kind            TEXT NOT NULL,
    key             TEXT NOT NULL,
    shard           INTEGER NOT NULL DEFAULT 0, -- always 0: SQLite has one writer at a time
    n               INTEGER NOT NULL,
    PRIMARY KEY (consultation_id, kind, key, shard)
) WITHOUT ROWID;

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

-- Only the rows whose counted columns changed: a review stamp or an erased name leaves the
-- counters alone.
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

-- The opinions already stored.
INSERT INTO opinion_tallies (consultation_id, kind, key, n)
SELECT consultation_id, kind, key, SUM(d) FROM (
    SELECT o.consultation_id AS consultation_id, 'status' AS kind, o.status || ':' || o.rejection_reason AS key, 1 AS d FROM opinions o
        UNION ALL SELECT o.consultation_id, 'approved', COALESCE(o.section_id, 0) || ':' || o.stance || ':' || o.channel, 1 FROM opinions o
            WHERE o.status = 'approved'
        UNION ALL SELECT o.consultation_id, 'village', CAST(o.village_id AS TEXT), 1 FROM opinions o
            WHERE o.status = 'approved' AND o.village_id IS NOT NULL
        UNION ALL SELECT o.consultation_id, 'day', strftime('%Y%m%d', o.submitted_at, '+25200 seconds'), 1 FROM opinions o
            WHERE o.status = 'approved'
        UNION ALL SELECT o.consultation_id, 'decided', CAST(CASE WHEN o.decision_seconds < 3600 THEN o.decision_seconds
                WHEN o.decision_seconds < 172800 THEN o.decision_seconds / 60 * 60
                ELSE o.decision_seconds / 3600 * 3600 END AS TEXT), 1 FROM opinions o
            WHERE o.decision_seconds IS NOT NULL
        UNION ALL SELECT o.consultation_id, 'changes', '', 1 FROM opinions o WHERE o.status = 'approved'
) AS k WHERE true GROUP BY consultation_id, kind, key;

-- +goose Down
DROP TRIGGER opinions_tally_update;
DROP TRIGGER opinions_tally_delete;
DROP TRIGGER opinions_tally_insert;
DROP TABLE opinion_tallies;
DROP INDEX opinions_public_all_newest_idx;
DROP INDEX opinions_public_newest_idx;
