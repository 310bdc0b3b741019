-- Counts of each consultation's opinions, kept current by the database as opinions are
-- written, moderated, hidden, withdrawn or erased.
--
-- The public page, the JSON summary and the reports show counts over all of a consultation's
-- opinions: by stance, part of the draft, channel, village and day, the moderation figures
-- and the median time to a decision. Counting them on each view took time that grew with the
-- opinions (docs/benchmarks.md): 54 pages a second right after a burst of 42,000 opinions.
-- Here every change to an opinion adds or takes away its contribution to a handful of
-- counters in the same transaction, so a view reads a few dozen rows whatever the size of
-- the consultation, and the counts are never behind what is committed.
--
-- kind      key                                       rows counted
-- status    status:rejection_reason                   every opinion
-- approved  section_id (0 = the whole draft):stance:channel   approved
-- village   village_id                                approved, naming a village
-- day       YYYYMMDD, the local day (UTC+7) submitted approved
-- decided   decision time in seconds, to the second below an hour, to the minute below two
--           days and to the hour beyond (the median is shown in minutes)   decided
-- changes   '' : how many times an opinion entered or left the approved set, or changed
--           while approved; it only grows, and tells a changed set from the same one
--
-- PostgreSQL updates the counters once per statement, from the rows the statement changed
-- (transition tables), and in a fixed order of keys, so a batch of a thousand opinions costs
-- a few upserts and two writers lock the rows they share in the same order. Every opinion
-- of a consultation adds to the same few counters ("status pending" first), so one row per
-- counter would make concurrent writers wait for each other's commit: pgbench's raw
-- INSERT fell from 5,900 to 1,300 a second at 64 clients. Each counter is therefore kept in
-- up to 16 rows (shard: the writing connection's process ID modulo 16) that reads add up.

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
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    kind            TEXT NOT NULL,
    key             TEXT NOT NULL,
    -- Which of tallyShards rows of the counter a transaction adds to (see above).
    shard           SMALLINT NOT NULL DEFAULT 0,
    n               BIGINT NOT NULL,
    PRIMARY KEY (consultation_id, kind, key, shard)
);

-- +goose StatementBegin
CREATE FUNCTION opinion_tally_keys(status TEXT, rejection_reason TEXT, section_id BIGINT, stance TEXT,
    channel TEXT, village_id BIGINT, submitted_at TIMESTAMPTZ, decision_seconds BIGINT, sign INTEGER)
RETURNS TABLE (kind TEXT, key TEXT, d INTEGER) LANGUAGE sql STABLE AS $$
    SELECT 'status', status || ':' || rejection_reason, sign
    UNION ALL
    SELECT 'approved', COALESCE(section_id, 0) || ':' || stance || ':' || channel, sign
        WHERE status = 'approved'
    UNION ALL
    SELECT 'village', village_id::TEXT, sign WHERE status = 'approved' AND village_id IS NOT NULL
    UNION ALL
    SELECT 'day', to_char(submitted_at AT TIME ZONE 'UTC' + INTERVAL '7 hours', 'YYYYMMDD'), sign
        WHERE status = 'approved'
    UNION ALL
    SELECT 'decided', (CASE WHEN decision_seconds < 3600 THEN decision_seconds
                            WHEN decision_seconds < 172800 THEN decision_seconds / 60 * 60
                            ELSE decision_seconds / 3600 * 3600 END)::TEXT, sign
        WHERE decision_seconds IS NOT NULL
    UNION ALL
    SELECT 'changes', '', 1 WHERE status = 'approved'
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION opinion_tallies_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO opinion_tallies (consultation_id, kind, key, shard, n)
        SELECT r.consultation_id, k.kind, k.key, pg_backend_pid() % 16, SUM(k.d)
        FROM new_rows r, LATERAL opinion_tally_keys(r.status, r.rejection_reason, r.section_id, r.stance, r.channel, r.village_id, r.submitted_at, r.decision_seconds, 1) k
        GROUP BY r.consultation_id, k.kind, k.key
        ORDER BY r.consultation_id, k.kind, k.key
        ON CONFLICT (consultation_id, kind, key, shard) DO UPDATE SET n = opinion_tallies.n + EXCLUDED.n;
    ELSE
        INSERT INTO opinion_tallies (consultation_id, kind, key, shard, n)
        SELECT r.consultation_id, k.kind, k.key, pg_backend_pid() % 16, SUM(k.d)
        FROM old_rows r, LATERAL opinion_tally_keys(r.status, r.rejection_reason, r.section_id, r.stance, r.channel, r.village_id, r.submitted_at, r.decision_seconds, -1) k
        GROUP BY r.consultation_id, k.kind, k.key
        ORDER BY r.consultation_id, k.kind, k.key
        ON CONFLICT (consultation_id, kind, key, shard) DO UPDATE SET n = opinion_tallies.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION opinion_tallies_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO opinion_tallies (consultation_id, kind, key, shard, n)
    SELECT t.consultation_id, t.kind, t.key, pg_backend_pid() % 16, SUM(t.d) FROM (
        SELECT r.consultation_id, k.kind, k.key, k.d
        FROM new_rows r JOIN old_rows o ON o.id = r.id, LATERAL opinion_tally_keys(r.status, r.rejection_reason, r.section_id, r.stance, r.channel, r.village_id, r.submitted_at, r.decision_seconds, 1) k
        WHERE (o.consultation_id, o.status, o.rejection_reason, o.section_id, o.stance, o.channel,
               o.village_id, o.submitted_at, o.decision_seconds, o.body_public)
              IS DISTINCT FROM
              (r.consultation_id, r.status, r.rejection_reason, r.section_id, r.stance, r.channel,
               r.village_id, r.submitted_at, r.decision_seconds, r.body_public)
        UNION ALL
        SELECT o.consultation_id, k.kind, k.key, k.d
        FROM new_rows r JOIN old_rows o ON o.id = r.id, LATERAL opinion_tally_keys(o.status, o.rejection_reason, o.section_id, o.stance, o.channel, o.village_id, o.submitted_at, o.decision_seconds, -1) k
        WHERE (o.consultation_id, o.status, o.rejection_reason, o.section_id, o.stance, o.channel,
               o.village_id, o.submitted_at, o.decision_seconds, o.body_public)
              IS DISTINCT FROM
              (r.consultation_id, r.status, r.rejection_reason, r.section_id, r.stance, r.channel,
               r.village_id, r.submitted_at, r.decision_seconds, r.body_public)
    ) t
    GROUP BY t.consultation_id, t.kind, t.key
    HAVING SUM(t.d) <> 0
    ORDER BY t.consultation_id, t.kind, t.key
    ON CONFLICT (consultation_id, kind, key, shard) DO UPDATE SET n = opinion_tallies.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER opinions_tally_insert AFTER INSERT ON opinions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION opinion_tallies_apply();
CREATE TRIGGER opinions_tally_delete AFTER DELETE ON opinions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION opinion_tallies_apply();
CREATE TRIGGER opinions_tally_update AFTER UPDATE ON opinions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION opinion_tallies_update();

-- The opinions already stored.
INSERT INTO opinion_tallies (consultation_id, kind, key, n)
SELECT o.consultation_id, k.kind, k.key, SUM(k.d)
FROM opinions o, LATERAL opinion_tally_keys(o.status, o.rejection_reason, o.section_id, o.stance, o.channel, o.village_id, o.submitted_at, o.decision_seconds, 1) k
GROUP BY o.consultation_id, k.kind, k.key;

-- +goose Down
DROP TRIGGER opinions_tally_update ON opinions;
DROP TRIGGER opinions_tally_delete ON opinions;
DROP TRIGGER opinions_tally_insert ON opinions;
DROP FUNCTION opinion_tallies_update();
DROP FUNCTION opinion_tallies_apply();
DROP FUNCTION opinion_tally_keys(TEXT, TEXT, BIGINT, TEXT, TEXT, BIGINT, TIMESTAMPTZ, BIGINT, INTEGER);
DROP TABLE opinion_tallies;
DROP INDEX opinions_public_all_newest_idx;
DROP INDEX opinions_public_newest_idx;
