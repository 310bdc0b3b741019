package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/httpx"
)

func (s *Server) passwordPage(c echo.Context) error {
	v := s.view(c, "account.password.title", nil)
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "account_password", v)
}

// changePassword replaces the signed-in account's password. Its other sessions end with the old
// password; this one carries on under a renewed token.
func (s *Server) changePassword(c echo.Context) error {
	actor := httpx.Actor(c)
	epoch, err := s.app.ChangeOwnPassword(c.Request().Context(), actor, app.NewPassword{Current: c.FormValue("current"), New: c.FormValue("new")})
	if err != nil {
		return s.formError(c, err, "account_password", "account.password.title", nil)
	}
	actor.SessionEpoch = epoch
	if err := s.startSession(c, actor); err != nil {
		return err
	}
	s.sessions.Put(c.Request().Context(), "flash", "flash.password_changed")
	return c.Redirect(http.StatusSeeOther, "/staff/account/password")
}

// setStaffPassword is an administrator giving an account a new password.
func (s *Server) setStaffPassword(c echo.Context) error {
	return s.staffAction(c, func(id int64) error {
		return s.app.SetStaffPassword(c.Request().Context(), httpx.Actor(c), id, app.NewPassword{New: c.FormValue("new")})
	}, "flash.password_set")
}

// apiChangePassword is POST /api/v1/account/password: 204 once changed. A session that made
// the change carries on; every other one, and every bearer token, ends.
func (s *Server) apiChangePassword(c echo.Context, in app.NewPassword) error {
	actor := httpx.Actor(c)
	epoch, err := s.app.ChangeOwnPassword(c.Request().Context(), actor, in)
	if err != nil {
		return err
	}
	if s.sessions.GetInt64(c.Request().Context(), sessionStaffKey) == actor.StaffID {
		actor.SessionEpoch = epoch
		if err := s.startSession(c, actor); err != nil {
			return err
		}
	}
	return c.NoContent(http.StatusNoContent)
}
