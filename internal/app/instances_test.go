package app_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/auth"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// Several instances of the portal run on one database, each with its own App and pool. These
// tests run two Apps on one database, as two instances would.

// secondApp is another instance's App on the same database.
func secondApp(t *testing.T, other *store.Store) *app.App {
	t.Helper()
	a := app.New(other, app.WithPasswordParams(auth.TestParams))
	t.Cleanup(a.Shutdown)
	return a
}

// TestSharedLimiterAcrossInstances checks that a limit counted through one instance holds on
// the other: the events of both draw on one allowance, a refund through either gives it back,
// concurrent events never pass the limit, and the window ends at the same time on both.
func TestSharedLimiterAcrossInstances(t *testing.T) {
	t.Parallel()
	testutil.EachDBTwice(t, func(t *testing.T, st, other *store.Store) {
		ctx := context.Background()
		clock := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
		a, b := app.New(st), secondApp(t, other)
		t.Cleanup(a.Shutdown)
		a.Now = func() time.Time { return clock }
		b.Now = a.Now
		la, lb := a.SharedLimiter("login-account", 3, 15*time.Minute), b.SharedLimiter("login-account", 3, 15*time.Minute)
		allow := func(l interface {
			Allow(context.Context, string) (bool, time.Duration, error)
		}, key string) (bool, time.Duration) {
			t.Helper()
			ok, retry, err := l.Allow(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			return ok, retry
		}
		for i, l := range []interface {
			Allow(context.Context, string) (bool, time.Duration, error)
		}{la, lb, la} {
			if ok, _ := allow(l, "an@example.vn|203.0.113.7"); !ok {
				t.Fatalf("event %d refused", i+1)
			}
		}
		clock = clock.Add(5 * time.Minute)
		if ok, retry := allow(lb, "an@example.vn|203.0.113.7"); ok || retry != 10*time.Minute {
			t.Fatalf("fourth event, on the other instance: ok=%v retry=%v, want refused for 10m", ok, retry)
		}
		if ok, _ := allow(la, "ba@example.vn|203.0.113.7"); !ok {
			t.Fatal("another key is limited too")
		}
		if ok, _ := allow(b.SharedLimiter("login-address", 3, 15*time.Minute), "an@example.vn|203.0.113.7"); !ok {
			t.Fatal("another limit of the same key is limited too")
		}
		if err := lb.Refund(ctx, "an@example.vn|203.0.113.7"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := allow(la, "an@example.vn|203.0.113.7"); !ok {
			t.Fatal("an event given back on one instance is not allowed on the other")
		}
		if ok, _ := allow(la, "an@example.vn|203.0.113.7"); ok {
			t.Fatal("a refund gave back more than one event")
		}

		// Concurrent events from both instances: exactly the allowance passes.
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			passed int
		)
		for i := range 24 {
			wg.Go(func() {
				l := la
				if i%2 == 1 {
					l = lb
				}
				ok, _, err := l.Allow(ctx, "burst")
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					passed++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if passed != 3 {
			t.Fatalf("%d of 24 concurrent events passed a limit of 3", passed)
		}

		// The windows end for both at once (the first at 9:15, the others at 9:20), and the
		// purge then deletes their counters.
		clock = clock.Add(16 * time.Minute)
		if ok, _ := allow(lb, "an@example.vn|203.0.113.7"); !ok {
			t.Fatal("a new window did not start")
		}
		if _, err := a.PurgeExpired(ctx); err != nil {
			t.Fatal(err)
		}
		var left []string
		rows, err := st.SQLDB().QueryContext(ctx, "SELECT key FROM throttle_counters")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			_ = rows.Scan(&k)
			left = append(left, k)
		}
		rows.Close()
		// Left: the window just begun; gone: "burst", "ba@…" and the other limit's.
		if len(left) != 1 || len(left[0]) != 64 {
			t.Fatalf("counters after the purge: %q, want one, a hash", left)
		}
	})
}

// TestOutboxTwoInstances drains one outbox with the workers of two instances at once: every
// message is sent exactly once.
func TestOutboxTwoInstances(t *testing.T) {
	t.Parallel()
	testutil.EachDBTwice(t, func(t *testing.T, st, other *store.Store) {
		ctx := context.Background()
		a, b := app.New(st), secondApp(t, other)
		t.Cleanup(a.Shutdown)
		const n = 60
		for i := range n {
			m := &store.OutboxMessage{To: fmt.Sprintf("r%02d@example.vn", i), Subject: "Thử", Body: fmt.Sprintf("thư %d", i), Kind: "test"}
			if _, err := st.Enqueue(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		senders := []*slowSender{{}, {}}
		var wg sync.WaitGroup
		for i, x := range []*app.App{a, b} {
			wg.Go(func() {
				if _, err := x.DeliverOutbox(ctx, senders[i]); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		seen := map[string]int{}
		for _, s := range senders {
			for _, to := range s.sent {
				seen[to]++
			}
		}
		for to, k := range seen {
			if k != 1 {
				t.Errorf("%s sent %d times", to, k)
			}
		}
		if len(seen) != n {
			t.Fatalf("%d of %d messages sent", len(seen), n)
		}
		t.Logf("sent by each instance: %d and %d", len(senders[0].sent), len(senders[1].sent))
		if left := due(t, st, time.Now().Add(24*time.Hour)); len(left) != 0 {
			t.Fatalf("%d messages still due", len(left))
		}
	})
}

// slowSender keeps the recipients it is given, taking a moment over each as a mail server
// does, so that two workers' rounds overlap.
type slowSender struct {
	mu   sync.Mutex
	sent []string
}

func (s *slowSender) Send(_ context.Context, to, _, _ string) error {
	time.Sleep(2 * time.Millisecond)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, to)
	return nil
}

// TestOpinionRetriesAcrossInstances sends every submission through both instances at once,
// as a balancer that retries on another server does: each is stored once, and both answers
// carry its one tracking code.
func TestOpinionRetriesAcrossInstances(t *testing.T) {
	t.Parallel()
	testutil.EachDBTwice(t, func(t *testing.T, st, other *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		b := secondApp(t, other)
		const n = 40
		codes := make([][2]string, n)
		created := make([][2]bool, n)
		var wg sync.WaitGroup
		for i := range n {
			for j, x := range []*app.App{f.App, b} {
				wg.Go(func() {
					r, err := x.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "agree",
						Body: fmt.Sprintf("Ý kiến số %d: đề nghị làm đường bê tông liên thôn.", i)}, fmt.Sprintf("twice-%02d", i))
					if err != nil {
						t.Error(err)
						return
					}
					codes[i][j], created[i][j] = r.Opinion.TrackingCode, r.Created
				})
			}
		}
		wg.Wait()
		for i := range n {
			if codes[i][0] == "" || codes[i][0] != codes[i][1] || created[i][0] == created[i][1] {
				t.Errorf("submission %d: codes %v, created %v; want one code, created once", i, codes[i], created[i])
			}
		}
		var rows, keys int
		err := st.SQLDB().QueryRowContext(ctx, fmt.Sprintf(
			"SELECT COUNT(*), COUNT(DISTINCT idempotency_key) FROM opinions WHERE consultation_id = %d AND idempotency_key LIKE 'twice-%%'", c.ID)).Scan(&rows, &keys)
		if err != nil {
			t.Fatal(err)
		}
		if rows != n || keys != n {
			t.Fatalf("%d rows under %d keys, want %d of each", rows, keys, n)
		}
	})
}

// TestPurgeRunsOnceAtATime checks that on PostgreSQL an instance whose purge finds another
// instance's purge running leaves the work to it, and purges once that one has finished.
// (SQLite serves one process, so it has no such lock.)
func TestPurgeRunsOnceAtATime(t *testing.T) {
	t.Parallel()
	if !slices.Contains(testutil.Dialects(t), store.Postgres) {
		t.Skip("the purge lock is PostgreSQL's; TEST_DATABASE_URL is not set")
	}
	st := testutil.NewStore(t, store.Postgres)
	t.Cleanup(app.New(st).Shutdown) // the store's clock is the app's
	ctx := context.Background()
	if _, err := st.Enqueue(ctx, &store.OutboxMessage{To: "x@example.vn", Subject: "Thử", Body: "Thử", Kind: "test"}); err != nil {
		t.Fatal(err)
	}
	// Another instance's purge: it holds the lock in its transaction.
	conn, err := st.SQLDB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", store.PurgeLock); err != nil {
		t.Fatal(err)
	}
	cutoff := time.Now().Add(24 * time.Hour) // every message is older
	start := time.Now()
	if got, err := st.PurgeExpired(ctx, cutoff); err != nil || got.Messages != 0 {
		t.Fatalf("purge while another runs: %+v, %v; want nothing done", got, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("the purge waited %v for the other", d)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if got, err := st.PurgeExpired(ctx, cutoff); err != nil || got.Messages != 1 {
		t.Fatalf("purge after the other ended: %+v, %v; want the message deleted", got, err)
	}
}
