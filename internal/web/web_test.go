package web_test

import (
	"context"
	"fmt"
	"html"
	"html/template"
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

var codeInLocation = regexp.MustCompile(`^/track/([0-9A-Z]{5}-[0-9A-Z]{5})\?new=1$`)

// TestConsultationLoopThroughPages walks the loop the portal exists for, through the HTML
// forms only: an official creates and publishes a draft, a resident comments on one article
// and tracks it, a moderator approves it, and the public page shows it with its counts.
func TestConsultationLoopThroughPages(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)

		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		res := official.Submit("/staff/consultations/new", "/staff/consultations", url.Values{
			"title": {"Dự thảo hương ước Thôn Hai"}, "kind": {"huong_uoc"}, "unit_code": {"A"},
			"first_day": {today(0)}, "last_day": {today(34)}, "text": {testutil.Draft}, "moderation": {"pre"},
		})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create consultation: status %d\n%s", res.Status, res.Body)
		}
		staffPage := res.Header.Get("Location")
		page := official.Get(staffPage)
		mustContain(t, page.Body, "Điều 5. Việc cưới", "Chương II. NỘI DUNG", "Bản nháp", "duyệt trước khi công bố")
		id := strings.TrimPrefix(staffPage, "/staff/consultations/")

		// A draft is invisible to the public.
		resident := env.NewBrowser(t)
		if got := resident.Get("/c/" + id).Status; got != http.StatusNotFound {
			t.Fatalf("draft visible to the public: status %d", got)
		}

		res = official.Submit(staffPage+"/publish", staffPage+"/publish", url.Values{"confirm": {"yes"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("publish: status %d\n%s", res.Status, res.Body)
		}
		mustContain(t, official.Get(staffPage).Body, "Đã công bố dự thảo", "Đang lấy ý kiến")

		// The resident finds it, reads it and comments on article 5.
		mustContain(t, resident.Get("/").Body, "Dự thảo hương ước Thôn Hai")
		page = resident.Get("/c/" + id)
		mustContain(t, page.Body, "Điều 5. Việc cưới", "Tổ chức cưới tiết kiệm")
		c, err := env.App.Consultation(context.Background(), nil, mustID(t, id))
		if err != nil {
			t.Fatal(err)
		}
		art5 := testutil.Section(t, c, "c2.d5")
		formPath := fmt.Sprintf("/c/%s/comment?section=%d", id, art5.ID)
		if !strings.Contains(page.Body, html.EscapeString(formPath)) {
			t.Fatalf("consultation page has no link to the form of article 5 (%s)", formPath)
		}
		form := resident.Get(formPath)
		key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(form.Body)
		if key == nil {
			t.Fatal("form carries no idempotency key")
		}
		values := url.Values{
			"stance": {"disagree"}, "body": {"Tôi & bạn <3 — đề nghị cho phép hai ngày"},
			"section_id": {fmt.Sprint(art5.ID)}, "village_code": {"A1"}, "key": {key[1]},
			"author_name": {"Lê Văn Cường"}, "contact": {"0912 345 678"}, "consent": {"1"},
		}
		res = resident.Submit(formPath, "/c/"+id+"/comment", values)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("submit opinion: status %d\n%s", res.Status, res.Body)
		}
		m := codeInLocation.FindStringSubmatch(res.Header.Get("Location"))
		if m == nil {
			t.Fatalf("redirect %q does not carry a tracking code", res.Header.Get("Location"))
		}
		code := m[1]

		// Pressing submit again (3G) returns the same receipt and stores nothing new.
		again := resident.Submit(formPath, "/c/"+id+"/comment", values)
		if again.Header.Get("Location") != res.Header.Get("Location") {
			t.Fatalf("resubmission got %q, want the first receipt %q", again.Header.Get("Location"), res.Header.Get("Location"))
		}

		receipt := resident.Get(res.Header.Get("Location"))
		mustContain(t, receipt.Body, code, "Cảm ơn bạn đã góp ý", "Đang chờ kiểm duyệt",
			"Tôi &amp; bạn &lt;3 — đề nghị cho phép hai ngày", "Điều 5. Việc cưới")
		lookup := resident.Get("/track?code=" + url.QueryEscape(strings.ToLower(strings.ReplaceAll(code, "-", " "))))
		mustContain(t, lookup.Body, code, "Đang chờ kiểm duyệt")

		// Not yet public.
		mustNotContain(t, resident.Get("/c/"+id).Body, "đề nghị cho phép hai ngày")

		// The moderator approves it from the queue.
		moderator := env.NewBrowser(t)
		moderator.Login("moderator.a@example.vn")
		queue := moderator.Get("/staff/moderation")
		mustContain(t, queue.Body, "đề nghị cho phép hai ngày", "Điều 5. Việc cưới", "Thôn Một")
		mustNotContain(t, queue.Body, "0912 345 678")
		opinionID := regexp.MustCompile(`action="/staff/opinions/(\d+)/moderate"`).FindStringSubmatch(queue.Body)
		if opinionID == nil {
			t.Fatal("queue has no decision form")
		}
		res = moderator.Submit("/staff/moderation", "/staff/opinions/"+opinionID[1]+"/moderate", url.Values{"decision": {"approve"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("approve: status %d\n%s", res.Status, res.Body)
		}
		mustContain(t, moderator.Get("/staff/moderation").Body, "Đã duyệt", "Không có ý kiến nào đang chờ")

		// Everyone now sees the opinion under its article, with counts; never the contact.
		public := resident.Get("/c/" + id)
		mustContain(t, public.Body, "Tôi &amp; bạn &lt;3 — đề nghị cho phép hai ngày", "Tổng số: 1 ý kiến",
			"1 ý kiến (0 đồng ý, 1 không đồng ý, 0 khác)")
		mustNotContain(t, public.Body, "0912 345 678", "Lê Văn Cường", "&amp;amp;", "<3 —")
		mustContain(t, resident.Get("/track/"+code).Body, "Đã được công bố")

		// The decision is in the append-only log, with who, from and to.
		events, err := st.ModerationEvents(context.Background(), mustID(t, opinionID[1]))
		if err != nil || len(events) != 1 {
			t.Fatalf("moderation log: %v, %d events", err, len(events))
		}
		if ev := events[0]; ev.FromStatus != domain.OpinionPending || ev.ToStatus != domain.OpinionApproved ||
			ev.ActorID == nil || *ev.ActorID != env.ModeratorA.StaffID || ev.ActorName == "" {
			t.Fatalf("moderation event = %+v", ev)
		}

		// Observers of the commune read the log; they cannot decide anything.
		observer := env.NewBrowser(t)
		observer.Login("observer.a@example.vn")
		mustContain(t, observer.Get("/staff/moderation/log").Body, "Cán bộ moderator", "Đang chờ kiểm duyệt → Đã được công bố", "Dự thảo hương ước Thôn Hai")
		if got := observer.Get("/staff/moderation").Status; got != http.StatusForbidden {
			t.Fatalf("observer opened the moderation queue: %d", got)
		}
	})
}

// TestOpinionFormKeepsInputOnError checks that a refused submission re-renders the form with
// what the resident typed and a Vietnamese message tied to the field.
func TestOpinionFormKeepsInputOnError(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		resident := env.NewBrowser(t)
		path := fmt.Sprintf("/c/%d/comment", c.ID)
		long := strings.Repeat("Ý kiến dài. ", 500)
		res := resident.Submit(path, path, url.Values{"body": {long}, "author_name": {"Phạm Thị Dung"}, "contact": {"dung@example.vn"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", res.Status)
		}
		mustContain(t, res.Body, "Tối đa 5000 ký tự.", "Vui lòng nhập thông tin này.", "Phạm Thị Dung", "dung@example.vn",
			"Ý kiến dài. Ý kiến dài.", `aria-describedby="e-body"`, "cần đánh dấu đồng ý")

		en := resident.Do(http.MethodGet, path, nil, map[string]string{"Accept-Language": "en-GB,en;q=0.9"})
		mustContain(t, en.Body, "Send opinion", `lang="en"`)
	})
}

// TestClosedConsultationRefusesOpinions checks that the form says so and the post is refused.
func TestClosedConsultationRefusesOpinions(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		env.CloseAtEnd(t, env.OfficialA, c)
		resident := env.NewBrowser(t)
		path := fmt.Sprintf("/c/%d/comment", c.ID)
		form := resident.Get(path)
		mustContain(t, form.Body, "Dự thảo này hiện không nhận ý kiến.")
		mustNotContain(t, form.Body, `name="body"`)
		res := resident.Submit("/login", path, url.Values{"stance": {"agree"}, "body": {"Muộn rồi"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("status %d, want 409", res.Status)
		}
	})
}

// TestStaffPagesNeedLoginAndRole checks that anonymous visitors are sent to the login form
// and that an official of another commune cannot act on a consultation.
func TestStaffPagesNeedLoginAndRole(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		anon := env.NewBrowser(t)
		for _, p := range []string{"/staff", "/staff/moderation", "/staff/consultations/new"} {
			res := anon.Get(p)
			if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Errorf("GET %s anonymously: status %d, location %q", p, res.Status, res.Header.Get("Location"))
			}
		}
		res := anon.Do(http.MethodPost, fmt.Sprintf("/staff/consultations/%d/close", c.ID), nil, nil)
		if res.Status != http.StatusForbidden {
			t.Errorf("anonymous close without CSRF token: status %d, want 403", res.Status)
		}

		other := env.NewBrowser(t)
		other.Login("official.b@example.vn")
		staffPage := fmt.Sprintf("/staff/consultations/%d", c.ID)
		if got := other.Get(staffPage).Status; got != http.StatusForbidden && got != http.StatusOK {
			t.Errorf("official B viewing A's consultation: status %d", got)
		}
		res = other.Submit("/staff", staffPage+"/close", url.Values{})
		if res.Status != http.StatusForbidden {
			t.Fatalf("official B closing A's consultation: status %d, want 403", res.Status)
		}
		after, _ := env.App.Consultation(context.Background(), nil, c.ID)
		if after.Status != domain.StatusOpen {
			t.Fatalf("status changed to %s", after.Status)
		}
	})
}

// TestLoginAndLogout checks that a failed login does not reveal whether the account exists,
// and that logout ends the session.
func TestLoginAndLogout(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		b := env.NewBrowser(t)
		for _, email := range []string{"official.a@example.vn", "nobody@example.vn"} {
			res := b.Submit("/login", "/login", url.Values{"email": {email}, "password": {"sai mật khẩu"}})
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("%s: status %d", email, res.Status)
			}
			mustContain(t, res.Body, "Email hoặc mật khẩu không đúng.", html.EscapeString(email))
		}
		b.Login("official.a@example.vn")
		if got := b.Get("/staff").Status; got != http.StatusOK {
			t.Fatalf("after login: %d", got)
		}
		if res := b.Submit("/staff", "/logout", url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.Status)
		}
		if got := b.Get("/staff").Status; got != http.StatusSeeOther {
			t.Fatalf("after logout /staff answered %d, want a redirect to login", got)
		}
	})
}

// TestPublishRefusesShortPeriod checks the legal minimum through the staff page.
func TestPublishRefusesShortPeriod(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		b := env.NewBrowser(t)
		b.Login("official.a@example.vn")
		// Ten calendar days from today; saved during today, nine whole days remain (the day
		// itself does not count, Civil Code art. 147). Refused on the form, input kept.
		res := b.Submit("/staff/consultations/new", "/staff/consultations", url.Values{
			"title": {"Quy ước ngắn"}, "kind": {"quy_uoc"}, "unit_code": {"A"},
			"first_day": {today(0)}, "last_day": {today(9)}, "text": {testutil.Draft},
		})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", res.Status)
		}
		mustContain(t, res.Body, "ít nhất 30 ngày", "Nghị định 61/2023/NĐ-CP", "hiện là 9 ngày", "Quy ước ngắn", `id="e-last_day"`)
		mustNotContain(t, res.Body, "#f-closes_at")

		// A draft saved with 31 days but published five days later has 25 whole days left.
		opens, closes := domain.PeriodFromDates(env.App.Now(), env.App.Now().AddDate(0, 0, 30))
		c, err := env.App.CreateConsultation(context.Background(), env.OfficialA, app.NewConsultation{
			Title: "Quy ước", Kind: "quy_uoc", UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
		})
		if err != nil {
			t.Fatal(err)
		}
		realNow := env.App.Now
		env.App.Now = func() time.Time { return realNow().AddDate(0, 0, 5) }
		defer func() { env.App.Now = realNow }()
		page := fmt.Sprintf("/staff/consultations/%d", c.ID)
		res = b.Submit(page+"/publish", page+"/publish", url.Values{"confirm": {"yes"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("late publication: status %d, want 422", res.Status)
		}
		mustContain(t, res.Body, "ít nhất 30 ngày", "hiện là 25 ngày")
	})
}

func today(plusDays int) string {
	return domain.StartOfDay(testNow()).AddDate(0, 0, plusDays).Format("2006-01-02")
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatalf("not an id: %q", s)
	}
	return id
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

func mustNotContain(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Fatalf("page contains %q", u)
		}
	}
}

// TestCommentFormShowsTheWholeArticle checks that commenting on an article shows its clauses,
// so the resident sees what they are commenting on.
func TestCommentFormShowsTheWholeArticle(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		art := testutil.Section(t, c, "c2.d2")
		page := env.NewBrowser(t).Get(fmt.Sprintf("/c/%d/comment?section=%d", c.ID, art.ID))
		mustContain(t, page.Body, "Điều 2. Vệ sinh môi trường", "Mỗi hộ phân loại rác tại nguồn.", "Tổng vệ sinh vào chủ nhật cuối tháng.")
		mustNotContain(t, page.Body, "Tổ chức cưới tiết kiệm")
	})
}

// TestLanguageSwitchKeepsTheQuery checks that switching language keeps what the resident
// was looking at: a search stays a search, in the other language.
func TestLanguageSwitchKeepsTheQuery(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		env.OpenConsultation(t)
		resident := env.NewBrowser(t)
		vi := resident.Get("/?q=huong+uoc&page=1").Body
		mustContain(t, vi, `href="?lang=en&amp;page=1&amp;q=huong&#43;uoc"`)
		en := resident.Get("/?lang=en&q=huong+uoc").Body
		mustContain(t, en, `lang="en"`, `href="?lang=vi&amp;q=huong&#43;uoc"`)
	})
}

// TestEnglishPageMarksVietnameseText checks that a page in English marks the draft's own
// text as Vietnamese, so a screen reader reads it with a Vietnamese voice, and that the
// Vietnamese page needs no such mark.
func TestEnglishPageMarksVietnameseText(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		resident := env.NewBrowser(t)
		en := resident.Get(fmt.Sprintf("/c/%d?lang=en", c.ID)).Body
		mustContain(t, en, `<h1 lang="vi">`+template.HTMLEscapeString(c.Title)+`</h1>`, `<p class="body" lang="vi">`)
		vi := resident.Get(fmt.Sprintf("/c/%d?lang=vi", c.ID)).Body
		if strings.Contains(vi, `<p class="body" lang="vi">`) {
			t.Error("the Vietnamese page marks its own language on every paragraph")
		}
	})
}

// TestPagesDescribeThemselves checks the meta description a search engine shows: the
// consultation's summary on its page, on one line and cut at 160 letters, and the portal's
// purpose elsewhere.
func TestPagesDescribeThemselves(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		summary := "Dự thảo quy định việc giữ gìn vệ sinh chung,\n   bảo vệ môi trường và " + strings.Repeat("giữ đường làng sạch đẹp, ", 8)
		if _, err := st.SQLDB().Exec("UPDATE consultations SET summary = $1 WHERE id = $2", summary, c.ID); err != nil {
			t.Fatal(err)
		}
		resident := env.NewBrowser(t)
		want := "Dự thảo quy định việc giữ gìn vệ sinh chung, bảo vệ môi trường và giữ đường làng sạch đẹp, " +
			"giữ đường làng sạch đẹp, giữ đường làng sạch đẹp, giữ đường làng s…"
		if n := len([]rune(want)); n != 158 {
			t.Fatalf("the expected description has %d letters", n)
		}
		mustContain(t, resident.Get(fmt.Sprintf("/c/%d", c.ID)).Body, `<meta name="description" content="`+want+`">`)
		mustContain(t, resident.Get("/").Body, `<meta name="description" content="Đọc dự thảo, góp ý từng điều, không cần tài khoản.`)
	})
}
