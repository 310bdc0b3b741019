package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MaxStatusReason is the longest reason an official may give for closing early or
// withdrawing a draft, in characters.
const MaxStatusReason = 2000

// CheckTransition decides whether a consultation may move to status `to` at now, with the
// reason the official gave. It is the one place status changes are checked: the table of
// transitions first, then the law's rules on the period.
//
//   - Publishing needs a period that ends in the future and is at least the legal minimum,
//     counted from now (MinPeriodDays, PeriodDays).
//   - Closing is refused, as a conflict naming the rule, until that minimum has run from
//     publication (EarliestClose): 30 days for a hương ước or quy ước (Decree 61/2023 art.
//     9(1)), 20 days for a consult matter (Law 10/2022 art. 28(2)). Once it has run, closing
//     before the last day is over cuts the period the people were promised short, so it
//     needs a reason, which is shown with the real closing time wherever the period is.
//   - Withdrawing a draft needs a reason, which its public page shows.
func (c *Consultation) CheckTransition(to Status, now time.Time, reason string) error {
	if err := c.TransitionAllowed(to, now); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > MaxStatusReason {
		return InvalidField("reason", "validation.max", MaxStatusReason)
	}
	if reason == "" && c.ReasonRequired(to, now) {
		if to == StatusWithdrawn {
			return InvalidField("reason", "validation.withdraw_reason_required")
		}
		return InvalidField("reason", "validation.close_reason_required", c.LastDay().Format("02/01/2006"))
	}
	return nil
}

// TransitionAllowed is CheckTransition without the reason: whether the change can be made at
// now at all, whatever reason is given.
func (c *Consultation) TransitionAllowed(to Status, now time.Time) error {
	if !CanTransition(c.Status, to) {
		return Errorf(CodeConflict, "error.transition."+string(to))
	}
	switch to {
	case StatusOpen:
		if !c.ClosesAt.After(now) {
			return InvalidField("closes_at", "validation.closes_in_past")
		}
		if min, days := MinPeriodDays(c.Kind, c.Matter), c.PeriodDays(now); days < min {
			return InvalidField("closes_at", "validation.period_too_short."+LawBasis(c.Kind, c.Matter), min, days)
		}
	case StatusClosed:
		if earliest := c.EarliestClose(); now.Before(earliest) {
			return Errorf(CodeConflict, "error.close_too_early."+LawBasis(c.Kind, c.Matter),
				MinPeriodDays(c.Kind, c.Matter), c.DaysRunAt(now), earliest.In(Zone).Format("02/01/2006"))
		}
	}
	return nil
}

// ReasonRequired reports whether moving to `to` at now needs a reason: withdrawing always
// does, and so does closing before the last day of the period is over.
func (c *Consultation) ReasonRequired(to Status, now time.Time) bool {
	return to == StatusWithdrawn || (to == StatusClosed && now.Before(c.ClosesAt))
}

// LawBasis names the rule behind a kind's minimum period, for the messages that cite it:
// "charter" (Decree 61/2023 art. 9(1)), "consult" (Law 10/2022 art. 28(2)) or "other".
func LawBasis(kind ConsultationKind, matter Matter) string {
	switch {
	case kind == KindHuongUoc || kind == KindQuyUoc:
		return "charter"
	case matter == MatterConsult:
		return "consult"
	}
	return "other"
}

// countedFrom is when the period of a published consultation started counting: the later of
// its opening and its publication. One never published counts from its opening.
func (c *Consultation) countedFrom() time.Time {
	if c.PublishedAt == nil || c.PublishedAt.Before(c.OpensAt) {
		return c.OpensAt
	}
	return *c.PublishedAt
}

// EarliestClose is the first moment an official may close the consultation: the first
// midnight by which the legal minimum has run in whole days, counted from publication the
// way PeriodDays counts a period when publishing. The day of publication does not count
// and a period counted in days ends at the end of its last day (Civil Code art. 147 and
// 148), so a hương ước published on 1 December at 09:00 may be closed from midnight
// after 31 December, the end of its 30th day, exactly as a period whose last day were
// 31 December would be the shortest one publishing accepts.
func (c *Consultation) EarliestClose() time.Time {
	end := c.countedFrom().In(Zone).AddDate(0, 0, MinPeriodDays(c.Kind, c.Matter))
	if m := StartOfDay(end); m.Before(end) {
		return m.AddDate(0, 0, 1)
	}
	return end
}

// DaysRunAt counts the whole days the period has run at t, the same way: from publication
// (or the opening) to the midnight that began t's day, since the day of a close is not a
// whole day of the period.
func (c *Consultation) DaysRunAt(t time.Time) int {
	end := StartOfDay(t)
	start := c.countedFrom()
	if !end.After(start) {
		return 0
	}
	return int(end.Sub(start) / (24 * time.Hour))
}

// ClosedEarly reports whether an official closed the consultation before its period ran
// out, cutting short the time the people were promised.
func (c *Consultation) ClosedEarly() bool {
	return c.ClosedAt != nil && c.ClosedAt.Before(c.ClosesAt)
}

// EndedEarlyAt is the real end of a period an official cut short, local time; the zero time
// when it ran its course. Pages and reports show it in place of the planned last day.
func (c *Consultation) EndedEarlyAt() time.Time {
	if !c.ClosedEarly() {
		return time.Time{}
	}
	return c.ClosedAt.In(Zone)
}

// DaysGiven is how many whole days people had to comment: up to an early close, otherwise
// the planned period counted from publication.
func (c *Consultation) DaysGiven() int {
	if c.ClosedEarly() {
		return c.DaysRunAt(*c.ClosedAt)
	}
	return c.PeriodDays(c.countedFrom())
}
