package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// The public page and the API summary of a consultation show counts over all its opinions:
// by stance, article, village, channel and day, the moderation figures, the newest opinions
// of each article, and the fingerprint that keys its themes. The database computes each from
// an index, in time that grows with the number of opinions (docs/benchmarks.md): fast for a
// commune's consultation, but for a provincial draft enough to make every view slow.
//
// So, for a consultation of more than aggregateCacheFrom approved opinions, the public views
// take these figures from memory, and a view that finds them older than aggregateTTL starts
// one recomputation in the background and shows the earlier ones meanwhile. While a large
// consultation is being viewed, its figures thus lag its opinions by aggregateTTL and one
// computation at most. Figures older than aggregateMaxAge, as after a quiet hour, are not
// shown: that view computes them afresh, and waits for them. A smaller consultation's are
// computed on every view, as before, so nothing there lags. Staff pages that decide
// something from the counts (the decisions on each article, the report) read the database
// themselves and never lag.
const (
	aggregateCacheFrom = 20_000
	aggregateTTL       = 10 * time.Second
	aggregateMaxAge    = time.Minute
	// aggregateTimeout bounds a background recomputation, so a hung database cannot keep
	// an entry recomputing for ever.
	aggregateTimeout = time.Minute
)

type aggregateKey struct {
	consultationID int64
	name           string
}

type aggregateEntry struct {
	value      any
	computed   time.Time
	refreshing bool
}

// aggregateCache holds the figures of the large consultations viewed recently. Its zero
// value is ready to use, and it is safe for concurrent use.
type aggregateCache struct {
	mu      sync.Mutex
	size    map[int64]int // approved opinions of each consultation at its last summary
	entries map[aggregateKey]*aggregateEntry
	// Set by tests (export_test.go); zero means the constant.
	from        int // aggregateCacheFrom
	ttl, maxAge time.Duration
}

// noteSize records how many approved opinions a consultation had when last counted, which
// decides whether its figures are cached.
func (ac *aggregateCache) noteSize(consultationID int64, approved int) {
	ac.mu.Lock()
	defer ac.mu.Unlock()
	if ac.size == nil {
		ac.size = map[int64]int{}
	}
	ac.size[consultationID] = approved
}

func (ac *aggregateCache) large(consultationID int64) bool {
	from := ac.from
	if from == 0 {
		from = aggregateCacheFrom
	}
	return ac.size[consultationID] > from
}

// publicAggregate returns the figure name of a consultation for a public view: computed by
// compute for a small consultation, from memory for a large one (see aggregateCache). The
// value may be shared between views: callers must not change it.
func publicAggregate[T any](a *App, ctx context.Context, consultationID int64, name string, compute func(context.Context) (T, error)) (T, error) {
	ac := &a.aggregates
	key := aggregateKey{consultationID, name}
	ac.mu.Lock()
	ttl, maxAge := ac.ttl, ac.maxAge
	if ttl == 0 {
		ttl = aggregateTTL
	}
	if maxAge == 0 {
		maxAge = aggregateMaxAge
	}
	e := ac.entries[key]
	if e == nil || !ac.large(consultationID) || time.Since(e.computed) > maxAge {
		// None yet, too old to show, or the consultation shrank (opinions hidden or withdrawn).
		delete(ac.entries, key)
		ac.mu.Unlock()
		v, err := compute(ctx)
		ac.mu.Lock()
		defer ac.mu.Unlock()
		if err == nil && ac.large(consultationID) { // known large, or found so by this summary
			if ac.entries == nil {
				ac.entries = map[aggregateKey]*aggregateEntry{}
			}
			ac.entries[key] = &aggregateEntry{value: v, computed: time.Now()}
		}
		return v, err
	}
	if time.Since(e.computed) > ttl && !e.refreshing {
		e.refreshing = a.goDetached(ctx, aggregateTimeout, func(bg context.Context) {
			v, err := computeSafely(bg, compute)
			ac.mu.Lock()
			defer ac.mu.Unlock()
			e.refreshing = false
			if err != nil {
				if !a.shuttingDown() {
					slog.WarnContext(bg, "figures not recomputed, the earlier ones stay", "consultation", consultationID, "figure", name, "err", err)
				}
				return
			}
			e.value, e.computed = v, time.Now()
		})
	}
	v := e.value.(T)
	ac.mu.Unlock()
	return v, nil
}

// computeSafely runs compute for a goroutine of its own (a background recomputation of
// figures or themes), where a panic would stop the whole server, where in a request it fails
// only that request: it becomes an error.
func computeSafely[T any](ctx context.Context, compute func(context.Context) (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic in a background computation: %v", r)
		}
	}()
	return compute(ctx)
}
