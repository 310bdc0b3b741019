package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/export"
)

// reportCSV and reportXLSX serve the consolidated report of a consultation as a file, for
// staff who oversee its unit (the app decides who).
func (a *API) reportCSV(c echo.Context) error { return a.reportFile(c, export.CSV) }

func (a *API) reportXLSX(c echo.Context) error { return a.reportFile(c, export.XLSX) }

func (a *API) reportFile(c echo.Context, format string) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := a.App.Report(c.Request().Context(), actor(c), id, c.QueryParam("unit"))
	if err != nil {
		return err
	}
	return export.Send(c, r, format)
}

// reportJSON is the consolidated report for integrators: what the printable page shows.
type reportJSON struct {
	ConsultationID     int64               `json:"consultation_id"`
	Title              string              `json:"title"`
	Unit               string              `json:"unit"`
	Status             string              `json:"status"`
	ResultsPublishedAt *time.Time          `json:"results_published_at,omitempty"`
	Slice              *unitCount          `json:"slice,omitempty"`
	Totals             stanceJSON          `json:"by_stance"`
	Total              int                 `json:"total"`
	ByChannel          map[string]int      `json:"by_channel"`
	Communes           []unitCount         `json:"communes"`
	NoVillage          int                 `json:"no_village"`
	Unanswered         int                 `json:"unanswered"`
	Sections           []reportSectionJSON `json:"sections"`
}

type reportSectionJSON struct {
	SectionID *int64                  `json:"section_id"` // null: the draft as a whole
	Path      string                  `json:"path"`
	Heading   string                  `json:"heading"`
	Counts    domain.Counts           `json:"counts"`
	Decision  *domain.ArticleDecision `json:"decision"`
	Majority  string                  `json:"majority"`
	Groups    []reportGroupJSON       `json:"groups"`
}

type reportGroupJSON struct {
	Texts    []string           `json:"texts"`
	Count    int                `json:"count"`
	Stances  domain.Counts      `json:"by_stance"`
	Villages []app.VillageCount `json:"villages"`
	Channels []domain.Channel   `json:"channels"`
	Answer   *answerJSON        `json:"answer"`
}

type answerJSON struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// report serves the consolidated report as JSON: to anyone once the results are published,
// and before that to staff who oversee the consultation. ?unit= gives a commune's slice.
func (a *API) report(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	r, err := a.App.PublishedReport(ctx, id, c.QueryParam("unit"))
	if domain.IsCode(err, domain.CodeNotFound) && actor(c) != nil {
		r, err = a.App.Report(ctx, actor(c), id, c.QueryParam("unit"))
	}
	if err != nil {
		return err
	}
	j := reportJSON{
		ConsultationID: r.ConsultationID, Title: r.Title, Unit: r.UnitName, Status: string(r.Status),
		ResultsPublishedAt: inZone(r.ResultsPublishedAt), Total: r.Totals.Total,
		Totals:    stanceJSON{Agree: r.Totals.Agree, Disagree: r.Totals.Disagree, Other: r.Totals.Other},
		ByChannel: map[string]int{}, Communes: []unitCount{}, NoVillage: r.NoVillage, Unanswered: r.Unanswered,
		Sections: []reportSectionJSON{},
	}
	if r.Slice != nil {
		j.Slice = &unitCount{Code: r.Slice.Code, Name: r.Slice.Name, Total: r.Totals.Total}
	}
	for _, ch := range r.ByChannel {
		j.ByChannel[string(ch.Channel)] = ch.N
	}
	for _, cc := range r.Communes {
		j.Communes = append(j.Communes, unitCount{Code: cc.Code, Name: cc.Name, Total: cc.N})
	}
	for _, s := range r.Sections {
		sj := reportSectionJSON{Path: s.Path, Heading: s.Heading, Counts: s.Counts, Decision: decisionInZone(s.Decision),
			Majority: string(s.Majority), Groups: []reportGroupJSON{}}
		if !s.General {
			sid := s.ID
			sj.SectionID = &sid
		}
		for _, g := range s.Groups {
			gj := reportGroupJSON{Texts: g.Texts, Count: g.Count, Stances: g.Stances,
				Villages: append([]app.VillageCount{}, g.Villages...), Channels: g.Channels}
			if g.Answered {
				gj.Answer = &answerJSON{Kind: string(g.Kind), Text: g.Answer}
			}
			sj.Groups = append(sj.Groups, gj)
		}
		j.Sections = append(j.Sections, sj)
	}
	return c.JSON(http.StatusOK, j)
}

// decide records the decision on one article of a closed consultation (official).
func (a *API) decide(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.NewDecision
	if err := decode(c, &in); err != nil {
		return err
	}
	d, err := a.App.DecideArticle(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, decisionInZone(d))
}

// decisionInZone is a decision as the API answers it: its time in the portal's zone, like
// every time the API gives.
func decisionInZone(d *domain.ArticleDecision) *domain.ArticleDecision {
	if d == nil {
		return nil
	}
	z := *d
	z.DecidedAt = z.DecidedAt.In(domain.Zone)
	return &z
}
