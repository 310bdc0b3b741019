package web_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// The objects the authorisation matrix needs for versions and recognition, made on demand
// like the others of authzWorld and kept per world.
var (
	worldMu      sync.Mutex
	adoptedWorld = map[*authzWorld]*domain.Consultation{}
)

// adopted is a hương ước of commune A whose households adopted it today, with no dossier yet.
func (w *authzWorld) adopted(t *testing.T) *domain.Consultation {
	t.Helper()
	worldMu.Lock()
	defer worldMu.Unlock()
	if c := adoptedWorld[w]; c != nil {
		return c
	}
	c := adoptCharter(t, w.env, w.st, w.emptyClosed(t), time.Now())
	adoptedWorld[w] = c
	return c
}

// adoptCharter publishes the results of a closed consultation without opinions and records
// that its households adopted it at the moment given. The households' decision has its own
// pages and tests; here it is the starting point, written as its use case leaves it.
func adoptCharter(t *testing.T, env *testutil.Env, st *store.Store, c *domain.Consultation, at time.Time) *domain.Consultation {
	t.Helper()
	ctx := context.Background()
	if _, err := env.App.PublishResults(ctx, env.OfficialA, c.ID); err != nil {
		t.Fatalf("publish results: %v", err)
	}
	if err := st.ChangeStatus(ctx, c.ID, domain.StatusResultsPublished, domain.StatusAdopted, &env.OfficialA.StaffID, "",
		store.StatusStamps{DecidedAt: new(at.UTC())}); err != nil {
		t.Fatalf("adopt: %v", err)
	}
	c, err := st.ConsultationByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// revisedDraft is testutil.Draft with article 5 reworded, for a second version.
func revisedDraft() string {
	return strings.Replace(testutil.Draft, "không quá một ngày", "không quá một ngày, không mở nhạc sau 22 giờ", 1)
}

// version is the current version of a consultation.
func (w *authzWorld) version(t *testing.T, id int64) int {
	t.Helper()
	c, err := w.st.ConsultationByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Version
}

func (w *authzWorld) charterRecorded(t *testing.T) bool {
	t.Helper()
	return w.count(t, "charter_records", fmt.Sprintf("consultation_id = %d", w.adopted(t).ID)) > 0
}
