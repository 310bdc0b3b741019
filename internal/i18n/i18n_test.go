package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// TestCataloguesMatch keeps English complete: every Vietnamese key has an English text and
// the other way round, with the same format verbs.
func TestCataloguesMatch(t *testing.T) {
	vi, en := i18n.Keys(i18n.VI), i18n.Keys(i18n.EN)
	slices.Sort(vi)
	slices.Sort(en)
	if !slices.Equal(vi, en) {
		for _, k := range vi {
			if !slices.Contains(en, k) {
				t.Errorf("missing in en.json: %s", k)
			}
		}
		for _, k := range en {
			if !slices.Contains(vi, k) {
				t.Errorf("missing in vi.json: %s", k)
			}
		}
	}
	verbs := regexp.MustCompile(`%(\[\d\])?[vdsq]`)
	for _, k := range vi {
		a, b := verbs.FindAllString(i18n.T(i18n.VI, k), -1), verbs.FindAllString(i18n.T(i18n.EN, k), -1)
		if len(a) != len(b) {
			t.Errorf("%s: vi has verbs %v, en has %v", k, a, b)
		}
	}
}

// TestEveryUsedKeyExists finds the keys that templates and code pass and checks they are
// in the catalogue, including the ones built from enumerations.
func TestEveryUsedKeyExists(t *testing.T) {
	root := filepath.Join("..", "..")
	literal := regexp.MustCompile(`(?:t \$?\.L|T\(c,|Errorf\([^,]+,|InvalidField\([^,]+,|view\(c,|mergeInvalid\(err, "[a-z_]+",) "([a-z_]+\.[a-z_.]*[a-z_])"`)
	found := 0
	for _, dir := range []string{"views", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
				return err
			}
			if !strings.HasSuffix(p, ".html") && !strings.HasSuffix(p, ".go") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
				found++
				if !i18n.Has(m[1]) {
					t.Errorf("%s uses missing key %q", p, m[1])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if found < 150 {
		t.Fatalf("found only %d key uses: the pattern no longer matches how code passes keys", found)
	}
	var keys []string
	for _, s := range domain.Stances {
		keys = append(keys, "stance."+string(s))
	}
	for _, k := range domain.ConsultationKinds {
		keys = append(keys, "kind."+string(k))
	}
	for _, c := range domain.Channels {
		keys = append(keys, "channel."+string(c))
	}
	for _, r := range domain.RejectReasons {
		keys = append(keys, "reason."+string(r))
	}
	for _, p := range []domain.Phase{domain.PhaseDraft, domain.PhaseUpcoming, domain.PhaseOpen, domain.PhaseEnded, domain.PhaseResults, domain.PhaseWithdrawn} {
		keys = append(keys, "phase."+string(p))
	}
	for _, s := range []domain.Status{domain.StatusDraft, domain.StatusOpen, domain.StatusClosed, domain.StatusResultsPublished, domain.StatusWithdrawn} {
		keys = append(keys, "status."+string(s), "error.transition."+string(s))
	}
	for _, s := range []domain.OpinionStatus{domain.OpinionPending, domain.OpinionApproved, domain.OpinionRejected} {
		keys = append(keys, "opinion.status."+string(s), "track.explain."+string(s))
	}
	for _, p := range []domain.ConsentPurpose{domain.ConsentShowName, domain.ConsentContact} {
		keys = append(keys, "consent."+string(p))
	}
	for _, k := range []domain.UnitKind{domain.UnitCommune, domain.UnitWard, domain.UnitSpecialZone, domain.UnitProvince} {
		keys = append(keys, "controller.place."+string(k))
	}
	for _, tag := range []string{"required", "required_if", "min", "max", "oneof", "email"} {
		keys = append(keys, "validation."+tag)
	}
	for _, basis := range []string{"charter", "consult", "other"} {
		keys = append(keys, "validation.period_too_short."+basis)
	}
	for _, k := range keys {
		if !i18n.Has(k) && k != "error.transition.draft" {
			t.Errorf("missing key %q", k)
		}
	}
}

func TestNegotiate(t *testing.T) {
	for _, c := range []struct{ choice, header, want string }{
		{"", "", "vi"},
		{"", "en-US,en;q=0.9", "en"},
		{"", "vi-VN,vi;q=0.9,en;q=0.8", "vi"},
		{"", "fr-FR", "vi"},
		{"vi", "en", "vi"},
		{"en", "", "en"},
		{"xx", "en", "en"},
		{"", "garbage;;;", "vi"},
	} {
		if got := i18n.Negotiate(c.choice, c.header); got != c.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", c.choice, c.header, got, c.want)
		}
	}
}
