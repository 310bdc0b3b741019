package domain

import (
	"maps"
	"time"
)

// ResultsDeadlineDays is the time an authority has to publish the results of a consultation:
// 5 working days (Law 10/2022/QH15 art. 12).
const ResultsDeadlineDays = 5

// civilDate is a day of the calendar in Vietnam, independent of any time of day or zone.
type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.In(Zone).Date()
	return civilDate{y, m, d}
}

// Calendar tells working days from days off, for the law's periods counted in working days.
// A working day is Monday to Friday, except public holidays; a day can also be declared a
// working day (a Saturday worked in exchange for a bridge day, or a default holiday the
// government moved). The zero Calendar knows no holidays at all: only weekends are off.
// A Calendar is never changed once built, so copies may share it.
type Calendar struct {
	// fixed are the holidays on the same date every year (month, day).
	fixed map[[2]int]bool
	// days overrides single dates: true is a day off, false a working day. It wins over
	// the weekend rule and over fixed.
	days map[civilDate]bool
}

// Fixed-date public holidays (Labour Code 2019 art. 112): New Year's Day, Reunification
// Day, International Workers' Day and National Day. The second day of National Day (1 or 3
// September) changes each year, so it is among the movable dates below.
var fixedHolidays = [][2]int{{1, 1}, {4, 30}, {5, 1}, {9, 2}}

// movableHolidays are the days off that move from year to year: Tết (the lunar new year,
// five days off, placed by the government each year), the Hùng Kings' commemoration (10th
// day of the 3rd lunar month), the second day of National Day, and days off given in
// exchange when a holiday falls on a weekend (Labour Code art. 111(3)) or for a bridge
// between holidays. They are the government's announcements for 2025 and 2026 and a
// provisional reading of the rules for 2027, which the government had not announced yet.
// An installation adds the dates of later years, or corrects these, with HOLIDAYS (see
// README.md); every date listed here can be undone there too.
var movableHolidays = []string{
	// 2025: Tết from 25 Jan to 2 Feb; Hùng Kings on Monday 7 Apr; 30 Apr to 4 May with
	// Friday 2 May off in exchange for Saturday 26 Apr (see workingSaturdays); National
	// Day on Monday 1 and Tuesday 2 Sep.
	"2025-01-25", "2025-01-26", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
	"2025-02-01", "2025-02-02",
	"2025-04-07",
	"2025-05-02",
	"2025-09-01",
	// 2026: Tết from Saturday 14 to Sunday 22 Feb (the five working days 16–20 Feb around
	// the new year's day on 17 Feb), as the Prime Minister approved; the Hùng Kings'
	// day falls on Sunday 26 Apr, so Monday 27 Apr is off in its place; National Day on
	// Tuesday 1 and Wednesday 2 Sep (the second day is this version's assumption: check it
	// against the government's announcement).
	"2026-02-14", "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
	"2026-02-21", "2026-02-22",
	"2026-04-26", "2026-04-27",
	"2026-09-01",
	// 2027 (provisional): the lunar new year is Saturday 6 Feb; five Tết days from 5 to 9
	// Feb, the two on the weekend made up on 10 and 11 Feb; the Hùng Kings' day on Friday 16
	// Apr; 1 May on a Saturday, made up on Monday 3 May; National Day on Thursday 2 and
	// Friday 3 Sep.
	"2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11",
	"2027-04-16",
	"2027-05-03",
	"2027-09-03",
}

// workingSaturdays are weekend days worked in exchange for a bridge day off.
var workingSaturdays = []string{
	"2025-04-26", // for Friday 2 May 2025
}

var defaultCalendar = func() Calendar {
	c := Calendar{fixed: map[[2]int]bool{}, days: map[civilDate]bool{}}
	for _, md := range fixedHolidays {
		c.fixed[md] = true
	}
	set := func(list []string, off bool) {
		for _, s := range list {
			t, err := time.ParseInLocation(time.DateOnly, s, Zone)
			if err != nil {
				panic("domain: bad calendar date " + s)
			}
			c.days[dateOf(t)] = off
		}
	}
	set(movableHolidays, true)
	set(workingSaturdays, false)
	return c
}()

// DefaultCalendar is Vietnam's calendar of public holidays as this version of Góp Ý knows it.
func DefaultCalendar() Calendar { return defaultCalendar }

// IsZero reports whether c is the zero Calendar, which callers replace with the default.
func (c Calendar) IsZero() bool { return c.fixed == nil && c.days == nil }

// With returns a copy of c where the local dates of off are days off and those of work
// are working days; a date in both is a working day.
func (c Calendar) With(off, work []time.Time) Calendar {
	out := Calendar{fixed: c.fixed, days: maps.Clone(c.days)}
	if out.days == nil {
		out.days = map[civilDate]bool{}
	}
	for _, t := range off {
		out.days[dateOf(t)] = true
	}
	for _, t := range work {
		out.days[dateOf(t)] = false
	}
	return out
}

// IsWorkingDay reports whether the local day of t is a working day.
func (c Calendar) IsWorkingDay(t time.Time) bool {
	d := dateOf(t)
	if off, ok := c.days[d]; ok {
		return !off
	}
	if c.fixed[[2]int{int(d.m), d.d}] {
		return false
	}
	wd := t.In(Zone).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays returns the nth working day after the day of t, at midnight local time:
// the day of t itself does not count, whatever the hour, as the law counts periods from
// the day after the event. So a consultation that ends on a Thursday has until the
// Thursday after to publish its results, with no holiday in between. For n <= 0 it is the
// day of t.
func (c Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	day := StartOfDay(t)
	for n > 0 {
		// AddDate on the local date keeps midnight: the zone has no daylight saving.
		day = day.AddDate(0, 0, 1)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	return day
}

// WorkingDaysBetween counts the working days after the day of a up to and including the
// day of b: 0 on the same day, 1 from a Friday to the Monday after. When b's day is before
// a's the count is negative, as many working days as from b to a, so the function is
// antisymmetric and WorkingDaysBetween(t, AddWorkingDays(t, n)) is n.
func (c Calendar) WorkingDaysBetween(a, b time.Time) int {
	from, to := StartOfDay(a), StartOfDay(b)
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	n := 0
	for day := from.AddDate(0, 0, 1); !day.After(to); day = day.AddDate(0, 0, 1) {
		if c.IsWorkingDay(day) {
			n++
		}
	}
	return sign * n
}
