package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// planJSON is the plan of a consult matter and its report to the Council (Law 10/2022 art.
// 28(1), 28(5)); days are local dates (YYYY-MM-DD), null when not recorded.
type planJSON struct {
	ConsultationID    int64   `json:"consultation_id"`
	Topic             *int    `json:"topic"`
	PublishedOn       *string `json:"published_on"`
	CouncilSentOn     *string `json:"council_sent_on"`
	FrontSentOn       *string `json:"front_sent_on"`
	CouncilSending    string  `json:"council_sending"`
	FrontSending      string  `json:"front_sending"`
	ReportOpen        bool    `json:"report_open"`
	ReportSubmittedOn *string `json:"report_submitted_on"`
	ReportSession     string  `json:"report_session"`
}

func dayJSON(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.In(domain.Zone).Format(time.DateOnly)
	return &s
}

func deref(t *domain.Topic) domain.Topic {
	if t == nil {
		return 0
	}
	return *t
}

func topicJSON(t *domain.Topic) *int {
	if t == nil {
		return nil
	}
	n := int(*t)
	return &n
}

func toPlanJSON(v *app.PlanView) planJSON {
	return planJSON{ConsultationID: v.C.ID, Topic: topicJSON(v.C.Topic), PublishedOn: dayJSON(v.C.PublishedAt),
		CouncilSentOn: dayJSON(v.Plan.CouncilSentOn), FrontSentOn: dayJSON(v.Plan.FrontSentOn),
		CouncilSending: string(v.Council), FrontSending: string(v.Front), ReportOpen: v.ReportOpen,
		ReportSubmittedOn: dayJSON(v.Plan.ReportSubmittedOn), ReportSession: v.Plan.ReportSession}
}

func (a *API) getPlan(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := a.App.ConsultationPlan(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPlanJSON(v))
}

// recordPlan records the days the plan was sent; a field left out keeps its day, "" clears it.
func (a *API) recordPlan(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.PlanInput
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := a.App.RecordPlan(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPlanJSON(v))
}

func (a *API) recordCouncilReport(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.CouncilReportInput
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := a.App.RecordCouncilReport(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPlanJSON(v))
}

// councilReportJSON is the report to the Council: what was consulted on, the plan's record,
// the opinions by stance and channel, and the decision on each part that had opinions.
type councilReportJSON struct {
	ConsultationID    int64               `json:"consultation_id"`
	Title             string              `json:"title"`
	Commune           string              `json:"commune"`
	Topic             *int                `json:"topic"`
	OpensOn           string              `json:"opens_on"`
	LastDay           string              `json:"last_day"`
	CouncilSentOn     *string             `json:"council_sent_on"`
	FrontSentOn       *string             `json:"front_sent_on"`
	ReportSubmittedOn *string             `json:"report_submitted_on"`
	ReportSession     string              `json:"report_session"`
	Totals            countsJSON          `json:"totals"`
	ByChannel         map[string]int      `json:"by_channel"`
	Unanswered        int                 `json:"unanswered"`
	Parts             []councilReportPart `json:"parts"`
}

type countsJSON struct {
	Total    int `json:"total"`
	Agree    int `json:"agree"`
	Disagree int `json:"disagree"`
	Other    int `json:"other"`
}

type councilReportPart struct {
	Label    string `json:"label"`
	Count    int    `json:"count"`
	Decision string `json:"decision,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// getCouncilReport answers the report to anyone once it was submitted, and before that to
// the staff who oversee the consultation once its results are published.
func (a *API) getCouncilReport(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	r, err := a.App.PublishedCouncilReport(ctx, id)
	if err != nil && actor(c) != nil && domain.AsError(err).Code == domain.CodeNotFound {
		r, err = a.App.CouncilReport(ctx, actor(c), id)
	}
	if err != nil {
		return err
	}
	lang := httpx.Lang(c)
	j := councilReportJSON{ConsultationID: r.ConsultationID, Title: r.Title, Commune: r.Commune, Topic: topicJSON(r.Topic),
		OpensOn: r.OpensAt.In(domain.Zone).Format(time.DateOnly), LastDay: r.LastDay.Format(time.DateOnly),
		CouncilSentOn: dayJSON(r.Plan.CouncilSentOn), FrontSentOn: dayJSON(r.Plan.FrontSentOn),
		ReportSubmittedOn: dayJSON(r.Plan.ReportSubmittedOn), ReportSession: r.Plan.ReportSession,
		Totals:    countsJSON{Total: r.Totals.Total, Agree: r.Totals.Agree, Disagree: r.Totals.Disagree, Other: r.Totals.Other},
		ByChannel: map[string]int{}, Unanswered: r.Unanswered, Parts: []councilReportPart{}}
	for _, ch := range r.ByChannel {
		j.ByChannel[string(ch.Channel)] = ch.N
	}
	for _, s := range r.Sections {
		if s.Counts.Total == 0 {
			continue
		}
		p := councilReportPart{Label: s.Label(lang), Count: s.Counts.Total}
		if s.Decision != nil {
			p.Decision, p.Reason = string(s.Decision.Decision), s.Decision.Reason
		}
		j.Parts = append(j.Parts, p)
	}
	return c.JSON(http.StatusOK, j)
}
