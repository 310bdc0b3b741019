package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// BenchmarkDemocracyReport builds the annual report of a commune whose consultation has n
// approved opinions, every one answered: each figure is one aggregate in the database, so
// the time should stay that of a few statements as n grows. Each size is seeded once,
// outside the timed loop. Run it with
//
//	go test -run '^$' -bench DemocracyReport -benchtime 20x ./internal/app/
func BenchmarkDemocracyReport(b *testing.B) {
	for _, d := range testutil.Dialects(b) {
		for _, n := range []int{1_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%d", d, n), func(b *testing.B) {
				ctx := context.Background()
				st := testutil.NewStore(b, d)
				f := testutil.Seed(b, st)
				c := f.SeedLargeConsultation(b, st, n).C
				db := st.SQLDB()
				now := time.Now().UTC()
				if _, err := db.ExecContext(ctx, "INSERT INTO responses (consultation_id, kind, text, created_at) VALUES ($1, 'noted', 'Xin ghi nhận.', $2)", c.ID, now); err != nil {
					b.Fatal(err)
				}
				if _, err := db.ExecContext(ctx, "UPDATE opinions SET response_id = (SELECT MAX(id) FROM responses) WHERE consultation_id = $1 AND status = 'approved'", c.ID); err != nil {
					b.Fatal(err)
				}
				if st.Dialect() == store.Postgres {
					// What autovacuum does to a table after a large update: the answered
					// opinions are then counted from the index without visiting the table.
					if _, err := db.ExecContext(ctx, "VACUUM ANALYZE opinions"); err != nil {
						b.Fatal(err)
					}
				}
				year := now.In(domain.Zone).Year()
				// The report is what the benchmark claims: every opinion received and answered.
				r, err := f.App.DemocracyReport(ctx, "A", year)
				if err != nil {
					b.Fatal(err)
				}
				if got := r.Sections[2].Lines[0].N; got != int64(n) {
					b.Fatalf("answered %d, want %d", got, n)
				}
				for b.Loop() {
					if _, err := f.App.DemocracyReport(ctx, "A", year); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
