package web_test

import (
	"context"
	"fmt"
	"html"
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
	figureRe = regexp.MustCompile(`(?s)<figure class="chart" id="([a-z-]+)".*?</figure>`)
	svgRe    = regexp.MustCompile(`(?s)<svg\b[^>]*>.*?</svg>`)
	rowRe    = regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`)
	cellRe   = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	ariaRe   = regexp.MustCompile(`<svg\b[^>]*\brole="img"[^>]*\baria-label="([^"]+)"`)
)

// chartTables returns, for each chart of a page, the text of its table's rows (cells joined
// by " | ") and its SVG.
func chartTables(t *testing.T, page string) (map[string][]string, map[string]string) {
	t.Helper()
	rows, svgs := map[string][]string{}, map[string]string{}
	for _, fig := range figureRe.FindAllStringSubmatch(page, -1) {
		id := fig[1]
		svgs[id] = svgRe.FindString(fig[0])
		for _, r := range rowRe.FindAllStringSubmatch(fig[0], -1) {
			var cells []string
			for _, c := range cellRe.FindAllStringSubmatch(r[1], -1) {
				cells = append(cells, html.UnescapeString(strings.TrimSpace(c[1])))
			}
			rows[id] = append(rows[id], strings.Join(cells, " | "))
		}
	}
	return rows, svgs
}

// TestSummaryCharts puts a hand-counted set of opinions on a consultation (approved ones on
// three days, on articles and a clause, from two villages and two channels; a pending and a
// rejected one that must not count) and checks every chart's numbers in its table, the
// accessible name of every SVG, and that the SVG needs neither inline style nor script.
func TestSummaryCharts(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		c := env.OpenConsultation(t)
		art2, art5 := testutil.Section(t, c, "c2.d2"), testutil.Section(t, c, "c2.d5")
		var clause *domain.Section
		for _, s := range c.ChildrenOf(art2) {
			if s.Kind == "clause" {
				clause = &s
				break
			}
		}
		if clause == nil {
			t.Fatal("no clause under article 2")
		}
		realNow := env.App.Now
		today := time.Now()
		type op struct {
			stance  string
			section *domain.Section
			village string
			channel string // "" online
			day     int    // days after today
			body    string
			outcome string // "approve" (default), "reject" or "" left pending
		}
		ops := []op{
			{"agree", art5, "A1", "", 0, "Đồng ý tổ chức cưới tiết kiệm trong một ngày.", "approve"},
			{"agree", art5, "A1", "", 0, "Cưới tiết kiệm là nếp sống mới của thôn.", "approve"},
			{"disagree", clause, "A1", "", 2, "Khoản này chưa nói rõ cách phân loại rác tại nguồn.", "approve"},
			{"other", nil, "A2", "", 2, "Đề nghị sửa đường làng trước mùa mưa.", "approve"},
			{"agree", art2, "", "", 2, "Duong lang can lat gach cho sach.", "approve"},
			{"disagree", art5, "A1", "meeting", 2, "Giữ cưới tiết kiệm nhưng cho phép hai ngày nếu nhà xa.", "approve"},
			{"agree", art5, "A2", "", 2, "Ý kiến này còn chờ duyệt: cưới tiết kiệm.", ""},
			{"disagree", art5, "A2", "", 2, "Ý kiến này bị từ chối: cưới tiết kiệm.", "reject"},
		}
		for i, o := range ops {
			env.App.Now = func() time.Time { return today.AddDate(0, 0, o.day) }
			in := app.NewOpinion{Stance: o.stance, Body: o.body, VillageCode: o.village, Channel: o.channel, Reference: "BB-01/2026"}
			if o.section != nil {
				in.SectionID = &o.section.ID
			}
			var r *app.Receipt
			var err error
			if o.channel != "" {
				r, err = env.App.EnterOfflineOpinion(ctx, env.OfficialA, c.ID, in, fmt.Sprint("k", i))
			} else {
				r, err = env.App.SubmitOpinion(ctx, c.ID, in, "")
			}
			if err != nil {
				t.Fatalf("opinion %d: %v", i, err)
			}
			switch o.outcome {
			case "approve":
				_, err = env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, approve())
			case "reject":
				_, err = env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, app.Decision{Decision: "reject", Reason: "spam"})
			}
			if err != nil {
				t.Fatalf("moderate %d: %v", i, err)
			}
		}
		env.App.Now = realNow

		page := env.NewBrowser(t).Get(fmt.Sprintf("/c/%d", c.ID)).Body
		rows, svgs := chartTables(t, page)
		// Six approved opinions: 3 agree, 2 disagree, 1 other; 5 online, 1 at a meeting.
		// Article 5 has three (two agree and the meeting's); article 2 has its own and the
		// clause's. Villages: A1 has four of 120 households (3.33 %), A2 one of 80 (1.25 %);
		// overall five of 200 (2.5 %); the sixth named no village.
		day := func(d int) string { return today.AddDate(0, 0, d).In(domain.Zone).Format("02/01/2006") }
		want := map[string][]string{
			"chart-stance":   {"Lựa chọn | Số ý kiến", "Đồng ý | 3 (50%)", "Không đồng ý | 2 (33,3%)", "Ý kiến khác | 1 (16,7%)"},
			"chart-articles": {"Điều | Số ý kiến", "Điều 5. Việc cưới | 3", "Điều 2. Vệ sinh môi trường | 2"},
			"chart-channels": {"Hình thức | Số ý kiến", "Trực tuyến | 5 (83,3%)", "Cuộc họp của cộng đồng dân cư | 1 (16,7%)"},
			"chart-days":     {"Ngày | Số ý kiến", day(0) + " | 2", day(2) + " | 4"},
			"chart-participation": {"Thôn, tổ dân phố | Số ý kiến | Số hộ | Tỉ lệ",
				"Thôn Hai | 1 | 80 | 1,3%", "Thôn Một | 4 | 120 | 3,3%", "Chung | 5 | 200 | 2,5%"},
		}
		for id, w := range want {
			if got := rows[id]; strings.Join(got, "\n") != strings.Join(w, "\n") {
				t.Errorf("%s table:\n%s\nwant:\n%s", id, strings.Join(got, "\n"), strings.Join(w, "\n"))
			}
		}
		for id, svg := range svgs {
			if svg == "" {
				t.Errorf("%s: no SVG", id)
				continue
			}
			m := ariaRe.FindStringSubmatch(svg)
			if m == nil || strings.TrimSpace(m[1]) == "" {
				t.Errorf("%s: the SVG has no role=img with an aria-label", id)
			}
			for _, bad := range []string{"style=", "<script", "javascript:", " on"} {
				if strings.Contains(svg, bad) {
					t.Errorf("%s: the SVG contains %q", id, bad)
				}
			}
		}
		if len(svgs) != len(want) {
			t.Errorf("%d charts, want %d", len(svgs), len(want))
		}
		section := page[strings.Index(page, `<section class="box charts"`):]
		section = section[:strings.Index(section, "</section>")]
		if strings.Contains(section, "style=") || strings.Contains(section, "<script") {
			t.Errorf("the summary section has inline style or script")
		}
		// The accessible names carry the numbers too.
		stanceAria := html.UnescapeString(ariaRe.FindStringSubmatch(svgs["chart-stance"])[1])
		mustContain(t, stanceAria, "6 ý kiến", "Đồng ý: 3 (50%)", "Không đồng ý: 2 (33,3%)", "Ý kiến khác: 1 (16,7%)")
		mustContain(t, html.UnescapeString(ariaRe.FindStringSubmatch(svgs["chart-participation"])[1]), "5 ý kiến", "200 hộ", "2,5%")
		mustContain(t, html.UnescapeString(ariaRe.FindStringSubmatch(svgs["chart-days"])[1]), day(0), day(2), "tổng cộng 6 ý kiến")
		// Three days, the middle one empty: three column slots, two columns drawn.
		if n := strings.Count(svgs["chart-days"], "<rect"); n != 2 {
			t.Errorf("day chart draws %d columns, want 2", n)
		}
		// The longest stance bar spans the whole bar area; the others are in proportion.
		for _, w := range []string{`width="210" height="14" fill="#1a5fb4" class="bar-agree"`,
			`width="140" height="14" fill="#1a5fb4" class="bar-disagree"`, `width="70" height="14" fill="#1a5fb4" class="bar-other"`} {
			mustContain(t, svgs["chart-stance"], w)
		}

		// Themes: "cưới tiết kiệm" in three approved opinions (not the pending or rejected
		// ones), "đường làng" in two, one of them typed without marks.
		mustContain(t, page, `href="/c/`+fmt.Sprint(c.ID)+`/opinions?theme=cuoi%20tiet%20kiem">cưới tiết kiệm</a> <span class="muted">3 ý kiến</span>`,
			`?theme=duong%20lang">đường làng</a> <span class="muted">2 ý kiến</span>`)

		en := env.NewBrowser(t).Get(fmt.Sprintf("/c/%d?lang=en", c.ID)).Body
		enRows, _ := chartTables(t, en)
		if got := strings.Join(enRows["chart-stance"], "\n"); !strings.Contains(got, "Disagree | 2 (33.3%)") {
			t.Errorf("English stance table:\n%s", got)
		}
		if got := strings.Join(enRows["chart-participation"], "\n"); !strings.Contains(got, "Overall | 5 | 200 | 2.5%") {
			t.Errorf("English participation table:\n%s", got)
		}
	})
}

// TestThemeFilterAndSimilarGroups follows a theme's link to the opinions behind it, and
// checks that near-identical opinions on the list are shown once, with their count.
func TestThemeFilterAndSimilarGroups(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		c := env.OpenConsultation(t)
		campaign := "Chúng tôi kiến nghị thôn cho phép tổ chức đám cưới trong hai ngày vì họ hàng ở xa cần thời gian đi lại và nghỉ ngơi trước khi dự lễ chính"
		bodies := []string{
			campaign,
			strings.Replace(campaign, "hai ngày", "2 ngày", 1),
			strings.Replace(campaign, "nghỉ ngơi", "chuẩn bị", 1),
			"Đề nghị sửa đường làng trước mùa mưa.",
			"Duong lang can lat gach cho sach.",
			"Đường làng ở xóm trên hay ngập.",
		}
		for _, b := range bodies {
			r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "other", Body: b}, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, approve()); err != nil {
				t.Fatal(err)
			}
		}
		b := env.NewBrowser(t)
		list := fmt.Sprintf("/c/%d/opinions", c.ID)

		road := b.Get(list + "?theme=" + url.QueryEscape("duong lang")).Body
		mustContain(t, road, "Ý kiến nhắc đến “duong lang”", "Đề nghị sửa đường làng", "Duong lang can lat gach", "Đường làng ở xóm trên")
		mustNotContain(t, road, "đám cưới")
		// Typed with marks, the theme finds the same opinions.
		mustContain(t, b.Get(list+"?theme="+url.QueryEscape("Đường làng")).Body, "Duong lang can lat gach", "Đề nghị sửa đường làng")
		none := b.Get(list + "?theme=" + url.QueryEscape("không có cụm này")).Body
		mustContain(t, none, "Chưa có ý kiến nào được công bố.")

		all := b.Get(list).Body
		if n := strings.Count(all, "đám cưới trong"); n != 3 {
			t.Fatalf("the campaign's text appears %d times, want 3 (one shown, two folded)", n)
		}
		mustContain(t, all, `<details class="similar"><summary>và 2 ý kiến tương tự</summary>`)
		// The folded copies sit inside the group, after the first.
		first := strings.Index(all, "đám cưới trong")
		details := strings.Index(all, `<details class="similar">`)
		if first < 0 || details < first || strings.Count(all[details:], "đám cưới trong") != 2 {
			t.Errorf("the group's copies are not under its first opinion")
		}
		if strings.Count(all, `<details class="similar">`) != 1 {
			t.Errorf("different opinions were grouped")
		}
	})
}
