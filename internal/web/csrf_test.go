package web_test

// Cross-site request forgery beyond TestCrossSiteFormsRefused: a sibling subdomain (same
// site, other origin) is refused like any other site even with a valid token; the token
// belongs to one session; a visitor without a session is judged by what the browser says of
// the form's origin; and public pages start no session, so they set no cookie.

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// sibling is a page of another subdomain of the portal's parent domain: another origin of
// the same site, which can set cookies for the parent domain.
const sibling = "http://thon-khac.127.0.0.1"

// atClosing sets the app's clock to the end of c's period until the returned function (or
// the end of the test) puts it back: an official's confirmed close is then lawful, and only
// the forgery check decides it.
func atClosing(t *testing.T, env *testutil.Env, c *domain.Consultation) (restore func()) {
	realNow := env.App.Now
	env.App.Now = func() time.Time { return c.ClosesAt }
	restore = func() { env.App.Now = realNow }
	t.Cleanup(restore)
	return restore
}

// TestSameSiteFormsRefused sends, from a sibling subdomain, forms that carry everything the
// portal's own page would: the signed-in official's valid token and session cookie, or a
// visitor's fresh form. Fetch Metadata says "same-site" (or, from an older browser, only the
// Origin tells); each is refused with 403 and changes nothing.
func TestSameSiteFormsRefused(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		for name, from := range map[string]map[string]string{
			"fetch metadata": {"Sec-Fetch-Site": "same-site", "Origin": sibling},
			"metadata alone": {"Sec-Fetch-Site": "same-site"},
			"older browser":  {"Origin": sibling},
			"referer only":   {"Referer": sibling + "/trang"},
		} {
			t.Run(name, func(t *testing.T) {
				headers := func() map[string]string {
					h := map[string]string{"Content-Type": formType}
					for k, v := range from {
						h[k] = v
					}
					return h
				}
				c := env.OpenConsultation(t)

				// A staff action with the official's own valid token.
				official := env.NewBrowser(t)
				official.Login(env.OfficialA.Email)
				page := fmt.Sprintf("/staff/consultations/%d", c.ID)
				token := hiddenValue(t, official.Get(page).Body, "_csrf")
				if token == "" {
					t.Fatal("a signed-in official's page carries no CSRF token")
				}
				form := url.Values{"_csrf": {token}, "confirm": {"yes"}}
				restore := atClosing(t, env, c)
				res := official.Do(http.MethodPost, page+"/close", strings.NewReader(form.Encode()), headers())
				restore()
				if res.Status != http.StatusForbidden {
					t.Errorf("same-site close with a valid token: status %d, want 403", res.Status)
				}
				if s := consultationStatus(t, st, c.ID); s != domain.StatusOpen {
					t.Fatalf("a refused same-site close changed the consultation to %s", s)
				}
				// The API on the session cookie refuses it as well.
				draft := newDraft(t, env, "Bản nháp trang cùng miền "+name)
				h := headers()
				h["Content-Type"] = "application/json"
				res = official.Do(http.MethodPost, fmt.Sprintf("/api/v1/consultations/%d/publish", draft.ID), nil, h)
				if res.Status != http.StatusForbidden || consultationStatus(t, st, draft.ID) != domain.StatusDraft {
					t.Errorf("same-site API publish on the session cookie: status %d, consultation %s", res.Status, consultationStatus(t, st, draft.ID))
				}

				// A visitor's opinion, from a form loaded from the portal itself.
				visitor := env.NewBrowser(t)
				path := fmt.Sprintf("/c/%d/comment", c.ID)
				values := opinionForm("Ý kiến do trang cùng miền gửi hộ")
				for _, f := range []string{"key", "started"} {
					values.Set(f, hiddenValue(t, visitor.Get(path).Body, f))
				}
				res = visitor.Do(http.MethodPost, path, strings.NewReader(values.Encode()), headers())
				if res.Status != http.StatusForbidden {
					t.Errorf("same-site opinion: status %d, want 403", res.Status)
				}
				if n := opinionCount(t, st, c.ID); n != 0 {
					t.Errorf("a refused same-site opinion was stored (%d opinions)", n)
				}

				// A login into a real account.
				creds := url.Values{"email": {env.OfficialA.Email}, "password": {testutil.Password}}
				res = visitor.Do(http.MethodPost, "/login", strings.NewReader(creds.Encode()), headers())
				if res.Status != http.StatusForbidden {
					t.Errorf("same-site login: status %d, want 403", res.Status)
				}
				if got := visitor.Get("/staff"); !signedOut(got) {
					t.Errorf("after a refused same-site login /staff answered %d", got.Status)
				}
			})
		}
	})
}

// TestCSRFTokenBelongsToOneSession: the token of one session is refused in another, even
// of the same account, and a session's token does not outlive a new login; the session's
// own token works, as a form field or as the X-CSRF-Token header.
func TestCSRFTokenBelongsToOneSession(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		first, second := env.NewBrowser(t), env.NewBrowser(t)
		first.Login(env.OfficialA.Email)
		second.Login(env.OfficialA.Email)
		c := env.OpenConsultation(t)
		atClosing(t, env, c)
		page := fmt.Sprintf("/staff/consultations/%d", c.ID)
		tokFirst := hiddenValue(t, first.Get(page).Body, "_csrf")
		tokSecond := hiddenValue(t, second.Get(page).Body, "_csrf")
		if tokFirst == "" || tokFirst == tokSecond {
			t.Fatalf("two sessions' tokens: %q and %q", tokFirst, tokSecond)
		}
		if again := hiddenValue(t, first.Get("/staff").Body, "_csrf"); again != tokFirst {
			t.Fatalf("the session's token changed between pages: %q then %q", tokFirst, again)
		}

		closeWith := func(b *testutil.Browser, token string) int {
			form := url.Values{"_csrf": {token}, "confirm": {"yes"}}
			return b.Do(http.MethodPost, page+"/close", strings.NewReader(form.Encode()), b.FormHeaders()).Status
		}
		for what, token := range map[string]string{"another session's token": tokFirst, "no token": "", "a made-up token": "x" + tokSecond[1:]} {
			if got := closeWith(second, token); got != http.StatusForbidden {
				t.Errorf("close with %s: status %d, want 403", what, got)
			}
			if s := consultationStatus(t, st, c.ID); s != domain.StatusOpen {
				t.Fatalf("a close with %s changed the consultation to %s", what, s)
			}
		}

		// Signing in again (after a logout, or over the old session) gives a new token.
		if res := first.Submit("/staff", "/logout", url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.Status)
		}
		first.Login(env.OfficialA.Email)
		if got := closeWith(first, tokFirst); got != http.StatusForbidden {
			t.Errorf("close with the token of the session before the login: status %d, want 403", got)
		}
		second.Login(env.OfficialA.Email) // over a live session
		if got := closeWith(second, tokSecond); got != http.StatusForbidden {
			t.Errorf("close with the token from before a new login: status %d, want 403", got)
		}

		// The session's own token, in the header a script would use.
		token := hiddenValue(t, second.Get(page).Body, "_csrf")
		h := second.FormHeaders()
		h["X-CSRF-Token"] = token
		if res := second.Do(http.MethodPost, page+"/close", strings.NewReader("confirm=yes"), h); res.Status != http.StatusSeeOther {
			t.Fatalf("close with the session's token: status %d", res.Status)
		}
		if s := consultationStatus(t, st, c.ID); s != domain.StatusClosed {
			t.Fatalf("after the close with the right token: %s", s)
		}
	})
}

// TestFormsWithoutSessionNeedOwnOrigin: a visitor without a session has no token, so the
// browser's word decides: Fetch Metadata, else the Origin, else the Referer (browsers
// older than Fetch Metadata that send no Origin). A post that says nothing of its origin is
// no browser's form and is refused; "null" (a sandboxed frame, a data: page) is no origin.
func TestFormsWithoutSessionNeedOwnOrigin(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServerWith(t, st, func(c *config.Config) { c.OpinionsPerHour = 1000 })
		c := env.OpenConsultation(t)
		path := fmt.Sprintf("/c/%d/comment", c.ID)
		for _, tc := range []struct {
			name    string
			headers map[string]string
			want    int
		}{
			{"fetch metadata", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusSeeOther},
			{"typed by the user", map[string]string{"Sec-Fetch-Site": "none"}, http.StatusSeeOther},
			{"origin only", map[string]string{"Origin": env.URL}, http.StatusSeeOther},
			{"referer only", map[string]string{"Referer": env.URL + path}, http.StatusSeeOther},
			{"the configured address", map[string]string{"Origin": "http://127.0.0.1"}, http.StatusSeeOther},
			{"nothing said", map[string]string{}, http.StatusForbidden},
			{"opaque origin", map[string]string{"Origin": "null"}, http.StatusForbidden},
			{"foreign referer", map[string]string{"Referer": "https://evil.example/" + path}, http.StatusForbidden},
			{"cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
			{"unknown fetch site", map[string]string{"Sec-Fetch-Site": "same-planet", "Origin": env.URL}, http.StatusForbidden},
			{"other port", map[string]string{"Origin": "http://127.0.0.1:1"}, http.StatusForbidden},
		} {
			t.Run(tc.name, func(t *testing.T) {
				b := env.NewBrowser(t)
				form := b.Get(path)
				values := opinionForm("Ý kiến: " + tc.name)
				for _, f := range []string{"_csrf", "key", "started"} {
					values.Set(f, hiddenValue(t, form.Body, f))
				}
				h := map[string]string{"Content-Type": formType}
				for k, v := range tc.headers {
					h[k] = v
				}
				before := opinionCount(t, st, c.ID)
				res := b.Do(http.MethodPost, path, strings.NewReader(values.Encode()), h)
				if res.Status != tc.want {
					t.Fatalf("status %d, want %d", res.Status, tc.want)
				}
				want := 0
				if tc.want == http.StatusSeeOther {
					want = 1
				}
				if stored := opinionCount(t, st, c.ID) - before; stored != want {
					t.Fatalf("%d opinions stored, want %d", stored, want)
				}
			})
		}
	})
}

// TestPublicPagesSetNoCookie: a visitor reading the portal, or sending an opinion, is given
// no cookie at all (no session, no CSRF cookie), so a shared cache can serve one public page
// to everyone. Only an explicit language choice sets one.
func TestPublicPagesSetNoCookie(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		b := env.NewBrowser(t)
		for _, p := range []string{"/", fmt.Sprintf("/c/%d", c.ID), fmt.Sprintf("/c/%d/comment", c.ID),
			fmt.Sprintf("/c/%d/opinions", c.ID), "/track", "/login", "/khong-co-trang-nay"} {
			res := b.Get(p)
			if p != "/khong-co-trang-nay" && res.Status != http.StatusOK {
				t.Errorf("GET %s: status %d", p, res.Status)
			}
			if set := res.Header.Values("Set-Cookie"); len(set) != 0 {
				t.Errorf("GET %s sets %q", p, set)
			}
		}
		path := fmt.Sprintf("/c/%d/comment", c.ID)
		res := b.Submit(path, path, opinionForm("Ý kiến không cần phiên"))
		if res.Status != http.StatusSeeOther || !codeInLocation.MatchString(res.Header.Get("Location")) {
			t.Fatalf("opinion: status %d, location %q", res.Status, res.Header.Get("Location"))
		}
		if set := res.Header.Values("Set-Cookie"); len(set) != 0 {
			t.Errorf("sending an opinion sets %q", set)
		}
		if set := b.Get(res.Header.Get("Location")).Header.Values("Set-Cookie"); len(set) != 0 {
			t.Errorf("the tracking page sets %q", set)
		}
		u, _ := url.Parse(env.URL)
		if jar := b.Client.Jar.Cookies(u); len(jar) != 0 {
			t.Errorf("the visitor's browser holds cookies: %v", jar)
		}
	})
}
