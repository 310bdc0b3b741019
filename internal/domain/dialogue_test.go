package domain_test

import (
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// A dialogue (Law 10/2022 art. 32) takes questions until the local midnight that begins the
// meeting's day; a promise is overdue from the midnight after its due day (Civil Code art.
// 148: a period counted in days ends at the end of its last day).
func TestDialogueCutoffAndPromiseStanding(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04:05", s, domain.Zone)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	d := domain.Dialogue{StartsAt: at("2026-12-20 07:30:00").UTC(), Status: domain.DialogueScheduled}
	for _, c := range []struct {
		now  string
		open bool
	}{{"2026-12-19 23:59:59", true}, {"2026-12-20 00:00:00", false}, {"2026-12-20 07:29:00", false}} {
		if got := d.TakesQuestions(at(c.now)); got != c.open {
			t.Errorf("takes questions at %s: %v, want %v", c.now, got, c.open)
		}
	}
	if got := d.LastDayToAsk().Format(time.DateOnly); got != "2026-12-19" {
		t.Errorf("last day to ask %s", got)
	}
	d.Status = domain.DialogueCancelled
	if d.TakesQuestions(at("2026-12-01 00:00:00")) {
		t.Error("a cancelled dialogue takes questions")
	}

	p := domain.DialoguePromise{DueOn: at("2026-12-31 00:00:00").UTC()}
	for _, c := range []struct {
		now  string
		want domain.PromiseStanding
		days int
	}{
		{"2026-12-31 23:59:59", domain.PromisePending, 0},
		{"2027-01-01 00:00:00", domain.PromiseOverdue, 1},
		{"2027-01-10 12:00:00", domain.PromiseOverdue, 10},
	} {
		if got := p.StandingAt(at(c.now)); got != c.want || p.DaysOverdue(at(c.now)) != c.days {
			t.Errorf("at %s: %s, %d days; want %s, %d", c.now, got, p.DaysOverdue(at(c.now)), c.want, c.days)
		}
	}
	done := at("2026-12-31 23:59:59")
	p.DoneAt = &done
	if got := p.StandingAt(at("2027-02-01 00:00:00")); got != domain.PromiseKept {
		t.Errorf("done in the last second of the due day: %s", got)
	}
	late := at("2027-01-01 00:00:00")
	p.DoneAt = &late
	if got := p.StandingAt(at("2027-02-01 00:00:00")); got != domain.PromiseDoneLate {
		t.Errorf("done at the midnight after: %s", got)
	}
}
