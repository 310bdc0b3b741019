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
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestWrongCodeAndMissingPageAreNoDeadEnds: a tracking code that finds nothing answers with
// the lookup form again, the code typed kept for correcting; a missing page says that it
// was not found, not that something went wrong.
func TestWrongCodeAndMissingPageAreNoDeadEnds(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		resident := env.NewBrowser(t)
		for _, path := range []string{"/track/7K3M9-QXP2D", "/track?code=7K3M9-QXP2D"} {
			res := resident.Get(path)
			if res.Status != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", path, res.Status)
			}
			mustContain(t, res.Body, `<form method="get" action="/track"`, `value="7K3M9-QXP2D"`, `aria-invalid="true"`,
				fieldError("code", "error.tracking_not_found"))
		}
		// A withdrawal posted with a code that finds nothing lands on the same form.
		res := resident.Submit("/login", "/track/7K3M9-QXP2D/withdraw", url.Values{"confirm": {"yes"}})
		if res.Status != http.StatusNotFound {
			t.Errorf("withdraw with a wrong code: %d", res.Status)
		}
		mustContain(t, res.Body, `<form method="get" action="/track"`, viMessage("error.tracking_not_found"))

		for _, path := range []string{"/c/999999", "/u/NOWHERE"} {
			res := resident.Get(path + "?lang=vi")
			if res.Status != http.StatusNotFound {
				t.Errorf("%s: status %d", path, res.Status)
			}
			mustContain(t, res.Body, "<h1>Không tìm thấy trang</h1>", "<title>Không tìm thấy trang")
			mustNotContain(t, res.Body, "Có lỗi xảy ra")
		}
		mustContain(t, resident.Get("/c/999999?lang=en").Body, "<h1>Page not found</h1>")
	})
}

// TestHomeListsOpenConsultationsFirst: a consultation taking opinions comes before newer
// ones that are closed or not yet open.
func TestHomeListsOpenConsultationsFirst(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		old := env.OpenedDaysAgo(t, 40, -1)
		if _, err := env.App.Close(ctx, env.OfficialA, old.ID, ""); err != nil {
			t.Fatal(err)
		}
		open := env.OpenedDaysAgo(t, 35, 5)
		opens, closes := domain.PeriodFromDates(time.Now().AddDate(0, 0, 3), time.Now().AddDate(0, 0, 40))
		later, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{
			Title: "Dự thảo quy ước sắp lấy ý kiến", Kind: "quy_uoc", UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Publish(ctx, env.OfficialA, later.ID); err != nil {
			t.Fatal(err)
		}
		// Newest period first would be: later, open, old. Open first: open, later, old.
		home := env.NewBrowser(t).Get("/").Body
		order := []string{fmt.Sprintf(`href="/c/%d"`, open.ID), fmt.Sprintf(`href="/c/%d"`, later.ID), fmt.Sprintf(`href="/c/%d"`, old.ID)}
		last := -1
		for _, want := range order {
			i := strings.Index(home, want)
			if i < 0 || i < last {
				t.Fatalf("home lists the consultations out of order; want %v: %s", order, home)
			}
			last = i
		}
	})
}

// TestRatingIsOneQuickClick: a rating sent at once after the page loads is no bot (with the
// opinion form's minimum time of 3 s configured); a second rating from the tracking page
// starts from the first one's score and comment; one rating is "1 rating".
func TestRatingIsOneQuickClick(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServerWith(t, st, func(c *config.Config) { c.MinFillTime = 3 * time.Second })
		c, codes := resultsWithCodes(t, env, "Dự thảo quy ước về vệ sinh")
		resident := env.NewBrowser(t)
		track := "/track/" + codes[0]
		res := resident.Submit(track, track+"/satisfaction", url.Values{"rating": {"4"}, "comment": {"Giải trình rõ ràng."}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("quick rating: %d %s", res.Status, res.Body)
		}
		again := resident.Get(track).Body
		mustContain(t, again, `value="4" checked`, "Giải trình rõ ràng.</textarea>")
		mustContain(t, resident.Get(fmt.Sprintf("/c/%d?lang=en", c.ID)).Body, "1 rating<")
		mustNotContain(t, resident.Get(fmt.Sprintf("/c/%d?lang=en", c.ID)).Body, "1 ratings")
		mustContain(t, resident.Get(fmt.Sprintf("/c/%d?lang=vi", c.ID)).Body, "1 lượt đánh giá")
		// The opinion form keeps its minimum time.
		open := env.OpenConsultation(t)
		page := fmt.Sprintf("/c/%d/comment", open.ID)
		res = resident.Submit(page, page, url.Values{"stance": {"agree"}, "body": {"Tôi đồng ý với dự thảo này."}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, viMessage("error.too_fast")) {
			t.Errorf("an opinion sent at once: %d", res.Status)
		}
	})
}

// TestWithdrawingAsksFirst: the withdrawal needs its confirmation ticked; without it nothing
// changes and the box is marked. Done, the result is the first thing on the page.
func TestWithdrawingAsksFirst(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		r, err := env.App.SubmitOpinion(context.Background(), c.ID, app.NewOpinion{Stance: "agree", Body: "Ý kiến tôi sẽ rút lại."}, "")
		if err != nil {
			t.Fatal(err)
		}
		resident := env.NewBrowser(t)
		track := "/track/" + r.Opinion.TrackingCode
		mustContain(t, resident.Get(track).Body, `name="confirm" value="yes" required`, viMessage("track.withdraw_confirm"))
		res := resident.Submit(track, track+"/withdraw", url.Values{})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("unconfirmed withdrawal: %d", res.Status)
		}
		mustContain(t, res.Body, fieldError("confirm", "track.withdraw_unconfirmed"), `aria-invalid="true"`)
		if o, _ := st.OpinionByCode(context.Background(), r.Opinion.TrackingCode); o.Status == domain.OpinionWithdrawn {
			t.Fatal("withdrawn without confirmation")
		}
		res = resident.Submit(track, track+"/withdraw", url.Values{"confirm": {"yes"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != track+"?done=withdrawn#done" {
			t.Fatalf("withdrawal: %d to %q", res.Status, res.Header.Get("Location"))
		}
		page := resident.Get(track + "?done=withdrawn").Body
		main := page[strings.Index(page, `<main id="main">`):]
		if !strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(main, `<main id="main">`)), `<p class="flash" role="status" id="done">`+viMessage("track.done.withdrawn")) {
			t.Errorf("the result is not at the top of the page: %.300s", main)
		}
	})
}

// TestResidentPagesSpeakPlainly: the feed links say what they are, the API link is in the
// footer and says it is for developers, the breadcrumb is no numbered list, and the English
// household form marks the draft's own text as Vietnamese.
func TestResidentPagesSpeakPlainly(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		resident := env.NewBrowser(t)
		unit := resident.Get("/u/A1?lang=vi").Body
		mustContain(t, unit, "Nhận tin khi có dự thảo mới (dùng ứng dụng đọc tin RSS, Atom)", `class="breadcrumb"><p>`,
			`<a href="/api/v1/openapi.json">API cho lập trình viên</a>`)
		mustNotContain(t, between(t, unit, `class="breadcrumb"`, "</nav>"), "<ol", "<li")
		if strings.Count(unit, "/api/v1/") != 1 || strings.Index(unit, "/api/v1/") < strings.Index(unit, `<footer`) {
			t.Error("the API is linked outside the footer")
		}
		form := resident.Get(fmt.Sprintf("/c/%d/form?lang=en", c.ID)).Body
		mustContain(t, form, `<p class="sheet-subject" lang="vi">`+c.Title, `<h2 class="form-chapter" lang="vi">`, `<h3 class="part-label" lang="vi">Điều 2. Vệ sinh môi trường</h3>`,
			`<p class="excerpt" lang="vi">`)
		mustNotContain(t, resident.Get(fmt.Sprintf("/c/%d/form?lang=vi", c.ID)).Body, `lang="vi">Điều`)
	})
}
