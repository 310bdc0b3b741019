package web_test

// Satisfaction (Law 10/2022 art. 35): residents rate a consultation once its results are
// published, commenters with their tracking code; the public sees the figures; the commune's
// figures reach the oversight view and an annual report in three formats.

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/detect"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// resultsWithCodes takes a new consultation of commune A to published results with two
// answered opinions on the draft as a whole, and returns their tracking codes.
func resultsWithCodes(t *testing.T, env *testutil.Env, title string) (*domain.Consultation, []string) {
	t.Helper()
	ctx := context.Background()
	c := newDraft(t, env, title)
	if _, err := env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	var codes []string
	for _, body := range []string{"Tôi đồng ý với dự thảo.", "Đề nghị họp thôn sớm hơn."} {
		r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "agree", Body: body}, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, approve()); err != nil {
			t.Fatal(err)
		}
		ids, codes = append(ids, r.Opinion.ID), append(codes, r.Opinion.TrackingCode)
	}
	env.CloseAtEnd(t, env.OfficialA, c)
	if _, err := env.App.Answer(ctx, env.OfficialA, c.ID, app.NewResponse{OpinionIDs: ids, Kind: "noted", Text: "Xin ghi nhận."}); err != nil {
		t.Fatal(err)
	}
	c, err := env.App.PublishResults(ctx, env.OfficialA, c.ID)
	if err != nil {
		t.Fatalf("publish results: %v", err)
	}
	return c, codes
}

// storedRating is a rating as the database holds it.
type storedRating struct {
	Rating                 int
	Comment, CommentPublic string
	Code                   string // of the linked opinion, "" for none
}

func storedRatings(t *testing.T, st *store.Store, consultationID int64) []storedRating {
	t.Helper()
	rows, err := st.SQLDB().QueryContext(context.Background(), fmt.Sprintf(`
		SELECT r.rating, r.comment, r.comment_public, COALESCE(o.tracking_code, '')
		FROM satisfaction_ratings r LEFT JOIN opinions o ON o.id = r.opinion_id
		WHERE r.consultation_id = %d ORDER BY r.id`, consultationID))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedRating
	for rows.Next() {
		var r storedRating
		if err := rows.Scan(&r.Rating, &r.Comment, &r.CommentPublic, &r.Code); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestSatisfactionRatings(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		resident := env.NewBrowser(t)

		// Before the results: no form, and a rating sent anyway is refused with the reason,
		// from the consultation page and from a commenter's tracking page alike.
		open := env.OpenConsultation(t)
		early, err := env.App.SubmitOpinion(ctx, open.ID, app.NewOpinion{Stance: "agree", Body: "Góp ý sớm."}, "")
		if err != nil {
			t.Fatal(err)
		}
		if page := resident.Get(fmt.Sprintf("/c/%d", open.ID)).Body; strings.Contains(page, "/satisfaction") {
			t.Error("an open consultation offers the satisfaction form")
		}
		if page := resident.Get("/track/" + early.Opinion.TrackingCode).Body; strings.Contains(page, "/satisfaction") {
			t.Error("the tracking page of an open consultation offers the satisfaction form")
		}
		for _, action := range []string{fmt.Sprintf("/c/%d/satisfaction", open.ID), "/track/" + early.Opinion.TrackingCode + "/satisfaction"} {
			res := resident.Submit("/login", action, url.Values{"rating": {"5"}})
			if res.Status != http.StatusConflict {
				t.Errorf("%s before results: status %d, want 409", action, res.Status)
			}
			mustContain(t, res.Body, viMessage("error.rating_before_results"))
		}
		if n := countRows(t, st, "satisfaction_ratings", "1 = 1"); n != 0 {
			t.Fatalf("%d ratings stored before results", n)
		}

		c, codes := resultsWithCodes(t, env, "Dự thảo quy ước về vệ sinh")
		page := fmt.Sprintf("/c/%d", c.ID)
		action := page + "/satisfaction"
		body := resident.Get(page).Body
		mustContain(t, body, `action="`+action+`"`, viMessage("satisfaction.none"), viMessage("satisfaction.question"),
			`name="started"`, `name="website"`)
		for score := 1; score <= 5; score++ {
			mustContain(t, body, fmt.Sprintf(`value="%d"`, score), viMessage(fmt.Sprintf("satisfaction.score.%d", score)))
		}

		// A rating is a score: none is refused at the field, the comment kept.
		res := resident.Submit(page, action, url.Values{"comment": {"Họp thôn rất rõ ràng."}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("no score: status %d", res.Status)
		}
		mustContain(t, res.Body, fieldError("rating", "validation.rating"), "Họp thôn rất rõ ràng.</textarea>")
		// A bot filling the hidden field is refused.
		res = resident.Submit(page, action, url.Values{"rating": {"1"}, "website": {"http://spam.example"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("honeypot: status %d", res.Status)
		}
		mustContain(t, res.Body, viMessage("error.bot"))
		if n := len(storedRatings(t, st, c.ID)); n != 0 {
			t.Fatalf("%d ratings stored by refused forms", n)
		}

		// Anonymous visitors rate; a phone number in the comment is masked for reports.
		res = resident.Submit(page, action, url.Values{"rating": {"4"}, "comment": {"Cán bộ giải trình rõ. Gọi tôi 0912 345 678."}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != page+"?rated=saved#satisfaction" {
			t.Fatalf("anonymous rating: status %d, location %q", res.Status, res.Header.Get("Location"))
		}
		mustContain(t, resident.Get(page+"?rated=saved").Body, viMessage("satisfaction.done.saved"),
			viMessage("satisfaction.average", "4,0"), viMessage("satisfaction.count", "1"))
		if res := resident.Submit(page, action, url.Values{"rating": {"5"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("second anonymous rating: status %d", res.Status)
		}

		// With a tracking code (typed loosely), the rating is the commenter's; a second one
		// with the same code replaces the first.
		loose := strings.ToLower(strings.ReplaceAll(codes[0], "-", " "))
		res = resident.Submit(page, action, url.Values{"rating": {"5"}, "tracking_code": {loose}})
		if res.Status != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "rated=saved") {
			t.Fatalf("rating with a code: status %d, location %q", res.Status, res.Header.Get("Location"))
		}
		res = resident.Submit(page, action, url.Values{"rating": {"4"}, "tracking_code": {codes[0]}})
		if res.Status != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "rated=replaced") {
			t.Fatalf("second rating with the code: status %d, location %q", res.Status, res.Header.Get("Location"))
		}
		mustContain(t, resident.Get(page+"?rated=replaced").Body, viMessage("satisfaction.done.replaced"))
		// A code of another consultation, or no code at all, is refused at the field.
		for _, code := range []string{early.Opinion.TrackingCode, "KHONG-CO-MA"} {
			res = resident.Submit(page, action, url.Values{"rating": {"5"}, "tracking_code": {code}})
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("code %q: status %d", code, res.Status)
			}
			mustContain(t, res.Body, fieldError("tracking_code", "validation.rating_code"), `value="`+code+`"`)
		}
		want := []storedRating{
			{Rating: 4, Comment: "Cán bộ giải trình rõ. Gọi tôi 0912 345 678.", CommentPublic: detect.Mask("Cán bộ giải trình rõ. Gọi tôi 0912 345 678.")},
			{Rating: 5},
			{Rating: 4, Code: codes[0]},
		}
		if got := storedRatings(t, st, c.ID); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("stored ratings\n%+v\nwant\n%+v", got, want)
		}
		if strings.Contains(want[0].CommentPublic, "0912") {
			t.Fatalf("the public comment keeps the phone number: %q", want[0].CommentPublic)
		}

		// The public figures: 4, 5 and 4 average 4,3 (4.3 in English), with the distribution.
		body = env.NewBrowser(t).Get(page).Body
		mustContain(t, body, viMessage("satisfaction.average", "4,3"), viMessage("satisfaction.count", "3"),
			`<th scope="row">5 · `+viMessage("satisfaction.score.5")+`</th><td class="num">1</td>`,
			`<th scope="row">4 · `+viMessage("satisfaction.score.4")+`</th><td class="num">2</td>`, "66,7%", "33,3%")
		if strings.Contains(body, "0912") || strings.Contains(body, "Cán bộ giải trình rõ") {
			t.Error("the consultation page shows rating comments")
		}
		mustContain(t, env.NewBrowser(t).Get(page+"?lang=en").Body, "Average score 4.3/5")

		// On the tracking page the commenter sees their score and can change it, without
		// typing the code again.
		commenter := env.NewBrowser(t)
		track := "/track/" + codes[0]
		body = commenter.Get(track).Body
		mustContain(t, body, `action="`+track+`/satisfaction"`, viMessage("satisfaction.previous", 4), `value="4" checked`)
		if strings.Contains(body, `name="tracking_code"`) {
			t.Error("the tracking page asks for the code it already has")
		}
		res = commenter.Submit(track, track+"/satisfaction", url.Values{"rating": {"2"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != track+"?done=rerated" {
			t.Fatalf("rating again from the tracking page: status %d, location %q", res.Status, res.Header.Get("Location"))
		}
		mustContain(t, commenter.Get(track+"?done=rerated").Body, viMessage("track.done.rerated"), `value="2" checked`)
		res = commenter.Submit("/track/"+codes[1], "/track/"+codes[1]+"/satisfaction", url.Values{"rating": {"3"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/track/"+codes[1]+"?done=rated" {
			t.Fatalf("first rating from the tracking page: status %d, location %q", res.Status, res.Header.Get("Location"))
		}
		res = commenter.Submit("/track/"+codes[1], "/track/"+codes[1]+"/satisfaction", url.Values{"rating": {"9"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("score 9: status %d", res.Status)
		}
		mustContain(t, res.Body, fieldError("rating", "validation.rating"))
		got := storedRatings(t, st, c.ID)
		if len(got) != 4 || got[2].Rating != 2 || got[2].Code != codes[0] || got[3].Rating != 3 || got[3].Code != codes[1] {
			t.Fatalf("after the tracking page: %+v", got)
		}
		// 4, 5, 2, 3: 3,5.
		mustContain(t, env.NewBrowser(t).Get(page).Body, viMessage("satisfaction.average", "3,5"), viMessage("satisfaction.count", "4"))
	})
}

// TestAnonymousRatingsAreThrottled limits anonymous ratings per address with the opinion
// limiter's allowance, counted apart from opinions.
func TestAnonymousRatingsAreThrottled(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServerWith(t, st, func(c *config.Config) { c.OpinionsPerHour = 2 })
		c, _ := resultsWithCodes(t, env, "Dự thảo quy ước về an ninh")
		b := env.NewBrowser(t)
		page := fmt.Sprintf("/c/%d", c.ID)
		for i, want := range []int{http.StatusSeeOther, http.StatusSeeOther, http.StatusTooManyRequests} {
			res := b.Submit(page, page+"/satisfaction", url.Values{"rating": {"3"}})
			if res.Status != want {
				t.Fatalf("rating %d: status %d, want %d", i+1, res.Status, want)
			}
			if want == http.StatusTooManyRequests && res.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}
		if n := len(storedRatings(t, st, c.ID)); n != 2 {
			t.Errorf("%d ratings stored, want 2", n)
		}
	})
}

// annualRows reads a CSV export without its byte-order mark.
func annualCSV(t *testing.T, res *testutil.Response) [][]string {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("CSV: status %d", res.Status)
	}
	body, ok := strings.CutPrefix(res.Body, "\uFEFF")
	if !ok {
		t.Error("the CSV has no byte-order mark")
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// trimRows drops the empty cells at the end of each row, which XLSX readers leave out.
func trimRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		for len(r) > 0 && r[len(r)-1] == "" {
			r = r[:len(r)-1]
		}
		out[i] = r
	}
	return out
}

// TestAnnualSatisfactionReport rates the consultations of testutil.SeedOversight and checks
// commune A's report for 2026 against figures counted by hand, on the page, in the CSV and
// in the XLSX, and the communes' figures in the oversight view.
//
//	OnTimeA   1–30 Oct, results after 3 working days; 3 opinions, 200 households: 1,5;
//	          rated 5, 4, 2, 4: 4 ratings, 15/4 = 3,75 → 3,8; by score 0 1 0 2 1.
//	OverdueA  13 Oct–12 Nov, no results yet; 1 opinion: 0,5; no ratings.
//	Year      4 opinions on 400 households: 1,0; results 3,0 working days on average.
//	LateB     commune B, rated 1: in B's figures, never in A's report.
func TestAnnualSatisfactionReport(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		set := testutil.SeedOversight(t, env.Fixture)
		resident := env.NewBrowser(t)
		rate := func(c *domain.Consultation, score, comment string) {
			t.Helper()
			page := fmt.Sprintf("/c/%d", c.ID)
			if res := resident.Submit(page, page+"/satisfaction", url.Values{"rating": {score}, "comment": {comment}}); res.Status != http.StatusSeeOther {
				t.Fatalf("rate %q %s: status %d", c.Title, score, res.Status)
			}
		}
		phone := "Họp thôn báo muộn, gọi tôi 0912 345 678."
		formula := "=SUM(1;2) thử công thức"
		rate(set.OnTimeA, "5", "Cán bộ xã giải trình rõ ràng.")
		rate(set.OnTimeA, "4", "")
		rate(set.OnTimeA, "2", phone)
		rate(set.OnTimeA, "4", formula)
		rate(set.LateB, "1", "Kết quả công bố quá muộn.")

		header := make([]string, 0, 16)
		for _, k := range []string{"consultation", "unit", "period", "stage", "opinions", "households", "participation", "days",
			"ratings", "average", "score1", "score2", "score3", "score4", "score5", "comments"} {
			header = append(header, i18n.T(i18n.VI, "annual.col."+k))
		}
		masked := detect.Mask(phone)
		comments := "5/5: Cán bộ xã giải trình rõ ràng.\n\n2/5: " + masked + "\n\n4/5: " + formula
		wantCSV := [][]string{
			header,
			{"Kế hoạch chỉnh trang chợ xã", "Xã An Bình", "01/10/2026 – kết thúc sớm ngày 30/10/2026", i18n.T(i18n.VI, "phase.results"), // closed at 16:00 on its last day
				"3", "200", "1,5", "3", "4", "3,8", "0", "1", "0", "2", "1", comments},
			{"Dự thảo hương ước Thôn Hai", "Xã An Bình", "13/10/2026 – 12/11/2026", i18n.T(i18n.VI, "phase.ended"),
				"1", "200", "0,5", "", "0", "", "0", "0", "0", "0", "0", ""},
			{"Cả năm 2026 (2 cuộc)", "", "", "", "4", "400", "1,0", "3,0", "4", "3,8", "0", "1", "0", "2", "1", ""},
		}
		observer := env.NewBrowser(t)
		observer.Login(env.ObserverA.Email)
		res := observer.Get("/staff/satisfaction.csv?unit=A&year=2026")
		checkAttachment(t, res, "csv", "text/csv; charset=utf-8")
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "danh-gia-hai-long-xa-an-binh-2026.csv") {
			t.Errorf("Content-Disposition %q", cd)
		}
		checkRows(t, "CSV", annualCSV(t, res), wantCSV)
		if strings.Contains(res.Body, "0912") || strings.Contains(res.Body, "Bản Nà") || strings.Contains(res.Body, "Quy hoạch sử dụng đất") {
			t.Error("the CSV shows a phone number, or another commune's or the province's consultation")
		}

		res = observer.Get("/staff/satisfaction.xlsx?unit=A&year=2026")
		checkAttachment(t, res, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
		if err != nil {
			t.Fatalf("open XLSX: %v", err)
		}
		defer f.Close()
		sheet := i18n.T(i18n.VI, "annual.sheet.consultations")
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("sheet %q: %v", sheet, err)
		}
		// Numbers are numbers in the workbook: 1.5 shown as 1,5 by a Vietnamese Excel.
		wantXLSX := [][]string{
			header,
			{"Kế hoạch chỉnh trang chợ xã", "Xã An Bình", "01/10/2026 – kết thúc sớm ngày 30/10/2026", i18n.T(i18n.VI, "phase.results"), // closed at 16:00 on its last day
				"3", "200", "1.5", "3", "4", "3.8", "0", "1", "0", "2", "1", comments},
			{"Dự thảo hương ước Thôn Hai", "Xã An Bình", "13/10/2026 – 12/11/2026", i18n.T(i18n.VI, "phase.ended"),
				"1", "200", "0.5", "", "0", "", "0", "0", "0", "0", "0"},
			{"Cả năm 2026 (2 cuộc)", "", "", "", "4", "400", "1", "3", "4", "3.8", "0", "1", "0", "2", "1"},
		}
		checkRows(t, "XLSX", trimRows(rows), trimRows(wantXLSX))
		rows, err = f.GetRows(i18n.T(i18n.VI, "annual.sheet.comments"))
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, "XLSX comments", rows, [][]string{
			{i18n.T(i18n.VI, "annual.col.consultation"), i18n.T(i18n.VI, "annual.col.score"), i18n.T(i18n.VI, "annual.col.comment")},
			{"Kế hoạch chỉnh trang chợ xã", "5", "Cán bộ xã giải trình rõ ràng."},
			{"Kế hoạch chỉnh trang chợ xã", "2", masked},
			{"Kế hoạch chỉnh trang chợ xã", "4", formula}, // as written, marked as text below
		})
		// A formula is never a formula: its cell's format carries Excel's quote prefix.
		if id, err := f.GetCellStyle(i18n.T(i18n.VI, "annual.sheet.comments"), "C4"); err != nil ||
			f.Styles.CellXfs.Xf[id].QuotePrefix == nil || !*f.Styles.CellXfs.Xf[id].QuotePrefix {
			t.Errorf("the comment %q is not marked as text (%v)", formula, err)
		}

		// The page, for the only commune the observer oversees, without choosing it.
		page := observer.Get("/staff/satisfaction?year=2026")
		if page.Status != http.StatusOK {
			t.Fatalf("page: status %d", page.Status)
		}
		mustContain(t, page.Body, "Kế hoạch chỉnh trang chợ xã", "Dự thảo hương ước Thôn Hai", "1,5", "0,5", "3,8",
			"Cả năm 2026 (2 cuộc)", "<td class=\"num\" data-label=\""+viMessage("annual.col.participation")+"\">1,0</td>",
			"Cán bộ xã giải trình rõ ràng.", viMessage("annual.csv"), "/staff/satisfaction.xlsx?unit=A&amp;year=2026")
		for _, absent := range []string{"0912", "Bản Nà", "Quy hoạch sử dụng đất"} {
			if strings.Contains(page.Body, absent) {
				t.Errorf("the page shows %q", absent)
			}
		}
		mustContain(t, observer.Get("/staff/satisfaction?unit=A&year=2025").Body, viMessage("annual.none", 2025))
		for q, field := range map[string]string{"unit=P&year=2026": "unit", "unit=A&year=hai": "year"} {
			admin := env.NewBrowser(t)
			admin.Login(env.Admin.Email)
			res := admin.Get("/staff/satisfaction?" + q)
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", q, res.Status)
			}
			key := map[string]string{"unit": "validation.annual_commune", "year": "validation.year"}[field]
			mustContain(t, res.Body, fieldError(field, key))
		}
		otherOfficial := env.NewBrowser(t)
		otherOfficial.Login(env.OfficialB.Email)
		for _, p := range []string{"/staff/satisfaction?unit=A&year=2026", "/staff/satisfaction.csv?unit=A&year=2026"} {
			if res := otherOfficial.Get(p); res.Status != http.StatusForbidden || strings.Contains(res.Body, "3,8") {
				t.Errorf("official of commune B, %s: status %d", p, res.Status)
			}
		}

		// Oversight: each commune with its ratings and the way to its report.
		admin := env.NewBrowser(t)
		admin.Login(env.Admin.Email)
		body := admin.Get("/staff/oversight").Body
		mustContain(t, body,
			viMessage("satisfaction.oversight_label")+": "+viMessage("satisfaction.oversight", "4", "3,8"),
			viMessage("satisfaction.oversight_label")+": "+viMessage("satisfaction.oversight", "1", "1,0"),
			`href="/staff/satisfaction?unit=A&amp;year=2026"`, `href="/staff/satisfaction?unit=B&amp;year=2026"`)
		body = observer.Get("/staff/oversight").Body
		mustContain(t, body, viMessage("satisfaction.oversight", "4", "3,8"))
		if strings.Contains(body, viMessage("satisfaction.oversight", "1", "1,0")) {
			t.Error("the observer of commune A sees commune B's ratings")
		}
	})
}
