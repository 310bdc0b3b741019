package web_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// wordFixture is a draft saved as .docx (internal/docx/testdata/README.md).
func wordFixture(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile("../docx/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// multipartForm encodes fields and, unless file is nil, the file as field "document".
func multipartForm(t *testing.T, fields map[string]string, fileName string, file []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		fw, err := w.CreateFormFile("document", fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &buf
}

var csrfValue = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// postDraftForm sends the staff create form with a Word file, as a browser sends it.
func postDraftForm(t *testing.T, env *testutil.Env, b *testutil.Browser, fields map[string]string, fileName string, file []byte) *testutil.Response {
	t.Helper()
	page := b.Get("/staff/consultations/new")
	m := csrfValue.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no CSRF token on the form (status %d)", page.Status)
	}
	if !strings.Contains(page.Body, `enctype="multipart/form-data"`) || !strings.Contains(page.Body, `name="document" type="file"`) {
		t.Fatal("the create form does not take a file")
	}
	all := map[string]string{"_csrf": html.UnescapeString(m[1])}
	for k, v := range fields {
		all[k] = v
	}
	ct, body := multipartForm(t, all, fileName, file)
	return b.Do(http.MethodPost, "/staff/consultations", body, map[string]string{
		"Content-Type": ct, "Sec-Fetch-Site": "same-origin", "Origin": env.URL,
	})
}

func draftFields(title string) map[string]string {
	today := domain.StartOfDay(time.Now())
	return map[string]string{
		"title": title, "kind": "huong_uoc", "unit_code": "A1", "moderation": "pre",
		"first_day": today.Format(time.DateOnly), "last_day": today.AddDate(0, 0, 30).Format(time.DateOnly),
	}
}

// sectionHeads lists a consultation's sections as "path heading".
func sectionHeads(t *testing.T, env *testutil.Env, id int64) []string {
	t.Helper()
	c, err := env.App.Consultation(context.Background(), env.OfficialA, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range c.Sections {
		out = append(out, s.Path+" "+s.Heading)
	}
	return out
}

// A draft made from a .docx on the staff form has the Chương / Điều / Khoản its pasted text
// would have; a file that is not a readable Word document gets a 422 saying what to do.
func TestDraftFromWordOnTheForm(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		b := env.NewBrowser(t)
		b.Login("official.a@example.vn")

		res := postDraftForm(t, env, b, draftFields("Hương ước từ LibreOffice"), "huong-uoc.docx", wordFixture(t, "huong-uoc-libreoffice.docx"))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("upload: status %d\n%s", res.Status, res.Body)
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/staff/consultations/"), 10, 64)
		if err != nil {
			t.Fatalf("sent to %q", res.Header.Get("Location"))
		}
		got := strings.Join(sectionHeads(t, env, id), "\n")
		want := strings.Join([]string{
			"p ", "c1 Chương I. NHỮNG QUY ĐỊNH CHUNG", "c1.d1 Điều 1. Phạm vi điều chỉnh", "c1.d2 Điều 2. Đối tượng áp dụng",
			"c2 Chương II. XÂY DỰNG NẾP SỐNG VĂN HÓA", "c2.d3 Điều 3. Việc cưới", "c2.d3.k1 1.", "c2.d3.k2 2.",
			"c2.d4 Điều 4. Khen thưởng và xử lý vi phạm", "c2.d4.k1 1.", "c2.d4.k2 2.",
		}, "\n")
		if got != want {
			t.Fatalf("sections:\n%s\nwant:\n%s", got, want)
		}

		// Pasted text still works with the form as a browser sends it without a file: an
		// empty file part with no name.
		pasted := draftFields("Hương ước dán")
		pasted["text"] = testutil.Draft
		if res := postDraftForm(t, env, b, pasted, "", []byte{}); res.Status != http.StatusSeeOther {
			t.Fatalf("pasted text on the multipart form: status %d\n%s", res.Status, res.Body)
		}

		ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
		var encrypted []byte
		encrypted = append(encrypted, ole...)
		for _, r := range "EncryptedPackage" {
			encrypted = append(encrypted, byte(r), 0)
		}
		for _, tc := range []struct {
			name string
			file []byte
			text string
			key  string
		}{
			{"encrypted.docx", encrypted, "", "validation.document_encrypted"},
			{"cu.doc", ole, "", "validation.document_old_word"},
			{"scan.pdf", []byte("%PDF-1.7\n1 0 obj"), "", "validation.document_not_word"},
			{"huong-uoc.docx", wordFixture(t, "quy-uoc-word.docx"), "Điều 1. Phạm vi", "validation.document_and_text"},
		} {
			fields := draftFields("Bị từ chối " + tc.name)
			fields["text"] = tc.text
			res := postDraftForm(t, env, b, fields, tc.name, tc.file)
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("%s: status %d, want 422", tc.name, res.Status)
			}
			mustContain(t, res.Body, `id="e-document"`, viMessage(tc.key))
		}
		// Past the file limit, still next to the field.
		big := append(wordFixture(t, "quy-uoc-word.docx"), make([]byte, 5<<20)...)
		res = postDraftForm(t, env, b, draftFields("Quá lớn"), "lon.docx", big)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("large file: status %d", res.Status)
		}
		mustContain(t, res.Body, viMessage("validation.document_too_large", 5, 20000))
		if n := countRows(t, st, "consultations", "title LIKE 'Bị từ chối%' OR title = 'Quá lớn'"); n != 0 {
			t.Fatalf("%d refused drafts saved", n)
		}

		// In English for an official who reads English.
		b.Get("/?lang=en")
		res = postDraftForm(t, env, b, draftFields("Encrypted"), "x.docx", encrypted)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("english: status %d", res.Status)
		}
		mustContain(t, res.Body, html.EscapeString(i18n.T(i18n.EN, "validation.document_encrypted")))
	})
}
