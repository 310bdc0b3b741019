package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestLogsAreAppendOnly checks that the database itself refuses to rewrite or delete a
// moderation decision or a status change, whatever the application code does.
func TestLogsAreAppendOnly(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		r, err := f.App.SubmitOpinion(ctx, c.ID, appOpinion(), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Apply(ctx, store.Transition{OpinionID: r.Opinion.ID, From: domain.OpinionPending, To: domain.OpinionApproved,
			ActorID: &f.ModeratorA.StaffID, Now: time.Now()}); err != nil {
			t.Fatal(err)
		}
		db := st.SQLDB()
		for _, q := range []string{
			"UPDATE moderation_events SET reason = 'spam'",
			"DELETE FROM moderation_events",
			"UPDATE consultation_events SET reason = 'x'",
			"DELETE FROM consultation_events",
		} {
			if _, err := db.ExecContext(ctx, q); err == nil {
				t.Errorf("%s: succeeded, want refusal", q)
			}
		}
		events, err := st.ModerationEvents(ctx, r.Opinion.ID)
		if err != nil || len(events) != 1 {
			t.Fatalf("events after tampering: %v, %d", err, len(events))
		}
	})
}

// TestConcurrentRetriesStoreOneOpinion races many submissions with one idempotency key:
// exactly one row must exist, and every caller must get its tracking code.
func TestConcurrentRetriesStoreOneOpinion(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		const n = 16
		codes := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := f.App.SubmitOpinion(ctx, c.ID, appOpinion(), "same-key-from-a-phone")
				errs[i] = err
				if err == nil {
					codes[i] = r.Opinion.TrackingCode
				}
			}()
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("submission %d: %v", i, errs[i])
			}
			if codes[i] != codes[0] {
				t.Fatalf("submission %d got %s, first got %s", i, codes[i], codes[0])
			}
		}
		queue, err := f.App.ModerationQueue(ctx, f.ModeratorA, app.QueueQuery{ConsultationID: &c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(queue.Items) != 1 {
			t.Fatalf("%d opinions stored, want 1", len(queue.Items))
		}
	})
}

// TestTimesRoundTripInUTC guards the SQLite text encoding of times: what goes in comes back
// as the same instant, and period filters compare instants, not strings in mixed zones.
func TestTimesRoundTripInUTC(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		got, err := st.ConsultationByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.OpensAt.Equal(c.OpensAt) || !got.ClosesAt.Equal(c.ClosesAt) {
			t.Fatalf("period %v–%v came back as %v–%v", c.OpensAt, c.ClosesAt, got.OpensAt, got.ClosesAt)
		}
		now := time.Now()
		open, _, err := st.ListConsultations(ctx, store.ConsultationFilter{OpenAt: &now})
		if err != nil || len(open) != 1 {
			t.Fatalf("open now: %v, %d", err, len(open))
		}
		later := c.ClosesAt.Add(time.Minute).In(domain.Zone)
		open, _, err = st.ListConsultations(ctx, store.ConsultationFilter{OpenAt: &later})
		if err != nil || len(open) != 0 {
			t.Fatalf("open after closing: %v, %d", err, len(open))
		}
	})
}
