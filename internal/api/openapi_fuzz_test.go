package api_test

// A fuzzer driven by the API's own OpenAPI document: for every operation it makes requests
// from the document's schemas (valid values, mutated ones, random paths, queries, headers and
// bodies, with and without a token), sends them through the real server on both databases,
// and holds every answer to what the document promises: no 5xx, no status the operation does
// not list, a body of the documented content type that its schema accepts, every time in the
// portal's zone, and no success for a request the document does not allow. The document is loaded and responses are checked by kin-openapi
// (openapi3filter.ValidateResponse, JSON Schema 2020-12 for OpenAPI 3.1), an implementation
// of the standard that does not share this repository's reading of it.
//
// The run is deterministic: a fixed seed and a bounded number of requests per database.
// GOPY_APIFUZZ_REQUESTS raises the count and GOPY_APIFUZZ_SEED changes the seed, e.g.
//
//	GOPY_APIFUZZ_REQUESTS=20000 GOPY_APIFUZZ_SEED=$RANDOM go test -run TestAPIFollowsItsDocument ./internal/api/

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"golang.org/x/net/http/httpguts"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// fuzzRequestsPerOperation sets how many requests the fuzzer sends per database by default,
// per operation of the document: enough to reach every operation many times over as the
// document grows, few enough for a few seconds.
const fuzzRequestsPerOperation = 40

// fuzzOp is one operation of the document.
type fuzzOp struct {
	method, path string
	item         *openapi3.PathItem
	op           *openapi3.Operation
}

// fuzzWorld is what the fuzzer draws real values from: the fixture's units and staff, and
// consultations and opinions in the states the API distinguishes.
type fuzzWorld struct {
	consultations []int64
	sections      []int64
	opinions      []int64
	codes         []string
	units         []string
	staff         []*domain.Actor
	tokens        []string // a bearer token of each of staff
	cookie        string   // a session cookie of OfficialA, as POST /session sets it
	initiatives   []int64  // citizens' initiatives of village A1: open, pending
	households    []string // household codes of village A1
}

func fuzzEnv(name string, def int) int {
	if s := os.Getenv(name); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	}
	return def
}

func loadDocument(t *testing.T) *openapi3.T {
	t.Helper()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	return doc
}

// security is the operation's security requirements, or the document's.
func (o fuzzOp) security(doc *openapi3.T) openapi3.SecurityRequirements {
	if o.op.Security != nil {
		return *o.op.Security
	}
	return doc.Security
}

func operationsOf(doc *openapi3.T) []fuzzOp {
	var ops []fuzzOp
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			ops = append(ops, fuzzOp{method: method, path: path, item: item, op: op})
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		return ops[i].path+" "+ops[i].method < ops[j].path+" "+ops[j].method
	})
	return ops
}

// TestAPIFollowsItsDocument is the fuzzer described at the top of this file.
func TestAPIFollowsItsDocument(t *testing.T) {
	t.Parallel()
	doc := loadDocument(t)
	ops := operationsOf(doc)
	fuzzRequests := fuzzRequestsPerOperation * len(ops)
	n := fuzzEnv("GOPY_APIFUZZ_REQUESTS", fuzzRequests)
	seed := uint64(fuzzEnv("GOPY_APIFUZZ_SEED", 1))
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		w := seedFuzzWorld(t, env)
		f := &fuzzer{t: t, doc: doc, env: env, w: w, rng: rand.New(rand.NewPCG(seed, 18)),
			client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		seen := map[string]map[int]int{}
		for range n {
			op := ops[f.rng.IntN(len(ops))]
			status := f.one(op)
			key := op.method + " " + op.path
			if seen[key] == nil {
				seen[key] = map[int]int{}
			}
			seen[key][status]++
		}
		// Paths and methods outside the document answer the documented 404 in the error shape.
		for range max(n/20, 5) {
			f.stray()
		}
		f.report()
		if testing.Verbose() {
			for _, op := range ops {
				t.Logf("%-7s %-45s %v", op.method, op.path, seen[op.method+" "+op.path])
			}
		}
		// Most operations must have succeeded at least once, or the fuzzer only tests
		// refusals. (Some need a state a random walk seldom builds, such as a recorded
		// adoption before a recognition step.)
		if n >= fuzzRequests {
			var never []string
			for _, op := range ops {
				if !slices.ContainsFunc(slices.Collect(maps.Keys(seen[op.method+" "+op.path])), func(s int) bool { return s >= 200 && s < 300 }) {
					never = append(never, op.method+" "+op.path)
				}
			}
			if len(never)*10 > len(ops)*4 {
				t.Errorf("%d of %d operations never succeeded: %v", len(never), len(ops), never)
			} else if testing.Verbose() {
				t.Logf("never succeeded: %v", never)
			}
		}
	})
}

// seedFuzzWorld makes consultations in each state the API tells apart, with opinions in
// each moderation state, and a token per role.
func seedFuzzWorld(t *testing.T, env *testutil.Env) *fuzzWorld {
	t.Helper()
	ctx := context.Background()
	w := &fuzzWorld{units: []string{"P", "A", "A1", "A2", "B", "B1"},
		staff: []*domain.Actor{env.OfficialA, env.OfficialA, env.ModeratorA, env.ObserverA, env.FrontA, env.Admin, env.OfficialB}}
	for _, who := range w.staff {
		tok, err := env.App.CreateToken(ctx, who.Email)
		if err != nil {
			t.Fatal(err)
		}
		w.tokens = append(w.tokens, tok)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	login, err := json.Marshal(map[string]string{"email": env.OfficialA.Email, "password": testutil.Password})
	must(err)
	res, err := http.Post(env.URL+apiPrefix+"/session", "application/json", bytes.NewReader(login))
	must(err)
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "gopy_session" {
			w.cookie = c.Name + "=" + c.Value
		}
	}
	if w.cookie == "" {
		t.Fatalf("POST /session: %d without a session cookie", res.StatusCode)
	}
	submit := func(c *domain.Consultation, body string, section *int64) *domain.Opinion {
		t.Helper()
		r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "disagree", Body: body, SectionID: section,
			VillageCode: "A1", AuthorName: "Lê Văn C", ShowName: true}, "")
		must(err)
		w.opinions = append(w.opinions, r.Opinion.ID)
		w.codes = append(w.codes, r.Opinion.TrackingCode)
		return r.Opinion
	}
	moderate := func(o *domain.Opinion, decision, reason string) {
		t.Helper()
		_, err := env.App.Moderate(ctx, env.ModeratorA, o.ID, app.Decision{Decision: decision, Reason: reason})
		must(err)
	}
	article := func(c *domain.Consultation) *int64 {
		for _, s := range c.Sections {
			if s.Commentable() {
				w.sections = append(w.sections, s.ID)
				return &s.ID
			}
		}
		t.Fatal("no article in the draft")
		return nil
	}

	// Open, with an approved, a hidden, a rejected and a pending opinion.
	open := env.OpenConsultation(t)
	sec := article(open)
	moderate(submit(open, "Nên giữ nguyên điều này, gọi 0912 345 678.", sec), "approve", "")
	hidden := submit(open, "Ý kiến sẽ bị gỡ sau khi duyệt.", nil)
	moderate(hidden, "approve", "")
	moderate(hidden, "hide", "offensive")
	moderate(submit(open, "Quảng cáo bán hàng giá rẻ.", sec), "reject", "spam")
	submit(open, "Ý kiến còn chờ duyệt.", sec)

	// Closed and results published, with an answered opinion and a decision on its article.
	done, o := resultsPublished(t, env)
	w.opinions = append(w.opinions, o.ID)
	w.codes = append(w.codes, o.TrackingCode)
	article(done)

	// Closed, results not yet published, with an opinion entered from a meeting's minutes.
	closed := env.OpenedDaysAgo(t, 35, 1)
	csec := article(closed)
	r, err := env.App.EnterOfflineOpinion(ctx, env.OfficialA, closed.ID, app.NewOpinion{Stance: "agree", Body: "Biên bản họp thôn.",
		SectionID: csec, Channel: "meeting", Reference: "BB-01"}, "")
	must(err)
	w.opinions = append(w.opinions, r.Opinion.ID)
	w.codes = append(w.codes, r.Opinion.TrackingCode)
	closed, err = env.App.Close(ctx, env.OfficialA, closed.ID, "Đã họp xong các thôn.")
	must(err)

	// Open, published 35 days ago: closing it is allowed.
	closable := env.OpenedDaysAgo(t, 35, 3)
	article(closable)

	// A draft, and a consult matter of commune B.
	draft, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{Title: "Dự thảo chưa niêm yết",
		Kind: "huong_uoc", UnitCode: "A1", Text: testutil.Draft, OpensAt: open.OpensAt, ClosesAt: open.ClosesAt})
	must(err)
	article(draft)
	w.consultations = append(w.consultations, open.ID, done.ID, closed.ID, closable.ID, draft.ID)

	// Citizens' initiatives of village A1: one open for support, one awaiting moderation.
	sheet, err := env.App.IssueHouseholdCodes(ctx, env.OfficialA, "A1", "")
	must(err)
	for _, c := range sheet.Codes[:20] {
		w.households = append(w.households, c.Code)
	}
	for k, title := range []string{"Làm đường ngõ 3", "Sửa quy ước về vệ sinh"} {
		i, err := env.App.ProposeInitiative(ctx, nil, "A1", app.NewInitiative{Kind: "matter", Title: title, Body: "Đề nghị cộng đồng bàn.",
			LastDay: time.Now().In(domain.Zone).AddDate(0, 0, 30).Format(time.DateOnly), Code: sheet.Codes[100+k].Code})
		must(err)
		if k == 0 {
			must(env.App.ModerateInitiative(ctx, env.ModeratorA, i.ID, app.InitiativeModeration{Decision: "approve"}))
		}
		w.initiatives = append(w.initiatives, i.ID)
	}
	w.codes = append(w.codes, seedDialogues(t, env)...)
	return w
}

// fuzzer makes and checks requests.
type fuzzer struct {
	t *testing.T
	// found counts each kind of failure (operation, status, first line of the complaint),
	// reported once with its first example so one mismatch does not drown the others.
	found  map[string]*fuzzFinding
	doc    *openapi3.T
	env    *testutil.Env
	w      *fuzzWorld
	rng    *rand.Rand
	client *http.Client
}

type fuzzFinding struct {
	example string
	n       int
}

// fail records a mismatch of kind, with an example request and answer.
func (f *fuzzer) fail(kind, example string) {
	if f.found == nil {
		f.found = map[string]*fuzzFinding{}
	}
	if x := f.found[kind]; x != nil {
		x.n++
		return
	}
	f.found[kind] = &fuzzFinding{example: example, n: 1}
}

// report fails the test once per kind of mismatch found.
func (f *fuzzer) report() {
	kinds := make([]string, 0, len(f.found))
	for k := range f.found {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		f.t.Errorf("%s (%d times), e.g.\n%s", k, f.found[k].n, f.found[k].example)
	}
}

func (f *fuzzer) chance(p float64) bool { return f.rng.Float64() < p }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// oddStrings are values that have broken servers before: empty, long, markup, control and
// format characters, numbers where words go, escapes, and Vietnamese in both normal forms.
var oddStrings = []string{
	"", " ", "0", "-1", "1e309", "99999999999999999999", "null", "true", "[]", "{}",
	"<script>alert(1)</script>", "' OR 1=1 --", "%00", "%2e%2e%2f", "../../etc/passwd",
	"\u202etxt.exe", "\ufeff", "\x7f", "Ａ１", "hương ước", "hu\u031bo\u031b\u0300ng u\u031bo\u031b\u0301c",
	"=HYPERLINK(\"http://x\")", "😀", strings.Repeat("a", 70), strings.Repeat("Điều ", 300),
	"7K3M9-QXP2D", "7k3m9 qxp2d", "none", "2026-02-30", "2026-12-31T25:00:00Z",
}

// pathValue gives a path parameter: a real one most of the time (a consultation's id under
// /consultations, an opinion's under /opinions), else a mutation.
func (f *fuzzer) pathValue(path, name string) string {
	if f.chance(0.85) {
		switch {
		case name == "code":
			return pick(f.rng, f.w.codes)
		case name == "id" && strings.HasPrefix(path, "/initiatives/") && f.chance(0.9):
			return strconv.FormatInt(pick(f.rng, f.w.initiatives), 10)
		case name == "qid" || name == "pid": // the dialogues' questions and promises (dialogue_fuzz_test.go)
			return strconv.Itoa(1 + f.rng.IntN(4))
		case name == "id" && strings.HasPrefix(path, "/opinions/") && f.chance(0.9):
			return strconv.FormatInt(pick(f.rng, f.w.opinions), 10)
		case name == "id" && f.chance(0.9):
			return strconv.FormatInt(pick(f.rng, f.w.consultations), 10)
		case name == "id":
			return strconv.FormatInt(pick(f.rng, append(append([]int64{}, f.w.consultations...), f.w.opinions...)), 10)
		}
	}
	return url.PathEscape(pick(f.rng, oddStrings))
}

// queryValue gives a query parameter's value from the world when the name says what it is,
// from its schema otherwise, or an odd string.
func (f *fuzzer) queryValue(p *openapi3.Parameter) string {
	if f.chance(0.2) {
		return pick(f.rng, oddStrings)
	}
	switch p.Name {
	case "unit", "parent":
		return pick(f.rng, f.w.units)
	case "consultation_id":
		return strconv.FormatInt(pick(f.rng, f.w.consultations), 10)
	case "section_id":
		if f.chance(0.3) {
			return "none"
		}
		return strconv.FormatInt(pick(f.rng, f.w.sections), 10)
	case "from", "to":
		return strconv.Itoa(1 + f.rng.IntN(3))
	}
	v := f.value(p.Schema, 0, "")
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// value generates a value of a schema; name is the property's name, which picks real
// values for fields that refer to the world.
func (f *fuzzer) value(ref *openapi3.SchemaRef, depth int, name string) any {
	if ref == nil || ref.Value == nil {
		return pick(f.rng, oddStrings)
	}
	s := ref.Value
	if v, ok := f.named(name); ok && f.chance(0.8) {
		return v
	}
	switch {
	case s.Const != nil:
		return s.Const
	case len(s.Enum) > 0:
		return pick(f.rng, s.Enum)
	case len(s.OneOf) > 0:
		return f.value(pick(f.rng, s.OneOf), depth, name)
	case len(s.AnyOf) > 0:
		return f.value(pick(f.rng, s.AnyOf), depth, name)
	case len(s.AllOf) > 0:
		return f.value(s.AllOf[0], depth, name)
	}
	types := s.Type.Slice()
	typ := "string"
	if len(types) > 0 {
		typ = pick(f.rng, types)
	}
	switch typ {
	case "null":
		return nil
	case "boolean":
		return f.chance(0.5)
	case "integer", "number":
		lo, hi := 0.0, 200.0
		if s.Min != nil {
			lo = *s.Min
		}
		if s.Max != nil {
			hi = min(*s.Max, lo+1000)
		}
		return int64(lo) + f.rng.Int64N(int64(hi-lo)+1)
	case "array":
		if depth > 3 {
			return []any{}
		}
		out := []any{}
		for range f.rng.IntN(4) {
			out = append(out, f.value(s.Items, depth+1, name))
		}
		return out
	case "object":
		out := map[string]any{}
		if depth > 3 {
			return out
		}
		// In a fixed order: the same seed makes the same requests.
		for _, prop := range slices.Sorted(maps.Keys(s.Properties)) {
			if slices.Contains(s.Required, prop) || f.chance(0.5) {
				out[prop] = f.value(s.Properties[prop], depth+1, prop)
			}
		}
		return out
	}
	switch s.Format {
	case "date-time":
		return time.Now().AddDate(0, 0, f.rng.IntN(90)-10).Format(time.RFC3339)
	case "date":
		return time.Now().AddDate(0, 0, f.rng.IntN(90)-10).Format(time.DateOnly)
	}
	if s.Pattern != "" {
		return pick(f.rng, f.w.codes)
	}
	words := []string{"Đề nghị sửa điều này cho rõ hơn.", "Tôi đồng ý với dự thảo.", "Không nên cấm việc này.", "ok"}
	v := pick(f.rng, words)
	if s.MaxLength != nil && uint64(len([]rune(v))) > *s.MaxLength {
		v = string([]rune(v)[:*s.MaxLength])
	}
	return v
}

// named gives a real value for a field whose name says what it refers to.
func (f *fuzzer) named(name string) (any, bool) {
	switch name {
	case "unit_code", "village_code", "village", "unit":
		return pick(f.rng, f.w.units), true
	case "section_id":
		return pick(f.rng, f.w.sections), true
	case "tracking_code":
		return pick(f.rng, f.w.codes), true
	case "text":
		return testutil.Draft, true
	case "email":
		return pick(f.rng, []string{"official.a@example.vn", "moderator.a@example.vn", "nobody@example.vn"}), true
	case "password", "current":
		return pick(f.rng, []string{testutil.Password, "sai mật khẩu"}), true
	case "new":
		return "một mật khẩu mới đủ dài", true
	case "opens_at":
		return time.Now().Format(time.DateOnly), true
	case "closes_at":
		return time.Now().AddDate(0, 0, 40).Format(time.DateOnly), true
	case "code":
		return pick(f.rng, f.w.households), true
	case "last_day", "signed_on", "on":
		return time.Now().In(domain.Zone).Format(time.DateOnly), true
	case "households":
		return strconv.Itoa(1 + f.rng.IntN(120)), true
	case "held_on":
		return time.Now().Format(time.DateOnly), true
	case "reference":
		return "BB-" + strconv.Itoa(f.rng.IntN(100)), true
	}
	return nil, false
}

// mutate spoils a generated JSON value: a wrong type, a missing or unknown field, a huge
// or odd string.
func (f *fuzzer) mutate(v any) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) > 0 && f.chance(0.7) {
			k := pick(f.rng, keys)
			if f.chance(0.3) {
				delete(x, k)
			} else {
				x[k] = f.mutate(x[k])
			}
		} else {
			x[pick(f.rng, oddStrings)] = pick(f.rng, oddStrings)
		}
		return x
	case []any:
		if len(x) > 0 {
			x[f.rng.IntN(len(x))] = f.mutate(x[0])
			return x
		}
		return []any{pick(f.rng, oddStrings)}
	}
	return pick(f.rng, []any{nil, true, -1, 0, 1 << 62, 1.5, "", pick(f.rng, oddStrings), []any{}, map[string]any{}})
}

// body makes the request body of an operation and its content type.
func (f *fuzzer) body(op *openapi3.Operation) ([]byte, string) {
	rb := op.RequestBody
	if rb == nil || rb.Value == nil {
		return nil, ""
	}
	if mt := rb.Value.Content.Get("multipart/form-data"); mt != nil {
		return f.multipart()
	}
	switch r := f.rng.IntN(40); {
	case r == 0:
		return bytes.Repeat([]byte(" "), 600<<10), "application/json" // over 512 KiB
	case r == 1:
		return []byte{0xff, 0xfe, '{', '}'}, "application/json"
	case r == 2:
		return []byte(`{"a":`), "application/json"
	case r == 3:
		return []byte("stance=agree&body=x"), "application/x-www-form-urlencoded"
	case r == 4:
		return nil, "application/json"
	}
	mt := rb.Value.Content.Get("application/json")
	if mt == nil {
		return nil, ""
	}
	v := f.value(mt.Schema, 0, "")
	if f.chance(0.25) {
		v = f.mutate(v)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		f.t.Fatal(err)
	}
	return raw, pick(f.rng, []string{"application/json", "application/json", "application/json; charset=utf-8"})
}

// multipart makes an upload: a tiny PNG, a PDF header, or bytes that are neither.
func (f *fuzzer) multipart() ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	field := "attachment"
	if f.chance(0.1) {
		field = "file"
	}
	part, _ := mw.CreateFormFile(field, pick(f.rng, []string{"scan.png", "bien-ban.pdf", "x.exe", ""}))
	part.Write(pick(f.rng, [][]byte{
		[]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"),
		[]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"),
		[]byte("MZ\x90\x00 not an image"),
	}))
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// one sends a request made for op and checks the answer; it returns the status.
func (f *fuzzer) one(op fuzzOp) int {
	params := map[string]string{}
	path := op.path
	query := url.Values{}
	header := http.Header{}
	all := append(append(openapi3.Parameters{}, op.item.Parameters...), op.op.Parameters...)
	for _, pr := range all {
		p := pr.Value
		switch p.In {
		case "path":
			v := f.pathValue(op.path, p.Name)
			params[p.Name] = v
			path = strings.ReplaceAll(path, "{"+p.Name+"}", v)
		case "query":
			if p.Required || f.chance(0.5) {
				query.Set(p.Name, f.queryValue(p))
			}
		case "header":
			if f.chance(0.5) {
				switch p.Name {
				case "Accept-Language":
					header.Set(p.Name, pick(f.rng, []string{"vi", "en", "en-US,en;q=0.9", "fr", "*"}))
				default:
					// Values an HTTP client cannot send at all (control characters) are left out.
					if v := pick(f.rng, append([]string{"k-" + strconv.Itoa(f.rng.IntN(4))}, oddStrings...)); httpguts.ValidHeaderFieldValue(v) {
						header.Set(p.Name, v)
					}
				}
			}
		}
	}
	body, ctype := f.body(op.op)
	if ctype != "" {
		header.Set("Content-Type", ctype)
	}
	// Staff operations mostly get a token, so that they get past 401 and do something.
	who, withToken := -1, 5
	if !slices.ContainsFunc(op.security(f.doc), func(r openapi3.SecurityRequirement) bool { return len(r) == 0 }) {
		withToken = 8
	}
	switch r := f.rng.IntN(10); {
	case r < withToken:
		who = f.rng.IntN(len(f.w.tokens))
		header.Set("Authorization", "Bearer "+f.w.tokens[who])
	case r < withToken+1:
		header.Set("Authorization", "Bearer "+pick(f.rng, []string{"sai", "", "gopy_0000000000000000"}))
	case r < withToken+2:
		// The session cookie of a signed-in official, now and then sent by another site's page.
		header.Set("Cookie", f.w.cookie)
		if f.chance(0.3) {
			header.Set("Sec-Fetch-Site", "cross-site")
		}
	}
	u := f.env.URL + apiPrefix + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	method := strings.ToUpper(op.method)
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		// A mutated path that is not even a URL: nothing to send.
		return 0
	}
	req.Header = header
	res, err := f.client.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	f.check(op, req, params, res, raw, body)
	if op.path == "/account/password" && res.StatusCode == http.StatusNoContent && who >= 0 {
		// The change revoked the account's tokens, as it should: the next requests need a new one.
		tok, err := f.env.App.CreateToken(context.Background(), f.w.staff[who].Email)
		if err != nil {
			f.t.Fatal(err)
		}
		for i := range f.w.staff {
			if f.w.staff[i].Email == f.w.staff[who].Email {
				f.w.tokens[i] = tok
			}
		}
	}
	return res.StatusCode
}

// check holds one answer to the document.
func (f *fuzzer) check(op fuzzOp, req *http.Request, params map[string]string, res *http.Response, raw, sent []byte) {
	f.t.Helper()
	what := fmt.Sprintf("%s %s (body %.200q)", req.Method, req.URL.RequestURI(), sent)
	key := fmt.Sprintf("%s %s: %d", strings.ToUpper(op.method), op.path, res.StatusCode)
	if res.StatusCode >= 500 {
		f.fail(key+": server error", what+"\n"+abbrev(string(raw)))
		return
	}
	route := &routers.Route{Spec: f.doc, Path: op.path, PathItem: op.item, Method: req.Method, Operation: op.op}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Body:                   io.NopCloser(bytes.NewReader(raw)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		f.fail(key+": "+first, what+"\n"+abbrev(string(raw)))
		return
	}
	if res.StatusCode < 300 {
		// A request the document does not allow must not succeed: a client reading the
		// document would never send it, and one that does learns nothing of its mistake.
		vreq := req.Clone(context.Background())
		vreq.Body = io.NopCloser(bytes.NewReader(sent))
		rin := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if err := openapi3filter.ValidateRequest(context.Background(), rin); err != nil {
			first, _, _ := strings.Cut(err.Error(), "\n")
			f.fail(key+": accepted a request the document does not allow: "+first, what+"\n"+abbrev(string(raw)))
		}
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			f.fail(key+": not JSON", what+"\n"+abbrev(string(raw)))
			return
		}
		if times := utcTimes(v, nil); len(times) > 0 {
			f.fail(key+": a time not in +07:00", what+"\n"+strings.Join(times, ", "))
		}
	}
}

// rfc3339 finds a date-time (not a plain date) in a string that is nothing else.
var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

// utcTimes collects the times of a JSON value that are not given in the portal's zone.
func utcTimes(v any, out []string) []string {
	switch x := v.(type) {
	case string:
		if rfc3339.MatchString(x) && !strings.HasSuffix(x, "+07:00") {
			out = append(out, x)
		}
	case map[string]any:
		for _, y := range x {
			out = utcTimes(y, out)
		}
	case []any:
		for _, y := range x {
			out = utcTimes(y, out)
		}
	}
	return out
}

// stray sends a request outside the document: an unknown path, or a method a path lacks.
// The document says both answer 404 not_found.
func (f *fuzzer) stray() {
	f.t.Helper()
	path := pick(f.rng, []string{"/nope", "/consultations/1/nope", "/units/" + pick(f.rng, f.w.units), "/opinions"})
	method := http.MethodGet
	if f.chance(0.5) {
		path, method = "/units", pick(f.rng, []string{http.MethodPost, http.MethodDelete, http.MethodPatch})
	}
	req, _ := http.NewRequest(method, f.env.URL+apiPrefix+path, nil)
	res, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	var e errorBody
	if err := json.NewDecoder(res.Body).Decode(&e); err != nil || res.StatusCode != http.StatusNotFound || e.Error.Code != "not_found" {
		f.fail(fmt.Sprintf("%s %s: %d, want 404 not_found", method, path, res.StatusCode), fmt.Sprintf("%+v %v", e, err))
	}
}
