-- A staff account's sessions carry the epoch they began in; changing or setting the password
-- moves the account to the next epoch, which ends every session begun before it.

-- +goose Up
ALTER TABLE staff ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE staff DROP COLUMN session_epoch;
