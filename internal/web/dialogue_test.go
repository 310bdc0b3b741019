package web_test

// The monthly dialogue (Law 10/2022 art. 32) walked as residents and officials: scheduled on
// the staff pages, a question sent from a phone's form, moderated, supported once per
// browser, answered with a promise, printed as minutes, followed in the feed, and the
// promise overdue in oversight from the midnight after its due day.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

var (
	dialogueLink = regexp.MustCompile(`/staff/dialogues/(\d+)`)
	questionCode = regexp.MustCompile(`/d/track/([0-9A-Z-]+)`)
)

func pageHas(t *testing.T, what string, r *testutil.Response, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.Body, p) {
			t.Errorf("%s (status %d) lacks %q", what, r.Status, p)
		}
	}
}

func TestDialogueWalk(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		day := time.Now().In(domain.Zone).AddDate(0, 0, 10)

		// The official schedules it from the staff home.
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		pageHas(t, "staff home", official.Get("/staff"), `href="/staff/dialogues"`)
		res := official.Submit("/staff/dialogues", "/staff/dialogues", url.Values{"unit_code": {"A"}, "date": {day.Format(time.DateOnly)},
			"time": {"19:30"}, "place": {"Hội trường UBND xã"}, "chaired_by": {"Ông Lê Văn Chủ, Chủ tịch UBND xã"}})
		m := dialogueLink.FindStringSubmatch(res.Header.Get("Location"))
		if res.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("schedule: %d %s", res.Status, res.Body)
		}
		id := m[1]
		bad := official.Submit("/staff/dialogues", "/staff/dialogues", url.Values{"unit_code": {"A"}, "date": {"2020-01-01"},
			"time": {"19:30"}, "place": {"X"}, "chaired_by": {"Y"}})
		if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Thời gian đối thoại phải ở tương lai.") {
			t.Errorf("a meeting in the past: %d", bad.Status)
		}

		// A resident finds it on the commune's page and asks.
		resident := env.NewBrowser(t)
		pageHas(t, "unit page", resident.Get("/u/A"), "/d/"+id, "Đối thoại với Nhân dân hằng tháng")
		pageHas(t, "village page", resident.Get("/u/A1"), "/d/"+id)
		page := resident.Get("/d/" + id)
		pageHas(t, "dialogue page", page, "Hội trường UBND xã", "Điều 32", "/d/"+id+"/ask",
			"đến hết ngày "+day.AddDate(0, 0, -1).Format("02/01/2006"))
		res = resident.Submit("/d/"+id+"/ask", "/d/"+id+"/ask", url.Values{"theme": {"infrastructure"}, "website": {"http://spam"},
			"body": {"Đường thôn Một sụt lún, khi nào sửa?"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("the honeypot: %d", res.Status)
		}
		res = resident.Submit("/d/"+id+"/ask", "/d/"+id+"/ask", url.Values{"theme": {"infrastructure"}, "village_code": {"A1"},
			"body": {"Đường thôn Một sụt lún, khi nào sửa? Liên hệ 0912 345 678."}})
		cm := questionCode.FindStringSubmatch(res.Header.Get("Location"))
		if res.Status != http.StatusSeeOther || cm == nil {
			t.Fatalf("ask: %d %s", res.Status, res.Body)
		}
		code := cm[1]
		pageHas(t, "receipt", resident.Get("/d/track/"+code+"?new=1"), code, "Chờ kiểm duyệt")
		if loc := resident.Get("/track?code=" + url.QueryEscape(code)).Header.Get("Location"); loc != "/d/track/"+code {
			t.Errorf("the tracking form sends a question's code to %q", loc)
		}
		if strings.Contains(resident.Get("/d/"+id).Body, "sụt lún") {
			t.Error("a waiting question is public")
		}
		var n int64
		if err := st.SQLDB().QueryRow("SELECT COUNT(*) FROM dialogue_questions").Scan(&n); err != nil || n != 1 {
			t.Errorf("%d questions stored, want 1 (the honeypot's refused)", n)
		}

		// The moderator approves it; the phone number stays off the public page.
		moderator := env.NewBrowser(t)
		moderator.Login("moderator.a@example.vn")
		staffPage := moderator.Get("/staff/dialogues/" + id)
		pageHas(t, "moderation", staffPage, "0912 345 678")
		q, err := st.QuestionByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		res = moderator.Submit("/staff/dialogues/"+id, fmt.Sprintf("/staff/dialogue-questions/%d/moderate", q.ID), url.Values{"decision": {"approve"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", res.Status, res.Body)
		}
		res = official.Submit("/staff/dialogues/"+id, fmt.Sprintf("/staff/dialogue-questions/%d/moderate", q.ID), url.Values{"decision": {"reject"}, "reason": {"spam"}})
		if res.Status != http.StatusForbidden {
			t.Errorf("an official moderating: %d", res.Status)
		}
		page = resident.Get("/d/" + id)
		pageHas(t, "public question", page, "sụt lún", "Thôn Một", "0 lượt ủng hộ")
		if strings.Contains(page.Body, "345 678") {
			t.Error("the phone number is public")
		}

		// Support: once per browser, from two browsers.
		support := fmt.Sprintf("/d/%s/questions/%d/support", id, q.ID)
		for i, b := range []*testutil.Browser{resident, resident, env.NewBrowser(t)} {
			res := b.Submit("/d/"+id, support, url.Values{})
			if res.Status != http.StatusSeeOther || strings.Contains(res.Header.Get("Location"), "again=1") != (i == 1) {
				t.Errorf("support %d: %d → %s", i, res.Status, res.Header.Get("Location"))
			}
		}
		pageHas(t, "supported", resident.Get("/d/"+id+fmt.Sprintf("?supported=%d&again=1", q.ID)), "2 lượt ủng hộ", "mỗi người chỉ ủng hộ một lần")
		if res := resident.Do(http.MethodPost, support, strings.NewReader("website=x"), resident.FormHeaders()); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("a support without the signed form: %d", res.Status)
		}

		// The official answers with a promise due ten days after the meeting.
		due := day.AddDate(0, 0, 10)
		res = official.Submit("/staff/dialogues/"+id, fmt.Sprintf("/staff/dialogue-questions/%d/answer", q.ID), url.Values{
			"answer": {"Xã đã khảo sát, sẽ sửa trong tháng tới."}, "promise": {"Sửa đoạn đường sụt lún thôn Một"}, "due_on": {due.Format(time.DateOnly)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("answer: %d %s", res.Status, res.Body)
		}
		pageHas(t, "answered page", resident.Get("/d/"+id), "Xã đã khảo sát", "Sửa đoạn đường sụt lún thôn Một", "Hạn: "+due.Format("02/01/2006"))
		pageHas(t, "tracked answer", resident.Get("/d/track/"+code), "Xã đã khảo sát", "Sửa đoạn đường")
		minutes := resident.Get("/d/" + id + "/minutes")
		pageHas(t, "minutes", minutes, "BIÊN BẢN HỘI NGHỊ ĐỐI THOẠI VỚI NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
			"Xã đã khảo sát", "Sửa đoạn đường sụt lún", "Câu hỏi 1")
		if strings.Contains(minutes.Body, "345 678") {
			t.Error("the minutes carry the phone number")
		}
		feed := resident.Get("/feeds/dialogues.atom?unit=A")
		pageHas(t, "feed", feed, "<feed", "Xã An Bình", "Xã đã khảo sát")
		pageHas(t, "English page", resident.Get("/d/"+id+"?lang=en"), "2 supporters", "Chaired by")

		// Overdue in oversight from the midnight after the due day, not a second before.
		ends := time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, domain.Zone).AddDate(0, 0, 1)
		env.App.Now = func() time.Time { return ends.Add(-time.Second) }
		if strings.Contains(official.Get("/staff/oversight").Body, "Sửa đoạn đường sụt lún") {
			t.Error("overdue on its due day")
		}
		env.App.Now = func() time.Time { return ends }
		pageHas(t, "oversight", official.Get("/staff/oversight"), "Cam kết tại đối thoại quá hạn", "Sửa đoạn đường sụt lún", "1 ngày")
		if _, err := env.App.PromiseDone(ctx, env.OfficialA, 1, ""); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(official.Get("/staff/oversight").Body, "Sửa đoạn đường sụt lún") {
			t.Error("a promise done stays overdue")
		}
	})
}
