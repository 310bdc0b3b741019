// Package throttle counts events per key in fixed time windows, to limit opinion
// submissions per address and failed logins per account and address.
//
// Counters live in memory: a restart forgives everyone, which is acceptable for limits whose
// purpose is to slow down floods and password guessing, not to keep accounts.
package throttle

import (
	"sync"
	"time"
)

// Limiter allows at most Max events per key in each Window.
type Limiter struct {
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

// New returns a limiter of max events per window.
func New(max int, per time.Duration) *Limiter {
	return &Limiter{Max: max, Window: per, Now: time.Now, windows: map[string]*window{}}
}

// Allow counts one event for key and reports whether it is within the limit; when it is
// not, retryAfter says when the window ends.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.current(key)
	if w.count >= l.Max {
		return false, w.start.Add(l.Window).Sub(l.Now())
	}
	w.count++
	return true, 0
}

// Blocked reports whether key has used up its window, without counting an event.
func (l *Limiter) Blocked(key string) (blocked bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.current(key)
	if w.count >= l.Max {
		return true, w.start.Add(l.Window).Sub(l.Now())
	}
	return false, 0
}

// Refund gives back one event counted by Allow in the current window, for an attempt that
// turned out to be allowed: a right password is counted like a guess until it is checked, so
// that guesses sent at once cannot all be checked before the first failure counts.
func (l *Limiter) Refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w, ok := l.windows[key]; ok && w.count > 0 && l.Now().Sub(w.start) < l.Window {
		w.count--
	}
}

// Reset forgets a key, e.g. an account after a successful login.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.windows, key)
}

func (l *Limiter) current(key string) *window {
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
func (l *Limiter) sweep(now time.Time) {
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
