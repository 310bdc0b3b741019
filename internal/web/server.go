// Package web serves Góp Ý over HTTP: the server-rendered pages for residents and staff,
// the JSON API mounted from package api, static files, health checks, and the middleware
// around them. Every route is listed in routes.go.
package web

import (
	"github.com/gopy-vn/gopy/internal/cache"

	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/gopy-vn/gopy/internal/api"
	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/throttle"
	"github.com/gopy-vn/gopy/public"
	"github.com/gopy-vn/gopy/views"
)

// MaxBody bounds every request body: an opinion is at most a few kilobytes and a pasted
// draft a few hundred.
const MaxBody = "512K"

// MaxUploadBody bounds the bodies of the routes that take a photo or scan of a paper, or a
// draft as a Word file (uploadRoutes): the 5 MB file, the form's fields, and room to tell an
// official that a slightly larger file is too big next to the field rather than on an error
// page.
const MaxUploadBody = "8M"

// uploadRoutes are the routes allowed MaxUploadBody, by method and registered path; every
// other route keeps MaxBody.
var uploadRoutes = map[string]bool{
	"POST /staff/consultations/:id/offline": true,
	"POST /api/v1/opinions/:id/attachments": true,
	"POST /staff/consultations":             true,
	"POST /api/v1/consultations":            true,
	"POST /staff/disclosures/:id/files":     true,
}

// Server is the HTTP side of the portal.
type Server struct {
	Echo *echo.Echo
	// started is when the server was made, by the app's clock: the updated time of the
	// feed of every unit while it has no entry.
	started  time.Time
	app      *app.App
	cfg      config.Config
	sessions *scs.SessionManager
	views    *renderer
	assets   *assets
	api      *api.API

	// The guesses at secrets are counted in the database, shared by every instance of the
	// portal; opinions are counted by each instance on its own (docs/scaling.md).
	opinionLimit *throttle.Memory // per address and consultation
	accountLimit throttle.Limiter // failed logins per account and address
	addressLimit throttle.Limiter // failed logins per address
	voteLimit    throttle.Limiter // wrong voting codes per address
	trackLimit   throttle.Limiter // wrong tracking codes per address
	// pages are the public answers shared by every visitor without a session (public_cache.go).
	pages *cache.Cache[string, *cachedAnswer]
	// drafts are the rendered texts of the drafts' versions (draft_html.go).
	drafts *cache.Cache[draftKey, draftHTML]
}

// New builds the server with its middleware and routes.
func New(cfg config.Config, a *app.App) (*Server, error) {
	cfg = cfg.WithDefaults()
	as, err := newAssets(public.FS)
	if err != nil {
		return nil, err
	}
	rd, err := newRenderer(views.FS, as)
	if err != nil {
		return nil, err
	}
	sm := scs.New()
	sm.Store = a.SessionStore()
	sm.Lifetime = 12 * time.Hour
	sm.IdleTimeout = 2 * time.Hour
	sm.Cookie.Name = sessionCookieName(cfg.SecureCookies)
	sm.Cookie.Path = "/"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = ipExtractor(cfg)
	s := &Server{Echo: e, app: a, cfg: cfg, sessions: sm, views: rd, assets: as, started: a.Now().UTC(),
		opinionLimit: throttle.New(cfg.OpinionsPerHour, time.Hour),
		accountLimit: a.SharedLimiter("login-account", cfg.LoginFailures, 15*time.Minute),
		addressLimit: a.SharedLimiter("login-address", 4*cfg.LoginFailures, 15*time.Minute),
		voteLimit:    a.SharedLimiter("vote-code", voteFailures, voteFailureWindow),
		trackLimit:   a.SharedLimiter("tracking-code", trackFailures, trackFailureWindow),
		pages:        newPublicCache(a.Changes()),
		drafts:       newDraftCache(a.Changes()),
	}
	s.api = &api.API{App: a, Login: s.apiLogin, LimitOpinions: s.limitOpinions, LimitCodeGuesses: s.limitCodeGuesses,
		LimitRatings: s.limitRatings, ChangePassword: s.apiChangePassword, BaseURL: cfg.BaseURL,
		LimitHouseholdCodes: s.limitHouseholdCodes,
		LimitQuestions:      s.limitPerAddress("dialogue|"), LimitSupports: s.limitPerAddress("support|")}
	e.HTTPErrorHandler = s.handleError
	s.middleware()
	s.routes()
	return s, nil
}

func (s *Server) middleware() {
	e := s.Echo
	e.Use(middleware.RequestID())
	e.Use(s.logRequests)
	e.Use(middleware.Recover())
	e.Use(s.securityHeaders)
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.SetRequest(c.Request().WithContext(app.WithClientIP(c.Request().Context(), c.RealIP())))
			return next(c)
		}
	})
	e.Use(unescapeParams)
	e.Use(refuseNUL)
	e.Use(bodyLimit())
	e.Use(s.negotiateLanguage)
	e.Use(s.publicCache) // public_cache.go; before gzip, as it keeps its answers compressed
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024, Skipper: func(c echo.Context) bool {
		skip, _ := c.Get(skipGzipKey).(bool)
		return skip
	}}))
	e.Use(echo.WrapMiddleware(s.sessions.LoadAndSave))
	e.Use(markSessionLoaded)
	e.Use(s.loadActor)
	e.Use(noStoreForStaff)
	// Forms: fetch metadata and the session's token (csrf.go). The JSON API has its own
	// rule (loadActor and api.decode); health checks and static files change nothing.
	e.Use(s.refuseForgery)
}

// noStoreForStaff keeps every staff answer out of caches, the browser's included: a page or
// JSON answer for a signed-in account, the staff pages and the login form. A shared computer
// in a commune office must not show the next person what the last one saw. Every other
// answer is private, kept by the visitor's browser alone, unless it is one of the public
// answers shared by all (public_cache.go) or a static file: a shared cache must never hand
// one resident's form, with its idempotency key, or tracking page to another.
func noStoreForStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := c.Request().URL.Path
		if httpx.Actor(c) != nil || strings.HasPrefix(p, "/staff") || strings.HasPrefix(p, "/login") {
			c.Response().Header().Set("Cache-Control", "no-store")
		} else {
			c.Response().Header().Set("Cache-Control", privateCacheControl)
		}
		return next(c)
	}
}

// unescapeParams gives handlers the named path parameters as typed. The router matches the
// escaped path, so a tracking code typed with a character the browser escapes ("%22") would
// otherwise reach the handler, and be shown back, still escaped. The wildcard of /static/*
// is left as it is: the file server cleans its own path.
func unescapeParams(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		names, values := c.ParamNames(), c.ParamValues()
		changed := false
		for i, v := range values {
			if i < len(names) && names[i] != "*" && strings.Contains(v, "%") {
				if u, err := url.PathUnescape(v); err == nil {
					values[i], changed = u, true
				}
			}
		}
		if changed {
			c.SetParamValues(values...)
		}
		return next(c)
	}
}

// refuseNUL answers 400 to a request with a NUL character in its path or query, where the
// codes and filters that look things up travel: no stored code holds one, and PostgreSQL
// refuses one in TEXT. (A NUL in a form or JSON field is either dropped with the other control
// characters of citizen text, or refused by the database and answered 400 by app.wrap.)
func refuseNUL(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		bad := strings.ContainsRune(c.Request().URL.Path, 0) || slices.ContainsFunc(c.ParamValues(), hasNUL)
		for _, vs := range c.QueryParams() {
			bad = bad || slices.ContainsFunc(vs, hasNUL)
		}
		if bad {
			return domain.Errorf(domain.CodeMalformed, "error.nul")
		}
		return next(c)
	}
}

func hasNUL(s string) bool { return strings.ContainsRune(s, 0) }

// bodyLimit applies MaxBody, or MaxUploadBody on the upload routes. It runs with the other
// middleware, after routing (so the route is known) and before anything reads the body: the
// CSRF check reads a form, and a limit set on the route itself would come after it.
func bodyLimit() echo.MiddlewareFunc {
	small, large := middleware.BodyLimit(MaxBody), middleware.BodyLimit(MaxUploadBody)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		smallNext, largeNext := small(next), large(next)
		return func(c echo.Context) error {
			if uploadRoutes[c.Request().Method+" "+c.Path()] {
				return largeNext(c)
			}
			return smallNext(c)
		}
	}
}

// ipExtractor decides whose address a request comes from. Without configured proxies it is
// the connection's peer: X-Forwarded-For from anyone would let a client pick its own address
// and walk around every rate limit.
func ipExtractor(cfg config.Config) echo.IPExtractor {
	if len(cfg.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range cfg.TrustedProxies {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// securityHeaders sets the headers every response carries. The pages use no inline script
// or style, so the policy can forbid both; only the configured commune portals may frame them.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	ancestors := strings.Join(append([]string{"'self'"}, s.cfg.FrameAncestors...), " ")
	csp := "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
		"form-action 'self'; frame-ancestors " + ancestors + "; base-uri 'none'; object-src 'none'"
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		// The portal uses no camera, microphone, location or payment; a page of another
		// origin gets no handle on its windows, nor loads its resources.
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if len(s.cfg.FrameAncestors) == 0 {
			// Older browsers know only this header, which cannot list other sites.
			h.Set("X-Frame-Options", "SAMEORIGIN")
		}
		if s.cfg.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

// limitOpinions caps opinion submissions per address and consultation, answering 429 with
// Retry-After once the hour's allowance is used.
func (s *Server) limitOpinions(next echo.HandlerFunc) echo.HandlerFunc {
	return s.limitPerAddress("")(next)
}

// limitPerAddress caps, in the opinion limiter's window, what an address sends to the object
// of the path's :id; prefix keeps one kind of submission (questions to a dialogue, support)
// from using up another's allowance.
func (s *Server) limitPerAddress(prefix string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			// The object as a number, so "01" or "+1" is not a fresh allowance.
			id := c.Param("id")
			if n, err := strconv.ParseInt(id, 10, 64); err == nil {
				id = strconv.FormatInt(n, 10)
			}
			if ok, retry, _ := s.opinionLimit.Allow(c.Request().Context(), prefix+clientKey(c)+"|"+id); !ok {
				return rateLimited(c, retry)
			}
			return next(c)
		}
	}
}

func rateLimited(c echo.Context, retry time.Duration) error {
	c.Response().Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())+1))
	return domain.Errorf(domain.CodeRateLimited, "error.rate_limited")
}

// authenticate checks a login under the throttles (attempts.go): the attempt is counted
// before the password is checked, and given back when it was right. For an account with a
// second factor it starts no session and returns the actor with app.ErrCodeNeeded.
func (s *Server) authenticate(c echo.Context, email, password string) (*domain.Actor, error) {
	try, err := s.loginAttempt(c, email)
	if err != nil {
		return nil, err
	}
	actor, err := s.app.Login(c.Request().Context(), email, password)
	switch {
	case app.IsCodeNeeded(err):
		// A right password, but no login until the code is right too (totp_pages.go): the
		// failures counted so far stand.
		try.notAGuess(c)
	case err == nil:
		try.succeeded(c)
	case !domain.IsCode(err, domain.CodeUnauthorized):
		try.notAGuess(c) // the answer said nothing of the password: the server was busy
	}
	if err != nil {
		return actor, err
	}
	return actor, s.startSession(c, actor)
}

// logRequests writes one structured line per request, with its request id.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		level := slog.LevelInfo
		if res.Status >= 500 {
			level = slog.LevelError
		}
		slog.Log(req.Context(), level, "request",
			"id", res.Header().Get(echo.HeaderXRequestID), "method", req.Method, "path", req.URL.Path,
			"status", res.Status, "bytes", res.Size, "duration_ms", time.Since(start).Milliseconds())
		return nil
	}
}

// negotiateLanguage picks Vietnamese or English from ?lang=, the lang cookie or
// Accept-Language, and remembers an explicit choice.
func (s *Server) negotiateLanguage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		choice := c.QueryParam("lang")
		if choice == i18n.VI || choice == i18n.EN {
			c.SetCookie(&http.Cookie{Name: "lang", Value: choice, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
		} else if ck, err := c.Cookie("lang"); err == nil {
			choice = ck.Value
		}
		httpx.SetLang(c, i18n.Negotiate(choice, c.Request().Header.Get("Accept-Language")))
		return next(c)
	}
}

const (
	sessionStaffKey = "staff_id"
	sessionEpochKey = "staff_epoch" // the account's session epoch at login (app.SessionActor)
)

// loadActor finds the staff member of a request: a bearer token for API clients, else the
// session cookie.
func (s *Server) loadActor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if h := c.Request().Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			actor, err := s.app.ActorByToken(ctx, strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")))
			if err != nil {
				return err
			}
			httpx.SetActor(c, actor)
		} else if id := s.sessions.GetInt64(ctx, sessionStaffKey); id != 0 {
			if s.crossSiteAPIWrite(c) {
				// Forms are covered by refuseForgery; the API is not, so a cookie must not
				// carry a change that another site's page started.
				return domain.Errorf(domain.CodeForbidden, "error.csrf")
			}
			if actor, err := s.app.SessionActor(ctx, id, s.sessions.GetInt64(ctx, sessionEpochKey)); err == nil {
				httpx.SetActor(c, actor)
			}
		}
		return next(c)
	}
}

// startSession signs a staff member in, renewing the session id and its anti-forgery token
// against fixation.
func (s *Server) startSession(c echo.Context, actor *domain.Actor) error {
	ctx := c.Request().Context()
	if err := s.renewSession(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionStaffKey, actor.StaffID)
	s.sessions.Put(ctx, sessionEpochKey, actor.SessionEpoch)
	httpx.SetActor(c, actor)
	return nil
}

// requireStaff guards staff routes: pages redirect to the login form, the API answers 401.
func (s *Server) requireStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if httpx.Actor(c) == nil {
			if strings.HasPrefix(c.Request().URL.Path, "/api/") {
				return domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
			}
			return c.Redirect(http.StatusSeeOther, "/login?next="+c.Request().URL.Path)
		}
		return next(c)
	}
}

// handleError is the one place errors become responses: JSON under /api/, a page elsewhere.
// Internal details go to the log, never to the client.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	de := httpx.FromHTTP(err)
	status := httpx.Status(de.Code)
	if de.Code == domain.CodeInternal || de.Code == domain.CodeUnavailable {
		slog.ErrorContext(c.Request().Context(), "request failed", "path", c.Request().URL.Path,
			"id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
	}
	if de.Code == domain.CodeUnavailable {
		c.Response().Header().Set("Retry-After", "5")
	}
	lang := httpx.Lang(c)
	if strings.HasPrefix(c.Request().URL.Path, "/api/") || c.Request().URL.Path == "/readyz" {
		_ = c.JSON(status, httpx.Body(de, lang))
		return
	}
	// A missing page is named so ("Không tìm thấy…"); "Có lỗi xảy ra" would tell a resident
	// who mistyped an address that the portal is broken.
	title := "error.title"
	if de.Code == domain.CodeNotFound {
		title = "error.title_not_found"
	}
	v := s.view(c, title, nil)
	v.Message = i18n.T(lang, de.Message.Key, de.Message.Args...)
	if rerr := s.views.render(c, status, "error", v); rerr != nil {
		slog.Error("render error page", "err", rerr)
		_ = c.String(status, v.Message)
	}
}

// Start listens on the configured address until ctx ends, then shuts down gracefully:
// new connections are refused and in-flight requests get ShutdownTimeout to finish.
func (s *Server) Start(ctx context.Context) error {
	srv := &http.Server{
		Addr:              s.cfg.Addr,
		Handler:           s.Echo,
		ReadHeaderTimeout: s.cfg.HTTP.ReadHeader,
		ReadTimeout:       s.cfg.HTTP.Read,
		WriteTimeout:      s.cfg.HTTP.Write,
		IdleTimeout:       s.cfg.HTTP.Idle,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	slog.Info("shutting down")
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
