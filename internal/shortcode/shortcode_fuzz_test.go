package shortcode

import (
	"strings"
	"testing"
)

// readAsTyped is an independent reading of a typed code: drop what people put between
// symbols, fold case and the look-alikes, and refuse anything else. It spells the rules out
// per character instead of using the decode table, so the two can disagree.
func readAsTyped(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(" \t\r\n\v\f-.", c) >= 0:
			continue
		case c == 'o' || c == 'O':
			c = '0'
		case c == 'i' || c == 'I' || c == 'l' || c == 'L':
			c = '1'
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		if !strings.ContainsRune(alphabet, rune(c)) {
			return "", false
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

func FuzzCodeParse(f *testing.F) {
	for _, seed := range []struct {
		in      string
		symbols uint8
	}{
		{"7K3M9-QXP2D", 10}, {"7k3m9 qxp2d", 10}, {"o0Oo0-iIlL1", 10}, {"7K3M9-QXP2U", 10},
		{"ABCDE-FGHJK-MNPQR", 15}, {"abcde.fghjk.mnpqr", 15}, {"ABCDE-FGHJK-MNPQ!", 15},
		{"", 1}, {"-", 1}, {"Z", 1}, {"\xff\xfe", 4}, {"７K3M9-QXP2D", 10}, {"0123456789ABCDEFGHJKMNPQRSTVWXYZ", 32},
	} {
		f.Add(seed.in, seed.symbols)
	}
	f.Fuzz(func(t *testing.T, in string, symbols uint8) {
		k := kind{symbols: int(symbols%40) + 1}
		k.maxInput = 4*k.symbols + 10
		got, ok := k.parse(in)
		if !ok {
			if got != "" {
				t.Fatalf("Parse(%q) = %q, false: want an empty code", in, got)
			}
		} else {
			if len(in) > k.maxInput {
				t.Fatalf("Parse accepted %d bytes, over the limit of %d", len(in), k.maxInput)
			}
			if want := k.symbols + (k.symbols-1)/group; len(got) != want {
				t.Fatalf("Parse(%q) = %q: %d bytes, want %d", in, got, len(got), want)
			}
			for i := 0; i < len(got); i++ {
				if (i+1)%(group+1) == 0 {
					if got[i] != '-' {
						t.Fatalf("Parse(%q) = %q: no dash at %d", in, got, i)
					}
				} else if !strings.ContainsRune(alphabet, rune(got[i])) {
					t.Fatalf("Parse(%q) = %q: %q is not a symbol", in, got, got[i])
				}
			}
			if again, ok := k.parse(got); !ok || again != got {
				t.Fatalf("Parse(%q) = %q, but Parse(%q) = %q, %v", in, got, got, again, ok)
			}
			if again, ok := k.parse(strings.ToLower(strings.ReplaceAll(got, "-", " "))); !ok || again != got {
				t.Fatalf("the lower-case, spaced form of %q reads as %q, %v", got, again, ok)
			}
		}
		// Within the length limit, the table-driven parser and the per-character rules agree.
		if len(in) <= k.maxInput {
			symbols, valid := readAsTyped(in)
			want := valid && len(symbols) == k.symbols
			if ok != want {
				t.Fatalf("Parse(%q) accepted = %v, the typing rules say %v", in, ok, want)
			}
			if ok && strings.ReplaceAll(got, "-", "") != symbols {
				t.Fatalf("Parse(%q) = %q, the typing rules read %q", in, got, symbols)
			}
		}
		// A fresh code of this kind always reads back as itself.
		fresh := k.random()
		if again, ok := k.parse(fresh); !ok || again != fresh {
			t.Fatalf("random() = %q parses as %q, %v", fresh, again, ok)
		}
	})
}
