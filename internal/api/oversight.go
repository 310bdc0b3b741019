package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// oversightJSON is the oversight view of GET /oversight: the same rows as the page.
type oversightJSON struct {
	Unit     *oversightUnitJSON     `json:"unit"`  // the unit it is narrowed to; null for all overseen
	Today    string                 `json:"today"` // the local day the figures are counted on
	Communes []oversightCommuneJSON `json:"communes"`
	Overdue  []overseenJSON         `json:"overdue"`
	// ClosedEarly lists every consultation closed before its last day; Withdrawn every
	// withdrawn draft, with its reason.
	ClosedEarly []overseenJSON     `json:"closed_early"`
	Withdrawn   []consultationJSON `json:"withdrawn"`
	// LateDecisions are the villages' decisions past a deadline: sent to the commune late
	// or not yet (Law 10/2022 art. 20(3)), or not recognised in time (art. 21(2)).
	LateDecisions []lateDecisionJSON `json:"late_decisions"`
	// OverduePromises are the promises made at dialogues not done by the end of their due
	// day (dialogues.go).
	OverduePromises []overduePromiseJSON `json:"overdue_promises"`
}

type lateDecisionJSON struct {
	ConsultationID int64             `json:"consultation_id"`
	Title          string            `json:"title"`
	Item           int               `json:"item"`
	Village        oversightUnitJSON `json:"village"`
	Deadline       deadlineJSON      `json:"deadline"`
}

type oversightUnitJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type oversightCommuneJSON struct {
	Commune       oversightUnitJSON   `json:"commune"`
	Totals        oversightTotalsJSON `json:"totals"`
	Consultations []overseenJSON      `json:"consultations"`
}

type oversightTotalsJSON struct {
	Consultations int `json:"consultations"`
	Opinions      int `json:"opinions"`
	Open          int `json:"open"`
	Awaiting      int `json:"awaiting"`
	OnTime        int `json:"on_time"`
	Overdue       int `json:"overdue"`
	PublishedLate int `json:"published_late"`
}

// overseenJSON is one consultation. Days (last_day, results_deadline, today) are local
// dates, YYYY-MM-DD; moments are RFC 3339 in Asia/Ho_Chi_Minh (+07:00).
type overseenJSON struct {
	ID                   int64             `json:"id"`
	Title                string            `json:"title"`
	Kind                 string            `json:"kind"`
	Status               string            `json:"status"`
	Phase                string            `json:"phase"`
	Unit                 oversightUnitJSON `json:"unit"`
	Communes             int               `json:"communes"`
	OpensAt              time.Time         `json:"opens_at"`
	LastDay              string            `json:"last_day"`
	ClosedAt             *time.Time        `json:"closed_at"`
	ClosedEarly          bool              `json:"closed_early"`
	CloseReason          string            `json:"close_reason,omitempty"`
	DaysGiven            int               `json:"days_given"`
	DaysPlanned          int               `json:"days_planned"`
	MinDays              int               `json:"min_days"`
	EndedAt              *time.Time        `json:"ended_at"`
	ResultsDeadline      *string           `json:"results_deadline"`
	ResultsPublishedAt   *time.Time        `json:"results_published_at"`
	WorkingDaysToResults *int              `json:"working_days_to_results"`
	Timeliness           string            `json:"timeliness"`
	WorkingDaysLate      int               `json:"working_days_late"`
	WorkingDaysLeft      int               `json:"working_days_left"`
	Opinions             int               `json:"opinions"`
	Households           int               `json:"households"`
	ParticipationPercent *float64          `json:"participation_percent"`
}

// oversight serves the consultations of the units the caller oversees, by commune; ?unit=
// narrows it to one of them. The app decides who may see what.
func (a *API) oversight(c echo.Context) error {
	o, err := a.App.Oversight(c.Request().Context(), actor(c), c.QueryParam("unit"))
	if err != nil {
		return err
	}
	out := oversightJSON{Today: o.Today.Format(time.DateOnly), Communes: []oversightCommuneJSON{}, Overdue: []overseenJSON{},
		ClosedEarly: []overseenJSON{}, Withdrawn: []consultationJSON{}, LateDecisions: []lateDecisionJSON{},
		OverduePromises: overduePromises(o.Promises, a.App.Now())}
	if o.Unit != nil {
		u := oversightUnit(*o.Unit)
		out.Unit = &u
	}
	for _, g := range o.Communes {
		t := g.Totals
		cj := oversightCommuneJSON{Commune: oversightUnit(g.Commune), Consultations: []overseenJSON{},
			Totals: oversightTotalsJSON{Consultations: t.Consultations, Opinions: t.Opinions, Open: t.Open,
				Awaiting: t.Awaiting, OnTime: t.OnTime, Overdue: t.Overdue, PublishedLate: t.PublishedLate}}
		for i := range g.Consultations {
			cj.Consultations = append(cj.Consultations, toOverseenJSON(&g.Consultations[i]))
		}
		out.Communes = append(out.Communes, cj)
	}
	for i := range o.Overdue {
		out.Overdue = append(out.Overdue, toOverseenJSON(&o.Overdue[i]))
	}
	for i := range o.ClosedEarly {
		out.ClosedEarly = append(out.ClosedEarly, toOverseenJSON(&o.ClosedEarly[i]))
	}
	now := a.App.Now()
	for i := range o.Withdrawn {
		out.Withdrawn = append(out.Withdrawn, toConsultationJSON(&o.Withdrawn[i], now, false))
	}
	for _, d := range o.Decisions {
		v := d.Village
		v.Kind = domain.UnitVillage
		out.LateDecisions = append(out.LateDecisions, lateDecisionJSON{ConsultationID: d.ConsultationID, Title: d.Title,
			Item: int(d.Item), Village: oversightUnit(v), Deadline: toDeadlineJSON(d.Deadline)})
	}
	return c.JSON(http.StatusOK, out)
}

func oversightUnit(u domain.Unit) oversightUnitJSON {
	return oversightUnitJSON{Code: u.Code, Name: u.Name, Kind: string(u.Kind)}
}

func toOverseenJSON(o *app.OverseenConsultation) overseenJSON {
	j := overseenJSON{
		ID: o.ID, Title: o.Title, Kind: string(o.Kind), Status: string(o.Status), Phase: string(o.Phase),
		Unit: oversightUnit(o.Unit), Communes: o.Communes, OpensAt: o.OpensAt.In(domain.Zone),
		LastDay: o.LastDay.In(domain.Zone).Format(time.DateOnly), ClosedAt: inZone(o.ClosedAt), EndedAt: inZone(o.EndedAt),
		ResultsPublishedAt: inZone(o.ResultsPublishedAt), WorkingDaysToResults: o.WorkingDays,
		Timeliness: string(o.Timeliness), WorkingDaysLate: o.DaysLate, WorkingDaysLeft: o.DaysLeft,
		Opinions: o.Opinions, Households: o.Households,
		ClosedEarly: o.ClosedEarly, CloseReason: o.CloseReason, DaysGiven: o.DaysGiven, DaysPlanned: o.DaysPlanned, MinDays: o.MinDays,
	}
	if o.Deadline != nil {
		d := o.Deadline.In(domain.Zone).Format(time.DateOnly)
		j.ResultsDeadline = &d
	}
	if p, ok := o.OpinionsPerHundredHouseholds(); ok {
		j.ParticipationPercent = &p
	}
	return j
}

// inZone writes a moment in Vietnam's zone, as every time of the API is.
func inZone(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.In(domain.Zone)
	return &u
}
