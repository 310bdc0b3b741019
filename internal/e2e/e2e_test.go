package e2e

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// trackingCodeRE is a tracking code as shown: two groups of five Crockford base-32
// characters (no I, L, O or U).
var trackingCodeRE = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$`)

// residentText has an ampersand, a less-than sign and an em dash: it must come back exactly
// as typed, escaped once, neither stripped nor double-escaped.
const residentText = "Tôi & bạn <3 — đề nghị cho phép hai ngày"

const (
	article5     = "Điều 5. Việc cưới"
	article5Link = "Góp ý điều này"
)

// TestResidentCommentsOnPhone is the resident's whole path on a 360 px phone: find the
// draft, read article 5, comment on it, get a tracking code and look it up.
func TestResidentCommentsOnPhone(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		residentComments(t, newTab(t, browser, env.URL), c)
	})
}

// TestResidentCommentsWithoutJavaScript repeats the resident's path with scripts off: the
// portal must not need JavaScript (old phones, data savers, proxy browsers).
func TestResidentCommentsWithoutJavaScript(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		tb := newTab(t, browser, env.URL)
		tb.disableScripts()
		residentComments(t, tb, c)
	})
}

// residentComments walks the resident's path in a tab and checks every page on the way.
func residentComments(t *testing.T, tb *tab, c *domain.Consultation) {
	t.Helper()
	tb.open("/")
	tb.checkPhone("home")
	card := chromedp.Search(`//li[contains(concat(" ", @class, " "), " card ")]//a[normalize-space()=` + xpathText(c.Title) + `]`)
	res := tb.follow(chromedp.Tap(card), "tap the consultation card")
	tb.wantStatus(res, 200, "consultation page")
	if got, want := tb.path(res), fmt.Sprintf("/c/%d", c.ID); got != want {
		t.Fatalf("the card led to %s, want %s", got, want)
	}
	tb.do(chromedp.WaitVisible(byText("h3", article5)))
	tb.checkPhone("consultation")
	// The read-aloud buttons are made by the script: one after the heading of each of the
	// draft's three articles, and none at all without JavaScript.
	readers := eval[int](tb, `[...document.querySelectorAll('section.section h3')]
		.filter(h => h.nextElementSibling && h.nextElementSibling.matches('button.read-aloud')).length`)
	if want := map[bool]int{false: 3, true: 0}[tb.scriptsOff]; readers != want || tb.count("button.read-aloud") != want {
		t.Errorf("%d read-aloud buttons after article headings (%d in all), want %d (scripts off: %v)",
			readers, tb.count("button.read-aloud"), want, tb.scriptsOff)
	}

	link := chromedp.Search(`//section[h3[normalize-space()=` + xpathText(article5) + `]]//a[normalize-space()=` + xpathText(article5Link) + `]`)
	res = tb.follow(chromedp.Tap(link), "tap "+article5Link)
	tb.wantStatus(res, 200, "comment form")
	art5 := testutil.Section(t, c, "c2.d5")
	if got, want := tb.path(res), fmt.Sprintf("/c/%d/comment?section=%d", c.ID, art5.ID); got != want {
		t.Fatalf("the article's link led to %s, want %s", got, want)
	}
	if got := textOf(tb, chromedp.CSS(".quote strong")); got != article5 {
		t.Errorf("the form quotes %q, want the article %q", got, article5)
	}

	// Sent empty by mistake: refused in Vietnamese, every message tied to its field and
	// linked from the summary, and the form still about article 5.
	res = tb.follow(chromedp.Tap(byText("button", "Gửi ý kiến")), "send the empty form")
	if res.Status != 422 {
		t.Errorf("empty opinion: status %d, want 422", res.Status)
	}
	for field, describedBy := range map[string]string{"#f-stance": "e-stance", "#f-body": "e-body"} {
		got := get(tb, chromedp.AttributeValue(chromedp.CSS(field), "aria-describedby"), "aria-describedby of "+field)
		if got.Value != describedBy {
			t.Errorf("empty opinion: %s is described by %q, want %q", field, got.Value, describedBy)
		}
		if msg := textOf(tb, chromedp.CSS("#"+describedBy)); msg != "Vui lòng nhập thông tin này." {
			t.Errorf("empty opinion: #%s says %q", describedBy, msg)
		}
	}
	if got := textOf(tb, chromedp.CSS(".quote strong")); got != article5 {
		t.Errorf("the refused form quotes %q, want the article %q", got, article5)
	}
	checkErrorLinks(tb, "empty opinion")
	tb.checkPhone("comment-form-error")

	tb.do(chromedp.Tap(byText("label", "Không đồng ý")))
	if !eval[bool](tb, `document.querySelector('input[name=stance][value=disagree]').checked`) {
		t.Fatal(`tapping the label "Không đồng ý" did not choose it`)
	}
	tb.do(chromedp.SendKeys(chromedp.CSS("#f-body"), residentText))
	village := get(tb, chromedp.AttributeValue(byText("option", "Thôn Một"), "value"), "village option")
	if !village.Exists {
		t.Fatal(`the option "Thôn Một" has no value`)
	}
	tb.do(chromedp.SetValue(chromedp.CSS("#f-village_code"), village.Value))
	if got := eval[string](tb, `(s => s.options[s.selectedIndex].text)(document.querySelector('#f-village_code'))`); got != "Thôn Một" {
		t.Fatalf("village shows %q after choosing Thôn Một", got)
	}
	tb.checkPhone("comment-form")

	res = tb.follow(chromedp.Tap(byText("button", "Gửi ý kiến")), "submit the opinion")
	tb.wantStatus(res, 200, "receipt")
	if p := tb.path(res); !strings.HasPrefix(p, "/track/") || !strings.HasSuffix(p, "?new=1") {
		t.Fatalf("after submitting the browser is at %s, want the receipt /track/<code>?new=1", p)
	}
	code := textOf(tb, chromedp.CSS("#code"))
	if !trackingCodeRE.MatchString(code) {
		t.Fatalf("receipt shows tracking code %q, want %s", code, trackingCodeRE)
	}
	if got := textOf(tb, byText("h1", "Cảm ơn bạn đã góp ý!")); got == "" {
		t.Error("the receipt does not thank the resident")
	}
	if want := map[bool]int{false: 1, true: 0}[tb.scriptsOff]; tb.count("button.copy-code") != want {
		t.Errorf("%d copy buttons on the receipt, want %d (scripts off: %v)", tb.count("button.copy-code"), want, tb.scriptsOff)
	}
	tb.checkPhone("receipt")

	tb.open("/track")
	tb.checkPhone("track-form")
	typed := strings.ToLower(strings.ReplaceAll(code, "-", ""))
	tb.do(chromedp.SendKeys(chromedp.CSS("#f-code"), typed))
	res = tb.follow(chromedp.Tap(byText("button", "Tra cứu")), "look up "+typed)
	tb.wantStatus(res, 200, "track "+typed)
	if got := textOf(tb, factValue("Trạng thái")); got != "Đang chờ kiểm duyệt" {
		t.Errorf("status %q, want %q", got, "Đang chờ kiểm duyệt")
	}
	if got := textOf(tb, factValue("Nội dung góp ý")); got != article5 {
		t.Errorf("tracked opinion is about %q, want %q", got, article5)
	}
	if got := textOf(tb, factValue("Ý kiến")); got != "Không đồng ý" {
		t.Errorf("tracked stance %q, want Không đồng ý", got)
	}
	if got := textContentOf(tb, chromedp.CSS("p.text.quote")); got != residentText {
		t.Errorf("tracked body %q, want exactly %q", got, residentText)
	}
	if !strings.Contains(textOf(tb, chromedp.CSS("h1")), code) {
		t.Errorf("the track page heading does not show the code %s", code)
	}
	tb.checkPhone("track")
}

// factValue selects the value of a row of the facts list on the track page.
func factValue(term string) chromedp.Search {
	return chromedp.Search(`//dl[contains(@class,"facts")]/div[dt[normalize-space()=` + xpathText(term) + `]]/dd`)
}

// login signs a staff member in through the login form; it must land on /staff.
func login(tb *tab, email string) {
	tb.t.Helper()
	tb.open("/login")
	tb.do(
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testutil.Password),
	)
	res := tb.follow(chromedp.Click(byText("button", "Đăng nhập")), "log in "+email)
	tb.wantStatus(res, 200, "after login")
	if got := tb.path(res); got != "/staff" {
		tb.t.Fatalf("login of %s landed on %s, want /staff", email, got)
	}
}

func dayString(plusDays int) string {
	return domain.StartOfDay(time.Now()).AddDate(0, 0, plusDays).Format(time.DateOnly)
}

// TestOfficialCreatesAndPublishes is the official's path: paste a draft, check how it was
// split, publish it; and a period shorter than the law allows is refused on the form.
func TestOfficialCreatesAndPublishes(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		tb := newTab(t, browser, env.URL)
		login(tb, "official.a@example.vn")
		tb.checkPhone("staff-home")

		const title = "Dự thảo hương ước Thôn Hai (sửa đổi)"
		res := tb.follow(chromedp.Tap(byText("a", "Tạo dự thảo lấy ý kiến")), "open the new-consultation form")
		tb.wantStatus(res, 200, "new consultation form")
		if got := tb.path(res); got != "/staff/consultations/new" {
			t.Fatalf("the button led to %s", got)
		}
		fillConsultation(tb, title, dayString(0), dayString(35))
		tb.checkPhone("new-consultation")
		res = tb.follow(chromedp.Click(byText("button", "Lưu bản nháp")), "save the draft")
		tb.wantStatus(res, 200, "staff consultation page")
		if !regexp.MustCompile(`^/staff/consultations/\d+$`).MatchString(tb.path(res)) {
			t.Fatalf("saving led to %s, want /staff/consultations/<id>", tb.path(res))
		}
		if got := textOf(tb, chromedp.CSS("h1")); got != title {
			t.Errorf("staff page title %q, want %q", got, title)
		}
		for _, h := range []string{"Chương I. QUY ĐỊNH CHUNG", "Điều 1. Phạm vi", "Điều 2. Vệ sinh môi trường", article5} {
			tb.do(chromedp.WaitVisible(chromedp.Search(`//ol[contains(@class,"outline")]//strong[normalize-space()=` + xpathText(h) + `]`)))
		}
		if got := textOf(tb, chromedp.CSS("span.badge")); got != "Bản nháp" {
			t.Errorf("new consultation shows %q, want Bản nháp", got)
		}
		tb.checkPhone("staff-consultation")

		// Publishing asks for a confirmation on a page of its own: the consequences, then a
		// checkbox the official ticks before the button does anything.
		res = tb.follow(chromedp.Click(byText("a", "Công bố, bắt đầu lấy ý kiến")), "open the publication page")
		tb.wantStatus(res, 200, "publication page")
		if !regexp.MustCompile(`^/staff/consultations/\d+/publish$`).MatchString(tb.path(res)) {
			t.Fatalf("the publish link led to %s", tb.path(res))
		}
		tb.checkPhone("confirm-publish")
		tb.do(chromedp.Click(chromedp.CSS("#f-confirm")))
		res = tb.follow(chromedp.Click(byText("button", "Công bố dự thảo")), "publish")
		tb.wantStatus(res, 200, "after publishing")
		if got := textOf(tb, chromedp.CSS("span.badge")); got != "Đang lấy ý kiến" {
			t.Errorf("after publishing the status is %q, want Đang lấy ý kiến", got)
		}
		if got := textOf(tb, chromedp.CSS("p.flash")); !strings.Contains(got, "Đã công bố dự thảo") {
			t.Errorf("flash %q, want the publication confirmed", got)
		}
		if n := tb.count(`form[action$="/publish"]`); n != 0 {
			t.Errorf("the publish button is still offered after publishing")
		}
		tb.checkPhone("staff-consultation-open")
		// Closing the day it was published: the page explains the legal minimum and offers
		// no form.
		res = tb.follow(chromedp.Click(byText("a", "Kết thúc lấy ý kiến")), "open the close page")
		tb.wantStatus(res, 200, "close page")
		if msg := textOf(tb, chromedp.CSS(".notice")); !strings.Contains(msg, "Nghị định 61/2023/NĐ-CP, Điều 9, khoản 1") {
			t.Errorf("closing on the day of publication: %q does not name the rule", msg)
		}
		if n := tb.count(`input[name="confirm"]`); n != 0 {
			t.Errorf("the close page offers its form before the legal minimum has run")
		}
		tb.checkPhone("confirm-close-refused")

		// Dates the wrong way round: refused in Vietnamese, the input kept, every message
		// once and pointing at a field of the form.
		const reversed = "Dự thảo hương ước ngày đảo ngược"
		tb.open("/staff/consultations/new")
		fillConsultation(tb, reversed, dayString(5), dayString(1))
		res = tb.follow(chromedp.Click(byText("button", "Lưu bản nháp")), "save reversed dates")
		if res.Status != 422 || tb.path(res) != "/staff/consultations" {
			t.Errorf("reversed dates: status %d at %s, want 422 with the form again", res.Status, tb.path(res))
		}
		if msg := textOf(tb, chromedp.CSS(".error-summary")); !strings.Contains(msg, "Ngày kết thúc phải sau ngày bắt đầu") {
			t.Errorf("reversed dates: message %q", msg)
		}
		if got := textOf(tb, chromedp.CSS("#e-last_day")); !strings.Contains(got, "Ngày kết thúc phải sau ngày bắt đầu") {
			t.Errorf("reversed dates: the last-day field says %q", got)
		}
		if got := get(tb, chromedp.Value(chromedp.CSS("#f-title")), "title field"); got != reversed {
			t.Errorf("reversed dates: title %q kept, want %q", got, reversed)
		}
		checkErrorLinks(tb, "reversed dates")
		tb.checkPhone("reversed-dates-refused")

		// Another draft with only ten calendar days: a hương ước must be posted for 30 days,
		// and as a draft's dates cannot be edited, the form itself must refuse the period.
		const short = "Dự thảo hương ước lấy ý kiến 10 ngày"
		tb.open("/staff/consultations/new")
		fillConsultation(tb, short, dayString(0), dayString(9))
		res = tb.follow(chromedp.Click(byText("button", "Lưu bản nháp")), "save a 10-day draft")
		if res.Status >= 200 && res.Status < 300 && tb.path(res) != "/staff/consultations" {
			// The form saved a draft the law forbids publishing. Follow it to where the
			// refusal does come, so the failure says exactly what the official meets.
			t.Errorf("a %s-to-%s (10-day) hương ước was saved (status %d, now at %s) instead of refused on the form "+
				"with the 30-day minimum; the draft cannot be edited, so it can never be published",
				dayString(0), dayString(9), res.Status, tb.path(res))
			res = tb.follow(chromedp.Click(byText("a", "Công bố, bắt đầu lấy ý kiến")), "publish the 10-day draft")
			msg := textOf(tb, chromedp.CSS(".error-summary"))
			t.Logf("publishing it instead answers %d with %q", res.Status, msg)
			if !strings.Contains(msg, "30 ngày") {
				t.Errorf("publishing a 10-day hương ước: message %q lacks %q", msg, "30 ngày")
			}
			checkErrorLinks(tb, "publish refused")
			tb.checkPhone("short-period-publish-refused")
			return
		}
		if res.Status != 422 && res.Status != 400 {
			t.Errorf("refused form answered %d, want 422", res.Status)
		}
		msg := textOf(tb, chromedp.CSS(".error-summary"))
		if !strings.Contains(msg, "30 ngày") {
			t.Errorf("error %q does not mention the 30-day minimum", msg)
		}
		checkErrorLinks(tb, "short period refused")
		if got := get(tb, chromedp.Value(chromedp.CSS("#f-title")), "title field"); got != short {
			t.Errorf("the refused form kept title %q, want %q", got, short)
		}
		if got := get(tb, chromedp.Value(chromedp.CSS("#f-text")), "text field"); squash(got) != squash(testutil.Draft) {
			t.Errorf("the refused form lost the pasted draft")
		}
		tb.checkPhone("short-period-refused")
	})
}

// checkErrorLinks checks that every link of the error summary leads to a field on the page,
// so a tap on a message takes the user to what must be corrected.
func checkErrorLinks(tb *tab, where string) {
	tb.t.Helper()
	dead := eval[[]string](tb, `[...document.querySelectorAll('.error-summary a[href^="#"]')]
		.filter(a => !document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))))
		.map(a => a.getAttribute('href') + ' ("' + a.textContent.trim() + '")')`)
	if len(dead) > 0 {
		tb.t.Errorf("%s: error summary links to fields that are not on the page: %s", where, strings.Join(dead, "; "))
	}
	items := eval[[]string](tb, `[...document.querySelectorAll('.error-summary li')].map(li => li.textContent.trim())`)
	if len(dedupe(items)) != len(items) {
		tb.t.Errorf("%s: error summary repeats a message: %q", where, items)
	}
}

// fillConsultation fills the new-consultation form: the kind is chosen, the draft pasted
// and the dates set in the date inputs' own yyyy-mm-dd format.
func fillConsultation(tb *tab, title, first, last string) {
	tb.t.Helper()
	tb.do(chromedp.SendKeys(chromedp.CSS("#f-title"), title))
	kind := get(tb, chromedp.AttributeValue(chromedp.Search(`//select[@id="f-kind"]/option[starts-with(normalize-space(), "Hương ước")]`), "value"), "kind option")
	tb.do(chromedp.SetValue(chromedp.CSS("#f-kind"), kind.Value))
	paste(tb, chromedp.CSS("#f-text"), testutil.Draft)
	tb.do(
		chromedp.SetValue(chromedp.CSS("#f-first_day"), first),
		chromedp.SetValue(chromedp.CSS("#f-last_day"), last),
	)
	if got := get(tb, chromedp.Value(chromedp.CSS("#f-text")), "draft text"); got != testutil.Draft {
		tb.t.Fatalf("pasted draft reads back as %q", got)
	}
}

// TestModeratorApproves is the moderator's path: the queue shows a resident's opinion,
// approving it publishes it under its article and counts it.
func TestModeratorApproves(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		art5 := testutil.Section(t, c, "c2.d5")
		const body = "Đồng ý tổ chức cưới trong một ngày, tiết kiệm cho các gia đình."
		r, err := env.App.SubmitOpinion(context.Background(), c.ID,
			app.NewOpinion{Stance: "agree", Body: body, SectionID: &art5.ID, VillageCode: "A2"}, "e2e-moderation")
		if err != nil {
			t.Fatal(err)
		}

		tb := newTab(t, browser, env.URL)
		login(tb, "moderator.a@example.vn")
		res := tb.follow(chromedp.Tap(byText("a", "Kiểm duyệt (1 ý kiến chờ)")), "open the queue")
		tb.wantStatus(res, 200, "moderation queue")
		if got := tb.path(res); got != "/staff/moderation" {
			t.Fatalf("the queue link led to %s", got)
		}
		item := fmt.Sprintf("#o-%d", r.Opinion.ID)
		if got := textContentOf(tb, chromedp.CSS(item+" .text")); got != body {
			t.Errorf("queue shows %q, want %q", got, body)
		}
		meta := textOf(tb, chromedp.CSS(item+" .meta"))
		for _, want := range []string{"Đồng ý", article5, "Thôn Hai"} {
			if !strings.Contains(meta, want) {
				t.Errorf("queue item line %q lacks %q", meta, want)
			}
		}
		tb.checkPhone("moderation-queue")

		res = tb.follow(chromedp.Tap(chromedp.CSS(item+` button[value="approve"]`)), "approve")
		tb.wantStatus(res, 200, "after approving")
		if got := tb.path(res); got != "/staff/moderation" {
			t.Errorf("approving led to %s, want back to the queue", got)
		}
		if got := textOf(tb, chromedp.CSS("p.flash")); !strings.Contains(got, "Đã duyệt") {
			t.Errorf("flash %q, want Đã duyệt", got)
		}
		if tb.count(item) != 0 {
			t.Error("the approved opinion is still in the queue")
		}
		tb.checkPhone("moderation-after")

		tb.open(fmt.Sprintf("/c/%d", c.ID))
		under5 := chromedp.Search(`//section[h3[normalize-space()=` + xpathText(article5) + `]]//article[contains(@class,"opinion")]/p[contains(@class,"text")]`)
		if got := textContentOf(tb, under5); got != body {
			t.Errorf("under %s the public page shows %q, want %q", article5, got, body)
		}
		for stance, want := range map[string]string{"Đồng ý": "1", "Không đồng ý": "0", "Ý kiến khác": "0"} {
			sel := chromedp.Search(`//dl[contains(@class,"counts")]/div[dt[normalize-space()=` + xpathText(stance) + `]]/dd`)
			if got := textOf(tb, sel); got != want {
				t.Errorf("count of %s is %q, want %s", stance, got, want)
			}
		}
		if got := textOf(tb, chromedp.Search(`//section[h3[normalize-space()=`+xpathText(article5)+`]]//p[contains(@class,"section-actions")]/a[1]`)); got != "1 ý kiến (1 đồng ý, 0 không đồng ý, 0 khác)" {
			t.Errorf("article 5 count line %q", got)
		}
		tb.checkPhone("consultation-approved")
	})
}

// xssPayloads are classic probes. Each is submitted with a short prefix, since a payload
// that is only markup is stripped to nothing and refused as empty; those that would set
// window.__xss prove by its absence that nothing ran.
var xssPayloads = []string{
	`<img src=x onerror=alert(1)>`,
	`"><script>alert(1)</script>`,
	`javascript:alert(1)`,
	`<svg/onload=alert(1)>`,
	`<img src=x onerror="window.__xss=1">`,
	`<script>window.__xss=2</script>`,
	`&lt;script&gt;window.__xss=3&lt;/script&gt;`,
	`<<script>script>window.__xss=4<</script>/script>`,
	`<textarea><script>window.__xss=5</script></textarea>`,
	`</p><img src=x onerror=window.__xss=6><p>`,
	`<a href="javascript:window.__xss=7">bấm vào đây</a>`,
	`<iframe srcdoc="<script>parent.__xss=8</script>"></iframe>`,
	`<details open ontoggle=window.__xss=9>`,
	`'';!--"<XSS>=&{()}`,
}

// TestOpinionsCannotInjectMarkup puts hostile opinions through the queue and onto the public
// pages: no dialog may open, no script may run, and each text must read exactly as stored.
func TestOpinionsCannotInjectMarkup(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		slots := []*int64{nil}
		for i := range c.Sections {
			if s := c.Sections[i]; s.Commentable() && s.Kind != "preamble" {
				slots = append(slots, &s.ID)
			}
		}
		if len(xssPayloads) > 3*len(slots) {
			t.Fatalf("%d payloads do not fit %d slots of 3 latest opinions", len(xssPayloads), len(slots))
		}
		var stored []*domain.Opinion
		for i, p := range xssPayloads {
			r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{
				Stance: []string{"agree", "disagree", "other"}[i%3], Body: fmt.Sprintf("Thử %d: %s", i+1, p),
				SectionID: slots[i%len(slots)], AuthorName: p, ShowName: true,
			}, fmt.Sprintf("xss-%d", i))
			if err != nil {
				t.Fatalf("payload %d %q refused: %v", i+1, p, err)
			}
			stored = append(stored, r.Opinion)
		}
		bodies := make([]string, len(stored))
		for i, o := range stored {
			bodies[i] = o.Body
		}

		tb := newTab(t, browser, env.URL)
		watch := watchPage(tb)
		// Prove the watchers see a dialog and a script before trusting their silence.
		tb.do(chromedp.Navigate(`data:text/html,<script>window.__xss=1;alert("probe")</script>`))
		tb.do(chromedp.Sleep(100 * time.Millisecond))
		if dialogs, _ := watch.take(); len(dialogs) != 1 || eval[string](tb, `typeof window.__xss`) != "number" {
			t.Fatalf("the dialog and script watchers do not work (dialogs %v): the test would prove nothing", dialogs)
		}

		// Staff see the raw text first: the queue must be as safe as the public page.
		login(tb, "moderator.a@example.vn")
		tb.open("/staff/moderation")
		checkNoInjection(t, tb, watch, "queue", ".queue-item .text", bodies, 200*time.Millisecond)
		tb.checkPhone("xss-queue")

		for _, o := range stored {
			if _, err := env.App.Moderate(ctx, env.ModeratorA, o.ID, app.Decision{Decision: "approve"}); err != nil {
				t.Fatalf("approve %d: %v", o.ID, err)
			}
		}
		tb.open(fmt.Sprintf("/c/%d", c.ID))
		checkNoInjection(t, tb, watch, "consultation", ".opinion .text", bodies, 200*time.Millisecond)
		names := eval[[]string](tb, `[...document.querySelectorAll('.opinion .meta')].map(e => e.textContent)`)
		for _, o := range stored {
			if !slices.ContainsFunc(names, func(m string) bool { return strings.Contains(m, o.PublicName()) }) {
				t.Errorf("the author name %q is not shown as text", o.PublicName())
			}
		}
		tb.checkPhone("xss-consultation")
		tb.open(fmt.Sprintf("/c/%d/opinions", c.ID))
		checkNoInjection(t, tb, watch, "opinions", ".opinion .text", bodies, 200*time.Millisecond)
		for _, o := range stored {
			tb.open("/track/" + o.TrackingCode)
			checkNoInjection(t, tb, watch, "track "+o.TrackingCode, "p.text.quote", []string{o.Body}, 30*time.Millisecond)
		}
	})
}

// pageWatch records what a hostile page might make the browser do: open a dialog, or have
// the content security policy block something (which would mean markup got through).
type pageWatch struct {
	mu      sync.Mutex
	dialogs []string
	blocked []string
}

func (w *pageWatch) take() (dialogs, blocked []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	dialogs, blocked = w.dialogs, w.blocked
	w.dialogs, w.blocked = nil, nil
	return dialogs, blocked
}

// watchPage subscribes to dialogs (dismissing each, so the page does not hang) and to the
// console, for the rest of the tab's life.
func watchPage(tb *tab) *pageWatch {
	w := &pageWatch{}
	dialogs := chromedp.Events(tb.ctx, page.JavascriptDialogOpening)
	console := chromedp.Console(tb.ctx)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			w.mu.Lock()
			w.dialogs = append(w.dialogs, fmt.Sprintf("%s(%q)", ev.Type, ev.Message))
			w.mu.Unlock()
			ctx, cancel := tb.step()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			cancel()
		}
	}()
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if s := m.String(); strings.Contains(s, "Content Security Policy") || m.IsException() {
				w.mu.Lock()
				w.blocked = append(w.blocked, s)
				w.mu.Unlock()
			}
		}
	}()
	return w
}

// checkNoInjection checks the current page: no dialog, no script ran, the opinion texts
// hold text only, and each reads as one of the stored bodies.
func checkNoInjection(t *testing.T, tb *tab, w *pageWatch, where, textSel string, bodies []string, settle time.Duration) {
	t.Helper()
	// Give an onerror, onload or ontoggle handler time to fire, had one been injected.
	tb.do(chromedp.Sleep(settle))
	if dialogs, blocked := w.take(); len(dialogs)+len(blocked) > 0 {
		t.Errorf("%s: dialogs %v; blocked or thrown: %v", where, dialogs, blocked)
	}
	if got := eval[string](tb, `typeof window.__xss`); got != "undefined" {
		t.Errorf("%s: window.__xss is %s: an injected script ran", where, got)
	}
	if n := tb.count(".opinion script, .opinion img, .opinion svg, .opinion iframe, .opinion a, .opinion details, .opinion textarea, .opinion xss, .queue-item .text *"); n != 0 {
		t.Errorf("%s: %d injected elements inside opinions", where, n)
	}
	texts := eval[[]struct {
		Text     string `json:"text"`
		Children int    `json:"children"`
	}](tb, fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => ({text: e.textContent, children: e.children.length}))`, textSel))
	if len(texts) != len(bodies) {
		t.Errorf("%s: %d opinion texts shown, want %d", where, len(texts), len(bodies))
	}
	for _, x := range texts {
		if x.Children != 0 {
			t.Errorf("%s: opinion text %q has %d child elements", where, x.Text, x.Children)
		}
		if !slices.Contains(bodies, x.Text) {
			t.Errorf("%s: shown text %q is none of the stored bodies (escaped twice, or not at all?)", where, x.Text)
		}
	}
}
