package demo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/auth"
	"github.com/gopy-vn/gopy/internal/demo"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestDemo loads the demo on each database: the draft hương ước of Thôn Đông belongs to
// Thôn Đông, its opinions come from Thôn Đông or name no village, and there is a login for
// every role, the Fatherland Front's included, each able to do what its role does.
func TestDemo(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := app.New(st, app.WithPasswordParams(auth.TestParams))
		logins, err := demo.Load(ctx, a)
		if err != nil {
			t.Fatalf("load: %v", err)
		}
		if _, err := demo.Load(ctx, a); err == nil {
			t.Fatal("the demo loaded twice into the same database")
		}

		village, err := st.UnitByCode(ctx, demo.HuongUocUnit)
		if err != nil || village.Kind != domain.UnitVillage || village.Name != "Thôn Đông" {
			t.Fatalf("unit %s: %+v %v", demo.HuongUocUnit, village, err)
		}
		c, err := a.Consultation(ctx, nil, 1)
		if err != nil {
			t.Fatal(err)
		}
		if c.Title != "Dự thảo Hương ước Thôn Đông" || c.UnitID != village.ID || c.Item != domain.ItemCharter {
			t.Fatalf("the demo hương ước belongs to unit %d (item %d), want Thôn Đông (%d), item 3", c.UnitID, c.Item, village.ID)
		}
		var elsewhere int
		if err := st.SQLDB().QueryRowContext(ctx, fmt.Sprintf("SELECT COUNT(*) FROM opinions WHERE consultation_id = %d AND village_id IS NOT NULL AND village_id <> %d", c.ID, village.ID)).Scan(&elsewhere); err != nil {
			t.Fatal(err)
		}
		if elsewhere != 0 {
			t.Errorf("%d opinions on Thôn Đông's hương ước come from other villages", elsewhere)
		}
		page, err := a.Unit(ctx, demo.HuongUocUnit, 1)
		listed := false
		for _, it := range page.Items {
			listed = listed || it.ID == c.ID
		}
		if err != nil || !listed {
			t.Fatalf("Thôn Đông's page does not list its hương ước: %v", err)
		}
		// The commune's consult matter names its item of art. 25 and shows a plan not yet sent
		// to the Front (Law 10/2022 art. 25, 28(1)).
		var planID int64
		if err := st.SQLDB().QueryRowContext(ctx, "SELECT id FROM consultations WHERE matter = 'consult' ORDER BY id LIMIT 1").Scan(&planID); err != nil {
			t.Fatal(err)
		}
		plan, err := a.Consultation(ctx, nil, planID)
		if err != nil || plan.Topic == nil || *plan.Topic != domain.TopicDevelopmentPlan {
			t.Fatalf("demo consult matter: %+v %v", plan, err)
		}

		// Thôn Bắc's initiatives: one public with 7 of the 10 supports its 98 households need
		// (at least 10%, Law 10/2022 art. 16(3)), one awaiting moderation.
		_, list, err := a.UnitInitiatives(ctx, "VD-HB-BAC")
		if err != nil || len(list) != 1 || list[0].Supports() != 7 || list[0].Threshold != 10 {
			t.Fatalf("Thôn Bắc's public initiatives: %+v %v", list, err)
		}

		want := map[string]domain.Permission{
			"admin": domain.PermAdminister, "official": domain.PermManageConsultation, "moderator": domain.PermModerate,
			"observer": domain.PermAudit, "front": domain.PermFrontAct,
		}
		var roles []string
		for _, l := range logins {
			roles = append(roles, l.Role)
			actor, err := a.ActorByEmail(ctx, l.Email)
			if err != nil {
				t.Fatalf("%s: %v", l.Email, err)
			}
			ancestry, err := st.UnitAncestry(ctx, village.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !actor.Can(want[l.Role], ancestry) {
				t.Errorf("the demo %s (%s) cannot %s in Thôn Đông", l.Role, l.Email, want[l.Role])
			}
			if l.Password == "" {
				t.Errorf("%s has no password", l.Email)
			}
		}
		slices.Sort(roles)
		if !slices.Equal(roles, []string{"admin", "front", "moderator", "observer", "official"}) {
			t.Errorf("demo logins for %v", roles)
		}
	})
}
