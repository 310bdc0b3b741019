-- Opinions gathered offline keep the reference of their paper (meeting minutes number, form
-- batch) and may carry a photo or scan of it; residents rate how a consultation was run
-- once its results are published (Law 10/2022 art. 35).

-- +goose Up
ALTER TABLE opinions ADD COLUMN offline_ref TEXT NOT NULL DEFAULT '';

-- The bytes are kept in the database itself, not in files beside it, so a backup of the
-- database is the whole record: a restored portal never links to a scan it lost. Signed
-- papers carry names and signatures; the application serves them to overseeing staff only.
CREATE TABLE opinion_attachments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    opinion_id    INTEGER NOT NULL REFERENCES opinions (id),
    -- Detected from the content, never taken from the upload's name or declared type.
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    file_name     TEXT NOT NULL DEFAULT '',
    size          INTEGER NOT NULL CHECK (size > 0 AND size <= 5242880),
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL,
    uploaded_by   INTEGER REFERENCES staff (id),
    created_at    DATETIME NOT NULL
);
CREATE INDEX opinion_attachments_opinion_idx ON opinion_attachments (opinion_id);

CREATE TABLE satisfaction_ratings (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id),
    -- The opinion whose tracking code came with the rating: one rating per code, a second
    -- replaces the first. NULL for a visitor without a code (several NULLs are allowed).
    opinion_id       INTEGER UNIQUE REFERENCES opinions (id),
    rating           INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment          TEXT NOT NULL DEFAULT '',
    -- The comment with personal data masked: what reports show.
    comment_public   TEXT NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX satisfaction_ratings_consultation_idx ON satisfaction_ratings (consultation_id);

-- +goose Down
DROP TABLE satisfaction_ratings;
DROP TABLE opinion_attachments;
ALTER TABLE opinions DROP COLUMN offline_ref;
