package api_test

// HTTP-level tests of the JSON API v1 (see API.md) through the real stack: middleware,
// sessions, error handler, app and store. Every top-level test runs once per database
// (SQLite always, PostgreSQL when TEST_DATABASE_URL is set) on one server with the
// testutil fixture; its subtests share that server where their data do not interfere.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

const api = "/api/v1"

// trackingCode is the canonical form of a tracking code: two groups of five Crockford
// base32 symbols (no I, L, O, U).
var trackingCode = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$`)

// ---------------------------------------------------------------------------
// Response shapes (only the fields the tests look at).

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

type list[T any] struct {
	Items    []T  `json:"items"`
	NextPage *int `json:"next_page"`
}

type unitJSON struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	ParentCode *string `json:"parent_code"`
	Households int     `json:"households"`
}

type consultationJSON struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Kind   string `json:"kind"`
	Matter string `json:"matter"`
	Unit   struct {
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"unit"`
	Status   string        `json:"status"`
	OpensAt  time.Time     `json:"opens_at"`
	ClosesAt time.Time     `json:"closes_at"`
	Summary  string        `json:"summary"`
	Version  int           `json:"version"`
	Sections []sectionJSON `json:"sections"`
}

type sectionJSON struct {
	ID      int64  `json:"id"`
	Ordinal int    `json:"ordinal"`
	Path    string `json:"path"`
	Heading string `json:"heading"`
	Body    string `json:"body"`
}

type receiptJSON struct {
	TrackingCode string `json:"tracking_code"`
	Status       string `json:"status"`
}

type trackedJSON struct {
	TrackingCode    string    `json:"tracking_code"`
	ConsultationID  int64     `json:"consultation_id"`
	Status          string    `json:"status"`
	Stance          string    `json:"stance"`
	Body            string    `json:"body"`
	SectionID       *int64    `json:"section_id"`
	SubmittedAt     time.Time `json:"submitted_at"`
	RejectionReason *string   `json:"rejection_reason"`
}

type publicOpinionJSON struct {
	ID         int64   `json:"id"`
	SectionID  *int64  `json:"section_id"`
	Stance     string  `json:"stance"`
	Body       string  `json:"body"`
	Channel    string  `json:"channel"`
	AuthorName *string `json:"author_name"`
}

type queueItemJSON struct {
	ID             int64     `json:"id"`
	ConsultationID int64     `json:"consultation_id"`
	Body           string    `json:"body"`
	Stance         string    `json:"stance"`
	SubmittedAt    time.Time `json:"submitted_at"`
}

type counts struct {
	Total    int `json:"total"`
	Agree    int `json:"agree"`
	Disagree int `json:"disagree"`
	Other    int `json:"other"`
}

type summaryJSON struct {
	Total     int    `json:"total"`
	ByStance  counts `json:"by_stance"`
	BySection []struct {
		SectionID int64 `json:"section_id"`
		counts
	} `json:"by_section"`
	ByUnit []struct {
		Code  string `json:"code"`
		Name  string `json:"name"`
		Total int    `json:"total"`
	} `json:"by_unit"`
	ByChannel map[string]int `json:"by_channel"`
}

// ---------------------------------------------------------------------------
// Harness.

// eachServer runs fn on a fresh server with the fixture, once per database.
func eachServer(t *testing.T, fn func(t *testing.T, env *testutil.Env)) {
	t.Helper()
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		fn(t, testutil.StartServer(t, st))
	})
}

// client calls the API as one caller: anonymous, or a staff member with a bearer token.
type client struct {
	b      *testutil.Browser
	header map[string]string
}

func anon(t *testing.T, env *testutil.Env) *client {
	return &client{b: env.NewBrowser(t), header: map[string]string{}}
}

// as returns a client authenticated with a fresh bearer token of the staff member.
func as(t *testing.T, env *testutil.Env, who *domain.Actor) *client {
	t.Helper()
	token, err := env.App.CreateToken(context.Background(), who.Email)
	if err != nil {
		t.Fatalf("create token for %s: %v", who.Email, err)
	}
	c := anon(t, env)
	c.header["Authorization"] = "Bearer " + token
	return c
}

// with returns a copy of the client that also sends header k: v.
func (c *client) with(k, v string) *client {
	h := map[string]string{k: v}
	for hk, hv := range c.header {
		if _, set := h[hk]; !set {
			h[hk] = hv
		}
	}
	return &client{b: c.b, header: h}
}

func (c *client) get(path string) *testutil.Response {
	return c.b.Do(http.MethodGet, path, nil, c.header)
}

// post sends body as JSON: a string or []byte as is, anything else marshalled.
func (c *client) post(path string, body any) *testutil.Response {
	var raw string
	switch v := body.(type) {
	case nil:
	case string:
		raw = v
	case []byte:
		raw = string(v)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		raw = string(b)
	}
	return c.b.JSON(http.MethodPost, path, raw, c.header)
}

// decodeAs checks the status and content type of a response and decodes its JSON body.
func decodeAs[T any](t *testing.T, res *testutil.Response, status int) T {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d; body: %s", res.Status, status, abbrev(res.Body))
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	var v T
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
		t.Fatalf("decode %T: %v; body: %s", v, err, abbrev(res.Body))
	}
	return v
}

// wantError checks an error response: status, {"error": {"code", "message", "fields"}} and
// the message in lang ("" for the Vietnamese default) of msgKey (skipped when empty).
func wantError(t *testing.T, res *testutil.Response, status int, code, lang, msgKey string, args ...any) errorBody {
	t.Helper()
	e := decodeAs[errorBody](t, res, status)
	if e.Error.Code != code {
		t.Errorf("error code %q, want %q; body: %s", e.Error.Code, code, abbrev(res.Body))
	}
	if e.Error.Message == "" {
		t.Errorf("empty error message; body: %s", abbrev(res.Body))
	}
	if msgKey != "" {
		if lang == "" {
			lang = i18n.VI
		}
		if want := i18n.T(lang, msgKey, args...); e.Error.Message != want {
			t.Errorf("error message %q, want %q (%s %s)", e.Error.Message, want, lang, msgKey)
		}
	}
	return e
}

// wantInvalid checks a 422 whose fields include field and returns that field's message.
func wantInvalid(t *testing.T, res *testutil.Response, field string) string {
	t.Helper()
	e := wantError(t, res, http.StatusUnprocessableEntity, "invalid", "", "error.invalid")
	msg, ok := e.Error.Fields[field]
	if !ok || msg == "" {
		t.Errorf("fields %v: want a message for %q", e.Error.Fields, field)
	}
	return msg
}

func abbrev(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

// consultation creates a consultation of unit through the app, published unless draft.
func consultation(t *testing.T, env *testutil.Env, who *domain.Actor, unitCode, kind, title string, draft bool) *domain.Consultation {
	t.Helper()
	ctx := context.Background()
	opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
	c, err := env.App.CreateConsultation(ctx, who, app.NewConsultation{
		Title: title, Kind: kind, UnitCode: unitCode, Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
		Topic: testutil.TopicFor(kind, ""),
	})
	if err != nil {
		t.Fatalf("create %q: %v", title, err)
	}
	if draft {
		return c
	}
	if c, err = env.App.Publish(ctx, who, c.ID); err != nil {
		t.Fatalf("publish %q: %v", title, err)
	}
	return c
}

func opinionsPath(id int64) string { return fmt.Sprintf("%s/consultations/%d/opinions", api, id) }

func opinion(stance, body string) map[string]any {
	return map[string]any{"stance": stance, "body": body}
}

// submit posts an opinion as a resident and returns its receipt.
func submit(t *testing.T, env *testutil.Env, consultationID int64, in map[string]any) receiptJSON {
	t.Helper()
	r := decodeAs[receiptJSON](t, anon(t, env).post(opinionsPath(consultationID), in), http.StatusCreated)
	if !trackingCode.MatchString(r.TrackingCode) || r.Status != "pending" {
		t.Fatalf("receipt %+v: want a tracking code like XXXXX-XXXXX and status pending", r)
	}
	return r
}

func track(t *testing.T, env *testutil.Env, code string) trackedJSON {
	t.Helper()
	return decodeAs[trackedJSON](t, anon(t, env).get(api+"/opinions/"+code), http.StatusOK)
}

// opinionID finds the numeric id the moderation endpoints take.
func opinionID(t *testing.T, env *testutil.Env, code string) int64 {
	t.Helper()
	o, err := env.Store.OpinionByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("opinion %s: %v", code, err)
	}
	return o.ID
}

func moderationPath(id int64) string { return fmt.Sprintf("%s/opinions/%d/moderation", api, id) }

// decide moderates an opinion as ModeratorA through the API and expects 200.
func decide(t *testing.T, env *testutil.Env, code string, decision map[string]any) {
	t.Helper()
	res := as(t, env, env.ModeratorA).post(moderationPath(opinionID(t, env, code)), decision)
	if res.Status != http.StatusOK {
		t.Fatalf("moderate %s %v: status %d; body: %s", code, decision, res.Status, abbrev(res.Body))
	}
}

var approve = map[string]any{"decision": "approve"}

// countOpinions counts the stored opinions of a consultation straight in the database.
func countOpinions(t *testing.T, env *testutil.Env, consultationID int64) int {
	t.Helper()
	var n int
	q := "SELECT COUNT(*) FROM opinions WHERE consultation_id = " + strconv.FormatInt(consultationID, 10)
	if err := env.Store.SQLDB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func ids(items []consultationJSON) []int64 {
	out := make([]int64, 0, len(items))
	for _, c := range items {
		out = append(out, c.ID)
	}
	slices.Sort(out)
	return out
}

func sorted(v ...int64) []int64 {
	slices.Sort(v)
	return v
}

// rawNextPage returns the literal JSON of next_page, to tell null from missing.
func rawNextPage(t *testing.T, res *testutil.Response) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(res.Body), &m); err != nil {
		t.Fatalf("decode: %v", err)
	}
	raw, ok := m["next_page"]
	if !ok {
		return "<missing>"
	}
	return string(raw)
}

// ---------------------------------------------------------------------------
// Health, OpenAPI, session.

func TestHealthAndOpenAPI(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		c := anon(t, env)
		for _, path := range []string{"/healthz", "/readyz"} {
			got := decodeAs[map[string]string](t, c.get(path), http.StatusOK)
			if got["status"] != "ok" {
				t.Errorf("%s: %v, want status ok", path, got)
			}
		}
		res := c.get(api + "/openapi.json")
		decodeAs[map[string]any](t, res, http.StatusOK)
	})
}

// TestUnknownAPIRoute: a path or method the API does not have is not found, for everyone.
func TestUnknownAPIRoute(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		c := anon(t, env)
		// It must not ask an anonymous caller to log in: Echo registers a catch-all route for
		// a group with middleware, so the staff group's requireStaff answers before the 404.
		for name, caller := range map[string]*client{"anonymous": c, "staff": as(t, env, env.OfficialA)} {
			for _, req := range []struct{ method, path string }{
				{http.MethodGet, api + "/no-such-thing"},
				{http.MethodGet, api + "/consultation/1"},
				{http.MethodDelete, api + "/units"},
			} {
				res := caller.b.Do(req.method, req.path, nil, caller.header)
				if res.Status != http.StatusNotFound {
					t.Errorf("%s %s %s: status %d, want 404; body: %s", name, req.method, req.path, res.Status, abbrev(res.Body))
					continue
				}
				wantError(t, res, http.StatusNotFound, "not_found", "", "error.not_found")
			}
		}
	})
}

func TestSession(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		t.Run("cookie login then staff call", func(t *testing.T) {
			c := anon(t, env)
			wantError(t, c.get(api+"/moderation/queue"), http.StatusUnauthorized, "unauthorized", "", "error.unauthorized")
			res := c.post(api+"/session", map[string]string{"email": env.ModeratorA.Email, "password": testutil.Password})
			got := decodeAs[map[string]string](t, res, http.StatusOK)
			if got["email"] != env.ModeratorA.Email {
				t.Errorf("session: %v", got)
			}
			decodeAs[list[queueItemJSON]](t, c.get(api+"/moderation/queue"), http.StatusOK)
		})
		t.Run("wrong password", func(t *testing.T) {
			res := anon(t, env).post(api+"/session", map[string]string{"email": env.ModeratorA.Email, "password": "sai mật khẩu"})
			wantError(t, res, http.StatusUnauthorized, "unauthorized", "", "error.login_failed")
		})
		t.Run("unknown bearer token", func(t *testing.T) {
			res := anon(t, env).with("Authorization", "Bearer not-a-token").get(api + "/moderation/queue")
			wantError(t, res, http.StatusUnauthorized, "unauthorized", "", "")
		})
	})
}

// TestLoginThrottled checks API.md: POST /api/v1/session answers 429, with Retry-After,
// after repeated failures, so passwords cannot be guessed at full speed.
func TestLoginThrottled(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		c := anon(t, env)
		wrong := map[string]string{"email": env.OfficialA.Email, "password": "đoán mò"}
		const attempts = 20
		for range attempts {
			res := c.post(api+"/session", wrong)
			if res.Status == http.StatusTooManyRequests {
				wantError(t, res, http.StatusTooManyRequests, "rate_limited", "", "error.rate_limited")
				if res.Header.Get("Retry-After") == "" {
					t.Error("429 without Retry-After")
				}
				return
			}
			wantError(t, res, http.StatusUnauthorized, "unauthorized", "", "error.login_failed")
		}
		t.Errorf("%d wrong passwords in a row were all answered 401; want 429 with Retry-After", attempts)
	})
}

// ---------------------------------------------------------------------------
// Units and consultations.

func TestUnits(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		c := anon(t, env)

		top := decodeAs[list[unitJSON]](t, c.get(api+"/units"), http.StatusOK)
		if len(top.Items) != 1 || top.Items[0].Code != "P" || top.Items[0].Kind != "province" || top.Items[0].ParentCode != nil {
			t.Errorf("top level: %+v, want only province P without parent", top.Items)
		}
		if top.NextPage != nil {
			t.Errorf("next_page %v, want null", *top.NextPage)
		}

		under := decodeAs[list[unitJSON]](t, c.get(api+"/units?parent=A"), http.StatusOK)
		households := map[string]int{}
		for _, u := range under.Items {
			households[u.Code] = u.Households
			if u.Kind != "village" || u.ParentCode == nil || *u.ParentCode != "A" {
				t.Errorf("unit %+v: want a village with parent_code A", u)
			}
		}
		if want := map[string]int{"A1": 120, "A2": 80}; fmt.Sprint(households) != fmt.Sprint(want) {
			t.Errorf("units under A: %v, want %v", households, want)
		}

		wantError(t, c.get(api+"/units?parent=ZZ"), http.StatusNotFound, "not_found", "", "error.unit_not_found")
		wantError(t, c.with("Accept-Language", "en").get(api+"/units?parent=ZZ"),
			http.StatusNotFound, "not_found", i18n.EN, "error.unit_not_found")
	})
}

func TestListConsultations(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		openA := env.OpenConsultation(t) // "Dự thảo hương ước Thôn Một"
		openB := consultation(t, env, env.OfficialB, "B", "plan", "Kế hoạch làm đường Bản Nà", false)
		draftA := consultation(t, env, env.OfficialA, "A", "huong_uoc", "Dự thảo hương ước chưa công bố", true)
		closedA := consultation(t, env, env.OfficialA, "A", "quy_uoc", "Quy ước bảo vệ rừng", false)
		env.CloseAtEnd(t, env.OfficialA, closedA)
		c := anon(t, env)

		t.Run("published only, one page", func(t *testing.T) {
			res := c.get(api + "/consultations")
			got := decodeAs[list[consultationJSON]](t, res, http.StatusOK)
			if want := sorted(openA.ID, openB.ID, closedA.ID); !slices.Equal(ids(got.Items), want) {
				t.Errorf("ids %v, want %v (draft %d must not appear)", ids(got.Items), want, draftA.ID)
			}
			if np := rawNextPage(t, res); np != "null" {
				t.Errorf("next_page %s, want null", np)
			}
			for _, item := range got.Items {
				if item.ID == openA.ID && (item.Unit.Code != "A" || item.Status != "open" || item.Kind != "huong_uoc") {
					t.Errorf("item %+v", item)
				}
			}
		})

		cases := []struct {
			query string
			want  []int64
		}{
			{"unit=B", sorted(openB.ID)},
			{"unit=A", sorted(openA.ID, closedA.ID)},
			{"unit=P", sorted(openA.ID, openB.ID, closedA.ID)},
			{"unit=A1", sorted()},
			{"q=huong+uoc", sorted(openA.ID)},
			{"q=" + "h%C6%B0%C6%A1ng+%C6%B0%E1%BB%9Bc", sorted(openA.ID)}, // hương ước
			{"q=HUONG", sorted(openA.ID)},
			{"q=rung", sorted(closedA.ID)},
			{"q=duong", sorted(openB.ID)},
			{"q=" + "%C4%91%C6%B0%E1%BB%9Dng", sorted(openB.ID)}, // đường
			{"q=khong+co+gi", sorted()},
			{"status=open", sorted(openA.ID, openB.ID)},
			{"status=closed", sorted(closedA.ID)},
			{"status=open&unit=A", sorted(openA.ID)},
		}
		for _, tc := range cases {
			t.Run(tc.query, func(t *testing.T) {
				got := decodeAs[list[consultationJSON]](t, c.get(api+"/consultations?"+tc.query), http.StatusOK)
				if !slices.Equal(ids(got.Items), tc.want) {
					t.Errorf("ids %v, want %v", ids(got.Items), tc.want)
				}
			})
		}

		t.Run("bad status", func(t *testing.T) {
			wantInvalid(t, c.get(api+"/consultations?status=draft"), "status")
			wantInvalid(t, c.get(api+"/consultations?status=nonsense"), "status")
		})
		t.Run("bad page", func(t *testing.T) {
			wantInvalid(t, c.get(api+"/consultations?page=0"), "page")
			wantInvalid(t, c.get(api+"/consultations?page=x"), "page")
		})

		// Last: it adds consultations the cases above do not expect.
		t.Run("pages of 20", func(t *testing.T) {
			for i := range 19 {
				consultation(t, env, env.OfficialB, "B", "plan", fmt.Sprintf("Kế hoạch số %d", i), false)
			}
			res := c.get(api + "/consultations")
			first := decodeAs[list[consultationJSON]](t, res, http.StatusOK)
			if len(first.Items) != 20 || first.NextPage == nil || *first.NextPage != 2 {
				t.Fatalf("page 1: %d items, next_page %s; want 20 and 2", len(first.Items), rawNextPage(t, res))
			}
			res = c.get(api + "/consultations?page=2")
			second := decodeAs[list[consultationJSON]](t, res, http.StatusOK)
			if len(second.Items) != 2 || rawNextPage(t, res) != "null" {
				t.Errorf("page 2: %d items, next_page %s; want 2 and null", len(second.Items), rawNextPage(t, res))
			}
			if all := append(ids(first.Items), ids(second.Items)...); len(slices.Compact(sorted(all...))) != 22 {
				t.Errorf("pages overlap: %v", all)
			}
		})
	})
}

func TestGetConsultation(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		open := env.OpenConsultation(t)
		draft := consultation(t, env, env.OfficialA, "A", "huong_uoc", "Bản nháp", true)
		c := anon(t, env)

		t.Run("open consultation with sections", func(t *testing.T) {
			res := c.get(fmt.Sprintf("%s/consultations/%d", api, open.ID))
			got := decodeAs[consultationJSON](t, res, http.StatusOK)
			if got.ID != open.ID || got.Title != "Dự thảo hương ước Thôn Một" || got.Kind != "huong_uoc" ||
				got.Matter != "decide" || got.Status != "open" || got.Version != 1 ||
				got.Unit.Code != "A" || got.Unit.Name != "Xã An Bình" {
				t.Errorf("consultation: %+v", got)
			}
			if !strings.Contains(res.Body, `+07:00"`) {
				t.Errorf("times should be in the portal's zone (+07:00): %s", abbrev(res.Body))
			}
			var paths []string
			headings := map[string]string{}
			for i, s := range got.Sections {
				if s.ID == 0 || s.Ordinal != i+1 {
					t.Errorf("section %+v: want an id and ordinal %d", s, i+1)
				}
				paths = append(paths, s.Path)
				headings[s.Path] = s.Heading
			}
			wantPaths := []string{"c1", "c1.d1", "c2", "c2.d2", "c2.d2.k1", "c2.d2.k2", "c2.d5"}
			if !slices.Equal(paths, wantPaths) {
				t.Errorf("paths %v, want %v", paths, wantPaths)
			}
			if headings["c2.d5"] != "Điều 5. Việc cưới" || headings["c2.d2"] != "Điều 2. Vệ sinh môi trường" {
				t.Errorf("headings %v", headings)
			}
		})

		draftPath := fmt.Sprintf("%s/consultations/%d", api, draft.ID)
		t.Run("draft is not found for the public", func(t *testing.T) {
			wantError(t, c.get(draftPath), http.StatusNotFound, "not_found", "", "error.not_found")
		})
		t.Run("draft is visible to its unit's staff only", func(t *testing.T) {
			decodeAs[consultationJSON](t, as(t, env, env.OfficialA).get(draftPath), http.StatusOK)
			decodeAs[consultationJSON](t, as(t, env, env.ObserverA).get(draftPath), http.StatusOK)
			wantError(t, as(t, env, env.OfficialB).get(draftPath), http.StatusNotFound, "not_found", "", "")
		})
		for _, id := range []string{"999999", "abc", "-1", "0", "1.5"} {
			t.Run("not found "+id, func(t *testing.T) {
				wantError(t, c.get(api+"/consultations/"+id), http.StatusNotFound, "not_found", "", "error.not_found")
			})
		}
		t.Run("English message", func(t *testing.T) {
			wantError(t, c.with("Accept-Language", "en-US,en;q=0.9").get(api+"/consultations/999999"),
				http.StatusNotFound, "not_found", i18n.EN, "error.not_found")
		})
	})
}

// ---------------------------------------------------------------------------
// Opinions: submission, tracking, idempotency, bad input, text handling, privacy.

func TestSubmitAndTrack(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		cons := env.OpenConsultation(t)
		article := testutil.Section(t, cons, "c2.d5")
		in := opinion("disagree", "Nên cho phép tổ chức cưới hai ngày.")
		in["section_id"] = article.ID
		in["village_code"] = "A1"
		r := submit(t, env, cons.ID, in)

		got := track(t, env, r.TrackingCode)
		if got.TrackingCode != r.TrackingCode || got.Status != "pending" || got.Stance != "disagree" ||
			got.Body != "Nên cho phép tổ chức cưới hai ngày." || got.ConsultationID != cons.ID ||
			got.SectionID == nil || *got.SectionID != article.ID || got.RejectionReason != nil || got.SubmittedAt.IsZero() {
			t.Errorf("tracked: %+v", got)
		}

		for _, typed := range []string{
			strings.ToLower(r.TrackingCode),
			strings.ReplaceAll(r.TrackingCode, "-", ""),
			strings.ToLower(strings.ReplaceAll(r.TrackingCode, "-", "")),
		} {
			if got := track(t, env, typed); got.TrackingCode != r.TrackingCode {
				t.Errorf("%s: found %s, want %s", typed, got.TrackingCode, r.TrackingCode)
			}
		}

		c := anon(t, env)
		wantError(t, c.get(api+"/opinions/00000-00000"), http.StatusNotFound, "not_found", "", "error.tracking_not_found")
		wantError(t, c.with("Accept-Language", "en").get(api+"/opinions/00000-00000"),
			http.StatusNotFound, "not_found", i18n.EN, "error.tracking_not_found")
		for _, bad := range []string{"abc", "UUUUU-UUUUU", "12345-123456"} {
			wantInvalid(t, c.get(api+"/opinions/"+bad), "code")
		}

		// A general opinion (no section) is pending too, and not yet public.
		general := submit(t, env, cons.ID, opinion("agree", "Đồng ý toàn bộ dự thảo."))
		if got := track(t, env, general.TrackingCode); got.SectionID != nil {
			t.Errorf("general opinion has section %v", *got.SectionID)
		}
		pub := decodeAs[list[publicOpinionJSON]](t, c.get(opinionsPath(cons.ID)), http.StatusOK)
		if len(pub.Items) != 0 {
			t.Errorf("pending opinions are public: %+v", pub.Items)
		}
	})
}

func TestIdempotency(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		cons := env.OpenConsultation(t)

		t.Run("same key twice", func(t *testing.T) {
			c := anon(t, env).with("Idempotency-Key", "retry-3g-0001")
			in := opinion("agree", "Gửi hai lần vì mạng chập chờn.")
			first := decodeAs[receiptJSON](t, c.post(opinionsPath(cons.ID), in), http.StatusCreated)
			second := decodeAs[receiptJSON](t, c.post(opinionsPath(cons.ID), in), http.StatusCreated)
			if first != second || !trackingCode.MatchString(first.TrackingCode) {
				t.Errorf("receipts %+v and %+v, want the same", first, second)
			}
			if n := countOpinions(t, env, cons.ID); n != 1 {
				t.Errorf("%d opinions stored, want 1", n)
			}
			queue, err := env.App.ModerationQueue(context.Background(), env.ModeratorA, app.QueueQuery{ConsultationID: &cons.ID})
			if err != nil || len(queue.Items) != 1 {
				t.Errorf("moderation queue: %d items (err %v), want 1", len(queue.Items), err)
			}
			// A different key is a different opinion.
			other := decodeAs[receiptJSON](t, c.with("Idempotency-Key", "retry-3g-0002").post(opinionsPath(cons.ID), in), http.StatusCreated)
			if other.TrackingCode == first.TrackingCode {
				t.Error("a different key returned the same opinion")
			}
		})

		t.Run("same key, different opinion", func(t *testing.T) {
			cons := consultation(t, env, env.OfficialA, "A", "huong_uoc", "Dự thảo dùng lại khóa", false)
			c := anon(t, env).with("Idempotency-Key", "1")
			first := decodeAs[receiptJSON](t, c.post(opinionsPath(cons.ID), opinion("agree", "Ý kiến của người thứ nhất.")), http.StatusCreated)
			// The same key with a different opinion is not a repeat: answering with the first
			// receipt would silently drop this opinion and hand out another commenter's code.
			res := c.post(opinionsPath(cons.ID), opinion("disagree", "Một ý kiến khác hẳn."))
			if res.Status == http.StatusCreated {
				t.Errorf("same key, different body: 201 %s; want 422 (key reused for another request)", abbrev(res.Body))
			} else {
				wantInvalid(t, res, "idempotency_key")
			}
			if strings.Contains(res.Body, first.TrackingCode) {
				t.Errorf("same key, different body: response reveals the first opinion's tracking code")
			}
			if n := countOpinions(t, env, cons.ID); n != 1 {
				t.Errorf("%d opinions stored, want 1 (the refused one must not be stored)", n)
			}
		})

		t.Run("same key concurrently", func(t *testing.T) {
			cons := consultation(t, env, env.OfficialA, "A", "huong_uoc", "Dự thảo chạy đua", false)
			const n = 20
			body, _ := json.Marshal(opinion("other", "Hai mươi lần bấm gửi cùng lúc."))
			type result struct {
				status int
				r      receiptJSON
				err    error
			}
			results := make([]result, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					req, err := http.NewRequest(http.MethodPost, env.URL+opinionsPath(cons.ID), bytes.NewReader(body))
					if err != nil {
						results[i].err = err
						return
					}
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Idempotency-Key", "race-key")
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						results[i].err = err
						return
					}
					defer res.Body.Close()
					raw, _ := io.ReadAll(res.Body)
					results[i].status = res.StatusCode
					results[i].err = json.Unmarshal(raw, &results[i].r)
					if res.StatusCode != http.StatusCreated {
						results[i].err = fmt.Errorf("status %d: %s", res.StatusCode, raw)
					}
				}()
			}
			close(start)
			wg.Wait()
			codes := map[string]int{}
			for i, r := range results {
				if r.err != nil {
					t.Errorf("request %d: %v", i, r.err)
					continue
				}
				codes[r.r.TrackingCode]++
			}
			if len(codes) != 1 {
				t.Errorf("tracking codes %v, want one code for all %d requests", codes, n)
			}
			if got := countOpinions(t, env, cons.ID); got != 1 {
				t.Errorf("%d opinions stored, want exactly 1", got)
			}
		})
	})
}

func TestSubmitBadInput(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		cons := env.OpenConsultation(t)
		chapter := testutil.Section(t, cons, "c2")
		// Submissions are limited per address and consultation (30 an hour by default), and
		// every request here comes from 127.0.0.1: spread the cases over a few consultations.
		pool := []*domain.Consultation{
			cons,
			consultation(t, env, env.OfficialA, "A", "huong_uoc", "Dự thảo hai", false),
			consultation(t, env, env.OfficialA, "A", "huong_uoc", "Dự thảo ba", false),
		}
		elsewhere := consultation(t, env, env.OfficialB, "B", "huong_uoc", "Hương ước Bản Nà", false)
		closed := consultation(t, env, env.OfficialA, "A", "huong_uoc", "Đã đóng", false)
		env.CloseAtEnd(t, env.OfficialA, closed)
		draft := consultation(t, env, env.OfficialA, "A", "huong_uoc", "Chưa công bố", true)

		with := func(extra map[string]any) map[string]any {
			in := opinion("agree", "Ý kiến hợp lệ.")
			for k, v := range extra {
				in[k] = v
			}
			return in
		}
		cases := []struct {
			name   string
			cons   int64 // default: one of the open consultations of the pool
			body   any
			header map[string]string // replaces Content-Type when set
			status int
			code   string
			msgKey string // checked when set
			field  string // for 422
		}{
			{name: "empty body", body: with(map[string]any{"body": ""}), status: 422, code: "invalid", field: "body"},
			{name: "blank body", body: with(map[string]any{"body": "   \n "}), status: 422, code: "invalid", field: "body"},
			{name: "body only markup", body: with(map[string]any{"body": "<b></b>"}), status: 422, code: "invalid", field: "body"},
			{name: "body too long", body: with(map[string]any{"body": strings.Repeat("ý", 5001)}), status: 422, code: "invalid", field: "body"},
			{name: "missing stance", body: map[string]any{"body": "Không có lập trường."}, status: 422, code: "invalid", field: "stance"},
			{name: "unknown stance", body: with(map[string]any{"stance": "maybe"}), status: 422, code: "invalid", field: "stance"},
			{name: "stance as number", body: `{"stance": 1, "body": "Ý kiến hợp lệ."}`, status: 422, code: "invalid", field: "stance"},
			{name: "section_id as string", body: `{"stance": "agree", "body": "Ý kiến hợp lệ.", "section_id": "x"}`, status: 422, code: "invalid", field: "section_id"},
			{name: "section of another consultation", body: with(map[string]any{"section_id": elsewhere.Sections[1].ID}), status: 422, code: "invalid", field: "section_id"},
			{name: "chapter section", cons: cons.ID, body: with(map[string]any{"section_id": chapter.ID}), status: 422, code: "invalid", field: "section_id"},
			{name: "unknown section", body: with(map[string]any{"section_id": 987654}), status: 422, code: "invalid", field: "section_id"},
			{name: "village of another commune", body: with(map[string]any{"village_code": "B1"}), status: 422, code: "invalid", field: "village_code"},
			{name: "commune as village", body: with(map[string]any{"village_code": "A"}), status: 422, code: "invalid", field: "village_code"},
			{name: "unknown village", body: with(map[string]any{"village_code": "ZZ9"}), status: 422, code: "invalid", field: "village_code"},
			{name: "contact without consent", body: with(map[string]any{"contact": "0912345678"}), status: 422, code: "invalid", field: "consent"},
			{name: "name too long", body: with(map[string]any{"author_name": strings.Repeat("a", 101)}), status: 422, code: "invalid", field: "author_name"},
			{name: "idempotency key too long", body: with(nil), header: map[string]string{"Content-Type": "application/json", "Idempotency-Key": strings.Repeat("k", 65)},
				status: 422, code: "invalid", field: "idempotency_key"},
			{name: "malformed JSON", body: `{"stance": "agree", "body": `, status: 400, code: "malformed", msgKey: "error.malformed_json"},
			{name: "JSON array", body: `[1, 2]`, status: 400, code: "malformed"},
			{name: "form content type", body: "stance=agree&body=hello", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
				status: 400, code: "malformed", msgKey: "error.content_type"},
			{name: "no content type", body: `{"stance": "agree", "body": "Ý kiến hợp lệ."}`, header: map[string]string{"Content-Type": ""},
				status: 400, code: "malformed", msgKey: "error.content_type"},
			{name: "invalid UTF-8", body: "{\"stance\": \"agree\", \"body\": \"ab\xff\xfe cd\"}", status: 400, code: "malformed", msgKey: "error.utf8"},
			{name: "1 MB body", body: `{"stance": "agree", "body": "` + strings.Repeat("a", 1<<20) + `"}`, status: 413, code: "too_large", msgKey: "error.too_large"},
			{name: "closed consultation", cons: closed.ID, body: with(nil), status: 409, code: "conflict", msgKey: "error.consultation_not_open"},
			{name: "draft consultation", cons: draft.ID, body: with(nil), status: 404, code: "not_found"},
			{name: "unknown consultation", cons: 999999, body: with(nil), status: 404, code: "not_found", msgKey: "error.not_found"},
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				id := pool[i%len(pool)].ID
				if tc.cons != 0 {
					id = tc.cons
				}
				before := countOpinions(t, env, id)
				c := anon(t, env)
				var res *testutil.Response
				if tc.header != nil {
					raw, ok := tc.body.(string)
					if !ok {
						b, _ := json.Marshal(tc.body)
						raw = string(b)
					}
					res = c.b.Do(http.MethodPost, opinionsPath(id), strings.NewReader(raw), tc.header)
				} else {
					res = c.post(opinionsPath(id), tc.body)
				}
				e := wantError(t, res, tc.status, tc.code, "", tc.msgKey)
				if tc.field != "" {
					if msg := e.Error.Fields[tc.field]; msg == "" {
						t.Errorf("fields %v: want a message for %q", e.Error.Fields, tc.field)
					}
				}
				if tc.cons != 999999 {
					if after := countOpinions(t, env, id); after != before {
						t.Errorf("a refused opinion was stored (%d → %d rows)", before, after)
					}
				}
			})
		}

		t.Run("1 MB body without Content-Length", func(t *testing.T) {
			body := `{"stance": "agree", "body": "` + strings.Repeat("a", 1<<20) + `"}`
			// A MultiReader hides the length, so the request is sent chunked.
			res := anon(t, env).b.Do(http.MethodPost, opinionsPath(pool[1].ID), io.MultiReader(strings.NewReader(body)),
				map[string]string{"Content-Type": "application/json"})
			wantError(t, res, http.StatusRequestEntityTooLarge, "too_large", "", "error.too_large")
		})

		t.Run("field messages in Vietnamese and English", func(t *testing.T) {
			in := with(map[string]any{"body": "", "stance": "maybe"})
			vi := wantInvalid(t, anon(t, env).post(opinionsPath(pool[2].ID), in), "body")
			if want := i18n.T(i18n.VI, "validation.required"); vi != want {
				t.Errorf("vi body message %q, want %q", vi, want)
			}
			res := anon(t, env).with("Accept-Language", "en").post(opinionsPath(pool[2].ID), in)
			e := wantError(t, res, 422, "invalid", i18n.EN, "error.invalid")
			if want := i18n.T(i18n.EN, "validation.required"); e.Error.Fields["body"] != want {
				t.Errorf("en body message %q, want %q", e.Error.Fields["body"], want)
			}
			if e.Error.Fields["stance"] == "" {
				t.Errorf("en fields %v: want stance too", e.Error.Fields)
			}
		})
	})
}

func TestOpinionText(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		cons := env.OpenConsultation(t)
		c := anon(t, env)

		t.Run("ampersand and less-than kept exactly", func(t *testing.T) {
			const text = "Tôi & bạn <3"
			r := submit(t, env, cons.ID, opinion("agree", text))
			if got := track(t, env, r.TrackingCode).Body; got != text {
				t.Errorf("tracked body %q, want %q", got, text)
			}
			decide(t, env, r.TrackingCode, approve)
			pub := decodeAs[list[publicOpinionJSON]](t, c.get(opinionsPath(cons.ID)), http.StatusOK)
			if len(pub.Items) != 1 || pub.Items[0].Body != text {
				t.Errorf("public opinions %+v, want one with body %q", pub.Items, text)
			}
		})

		t.Run("markup removed", func(t *testing.T) {
			r := submit(t, env, cons.ID, opinion("other", "<b>xin</b> chào<script>alert(1)</script>"))
			got := track(t, env, r.TrackingCode).Body
			if strings.ContainsAny(got, "<>") || strings.Contains(got, "script") || !strings.HasPrefix(got, "xin chào") {
				t.Errorf("tracked body %q: want the text without any tag", got)
			}
			decide(t, env, r.TrackingCode, approve)
			pub := decodeAs[list[publicOpinionJSON]](t, c.get(opinionsPath(cons.ID)), http.StatusOK)
			for _, o := range pub.Items {
				if strings.ContainsAny(o.Body, "<>") && o.Body != "Tôi & bạn <3" {
					t.Errorf("public body %q contains markup", o.Body)
				}
			}
		})
	})
}

func TestPrivacy(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		cons := env.OpenConsultation(t)
		const (
			hiddenName = "Nguyễn Văn Kín"
			shownName  = "Trần Thị Hiện"
			contact    = "0912345678"
			email      = "an.danh@example.vn"
		)
		hidden := submit(t, env, cons.ID, map[string]any{
			"stance": "agree", "body": "Tên tôi không được hiện.", "author_name": hiddenName,
			"show_name": false, "contact": contact, "consent": true, "village_code": "A2",
		})
		shown := submit(t, env, cons.ID, map[string]any{
			"stance": "disagree", "body": "Tên tôi được hiện.", "author_name": shownName,
			"show_name": true, "contact": email, "consent": true,
		})
		queue := as(t, env, env.ModeratorA).get(api + "/moderation/queue")
		decodeAs[list[queueItemJSON]](t, queue, http.StatusOK)
		for _, secret := range []string{contact, email} {
			if strings.Contains(queue.Body, secret) {
				t.Errorf("the moderation queue contains the contact %q", secret)
			}
		}
		decide(t, env, hidden.TrackingCode, approve)
		decide(t, env, shown.TrackingCode, approve)

		c := anon(t, env)
		res := c.get(opinionsPath(cons.ID))
		pub := decodeAs[list[publicOpinionJSON]](t, res, http.StatusOK)
		for _, secret := range []string{hiddenName, contact, email, `"contact"`, "127.0.0.1"} {
			if strings.Contains(res.Body, secret) {
				t.Errorf("public opinions contain %q: %s", secret, abbrev(res.Body))
			}
		}
		byBody := map[string]publicOpinionJSON{}
		for _, o := range pub.Items {
			byBody[o.Body] = o
		}
		if o := byBody["Tên tôi không được hiện."]; o.AuthorName != nil && *o.AuthorName != "" {
			t.Errorf("author_name %q shown without consent", *o.AuthorName)
		}
		if o := byBody["Tên tôi được hiện."]; o.AuthorName == nil || *o.AuthorName != shownName {
			t.Errorf("author_name %v, want %q", o.AuthorName, shownName)
		}

		// The tracking view and the summary are public too.
		for _, path := range []string{api + "/opinions/" + hidden.TrackingCode, fmt.Sprintf("%s/consultations/%d/summary", api, cons.ID)} {
			res := c.get(path)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: status %d", path, res.Status)
			}
			for _, secret := range []string{hiddenName, contact, email} {
				if strings.Contains(res.Body, secret) {
					t.Errorf("%s contains %q: %s", path, secret, abbrev(res.Body))
				}
			}
		}
	})
}

// ---------------------------------------------------------------------------
// Moderation.

func TestModeration(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		cons := env.OpenConsultation(t)
		consB := consultation(t, env, env.OfficialB, "B", "huong_uoc", "Hương ước Bản Nà", false)
		first := submit(t, env, cons.ID, opinion("agree", "Thứ nhất."))
		second := submit(t, env, cons.ID, opinion("disagree", "Thứ hai."))
		third := submit(t, env, cons.ID, opinion("other", "Thứ ba."))
		inB := submit(t, env, consB.ID, opinion("agree", "Ở xã Bắc Sơn."))
		queuePath := api + "/moderation/queue"

		t.Run("anonymous", func(t *testing.T) {
			wantError(t, anon(t, env).get(queuePath), http.StatusUnauthorized, "unauthorized", "", "error.unauthorized")
			wantError(t, anon(t, env).with("Accept-Language", "en").get(queuePath),
				http.StatusUnauthorized, "unauthorized", i18n.EN, "error.unauthorized")
			res := anon(t, env).post(moderationPath(opinionID(t, env, first.TrackingCode)), approve)
			wantError(t, res, http.StatusUnauthorized, "unauthorized", "", "error.unauthorized")
		})

		t.Run("staff without the moderator role", func(t *testing.T) {
			for _, who := range []*domain.Actor{env.OfficialA, env.OfficialB, env.ObserverA} {
				wantError(t, as(t, env, who).get(queuePath), http.StatusForbidden, "forbidden", "", "error.forbidden")
			}
		})

		t.Run("moderator sees own units, oldest first", func(t *testing.T) {
			got := decodeAs[list[queueItemJSON]](t, as(t, env, env.ModeratorA).get(queuePath), http.StatusOK)
			var bodies []string
			for i, it := range got.Items {
				bodies = append(bodies, it.Body)
				if it.ConsultationID != cons.ID {
					t.Errorf("item %+v from another commune's consultation", it)
				}
				if i > 0 && it.SubmittedAt.Before(got.Items[i-1].SubmittedAt) {
					t.Errorf("queue not oldest first at %d", i)
				}
			}
			if want := []string{"Thứ nhất.", "Thứ hai.", "Thứ ba."}; !slices.Equal(bodies, want) {
				t.Errorf("queue %q, want %q", bodies, want)
			}
			filtered := decodeAs[list[queueItemJSON]](t,
				as(t, env, env.ModeratorA).get(fmt.Sprintf("%s?consultation_id=%d", queuePath, cons.ID)), http.StatusOK)
			if len(filtered.Items) != 3 {
				t.Errorf("filtered queue: %d items, want 3", len(filtered.Items))
			}
			wantInvalid(t, as(t, env, env.ModeratorA).get(queuePath+"?consultation_id=x"), "consultation_id")
		})

		t.Run("admin sees every commune", func(t *testing.T) {
			got := decodeAs[list[queueItemJSON]](t, as(t, env, env.Admin).get(queuePath), http.StatusOK)
			if len(got.Items) != 4 {
				t.Errorf("admin queue: %d items, want 4", len(got.Items))
			}
		})

		t.Run("others cannot moderate A's opinions", func(t *testing.T) {
			id := opinionID(t, env, first.TrackingCode)
			for _, who := range []*domain.Actor{env.OfficialA, env.ObserverA, env.OfficialB} {
				wantError(t, as(t, env, who).post(moderationPath(id), approve), http.StatusForbidden, "forbidden", "", "error.forbidden")
			}
			// ModeratorA cannot moderate commune B either.
			res := as(t, env, env.ModeratorA).post(moderationPath(opinionID(t, env, inB.TrackingCode)), approve)
			wantError(t, res, http.StatusForbidden, "forbidden", "", "error.forbidden")
			if got := track(t, env, first.TrackingCode).Status; got != "pending" {
				t.Errorf("status %s after refused decisions, want pending", got)
			}
		})

		t.Run("approve once", func(t *testing.T) {
			mod := as(t, env, env.ModeratorA)
			path := moderationPath(opinionID(t, env, first.TrackingCode))
			got := decodeAs[map[string]any](t, mod.post(path, approve), http.StatusOK)
			if got["status"] != "approved" {
				t.Errorf("decision: %v", got)
			}
			if tr := track(t, env, first.TrackingCode); tr.Status != "approved" || tr.RejectionReason != nil {
				t.Errorf("tracked: %+v", tr)
			}
			wantError(t, mod.post(path, approve), http.StatusConflict, "conflict", "", "error.opinion_already_decided")
			wantError(t, mod.post(path, map[string]any{"decision": "reject", "reason": "spam"}),
				http.StatusConflict, "conflict", "", "error.opinion_already_decided")
		})

		t.Run("invalid decisions", func(t *testing.T) {
			mod := as(t, env, env.ModeratorA)
			path := moderationPath(opinionID(t, env, second.TrackingCode))
			wantInvalid(t, mod.post(path, map[string]any{"decision": "reject"}), "reason")
			wantInvalid(t, mod.post(path, map[string]any{"decision": "reject", "reason": "other"}), "note")
			wantInvalid(t, mod.post(path, map[string]any{"decision": "reject", "reason": "boring"}), "reason")
			wantInvalid(t, mod.post(path, map[string]any{"decision": "maybe"}), "decision")
			wantInvalid(t, mod.post(path, map[string]any{}), "decision")
			wantError(t, mod.post(path, "{"), http.StatusBadRequest, "malformed", "", "")
			if got := track(t, env, second.TrackingCode).Status; got != "pending" {
				t.Errorf("status %s after invalid decisions, want pending", got)
			}
			wantError(t, mod.post(moderationPath(999999), approve), http.StatusNotFound, "not_found", "", "")
			wantError(t, mod.post(api+"/opinions/abc/moderation", approve), http.StatusNotFound, "not_found", "", "")
		})

		t.Run("reject with reason", func(t *testing.T) {
			mod := as(t, env, env.ModeratorA)
			decodeAs[map[string]any](t, mod.post(moderationPath(opinionID(t, env, second.TrackingCode)),
				map[string]any{"decision": "reject", "reason": "spam"}), http.StatusOK)
			tr := track(t, env, second.TrackingCode)
			if tr.Status != "rejected" || tr.RejectionReason == nil || *tr.RejectionReason != "spam" {
				t.Errorf("tracked: %+v, want rejected for spam", tr)
			}
			decodeAs[map[string]any](t, mod.post(moderationPath(opinionID(t, env, third.TrackingCode)),
				map[string]any{"decision": "reject", "reason": "other", "note": "Trùng lặp nội dung đã gửi qua loa."}), http.StatusOK)
			if tr := track(t, env, third.TrackingCode); tr.RejectionReason == nil || *tr.RejectionReason != "other" {
				t.Errorf("tracked: %+v, want rejected for other", tr)
			}
		})

		t.Run("decided opinions leave the queue", func(t *testing.T) {
			got := decodeAs[list[queueItemJSON]](t, as(t, env, env.ModeratorA).get(queuePath), http.StatusOK)
			if len(got.Items) != 0 {
				t.Errorf("queue still has %+v", got.Items)
			}
			pub := decodeAs[list[publicOpinionJSON]](t, anon(t, env).get(opinionsPath(cons.ID)), http.StatusOK)
			if len(pub.Items) != 1 || pub.Items[0].Body != "Thứ nhất." {
				t.Errorf("public opinions %+v, want only the approved one", pub.Items)
			}
		})
	})
}

// ---------------------------------------------------------------------------
// Staff consultation API.

func TestStaffConsultations(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		now := time.Now()
		newCons := func(days int) map[string]any {
			return map[string]any{
				"title": "Dự thảo hương ước Thôn Hai", "kind": "huong_uoc", "unit_code": "A",
				"summary": "Sửa đổi việc cưới.", "text": testutil.Draft,
				"opens_at": now.Format(time.RFC3339), "closes_at": now.AddDate(0, 0, days).Format(time.RFC3339),
			}
		}
		create := func(t *testing.T, who *domain.Actor, in map[string]any) consultationJSON {
			t.Helper()
			return decodeAs[consultationJSON](t, as(t, env, who).post(api+"/consultations", in), http.StatusCreated)
		}
		action := func(id int64, verb string) string { return fmt.Sprintf("%s/consultations/%d/%s", api, id, verb) }

		t.Run("official creates a draft split into sections", func(t *testing.T) {
			got := create(t, env.OfficialA, newCons(31))
			if got.ID == 0 || got.Status != "draft" || got.Unit.Code != "A" || got.Kind != "huong_uoc" || got.Matter != "decide" {
				t.Errorf("created: %+v", got)
			}
			var paths []string
			for _, s := range got.Sections {
				if s.ID == 0 {
					t.Errorf("section %+v without id", s)
				}
				paths = append(paths, s.Path)
			}
			if want := []string{"c1", "c1.d1", "c2", "c2.d2", "c2.d2.k1", "c2.d2.k2", "c2.d5"}; !slices.Equal(paths, want) {
				t.Errorf("paths %v, want %v", paths, want)
			}
			wantError(t, anon(t, env).get(fmt.Sprintf("%s/consultations/%d", api, got.ID)), http.StatusNotFound, "not_found", "", "")
		})

		t.Run("explicit sections", func(t *testing.T) {
			in := newCons(31)
			delete(in, "text")
			in["sections"] = []map[string]string{{"heading": "Mục tiêu", "body": "Làm đường liên thôn."}, {"heading": "Kinh phí", "body": "Nhân dân đóng góp."}}
			got := create(t, env.OfficialA, in)
			if len(got.Sections) != 2 || got.Sections[1].Heading != "Kinh phí" {
				t.Errorf("sections %+v", got.Sections)
			}
		})

		t.Run("who may create", func(t *testing.T) {
			path := api + "/consultations"
			wantError(t, anon(t, env).post(path, newCons(31)), http.StatusUnauthorized, "unauthorized", "", "error.unauthorized")
			for _, who := range []*domain.Actor{env.OfficialB, env.ModeratorA, env.ObserverA} {
				wantError(t, as(t, env, who).post(path, newCons(31)), http.StatusForbidden, "forbidden", "", "error.forbidden")
			}
			create(t, env.Admin, newCons(31))
		})

		t.Run("invalid input", func(t *testing.T) {
			c := as(t, env, env.OfficialA)
			for field, change := range map[string]map[string]any{
				"title":     {"title": ""},
				"kind":      {"kind": "decree"},
				"unit_code": {"unit_code": "ZZ"},
				"text":      {"text": ""},
				"closes_at": {"closes_at": "31/12/2026"},
			} {
				in := newCons(31)
				for k, v := range change {
					in[k] = v
				}
				wantInvalid(t, c.post(api+"/consultations", in), field)
			}
			in := newCons(31)
			in["closes_at"] = now.AddDate(0, 0, -1).Format(time.RFC3339)
			wantInvalid(t, c.post(api+"/consultations", in), "closes_at")
		})

		t.Run("period too short for a hương ước", func(t *testing.T) {
			// Refused when the draft is saved, so no draft exists that can never be published.
			msg := wantInvalid(t, as(t, env, env.OfficialA).post(api+"/consultations", newCons(10)), "closes_at")
			if !strings.Contains(msg, "30") {
				t.Errorf("closes_at message %q should name the 30-day minimum", msg)
			}
			res := as(t, env, env.OfficialA).with("Accept-Language", "en").post(api+"/consultations", newCons(10))
			e := wantError(t, res, 422, "invalid", i18n.EN, "error.invalid")
			if !strings.Contains(e.Error.Fields["closes_at"], "30 days") {
				t.Errorf("en closes_at message %q should name the 30-day minimum", e.Error.Fields["closes_at"])
			}
			// A draft saved with 31 days but published four days later has too few left.
			draft := create(t, env.OfficialA, newCons(31))
			realNow := env.App.Now
			env.App.Now = func() time.Time { return realNow().AddDate(0, 0, 4) }
			defer func() { env.App.Now = realNow }()
			msg = wantInvalid(t, as(t, env, env.OfficialA).post(action(draft.ID, "publish"), nil), "closes_at")
			if !strings.Contains(msg, "30") {
				t.Errorf("late publication: closes_at message %q should name the 30-day minimum", msg)
			}
		})

		t.Run("publish, publish again, close", func(t *testing.T) {
			draft := create(t, env.OfficialA, newCons(31))
			wantError(t, anon(t, env).post(action(draft.ID, "publish"), nil), http.StatusUnauthorized, "unauthorized", "", "")
			wantError(t, as(t, env, env.OfficialB).post(action(draft.ID, "publish"), nil), http.StatusForbidden, "forbidden", "", "")
			wantError(t, as(t, env, env.ModeratorA).post(action(draft.ID, "publish"), nil), http.StatusForbidden, "forbidden", "", "")
			wantError(t, as(t, env, env.OfficialA).post(action(draft.ID, "close"), nil),
				http.StatusConflict, "conflict", "", "error.transition.closed")

			c := as(t, env, env.OfficialA)
			if got := decodeAs[consultationJSON](t, c.post(action(draft.ID, "publish"), nil), http.StatusOK); got.Status != "open" {
				t.Errorf("published status %q, want open", got.Status)
			}
			wantError(t, c.post(action(draft.ID, "publish"), nil), http.StatusConflict, "conflict", "", "error.transition.open")
			public := decodeAs[consultationJSON](t, anon(t, env).get(fmt.Sprintf("%s/consultations/%d", api, draft.ID)), http.StatusOK)
			if public.Status != "open" {
				t.Errorf("public status %q", public.Status)
			}
			submit(t, env, draft.ID, opinion("agree", "Đã mở thì gửi được."))

			// Closing before the legal minimum is refused (periods_test.go has the boundaries);
			// once the period has run out it needs no reason.
			wantError(t, c.post(action(draft.ID, "close"), nil), http.StatusConflict, "conflict", "", "")
			realNow := env.App.Now
			env.App.Now = func() time.Time { return realNow().AddDate(0, 0, 32) }
			defer func() { env.App.Now = realNow }()
			if got := decodeAs[consultationJSON](t, c.post(action(draft.ID, "close"), nil), http.StatusOK); got.Status != "closed" {
				t.Errorf("closed status %q, want closed", got.Status)
			}
			wantError(t, c.post(action(draft.ID, "close"), nil), http.StatusConflict, "conflict", "", "")
			wantError(t, anon(t, env).post(opinionsPath(draft.ID), opinion("agree", "Đóng rồi.")), http.StatusConflict, "conflict", "", "")
			wantError(t, c.post(action(999999, "publish"), nil), http.StatusNotFound, "not_found", "", "")
		})

		t.Run("date-only period", func(t *testing.T) {
			today := now.In(domain.Zone)
			last := today.AddDate(0, 0, 40)
			in := newCons(0)
			in["opens_at"] = today.Format(time.DateOnly)
			in["closes_at"] = last.Format(time.DateOnly) // e.g. "2026-12-31": open until the end of that day
			got := create(t, env.OfficialA, in)
			wantOpens := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, domain.Zone)
			wantCloses := time.Date(last.Year(), last.Month(), last.Day()+1, 0, 0, 0, 0, domain.Zone)
			if !got.OpensAt.Equal(wantOpens) || !got.ClosesAt.Equal(wantCloses) {
				t.Errorf("period %s – %s, want %s – %s", got.OpensAt, got.ClosesAt, wantOpens, wantCloses)
			}
			published := decodeAs[consultationJSON](t, as(t, env, env.OfficialA).post(action(got.ID, "publish"), nil), http.StatusOK)
			if published.Status != "open" {
				t.Errorf("status %q, want open", published.Status)
			}
		})
	})
}

// ---------------------------------------------------------------------------
// Summary and offline opinions.

func TestSummary(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		cons := env.OpenConsultation(t)
		article := testutil.Section(t, cons, "c2.d2")
		on := func(stance, body string) map[string]any {
			in := opinion(stance, body)
			in["section_id"] = article.ID
			return in
		}
		general := opinion("other", "Ý kiến chung từ Thôn Một.")
		general["village_code"] = "A1"
		approved := []map[string]any{
			on("agree", "Đồng ý phân loại rác."), on("agree", "Rất nên làm."), on("disagree", "Khó làm ở vùng sâu."), general,
		}
		for _, in := range approved {
			decide(t, env, submit(t, env, cons.ID, in).TrackingCode, approve)
		}
		submit(t, env, cons.ID, on("disagree", "Chưa duyệt nên không tính."))
		rejected := submit(t, env, cons.ID, on("disagree", "Quảng cáo bán hàng."))
		decide(t, env, rejected.TrackingCode, map[string]any{"decision": "reject", "reason": "spam"})

		c := anon(t, env)
		got := decodeAs[summaryJSON](t, c.get(fmt.Sprintf("%s/consultations/%d/summary", api, cons.ID)), http.StatusOK)
		if got.Total != 4 {
			t.Errorf("total %d, want 4", got.Total)
		}
		if want := (counts{Agree: 2, Disagree: 1, Other: 1}); got.ByStance != want {
			t.Errorf("by_stance %+v, want %+v", got.ByStance, want)
		}
		found := false
		for _, s := range got.BySection {
			if s.SectionID == article.ID {
				found = true
				if want := (counts{Total: 3, Agree: 2, Disagree: 1}); s.counts != want {
					t.Errorf("by_section for c2.d2: %+v, want %+v", s.counts, want)
				}
			} else if s.Total != 0 {
				t.Errorf("by_section %d: %+v, want nothing", s.SectionID, s.counts)
			}
		}
		if !found {
			t.Errorf("by_section %+v has no entry for section %d", got.BySection, article.ID)
		}
		if len(got.ByUnit) != 1 || got.ByUnit[0].Code != "A1" || got.ByUnit[0].Name != "Thôn Một" || got.ByUnit[0].Total != 1 {
			t.Errorf("by_unit %+v, want A1 with 1", got.ByUnit)
		}
		if got.ByChannel["online"] != 4 || got.ByChannel["meeting"] != 0 {
			t.Errorf("by_channel %v, want online 4", got.ByChannel)
		}

		// The public list agrees with the counts.
		for query, want := range map[string]int{"": 4, fmt.Sprintf("?section_id=%d", article.ID): 3, "?section_id=none": 1} {
			pub := decodeAs[list[publicOpinionJSON]](t, c.get(opinionsPath(cons.ID)+query), http.StatusOK)
			if len(pub.Items) != want {
				t.Errorf("opinions%s: %d items, want %d", query, len(pub.Items), want)
			}
		}
		wantInvalid(t, c.get(opinionsPath(cons.ID)+"?section_id=x"), "section_id")

		draft := consultation(t, env, env.OfficialA, "A", "huong_uoc", "Bản nháp", true)
		for _, id := range []int64{draft.ID, 999999} {
			wantError(t, c.get(fmt.Sprintf("%s/consultations/%d/summary", api, id)), http.StatusNotFound, "not_found", "", "")
			wantError(t, c.get(opinionsPath(id)), http.StatusNotFound, "not_found", "", "")
		}
	})
}

func TestOfflineOpinions(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		cons := env.OpenConsultation(t)
		path := fmt.Sprintf("%s/consultations/%d/opinions/offline", api, cons.ID)
		paper := func(channel string) map[string]any {
			in := opinion("agree", "Ý kiến ghi tại cuộc họp thôn.")
			in["village_code"] = "A2"
			if channel != "" {
				in["channel"] = channel
				in["reference"] = "BB-01/2026" // the minutes number a meeting needs
			}
			return in
		}

		r := decodeAs[receiptJSON](t, as(t, env, env.OfficialA).post(path, paper("meeting")), http.StatusCreated)
		if !trackingCode.MatchString(r.TrackingCode) || r.Status != "pending" {
			t.Errorf("receipt %+v", r)
		}
		wantInvalid(t, as(t, env, env.OfficialA).post(path, paper("online")), "channel")
		wantInvalid(t, as(t, env, env.OfficialA).post(path, paper("")), "channel")
		wantInvalid(t, as(t, env, env.OfficialA).post(path, paper("pigeon")), "channel")
		wantError(t, anon(t, env).post(path, paper("meeting")), http.StatusUnauthorized, "unauthorized", "", "error.unauthorized")
		wantError(t, as(t, env, env.OfficialB).post(path, paper("meeting")), http.StatusForbidden, "forbidden", "", "error.forbidden")
		wantError(t, as(t, env, env.ModeratorA).post(path, paper("meeting")), http.StatusForbidden, "forbidden", "", "error.forbidden")
		if n := countOpinions(t, env, cons.ID); n != 1 {
			t.Errorf("%d opinions stored, want 1", n)
		}

		t.Run("after closing, paper opinions are still entered", func(t *testing.T) {
			closed := consultation(t, env, env.OfficialA, "A", "huong_uoc", "Đã đóng", false)
			env.CloseAtEnd(t, env.OfficialA, closed)
			closedPath := fmt.Sprintf("%s/consultations/%d/opinions/offline", api, closed.ID)
			decodeAs[receiptJSON](t, as(t, env, env.OfficialA).post(closedPath, paper("box")), http.StatusCreated)
			wantError(t, anon(t, env).post(opinionsPath(closed.ID), paper("")), http.StatusConflict, "conflict", "", "")
		})

		// A resident cannot pass an online opinion off as gathered at a meeting.
		online := submit(t, env, cons.ID, map[string]any{"stance": "other", "body": "Gửi qua mạng.", "channel": "meeting"})

		// Once approved, an offline opinion counts like an online one, under its own channel.
		decide(t, env, r.TrackingCode, approve)
		decide(t, env, online.TrackingCode, approve)
		got := decodeAs[summaryJSON](t, anon(t, env).get(fmt.Sprintf("%s/consultations/%d/summary", api, cons.ID)), http.StatusOK)
		if got.Total != 2 || got.ByChannel["meeting"] != 1 || got.ByChannel["online"] != 1 {
			t.Errorf("summary %+v, want one meeting and one online opinion", got)
		}
		if len(got.ByUnit) != 1 || got.ByUnit[0].Code != "A2" || got.ByUnit[0].Total != 1 {
			t.Errorf("by_unit %+v, want A2 with 1", got.ByUnit)
		}
	})
}
