package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/shortcode"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestBurstIsWrittenInBatches queues a burst of opinions while the writers are held, so
// they are written in batches, and checks that every requester got its own row back: the
// row under its ID holds its text and tracking code, and its consents point at it. In the
// burst are a retry of an opinion of the same burst (one row, both told the same) and an
// opinion the database refuses (an article that does not exist): the batch is then written
// again one by one, and only that opinion fails.
func TestBurstIsWrittenInBatches(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		for _, refused := range []bool{false, true} {
			t.Run(fmt.Sprintf("with a refused opinion %v", refused), func(t *testing.T) {
				const n = 40
				ops := make([]*domain.Opinion, n)
				consents := make([][]domain.Consent, n)
				for i := range ops {
					key := fmt.Sprintf("burst-%v-%d", refused, i)
					if i == n-1 {
						key = fmt.Sprintf("burst-%v-%d", refused, 0) // a retry of the first
					}
					ops[i] = &domain.Opinion{
						ConsultationID: c.ID, Stance: domain.StanceAgree, Channel: domain.ChannelOnline,
						Body: fmt.Sprintf("Ý kiến số %d về dự thảo.", i), Status: domain.OpinionPending,
						TrackingCode: shortcode.NewTracking(), SubmittedAt: time.Now().UTC(), IdempotencyKey: &key,
					}
					ops[i].BodyPublic = ops[i].Body
					if i%3 == 0 {
						ops[i].AuthorName, ops[i].ShowName = fmt.Sprintf("Người %d", i), true
						consents[i] = []domain.Consent{{Purpose: domain.ConsentShowName, Text: "Đồng ý", Lang: "vi", GivenAt: time.Now().UTC()}}
					}
				}
				if refused {
					missing := int64(987654321)
					ops[7].SectionID = &missing
				}
				ops[n-1].Body = ops[0].Body // a true retry carries the same opinion

				held, release := store.HoldBatches(st)
				type answer struct {
					stored  *domain.Opinion
					created bool
					err     error
				}
				answers := make([]answer, n)
				var wg sync.WaitGroup
				send := func(i int) {
					wg.Add(1)
					go func() {
						defer wg.Done()
						s, created, err := st.InsertOpinion(ctx, ops[i], consents[i])
						answers[i] = answer{s, created, err}
					}()
				}
				waitFor := func(what string, cond func() bool) {
					deadline := time.Now().Add(10 * time.Second)
					for !cond() {
						if time.Now().After(deadline) {
							t.Fatalf("still waiting for %s", what)
						}
						time.Sleep(5 * time.Millisecond)
					}
				}
				// The first opinions keep every writer busy; the rest of the burst queues
				// behind them and is gathered into batches once they are released.
				firstHeld := n - 1 - store.Writers // the writers hold firstHeld … n-2
				for i := range store.Writers {
					send(firstHeld + i)
					waitFor("a writer to take an opinion", func() bool { return held() == int64(i+1) })
				}
				for i := range n {
					if i < firstHeld || i == n-1 {
						send(i)
					}
				}
				waitFor("the burst to queue", func() bool { return store.Queued(st) == n-store.Writers })
				before := store.BatchesWritten(st)
				release()
				wg.Wait()
				if !refused && store.BatchesWritten(st) == before {
					t.Errorf("the burst was not written in a batch")
				}

				for i, a := range answers {
					switch {
					case refused && i == 7:
						if a.err == nil {
							t.Errorf("opinion on a missing article stored")
						}
						continue
					case a.err != nil:
						t.Fatalf("opinion %d: %v", i, a.err)
					case i == 0 || i == n-1:
						// The opinion and its retry: whichever came first is stored, and
						// both are told its row.
						other := answers[n-1-i]
						if a.created == other.created || a.stored.ID != other.stored.ID {
							t.Errorf("opinion %d and its retry: created %v and %v, rows %d and %d", i, a.created, other.created, a.stored.ID, other.stored.ID)
						}
						if !a.created {
							continue
						}
					case !a.created:
						t.Errorf("opinion %d: not created", i)
					}
					row, err := st.OpinionByID(ctx, a.stored.ID)
					if err != nil {
						t.Fatalf("opinion %d: row %d: %v", i, a.stored.ID, err)
					}
					if row.TrackingCode != ops[i].TrackingCode || row.Body != ops[i].Body {
						t.Errorf("opinion %d: row %d holds %q %q, want %q %q", i, row.ID, row.TrackingCode, row.Body, ops[i].TrackingCode, ops[i].Body)
					}
					var purposes []string
					rows, err := st.SQLDB().QueryContext(ctx, "SELECT purpose FROM consents WHERE opinion_id = $1", row.ID)
					if err != nil {
						t.Fatal(err)
					}
					for rows.Next() {
						var p string
						_ = rows.Scan(&p)
						purposes = append(purposes, p)
					}
					rows.Close()
					if want := len(consents[i]); len(purposes) != want {
						t.Errorf("opinion %d: %d consents stored, want %d", i, len(purposes), want)
					}
				}
				var stored int
				if err := st.SQLDB().QueryRowContext(ctx, "SELECT count(*) FROM opinions WHERE idempotency_key LIKE $1", fmt.Sprintf("burst-%v-%%", refused)).Scan(&stored); err != nil {
					t.Fatal(err)
				}
				want := n - 1
				if refused {
					want--
				}
				if stored != want {
					t.Errorf("%d rows stored, want %d", stored, want)
				}
			})
		}
	})
}
