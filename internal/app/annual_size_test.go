package app_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestDemocracyReportAtSize times the annual report of a commune whose consultation has
// GOPY_ANNUAL_OPINIONS approved opinions (skipped without it), every one of them answered:
// each figure is one aggregate in the database, so the time stays that of a few statements.
func TestDemocracyReportAtSize(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GOPY_ANNUAL_OPINIONS"))
	if n <= 0 {
		t.Skip("set GOPY_ANNUAL_OPINIONS to the number of opinions")
	}
	testutil.EachDBInOrder(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.SeedLargeConsultation(t, st, n).C
		db := st.SQLDB()
		now := time.Now().UTC()
		if _, err := db.ExecContext(ctx, "INSERT INTO responses (consultation_id, kind, text, created_at) VALUES ($1, 'noted', 'Xin ghi nhận.', $2)", c.ID, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "UPDATE opinions SET response_id = (SELECT MAX(id) FROM responses) WHERE consultation_id = $1 AND status = 'approved'", c.ID); err != nil {
			t.Fatal(err)
		}
		if st.Dialect() == store.Postgres {
			// What autovacuum does to a table after a large update: the answered opinions are
			// then counted from the index without visiting the table.
			if _, err := db.ExecContext(ctx, "VACUUM ANALYZE opinions"); err != nil {
				t.Fatal(err)
			}
		}
		year := now.In(domain.Zone).Year()
		for range 2 { // the second run with warm caches, as a page served again
			start := time.Now()
			r, err := f.App.DemocracyReport(ctx, "A", year)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s, %d opinions: %v (received %d, answered %d)", st.Dialect(), n, time.Since(start),
				r.Sections[1].Lines[0].N, r.Sections[2].Lines[0].N)
		}
	})
}
