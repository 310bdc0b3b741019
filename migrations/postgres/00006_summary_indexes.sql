-- Indexes that let the summary of a large consultation be counted from the index alone.
--
-- The summary, the moderation figures, the day chart and the latest opinions per article
-- all read one consultation's opinions by status; with only (consultation_id, status,
-- section_id) indexed, each of them fetched every row from the table (100,000 random page
-- reads for 100,000 opinions). opinions_summary_idx holds every column they group or rank
-- by, so they read the index alone; it starts with the columns of opinions_public_idx, so it
-- serves every query that one did, and that one goes (one index less to write per opinion).
-- The median time to a moderation decision reads an ordered range of decision_seconds.

-- +goose Up
CREATE INDEX opinions_summary_idx ON opinions
    (consultation_id, status, section_id, stance, channel, village_id, rejection_reason, submitted_at, id);
DROP INDEX opinions_public_idx;
CREATE INDEX opinions_decision_time_idx ON opinions (consultation_id, decision_seconds)
    WHERE decision_seconds IS NOT NULL;

-- +goose Down
DROP INDEX opinions_decision_time_idx;
CREATE INDEX opinions_public_idx ON opinions (consultation_id, status, section_id);
DROP INDEX opinions_summary_idx;
