package api_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// documentForm is POST /consultations as multipart/form-data: the fields and a Word file.
func documentForm(t *testing.T, fields map[string]string, file []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if file != nil {
		fw, err := w.CreateFormFile("document", "du-thao.docx")
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

// POST /consultations as multipart/form-data makes a draft from a .docx in the shape Word
// writes, split as its pasted text would be; a file that is not a Word document is a 422
// naming the document field.
func TestCreateConsultationFromWord(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := as(t, env, env.OfficialA)
		doc, err := os.ReadFile("../docx/testdata/quy-uoc-word.docx")
		if err != nil {
			t.Fatal(err)
		}
		today := domain.StartOfDay(time.Now())
		fields := map[string]string{
			"title": "Quy ước tổ dân phố", "kind": "quy_uoc", "unit_code": "A1",
			"opens_at": today.Format(time.DateOnly), "closes_at": today.AddDate(0, 0, 31).Format(time.DateOnly),
		}
		send := func(cl *client, file []byte) *testutil.Response {
			ct, body := documentForm(t, fields, file)
			return cl.b.Do(http.MethodPost, api+"/consultations", body, cl.with("Content-Type", ct).header)
		}

		got := decodeAs[consultationJSON](t, send(c, doc), http.StatusCreated)
		var heads []string
		for _, s := range got.Sections {
			heads = append(heads, s.Path+" "+s.Heading)
		}
		want := "p |c1 Chương I. QUY ĐỊNH CHUNG|c1.d1 Điều 1. Phạm vi|c2 Chương II. GIỮ GÌN VỆ SINH MÔI TRƯỜNG|" +
			"c2.d2 Điều 2. Rác thải sinh hoạt|c2.d2.k1 1.|c2.d2.k2 2.|c2.d3 Điều 3. Cây xanh|c2.d3.k1 1.|c2.d3.k2 2."
		if strings.Join(heads, "|") != want {
			t.Fatalf("sections\n%s\nwant\n%s", strings.Join(heads, "|"), want)
		}
		if got.Title != "Quy ước tổ dân phố" || got.Kind != "quy_uoc" {
			t.Errorf("consultation %+v", got)
		}

		// Not a Word document: 422 in the caller's language, at the document field.
		res := send(c, []byte("%PDF-1.7\n"))
		e := decodeAs[errorBody](t, res, http.StatusUnprocessableEntity)
		if e.Error.Fields["document"] != i18n.T(i18n.VI, "validation.document_not_word") {
			t.Errorf("fields %v", e.Error.Fields)
		}
		e = decodeAs[errorBody](t, send(c.with("Accept-Language", "en"), []byte("PK\x03\x04broken")), http.StatusUnprocessableEntity)
		if e.Error.Fields["document"] != i18n.T(i18n.EN, "validation.document_not_word") {
			t.Errorf("fields in English %v", e.Error.Fields)
		}

		// A session cookie alone does not carry a multipart call from another site.
		b := env.NewBrowser(t)
		b.Login("official.a@example.vn")
		ct, body := documentForm(t, fields, doc)
		if res := b.Do(http.MethodPost, api+"/consultations", body, map[string]string{"Content-Type": ct, "Sec-Fetch-Site": "cross-site"}); res.Status != http.StatusForbidden {
			t.Fatalf("cross-site multipart: status %d", res.Status)
		}
	})
}
