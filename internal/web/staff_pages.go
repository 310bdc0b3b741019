package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// newFormKey returns the idempotency key a form carries, so pressing submit twice stores one opinion.
func newFormKey() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

type loginData struct {
	Email string
	Next  string
}

// safeNext keeps the post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/staff"
	}
	return next
}

func (s *Server) loginForm(c echo.Context) error {
	return s.views.render(c, http.StatusOK, "login", s.view(c, "login.title", loginData{Next: safeNext(c.QueryParam("next"))}))
}

func (s *Server) login(c echo.Context) error {
	d := loginData{Email: c.FormValue("email"), Next: safeNext(c.FormValue("next"))}
	if _, err := s.authenticate(c, d.Email, c.FormValue("password")); err != nil {
		return s.formError(c, err, "login", "login.title", d)
	}
	return c.Redirect(http.StatusSeeOther, d.Next)
}

// logout ends the session on the server, not only in the browser.
func (s *Server) logout(c echo.Context) error {
	if err := s.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

type staffHomeData struct {
	Items    []domain.Consultation
	Pending  int
	CanAudit bool
}

func (s *Server) staffHome(c echo.Context) error {
	ctx := c.Request().Context()
	actor := httpx.Actor(c)
	d := staffHomeData{CanAudit: actor.HasAny(domain.PermAudit)}
	var err error
	if d.Items, _, err = s.app.StaffConsultations(ctx, actor, 1); err != nil {
		return err
	}
	if actor.HasAny(domain.PermModerate) {
		q, err := s.app.ModerationQueue(ctx, actor, nil)
		if err != nil {
			return err
		}
		d.Pending = len(q)
	}
	v := s.view(c, "staff.title", d)
	v.Flash = flashText(c, s.sessions.PopString(ctx, "flash"))
	return s.views.render(c, http.StatusOK, "staff_home", v)
}

// consultationForm is the official's form, kept as typed.
type consultationForm struct {
	In        app.NewConsultation
	FirstDay  string
	LastDay   string
	Units     []domain.Unit
	Kinds     []domain.ConsultationKind
	MinPeriod map[domain.ConsultationKind]int
}

func (s *Server) consultationFormData(c echo.Context) (*consultationForm, error) {
	actor := httpx.Actor(c)
	ids := actor.UnitIDs(domain.PermManageConsultation)
	if len(ids) == 0 {
		return nil, domain.Errorf(domain.CodeForbidden, "error.forbidden")
	}
	units, err := s.app.Store.UnitsByIDs(c.Request().Context(), ids)
	if err != nil {
		return nil, err
	}
	f := &consultationForm{Kinds: domain.ConsultationKinds, MinPeriod: map[domain.ConsultationKind]int{}}
	for _, id := range ids {
		f.Units = append(f.Units, *units[id])
	}
	for _, k := range domain.ConsultationKinds {
		f.MinPeriod[k] = domain.MinPeriodDays(k, app.DefaultMatter(k))
	}
	return f, nil
}

func (s *Server) newConsultation(c echo.Context) error {
	f, err := s.consultationFormData(c)
	if err != nil {
		return err
	}
	today := domain.StartOfDay(s.app.Now())
	f.In.Kind = string(domain.KindHuongUoc)
	f.FirstDay = today.Format(time.DateOnly)
	f.LastDay = today.AddDate(0, 0, 30).Format(time.DateOnly)
	return s.views.render(c, http.StatusOK, "consultation_new", s.view(c, "newc.title", f))
}

func (s *Server) createConsultation(c echo.Context) error {
	f, err := s.consultationFormData(c)
	if err != nil {
		return err
	}
	f.In = app.NewConsultation{
		Title: c.FormValue("title"), Kind: c.FormValue("kind"), UnitCode: c.FormValue("unit_code"),
		Summary: c.FormValue("summary"), Text: c.FormValue("text"),
	}
	f.FirstDay, f.LastDay = c.FormValue("first_day"), c.FormValue("last_day")
	first, ferr := time.ParseInLocation(time.DateOnly, f.FirstDay, domain.Zone)
	last, lerr := time.ParseInLocation(time.DateOnly, f.LastDay, domain.Zone)
	if ferr == nil && lerr == nil {
		f.In.OpensAt, f.In.ClosesAt = domain.PeriodFromDates(first, last)
	}
	// Unparseable dates leave the period empty, so the app reports it as required, together
	// with any other mistake on the form.
	cons, err := s.app.CreateConsultation(c.Request().Context(), httpx.Actor(c), f.In)
	if err != nil {
		de := domain.AsError(err)
		if de.Code == domain.CodeInvalid {
			// The page asks for two days; the app validates a period.
			moveField(de, "opens_at", "first_day", ferr != nil)
			moveField(de, "closes_at", "last_day", lerr != nil)
		}
		return s.formError(c, de, "consultation_new", "newc.title", f)
	}
	return c.Redirect(http.StatusSeeOther, "/staff/consultations/"+strconv.FormatInt(cons.ID, 10))
}

type staffConsultationData struct {
	C         *domain.Consultation
	Phase     domain.Phase
	MinPeriod int
	Days      int
	Events    []domain.ConsultationEvent
}

func (s *Server) staffConsultationView(c echo.Context, id int64) (View, error) {
	ctx := c.Request().Context()
	cons, err := s.app.Consultation(ctx, httpx.Actor(c), id)
	if err != nil {
		return View{}, err
	}
	now := s.app.Now()
	d := staffConsultationData{C: cons, Phase: cons.PhaseAt(now), MinPeriod: domain.MinPeriodDays(cons.Kind, cons.Matter), Days: cons.PeriodDays(now)}
	if d.Events, err = s.app.Store.ConsultationEvents(ctx, id); err != nil {
		return View{}, err
	}
	v := s.view(c, "", d)
	v.Title = cons.Title
	return v, nil
}

func (s *Server) staffConsultation(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := s.staffConsultationView(c, id)
	if err != nil {
		return err
	}
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "staff_consultation", v)
}

// flashText renders a flash message kept in the session as "key" or "key|arg,arg".
func flashText(c echo.Context, stored string) string {
	if stored == "" {
		return ""
	}
	key, rest, _ := strings.Cut(stored, "|")
	var args []any
	if rest != "" {
		for _, a := range strings.Split(rest, ",") {
			args = append(args, a)
		}
	}
	return httpx.T(c, key, args...)
}

func (s *Server) publishConsultation(c echo.Context) error {
	return s.transition(c, s.app.Publish, "flash.published")
}

func (s *Server) closeConsultation(c echo.Context) error {
	return s.transition(c, s.app.Close, "flash.closed")
}

func (s *Server) transition(c echo.Context, do func(ctx context.Context, actor *domain.Actor, id int64) (*domain.Consultation, error), flash string) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := do(c.Request().Context(), httpx.Actor(c), id); err != nil {
		de := domain.AsError(err)
		if de.Code != domain.CodeInvalid && de.Code != domain.CodeConflict {
			return err
		}
		v, verr := s.staffConsultationView(c, id)
		if verr != nil {
			return verr
		}
		// This page has no form fields to point at: say what is wrong in one message.
		v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
		for _, m := range httpx.FieldMessages(de, v.L) {
			v.Message = m
		}
		return s.views.render(c, httpx.Status(de.Code), "staff_consultation", v)
	}
	s.sessions.Put(c.Request().Context(), "flash", flash)
	return c.Redirect(http.StatusSeeOther, "/staff/consultations/"+strconv.FormatInt(id, 10))
}

type queueData struct {
	Items   []domain.Opinion
	Reasons []domain.RejectReason
}

func (s *Server) moderationQueue(c echo.Context) error {
	ctx := c.Request().Context()
	var cid *int64
	if n, err := strconv.ParseInt(c.QueryParam("consultation_id"), 10, 64); err == nil {
		cid = &n
	}
	items, err := s.app.ModerationQueue(ctx, httpx.Actor(c), cid)
	if err != nil {
		return err
	}
	v := s.view(c, "queue.title", queueData{Items: items, Reasons: domain.RejectReasons})
	v.Flash = flashText(c, s.sessions.PopString(ctx, "flash"))
	return s.views.render(c, http.StatusOK, "queue", v)
}

func (s *Server) moderateOpinion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d := app.Decision{Decision: c.FormValue("decision"), Reason: c.FormValue("reason"), Note: c.FormValue("note")}
	ctx := c.Request().Context()
	if _, err := s.app.Moderate(ctx, httpx.Actor(c), id, d); err != nil {
		de := domain.AsError(err)
		if de.Code != domain.CodeInvalid && de.Code != domain.CodeConflict {
			return err
		}
		items, qerr := s.app.ModerationQueue(ctx, httpx.Actor(c), nil)
		if qerr != nil {
			return qerr
		}
		v := s.view(c, "queue.title", queueData{Items: items, Reasons: domain.RejectReasons})
		v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
		v.Errors = map[string]string{}
		for f, msg := range httpx.FieldMessages(de, v.L) {
			v.Errors[strconv.FormatInt(id, 10)+"."+f] = msg
		}
		return s.views.render(c, httpx.Status(de.Code), "queue", v)
	}
	s.sessions.Put(ctx, "flash", "flash.decided."+d.Decision)
	return c.Redirect(http.StatusSeeOther, "/staff/moderation")
}

// moveField files a validation message under the name of the field the page shows; an
// unreadable date gets the date message instead.
func moveField(de *domain.Error, from, to string, unreadable bool) {
	m, ok := de.Fields[from]
	delete(de.Fields, from)
	if unreadable {
		m, ok = domain.Message{Key: "validation.date"}, true
	}
	if ok {
		de.Fields[to] = m
	}
}
