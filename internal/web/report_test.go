package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// reportCase is a closed consultation with opinions on two articles and on the draft as a
// whole, two of them answered as a group and one alone, and the rows its report must have,
// computed by hand.
type reportCase struct {
	c        *domain.Consultation
	group    string // the answer given to two opinions of Điều 5 at once
	alone    string // the answer given to the opinion on Điều 2
	secrets  []string
	wantRows [][]string // the CSV's rows after the header
}

const (
	headerCSV      = "Mã phần,Phần của dự thảo,Cả phần: đồng ý,Cả phần: không đồng ý,Cả phần: ý kiến khác,Nội dung ý kiến,Số ý kiến,"
	hyperlinkBody  = `=HYPERLINK("http://evil.example/x";"Bấm vào đây")`
	dashBody       = "-Cần thêm quy định về đèn đường ngõ 4."
	bodyWithPhone  = "Tôi đồng ý với toàn bộ dự thảo, cần thì gọi 0987 654 321."
	maskedPhone    = "Tôi đồng ý với toàn bộ dự thảo, cần thì gọi"
	wedding2Days   = "Đề nghị cho cưới hai ngày."
	relatives      = "Cưới hai ngày mới đủ cho họ hàng ở xa."
	oneDay         = "Đồng ý cưới một ngày cho tiết kiệm."
	pendingBody    = "Ý kiến này chưa được duyệt."
	secretName     = "Nguyễn Văn Bí"
	secretContact  = "0912 345 678"
	namedAuthor    = "Trần Thị Hoa"
	namedContact   = "hoa.tran@example.vn"
	groupAnswer    = "Việc cưới vẫn một ngày để tiết kiệm; họ hàng ở xa có thể đến dự lễ chính."
	aloneAnswer    = "Thôn sẽ bổ sung quy định về thu gom rác."
	decisionReason = "Cho phép cưới hai ngày ở các thôn xa trung tâm."
	generalHeading = "Ý kiến chung về dự thảo"
)

func buildReportCase(t *testing.T, env *testutil.Env) *reportCase {
	t.Helper()
	ctx := context.Background()
	c := env.OpenConsultation(t)
	art2, art5 := testutil.Section(t, c, "c2.d2"), testutil.Section(t, c, "c2.d5")
	add := func(in app.NewOpinion, offline bool, approveIt bool) int64 {
		t.Helper()
		var r *app.Receipt
		var err error
		if offline {
			r, err = env.App.EnterOfflineOpinion(ctx, env.OfficialA, c.ID, in, "")
		} else {
			r, err = env.App.SubmitOpinion(ctx, c.ID, in, "")
		}
		if err != nil {
			t.Fatalf("opinion %q: %v", in.Body, err)
		}
		if approveIt && r.Opinion.Status != domain.OpinionApproved {
			if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, approve()); err != nil {
				t.Fatalf("approve %q: %v", in.Body, err)
			}
		}
		return r.Opinion.ID
	}
	// Điều 5: two opinions answered together (one online from Thôn Một, with a name not to
	// be shown and a contact; one from a meeting in Thôn Hai), and one left unanswered.
	o1 := add(app.NewOpinion{SectionID: &art5.ID, Stance: "disagree", Body: wedding2Days, VillageCode: "A1",
		AuthorName: secretName, Contact: secretContact, Consent: true}, false, true)
	o2 := add(app.NewOpinion{SectionID: &art5.ID, Stance: "disagree", Body: relatives, VillageCode: "A2",
		Channel: "meeting", Reference: "BB-02/2026"}, true, true)
	add(app.NewOpinion{SectionID: &art5.ID, Stance: "agree", Body: oneDay, VillageCode: "A1",
		AuthorName: namedAuthor, ShowName: true, Contact: namedContact, Consent: true}, false, true)
	// Điều 2: a formula, answered alone.
	o4 := add(app.NewOpinion{SectionID: &art2.ID, Stance: "other", Body: hyperlinkBody}, false, true)
	// The draft as a whole: a phone number in the text, and a text starting with a dash.
	add(app.NewOpinion{Stance: "agree", Body: bodyWithPhone}, false, true)
	add(app.NewOpinion{Stance: "other", Body: dashBody}, false, true)
	// Not approved: not in the report.
	add(app.NewOpinion{SectionID: &art5.ID, Stance: "agree", Body: pendingBody}, false, false)

	env.CloseAtEnd(t, env.OfficialA, c)
	if _, err := env.App.Answer(ctx, env.OfficialA, c.ID, app.NewResponse{OpinionIDs: []int64{o1, o2}, Kind: "explained", Text: groupAnswer}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Answer(ctx, env.OfficialA, c.ID, app.NewResponse{OpinionIDs: []int64{o4}, Kind: "accepted", Text: aloneAnswer}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.DecideArticle(ctx, env.OfficialA, c.ID, app.NewDecision{SectionID: art5.ID, Decision: "amended", Reason: decisionReason}); err != nil {
		t.Fatal(err)
	}
	// The period as it ran: this one was closed once it had run out, so as announced.
	period := c.OpensAt.In(domain.Zone).Format("02/01/2006") + " – " + c.LastDay().Format("02/01/2006")
	return &reportCase{
		c: c, group: groupAnswer, alone: aloneAnswer,
		secrets: []string{secretName, secretContact, "345 678", namedAuthor, namedContact, "0987 654 321", pendingBody},
		wantRows: [][]string{
			// path, section, section agree/disagree/other, opinions, count, villages, channels,
			// answer kind, answer, the decision on the section and its reason, the period
			{"", generalHeading, "1", "0", "1", maskedPhone, "1", "", "Trực tuyến", "", "", "", "", period},
			{"", generalHeading, "1", "0", "1", "'" + dashBody, "1", "", "Trực tuyến", "", "", "", "", period},
			{"c2.d2", "Điều 2. Vệ sinh môi trường", "0", "0", "1", "'" + hyperlinkBody, "1", "", "Trực tuyến", "Tiếp thu", aloneAnswer, "", "", period},
			{"c2.d5", "Điều 5. Việc cưới", "1", "2", "0", wedding2Days + "\n\n" + relatives, "2", "Thôn Một, Thôn Hai", "Trực tuyến, Cuộc họp của cộng đồng dân cư", "Giải trình", groupAnswer, "Sửa đổi, bổ sung", decisionReason, period},
			{"c2.d5", "Điều 5. Việc cưới", "1", "2", "0", oneDay, "1", "Thôn Một", "Trực tuyến", "", "", "Sửa đổi, bổ sung", decisionReason, period},
		},
	}
}

// checkRows compares rows with the expected ones; the general opinion with a phone number is
// compared by its unmasked start, since the mask's exact form is detect's business.
func checkRows(t *testing.T, where string, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d:\n%q", where, len(got), len(want), got)
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Errorf("%s row %d: %d cells, want %d: %q", where, i+1, len(got[i]), len(want[i]), got[i])
			continue
		}
		for j := range want[i] {
			ok := got[i][j] == want[i][j]
			if want[i][j] == maskedPhone {
				ok = strings.HasPrefix(got[i][j], maskedPhone) && got[i][j] != bodyWithPhone
			}
			if !ok {
				t.Errorf("%s row %d column %d: %q, want %q", where, i+1, j+1, got[i][j], want[i][j])
			}
		}
	}
}

func checkAttachment(t *testing.T, res *testutil.Response, ext, contentType string) {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("%s: status %d\n%.300s", ext, res.Status, res.Body)
	}
	if got := res.Header.Get("Content-Type"); got != contentType {
		t.Errorf("%s: Content-Type %q, want %q", ext, got, contentType)
	}
	disp, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" {
		t.Fatalf("%s: Content-Disposition %q (%v)", ext, res.Header.Get("Content-Disposition"), err)
	}
	if name := params["filename"]; !regexp.MustCompile(`^[a-z0-9-]+\.` + ext + `$`).MatchString(name) {
		t.Errorf("%s: file name %q is not a plain ASCII name", ext, name)
	}
}

// TestConsolidatedReport builds the report of a closed consultation and reads it back in
// its three forms: the printable page, the CSV and the XLSX.
func TestConsolidatedReport(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		rc := buildReportCase(t, env)
		observer := env.NewBrowser(t)
		observer.Login("observer.a@example.vn")
		base := fmt.Sprintf("/staff/consultations/%d/report", rc.c.ID)

		t.Run("page", func(t *testing.T) {
			res := observer.Get(base)
			if res.Status != http.StatusOK {
				t.Fatalf("report page: %d", res.Status)
			}
			page := res.Body
			mustContain(t, page, "Báo cáo tổng hợp, tiếp thu, giải trình ý kiến", rc.c.Title, "Xã An Bình",
				base+".csv", base+".xlsx")
			// Counts by article: agree, disagree, other, total.
			for _, want := range []string{
				`Điều 5. Việc cưới</a></th><td class="num">1</td><td class="num">2</td><td class="num">0</td><td class="num">3</td>`,
				`Điều 2. Vệ sinh môi trường</a></th><td class="num">0</td><td class="num">0</td><td class="num">1</td><td class="num">1</td>`,
				`Điều 1. Phạm vi</th><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">0</td>`,
				generalHeading + `</a></th><td class="num">1</td><td class="num">0</td><td class="num">1</td><td class="num">2</td>`,
			} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks the counts %s", want)
				}
			}
			// The group's answer appears once, in a row that counts 2 opinions and holds both.
			if n := strings.Count(page, rc.group); n != 1 {
				t.Fatalf("the group's answer appears %d times, want once", n)
			}
			rows := regexp.MustCompile(`(?s)<tr class="group">.*?</tr>`).FindAllString(page, -1)
			if len(rows) != 5 {
				t.Fatalf("%d groups on the page, want 5", len(rows))
			}
			i := slices.IndexFunc(rows, func(r string) bool { return strings.Contains(r, rc.group) })
			mustContain(t, rows[i], `data-label="Số ý kiến">2</td>`, wedding2Days, relatives, "Thôn Một, Thôn Hai", "Cuộc họp của cộng đồng dân cư", "Giải trình")
			mustContain(t, page, rc.alone, "Chưa trả lời", "Còn 3 ý kiến chưa được trả lời.")
			mustNotContain(t, page, rc.secrets...)
			mustNotContain(t, page, bodyWithPhone)
		})

		t.Run("csv", func(t *testing.T) {
			for _, path := range []string{base + ".csv", fmt.Sprintf("/api/v1/consultations/%d/report.csv", rc.c.ID)} {
				res := observer.Get(path)
				checkAttachment(t, res, "csv", "text/csv; charset=utf-8")
				body, ok := strings.CutPrefix(res.Body, "\xEF\xBB\xBF")
				if !ok {
					t.Fatalf("%s does not start with the UTF-8 byte-order mark: %q", path, res.Body[:min(10, len(res.Body))])
				}
				if !strings.HasPrefix(body, headerCSV) {
					t.Errorf("%s: header %q", path, body[:min(len(headerCSV)+20, len(body))])
				}
				records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
				if err != nil {
					t.Fatalf("%s does not parse as CSV: %v", path, err)
				}
				checkRows(t, path, records[1:], rc.wantRows)
				for _, s := range rc.secrets {
					if strings.Contains(body, s) {
						t.Errorf("%s contains %q", path, s)
					}
				}
				for _, rec := range records {
					for _, cell := range rec {
						if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
							t.Errorf("%s: cell %q could be read as a formula", path, cell)
						}
					}
				}
			}
		})

		t.Run("xlsx", func(t *testing.T) {
			token, err := env.App.CreateToken(context.Background(), "official.a@example.vn")
			if err != nil {
				t.Fatal(err)
			}
			api := env.NewBrowser(t).Do(http.MethodGet, fmt.Sprintf("/api/v1/consultations/%d/report.xlsx", rc.c.ID), nil,
				map[string]string{"Authorization": "Bearer " + token})
			for _, res := range []*testutil.Response{observer.Get(base + ".xlsx"), api} {
				checkAttachment(t, res, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
				f, err := excelize.OpenReader(strings.NewReader(res.Body))
				if err != nil {
					t.Fatalf("XLSX does not open: %v", err)
				}
				defer f.Close()
				sheets := f.GetSheetList()
				if len(sheets) != 2 || sheets[0] != "Ý kiến và trả lời" || sheets[1] != "Tổng hợp" {
					t.Fatalf("sheets %q", sheets)
				}
				rows, err := f.GetRows(sheets[0])
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.Join(rows[0], ","); !strings.HasPrefix(got+",", headerCSV) {
					t.Errorf("XLSX header %q", got)
				}
				// GetRows drops empty cells at the end of a row: pad to the header's width.
				for i := range rows {
					for len(rows[i]) < len(rows[0]) {
						rows[i] = append(rows[i], "")
					}
				}
				// The workbook keeps a formula-like text as written, in a cell whose format
				// carries Excel's quote prefix, where the CSV puts a "'" before it.
				want := make([][]string, len(rc.wantRows))
				for i, rec := range rc.wantRows {
					want[i] = slices.Clone(rec)
					for j, cell := range rec {
						if rest, ok := strings.CutPrefix(cell, "'"); ok && rest != "" && strings.ContainsRune("=+-@\t\r", rune(rest[0])) {
							want[i][j] = rest
							name, _ := excelize.CoordinatesToCellName(j+1, i+2)
							id, err := f.GetCellStyle(sheets[0], name)
							if xf := f.Styles.CellXfs.Xf[id]; err != nil || xf.QuotePrefix == nil || !*xf.QuotePrefix {
								t.Errorf("xlsx %s (%q): no quote prefix in its format (%v)", name, rest, err)
							}
						}
					}
				}
				checkRows(t, "xlsx", rows[1:], want)
				style, err := f.GetCellStyle(sheets[0], "A1")
				if err != nil {
					t.Fatal(err)
				}
				if s, err := f.GetStyle(style); err != nil || s.Font == nil || !s.Font.Bold {
					t.Errorf("header cell is not bold: %+v %v", s, err)
				}
				// Counts are numbers, not text (a number cell carries no type, or "n").
				if typ, err := f.GetCellType(sheets[0], "G5"); err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
					t.Errorf("count cell G5 has type %v (%v), want a number", typ, err)
				}
				if v, _ := f.GetCellValue(sheets[0], "G5"); v != "2" {
					t.Errorf("G5 = %q, want 2 (the group of Điều 5)", v)
				}
				if w, err := f.GetColWidth(sheets[0], "F"); err != nil || w < 40 {
					t.Errorf("opinions column width %v (%v)", w, err)
				}
				overview, err := f.GetRows(sheets[1])
				if err != nil {
					t.Fatal(err)
				}
				flat := fmt.Sprint(overview)
				for _, want := range []string{rc.c.Title, "Xã An Bình", "[Đồng ý 2]", "[Không đồng ý 2]", "[Ý kiến khác 2]", "[Tổng số 6]",
					"[Chưa được trả lời 3]", "[Trực tuyến 5]", "[Cuộc họp của cộng đồng dân cư 1]"} {
					if !strings.Contains(flat, want) {
						t.Errorf("overview sheet lacks %q: %s", want, flat)
					}
				}
				for _, s := range rc.secrets {
					for _, sheet := range sheets {
						all, _ := f.GetRows(sheet)
						if strings.Contains(fmt.Sprint(all), s) {
							t.Errorf("XLSX sheet %s contains %q", sheet, s)
						}
					}
				}
			}
		})

		t.Run("english", func(t *testing.T) {
			res := observer.Get(base + ".csv?lang=en")
			checkAttachment(t, res, "csv", "text/csv; charset=utf-8")
			mustContain(t, res.Body, "Part code,Part of the draft,", "Opinions on the whole draft")
			mustContain(t, observer.Get(base+"?lang=en").Body, "Consolidated report")
			observer.Get(base + "?lang=vi")
		})
	})
}
