package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestOpinionChecksFollowChanges: submissions read the consultation, its articles and its
// villages from a copy in memory. Every change made through the portal must show in the
// very next submission, and a change made behind its back (another instance of the portal
// on the same database) within seconds.
func TestOpinionChecksFollowChanges(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		article := testutil.Section(t, c, "c2.d5").ID
		submit := func(section int64, village string) error {
			in := appOpinion()
			in.SectionID, in.VillageCode = &section, village
			_, err := f.App.SubmitOpinion(ctx, c.ID, in, "")
			return err
		}
		if err := submit(article, "A1"); err != nil {
			t.Fatalf("first opinion: %v", err)
		}

		// A new version: the old article is no longer the current one, the new one is.
		v2, err := f.App.PublishVersion(ctx, f.OfficialA, c.ID, app.NewVersion{
			Text: strings.Replace(testutil.Draft, "không quá một ngày", "không quá nửa ngày", 1), Note: "Rút ngắn việc cưới.",
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := submit(article, "A1"); !isInvalid(err, "section_id") {
			t.Fatalf("opinion on the replaced version's article: %v, want section_id refused", err)
		}
		if err := submit(testutil.Section(t, v2, "c2.d5").ID, "A1"); err != nil {
			t.Fatalf("opinion on the new version: %v", err)
		}
		article = testutil.Section(t, v2, "c2.d5").ID

		// A village moved to the other commune by the unit list stops being one of A's.
		if _, err := f.App.ImportUnits(ctx, nil, strings.NewReader("code,name,kind,parent_code,households\nA2,Thôn Hai,village,B,80\n")); err != nil {
			t.Fatal(err)
		}
		if err := submit(article, "A2"); !isInvalid(err, "village_code") {
			t.Fatalf("village moved to B: %v, want village_code refused", err)
		}

		// Closed early by an official: refused at once.
		f.CloseAtEnd(t, f.OfficialA, c)
		if err := submit(article, "A1"); !hasCode(err, domain.CodeConflict) {
			t.Fatalf("opinion after closing: %v, want a conflict", err)
		}

		// Reopened behind the portal's back, as another instance sharing the database
		// would: the copy in memory catches up within seconds.
		if _, err := st.SQLDB().ExecContext(ctx, "UPDATE consultations SET status = 'open', closed_at = NULL WHERE id = $1", c.ID); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for submit(article, "A1") != nil {
			if time.Now().After(deadline) {
				t.Fatal("a consultation reopened in the database still refuses opinions after 10 s")
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// TestUnknownConsultationAndVillage: what does not exist is refused, and looking it up
// again finds it once it is created.
func TestUnknownConsultationAndVillage(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		if _, err := f.App.SubmitOpinion(ctx, 999999, appOpinion(), ""); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown consultation: %v, want not found", err)
		}
		c := f.OpenConsultation(t)
		in := appOpinion()
		in.VillageCode = "A3"
		if _, err := f.App.SubmitOpinion(ctx, c.ID, in, ""); !isInvalid(err, "village_code") {
			t.Fatalf("unknown village: %v, want village_code refused", err)
		}
		if _, err := f.App.ImportUnits(ctx, nil, strings.NewReader("code,name,kind,parent_code,households\nA3,Thôn Ba,village,A,40\n")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.App.SubmitOpinion(ctx, c.ID, in, ""); err != nil {
			t.Fatalf("village created just now: %v", err)
		}
		in.VillageCode = "A" // a commune, not a village
		if _, err := f.App.SubmitOpinion(ctx, c.ID, in, ""); !isInvalid(err, "village_code") {
			t.Fatalf("commune given as village: %v, want village_code refused", err)
		}
	})
}

func isInvalid(err error, field string) bool {
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.CodeInvalid {
		return false
	}
	_, ok := e.Fields[field]
	return ok
}

func hasCode(err error, code domain.Code) bool {
	var e *domain.Error
	return errors.As(err, &e) && e.Code == code
}
