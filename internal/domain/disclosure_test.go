package domain_test

import (
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

func civilDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, domain.Zone)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPostingDays checks the 30 consecutive days of Law 10/2022 art. 13(2), counted as the
// Civil Code (art. 147) counts a period in days: the day the notice goes up does not count,
// the last day counts whole. 1 March → 31 March is 30 days (accepted), → 30 March is 29
// (refused).
func TestPostingDays(t *testing.T) {
	for _, tc := range []struct {
		from, until string
		days        int
		ok          bool
	}{
		{"2026-03-01", "2026-03-31", 30, true},
		{"2026-03-01", "2026-03-30", 29, false},
		{"2026-03-01", "2026-04-01", 31, true},
		{"2026-02-01", "2026-03-03", 30, true}, // February 2026 has 28 days
		{"2026-02-01", "2026-03-02", 29, false},
		{"2026-12-15", "2027-01-14", 30, true}, // across the new year
		{"2026-03-01", "2026-03-01", 0, false},
		{"2026-03-31", "2026-03-01", -30, false},
	} {
		got := domain.PostingDays(civilDay(t, tc.from), civilDay(t, tc.until))
		if got != tc.days || domain.PostingLongEnough(civilDay(t, tc.from), civilDay(t, tc.until)) != tc.ok {
			t.Errorf("%s → %s: %d days (ok %v), want %d (%v)", tc.from, tc.until, got,
				domain.PostingLongEnough(civilDay(t, tc.from), civilDay(t, tc.until)), tc.days, tc.ok)
		}
	}
	// A time of day does not change the count: both ends are days.
	from := time.Date(2026, 3, 1, 23, 30, 0, 0, domain.Zone)
	if n := domain.PostingDays(from, time.Date(2026, 3, 31, 0, 5, 0, 0, domain.Zone)); n != 30 {
		t.Errorf("with times of day: %d days, want 30", n)
	}
}

// TestDisclosureDeadline checks the 5 working days of Law 10/2022 art. 12(3), counted from the
// day after the document's date: a posting on the 5th working day is on time, one on the day
// after is late.
func TestDisclosureDeadline(t *testing.T) {
	cal := domain.DefaultCalendar()
	for _, tc := range []struct {
		doc, deadline string
	}{
		// Thu 5 Nov 2026 → Fri 6 (1), Mon 9 (2), Tue 10 (3), Wed 11 (4), Thu 12 (5).
		{"2026-11-05", "2026-11-12"},
		// Fri 6 Nov → Mon 9 (1) … Fri 13 (5): the weekend does not count.
		{"2026-11-06", "2026-11-13"},
		// A document dated on a Saturday: Mon 9 (1) … Fri 13 (5).
		{"2026-11-07", "2026-11-13"},
		// Tết 2026 (Sat 14 – Sun 22 Feb off): Thu 12 → Fri 13 (1), Mon 23 (2) … Thu 26 (5).
		{"2026-02-12", "2026-02-26"},
	} {
		doc, deadline := civilDay(t, tc.doc), civilDay(t, tc.deadline)
		if got := domain.DisclosureDeadline(cal, doc); !got.Equal(deadline) {
			t.Errorf("document of %s: deadline %s, want %s", tc.doc, got.Format(time.DateOnly), tc.deadline)
		}
		if domain.PostedLate(cal, doc, deadline.Add(23*time.Hour)) {
			t.Errorf("document of %s posted on %s: flagged late, want on time", tc.doc, tc.deadline)
		}
		if !domain.PostedLate(cal, doc, deadline.AddDate(0, 0, 1)) {
			t.Errorf("document of %s posted the day after %s: not flagged late", tc.doc, tc.deadline)
		}
		if domain.PostedLate(cal, doc, doc) {
			t.Errorf("document of %s posted the same day: flagged late", tc.doc)
		}
	}
}

// TestQuarters checks the quarters of the list of art. 13(2): the calendar year's, in local
// time.
func TestQuarters(t *testing.T) {
	from, to, ok := domain.QuarterBounds(2026, 4)
	if !ok || !from.Equal(civilDay(t, "2026-10-01")) || !to.Equal(civilDay(t, "2027-01-01")) {
		t.Errorf("Q4 2026: %v %v %v", from, to, ok)
	}
	if _, _, ok := domain.QuarterBounds(2026, 5); ok {
		t.Error("quarter 5 accepted")
	}
	// 31 March 23:30 local is 16:30 UTC: still the first quarter.
	if y, q := domain.QuarterOf(time.Date(2026, 3, 31, 16, 30, 0, 0, time.UTC)); y != 2026 || q != 1 {
		t.Errorf("QuarterOf: %d Q%d, want 2026 Q1", y, q)
	}
	if y, q := domain.QuarterOf(time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC)); y != 2026 || q != 2 {
		t.Errorf("QuarterOf at local midnight: %d Q%d, want 2026 Q2", y, q)
	}
	if n := len(domain.AllDisclosureCategories()); n != 14 {
		t.Errorf("art. 11 lists 14 items, got %d", n)
	}
}

// TestPostingEnded: a posting ends at midnight after its last day.
func TestPostingEnded(t *testing.T) {
	d := &domain.Disclosure{PostedFrom: civilDay(t, "2026-03-01"), PostedUntil: civilDay(t, "2026-03-31")}
	if d.PostingEnded(time.Date(2026, 3, 31, 23, 59, 0, 0, domain.Zone)) {
		t.Error("ended during its last day")
	}
	if !d.PostingEnded(civilDay(t, "2026-04-01")) {
		t.Error("not ended at midnight after its last day")
	}
}
