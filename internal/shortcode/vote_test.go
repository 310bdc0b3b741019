package shortcode_test

import (
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/shortcode"
)

func TestNewVoteCodesParseBack(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := shortcode.NewVote()
		if len(c) != 17 || c[5] != '-' || c[11] != '-' {
			t.Fatalf("code %q is not XXXXX-XXXXX-XXXXX", c)
		}
		if seen[c] {
			t.Fatalf("code %q issued twice", c)
		}
		seen[c] = true
		got, ok := shortcode.ParseVote(c)
		if !ok || got != c {
			t.Fatalf("ParseVote(%q) = %q, %v", c, got, ok)
		}
		// Lower case, spaces instead of dashes, and the look-alikes read the same.
		typed := strings.ToLower(strings.ReplaceAll(c, "-", " "))
		typed = strings.NewReplacer("0", "o", "1", "l").Replace(typed)
		if got, ok := shortcode.ParseVote(typed); !ok || got != c {
			t.Fatalf("ParseVote(%q) = %q, %v; want %q", typed, got, ok, c)
		}
	}
}

func TestParseVoteRefuses(t *testing.T) {
	for _, s := range []string{"", "ABCDE-FGHJK", "ABCDE-FGHJK-MNPQR-S", "ABCDE-FGHJK-MNPQU", "ABCDE-FGHJK-MNPQ!",
		strings.Repeat(" ", 100) + "ABCDEFGHJKMNPQR"} {
		if got, ok := shortcode.ParseVote(s); ok {
			t.Errorf("ParseVote(%q) = %q, want refusal", s, got)
		}
	}
}

func TestHashVoteDependsOnTheBallot(t *testing.T) {
	c := shortcode.NewVote()
	if shortcode.HashVote(1, c) == shortcode.HashVote(2, c) {
		t.Error("the same code hashes alike in two ballots")
	}
	if shortcode.HashVote(1, c) != shortcode.HashVote(1, c) || len(shortcode.HashVote(1, c)) != 64 {
		t.Error("the hash is not a stable SHA-256")
	}
	if strings.Contains(shortcode.HashVote(1, c), c) {
		t.Error("the hash contains the code")
	}
}
