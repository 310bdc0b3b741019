package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// Publishing, closing and withdrawing a draft cannot be undone, so each has a page of its
// own that says what will happen and asks the official to tick a confirmation before the
// POST is carried out. It is plain HTML: it works the same without JavaScript.

// statusAction is one of the three changes an official confirms.
type statusAction struct {
	Name  string // publish, close, withdraw: the path and the message keys
	To    domain.Status
	Flash string
}

var (
	publishAction  = statusAction{Name: "publish", To: domain.StatusOpen, Flash: "flash.published"}
	closeAction    = statusAction{Name: "close", To: domain.StatusClosed, Flash: "flash.closed"}
	withdrawAction = statusAction{Name: "withdraw", To: domain.StatusWithdrawn, Flash: "flash.withdrawn"}
)

// apply makes the change through the app, which checks it.
func (s *Server) apply(c echo.Context, act statusAction, id int64, reason string) error {
	ctx, actor := c.Request().Context(), httpx.Actor(c)
	var err error
	switch act.To {
	case domain.StatusOpen:
		_, err = s.app.Publish(ctx, actor, id)
	case domain.StatusClosed:
		_, err = s.app.Close(ctx, actor, id, reason)
	default:
		_, err = s.app.Withdraw(ctx, actor, id, reason)
	}
	return err
}

// statusData is the confirmation page.
type statusData struct {
	Action string
	S      *app.StatusChange
	Reason string // as typed, kept when the page comes back
	// Refusal is why the change cannot be made now, in the reader's language.
	Refusal string
	// Law names the rule behind the minimum period, for the explanation.
	Law string
}

func (s *Server) confirmPublish(c echo.Context) error  { return s.confirmStatus(c, publishAction) }
func (s *Server) confirmClose(c echo.Context) error    { return s.confirmStatus(c, closeAction) }
func (s *Server) confirmWithdraw(c echo.Context) error { return s.confirmStatus(c, withdrawAction) }

func (s *Server) publishConsultation(c echo.Context) error  { return s.changeStatus(c, publishAction) }
func (s *Server) closeConsultation(c echo.Context) error    { return s.changeStatus(c, closeAction) }
func (s *Server) withdrawConsultation(c echo.Context) error { return s.changeStatus(c, withdrawAction) }

// statusView builds the confirmation page for the consultation in the path.
func (s *Server) statusView(c echo.Context, act statusAction, reason string) (View, error) {
	id, err := pathID(c)
	if err != nil {
		return View{}, err
	}
	sc, err := s.app.PrepareStatusChange(c.Request().Context(), httpx.Actor(c), id, act.To)
	if err != nil {
		return View{}, err
	}
	d := statusData{Action: act.Name, S: sc, Reason: reason,
		Law: httpx.T(c, "law."+domain.LawBasis(sc.C.Kind, sc.C.Matter))}
	if sc.Refused != nil {
		de := domain.AsError(sc.Refused)
		d.Refusal = httpx.T(c, de.Message.Key, de.Message.Args...)
		for _, m := range httpx.FieldMessages(de, httpx.Lang(c)) {
			d.Refusal = m
		}
	}
	v := s.view(c, "confirm."+act.Name+".title", d)
	v.Title += " · " + sc.C.Title
	return v, nil
}

func (s *Server) confirmStatus(c echo.Context, act statusAction) error {
	v, err := s.statusView(c, act, "")
	if err != nil {
		return err
	}
	return s.views.render(c, http.StatusOK, "status_change", v)
}

// changeStatus carries out a confirmed change. Without the ticked confirmation nothing
// happens and the page comes back asking for it; a refusal comes back on the same page.
func (s *Server) changeStatus(c echo.Context, act statusAction) error {
	reason := c.FormValue("reason")
	if c.FormValue("confirm") != "yes" {
		v, err := s.statusView(c, act, reason)
		if err != nil {
			return err
		}
		v.Message = httpx.T(c, "error.invalid")
		v.Errors = map[string]string{"confirm": httpx.T(c, "confirm.required")}
		return s.views.render(c, http.StatusUnprocessableEntity, "status_change", v)
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.apply(c, act, id, reason); err != nil {
		de := domain.AsError(err)
		if de.Code != domain.CodeInvalid && de.Code != domain.CodeConflict {
			return err
		}
		v, verr := s.statusView(c, act, reason)
		if verr != nil {
			return verr
		}
		v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
		v.Errors = httpx.FieldMessages(de, v.L)
		return s.views.render(c, httpx.Status(de.Code), "status_change", v)
	}
	s.sessions.Put(c.Request().Context(), "flash", act.Flash)
	return c.Redirect(http.StatusSeeOther, "/staff/consultations/"+strconv.FormatInt(id, 10))
}
