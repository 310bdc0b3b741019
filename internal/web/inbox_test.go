package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// withResults takes a new consultation of commune A to published results, with one opinion
// on the draft as a whole (so no decision on an article is needed), answered.
func withResults(t *testing.T, env *testutil.Env, title string) *domain.Consultation {
	t.Helper()
	ctx := context.Background()
	c := newDraft(t, env, title)
	if _, err := env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
		t.Fatal(err)
	}
	r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "agree", Body: "Tôi đồng ý với cả dự thảo."}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, approve()); err != nil {
		t.Fatal(err)
	}
	env.CloseAtEnd(t, env.OfficialA, c)
	if _, err := env.App.Answer(ctx, env.OfficialA, c.ID, app.NewResponse{OpinionIDs: []int64{r.Opinion.ID}, Kind: "noted", Text: "Xin ghi nhận."}); err != nil {
		t.Fatal(err)
	}
	if c, err = env.App.PublishResults(ctx, env.OfficialA, c.ID); err != nil {
		t.Fatalf("publish results: %v", err)
	}
	return c
}

// TestInbox follows a notice of published results through the official's inbox: shown with
// its link, date and an unread mark, counted in the navigation on every page, marked read
// alone or with the others; another official can neither see it nor mark it.
func TestInbox(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := withResults(t, env, "Dự thảo quy ước Thôn Hai")
		official := env.NewBrowser(t)
		official.Login(env.OfficialA.Email)
		other := env.NewBrowser(t)
		other.Login(env.OfficialB.Email)

		mustContain(t, official.Get("/staff").Body, `<a href="/staff/inbox">Hộp thư (1)</a>`)
		mustContain(t, official.Get(fmt.Sprintf("/c/%d", c.ID)).Body, "Hộp thư (1)")
		page := official.Get("/staff/inbox")
		if page.Status != http.StatusOK {
			t.Fatalf("inbox: %d", page.Status)
		}
		mustContain(t, page.Body,
			fmt.Sprintf(`<a href="/c/%d"><strong>Kết quả lấy ý kiến «Dự thảo quy ước Thôn Hai» đã được công bố</strong></a>`, c.ID),
			"Ngày "+time.Now().In(domain.Zone).Format("02/01/2006"), `<span class="badge">Chưa đọc</span>`,
			"Bạn có 1 thông báo chưa đọc.", "Hộp thư (1)")
		id := noticeID(t, st, env.OfficialA)

		// Official B has an empty inbox, and cannot touch official A's notice.
		mine := other.Get("/staff/inbox").Body
		mustContain(t, mine, "Chưa có thông báo nào.", `<a href="/staff/inbox">Hộp thư</a>`)
		mustNotContain(t, mine, "Dự thảo quy ước Thôn Hai")
		if res := other.Submit("/staff/inbox", fmt.Sprintf("/staff/inbox/%d/read", id), url.Values{}); res.Status != http.StatusNotFound {
			t.Errorf("official B marked official A's notice: %d", res.Status)
		}
		if res := other.Submit("/staff/inbox", "/staff/inbox/read-all", url.Values{}); res.Status != http.StatusSeeOther {
			t.Errorf("official B's read-all: %d", res.Status)
		}
		mustContain(t, official.Get("/staff/inbox").Body, "Hộp thư (1)", "Chưa đọc")

		res := official.Submit("/staff/inbox", fmt.Sprintf("/staff/inbox/%d/read", id), url.Values{})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/staff/inbox" {
			t.Fatalf("mark read: %d to %q", res.Status, res.Header.Get("Location"))
		}
		page = official.Get("/staff/inbox")
		mustContain(t, page.Body, "Đã đánh dấu thông báo là đã đọc.", `<a href="/staff/inbox">Hộp thư</a>`,
			fmt.Sprintf(`<a href="/c/%d">Kết quả lấy ý kiến «Dự thảo quy ước Thôn Hai» đã được công bố</a>`, c.ID))
		mustNotContain(t, page.Body, "Chưa đọc", "Hộp thư (", "thông báo chưa đọc")

		// Two more: counted, then marked read together, newest first.
		withResults(t, env, "Dự thảo hương ước Thôn Một")
		withResults(t, env, "Dự thảo quy chế dân chủ")
		page = official.Get("/staff/inbox")
		mustContain(t, page.Body, "Hộp thư (2)", "Bạn có 2 thông báo chưa đọc.")
		if a, b := strings.Index(page.Body, "quy chế dân chủ"), strings.Index(page.Body, "hương ước Thôn Một"); a < 0 || b < a {
			t.Errorf("not newest first")
		}
		if res := official.Submit("/staff/inbox", "/staff/inbox/read-all", url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("read all: %d", res.Status)
		}
		page = official.Get("/staff/inbox")
		mustContain(t, page.Body, "Đã đánh dấu 2 thông báo là đã đọc.")
		mustNotContain(t, page.Body, "Chưa đọc", "Hộp thư (")

		// The same in English.
		withResults(t, env, "Dự thảo quy ước về lễ hội")
		mustContain(t, official.Get("/staff/inbox?lang=en").Body, `<a href="/staff/inbox">Inbox (1)</a>`, "Unread",
			"The results of the consultation on &#34;Dự thảo quy ước về lễ hội&#34; have been published")
	})
}

// noticeID is the id of the only notice in a staff member's inbox.
func noticeID(t *testing.T, st *store.Store, who *domain.Actor) int64 {
	t.Helper()
	list, _, err := st.Notifications(context.Background(), who.StaffID, 1, 20)
	if err != nil || len(list) != 1 {
		t.Fatalf("notices of %s: %+v, %v", who.Email, list, err)
	}
	return list[0].ID
}
