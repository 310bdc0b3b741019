-- The throttles on guesses at secrets (passwords, second-factor codes, voting codes, tracking
-- codes) are counted in the database, so that a lockout reached through one instance of the
-- portal holds on every other. One row per limited key and fixed window: the key is a SHA-256
-- of the limit's name and what it counts (an account and an address), so the table holds no
-- e-mail or address in clear; expires_at is when the window ends, in Unix milliseconds.
--
-- UNLOGGED: the counters are not worth a write to the WAL on every guess. A crash of the
-- database, or a fail-over to a replica, empties them, which forgives everyone, as a restart
-- of a single server always did.
--
-- The key that signs the opinion form's start time is kept in the database when SECRET_KEY is
-- not set, so that a form shown by one instance is taken by another; before, each process drew
-- its own at random, and behind a load balancer most forms came back to an instance that could
-- not verify them.

-- +goose Up
CREATE UNLOGGED TABLE throttle_counters (
    key        TEXT PRIMARY KEY,
    count      INTEGER NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX throttle_counters_expires_idx ON throttle_counters (expires_at);

CREATE TABLE shared_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE shared_secrets;
DROP TABLE throttle_counters;
