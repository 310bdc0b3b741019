package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/shortcode"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestTransactionTravelsInTheContext: the store methods called with the context InTx gives
// join its transaction, the store's own transactions (ChangeStatus) included, and all of it
// commits or rolls back at once. Inside, an opinion is written in the transaction although
// the batched writer runs, and the opinion-target cache neither serves nor keeps what the
// transaction has not committed.
func TestTransactionTravelsInTheContext(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st) // its App runs the batched writer
		c := f.OpenConsultation(t)
		if target, err := st.OpinionTarget(ctx, c.ID); err != nil || target.Consultation().Status != domain.StatusOpen {
			t.Fatalf("target before: %v", err)
		}
		events := testutil.CountRows(t, st, "consultation_events", "consultation_id = $1", c.ID)

		closeAndComment := func(ctx context.Context, key string) (int64, error) {
			now := time.Now()
			err := st.ChangeStatus(ctx, c.ID, domain.StatusOpen, domain.StatusClosed, &f.OfficialA.StaffID, "", store.StatusStamps{ClosedAt: &now})
			if err != nil {
				return 0, err
			}
			target, err := st.OpinionTarget(ctx, c.ID)
			if err != nil {
				return 0, err
			}
			if s := target.Consultation().Status; s != domain.StatusClosed {
				t.Errorf("inside the transaction the target is %s, want its own change (closed)", s)
			}
			// Another request meanwhile sees what is committed, not the transaction's copy.
			if outside, err := st.OpinionTarget(context.Background(), c.ID); err != nil || outside.Consultation().Status != domain.StatusOpen {
				t.Errorf("outside the transaction, before its commit: %v, want the committed target (open)", err)
			}
			o := &domain.Opinion{ConsultationID: c.ID, Stance: domain.StanceAgree, Channel: domain.ChannelPhone,
				Body: "Ý kiến qua điện thoại.", BodyPublic: "Ý kiến qua điện thoại.", Status: domain.OpinionPending,
				AuthorName: "Bà Lan", ShowName: true, TrackingCode: shortcode.NewTracking(), SubmittedAt: time.Now().UTC(), IdempotencyKey: &key}
			consents := []domain.Consent{{Purpose: domain.ConsentShowName, Text: "Đồng ý", Lang: "vi", GivenAt: time.Now().UTC()}}
			stored, created, err := st.InsertOpinion(ctx, o, consents)
			if err != nil || !created {
				return 0, errors.Join(err, errors.New("not created"))
			}
			return stored.ID, nil
		}

		t.Run("rolled back", func(t *testing.T) {
			undo := errors.New("undo")
			var id int64
			start := time.Now()
			err := st.InTx(ctx, func(ctx context.Context) error {
				var err error
				if id, err = closeAndComment(ctx, "tx-1"); err != nil {
					return err
				}
				return undo
			})
			if !errors.Is(err, undo) {
				t.Fatalf("InTx: %v, want fn's error", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the transaction took %v: something inside it waited for another connection", d)
			}
			if row, err := st.ConsultationRow(ctx, c.ID); err != nil || row.Status != domain.StatusOpen {
				t.Errorf("consultation after the rollback: %v %v, want still open", row, err)
			}
			if target, err := st.OpinionTarget(ctx, c.ID); err != nil || target.Consultation().Status != domain.StatusOpen {
				t.Errorf("target after the rollback: %v, want open as committed", err)
			}
			if _, err := st.OpinionByID(ctx, id); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("opinion of the rolled back transaction: %v, want not found", err)
			}
			if n := testutil.CountRows(t, st, "consents", "opinion_id NOT IN (SELECT id FROM opinions)"); n != 0 {
				t.Errorf("%d consents left behind", n)
			}
			if n := testutil.CountRows(t, st, "consultation_events", "consultation_id = $1", c.ID); n != events {
				t.Errorf("%d status changes logged, want %d", n, events)
			}
		})

		t.Run("committed", func(t *testing.T) {
			var id int64
			err := st.InTx(ctx, func(ctx context.Context) error {
				var err error
				id, err = closeAndComment(ctx, "tx-2")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if target, err := st.OpinionTarget(ctx, c.ID); err != nil || target.Consultation().Status != domain.StatusClosed {
				t.Errorf("target after the commit: %v, want closed", err)
			}
			if _, err := st.OpinionByID(ctx, id); err != nil {
				t.Errorf("opinion of the committed transaction: %v", err)
			}
			if n := testutil.CountRows(t, st, "consents", "opinion_id = $1", id); n != 1 {
				t.Errorf("%d consents of the opinion, want 1", n)
			}
		})
	})
}
