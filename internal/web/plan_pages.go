package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/export"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// planData is the plan page of a consult matter (Law 10/2022 art. 28(1), 28(5)): the form
// values are kept as typed when the page comes back with an error.
type planData struct {
	P                          *app.PlanView
	CouncilSentOn, FrontSentOn string
	SubmittedOn, Session       string
	Topics                     []domain.Topic
	Today                      string
}

// consultationPlan shows the plan of a consult matter and its report to the Council.
func (s *Server) consultationPlan(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.app.ConsultationPlan(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	return s.renderPlan(c, planDataOf(p), nil)
}

// planDataOf fills the plan page's forms with what is recorded.
func planDataOf(p *app.PlanView) *planData {
	d := &planData{P: p, Session: p.Plan.ReportSession, Topics: domain.Topics}
	for _, f := range []struct {
		day  *time.Time
		into *string
	}{{p.Plan.CouncilSentOn, &d.CouncilSentOn}, {p.Plan.FrontSentOn, &d.FrontSentOn}, {p.Plan.ReportSubmittedOn, &d.SubmittedOn}} {
		if f.day != nil {
			*f.into = f.day.In(domain.Zone).Format(time.DateOnly)
		}
	}
	return d
}

func (s *Server) renderPlan(c echo.Context, d *planData, err error) error {
	d.Today = s.app.Now().In(domain.Zone).Format(time.DateOnly)
	if err != nil {
		return s.formError(c, err, "plan", "plans.title", d)
	}
	v := s.view(c, "plans.title", d)
	v.Title = httpx.T(c, "plans.title") + " · " + d.P.C.Title
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "plan", v)
}

// recordPlan saves the days the plan was sent to the Council and the Front.
func (s *Server) recordPlan(c echo.Context) error {
	council, front := c.FormValue("council_sent_on"), c.FormValue("front_sent_on")
	in := app.PlanInput{CouncilSentOn: &council, FrontSentOn: &front}
	if v := c.FormValue("topic"); v != "" {
		topic, err := strconv.Atoi(v)
		if err != nil || topic < 1 {
			topic = -1 // refused by the app as an unknown item of art. 25
		}
		in.Topic = &topic
	}
	return s.planAct(c, "plans.flash.plan", func(ctx context.Context, actor *domain.Actor, id int64) error {
		_, err := s.app.RecordPlan(ctx, actor, id, in)
		return err
	}, func(d *planData) { d.CouncilSentOn, d.FrontSentOn = council, front })
}

// recordCouncilReport saves the day the report on the results went to the Council.
func (s *Server) recordCouncilReport(c echo.Context) error {
	in := app.CouncilReportInput{SubmittedOn: c.FormValue("submitted_on"), Session: c.FormValue("session")}
	return s.planAct(c, "plans.flash.report", func(ctx context.Context, actor *domain.Actor, id int64) error {
		_, err := s.app.RecordCouncilReport(ctx, actor, id, in)
		return err
	}, func(d *planData) { d.SubmittedOn, d.Session = in.SubmittedOn, in.Session })
}

// planAct runs an act on the plan and returns to its page: with a flash when done, or with
// the form as typed and the app's messages when refused.
func (s *Server) planAct(c echo.Context, flash string, do func(ctx context.Context, actor *domain.Actor, id int64) error, kept func(*planData)) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := do(ctx, httpx.Actor(c), id); err != nil {
		p, perr := s.app.ConsultationPlan(ctx, httpx.Actor(c), id)
		if perr != nil {
			return perr
		}
		d := planDataOf(p)
		kept(d)
		return s.renderPlan(c, d, err)
	}
	s.sessions.Put(ctx, "flash", flash)
	return c.Redirect(http.StatusSeeOther, "/staff/consultations/"+strconv.FormatInt(id, 10)+"/plan")
}

// councilReportData is the report to the commune People's Council, printable on A4.
type councilReportData struct {
	R      *app.CouncilReport
	Public bool
}

// councilReport is the report to the Council for staff, from the published results on.
func (s *Server) councilReport(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := s.app.CouncilReport(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	return s.renderCouncilReport(c, r, false)
}

// publicCouncilReport is the report to the Council for anyone, once it was submitted.
func (s *Server) publicCouncilReport(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := s.app.PublishedCouncilReport(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderCouncilReport(c, r, true)
}

func (s *Server) renderCouncilReport(c echo.Context, r *app.CouncilReport, public bool) error {
	v := s.view(c, "plans.report.title", councilReportData{R: r, Public: public})
	v.Title = httpx.T(c, "plans.report.title") + " · " + r.Title
	return s.views.render(c, http.StatusOK, "council_report", v)
}

// councilReportDOCX is the report to the Council as a Word document to sign.
func (s *Server) councilReportDOCX(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := s.app.CouncilReport(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	return export.SendCouncilReportDOCX(c, r)
}
