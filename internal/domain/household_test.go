package domain_test

import (
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// TestMajorityRuleBoundary checks "more than 50% of all households" (items 3–6) at its
// edge: exactly half is not enough, one household more is.
func TestMajorityRuleBoundary(t *testing.T) {
	for _, tc := range []struct {
		households, agree int
		adopted           bool
	}{
		{120, 60, false}, // exactly 50%
		{120, 61, true},  // 50% + 1 household
		{80, 40, false},
		{80, 41, true},
		{81, 40, false}, // 49.4%
		{81, 41, true},  // 50.6%: the smallest majority of an odd number
		{1, 0, false},
		{1, 1, true},
		{2, 1, false},
		{2, 2, true},
		{120, 120, true},
		{120, 0, false},
	} {
		for _, item := range []domain.Item{domain.ItemCharter, domain.ItemVillageHead, domain.ItemBoards, domain.ItemOtherSelfManaged} {
			got := domain.Tally{Households: tc.households, Present: tc.households, Agree: tc.agree}.Outcome(item)
			if got.Adopted != tc.adopted || got.Rule != domain.RuleMajority {
				t.Errorf("item %d, %d of %d agree: %+v, want adopted=%v under the majority rule", item, tc.agree, tc.households, got, tc.adopted)
			}
		}
	}
}

// TestTwoThirdsRuleBoundary checks "at least two thirds of all households" (items 1–2):
// the threshold is rounded up, and an exact two thirds is enough.
func TestTwoThirdsRuleBoundary(t *testing.T) {
	for _, tc := range []struct {
		households, needed int
	}{
		{100, 67}, // 66.67 rounds up
		{90, 60},  // exactly two thirds
		{61, 41},  // 40.67 rounds up
		{60, 40},
		{3, 2},
		{2, 2}, // 1.33 rounds up
		{1, 1},
		{120, 80},
		{80, 54}, // 53.33
	} {
		if got := domain.RuleTwoThirds.Needed(tc.households); got != tc.needed {
			t.Errorf("two thirds of %d: %d needed, want %d", tc.households, got, tc.needed)
		}
		for _, item := range []domain.Item{domain.ItemContributions, domain.ItemContributionFunds} {
			below := domain.Tally{Households: tc.households, Present: tc.households, Agree: tc.needed - 1}.Outcome(item)
			at := domain.Tally{Households: tc.households, Present: tc.households, Agree: tc.needed}.Outcome(item)
			if below.Adopted || !at.Adopted || at.Rule != domain.RuleTwoThirds || at.Needed != tc.needed {
				t.Errorf("item %d, %d households: %d agree gives %+v, %d agree gives %+v", item, tc.households, tc.needed-1, below, tc.needed, at)
			}
		}
	}
	// 2/3 exactly is carried; the majority rule would have carried less.
	if !domain.RuleTwoThirds.Carries(90, 60) || domain.RuleTwoThirds.Carries(90, 59) {
		t.Error("60 of 90 must carry two thirds and 59 must not")
	}
	if domain.RuleTwoThirds.Carries(100, 66) {
		t.Error("66 of 100 is below two thirds")
	}
}

// TestMajorityNeededExhaustive compares the integer thresholds with their definitions for
// every village size up to 2,000 households.
func TestMajorityNeededExhaustive(t *testing.T) {
	for n := 1; n <= 2000; n++ {
		maj, two := domain.RuleMajority.Needed(n), domain.RuleTwoThirds.Needed(n)
		// more than half: 2·maj > n, and one fewer is not
		if 2*maj <= n || 2*(maj-1) > n {
			t.Fatalf("majority of %d: %d", n, maj)
		}
		// at least two thirds: 3·two ≥ 2n, and one fewer is not
		if 3*two < 2*n || 3*(two-1) >= 2*n {
			t.Fatalf("two thirds of %d: %d", n, two)
		}
	}
}

func TestItemRules(t *testing.T) {
	want := map[domain.Item]domain.Rule{1: domain.RuleTwoThirds, 2: domain.RuleTwoThirds, 3: domain.RuleMajority,
		4: domain.RuleMajority, 5: domain.RuleMajority, 6: domain.RuleMajority}
	for item, rule := range want {
		if item.Rule() != rule {
			t.Errorf("item %d: rule %s, want %s", item, item.Rule(), rule)
		}
	}
	for _, bad := range []domain.Item{0, 7, -1} {
		if bad.Valid() {
			t.Errorf("item %d valid", bad)
		}
	}
	if domain.ImpliedItem(domain.KindHuongUoc) != domain.ItemCharter || domain.ImpliedItem(domain.KindQuyUoc) != domain.ItemCharter ||
		domain.ImpliedItem(domain.KindBudget) != 0 {
		t.Error("a hương ước or quy ước is item 3, and nothing else is implied")
	}
}

// TestMeetingQuorum checks that a meeting decides only with more than half of the
// households present, and that a tally refuses the impossible.
func TestMeetingQuorum(t *testing.T) {
	for _, tc := range []struct {
		households, present int
		quorate             bool
	}{
		{120, 60, false}, {120, 61, true}, {81, 40, false}, {81, 41, true}, {1, 1, true}, {1, 0, false},
	} {
		if got := domain.MeetingQuorate(tc.households, tc.present); got != tc.quorate {
			t.Errorf("%d of %d present: quorate %v, want %v", tc.present, tc.households, got, tc.quorate)
		}
		err := domain.Tally{Households: tc.households, Present: tc.present}.Check(domain.FormMeeting)
		if tc.quorate != (err == nil) {
			t.Errorf("%d of %d present at a meeting: %v", tc.present, tc.households, err)
		}
		if err != nil && err.Fields["present"].Key != "household.error.no_quorum" {
			t.Errorf("no quorum reported as %+v", err.Fields)
		}
		// Ballots have no quorum: the rule counts all households anyway.
		if err := (domain.Tally{Households: tc.households, Present: tc.present}).Check(domain.FormBallot); err != nil {
			t.Errorf("%d of %d ballots returned refused: %v", tc.present, tc.households, err)
		}
	}
}

func TestTallyCheck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tally domain.Tally
		form  domain.DecisionForm
		field string // "" when accepted
		key   string
	}{
		{"all present, all agree", domain.Tally{Households: 120, Present: 120, Agree: 120}, domain.FormMeeting, "", ""},
		{"votes equal present", domain.Tally{Households: 120, Present: 70, Agree: 50, Disagree: 15, Other: 5}, domain.FormMeeting, "", ""},
		{"votes over present", domain.Tally{Households: 120, Present: 70, Agree: 50, Disagree: 15, Other: 6}, domain.FormMeeting, "agree", "household.error.votes_over_present.meeting"},
		{"present over total", domain.Tally{Households: 120, Present: 121, Agree: 1}, domain.FormBallot, "present", "household.error.present_over_total.ballot"},
		{"negative", domain.Tally{Households: 120, Present: 70, Agree: -1}, domain.FormBallot, "agree", "household.error.negative"},
		{"no households", domain.Tally{Households: 0}, domain.FormBallot, "households", "household.error.no_households"},
		{"ballots under half are fine", domain.Tally{Households: 120, Present: 10, Agree: 10}, domain.FormBallot, "", ""},
	} {
		err := tc.tally.Check(tc.form)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: refused: %+v", tc.name, err.Fields)
		case tc.field != "" && err == nil:
			t.Errorf("%s: accepted", tc.name)
		case tc.field != "" && err.Fields[tc.field].Key != tc.key:
			t.Errorf("%s: %+v, want %s on %s", tc.name, err.Fields, tc.key, tc.field)
		}
	}
}

// TestOnlineVotingAllowed: only item 6, and only after more than half of the households
// agreed to vote online.
func TestOnlineVotingAllowed(t *testing.T) {
	for _, tc := range []struct {
		item            domain.Item
		households, yes int
		allowed         bool
	}{
		{6, 120, 60, false}, // exactly half agreed
		{6, 120, 61, true},
		{6, 81, 41, true},
		{6, 81, 40, false},
		{3, 120, 120, false}, // a hương ước is never decided online
		{1, 120, 120, false},
		{2, 120, 120, false},
		{4, 120, 120, false},
		{5, 120, 120, false},
		{6, 0, 0, false},
	} {
		if got := domain.OnlineVotingAllowed(tc.item, tc.households, tc.yes); got != tc.allowed {
			t.Errorf("item %d, %d of %d agreed: %v, want %v", tc.item, tc.yes, tc.households, got, tc.allowed)
		}
	}
}

func TestOverallAdopted(t *testing.T) {
	yes := domain.VillageDecision{Tally: domain.Tally{Households: 120, Present: 100, Agree: 61}}
	no := domain.VillageDecision{Tally: domain.Tally{Households: 80, Present: 80, Agree: 40}}
	if !domain.OverallAdopted(domain.ItemCharter, []domain.VillageDecision{yes}) {
		t.Error("a single village's adoption is the outcome")
	}
	if domain.OverallAdopted(domain.ItemCharter, []domain.VillageDecision{yes, no}) {
		t.Error("a matter one village rejected is not adopted")
	}
	if domain.OverallAdopted(domain.ItemCharter, nil) {
		t.Error("no decision adopts nothing")
	}
	// 61 of 120 carries a majority but not two thirds.
	if domain.OverallAdopted(domain.ItemContributions, []domain.VillageDecision{yes}) {
		t.Error("item 1 needs two thirds")
	}
}

func TestDecisionStatuses(t *testing.T) {
	for _, tc := range []struct {
		from, to domain.Status
		ok       bool
	}{
		{domain.StatusResultsPublished, domain.StatusAdopted, true},
		{domain.StatusResultsPublished, domain.StatusRejected, true},
		{domain.StatusClosed, domain.StatusAdopted, false}, // results first
		{domain.StatusAdopted, domain.StatusRejected, false},
		{domain.StatusRejected, domain.StatusAdopted, false},
		{domain.StatusOpen, domain.StatusAdopted, false},
	} {
		if got := domain.CanTransition(tc.from, tc.to); got != tc.ok {
			t.Errorf("%s → %s: %v, want %v", tc.from, tc.to, got, tc.ok)
		}
	}
	c := domain.Consultation{Status: domain.StatusAdopted}
	if c.PhaseAt(time.Now()) != domain.PhaseAdopted || !c.Status.ResultsPublished() {
		t.Error("an adopted consultation keeps its results public")
	}
}

// TestResultsDeadlineAcrossWeekendAndHoliday counts the 5 working days for the results.
func TestResultsDeadlineAcrossWeekendAndHoliday(t *testing.T) {
	cal := domain.Calendar{}.With([]time.Time{day("2026-12-08 00:00")}, nil) // a Tuesday off
	opens, closes := domain.PeriodFromDates(day("2026-11-01 00:00"), day("2026-12-03 00:00"))
	c := domain.Consultation{Status: domain.StatusClosed, OpensAt: opens, ClosesAt: closes}
	closed := day("2026-12-03 16:00") // Thursday
	c.ClosedAt = &closed
	// Fri 4, (weekend), Mon 7, (Tue 8 off), Wed 9, Thu 10, Fri 11: due Friday 11 December.
	for _, tc := range []struct {
		now      string
		standing domain.DeadlineStanding
		left     int
		late     int
	}{
		{"2026-12-04 09:00", domain.DeadlineRunning, 4, 0},
		{"2026-12-06 09:00", domain.DeadlineRunning, 4, 0}, // Sunday: no working day used
		{"2026-12-08 09:00", domain.DeadlineRunning, 3, 0}, // the holiday counts for nothing
		{"2026-12-10 17:00", domain.DeadlineRunning, 1, 0},
		{"2026-12-11 17:00", domain.DeadlineRunning, 0, 0}, // due today
		{"2026-12-12 10:00", domain.DeadlineRunning, 0, 0}, // Saturday after: not late yet
		{"2026-12-14 08:00", domain.DeadlineOverdue, 0, 1},
	} {
		d, ok := domain.ResultsDeadline(&c, day(tc.now), cal)
		if !ok {
			t.Fatalf("%s: no deadline", tc.now)
		}
		if got := d.Due.Format("2006-01-02"); got != "2026-12-11" {
			t.Errorf("due %s, want 2026-12-11", got)
		}
		if d.Standing != tc.standing || d.DaysLeft != tc.left || d.DaysLate != tc.late {
			t.Errorf("at %s: %s, %d left, %d late; want %s, %d, %d", tc.now, d.Standing, d.DaysLeft, d.DaysLate, tc.standing, tc.left, tc.late)
		}
	}
	onTime := day("2026-12-11 09:00")
	c.ResultsPublishedAt = &onTime
	if d, _ := domain.ResultsDeadline(&c, day("2026-12-20 09:00"), cal); d.Standing != domain.DeadlineMet {
		t.Errorf("published on the last day: %+v", d)
	}
	late := day("2026-12-14 09:00")
	c.ResultsPublishedAt = &late
	if d, _ := domain.ResultsDeadline(&c, day("2026-12-20 09:00"), cal); d.Standing != domain.DeadlineLate || d.DaysLate != 1 {
		t.Errorf("published a working day late: %+v", d)
	}
	// Still open: no deadline yet.
	open := domain.Consultation{Status: domain.StatusOpen, OpensAt: opens, ClosesAt: closes}
	if _, ok := domain.ResultsDeadline(&open, day("2026-11-20 09:00"), cal); ok {
		t.Error("an open consultation has no results deadline")
	}
	// A period that ran out without a close counts from its last day.
	if d, ok := domain.ResultsDeadline(&open, day("2026-12-05 09:00"), cal); !ok || d.Due.Format("2006-01-02") != "2026-12-11" {
		t.Errorf("period over: %+v %v", d, ok)
	}
}
