// Package cache keeps copies of what is read often and changes rarely: the rows that check
// an opinion, and the public pages and summaries a surge of residents opens at once. It is
// the one cache mechanism of the portal:
//
//   - every entry depends on a topic ("consultation:12", "units"); whoever changes what a
//     topic covers says so (Versions.Changed), and from then on no entry computed before the
//     change is fresh: the store does this for its own writes, and for the writes of other
//     instances of the portal sharing the database when PostgreSQL notifies them
//     (store/notify.go);
//   - an entry is fresh for a time (Options.Fresh) even if nothing says it changed, which
//     bounds what a missed notice can cost;
//   - one computation per key at a time, however many requests want it (single flight);
//   - an entry that is merely old, not changed, may be served for a while
//     (Options.ServeStale) while one background computation replaces it, so a surge never
//     waits on the database;
//   - the number of entries is bounded (Options.Max).
//
// A zero-valued Cache is not usable: make one with New.
package cache

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Topics of what is cached.
const (
	// TopicUnits covers the unit tree: names, parents, villages.
	TopicUnits = "units"
	// TopicConsultations covers the lists of consultations: any consultation's row.
	TopicConsultations = "consultations"
)

// TopicConsultation covers one consultation's row, versions and sections.
func TopicConsultation(id int64) string { return "consultation:" + strconv.FormatInt(id, 10) }

// Versions records when each topic last changed, as a sequence number that only grows. An
// entry remembers the sequence number at which its computation started, and is fresh only
// if no topic it depends on changed since. The zero value is ready to use.
//
// A topic may also be touched: what it covers has newer data that it is fine to show a
// moment late, such as a new count of opinions. A cache that follows touches (Options)
// serves a touched entry while one request computes the next, as it does an old one; a
// changed entry is never served.
type Versions struct {
	mu      sync.Mutex
	seq     uint64
	topics  map[string]uint64 // topic → seq of its last change
	touches map[string]uint64 // topic → seq of its last touch
	all     uint64            // seq of the last change of everything
}

// Changed records that what the topics cover changed.
func (v *Versions) Changed(topics ...string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.seq++
	if v.topics == nil {
		v.topics = map[string]uint64{}
	}
	for _, t := range topics {
		v.topics[t] = v.seq
	}
}

// Touched records that what the topics cover has newer data, which may be shown late.
func (v *Versions) Touched(topics ...string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.seq++
	if v.touches == nil {
		v.touches = map[string]uint64{}
	}
	for _, t := range topics {
		v.touches[t] = v.seq
	}
}

// ChangedAll records that anything may have changed: when the notices of other instances
// may have been missed.
func (v *Versions) ChangedAll() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.seq++
	v.all = v.seq
}

// now returns the current sequence number, for a computation about to start.
func (v *Versions) now() uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.seq
}

// since reports whether topic has not changed after seq, and whether it was not touched.
func (v *Versions) since(topic string, seq uint64) (unchanged, untouched bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.all <= seq && v.topics[topic] <= seq, v.touches[topic] <= seq
}

// Options set how a Cache keeps its entries.
type Options struct {
	// Fresh is how long an entry is served without computing it again, unless its topic
	// changed.
	Fresh time.Duration
	// ServeStale is how long past Fresh an entry whose topic did not change may still be
	// served while a background computation replaces it. Zero: never; an old entry is
	// computed again while the request waits.
	ServeStale time.Duration
	// Max bounds the number of entries; past it an arbitrary one is dropped.
	Max int
	// Timeout bounds a computation that other requests wait for or that runs in the
	// background; the requester hanging up does not cancel it.
	Timeout time.Duration
	// Background runs a background computation (the App's group, so shutdown waits for
	// it) and reports whether it started; nil runs it in a goroutine of its own.
	Background func(func(context.Context)) bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// FollowTouches makes a touched entry old at once (Versions.Touched).
	FollowTouches bool
	// Inline computes in the goroutine of the request that found the entry missing or old,
	// with its context, rather than in one of the cache's: for a computation that must run
	// where the request is, such as rendering a page with it. The requests that come while
	// it runs wait for it, or get the stale entry if it may be served; one whose computation
	// ended because its requester hung up leaves the next waiter to compute.
	Inline bool
}

// Cache holds values of type V by key, each depending on one topic of Versions.
type Cache[K comparable, V any] struct {
	versions *Versions
	opt      Options

	mu      sync.Mutex
	entries map[K]*entry[V]
}

type entry[V any] struct {
	topic    string
	value    V
	seq      uint64 // Versions' sequence when its computation started
	computed time.Time
	has      bool
	flight   *flight[V] // the computation under way, if any
}

type flight[V any] struct {
	done  chan struct{}
	value V
	err   error
}

// New makes a cache whose entries are made stale by versions.
func New[K comparable, V any](versions *Versions, opt Options) *Cache[K, V] {
	if opt.Max <= 0 {
		opt.Max = 1024
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Cache[K, V]{versions: versions, opt: opt, entries: map[K]*entry[V]{}}
}

// Get returns the value of key, which depends on topic: from memory while fresh, and
// otherwise from compute, called once for all the requests that want it at the same time.
// The value may be shared: callers must not change it.
func (c *Cache[K, V]) Get(ctx context.Context, key K, topic string, compute func(context.Context) (V, error)) (V, error) {
	now := c.opt.Now()
	c.mu.Lock()
	e := c.entries[key]
	if e != nil && e.has && e.topic == topic {
		current, untouched := c.versions.since(topic, e.seq)
		age := now.Sub(e.computed)
		if c.opt.FollowTouches && !untouched {
			age = max(age, c.opt.Fresh) // as old as an entry can be and still be served
		}
		if current && age < c.opt.Fresh {
			v := e.value
			c.mu.Unlock()
			return v, nil
		}
		if current && age < c.opt.Fresh+c.opt.ServeStale {
			if e.flight == nil && c.opt.Inline {
				f := c.start(e)
				c.mu.Unlock()
				c.compute(ctx, e, f, compute)
				return f.value, f.err
			}
			if e.flight == nil {
				f := c.start(e)
				run := c.opt.Background
				if run == nil {
					run = func(fn func(context.Context)) bool { go fn(context.Background()); return true }
				}
				if !run(func(bg context.Context) { c.compute(bg, e, f, compute) }) {
					e.flight = nil // shutting down: the stale value is all there will be
				}
			}
			v := e.value
			c.mu.Unlock()
			return v, nil
		}
	}
	if e != nil && e.flight != nil {
		f := e.flight
		c.mu.Unlock()
		v, err := wait(ctx, f)
		if c.opt.Inline && ctx.Err() == nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			// The request computing it hung up: this one is still here, and computes.
			return c.Get(ctx, key, topic, compute)
		}
		return v, err
	}
	if e == nil || e.topic != topic {
		c.makeRoom()
		e = &entry[V]{topic: topic}
		c.entries[key] = e
	}
	f := c.start(e)
	c.mu.Unlock()
	if c.opt.Inline {
		c.compute(ctx, e, f, compute)
		return f.value, f.err
	}
	go c.compute(context.WithoutCancel(ctx), e, f, compute)
	return wait(ctx, f)
}

// start marks e as being computed; c.mu is held.
func (c *Cache[K, V]) start(e *entry[V]) *flight[V] {
	f := &flight[V]{done: make(chan struct{})}
	e.flight = f
	return f
}

// compute runs compute for e and stores its result, unless it failed.
func (c *Cache[K, V]) compute(ctx context.Context, e *entry[V], f *flight[V], compute func(context.Context) (V, error)) {
	seq := c.versions.now() // before reading: a change while computing leaves the result stale
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	f.value, f.err = safely(ctx, compute)
	c.mu.Lock()
	defer c.mu.Unlock()
	e.flight = nil
	if f.err == nil {
		e.value, e.seq, e.computed, e.has = f.value, seq, c.opt.Now(), true
	}
	close(f.done)
}

func wait[V any](ctx context.Context, f *flight[V]) (V, error) {
	select {
	case <-f.done:
		return f.value, f.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// makeRoom drops an entry not being computed when the cache is full; c.mu is held.
func (c *Cache[K, V]) makeRoom() {
	if len(c.entries) < c.opt.Max {
		return
	}
	for k, e := range c.entries {
		if e.flight == nil {
			delete(c.entries, k)
			if len(c.entries) < c.opt.Max {
				return
			}
		}
	}
}

// Len is the number of entries, for tests and metrics.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// safely turns a panic in compute, which may run in a goroutine of its own where it would
// stop the whole server, into an error.
func safely[V any](ctx context.Context, compute func(context.Context) (V, error)) (v V, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic in a cached computation: %v", r)
		}
	}()
	return compute(ctx)
}
