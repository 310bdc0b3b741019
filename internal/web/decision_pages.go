package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// decisionData is the page where an official records the decision on each part of the draft
// that received opinions. Input and Errors keep a refused form's entry, by section.
type decisionData struct {
	R         *app.Report
	Parts     []app.ReportSection
	Decisions []domain.DecisionOnText
	Input     map[int64]app.NewDecision
	// CanDecide shows the forms to the consultation's officials; others read the decisions.
	CanDecide bool
}

func (s *Server) decisionView(c echo.Context, id int64) (View, *decisionData, error) {
	r, err := s.app.Report(c.Request().Context(), httpx.Actor(c), id, "")
	if err != nil {
		return View{}, nil, err
	}
	d := &decisionData{R: r, Decisions: domain.Decisions, Input: map[int64]app.NewDecision{},
		CanDecide: s.app.Permits(c.Request().Context(), httpx.Actor(c), domain.PermManageConsultation, id)}
	for _, sec := range r.Sections {
		if sec.General || (sec.Counts.Total == 0 && sec.Decision == nil) {
			continue
		}
		d.Parts = append(d.Parts, sec)
		if sec.Decision != nil {
			d.Input[sec.ID] = app.NewDecision{SectionID: sec.ID, Decision: string(sec.Decision.Decision), Reason: sec.Decision.Reason}
		}
	}
	v := s.view(c, "decisions.title", d)
	return v, d, nil
}

func (s *Server) decisionSheet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, _, err := s.decisionView(c, id)
	if err != nil {
		return err
	}
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "decisions", v)
}

// decideArticle records one part's decision; a refused one comes back on the same page with
// the official's entry kept and the message beside the field.
func (s *Server) decideArticle(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.NewDecision{Decision: c.FormValue("decision"), Reason: c.FormValue("reason")}
	in.SectionID, _ = strconv.ParseInt(c.FormValue("section_id"), 10, 64)
	if _, err := s.app.DecideArticle(c.Request().Context(), httpx.Actor(c), id, in); err != nil {
		de := domain.AsError(err)
		if de.Code != domain.CodeInvalid && de.Code != domain.CodeConflict {
			return err
		}
		v, d, verr := s.decisionView(c, id)
		if verr != nil {
			return verr
		}
		d.Input[in.SectionID] = in
		v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
		// Every part has its own form: the field names carry the section, so the message
		// and the summary's link land on the form that was refused.
		v.Errors = map[string]string{}
		for f, m := range httpx.FieldMessages(de, v.L) {
			v.Errors[f+"-"+strconv.FormatInt(in.SectionID, 10)] = m
		}
		return s.views.render(c, httpx.Status(de.Code), "decisions", v)
	}
	s.sessions.Put(c.Request().Context(), "flash", "flash.decision_saved")
	return c.Redirect(http.StatusSeeOther, "/staff/consultations/"+strconv.FormatInt(id, 10)+"/decisions#part-"+strconv.FormatInt(in.SectionID, 10))
}
