package store_test

import (
	"context"
	"testing"

	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestUnitTreeCannotLoop: the database itself refuses a parent that is not of a higher level,
// so no unit can be put below itself (a commune under its own village, a unit under itself),
// nor a unit's level changed to that of a unit below it, whatever the application does.
func TestUnitTreeCannotLoop(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		testutil.Seed(t, st) // province P; communes A, B; villages A1, A2, B1
		db := st.SQLDB()
		for _, q := range []string{
			"UPDATE units SET parent_id = (SELECT id FROM units WHERE code = 'A1') WHERE code = 'A'",
			"UPDATE units SET parent_id = id WHERE code = 'A'",
			"UPDATE units SET parent_id = (SELECT id FROM units WHERE code = 'B') WHERE code = 'A'",
			"UPDATE units SET parent_id = (SELECT id FROM units WHERE code = 'A') WHERE code = 'P'",
			"UPDATE units SET kind = 'village' WHERE code = 'A'",
			"UPDATE units SET kind = 'province' WHERE code = 'A1'",
		} {
			if _, err := db.ExecContext(ctx, q); err == nil {
				t.Errorf("%s: succeeded, want refusal", q)
			}
		}
		var parent string
		if err := db.QueryRowContext(ctx, "SELECT p.code FROM units u JOIN units p ON p.id = u.parent_id WHERE u.code = 'A'").Scan(&parent); err != nil || parent != "P" {
			t.Fatalf("commune A's parent after the refusals: %q, %v", parent, err)
		}
		// Moving a village to another commune stays possible.
		if _, err := db.ExecContext(ctx, "UPDATE units SET parent_id = (SELECT id FROM units WHERE code = 'B') WHERE code = 'A2'"); err != nil {
			t.Fatalf("moving a village to another commune: %v", err)
		}
	})
}

// TestUnitAncestryIsBounded: should a loop be made by hand past the guard, walking up the
// tree still ends, so an authorisation check cannot pin a CPU.
func TestUnitAncestryIsBounded(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		testutil.Seed(t, st)
		db := st.SQLDB()
		drop := []string{"DROP TRIGGER units_parent_above_update", "DROP TRIGGER units_children_below"}
		if st.Dialect() == store.Postgres {
			drop = []string{"DROP TRIGGER units_keep_tree ON units"}
		}
		for _, q := range append(drop, "UPDATE units SET parent_id = (SELECT id FROM units WHERE code = 'A1') WHERE code = 'A'") {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		a1, err := st.UnitByCode(ctx, "A1")
		if err != nil {
			t.Fatal(err)
		}
		ids, err := st.UnitAncestry(ctx, a1.ID)
		if err != nil || len(ids) == 0 || len(ids) > 9 {
			t.Fatalf("ancestry through a loop: %d ids, %v", len(ids), err)
		}
	})
}
