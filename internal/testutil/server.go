package testutil

import (
	"bytes"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/web"
)

// Env is a running portal on a test database, with the fixture loaded.
type Env struct {
	*Fixture
	URL    string
	Server *httptest.Server
}

// StartServer serves the real HTTP stack (middleware, sessions, CSRF, templates) on st.
func StartServer(t testing.TB, st *store.Store) *Env {
	t.Helper()
	return StartServerWith(t, st, nil)
}

// StartServerWith is StartServer with the configuration changed by configure first (rate
// limits, proxies, cookies…); configure may be nil.
func StartServerWith(t testing.TB, st *store.Store, configure func(*config.Config)) *Env {
	t.Helper()
	quietLogs()
	f := Seed(t, st)
	cfg := config.Config{Addr: "127.0.0.1:0", BaseURL: "http://127.0.0.1", ShutdownTimeout: 0}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := web.New(cfg, f.App)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts := httptest.NewUnstartedServer(srv.Echo)
	if cfg.SecureCookies && strings.HasPrefix(cfg.BaseURL, "https://") {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	t.Cleanup(ts.Close)
	return &Env{Fixture: f, URL: ts.URL, Server: ts}
}

// StartTLSServer serves the real HTTP stack over HTTPS (a test certificate its browsers
// trust), configured as an https BASE_URL configures it: secure cookies.
func StartTLSServer(t testing.TB, st *store.Store) *Env {
	t.Helper()
	return StartServerWith(t, st, func(c *config.Config) {
		c.BaseURL, c.SecureCookies = "https://127.0.0.1", true
	})
}

// quietLogs sets the process's default logger, once, to warnings and errors only: request
// lines and applied migrations would drown the test output. Once, because the logger is
// global and the tests that start servers run in parallel.
var quietLogs = sync.OnceFunc(func() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
})

// Browser is an HTTP client with its own cookies, like one person's browser. It does not
// follow redirects, so tests can assert where a form sends the user.
type Browser struct {
	t      testing.TB
	env    *Env
	Client *http.Client
}

// NewBrowser returns a client with an empty cookie jar.
func (e *Env) NewBrowser(t testing.TB) *Browser {
	jar, _ := cookiejar.New(nil)
	var transport http.RoundTripper
	if e.Server.TLS != nil {
		transport = e.Server.Client().Transport // trusts the test certificate
	}
	return &Browser{t: t, env: e, Client: &http.Client{
		Jar:           jar,
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Response is a finished request: status, headers and the whole body.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Do sends a request and reads the whole answer.
func (b *Browser) Do(method, path string, body io.Reader, header map[string]string) *Response {
	b.t.Helper()
	req, err := http.NewRequest(method, b.env.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := b.Client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: string(raw)}
}

// Get fetches a page.
func (b *Browser) Get(path string) *Response {
	b.t.Helper()
	return b.Do(http.MethodGet, path, nil, nil)
}

var (
	csrfField   = regexp.MustCompile(`<input type="hidden" name="_csrf" value="([^"]*)">`)
	hiddenField = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// Submit loads formPage and posts values to action together with the page's hidden fields
// (CSRF token, idempotency key, form start time) that values does not set, and the headers a
// browser sends with a form of the site's own page (FormHeaders).
func (b *Browser) Submit(formPage, action string, values url.Values) *Response {
	b.t.Helper()
	page := b.Get(formPage)
	// The field is there on every form; its value is empty for a visitor without a session.
	if m := csrfField.FindStringSubmatch(page.Body); m == nil {
		b.t.Fatalf("no CSRF field on %s (status %d)", formPage, page.Status)
	}
	for _, h := range hiddenField.FindAllStringSubmatch(page.Body, -1) {
		if _, set := values[h[1]]; !set {
			values.Set(h[1], html.UnescapeString(h[2]))
		}
	}
	return b.Do(http.MethodPost, action, strings.NewReader(values.Encode()), b.FormHeaders())
}

// FormHeaders are the headers of a form post from one of the site's own pages, as a current
// browser sends them: the form's type, Fetch Metadata and the Origin.
func (b *Browser) FormHeaders() map[string]string {
	return map[string]string{
		"Content-Type":   "application/x-www-form-urlencoded",
		"Sec-Fetch-Site": "same-origin",
		"Origin":         b.env.URL,
	}
}

// Login signs in through the login form.
func (b *Browser) Login(email string) {
	b.t.Helper()
	res := b.Submit("/login", "/login", url.Values{"email": {email}, "password": {Password}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/staff") {
		b.t.Fatalf("login %s: status %d, sent to %q", email, res.Status, res.Header.Get("Location"))
	}
}

// JSON sends a JSON request and returns the answer.
func (b *Browser) JSON(method, path, body string, header map[string]string) *Response {
	b.t.Helper()
	h := map[string]string{"Content-Type": "application/json"}
	for k, v := range header {
		h[k] = v
	}
	var r io.Reader
	if body != "" {
		r = bytes.NewBufferString(body)
	}
	return b.Do(method, path, r, h)
}
