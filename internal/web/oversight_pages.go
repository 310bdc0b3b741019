package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// oversightData is the oversight page: the communes overseen with their consultations, and
// the consultations whose results came late. Texts are written here, in the request's
// language, so the template only lays them out.
type oversightData struct {
	Units    []domain.Unit // to narrow the view to
	Selected string        // the code it is narrowed to, or ""
	Today    time.Time
	Communes []oversightCommune
	Overdue  []oversightRow
	Charters []app.CharterDeadlineRow // charter_pages.go
	// ClosedEarly are the periods cut short; Withdrawn the withdrawn drafts.
	ClosedEarly []oversightRow
	Withdrawn   []domain.Consultation
	// Decisions are the villages' decisions past a deadline (household_pages.go).
	Decisions []app.DecisionDeadlineRow
	// Promises are the dialogues' promises past their due day (dialogue_pages.go).
	Promises []app.OverduePromiseRow
}

type oversightCommune struct {
	Unit   domain.Unit
	Totals string
	Rows   []oversightRow
	// Satisfaction is the commune's ratings (satisfaction_pages.go); nil for a commune seen
	// only through one of its villages.
	Satisfaction *communeSatisfaction
}

// oversightRow is one consultation with its figures as the page shows them. Dates are
// zero when they do not apply, which the date function prints as nothing.
type oversightRow struct {
	ID       int64
	Title    string
	Phase    domain.Phase
	OpensAt  time.Time
	LastDay  time.Time
	Where    string // the consultation's unit, when it is not the commune's own
	Opinions int
	Rate     string // "1,5%", or "—" without households
	Homes    string // "200 hộ"
	EndedOn  time.Time
	EndNote  string // closed late, or never closed
	Deadline time.Time
	Results  time.Time
	Took     string // "sau 3 ngày làm việc"
	Standing string // on time, overdue by…, published late by…
	Late     bool
	// Early is set when an official closed the period before its last day was over, at
	// ClosedAt; Given says how many days people had against the plan and the law's
	// minimum, BelowMin whether that was less than the minimum; Reason is the official's.
	Early    bool
	ClosedAt time.Time
	Given    string
	BelowMin bool
	Reason   string
}

// oversight shows the consultations of the units the staff member oversees; ?unit= narrows
// it to one of them. Whether they may see it is the app's decision.
func (s *Server) oversight(c echo.Context) error {
	code := c.QueryParam("unit")
	o, err := s.app.Oversight(c.Request().Context(), httpx.Actor(c), code)
	if err != nil {
		return err
	}
	d := oversightData{Units: o.Units, Today: o.Today, Charters: o.Charters, Withdrawn: o.Withdrawn, Decisions: o.Decisions,
		Promises: o.Promises}
	if o.Unit != nil {
		d.Selected = o.Unit.Code
	}
	for _, g := range o.Communes {
		oc := oversightCommune{Unit: g.Commune, Totals: oversightTotals(c, g.Totals)}
		for i := range g.Consultations {
			oc.Rows = append(oc.Rows, oversightRowOf(c, &g.Consultations[i], g.Commune.ID))
		}
		d.Communes = append(d.Communes, oc)
	}
	if err := s.addSatisfaction(c, d.Communes); err != nil {
		return err
	}
	for i := range o.Overdue {
		d.Overdue = append(d.Overdue, oversightRowOf(c, &o.Overdue[i], 0))
	}
	for i := range o.ClosedEarly {
		d.ClosedEarly = append(d.ClosedEarly, oversightRowOf(c, &o.ClosedEarly[i], 0))
	}
	v := s.view(c, "oversight.title", d)
	if o.Unit != nil {
		v.Title += " · " + o.Unit.Name
	}
	return s.views.render(c, http.StatusOK, "oversight", v)
}

func oversightTotals(c echo.Context, t app.OversightTotals) string {
	return httpx.T(c, "oversight.totals", t.Consultations, formatNumber(t.Opinions), t.Open, t.Awaiting, t.OnTime, t.Overdue, t.PublishedLate)
}

// oversightRowOf writes out one consultation; commune is the group it is shown in, whose
// own consultations need no unit beside their title (0 in the overdue list, where all do).
func oversightRowOf(c echo.Context, o *app.OverseenConsultation, commune int64) oversightRow {
	r := oversightRow{ID: o.ID, Title: o.Title, Phase: o.Phase, OpensAt: o.OpensAt, LastDay: o.LastDay,
		Opinions: o.Opinions, Rate: share(httpx.Lang(c), o.Opinions, o.Households),
		Homes: httpx.T(c, "oversight.households", formatNumber(o.Households)), Late: o.Late()}
	switch {
	case o.Communes > 1:
		r.Where = httpx.T(c, "oversight.covers", o.Unit.Name, o.Communes)
	case o.Unit.ID != commune:
		r.Where = o.Unit.Name
	}
	if o.EndedAt != nil {
		r.EndedOn, r.Deadline = *o.EndedAt, *o.Deadline
		switch {
		case o.ClosedEarly:
			r.Early, r.ClosedAt, r.Reason, r.BelowMin = true, *o.ClosedAt, o.CloseReason, o.DaysGiven < o.MinDays
			r.EndNote = httpx.T(c, "oversight.closed_early", formatDateTime(*o.ClosedAt), formatDate(o.LastDay))
			r.Given = httpx.T(c, "oversight.days_given", o.DaysGiven, o.DaysPlanned, o.MinDays)
		case o.ClosedAt == nil:
			r.EndNote = httpx.T(c, "oversight.never_closed")
		case formatDate(*o.ClosedAt) != formatDate(*o.EndedAt):
			r.EndNote = httpx.T(c, "oversight.closed_late", formatDate(*o.ClosedAt))
		}
	}
	if o.ResultsPublishedAt != nil {
		r.Results = *o.ResultsPublishedAt
		r.Took = httpx.T(c, "oversight.took", workingDays(c, *o.WorkingDays))
	}
	switch o.Timeliness {
	case app.TimelinessOpen:
		r.Standing = httpx.T(c, "oversight.standing.open")
	case app.TimelinessAwaiting:
		if o.DaysLeft == 0 {
			r.Standing = httpx.T(c, "oversight.standing.due_today")
		} else {
			r.Standing = httpx.T(c, "oversight.standing.awaiting", workingDays(c, o.DaysLeft))
		}
	case app.TimelinessOnTime:
		r.Standing = httpx.T(c, "oversight.standing.on_time")
	case app.TimelinessOverdue:
		r.Standing = httpx.T(c, "oversight.standing.overdue", workingDays(c, o.DaysLate))
	case app.TimelinessPublishedLate:
		r.Standing = httpx.T(c, "oversight.standing.published_late", workingDays(c, o.DaysLate))
	}
	return r
}

// workingDays writes a number of working days, singular for one.
func workingDays(c echo.Context, n int) string {
	if n == 1 {
		return httpx.T(c, "oversight.working_day")
	}
	return httpx.T(c, "oversight.working_days", formatNumber(n))
}
