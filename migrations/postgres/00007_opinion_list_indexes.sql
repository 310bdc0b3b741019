-- Indexes for the public lists of opinions, newest first.
--
-- The opinions of a consultation are listed newest first, 20 a page (/c/{id}/opinions and
-- GET /api/v1/consultations/{id}/opinions). No index gave that order, so PostgreSQL read and
-- sorted every opinion of the consultation for each page: 0.6 s at 1,000,000 opinions
-- (docs/benchmarks.md). opinions_newest_idx gives a consultation's opinions in that order, so
-- a page reads its 20 rows. opinions_section_newest_idx gives them article by article in that
-- order, with the status the lists filter on: it serves the list of one article the same way,
-- and the newest opinions of every article on the consultation page are read from it in order
-- instead of sorting every opinion.

-- +goose Up
CREATE INDEX opinions_newest_idx ON opinions (consultation_id, submitted_at DESC, id DESC);
CREATE INDEX opinions_section_newest_idx ON opinions (consultation_id, section_id, submitted_at DESC, id DESC)
    INCLUDE (status);

-- +goose Down
DROP INDEX opinions_section_newest_idx;
DROP INDEX opinions_newest_idx;
