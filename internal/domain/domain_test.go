package domain_test

import (
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, domain.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

// TestPeriodCountsWholeDaysAfterPublication follows the law's counting: the consultation
// closes at midnight after its last day, and the day of publication does not count.
func TestPeriodCountsWholeDaysAfterPublication(t *testing.T) {
	opens, closes := domain.PeriodFromDates(day("2026-12-01 00:00"), day("2026-12-30 00:00"))
	c := domain.Consultation{OpensAt: opens, ClosesAt: closes}
	for _, tc := range []struct {
		published string
		want      int
	}{
		{"2026-11-20 09:00", 30}, // published before it opens: all thirty days
		{"2026-12-01 00:00", 30},
		{"2026-12-01 10:30", 29}, // published during the first day
		{"2026-12-15 08:00", 15},
	} {
		if got := c.PeriodDays(day(tc.published)); got != tc.want {
			t.Errorf("published %s: %d days, want %d", tc.published, got, tc.want)
		}
	}
	if got := c.LastDay().Format("02/01/2006"); got != "30/12/2026" {
		t.Errorf("last day %s", got)
	}
}

func TestMinPeriodDays(t *testing.T) {
	for _, tc := range []struct {
		kind   domain.ConsultationKind
		matter domain.Matter
		want   int
	}{
		{domain.KindHuongUoc, domain.MatterDecide, 30},
		{domain.KindQuyUoc, domain.MatterConsult, 30},
		{domain.KindPlan, domain.MatterConsult, 20},
		{domain.KindBudget, domain.MatterDecide, 1},
	} {
		if got := domain.MinPeriodDays(tc.kind, tc.matter); got != tc.want {
			t.Errorf("%s/%s: %d, want %d", tc.kind, tc.matter, got, tc.want)
		}
	}
}

func TestPhaseFollowsTheClock(t *testing.T) {
	opens, closes := domain.PeriodFromDates(day("2026-12-01 00:00"), day("2026-12-30 00:00"))
	c := domain.Consultation{Status: domain.StatusOpen, OpensAt: opens, ClosesAt: closes}
	for when, want := range map[string]domain.Phase{
		"2026-11-30 23:59": domain.PhaseUpcoming,
		"2026-12-01 00:00": domain.PhaseOpen,
		"2026-12-30 23:59": domain.PhaseOpen,
		"2026-12-31 00:00": domain.PhaseEnded,
	} {
		if got := c.PhaseAt(day(when)); got != want {
			t.Errorf("%s: %s, want %s", when, got, want)
		}
	}
	c.Status = domain.StatusDraft
	if got := c.PhaseAt(day("2026-12-05 00:00")); got != domain.PhaseDraft {
		t.Errorf("draft: %s", got)
	}
}

func TestTransitions(t *testing.T) {
	allowed := [][2]domain.Status{
		{domain.StatusDraft, domain.StatusOpen}, {domain.StatusOpen, domain.StatusClosed},
		{domain.StatusClosed, domain.StatusResultsPublished}, {domain.StatusOpen, domain.StatusWithdrawn},
	}
	for _, p := range allowed {
		if !domain.CanTransition(p[0], p[1]) {
			t.Errorf("%s → %s refused", p[0], p[1])
		}
	}
	refused := [][2]domain.Status{
		{domain.StatusOpen, domain.StatusDraft}, {domain.StatusDraft, domain.StatusClosed},
		{domain.StatusResultsPublished, domain.StatusWithdrawn}, {domain.StatusWithdrawn, domain.StatusOpen},
	}
	for _, p := range refused {
		if domain.CanTransition(p[0], p[1]) {
			t.Errorf("%s → %s allowed", p[0], p[1])
		}
	}
}

// TestActorCanCoversUnitsBelow checks that a role over a commune covers its villages but
// not a neighbouring commune, and that each role grants only its own permissions.
func TestActorCanCoversUnitsBelow(t *testing.T) {
	const province, communeA, villageA1, communeB = 1, 2, 3, 4
	official := &domain.Actor{Roles: []domain.RoleAssignment{{Role: domain.RoleOfficial, UnitID: communeA}}}
	admin := &domain.Actor{Roles: []domain.RoleAssignment{{Role: domain.RoleAdmin, UnitID: province}}}
	moderator := &domain.Actor{Roles: []domain.RoleAssignment{{Role: domain.RoleModerator, UnitID: communeA}}}
	ancestryA1 := []int64{villageA1, communeA, province}
	ancestryB := []int64{communeB, province}
	checks := []struct {
		name  string
		actor *domain.Actor
		perm  domain.Permission
		units []int64
		want  bool
	}{
		{"official over own village", official, domain.PermManageConsultation, ancestryA1, true},
		{"official over other commune", official, domain.PermManageConsultation, ancestryB, false},
		{"official cannot moderate", official, domain.PermModerate, ancestryA1, false},
		{"moderator cannot manage", moderator, domain.PermManageConsultation, ancestryA1, false},
		{"moderator moderates own", moderator, domain.PermModerate, ancestryA1, true},
		{"admin everywhere below", admin, domain.PermModerate, ancestryB, true},
		{"nobody", nil, domain.PermOversee, ancestryA1, false},
	}
	for _, c := range checks {
		if got := c.actor.Can(c.perm, c.units); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
