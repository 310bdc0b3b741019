-- The register of what a commune or village made public (công khai, Law 10/2022 art. 11–13):
-- each entry names its item of art. 11, the document it comes from, its text, its files (uploaded
-- or linked), the days it was posted and the forms of art. 12(1) used.

-- +goose Up
CREATE TABLE disclosures (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id          INTEGER NOT NULL REFERENCES units (id),
    -- The item of art. 11, 1 to 14.
    category         INTEGER NOT NULL CHECK (category BETWEEN 1 AND 14),
    title            TEXT NOT NULL CHECK (title <> ''),
    body             TEXT NOT NULL DEFAULT '',
    -- First and last day of the posting, at local midnight; art. 13(2) asks for at least 30
    -- days, which the application checks.
    posted_from      DATETIME NOT NULL,
    posted_until     DATETIME NOT NULL,
    doc_number       TEXT NOT NULL DEFAULT '',
    doc_date         DATETIME NOT NULL,
    doc_issuer       TEXT NOT NULL DEFAULT '',
    -- The forms of art. 12(1) used, comma-separated (notice_board,portal,...).
    forms            TEXT NOT NULL DEFAULT '',
    -- The files, as a JSON list of {name, url}.
    links            TEXT NOT NULL DEFAULT '[]',
    taken_down_at    DATETIME,
    takedown_reason  TEXT NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES staff (id),
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL,
    CHECK (posted_until >= posted_from)
);
CREATE INDEX disclosures_unit_idx ON disclosures (unit_id, posted_from);
CREATE INDEX disclosures_posted_idx ON disclosures (posted_from);

-- The files of a disclosure uploaded to the portal, kept in the database itself so a backup
-- is the whole register. The type is detected from the bytes, never taken from the upload,
-- and files are always served as downloads of that type.
CREATE TABLE disclosure_files (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    disclosure_id  INTEGER NOT NULL REFERENCES disclosures (id),
    content_type   TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')),
    file_name      TEXT NOT NULL DEFAULT '',
    size           INTEGER NOT NULL CHECK (size > 0 AND size <= 5242880),
    sha256         TEXT NOT NULL,
    data           BLOB NOT NULL,
    uploaded_by    INTEGER REFERENCES staff (id),
    created_at     DATETIME NOT NULL
);
CREATE INDEX disclosure_files_disclosure_idx ON disclosure_files (disclosure_id);

-- +goose Down
DROP TABLE disclosure_files;
DROP TABLE disclosures;
