package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestLargeConsultationFiguresComeFromMemory: past the size limit, a consultation's public
// figures are served from memory until they are older than the time limit; then one view
// still gets them and starts a recomputation, and the views after it get the new figures.
// Figures past the age limit are never shown, and below the size limit every view counts.
func TestLargeConsultationFiguresComeFromMemory(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		approve := func(body string) {
			t.Helper()
			o := submit(t, f, c, body)
			if _, err := decide(t, f, f.ModeratorA, o.ID, app.Decision{Decision: "approve"}); err != nil {
				t.Fatal(err)
			}
		}
		type figures struct{ summary, perDay, latest, moderation int }
		view := func() figures {
			t.Helper()
			s, err := f.App.PublicSummary(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			days, err := f.App.OpinionsPerDay(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			latest, err := f.App.LatestOpinions(ctx, c, 10)
			if err != nil {
				t.Fatal(err)
			}
			m, err := f.App.PublicModerationStats(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			out := figures{summary: s.Total, latest: len(latest[0]), moderation: m.Approved}
			for _, d := range days {
				out.perDay += d.N
			}
			return out
		}
		all := func(n int) figures { return figures{n, n, n, n} }

		f.App.SetAggregateCache(1, time.Hour, 2*time.Hour)
		approve("Ý kiến thứ nhất về dự thảo.")
		approve("Ý kiến thứ hai về dự thảo.")
		if got := view(); got != all(2) {
			t.Fatalf("first view: %+v, want 2 everywhere", got)
		}
		approve("Ý kiến thứ ba về dự thảo.")
		if got := view(); got != all(2) {
			t.Fatalf("within the time limit: %+v, want the figures in memory (2)", got)
		}

		f.App.SetAggregateCache(1, time.Nanosecond, time.Hour)
		if got := view(); got != all(2) {
			t.Fatalf("view that starts the recomputation: %+v, want the earlier figures (2)", got)
		}
		f.App.WaitForBackground()
		if got := view(); got != all(3) {
			t.Fatalf("after the recomputation: %+v, want 3 everywhere", got)
		}

		// Figures older than the most a view may show are counted again by that view.
		approve("Ý kiến thứ tư về dự thảo.")
		f.App.SetAggregateCache(1, time.Nanosecond, time.Nanosecond)
		if got := view(); got != all(4) {
			t.Fatalf("figures past their age: %+v, want 4 everywhere, counted by the view", got)
		}

		f.App.SetAggregateCache(100, time.Hour, 2*time.Hour)
		approve("Ý kiến thứ năm về dự thảo.")
		if got := view(); got != all(5) {
			t.Fatalf("below the size limit: %+v, want every figure counted again (5)", got)
		}
	})
}
