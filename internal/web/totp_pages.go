package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// A login with a second factor takes two forms. After the right password the session holds
// only who is halfway in (never sessionStaffKey), when, and where to go next; the code form
// then completes the login, renewing the session token. The halfway state lasts five
// minutes, and wrong codes count against the same throttles as wrong passwords.
const (
	sessionPendingKey  = "totp_pending_staff_id"
	sessionPendingAt   = "totp_pending_at" // Unix seconds, by the app's clock
	sessionPendingNext = "totp_pending_next"
	pendingTTL         = 5 * time.Minute
)

// askForCode remembers that actor gave the right password and sends them to the code form.
func (s *Server) askForCode(c echo.Context, actor *domain.Actor, next string) error {
	ctx := c.Request().Context()
	if err := s.renewSession(ctx); err != nil {
		return err
	}
	s.sessions.Remove(ctx, sessionStaffKey) // whoever was signed in here is no longer
	s.sessions.Put(ctx, sessionPendingKey, actor.StaffID)
	s.sessions.Put(ctx, sessionPendingAt, s.app.Now().Unix())
	s.sessions.Put(ctx, sessionPendingNext, next)
	return c.Redirect(http.StatusSeeOther, "/login/totp")
}

// pendingLogin returns the account halfway through logging in, or 0. An expired one is
// forgotten and reported as expired.
func (s *Server) pendingLogin(c echo.Context) (staffID int64, next string, expired bool) {
	ctx := c.Request().Context()
	staffID = s.sessions.GetInt64(ctx, sessionPendingKey)
	if staffID == 0 {
		return 0, "", false
	}
	next = safeNext(s.sessions.GetString(ctx, sessionPendingNext))
	since := time.Unix(s.sessions.GetInt64(ctx, sessionPendingAt), 0)
	if s.app.Now().Sub(since) > pendingTTL {
		clearPending(ctx, s)
		return 0, next, true
	}
	return staffID, next, false
}

func clearPending(ctx context.Context, s *Server) {
	s.sessions.Remove(ctx, sessionPendingKey)
	s.sessions.Remove(ctx, sessionPendingAt)
	s.sessions.Remove(ctx, sessionPendingNext)
}

// loginAgain shows the login form with the reason the code step cannot go on.
func (s *Server) loginAgain(c echo.Context, next, key string) error {
	return s.formError(c, domain.Errorf(domain.CodeUnauthorized, key), "login", "login.title", loginData{Next: next})
}

func (s *Server) loginCodeForm(c echo.Context) error {
	id, next, expired := s.pendingLogin(c)
	if expired {
		return s.loginAgain(c, next, "error.totp_expired")
	}
	if id == 0 {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	return s.views.render(c, http.StatusOK, "login_totp", s.view(c, "login.totp.title", nil))
}

func (s *Server) loginCode(c echo.Context) error {
	id, next, expired := s.pendingLogin(c)
	if expired {
		return s.loginAgain(c, next, "error.totp_expired")
	}
	if id == 0 {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	actor, err := s.app.ActorByID(c.Request().Context(), id)
	if err != nil { // disabled meanwhile
		clearPending(c.Request().Context(), s)
		return s.loginAgain(c, next, "error.login_failed")
	}
	if _, err := s.secondFactor(c, actor, c.FormValue("code")); err != nil {
		return s.formError(c, err, "login_totp", "login.totp.title", nil)
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// secondFactor checks the code of a login whose password was right, under the login
// throttles: a locked account or address is refused before the code is checked, and each
// wrong code counts against both. A right code starts the session.
func (s *Server) secondFactor(c echo.Context, actor *domain.Actor, code string) (*domain.Actor, error) {
	try, err := s.loginAttempt(c, actor.Email)
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	actor, err = s.app.LoginWithCode(ctx, actor.StaffID, code)
	if err != nil {
		if !domain.IsCode(err, domain.CodeUnauthorized) {
			try.notAGuess(c)
		}
		return nil, err
	}
	try.succeeded(c)
	clearPending(ctx, s)
	return actor, s.startSession(c, actor)
}

// apiLogin is the login of POST /api/v1/session: the password and, for an account with a
// second factor, the code in one request. Without a code it answers app.ErrCodeNeeded.
func (s *Server) apiLogin(c echo.Context, email, password, otp string) (*domain.Actor, error) {
	actor, err := s.authenticate(c, email, password)
	if !app.IsCodeNeeded(err) {
		return actor, err
	}
	if strings.TrimSpace(otp) == "" {
		return nil, err
	}
	actor, err = s.secondFactor(c, actor, otp)
	if err != nil {
		de := domain.AsError(err)
		moveField(de, "code", "otp", false) // the API's name for the field
		return nil, de
	}
	return actor, nil
}

// totpData is the set-up page: the state, and the pending secret in groups of four
// characters, easier to type into a phone.
type totpData struct {
	State  *app.TOTPState
	Groups []string
}

func (s *Server) totpPage(c echo.Context) error {
	return s.renderTOTP(c, nil)
}

// renderTOTP shows the set-up page, with the error of a failed form if there is one.
func (s *Server) renderTOTP(c echo.Context, failed error) error {
	ctx := c.Request().Context()
	state, err := s.app.TOTPSetup(ctx, httpx.Actor(c))
	if err != nil {
		return err
	}
	d := totpData{State: state, Groups: groupsOf(state.Secret, 4)}
	if failed != nil {
		return s.formError(c, failed, "totp", "totp.title", d)
	}
	v := s.view(c, "totp.title", d)
	v.Flash = flashText(c, s.sessions.PopString(ctx, "flash"))
	return s.views.render(c, http.StatusOK, "totp", v)
}

func (s *Server) enableTOTP(c echo.Context) error {
	if err := s.app.EnableTOTP(c.Request().Context(), httpx.Actor(c), c.FormValue("code")); err != nil {
		return s.renderTOTP(c, err)
	}
	s.sessions.Put(c.Request().Context(), "flash", "flash.totp_enabled")
	return c.Redirect(http.StatusSeeOther, "/staff/account/totp")
}

// disableTOTP switches the second factor off. Its code guards access like a login's, so it is
// throttled the same way: a stolen session cannot try codes at full speed.
func (s *Server) disableTOTP(c echo.Context) error {
	actor := httpx.Actor(c)
	try, err := s.loginAttempt(c, actor.Email)
	if err != nil {
		return s.renderTOTP(c, err)
	}
	if err := s.app.DisableTOTP(c.Request().Context(), actor, c.FormValue("code")); err != nil {
		if !domain.IsCode(err, domain.CodeUnauthorized) {
			try.notAGuess(c)
		}
		return s.renderTOTP(c, err)
	}
	try.succeeded(c)
	s.sessions.Put(c.Request().Context(), "flash", "flash.totp_disabled")
	return c.Redirect(http.StatusSeeOther, "/staff/account/totp")
}

// groupsOf cuts s into groups of n characters.
func groupsOf(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}
