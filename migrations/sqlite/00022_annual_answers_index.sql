-- An index that lets the annual report count the answered opinions of a year from the index
-- alone.
--
-- The report counts, over a commune's consultations of a year, the approved opinions that
-- have an official answer and those answered after the deadline for the results. The
-- counters of opinion_tallies do not follow answers, and counting them from the table read
-- every approved opinion's row (200,000 rows, over half a second, for one consultation).
-- This index holds only answered approved opinions, with the answer they point to: the
-- report groups them by answer from the index and reads one row of responses per answer.

-- +goose Up
CREATE INDEX opinions_answered_idx ON opinions (consultation_id, response_id)
    WHERE status = 'approved' AND response_id IS NOT NULL;

-- +goose Down
DROP INDEX opinions_answered_idx;
