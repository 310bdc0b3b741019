package app_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/auth"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestPasswordChecksAreBounded: no more password checks run at once than there are cores,
// nor more than 128 MiB of hashes under production's 64 MiB setting; a login that finds every
// slot taken waits, then is answered "unavailable" (503) without checking anything.
func TestPasswordChecksAreBounded(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := testutil.Seed(t, st)
		if got, want := app.New(st).PasswordSlots(), min(runtime.GOMAXPROCS(0), 2); got != want {
			t.Errorf("production setting: %d slots, want %d (64 MiB each, 128 MiB in all)", got, want)
		}
		if got := app.New(st, app.WithPasswordParams(auth.TestParams)).PasswordSlots(); got != runtime.GOMAXPROCS(0) {
			t.Errorf("cheap setting: %d slots, want one per core (%d)", got, runtime.GOMAXPROCS(0))
		}

		release := f.App.HoldPasswordSlots()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := f.App.Login(ctx, f.OfficialA.Email, testutil.Password)
		if !domain.IsCode(err, domain.CodeUnavailable) {
			t.Fatalf("login with every slot taken: %v, want unavailable", err)
		}
		release()
		if _, err := f.App.Login(context.Background(), f.OfficialA.Email, testutil.Password); err != nil {
			t.Fatalf("login once a slot is free: %v", err)
		}
	})
}
