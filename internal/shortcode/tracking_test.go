package shortcode

import (
	"strings"
	"testing"
)

func TestNewTrackingFormat(t *testing.T) {
	for range 1000 {
		c := NewTracking()
		if len(c) != 11 || c[5] != '-' {
			t.Fatalf("NewTracking() = %q, want XXXXX-XXXXX", c)
		}
		for i, r := range c {
			if i != 5 && !strings.ContainsRune("0123456789ABCDEFGHJKMNPQRSTVWXYZ", r) { // Crockford base32
				t.Fatalf("NewTracking() = %q contains %q", c, r)
			}
		}
		if got, ok := ParseTracking(c); !ok || got != c {
			t.Fatalf("ParseTracking(NewTracking()=%q) = %q, %v", c, got, ok)
		}
	}
}

func TestNewTrackingUnique(t *testing.T) {
	seen := make(map[string]bool, 10000)
	for range 10000 {
		c := NewTracking()
		if seen[c] {
			t.Fatalf("duplicate code %q", c)
		}
		seen[c] = true
	}
}

func TestParseTracking(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"7K3M9-QXP2D", "7K3M9-QXP2D", true},
		{"7k3m9-qxp2d", "7K3M9-QXP2D", true},
		{"7K3M9QXP2D", "7K3M9-QXP2D", true},
		{"  7K3 M9 QXP 2D \n", "7K3M9-QXP2D", true},
		{"7.K.3.M.9-Q.X.P.2.D", "7K3M9-QXP2D", true},
		{"7K3M9--QXP2D", "7K3M9-QXP2D", true},
		{"-7K3M9-QXP2D-", "7K3M9-QXP2D", true},
		{"\t7K3M9\tQXP2D", "7K3M9-QXP2D", true},
		{"o0Oo0-iIlL1", "00000-11111", true},
		{"ABCDE-FGHJK", "ABCDE-FGHJK", true},
		{"MNPQR-STVWX", "MNPQR-STVWX", true},
		{"yz123-45678", "YZ123-45678", true},

		{"", "", false},
		{"   ", "", false},
		{"-----", "", false},
		{"..--..", "", false},
		{"7K3M9-QXP2U", "", false}, // U is not Crockford
		{"7K3M9-QXP2u", "", false},
		{"7K3M9-QXP2", "", false},                           // 9 symbols
		{"7K3M9-QXP2DD", "", false},                         // 11 symbols
		{"7K3M9_QXP2D", "", false},                          // underscore is not a separator
		{"7K3M9-QXP2D*", "", false},                         // check symbols are not used
		{"7K3M9/QXP2D", "", false},                          // slash
		{"7K3M9-QXP2Đ", "", false},                          // non-ASCII
		{"７K3M9-QXP2D", "", false},                          // full-width digit
		{"7K3M9-QXP2D\x00", "", false},                      // NUL
		{strings.Repeat(" ", 60) + "7K3M9QXP2D", "", false}, // over 64 bytes
	}
	for _, tt := range tests {
		got, ok := ParseTracking(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseTracking(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseTrackingLengthLimit(t *testing.T) {
	padded := strings.Repeat(" ", 54) + "7K3M9QXP2D" // exactly 64 bytes
	if got, ok := ParseTracking(padded); !ok || got != "7K3M9-QXP2D" {
		t.Errorf("ParseTracking(64-byte input) = %q, %v", got, ok)
	}
	if _, ok := ParseTracking(padded + " "); ok {
		t.Error("ParseTracking accepted 65-byte input")
	}
}
