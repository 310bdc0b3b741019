package votecode_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/votecode"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"ABCDE-FGHJK-MNPQR", "abcde fghjk mnpqr", "o0Oo0-iIlL1-ZZZZZ", "ABCDE-FGHJK-MNPQU", "ABCDE-FGHJK-MNPQ!",
		"ABCDE-FGHJK", "ABCDE-FGHJK-MNPQR-S", "", "-.-", "ＡBCDE-FGHJK-MNPQR", "\xffBCDE-FGHJK-MNPQR",
		strings.Repeat(" ", 70) + "ABCDEFGHJKMNPQR",
	} {
		f.Add(s)
	}
	f.Add(votecode.New())
	f.Fuzz(func(t *testing.T, in string) {
		code, ok := votecode.Parse(in)
		if !ok {
			if code != "" {
				t.Fatalf("Parse(%q) = %q, false: want an empty code", in, code)
			}
			return
		}
		if len(code) != 17 || code[5] != '-' || code[11] != '-' {
			t.Fatalf("Parse(%q) = %q: not XXXXX-XXXXX-XXXXX", in, code)
		}
		if strings.ContainsAny(code, "ILOU") || strings.ToUpper(code) != code {
			t.Fatalf("Parse(%q) = %q: not canonical", in, code)
		}
		if again, ok := votecode.Parse(code); !ok || again != code {
			t.Fatalf("Parse(%q) = %q, but Parse(%q) = %q, %v", in, code, code, again, ok)
		}
		h := votecode.Hash(1, code)
		if raw, err := hex.DecodeString(h); err != nil || len(raw) != 32 {
			t.Fatalf("Hash(1, %q) = %q: not a hex SHA-256", code, h)
		}
		if h == votecode.Hash(2, code) {
			t.Fatalf("Hash of %q is the same in two ballots", code)
		}
	})
}
