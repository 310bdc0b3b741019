package e2e

// Hostile input through the public inputs other than the opinion form (whose body and
// author name TestOpinionsCannotInjectMarkup covers): the search box, the tracking-code
// lookup, the satisfaction rating, the language switch and the query strings that pages
// echo. Each of xssPayloads goes in as a resident would type it or as a link someone sent
// would carry it. No dialog may open, no script may run, no element or event handler may
// appear, and wherever the text is shown again it must read exactly as typed.

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// injectedJS lists what markup smuggled into a page would leave behind: an element with an
// event handler, a script of the page's own making (the portal has none: its CSP forbids
// inline code), a frame, an embedded object, an element the HTML standard does not know,
// a javascript: address, or the probes' broken image.
const injectedJS = `[...document.querySelectorAll('*')].filter(e =>
	[...e.attributes].some(a => /^on/i.test(a.name) ||
		(/^(href|src|action|formaction|srcdoc|data|xlink:href)$/i.test(a.name) && /^\s*javascript:/i.test(a.value))) ||
	(e.tagName === 'SCRIPT' && !e.src) ||
	/^(IFRAME|FRAME|OBJECT|EMBED|XSS)$/.test(e.tagName) ||
	(e.tagName === 'IMG' && e.getAttribute('src') === 'x')
).map(e => e.outerHTML.slice(0, 120))`

// hostileTab opens a tab that watches for dialogs and blocked scripts, and proves first that
// the watchers see both.
func hostileTab(t *testing.T, browser context.Context, env *testutil.Env) (*tab, *pageWatch) {
	t.Helper()
	tb := newTab(t, browser, env.URL)
	w := watchPage(tb)
	tb.do(chromedp.Navigate(`data:text/html,<script>window.__xss=1;alert("probe")</script>`))
	tb.do(chromedp.Sleep(100 * time.Millisecond))
	if dialogs, _ := w.take(); len(dialogs) != 1 || eval[string](tb, `typeof window.__xss`) != "number" {
		t.Fatalf("the dialog and script watchers do not work (dialogs %v): the test would prove nothing", dialogs)
	}
	tb.do(chromedp.Navigate(`data:text/html,<p onmouseover="x">a</p><xss>b</xss><a href="javascript:void(0)">c</a>`))
	if found := eval[[]string](tb, injectedJS); len(found) != 3 {
		t.Fatalf("the markup scan finds %q in a page with three injected elements: the test would prove nothing", found)
	}
	return tb, w
}

// visit loads a path of the portal like a typed address or a followed link, whatever the
// status, and returns its response.
func (tb *tab) visit(path string) *network.Response {
	tb.t.Helper()
	return get(tb, chromedp.NavigateResponse(tb.base+path), "open "+path)
}

// checkHostile checks the page shown after hostile input: no dialog, no script ran, nothing
// blocked by the content security policy (checkNoInjection), and no element or attribute
// that markup in the input could have made.
func checkHostile(t *testing.T, tb *tab, w *pageWatch, where string) {
	t.Helper()
	checkNoInjection(t, tb, w, where, "#no-opinion-texts-here", nil, 50*time.Millisecond)
	if bad := eval[[]string](tb, injectedJS); len(bad) > 0 {
		t.Errorf("%s: injected markup: %s", where, strings.Join(bad, "; "))
	}
}

// valueOf returns the current value of a form field.
func valueOf(tb *tab, css string) string {
	tb.t.Helper()
	return get(tb, chromedp.Value(chromedp.CSS(css)), "value of "+css)
}

// wantStatusIn fails the test unless res has one of the statuses.
func wantStatusIn(t *testing.T, res *network.Response, where string, statuses ...int64) {
	t.Helper()
	for _, s := range statuses {
		if res.Status == s {
			return
		}
	}
	t.Errorf("%s: status %d, want one of %v (%s)", where, res.Status, statuses, res.URL)
}

// TestHostileSearchBox types each payload into the search box on the home page.
func TestHostileSearchBox(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		env.OpenConsultation(t)
		tb, w := hostileTab(t, browser, env)
		for i, p := range xssPayloads {
			where := fmt.Sprintf("search %d %q", i+1, p)
			tb.open("/")
			tb.do(chromedp.SetValue(chromedp.CSS("#q"), p))
			res := tb.follow(chromedp.Click(chromedp.CSS("form.search button")), where)
			tb.wantStatus(res, 200, where)
			checkHostile(t, tb, w, where)
			if u, err := url.Parse(res.URL); err != nil || u.Path != "/" || u.Query().Get("q") != p {
				t.Errorf("%s: the search went to %s", where, res.URL)
			}
			if got := valueOf(tb, "#q"); got != p {
				t.Errorf("%s: the search box shows %q", where, got)
			}
		}
	})
}

// TestHostileTrackingLookup sends each payload as a tracking code, from the lookup form and
// in the address of a tracking page.
func TestHostileTrackingLookup(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		tb, w := hostileTab(t, browser, env)
		for i, p := range xssPayloads {
			where := fmt.Sprintf("tracking form %d %q", i+1, p)
			tb.open("/track")
			tb.do(chromedp.SetValue(chromedp.CSS("#f-code"), p))
			res := tb.follow(chromedp.Click(chromedp.CSS(`form[action="/track"] button`)), where)
			wantStatusIn(t, res, where, 422)
			checkHostile(t, tb, w, where)
			if got := valueOf(tb, "#f-code"); got != p {
				t.Errorf("%s: the code field shows %q", where, got)
			}
			if msg := textOf(tb, chromedp.CSS("#e-code")); msg == "" {
				t.Errorf("%s: no message at the code field", where)
			}

			// In the address, as a link would carry it: the field shows the code as typed,
			// whatever the browser escaped in the path (a "/", a quote, a ";").
			where = fmt.Sprintf("tracking page %d %q", i+1, p)
			res = tb.visit("/track/" + url.PathEscape(p))
			wantStatusIn(t, res, where, 404, 422)
			checkHostile(t, tb, w, where)
			if res.Status == 422 {
				got := valueOf(tb, "#f-code")
				if got != p {
					t.Errorf("%s: the code field shows %q", where, got)
				}
			}
		}
	})
}

// resultsPublished takes a consultation of commune A to published results, with one
// answered opinion, and returns it with that opinion's tracking code.
func resultsPublished(t *testing.T, env *testutil.Env) (*domain.Consultation, string) {
	t.Helper()
	ctx := context.Background()
	c := env.OpenConsultation(t)
	r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "agree", Body: "Tôi đồng ý với dự thảo."}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
		t.Fatal(err)
	}
	env.CloseAtEnd(t, env.OfficialA, c)
	if _, err := env.App.Answer(ctx, env.OfficialA, c.ID, app.NewResponse{OpinionIDs: []int64{r.Opinion.ID}, Kind: "noted", Text: "Xin ghi nhận."}); err != nil {
		t.Fatal(err)
	}
	if c, err = env.App.PublishResults(ctx, env.OfficialA, c.ID); err != nil {
		t.Fatalf("publish results: %v", err)
	}
	return c, r.Opinion.TrackingCode
}

// storedComments returns a consultation's rating comments as stored and as shown.
func storedComments(t *testing.T, st *store.Store, consultationID int64) (comments, public []string) {
	t.Helper()
	rows, err := st.SQLDB().QueryContext(context.Background(), fmt.Sprintf(
		`SELECT comment, comment_public FROM satisfaction_ratings WHERE consultation_id = %d AND comment <> '' ORDER BY id`, consultationID))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, p string
		if err := rows.Scan(&c, &p); err != nil {
			t.Fatal(err)
		}
		comments, public = append(comments, c), append(public, p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return comments, public
}

// TestHostileSatisfactionRating puts each payload in the comment (and the tracking code) of
// the satisfaction rating, on the consultation page and on a commenter's tracking page; the
// comments saved are then read by an official in the annual report.
func TestHostileSatisfactionRating(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		// Every payload is sent three times from one address: more than the hourly allowance.
		env := testutil.StartServerWith(t, st, func(c *config.Config) { c.OpinionsPerHour = 200 })
		c, code := resultsPublished(t, env)
		page := fmt.Sprintf("/c/%d", c.ID)
		tb, w := hostileTab(t, browser, env)
		var typed []string
		for i, p := range xssPayloads {
			comment := fmt.Sprintf("Thử %d: %s", i+1, p)
			typed = append(typed, comment)

			// Without a score the form comes back, with the comment and the code as typed.
			where := fmt.Sprintf("rating refused %d %q", i+1, p)
			tb.open(page)
			tb.do(chromedp.SetValue(chromedp.CSS("#f-comment"), comment), chromedp.SetValue(chromedp.CSS("#f-tracking_code"), p))
			res := tb.follow(chromedp.Click(chromedp.CSS("#satisfaction form button")), where)
			wantStatusIn(t, res, where, 422)
			checkHostile(t, tb, w, where)
			if got := valueOf(tb, "#f-comment"); got != comment {
				t.Errorf("%s: the comment field shows %q", where, got)
			}
			if got := valueOf(tb, "#f-tracking_code"); got != p {
				t.Errorf("%s: the code field shows %q", where, got)
			}

			// With a score and no code it is saved.
			where = fmt.Sprintf("rating saved %d %q", i+1, p)
			tb.do(chromedp.Click(chromedp.CSS(`#satisfaction input[name="rating"][value="4"]`)))
			eval[string](tb, `document.querySelector('#f-tracking_code').value = ''`)
			res = tb.follow(chromedp.Click(chromedp.CSS("#satisfaction form button")), where)
			tb.wantStatus(res, 200, where)
			if got := tb.path(res); got != page+"?rated=saved" {
				t.Errorf("%s: sent to %s, want %s?rated=saved", where, got, page)
			}
			checkHostile(t, tb, w, where)
		}

		// A fresh tab (each has its own time budget) for the commenter and the official.
		tb, w = hostileTab(t, browser, env)
		for i, p := range xssPayloads {
			comment := fmt.Sprintf("Thử %d: %s", i+1, p)
			where := fmt.Sprintf("tracking page rating refused %d %q", i+1, p)
			tb.open("/track/" + code)
			tb.do(chromedp.SetValue(chromedp.CSS("#f-comment"), comment))
			res := tb.follow(chromedp.Click(chromedp.CSS("#satisfaction form button")), where)
			wantStatusIn(t, res, where, 422)
			checkHostile(t, tb, w, where)
			if got := valueOf(tb, "#f-comment"); got != comment {
				t.Errorf("%s: the comment field shows %q", where, got)
			}
		}

		// What was stored is the typed comment cleaned of markup, and the official's report
		// shows exactly that, as text.
		comments, shown := storedComments(t, st, c.ID)
		if len(comments) != len(typed) {
			t.Fatalf("%d comments stored, want %d", len(comments), len(typed))
		}
		for i, s := range comments {
			if want := textnorm.CleanText(typed[i]); s != want {
				t.Errorf("comment %q stored as %q, want %q", typed[i], s, want)
			}
		}
		login(tb, "official.a@example.vn")
		tb.open("/staff/satisfaction?unit=A")
		checkNoInjection(t, tb, w, "annual report", ".annual-comments .text", shown, 100*time.Millisecond)
		if bad := eval[[]string](tb, injectedJS); len(bad) > 0 {
			t.Errorf("annual report: injected markup: %s", strings.Join(bad, "; "))
		}
	})
}

// TestHostileLanguageSwitch sends each payload as the language and with a search, then
// switches language with the page's own link, which must carry the search along intact.
func TestHostileLanguageSwitch(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		tb, w := hostileTab(t, browser, env)
		for i, p := range xssPayloads {
			where := fmt.Sprintf("language %d %q", i+1, p)
			res := tb.visit("/?lang=" + url.QueryEscape(p) + "&q=" + url.QueryEscape(p))
			tb.wantStatus(res, 200, where)
			checkHostile(t, tb, w, where)
			if got := eval[string](tb, `document.documentElement.lang`); got != "vi" {
				t.Errorf("%s: the page is in %q, want vi", where, got)
			}
			href := eval[string](tb, `document.querySelector('header nav a[hreflang="en"]').href`)
			if u, err := url.Parse(href); err != nil || u.Query().Get("lang") != "en" || u.Query().Get("q") != p || len(u.Query()) != 2 {
				t.Errorf("%s: the English link is %s", where, href)
			}

			where = fmt.Sprintf("language %d %q, in English", i+1, p)
			res = tb.follow(chromedp.Click(chromedp.CSS(`header nav a[hreflang="en"]`)), where)
			tb.wantStatus(res, 200, where)
			checkHostile(t, tb, w, where)
			if got := eval[string](tb, `document.documentElement.lang`); got != "en" {
				t.Errorf("%s: the page is in %q, want en", where, got)
			}
			if got := valueOf(tb, "#q"); got != p {
				t.Errorf("%s: the search box shows %q", where, got)
			}

			// Back to Vietnamese, so the next payload starts from the default language.
			res = tb.follow(chromedp.Click(chromedp.CSS(`header nav a[hreflang="vi"]`)), where+", back")
			tb.wantStatus(res, 200, where+", back")
			checkHostile(t, tb, w, where+", back")
			if got := valueOf(tb, "#q"); got != p {
				t.Errorf("%s, back: the search box shows %q", where, got)
			}
		}
	})
}

// TestHostileQueryStrings sends each payload in the query strings and paths that pages
// echo: where to go after login, a report's commune, a unit's page, a feed's commune, a
// page number and, for staff, the annual report's commune and year.
func TestHostileQueryStrings(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c, _ := resultsPublished(t, env)
		tb, w := hostileTab(t, browser, env)
		for i, p := range xssPayloads {
			q := url.QueryEscape(p)
			where := fmt.Sprintf("login next %d %q", i+1, p)
			tb.open("/login?next=" + q)
			checkHostile(t, tb, w, where)
			if got := valueOf(tb, `input[name="next"]`); got != "/staff" {
				t.Errorf("%s: after login the form goes to %q, want /staff", where, got)
			}
			where = fmt.Sprintf("login next %d /?q=%q", i+1, p)
			tb.open("/login?next=" + url.QueryEscape("/?q="+q))
			checkHostile(t, tb, w, where)
			if got := valueOf(tb, `input[name="next"]`); got != "/?q="+q {
				t.Errorf("%s: after login the form goes to %q, want %q", where, got, "/?q="+q)
			}

			where = fmt.Sprintf("report unit %d %q", i+1, p)
			res := tb.visit(fmt.Sprintf("/c/%d/report?unit=%s", c.ID, q))
			wantStatusIn(t, res, where, 200, 404, 422)
			checkHostile(t, tb, w, where)
			href := eval[string](tb, `document.querySelector('header nav a[hreflang="en"]').href`)
			if u, err := url.Parse(href); err != nil || u.Query().Get("unit") != p {
				t.Errorf("%s: the English link is %s", where, href)
			}

			for _, path := range []string{"/u/" + url.PathEscape(p), "/feeds/consultations.atom?unit=" + q, "/?page=" + q} {
				where = fmt.Sprintf("%s (payload %d)", path, i+1)
				res = tb.visit(path)
				wantStatusIn(t, res, where, 200, 404, 422)
				if !strings.HasPrefix(path, "/feeds/") || res.Status != 200 {
					checkHostile(t, tb, w, where)
				}
			}
		}

		// A next address carrying a payload survives the login and lands where it said,
		// with the search box showing the payload as typed. A fresh tab: each has its own
		// time budget.
		tb, w = hostileTab(t, browser, env)
		p := xssPayloads[1]
		tb.open("/login?next=" + url.QueryEscape("/?q="+url.QueryEscape(p)))
		tb.do(
			chromedp.SendKeys(chromedp.CSS("#f-email"), "official.a@example.vn"),
			chromedp.SendKeys(chromedp.CSS("#f-password"), testutil.Password),
		)
		res := tb.follow(chromedp.Click(byText("button", "Đăng nhập")), "log in with a next address")
		tb.wantStatus(res, 200, "after login")
		if got := tb.path(res); got != "/?q="+url.QueryEscape(p) {
			t.Errorf("login with next=/?q=%q landed on %s", p, got)
		}
		checkHostile(t, tb, w, "after login")
		if got := valueOf(tb, "#q"); got != p {
			t.Errorf("after login the search box shows %q, want %q", got, p)
		}

		// Staff: the annual report echoes its commune and year.
		for i, p := range xssPayloads {
			where := fmt.Sprintf("annual report %d %q", i+1, p)
			res := tb.visit("/staff/satisfaction?unit=" + url.QueryEscape(p) + "&year=" + url.QueryEscape(p))
			wantStatusIn(t, res, where, 200, 403, 404, 422)
			checkHostile(t, tb, w, where)
			if res.Status != 200 && res.Status != 422 {
				continue
			}
			if got := valueOf(tb, "#f-year"); got != p {
				t.Errorf("%s: the year field shows %q", where, got)
			}
		}
	})
}
