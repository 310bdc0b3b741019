// Package throttle counts events per key in fixed time windows, to limit opinion
// submissions per address and guesses at secrets (passwords, codes) per account and address.
//
// Limiter is what the web server draws on. The guesses at secrets are counted by a Limiter
// the app backs with the database, so that a lockout reached through one instance of the
// portal holds on all of them; Memory keeps its counters in the process, for the limits that
// may be counted per instance (docs/scaling.md says which and why).
package throttle

import (
	"context"
	"sync"
	"time"
)

// Limiter allows at most a number of events per key in each window.
type Limiter interface {
	// Allow counts one event for key and reports whether it is within the limit; when it
	// is not, nothing is counted and retryAfter says when the window ends. An error means
	// the counter could not be reached, and nothing was counted.
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
	// Refund gives back one event counted by Allow in the current window, for an attempt
	// that turned out to be allowed: a right password is counted like a guess until it is
	// checked, so that guesses sent at once cannot all be checked before the first failure
	// counts.
	Refund(ctx context.Context, key string) error
}

// Memory is a Limiter whose counters live in the process: a restart forgives everyone, and
// each instance of the portal counts on its own.
type Memory struct {
	Max    int
	Window time.Duration
	Now    func() time.Time

	mu      sync.Mutex
	windows map[string]*window
	swept   time.Time
}

type window struct {
	start time.Time
	count int
}

// New returns an in-memory limiter of max events per window.
func New(max int, per time.Duration) *Memory {
	return &Memory{Max: max, Window: per, Now: time.Now, windows: map[string]*window{}}
}

// Allow implements Limiter; it never fails.
func (l *Memory) Allow(_ context.Context, key string) (ok bool, retryAfter time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.current(key)
	if w.count >= l.Max {
		return false, w.start.Add(l.Window).Sub(l.Now()), nil
	}
	w.count++
	return true, 0, nil
}

// Refund implements Limiter; it never fails.
func (l *Memory) Refund(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w, ok := l.windows[key]; ok && w.count > 0 && l.Now().Sub(w.start) < l.Window {
		w.count--
	}
	return nil
}

func (l *Memory) current(key string) *window {
	now := l.Now()
	l.sweep(now)
	w, ok := l.windows[key]
	if !ok || now.Sub(w.start) >= l.Window {
		w = &window{start: now}
		l.windows[key] = w
	}
	return w
}

// sweep drops expired windows once per window, so memory follows the active keys only.
func (l *Memory) sweep(now time.Time) {
	if now.Sub(l.swept) < l.Window {
		return
	}
	for k, w := range l.windows {
		if now.Sub(w.start) >= l.Window {
			delete(l.windows, k)
		}
	}
	l.swept = now
}
