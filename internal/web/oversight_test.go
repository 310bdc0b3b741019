package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

var (
	ovRow  = regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`)
	ovCell = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	ovTag  = regexp.MustCompile(`<[^>]+>`)
	ovBr   = regexp.MustCompile(`<br>`)
)

// oversightTable returns the body rows of the table captioned caption, each as its cells'
// text, a line break inside a cell written " / ".
func oversightTable(t *testing.T, page, caption string) []string {
	t.Helper()
	i := strings.Index(page, "<caption>"+caption+"</caption>")
	if i < 0 {
		t.Fatalf("no table captioned %q", caption)
	}
	table := page[i:]
	table = table[strings.Index(table, "<tbody>"):strings.Index(table, "</tbody>")]
	var rows []string
	for _, r := range ovRow.FindAllStringSubmatch(table, -1) {
		var cells []string
		for _, c := range ovCell.FindAllStringSubmatch(r[1], -1) {
			text := ovTag.ReplaceAllString(ovBr.ReplaceAllString(c[1], " / "), "")
			cells = append(cells, strings.Join(strings.Fields(html.UnescapeString(text)), " "))
		}
		rows = append(rows, strings.Join(cells, " | "))
	}
	return rows
}

func checkLines(t *testing.T, where string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n%s\nwant:\n%s", where, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Rows of the oversight page for the history of testutil.SeedOversight, counted by hand
// there: title and unit | stage | period | opinions | participation / households | end |
// deadline | results | timeliness.
const (
	rowProvince    = "Quy hoạch sử dụng đất của tỉnh / Của Tỉnh Thử, gồm 2 xã, phường, đặc khu | Đang lấy ý kiến | 10/11/2026 – 20/12/2026 | 0 | 0% / 260 hộ | — | — | — | Chưa kết thúc lấy ý kiến"
	rowOverdueA    = "Dự thảo hương ước Thôn Hai | Đã hết hạn góp ý | 13/10/2026 – 12/11/2026 | 1 | 0,5% / 200 hộ | 12/11/2026 / Đóng ngày 16/11/2026 | 19/11/2026 | Chưa công bố | Quá hạn 4 ngày làm việc, chưa công bố kết quả"
	rowOnTimeA     = "Kế hoạch chỉnh trang chợ xã | Đã công bố kết quả / Kết thúc sớm | 01/10/2026 – 30/10/2026 / 29/30 ngày đã công bố; tối thiểu 20 ngày | 3 | 1,5% / 200 hộ | 30/10/2026 / Kết thúc sớm lúc 16:00 30/10/2026 (đã công bố đến hết ngày 30/10/2026) | 06/11/2026 | 04/11/2026 / sau 3 ngày làm việc | Đúng hạn"
	rowNeverClosed = "Kế hoạch trồng rừng phòng hộ | Đã hết hạn góp ý | 01/10/2026 – 21/10/2026 | 0 | 0% / 60 hộ | 21/10/2026 / Hết thời hạn nhưng chưa được đóng | 28/10/2026 | Chưa công bố | Quá hạn 20 ngày làm việc, chưa công bố kết quả"
	rowLateB       = "Kế hoạch làm đường liên thôn Bản Nà | Đã công bố kết quả / Kết thúc sớm | 02/04/2026 – 22/04/2026 / 20/21 ngày đã công bố; tối thiểu 20 ngày | 2 | 3,3% / 60 hộ | 22/04/2026 / Kết thúc sớm lúc 17:00 22/04/2026 (đã công bố đến hết ngày 22/04/2026) | 04/05/2026 | 07/05/2026 / sau 8 ngày làm việc | Công bố muộn 3 ngày làm việc"
)

// TestOversightPage checks the oversight page and its JSON twin against figures counted by
// hand: participation, days from the end to the results, overdue amounts; the admin of the
// province sees both communes, the observer of commune A only A, the official of commune
// B nothing of A; drafts never appear.
func TestOversightPage(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		set := testutil.SeedOversight(t, env.Fixture)

		admin := env.NewBrowser(t)
		admin.Login("admin@example.vn")
		mustContain(t, admin.Get("/staff").Body, `href="/staff/oversight"`)
		res := admin.Get("/staff/oversight")
		if res.Status != http.StatusOK {
			t.Fatalf("admin: %d", res.Status)
		}
		page := res.Body
		mustContain(t, page, "Số liệu tính đến ngày 25/11/2026.", "5 ngày làm việc",
			`<option value="P">Tỉnh Thử</option>`, `<option value="A">Xã An Bình</option>`, `<option value="B">Xã Bắc Sơn</option>`,
			"3 cuộc lấy ý kiến, 4 ý kiến đã duyệt. Đang lấy ý kiến: 1; chờ công bố kết quả: 0; công bố đúng hạn: 1; quá hạn chưa công bố: 1; công bố muộn: 0.",
			"3 cuộc lấy ý kiến, 2 ý kiến đã duyệt. Đang lấy ý kiến: 1; chờ công bố kết quả: 0; công bố đúng hạn: 0; quá hạn chưa công bố: 1; công bố muộn: 1.")
		mustNotContain(t, page, set.Draft.Title)
		checkLines(t, "overdue", oversightTable(t, page, "Các cuộc lấy ý kiến chậm công bố kết quả, chậm nhiều nhất ở trên"), []string{
			"Kế hoạch trồng rừng phòng hộ / Xã Bắc Sơn | 21/10/2026 / Hết thời hạn nhưng chưa được đóng | 28/10/2026 | Chưa công bố | Quá hạn 20 ngày làm việc, chưa công bố kết quả",
			"Dự thảo hương ước Thôn Hai / Xã An Bình | 12/11/2026 / Đóng ngày 16/11/2026 | 19/11/2026 | Chưa công bố | Quá hạn 4 ngày làm việc, chưa công bố kết quả",
			"Kế hoạch làm đường liên thôn Bản Nà / Xã Bắc Sơn | 22/04/2026 / Kết thúc sớm lúc 17:00 22/04/2026 (đã công bố đến hết ngày 22/04/2026) | 04/05/2026 | 07/05/2026 / sau 8 ngày làm việc | Công bố muộn 3 ngày làm việc",
		})
		// Every early close is listed with its real end, the days given and the reason, most
		// recent first (Decree 61/2023 art. 9(1) and Law 10/2022 art. 28(2) set the minimums).
		checkLines(t, "closed early", oversightTable(t, page, "Các lần kết thúc lấy ý kiến trước ngày cuối đã công bố, mới nhất trước"), []string{
			"Kế hoạch chỉnh trang chợ xã / Xã An Bình | 01/10/2026 – 30/10/2026 | 16:00 30/10/2026 | 29/30 ngày đã công bố; tối thiểu 20 ngày | " + testutil.CloseReason,
			"Kế hoạch làm đường liên thôn Bản Nà / Xã Bắc Sơn | 02/04/2026 – 22/04/2026 | 17:00 22/04/2026 | 20/21 ngày đã công bố; tối thiểu 20 ngày | " + testutil.CloseReason,
		})
		mustContain(t, page, "Không có dự thảo nào bị rút.")
		checkLines(t, "commune A", oversightTable(t, page, "Các cuộc lấy ý kiến của Xã An Bình"), []string{rowProvince, rowOverdueA, rowOnTimeA})
		checkLines(t, "commune B", oversightTable(t, page, "Các cuộc lấy ý kiến của Xã Bắc Sơn"), []string{rowProvince, rowNeverClosed, rowLateB})

		// Narrowed to commune B: the province's own consultation is outside the view.
		page = admin.Get("/staff/oversight?unit=B").Body
		mustContain(t, page, `<option value="B" selected>Xã Bắc Sơn</option>`)
		mustNotContain(t, page, "Xã An Bình</h3>", "Quy hoạch sử dụng đất")
		checkLines(t, "commune B alone", oversightTable(t, page, "Các cuộc lấy ý kiến của Xã Bắc Sơn"), []string{rowNeverClosed, rowLateB})

		observer := env.NewBrowser(t)
		observer.Login("observer.a@example.vn")
		page = observer.Get("/staff/oversight").Body
		mustNotContain(t, page, "Xã Bắc Sơn", "Bản Nà", "trồng rừng", "Quy hoạch sử dụng đất", `<select id="ov-unit"`)
		checkLines(t, "observer of A", oversightTable(t, page, "Các cuộc lấy ý kiến của Xã An Bình"), []string{rowOverdueA, rowOnTimeA})

		officialB := env.NewBrowser(t)
		officialB.Login("official.b@example.vn")
		page = officialB.Get("/staff/oversight").Body
		mustNotContain(t, page, "Xã An Bình", "chợ xã", "Thôn Hai", "Quy hoạch sử dụng đất")
		checkLines(t, "official of B", oversightTable(t, page, "Các cuộc lấy ý kiến của Xã Bắc Sơn"), []string{rowNeverClosed, rowLateB})
		if res := officialB.Get("/staff/oversight?unit=A"); res.Status != http.StatusForbidden {
			t.Errorf("official of B narrowing to A: %d", res.Status)
		}
		if res := admin.Get("/staff/oversight?unit=KHONG-CO"); res.Status != http.StatusNotFound {
			t.Errorf("unknown unit: %d", res.Status)
		}

		// In English, and on the first working day past a deadline: singular days.
		day := time.Date(2026, 11, 20, 8, 0, 0, 0, domain.Zone)
		env.App.Now = func() time.Time { return day.UTC() }
		page = observer.Get("/staff/oversight?lang=en").Body
		mustContain(t, page, "Figures as of 20/11/2026.", "Overdue by 1 working day, results not published",
			"1.5%", "200 households", "after 3 working days", "On time", "Closed on 16/11/2026")
		day = time.Date(2026, 11, 19, 8, 0, 0, 0, domain.Zone)
		mustContain(t, observer.Get("/staff/oversight?lang=en").Body, "Results due today", "No consultation&#39;s results are late.")
		day = time.Date(2026, 11, 18, 8, 0, 0, 0, domain.Zone)
		mustContain(t, observer.Get("/staff/oversight?lang=en").Body, "Not yet due: 1 working day left")
		env.App.Now = func() time.Time { return testutil.OversightToday.UTC() }

		// The API gives the same rows.
		var view struct {
			Unit     *struct{ Code string } `json:"unit"`
			Today    string                 `json:"today"`
			Communes []struct {
				Commune struct{ Code, Name, Kind string } `json:"commune"`
				Totals  map[string]int                    `json:"totals"`
				Items   []apiOverseen                     `json:"consultations"`
			} `json:"communes"`
			Overdue     []apiOverseen `json:"overdue"`
			ClosedEarly []apiOverseen `json:"closed_early"`
			Withdrawn   []any         `json:"withdrawn"`
		}
		res = admin.Get("/api/v1/oversight")
		if res.Status != http.StatusOK {
			t.Fatalf("API: %d %s", res.Status, res.Body)
		}
		if err := json.Unmarshal([]byte(res.Body), &view); err != nil {
			t.Fatal(err)
		}
		if view.Unit != nil || view.Today != "2026-11-25" || len(view.Communes) != 2 ||
			view.Communes[0].Commune.Code != "A" || view.Communes[1].Commune.Code != "B" || view.Communes[1].Commune.Kind != "commune" {
			t.Fatalf("API view: %s", res.Body)
		}
		if tot := view.Communes[1].Totals; tot["consultations"] != 3 || tot["opinions"] != 2 || tot["open"] != 1 || tot["overdue"] != 1 || tot["published_late"] != 1 || tot["on_time"] != 0 {
			t.Errorf("totals of B: %v", tot)
		}
		var lines []string
		for _, g := range view.Communes {
			for _, c := range g.Items {
				lines = append(lines, g.Commune.Code+": "+c.line())
			}
		}
		for _, c := range view.Overdue {
			lines = append(lines, "overdue: "+c.line())
		}
		checkLines(t, "API", lines, []string{
			"A: Quy hoạch sử dụng đất của tỉnh P province 2 open 0/260=0.0% ended - due - took - late 0 left 0",
			"A: Dự thảo hương ước Thôn Hai A commune 1 overdue 1/200=0.5% ended 2026-11-12 due 2026-11-19 took - late 4 left 0",
			"A: Kế hoạch chỉnh trang chợ xã A commune 1 on_time 3/200=1.5% ended 2026-10-30 due 2026-11-06 took 3 late 0 left 0",
			"B: Quy hoạch sử dụng đất của tỉnh P province 2 open 0/260=0.0% ended - due - took - late 0 left 0",
			"B: Kế hoạch trồng rừng phòng hộ B commune 1 overdue 0/60=0.0% ended 2026-10-21 due 2026-10-28 took - late 20 left 0",
			"B: Kế hoạch làm đường liên thôn Bản Nà B commune 1 published_late 2/60=3.3% ended 2026-04-22 due 2026-05-04 took 8 late 3 left 0",
			"overdue: Kế hoạch trồng rừng phòng hộ B commune 1 overdue 0/60=0.0% ended 2026-10-21 due 2026-10-28 took - late 20 left 0",
			"overdue: Dự thảo hương ước Thôn Hai A commune 1 overdue 1/200=0.5% ended 2026-11-12 due 2026-11-19 took - late 4 left 0",
			"overdue: Kế hoạch làm đường liên thôn Bản Nà B commune 1 published_late 2/60=3.3% ended 2026-04-22 due 2026-05-04 took 8 late 3 left 0",
		})

		var early []string
		for _, c := range view.ClosedEarly {
			early = append(early, fmt.Sprintf("%s early=%v %d/%d min %d closed %s %q", c.Title, c.ClosedEarly, c.DaysGiven, c.DaysPlanned,
				c.MinDays, c.ClosedAt.In(domain.Zone).Format("2006-01-02 15:04"), c.CloseReason))
		}
		checkLines(t, "API closed early", early, []string{
			fmt.Sprintf("Kế hoạch chỉnh trang chợ xã early=true 29/30 min 20 closed 2026-10-30 16:00 %q", testutil.CloseReason),
			fmt.Sprintf("Kế hoạch làm đường liên thôn Bản Nà early=true 20/21 min 20 closed 2026-04-22 17:00 %q", testutil.CloseReason),
		})
		if view.Withdrawn == nil || len(view.Withdrawn) != 0 {
			t.Errorf("withdrawn: %v, want an empty list", view.Withdrawn)
		}

		// The API's scope is the page's: the observer sees commune A only; the official
		// of B may not narrow to A; nobody signed in is asked to.
		api := observer.Get("/api/v1/oversight").Body
		if !strings.Contains(api, `"code":"A"`) || strings.Contains(api, `"code":"B"`) || strings.Contains(api, "Bản Nà") {
			t.Errorf("observer of A through the API: %s", api)
		}
		if res := officialB.Get("/api/v1/oversight?unit=A"); res.Status != http.StatusForbidden {
			t.Errorf("API, official of B narrowing to A: %d", res.Status)
		}
		api = admin.Get("/api/v1/oversight?unit=B").Body
		if !strings.Contains(api, `"unit":{"code":"B","name":"Xã Bắc Sơn","kind":"commune"}`) || strings.Contains(api, "Quy hoạch sử dụng đất") {
			t.Errorf("API narrowed to B: %s", api)
		}
		if res := env.NewBrowser(t).Get("/api/v1/oversight"); res.Status != http.StatusUnauthorized {
			t.Errorf("API, anonymous: %d", res.Status)
		}
	})
}

// apiOverseen is a consultation of GET /api/v1/oversight, as a client reads it.
type apiOverseen struct {
	Title string `json:"title"`
	Unit  struct {
		Code string `json:"code"`
		Kind string `json:"kind"`
	} `json:"unit"`
	Communes      int        `json:"communes"`
	Timeliness    string     `json:"timeliness"`
	Opinions      int        `json:"opinions"`
	Households    int        `json:"households"`
	Participation *float64   `json:"participation_percent"`
	EndedAt       *time.Time `json:"ended_at"`
	Deadline      *string    `json:"results_deadline"`
	Took          *int       `json:"working_days_to_results"`
	Late          int        `json:"working_days_late"`
	Left          int        `json:"working_days_left"`
	ClosedAt      *time.Time `json:"closed_at"`
	ClosedEarly   bool       `json:"closed_early"`
	CloseReason   string     `json:"close_reason"`
	DaysGiven     int        `json:"days_given"`
	DaysPlanned   int        `json:"days_planned"`
	MinDays       int        `json:"min_days"`
}

func (c apiOverseen) line() string {
	ended, due, took, rate := "-", "-", "-", "null"
	if c.EndedAt != nil {
		ended = c.EndedAt.In(domain.Zone).Format(time.DateOnly)
	}
	if c.Deadline != nil {
		due = *c.Deadline
	}
	if c.Took != nil {
		took = fmt.Sprint(*c.Took)
	}
	if c.Participation != nil {
		rate = fmt.Sprintf("%.1f%%", *c.Participation)
	}
	return fmt.Sprintf("%s %s %s %d %s %d/%d=%s ended %s due %s took %s late %d left %d", c.Title, c.Unit.Code, c.Unit.Kind,
		c.Communes, c.Timeliness, c.Opinions, c.Households, rate, ended, due, took, c.Late, c.Left)
}
