package cache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a clock the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// counter computes the number of times it was called.
type counter struct{ n atomic.Int64 }

func (c *counter) compute(context.Context) (int64, error) { return c.n.Add(1), nil }

func get(t *testing.T, c *Cache[string, int64], key, topic string, compute func(context.Context) (int64, error)) int64 {
	t.Helper()
	v, err := c.Get(context.Background(), key, topic, compute)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestFreshEntriesAreServedUntilTheirTopicChanges(t *testing.T) {
	var v Versions
	clk := &clock{t: time.Unix(0, 0)}
	c := New[string, int64](&v, Options{Fresh: time.Minute, Now: clk.now})
	var n counter
	if got := get(t, c, "a", "consultation:1", n.compute); got != 1 {
		t.Fatalf("first get %d, want 1", got)
	}
	if got := get(t, c, "a", "consultation:1", n.compute); got != 1 {
		t.Errorf("second get %d, want the cached 1", got)
	}
	v.Changed("consultation:2")
	if got := get(t, c, "a", "consultation:1", n.compute); got != 1 {
		t.Errorf("after another topic changed: %d, want the cached 1", got)
	}
	v.Changed("consultation:1")
	if got := get(t, c, "a", "consultation:1", n.compute); got != 2 {
		t.Errorf("after its topic changed: %d, want a new 2", got)
	}
	v.ChangedAll()
	if got := get(t, c, "a", "consultation:1", n.compute); got != 3 {
		t.Errorf("after everything changed: %d, want a new 3", got)
	}
	clk.add(time.Minute)
	if got := get(t, c, "a", "consultation:1", n.compute); got != 4 {
		t.Errorf("after Fresh: %d, want a new 4", got)
	}
}

// A change made while an entry is being computed leaves that result stale: it may have been
// read before the change.
func TestAChangeDuringTheComputationIsNotLost(t *testing.T) {
	var v Versions
	c := New[string, int64](&v, Options{Fresh: time.Hour})
	first := true
	compute := func(context.Context) (int64, error) {
		if first {
			first = false
			v.Changed("t") // the row changes while it is being read
			return 1, nil
		}
		return 2, nil
	}
	get(t, c, "k", "t", compute)
	if got := get(t, c, "k", "t", compute); got != 2 {
		t.Errorf("got %d, want 2: the value computed across a change was kept", got)
	}
}

func TestOneComputationForConcurrentRequests(t *testing.T) {
	var v Versions
	c := New[string, int64](&v, Options{Fresh: time.Hour})
	release := make(chan struct{})
	var calls atomic.Int64
	compute := func(context.Context) (int64, error) {
		calls.Add(1)
		<-release
		return 7, nil
	}
	var wg sync.WaitGroup
	results := make([]int64, 50)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = c.Get(context.Background(), "k", "t", compute)
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them all arrive
	close(release)
	wg.Wait()
	if calls.Load() != 1 {
		t.Errorf("%d computations for 50 concurrent requests, want 1", calls.Load())
	}
	for i, r := range results {
		if r != 7 {
			t.Fatalf("request %d got %d, want 7", i, r)
		}
	}
}

// An old entry whose topic did not change is served while one background computation
// replaces it; a changed one is never served.
func TestStaleIsServedWhileRecomputingButNeverAfterAChange(t *testing.T) {
	var v Versions
	clk := &clock{t: time.Unix(0, 0)}
	var started atomic.Int64
	var wg sync.WaitGroup
	background := func(fn func(context.Context)) bool {
		started.Add(1)
		wg.Add(1)
		go func() { defer wg.Done(); fn(context.Background()) }()
		return true
	}
	c := New[string, int64](&v, Options{Fresh: time.Second, ServeStale: 10 * time.Second, Now: clk.now, Background: background})
	gate := make(chan struct{})
	var n atomic.Int64
	compute := func(context.Context) (int64, error) {
		if n.Load() > 0 {
			<-gate
		}
		return n.Add(1), nil
	}
	get(t, c, "k", "t", compute)
	clk.add(2 * time.Second)
	for range 5 {
		if got := get(t, c, "k", "t", compute); got != 1 {
			t.Fatalf("while recomputing: %d, want the stale 1", got)
		}
	}
	if started.Load() != 1 {
		t.Errorf("%d background computations, want 1", started.Load())
	}
	close(gate)
	wg.Wait()
	if got := get(t, c, "k", "t", compute); got != 2 {
		t.Errorf("after the recomputation: %d, want 2", got)
	}
	v.Changed("t")
	if got := get(t, c, "k", "t", compute); got != 3 {
		t.Errorf("after a change: %d, want 3 computed while waiting", got)
	}
	clk.add(time.Minute)
	if got := get(t, c, "k", "t", compute); got != 4 {
		t.Errorf("past ServeStale: %d, want 4 computed while waiting", got)
	}
}

func TestFailuresAndPanicsAreNotCached(t *testing.T) {
	var v Versions
	c := New[string, int64](&v, Options{Fresh: time.Hour})
	boom := errors.New("database down")
	if _, err := c.Get(context.Background(), "k", "t", func(context.Context) (int64, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
	if _, err := c.Get(context.Background(), "k", "t", func(context.Context) (int64, error) { panic("bug") }); err == nil {
		t.Error("a panic in compute was not an error")
	}
	if got := get(t, c, "k", "t", func(context.Context) (int64, error) { return 5, nil }); got != 5 {
		t.Errorf("after failures: %d, want 5", got)
	}
}

func TestEntriesAreBounded(t *testing.T) {
	var v Versions
	c := New[int, int](&v, Options{Fresh: time.Hour, Max: 10})
	for i := range 100 {
		if _, err := c.Get(context.Background(), i, "t", func(context.Context) (int, error) { return i, nil }); err != nil {
			t.Fatal(err)
		}
	}
	if c.Len() > 10 {
		t.Errorf("%d entries, want at most 10", c.Len())
	}
}

type ctxKey struct{}

// Inline: the request that finds the entry old computes it with its own context, while the
// others get the stale entry; a computation whose requester hung up is taken over.
func TestInlineComputesInTheRequest(t *testing.T) {
	var v Versions
	clk := &clock{t: time.Unix(0, 0)}
	c := New[string, string](&v, Options{Fresh: time.Second, ServeStale: time.Minute, Now: clk.now, Inline: true})
	ctx := context.WithValue(context.Background(), ctxKey{}, "first")
	who := func(ctx context.Context) (string, error) { return ctx.Value(ctxKey{}).(string), nil }
	if got, _ := c.Get(ctx, "k", "t", who); got != "first" {
		t.Fatalf("got %q, want the value computed with the request's context", got)
	}
	clk.add(2 * time.Second)
	entered, release := make(chan struct{}), make(chan struct{})
	done := make(chan string)
	go func() {
		got, _ := c.Get(context.WithValue(context.Background(), ctxKey{}, "leader"), "k", "t", func(ctx context.Context) (string, error) {
			close(entered)
			<-release
			return who(ctx)
		})
		done <- got
	}()
	<-entered
	if got, _ := c.Get(context.Background(), "k", "t", who); got != "first" {
		t.Errorf("while the leader recomputes: %q, want the stale %q", got, "first")
	}
	close(release)
	if got := <-done; got != "leader" {
		t.Errorf("the leader got %q, want its own %q", got, "leader")
	}

	// A first computation whose requester hangs up is taken over by a waiter.
	v.Changed("t")
	hangUp, cancel := context.WithCancel(context.Background())
	entered = make(chan struct{})
	go func() {
		_, _ = c.Get(hangUp, "k", "t", func(ctx context.Context) (string, error) {
			close(entered)
			<-ctx.Done()
			return "", ctx.Err()
		})
	}()
	<-entered
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	got, err := c.Get(context.WithValue(context.Background(), ctxKey{}, "waiter"), "k", "t", who)
	if err != nil || got != "waiter" {
		t.Errorf("after the first requester hung up: %q, %v; want the waiter's own value", got, err)
	}
}
