package domain_test

import (
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// TestPlanSending: the plan of a consult matter goes to the commune People's Council and
// Front before the people are asked (Law 10/2022 art. 28(1)). Counted in local days: sent on
// the day of publication is on time even when published late that evening; the next day,
// even one minute past local midnight, is late; not sent once published is missing.
func TestPlanSending(t *testing.T) {
	at := func(s string) *time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, domain.Zone)
		if err != nil {
			t.Fatal(err)
		}
		u := v.UTC()
		return &u
	}
	published := at("2026-12-01 23:59")
	for _, c := range []struct {
		name      string
		sent, pub *time.Time
		want      domain.Sending
	}{
		{"draft, not sent", nil, nil, domain.SendingDue},
		{"draft, sent", at("2026-11-20 08:00"), nil, domain.SendingOnTime},
		{"sent the day before", at("2026-11-30 00:00"), published, domain.SendingOnTime},
		{"sent on the day of publication", at("2026-12-01 00:00"), published, domain.SendingOnTime},
		{"sent the next day, just after midnight", at("2026-12-02 00:01"), published, domain.SendingLate},
		{"published, never sent", nil, published, domain.SendingMissing},
	} {
		if got := domain.PlanSending(c.sent, c.pub); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	if domain.SendingOnTime.Flagged() || domain.SendingDue.Flagged() || !domain.SendingLate.Flagged() || !domain.SendingMissing.Flagged() {
		t.Error("only late and missing sendings break art. 28(1)")
	}
}

// TestTopics: art. 25 has six items; a consult matter of a commune, ward or special zone
// must name one, a village's may, a decide matter (art. 15) never does.
func TestTopics(t *testing.T) {
	if len(domain.Topics) != 6 || domain.Topic(0).Valid() || domain.Topic(7).Valid() || !domain.TopicOther.Valid() {
		t.Fatalf("art. 25 items: %v", domain.Topics)
	}
	for _, k := range []domain.UnitKind{domain.UnitCommune, domain.UnitWard, domain.UnitSpecialZone} {
		if !domain.TopicRequired(domain.MatterConsult, k) {
			t.Errorf("%s: a consult matter must name its item of art. 25", k)
		}
		if domain.TopicRequired(domain.MatterDecide, k) {
			t.Errorf("%s: a decide matter names no item of art. 25", k)
		}
	}
	if domain.TopicRequired(domain.MatterConsult, domain.UnitVillage) || domain.TopicRequired(domain.MatterConsult, domain.UnitProvince) {
		t.Error("only a commune-level consult matter must name its item")
	}
}
