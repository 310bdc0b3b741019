package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// en is an English message of the portal, so the test follows the locale files.
func en(key string, args ...any) string { return i18n.T(i18n.EN, key, args...) }

// fixtureNames stay Vietnamese on an English page: the portal's name, the fixture's units
// (proper names) and the two legal terms the English text keeps beside its translation,
// "Village charter (hương ước)", because that is what officials and the law call them.
var fixtureNames = []string{"Góp Ý", "Tỉnh Thử", "Xã An Bình", "Thôn Một", "Thôn Hai", "Xã Bắc Sơn", "Bản Nà",
	"hương ước", "quy ước"}

// leakJS lists the text a person reads or hears on the page (text nodes, and the attributes
// read aloud or shown in place of text) that holds letters only Vietnamese uses, outside
// elements marked lang="vi" (the language switch).
const leakJS = `(() => {
  const vi = /[ăâđêôơưĂÂĐÊÔƠƯ\u1EA0-\u1EF9]/;
  const marked = e => { const l = e && e.closest('[lang]'); return l && l.getAttribute('lang').startsWith('vi'); };
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walk.nextNode());) {
    const p = n.parentElement;
    if (!p || p.closest('script, style, template') || marked(p)) continue;
    const s = n.textContent.replace(/\s+/g, ' ').trim();
    if (vi.test(s)) out.push(s);
  }
  for (const e of document.body.querySelectorAll('[aria-label], [placeholder], [title], [alt]')) {
    if (marked(e)) continue;
    for (const a of ['aria-label', 'placeholder', 'title', 'alt']) {
      const v = (e.getAttribute(a) || '').replace(/\s+/g, ' ').trim();
      if (vi.test(v)) out.push(a + '=' + v);
    }
  }
  if (vi.test(document.title.replace('Góp Ý', ''))) out.push('title=' + document.title);
  return out;
})()`

// checkEnglish asserts that the current page is in English: <html lang="en"> and no
// Vietnamese outside what residents and officials wrote (known lists the texts of the
// drafts and opinions the page may show) and proper names.
func (tb *tab) checkEnglish(page string, known []string) {
	tb.t.Helper()
	if got := eval[string](tb, `document.documentElement.lang`); got != "en" {
		tb.t.Errorf("%s: <html lang=%q>, want en", page, got)
	}
	allowed := append(append([]string{}, known...), fixtureNames...)
	// Longest first, so a heading is removed whole before a name inside it.
	slices.SortFunc(allowed, func(a, b string) int { return len(b) - len(a) })
	var leaks []string
	for _, s := range eval[[]string](tb, leakJS) {
		if isPartOfAny(s, allowed) {
			continue
		}
		rest := s
		for _, a := range allowed {
			rest = strings.ReplaceAll(rest, squash(a), "")
		}
		if strings.ContainsFunc(rest, isVietnameseLetter) {
			leaks = append(leaks, fmt.Sprintf("%q", s))
		}
	}
	if len(leaks) > 0 {
		tb.t.Errorf("%s: Vietnamese on the English page outside user content: %s", page, strings.Join(dedupe(leaks), "; "))
	}
}

// isPartOfAny reports whether s is a piece of one of the texts (a word of a draft picked
// out as a theme, a clause of an article).
func isPartOfAny(s string, texts []string) bool {
	for _, t := range texts {
		if strings.Contains(squash(t), s) {
			return true
		}
	}
	return false
}

// isVietnameseLetter matches the letters English never uses: ă â đ ê ô ơ ư and the letters
// with a tone mark below or a hook above (U+1EA0–U+1EF9).
func isVietnameseLetter(r rune) bool {
	return strings.ContainsRune("ăâđêôơưĂÂĐÊÔƠƯ", r) || (r >= 0x1EA0 && r <= 0x1EF9)
}

// draftTexts are the texts of a consultation that stay in Vietnamese on an English page.
func draftTexts(c *domain.Consultation) []string {
	known := []string{c.Title, c.Summary}
	for _, s := range c.Sections {
		known = append(known, s.Heading, s.Body)
		known = append(known, strings.Split(s.Body, "\n")...)
	}
	return known
}

// TestEnglishPages walks the resident's path in English, chosen with the visible switch,
// and checks every page is English apart from the draft and the opinions themselves,
// including validation messages, and passes the same accessibility checks. A phone set to
// English gets English without touching the switch.
func TestEnglishPages(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		art5 := testutil.Section(t, c, "c2.d5")
		const opinion = "Tôi đồng ý tổ chức cưới trong một ngày."
		r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "agree", Body: opinion, SectionID: &art5.ID, VillageCode: "A1"}, "english")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
			t.Fatal(err)
		}
		const mine = "Đề nghị thêm quy định về giờ đón dâu."
		known := append(draftTexts(c), opinion, mine)

		tb := newTab(t, browser, env.URL)
		tb.open("/")
		res := tb.follow(chromedp.Tap(chromedp.Search(`//header//a[normalize-space()="English"]`)), "tap English")
		tb.wantStatus(res, 200, "home in English")
		if got := textOf(tb, chromedp.CSS("h1")); got != en("home.heading") {
			t.Errorf("after choosing English the home page is headed %q, want %q", got, en("home.heading"))
		}
		// Prove the check sees a Vietnamese sentence before trusting its silence.
		planted := eval[[]string](tb, `(() => { const p = document.createElement('p'); p.textContent = 'Tra cứu ý kiến';
			document.querySelector('main').append(p); const found = `+leakJS+`; p.remove(); return found; })()`)
		if !slices.Contains(planted, "Tra cứu ý kiến") {
			t.Fatalf("the language check does not see a Vietnamese text it was shown (found %q): it would prove nothing", planted)
		}
		tb.checkEnglish("home-en", known)
		tb.checkPhone("home-en")

		res = tb.follow(chromedp.Tap(chromedp.Search(`//li[contains(@class,"card")]//a[normalize-space()=`+xpathText(c.Title)+`]`)), "open the consultation")
		tb.wantStatus(res, 200, "consultation in English")
		tb.checkEnglish("consultation-en", known)
		tb.checkPhone("consultation-en")
		if n := tb.count("button.read-aloud"); n != 3 {
			t.Errorf("the English page has %d read-aloud buttons, want 3", n)
		}

		link := chromedp.Search(`//section[h3[normalize-space()=` + xpathText(article5) + `]]//a[normalize-space()=` + xpathText(en("comment.on.article")) + `]`)
		res = tb.follow(chromedp.Tap(link), "comment on article 5 in English")
		tb.wantStatus(res, 200, "comment form in English")
		tb.checkEnglish("comment-form-en", known)
		res = tb.follow(chromedp.Tap(byText("button", en("form.submit"))), "send the empty form in English")
		if res.Status != 422 {
			t.Errorf("empty opinion in English: status %d, want 422", res.Status)
		}
		if got := textOf(tb, chromedp.CSS("#e-body")); got != en("validation.required") {
			t.Errorf("the body field's error reads %q, want %q", got, en("validation.required"))
		}
		checkErrorLinks(tb, "empty opinion in English")
		tb.checkEnglish("comment-form-error-en", known)
		tb.checkPhone("comment-form-error-en")

		tb.do(chromedp.Tap(byText("label", en("stance.other"))))
		tb.do(chromedp.SendKeys(chromedp.CSS("#f-body"), mine))
		res = tb.follow(chromedp.Tap(byText("button", en("form.submit"))), "send the opinion in English")
		tb.wantStatus(res, 200, "receipt in English")
		if got := textOf(tb, chromedp.CSS("h1")); got != en("track.thanks") {
			t.Errorf("receipt heading %q, want %q", got, en("track.thanks"))
		}
		tb.checkEnglish("receipt-en", known)
		tb.checkPhone("receipt-en")

		tb.open("/track")
		tb.checkEnglish("track-form-en", known)
		tb.open(fmt.Sprintf("/c/%d/opinions?section=%d", c.ID, art5.ID))
		tb.checkEnglish("opinions-en", known)
		tb.checkPhone("opinions-en")

		// A phone set to English: Accept-Language decides, no switch needed.
		phone := newTab(t, browser, env.URL)
		phone.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
				UserAgent: phoneUserAgent, AcceptLanguage: "en-GB,en", Platform: "Linux armv8l",
			})
			return err
		}))
		phone.open(fmt.Sprintf("/c/%d", c.ID))
		phone.checkEnglish("consultation-accept-language-en", known)
		if got := textOf(phone, chromedp.Search(`//header//a[@hreflang="vi"]`)); got != "Tiếng Việt" {
			t.Errorf("the English page offers %q to switch back, want Tiếng Việt", got)
		}
	})
}
