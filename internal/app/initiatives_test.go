package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// The year's figures for the annual report count initiatives by the local calendar year of
// their proposal: 23:59 on 31 December (UTC+7) is still that year, midnight is the next.
// Reached counts those whose supports reached at least 10% of the village's households
// (Law 10/2022 art. 16(3)): village A2 has 80 households, so 8.
func TestInitiativeYearFigures(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := testutil.Seed(t, st)
		ctx := context.Background()
		at := func(s string) time.Time {
			d, err := time.ParseInLocation("2006-01-02 15:04", s, domain.Zone)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		propose := func(when string, household int) *domain.Initiative {
			t.Helper()
			now := at(when)
			f.App.Now = func() time.Time { return now.UTC() }
			i, err := f.App.ProposeInitiative(ctx, f.OfficialA, "A2", app.NewInitiative{Kind: "matter", Title: "Nạo vét kênh",
				Body: "Nạo vét kênh tưới.", LastDay: now.AddDate(0, 0, 20).Format(time.DateOnly), Household: &household})
			if err != nil {
				t.Fatal(err)
			}
			if err := f.App.ModerateInitiative(ctx, f.ModeratorA, i.ID, app.InitiativeModeration{Decision: "approve"}); err != nil {
				t.Fatal(err)
			}
			return i
		}
		late := propose("2026-12-31 23:59", 1)
		if _, err := f.App.EnterPaperSupports(ctx, f.OfficialA, late.ID, app.PaperSupports{Households: "2-7", SignedOn: "2026-12-31"}); err != nil {
			t.Fatal(err)
		}
		// 7 of 8: not reached.
		next := propose("2027-01-01 00:00", 1)
		if _, err := f.App.EnterPaperSupports(ctx, f.OfficialA, next.ID, app.PaperSupports{Households: "2-8", SignedOn: "2027-01-01"}); err != nil {
			t.Fatal(err)
		}
		a, err := st.UnitByCode(ctx, "A")
		if err != nil {
			t.Fatal(err)
		}
		y26, err := f.App.InitiativeYearFigures(ctx, []int64{a.ID}, 2026)
		if err != nil {
			t.Fatal(err)
		}
		y27, err := f.App.InitiativeYearFigures(ctx, []int64{a.ID}, 2027)
		if err != nil {
			t.Fatal(err)
		}
		if y26 != (app.InitiativeFigures{Proposed: 1, Public: 1, Reached: 0, SupportsPaper: 7}) {
			t.Errorf("2026: %+v", y26)
		}
		if y27 != (app.InitiativeFigures{Proposed: 1, Public: 1, Reached: 1, SupportsPaper: 8}) {
			t.Errorf("2027: %+v", y27)
		}
		b, err := st.UnitByCode(ctx, "B")
		if err != nil {
			t.Fatal(err)
		}
		if yb, err := f.App.InitiativeYearFigures(ctx, []int64{b.ID}, 2027); err != nil || yb != (app.InitiativeFigures{}) {
			t.Errorf("commune B: %+v %v", yb, err)
		}
	})
}
