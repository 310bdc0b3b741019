package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestAdminGivesTheFrontRole: the Fatherland Front is a role an administrator gives like the
// others, on a new account and as a second role of an existing one.
func TestAdminGivesTheFrontRole(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		admin := env.NewBrowser(t)
		admin.Login("admin@example.vn")
		form := admin.Get("/staff/admin/staff").Body
		mustContain(t, form, `<option value="front"`, "Mặt trận Tổ quốc")
		res := admin.Submit("/staff/admin/staff", "/staff/admin/staff", url.Values{
			"name": {"Ủy ban Mặt trận xã Bắc Sơn"}, "email": {"mttq.b@example.vn"}, "role": {"front"}, "unit_code": {"B"}, "password": {testutil.Password},
		})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create a Front account: %d\n%s", res.Status, res.Body)
		}
		detail := res.Header.Get("Location")
		res = admin.Submit(detail, detail+"/roles", url.Values{"role": {"front"}, "unit_code": {"A1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("add a Front role: %d", res.Status)
		}
		page := admin.Get(detail).Body
		if n := strings.Count(page, "Mặt trận Tổ quốc"); n < 2 {
			t.Fatalf("the account page shows %d Front roles, want 2:\n%s", n, page)
		}
		a, err := env.App.ActorByEmail(context.Background(), "mttq.b@example.vn")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range a.Roles {
			if r.Role != domain.RoleFront {
				t.Errorf("role %q, want front", r.Role)
			}
		}
		if len(a.Roles) != 2 {
			t.Errorf("%d roles, want 2", len(a.Roles))
		}
		front := env.NewBrowser(t)
		front.Login("mttq.b@example.vn")
		if got := front.Get("/staff").Status; got != http.StatusOK {
			t.Fatalf("the new Front account opens the staff home: %d", got)
		}
	})
}

// TestFrontReadsWithoutButtons: the Front reads what an observer reads (consultations,
// oversight, audit and moderation logs, answers and decisions) and is offered no button for
// an act it cannot do; its home lists the decide matters waiting for its own acts.
func TestFrontReadsWithoutButtons(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		open := env.OpenConsultation(t)
		closed := closedMatter(t, env, "Đóng góp làm đường liên thôn", "budget", "decide", 1, func(c *domain.Consultation) {
			sec := testutil.Section(t, c, "c2.d2")
			r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{SectionID: &sec.ID, Stance: "agree", Body: "Đồng ý mức đóng góp."}, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
				t.Fatal(err)
			}
		})
		consult := closedMatter(t, env, "Kế hoạch phát triển kinh tế - xã hội", "plan", "consult", 0, nil)

		front := env.NewBrowser(t)
		front.Login("front.a@example.vn")
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")

		home := front.Get("/staff")
		if home.Status != http.StatusOK {
			t.Fatalf("staff home: %d", home.Status)
		}
		mustContain(t, home.Body, "Việc chờ Mặt trận Tổ quốc", "/staff/audit", "/staff/oversight", "/staff/moderation/log",
			fmt.Sprintf(`href="/staff/consultations/%d/villages">Đóng góp làm đường liên thôn`, closed.ID))
		mustNotContain(t, home.Body, "/staff/consultations/new", `href="/staff/moderation"`, "/staff/admin/",
			fmt.Sprintf(`href="/staff/consultations/%d/villages"`, consult.ID))
		mustNotContain(t, official.Get("/staff").Body, "Việc chờ Mặt trận Tổ quốc")

		for _, p := range []string{"/staff/oversight", "/staff/audit", "/staff/moderation/log"} {
			if got := front.Get(p).Status; got != http.StatusOK {
				t.Errorf("%s: %d", p, got)
			}
		}

		// The open consultation: officials close it and enter paper, moderators moderate.
		page := fmt.Sprintf("/staff/consultations/%d", open.ID)
		buttons := []string{page + "/close", page + "/offline", page + "/versions/new", "/staff/moderation?consultation_id="}
		body := front.Get(page).Body
		mustContain(t, body, open.Title, "/c/"+fmt.Sprint(open.ID))
		mustNotContain(t, body, buttons...)
		mustContain(t, official.Get(page).Body, buttons[:3]...)

		// The closed one: the Front reads the answers and decisions, without their forms.
		page = fmt.Sprintf("/staff/consultations/%d", closed.ID)
		mustNotContain(t, front.Get(page).Body, page+"/results", page+"/offline")
		mustContain(t, official.Get(page).Body, page+"/results")
		for _, p := range []string{page + "/answers", page + "/decisions"} {
			res := front.Get(p)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d", p, res.Status)
			}
			mustNotContain(t, res.Body, `method="post" action="`+p+`"`)
			mustContain(t, official.Get(p).Body, `method="post" action="`+p+`"`)
		}
		mustContain(t, front.Get(page+"/answers").Body, "Đồng ý mức đóng góp.")
	})
}

// closedMatter creates, publishes and closes a consultation of commune A; while it is open,
// meanwhile (if not nil) does what the test needs.
func closedMatter(t *testing.T, env *testutil.Env, title, kind, matter string, item int, meanwhile func(*domain.Consultation)) *domain.Consultation {
	t.Helper()
	ctx := context.Background()
	now := env.App.Now()
	opens, closes := domain.PeriodFromDates(now, now.AddDate(0, 0, 35))
	c, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{
		Title: title, Kind: kind, Matter: matter, Item: item, UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
		Topic: testutil.TopicFor(kind, matter),
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if c, err = env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if meanwhile != nil {
		meanwhile(c)
	}
	env.CloseAtEnd(t, env.OfficialA, c)
	return c
}
