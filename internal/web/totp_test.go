package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// totpClock is the app's clock in these tests: fixed, and moved on by hand, so the codes a
// test computes are the server's and a new 30-second step needs no waiting.
type totpClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *totpClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *totpClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// startTOTPServer starts the portal with a fixed clock 10 s into a 30 s step.
func startTOTPServer(t *testing.T, st *store.Store) (*testutil.Env, *totpClock) {
	t.Helper()
	return startTOTPServerWith(t, st, nil)
}

// startTOTPServerWith is startTOTPServer with the configuration changed by configure first.
func startTOTPServerWith(t *testing.T, st *store.Store, configure func(*config.Config)) (*testutil.Env, *totpClock) {
	t.Helper()
	env := testutil.StartServerWith(t, st, configure)
	clk := &totpClock{t: time.Now().UTC().Truncate(30 * time.Second).Add(10 * time.Second)}
	env.App.Now = clk.Now
	return env, clk
}

// code returns the code of secret at the clock's time plus offset.
func code(t *testing.T, secret string, clk *totpClock, offset time.Duration) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, clk.Now().Add(offset))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// notACode returns six digits that are the code of no step near the clock's time.
func notACode(t *testing.T, secret string, clk *totpClock) string {
	t.Helper()
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if !slices.Contains([]string{code(t, secret, clk, -30*time.Second), code(t, secret, clk, 0), code(t, secret, clk, 30*time.Second)}, c) {
			return c
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

var secretOnPage = regexp.MustCompile(`id="totp-secret">([A-Z2-7 ]+)<`)

// enableTOTP turns the second factor on for a signed-in browser through the set-up page and
// returns the secret.
func enableTOTP(t *testing.T, b *testutil.Browser, clk *totpClock) string {
	t.Helper()
	page := b.Get("/staff/account/totp")
	m := secretOnPage.FindStringSubmatch(page.Body)
	if page.Status != http.StatusOK || m == nil {
		t.Fatalf("set-up page: status %d, no secret", page.Status)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	res := b.Submit("/staff/account/totp", "/staff/account/totp", url.Values{"code": {code(t, secret, clk, 0)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("enable: status %d", res.Status)
	}
	return secret
}

func vi(key string, args ...any) string { return html.EscapeString(i18n.T(i18n.VI, key, args...)) }

func auditActions(t *testing.T, env *testutil.Env) []string {
	t.Helper()
	list, _, err := env.App.AuditLog(context.Background(), env.Admin, 1)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range list {
		actions = append(actions, e.Action)
	}
	return actions
}

// passwordStep logs in with the right password and checks it leads to the code form only.
func passwordStep(t *testing.T, b *testutil.Browser, email, next string) {
	t.Helper()
	res := b.Submit("/login?next="+url.QueryEscape(next), "/login", url.Values{"email": {email}, "password": {testutil.Password}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/login/totp" {
		t.Fatalf("password step: status %d, location %q; want 303 to /login/totp", res.Status, res.Header.Get("Location"))
	}
	if res := b.Get("/staff"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("after the password alone /staff answered %d (location %q); want a redirect to login", res.Status, res.Header.Get("Location"))
	}
}

// TestTOTPEnableLoginDisable walks the second factor through the pages: set-up needs a
// right code, then the password alone no longer signs in, a wrong or reused code is refused,
// the right one completes the login, and switching off needs a code too.
func TestTOTPEnableLoginDisable(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		// The walk sends six wrong codes from one address; the throttle, tested on its own in
		// TestTOTPLoginThrottledAndExpires, gets room for them.
		env, clk := startTOTPServerWith(t, st, func(c *config.Config) { c.LoginFailures = 10 })
		ctx := context.Background()
		const email = "official.a@example.vn"
		b := env.NewBrowser(t)
		b.Login(email)
		mustContain(t, b.Get("/staff").Body, `href="/staff/account/totp"`)

		// The set-up page shows a pending secret, the same one on a reload.
		page := b.Get("/staff/account/totp")
		if page.Status != http.StatusOK {
			t.Fatalf("set-up page: %d", page.Status)
		}
		m := secretOnPage.FindStringSubmatch(page.Body)
		if m == nil {
			t.Fatal("no secret on the page")
		}
		for _, g := range strings.Fields(m[1]) {
			if len(g) > 4 {
				t.Errorf("secret not in groups of 4: %q", m[1])
			}
		}
		secret := strings.ReplaceAll(m[1], " ", "")
		mustContain(t, page.Body, "otpauth://totp/G%C3%B3p%20%C3%9D:official.a@example.vn?", "secret="+secret, vi("totp.off"))
		if again := secretOnPage.FindStringSubmatch(b.Get("/staff/account/totp").Body); again == nil || again[1] != m[1] {
			t.Fatal("reloading the page changed the secret")
		}
		mustContain(t, b.Get("/staff/account/totp?lang=en").Body, "Two-step verification")
		b.Get("/staff?lang=vi") // back to Vietnamese, which the checks below read
		staff, err := st.StaffByID(ctx, env.OfficialA.StaffID)
		if err != nil || staff.TOTPSecret != secret || staff.TOTPEnabled != nil {
			t.Fatalf("pending state: %+v, %v", staff, err)
		}

		// Bad input and wrong codes do not switch it on.
		for _, c := range []struct{ code, msg string }{
			{"12ab56", vi("validation.totp_digits")},
			{"12345", vi("validation.totp_length", 6)},
			{"", vi("validation.required")},
			{notACode(t, secret, clk), vi("validation.totp_wrong")},
			{code(t, secret, clk, 90*time.Second), vi("validation.totp_wrong")},
		} {
			res := b.Submit("/staff/account/totp", "/staff/account/totp", url.Values{"code": {c.code}})
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("enable with %q: status %d, want 422", c.code, res.Status)
			}
			mustContain(t, res.Body, c.msg, `aria-invalid="true"`, `id="e-code"`)
		}
		if staff, _ := st.StaffByID(ctx, env.OfficialA.StaffID); staff.TOTPEnabled != nil {
			t.Fatal("switched on without a right code")
		}

		// The right code (with the spaces apps show) switches it on.
		c0 := code(t, secret, clk, 0)
		res := b.Submit("/staff/account/totp", "/staff/account/totp", url.Values{"code": {c0[:3] + " " + c0[3:]}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("enable: status %d", res.Status)
		}
		mustContain(t, b.Get("/staff/account/totp").Body, vi("flash.totp_enabled"), vi("totp.disable.heading"))
		if staff, _ := st.StaffByID(ctx, env.OfficialA.StaffID); staff.TOTPEnabled == nil || staff.TOTPLastStep != clk.Now().Unix()/30 {
			t.Fatalf("after enabling: %+v", staff)
		}
		if !slices.Contains(auditActions(t, env), "totp.enable") {
			t.Error("no totp.enable in the audit log")
		}

		// The password alone does not sign in.
		o := env.NewBrowser(t)
		passwordStep(t, o, email, "/staff/moderation/log")
		mustContain(t, o.Get("/login/totp").Body, vi("login.totp.lead"), `name="code"`)

		// A wrong code is refused and logged; the code used to switch on cannot be reused.
		res = o.Submit("/login/totp", "/login/totp", url.Values{"code": {notACode(t, secret, clk)}})
		if res.Status != http.StatusUnauthorized {
			t.Fatalf("wrong code: status %d, want 401", res.Status)
		}
		mustContain(t, res.Body, vi("error.totp_wrong"), vi("validation.totp_wrong"))
		res = o.Submit("/login/totp", "/login/totp", url.Values{"code": {c0}})
		if res.Status != http.StatusUnauthorized {
			t.Fatalf("reused code: status %d, want 401", res.Status)
		}
		mustContain(t, res.Body, vi("validation.totp_reused"))
		res = o.Submit("/login/totp", "/login/totp", url.Values{"code": {"abc"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("malformed code: status %d, want 422", res.Status)
		}
		mustContain(t, res.Body, vi("validation.totp_digits"))
		if got := o.Get("/staff").Status; got != http.StatusSeeOther {
			t.Fatalf("after wrong codes /staff answered %d", got)
		}
		if !slices.Contains(auditActions(t, env), "login.totp_failed") {
			t.Error("no login.totp_failed in the audit log")
		}

		// The next step's code completes the login and goes where the user was going.
		clk.Add(30 * time.Second)
		c1 := code(t, secret, clk, 0)
		res = o.Submit("/login/totp", "/login/totp", url.Values{"code": {c1}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/staff/moderation/log" {
			t.Fatalf("right code: status %d, location %q", res.Status, res.Header.Get("Location"))
		}
		if got := o.Get("/staff").Status; got != http.StatusOK {
			t.Fatalf("after the code /staff answered %d", got)
		}
		if got := o.Get("/login/totp"); got.Status != http.StatusSeeOther {
			t.Errorf("the code form is still pending after login: %d", got.Status)
		}

		// The same code in another browser, within its window, is refused.
		r := env.NewBrowser(t)
		passwordStep(t, r, email, "/staff")
		res = r.Submit("/login/totp", "/login/totp", url.Values{"code": {c1}})
		if res.Status != http.StatusUnauthorized {
			t.Fatalf("replayed code: status %d, want 401", res.Status)
		}
		mustContain(t, res.Body, vi("validation.totp_reused"))
		if got := r.Get("/staff").Status; got != http.StatusSeeOther {
			t.Fatalf("replayed code signed in: /staff answered %d", got)
		}

		// Switching off needs a right, unused code.
		for _, c := range []struct {
			code   string
			status int
			msg    string
		}{
			{"", http.StatusUnprocessableEntity, vi("validation.required")},
			{notACode(t, secret, clk), http.StatusUnauthorized, vi("validation.totp_wrong")},
			{c1, http.StatusUnauthorized, vi("validation.totp_reused")},
		} {
			res := o.Submit("/staff/account/totp", "/staff/account/totp/disable", url.Values{"code": {c.code}})
			if res.Status != c.status {
				t.Fatalf("disable with %q: status %d, want %d", c.code, res.Status, c.status)
			}
			mustContain(t, res.Body, c.msg)
		}
		if staff, _ := st.StaffByID(ctx, env.OfficialA.StaffID); staff.TOTPEnabled == nil {
			t.Fatal("switched off without a right code")
		}
		res = o.Submit("/staff/account/totp", "/staff/account/totp/disable", url.Values{"code": {code(t, secret, clk, 30*time.Second)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("disable: status %d", res.Status)
		}
		mustContain(t, o.Get("/staff/account/totp").Body, vi("flash.totp_disabled"), vi("totp.off"))
		if staff, _ := st.StaffByID(ctx, env.OfficialA.StaffID); staff.TOTPEnabled != nil || staff.TOTPSecret == secret {
			t.Fatalf("after disabling: %+v", staff)
		}
		if !slices.Contains(auditActions(t, env), "totp.disable") {
			t.Error("no totp.disable in the audit log")
		}

		// The password alone signs in again.
		p := env.NewBrowser(t)
		p.Login(email)
		if got := p.Get("/staff").Status; got != http.StatusOK {
			t.Fatalf("password login after disabling: /staff answered %d", got)
		}
	})
}

// TestTOTPLoginThrottledAndExpires checks that wrong codes count against the login throttle
// (and that giving the right password again does not forgive them), and that the halfway
// state lasts five minutes.
func TestTOTPLoginThrottledAndExpires(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env, clk := startTOTPServer(t, st)
		const email = "moderator.a@example.vn"
		owner := env.NewBrowser(t)
		owner.Login(email)
		secret := enableTOTP(t, owner, clk)
		clk.Add(30 * time.Second)

		// Five failures (the default LOGIN_FAILURES) lock the account, right password or not.
		b := env.NewBrowser(t)
		passwordStep(t, b, email, "/staff")
		wrong := notACode(t, secret, clk)
		for range 2 {
			if res := b.Submit("/login/totp", "/login/totp", url.Values{"code": {wrong}}); res.Status != http.StatusUnauthorized {
				t.Fatalf("wrong code: %d", res.Status)
			}
		}
		passwordStep(t, b, email, "/staff")
		for range 3 {
			if res := b.Submit("/login/totp", "/login/totp", url.Values{"code": {wrong}}); res.Status != http.StatusUnauthorized {
				t.Fatalf("wrong code: %d", res.Status)
			}
		}
		res := b.Submit("/login/totp", "/login/totp", url.Values{"code": {code(t, secret, clk, 0)}})
		if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("after 5 wrong codes the right one answered %d (Retry-After %q); want 429", res.Status, res.Header.Get("Retry-After"))
		}
		mustContain(t, res.Body, vi("error.rate_limited"))
		res = env.NewBrowser(t).Submit("/login", "/login", url.Values{"email": {email}, "password": {testutil.Password}})
		if res.Status != http.StatusTooManyRequests {
			t.Fatalf("password login after 5 wrong codes: %d, want 429", res.Status)
		}

		// The halfway state expires after five minutes (another account: this one is locked).
		const other = "observer.a@example.vn"
		ob := env.NewBrowser(t)
		ob.Login(other)
		secret2 := enableTOTP(t, ob, clk)
		clk.Add(30 * time.Second)
		e := env.NewBrowser(t)
		passwordStep(t, e, other, "/staff")
		clk.Add(5*time.Minute + time.Second)
		res = e.Submit("/login", "/login/totp", url.Values{"code": {code(t, secret2, clk, 0)}})
		if res.Status != http.StatusUnauthorized {
			t.Fatalf("code after 5 minutes: status %d, want 401", res.Status)
		}
		mustContain(t, res.Body, vi("error.totp_expired"), `action="/login"`)
		if got := e.Get("/staff").Status; got != http.StatusSeeOther {
			t.Fatalf("expired login signed in: /staff answered %d", got)
		}
		if got := e.Get("/login/totp"); got.Status != http.StatusSeeOther || got.Header.Get("Location") != "/login" {
			t.Fatalf("code form after expiry: %d %q", got.Status, got.Header.Get("Location"))
		}

		// Within the five minutes the code is taken.
		passwordStep(t, e, other, "/staff")
		clk.Add(4*time.Minute + 50*time.Second)
		if res := e.Submit("/login/totp", "/login/totp", url.Values{"code": {code(t, secret2, clk, 0)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("code within 5 minutes: status %d", res.Status)
		}
		if got := e.Get("/staff").Status; got != http.StatusOK {
			t.Fatalf("/staff after the code: %d", got)
		}
	})
}

type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func decodeAPIError(t *testing.T, res *testutil.Response, status int) apiError {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d; body %s", res.Status, status, res.Body)
	}
	var e apiError
	if err := json.Unmarshal([]byte(res.Body), &e); err != nil {
		t.Fatalf("%v: %s", err, res.Body)
	}
	return e
}

// TestTOTPAPISession checks POST /api/v1/session for an account with a second factor: no
// session without the right "otp", and bearer tokens as before.
func TestTOTPAPISession(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env, clk := startTOTPServer(t, st)
		const email = "moderator.a@example.vn"
		owner := env.NewBrowser(t)
		owner.Login(email)
		secret := enableTOTP(t, owner, clk)
		clk.Add(30 * time.Second)
		session := func(b *testutil.Browser, password, otp string) *testutil.Response {
			body, _ := json.Marshal(map[string]string{"email": email, "password": password, "otp": otp})
			return b.JSON(http.MethodPost, "/api/v1/session", string(body), nil)
		}
		queue := func(b *testutil.Browser) int {
			return b.JSON(http.MethodGet, "/api/v1/moderation/queue", "", nil).Status
		}

		b := env.NewBrowser(t)
		e := decodeAPIError(t, session(b, testutil.Password, ""), http.StatusUnauthorized)
		if e.Error.Code != "unauthorized" || e.Error.Message != i18n.T(i18n.VI, "error.totp_required") {
			t.Errorf("without otp: %+v", e)
		}
		if queue(b) != http.StatusUnauthorized {
			t.Fatal("a session without otp reached a staff endpoint")
		}
		e = decodeAPIError(t, session(b, testutil.Password, notACode(t, secret, clk)), http.StatusUnauthorized)
		if e.Error.Message != i18n.T(i18n.VI, "error.totp_wrong") || e.Error.Fields["otp"] != i18n.T(i18n.VI, "validation.totp_wrong") {
			t.Errorf("wrong otp: %+v", e)
		}
		e = decodeAPIError(t, session(b, testutil.Password, "12ab"), http.StatusUnprocessableEntity)
		if e.Error.Fields["otp"] != i18n.T(i18n.VI, "validation.totp_digits") {
			t.Errorf("malformed otp: %+v", e)
		}
		right := code(t, secret, clk, 0)
		e = decodeAPIError(t, session(b, "sai mật khẩu", right), http.StatusUnauthorized)
		if e.Error.Message != i18n.T(i18n.VI, "error.login_failed") {
			t.Errorf("wrong password, right otp: %+v", e)
		}
		if queue(b) != http.StatusUnauthorized {
			t.Fatal("signed in after refusals")
		}

		if res := session(b, testutil.Password, right); res.Status != http.StatusOK {
			t.Fatalf("right otp: %d %s", res.Status, res.Body)
		}
		if got := queue(b); got != http.StatusOK {
			t.Fatalf("staff endpoint after the right otp: %d", got)
		}
		e = decodeAPIError(t, session(env.NewBrowser(t), testutil.Password, right), http.StatusUnauthorized)
		if e.Error.Fields["otp"] != i18n.T(i18n.VI, "validation.totp_reused") {
			t.Errorf("replayed otp: %+v", e)
		}

		// An account without a second factor ignores otp; bearer tokens need none.
		body, _ := json.Marshal(map[string]string{"email": "official.a@example.vn", "password": testutil.Password, "otp": "x"})
		if res := env.NewBrowser(t).JSON(http.MethodPost, "/api/v1/session", string(body), nil); res.Status != http.StatusOK {
			t.Fatalf("otp on an account without a second factor: %d %s", res.Status, res.Body)
		}
		token, err := env.App.CreateToken(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		res := env.NewBrowser(t).JSON(http.MethodGet, "/api/v1/moderation/queue", "", map[string]string{"Authorization": "Bearer " + token})
		if res.Status != http.StatusOK {
			t.Fatalf("bearer token: %d", res.Status)
		}
	})
}
