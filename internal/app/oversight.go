package app

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
)

// Timeliness is where a consultation stands against the law's deadline for its results:
// published within 5 working days of the end of the consultation (Law 10/2022 art. 12).
type Timeliness string

// Timeliness values. Overdue and PublishedLate are the two ways of missing the deadline,
// kept apart because they call for different action: one still owes the public its results.
const (
	TimelinessOpen          Timeliness = "open"           // still taking opinions
	TimelinessAwaiting      Timeliness = "awaiting"       // ended; results not published, not due yet
	TimelinessOnTime        Timeliness = "on_time"        // results published within the deadline
	TimelinessOverdue       Timeliness = "overdue"        // past the deadline, results still not published
	TimelinessPublishedLate Timeliness = "published_late" // results published after the deadline
)

// OverseenConsultation is one consultation in the oversight view, with its figures and its
// standing against the deadline for results. Days are counted on the App's calendar.
type OverseenConsultation struct {
	ID     int64
	Title  string
	Kind   domain.ConsultationKind
	Status domain.Status
	Phase  domain.Phase
	// Unit is the consultation's own unit: a commune, a village, or a province whose
	// consultation covers every commune under it.
	Unit     domain.Unit
	Communes int // how many communes it covers
	OpensAt  time.Time
	LastDay  time.Time // the last day of its period
	// ClosedAt is when an official closed it; EndedAt is when taking opinions ended, the
	// moment the deadline counts from: the close, but never later than the period's last
	// day (closing late does not give more time), and that last day for a consultation
	// whose period ran out without anyone closing it. Nil while it is still open.
	ClosedAt *time.Time
	EndedAt  *time.Time
	// ClosedEarly is set when an official closed it before its last day was over, with
	// CloseReason; DaysGiven is then the whole days people really had, against DaysPlanned
	// and the legal MinDays (domain.Consultation.DaysGiven).
	ClosedEarly bool
	CloseReason string
	DaysGiven   int
	DaysPlanned int
	MinDays     int
	// Deadline is the last day for publishing the results: the 5th working day after the
	// day it ended.
	Deadline           *time.Time
	ResultsPublishedAt *time.Time
	// WorkingDays is how many working days the results took after the end: 0 for the same
	// day. Nil until they are published.
	WorkingDays *int
	Timeliness  Timeliness
	DaysLate    int // working days past the deadline, for overdue and published_late
	DaysLeft    int // working days left before the deadline, for awaiting (0: due today)
	Opinions    int // approved opinions
	Households  int // of the villages it covers
}

// Period is the consultation period as it really ran, for tables: "01/10/2026 – 30/10/2026",
// or the day it was closed when an official cut it short.
func (o *OverseenConsultation) Period(lang string) string {
	from := o.OpensAt.In(domain.Zone).Format("02/01/2006")
	if o.ClosedEarly && o.ClosedAt != nil {
		return from + " – " + i18n.T(lang, "period.closed_early_on", o.ClosedAt.In(domain.Zone).Format("02/01/2006"))
	}
	return from + " – " + o.LastDay.In(domain.Zone).Format("02/01/2006")
}

// Late reports whether the consultation missed the deadline for its results.
func (o *OverseenConsultation) Late() bool {
	return o.Timeliness == TimelinessOverdue || o.Timeliness == TimelinessPublishedLate
}

// OpinionsPerHundredHouseholds is the participation rate: approved opinions per hundred
// households of the villages covered, rounded to a tenth; false when no village has its
// households recorded. A household may send several opinions and some opinions come from
// no household, so it is a rate of engagement, not a share of households.
func (o *OverseenConsultation) OpinionsPerHundredHouseholds() (float64, bool) {
	if o.Households <= 0 {
		return 0, false
	}
	return math.Round(float64(o.Opinions)*1000/float64(o.Households)) / 10, true
}

// OversightTotals sums one commune's consultations.
type OversightTotals struct {
	Consultations int
	Opinions      int
	Open          int
	Awaiting      int
	OnTime        int
	Overdue       int
	PublishedLate int
}

// CommuneOversight is one commune with the consultations that concern it: its own, its
// villages', and those of the province above it, which cover it too.
type CommuneOversight struct {
	Commune       domain.Unit
	Consultations []OverseenConsultation
	Totals        OversightTotals
}

// Oversight is the view of a province's (or a commune's) consultations for whoever
// oversees it: every commune with its consultations, and the ones whose results came late.
type Oversight struct {
	Unit     *domain.Unit  // the unit the view is narrowed to; nil for everything the actor oversees
	Units    []domain.Unit // the units it can be narrowed to: provinces and communes overseen
	Communes []CommuneOversight
	// Overdue lists each consultation that missed the deadline once, most working days
	// late first.
	Overdue []OverseenConsultation
	Today   time.Time // midnight, local time
	// Charters lists the hương ước and quy ước past a deadline of their recognition
	// (charter.go).
	Charters []CharterDeadlineRow
	// ClosedEarly lists every consultation whose period an official cut short, and
	// Withdrawn every withdrawn draft, most recent first.
	ClosedEarly []OverseenConsultation
	Withdrawn   []domain.Consultation
	// Decisions lists the villages' decisions past a deadline: sent to the commune late or
	// not yet, or not recognised in time (household_deadlines.go).
	Decisions []DecisionDeadlineRow
	// Promises lists what officials promised at a dialogue and did not do by its due day
	// (dialogues.go).
	Promises []OverduePromiseRow
}

// Oversight lists the published consultations in the units the actor oversees (or in one
// of them, by code), grouped by commune, with participation and the timeliness of their
// results. Officials, moderators, observers, the Front and admins oversee the units they are
// assigned and everything below.
func (a *App) Oversight(ctx context.Context, actor *domain.Actor, unitCode string) (*Oversight, error) {
	full, err := a.scope(ctx, actor, domain.PermOversee)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	out := &Oversight{Today: domain.StartOfDay(now)}
	units := full
	if code := strings.TrimSpace(unitCode); code != "" {
		u, err := a.store.UnitByCode(ctx, code)
		if err != nil {
			return nil, wrap(err)
		}
		if err := a.authorize(ctx, actor, domain.PermOversee, u.ID); err != nil {
			return nil, err
		}
		if units, err = a.store.UnitSubtree(ctx, []int64{u.ID}); err != nil {
			return nil, wrap(err)
		}
		out.Unit = u
	}
	if out.Units, err = a.store.UnitsAboveVillages(ctx, full); err != nil {
		return nil, wrap(err)
	}
	rows, err := a.store.OversightRows(ctx, units)
	if err != nil {
		return nil, wrap(err)
	}
	var unitIDs []int64
	seen := map[int64]bool{}
	for _, r := range rows {
		if !seen[r.UnitID] {
			seen[r.UnitID] = true
			unitIDs = append(unitIDs, r.UnitID)
		}
	}
	links, err := a.store.CommunesOf(ctx, unitIDs)
	if err != nil {
		return nil, wrap(err)
	}

	// Every commune in view has a group, with or without consultations: a commune that
	// never consults is what oversight is there to notice.
	groups := map[int64]*CommuneOversight{}
	var order []int64
	addGroup := func(u domain.Unit) {
		if _, ok := groups[u.ID]; !ok {
			groups[u.ID] = &CommuneOversight{Commune: u}
			order = append(order, u.ID)
		}
	}
	inView := make(map[int64]bool, len(units))
	for _, id := range units {
		inView[id] = true
	}
	for _, u := range out.Units {
		if u.Kind != domain.UnitProvince && inView[u.ID] {
			addGroup(u)
		}
	}
	var missing []int64 // communes above a village the actor oversees, outside the scope
	for _, ids := range links {
		for _, id := range ids {
			if _, ok := groups[id]; !ok && !slices.Contains(missing, id) {
				missing = append(missing, id)
			}
		}
	}
	more, err := a.store.UnitsByIDs(ctx, missing)
	if err != nil {
		return nil, wrap(err)
	}
	for _, id := range missing {
		if u := more[id]; u != nil {
			addGroup(*u)
		}
	}

	cal := a.calendar()
	for _, r := range rows {
		o := overseen(r, now, cal)
		communes := links[r.UnitID]
		if len(communes) == 0 {
			// A unit with no commune around it (a province with none yet): its own group,
			// so no consultation drops out of view.
			addGroup(domain.Unit{ID: r.UnitID, Code: r.UnitCode, Name: r.UnitName, Kind: r.UnitKind})
			communes = []int64{r.UnitID}
		}
		o.Communes = len(communes)
		for _, id := range communes {
			if g := groups[id]; g != nil {
				g.Consultations = append(g.Consultations, o)
				g.Totals.add(&o)
			}
		}
		if o.Late() {
			out.Overdue = append(out.Overdue, o)
		}
		if o.ClosedEarly {
			out.ClosedEarly = append(out.ClosedEarly, o)
		}
	}
	slices.SortStableFunc(out.ClosedEarly, func(x, y OverseenConsultation) int {
		return cmp.Or(y.ClosedAt.Compare(*x.ClosedAt), cmp.Compare(x.ID, y.ID))
	})
	if out.Withdrawn, err = a.store.WithdrawnConsultations(ctx, units); err != nil {
		return nil, wrap(err)
	}
	for _, id := range order {
		out.Communes = append(out.Communes, *groups[id])
	}
	slices.SortStableFunc(out.Communes, func(x, y CommuneOversight) int {
		return cmp.Or(cmp.Compare(x.Commune.Name, y.Commune.Name), cmp.Compare(x.Commune.Code, y.Commune.Code))
	})
	slices.SortStableFunc(out.Overdue, func(x, y OverseenConsultation) int {
		return cmp.Or(cmp.Compare(y.DaysLate, x.DaysLate), x.Deadline.Compare(*y.Deadline), cmp.Compare(x.ID, y.ID))
	})
	if out.Charters, err = a.charterDeadlines(ctx, units, now); err != nil {
		return nil, err
	}
	if out.Decisions, err = a.decisionDeadlines(ctx, units, now); err != nil {
		return nil, err
	}
	if out.Promises, err = a.overduePromises(ctx, units, now); err != nil {
		return nil, err
	}
	return out, nil
}

func (t *OversightTotals) add(o *OverseenConsultation) {
	t.Consultations++
	t.Opinions += o.Opinions
	switch o.Timeliness {
	case TimelinessOpen:
		t.Open++
	case TimelinessAwaiting:
		t.Awaiting++
	case TimelinessOnTime:
		t.OnTime++
	case TimelinessOverdue:
		t.Overdue++
	case TimelinessPublishedLate:
		t.PublishedLate++
	}
}

// overseen works out a consultation's standing at now. Everything is counted in working
// days, the law's unit: results published on the Saturday after a Friday deadline are not
// late, and a consultation is overdue only from the first working day past its deadline.
func overseen(r store.OversightRow, now time.Time, cal domain.Calendar) OverseenConsultation {
	c := domain.Consultation{Status: r.Status, Kind: r.Kind, Matter: r.Matter, OpensAt: r.OpensAt, ClosesAt: r.ClosesAt,
		PublishedAt: r.PublishedAt, ClosedAt: r.ClosedAt}
	o := OverseenConsultation{
		ID: r.ID, Title: r.Title, Kind: r.Kind, Status: r.Status, Phase: c.PhaseAt(now),
		Unit:    domain.Unit{ID: r.UnitID, Code: r.UnitCode, Name: r.UnitName, Kind: r.UnitKind},
		OpensAt: r.OpensAt, LastDay: c.LastDay(), ClosedAt: r.ClosedAt, ResultsPublishedAt: r.ResultsPublishedAt,
		Opinions: r.Opinions, Households: r.Households,
		ClosedEarly: c.ClosedEarly(), CloseReason: r.CloseReason, DaysGiven: c.DaysGiven(),
		DaysPlanned: c.PeriodDays(c.OpensAt), MinDays: domain.MinPeriodDays(r.Kind, r.Matter),
	}
	if r.PublishedAt != nil {
		o.DaysPlanned = c.PeriodDays(*r.PublishedAt)
	}
	var end time.Time
	switch {
	case r.ClosedAt != nil:
		end = *r.ClosedAt
		if end.After(o.LastDay) {
			end = o.LastDay
		}
	case !now.Before(r.ClosesAt):
		end = o.LastDay
	default:
		o.Timeliness = TimelinessOpen
		return o
	}
	deadline := cal.AddWorkingDays(end, domain.ResultsDeadlineDays)
	o.EndedAt, o.Deadline = &end, &deadline
	if r.ResultsPublishedAt != nil {
		took := cal.WorkingDaysBetween(end, *r.ResultsPublishedAt)
		o.WorkingDays = &took
		if took > domain.ResultsDeadlineDays {
			o.Timeliness, o.DaysLate = TimelinessPublishedLate, took-domain.ResultsDeadlineDays
		} else {
			o.Timeliness = TimelinessOnTime
		}
		return o
	}
	if elapsed := cal.WorkingDaysBetween(end, now); elapsed > domain.ResultsDeadlineDays {
		o.Timeliness, o.DaysLate = TimelinessOverdue, elapsed-domain.ResultsDeadlineDays
	} else {
		o.Timeliness, o.DaysLeft = TimelinessAwaiting, domain.ResultsDeadlineDays-elapsed
	}
	return o
}
