package web_test

import (
	"context"
	"html"
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

var (
	walkLink   = regexp.MustCompile(`<a [^>]*href="(/[^"]*)"`)
	walkForm   = regexp.MustCompile(`(?s)<form [^>]*method="post"[^>]*action="(/[^"]*)"[^>]*>(.*?)</form>`)
	walkHidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	walkSelect = regexp.MustCompile(`(?s)<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>`)
	walkOption = regexp.MustCompile(`<option value="([^"]*)"`)
	walkButton = regexp.MustCompile(`<button [^>]*name="([^"]+)" value="([^"]*)"`)
	// walkSkip are the links and forms a walk leaves alone: files, the language switch (it
	// would change the language of the rest of the walk), signing out, and account changes
	// that would lock the walker out.
	walkSkip = regexp.MustCompile(`^/static/|\.(csv|xlsx|atom)$|[?&]lang=|^/logout|/disabled$|/delete$|/revoke$|/password$|/totp`)
)

// walkSeed gives the walk something on every page: an open consultation with a pending
// opinion flagged for a phone number and a link, a rejected one under appeal, an approved
// one; a closed consultation with a decision on an article; and a draft not yet published.
func walkSeed(t *testing.T, env *testutil.Env) {
	t.Helper()
	ctx := context.Background()
	c := env.OpenConsultation(t)
	sec := testutil.Section(t, c, "c2.d2")
	submit := func(body string) *domain.Opinion {
		r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{SectionID: &sec.ID, Stance: "other", Body: body, VillageCode: "A1"}, "")
		if err != nil {
			t.Fatal(err)
		}
		return r.Opinion
	}
	submit("Gọi 0912345678 hoặc xem https://example.com để biết thêm về việc phân loại rác.")
	rejected := submit("Nên tổng vệ sinh hai lần mỗi tháng, vào sáng chủ nhật.")
	if _, err := env.App.Moderate(ctx, env.ModeratorA, rejected.ID, app.Decision{Decision: "reject", Reason: "off_topic"}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Appeal(ctx, rejected.TrackingCode, "Ý kiến này đúng chủ đề điều 2."); err != nil {
		t.Fatal(err)
	}
	approved := submit("Đồng ý phân loại rác tại nguồn, nhưng cần thêm thùng rác công cộng.")
	if _, err := env.App.Moderate(ctx, env.ModeratorA, approved.ID, app.Decision{Decision: "approve"}); err != nil {
		t.Fatal(err)
	}
	old := env.OpenedDaysAgo(t, 40, -1)
	if _, err := env.App.Close(ctx, env.OfficialA, old.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.DecideArticle(ctx, env.OfficialA, old.ID, app.NewDecision{SectionID: testutil.Section(t, old, "c2.d2").ID, Decision: "kept"}); err != nil {
		t.Fatal(err)
	}
	opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
	if _, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{
		Title: "Dự thảo quy ước chưa công bố", Kind: "quy_uoc", UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
	}); err != nil {
		t.Fatal(err)
	}
}

// TestNoFormattingErrorOnAnyPage walks every page each kind of user can reach by following
// links from the home page (and the staff home), in both languages, and submits every form
// it finds with its text fields left empty, the last choice of each list (often "other",
// which asks for more) and its first button. No page may show a Go formatting error
// ("%!(EXTRA …)", "%!d(MISSING)") or fail with a server error.
func TestNoFormattingErrorOnAnyPage(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		walkSeed(t, env)
		walkers := []struct{ email, lang string }{
			{"", "vi"}, {"", "en"},
			{"moderator.a@example.vn", "vi"}, {"moderator.a@example.vn", "en"},
			{"official.a@example.vn", "vi"}, {"official.a@example.vn", "en"},
			{"observer.a@example.vn", "vi"}, {"front.a@example.vn", "vi"},
			{"admin@example.vn", "vi"}, {"admin@example.vn", "en"},
		}
		total := 0
		for _, w := range walkers {
			b := env.NewBrowser(t)
			if w.email != "" {
				b.Login(w.email)
			}
			b.Get("/?lang=" + w.lang) // remembered in a cookie for the rest of the walk
			total += walk(t, b, w.email+"/"+w.lang)
		}
		t.Logf("%d pages and forms", total)
		if total < 100 {
			t.Errorf("the walk reached only %d pages and forms", total)
		}
	})
}

// walk follows the links and forms of one browser, breadth first, and reports the pages
// that show a formatting error or a server error. It returns how many it visited.
func walk(t *testing.T, b *testutil.Browser, who string) int {
	t.Helper()
	seen := map[string]bool{}
	posted := map[string]bool{}
	queue := []string{"/", "/track", "/track?code=XXXXX-XXXXX", "/c/999999", "/staff"}
	visited := 0
	check := func(what string, res *testutil.Response) {
		if res.Status >= 500 {
			t.Errorf("%s: %s answered %d", who, what, res.Status)
		}
		if i := strings.Index(res.Body, "%!"); i >= 0 {
			t.Errorf("%s: %s shows a formatting error: %q", who, what, res.Body[max(0, i-80):min(len(res.Body), i+60)])
		}
	}
	for len(queue) > 0 && visited < 400 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] || walkSkip.MatchString(path) {
			continue
		}
		seen[path] = true
		res := b.Get(path)
		visited++
		check("GET "+path, res)
		if res.Status == http.StatusSeeOther || res.Status == http.StatusFound {
			queue = append(queue, res.Header.Get("Location"))
			continue
		}
		for _, m := range walkLink.FindAllStringSubmatch(res.Body, -1) {
			link, _, _ := strings.Cut(html.UnescapeString(m[1]), "#")
			if !strings.HasPrefix(link, "//") && !seen[link] {
				queue = append(queue, link)
			}
		}
		for _, m := range walkForm.FindAllStringSubmatch(res.Body, -1) {
			action := html.UnescapeString(m[1])
			if posted[action] || walkSkip.MatchString(action) {
				continue
			}
			posted[action] = true
			values := url.Values{}
			for _, h := range walkHidden.FindAllStringSubmatch(m[2], -1) {
				values.Add(h[1], html.UnescapeString(h[2]))
			}
			for _, sel := range walkSelect.FindAllStringSubmatch(m[2], -1) {
				if opts := walkOption.FindAllStringSubmatch(sel[2], -1); len(opts) > 0 {
					values.Set(sel[1], html.UnescapeString(opts[len(opts)-1][1]))
				}
			}
			if btn := walkButton.FindStringSubmatch(m[2]); btn != nil {
				values.Set(btn[1], html.UnescapeString(btn[2]))
			}
			res := b.Do(http.MethodPost, action, strings.NewReader(values.Encode()), b.FormHeaders())
			visited++
			check("POST "+action+" (from "+path+")", res)
			if loc := res.Header.Get("Location"); res.Status == http.StatusSeeOther && strings.HasPrefix(loc, "/") {
				// The page a refused form sends back to shows the refusal: check it now,
				// before another request takes the message from the session.
				after := b.Get(loc)
				visited++
				check("GET "+loc+" (after POST "+action+")", after)
			}
		}
	}
	return visited
}

// TestObserversSeeNoActs walks the portal as an observer, who may read but not act: no page
// offers a form that would change anything (other than the observer's own account and
// notices), and no link leads to a page the observer is refused.
func TestObserversSeeNoActs(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		walkSeed(t, env)
		b := env.NewBrowser(t)
		b.Login("observer.a@example.vn")
		// What anyone may do (comment, rate, follow an opinion, propose or support an initiative
		// with a household code) and the observer's own account.
		own := regexp.MustCompile(`^/logout$|^/staff/account/|^/staff/inbox/|^/c/\d+/(comment|satisfaction)$|^/track/|^/u/[^/]+/initiatives(#propose)?$|^/initiatives/\d+/support(#support)?$`)
		// Words of buttons for acts an observer cannot do.
		acts := regexp.MustCompile(`class="button[^"]*"[^>]*>(Trả lời ý kiến|Công bố, bắt đầu lấy ý kiến|Kết thúc lấy ý kiến|Nhập ý kiến trên giấy|Rút dự thảo|Tạo dự thảo lấy ý kiến)<`)
		seen := map[string]bool{}
		queue := []string{"/", "/staff"}
		for len(queue) > 0 && len(seen) < 300 {
			path := queue[0]
			queue = queue[1:]
			if seen[path] || walkSkip.MatchString(path) {
				continue
			}
			seen[path] = true
			res := b.Get(path)
			if res.Status == http.StatusForbidden {
				t.Errorf("a link leads the observer to %s, which refuses them", path)
				continue
			}
			if m := acts.FindStringSubmatch(res.Body); m != nil {
				t.Errorf("%s offers the observer %q", path, m[1])
			}
			for _, m := range walkForm.FindAllStringSubmatch(res.Body, -1) {
				if action := html.UnescapeString(m[1]); !own.MatchString(action) {
					t.Errorf("%s offers the observer a form to %s", path, action)
				}
			}
			for _, m := range walkLink.FindAllStringSubmatch(res.Body, -1) {
				link, _, _ := strings.Cut(html.UnescapeString(m[1]), "#")
				if !strings.HasPrefix(link, "//") && !seen[link] {
					queue = append(queue, link)
				}
			}
		}
		if !seen["/staff/consultations/2/answers"] {
			t.Error("the walk did not reach the answers of the closed consultation")
		}
	})
}
