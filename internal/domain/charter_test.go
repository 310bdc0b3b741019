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
		{domain.CharterSuspended, domain.StepReinstate, domain.CharterRecognised, true},
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
	if len(ds) != 3 || ds[1].Standing != domain.DeadlineLate || ds[1].DaysLate != 1 ||
		!ds[2].Due.Equal(localDay("2026-05-20")) || ds[2].Standing != domain.DeadlineOverdue || ds[2].DaysLate != 2 {
		t.Errorf("recognised: %+v", ds)
	}
	// A charter annulled before it was sent back owes no return.
	r.State = domain.CharterAnnulled
	if ds := domain.CharterDeadlines(r, nil, localDay("2026-05-22"), cal); len(ds) != 2 {
		t.Errorf("annulled before the return: %+v", ds)
	}
}
