package domain_test

import (
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// published is an open consultation of the kind and matter with the given first and last
// days, published at the moment given.
func published(kind domain.ConsultationKind, matter domain.Matter, first, last, at string) *domain.Consultation {
	opens, closes := domain.PeriodFromDates(day(first+" 00:00"), day(last+" 00:00"))
	p := day(at)
	return &domain.Consultation{Kind: kind, Matter: matter, Status: domain.StatusOpen, OpensAt: opens, ClosesAt: closes, PublishedAt: &p}
}

func code(err error) domain.Code {
	if err == nil {
		return ""
	}
	return domain.AsError(err).Code
}

// TestCloseBoundaries: closing is refused until the legal minimum has run since publication,
// counted as publishing counts it (whole days, the day of publication not counting, a day
// ending at midnight: Civil Code art. 147–148), and needs a reason while the last day
// announced is not over.
func TestCloseBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name     string
		c        *domain.Consultation
		at       string
		reason   string
		want     domain.Code
		earliest string
	}{
		// Decree 61/2023 art. 9(1): a hương ước or quy ước is posted at least 30 days.
		{"charter, same day", published(domain.KindHuongUoc, domain.MatterDecide, "2026-12-01", "2027-01-05", "2026-12-01 09:00"), "2026-12-01 10:00", "r", domain.CodeConflict, "2027-01-01 00:00"},
		{"charter, day 29", published(domain.KindHuongUoc, domain.MatterDecide, "2026-12-01", "2027-01-05", "2026-12-01 09:00"), "2026-12-30 12:00", "r", domain.CodeConflict, "2027-01-01 00:00"},
		{"charter, day 30 not over", published(domain.KindQuyUoc, domain.MatterConsult, "2026-12-01", "2027-01-05", "2026-12-01 09:00"), "2026-12-31 23:59", "r", domain.CodeConflict, "2027-01-01 00:00"},
		{"charter, day 30 over, no reason", published(domain.KindHuongUoc, domain.MatterDecide, "2026-12-01", "2027-01-05", "2026-12-01 09:00"), "2027-01-01 00:00", " ", domain.CodeInvalid, "2027-01-01 00:00"},
		{"charter, day 30 over, reason", published(domain.KindHuongUoc, domain.MatterDecide, "2026-12-01", "2027-01-05", "2026-12-01 09:00"), "2027-01-01 00:00", "r", "", "2027-01-01 00:00"},
		// Published at midnight of its first day, that day counts whole.
		{"charter published at opening, day 30 over", published(domain.KindHuongUoc, domain.MatterDecide, "2026-12-01", "2027-01-05", "2026-12-01 00:00"), "2026-12-31 00:00", "r", "", "2026-12-31 00:00"},
		{"charter published at opening, a minute short", published(domain.KindHuongUoc, domain.MatterDecide, "2026-12-01", "2027-01-05", "2026-12-01 00:00"), "2026-12-30 23:59", "r", domain.CodeConflict, "2026-12-31 00:00"},
		// Law 10/2022 art. 28(2): a consult matter is public at least 20 days; published
		// before it opens, it counts from its first day.
		{"consult, 19 days", published(domain.KindPlan, domain.MatterConsult, "2026-12-01", "2026-12-31", "2026-11-30 15:00"), "2026-12-20 23:59", "r", domain.CodeConflict, "2026-12-21 00:00"},
		{"consult, 20 days, no reason", published(domain.KindPlan, domain.MatterConsult, "2026-12-01", "2026-12-31", "2026-11-30 15:00"), "2026-12-21 00:00", "", domain.CodeInvalid, "2026-12-21 00:00"},
		{"consult, 20 days", published(domain.KindPlan, domain.MatterConsult, "2026-12-01", "2026-12-31", "2026-11-30 15:00"), "2026-12-21 00:00", "r", "", "2026-12-21 00:00"},
		// After the last day nothing is cut short: no reason needed.
		{"consult, period over", published(domain.KindPlan, domain.MatterConsult, "2026-12-01", "2026-12-31", "2026-11-30 15:00"), "2027-01-01 00:00", "", "", "2026-12-21 00:00"},
		// No legal minimum beyond a day for other decide matters.
		{"budget decided by the people, next day", published(domain.KindBudget, domain.MatterDecide, "2026-12-01", "2026-12-10", "2026-12-01 09:00"), "2026-12-03 00:00", "r", "", "2026-12-03 00:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.EarliestClose(); !got.Equal(day(tc.earliest)) {
				t.Errorf("earliest close %s, want %s", got.In(domain.Zone), tc.earliest)
			}
			err := tc.c.CheckTransition(domain.StatusClosed, day(tc.at), tc.reason)
			if got := code(err); got != tc.want {
				t.Fatalf("close at %s: %v, want %q", tc.at, err, tc.want)
			}
			if tc.want == domain.CodeInvalid {
				if _, ok := domain.AsError(err).Fields["reason"]; !ok {
					t.Errorf("refusal %+v is not about the reason", domain.AsError(err))
				}
			}
		})
	}
}

// TestCloseRefusalNamesTheRule: the conflict says which rule, how many days have run and
// from when the period may be closed.
func TestCloseRefusalNamesTheRule(t *testing.T) {
	c := published(domain.KindHuongUoc, domain.MatterDecide, "2026-12-01", "2027-01-05", "2026-12-01 09:00")
	e := domain.AsError(c.CheckTransition(domain.StatusClosed, day("2026-12-30 12:00"), "r"))
	if e.Message.Key != "error.close_too_early.charter" || len(e.Message.Args) != 3 ||
		e.Message.Args[0] != 30 || e.Message.Args[1] != 28 || e.Message.Args[2] != "01/01/2027" {
		t.Errorf("refusal %+v", e.Message)
	}
	c = published(domain.KindPolicy, domain.MatterConsult, "2026-12-01", "2027-01-05", "2026-12-01 09:00")
	if e := domain.AsError(c.CheckTransition(domain.StatusClosed, day("2026-12-02 12:00"), "r")); e.Message.Key != "error.close_too_early.consult" {
		t.Errorf("consult refusal %+v", e.Message)
	}
}

func TestDaysGiven(t *testing.T) {
	c := published(domain.KindHuongUoc, domain.MatterDecide, "2026-12-01", "2027-01-05", "2026-12-01 09:00")
	if c.ClosedEarly() || c.DaysGiven() != 35 || !c.EndedEarlyAt().IsZero() {
		t.Errorf("open: early %v, %d days", c.ClosedEarly(), c.DaysGiven())
	}
	closed := day("2027-01-02 10:15")
	c.Status, c.ClosedAt = domain.StatusClosed, &closed
	if !c.ClosedEarly() || c.DaysGiven() != 31 || !c.EndedEarlyAt().Equal(closed) {
		t.Errorf("closed on 2 January: early %v, %d days, ended %s", c.ClosedEarly(), c.DaysGiven(), c.EndedEarlyAt())
	}
	late := day("2027-01-07 08:00")
	c.ClosedAt = &late
	if c.ClosedEarly() || c.DaysGiven() != 35 {
		t.Errorf("closed after the period: early %v, %d days", c.ClosedEarly(), c.DaysGiven())
	}
}

func TestWithdrawNeedsAReasonAndComesBeforeResults(t *testing.T) {
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, domain.Zone)
	for _, st := range []domain.Status{domain.StatusDraft, domain.StatusOpen, domain.StatusClosed} {
		c := published(domain.KindPlan, domain.MatterConsult, "2026-12-01", "2026-12-31", "2026-12-01 09:00")
		c.Status = st
		if got := code(c.CheckTransition(domain.StatusWithdrawn, now, "")); got != domain.CodeInvalid {
			t.Errorf("%s without a reason: %q, want invalid", st, got)
		}
		if err := c.CheckTransition(domain.StatusWithdrawn, now, "Soạn lại."); err != nil {
			t.Errorf("%s with a reason: %v", st, err)
		}
	}
	for _, st := range []domain.Status{domain.StatusResultsPublished, domain.StatusAdopted, domain.StatusRejected, domain.StatusWithdrawn} {
		c := published(domain.KindPlan, domain.MatterConsult, "2026-12-01", "2026-12-31", "2026-12-01 09:00")
		c.Status = st
		if got := code(c.CheckTransition(domain.StatusWithdrawn, now, "Soạn lại.")); got != domain.CodeConflict {
			t.Errorf("%s: %q, want conflict", st, got)
		}
	}
	c := published(domain.KindPlan, domain.MatterConsult, "2026-12-01", "2026-12-31", "2026-12-01 09:00")
	long := make([]rune, domain.MaxStatusReason+1)
	for i := range long {
		long[i] = 'ý'
	}
	if got := code(c.CheckTransition(domain.StatusWithdrawn, now, string(long))); got != domain.CodeInvalid {
		t.Errorf("a reason of %d characters: %q, want invalid", len(long), got)
	}
}
