package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestNULRefusedAtTheEdge: a NUL character in a path or a query is bad input (400 with a
// message); in a form field or a JSON string that names something (an e-mail, a village) it is
// bad input too (4xx), never a server error from the database, which refuses NUL in text on
// PostgreSQL.
func TestNULRefusedAtTheEdge(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		b := env.NewBrowser(t)
		for _, path := range []string{"/?unit=%00", "/u/A%00", "/feeds/consultations.atom?unit=A%00", "/track?code=%00"} {
			if res := b.Get(path); res.Status != http.StatusBadRequest {
				t.Errorf("GET %s: %d, want 400", path, res.Status)
			}
		}
		badInput := func(status int) bool { return status >= 400 && status < 500 }
		if res := b.Submit("/login", "/login", url.Values{"email": {"official.a@example.vn\x00"}, "password": {"x"}}); !badInput(res.Status) {
			t.Errorf("login form with NUL: %d, want 4xx", res.Status)
		}
		comment := fmt.Sprintf("/c/%d/comment", c.ID)
		if res := b.Submit(comment, comment, url.Values{"stance": {"agree"}, "body": {"Tôi đồng ý."}, "village_code": {"A1\x00"}}); !badInput(res.Status) {
			t.Errorf("opinion form with NUL village: %d, want 4xx", res.Status)
		}
		for _, tc := range []struct{ path, body string }{
			{"/api/v1/session", `{"email":"official.a@example.vn\u0000","password":"x"}`},
			{fmt.Sprintf("/api/v1/consultations/%d/opinions", c.ID), `{"stance":"agree","body":"Đồng ý","village_code":"A1\u0000"}`},
		} {
			if res := b.JSON(http.MethodPost, tc.path, tc.body, nil); !badInput(res.Status) {
				t.Errorf("POST %s with NUL: %d %s, want 4xx", tc.path, res.Status, res.Body)
			}
		}
	})
}

// TestHeadersOfEveryAnswer: every answer keeps powerful features off and other origins out;
// staff pages, the login form and every answer to a signed-in account are never cached.
func TestHeadersOfEveryAnswer(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		anon := env.NewBrowser(t)
		staff := env.NewBrowser(t)
		staff.Login(env.OfficialA.Email)
		token, err := env.App.CreateToken(t.Context(), env.OfficialA.Email)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			res     *testutil.Response
			noStore bool
		}{
			{"public home", anon.Get("/"), false},
			{"login form", anon.Get("/login"), true},
			{"staff home", staff.Get("/staff"), true},
			{"staff JSON with a bearer token", anon.JSON(http.MethodGet, "/api/v1/moderation/queue", "", map[string]string{"Authorization": "Bearer " + token}), true},
			{"staff JSON with a session", staff.JSON(http.MethodGet, "/api/v1/moderation/queue", "", nil), true},
		} {
			h := tc.res.Header
			if got := h.Get("Permissions-Policy"); !strings.Contains(got, "camera=()") || !strings.Contains(got, "geolocation=()") {
				t.Errorf("%s: Permissions-Policy %q", tc.name, got)
			}
			if h.Get("Cross-Origin-Opener-Policy") != "same-origin" || h.Get("Cross-Origin-Resource-Policy") != "same-origin" {
				t.Errorf("%s: COOP %q CORP %q", tc.name, h.Get("Cross-Origin-Opener-Policy"), h.Get("Cross-Origin-Resource-Policy"))
			}
			if got := strings.Contains(h.Get("Cache-Control"), "no-store"); got != tc.noStore {
				t.Errorf("%s (%d): Cache-Control %q, want no-store %v", tc.name, tc.res.Status, h.Get("Cache-Control"), tc.noStore)
			}
		}
	})
}

// TestTrackingCodeGuessesAreLimited: a tracking code is a bearer credential, so an address
// that sends 20 codes that match no opinion within 15 minutes is refused (429) before any
// further code is looked up, through the pages and the API alike; right codes do not use the
// allowance, and another address keeps its own.
func TestTrackingCodeGuessesAreLimited(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServerWith(t, st, behindProxy(5))
		c := env.OpenConsultation(t)
		r, err := env.App.SubmitOpinion(t.Context(), c.ID, app.NewOpinion{Stance: "agree", Body: "Tôi đồng ý với dự thảo."}, "")
		if err != nil {
			t.Fatal(err)
		}
		right := r.Opinion.TrackingCode
		b := env.NewBrowser(t)
		from := func(addr string) map[string]string { return map[string]string{"X-Forwarded-For": addr} }
		get := func(path, addr string) int {
			return b.Do(http.MethodGet, path, nil, from(addr)).Status
		}
		for i := range 30 {
			if got := get("/track/"+right, "203.0.113.9"); got != http.StatusOK {
				t.Fatalf("right code, lookup %d: %d", i+1, got)
			}
		}
		for i := range 20 {
			path := fmt.Sprintf("/track/00000-%05d", i)
			if i%2 == 1 {
				path = fmt.Sprintf("/api/v1/opinions/00000-%05d", i)
			}
			if got := get(path, "203.0.113.9"); got != http.StatusNotFound {
				t.Fatalf("wrong code %d (%s): %d, want 404", i+1, path, got)
			}
		}
		for _, path := range []string{"/track/00000-99999", "/api/v1/opinions/00000-99999", "/track/" + right, "/api/v1/opinions/" + right} {
			if got := get(path, "203.0.113.9"); got != http.StatusTooManyRequests {
				t.Errorf("after 20 wrong codes, %s: %d, want 429", path, got)
			}
		}
		if got := get("/track/"+right, "198.51.100.20"); got != http.StatusOK {
			t.Errorf("another address, right code: %d, want 200", got)
		}
	})
}
