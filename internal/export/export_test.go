package export

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
)

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"=1+1":                   "'=1+1",
		`=HYPERLINK("http://x")`: `'=HYPERLINK("http://x")`,
		"+84 912":                "'+84 912",
		"-2+3":                   "'-2+3",
		"@SUM(A1)":               "'@SUM(A1)",
		"\t=1":                   "'\t=1",
		"\r=1":                   "'\r=1",
		"Đồng ý = tốt":           "Đồng ý = tốt",
		"'already quoted":        "'already quoted",
		"Thôn Một (2), Thôn Hai": "Thôn Một (2), Thôn Hai",
	} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFilenameIsASCII(t *testing.T) {
	for title, want := range map[string]string{
		"Dự thảo hương ước Thôn Một": "bao-cao-7-du-thao-huong-uoc-thon-mot.csv",
		"Đường làng, ngõ xóm!":       "bao-cao-7-duong-lang-ngo-xom.csv",
		"“”…":                        "bao-cao-7.csv",
		"村规民约":                       "bao-cao-7.csv",
	} {
		if got := Filename(&app.Report{ConsultationID: 7, Title: title}, CSV); got != want {
			t.Errorf("Filename(%q) = %q, want %q", title, got, want)
		}
	}
	long := Filename(&app.Report{ConsultationID: 7, Title: strings.Repeat("Quy ước ", 40)}, XLSX)
	if len(long) > 80 || !strings.HasSuffix(long, ".xlsx") || strings.Contains(long, "--") {
		t.Errorf("long title gives %q", long)
	}
}

func TestFitCell(t *testing.T) {
	short := strings.Repeat("ế", 1000)
	if fitCell(short) != short {
		t.Error("a short text was changed")
	}
	long := strings.Repeat("😀", maxCell) // two UTF-16 units each
	got := fitCell(long)
	if n := len(utf16.Encode([]rune(got))); n > maxCell {
		t.Errorf("cut text has %d UTF-16 units", n)
	}
	if !strings.HasSuffix(got, " […]") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("cut text ends %q", got[len(got)-20:])
	}
}

// TestXLSXQuotePrefix checks that a text a spreadsheet could take for a formula is written
// to the workbook as written, in a cell whose format carries Excel's quote prefix
// (quotePrefix="1"), while the CSV keeps its leading "'"; other texts keep a plain style.
func TestXLSXQuotePrefix(t *testing.T) {
	formula := `=HYPERLINK("http://evil.example/x";"Bấm vào đây")`
	r := &app.Report{ConsultationID: 7, Title: "+84 là mã vùng", UnitName: "Xã An Bình",
		OpensAt: time.Date(2026, 11, 1, 0, 0, 0, 0, domain.Zone), LastDay: time.Date(2026, 11, 30, 0, 0, 0, 0, domain.Zone),
		Sections: []app.ReportSection{{General: true, Groups: []app.ReportGroup{
			{Texts: []string{formula}, Count: 1, Stances: domain.Counts{Total: 1, Other: 1}, Channels: []domain.Channel{domain.ChannelOnline}},
			{Texts: []string{"Đồng ý = tốt"}, Count: 1, Stances: domain.Counts{Total: 1, Agree: 1}, Channels: []domain.Channel{domain.ChannelOnline}},
		}}}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, r, i18n.VI, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	quoted := func(sheet, cell string) (string, bool) {
		t.Helper()
		v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		xf := f.Styles.CellXfs.Xf[id]
		return v, xf.QuotePrefix != nil && *xf.QuotePrefix
	}
	sheets := f.GetSheetList()
	for _, c := range []struct {
		sheet, cell, want string
		prefix            bool
	}{
		{sheets[0], "F2", formula, true},
		{sheets[0], "F3", "Đồng ý = tốt", false},
		{sheets[0], "A1", header(i18n.VI)[0], false},
		{sheets[1], "B1", "+84 là mã vùng", true},
	} {
		v, prefix := quoted(c.sheet, c.cell)
		if v != c.want {
			t.Errorf("%s!%s = %q, want %q", c.sheet, c.cell, v, c.want)
		}
		if strings.HasPrefix(v, "'") {
			t.Errorf("%s!%s = %q: a literal quote in the value", c.sheet, c.cell, v)
		}
		if prefix != c.prefix {
			t.Errorf("%s!%s: quote prefix %v, want %v", c.sheet, c.cell, prefix, c.prefix)
		}
	}
	var csvBuf bytes.Buffer
	if err := WriteCSV(&csvBuf, r, i18n.VI); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csvBuf.String(), `"'=HYPERLINK(`) {
		t.Errorf("the CSV lost its quote: %s", csvBuf.String())
	}
}
