package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestTalliesAgreeWithRecount checks the counters the database keeps (migration 00015)
// against the figures counted straight from the opinions, after a bulk load in one INSERT
// and after a few hundred opinions are submitted online and on paper, approved, rejected,
// hidden, appealed, withdrawn and erased in a random order. The counts must be equal; the
// median time to a decision, which the counters keep in buckets, must be within its bucket.
func TestTalliesAgreeWithRecount(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		large := f.SeedLargeConsultation(t, st, 400)
		c := large.C
		assertTalliesAgree(t, st, c.ID, "after the bulk load")

		r := rand.New(rand.NewPCG(16, 2026))
		var sections []int64
		for _, s := range c.Sections {
			if s.Commentable() {
				sections = append(sections, s.ID)
			}
		}
		villages := []string{"", "A1", "A2", "A3", "A5"}
		type submitted struct {
			id   int64
			code string
		}
		var mine []submitted
		for i := range 160 {
			in := app.NewOpinion{
				Stance:      string(domain.Stances[r.IntN(len(domain.Stances))]),
				Body:        fmt.Sprintf("Ý kiến số %d về dự thảo hương ước.", i),
				VillageCode: villages[r.IntN(len(villages))],
				Contact:     "0912 345 678", Consent: true,
			}
			if r.IntN(4) > 0 {
				in.SectionID = &sections[r.IntN(len(sections))]
			}
			var rec *app.Receipt
			var err error
			if r.IntN(4) == 0 {
				in.Channel, in.Reference = "meeting", "BB-01"
				rec, err = f.App.EnterOfflineOpinion(ctx, f.OfficialA, c.ID, in, fmt.Sprintf("paper-%d", i))
			} else {
				rec, err = f.App.SubmitOpinion(ctx, c.ID, in, "")
			}
			if err != nil {
				t.Fatalf("opinion %d: %v", i, err)
			}
			mine = append(mine, submitted{rec.Opinion.ID, rec.Opinion.TrackingCode})
		}
		reasons := []string{"spam", "offensive", "off_topic", "duplicate"}
		for i, o := range mine {
			var d app.Decision
			switch r.IntN(6) {
			case 0: // stays pending, or is withdrawn by its author
				if r.IntN(3) == 0 {
					if _, err := f.App.WithdrawOpinion(ctx, o.code); err != nil {
						t.Fatalf("withdraw %d: %v", i, err)
					}
				}
				continue
			case 1, 2:
				d = app.Decision{Decision: "reject", Reason: reasons[r.IntN(len(reasons))]}
			default:
				d = app.Decision{Decision: "approve"}
			}
			if _, err := f.App.Moderate(ctx, f.ModeratorA, o.id, d); err != nil {
				t.Fatalf("moderate %d: %v", i, err)
			}
			switch r.IntN(8) {
			case 0:
				if d.Decision == "approve" {
					if _, err := f.App.Moderate(ctx, f.ModeratorA, o.id, app.Decision{Decision: "hide", Reason: "offensive"}); err != nil {
						t.Fatalf("hide %d: %v", i, err)
					}
				}
			case 1, 2:
				if _, err := f.App.EraseMyData(ctx, o.code); err != nil {
					t.Fatalf("erase %d: %v", i, err)
				}
			case 3:
				if d.Decision == "reject" {
					if _, err := f.App.Appeal(ctx, o.code, "Ý kiến của tôi không vi phạm quy định."); err != nil {
						t.Fatalf("appeal %d: %v", i, err)
					}
				}
			}
			if i == len(mine)/2 {
				assertTalliesAgree(t, st, c.ID, "halfway through moderation")
			}
		}
		assertTalliesAgree(t, st, c.ID, "after moderation, withdrawals and erasures")
		set, err := st.ApprovedSetOf(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		sum, _, _, _, err := store.Recount(ctx, st, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if set.Count != int64(sum.Total) || set.Changes < set.Count {
			t.Errorf("approved set %+v, want %d approved and at least as many changes", set, sum.Total)
		}
	})
}

func assertTalliesAgree(t *testing.T, st *store.Store, consultationID int64, when string) {
	t.Helper()
	ctx := context.Background()
	wantSum, wantMod, wantDays, wantCommunes, err := store.Recount(ctx, st, consultationID)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := st.Summary(ctx, consultationID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total == 0 {
		t.Fatalf("%s: no approved opinions counted: the test proves nothing", when)
	}
	if !reflect.DeepEqual(sum, wantSum) {
		t.Errorf("%s: summary from counters\n%+v\nwant\n%+v", when, sum, wantSum)
	}
	mod, err := st.ModerationStats(ctx, consultationID)
	if err != nil {
		t.Fatal(err)
	}
	// The median is kept to the second below an hour, to the minute below two days, to the
	// hour beyond.
	if mod.MedianDecisionSeconds == nil || wantMod.MedianDecisionSeconds == nil {
		t.Fatalf("%s: no median (%v, want %v)", when, mod.MedianDecisionSeconds, wantMod.MedianDecisionSeconds)
	}
	got, want := *mod.MedianDecisionSeconds, *wantMod.MedianDecisionSeconds
	width := int64(1)
	switch {
	case want >= 172800:
		width = 3600
	case want >= 3600:
		width = 60
	}
	if got > want || want-got >= width {
		t.Errorf("%s: median %d s, want %d s within %d s", when, got, want, width)
	}
	mod.MedianDecisionSeconds, wantMod.MedianDecisionSeconds = nil, nil
	for reason, n := range wantMod.RejectedBy {
		if n == 0 {
			delete(wantMod.RejectedBy, reason)
		}
	}
	if !reflect.DeepEqual(mod, wantMod) {
		t.Errorf("%s: moderation figures from counters\n%+v\nwant\n%+v", when, mod, wantMod)
	}
	days, err := st.ApprovedPerDay(ctx, consultationID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(days, wantDays) {
		t.Errorf("%s: per day from counters\n%v\nwant\n%v", when, days, wantDays)
	}
	communes, err := st.OpinionsByCommune(ctx, consultationID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(communes, wantCommunes) {
		t.Errorf("%s: by commune from counters\n%+v\nwant\n%+v", when, communes, wantCommunes)
	}
}
