package web_test

// The rules of Law 10/2022/QH15 art. 17-21 and Decree 59/2023/NĐ-CP art. 3-5 on the
// households' decisions, each at its boundary, through the real stack on both databases.
// Every number below was worked out by hand from the law: "at least two thirds" is the
// ceiling of 2n/3, "more than 50%" is n/2 + 1 in whole households, both of ALL households
// of the village.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// localTime reads "2006-01-02 15:04" as a time in the portal's zone.
func localTime(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02 15:04", s, domain.Zone)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// addVillage adds a village of the given households to commune A.
func addVillage(t *testing.T, st *store.Store, code, name string, households int) int64 {
	t.Helper()
	ctx := context.Background()
	a, err := st.UnitByCode(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}
	u := &domain.Unit{Code: code, Name: name, Kind: domain.UnitVillage, ParentID: &a.ID, Households: households, CreatedAt: time.Now().UTC()}
	if err := st.CreateUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// decisionAPI is one village's decision in that JSON.
type decisionAPI struct {
	Form         string  `json:"form"`
	Present      int     `json:"present"`
	Absent       int     `json:"absent"`
	Agree        int     `json:"agree"`
	Needed       int     `json:"needed"`
	Quorate      bool    `json:"quorate"`
	Adopted      *bool   `json:"adopted"`
	SentOn       *string `json:"sent_on"`
	SendDeadline *string `json:"send_deadline"`
	Clusters     []struct {
		Name    string `json:"name"`
		Present int    `json:"present"`
	} `json:"clusters"`
	PriorMeeting *struct {
		Present int `json:"present"`
	} `json:"prior_meeting"`
	Recognition *struct {
		State    string  `json:"state"`
		Number   string  `json:"number"`
		Deadline *string `json:"deadline"`
	} `json:"recognition"`
}

// decisionsAPI is the JSON of GET /village-decisions, as far as these tests read it.
type decisionsAPI struct {
	Scope           string  `json:"scope"`
	Outcome         *string `json:"outcome"`
	VillagesAdopted int     `json:"villages_adopted"`
	Villages        []struct {
		Village  struct{ Code string } `json:"village"`
		Decision *decisionAPI          `json:"decision"`
	} `json:"villages"`
}

// village returns the entry of a village, by code.
func (d decisionsAPI) village(t *testing.T, code string) *decisionAPI {
	t.Helper()
	for _, v := range d.Villages {
		if v.Village.Code == code {
			if v.Decision == nil {
				t.Fatalf("village %s has no decision", code)
			}
			return v.Decision
		}
	}
	t.Fatalf("no village %s", code)
	return nil
}

func getDecisions(t *testing.T, api *testutil.Browser, cid int64) decisionsAPI {
	t.Helper()
	res := api.Get(fmt.Sprintf("/api/v1/consultations/%d/village-decisions", cid))
	if res.Status != http.StatusOK {
		t.Fatalf("GET village-decisions: %d %s", res.Status, res.Body)
	}
	var out decisionsAPI
	if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
		t.Fatalf("%v: %s", err, res.Body)
	}
	return out
}

func postDecision(api *testutil.Browser, cid int64, village, form string, present, agree int) *testutil.Response {
	return api.JSON("POST", fmt.Sprintf("/api/v1/consultations/%d/village-decisions", cid), fmt.Sprintf(
		`{"village":%q,"form":%q,"held_on":%q,"present":%d,"agree":%d,"disagree":%d,"other":0}`,
		village, form, today(0), present, agree, present-agree), nil)
}

func staffAPI(t *testing.T, env *testutil.Env, email string) *testutil.Browser {
	t.Helper()
	b := env.NewBrowser(t)
	b.Login(email)
	return b
}

// TestMeetingTooSmallForTwoThirds: Law 10/2022 art. 19(1)(b), Decree 59/2023 art. 4(1)(b).
// Items 1-2 need at least two thirds of ALL households; a meeting attended by fewer than
// that many cannot carry them, so it is no vote: refused (422) with a message pointing to
// household ballots, never recorded as rejected. 182 households need ceil(364/3) = 122:
// 121 present is refused, 122 present all agreeing is adopted.
func TestMeetingTooSmallForTwoThirds(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := newHHFixture(t, st, "budget", 1)
		addVillage(t, st, "A3", "Thôn Ba", 182)
		api := staffAPI(t, f.env, f.env.OfficialA.Email)
		res := postDecision(api, f.c.ID, "A3", "meeting", 121, 121)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"present"`) ||
			!strings.Contains(res.Body, "Phiếu lấy ý kiến hộ gia đình") || !strings.Contains(res.Body, "Điều 19") ||
			!strings.Contains(res.Body, "122") {
			t.Fatalf("121 of 182 at a meeting: %d %s", res.Status, res.Body)
		}
		if countRows(t, st, "village_decisions", "1=1") != 0 {
			t.Fatal("a meeting that cannot carry item 1 was recorded")
		}
		res = postDecision(api, f.c.ID, "A3", "meeting", 122, 122)
		if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"needed":122`) || !strings.Contains(res.Body, `"adopted":true`) ||
			!strings.Contains(res.Body, `"quorate":true`) {
			t.Fatalf("122 of 182 all agreeing: %d %s", res.Status, res.Body)
		}
		// 122 present with 121 agreeing is a vote, and it falls one short.
		res = postDecision(api, f.c.ID, "A3", "meeting", 122, 121)
		if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"adopted":false`) {
			t.Fatalf("122 present, 121 agree: %d %s", res.Status, res.Body)
		}
		// The same 121 households by ballot are a count: recorded, and short of 122.
		res = postDecision(api, f.c.ID, "A3", "ballot", 121, 121)
		if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"adopted":false`) {
			t.Fatalf("121 ballots: %d %s", res.Status, res.Body)
		}
		// Item 2 follows the same rule, through the page: the message sits beside the field.
		g := closedDecideMatter(t, f.env, "Thu chi quỹ đường", "budget", 2)
		page := fmt.Sprintf("/staff/consultations/%d/villages", g.ID)
		a1 := f.villages["A1"]
		res = f.official.Submit(page, fmt.Sprintf("/staff/consultations/%d/villages/%d/decision", g.ID, a1), url.Values{
			"form": {"meeting"}, "held_on": {today(0)}, "present": {"79"}, "agree": {"79"}, "disagree": {"0"}, "other": {"0"}})
		if res.Status != http.StatusUnprocessableEntity || villageFieldError(res.Body, "present", a1) != viMessage("household.error.meeting_cannot_carry", 79, 120, 80) {
			t.Fatalf("item 2, 79 of 120 at a meeting: %d %q", res.Status, villageFieldError(res.Body, "present", a1))
		}
		res = f.official.Submit(page, fmt.Sprintf("/staff/consultations/%d/villages/%d/decision", g.ID, a1), url.Values{
			"form": {"meeting"}, "held_on": {today(0)}, "present": {"80"}, "agree": {"80"}, "disagree": {"0"}, "other": {"0"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("item 2, 80 of 120 (exactly two thirds): %d", res.Status)
		}
	})
}

// TestCommuneTwoThirdsOfVillages: Law 10/2022 art. 21(1). Items 1-2 put to a whole
// commune are adopted when at least two thirds of the commune's villages and residential
// groups adopted them: 3 of 4 adopted, 2 of 4 not; with 3 villages, 2 of 3 adopted.
func TestCommuneTwoThirdsOfVillages(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := newHHFixture(t, st, "budget", 1)
		addVillage(t, st, "A3", "Thôn Ba", 182)
		addVillage(t, st, "A4", "Thôn Bốn", 90)
		api := staffAPI(t, f.env, f.env.OfficialA.Email)
		for _, v := range []struct {
			code           string
			present, agree int
		}{
			{"A1", 100, 80}, // 80 of 120: exactly two thirds, adopted
			{"A2", 70, 54},  // 54 of 80: ceil(53.33), adopted
			{"A3", 130, 122},
			{"A4", 90, 59}, // 59 of 90: one short of 60, rejected
		} {
			if res := postDecision(api, f.c.ID, v.code, "ballot", v.present, v.agree); res.Status != http.StatusCreated {
				t.Fatalf("%s: %d %s", v.code, res.Status, res.Body)
			}
		}
		got := getDecisions(t, api, f.c.ID)
		if got.Scope != "commune" || got.Outcome == nil || *got.Outcome != "adopted" || got.VillagesAdopted != 3 {
			t.Fatalf("3 of 4 villages: scope %s, outcome %v, %d adopted", got.Scope, got.Outcome, got.VillagesAdopted)
		}
		page := f.official.Get(f.page())
		mustContain(t, page.Body, viMessage("household.overall.commune_adopted", 3, 4), viMessage("household.rule.commune", 4))
		// A2 corrected to 53 of 80: 2 of 4 villages is less than two thirds.
		if res := postDecision(api, f.c.ID, "A2", "ballot", 70, 53); res.Status != http.StatusCreated {
			t.Fatalf("A2: %d", res.Status)
		}
		got = getDecisions(t, api, f.c.ID)
		if got.Outcome == nil || *got.Outcome != "rejected" || got.VillagesAdopted != 2 {
			t.Fatalf("2 of 4 villages: outcome %v, %d adopted", got.Outcome, got.VillagesAdopted)
		}
		mustContain(t, f.official.Get(f.page()).Body, viMessage("household.overall.commune_rejected", 2, 4))
		if _, err := f.env.App.PublishResults(context.Background(), f.env.OfficialA, f.c.ID); err != nil {
			t.Fatal(err)
		}
		if c, err := f.env.App.Conclude(context.Background(), f.env.OfficialA, f.c.ID); err != nil || c.Status != domain.StatusRejected {
			t.Fatalf("conclude 2 of 4: %v", err)
		}

	})
}

// TestCommuneTwoOfThreeVillages: Law 10/2022 art. 21(1) in a commune of three villages:
// two of them adopting is two thirds exactly. A matter put to one village is that
// village's own decision.
func TestCommuneTwoOfThreeVillages(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := newHHFixture(t, st, "budget", 2)
		addVillage(t, st, "A3", "Thôn Ba", 30)
		api := staffAPI(t, f.env, f.env.OfficialA.Email)
		for _, v := range []struct {
			code           string
			present, agree int
		}{{"A1", 120, 80}, {"A2", 80, 53}, {"A3", 30, 20}} {
			if res := postDecision(api, f.c.ID, v.code, "ballot", v.present, v.agree); res.Status != http.StatusCreated {
				t.Fatalf("%s: %d", v.code, res.Status)
			}
		}
		if got := getDecisions(t, api, f.c.ID); got.Outcome == nil || *got.Outcome != "adopted" || got.VillagesAdopted != 2 {
			t.Fatalf("2 of 3 villages: %v %d", got.Outcome, got.VillagesAdopted)
		}
		// A matter of one village is that village's own decision.
		vc := closedMatterOf(t, f.env, "A2", "Đóng góp làm đường Thôn Hai", "budget", 1)
		if res := postDecision(api, vc.ID, "A2", "ballot", 80, 53); res.Status != http.StatusCreated {
			t.Fatalf("village matter: %d", res.Status)
		}
		if got := getDecisions(t, api, vc.ID); got.Scope != "village" || got.Outcome == nil || *got.Outcome != "rejected" {
			t.Fatalf("village scope: %s %v", got.Scope, got.Outcome)
		}
	})
}

// TestBallotsOnlyAfterAMeetingThatCouldNotDecide: Law 10/2022 art. 17(2), Decree 61/2023
// art. 10(2)(a). Items 3, 4 and 5 are decided at the community meeting; household ballots
// only after a meeting that could not be held or could not decide. A meeting without
// quorum (exactly half present) is recorded with no outcome so ballots may follow; ballots
// without it are refused (422). Items 4-5 (elections, Decree 59/2023 art. 6-9) are never
// put to comment: publishing them is refused and their minutes are recorded instead.
func TestBallotsOnlyAfterAMeetingThatCouldNotDecide(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		api := staffAPI(t, env, env.OfficialA.Email)
		for _, item := range []int{4, 5} {
			c := electionMatter(t, env, fmt.Sprintf("Bầu theo khoản %d", item), item)
			// Never a comment period.
			res := api.JSON("POST", fmt.Sprintf("/api/v1/consultations/%d/publish", c.ID), "", nil)
			if res.Status != http.StatusConflict || !strings.Contains(res.Body, "Nghị định 59/2023") {
				t.Fatalf("item %d publish: %d %s", item, res.Status, res.Body)
			}
			if consultationStatus(t, st, c.ID) != domain.StatusDraft {
				t.Fatalf("item %d was published", item)
			}
			res = postDecision(api, c.ID, "A1", "ballot", 100, 90)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"form"`) || !strings.Contains(res.Body, "Điều 17") {
				t.Fatalf("item %d ballots without a meeting: %d %s", item, res.Status, res.Body)
			}
			// 60 of 120 present: not more than half, so the meeting decides nothing.
			res = postDecision(api, c.ID, "A1", "meeting", 60, 60)
			if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"quorate":false`) || !strings.Contains(res.Body, `"adopted":null`) {
				t.Fatalf("item %d meeting without quorum: %d %s", item, res.Status, res.Body)
			}
			got := getDecisions(t, api, c.ID)
			if got.Outcome != nil || got.VillagesAdopted != 0 || got.village(t, "A1").Quorate {
				t.Fatalf("item %d after a meeting without quorum: %+v", item, got)
			}
			res = postDecision(api, c.ID, "A1", "ballot", 100, 61)
			if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"adopted":true`) || !strings.Contains(res.Body, `"needed":61`) {
				t.Fatalf("item %d ballots after it: %d %s", item, res.Status, res.Body)
			}
			if got := getDecisions(t, api, c.ID); got.village(t, "A1").PriorMeeting == nil || got.village(t, "A1").PriorMeeting.Present != 60 {
				t.Fatalf("item %d: the meeting before the ballots is not kept", item)
			}
			// Village A2 meets with 41 of 80 present: a quorum, a decision, no ballots after.
			if res := postDecision(api, c.ID, "A2", "meeting", 41, 40); res.Status != http.StatusCreated || !strings.Contains(res.Body, `"adopted":false`) {
				t.Fatalf("item %d A2 meeting: %d %s", item, res.Status, res.Body)
			}
			if res := postDecision(api, c.ID, "A2", "ballot", 80, 70); res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("item %d ballots after a meeting that decided: %d", item, res.Status)
			}
			// An election is not concluded as a whole.
			if _, err := env.App.Conclude(context.Background(), env.OfficialA, c.ID); !domain.IsCode(err, domain.CodeConflict) {
				t.Fatalf("item %d concluded: %v", item, err)
			}
		}
		// Item 6 may go to ballots at once.
		c6 := closedDecideMatter(t, env, "Làm đường nội đồng", "other", 6)
		if res := postDecision(api, c6.ID, "A1", "ballot", 100, 61); res.Status != http.StatusCreated {
			t.Fatalf("item 6 ballots: %d %s", res.Status, res.Body)
		}
		// The staff page of an election offers the record, not a publication.
		c4 := electionMatter(t, env, "Bầu Trưởng thôn", 4)
		b := env.NewBrowser(t)
		b.Login(env.OfficialA.Email)
		page := b.Get(fmt.Sprintf("/staff/consultations/%d", c4.ID))
		mustContain(t, page.Body, fmt.Sprintf(`href="/staff/consultations/%d/villages"`, c4.ID), viMessage("household.election.record"))
		mustNotContain(t, page.Body, fmt.Sprintf(`action="/staff/consultations/%d/publish"`, c4.ID))
	})
}

// TestClustersAddUp: Law 10/2022 art. 18(3), Decree 59/2023 art. 3(6). A village of 200
// households or more may meet by clusters; their counts add up into the village's one
// decision, judged against all its households. A smaller village may not.
func TestClustersAddUp(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := newHHFixture(t, st, "other", 6)
		big := addVillage(t, st, "A3", "Thôn Ba", 240)
		addVillage(t, st, "A4", "Thôn Bốn", 199)
		api := staffAPI(t, f.env, f.env.OfficialA.Email)
		path := fmt.Sprintf("/api/v1/consultations/%d/village-decisions", f.c.ID)
		clusters := func(village string, agree3 int) string {
			return fmt.Sprintf(`{"village":%q,"form":"meeting","held_on":%q,"clusters":[`+
				`{"name":"Cụm Đông","present":60,"agree":40,"disagree":15,"other":5},`+
				`{"name":"Cụm Tây","present":50,"agree":30,"disagree":20,"other":0},`+
				`{"name":"Cụm Nam","present":11,"agree":%d,"disagree":%d,"other":0}]}`, village, today(0), agree3, 11-agree3)
		}
		// 121 of 240 present (a quorum), 40+30+11 = 81 agree: short of the 121 needed.
		res := api.JSON("POST", path, clusters("A3", 11), nil)
		if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"present":121`) || !strings.Contains(res.Body, `"agree":81`) ||
			!strings.Contains(res.Body, `"needed":121`) || !strings.Contains(res.Body, `"adopted":false`) || !strings.Contains(res.Body, `"Cụm Nam"`) {
			t.Fatalf("clusters: %d %s", res.Status, res.Body)
		}
		// Top-level numbers beside the clusters must be their sums.
		bad := strings.Replace(clusters("A3", 11), `"clusters"`, `"present":120,"clusters"`, 1)
		if res := api.JSON("POST", path, bad, nil); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"present"`) {
			t.Fatalf("sum mismatch: %d %s", res.Status, res.Body)
		}
		// 199 households is under the 200 the law asks for.
		res = api.JSON("POST", path, clusters("A4", 11), nil)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"clusters"`) || !strings.Contains(res.Body, "200") {
			t.Fatalf("clusters in a village of 199: %d %s", res.Status, res.Body)
		}
		// A cluster with more votes than people is named.
		over := strings.Replace(clusters("A3", 11), `"present":50`, `"present":49`, 1)
		if res := api.JSON("POST", path, over, nil); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Cụm thứ 2") {
			t.Fatalf("cluster over present: %d %s", res.Status, res.Body)
		}
		// Through the page: the form of the large village has the cluster rows; 121 agree
		// of 240 carries it.
		page := f.official.Get(f.page())
		mustContain(t, page.Body, viMessage("household.clusters.hint", 200), `name="cluster_present"`)
		form := url.Values{"form": {"meeting"}, "held_on": {today(0)}, "place": {"Ba điểm họp"},
			"cluster_name": {"Cụm Đông", "Cụm Tây", "", ""}, "cluster_present": {"70", "60", "", ""},
			"cluster_agree": {"61", "60", "", ""}, "cluster_disagree": {"9", "0", "", ""}, "cluster_other": {"0", "0", "", ""}}
		if res := f.official.Submit(f.page(), fmt.Sprintf("/staff/consultations/%d/villages/%d/decision", f.c.ID, big), form); res.Status != http.StatusSeeOther {
			t.Fatalf("clusters through the form: %d", res.Status)
		}
		if countRows(t, st, "village_decision_clusters", "1=1") != 2 || countRows(t, st, "village_decisions", "present = 130 AND agree = 121") != 1 {
			t.Fatal("the village's decision is not the sum of its two clusters")
		}
		rec := f.official.Get(fmt.Sprintf("/staff/consultations/%d/villages/%d/record", f.c.ID, big))
		mustContain(t, rec.Body, viMessage("household.clusters.caption", 2), "Cụm Đông", "Cụm Tây", "NỘI DUNG ĐƯỢC THÔNG QUA",
			viMessage("household.record.absent.meeting")+`</th><td class="num">110</td>`)
	})
}

// TestAwaitingRecognitionUntilRecognised: Law 10/2022 art. 21(2). A decision on item 4 is
// recognised by the commune People's Committee and one on item 5 by the commune Front,
// after it was sent to them, or refused in writing with reasons; until then the page says
// "chờ công nhận", not "adopted".
func TestAwaitingRecognitionUntilRecognised(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		official, front := env.NewBrowser(t), env.NewBrowser(t)
		official.Login(env.OfficialA.Email)
		front.Login(env.FrontA.Email)
		api := staffAPI(t, env, env.ObserverA.Email)
		ids := villageIDs(t, st)
		a1 := ids["A1"]

		head := electionMatter(t, env, "Bầu Trưởng thôn Thôn Một", 4)
		page := fmt.Sprintf("/staff/consultations/%d/villages", head.ID)
		act := func(b *testutil.Browser, what string, v url.Values) *testutil.Response {
			return b.Submit(page, fmt.Sprintf("/staff/consultations/%d/villages/%d/%s", head.ID, a1, what), v)
		}
		res := act(official, "decision", url.Values{"form": {"meeting"}, "held_on": {today(0)}, "present": {"100"}, "agree": {"61"},
			"disagree": {"39"}, "other": {"0"}, "content": {"Ông Nguyễn Văn An được bầu làm Trưởng thôn"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("record: %d", res.Status)
		}
		body := official.Get(page).Body
		mustContain(t, body, viMessage("household.awaiting"))
		mustNotContain(t, body, `<span class="outcome-adopted">`+viMessage("household.adopted"))
		if d := getDecisions(t, api, head.ID).village(t, "A1"); d.Recognition == nil || d.Recognition.State != "awaiting" || d.Recognition.Deadline != nil {
			t.Fatalf("API before sending: %+v", d.Recognition)
		}
		recognise := url.Values{"decision": {"recognise"}, "number": {"25/QĐ-UBND"}, "date": {today(0)}}
		// Recognised only once sent to the commune.
		if res := act(official, "recognition", recognise); res.Status != http.StatusConflict {
			t.Fatalf("recognised before sent: %d", res.Status)
		}
		if res := act(official, "sent", url.Values{"sent_on": {today(0)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("sent: %d", res.Status)
		}
		// Item 4 is the People's Committee's: the Front cannot recognise it.
		if res := act(front, "recognition", recognise); res.Status != http.StatusForbidden {
			t.Fatalf("Front recognises item 4: %d", res.Status)
		}
		// A refusal states its reasons.
		res = act(official, "recognition", url.Values{"decision": {"refuse"}, "number": {"26/UBND"}, "date": {today(0)}})
		if res.Status != http.StatusUnprocessableEntity || villageFieldError(res.Body, "reasons", a1) != viMessage("household.error.refusal_reasons") {
			t.Fatalf("refusal without reasons: %d %q", res.Status, villageFieldError(res.Body, "reasons", a1))
		}
		if res := act(official, "recognition", recognise); res.Status != http.StatusSeeOther {
			t.Fatalf("recognise: %d", res.Status)
		}
		body = official.Get(page).Body
		mustContain(t, body, viMessage("household.recognised"), viMessage("household.acts.recognition.recognised", "25/QĐ-UBND", domain.StartOfDay(env.App.Now()).Format("02/01/2006")))
		mustNotContain(t, body, `<span class="outcome-awaiting">`)
		if d := getDecisions(t, api, head.ID).village(t, "A1"); d.Recognition == nil || d.Recognition.State != "recognised" || d.Recognition.Number != "25/QĐ-UBND" {
			t.Fatalf("API after recognition: %+v", d.Recognition)
		}
		if res := act(official, "recognition", recognise); res.Status != http.StatusConflict {
			t.Fatalf("recognised twice: %d", res.Status)
		}

		// Item 5 is the commune Front's: the official cannot, the Front refuses with reasons.
		boards := electionMatter(t, env, "Bầu Ban Giám sát đầu tư của cộng đồng", 5)
		recordMeeting(t, env, boards.ID, a1, 100, 70)
		if err := env.App.RecordDecisionSent(context.Background(), env.OfficialA, boards.ID, a1, env.App.Now()); err != nil {
			t.Fatal(err)
		}
		bpage := fmt.Sprintf("/staff/consultations/%d/villages", boards.ID)
		baction := fmt.Sprintf("/staff/consultations/%d/villages/%d/recognition", boards.ID, a1)
		mustContain(t, front.Get(bpage).Body, baction, viMessage("household.acts.recognise_by.commune_front"))
		if res := official.Submit(bpage, baction, recognise); res.Status != http.StatusForbidden {
			t.Fatalf("official recognises item 5: %d", res.Status)
		}
		res = front.Submit(bpage, baction, url.Values{"decision": {"refuse"}, "number": {"3/MTTQ"}, "date": {today(0)},
			"reasons": {"Người được bầu không đủ tiêu chuẩn theo Điều 42."}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("Front refuses: %d", res.Status)
		}
		mustContain(t, official.Get(bpage).Body, viMessage("household.refused"), "Người được bầu không đủ tiêu chuẩn theo Điều 42.")
		if countRows(t, st, "audit_log", "action = 'village_decision.refuse'") != 1 || countRows(t, st, "audit_log", "action = 'village_decision.recognise'") != 1 {
			t.Error("recognition and refusal are not both in the audit log")
		}

		// A rejected decision awaits nothing; a decision on item 6 needs no recognition.
		other := closedDecideMatter(t, env, "Quỹ khuyến học", "other", 6)
		recordMeeting(t, env, other.ID, a1, 100, 70)
		body = official.Get(fmt.Sprintf("/staff/consultations/%d/villages", other.ID)).Body
		mustContain(t, body, `<span class="outcome-adopted">`+viMessage("household.adopted"))
		mustNotContain(t, body, viMessage("household.awaiting"))
	})
}

// TestDecisionSentWithinFiveWorkingDays: Law 10/2022 art. 20(3). A village's decision goes
// to the commune People's Committee and the commune Front within 5 working days; the
// portal records the day it was sent, shows the deadline, and oversight flags those late.
func TestDecisionSentWithinFiveWorkingDays(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		at := func(s string) time.Time { return localTime(t, s) }
		defer func() { env.App.Now = testNow }()
		// Tuesday 8 December 2026 is a day off in this installation.
		env.App.Calendar = domain.DefaultCalendar().With([]time.Time{at("2026-12-08 00:00")}, nil)
		env.App.Now = func() time.Time { return at("2026-11-01 08:00").UTC() }
		ids := villageIDs(t, st)
		c := closedDecideMatter(t, env, "Sửa nhà văn hóa", "other", 6)
		// Decided on Friday 4 December: Mon 7, Wed 9, Thu 10, Fri 11, Mon 14: due Monday 14.
		env.App.Now = func() time.Time { return at("2026-12-04 16:00").UTC() }
		recordMeeting(t, env, c.ID, ids["A1"], 100, 70)
		recordMeeting(t, env, c.ID, ids["A2"], 60, 50)
		observer := env.NewBrowser(t)
		observer.Login(env.ObserverA.Email)
		api := staffAPI(t, env, env.FrontA.Email)
		got := getDecisions(t, api, c.ID)
		if d := got.village(t, "A1"); d.SendDeadline == nil || *d.SendDeadline != "2026-12-14" || d.SentOn != nil {
			t.Fatalf("send deadline: %+v", d)
		}
		env.App.Now = func() time.Time { return at("2026-12-14 17:00").UTC() }
		ov := observer.Get("/staff/oversight")
		mustContain(t, ov.Body, viMessage("household.overdue_none"))
		// A2 is sent on the last day; A1 is still not sent on Tuesday 15: one day overdue.
		if err := env.App.RecordDecisionSent(ctx, env.OfficialA, c.ID, ids["A2"], at("2026-12-14 09:00")); err != nil {
			t.Fatal(err)
		}
		env.App.Now = func() time.Time { return at("2026-12-15 09:00").UTC() }
		ov = observer.Get("/staff/oversight")
		mustContain(t, ov.Body, viMessage("household.overdue_h"), "Thôn Một", viMessage("household.deadline.send"), "14/12/2026",
			viMessage("charter.standing.overdue_days", 1))
		mustNotContain(t, ov.Body, "Thôn Hai</td>")
		// Sent on Wednesday 16: two working days late, still flagged, as late.
		official := env.NewBrowser(t)
		official.Login(env.OfficialA.Email)
		env.App.Now = func() time.Time { return at("2026-12-16 10:00").UTC() }
		page := fmt.Sprintf("/staff/consultations/%d/villages", c.ID)
		if res := official.Submit(page, fmt.Sprintf("/staff/consultations/%d/villages/%d/sent", c.ID, ids["A1"]), url.Values{"sent_on": {"2026-12-16"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("sent: %d", res.Status)
		}
		ov = observer.Get("/staff/oversight")
		mustContain(t, ov.Body, "Thôn Một", viMessage("charter.standing.late_days", 2))
		mustContain(t, official.Get(page).Body, viMessage("household.deadline.late", "16/12/2026", 2), "16/12/2026")
		res := observer.Get("/api/v1/oversight")
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `"late_decisions":[{`) || !strings.Contains(res.Body, `"kind":"send"`) ||
			!strings.Contains(res.Body, `"days_late":2`) {
			t.Fatalf("oversight API: %d %s", res.Status, res.Body)
		}
		// A day sent cannot be before the decision nor in the future.
		res = official.Submit(page, fmt.Sprintf("/staff/consultations/%d/villages/%d/sent", c.ID, ids["A1"]), url.Values{"sent_on": {"2026-12-03"}})
		if res.Status != http.StatusUnprocessableEntity || villageFieldError(res.Body, "sent_on", ids["A1"]) != viMessage("household.error.act_before_decision", "04/12/2026") {
			t.Fatalf("sent before the decision: %d", res.Status)
		}
		// The Front records its receipt; an observer cannot.
		front := env.NewBrowser(t)
		front.Login(env.FrontA.Email)
		if res := front.Submit(page, fmt.Sprintf("/staff/consultations/%d/villages/%d/receipt", c.ID, ids["A1"]), url.Values{"received_on": {"2026-12-16"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("Front receipt: %d", res.Status)
		}
		mustContain(t, observer.Get(page).Body, viMessage("household.acts.received", "16/12/2026"))
		if d := getDecisions(t, api, c.ID).village(t, "A1"); d.SentOn == nil || *d.SentOn != "2026-12-16" {
			t.Fatalf("sent_on in the API: %+v", d)
		}
	})
}
