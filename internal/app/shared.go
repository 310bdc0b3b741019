package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/throttle"
)

// SharedLimiter returns a throttle.Limiter of at most max events per key in each window,
// counted in the database: every instance of the portal on the same database draws on the
// same allowance, so a lockout reached through one holds on all. name tells the limits
// apart ("login-account", …); the database keeps only a hash of the name and the key, since
// a key holds an e-mail or an address.
func (a *App) SharedLimiter(name string, max int, window time.Duration) throttle.Limiter {
	return &sharedLimiter{a: a, name: name, max: max, window: window}
}

type sharedLimiter struct {
	a      *App
	name   string
	max    int
	window time.Duration
}

func (l *sharedLimiter) hash(key string) string {
	h := sha256.Sum256([]byte(l.name + "\x00" + key))
	return hex.EncodeToString(h[:])
}

// Allow counts the event in one statement: the count, the check against max and the start
// of a new window cannot be split by another instance counting the same key.
func (l *sharedLimiter) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	counted, ends, err := l.a.store.CountEvent(ctx, l.hash(key), l.max, l.window)
	if err != nil {
		return false, 0, wrap(err)
	}
	if counted {
		return true, 0, nil
	}
	return false, max(ends.Sub(l.a.Now()), 0), nil
}

func (l *sharedLimiter) Refund(ctx context.Context, key string) error {
	return wrap(l.a.store.UncountEvent(ctx, l.hash(key)))
}

// SharedSecret returns a random key of 32 bytes kept in the database under name, the same
// for every instance of the portal on it; the first to ask draws it.
func (a *App) SharedSecret(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	v, err := a.store.SharedSecret(ctx, name, base64.StdEncoding.EncodeToString(fresh))
	if err != nil {
		return nil, wrap(err)
	}
	key, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(key) < 32 {
		return nil, domain.Internal(fmt.Errorf("shared secret %q is not 32 bytes of base64", name))
	}
	return key, nil
}
