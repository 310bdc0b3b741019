package domain_test

import (
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// TestResultsDeadline follows the 5 working days of Law 10/2022 art. 12 across weekends
// and each kind of holiday of the default calendar. Every expectation is counted by hand
// on a calendar; the weekday of each date is written next to it.
func TestResultsDeadline(t *testing.T) {
	cal := domain.DefaultCalendar()
	for _, tc := range []struct {
		name, from string
		n          int
		want       string
	}{
		{"ordinary week: Thursday to next Thursday", "2026-11-05 10:00", 5, "2026-11-12"},
		// A Friday close: Mon 9 (1) … Thu 12 (4), Fri 13 (5); the Friday itself never counts.
		{"Friday afternoon to next Friday", "2026-11-06 16:30", 5, "2026-11-13"},
		{"Friday just before midnight", "2026-11-06 23:59", 5, "2026-11-13"},
		// A period that ends on Thursday closes at 00:00 on Friday; the app counts from the
		// period's last day (Consultation.LastDay), which gives the Thursday after.
		{"period ending Thursday (closes Friday 00:00), counted from its last day", "2026-11-05 23:59", 5, "2026-11-12"},
		{"Friday to Monday", "2026-11-06 09:00", 1, "2026-11-09"},
		{"Saturday to Monday", "2026-11-07 09:00", 1, "2026-11-09"},
		{"Sunday to Monday", "2026-11-08 09:00", 1, "2026-11-09"},
		{"zero days: the day itself", "2026-11-07 09:00", 0, "2026-11-07"},
		// Tết 2026: Sat 14 – Sun 22 Feb off. Thu 12 → Fri 13 (1), Mon 23 (2), Tue 24 (3), Wed 25 (4), Thu 26 (5).
		{"across Tết 2026", "2026-02-12 15:00", 5, "2026-02-26"},
		{"Tết 2026, one day", "2026-02-13 15:00", 1, "2026-02-23"},
		// Hùng Kings on Sunday 26 Apr 2026, off on Monday 27; 30 Apr (Thu) and 1 May (Fri).
		// Wed 22 Apr → Thu 23 (1), Fri 24 (2), Tue 28 (3), Wed 29 (4), Mon 4 May (5).
		{"across Hùng Kings and 30/4–1/5 2026", "2026-04-22 17:00", 5, "2026-05-04"},
		{"30/4–1/5 2026, one day", "2026-04-29 09:00", 1, "2026-05-04"},
		// National Day 2026: Tue 1 and Wed 2 Sep. Mon 31 Aug → Thu 3 Sep.
		{"across 2/9 2026", "2026-08-31 09:00", 1, "2026-09-03"},
		// 2025: Tết 25 Jan – 2 Feb; Hùng Kings Mon 7 Apr; 30 Apr – 4 May with Sat 26 Apr
		// worked in exchange for Fri 2 May; National Day Mon 1 and Tue 2 Sep.
		{"across Tết 2025", "2025-01-24 09:00", 1, "2025-02-03"},
		{"across Hùng Kings 2025", "2025-04-04 09:00", 1, "2025-04-08"},
		{"the Saturday worked in 2025", "2025-04-25 09:00", 1, "2025-04-26"},
		{"across 30/4–2/5 2025", "2025-04-29 09:00", 1, "2025-05-05"},
		{"across 2/9 2025", "2025-08-29 09:00", 1, "2025-09-03"},
		// 2027 (provisional): Tết 5–11 Feb, Hùng Kings Fri 16 Apr, 1 May (Sat) made up on Mon 3 May.
		{"across Tết 2027", "2027-02-04 09:00", 1, "2027-02-12"},
		{"across 30/4–1/5 2027", "2027-04-29 09:00", 1, "2027-05-04"},
		{"New Year's Day 2027", "2026-12-31 09:00", 1, "2027-01-04"},
		// Fixed dates hold in any year: 2 Sep 2030 is a Monday.
		{"a fixed holiday in a later year", "2030-08-30 09:00", 1, "2030-09-03"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := day(tc.from)
			got := cal.AddWorkingDays(from, tc.n)
			if got.Format(time.DateOnly) != tc.want || !got.Equal(domain.StartOfDay(got)) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s at midnight", tc.from, tc.n, got, tc.want)
			}
			if n := cal.WorkingDaysBetween(from, got); n != tc.n {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.from, tc.want, n, tc.n)
			}
		})
	}
}

// TestDaysAreVietnamDays counts by the day in Vietnam whatever the zone of the time given:
// 17:30 UTC on Thursday is already 00:30 on Friday there.
func TestDaysAreVietnamDays(t *testing.T) {
	cal := domain.DefaultCalendar()
	thuUTC := time.Date(2026, 11, 5, 16, 30, 0, 0, time.UTC) // 23:30 Thursday in Vietnam
	friUTC := time.Date(2026, 11, 5, 17, 30, 0, 0, time.UTC) // 00:30 Friday in Vietnam
	if got := cal.AddWorkingDays(thuUTC, 1).Format(time.DateOnly); got != "2026-11-06" {
		t.Errorf("from Thursday 23:30: %s, want Friday 2026-11-06", got)
	}
	if got := cal.AddWorkingDays(friUTC, 1).Format(time.DateOnly); got != "2026-11-09" {
		t.Errorf("from Friday 00:30: %s, want Monday 2026-11-09", got)
	}
	if cal.WorkingDaysBetween(thuUTC, friUTC) != 1 {
		t.Error("Thursday 23:30 to Friday 00:30 is one working day")
	}
	if !cal.IsWorkingDay(friUTC) || cal.IsWorkingDay(time.Date(2026, 11, 6, 17, 30, 0, 0, time.UTC)) {
		t.Error("Friday 00:30 is a working day; Saturday 00:30 is not")
	}
}

// TestWorkingDaysBetween counts both ways: zero on the same day, antisymmetric when the
// days are swapped, weekends and holidays never counted.
func TestWorkingDaysBetween(t *testing.T) {
	cal := domain.DefaultCalendar()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2026-11-06 09:00", "2026-11-06 18:00", 0}, // same day
		{"2026-11-06 18:00", "2026-11-06 09:00", 0}, // same day, earlier hour
		{"2026-11-06 09:00", "2026-11-07 09:00", 0}, // Friday to Saturday
		{"2026-11-06 09:00", "2026-11-09 09:00", 1}, // Friday to Monday
		{"2026-11-07 09:00", "2026-11-08 09:00", 0}, // Saturday to Sunday
		{"2026-11-12 00:00", "2026-11-25 10:00", 9}, // two weeks less a day
		{"2026-04-22 17:00", "2026-05-07 10:00", 8}, // across 27/4, 30/4 and 1/5
		{"2026-02-13 09:00", "2026-02-22 09:00", 0}, // the whole of Tết 2026
	} {
		a, b := day(tc.a), day(tc.b)
		if got := cal.WorkingDaysBetween(a, b); got != tc.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := cal.WorkingDaysBetween(b, a); got != -tc.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.b, tc.a, got, -tc.want)
		}
	}
	// The whole of 2026: 261 weekdays, less the holidays on weekdays: 1 Jan, Tết (16–20
	// Feb), 27 Apr, 30 Apr, 1 May, 1 and 2 Sep: 250 working days.
	if got := cal.WorkingDaysBetween(day("2025-12-31 12:00"), day("2026-12-31 12:00")); got != 250 {
		t.Errorf("working days in 2026 = %d, want 250", got)
	}
}

// TestCalendarOverrides covers what an installation changes with HOLIDAYS: a day added, a
// default holiday undone, a Saturday made a working day; and the zero Calendar, which
// knows only weekends.
func TestCalendarOverrides(t *testing.T) {
	def := domain.DefaultCalendar()
	cal := def.With(
		[]time.Time{day("2026-11-20 00:00")},                          // Friday 20 Nov made a day off
		[]time.Time{day("2026-09-01 00:00"), day("2026-11-28 00:00")}, // 1 Sep worked after all; Saturday 28 Nov worked
	)
	for _, tc := range []struct {
		day       string
		def, want bool
	}{
		{"2026-11-20 08:00", true, false},
		{"2026-09-01 08:00", false, true},
		{"2026-11-28 08:00", false, true},
		{"2026-09-02 08:00", false, false}, // the fixed date stays a holiday
		{"2026-11-19 08:00", true, true},
	} {
		if got := def.IsWorkingDay(day(tc.day)); got != tc.def {
			t.Errorf("default: IsWorkingDay(%s) = %v, want %v", tc.day, got, tc.def)
		}
		if got := cal.IsWorkingDay(day(tc.day)); got != tc.want {
			t.Errorf("overridden: IsWorkingDay(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
	if def.IsWorkingDay(day("2026-11-20 08:00")) != true {
		t.Error("With changed the default calendar")
	}
	var zero domain.Calendar
	if !zero.IsZero() || def.IsZero() {
		t.Error("IsZero")
	}
	if !zero.IsWorkingDay(day("2026-09-02 08:00")) || zero.IsWorkingDay(day("2026-11-07 08:00")) {
		t.Error("the zero calendar knows weekends only")
	}
}
