package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/auth"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestOpinionChecksFollowChanges: submissions read the consultation, its articles and its
// villages from a copy in memory. Every change made through the portal must show in the
// very next submission (another instance's changes: TestAnotherInstanceSeesTheClose).
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
	})
}

// TestAnotherInstanceSeesTheClose: two instances of the portal share one PostgreSQL
// database, each with its copies in memory. An official closes a consultation through one;
// the other refuses the next opinion within a second (PostgreSQL's NOTIFY reaches it), and
// sees a village moved by the other's unit list just as soon.
func TestAnotherInstanceSeesTheClose(t *testing.T) {
	t.Parallel()
	if !slices.Contains(testutil.Dialects(t), store.Postgres) {
		t.Skip("several instances share a PostgreSQL database; TEST_DATABASE_URL is not set")
	}
	ctx := context.Background()
	url := testutil.PostgresURL(t)
	open := func() *store.Store {
		st, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	stA, stB := open(), open()
	f := testutil.Seed(t, stA)
	b := app.New(stB, app.WithPasswordParams(auth.TestParams))
	t.Cleanup(b.Shutdown)
	c := f.OpenConsultation(t)
	article := testutil.Section(t, c, "c2.d5").ID
	submitB := func(village string) error {
		in := appOpinion()
		in.SectionID, in.VillageCode = &article, village
		_, err := b.SubmitOpinion(ctx, c.ID, in, "")
		return err
	}
	if err := submitB("A2"); err != nil { // B now holds the consultation and A2 in memory
		t.Fatalf("opinion through B: %v", err)
	}
	within := func(what string, refused func() bool) {
		t.Helper()
		start := time.Now()
		for !refused() {
			if time.Since(start) > time.Second {
				t.Fatalf("%s: instance B still accepts opinions after 1 s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Logf("%s: refused by B after %v", what, time.Since(start).Round(time.Millisecond))
	}
	if _, err := f.App.ImportUnits(ctx, nil, strings.NewReader("code,name,kind,parent_code,households\nA2,Thôn Hai,village,B,80\n")); err != nil {
		t.Fatal(err)
	}
	within("village moved to B through A", func() bool { return isInvalid(submitB("A2"), "village_code") })
	f.CloseAtEnd(t, f.OfficialA, c)
	within("closed through A", func() bool { return hasCode(submitB("A1"), domain.CodeConflict) })
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
