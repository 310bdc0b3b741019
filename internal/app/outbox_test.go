package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// fakeSender fails its first failFirst calls (all of them when failFirst < 0), then keeps
// what it is given.
type fakeSender struct {
	mu        sync.Mutex
	failFirst int
	calls     int
	sent      []store.OutboxMessage
}

func (f *fakeSender) Send(_ context.Context, to, subject, body string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.failFirst < 0 || f.calls <= f.failFirst {
		return errors.New("421 4.3.2 service not available, try again later")
	}
	f.sent = append(f.sent, store.OutboxMessage{To: to, Subject: subject, Body: body})
	return nil
}

func due(t *testing.T, st *store.Store, at time.Time) []store.OutboxMessage {
	t.Helper()
	list, err := st.DueMessages(context.Background(), at, 100)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func byRecipient(list []store.OutboxMessage, to string) *store.OutboxMessage {
	for i := range list {
		if list[i].To == to {
			return &list[i]
		}
	}
	return nil
}

// TestDigests queues one e-mail a day to each account that has opinions waiting in its
// units, in Vietnamese, with the count, the oldest one's local time and the queue's link.
func TestDigests(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		f.App.BaseURL = "https://gopy.example.vn"
		moderatorB := testutil.AddStaff(t, f, "moderator.b@example.vn", "moderator", "B")

		// Nothing waits anywhere: nothing is queued.
		if n, err := f.App.EnqueueDigests(ctx, time.Now()); err != nil || n != 0 {
			t.Fatalf("empty queues: %d digests, %v", n, err)
		}

		c := f.OpenConsultation(t)
		first := submit(t, f, c, "Đề nghị giữ quy định tổng vệ sinh vào chủ nhật cuối tháng.")
		second := submit(t, f, c, "Nên cho phép tổ chức cưới trong hai ngày nếu ở xa.")
		submit(t, f, c, "Cần nói rõ ai thu gom rác đã phân loại.")
		if _, err := decide(t, f, f.ModeratorA, first.ID, app.Decision{Decision: "approve"}); err != nil {
			t.Fatal(err)
		}

		// 17:30 UTC on the 24th is 00:30 on the 25th in Vietnam: the day of the key is local.
		now := time.Date(2026, 11, 24, 17, 30, 0, 0, time.UTC)
		n, err := f.App.EnqueueDigests(ctx, now)
		if err != nil || n != 2 {
			t.Fatalf("%d digests, %v; want 2 (moderator and province admin of commune A)", n, err)
		}
		if n, err := f.App.EnqueueDigests(ctx, now.Add(20*time.Hour)); err != nil || n != 0 {
			t.Fatalf("the same day again: %d digests, %v", n, err)
		}

		list := due(t, st, now)
		if len(list) != 2 {
			t.Fatalf("%d messages in the outbox, want 2", len(list))
		}
		if byRecipient(list, moderatorB.Email) != nil {
			t.Error("a moderator with nothing waiting got a digest")
		}
		if byRecipient(list, f.Admin.Email) == nil {
			t.Error("the province admin, who may moderate commune A, got no digest")
		}
		m := byRecipient(list, f.ModeratorA.Email)
		if m == nil {
			t.Fatalf("no digest for the moderator: %+v", list)
		}
		if m.Subject != "Góp Ý: 2 ý kiến đang chờ kiểm duyệt" {
			t.Errorf("subject %q", m.Subject)
		}
		oldest := second.SubmittedAt.In(domain.Zone).Format("02/01/2006 15:04")
		for _, want := range []string{"Kính gửi " + f.ModeratorA.Name, "Có 2 ý kiến đang chờ", oldest, "https://gopy.example.vn/staff/moderation"} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("body lacks %q:\n%s", want, m.Body)
			}
		}
		if m.Kind != app.MailDigest || m.DedupKey == nil || *m.DedupKey != fmt.Sprintf("digest:%d:2026-11-25", f.ModeratorA.StaffID) {
			t.Errorf("kind %q, key %v", m.Kind, m.DedupKey)
		}
		if m.Attempts != 0 || m.SentAt != nil || !m.NextAttemptAt.Equal(now) {
			t.Errorf("not due at once: %+v", m)
		}

		// The next local day has a digest of its own.
		if n, err := f.App.EnqueueDigests(ctx, now.Add(24*time.Hour)); err != nil || n != 2 {
			t.Fatalf("next day: %d digests, %v", n, err)
		}
	})
}

// TestOutboxSurvivesOutage fails the first deliveries: the messages stay queued, each tried
// again after its wait, and go out exactly once when the server is back.
func TestOutboxSurvivesOutage(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		submit(t, f, c, "Đề nghị giữ quy định tổng vệ sinh vào chủ nhật cuối tháng.")
		clock := time.Now().UTC().Truncate(time.Second)
		f.App.Now = func() time.Time { return clock }
		if n, err := f.App.EnqueueDigests(ctx, clock); err != nil || n != 2 {
			t.Fatalf("%d digests, %v", n, err)
		}
		sender := &fakeSender{failFirst: 2}

		// The server is down: the round stops at the first failure.
		d, err := f.App.DeliverOutbox(ctx, sender)
		if err != nil || d.Sent != 0 || d.Failed != 1 {
			t.Fatalf("first round: %+v, %v", d, err)
		}
		later := due(t, st, clock.Add(time.Hour))
		var failed *store.OutboxMessage
		for i := range later {
			if later[i].Attempts == 1 {
				failed = &later[i]
			}
		}
		if len(later) != 2 || failed == nil {
			t.Fatalf("queued after one failure: %+v", later)
		}
		if !failed.NextAttemptAt.Equal(clock.Add(time.Minute)) || failed.SentAt != nil || !strings.Contains(failed.LastError, "421") {
			t.Fatalf("failed message: next %v (now %v), sent %v, error %q", failed.NextAttemptAt, clock, failed.SentAt, failed.LastError)
		}
		if now := due(t, st, clock); len(now) != 1 || now[0].ID == failed.ID {
			t.Fatalf("due now: %+v", now)
		}

		// The other message fails too; then nothing is due until the wait is over.
		if d, err := f.App.DeliverOutbox(ctx, sender); err != nil || d.Failed != 1 {
			t.Fatalf("second round: %+v, %v", d, err)
		}
		if d, err := f.App.DeliverOutbox(ctx, sender); err != nil || d != (app.Delivery{}) || sender.calls != 2 {
			t.Fatalf("third round: %+v, %v, %d calls", d, err, sender.calls)
		}

		// The server is back after a minute: both go out, once.
		clock = clock.Add(time.Minute)
		if d, err := f.App.DeliverOutbox(ctx, sender); err != nil || d.Sent != 2 || d.Failed != 0 {
			t.Fatalf("after the outage: %+v, %v", d, err)
		}
		clock = clock.Add(24 * time.Hour)
		if d, err := f.App.DeliverOutbox(ctx, sender); err != nil || d != (app.Delivery{}) {
			t.Fatalf("a day later: %+v, %v", d, err)
		}
		if len(sender.sent) != 2 || sender.sent[0].To == sender.sent[1].To {
			t.Fatalf("sent %+v", sender.sent)
		}
		if left := due(t, st, clock.Add(365*24*time.Hour)); len(left) != 0 {
			t.Fatalf("still queued: %+v", left)
		}
	})
}

// TestOutboxBackoff checks the waits (one minute, doubling, at most six hours) and that a
// message is given up after 20 attempts but kept.
func TestOutboxBackoff(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		clock := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
		f.App.Now = func() time.Time { return clock }
		key := "test:backoff"
		msg := &store.OutboxMessage{To: "x@example.vn", Subject: "Thử", Body: "Thử", Kind: "test", DedupKey: &key, CreatedAt: clock}
		if created, err := st.Enqueue(ctx, msg); err != nil || !created {
			t.Fatalf("enqueue: %v %v", created, err)
		}
		sender := &fakeSender{failFirst: -1}
		for i := 1; i <= store.OutboxMaxAttempts; i++ {
			if d, err := f.App.DeliverOutbox(ctx, sender); err != nil || d.Failed != 1 {
				t.Fatalf("attempt %d: %+v, %v", i, d, err)
			}
			wait := min(time.Minute<<(i-1), 6*time.Hour)
			list := due(t, st, clock.Add(100*time.Hour))
			if i == store.OutboxMaxAttempts {
				if len(list) != 0 {
					t.Fatalf("still tried after %d attempts: %+v", i, list)
				}
				break
			}
			if len(list) != 1 || list[0].Attempts != i || !list[0].NextAttemptAt.Equal(clock.Add(wait)) {
				t.Fatalf("after attempt %d: %+v, want next in %v", i, list, wait)
			}
			if len(due(t, st, clock.Add(wait-time.Second))) != 0 {
				t.Fatalf("due before its wait after attempt %d", i)
			}
			clock = clock.Add(wait)
		}
		if sender.calls != store.OutboxMaxAttempts {
			t.Fatalf("%d attempts", sender.calls)
		}
		// Given up, but the row is still there: its key is taken.
		if created, err := st.Enqueue(ctx, &store.OutboxMessage{To: "x@example.vn", Subject: "Thử", Body: "Thử", Kind: "test", DedupKey: &key}); err != nil || created {
			t.Fatalf("re-enqueue after giving up: created %v, %v", created, err)
		}
		// Messages without a key are never taken for duplicates.
		for range 2 {
			if created, err := st.Enqueue(ctx, &store.OutboxMessage{To: "y@example.vn", Subject: "Thử", Body: "Thử", Kind: "test"}); err != nil || !created {
				t.Fatalf("enqueue without key: %v %v", created, err)
			}
		}
	})
}
