package store_test

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

// TestApprovedPerDayLocalDays checks that the database counts opinions on the same local
// days (UTC+7) as domain.StartOfDay: one second before local midnight and at midnight fall
// on two days, whatever zone the submission time was written in, and unapproved opinions do
// not count.
func TestApprovedPerDayLocalDays(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		midnight := c.OpensAt.AddDate(0, 0, 1) // local midnight after the first day: 17:00 UTC
		for _, o := range []struct {
			at       time.Time
			approved bool
		}{
			{c.OpensAt.UTC(), true},                              // 00:00 local, first day
			{midnight.Add(-time.Nanosecond).UTC(), true},         // 23:59:59.999999999 local
			{midnight.Add(-time.Second).In(domain.Zone), true},   // written with +07:00
			{midnight.UTC(), true},                               // 00:00 local, second day
			{midnight.Add(90 * time.Minute).In(time.UTC), true},  // 01:30 local
			{midnight.Add(25 * time.Hour).In(domain.Zone), true}, // third day
			{midnight.Add(2 * time.Hour).UTC(), false},           // pending: not counted
		} {
			f.App.Now = func() time.Time { return o.at }
			r, err := f.App.SubmitOpinion(ctx, c.ID, appOpinion(), "")
			if err != nil {
				t.Fatal(err)
			}
			if o.approved {
				if _, err := f.App.Moderate(ctx, f.ModeratorA, r.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		days, err := st.ApprovedPerDay(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range days {
			if !d.Day.Equal(domain.StartOfDay(d.Day)) || d.Day.Location() != domain.Zone {
				t.Errorf("day %v is not a local midnight", d.Day)
			}
			got = append(got, fmt.Sprintf("%s=%d", d.Day.Format(time.DateOnly), d.N))
		}
		first := domain.StartOfDay(c.OpensAt)
		want := []string{
			first.Format(time.DateOnly) + "=3",
			first.AddDate(0, 0, 1).Format(time.DateOnly) + "=2",
			first.AddDate(0, 0, 2).Format(time.DateOnly) + "=1",
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("per day %v, want %v", got, want)
		}
	})
}

// TestLatestApproved checks the newest public opinions of each section and of the draft as
// a whole: at most n, newest first, hidden ones kept as markers, pending ones left out.
func TestLatestApproved(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		art2, art5 := testutil.Section(t, c, "c2.d2"), testutil.Section(t, c, "c2.d5")
		start := time.Now().UTC()
		ids := map[string]int64{}
		for i, o := range []struct {
			name    string
			section *domain.Section
			outcome string // approve, hide (approved then hidden), or "" left pending
		}{
			{"g1", nil, "approve"}, {"a1", art2, "approve"}, {"b1", art5, "approve"},
			{"a2", art2, "hide"}, {"g2", nil, "approve"}, {"a3", art2, ""},
			{"a4", art2, "approve"}, {"b2", art5, "approve"}, {"b3", art5, "approve"},
		} {
			// Two opinions share a time, so the id breaks the tie.
			f.App.Now = func() time.Time { return start.Add(time.Duration(i/2) * time.Minute) }
			in := appOpinion()
			if o.section != nil {
				in.SectionID = &o.section.ID
			}
			r, err := f.App.SubmitOpinion(ctx, c.ID, in, "")
			if err != nil {
				t.Fatal(err)
			}
			ids[o.name] = r.Opinion.ID
			for _, d := range map[string][]string{"approve": {"approve"}, "hide": {"approve", "hide"}}[o.outcome] {
				if _, err := f.App.Moderate(ctx, f.ModeratorA, r.Opinion.ID, app.Decision{Decision: d, Reason: map[string]string{"hide": "off_topic"}[d]}); err != nil {
					t.Fatal(err)
				}
			}
		}
		latest, err := st.LatestApproved(ctx, c.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		name := map[int64]string{}
		for n, id := range ids {
			name[id] = n
		}
		got := map[int64]string{}
		for key, list := range latest {
			var names []string
			for _, o := range list {
				names = append(names, name[o.ID]+":"+string(o.Status))
			}
			got[key] = strings.Join(names, " ")
		}
		want := map[int64]string{
			0:       "g2:approved g1:approved",
			art2.ID: "a4:approved a2:hidden",
			art5.ID: "b3:approved b2:approved",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("latest %v, want %v", got, want)
		}
	})
}
