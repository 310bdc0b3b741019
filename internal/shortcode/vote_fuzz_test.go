package shortcode_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/shortcode"
)

func FuzzParseVote(f *testing.F) {
	for _, s := range []string{
		"ABCDE-FGHJK-MNPQR", "abcde fghjk mnpqr", "o0Oo0-iIlL1-ZZZZZ", "ABCDE-FGHJK-MNPQU", "ABCDE-FGHJK-MNPQ!",
		"ABCDE-FGHJK", "ABCDE-FGHJK-MNPQR-S", "", "-.-", "ＡBCDE-FGHJK-MNPQR", "\xffBCDE-FGHJK-MNPQR",
		strings.Repeat(" ", 70) + "ABCDEFGHJKMNPQR",
	} {
		f.Add(s)
	}
	f.Add(shortcode.NewVote())
	f.Fuzz(func(t *testing.T, in string) {
		code, ok := shortcode.ParseVote(in)
		if !ok {
			if code != "" {
				t.Fatalf("ParseVote(%q) = %q, false: want an empty code", in, code)
			}
			return
		}
		if len(code) != 17 || code[5] != '-' || code[11] != '-' {
			t.Fatalf("ParseVote(%q) = %q: not XXXXX-XXXXX-XXXXX", in, code)
		}
		if strings.ContainsAny(code, "ILOU") || strings.ToUpper(code) != code {
			t.Fatalf("ParseVote(%q) = %q: not canonical", in, code)
		}
		if again, ok := shortcode.ParseVote(code); !ok || again != code {
			t.Fatalf("ParseVote(%q) = %q, but ParseVote(%q) = %q, %v", in, code, code, again, ok)
		}
		h := shortcode.HashVote(1, code)
		if raw, err := hex.DecodeString(h); err != nil || len(raw) != 32 {
			t.Fatalf("HashVote(1, %q) = %q: not a hex SHA-256", code, h)
		}
		if h == shortcode.HashVote(2, code) {
			t.Fatalf("HashVote of %q is the same in two ballots", code)
		}
	})
}
