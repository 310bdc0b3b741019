package web_test

// Security properties of the HTTP stack as a browser or an attacker meets them: cross-site
// forms, response headers, cookie flags and session handling, throttles, the quiet bot
// checks of the opinion form, and what public pages and error answers must never show.

import (
	"context"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

const (
	sessionCookie = "gopy_session" // without TLS; "__Host-gopy_session" over TLS
	formType      = "application/x-www-form-urlencoded"
)

// viMessage is a Vietnamese message as a page shows it, HTML-escaped.
func viMessage(key string, args ...any) string {
	return html.EscapeString(i18n.T(i18n.VI, key, args...))
}

// opinionCount counts the opinions of a consultation, whatever their status.
func opinionCount(t *testing.T, st *store.Store, consultationID int64) int {
	t.Helper()
	return countRows(t, st, "opinions", fmt.Sprintf("consultation_id = %d", consultationID))
}

func consultationStatus(t *testing.T, st *store.Store, id int64) domain.Status {
	t.Helper()
	c, err := st.ConsultationByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

// hiddenInputs reads the hidden fields of a form page.
var hiddenInputs = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// postForm loads formPage and posts values to action with the page's hidden fields (CSRF
// token, idempotency key, start time) that values does not set, the headers of a form post
// from the site's own page, and extra request headers.
func postForm(t *testing.T, b *testutil.Browser, formPage, action string, values url.Values, header map[string]string) *testutil.Response {
	t.Helper()
	page := b.Get(formPage)
	if page.Status != http.StatusOK {
		t.Fatalf("form %s: status %d", formPage, page.Status)
	}
	for _, h := range hiddenInputs.FindAllStringSubmatch(page.Body, -1) {
		if _, set := values[h[1]]; !set {
			values.Set(h[1], html.UnescapeString(h[2]))
		}
	}
	hd := b.FormHeaders()
	for k, v := range header {
		hd[k] = v
	}
	return b.Do(http.MethodPost, action, strings.NewReader(values.Encode()), hd)
}

// hiddenValue returns the value of one hidden field of a page.
func hiddenValue(t *testing.T, body, name string) string {
	t.Helper()
	for _, h := range hiddenInputs.FindAllStringSubmatch(body, -1) {
		if h[1] == name {
			return html.UnescapeString(h[2])
		}
	}
	t.Fatalf("no hidden field %q", name)
	return ""
}

func opinionForm(body string) url.Values {
	return url.Values{"stance": {"agree"}, "body": {body}}
}

// ---------------------------------------------------------------------------
// Cross-site request forgery.

// TestCrossSiteFormsRefused sends the forms an attacker's page could make a visitor's browser
// send: without the CSRF token, announced as cross-site by fetch metadata (or, from an older
// browser, with only a foreign Origin). Each is refused with 403 and changes nothing, while
// the same forms from the portal's own pages, with the token, work.
func TestCrossSiteFormsRefused(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		attacks := map[string]map[string]string{
			"fetch metadata": {"Content-Type": formType, "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
			"older browser":  {"Content-Type": formType, "Origin": "https://evil.example"},
		}
		for name, h := range attacks {
			t.Run(name, func(t *testing.T) {
				c := env.OpenConsultation(t)
				// Login CSRF: the attacker's page signs the visitor in (here with a real
				// account's password, the worst case).
				visitor := env.NewBrowser(t)
				visitor.Get("/login") // a browser that has seen the portal, as the victim's has
				creds := url.Values{"email": {env.OfficialA.Email}, "password": {testutil.Password}}
				res := visitor.Do(http.MethodPost, "/login", strings.NewReader(creds.Encode()), h)
				if res.Status != http.StatusForbidden {
					t.Errorf("cross-site login: status %d, want 403", res.Status)
				}
				if got := visitor.Get("/staff"); got.Status != http.StatusSeeOther || !strings.HasPrefix(got.Header.Get("Location"), "/login") {
					t.Errorf("after a refused cross-site login /staff answered %d (location %q): the session was started", got.Status, got.Header.Get("Location"))
				}

				// An opinion planted in a resident's name.
				path := fmt.Sprintf("/c/%d/comment", c.ID)
				visitor.Get(path)
				res = visitor.Do(http.MethodPost, path, strings.NewReader(opinionForm("Ý kiến do trang lạ gửi hộ").Encode()), h)
				if res.Status != http.StatusForbidden {
					t.Errorf("cross-site opinion: status %d, want 403", res.Status)
				}
				if n := opinionCount(t, st, c.ID); n != 0 {
					t.Errorf("a refused cross-site opinion was stored (%d opinions)", n)
				}

				// A staff action in a signed-in official's name.
				official := env.NewBrowser(t)
				official.Login(env.OfficialA.Email)
				res = official.Do(http.MethodPost, fmt.Sprintf("/staff/consultations/%d/close", c.ID), strings.NewReader(""), h)
				if res.Status != http.StatusForbidden {
					t.Errorf("cross-site close: status %d, want 403", res.Status)
				}
				if s := consultationStatus(t, st, c.ID); s != domain.StatusOpen {
					t.Fatalf("a refused cross-site close changed the consultation to %s", s)
				}

				// The same through the JSON API, which an official's browser session also
				// reaches: a form cannot send JSON, so a form post must be refused there too,
				// even by an endpoint that takes no body.
				for _, action := range []string{"close", "publish"} {
					target := env.OpenConsultation(t).ID
					if action == "publish" {
						target = newDraft(t, env, "Bản nháp chống giả mạo "+name).ID
					}
					before := consultationStatus(t, st, target)
					res = official.Do(http.MethodPost, fmt.Sprintf("/api/v1/consultations/%d/%s", target, action), strings.NewReader("x=1"), h)
					if res.Status < 400 || res.Status >= 500 {
						t.Errorf("cross-site form post to the API's %s with the session cookie: status %d, want it refused (4xx)", action, res.Status)
					}
					if after := consultationStatus(t, st, target); after != before {
						t.Errorf("a cross-site form post to the API's %s changed the consultation from %s to %s", action, before, after)
					}
				}
			})
		}

		t.Run("same origin", func(t *testing.T) {
			c := env.OpenConsultation(t)
			resident := env.NewBrowser(t)
			path := fmt.Sprintf("/c/%d/comment", c.ID)
			res := postForm(t, resident, path, path, opinionForm("Ý kiến gửi từ chính trang Góp Ý"),
				map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": env.URL})
			if res.Status != http.StatusSeeOther || !codeInLocation.MatchString(res.Header.Get("Location")) {
				t.Fatalf("same-origin opinion: status %d, location %q", res.Status, res.Header.Get("Location"))
			}
			official := env.NewBrowser(t)
			official.Login(env.OfficialA.Email) // the login form, with its token
			page := fmt.Sprintf("/staff/consultations/%d", c.ID)
			realNow := env.App.Now
			env.App.Now = func() time.Time { return c.ClosesAt } // the period has run out
			if res := official.Submit(page+"/close", page+"/close", url.Values{"confirm": {"yes"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("same-origin close: status %d", res.Status)
			}
			env.App.Now = realNow
			if s := consultationStatus(t, st, c.ID); s != domain.StatusClosed {
				t.Fatalf("after the official's close: %s", s)
			}
			// The portal's own script may still write through the API on the session cookie.
			draft := newDraft(t, env, "Bản nháp công bố qua API")
			res = official.JSON(http.MethodPost, fmt.Sprintf("/api/v1/consultations/%d/publish", draft.ID), "",
				map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": env.URL})
			if res.Status != http.StatusOK {
				t.Fatalf("same-origin API publish on the session cookie: status %d\n%s", res.Status, res.Body)
			}
			if s := consultationStatus(t, st, draft.ID); s != domain.StatusOpen {
				t.Fatalf("after the same-origin API publish: %s", s)
			}
		})
	})
}

// newDraft creates a draft consultation of commune A that could be published at once.
func newDraft(t *testing.T, env *testutil.Env, title string) *domain.Consultation {
	t.Helper()
	opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
	c, err := env.App.CreateConsultation(context.Background(), env.OfficialA, app.NewConsultation{
		Title: title, Kind: "huong_uoc", UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ---------------------------------------------------------------------------
// Response headers.

var staticCSS = regexp.MustCompile(`href="(/static/[^"]+\.css)"`)

// TestSecurityHeaders checks the headers of a page, an API answer, a static file and an
// error page: a content security policy without inline code that lets only the portal
// itself (or the configured commune portals) frame it, no MIME sniffing, a referrer policy,
// and HSTS exactly when the cookies are secure.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		framed := testutil.StartServerWith(t, testutil.NewStore(t, st.Dialect()), func(c *config.Config) {
			c.FrameAncestors = []string{"https://xa-anbinh.example.gov.vn"}
			c.SecureCookies = true
		})
		for _, tc := range []struct {
			name      string
			env       *testutil.Env
			ancestors []string
			secure    bool
		}{
			{"defaults", env, nil, false},
			{"frame ancestors and secure cookies", framed, []string{"https://xa-anbinh.example.gov.vn"}, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				b := tc.env.NewBrowser(t)
				home := b.Get("/")
				css := staticCSS.FindStringSubmatch(home.Body)
				if css == nil {
					t.Fatal("the home page links no stylesheet")
				}
				for _, path := range []string{"/", "/login", "/api/v1/consultations", css[1], "/khong-co-trang-nay", "/api/v1/khong-co"} {
					res := b.Get(path)
					if path == css[1] && (res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css")) {
						t.Errorf("%s: status %d, type %q", path, res.Status, res.Header.Get("Content-Type"))
					}
					checkSecurityHeaders(t, path, res.Header, tc.ancestors, tc.secure)
				}
			})
		}
	})
}

func checkSecurityHeaders(t *testing.T, path string, h http.Header, ancestors []string, secure bool) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	if csp == "" {
		t.Errorf("%s: no Content-Security-Policy", path)
	}
	for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("%s: Content-Security-Policy allows %s: %q", path, bad, csp)
		}
	}
	var frame []string
	for _, d := range strings.Split(csp, ";") {
		if f := strings.Fields(d); len(f) > 0 && f[0] == "frame-ancestors" {
			frame = f[1:]
		}
	}
	wantFrame := append([]string{"'self'"}, ancestors...)
	if strings.Join(frame, " ") != strings.Join(wantFrame, " ") {
		t.Errorf("%s: frame-ancestors %q, want %q", path, frame, wantFrame)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", path, got)
	}
	switch got := h.Get("Referrer-Policy"); got {
	case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
	default:
		t.Errorf("%s: Referrer-Policy %q", path, got)
	}
	xfo := h.Get("X-Frame-Options")
	if len(ancestors) == 0 && xfo != "SAMEORIGIN" && xfo != "DENY" {
		t.Errorf("%s: X-Frame-Options %q, want SAMEORIGIN", path, xfo)
	}
	if len(ancestors) > 0 && xfo != "" {
		// Browsers that know both obey X-Frame-Options, which would forbid the commune portals.
		t.Errorf("%s: X-Frame-Options %q sent although other sites may frame the portal", path, xfo)
	}
	hsts := h.Get("Strict-Transport-Security")
	switch {
	case secure && !strings.HasPrefix(hsts, "max-age="):
		t.Errorf("%s: Strict-Transport-Security %q with secure cookies", path, hsts)
	case secure:
		if age, err := strconv.Atoi(strings.TrimPrefix(strings.Split(hsts, ";")[0], "max-age=")); err != nil || age < 180*24*3600 {
			t.Errorf("%s: Strict-Transport-Security %q: max-age under half a year", path, hsts)
		}
	case hsts != "":
		t.Errorf("%s: Strict-Transport-Security %q on a plain-HTTP set-up", path, hsts)
	}
}

// ---------------------------------------------------------------------------
// Cookies and sessions.

func setCookie(res *testutil.Response, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func checkCookie(t *testing.T, what string, c *http.Cookie, secure bool) {
	t.Helper()
	if c == nil {
		t.Errorf("%s: not set", what)
		return
	}
	if !c.HttpOnly {
		t.Errorf("%s: not HttpOnly", what)
	}
	if c.SameSite != http.SameSiteLaxMode && c.SameSite != http.SameSiteStrictMode {
		t.Errorf("%s: SameSite %v, want Lax", what, c.SameSite)
	}
	if c.Secure != secure {
		t.Errorf("%s: Secure %v, want %v", what, c.Secure, secure)
	}
	if c.Path != "/" {
		t.Errorf("%s: path %q, want /", what, c.Path)
	}
	if c.Domain != "" {
		t.Errorf("%s: Domain %q, want a host-only cookie", what, c.Domain)
	}
}

// TestCookieFlags checks the session and language cookies: HttpOnly, SameSite=Lax, host-only
// with Path=/, and Secure exactly when the portal is served over HTTPS. Over HTTPS the
// session cookie carries the __Host- prefix, so no sibling subdomain can plant one; without
// TLS the prefix is impossible (it requires Secure) and the bare name stays. No page sets a
// CSRF cookie: the token lives in the server-side session.
func TestCookieFlags(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		plain := testutil.StartServer(t, st)
		secure := testutil.StartTLSServer(t, testutil.NewStore(t, st.Dialect()))
		for _, tc := range []struct {
			scheme, session string
			env             *testutil.Env
			secure          bool
		}{{"http", "gopy_session", plain, false}, {"https", "__Host-gopy_session", secure, true}} {
			t.Run(tc.scheme, func(t *testing.T) {
				if !strings.HasPrefix(tc.env.URL, tc.scheme+"://") {
					t.Fatalf("the %s server is at %s", tc.scheme, tc.env.URL)
				}
				b := tc.env.NewBrowser(t)
				if res := b.Get("/login"); len(res.Header.Values("Set-Cookie")) != 0 {
					t.Errorf("the login form sets cookies for a visitor: %q", res.Header.Values("Set-Cookie"))
				}
				checkCookie(t, "language cookie", setCookie(b.Get("/?lang=en"), "lang"), tc.secure)

				res := b.JSON(http.MethodPost, "/api/v1/session",
					fmt.Sprintf(`{"email":%q,"password":%q}`, tc.env.OfficialA.Email, testutil.Password), nil)
				if res.Status != http.StatusOK {
					t.Fatalf("API login: %d", res.Status)
				}
				checkCookie(t, "session cookie (API login)", setCookie(res, tc.session), tc.secure)

				web := tc.env.NewBrowser(t)
				res = web.Submit("/login", "/login", url.Values{"email": {tc.env.ModeratorA.Email}, "password": {testutil.Password}})
				if res.Status != http.StatusSeeOther {
					t.Fatalf("login: %d", res.Status)
				}
				set := res.Header.Values("Set-Cookie")
				if len(set) != 1 {
					t.Errorf("the login sets %q, want the one session cookie", set)
				}
				checkCookie(t, "session cookie (login form)", setCookie(res, tc.session), tc.secure)
				// The browser sends it back (over TLS only, being Secure) and stays signed in.
				if res := web.Get("/staff"); res.Status != http.StatusOK {
					t.Errorf("/staff after the login: %d", res.Status)
				}
			})
		}
	})
}

// sessionID returns the session cookie a browser holds, or "".
func sessionID(t *testing.T, env *testutil.Env, b *testutil.Browser) string {
	t.Helper()
	u, err := url.Parse(env.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range b.Client.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}

// replay makes a request from a new client that presents only the given session id.
func replay(t *testing.T, env *testutil.Env, method, path, id string) *testutil.Response {
	t.Helper()
	return env.NewBrowser(t).Do(method, path, nil, map[string]string{"Cookie": sessionCookie + "=" + id})
}

func signedOut(res *testutil.Response) bool {
	return res.Status == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login")
}

// TestSessionFixationAndLogout checks that logging in always issues a new session id, so an
// id planted in a browser beforehand never becomes a signed-in session, and that logout
// ends the session on the server: the old id, replayed from another client, is worth nothing.
func TestSessionFixationAndLogout(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)

		// An id the attacker made up.
		b := env.NewBrowser(t)
		u, _ := url.Parse(env.URL)
		planted := "vao-tu-truoc-bang-cookie-do-ke-gian-dat-san-0123456789"
		b.Client.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: planted, Path: "/"}})
		b.Login(env.OfficialA.Email)
		if got := sessionID(t, env, b); got == "" || got == planted {
			t.Fatalf("after login the session id is %q (planted %q)", got, planted)
		}
		if res := replay(t, env, http.MethodGet, "/staff", planted); !signedOut(res) {
			t.Fatalf("the planted id signs in: %d", res.Status)
		}

		// A real session the attacker holds (their own account), planted in the victim's
		// browser: the victim's login must not upgrade it.
		attacker := env.NewBrowser(t)
		attacker.Login(env.ObserverA.Email)
		theirs := sessionID(t, env, attacker)
		victim := env.NewBrowser(t)
		victim.Client.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: theirs, Path: "/"}})
		victim.Login(env.OfficialA.Email)
		mine := sessionID(t, env, victim)
		if mine == "" || mine == theirs {
			t.Fatalf("login kept the session id it was given (%q)", mine)
		}
		if res := replay(t, env, http.MethodGet, "/staff/consultations/new", theirs); res.Status == http.StatusOK {
			t.Fatal("the attacker's planted session id now acts as the official")
		}
		if res := replay(t, env, http.MethodGet, "/staff", mine); res.Status != http.StatusOK {
			t.Fatalf("the victim's own new session does not work: %d", res.Status)
		}

		// Logout ends the session on the server.
		if res := victim.Submit("/staff", "/logout", url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.Status)
		}
		if res := replay(t, env, http.MethodGet, "/staff", mine); !signedOut(res) {
			t.Errorf("after logout the old session id still opens /staff: %d", res.Status)
		}
		if res := replay(t, env, http.MethodGet, "/api/v1/moderation/queue", mine); res.Status != http.StatusUnauthorized {
			t.Errorf("after logout the old session id still reaches the API: %d", res.Status)
		}
	})
}

// TestLoginRedirectStaysOnSite gives the login form "next" addresses that lead off the
// site, as a phishing link would: after the login the browser must stay on the portal. A
// browser drops tabs and line breaks from a Location before reading it, so "/<tab>/host"
// means "//host", another site.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		base, _ := url.Parse(env.URL)
		for _, next := range []string{"//evil.example", "/\\evil.example", "https://evil.example/", "/\t/evil.example",
			"/\n/evil.example", "\t//evil.example", "/\r\n/evil.example", "javascript:alert(1)"} {
			status, loc := loginWithNext(t, env, next)
			// What the browser makes of it (WHATWG URL parsing strips these characters).
			seen := strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(strings.TrimSpace(loc))
			target, err := base.Parse(seen)
			if status != http.StatusSeeOther || err != nil || target.Host != base.Host || target.Scheme != base.Scheme ||
				strings.HasPrefix(seen, "//") || strings.HasPrefix(seen, "/\\") {
				t.Errorf("next=%q: status %d, Location %q leads to %v", next, status, loc, target)
			}
		}
	})
}

// loginWithNext logs in through the form opened with ?next= and returns the answer's status
// and raw Location, which Go's client would refuse to parse when it holds control characters.
func loginWithNext(t *testing.T, env *testutil.Env, next string) (int, string) {
	t.Helper()
	b := env.NewBrowser(t)
	page := b.Get("/login?next=" + url.QueryEscape(next))
	values := url.Values{"email": {env.OfficialA.Email}, "password": {testutil.Password}}
	for _, h := range hiddenInputs.FindAllStringSubmatch(page.Body, -1) {
		values.Set(h[1], html.UnescapeString(h[2]))
	}
	req, err := http.NewRequest(http.MethodPost, env.URL+"/login", strings.NewReader(values.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range b.FormHeaders() {
		req.Header.Set(k, v)
	}
	u, _ := url.Parse(env.URL)
	for _, c := range b.Client.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

// ---------------------------------------------------------------------------
// Throttles.

func checkRetryAfter(t *testing.T, what string, res *testutil.Response, max time.Duration) {
	t.Helper()
	if res.Status != http.StatusTooManyRequests {
		t.Errorf("%s: status %d, want 429", what, res.Status)
		return
	}
	n, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || n < 1 || time.Duration(n)*time.Second > max+time.Second {
		t.Errorf("%s: Retry-After %q, want 1..%d seconds", what, res.Header.Get("Retry-After"), int(max.Seconds()))
	}
}

// TestLoginThrottles sets LOGIN_FAILURES to 2: after two wrong passwords an account is
// locked for the window, even against the right password, while other accounts from the
// same address still log in until the address has used its own, four times larger, budget.
func TestLoginThrottles(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServerWith(t, st, func(c *config.Config) { c.LoginFailures = 2 })
		b := env.NewBrowser(t)
		login := func(email, password string) *testutil.Response {
			return b.Submit("/login", "/login", url.Values{"email": {email}, "password": {password}})
		}
		for i := range 2 {
			if res := login(env.OfficialA.Email, "sai mật khẩu"); res.Status != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: status %d", i+1, res.Status)
			}
		}
		res := login(env.OfficialA.Email, testutil.Password)
		checkRetryAfter(t, "locked account, right password", res, 15*time.Minute)
		mustContain(t, res.Body, viMessage("error.rate_limited"))
		if got := b.Get("/staff"); !signedOut(got) {
			t.Fatalf("the locked account was signed in anyway: %d", got.Status)
		}
		api := b.JSON(http.MethodPost, "/api/v1/session", fmt.Sprintf(`{"email":%q,"password":%q}`, env.OfficialA.Email, testutil.Password), nil)
		checkRetryAfter(t, "locked account through the API", api, 15*time.Minute)

		// Another account, same address: still welcome.
		if res := login(env.ModeratorA.Email, testutil.Password); res.Status != http.StatusSeeOther {
			t.Fatalf("another account from the same address: status %d, want 303", res.Status)
		}
		b.Submit("/staff", "/logout", url.Values{})

		// The address has used 2 of its 8 failures; spend the rest on accounts that do not
		// exist, two each so no account reaches its own limit first.
		for i := range 6 {
			email := fmt.Sprintf("khong-co-%d@example.vn", i/2)
			if res := login(email, "đoán mò"); res.Status != http.StatusUnauthorized {
				t.Fatalf("failure %d of the address: status %d, want 401", i+3, res.Status)
			}
		}
		res = login(env.ObserverA.Email, testutil.Password)
		checkRetryAfter(t, "an untouched account from an address over its limit", res, 15*time.Minute)
	})
}

// submitAPI posts an opinion through the API, as a client at an address behind the proxy.
func submitAPI(b *testutil.Browser, consultationID int64, forwardedFor string) *testutil.Response {
	h := map[string]string{}
	if forwardedFor != "" {
		h["X-Forwarded-For"] = forwardedFor
	}
	return b.JSON(http.MethodPost, fmt.Sprintf("/api/v1/consultations/%d/opinions", consultationID),
		`{"stance":"other","body":"Ý kiến gửi qua ứng dụng"}`, h)
}

// TestOpinionThrottle sets OPINIONS_PER_HOUR to 2: the third opinion from one address on one
// consultation is refused with 429 and Retry-After, through the form and the API alike, and
// stores nothing. Without trusted proxies X-Forwarded-For is ignored, so making one up does
// not buy a new allowance; behind a trusted proxy it tells clients apart, and only the
// address the proxy itself saw counts.
func TestOpinionThrottle(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		t.Run("form and API", func(t *testing.T) {
			env := testutil.StartServerWith(t, testutil.NewStore(t, st.Dialect()), func(c *config.Config) { c.OpinionsPerHour = 2 })
			c := env.OpenConsultation(t)
			resident := env.NewBrowser(t)
			path := fmt.Sprintf("/c/%d/comment", c.ID)
			for i := range 2 {
				res := resident.Submit(path, path, opinionForm(fmt.Sprintf("Ý kiến thứ %d của tôi", i+1)))
				if res.Status != http.StatusSeeOther {
					t.Fatalf("opinion %d: status %d", i+1, res.Status)
				}
			}
			res := resident.Submit(path, path, opinionForm("Ý kiến thứ ba của tôi"))
			checkRetryAfter(t, "third opinion through the form", res, time.Hour)
			mustContain(t, res.Body, viMessage("error.rate_limited"))
			checkRetryAfter(t, "third opinion through the API", submitAPI(resident, c.ID, ""), time.Hour)
			if n := opinionCount(t, env.Store, c.ID); n != 2 {
				t.Fatalf("%d opinions stored, want 2", n)
			}

			// The allowance belongs to the consultation, however its id is spelt in the URL.
			for _, alias := range []string{"0" + fmt.Sprint(c.ID), "00" + fmt.Sprint(c.ID), "+" + fmt.Sprint(c.ID)} {
				aliased := "/c/" + url.PathEscape(alias) + "/comment"
				res := resident.Submit(path, aliased, opinionForm("Ý kiến gửi qua đường dẫn khác "+alias))
				checkRetryAfter(t, "opinion through "+aliased, res, time.Hour)
				res = resident.JSON(http.MethodPost, "/api/v1/consultations/"+url.PathEscape(alias)+"/opinions",
					`{"stance":"other","body":"Ý kiến gửi qua ứng dụng"}`, nil)
				checkRetryAfter(t, "opinion through the API as consultation "+alias, res, time.Hour)
			}
			if n := opinionCount(t, env.Store, c.ID); n != 2 {
				t.Errorf("%d opinions stored, want 2", n)
			}

			// Made-up X-Forwarded-For headers change nothing without trusted proxies.
			other := env.OpenConsultation(t)
			for i := range 4 {
				res := submitAPI(resident, other.ID, fmt.Sprintf("203.0.113.%d", i+1))
				if i < 2 && res.Status != http.StatusCreated {
					t.Fatalf("opinion %d: status %d", i+1, res.Status)
				}
				if i >= 2 {
					checkRetryAfter(t, fmt.Sprintf("opinion %d with X-Forwarded-For 203.0.113.%d", i+1, i+1), res, time.Hour)
				}
			}
			// The same through the form.
			formPath := fmt.Sprintf("/c/%d/comment", other.ID)
			res = postForm(t, resident, formPath, formPath, opinionForm("Ý kiến đổi địa chỉ giả"), map[string]string{"X-Forwarded-For": "198.51.100.7"})
			checkRetryAfter(t, "form with a made-up X-Forwarded-For", res, time.Hour)
			if n := opinionCount(t, env.Store, other.ID); n != 2 {
				t.Fatalf("%d opinions stored, want 2", n)
			}
		})

		t.Run("behind a trusted proxy", func(t *testing.T) {
			_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
			env := testutil.StartServerWith(t, testutil.NewStore(t, st.Dialect()), func(c *config.Config) {
				c.OpinionsPerHour = 2
				c.TrustedProxies = []*net.IPNet{loopback}
			})
			c := env.OpenConsultation(t)
			proxy := env.NewBrowser(t)
			for i := range 2 {
				if res := submitAPI(proxy, c.ID, "203.0.113.1"); res.Status != http.StatusCreated {
					t.Fatalf("client 1, opinion %d: status %d", i+1, res.Status)
				}
			}
			checkRetryAfter(t, "client 1, third opinion", submitAPI(proxy, c.ID, "203.0.113.1"), time.Hour)
			// A client cannot escape by putting another address in front of what the proxy appends.
			checkRetryAfter(t, "client 1 with a forged first hop", submitAPI(proxy, c.ID, "198.51.100.9, 203.0.113.1"), time.Hour)
			if res := submitAPI(proxy, c.ID, "203.0.113.2"); res.Status != http.StatusCreated {
				t.Fatalf("client 2 behind the same proxy: status %d, want 201", res.Status)
			}
			formPath := fmt.Sprintf("/c/%d/comment", c.ID)
			res := postForm(t, proxy, formPath, formPath, opinionForm("Ý kiến của người thứ ba"), map[string]string{"X-Forwarded-For": "203.0.113.3"})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("client 3 through the form: status %d, want 303", res.Status)
			}
		})
	})
}

// ---------------------------------------------------------------------------
// Bot checks of the opinion form.

// TestOpinionFormBotChecks configures a minimum fill time: a filled honeypot, a form sent
// too soon after it was shown, and a tampered start time are refused (422) and store
// nothing, the too-fast refusal keeping what was typed; a form sent after the minimum time
// is accepted.
func TestOpinionFormBotChecks(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		t.Run("refused", func(t *testing.T) {
			env := testutil.StartServerWith(t, st, func(c *config.Config) { c.MinFillTime = 2 * time.Second })
			c := env.OpenConsultation(t)
			path := fmt.Sprintf("/c/%d/comment", c.ID)
			b := env.NewBrowser(t)

			honeypot := opinionForm("Mua thuốc giá rẻ tại đây")
			honeypot.Set("website", "http://spam.example")
			res := b.Submit(path, path, honeypot)
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("honeypot filled: status %d, want 422", res.Status)
			}

			typed := "Tôi đề nghị giữ nguyên Điều 2, nhưng thêm lịch thu gom rác."
			form := b.Get(path)
			started := hiddenValue(t, form.Body, "started")
			res = postForm(t, b, path, path, opinionForm(typed), nil)
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("sent at once: status %d, want 422", res.Status)
			}
			mustContain(t, res.Body, viMessage("error.too_fast"), html.EscapeString(typed))
			if again := hiddenValue(t, res.Body, "started"); again == "" {
				t.Error("the refused form carries no start time")
			}

			// Backdating the signed start time breaks its signature.
			ts, sig, found := strings.Cut(started, ".")
			unix, err := strconv.ParseInt(ts, 10, 64)
			if !found || err != nil {
				t.Fatalf("start time %q is not <unix>.<signature>", started)
			}
			for _, forged := range []string{fmt.Sprintf("%d.%s", unix-3600, sig), ts + ".AAAA", "", "khong-phai-thoi-gian"} {
				v := opinionForm(typed)
				v.Set("started", forged)
				res := b.Submit(path, path, v)
				if res.Status != http.StatusUnprocessableEntity {
					t.Errorf("start time %q: status %d, want 422", forged, res.Status)
				}
				mustContain(t, res.Body, html.EscapeString(typed))
			}
			if n := opinionCount(t, st, c.ID); n != 0 {
				t.Fatalf("%d opinions stored by refused forms", n)
			}
		})

		t.Run("accepted after the minimum time", func(t *testing.T) {
			env := testutil.StartServerWith(t, testutil.NewStore(t, st.Dialect()), func(c *config.Config) { c.MinFillTime = time.Second })
			c := env.OpenConsultation(t)
			path := fmt.Sprintf("/c/%d/comment", c.ID)
			b := env.NewBrowser(t)
			form := b.Get(path)
			values := opinionForm("Ý kiến viết cẩn thận, không vội")
			for _, name := range []string{"_csrf", "key", "started"} {
				values.Set(name, hiddenValue(t, form.Body, name))
			}
			time.Sleep(1100 * time.Millisecond)
			res := b.Do(http.MethodPost, path, strings.NewReader(values.Encode()), b.FormHeaders())
			if res.Status != http.StatusSeeOther {
				t.Fatalf("after waiting: status %d, want 303", res.Status)
			}
			if n := opinionCount(t, env.Store, c.ID); n != 1 {
				t.Fatalf("%d opinions stored, want 1", n)
			}
		})
	})
}

// ---------------------------------------------------------------------------
// What public output must never show.

// TestPublicOutputShowsNoPersonalData submits opinions with a phone contact, an e-mail
// contact and a name whose author did not agree to show it, approves them, and reads every
// public page and public API answer about them: none shows a contact, the unconsented name
// or an IP address.
func TestPublicOutputShowsNoPersonalData(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		// The portal's own address appears on public pages (the short link); it must not be
		// the commenters' address, 127.0.0.1, which no page may show.
		env := testutil.StartServerWith(t, st, func(cfg *config.Config) { cfg.BaseURL = "https://gopy.example.vn" })
		ctx := context.Background()
		c := env.OpenConsultation(t)
		art5, art2 := testutil.Section(t, c, "c2.d5"), testutil.Section(t, c, "c2.d2")
		resident := env.NewBrowser(t)
		form := fmt.Sprintf("/c/%d/comment", c.ID)
		var codes []string
		for _, op := range []struct {
			section *domain.Section
			values  url.Values
		}{
			{art5, url.Values{"stance": {"disagree"}, "body": {"Đề nghị cho phép tổ chức cưới trong hai ngày."},
				"author_name": {"Trần Văn Công"}, "show_name": {"1"}, "contact": {"0909 123 456"}, "consent": {"1"}, "village_code": {"A1"}}},
			{nil, url.Values{"stance": {"agree"}, "body": {"Ủng hộ dự thảo, mong thôn sớm thông qua."},
				"contact": {"lan@example.vn"}, "consent": {"1"}}},
			{art2, url.Values{"stance": {"other"}, "body": {"Nên đặt thùng rác chung ở đầu ngõ."},
				"author_name": {"Nguyễn Kín Đáo"}, "contact": {"0909 123 456"}, "consent": {"1"}}},
		} {
			page := form
			if op.section != nil {
				page = fmt.Sprintf("%s?section=%d", form, op.section.ID)
			}
			res := resident.Submit(page, form, op.values)
			m := codeInLocation.FindStringSubmatch(res.Header.Get("Location"))
			if m == nil {
				t.Fatalf("opinion not accepted: %d %q", res.Status, res.Header.Get("Location"))
			}
			codes = append(codes, m[1])
			o, err := st.OpinionByCode(ctx, m[1])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.App.Moderate(ctx, env.ModeratorA, o.ID, approve()); err != nil {
				t.Fatal(err)
			}
		}
		// One more with the same contact still waits: public output must not show it either.
		res := resident.Submit(form, form, url.Values{"stance": {"agree"}, "body": {"Chờ duyệt"}, "contact": {"0909 123 456"}, "consent": {"1"}})
		if m := codeInLocation.FindStringSubmatch(res.Header.Get("Location")); m != nil {
			codes = append(codes, m[1])
		}

		id := c.ID
		paths := []string{
			"/", "/?q=" + url.QueryEscape("hương ước"), "/?lang=en",
			fmt.Sprintf("/c/%d", id), fmt.Sprintf("/c/%d?lang=en", id),
			fmt.Sprintf("/c/%d/comment", id),
			fmt.Sprintf("/c/%d/opinions", id), fmt.Sprintf("/c/%d/opinions?section=none", id),
			fmt.Sprintf("/c/%d/notice", id), fmt.Sprintf("/c/%d/form", id),
			"/track",
			"/api/v1/units", "/api/v1/units?parent=A",
			"/api/v1/consultations", "/api/v1/consultations?unit=A",
			fmt.Sprintf("/api/v1/consultations/%d", id),
			fmt.Sprintf("/api/v1/consultations/%d/opinions", id), fmt.Sprintf("/api/v1/consultations/%d/opinions?section_id=none", id),
			fmt.Sprintf("/api/v1/consultations/%d/summary", id),
			fmt.Sprintf("/api/v1/consultations/%d/moderation-stats", id),
		}
		for _, s := range c.Sections {
			if s.Commentable() {
				paths = append(paths,
					fmt.Sprintf("/c/%d/opinions?section=%d", id, s.ID),
					fmt.Sprintf("/c/%d/comment?section=%d", id, s.ID),
					fmt.Sprintf("/api/v1/consultations/%d/opinions?section_id=%d", id, s.ID))
			}
		}
		for _, code := range codes {
			paths = append(paths, "/track/"+code, "/track?code="+url.QueryEscape(code), "/api/v1/opinions/"+code)
		}
		secrets := []string{"0909 123 456", "0909123456", "123 456", "lan@example.vn", "Nguyễn Kín Đáo", "Kín Đáo", "127.0.0.1"}
		anon := env.NewBrowser(t)
		seen := map[string]bool{}
		for _, p := range paths {
			res := anon.Get(p)
			if res.Status != http.StatusOK {
				t.Errorf("%s: status %d", p, res.Status)
			}
			for _, s := range secrets {
				if strings.Contains(res.Body, s) || strings.Contains(res.Body, html.EscapeString(s)) {
					t.Errorf("%s shows %q", p, s)
				}
			}
			for _, s := range []string{"Trần Văn Công", "Nên đặt thùng rác chung", "lan@", "mong thôn sớm thông qua"} {
				if strings.Contains(res.Body, s) {
					seen[s] = true
				}
			}
		}
		// The crawl did see the opinions: the consented name and the texts are public.
		for _, s := range []string{"Trần Văn Công", "Nên đặt thùng rác chung", "mong thôn sớm thông qua"} {
			if !seen[s] {
				t.Errorf("no public page shows %q: the crawl missed the opinions", s)
			}
		}
	})
}

// internals are what an error answer must never contain: stack traces, source positions, SQL.
var internals = []string{"goroutine", "panic", ".go:", "SELECT", "sql:", "SQLSTATE", "runtime error", "gorm"}

// TestErrorAnswersRevealNothing sends requests that fail in every way a client can make
// them fail, to pages and to the API, and checks that no answer carries internals.
func TestErrorAnswersRevealNothing(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		b := env.NewBrowser(t)
		id := c.ID
		type req struct {
			method, path, contentType, body string
		}
		opinions := fmt.Sprintf("/api/v1/consultations/%d/opinions", id)
		reqs := []req{
			{"GET", "/khong-co-trang-nay", "", ""},
			{"GET", "/c/999999", "", ""},
			{"GET", "/c/abc", "", ""},
			{"GET", "/c/99999999999999999999999", "", ""},
			{"GET", fmt.Sprintf("/c/%d/opinions?section=999999", id), "", ""},
			{"GET", fmt.Sprintf("/c/%d/comment?section=abc", id), "", ""},
			{"GET", "/track/ABCDE-FGHJK", "", ""},
			{"GET", "/track?code=" + url.QueryEscape("'; DROP TABLE opinions; --"), "", ""},
			{"GET", "/track?code=%FF%FE", "", ""},
			{"GET", "/?q=%00", "", ""},
			{"GET", "/?q=" + url.QueryEscape(`%_\'"`), "", ""},
			{"GET", "/?page=-1", "", ""},
			{"GET", "/static/khong-co.css", "", ""},
			{"GET", "/staff/khong-co", "", ""},
			{"GET", "/api/v1/khong-co", "", ""},
			{"GET", "/api/v1/consultations/999999", "", ""},
			{"GET", "/api/v1/consultations/abc", "", ""},
			{"GET", "/api/v1/consultations?page=abc", "", ""},
			{"GET", "/api/v1/consultations?status=bogus", "", ""},
			{"GET", "/api/v1/consultations?unit=KHONGCO", "", ""},
			{"GET", "/api/v1/consultations?q=%00", "", ""},
			{"GET", opinions + "?section_id=abc", "", ""},
			{"GET", opinions + "?page=999999999999", "", ""},
			{"GET", "/api/v1/opinions/khong-hop-le", "", ""},
			{"GET", "/api/v1/opinions/ABCDE-FGHJK", "", ""},
			{"GET", "/api/v1/units?parent=%00", "", ""},
			{"PUT", "/api/v1/consultations", "application/json", "{}"},
			{"POST", opinions, "application/json", `{}`},
			{"POST", opinions, "application/json", `{"stance":`},
			{"POST", opinions, "application/json", `{"stance":"agree","body":12}`},
			{"POST", opinions, "application/json", "{\"stance\":\"agree\",\"body\":\"\xff\xfe\"}"},
			{"POST", opinions, "application/json", `{"stance":"agree","body":"Ý kiến có ký tự \u0000 rỗng"}`},
			{"POST", opinions, "application/json", `{"stance":"agree","body":"Ý kiến","section_id":999999999}`},
			{"POST", opinions, "text/plain", "stance=agree"},
			{"POST", opinions, "application/json", `{"stance":"agree","body":"` + strings.Repeat("a", 600<<10) + `"}`},
			{"POST", "/api/v1/session", "application/json", `{"email":"x@example.vn","password":"sai mật khẩu"}`},
			{"POST", "/api/v1/consultations", "application/json", `{}`},
			{"DELETE", "/api/v1/opinions/ABCDE-FGHJK", "", ""},
		}
		for _, r := range reqs {
			h := map[string]string{}
			if r.contentType != "" {
				h["Content-Type"] = r.contentType
			}
			var res *testutil.Response
			if r.body != "" {
				res = b.Do(r.method, r.path, strings.NewReader(r.body), h)
			} else {
				res = b.Do(r.method, r.path, nil, h)
			}
			checkNoLeak(t, r.method+" "+r.path, res)
		}

		// Forms refused on the page.
		path := fmt.Sprintf("/c/%d/comment", id)
		checkNoLeak(t, "empty opinion form", b.Submit(path, path, url.Values{}))
		checkNoLeak(t, "opinion on an unknown section", b.Submit(path, path, url.Values{"stance": {"agree"}, "body": {"Ý kiến"}, "section_id": {"999999"}}))
		checkNoLeak(t, "opinion with a NUL byte", b.Submit(path, path, url.Values{"stance": {"agree"}, "body": {"Ý kiến \x00 rỗng"}, "author_name": {"\x00"}}))
		checkNoLeak(t, "opinion with invalid UTF-8", b.Submit(path, path, url.Values{"stance": {"agree"}, "body": {"\xff\xfe ý kiến"}}))
		checkNoLeak(t, "form without a CSRF token", b.Do(http.MethodPost, path, strings.NewReader("stance=agree"), map[string]string{"Content-Type": formType}))
		checkNoLeak(t, "login failure", b.Submit("/login", "/login", url.Values{"email": {"' OR 1=1 --"}, "password": {"x"}}))
	})
}

func checkNoLeak(t *testing.T, what string, res *testutil.Response) {
	t.Helper()
	for _, l := range internals {
		if strings.Contains(res.Body, l) {
			t.Errorf("%s (status %d) reveals %q:\n%.400s", what, res.Status, l, res.Body)
		}
	}
	if res.Status >= 500 && res.Status != http.StatusServiceUnavailable {
		t.Errorf("%s: status %d; a client's mistake is a 4xx", what, res.Status)
	}
}
