package app

import (
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/gopy-vn/gopy/internal/domain"
)

// rfcSecret is the SHA-1 key of the test vectors of RFC 6238, appendix B
// ("12345678901234567890"), in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMatchStepRFCVectors checks the parameters against RFC 6238: its 8-digit SHA-1 codes,
// cut to the 6 digits apps show.
func TestMatchStepRFCVectors(t *testing.T) {
	for _, v := range []struct {
		unix int64
		code string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
	} {
		step, res := matchStep(rfcSecret, v.code, time.Unix(v.unix, 0), 0)
		if res != codeOK || step != v.unix/30 {
			t.Errorf("at %d code %s: step %d, result %d; want step %d accepted", v.unix, v.code, step, res, v.unix/30)
		}
	}
}

// TestMatchStepSkewAndReplay checks, with a fixed clock, that codes one step either side are
// accepted, two steps away are not, and no step at or before the last used one is.
func TestMatchStepSkewAndReplay(t *testing.T) {
	now := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	cur := now.Unix() / totpPeriod
	codeOf := func(step int64) string { return codeAt(t, rfcSecret, time.Unix(step*totpPeriod, 0)) }

	for _, c := range []struct {
		name     string
		step     int64 // the step whose code is sent
		last     int64 // the last step already used
		want     codeResult
		wantStep int64
	}{
		{"current", cur, 0, codeOK, cur},
		{"one behind", cur - 1, 0, codeOK, cur - 1},
		{"one ahead", cur + 1, 0, codeOK, cur + 1},
		{"two behind", cur - 2, 0, codeWrong, 0},
		{"two ahead", cur + 2, 0, codeWrong, 0},
		{"current used", cur, cur, codeReused, 0},
		{"older than used", cur - 1, cur, codeReused, 0},
		{"newer than used", cur + 1, cur, codeOK, cur + 1},
		{"ahead used", cur + 1, cur + 1, codeReused, 0},
		{"behind, previous used", cur - 1, cur - 2, codeOK, cur - 1},
	} {
		step, res := matchStep(rfcSecret, codeOf(c.step), now, c.last)
		if res != c.want || step != c.wantStep {
			t.Errorf("%s: step %d result %d, want step %d result %d", c.name, step, res, c.wantStep, c.want)
		}
	}

	// The boundaries of a step: the last second of one and the first of the next.
	edge := time.Unix(cur*totpPeriod, 0)
	if _, res := matchStep(rfcSecret, codeOf(cur-2), edge.Add(-time.Second), 0); res != codeOK {
		t.Error("the code of two steps back should still be accepted in the last second of the step after it")
	}
	if _, res := matchStep(rfcSecret, codeOf(cur-2), edge, 0); res != codeWrong {
		t.Error("the code of two steps back was accepted")
	}

	// A code that is no step's, and a secret that is not base32.
	wrong := []byte(codeOf(cur))
	wrong[0] = '0' + (wrong[0]-'0'+5)%10
	if _, res := matchStep(rfcSecret, string(wrong), now, 0); res != codeWrong {
		t.Errorf("altered code %s accepted", wrong)
	}
	if _, res := matchStep("not base32!", codeOf(cur), now, 0); res != codeWrong {
		t.Error("a broken secret accepted a code")
	}
}

func TestNormalizeCode(t *testing.T) {
	for _, c := range []struct{ in, want, key string }{
		{"123456", "123456", ""},
		{" 123 456\n", "123456", ""},
		{"", "", "validation.required"},
		{"   ", "", "validation.required"},
		{"12345", "", "validation.totp_length"},
		{"1234567", "", "validation.totp_length"},
		{"12a456", "", "validation.totp_digits"},
		{"123-456", "", "validation.totp_digits"},
		{"１２３４５６", "", "validation.totp_digits"}, // full-width digits
	} {
		got, err := normalizeCode(c.in)
		if c.key == "" {
			if err != nil || got != c.want {
				t.Errorf("%q: %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		de := domain.AsError(err)
		if de.Code != domain.CodeInvalid || de.Fields["code"].Key != c.key {
			t.Errorf("%q: %v; want field code %s", c.in, err, c.key)
		}
	}
}

func TestWrongCodeErrors(t *testing.T) {
	de := domain.AsError(wrongCode(codeReused, domain.CodeUnauthorized))
	if de.Code != domain.CodeUnauthorized || de.Message.Key != "error.totp_wrong" || de.Fields["code"].Key != "validation.totp_reused" {
		t.Errorf("login, reused: %+v", de)
	}
	de = domain.AsError(wrongCode(codeWrong, domain.CodeInvalid))
	if de.Code != domain.CodeInvalid || de.Message.Key != "error.invalid" || de.Fields["code"].Key != "validation.totp_wrong" {
		t.Errorf("set-up, wrong: %+v", de)
	}
}

// TestKeyURI checks that the URI apps read carries the issuer, the account, the secret and
// the parameters the server checks with.
func TestKeyURI(t *testing.T) {
	raw, err := keyURI(rfcSecret, "can.bo@example.vn")
	if err != nil {
		t.Fatal(err)
	}
	key, err := otp.NewKeyFromURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	if key.Type() != "totp" || key.Issuer() != "Góp Ý" || key.AccountName() != "can.bo@example.vn" || key.Secret() != rfcSecret {
		t.Errorf("key %s: type %s issuer %q account %q secret %s", raw, key.Type(), key.Issuer(), key.AccountName(), key.Secret())
	}
	u, _ := url.Parse(raw)
	q := u.Query()
	if q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Errorf("parameters %v", q)
	}
}
