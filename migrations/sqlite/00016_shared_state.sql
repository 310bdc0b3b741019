-- The throttles on guesses at secrets (passwords, second-factor codes, voting codes, tracking
-- codes) are counted in the database, as on PostgreSQL, where several instances share them.
-- One row per limited key and fixed window: the key is a SHA-256 of the limit's name and what
-- it counts (an account and an address), so the table holds no e-mail or address in clear;
-- expires_at is when the window ends, in Unix milliseconds.
--
-- The key that signs the opinion form's start time is kept in the database when SECRET_KEY is
-- not set, so that a form shown by one instance is taken by another; before, each process drew
-- its own at random, and behind a load balancer most forms came back to an instance that could
-- not verify them.

-- +goose Up
CREATE TABLE throttle_counters (
    key        TEXT PRIMARY KEY,
    count      INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX throttle_counters_expires_idx ON throttle_counters (expires_at);

CREATE TABLE shared_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE shared_secrets;
DROP TABLE throttle_counters;
