package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/detect"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// fuzzKeyLike is what an untranslated message looks like: i18n.T returns a missing key as is.
var fuzzKeyLike = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_-]+)+$`)

// FuzzSubmitOpinionJSON sends arbitrary bodies to POST /api/v1/consultations/{id}/opinions
// through the real HTTP stack (middleware, decoder, app, SQLite), in process. Every answer is
// a created receipt or an application error in the API's shape, in the caller's language;
// a stored opinion holds exactly the cleaned text, with no markup, and reads back the same.
func FuzzSubmitOpinionJSON(f *testing.F) {
	st := testutil.NewStore(f, store.SQLite)
	env := testutil.StartServerWith(f, st, func(c *config.Config) { c.OpinionsPerHour = 1 << 30 })
	cons := env.OpenConsultation(f)
	var chapter, article int64
	for _, s := range cons.Sections {
		if s.Commentable() {
			article = s.ID
		} else {
			chapter = s.ID
		}
	}
	if chapter == 0 || article == 0 {
		f.Fatalf("the fixture draft has no chapter or no article: %+v", cons.Sections)
	}
	path := fmt.Sprintf("/api/v1/consultations/%d/opinions", cons.ID)
	handler := env.Server.Config.Handler

	for _, s := range []string{
		`{"stance":"agree","body":"Tôi & bạn <3"}`,
		`{"stance":"disagree","body":"a &lt;b&gt; &amp;lt;","author_name":"Trần Thị B","show_name":true}`,
		fmt.Sprintf(`{"stance":"other","body":"Về điều này","section_id":%d,"village_code":"A1"}`, article),
		fmt.Sprintf(`{"stance":"other","body":"Về chương","section_id":%d}`, chapter),
		`{"stance":"agree","body":"Gọi 0912 345 678","contact":"0912345678","consent":true}`,
		`{"stance":"agree","body":"Liên hệ","contact":"a@b.vn"}`,
		`{"stance":"agree","body":"x","village_code":"B1"}`,
		`{"stance":"maybe","body":""}`,
		`{"stance":1,"body":["x"],"section_id":"1"}`,
		`{"stance":"agree","body":"\u0000\ud800\u202e<b>x</b>"}`,
		`{"stance":"agree","body":"ok","section_id":99999999999999999999}`,
		`{"stance":"agree","body":"ok"`, `[]`, `null`, ``, "{\"stance\":\"agree\",\"body\":\"a\xffb\"}",
	} {
		f.Add(s, uint8(0), "", false)
	}
	for _, p := range []string{
		"<script>alert(1)</script>", "<<script>script>alert(1)<</script>/script>", "<textarea><script>alert(1)</script></textarea>",
		"<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>", "<\u212Ascript>", "&lt;script&gt;alert(1)&lt;/script&gt;",
	} {
		in, _ := json.Marshal(map[string]any{"stance": "agree", "body": "Ý kiến " + p, "author_name": p, "contact": p, "consent": true, "show_name": true})
		f.Add(string(in), uint8(0), "", true)
	}
	f.Add(`{"stance":"agree","body":"Lần một"}`, uint8(1), "khoa-1", false)
	f.Add(`{"stance":"agree","body":"Lần hai"}`, uint8(1), "khoa-1", false)
	f.Add(`{"stance":"agree","body":"Gửi dạng biểu mẫu"}`, uint8(2), "", false)
	f.Add(`{"stance":"agree","body":"Khoá quá dài"}`, uint8(0), strings.Repeat("k", 65), false)

	mediaTypes := []string{"application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded", "text/plain", "", "application/json; charset"}

	f.Fuzz(func(t *testing.T, body string, media uint8, key string, english bool) {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", mediaTypes[int(media)%len(mediaTypes)])
		if key != "" {
			req.Header["Idempotency-Key"] = []string{key}
		}
		lang := i18n.VI
		if english {
			lang = i18n.EN
			req.Header.Set("Accept-Language", "en")
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)

		var in app.NewOpinion
		decoded := json.Unmarshal([]byte(body), &in) == nil

		if rec.Code != http.StatusCreated {
			checkFuzzError(t, body, rec, lang)
			if rec.Code == http.StatusUnprocessableEntity && decoded {
				// The same input given to the app directly: the refusal names keys that exist.
				_, err := env.App.SubmitOpinion(context.Background(), cons.ID, in, key)
				if err == nil {
					t.Fatalf("body %q: the API refused it (%s) but the app accepted it", body, rec.Body)
				}
				de := domain.AsError(err)
				if de.Code == domain.CodeInternal || !i18n.Has(de.Message.Key) {
					t.Fatalf("body %q: error %v has no message in the catalogue", body, err)
				}
				for field, m := range de.Fields {
					if !i18n.Has(m.Key) {
						t.Fatalf("body %q: field %s has the missing key %q", body, field, m.Key)
					}
				}
			}
			return
		}

		if !decoded {
			t.Fatalf("body %q was accepted but is not a JSON opinion", body)
		}
		var receipt struct {
			TrackingCode string `json:"tracking_code"`
			Status       string `json:"status"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &receipt); err != nil {
			t.Fatalf("body %q: receipt %q: %v", body, rec.Body, err)
		}
		o, err := env.Store.OpinionByCode(context.Background(), receipt.TrackingCode)
		if err != nil {
			t.Fatalf("body %q: receipt %+v: no stored opinion: %v", body, receipt, err)
		}
		for field, v := range map[string]string{"body": o.Body, "body_public": o.BodyPublic, "author_name": o.AuthorName, "contact": o.Contact} {
			if testutil.OpensTag(v) {
				t.Fatalf("body %q: stored %s %q contains markup", body, field, v)
			}
		}
		// Stored exactly as cleaned: what a resident typed without markup comes back as typed.
		if want := textnorm.CleanText(in.Body); o.Body != want {
			t.Fatalf("body %q: stored body %q, want %q", body, o.Body, want)
		}
		// A name is kept only to be shown with the opinion.
		if want := textnorm.CleanLine(in.AuthorName); !in.ShowName && o.AuthorName != "" || in.ShowName && o.AuthorName != want {
			t.Fatalf("body %q: stored name %q, want %q (shown: %t)", body, o.AuthorName, want, in.ShowName)
		}
		if want := textnorm.CleanContact(in.Contact); o.Contact != want {
			t.Fatalf("body %q: stored contact %q, want %q", body, o.Contact, want)
		}
		if string(o.Stance) != in.Stance || o.Channel != domain.ChannelOnline || o.ShowName != (in.ShowName && o.AuthorName != "") {
			t.Fatalf("body %q: stored %+v", body, o)
		}
		if o.BodyPublic != detect.Mask(o.Body) {
			t.Fatalf("body %q: public body %q is not the masked body", body, o.BodyPublic)
		}

		// The tracking view returns the public text byte for byte.
		rec = httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/opinions/"+receipt.TrackingCode, nil))
		var tracked struct {
			Body   string `json:"body"`
			Stance string `json:"stance"`
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &tracked) != nil {
			t.Fatalf("body %q: tracking %s: %d %s", body, receipt.TrackingCode, rec.Code, rec.Body)
		}
		if tracked.Body != o.BodyPublic || tracked.Stance != in.Stance {
			t.Fatalf("body %q: tracked %+v, stored %q", body, tracked, o.BodyPublic)
		}
	})
}

// checkFuzzError checks a refusal: an expected status, the API's error shape with a code
// that maps to that status, and messages that are translated text.
func checkFuzzError(t *testing.T, body string, rec *httptest.ResponseRecorder, lang string) {
	t.Helper()
	switch rec.Code {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
	default:
		t.Fatalf("body %q: status %d: %s", body, rec.Code, rec.Body)
	}
	var e httpx.ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatalf("body %q: status %d with a body that is not an API error: %q", body, rec.Code, rec.Body)
	}
	if httpx.Status(e.Error.Code) != rec.Code || e.Error.Code == domain.CodeInternal {
		t.Fatalf("body %q: status %d with error code %q", body, rec.Code, e.Error.Code)
	}
	messages := map[string]string{"message": e.Error.Message}
	for field, m := range e.Error.Fields {
		messages["fields."+field] = m
	}
	for where, m := range messages {
		if m == "" || fuzzKeyLike.MatchString(m) || strings.Contains(m, "%!") {
			t.Fatalf("body %q: %s %q is not a translated message (%s)", body, where, m, lang)
		}
	}
}
