package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// periodClock gives the App a clock the test moves, in Vietnam's time.
func periodClock(t *testing.T, env *testutil.Env, start string) func(string) {
	t.Helper()
	parse := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, domain.Zone)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	now := parse(start)
	env.App.Now = func() time.Time { return now.UTC() }
	return func(s string) { now = parse(s) }
}

// publishedNow creates the consultation in with the draft text and the period from first to
// last, publishes it as official A at the App's present moment, and returns it with official
// A signed in and the address of its staff page.
func publishedNow(t *testing.T, env *testutil.Env, in app.NewConsultation, first, last string) (*domain.Consultation, *testutil.Browser, string) {
	t.Helper()
	ctx := context.Background()
	day := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, domain.Zone)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	in.Text = testutil.Draft
	in.OpensAt, in.ClosesAt = domain.PeriodFromDates(day(first), day(last))
	c, err := env.App.CreateConsultation(ctx, env.OfficialA, in)
	if err != nil {
		t.Fatal(err)
	}
	if c, err = env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
		t.Fatal(err)
	}
	official := env.NewBrowser(t)
	official.Login(env.OfficialA.Email)
	return c, official, fmt.Sprintf("/staff/consultations/%d", c.ID)
}

// TestEarlyCloseThroughPages plays what a new official did: a 30-day hương ước published on
// 1 December, "Kết thúc lấy ý kiến" pressed the same day. The close is refused until the
// minimum of Decree 61/2023 art. 9(1) has run; after it, it needs a reason and a ticked
// confirmation, and every page, report, feed and oversight then shows the real end.
func TestEarlyCloseThroughPages(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		at := periodClock(t, env, "2026-12-01 09:00")
		c, official, page := publishedNow(t, env, app.NewConsultation{Title: "Hương ước Thôn Một sửa đổi", Kind: "huong_uoc", UnitCode: "A1"},
			"2026-12-01", "2027-01-05")

		// The same day: the staff page says from when it may be closed; the close page
		// explains the refusal and offers no form; a forced POST is refused with the rule.
		at("2026-12-01 10:00")
		mustContain(t, official.Get(page).Body, "Có thể kết thúc từ 0 giờ ngày 01/01/2027, khi đủ 30 ngày (Nghị định 61/2023/NĐ-CP, Điều 9, khoản 1)")
		confirm := official.Get(page + "/close")
		if confirm.Status != http.StatusOK {
			t.Fatalf("close page: %d", confirm.Status)
		}
		mustContain(t, confirm.Body, "Chưa thể kết thúc", "ít nhất 30 ngày (Nghị định 61/2023/NĐ-CP, Điều 9, khoản 1)", "Có thể kết thúc từ 0 giờ ngày 01/01/2027")
		mustNotContain(t, confirm.Body, `name="confirm"`)
		res := official.Submit(page, page+"/close", url.Values{"confirm": {"yes"}, "reason": {"Xong sớm."}})
		if res.Status != http.StatusConflict {
			t.Fatalf("close on the day of publication: %d, want 409", res.Status)
		}
		mustContain(t, res.Body, "Nghị định 61/2023/NĐ-CP, Điều 9, khoản 1", "đến nay mới được 0 ngày")
		wantStatus(t, st, c.ID, domain.StatusOpen)

		// 2 January, after day 30: allowed, but it cuts four days (2–5 January) short.
		at("2027-01-02 10:15")
		confirm = official.Get(page + "/close")
		mustContain(t, confirm.Body, "Đây là kết thúc sớm: thời gian đã công bố là đến hết ngày 05/01/2027; người dân mất 4 ngày góp ý",
			"Đến nay đã được 31 ngày, đủ mức tối thiểu 30 ngày", `name="reason"`, `type="checkbox" id="f-confirm" name="confirm" value="yes" required`)
		res = official.Submit(page+"/close", page+"/close", url.Values{"reason": {"Thôn đã họp và thống nhất."}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("close without the confirmation: %d, want 422", res.Status)
		}
		mustContain(t, res.Body, "Hãy đánh dấu ô xác nhận để tiếp tục.", ">Thôn đã họp và thống nhất.</textarea>")
		res = official.Submit(page+"/close", page+"/close", url.Values{"confirm": {"yes"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("early close without a reason: %d, want 422", res.Status)
		}
		mustContain(t, res.Body, "Thời gian lấy ý kiến đã công bố là đến hết ngày 05/01/2027; kết thúc sớm phải ghi lý do.")
		wantStatus(t, st, c.ID, domain.StatusOpen)
		res = official.Submit(page+"/close", page+"/close", url.Values{"confirm": {"yes"}, "reason": {"Thôn đã họp và thống nhất."}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != page {
			t.Fatalf("close: %d to %q", res.Status, res.Header.Get("Location"))
		}
		wantStatus(t, st, c.ID, domain.StatusClosed)

		// The staff page no longer claims the period the law asks for was given as planned.
		staff := official.Get(page).Body
		mustContain(t, staff, "Đã kết thúc lấy ý kiến.", "Đã kết thúc sớm lúc 10:15 02/01/2027, trước ngày cuối đã công bố (05/01/2027).",
			"Người dân có 31 ngày góp ý thay vì 35 ngày đã công bố.", "Vẫn đủ mức tối thiểu 30 ngày",
			"Lý do kết thúc sớm: Thôn đã họp và thống nhất.", "Đang lấy ý kiến → Đã kết thúc (lý do: Thôn đã họp và thống nhất.)")
		mustNotContain(t, staff, "35 ngày; luật yêu cầu tối thiểu 30 ngày")

		// The public page, the lists and the feed give the real end.
		visitor := env.NewBrowser(t)
		public := visitor.Get(fmt.Sprintf("/c/%d", c.ID)).Body
		mustContain(t, public, "đến khi kết thúc sớm lúc 10:15 02/01/2027", "đã công bố đến hết ngày 05/01/2027",
			"Lý do kết thúc sớm: Thôn đã họp và thống nhất.")
		mustNotContain(t, public, "đến hết ngày <strong>05/01/2027</strong>")
		for _, sheet := range []string{"notice", "form"} {
			mustContain(t, visitor.Get(fmt.Sprintf("/c/%d/%s", c.ID, sheet)).Body, "Đã kết thúc sớm lúc 10:15 02/01/2027. Lý do: Thôn đã họp và thống nhất.")
		}
		for _, list := range []string{"/", "/u/A1"} {
			body := visitor.Get(list).Body
			mustContain(t, body, "kết thúc sớm ngày 02/01/2027")
			mustNotContain(t, body, "góp ý đến hết ngày 05/01/2027")
		}
		mustContain(t, official.Get("/staff").Body, "01/12/2026 – kết thúc sớm ngày 02/01/2027")
		feed := visitor.Get("/feeds/consultations.atom").Body
		mustContain(t, feed, "Lấy ý kiến từ 01/12/2026, kết thúc sớm lúc 10:15 02/01/2027 (đã công bố đến hết ngày 05/01/2027). Lý do: Thôn đã họp và thống nhất.",
			"<updated>2027-01-02T03:15:00Z</updated>")

		// The consolidated report in its three forms.
		wantPeriod := "01/12/2026 – kết thúc sớm lúc 10:15 02/01/2027 (đã công bố đến hết ngày 05/01/2027)"
		mustContain(t, official.Get(page+"/report").Body, wantPeriod, "Thôn đã họp và thống nhất.")
		if _, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "agree", Body: "Gửi bằng giấy trước hạn."}, ""); err == nil {
			t.Fatal("an opinion was taken after the close")
		}
		offline, err := env.App.EnterOfflineOpinion(ctx, env.OfficialA, c.ID, app.NewOpinion{Stance: "agree", Body: "Ý kiến giấy nộp trước khi kết thúc.",
			Channel: "form", Reference: "Phiếu 1"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Moderate(ctx, env.ModeratorA, offline.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
			t.Fatal(err)
		}
		csvRes := official.Get(page + "/report.csv")
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvRes.Body, "\uFEFF"))).ReadAll()
		if err != nil || len(records) < 2 {
			t.Fatalf("report.csv: %v\n%s", err, csvRes.Body)
		}
		if h, r := records[0], records[1]; h[len(h)-1] != "Thời gian lấy ý kiến" || r[len(r)-1] != wantPeriod {
			t.Errorf("CSV period column %q: %q, want %q", h[len(h)-1], r[len(r)-1], wantPeriod)
		}
		f, err := excelize.OpenReader(strings.NewReader(official.Get(page + "/report.xlsx").Body))
		if err != nil {
			t.Fatal(err)
		}
		overview, err := f.GetRows(f.GetSheetList()[1])
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, fmt.Sprint(overview), "[Thời gian lấy ý kiến "+wantPeriod+"]", "[Lý do kết thúc sớm Thôn đã họp và thống nhất.]")

		// Oversight flags it, with the days given against the minimum.
		ov := official.Get("/staff/oversight").Body
		mustContain(t, ov, "Kết thúc lấy ý kiến sớm", "10:15 02/01/2027", "31/35 ngày đã công bố; tối thiểu 30 ngày", "Thôn đã họp và thống nhất.",
			"Kết thúc sớm lúc 10:15 02/01/2027 (đã công bố đến hết ngày 05/01/2027)")
		mustNotContain(t, ov, "Không có lần kết thúc sớm nào.")

		// Results published: the home page still gives the real end.
		if _, err := env.App.Answer(ctx, env.OfficialA, c.ID, app.NewResponse{OpinionIDs: []int64{offline.Opinion.ID}, Kind: "noted", Text: "Ghi nhận."}); err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.PublishResults(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		mustContain(t, visitor.Get("/").Body, "Đã công bố kết quả</span> · <span class=\"closed-early\">kết thúc sớm ngày 02/01/2027")
	})
}

// TestClosePageBoundaries walks the web form over the minimum for a consult matter (Law
// 10/2022 art. 28(2): 20 days), published before its first day: refused on day 20 until it
// is over, accepted with a reason from midnight after it.
func TestClosePageBoundaries(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		at := periodClock(t, env, "2026-11-30 15:00")
		_, official, page := publishedNow(t, env, app.NewConsultation{Title: "Kế hoạch làm đường", Kind: "plan", UnitCode: "A", Topic: 3},
			"2026-12-01", "2026-12-31")
		form := url.Values{"confirm": {"yes"}, "reason": {"Đã đủ ý kiến."}}

		at("2026-12-20 23:59") // 19 days
		res := official.Submit(page, page+"/close", form)
		if res.Status != http.StatusConflict {
			t.Fatalf("after 19 days: %d, want 409", res.Status)
		}
		mustContain(t, res.Body, "ít nhất 20 ngày (Luật Thực hiện dân chủ ở cơ sở 10/2022/QH15, Điều 28, khoản 2); đến nay mới được 19 ngày")
		at("2026-12-21 00:00") // 20 days
		if res := official.Submit(page, page+"/close", form); res.Status != http.StatusSeeOther {
			t.Fatalf("after 20 days: %d, want 303\n%s", res.Status, res.Body)
		}
		mustContain(t, official.Get(page).Body, "Người dân có 20 ngày góp ý thay vì 31 ngày đã công bố.", "Vẫn đủ mức tối thiểu 20 ngày")
	})
}

// TestWithdrawThroughPages: a published draft withdrawn with a reason says so on its page,
// leaves the lists and stops taking opinions, and oversight lists it; one never published
// stays hidden. Nothing happens without the ticked confirmation.
func TestWithdrawThroughPages(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		official := env.NewBrowser(t)
		official.Login(env.OfficialA.Email)
		page := fmt.Sprintf("/staff/consultations/%d", c.ID)
		visitor := env.NewBrowser(t)
		mustContain(t, visitor.Get("/").Body, c.Title)

		mustContain(t, official.Get(page).Body, `href="`+page+`/withdraw"`)
		confirm := official.Get(page + "/withdraw").Body
		mustContain(t, confirm, "Dự thảo ngừng nhận ý kiến ngay và rời khỏi danh sách dự thảo trên trang chủ.",
			"Trang giám sát liệt kê dự thảo đã rút cùng lý do.", "Không hoàn tác được")
		if res := official.Submit(page+"/withdraw", page+"/withdraw", url.Values{"reason": {"Sai số liệu."}}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("withdraw without the confirmation: %d, want 422", res.Status)
		}
		res := official.Submit(page+"/withdraw", page+"/withdraw", url.Values{"confirm": {"yes"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("withdraw without a reason: %d, want 422", res.Status)
		}
		mustContain(t, res.Body, "Rút dự thảo phải ghi lý do.")
		wantStatus(t, st, c.ID, domain.StatusOpen)
		res = official.Submit(page+"/withdraw", page+"/withdraw", url.Values{"confirm": {"yes"}, "reason": {"Dự thảo dùng số liệu dân số cũ."}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d\n%s", res.Status, res.Body)
		}
		wantStatus(t, st, c.ID, domain.StatusWithdrawn)
		mustContain(t, official.Get(page).Body, "Đã rút dự thảo.", "Lý do rút: Dự thảo dùng số liệu dân số cũ.")

		public := visitor.Get(fmt.Sprintf("/c/%d", c.ID))
		if public.Status != http.StatusOK {
			t.Fatalf("public page of a withdrawn draft: %d", public.Status)
		}
		mustContain(t, public.Body, "Đã rút", "Dự thảo này đã được rút ngày", "Lý do rút: Dự thảo dùng số liệu dân số cũ.")
		mustNotContain(t, public.Body, fmt.Sprintf(`href="/c/%d/comment`, c.ID))
		for _, list := range []string{"/", "/u/A", "/?q=huong+uoc"} {
			mustNotContain(t, visitor.Get(list).Body, c.Title)
		}
		if got := visitor.Get(fmt.Sprintf("/c/%d/comment", c.ID)); got.Status == http.StatusOK && strings.Contains(got.Body, `name="body"`) {
			t.Errorf("the comment form is still offered")
		}
		if _, err := env.App.SubmitOpinion(context.Background(), c.ID, app.NewOpinion{Stance: "agree", Body: "Vẫn góp ý."}, ""); !domain.IsCode(err, domain.CodeConflict) {
			t.Errorf("opinion on a withdrawn draft: %v, want a conflict", err)
		}

		// A draft never published: withdrawn, it stays out of sight.
		draft := newDraft(t, env, "Bản nháp bỏ đi")
		dpage := fmt.Sprintf("/staff/consultations/%d", draft.ID)
		mustContain(t, official.Get(dpage+"/withdraw").Body, "Dự thảo chưa công bố nên sẽ không bao giờ hiện công khai.")
		if res := official.Submit(dpage+"/withdraw", dpage+"/withdraw", url.Values{"confirm": {"yes"}, "reason": {"Không cần nữa."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("withdraw a draft: %d", res.Status)
		}
		if got := visitor.Get(fmt.Sprintf("/c/%d", draft.ID)).Status; got != http.StatusNotFound {
			t.Errorf("a withdrawn unpublished draft: %d, want 404", got)
		}

		// Oversight lists both, newest first, with their reasons.
		checkLines(t, "withdrawn", oversightTable(t, official.Get("/staff/oversight").Body, "Các dự thảo đã rút, mới nhất trước"), []string{
			fmt.Sprintf("Bản nháp bỏ đi / Xã An Bình | %s – %s | Chưa công bố | %s | Không cần nữa.",
				draft.OpensAt.In(domain.Zone).Format("02/01/2006"), draft.LastDay().Format("02/01/2006"), withdrawnAt(t, st, draft.ID)),
			fmt.Sprintf("%s / Xã An Bình | %s – %s | %s | %s | Dự thảo dùng số liệu dân số cũ.", c.Title,
				c.OpensAt.In(domain.Zone).Format("02/01/2006"), c.LastDay().Format("02/01/2006"),
				c.PublishedAt.In(domain.Zone).Format("02/01/2006"), withdrawnAt(t, st, c.ID)),
		})
	})
}

// TestConfirmationWithoutJavaScript: publishing is never one click. The staff page links
// to a plain HTML page that says what will happen; its form carries a checkbox, and a POST
// without it changes nothing.
func TestConfirmationWithoutJavaScript(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		draft := newDraft(t, env, "Bản nháp cần xác nhận")
		official := env.NewBrowser(t)
		official.Login(env.OfficialA.Email)
		page := fmt.Sprintf("/staff/consultations/%d", draft.ID)
		staff := official.Get(page).Body
		mustContain(t, staff, `<a class="button" href="`+page+`/publish">`)
		mustNotContain(t, staff, `action="`+page+`/publish"`, `action="`+page+`/close"`, `action="`+page+`/withdraw"`)
		confirm := official.Get(page + "/publish").Body
		mustContain(t, confirm, "Điều sẽ xảy ra", "luật yêu cầu tối thiểu 30 ngày, Nghị định 61/2023/NĐ-CP, Điều 9, khoản 1",
			`<form method="post" action="`+page+`/publish"`, `name="confirm" value="yes" required`)
		mustNotContain(t, confirm, "<script>")
		for _, v := range []url.Values{{}, {"confirm": {"no"}}} {
			if res := official.Submit(page+"/publish", page+"/publish", v); res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("publish with %v: %d, want 422", v, res.Status)
			}
			wantStatus(t, st, draft.ID, domain.StatusDraft)
		}
		if res := official.Submit(page+"/publish", page+"/publish", url.Values{"confirm": {"yes"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("confirmed publish: %d", res.Status)
		}
		wantStatus(t, st, draft.ID, domain.StatusOpen)
	})
}

func wantStatus(t *testing.T, st *store.Store, id int64, want domain.Status) {
	t.Helper()
	c, err := st.ConsultationByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != want {
		t.Fatalf("consultation %d is %s, want %s", id, c.Status, want)
	}
}

func withdrawnAt(t *testing.T, st *store.Store, id int64) string {
	t.Helper()
	c, err := st.ConsultationByID(context.Background(), id)
	if err != nil || c.WithdrawnAt == nil {
		t.Fatalf("consultation %d: %v, withdrawn at %v", id, err, c.WithdrawnAt)
	}
	return c.WithdrawnAt.In(domain.Zone).Format("15:04 02/01/2006")
}
