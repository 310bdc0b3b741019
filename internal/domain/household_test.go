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
// households present (Law 10/2022 art. 18; Decree 59/2023 art. 3): on items 3 to 6 a
// meeting without quorum is accepted as a record that decides nothing, after which ballots
// may follow (art. 17(2)); ballots and online votes always decide.
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
		for _, item := range []domain.Item{domain.ItemCharter, domain.ItemVillageHead, domain.ItemBoards, domain.ItemOtherSelfManaged} {
			tally := domain.Tally{Households: tc.households, Present: tc.present, Agree: tc.present}
			if err := tally.Check(item, domain.FormMeeting); err != nil {
				t.Errorf("item %d, %d of %d present at a meeting: refused %+v", item, tc.present, tc.households, err.Fields)
			}
			d := domain.VillageDecision{Form: domain.FormMeeting, Tally: tally}
			if o := d.Result(item); o.Quorate != tc.quorate || (!tc.quorate && o.Adopted) {
				t.Errorf("item %d, %d of %d present, all agree: %+v", item, tc.present, tc.households, o)
			}
			// Ballots have no quorum: the rule counts all households anyway.
			b := domain.VillageDecision{Form: domain.FormBallot, Tally: tally}
			if err := tally.Check(item, domain.FormBallot); err != nil || !b.Result(item).Quorate {
				t.Errorf("%d of %d ballots returned: %v, %+v", tc.present, tc.households, err, b.Result(item))
			}
		}
	}
}

// TestMeetingCannotCarryTwoThirds: on items 1 and 2 a meeting whose attendance is below
// the approvals the rule needs is no vote, and the message points to household ballots
// (Law 10/2022 art. 19(1)(b); Decree 59/2023 art. 4(1)(b)). 182 households need 122
// (two thirds is 121.33), so 121 present are refused and 122 are not.
func TestMeetingCannotCarryTwoThirds(t *testing.T) {
	for _, tc := range []struct {
		households, present int
		refused             bool
	}{
		{182, 121, true}, {182, 122, false}, {182, 182, false},
		{120, 79, true}, {120, 80, false}, // exactly two thirds
		{90, 59, true}, {90, 60, false},
		{100, 66, true}, {100, 67, false},
		{1, 0, true}, {1, 1, false},
	} {
		for _, item := range []domain.Item{domain.ItemContributions, domain.ItemContributionFunds} {
			err := domain.Tally{Households: tc.households, Present: tc.present, Agree: tc.present}.Check(item, domain.FormMeeting)
			if tc.refused != (err != nil) {
				t.Errorf("item %d, %d of %d present at a meeting: %v, want refused=%v", item, tc.present, tc.households, err, tc.refused)
				continue
			}
			if err != nil {
				m := err.Fields["present"]
				if m.Key != "household.error.meeting_cannot_carry" || len(m.Args) != 3 || m.Args[2] != domain.RuleTwoThirds.Needed(tc.households) {
					t.Errorf("item %d, %d of %d: %+v", item, tc.present, tc.households, m)
				}
			}
			// Ballots in the same numbers are a count, never refused for attendance.
			if err := (domain.Tally{Households: tc.households, Present: tc.present, Agree: tc.present}).Check(item, domain.FormBallot); err != nil {
				t.Errorf("item %d ballots %d of %d: %v", item, tc.present, tc.households, err)
			}
		}
	}
	// 122 of 182 present, all agreeing, carry item 1.
	if o := (domain.Tally{Households: 182, Present: 122, Agree: 122}).Outcome(domain.ItemContributions); !o.Adopted || o.Needed != 122 {
		t.Errorf("122 of 182 agree: %+v", o)
	}
	if o := (domain.Tally{Households: 182, Present: 182, Agree: 121}).Outcome(domain.ItemContributions); o.Adopted {
		t.Errorf("121 of 182 agree: %+v", o)
	}
}

// TestItemsDecidedAtAMeetingFirst: items 3, 4 and 5 are decided at the community meeting
// (Law 10/2022 art. 17(2)); 4 and 5 are elections, never put to comment; items 3 and 4 are
// recognised by the commune People's Committee and 5 by the commune Front (art. 21(2)).
func TestItemsDecidedAtAMeetingFirst(t *testing.T) {
	for _, tc := range []struct {
		item     domain.Item
		first    bool
		election bool
		by       domain.Recogniser
	}{
		{1, false, false, domain.RecognisedByNone},
		{2, false, false, domain.RecognisedByNone},
		{3, true, false, domain.RecognisedByCommunePC},
		{4, true, true, domain.RecognisedByCommunePC},
		{5, true, true, domain.RecognisedByCommuneFront},
		{6, false, false, domain.RecognisedByNone},
	} {
		if tc.item.MeetingFirst() != tc.first || tc.item.Election() != tc.election || tc.item.RecognisedBy() != tc.by {
			t.Errorf("item %d: meeting first %v, election %v, recognised by %q", tc.item, tc.item.MeetingFirst(), tc.item.Election(), tc.item.RecognisedBy())
		}
	}
}

// TestClusterSums: a village of 200 households or more may meet by clusters (Law 10/2022
// art. 18(3)); its counts are the sums, judged against all its households.
func TestClusterSums(t *testing.T) {
	clusters := []domain.ClusterCount{{Present: 60, Agree: 40, Disagree: 15, Other: 5}, {Present: 50, Agree: 30, Disagree: 20},
		{Present: 11, Agree: 11}}
	sum := domain.SumClusters(240, clusters)
	if sum != (domain.Tally{Households: 240, Present: 121, Agree: 81, Disagree: 35, Other: 5}) {
		t.Fatalf("sum %+v", sum)
	}
	d := domain.VillageDecision{Form: domain.FormMeeting, Tally: sum}
	// 121 of 240 present is a quorum; 81 agree is short of the 121 a majority needs.
	if o := d.Result(domain.ItemOtherSelfManaged); !o.Quorate || o.Adopted || o.Needed != 121 {
		t.Errorf("clusters: %+v", o)
	}
	if d.Absent() != 119 {
		t.Errorf("absent %d, want 119", d.Absent())
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
		err := tc.tally.Check(domain.ItemCharter, tc.form)
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
	yes := domain.Outcome{Quorate: true, Adopted: true}
	no := domain.Outcome{Quorate: true}
	if !domain.OverallAdopted(domain.ItemCharter, false, []domain.Outcome{yes}) {
		t.Error("a single village's adoption is the outcome")
	}
	if domain.OverallAdopted(domain.ItemCharter, false, []domain.Outcome{yes, no}) {
		t.Error("a matter one village rejected is not adopted")
	}
	if domain.OverallAdopted(domain.ItemCharter, true, []domain.Outcome{yes, yes, yes, no}) {
		t.Error("a hương ước is not carried by two thirds of the villages")
	}
	if domain.OverallAdopted(domain.ItemCharter, false, nil) {
		t.Error("no decision adopts nothing")
	}
}

// TestCommuneTwoThirdsOfVillages: items 1 and 2 put to a whole commune are adopted when at
// least two thirds of the commune's villages and residential groups adopted them (Law
// 10/2022 art. 21(1)): 3 of 4 yes, 2 of 4 no, 2 of 3 yes, 6 of 9 yes, 5 of 9 no.
func TestCommuneTwoThirdsOfVillages(t *testing.T) {
	outcomes := func(adopted, villages int) []domain.Outcome {
		out := make([]domain.Outcome, villages)
		for i := range out {
			out[i] = domain.Outcome{Quorate: true, Adopted: i < adopted}
		}
		return out
	}
	for _, tc := range []struct {
		adopted, villages int
		want              bool
	}{
		{3, 4, true}, {2, 4, false}, {2, 3, true}, {1, 3, false}, {6, 9, true}, {5, 9, false},
		{4, 6, true}, {3, 6, false}, {7, 10, true}, {6, 10, false}, {1, 1, true}, {0, 1, false}, {1, 2, false}, {2, 2, true},
	} {
		if got := domain.CommuneAdopted(tc.villages, tc.adopted); got != tc.want {
			t.Errorf("%d of %d villages: %v, want %v", tc.adopted, tc.villages, got, tc.want)
		}
		for _, item := range []domain.Item{domain.ItemContributions, domain.ItemContributionFunds} {
			if got := domain.OverallAdopted(item, true, outcomes(tc.adopted, tc.villages)); got != tc.want {
				t.Errorf("item %d at commune scope, %d of %d villages: %v", item, tc.adopted, tc.villages, got)
			}
			// Put to villages one by one, every one of them must adopt it.
			if got := domain.OverallAdopted(item, false, outcomes(tc.adopted, tc.villages)); got != (tc.adopted == tc.villages) {
				t.Errorf("item %d at village scope, %d of %d villages: %v", item, tc.adopted, tc.villages, got)
			}
		}
	}
	for n := 1; n <= 300; n++ {
		for a := 0; a <= n; a++ {
			if got, want := domain.CommuneAdopted(n, a), float64(a) >= 2*float64(n)/3-1e-9; got != want {
				t.Fatalf("%d of %d: %v", a, n, got)
			}
		}
	}
}

// TestDecisionFollowUpDeadlines: a village's decision goes to the commune within 5 working
// days (Law 10/2022 art. 20(3)) and one needing recognition is recognised within 5 working
// days of being sent (art. 21(2)).
func TestDecisionFollowUpDeadlines(t *testing.T) {
	cal := domain.Calendar{}
	decided := day("2026-12-04 00:00") // a Friday
	// Mon 7 … Fri 11: due Friday 11 December.
	ds := domain.DecisionDeadlines(decided, nil, true, day("2026-12-11 15:00"), cal)
	if len(ds) != 1 || ds[0].Kind != domain.DeadlineSend || ds[0].Due.Format("2006-01-02") != "2026-12-11" || ds[0].Standing != domain.DeadlineRunning {
		t.Fatalf("before sending: %+v", ds)
	}
	if ds := domain.DecisionDeadlines(decided, nil, true, day("2026-12-14 09:00"), cal); ds[0].Standing != domain.DeadlineOverdue || ds[0].DaysLate != 1 {
		t.Errorf("not sent on Monday after: %+v", ds[0])
	}
	sent := day("2026-12-14 00:00")
	acts := &domain.VillageDecisionActs{SentOn: &sent}
	ds = domain.DecisionDeadlines(decided, acts, true, day("2026-12-15 09:00"), cal)
	if len(ds) != 2 || ds[0].Standing != domain.DeadlineLate || ds[0].DaysLate != 1 ||
		ds[1].Kind != domain.DeadlineDecisionRecognition || ds[1].Due.Format("2006-01-02") != "2026-12-21" {
		t.Fatalf("sent a day late: %+v", ds)
	}
	if ds := domain.DecisionDeadlines(decided, acts, false, day("2026-12-15 09:00"), cal); len(ds) != 1 {
		t.Errorf("no recognition deadline for a decision that needs none: %+v", ds)
	}
	o := domain.Outcome{Quorate: true, Adopted: true}
	if domain.RecognitionOf(domain.ItemVillageHead, o, nil) != domain.RecognitionAwaiting ||
		domain.RecognitionOf(domain.ItemOtherSelfManaged, o, nil) != domain.RecognitionNone ||
		domain.RecognitionOf(domain.ItemBoards, domain.Outcome{Quorate: true}, nil) != domain.RecognitionNone {
		t.Error("recognition: only adopted decisions on items 3-5 await it")
	}
	acts.Recognition = domain.RecognitionRecognised
	if domain.RecognitionOf(domain.ItemBoards, o, acts) != domain.RecognitionRecognised {
		t.Error("recognised")
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
