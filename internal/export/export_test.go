package export

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/gopy-vn/gopy/internal/app"
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
