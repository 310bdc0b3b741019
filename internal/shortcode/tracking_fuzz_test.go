package shortcode

import "testing"

func FuzzParseTracking(f *testing.F) {
	for _, s := range []string{
		"7K3M9-QXP2D", "7k3m9 qxp2d", "o0Oo0-iIlL1", "7K3M9-QXP2U", "", "-.-", "7K3M9-QXP2DD", "７K3M9-QXP2D",
	} {
		f.Add(s)
	}
	f.Add(NewTracking())
	f.Fuzz(func(t *testing.T, in string) {
		code, ok := ParseTracking(in)
		if !ok {
			if code != "" {
				t.Fatalf("ParseTracking(%q) = %q, false: want empty code", in, code)
			}
			return
		}
		if len(code) != 11 || code[5] != '-' {
			t.Fatalf("ParseTracking(%q) = %q: not XXXXX-XXXXX", in, code)
		}
		if again, ok := ParseTracking(code); !ok || again != code {
			t.Fatalf("ParseTracking(%q) = %q, but ParseTracking(%q) = %q, %v", in, code, code, again, ok)
		}
	})
}
