package trackcode

import "testing"

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"7K3M9-QXP2D", "7k3m9 qxp2d", "o0Oo0-iIlL1", "7K3M9-QXP2U", "", "-.-", "7K3M9-QXP2DD", "７K3M9-QXP2D",
	} {
		f.Add(s)
	}
	f.Add(New())
	f.Fuzz(func(t *testing.T, in string) {
		code, ok := Parse(in)
		if !ok {
			if code != "" {
				t.Fatalf("Parse(%q) = %q, false: want empty code", in, code)
			}
			return
		}
		if len(code) != 11 || code[5] != '-' {
			t.Fatalf("Parse(%q) = %q: not XXXXX-XXXXX", in, code)
		}
		if again, ok := Parse(code); !ok || again != code {
			t.Fatalf("Parse(%q) = %q, but Parse(%q) = %q, %v", in, code, code, again, ok)
		}
	})
}
