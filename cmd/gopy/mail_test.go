package main

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

type recorder struct {
	mu sync.Mutex
	to []string
}

func (r *recorder) Send(_ context.Context, to, _, _ string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.to = append(r.to, to)
	return nil
}

// TestMailRound runs the mail worker's turns across a morning: no digest before
// DIGEST_HOUR, the day's digests queued and sent at it, and not again that day.
func TestMailRound(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		if _, err := f.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "agree", Body: "Tôi đồng ý với dự thảo."}, ""); err != nil {
			t.Fatal(err)
		}
		clock := time.Date(2026, 11, 25, 6, 59, 0, 0, domain.Zone)
		f.App.Now = func() time.Time { return clock.UTC() }
		r := &recorder{}
		digested := mailRound(ctx, f.App, r, 7, "")
		if digested != "" || len(r.to) != 0 {
			t.Fatalf("before 7:00: day %q, sent to %v", digested, r.to)
		}
		for _, step := range []time.Duration{time.Minute, time.Minute, 10 * time.Hour} {
			clock = clock.Add(step)
			if digested = mailRound(ctx, f.App, r, 7, digested); digested != "2026-11-25" {
				t.Fatalf("at %v: day %q", clock, digested)
			}
		}
		if len(r.to) != 2 {
			t.Fatalf("sent to %v, want the moderator and the admin once", r.to)
		}
		clock = clock.Add(13 * time.Hour) // 06:01 on the 26th
		if digested = mailRound(ctx, f.App, r, 7, digested); digested != "2026-11-25" || len(r.to) != 2 {
			t.Fatalf("next day before 7:00: day %q, sent to %v", digested, r.to)
		}
		clock = clock.Add(time.Hour)
		if digested = mailRound(ctx, f.App, r, 7, digested); digested != "2026-11-26" || len(r.to) != 4 {
			t.Fatalf("next day at 7:01: day %q, sent to %v", digested, r.to)
		}
	})
}
