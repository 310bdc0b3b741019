package votecode_test

import (
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/votecode"
)

func TestNewCodesParseBack(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := votecode.New()
		if len(c) != 17 || c[5] != '-' || c[11] != '-' {
			t.Fatalf("code %q is not XXXXX-XXXXX-XXXXX", c)
		}
		if seen[c] {
			t.Fatalf("code %q issued twice", c)
		}
		seen[c] = true
		got, ok := votecode.Parse(c)
		if !ok || got != c {
			t.Fatalf("Parse(%q) = %q, %v", c, got, ok)
		}
		// Lower case, spaces instead of dashes, and the look-alikes read the same.
		typed := strings.ToLower(strings.ReplaceAll(c, "-", " "))
		typed = strings.NewReplacer("0", "o", "1", "l").Replace(typed)
		if got, ok := votecode.Parse(typed); !ok || got != c {
			t.Fatalf("Parse(%q) = %q, %v; want %q", typed, got, ok, c)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, s := range []string{"", "ABCDE-FGHJK", "ABCDE-FGHJK-MNPQR-S", "ABCDE-FGHJK-MNPQU", "ABCDE-FGHJK-MNPQ!",
		strings.Repeat(" ", 100) + "ABCDEFGHJKMNPQR"} {
		if got, ok := votecode.Parse(s); ok {
			t.Errorf("Parse(%q) = %q, want refusal", s, got)
		}
	}
}

func TestHashDependsOnTheBallot(t *testing.T) {
	c := votecode.New()
	if votecode.Hash(1, c) == votecode.Hash(2, c) {
		t.Error("the same code hashes alike in two ballots")
	}
	if votecode.Hash(1, c) != votecode.Hash(1, c) || len(votecode.Hash(1, c)) != 64 {
		t.Error("the hash is not a stable SHA-256")
	}
	if strings.Contains(votecode.Hash(1, c), c) {
		t.Error("the hash contains the code")
	}
}
