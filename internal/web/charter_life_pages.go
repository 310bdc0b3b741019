package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// charterForm is one of the documents of Decree 61/2023's appendix printed from what the
// portal holds: Form 01, the village head's written request for recognition, and Form 03,
// the commune People's Committee's recognition decision. Form 02, the minutes of the
// households' adoption, is the record each village's decision already prints
// (household_pages.go).
type charterForm struct {
	Form    string
	Ch      *app.Charter
	Rec     *domain.CharterRecord
	Commune *domain.Unit
	// Number and Day are the document's number and date: the request's reference and date
	// from the dossier, the decision's from the recognition.
	Number string
	Day    *time.Time
	// Amended is set when the decision recognised a charter amended after a suspension:
	// the suspension's decision it answers.
	Amended *domain.CharterStepRecord
	Kind    string // "hương ước" or "quy ước", as the document names it
	Signers []string
}

// printCharterForm prints Form 01 or Form 03 as an A4 Vietnamese administrative document:
// always in Vietnamese, the language of the documents (Decree 61/2023 art. 6(4)).
func (s *Server) printCharterForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	form := c.Param("form")
	if form != "01" && form != "03" {
		return domain.ErrNotFound
	}
	httpx.SetLang(c, i18n.VI)
	ctx := c.Request().Context()
	ch, err := s.app.StaffCharter(ctx, httpx.Actor(c), id)
	if err != nil {
		return err
	}
	r := ch.Record
	if r == nil {
		// Before the dossier, the request is printed from the adoption, to be signed and sent.
		if form != "01" || !ch.Adopted {
			return domain.Errorf(domain.CodeNotFound, "charterlife.form03.not_yet")
		}
		r = &domain.CharterRecord{VersionNumber: ch.C.Version, SubmittedAt: s.app.Now()}
		if ch.AdoptedOn != nil {
			r.AdoptedOn = *ch.AdoptedOn
		}
	}
	d := &charterForm{Form: form, Ch: ch, Rec: r, Kind: strings.ToLower(httpx.T(c, "kind."+string(ch.C.Kind)))}
	if d.Commune, err = s.app.CommuneLevel(ctx, ch.C.UnitID); err != nil {
		return err
	}
	switch form {
	case "01":
		d.Number, d.Day = r.RequestRef, r.RequestDate
		d.Signers = []string{httpx.T(c, "charterlife.form01.signer")}
	case "03":
		rec := ch.Last(string(domain.StepRecognise))
		if rec == nil || r.State == domain.CharterRefused {
			return domain.Errorf(domain.CodeNotFound, "charterlife.form03.not_yet")
		}
		d.Number, d.Day = rec.DocNumber, rec.DocDate
		if rec.FromState == domain.CharterSuspended {
			for i := len(ch.Steps) - 1; i >= 0; i-- {
				if ch.Steps[i].Step == domain.StepSuspend && ch.Steps[i].ID < rec.ID {
					d.Amended = &ch.Steps[i]
					break
				}
			}
		}
		d.Signers = strings.Split(httpx.T(c, "charterlife.form03.signer"), "|")
	}
	if d.Day != nil {
		local := d.Day.In(domain.Zone)
		d.Day = &local
	}
	v := s.view(c, "", d)
	title := "charterlife.print_form01"
	if form == "03" {
		title = "charterlife.print_form03"
	}
	v.Title = httpx.T(c, title) + " · " + ch.C.Title
	return s.views.render(c, http.StatusOK, "charter_form", v)
}

// charterReportData is the page of a unit's charter report for a year.
type charterReportData struct {
	Unit  string
	Year  string
	Units []domain.Unit
	R     *app.CharterReport
	Rows  []charterReportRow
	Print bool
	Query string
	// Place and Today head the printed report.
	Commune *domain.Unit
	Today   time.Time
}

// charterReportRow is a charter of the report with its year's steps in words.
type charterReportRow struct {
	app.CharterReportRow
	Events []string
}

// charterReport is a commune's statistics on its charters for a year (Decree 61/2023 art.
// 16(1)), or a village head's annual report on the village's charter (art. 19(1)(e)), on
// screen or as an A4 print (?print=1).
func (s *Server) charterReport(c echo.Context) error {
	ctx := c.Request().Context()
	actor := httpx.Actor(c)
	d := charterReportData{Unit: strings.TrimSpace(c.QueryParam("unit")), Year: strings.TrimSpace(c.QueryParam("year")),
		Print: c.QueryParam("print") == "1"}
	var err error
	if d.Units, err = s.app.CharterReportUnits(ctx, actor); err != nil {
		return err
	}
	if d.Year == "" {
		d.Year = strconv.Itoa(s.app.Now().In(domain.Zone).Year())
	}
	if d.Unit == "" && len(d.Units) == 1 {
		d.Unit = d.Units[0].Code
	}
	if d.Unit == "" {
		return s.views.render(c, http.StatusOK, "charter_report", s.view(c, "charterlife.report.title", d))
	}
	year, _ := strconv.Atoi(d.Year)
	if d.R, err = s.app.CharterReportOf(ctx, actor, d.Unit, year); err != nil {
		return s.formError(c, err, "charter_report", "charterlife.report.title", d)
	}
	d.Query = "unit=" + d.R.Unit.Code + "&year=" + d.Year
	if d.Print {
		// The printed report is a Vietnamese administrative document.
		httpx.SetLang(c, i18n.VI)
		d.Today = s.app.Now().In(domain.Zone)
		if d.Commune, err = s.app.CommuneLevel(ctx, d.R.Unit.ID); err != nil {
			return err
		}
	}
	for _, r := range d.R.Rows {
		d.Rows = append(d.Rows, charterReportRow{CharterReportRow: r, Events: charterEvents(c, r.Steps)})
	}
	return s.views.render(c, http.StatusOK, "charter_report", s.view(c, "charterlife.report.title", d))
}

// charterEvents describes a charter's steps of a year in a line each, for the report.
func charterEvents(c echo.Context, steps []domain.CharterStepRecord) []string {
	var out []string
	for _, st := range steps {
		line := httpx.T(c, "charter.step."+string(st.Step))
		day := st.CreatedAt
		if st.DocDate != nil {
			day = *st.DocDate
		}
		line = formatDate(day) + " – " + line
		if st.DocNumber != "" {
			line += " (" + st.DocNumber + ")"
		}
		if st.Scope == domain.ScopePart && st.Articles != "" {
			line += ": " + st.Articles
		}
		out = append(out, line)
	}
	return out
}

// chartersFeed is the Atom feed of the decisions on the hương ước and quy ước of a unit and
// the units under it (?unit=CODE), or of every unit: recognitions, refusals, suspensions,
// amendments and annulments, newest first, in Vietnamese like the other feeds.
func (s *Server) chartersFeed(c echo.Context) error {
	unit, items, err := s.app.CharterFeed(c.Request().Context(), strings.TrimSpace(c.QueryParam("unit")))
	if err != nil {
		return err
	}
	const lang = i18n.VI
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	self := base + c.Request().URL.Path
	title, author := i18n.T(lang, "charterlife.feed.title"), i18n.T(lang, "app.name")
	if unit != nil {
		self += "?unit=" + url.QueryEscape(unit.Code)
		title, author = i18n.T(lang, "charterlife.feed.unit", unit.Name), unit.Name
	}
	f := &atomFeed{Lang: lang, ID: self, Title: atomText{Type: "text", Text: title}, Author: atomPerson{Name: author},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: base + "/"}}}
	host := "localhost"
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	newest := s.started
	if unit != nil && !unit.CreatedAt.IsZero() {
		newest = unit.CreatedAt
	}
	if len(items) > 0 {
		newest = items[0].Step.CreatedAt
	}
	for _, it := range items {
		st := it.Step
		day := st.CreatedAt
		if st.DocDate != nil {
			day = *st.DocDate
		}
		lines := []string{joinNonEmpty(" · ", it.UnitName, i18n.T(lang, "kind."+string(it.Kind)), formatDate(day))}
		if st.DocNumber != "" {
			lines = append(lines, i18n.T(lang, "charter.detail.document", st.DocNumber, formatDate(day)))
		}
		switch st.Scope {
		case domain.ScopeWhole:
			lines = append(lines, i18n.T(lang, "charterlife.detail.scope_whole"))
		case domain.ScopePart:
			lines = append(lines, i18n.T(lang, "charterlife.detail.scope_part", st.Articles))
		}
		if st.Reasons != "" {
			lines = append(lines, i18n.T(lang, "charter.detail.reasons", st.Reasons))
		}
		if st.AmendBy != nil {
			lines = append(lines, i18n.T(lang, "charterlife.detail.amend_by", formatDate(*st.AmendBy)))
		}
		f.Entries = append(f.Entries, atomEntry{
			ID:      fmt.Sprintf("tag:%s,%s:charter-step/%d", host, st.CreatedAt.In(domain.Zone).Format("2006-01-02"), st.ID),
			Title:   atomText{Type: "text", Text: i18n.T(lang, "charter.step."+string(st.Step)) + ": " + it.Title},
			Updated: rfc3339(st.CreatedAt), Published: rfc3339(st.CreatedAt),
			Links:    []atomLink{{Rel: "alternate", Type: "text/html", Href: fmt.Sprintf("%s/c/%d", base, st.ConsultationID)}},
			Author:   atomPerson{Name: cmp.Or(it.UnitName, i18n.T(lang, "app.name"))},
			Category: atomCategory{Term: string(st.Step), Label: i18n.T(lang, "charter.step."+string(st.Step))},
			Summary:  atomText{Type: "text", Text: strings.Join(lines, "\n")},
		})
	}
	f.Updated = rfc3339(newest)
	return writeAtom(c, f)
}
