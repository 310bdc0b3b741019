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
	for _, k := range []domain.DeadlineKind{domain.DeadlineResults, domain.DeadlineDossier, domain.DeadlineRecognition, domain.DeadlineReturn,
		domain.DeadlineSend, domain.DeadlineDecisionRecognition} {
		keys = append(keys, "household.deadline."+string(k))
	}
	for _, f := range []domain.DecisionForm{domain.FormMeeting, domain.FormBallot, domain.FormOnline} {
		keys = append(keys, "household.record.absent."+string(f))
	}
	for _, r := range []domain.Recogniser{domain.RecognisedByCommunePC, domain.RecognisedByCommuneFront} {
		keys = append(keys, "household.acts.recognise_by."+string(r))
	}
	for _, r := range []domain.Recognition{domain.RecognitionRecognised, domain.RecognitionRefused} {
		keys = append(keys, "household.acts.recognition."+string(r))
	}
	for _, d := range []string{"recognise", "refuse"} {
		keys = append(keys, "household.flash.recognition."+d, "audit.action.village_decision."+d)
	}
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("missing key %q", k)
		}
	}
	for _, lang := range []string{i18n.VI, i18n.EN} {
		got := i18n.T(lang, "household.no_quorum_line", 60, 120)
		if strings.Contains(got, "%!") || !strings.Contains(got, "50%") || !strings.Contains(got, "60") {
			t.Errorf("%s: no_quorum_line reads %q", lang, got)
		}
		// Law 10/2022 art. 19(1)(b): the refusal of a meeting too small for items 1-2
		// names the attendance, the households and the approvals needed.
		got = i18n.T(lang, "household.error.meeting_cannot_carry", 121, 182, 122)
		if strings.Contains(got, "%!") || !strings.Contains(got, "121") || !strings.Contains(got, "182") || !strings.Contains(got, "122") {
			t.Errorf("%s: meeting_cannot_carry reads %q", lang, got)
		}
		got = i18n.T(lang, "household.error.online_agreement", 61, 120)
		if strings.Contains(got, "%!") || !strings.Contains(got, "50%") {
			t.Errorf("%s: online_agreement reads %q", lang, got)
		}
	}
}
