package domain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// localDay is midnight, local time, of a date written YYYY-MM-DD.
func localDay(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, domain.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

// TestCharterSteps checks the table of steps: what may follow what, and what may not.
func TestCharterSteps(t *testing.T) {
	for _, tc := range []struct {
		from domain.CharterState
		step domain.CharterStep
		to   domain.CharterState
		ok   bool
	}{
		{domain.CharterNone, domain.StepSubmit, domain.CharterSubmitted, true},
		{domain.CharterNone, domain.StepRecognise, "", false},
		{domain.CharterSubmitted, domain.StepRecognise, "", false}, // not before a complete dossier
		{domain.CharterSubmitted, domain.StepRefuse, "", false},
		{domain.CharterSubmitted, domain.StepIncomplete, domain.CharterIncomplete, true},
		{domain.CharterIncomplete, domain.StepSubmit, domain.CharterSubmitted, true},
		{domain.CharterComplete, domain.StepRecognise, domain.CharterRecognised, true},
		{domain.CharterComplete, domain.StepRefuse, domain.CharterRefused, true},
		{domain.CharterRefused, domain.StepSubmit, domain.CharterSubmitted, true},
		{domain.CharterRecognised, domain.StepReturn, domain.CharterRecognised, true},
		{domain.CharterRecognised, domain.StepSuspend, domain.CharterSuspended, true},
		{domain.CharterRecognised, domain.StepSendFront, domain.CharterRecognised, true},
		{domain.CharterSuspended, domain.StepSendFront, "", false},
		// Decree 61/2023 art. 12(5), 13(4): no reinstatement; a suspension ends with the
		// village's amendment and a new recognition decision.
		{domain.CharterSuspended, domain.StepReinstate, "", false},
		{domain.CharterSuspended, domain.StepAmend, domain.CharterSuspended, true},
		{domain.CharterRecognised, domain.StepAmend, "", false},
		{domain.CharterSuspended, domain.StepRecognise, domain.CharterRecognised, true},
		{domain.CharterSuspended, domain.StepAnnul, domain.CharterAnnulled, true},
		{domain.CharterAnnulled, domain.StepReinstate, "", false},
		{domain.CharterAnnulled, domain.StepSubmit, "", false},
	} {
		to, ok := domain.CharterNext(tc.from, tc.step)
		if to != tc.to || ok != tc.ok {
			t.Errorf("%q + %s = %q %v, want %q %v", tc.from, tc.step, to, ok, tc.to, tc.ok)
		}
	}
	if got := domain.StepsFrom(domain.CharterComplete); !slices.Equal(got, []domain.CharterStep{domain.StepRecognise, domain.StepRefuse}) {
		t.Errorf("steps from complete: %v", got)
	}
	if !domain.CharterRecognised.InForce() || domain.CharterSuspended.InForce() {
		t.Error("only a recognised charter is in force")
	}
}

// TestCharterDeadlines counts the deadlines across the weekend and the 27 April, 30 April
// and 1 May 2026 holidays.
func TestCharterDeadlines(t *testing.T) {
	cal := domain.DefaultCalendar()
	adopted := localDay("2026-04-23") // a Thursday
	// No dossier yet: due Tue 5 May; on Wed 6 May one working day overdue.
	ds := domain.CharterDeadlines(nil, &adopted, localDay("2026-05-06").Add(9*time.Hour), cal)
	if len(ds) != 1 || !ds[0].Due.Equal(localDay("2026-05-05")) || ds[0].Standing != domain.DeadlineOverdue || ds[0].DaysLate != 1 {
		t.Fatalf("dossier deadline: %+v", ds)
	}
	// Due today on Tue 5 May.
	if ds := domain.CharterDeadlines(nil, &adopted, localDay("2026-05-05").Add(20*time.Hour), cal); ds[0].Standing != domain.DeadlineRunning || ds[0].DaysLeft != 0 {
		t.Errorf("on the last day: %+v", ds[0])
	}
	submitted := localDay("2026-05-08").Add(10 * time.Hour) // a Friday
	r := &domain.CharterRecord{State: domain.CharterIncomplete, AdoptedOn: adopted, FirstSubmittedAt: localDay("2026-05-04"), SubmittedAt: submitted}
	ds = domain.CharterDeadlines(r, nil, localDay("2026-05-20"), cal)
	if ds[0].Standing != domain.DeadlineMet || ds[1].Standing != domain.DeadlinePaused || len(ds) != 2 {
		t.Errorf("incomplete: %+v", ds)
	}
	r.State = domain.CharterComplete
	ds = domain.CharterDeadlines(r, nil, localDay("2026-05-15").Add(23*time.Hour), cal)
	if !ds[1].Due.Equal(localDay("2026-05-15")) || ds[1].Standing != domain.DeadlineRunning || ds[1].DaysLeft != 0 {
		t.Errorf("decision due on Fri 15 May: %+v", ds[1])
	}
	decided := localDay("2026-05-18")
	r.State, r.DecisionDate = domain.CharterRecognised, &decided
	ds = domain.CharterDeadlines(r, nil, localDay("2026-05-22"), cal)
	// Sent to the village and to the commune's Front within 2 working days (Decree 61/2023
	// art. 18(1)(a)): both due Wed 20 May, two days overdue on Fri 22 May.
	if len(ds) != 4 || ds[1].Standing != domain.DeadlineLate || ds[1].DaysLate != 1 ||
		!ds[2].Due.Equal(localDay("2026-05-20")) || ds[2].Standing != domain.DeadlineOverdue || ds[2].DaysLate != 2 ||
		ds[3].Kind != domain.DeadlineFront || !ds[3].Due.Equal(localDay("2026-05-20")) || ds[3].DaysLate != 2 {
		t.Errorf("recognised: %+v", ds)
	}
	// Sent to the Front on the last day: met; a day later: 1 working day late.
	for _, tc := range []struct {
		sent     string
		standing domain.DeadlineStanding
		late     int
	}{{"2026-05-20", domain.DeadlineMet, 0}, {"2026-05-21", domain.DeadlineLate, 1}} {
		sent := localDay(tc.sent)
		r.FrontSentOn = &sent
		ds = domain.CharterDeadlines(r, nil, localDay("2026-05-22"), cal)
		if ds[3].Standing != tc.standing || ds[3].DaysLate != tc.late {
			t.Errorf("sent to the Front on %s: %+v", tc.sent, ds[3])
		}
	}
	r.FrontSentOn = nil
	// A charter annulled before it was sent back owes no return.
	r.State = domain.CharterAnnulled
	if ds := domain.CharterDeadlines(r, nil, localDay("2026-05-22"), cal); len(ds) != 2 {
		t.Errorf("annulled before the return: %+v", ds)
	}
}

// TestSuspensionDeadlines checks the periods of a recognised charter's later life at their
// exact boundaries, on the default calendar around the 2 September 2026 holidays (Tuesday 1
// and Wednesday 2 September off):
//
//   - Decree 61/2023 art. 12(2): the suspension within 3 working days of receiving the written
//     report. Report received Fri 28 Aug: Mon 31 Aug, Thu 3, Fri 4 Sep; due Fri 4 Sep, a
//     decision on Mon 7 Sep is 1 working day late.
//   - The period to amend set by the decision: up to and including its last day.
//   - Art. 14: the annulment within 5 working days after that period ran out without an
//     amendment. Last day Fri 9 Oct: due Fri 16 Oct; on Mon 19 Oct 1 working day overdue.
func TestSuspensionDeadlines(t *testing.T) {
	cal := domain.DefaultCalendar()
	decided := localDay("2026-06-01")
	grounds := localDay("2026-08-28")
	r := &domain.CharterRecord{State: domain.CharterSuspended, AdoptedOn: localDay("2026-05-20"),
		FirstSubmittedAt: localDay("2026-05-21"), SubmittedAt: localDay("2026-05-21"), DecisionDate: &decided, SuspendGroundsOn: &grounds}
	find := func(ds []domain.Deadline, k domain.DeadlineKind) *domain.Deadline {
		for i := range ds {
			if ds[i].Kind == k {
				return &ds[i]
			}
		}
		return nil
	}
	for _, tc := range []struct {
		on       string
		standing domain.DeadlineStanding
		late     int
	}{{"2026-09-04", domain.DeadlineMet, 0}, {"2026-09-07", domain.DeadlineLate, 1}} {
		on := localDay(tc.on)
		r.SuspendedOn = &on
		d := find(domain.LifeDeadlines(r, localDay("2026-09-08"), cal), domain.DeadlineSuspend)
		if d == nil || !d.Due.Equal(localDay("2026-09-04")) || d.Standing != tc.standing || d.DaysLate != tc.late {
			t.Errorf("suspended on %s: %+v", tc.on, d)
		}
	}
	amendBy := localDay("2026-10-09") // a Friday
	r.AmendBy = &amendBy
	// On the last day to amend, nothing is late and no annulment is owed yet.
	ds := domain.LifeDeadlines(r, localDay("2026-10-09").Add(23*time.Hour), cal)
	if d := find(ds, domain.DeadlineAmend); d == nil || d.Standing != domain.DeadlineRunning || d.DaysLeft != 0 {
		t.Errorf("amend on its last day: %+v", d)
	}
	if d := find(ds, domain.DeadlineAnnul); d != nil {
		t.Errorf("annulment owed before the period ran out: %+v", d)
	}
	// Fri 16 Oct, the fifth working day after: the annulment is due today; Mon 19 Oct overdue.
	ds = domain.LifeDeadlines(r, localDay("2026-10-16").Add(12*time.Hour), cal)
	if d := find(ds, domain.DeadlineAnnul); d == nil || !d.Due.Equal(localDay("2026-10-16")) || d.Standing != domain.DeadlineRunning || d.DaysLeft != 0 {
		t.Errorf("annulment on its last day: %+v", d)
	}
	ds = domain.LifeDeadlines(r, localDay("2026-10-19").Add(8*time.Hour), cal)
	if d := find(ds, domain.DeadlineAnnul); d == nil || d.Standing != domain.DeadlineOverdue || d.DaysLate != 1 {
		t.Errorf("annulment a day overdue: %+v", d)
	}
	if d := find(ds, domain.DeadlineAmend); d == nil || d.Standing != domain.DeadlineOverdue {
		t.Errorf("amendment overdue: %+v", d)
	}
	// Amended on the last day: met, and no annulment owed.
	amended := localDay("2026-10-09").Add(16 * time.Hour)
	r.AmendedAt = &amended
	ds = domain.LifeDeadlines(r, localDay("2026-10-19"), cal)
	if d := find(ds, domain.DeadlineAmend); d == nil || d.Standing != domain.DeadlineMet {
		t.Errorf("amended on the last day: %+v", d)
	}
	if d := find(ds, domain.DeadlineAnnul); d != nil {
		t.Errorf("annulment owed after an amendment: %+v", d)
	}
	// The new recognition's 5 working days run from the amendment (art. 11, 12(5)).
	ds = domain.CharterDeadlines(r, nil, localDay("2026-10-19"), cal)
	if d := find(ds, domain.DeadlineRecognition); d == nil || !d.Due.Equal(localDay("2026-10-16")) || d.Standing != domain.DeadlineOverdue {
		t.Errorf("recognition of the amended charter: %+v", d)
	}
	// The annual review falls on 18 November (art. 15(4)): a charter recognised that day is
	// due, one recognised the day after waits for the next year.
	if !domain.ReviewDue(localDay("2026-11-18"), 2026) || domain.ReviewDue(localDay("2026-11-19"), 2026) {
		t.Error("review due from 18 November")
	}
}
