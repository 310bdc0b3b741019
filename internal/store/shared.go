package store

import (
	"context"
	"fmt"
	"time"
)

// The counters of the throttles on guesses live in the database (migration 00016), so that
// every instance of the portal on one database counts the same guesses. Each key has one fixed
// window: it starts at the key's first event and lasts the limit's window; the first event
// after it ends starts the next. A window is counted, checked and, when it ended, restarted by
// one statement, so two instances counting at once can never both take the last event.

// CountEvent counts one event for key in its current window, unless max events have been
// counted in it already. It reports whether it counted the event, and when the window ends.
func (s *Store) CountEvent(ctx context.Context, key string, max int, window time.Duration) (counted bool, ends time.Time, err error) {
	now := s.now().UnixMilli()
	var got []int64
	err = s.conn(ctx).Raw(`INSERT INTO throttle_counters (key, count, expires_at) VALUES (?, 1, ?)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN throttle_counters.expires_at <= ? THEN 1 ELSE throttle_counters.count + 1 END,
			expires_at = CASE WHEN throttle_counters.expires_at <= ? THEN excluded.expires_at ELSE throttle_counters.expires_at END
		WHERE throttle_counters.expires_at <= ? OR throttle_counters.count < ?
		RETURNING expires_at`,
		key, now+window.Milliseconds(), now, now, now, max).Scan(&got).Error
	if err != nil {
		return false, time.Time{}, err
	}
	if len(got) == 1 {
		return true, time.UnixMilli(got[0]).UTC(), nil
	}
	// Refused: the window is full. Its end is read for the Retry-After of the answer.
	got = got[:0]
	err = s.conn(ctx).Raw(`SELECT expires_at FROM throttle_counters WHERE key = ?`, key).Scan(&got).Error
	if err != nil || len(got) == 0 {
		return false, s.now().Add(window).UTC(), err
	}
	return false, time.UnixMilli(got[0]).UTC(), nil
}

// UncountEvent gives back one event counted by CountEvent in the current window of key, for
// an attempt that proved not to be a guess. Nothing is given back to a window that has ended.
func (s *Store) UncountEvent(ctx context.Context, key string) error {
	return s.conn(ctx).Exec(`UPDATE throttle_counters SET count = count - 1 WHERE key = ? AND count > 0 AND expires_at > ?`,
		key, s.now().UnixMilli()).Error
}

// PurgeCounters deletes the counters whose window has ended, and returns how many it deleted.
// An ended window is restarted by the next event anyway; the purge keeps the table to the keys
// counted recently.
func (s *Store) PurgeCounters(ctx context.Context) (int64, error) {
	res := s.conn(ctx).Exec(`DELETE FROM throttle_counters WHERE expires_at <= ?`, s.now().UnixMilli())
	return res.RowsAffected, res.Error
}

// SharedSecret returns the secret stored under name, storing fresh under it first if none
// is: the first instance to ask decides it, and every instance gets the same.
func (s *Store) SharedSecret(ctx context.Context, name, fresh string) (string, error) {
	err := s.conn(ctx).Exec(`INSERT INTO shared_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, fresh).Error
	if err != nil {
		return "", err
	}
	var got []string
	err = s.conn(ctx).Raw(`SELECT value FROM shared_secrets WHERE name = ?`, name).Scan(&got).Error
	if err == nil && len(got) != 1 {
		err = fmt.Errorf("secret %q not stored", name)
	}
	if err != nil {
		return "", err
	}
	return got[0], nil
}
