package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// fuzzBodyLimit is small so that the fuzzer reaches the too-large answer. Echo reads "2K"
// as 2,000 bytes, like the server's "512K".
const fuzzBodyLimit = 2000

// FuzzDecodeOpinion drives decode, the JSON reader of every API handler, with the body of
// an opinion submission as it comes through the body limit. It refuses with a domain error
// whose messages exist in the catalogue, accepts exactly what encoding/json reads as an
// opinion, and what it accepts reads back the same once written out again.
func FuzzDecodeOpinion(f *testing.F) {
	for _, s := range []string{
		`{"stance":"agree","body":"Tôi & bạn <3"}`,
		`{"stance":"disagree","body":"<script>alert(1)</script>","author_name":"<b>An</b>","show_name":true,"contact":"0912345678","consent":true,"village_code":"A1","section_id":3}`,
		`{"stance":1}`, `{"section_id":"3"}`, `{"section_id":1e400}`, `{"show_name":"yes"}`, `{"body":null,"section_id":null}`,
		`{"stance":"agree","body":"\u0000\ud800\u202e"}`, `{"stance":"agree"`, `[]`, `null`, ``, `{"a":{"b":[1,2,{"c":"d"}]}}`,
		"{\"body\":\"a\xffb\"}", `{"body":"` + strings.Repeat("x", fuzzBodyLimit) + `"}`,
		`{"BODY":"hoa thường","Stance":"agree","channel":"meeting","reference":"BB-1"}`,
	} {
		f.Add(s, uint8(0))
	}
	f.Add(`{"stance":"agree","body":"ok"}`, uint8(1))
	f.Add(`{"stance":"agree","body":"ok"}`, uint8(2))
	f.Add(`stance=agree&body=ok`, uint8(4))

	// Each content type, and whether it names JSON.
	mediaTypes := []struct {
		value string
		json  bool
	}{
		{echo.MIMEApplicationJSON, true}, {echo.MIMEApplicationJSONCharsetUTF8, true}, {"Application/JSON ; charset=latin1", true},
		{"application/json; charset", true}, {echo.MIMEApplicationForm, false}, {echo.MIMETextPlain, false}, {"", false},
		{"application/json+x", false}, {"application/jsonx", false},
	}
	e := echo.New()
	limit := middleware.BodyLimit("2K")

	f.Fuzz(func(t *testing.T, body string, media uint8) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/consultations/1/opinions", strings.NewReader(body))
		// An unknown length, as with a chunked upload, so the limit applies while reading.
		req.ContentLength = -1
		m := mediaTypes[int(media)%len(mediaTypes)]
		mt, isJSON := m.value, m.json
		req.Header.Set(echo.HeaderContentType, mt)
		c := e.NewContext(req, httptest.NewRecorder())
		var in app.NewOpinion
		err := limit(func(c echo.Context) error { return decode(c, &in) })(c)

		var want app.NewOpinion
		readable := isJSON && len(body) <= fuzzBodyLimit && utf8.ValidString(body)
		// encoding/json reads a null as "leave it as it is"; the API refuses one where the
		// document allows none (nulls.go).
		wantOK := readable && json.Unmarshal([]byte(body), &want) == nil && nullField([]byte(body), reflect.TypeOf(&want)) == ""

		if err != nil {
			de, ok := err.(*domain.Error)
			if !ok {
				t.Fatalf("decode(%q, %s) = %T %v: not a domain error", body, mt, err, err)
			}
			switch de.Code {
			case domain.CodeMalformed, domain.CodeInvalid, domain.CodeTooLarge:
			default:
				t.Fatalf("decode(%q, %s): unexpected code %v", body, mt, de)
			}
			if !i18n.Has(de.Message.Key) {
				t.Fatalf("decode(%q, %s): message key %q is not in the catalogue", body, mt, de.Message.Key)
			}
			for field, m := range de.Fields {
				if !i18n.Has(m.Key) {
					t.Fatalf("decode(%q, %s): field %q has the missing key %q", body, mt, field, m.Key)
				}
			}
			if (de.Code == domain.CodeTooLarge) != (isJSON && len(body) > fuzzBodyLimit) {
				t.Fatalf("decode of %d bytes (%s) answered %v", len(body), mt, de)
			}
			if wantOK {
				t.Fatalf("decode(%q, %s) refused what encoding/json reads: %v", body, mt, de)
			}
			return
		}
		if !wantOK {
			t.Fatalf("decode(%q, %s) accepted what should be refused: %+v", body, mt, in)
		}
		if !reflect.DeepEqual(in, want) {
			t.Fatalf("decode(%q) = %+v, encoding/json reads %+v", body, in, want)
		}
		// Written out and read again, the opinion is the same.
		raw, merr := json.Marshal(in)
		if merr != nil {
			t.Fatalf("marshal %+v: %v", in, merr)
		}
		if len(raw) > fuzzBodyLimit {
			return
		}
		req = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(raw)))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		var again app.NewOpinion
		if err := decode(e.NewContext(req, httptest.NewRecorder()), &again); err != nil || !reflect.DeepEqual(again, in) {
			t.Fatalf("%s reads back as %+v, %v; want %+v", raw, again, err, in)
		}
	})
}
