package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// formMaxAge is how long a shown opinion form stays valid: a day covers a resident who
// leaves the page open, and stops a bot from reusing one signed time forever.
const formMaxAge = 24 * time.Hour

// signStart returns the value of the opinion form's hidden "started" field: the time the form
// was shown and the consultation it is for, signed so a bot can neither backdate it nor reuse
// it on another consultation.
func (s *Server) signStart(t time.Time, consultationID int64) string {
	return s.signStartFor(t, strconv.FormatInt(consultationID, 10))
}

// signStartFor signs the time a public form was shown for what it is about: a consultation
// (its number) or anything else a resident sends a form to (its own scope, such as
// "dialogue:7"), so a signature for one never passes for another.
func (s *Server) signStartFor(t time.Time, scope string) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return ts + "." + s.mac(ts+"|"+scope)
}

func (s *Server) mac(msg string) string {
	m := hmac.New(sha256.New, s.cfg.Secret)
	m.Write([]byte("form-start:" + msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// verifyStart returns when a form for this consultation was shown, if its signature holds
// and it is not too old.
func (s *Server) verifyStart(v string, consultationID int64) (time.Time, bool) {
	return s.verifyStartFor(v, strconv.FormatInt(consultationID, 10))
}

// verifyStartFor is verifyStart for a form signed with signStartFor.
func (s *Server) verifyStartFor(v, scope string) (time.Time, bool) {
	ts, sig, ok := strings.Cut(v, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.mac(ts+"|"+scope))) {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(n, 0)) > formMaxAge {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// botCheck applies the public form's quiet defences: a field people never see (and so leave
// empty) and a minimum time to fill the form. Elderly residents never meet a CAPTCHA.
func (s *Server) botCheck(c echo.Context, consultationID int64) error {
	return s.formCheck(c, consultationID, s.cfg.MinFillTime)
}

// ratingCheck is botCheck for a satisfaction rating: a score is one click, so a person
// may send it within seconds of the page; the honeypot and the signed start still apply.
func (s *Server) ratingCheck(c echo.Context, consultationID int64) error {
	return s.formCheck(c, consultationID, 0)
}

func (s *Server) formCheck(c echo.Context, consultationID int64, minFill time.Duration) error {
	return s.formCheckFor(c, strconv.FormatInt(consultationID, 10), minFill)
}

// formCheckFor applies the quiet defences to a form signed with signStartFor.
func (s *Server) formCheckFor(c echo.Context, scope string, minFill time.Duration) error {
	if c.FormValue("website") != "" {
		return domain.Errorf(domain.CodeInvalid, "error.bot")
	}
	started, ok := s.verifyStartFor(c.FormValue("started"), scope)
	if !ok {
		return domain.Errorf(domain.CodeInvalid, "error.form_expired")
	}
	if time.Since(started) < minFill {
		return domain.Errorf(domain.CodeInvalid, "error.too_fast")
	}
	return nil
}

// withdrawOpinion withdraws an opinion once its author has ticked the confirmation: a
// withdrawal cannot be undone, and the button sits among others on the tracking page.
func (s *Server) withdrawOpinion(c echo.Context) error {
	if c.FormValue("confirm") != "yes" {
		return s.trackError(c, domain.InvalidField("confirm", "track.withdraw_unconfirmed"))
	}
	o, err := s.app.WithdrawOpinion(c.Request().Context(), c.Param("code"))
	if err != nil {
		return s.trackError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/track/"+url.PathEscape(o.TrackingCode)+"?done=withdrawn#done")
}

func (s *Server) eraseMyData(c echo.Context) error {
	o, err := s.app.EraseMyData(c.Request().Context(), c.Param("code"))
	if err != nil {
		return s.trackError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/track/"+url.PathEscape(o.TrackingCode)+"?done=erased#done")
}

// trackError shows a refused withdrawal or erasure on the tracking page itself.
func (s *Server) trackError(c echo.Context, err error) error {
	t, terr := s.app.Track(c.Request().Context(), c.Param("code"))
	if terr != nil {
		return s.trackLookupError(c, terr, trackData{Code: c.Param("code")})
	}
	return s.formError(c, err, "track", "track.title", trackData{Code: c.Param("code"), Tracked: t})
}

// trackLookupError answers a code that finds no opinion with the lookup form again, the
// code typed and the message next to it, so the resident can correct a misread character
// instead of landing on an error page.
func (s *Server) trackLookupError(c echo.Context, err error, d trackData) error {
	de := domain.AsError(err)
	if de.Code != domain.CodeNotFound {
		return s.formError(c, err, "track", "track.title", d)
	}
	d.Tracked = nil
	v := s.view(c, "track.title", d)
	v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
	v.Errors = map[string]string{"code": v.Message}
	return s.views.render(c, http.StatusNotFound, "track", v)
}

type auditData struct {
	Items []domain.AuditEntry
	Page  int
	More  bool
}

func (s *Server) auditLog(c echo.Context) error {
	d := auditData{Page: queryInt(c, "page", 1)}
	var err error
	if d.Items, d.More, err = s.app.AuditLog(c.Request().Context(), httpx.Actor(c), d.Page); err != nil {
		return err
	}
	return s.views.render(c, http.StatusOK, "audit", s.view(c, "audit.title", d))
}

type modLogData struct {
	Items []domain.ModerationLogEntry
	Page  int
	More  bool
}

func (s *Server) moderationLog(c echo.Context) error {
	d := modLogData{Page: queryInt(c, "page", 1)}
	var err error
	if d.Items, d.More, err = s.app.ModerationLogOf(c.Request().Context(), httpx.Actor(c), d.Page); err != nil {
		return err
	}
	return s.views.render(c, http.StatusOK, "moderation_log", s.view(c, "modlog.title", d))
}

func (s *Server) appeal(c echo.Context) error {
	if _, err := s.app.Appeal(c.Request().Context(), c.Param("code"), c.FormValue("text")); err != nil {
		return s.trackError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/track/"+url.PathEscape(c.Param("code"))+"?done=appealed")
}
