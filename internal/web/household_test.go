package web_test

// The households' decision on a decide matter (Law 10/2022 art. 15), through the real
// stack: the item on the creation form, village decisions recorded and refused on their
// page, the conclusion, the printable record, online voting with codes from issue to
// minutes, and the deadlines on the staff page.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// householdWorld makes the decide matters of commune A that the authorisation matrix acts
// on, one of each kind per request.
type householdWorld struct {
	w        *authzWorld
	villages map[string]int64 // village code → ID
	made     map[hhKind]*domain.Consultation
}

type hhKind int

const (
	hhClosed   hhKind = iota // a closed hương ước, no decision yet
	hhDecided                // a closed hương ước with village A1's decision recorded
	hhReady                  // a hương ước with its results published and both villages decided
	hhOnline                 // a closed matter of item 6, no online vote yet
	hhBallot                 // a closed matter of item 6 with an online vote set up in A1, agreed by the Front
	hhPending                // a closed matter of item 6 with an online vote set up in A1, not yet agreed by the Front
	hhElection               // an election of item 5 (never published) with A1's adopted result sent to the commune
)

func (w *authzWorld) hh(t *testing.T) *householdWorld {
	t.Helper()
	if w.household == nil {
		w.household = &householdWorld{w: w, villages: villageIDs(t, w.st), made: map[hhKind]*domain.Consultation{}}
	}
	return w.household
}

func villageIDs(t *testing.T, st *store.Store) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, code := range []string{"A1", "A2", "B1"} {
		u, err := st.UnitByCode(context.Background(), code)
		if err != nil {
			t.Fatal(err)
		}
		out[code] = u.ID
	}
	return out
}

// params names the consultation of a kind and its village A1.
func (h *householdWorld) params(t *testing.T, k hhKind) map[string]string {
	t.Helper()
	return map[string]string{"id": fmt.Sprint(h.get(t, k).ID), "village": fmt.Sprint(h.villages["A1"])}
}

func (h *householdWorld) get(t *testing.T, k hhKind) *domain.Consultation {
	t.Helper()
	if c := h.made[k]; c != nil {
		return c
	}
	env, ctx := h.w.env, context.Background()
	var c *domain.Consultation
	switch k {
	case hhClosed, hhDecided, hhReady:
		c = closedDecideMatter(t, env, fmt.Sprintf("Hương ước %d-%d", h.w.n, k), "huong_uoc", 0)
	case hhElection:
		c = electionMatter(t, env, fmt.Sprintf("Bầu Ban Thanh tra nhân dân %d-%d", h.w.n, k), 5)
	default:
		c = closedDecideMatter(t, env, fmt.Sprintf("Việc tự quản %d-%d", h.w.n, k), "other", 6)
	}
	switch k {
	case hhDecided:
		recordMeeting(t, env, c.ID, h.villages["A1"], 100, 70)
	case hhReady:
		recordMeeting(t, env, c.ID, h.villages["A1"], 100, 70)
		recordMeeting(t, env, c.ID, h.villages["A2"], 60, 50)
		var err error
		if c, err = env.App.PublishResults(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatalf("publish results: %v", err)
		}
	case hhElection:
		recordMeeting(t, env, c.ID, h.villages["A1"], 100, 70)
		if err := env.App.RecordDecisionSent(ctx, env.OfficialA, c.ID, h.villages["A1"], env.App.Now()); err != nil {
			t.Fatalf("sent: %v", err)
		}
	case hhPending, hhBallot:
		agreed := 61
		now := env.App.Now()
		if _, err := env.App.SaveBallot(ctx, env.OfficialA, c.ID, h.villages["A1"], app.NewBallot{
			AgreedHouseholds: &agreed, AgreedOn: now, OpensAt: now, ClosesAt: now.Add(48 * time.Hour),
		}); err != nil {
			t.Fatalf("save ballot: %v", err)
		}
		if k == hhPending {
			break
		}
		if err := env.App.AgreeToOnlineVote(ctx, env.FrontA, c.ID, h.villages["A1"]); err != nil {
			t.Fatalf("front agrees: %v", err)
		}
	}
	h.made[k] = c
	return c
}

func (h *householdWorld) rows(t *testing.T, table string, k hhKind) int {
	t.Helper()
	return h.w.count(t, table, fmt.Sprintf("consultation_id = %d", h.get(t, k).ID))
}

func (h *householdWorld) status(t *testing.T, k hhKind) domain.Status {
	t.Helper()
	return h.w.status(t, h.get(t, k).ID)
}

// codes counts the voting codes of the vote in village A1.
func (h *householdWorld) codes(t *testing.T) int {
	t.Helper()
	return h.w.count(t, "village_ballot_codes",
		fmt.Sprintf("ballot_id IN (SELECT id FROM village_ballots WHERE consultation_id = %d)", h.get(t, hhBallot).ID))
}

func hhMeetingForm() url.Values {
	return url.Values{"form": {"meeting"}, "held_on": {today(0)}, "present": {"100"}, "agree": {"70"}, "disagree": {"20"}, "other": {"10"}}
}

func hhMeetingJSON() string {
	return fmt.Sprintf(`{"village":"A1","form":"meeting","held_on":%q,"present":100,"agree":70,"disagree":20,"other":10}`, today(0))
}

func hhBallotForm() url.Values {
	now := time.Now().In(domain.Zone)
	return url.Values{"agreed_households": {"61"}, "agreed_on": {today(0)},
		"opens_at": {now.Format("2006-01-02T15:04")}, "closes_at": {now.Add(48 * time.Hour).Format("2006-01-02T15:04")}}
}

// closedDecideMatter creates, publishes and closes a decide matter of commune A: a kind
// that implies its item, or a kind with the item given.
func closedDecideMatter(t *testing.T, env *testutil.Env, title, kind string, item int) *domain.Consultation {
	t.Helper()
	return closedMatterOf(t, env, "A", title, kind, item)
}

// closedMatterOf creates, publishes and closes a decide matter of a unit of commune A.
func closedMatterOf(t *testing.T, env *testutil.Env, unit, title, kind string, item int) *domain.Consultation {
	t.Helper()
	ctx := context.Background()
	now := env.App.Now()
	opens, closes := domain.PeriodFromDates(now, now.AddDate(0, 0, 35))
	c, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{
		Title: title, Kind: kind, Matter: "decide", Item: item, UnitCode: unit, Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if _, err := env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
		t.Fatalf("publish: %v", err)
	}
	c = env.CloseAtEnd(t, env.OfficialA, c)
	return c
}

// electionMatter creates an election or dismissal of commune A (item 4 or 5), which is
// never published: its results are recorded from the election meeting's minutes.
func electionMatter(t *testing.T, env *testutil.Env, title string, item int) *domain.Consultation {
	t.Helper()
	now := env.App.Now()
	opens, closes := domain.PeriodFromDates(now, now.AddDate(0, 0, 35))
	c, err := env.App.CreateConsultation(context.Background(), env.OfficialA, app.NewConsultation{
		Title: title, Kind: "other", Matter: "decide", Item: item, UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return c
}

// acts reads a column of the acts after village A1's decision on a matter of a kind, or ""
// when there is none.
func (h *householdWorld) act(t *testing.T, k hhKind, column string) string {
	t.Helper()
	var v *string
	err := h.w.st.SQLDB().QueryRow(fmt.Sprintf("SELECT CAST(%s AS TEXT) FROM village_decision_acts WHERE consultation_id = %d AND village_id = %d",
		column, h.get(t, k).ID, h.villages["A1"])).Scan(&v)
	if err != nil || v == nil {
		return ""
	}
	return *v
}

func recordMeeting(t *testing.T, env *testutil.Env, cid, village int64, present, agree int) {
	t.Helper()
	zero, rest := 0, present-agree
	if _, _, err := env.App.RecordVillageDecision(context.Background(), env.OfficialA, cid, village, app.NewVillageDecision{
		Form: "meeting", HeldOn: env.App.Now(), Present: &present, Agree: &agree, Disagree: &rest, Other: &zero,
	}); err != nil {
		t.Fatalf("record meeting: %v", err)
	}
}

// hhFixture is a decide matter of commune A with the IDs of its villages.
type hhFixture struct {
	env      *testutil.Env
	st       *store.Store
	c        *domain.Consultation
	villages map[string]int64
	official *testutil.Browser
}

func newHHFixture(t *testing.T, st *store.Store, kind string, item int) *hhFixture {
	t.Helper()
	env := testutil.StartServer(t, st)
	f := &hhFixture{env: env, st: st, villages: villageIDs(t, st), official: env.NewBrowser(t)}
	f.c = closedDecideMatter(t, env, "Quyết định của thôn", kind, item)
	f.official.Login(env.OfficialA.Email)
	return f
}

func (f *hhFixture) page() string { return fmt.Sprintf("/staff/consultations/%d/villages", f.c.ID) }

func (f *hhFixture) action(village, what string) string {
	return fmt.Sprintf("/staff/consultations/%d/villages/%d/%s", f.c.ID, f.villages[village], what)
}

// record submits a village's decision form the way the official fills it in.
func (f *hhFixture) record(village, form string, present, agree, disagree, other int) *testutil.Response {
	return f.official.Submit(f.page(), f.action(village, "decision"), url.Values{
		"form": {form}, "held_on": {today(0)}, "present": {fmt.Sprint(present)},
		"agree": {fmt.Sprint(agree)}, "disagree": {fmt.Sprint(disagree)}, "other": {fmt.Sprint(other)},
	})
}

func (f *hhFixture) decisions(t *testing.T) int {
	t.Helper()
	return countRows(t, f.st, "village_decisions", fmt.Sprintf("consultation_id = %d", f.c.ID))
}

// villageFieldError is the message shown beside a field of a village's form.
func villageFieldError(body, field string, village int64) string {
	m := regexp.MustCompile(fmt.Sprintf(`<p class="field-error" id="e-%s-%d">([^<]*)</p>`, field, village)).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestNewConsultationAsksForTheItem: a decide matter needs its item of art. 15 (a hương
// ước is item 3 without asking), a consultation has none, and the form says why.
func TestNewConsultationAsksForTheItem(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		b := env.NewBrowser(t)
		b.Login(env.OfficialA.Email)
		base := url.Values{"title": {"Đóng góp làm đường liên thôn"}, "unit_code": {"A"}, "first_day": {today(0)},
			"last_day": {today(30)}, "text": {testutil.Draft}}
		with := func(kv ...string) url.Values {
			v := url.Values{}
			for k, x := range base {
				v[k] = x
			}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		res := b.Submit("/staff/consultations/new", "/staff/consultations", with("kind", "budget", "matter", "decide"))
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("decide matter without item: status %d, want 422", res.Status)
		}
		mustContain(t, res.Body, `id="e-item"`, viMessage("household.validation.item_required"), "Đóng góp làm đường liên thôn")
		if n := countRows(t, st, "consultations", "1=1"); n != 0 {
			t.Fatalf("%d consultations saved from a refused form", n)
		}

		res = b.Submit("/staff/consultations/new", "/staff/consultations", with("kind", "plan", "matter", "consult", "item", "2"))
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("consultation with an item: status %d", res.Status)
		}
		mustContain(t, res.Body, viMessage("household.validation.item_consult"))

		res = b.Submit("/staff/consultations/new", "/staff/consultations", with("kind", "huong_uoc", "item", "1"))
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("hương ước as item 1: status %d", res.Status)
		}
		mustContain(t, res.Body, viMessage("household.validation.item_charter"))

		for _, tc := range []struct {
			kind, matter, item string
			want               string
			topic              string // the item of art. 25 a consult matter of a commune names
		}{
			{"budget", "decide", "1", "1", ""},
			{"huong_uoc", "", "", "3", ""}, // implied
			{"quy_uoc", "decide", "3", "3", ""},
			{"plan", "", "", "NULL", "1"}, // a consultation
		} {
			title := "Dự thảo " + tc.kind + tc.item
			res := b.Submit("/staff/consultations/new", "/staff/consultations",
				with("title", title, "kind", tc.kind, "matter", tc.matter, "item", tc.item, "topic", tc.topic))
			if res.Status != http.StatusSeeOther {
				t.Fatalf("%s: status %d", title, res.Status)
			}
			cond := "item = " + tc.want
			if tc.want == "NULL" {
				cond = "item IS NULL"
			}
			if countRows(t, st, "consultations", "title = '"+title+"' AND "+cond) != 1 {
				t.Errorf("%s: item not stored as %s", title, tc.want)
			}
		}

		// The period rule says which law and how many days.
		res = b.Submit("/staff/consultations/new", "/staff/consultations", with("kind", "huong_uoc", "last_day", today(20)))
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("short hương ước: status %d", res.Status)
		}
		mustContain(t, res.Body, `id="e-last_day"`, "Nghị định 61/2023/NĐ-CP, Điều 9", "ít nhất 30 ngày")
		res = b.Submit("/staff/consultations/new", "/staff/consultations", with("kind", "plan", "last_day", today(15)))
		mustContain(t, res.Body, `id="e-last_day"`, "Luật 10/2022/QH15, Điều 28", "ít nhất 20 ngày")

		// The API takes the item too.
		api := env.NewBrowser(t)
		api.Login(env.OfficialA.Email)
		res = api.JSON("POST", "/api/v1/consultations", fmt.Sprintf(
			`{"title":"Sửa nhà văn hóa","kind":"other","matter":"decide","item":6,"unit_code":"A","text":%q,"opens_at":%q,"closes_at":%q}`,
			testutil.Draft, today(0), today(10)), nil)
		if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"item":6`) {
			t.Fatalf("API with item 6: %d %s", res.Status, res.Body)
		}
		res = api.JSON("POST", "/api/v1/consultations", fmt.Sprintf(
			`{"title":"Sửa nhà văn hóa","kind":"other","matter":"decide","unit_code":"A","text":%q,"opens_at":%q,"closes_at":%q}`,
			testutil.Draft, today(0), today(10)), nil)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"item"`) {
			t.Fatalf("API without item: %d %s", res.Status, res.Body)
		}
	})
}

// TestVillageDecisionThroughTheForm records the decisions of a hương ước's two villages
// through their forms: impossible numbers are refused beside the field with the entry kept
// and nothing saved; a hương ước is decided at a meeting, so ballots come only after a
// meeting without quorum, which is recorded as deciding nothing (Law 10/2022 art. 17(2),
// Decree 61/2023 art. 10(2)(a)); the outcome follows the numbers at the 50% boundary of
// all households (art. 21); the matter is concluded after its results; each record is in
// the audit log.
func TestVillageDecisionThroughTheForm(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := newHHFixture(t, st, "huong_uoc", 0)
		a1, a2 := f.villages["A1"], f.villages["A2"]
		page := f.official.Get(f.page())
		if page.Status != http.StatusOK {
			t.Fatalf("villages page: %d", page.Status)
		}
		mustContain(t, page.Body, "Thôn Một", "Thôn Hai", "120 hộ gia đình", "80 hộ gia đình",
			viMessage("household.rule.majority"), viMessage("household.item.3"), viMessage("household.rule.meeting_first"))
		mustNotContain(t, page.Body, "Bản Nà") // another commune's village

		// More votes than people present: refused, the entry kept.
		res := f.record("A1", "meeting", 70, 50, 15, 6)
		if res.Status != http.StatusUnprocessableEntity || villageFieldError(res.Body, "agree", a1) != viMessage("household.error.votes_over_present.meeting", 71, 70) {
			t.Fatalf("votes over present: %d %q", res.Status, villageFieldError(res.Body, "agree", a1))
		}
		mustContain(t, res.Body, `name="present" type="number" min="0" max="120" inputmode="numeric" value="70"`,
			`value="50"`, `href="#f-agree-`+fmt.Sprint(a1)+`"`)
		// Art. 17(2): ballots on a hương ước with no meeting before them are refused.
		res = f.record("A1", "ballot", 100, 61, 29, 10)
		if res.Status != http.StatusUnprocessableEntity || villageFieldError(res.Body, "form", a1) != viMessage("household.error.meeting_first") {
			t.Fatalf("ballots without a meeting: %d %q", res.Status, villageFieldError(res.Body, "form", a1))
		}
		if n := f.decisions(t); n != 0 {
			t.Fatalf("%d decisions saved from refused forms", n)
		}

		// A meeting with exactly half of the households present has no quorum: recorded,
		// deciding nothing, and the ballots offered next.
		if res := f.record("A1", "meeting", 60, 55, 5, 0); res.Status != http.StatusSeeOther {
			t.Fatalf("meeting without quorum: status %d", res.Status)
		}
		page = f.official.Get(f.page())
		mustContain(t, page.Body, viMessage("household.flash.no_quorum"), viMessage("household.no_quorum_line", 60, 120),
			viMessage("household.no_quorum_next"), `name="form" value="ballot" checked`)
		mustNotContain(t, page.Body, viMessage("household.overall.rejected"))
		// Ballots with numbers that cannot be.
		res = f.record("A1", "ballot", 121, 61, 0, 0)
		if res.Status != http.StatusUnprocessableEntity || villageFieldError(res.Body, "present", a1) != viMessage("household.error.present_over_total.ballot", 121, 120) {
			t.Fatalf("present over total: %d %q", res.Status, villageFieldError(res.Body, "present", a1))
		}
		res = f.record("A1", "ballot", 100, -1, 0, 0)
		if res.Status != http.StatusUnprocessableEntity || villageFieldError(res.Body, "agree", a1) != viMessage("household.error.negative") {
			t.Fatalf("negative: %d", res.Status)
		}
		if n := countRows(t, st, "village_decisions", "form = 'meeting' AND present = 60"); n != 1 {
			t.Fatalf("the meeting without quorum must stay as recorded, %d rows", n)
		}

		// Ballots need no quorum; exactly half of all households is not a majority.
		res = f.record("A1", "ballot", 100, 60, 30, 10)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("ballots: status %d", res.Status)
		}
		page = f.official.Get(f.page())
		mustContain(t, page.Body, viMessage("household.flash.rejected"), "cần ít nhất 61 hộ đồng ý")
		// Corrected: one household more carries it; the meeting before is kept with it.
		if res := f.record("A1", "ballot", 100, 61, 29, 10); res.Status != http.StatusSeeOther {
			t.Fatalf("correction: status %d", res.Status)
		}
		page = f.official.Get(f.page())
		mustContain(t, page.Body, viMessage("household.flash.adopted"),
			viMessage("household.prior_meeting", domain.StartOfDay(f.env.App.Now()).Format("02/01/2006"), 60, 120))
		if f.decisions(t) != 1 || countRows(t, st, "village_decisions", "form = 'ballot' AND prior_meeting_present = 60") != 1 {
			t.Fatal("a correction must replace the village's record and keep the meeting that could not decide")
		}
		// 41 of 80 is more than half.
		if res := f.record("A2", "meeting", 41, 41, 0, 0); res.Status != http.StatusSeeOther {
			t.Fatalf("A2: status %d", res.Status)
		}
		if countRows(t, st, "village_decisions", fmt.Sprintf("village_id = %d AND agree = 41 AND households = 80", a2)) != 1 {
			t.Fatal("A2's decision is not stored as 41 of 80 households")
		}
		page = f.official.Get(f.page())
		// Adopted by the numbers; a hương ước takes effect once the commune recognises it
		// (Law 10/2022 art. 21(2); Decree 61/2023 art. 11).
		mustContain(t, page.Body, viMessage("household.overall.awaiting"), viMessage("household.awaiting"))
		mustNotContain(t, page.Body, viMessage("household.overall.adopted"))

		// Concluding needs the results of the consultation first.
		res = f.official.Submit(f.page(), fmt.Sprintf("/staff/consultations/%d/outcome", f.c.ID), url.Values{})
		if res.Status != http.StatusConflict {
			t.Fatalf("conclude before results: status %d", res.Status)
		}
		mustContain(t, res.Body, viMessage("household.error.results_first"))
		if _, err := f.env.App.PublishResults(context.Background(), f.env.OfficialA, f.c.ID); err != nil {
			t.Fatal(err)
		}
		res = f.official.Submit(f.page(), fmt.Sprintf("/staff/consultations/%d/outcome", f.c.ID), url.Values{})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("conclude: status %d", res.Status)
		}
		if s := consultationStatus(t, st, f.c.ID); s != domain.StatusAdopted {
			t.Fatalf("status %s, want adopted", s)
		}
		// Decided: the villages' records no longer change.
		res = f.record("A2", "meeting", 80, 10, 70, 0)
		if res.Status != http.StatusConflict {
			t.Fatalf("record after conclusion: status %d", res.Status)
		}
		mustContain(t, res.Body, viMessage("household.error.concluded"))
		if countRows(t, st, "village_decisions", "agree = 10") != 0 {
			t.Fatal("a concluded matter's record changed")
		}
		if n := countRows(t, st, "audit_log", "action = 'village_decision.record'"); n != 4 {
			t.Errorf("%d village decisions in the audit log, want 4", n)
		}
		if n := countRows(t, st, "audit_log", "action = 'consultation.adopted'"); n != 1 {
			t.Errorf("%d conclusions in the audit log, want 1", n)
		}
		// The public page and the list keep showing it, with its results.
		pub := f.env.NewBrowser(t).Get(fmt.Sprintf("/c/%d", f.c.ID))
		mustContain(t, pub.Body, "Đã được thông qua", fmt.Sprintf(`href="/c/%d/report"`, f.c.ID))
		if r := f.env.NewBrowser(t).Get(fmt.Sprintf("/c/%d/report", f.c.ID)); r.Status != http.StatusOK {
			t.Errorf("public report of an adopted matter: %d", r.Status)
		}
	})
}

// TestTwoThirdsThroughTheAPI records an item-1 matter (contributions: at least two thirds
// of all households) through the JSON API, at the rounding boundary.
func TestTwoThirdsThroughTheAPI(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := newHHFixture(t, st, "budget", 1)
		api := f.env.NewBrowser(t)
		api.Login(f.env.OfficialA.Email)
		path := fmt.Sprintf("/api/v1/consultations/%d/village-decisions", f.c.ID)
		post := func(village string, present, agree int) *testutil.Response {
			return api.JSON("POST", path, fmt.Sprintf(`{"village":%q,"form":"ballot","held_on":%q,"present":%d,"agree":%d,"disagree":%d,"other":0}`,
				village, today(0), present, agree, present-agree), nil)
		}
		// 80 of 120 is exactly two thirds; 53 of 80 is 66.25%, one short of 53.33 rounded up.
		res := post("A1", 100, 80)
		if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"needed":80`) || !strings.Contains(res.Body, `"adopted":true`) {
			t.Fatalf("A1: %d %s", res.Status, res.Body)
		}
		res = post("A2", 70, 53)
		if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"needed":54`) || !strings.Contains(res.Body, `"adopted":false`) {
			t.Fatalf("A2: %d %s", res.Status, res.Body)
		}
		res = api.Get(path)
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `"rule":"two_thirds"`) || !strings.Contains(res.Body, `"outcome":"rejected"`) {
			t.Fatalf("GET: %d %s", res.Status, res.Body)
		}
		// Refused: a village of another commune, and impossible numbers, with the field named.
		res = post("B1", 10, 10)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"village"`) {
			t.Fatalf("B1: %d %s", res.Status, res.Body)
		}
		res = api.JSON("POST", path, fmt.Sprintf(`{"village":"A1","form":"meeting","held_on":%q,"present":130,"agree":1,"disagree":0,"other":0}`, today(0)), nil)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"present"`) {
			t.Fatalf("present over total: %d %s", res.Status, res.Body)
		}
		res = api.JSON("POST", path, `{"village":"A1","form":"meeting","held_on":"2099-01-01","present":100,"agree":1,"disagree":0,"other":0}`, nil)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"held_on"`) {
			t.Fatalf("future day: %d %s", res.Status, res.Body)
		}
		if countRows(t, st, "village_decisions", "agree = 1") != 0 {
			t.Fatal("a refused decision was stored")
		}
	})
}

// TestDecisionRecordIsPrintable checks the record of a village's decision against what
// Law 10/2022 art. 20(2) lists: the day and place, the households of the village, those
// present and those with no representative, the form, the content decided, the result,
// and the signatures of the village head, the head of the village Front committee and two
// household representatives; the Front records its signature, after which the record no
// longer changes.
func TestDecisionRecordIsPrintable(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := newHHFixture(t, st, "huong_uoc", 0)
		res := f.official.Submit(f.page(), f.action("A1", "decision"), url.Values{
			"form": {"meeting"}, "held_on": {today(0)}, "place": {"Nhà văn hóa Thôn Một"},
			"content": {"Thông qua Hương ước Thôn Một năm 2027"},
			"present": {"90"}, "agree": {"75"}, "disagree": {"10"}, "other": {"5"},
		})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("record: %d", res.Status)
		}
		observer := f.env.NewBrowser(t)
		observer.Login(f.env.ObserverA.Email)
		recordPath := fmt.Sprintf("/staff/consultations/%d/villages/%d/record", f.c.ID, f.villages["A1"])
		res = observer.Get(recordPath)
		if res.Status != http.StatusOK {
			t.Fatalf("record: %d", res.Status)
		}
		day := domain.StartOfDay(f.env.App.Now()).Format("02/01/2006")
		mustContain(t, res.Body, `class="record"`, "BIÊN BẢN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
			"Xã An Bình", "Thôn Một", "Quyết định của thôn",
			viMessage("household.record.when.meeting", day, "Thôn Một"),
			viMessage("household.record.place")+" Nhà văn hóa Thôn Một",
			viMessage("household.record.content")+" Thông qua Hương ước Thôn Một năm 2027",
			viMessage("household.item.3"), viMessage("household.rule.majority"),
			viMessage("household.record.households")+`</th><td class="num">120</td>`,
			viMessage("household.record.present.meeting")+`</th><td class="num">90</td>`,
			viMessage("household.record.absent.meeting")+`</th><td class="num">30</td>`,
			viMessage("household.record.agree")+`</th><td class="num">75</td>`,
			viMessage("household.record.disagree")+`</th><td class="num">10</td>`,
			viMessage("household.record.other")+`</th><td class="num">5</td>`,
			viMessage("household.record.needed", 61, 120), "NỘI DUNG ĐƯỢC THÔNG QUA",
			// A hương ước is in effect once the commune recognises it (art. 21(2)).
			viMessage("household.record.awaiting"),
			"TRƯỞNG THÔN, TỔ TRƯỞNG TỔ DÂN PHỐ", "TRƯỞNG BAN CÔNG TÁC MẶT TRẬN",
			"ĐẠI DIỆN HỘ GIA ĐÌNH (1)", "ĐẠI DIỆN HỘ GIA ĐÌNH (2)", "(Ký, ghi rõ họ tên)")
		// The observer cannot sign in the Front's name.
		mustNotContain(t, res.Body, f.action("A1", "sign"))
		if r := observer.Submit(recordPath, f.action("A1", "sign"), url.Values{}); r.Status != http.StatusForbidden {
			t.Errorf("observer signs: %d", r.Status)
		}
		// The Front records its signature; the record then no longer changes.
		front := f.env.NewBrowser(t)
		front.Login(f.env.FrontA.Email)
		if r := front.Submit(recordPath, f.action("A1", "sign"), url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("Front signs: %d", r.Status)
		}
		mustContain(t, observer.Get(recordPath).Body, "Mặt trận đã ghi nhận chữ ký lúc")
		if r := f.record("A1", "meeting", 90, 80, 10, 0); r.Status != http.StatusConflict || !strings.Contains(r.Body, viMessage("household.error.decision_final")) {
			t.Errorf("correction after the Front signed: %d", r.Status)
		}
		// Ballots are counted by the household opinion form team (Decree 59/2023 art. 4(3)).
		ballots := &hhFixture{env: f.env, st: st, villages: f.villages, official: f.official,
			c: closedDecideMatter(t, f.env, "Sửa nhà văn hóa", "other", 6)}
		if r := ballots.record("A2", "ballot", 70, 50, 20, 0); r.Status != http.StatusSeeOther {
			t.Fatalf("ballots: %d", r.Status)
		}
		rec := f.official.Get(fmt.Sprintf("/staff/consultations/%d/villages/%d/record", ballots.c.ID, f.villages["A2"]))
		mustContain(t, rec.Body, "Tổ phát phiếu lấy ý kiến của Thôn Hai",
			viMessage("household.record.absent.ballot")+`</th><td class="num">10</td>`)
		// A village without a decision has no record.
		if r := observer.Get(fmt.Sprintf("/staff/consultations/%d/villages/%d/record", f.c.ID, f.villages["A2"])); r.Status != http.StatusNotFound {
			t.Errorf("record of an undecided village: %d", r.Status)
		}
		// Nor does a village of another commune, even for its own official.
		other := f.env.NewBrowser(t)
		other.Login(f.env.OfficialB.Email)
		if r := other.Get(recordPath); r.Status != http.StatusForbidden {
			t.Errorf("record for another commune's official: %d", r.Status)
		}
	})
}

var codePattern = regexp.MustCompile(`[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}`)

// TestOnlineVotingEndToEnd follows an online vote of item 6: refused without the
// households' agreement and for a hương ước; codes issued and printed once, stored hashed;
// one vote per code inside the voting time; the minutes with start, end, counts and the
// slips used, kept from the public; and the count as the village's decision.
func TestOnlineVotingEndToEnd(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := newHHFixture(t, st, "other", 6)
		ctx := context.Background()
		start := f.env.App.Now()
		opens, closes := start.Add(time.Hour), start.Add(49*time.Hour)
		ballot := func(agreed int) url.Values {
			return url.Values{"agreed_households": {fmt.Sprint(agreed)}, "agreed_on": {today(0)},
				"opens_at": {opens.In(domain.Zone).Format("2006-01-02T15:04")}, "closes_at": {closes.In(domain.Zone).Format("2006-01-02T15:04")}}
		}
		a1 := f.villages["A1"]

		// A hương ước is never decided online.
		charter := closedDecideMatter(t, f.env, "Hương ước thôn", "huong_uoc", 0)
		res := f.official.Submit(fmt.Sprintf("/staff/consultations/%d/villages", charter.ID),
			fmt.Sprintf("/staff/consultations/%d/villages/%d/ballot", charter.ID, a1), ballot(120))
		if res.Status != http.StatusConflict {
			t.Fatalf("online vote on a hương ước: %d", res.Status)
		}
		mustContain(t, res.Body, viMessage("household.error.online_item"))

		// Exactly half of the households agreeing is not enough.
		res = f.official.Submit(f.page(), f.action("A1", "ballot"), ballot(60))
		if res.Status != http.StatusUnprocessableEntity || villageFieldError(res.Body, "agreed_households", a1) != viMessage("household.error.online_agreement", 61, 120) {
			t.Fatalf("half agreed: %d %q", res.Status, villageFieldError(res.Body, "agreed_households", a1))
		}
		mustContain(t, res.Body, `name="agreed_households" type="number" min="0" max="120" inputmode="numeric" value="60"`)
		if countRows(t, st, "village_ballots", "1=1") != 0 {
			t.Fatal("a refused vote was set up")
		}
		if res := f.official.Submit(f.page(), f.action("A1", "ballot"), ballot(61)); res.Status != http.StatusSeeOther {
			t.Fatalf("set up: %d", res.Status)
		}
		// The village's decision now comes from the vote, not from a form.
		if res := f.record("A1", "meeting", 100, 90, 10, 0); res.Status != http.StatusConflict {
			t.Fatalf("manual record of an online village: %d", res.Status)
		}

		// Decree 59/2023 art. 5: no codes before the village Front committee agrees.
		res = f.official.Submit(f.page(), f.action("A1", "ballot/codes"), url.Values{})
		if res.Status != http.StatusConflict {
			t.Fatalf("codes before the Front agreed: %d", res.Status)
		}
		mustContain(t, res.Body, viMessage("household.error.front_agreement_first"), viMessage("household.online.front_pending"))
		front := f.env.NewBrowser(t)
		front.Login(f.env.FrontA.Email)
		fp := front.Get(f.page())
		mustContain(t, fp.Body, f.action("A1", "ballot/agree"))
		mustNotContain(t, fp.Body, f.action("A1", "ballot/codes"), f.action("A1", "decision"))
		if res := front.Submit(f.page(), f.action("A1", "ballot/agree"), url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("the Front agrees: %d", res.Status)
		}
		if countRows(t, st, "village_ballots", "front_agreed_at IS NOT NULL") != 1 {
			t.Fatal("the Front's agreement is not stored")
		}
		res = f.official.Submit(f.page(), f.action("A1", "ballot/codes"), url.Values{})
		if res.Status != http.StatusOK {
			t.Fatalf("codes: %d", res.Status)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("code sheet Cache-Control %q, want no-store", cc)
		}
		codes := codePattern.FindAllString(res.Body, -1)
		if len(codes) != 120 {
			t.Fatalf("%d codes on the sheet, want one per household (120)", len(codes))
		}
		mustContain(t, res.Body, viMessage("household.codes.slip", 120), viMessage("household.codes.once"))
		// Reloading the sheet posts its form again: refused, and the printed codes stay.
		again := f.official.Submit("/login", f.action("A1", "ballot/codes"), url.Values{"issued": {""}})
		if again.Status != http.StatusConflict || !strings.Contains(again.Body, "(có thể do tải lại trang phiếu mã)") {
			t.Fatalf("codes issued twice by a reload: %d", again.Status)
		}
		var ballotID int64
		if err := st.SQLDB().QueryRow("SELECT id FROM village_ballots").Scan(&ballotID); err != nil {
			t.Fatal(err)
		}
		mustContain(t, res.Body, fmt.Sprintf("/v/%d", ballotID))
		// Only hashes are stored.
		rows, err := st.SQLDB().Query("SELECT code_hash FROM village_ballot_codes")
		if err != nil {
			t.Fatal(err)
		}
		stored := 0
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				t.Fatal(err)
			}
			stored++
			for _, c := range codes {
				if strings.Contains(h, c) || strings.Contains(h, strings.ReplaceAll(c, "-", "")) {
					t.Fatalf("a code is stored in clear")
				}
			}
		}
		rows.Close()
		if stored != 120 {
			t.Fatalf("%d codes stored", stored)
		}

		resident := f.env.NewBrowser(t)
		votePath := fmt.Sprintf("/v/%d", ballotID)
		// The voting form is on the page only while votes are taken; outside that time a
		// vote is posted with the CSRF token of another page, as a stale tab would.
		vote := func(code, choice string) *testutil.Response {
			return resident.Submit("/login", votePath, url.Values{"code": {code}, "choice": {choice}})
		}
		// Before the voting time.
		mustContain(t, resident.Get(votePath).Body, "Quyết định của thôn", "Thôn Một")
		if res := vote(codes[0], "agree"); res.Status != http.StatusConflict || !strings.Contains(res.Body, "Chưa đến thời gian biểu quyết") {
			t.Fatalf("vote before the start: %d", res.Status)
		}

		f.env.App.Now = func() time.Time { return opens.Add(time.Minute) }
		defer func() { f.env.App.Now = testNow }()
		// A code typed in lower case with spaces is the same code.
		res = vote(strings.ToLower(strings.ReplaceAll(codes[0], "-", " ")), "agree")
		if res.Status != http.StatusOK {
			t.Fatalf("vote: %d", res.Status)
		}
		mustContain(t, res.Body, viMessage("household.vote.counted"))
		// A second use of the same code is refused, and counts nothing.
		res = vote(codes[0], "disagree")
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("second use: %d", res.Status)
		}
		mustContain(t, res.Body, `id="e-code"`, viMessage("household.error.code_used"))
		res = vote("ABCDE-FGHJK-MNPQR", "agree")
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, viMessage("household.error.code_unknown")) {
			t.Fatalf("unknown code: %d", res.Status)
		}
		if res := vote(codes[1], ""); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-choice"`) {
			t.Fatalf("no choice: %d", res.Status)
		}
		// More households vote: 61 agree in all (a majority of 120), 20 disagree, 4 other.
		for i := 1; i < 85; i++ {
			choice := "agree"
			switch {
			case i > 80:
				choice = "other"
			case i > 60:
				choice = "disagree"
			}
			if _, err := f.env.App.Vote(ctx, ballotID, app.NewVote{Code: codes[i], Choice: choice}); err != nil {
				t.Fatalf("vote %d: %v", i, err)
			}
		}

		minutes := fmt.Sprintf("/staff/consultations/%d/villages/%d/ballot/minutes", f.c.ID, a1)
		observer := f.env.NewBrowser(t)
		observer.Login(f.env.ObserverA.Email)
		m := observer.Get(minutes)
		if m.Status != http.StatusOK {
			t.Fatalf("minutes: %d", m.Status)
		}
		// During the vote: who took part, but no counts to match them with.
		mustContain(t, m.Body, "<dd>85</dd>", viMessage("household.minutes.counts_later"))
		mustNotContain(t, m.Body, "<dd>61</dd>")

		f.env.App.Now = func() time.Time { return closes.Add(time.Minute) }
		if res := vote(codes[100], "agree"); res.Status != http.StatusConflict || !strings.Contains(res.Body, viMessage("household.error.vote_over")) {
			t.Fatalf("vote after the end: %d", res.Status)
		}
		m = observer.Get(minutes)
		mustContain(t, m.Body, formatDT(opens), formatDT(closes), "<dd>120</dd>", "<dd>85</dd>",
			"<dd>61</dd>", "<dd>20</dd>", "<dd>4</dd>", viMessage("household.adopted"), "<td>1</td>", "<td>85</td>")
		mustNotContain(t, m.Body, "<td>86</td>")
		// The slips used are internal: not on the public page, not for the public at all.
		if r := f.env.NewBrowser(t).Get(minutes); r.Status != http.StatusSeeOther {
			t.Errorf("minutes for an anonymous visitor: %d", r.Status)
		}
		mustNotContain(t, resident.Get(votePath).Body, "<td>1</td>", formatDT(opens.Add(time.Minute)))

		// The count is the village's decision: 61 of 120 carries item 6.
		page := f.official.Get(f.page())
		mustContain(t, page.Body, viMessage("household.form.online"), viMessage("household.summary", 85, 61, 20, 4))
		api := f.env.NewBrowser(t)
		api.Login(f.env.OfficialA.Email)
		j := api.Get(fmt.Sprintf("/api/v1/consultations/%d/village-decisions", f.c.ID))
		if !strings.Contains(j.Body, `"form":"online"`) || !strings.Contains(j.Body, `"agree":61`) || !strings.Contains(j.Body, `"adopted":true`) {
			t.Fatalf("API: %s", j.Body)
		}
		rec := observer.Get(fmt.Sprintf("/staff/consultations/%d/villages/%d/record", f.c.ID, a1))
		mustContain(t, rec.Body, viMessage("household.record.present.online"), "NỘI DUNG ĐƯỢC THÔNG QUA")
	})
}

func formatDT(t time.Time) string { return t.In(domain.Zone).Format("15:04 02/01/2006") }

// TestWrongVotingCodesAreThrottled: after ten wrong codes from one address, the address is
// refused before any code is checked, even a right one.
func TestWrongVotingCodesAreThrottled(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := newHHFixture(t, st, "other", 6)
		ctx := context.Background()
		agreed, now := 61, f.env.App.Now()
		b, err := f.env.App.SaveBallot(ctx, f.env.OfficialA, f.c.ID, f.villages["A1"], app.NewBallot{
			AgreedHouseholds: &agreed, AgreedOn: now, OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.env.App.AgreeToOnlineVote(ctx, f.env.FrontA, f.c.ID, f.villages["A1"]); err != nil {
			t.Fatal(err)
		}
		sheet, err := f.env.App.IssueCodes(ctx, f.env.OfficialA, f.c.ID, f.villages["A1"], "")
		if err != nil {
			t.Fatal(err)
		}
		resident := f.env.NewBrowser(t)
		path := fmt.Sprintf("/v/%d", b.ID)
		for i := range 10 {
			res := resident.Submit(path, path, url.Values{"code": {fmt.Sprintf("ABCDE-FGHJK-MN%03d", i)}, "choice": {"agree"}})
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("wrong code %d: %d", i, res.Status)
			}
		}
		res := resident.Submit(path, path, url.Values{"code": {sheet.Codes[0].Code}, "choice": {"agree"}})
		if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("after ten wrong codes: %d, Retry-After %q", res.Status, res.Header.Get("Retry-After"))
		}
		if countRows(t, st, "village_ballot_codes", "voted_at IS NOT NULL") != 0 {
			t.Fatal("a throttled vote was counted")
		}
	})
}

// TestDeadlinesOnTheStaffPage moves the clock: a hương ước closed on a Thursday owes its
// results by the fifth working day, skipping the weekend and a holiday; once adopted on a
// Friday, its dossier is due five working days later.
func TestDeadlinesOnTheStaffPage(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		at := func(s string) time.Time { return localTime(t, s) }
		// Tuesday 8 December 2026 is a day off in this installation.
		env.App.Calendar = domain.DefaultCalendar().With([]time.Time{at("2026-12-08 00:00")}, nil)
		defer func() { env.App.Now = testNow }()
		env.App.Now = func() time.Time { return at("2026-11-01 08:00").UTC() }
		opens, closes := domain.PeriodFromDates(at("2026-11-01 00:00"), at("2026-12-03 00:00"))
		c, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{Title: "Hương ước Thôn Một 2027",
			Kind: "huong_uoc", UnitCode: "A1", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		env.App.Now = func() time.Time { return at("2026-12-03 16:00").UTC() } // Thursday
		env.CloseAtEnd(t, env.OfficialA, c)
		observer := env.NewBrowser(t)
		observer.Login(env.ObserverA.Email)
		page := fmt.Sprintf("/staff/consultations/%d", c.ID)
		// Fri 4, Mon 7, Wed 9, Thu 10, Fri 11: due Friday 11 December.
		env.App.Now = func() time.Time { return at("2026-12-06 10:00").UTC() } // Sunday
		body := observer.Get(page).Body
		mustContain(t, body, viMessage("household.deadline.results"), viMessage("household.deadline.due", "11/12/2026"),
			viMessage("household.deadline.left", 4))
		env.App.Now = func() time.Time { return at("2026-12-11 09:00").UTC() }
		mustContain(t, observer.Get(page).Body, viMessage("household.deadline.today"))
		env.App.Now = func() time.Time { return at("2026-12-14 09:00").UTC() } // Monday after
		mustContain(t, observer.Get(page).Body, viMessage("household.deadline.overdue", 1))

		// Results published on Monday 14, one working day late; the households of the
		// village decide on Friday 18 and the matter is adopted.
		if _, err := env.App.PublishResults(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		env.App.Now = func() time.Time { return at("2026-12-18 15:00").UTC() }
		present, agree, zero := 100, 70, 0
		no := present - agree
		if _, _, err := env.App.RecordVillageDecision(ctx, env.OfficialA, c.ID, 0, app.NewVillageDecision{Village: "A1", Form: "meeting",
			HeldOn: at("2026-12-18 09:00"), Present: &present, Agree: &agree, Disagree: &no, Other: &zero}); err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Conclude(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		env.App.Now = func() time.Time { return at("2026-12-21 09:00").UTC() }
		body = observer.Get(page).Body
		mustContain(t, body, viMessage("household.deadline.late", "14/12/2026", 1),
			viMessage("household.deadline.dossier"), viMessage("household.deadline.due", "25/12/2026"), viMessage("household.deadline.left", 4))
	})
}
