package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// disclosureForm is a complete entry of commune A, its document of Thursday 5 November 2026
// (5 working days: Thu 12 Nov), posted from 12 November for 30 days.
func disclosureForm() url.Values {
	return url.Values{
		"unit": {"A"}, "category": {"2"}, "title": {"Dự toán ngân sách xã năm 2027"},
		"body":       {"Dự toán thu, chi ngân sách xã năm 2027 đã được Hội đồng nhân dân xã quyết định."},
		"doc_number": {"15/NQ-HĐND"}, "doc_date": {"2026-11-05"}, "doc_issuer": {"Hội đồng nhân dân xã An Bình"},
		"posted_from": {"2026-11-12"}, "posted_until": {"2026-12-12"},
		"forms":     {"notice_board", "portal"},
		"link_name": {"Nghị quyết (PDF)"}, "link_url": {"https://anbinh.example.vn/nq15.pdf"},
	}
}

// TestDisclosureRegister walks the register as an official and as a resident: the 30 days of
// Law 10/2022 art. 13(2) (29 refused, 30 accepted), the 5 working days of art. 12(3) (the
// 5th working day on time, the 6th flagged late), the register of a unit and the units under
// it, the quarterly list (page, CSV, print), the feed, consultation results counted under
// their item without being entered, correction and taking down with their audit entries.
func TestDisclosureRegister(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		testutil.SeedOversight(t, env.Fixture) // OnTimeA's results 4 Nov 2026, LateB's 7 May 2026
		env.App.Now = func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, domain.Zone) }
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")

		// 12 Nov → 11 Dec is 29 days counted from the day after posting: refused, nothing stored.
		short := disclosureForm()
		short.Set("posted_until", "2026-12-11")
		res := official.Submit("/staff/disclosures/new", "/staff/disclosures", short)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("29 days: status %d", res.Status)
		}
		mustContain(t, res.Body, "ít nhất 30 ngày liên tục", "chỉ có 29 ngày")
		if n := testutil.CountRows(t, st, "disclosures", "1=1"); n != 0 {
			t.Fatalf("29 days stored %d rows", n)
		}
		// 12 Nov → 12 Dec: 30 days, accepted; posted on the 5th working day: on time.
		res = official.Submit("/staff/disclosures/new", "/staff/disclosures", disclosureForm())
		if res.Status != http.StatusSeeOther {
			t.Fatalf("30 days: status %d\n%s", res.Status, res.Body)
		}
		// The same document posted on Fri 13 Nov, the 6th working day: accepted, flagged late.
		late := disclosureForm()
		late.Set("title", "Quyết toán ngân sách xã năm 2025")
		late.Set("posted_from", "2026-11-13")
		late.Set("posted_until", "2026-12-13")
		res = official.Submit("/staff/disclosures/new", "/staff/disclosures", late)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("late: status %d\n%s", res.Status, res.Body)
		}
		if n := testutil.CountRows(t, st, "audit_log", "action = 'disclosure.create'"); n != 2 {
			t.Errorf("audit entries for two creations: %d", n)
		}
		staffPage := official.Get("/staff/disclosures")
		mustContain(t, staffPage.Body, "Dự toán ngân sách xã năm 2027", "Quyết toán ngân sách xã năm 2025",
			"Công khai muộn")
		if strings.Count(staffPage.Body, `<strong class="late">`) != 1 {
			t.Errorf("the staff register should flag exactly the late posting")
		}

		resident := env.NewBrowser(t)
		reg := resident.Get("/u/A/disclosures")
		if reg.Status != http.StatusOK {
			t.Fatalf("register: %d", reg.Status)
		}
		// OnTimeA's results count as a disclosure of item 8 without being entered.
		mustContain(t, reg.Body, "Dự toán ngân sách xã năm 2027", "Văn bản số 15/NQ-HĐND ngày 05/11/2026",
			"Kết quả lấy ý kiến đã công bố trên cổng Góp Ý", "3 thông tin")
		mustContain(t, resident.Get("/u/P/disclosures").Body, "Dự toán ngân sách xã năm 2027")
		mustNotContain(t, resident.Get("/u/B/disclosures").Body, "Dự toán ngân sách xã năm 2027")
		mustContain(t, resident.Get("/u/A/disclosures?category=8").Body, "1 thông tin")
		mustContain(t, resident.Get("/u/A").Body, `href="/u/A/disclosures"`)
		en := resident.Get("/u/A/disclosures?lang=en")
		mustContain(t, en.Body, "Register of disclosures", "3 disclosures")
		resident.Get("/u/A/disclosures?lang=vi")

		// The quarterly list of Q4 2026: oldest first, the late one marked.
		q := resident.Get("/u/A/disclosures/quarterly?year=2026&quarter=4")
		if q.Status != http.StatusOK {
			t.Fatalf("quarterly: %d %s", q.Status, q.Body)
		}
		mustContain(t, q.Body, "Danh mục thông tin đã công khai quý 4 năm 2026", "1 thông tin công khai muộn",
			"từ ngày 01/10/2026 đến hết ngày 31/12/2026")
		csv := resident.Get("/u/A/disclosures/quarterly.csv?year=2026&quarter=4")
		if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("CSV: %d %q", csv.Status, csv.Header.Get("Content-Disposition"))
		}
		lines := strings.Split(strings.TrimSpace(csv.Body), "\r\n")
		if len(lines) != 4 {
			t.Fatalf("CSV lines: %d\n%s", len(lines), csv.Body)
		}
		mustContain(t, lines[1], "Kết quả lấy ý kiến công bố trên cổng", "Đúng hạn")
		mustContain(t, lines[2], "Dự toán ngân sách xã năm 2027", "12/11/2026", "12/12/2026", ",30,", "Đúng hạn")
		mustContain(t, lines[3], "Quyết toán ngân sách xã năm 2025", "Công khai muộn")
		mustContain(t, resident.Get("/u/A/disclosures/quarterly/print?year=2026&quarter=4").Body,
			"Cộng hòa xã hội chủ nghĩa Việt Nam", "thông tin đã công khai quý 4 năm 2026", "CHỦ TỊCH")
		if r := resident.Get("/u/A/disclosures/quarterly?year=2026&quarter=5"); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("quarter 5: %d", r.Status)
		}
		// LateB's results (8 working days after the close) are late in B's list of Q2 2026.
		mustContain(t, resident.Get("/u/B/disclosures/quarterly?year=2026&quarter=2").Body, "1 thông tin công khai muộn")

		feed := resident.Get("/feeds/disclosures.atom?unit=A")
		mustContain(t, feed.Body, "<title type=\"text\">Dự toán ngân sách xã năm 2027</title>", "/disclosures/")

		// An official of commune B may not correct A's entry.
		id := queryID(t, st, "SELECT MIN(id) FROM disclosures")
		page := "/disclosures/" + itoa(id)
		mustContain(t, resident.Get(page).Body, "Nghị quyết (PDF)", "https://anbinh.example.vn/nq15.pdf", "Niêm yết; Cổng/trang thông tin điện tử", "Đúng hạn")
		mustContain(t, resident.Get("/disclosures/"+itoa(id+1)).Body, `<strong class="late">Công khai muộn</strong>`)
		other := env.NewBrowser(t)
		other.Login("official.b@example.vn")
		if r := other.Get("/staff/disclosures/" + itoa(id) + "/edit"); r.Status != http.StatusForbidden {
			t.Errorf("official of B edits A's entry: %d", r.Status)
		}

		// A javascript: link is refused.
		bad := disclosureForm()
		bad.Set("link_url", "javascript:alert(1)")
		if r := official.Submit("/staff/disclosures/new", "/staff/disclosures", bad); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("javascript link: %d", r.Status)
		}

		// Correct, then take down: the register no longer shows it, the audit log keeps both.
		fixed := disclosureForm()
		fixed.Set("title", "Dự toán ngân sách xã năm 2027 (bản sửa)")
		edit := "/staff/disclosures/" + itoa(id) + "/edit"
		if r := official.Submit(edit, edit, fixed); r.Status != http.StatusSeeOther {
			t.Fatalf("correct: %d\n%s", r.Status, r.Body)
		}
		mustContain(t, resident.Get(page).Body, "(bản sửa)")
		if r := official.Submit(edit, "/staff/disclosures/"+itoa(id)+"/take-down", url.Values{"reason": {""}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("take down without a reason: %d", r.Status)
		}
		if r := official.Submit(edit, "/staff/disclosures/"+itoa(id)+"/take-down", url.Values{"reason": {"Nhập nhầm đơn vị."}}); r.Status != http.StatusSeeOther {
			t.Fatalf("take down: %d", r.Status)
		}
		if r := resident.Get(page); r.Status != http.StatusNotFound {
			t.Errorf("taken-down entry for a resident: %d", r.Status)
		}
		mustNotContain(t, resident.Get("/u/A/disclosures").Body, "(bản sửa)")
		mustContain(t, official.Get("/staff/disclosures").Body, "(bản sửa)", "Đã gỡ")
		for _, action := range []string{"disclosure.correct", "disclosure.take_down"} {
			if n := testutil.CountRows(t, st, "audit_log", "action = '"+action+"' AND target_id = "+itoa(id)); n != 1 {
				t.Errorf("audit %s: %d", action, n)
			}
		}

		// After its last day the entry stays, marked ended.
		env.App.Now = func() time.Time { return time.Date(2026, 12, 14, 0, 0, 0, 0, domain.Zone) }
		mustContain(t, resident.Get("/u/A/disclosures").Body, "Quyết toán ngân sách xã năm 2025", "Đã hết thời hạn niêm yết")

		// The annual figures: 2026 in commune A: 2 postings (one taken down), OnTimeA's results.
		f, err := env.App.DisclosureYearFigures(t.Context(), []int64{queryID(t, st, "SELECT id FROM units WHERE code = 'A'")}, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if f.Posted != 2 || f.Late != 1 || f.ByCategory[1] != 1 || f.ByCategory[7] != 1 {
			t.Errorf("figures of 2026: %+v", f)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func queryID(t *testing.T, st *store.Store, query string) int64 {
	t.Helper()
	var id int64
	if err := st.SQLDB().QueryRowContext(t.Context(), query).Scan(&id); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return id
}

// disclosureForm is a valid entry of commune A titled after the request, for the matrix.
func (w *authzWorld) disclosureForm() url.Values {
	v := disclosureForm()
	v.Set("title", w.title())
	return v
}

// disclosure enters an entry of commune A for one request of the matrix.
func (w *authzWorld) disclosure(t *testing.T) int64 {
	t.Helper()
	d, err := w.env.App.CreateDisclosure(context.Background(), w.env.OfficialA, app.DisclosureInput{
		UnitCode: "A", Category: 2, Title: "Sổ " + w.title(), DocNumber: "1/QĐ-UBND", DocDate: "2026-11-05",
		DocIssuer: "Ủy ban nhân dân xã An Bình", PostedFrom: "2026-11-06", PostedUntil: "2026-12-06", Forms: []string{"portal"}})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// TestDisclosureFiles uploads files with an entry: a PDF and a Word document are kept and
// served to residents as downloads of their detected type, with nosniff; an HTML page
// renamed .pdf and a zip that is no office document are refused; a taken-down entry's files
// are gone with it.
func TestDisclosureFiles(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		env.App.Now = func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, domain.Zone) }
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		if r := official.Submit("/staff/disclosures/new", "/staff/disclosures", disclosureForm()); r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d", r.Status)
		}
		id := queryID(t, st, "SELECT MIN(id) FROM disclosures")
		edit := "/staff/disclosures/" + itoa(id) + "/edit"
		send := func(name string, data []byte) *testutil.Response {
			t.Helper()
			page := official.Get(edit)
			m := regexp.MustCompile(`name="_csrf" value="([^"]*)"`).FindStringSubmatch(page.Body)
			if m == nil {
				t.Fatal("no CSRF token on the edit page")
			}
			body, ct := multipartBody(t, url.Values{"_csrf": {m[1]}}, &upload{name, "application/octet-stream", data})
			h := official.FormHeaders()
			h["Content-Type"] = ct
			return official.Do(http.MethodPost, "/staff/disclosures/"+itoa(id)+"/files", body, h)
		}
		if r := send("nghi-quyet.pdf", samplePDF); r.Status != http.StatusSeeOther {
			t.Fatalf("PDF: %d %s", r.Status, r.Body)
		}
		if r := send("du-toan.docx", officeZip(t, "word/document.xml")); r.Status != http.StatusSeeOther {
			t.Fatalf("DOCX: %d", r.Status)
		}
		if r := send("trang.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("HTML as .pdf: %d", r.Status)
		} else {
			mustContain(t, r.Body, "Chỉ nhận tệp PDF, Word (.docx), Excel (.xlsx)")
		}
		if r := send("a.zip", officeZip(t, "readme.txt")); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("plain zip: %d", r.Status)
		}
		if n := testutil.CountRows(t, st, "audit_log", "action = 'disclosure.attach'"); n != 2 {
			t.Errorf("audit entries for uploads: %d", n)
		}
		resident := env.NewBrowser(t)
		page := resident.Get("/disclosures/" + itoa(id))
		links := regexp.MustCompile(`href="(/disclosures/\d+/files/\d+)"`).FindAllStringSubmatch(page.Body, -1)
		if len(links) != 2 {
			t.Fatalf("file links on the entry's page: %v", links)
		}
		for i, want := range []string{"application/pdf", domain.MIMEDOCX} {
			r := resident.Get(links[i][1])
			if r.Status != http.StatusOK || r.Header.Get("Content-Type") != want || r.Header.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s: %d %q %q %q", links[i][1], r.Status, r.Header.Get("Content-Type"),
					r.Header.Get("X-Content-Type-Options"), r.Header.Get("Content-Disposition"))
			}
		}
		if r := resident.Get("/disclosures/" + itoa(id) + "/files/999999"); r.Status != http.StatusNotFound {
			t.Errorf("unknown file: %d", r.Status)
		}
		api := resident.Get("/api/v1/disclosures?unit=A")
		mustContain(t, api.Body, `"name":"nghi-quyet.pdf"`, "/files/")
		if r := official.Submit(edit, "/staff/disclosures/"+itoa(id)+"/take-down", url.Values{"reason": {"Sai văn bản."}}); r.Status != http.StatusSeeOther {
			t.Fatalf("take down: %d", r.Status)
		}
		if r := resident.Get(links[0][1]); r.Status != http.StatusNotFound {
			t.Errorf("file of a taken-down entry: %d", r.Status)
		}
	})
}

// officeZip is a minimal zip with the content-types part and one more part.
func officeZip(t *testing.T, part string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", part} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("<x/>")); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
