package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// oversightLine writes one consultation of the view in a line a human can check against
// the hand-counted figures of testutil.OversightSet.
func oversightLine(o app.OverseenConsultation) string {
	p, _ := o.OpinionsPerHundredHouseholds()
	s := fmt.Sprintf("%s|%s|%d/%d=%.1f|%s", o.Title, o.Timeliness, o.Opinions, o.Households, p, dayOf(o.EndedAt))
	s += "|due " + dayOf(o.Deadline)
	if o.WorkingDays != nil {
		s += fmt.Sprintf("|took %d", *o.WorkingDays)
	}
	if o.DaysLate > 0 {
		s += fmt.Sprintf("|late %d", o.DaysLate)
	}
	if o.Timeliness == app.TimelinessAwaiting {
		s += fmt.Sprintf("|left %d", o.DaysLeft)
	}
	if o.Communes > 1 {
		s += fmt.Sprintf("|%d communes", o.Communes)
	}
	return s
}

func dayOf(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.In(domain.Zone).Format("02/01")
}

// oversightText is the whole view, one commune after another, then the overdue list.
func oversightText(o *app.Oversight) string {
	var b strings.Builder
	for _, g := range o.Communes {
		t := g.Totals
		fmt.Fprintf(&b, "# %s: %d consultations, %d opinions, open %d, awaiting %d, on time %d, overdue %d, published late %d\n",
			g.Commune.Code, t.Consultations, t.Opinions, t.Open, t.Awaiting, t.OnTime, t.Overdue, t.PublishedLate)
		for _, c := range g.Consultations {
			b.WriteString(oversightLine(c) + "\n")
		}
	}
	b.WriteString("# overdue\n")
	for _, c := range o.Overdue {
		b.WriteString(oversightLine(c) + "\n")
	}
	return b.String()
}

const (
	lineProvince    = "Quy hoạch sử dụng đất của tỉnh|open|0/260=0.0|-|due -|2 communes"
	lineOverdueA    = "Dự thảo hương ước Thôn Hai|overdue|1/200=0.5|12/11|due 19/11|late 4"
	lineOnTimeA     = "Kế hoạch chỉnh trang chợ xã|on_time|3/200=1.5|30/10|due 06/11|took 3"
	lineNeverClosed = "Kế hoạch trồng rừng phòng hộ|overdue|0/60=0.0|21/10|due 28/10|late 20"
	lineLateB       = "Kế hoạch làm đường liên thôn Bản Nà|published_late|2/60=3.3|22/04|due 04/05|took 8|late 3"
)

// TestOversight checks the oversight view against the history of testutil.SeedOversight,
// counted by hand: each caller sees the communes of their own units only, a province's
// consultation under every commune it covers, drafts never, and the late ones listed
// most-late first.
func TestOversight(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		testutil.SeedOversight(t, f)

		for _, tc := range []struct {
			name  string
			actor *domain.Actor
			unit  string
			want  []string
		}{
			{"admin of the province: both communes", f.Admin, "", []string{
				"# A: 3 consultations, 4 opinions, open 1, awaiting 0, on time 1, overdue 1, published late 0",
				lineProvince, lineOverdueA, lineOnTimeA,
				"# B: 3 consultations, 2 opinions, open 1, awaiting 0, on time 0, overdue 1, published late 1",
				lineProvince, lineNeverClosed, lineLateB,
				"# overdue", lineNeverClosed, lineOverdueA, lineLateB,
			}},
			// Narrowed to a commune, the province's own consultations are outside the view.
			{"admin narrowed to commune B", f.Admin, "B", []string{
				"# B: 2 consultations, 2 opinions, open 0, awaiting 0, on time 0, overdue 1, published late 1",
				lineNeverClosed, lineLateB,
				"# overdue", lineNeverClosed, lineLateB,
			}},
			{"observer of commune A", f.ObserverA, "", []string{
				"# A: 2 consultations, 4 opinions, open 0, awaiting 0, on time 1, overdue 1, published late 0",
				lineOverdueA, lineOnTimeA,
				"# overdue", lineOverdueA,
			}},
			{"moderator of commune A, by its code", f.ModeratorA, "A", []string{
				"# A: 2 consultations, 4 opinions, open 0, awaiting 0, on time 1, overdue 1, published late 0",
				lineOverdueA, lineOnTimeA,
				"# overdue", lineOverdueA,
			}},
			{"official of commune B", f.OfficialB, "", []string{
				"# B: 2 consultations, 2 opinions, open 0, awaiting 0, on time 0, overdue 1, published late 1",
				lineNeverClosed, lineLateB,
				"# overdue", lineNeverClosed, lineLateB,
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				o, err := f.App.Oversight(ctx, tc.actor, tc.unit)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := oversightText(o), strings.Join(tc.want, "\n")+"\n"; got != want {
					t.Errorf("got\n%s\nwant\n%s", got, want)
				}
				if !o.Today.Equal(time.Date(2026, 11, 25, 0, 0, 0, 0, domain.Zone)) {
					t.Errorf("today = %v", o.Today)
				}
			})
		}

		// The units the view can be narrowed to: the admin's province and its communes.
		o, err := f.App.Oversight(ctx, f.Admin, "")
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, u := range o.Units {
			codes = append(codes, u.Code)
		}
		if strings.Join(codes, ",") != "P,A,B" {
			t.Errorf("units to narrow to: %v, want P,A,B", codes)
		}

		// Another commune's code, or one that does not exist, is refused.
		if _, err := f.App.Oversight(ctx, f.OfficialB, "A"); !domain.IsCode(err, domain.CodeForbidden) {
			t.Errorf("official of B narrowing to A: %v, want forbidden", err)
		}
		if _, err := f.App.Oversight(ctx, f.OfficialB, "P"); !domain.IsCode(err, domain.CodeForbidden) {
			t.Errorf("official of B narrowing to the province: %v, want forbidden", err)
		}
		if _, err := f.App.Oversight(ctx, f.Admin, "KHONG-CO"); !domain.IsCode(err, domain.CodeNotFound) {
			t.Errorf("unknown unit: %v, want not found", err)
		}
		if _, err := f.App.Oversight(ctx, nil, ""); !domain.IsCode(err, domain.CodeUnauthorized) {
			t.Errorf("no actor: %v, want unauthorized", err)
		}
	})
}

// TestOversightDeadlineBoundary walks the clock over the overdue hương ước's deadline
// (Thursday 19 Nov 2026, 5 working days after its last day, Thursday 12 Nov): awaiting
// with a day left on the 18th, due that very day on the 19th, and overdue from the next
// working day; a weekend adds nothing.
func TestOversightDeadlineBoundary(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		testutil.SeedOversight(t, f)
		for _, tc := range []struct{ now, want string }{
			{"2026-11-16 09:00", "awaiting|left 3"}, // closed this morning: Fri 13 and Mon 16 have passed
			{"2026-11-18 23:59", "awaiting|left 1"},
			{"2026-11-19 08:00", "awaiting|left 0"},
			{"2026-11-20 08:00", "overdue|late 1"},
			{"2026-11-22 08:00", "overdue|late 1"}, // Sunday
			{"2026-11-23 08:00", "overdue|late 2"},
		} {
			now, _ := time.ParseInLocation("2006-01-02 15:04", tc.now, domain.Zone)
			f.App.Now = func() time.Time { return now.UTC() }
			o, err := f.App.Oversight(ctx, f.ObserverA, "")
			if err != nil {
				t.Fatal(err)
			}
			var got string
			for _, c := range o.Communes[0].Consultations {
				if c.Title == "Dự thảo hương ước Thôn Hai" {
					got = string(c.Timeliness)
					if c.Timeliness == app.TimelinessAwaiting {
						got += fmt.Sprintf("|left %d", c.DaysLeft)
					} else {
						got += fmt.Sprintf("|late %d", c.DaysLate)
					}
				}
			}
			if got != tc.want {
				t.Errorf("at %s: %s, want %s", tc.now, got, tc.want)
			}
		}
	})
}

// TestOversightUsesTheAppCalendar shows that the App's calendar decides: with Tuesdays 17
// and 24 Nov 2026 declared holidays (as HOLIDAYS would), the hương ước's deadline moves from
// Thursday 19 to Friday 20 Nov, and on the 25th it is 2 working days overdue instead of 4.
func TestOversightUsesTheAppCalendar(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		testutil.SeedOversight(t, f)
		f.App.Calendar = domain.DefaultCalendar().With(
			[]time.Time{time.Date(2026, 11, 17, 0, 0, 0, 0, domain.Zone), time.Date(2026, 11, 24, 0, 0, 0, 0, domain.Zone)}, nil)
		o, err := f.App.Oversight(ctx, f.ObserverA, "")
		if err != nil {
			t.Fatal(err)
		}
		// Tue 17 Nov off: Fri 13 (1), Mon 16 (2), Wed 18 (3), Thu 19 (4), Fri 20 (5). Tue 24 off
		// too: Mon 23 and Wed 25 are the working days past the deadline.
		if got := oversightLine(o.Overdue[0]); got != "Dự thảo hương ước Thôn Hai|overdue|1/200=0.5|12/11|due 20/11|late 2" {
			t.Errorf("with two more holidays: %s", got)
		}
	})
}
