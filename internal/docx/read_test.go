package docx

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/draft"
)

// heading is what a test expects of a section: its kind, path and heading.
type heading struct {
	kind    draft.Kind
	path    string
	heading string
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	text, err := Text(raw)
	if err != nil {
		t.Fatalf("Text(%s): %v", name, err)
	}
	return text
}

func checkSections(t *testing.T, text string, want []heading) []draft.Section {
	t.Helper()
	got := draft.Split(text)
	var heads []heading
	for _, s := range got {
		if s.Kind != draft.Preamble {
			heads = append(heads, heading{s.Kind, s.Path, s.Heading})
		}
	}
	if len(heads) != len(want) {
		t.Fatalf("got %d sections, want %d\n%v\ntext:\n%s", len(heads), len(want), heads, text)
	}
	for i := range want {
		if heads[i] != want[i] {
			t.Errorf("section %d = %v, want %v", i, heads[i], want[i])
		}
	}
	return got
}

func body(t *testing.T, secs []draft.Section, path string) string {
	t.Helper()
	for _, s := range secs {
		if s.Path == path {
			return s.Body
		}
	}
	t.Fatalf("no section %s", path)
	return ""
}

// A document saved by LibreOffice: outline-numbered chapters, an article list that runs on
// across chapters, clause lists restarted per article with lettered points, a table.
func TestLibreOfficeDocument(t *testing.T) {
	text := readFixture(t, "huong-uoc-libreoffice.docx")
	secs := checkSections(t, text, []heading{
		{draft.Chapter, "c1", "Chương I. NHỮNG QUY ĐỊNH CHUNG"},
		{draft.Article, "c1.d1", "Điều 1. Phạm vi điều chỉnh"},
		{draft.Article, "c1.d2", "Điều 2. Đối tượng áp dụng"},
		{draft.Chapter, "c2", "Chương II. XÂY DỰNG NẾP SỐNG VĂN HÓA"},
		{draft.Article, "c2.d3", "Điều 3. Việc cưới"},
		{draft.Clause, "c2.d3.k1", "1."},
		{draft.Clause, "c2.d3.k2", "2."},
		{draft.Article, "c2.d4", "Điều 4. Khen thưởng và xử lý vi phạm"},
		{draft.Clause, "c2.d4.k1", "1."},
		{draft.Clause, "c2.d4.k2", "2."},
	})
	if b := body(t, secs, "c2.d3.k2"); b != "Tổ chức lễ cưới trang trọng, tiết kiệm:\na) Không thách cưới;\nb) Không tổ chức ăn uống linh đình." {
		t.Errorf("points of clause 2: %q", b)
	}
	// Bold text is kept as text; the table's rows are lines of their cells.
	if b := body(t, secs, "c1.d1"); b != "Hương ước này quy định về việc cưới, việc tang và lễ hội trong thôn." {
		t.Errorf("article 1: %q", b)
	}
	if b := body(t, secs, "c2.d4.k2"); b != "Mức đóng góp khi vi phạm:\n\n| Hành vi | Mức đóng góp |\n| Mở loa sau 22 giờ | 50.000 đồng |" {
		t.Errorf("clause with the table: %q", b)
	}
	if p := secs[0]; p.Kind != draft.Preamble || !strings.HasPrefix(p.Body, "HƯƠNG ƯỚC\nTHÔN ĐÔNG HÀ, XÃ TÂN LẬP\nCăn cứ") {
		t.Errorf("preamble: %+v", p)
	}
}

// A document in the shape Word writes: heading styles, numbering carried by a style,
// w:numPr lists restarted with a startOverride, a tracked deletion, a bullet, a table.
func TestWordDocument(t *testing.T) {
	text := readFixture(t, "quy-uoc-word.docx")
	secs := checkSections(t, text, []heading{
		{draft.Chapter, "c1", "Chương I. QUY ĐỊNH CHUNG"},
		{draft.Article, "c1.d1", "Điều 1. Phạm vi"},
		{draft.Chapter, "c2", "Chương II. GIỮ GÌN VỆ SINH MÔI TRƯỜNG"},
		{draft.Article, "c2.d2", "Điều 2. Rác thải sinh hoạt"},
		{draft.Clause, "c2.d2.k1", "1."},
		{draft.Clause, "c2.d2.k2", "2."},
		{draft.Article, "c2.d3", "Điều 3. Cây xanh"},
		{draft.Clause, "c2.d3.k1", "1."},
		{draft.Clause, "c2.d3.k2", "2."},
	})
	if b := body(t, secs, "c2.d2.k2"); b != "Đổ rác đúng giờ:\na) Buổi sáng trước 6 giờ;\nb) Buổi tối sau 18 giờ." {
		t.Errorf("points: %q", b)
	}
	if b := body(t, secs, "c2.d3.k2"); b != "Không chặt cây khi chưa được phép.\n- Ghi chú: tổ trưởng nhắc nhở.\n\n| Việc | Thời gian |\n| Tổng vệ sinh | Chủ nhật cuối tháng |" {
		t.Errorf("last clause: %q", b)
	}
	if strings.Contains(text, "bản cũ") {
		t.Error("a tracked deletion became text")
	}
}

// zipOf packs files into a zip archive, deflated.
func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func documentXML(body string) []byte {
	return []byte(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body + `</w:body></w:document>`)
}

func TestRefused(t *testing.T) {
	// An encrypted .docx is an OLE compound file whose directory names an EncryptedPackage
	// stream (UTF-16LE); a Word 97–2003 .doc is a compound file without one.
	ole := append(append([]byte{}, oleSignature...), make([]byte, 504)...)
	encrypted := append(append([]byte{}, ole...), encryptedPackage...)
	// A zip bomb: a document.xml of zeros that expands far past MaxPart from a few kilobytes.
	bomb := zipOf(t, map[string][]byte{"word/document.xml": bytes.Repeat([]byte{' '}, MaxPart+1)})
	if len(bomb) > MaxFile/10 {
		t.Fatalf("the bomb is %d bytes: not a bomb", len(bomb))
	}
	long := zipOf(t, map[string][]byte{"word/document.xml": documentXML("<w:p><w:r><w:t>" + strings.Repeat("chữ ", MaxText/5) + "</w:t></w:r></w:p>")})
	many := zipOf(t, map[string][]byte{"word/document.xml": documentXML(strings.Repeat("<w:p/>", MaxParagraphs+1))})
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"encrypted", encrypted, ErrEncrypted},
		{"word 97", ole, ErrOldWord},
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj"), ErrNotWord},
		{"empty", nil, ErrNotWord},
		{"plain text", []byte("Điều 1. Phạm vi"), ErrNotWord},
		{"zip without document", zipOf(t, map[string][]byte{"content.xml": []byte("<x/>")}), ErrNotWord},
		{"broken xml", zipOf(t, map[string][]byte{"word/document.xml": []byte("<w:document><w:body><w:p>")}), ErrNotWord},
		{"zip bomb", bomb, ErrTooLarge},
		{"too many paragraphs", many, ErrTooLarge},
		{"too much text", long, ErrTooLarge},
		{"too large", make([]byte, MaxFile+1), ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Text(tc.data); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// A minimal document without relationships or numbering still gives its text, and a
// numbering with lvlRestart 0 keeps counting across its parent level.
func TestMinimalAndNumbering(t *testing.T) {
	numbering := []byte(`<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="7">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="Chương %1"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:lvlRestart w:val="0"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Điều %2."/><w:suff w:val="space"/></w:lvl>
</w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="7"/></w:num></w:numbering>`)
	rels := []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>`)
	p := func(ilvl, text string) string {
		return `<w:p><w:pPr><w:numPr><w:ilvl w:val="` + ilvl + `"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>` + text + `</w:t></w:r></w:p>`
	}
	doc := documentXML(p("0", "MỘT") + p("1", "Một") + p("1", "Hai") + p("0", "HAI") + p("1", "Ba"))
	got, err := Text(zipOf(t, map[string][]byte{"word/document.xml": doc, "word/numbering.xml": numbering, "word/_rels/document.xml.rels": rels}))
	if err != nil {
		t.Fatal(err)
	}
	want := "Chương I. MỘT\nĐiều 1. Một\nĐiều 2. Hai\nChương II. HAI\nĐiều 3. Ba"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
