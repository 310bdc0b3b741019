package i18n_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// TestHouseholdKeysExist covers the keys the decide-matter pages build from enumerations
// (items, rules, forms, statuses, deadlines), which the literal scan cannot see, and checks
// that every message with a percentage still formats its numbers.
func TestHouseholdKeysExist(t *testing.T) {
	var keys []string
	for _, item := range domain.Items {
		keys = append(keys, fmt.Sprintf("household.item.%d", item))
	}
	for _, r := range []domain.Rule{domain.RuleMajority, domain.RuleTwoThirds} {
		keys = append(keys, "household.rule."+string(r))
	}
	for _, f := range []domain.DecisionForm{domain.FormMeeting, domain.FormBallot, domain.FormOnline} {
		keys = append(keys, "household.form."+string(f), "household.record.about."+string(f),
			"household.record.when."+string(f), "household.record.present."+string(f))
	}
	for _, f := range domain.RecordedForms {
		keys = append(keys, "household.error.present_over_total."+string(f), "household.error.votes_over_present."+string(f))
	}
	for _, s := range []domain.Status{domain.StatusAdopted, domain.StatusRejected} {
		keys = append(keys, "status."+string(s), "phase."+string(s), "error.transition."+string(s),
			"household.concluded."+string(s), "household.flash.concluded."+string(s))
	}
	for _, k := range []domain.DeadlineKind{domain.DeadlineResults, domain.DeadlineDossier, domain.DeadlineRecognition, domain.DeadlineReturn} {
		keys = append(keys, "household.deadline."+string(k))
	}
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("missing key %q", k)
		}
	}
	for _, lang := range []string{i18n.VI, i18n.EN} {
		got := i18n.T(lang, "household.error.no_quorum", 60, 120, 61)
		if strings.Contains(got, "%!") || !strings.Contains(got, "50%") || !strings.Contains(got, "61") {
			t.Errorf("%s: no_quorum reads %q", lang, got)
		}
		got = i18n.T(lang, "household.error.online_agreement", 61, 120)
		if strings.Contains(got, "%!") || !strings.Contains(got, "50%") {
			t.Errorf("%s: online_agreement reads %q", lang, got)
		}
	}
}
