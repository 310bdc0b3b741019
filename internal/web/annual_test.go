package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestAnnualReportPages walks the annual report of grassroots democracy (Law 10/2022
// art. 85–86) through the real stack on both databases, on the history of
// testutil.SeedAnnual: the commune's page in both languages, the province's rows and total,
// the A4 print, the spreadsheet and the API, each with the figures counted by hand there,
// the province's total equal to the sum of its communes in every format, and the ways in.
func TestAnnualReportPages(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		testutil.SeedAnnual(t, env.Fixture)
		b := env.NewBrowser(t)

		res := b.Get("/units/A/annual/2026")
		if res.Status != http.StatusOK {
			t.Fatalf("commune page: %d", res.Status)
		}
		// A year of a province is many statements: the answer is shared by every visitor.
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=5, stale-while-revalidate=30" {
			t.Errorf("commune page: Cache-Control %q, want the shared answers' one", cc)
		}
		for _, want := range []string{
			"Báo cáo kết quả thực hiện dân chủ ở cơ sở năm 2026", "Xã An Bình",
			"từ ngày 01/01/2026 đến hết ngày 31/12/2026",
			`Số ý kiến nhận được</th><td class="num">9</td>`,
			`Tại hội nghị, cuộc họp</th><td class="num">1</td>`,
			`Trong đó trả lời quá thời hạn công bố kết quả</th><td class="num">1</td>`,
			`Điểm hài lòng trung bình (thang 5)</th><td class="num">4,3</td>`,
			`Được thông qua</th><td class="num">1</td>`,
			`Số lượt công khai thông tin</th><td class="num">3</td>`,
			`Số đề xuất đạt đủ số hộ gia đình ủng hộ theo quy định</th><td class="num">1</td>`,
			`Số cuộc đối thoại theo lịch trong năm</th><td class="num">1</td>`,
			"/units/A/annual/2026/print", "/units/A/annual/2026.xlsx", "/units/A/annual/2025", "/units/A/annual/2027",
		} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("commune page lacks %q", want)
			}
		}
		// Counts only: no opinion's text, no commenter.
		for _, never := range []string{"Đề nghị tăng mức hỗ trợ", "Cán bộ official"} {
			if strings.Contains(res.Body, never) {
				t.Errorf("public report shows %q", never)
			}
		}

		// Every line has its label: a raw key means a figure the reader cannot name.
		for _, lang := range []string{"vi", "en"} {
			if page := b.Get("/units/P/annual/2026?lang=" + lang).Body; strings.Contains(page, "annualreport.") {
				i := strings.Index(page, "annualreport.")
				t.Errorf("the %s report shows an untranslated key: %q", lang, page[i:min(len(page), i+80)])
			}
		}

		res = b.Get("/units/A/annual/2026?lang=en")
		for _, want := range []string{"Report on grassroots democracy in 2026", `Opinions received</th><td class="num">9</td>`,
			`Average satisfaction (out of 5)</th><td class="num">4.3</td>`,
			`Items made public</th><td class="num">3</td>`, `Proposals received</th><td class="num">3</td>`,
			`Dialogues scheduled in the year</th><td class="num">1</td>`, `Overdue, not kept</th><td class="num">1</td>`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("English page lacks %q", want)
			}
		}

		// The province: a row per commune and the total, their sum.
		res = b.Get("/units/P/annual/2026?lang=vi") // the language chosen sticks
		for _, want := range []string{
			`<a href="/units/A/annual/2026">Xã An Bình</a></th><th scope="col" class="num"><a href="/units/B/annual/2026">Xã Bắc Sơn</a></th><th scope="col" class="num">Tổng cộng</th>`,
			`Số ý kiến nhận được</th><td class="num">9</td><td class="num">3</td><td class="num total">12</td>`,
			`Số ý kiến được công bố</th><td class="num">7</td><td class="num">3</td><td class="num total">10</td>`,
			`Điểm hài lòng trung bình (thang 5)</th><td class="num">4,3</td><td class="num">2,0</td><td class="num total">3,8</td>`,
			"Tổng hợp 2 xã, phường, đặc khu",
			`Số đề xuất nhận được</th><td class="num">3</td><td class="num">1</td><td class="num total">4</td>`,
			`Số thôn, tổ dân phố</th><td class="num">2</td><td class="num">1</td><td class="num total">3</td>`,
			`Số việc đã công bố kết quả nhưng chưa báo cáo Hội đồng nhân dân xã</th><td class="num">0</td><td class="num">1</td><td class="num total">1</td>`,
		} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("province page lacks %q", want)
			}
		}

		// The A4 print: the administrative header, the title and the signature block.
		res = b.Get("/units/A/annual/2026/print?lang=en")
		for _, want := range []string{"ỦY BAN NHÂN DÂN TỈNH THỬ", "ỦY BAN NHÂN DÂN XÃ AN BÌNH", "Cộng hòa xã hội chủ nghĩa Việt Nam",
			"Độc lập – Tự do – Hạnh phúc", "BÁO CÁO", "Kết quả thực hiện dân chủ ở cơ sở năm 2026", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
			"Số: ……/BC-UBND", "Nơi nhận:"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("print lacks %q", want)
			}
		}

		// The spreadsheet: a column per commune and the total, which is their sum on every row.
		res = b.Get("/units/P/annual/2026.xlsx?lang=vi")
		if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "dan-chu-co-so-tinh-thu-2026.xlsx") {
			t.Fatalf("xlsx: %d %q", res.Status, res.Header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetName(0), excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(rows[0], "|"); got != "Chỉ tiêu|Xã An Bình|Xã Bắc Sơn|Tổng cộng" {
			t.Errorf("xlsx header %q", got)
		}
		checked := 0
		for _, r := range rows[1:] {
			if len(r) < 4 || strings.Contains(r[0], "trung bình") || strings.Contains(r[0], "Average") {
				continue // a section's title, or a mean (not summed)
			}
			a, _ := strconv.Atoi(r[1])
			bb, _ := strconv.Atoi(r[2])
			total, _ := strconv.Atoi(r[3])
			if a+bb != total {
				t.Errorf("xlsx row %q: %d + %d != %d", r[0], a, bb, total)
			}
			if r[0] == "Số ý kiến nhận được" && (a != 9 || bb != 3) {
				t.Errorf("xlsx received: %v", r)
			}
			checked++
		}
		if checked < 40 {
			t.Errorf("xlsx: only %d rows of figures", checked)
		}

		// The API: the province's sections are the sum of its communes', line by line.
		res = b.JSON("GET", "/api/v1/units/P/annual/2026", "", nil)
		if res.Status != http.StatusOK {
			t.Fatalf("api: %d %s", res.Status, res.Body)
		}
		var rep struct {
			From, To string
			Sections []struct {
				Key   string
				Lines []struct {
					Key string
					N   int64
					Of  *int64
				}
			}
			Communes []struct {
				Unit     struct{ Code string }
				Sections []struct {
					Lines []struct{ N int64 }
				}
			}
		}
		if err := json.Unmarshal([]byte(res.Body), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.From != "2026-01-01T00:00:00+07:00" || rep.To != "2027-01-01T00:00:00+07:00" || len(rep.Communes) != 2 {
			t.Fatalf("api: %s", res.Body)
		}
		for i, s := range rep.Sections {
			for j, l := range s.Lines {
				if sum := rep.Communes[0].Sections[i].Lines[j].N + rep.Communes[1].Sections[i].Lines[j].N; sum != l.N {
					t.Errorf("api %s: %d, communes sum to %d", l.Key, l.N, sum)
				}
			}
		}
		if l := rep.Sections[1].Lines[0]; l.Key != "participation.received" || l.N != 12 {
			t.Errorf("api: %+v", l)
		}

		// Wrong input: a village, a year out of range, a path that is no year, an unknown unit.
		for path, want := range map[string]int{
			"/units/A1/annual/2026": 422, "/units/A/annual/1999": 422, "/units/A/annual/20x6": 404,
			"/units/ZZ/annual/2026": 404, "/units/A/annual/2026.pdf": 404,
			"/api/v1/units/A1/annual/2026": 422, "/api/v1/units/A/annual/x": 422, "/api/v1/units/ZZ/annual/2026": 404,
		} {
			if res := b.Get(path); res.Status != want {
				t.Errorf("%s: %d, want %d", path, res.Status, want)
			}
		}

		// The ways in: the unit page for residents, the staff home for officials.
		if res := b.Get("/u/A"); !strings.Contains(res.Body, `href="/units/A/annual/2027"`) {
			t.Error("the commune's page does not link its annual report")
		}
		if res := b.Get("/u/A1"); strings.Contains(res.Body, "/annual/") {
			t.Error("a village's page links an annual report")
		}
		b.Login("official.a@example.vn")
		if res := b.Get("/staff"); !strings.Contains(res.Body, `href="/staff/annual"`) {
			t.Error("the staff home does not lead to the annual reports")
		}
		res = b.Get("/staff/annual")
		if !strings.Contains(res.Body, `href="/units/A/annual/2027"`) || !strings.Contains(res.Body, `href="/units/A/annual/2026/print"`) ||
			strings.Contains(res.Body, "/units/B/") {
			t.Errorf("staff annual page:\n%s", res.Body)
		}
	})
}
