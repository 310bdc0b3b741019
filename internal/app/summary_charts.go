package app

import (
	"context"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// DayCount is the number of approved opinions submitted on one local day.
type DayCount struct {
	Day time.Time // midnight, local time
	N   int
}

// maxChartDays bounds the daily series; the law's periods are a month or two.
const maxChartDays = 366

// OpinionsPerDay counts the approved opinions of a consultation per local day (UTC+7) over
// its period so far: from its first day to today or its last day (the day it was closed, if
// early), whichever comes first, widened to any day that has opinions (officials may enter
// paper ones after the close).
// Days without opinions are in the series with zero.
func (a *App) OpinionsPerDay(ctx context.Context, c *domain.Consultation) ([]DayCount, error) {
	// The database keeps a counter per local day: one row a day, not one per opinion.
	totals, err := a.store.ApprovedPerDay(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	byDay := map[int64]int{} // by the day's Unix time
	first, last := domain.StartOfDay(c.OpensAt), domain.StartOfDay(a.Now())
	if end := domain.StartOfDay(c.LastDay()); end.Before(last) {
		last = end
	}
	if c.ClosedEarly() {
		// The period ended the day it was closed, not on the day announced.
		if end := domain.StartOfDay(*c.ClosedAt); end.Before(last) {
			last = end
		}
	}
	for _, t := range totals {
		d := t.Day
		byDay[d.Unix()] += t.N
		if d.Before(first) {
			first = d
		}
		if d.After(last) {
			last = d
		}
	}
	if last.Before(first) {
		return nil, nil // not open yet, and nothing entered
	}
	if limit := last.AddDate(0, 0, -(maxChartDays - 1)); first.Before(limit) {
		first = limit
	}
	var out []DayCount
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		out = append(out, DayCount{Day: d, N: byDay[d.Unix()]})
	}
	return out, nil
}

// VillageTurnout is how many approved opinions came from a village, beside its households.
type VillageTurnout struct {
	Village  domain.Unit
	Opinions int
}

// Participation lists the villages under a consultation's unit with the approved opinions
// that named each one (counted in sum.ByUnit), in the villages' order by name.
func (a *App) Participation(ctx context.Context, c *domain.Consultation, sum *domain.Summary) ([]VillageTurnout, error) {
	villages, err := a.store.VillagesUnder(ctx, c.UnitID)
	if err != nil {
		return nil, wrap(err)
	}
	byCode := map[string]int{}
	for _, u := range sum.ByUnit {
		byCode[u.Code] += u.Total
	}
	out := make([]VillageTurnout, 0, len(villages))
	for _, v := range villages {
		out = append(out, VillageTurnout{Village: v, Opinions: byCode[v.Code]})
	}
	return out, nil
}
