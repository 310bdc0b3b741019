package web

// Cross-site request forgery. A forged request borrows the authority the victim's browser
// carries on its own: the session cookie. So the rule has two parts.
//
//   - Every state-changing form request must come from the portal's own pages, by the
//     browser's word: Sec-Fetch-Site "same-origin" (or "none", a request the user made by
//     hand). "same-site" is refused like "cross-site": a sibling subdomain (another commune's
//     site under the same parent domain) is another party. A browser without Fetch Metadata
//     is judged by its Origin, or failing that its Referer, against this host.
//   - A request that carries a session must also carry the session's own token, kept in the
//     server-side session (never in a cookie of its own) and compared in constant time. A
//     token is worth nothing in any other session, and a session renewed at login gets a new
//     one, so a token learnt before the login (or planted with a session id) is dead.
//
// A visitor without a session has no ambient authority to borrow, so the public forms
// (opinion, rating, the tracking code's withdraw, erase and appeal, the vote, the login form)
// need no token from them, and rendering those pages creates no session and sets no cookie:
// a public page stays one answer for everyone, which a shared cache can keep. Such a request
// must still show where it comes from; one that says nothing (no Fetch Metadata, Origin or
// Referer, which every browser of the last years sends on a form post) is refused, as the
// JSON API is the door for other clients.
//
// The JSON API keeps its own rule (crossSiteAPIWrite below, and a JSON content type in
// api.decode, which no form can send); bearer tokens are never sent by a browser on its own.

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/domain"
)

// sessionCSRFKey holds the session's anti-forgery token.
const sessionCSRFKey = "csrf_token"

// sessionCookieName is the session cookie's name. Over TLS it carries the __Host- prefix:
// the browser then accepts it only with Secure, Path=/ and no Domain, so a sibling
// subdomain cannot plant its own session id here (cookie tossing). The prefix requires
// Secure, so a plain-HTTP set-up keeps the bare name.
func sessionCookieName(secure bool) string {
	if secure {
		return "__Host-gopy_session"
	}
	return "gopy_session"
}

// provenance is what a request's headers say about the page that sent it.
type provenance int

const (
	unstated provenance = iota // no Fetch Metadata, Origin or Referer: not a browser's form
	ownSite                    // the portal's own pages, or typed by the user
	foreign                    // another site, a sibling subdomain included
)

// provenanceOf reads Sec-Fetch-Site first (browsers set it and pages cannot), then Origin,
// then Referer for browsers older than Fetch Metadata that send no Origin on a form post.
// Our pages' Referrer-Policy (same-origin) sends the Referer to ourselves.
func (s *Server) provenanceOf(r *http.Request) provenance {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return ownSite
	case "":
	default: // "same-site", "cross-site", and any value defined later
		return foreign
	}
	for _, h := range []string{"Origin", "Referer"} {
		if v := r.Header.Get(h); v != "" {
			if s.isOwnOrigin(r, v) {
				return ownSite
			}
			return foreign
		}
	}
	return unstated
}

// isOwnOrigin reports whether an Origin or Referer names this host: the request's own, or
// the configured public address (a proxy may forward another Host). An opaque origin
// ("null", from a sandboxed frame or a data: page) is never ours.
func (s *Server) isOwnOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	if u.Host == r.Host {
		return true
	}
	base, err := url.Parse(s.cfg.BaseURL)
	return err == nil && base.Host != "" && u.Scheme == base.Scheme && u.Host == base.Host
}

// refuseForgery applies the rule above to every state-changing request outside the API.
// It runs after the session is loaded and before any handler.
func (s *Server) refuseForgery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			return next(c)
		}
		if p := r.URL.Path; strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/static/") {
			return next(c)
		}
		// A missing or stale token, or a page of another site: to a user the form has expired.
		refused := domain.Errorf(domain.CodeForbidden, "error.csrf")
		from := s.provenanceOf(r)
		if from == foreign {
			return refused
		}
		ctx := r.Context()
		if s.sessions.Token(ctx) == "" {
			// No session (or one the store no longer knows): nothing to borrow.
			if from == unstated {
				return refused
			}
			return next(c)
		}
		want := s.sessions.GetString(ctx, sessionCSRFKey)
		form, err := c.FormParams()
		if err != nil {
			var he *echo.HTTPError
			if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
				return err // bodyLimit's answer: the error handler says the form is too large
			}
			return domain.Errorf(domain.CodeMalformed, "error.malformed")
		}
		got := form.Get("_csrf")
		if got == "" {
			got = r.Header.Get("X-CSRF-Token")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return refused
		}
		return next(c)
	}
}

// sessionLoadedKey marks a request whose session has been loaded: an error answered by the
// middleware before (a NUL in the path, a body too large) renders its page without one.
const sessionLoadedKey = "session_loaded"

func markSessionLoaded(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(sessionLoadedKey, true)
		return next(c)
	}
}

// csrfToken is the token a page's forms carry: the session's, made on first use. Without a
// session it is empty and none is started, so a public page sets no cookie.
func (s *Server) csrfToken(c echo.Context) string {
	if loaded, _ := c.Get(sessionLoadedKey).(bool); !loaded {
		return ""
	}
	ctx := c.Request().Context()
	if tok := s.sessions.GetString(ctx, sessionCSRFKey); tok != "" {
		return tok
	}
	if s.sessions.Token(ctx) == "" && len(s.sessions.Keys(ctx)) == 0 {
		return ""
	}
	return s.newCSRFToken(ctx)
}

func (s *Server) newCSRFToken(ctx context.Context) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	tok := base64.RawURLEncoding.EncodeToString(b)
	s.sessions.Put(ctx, sessionCSRFKey, tok)
	return tok
}

// renewSession gives the session a new id and a new token, as a login must: whatever id or
// token an attacker knew before (a planted cookie, a page they loaded) is worth nothing
// after it.
func (s *Server) renewSession(ctx context.Context) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.newCSRFToken(ctx)
	return nil
}

// crossSiteAPIWrite reports a state-changing API request that a browser sent from another
// site, a sibling subdomain included. The API takes no form token; a session cookie must not
// carry a change another site's page started.
func (s *Server) crossSiteAPIWrite(c echo.Context) bool {
	r := c.Request()
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		return false
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return s.provenanceOf(r) == foreign
}
