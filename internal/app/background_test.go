package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestShutdownWaitsForBackgroundWork starts a recomputation of themes just before the App
// shuts down, holds it, and checks that Shutdown waits for it: the recomputation still
// reaches the database after Shutdown was called, and the store is closed only once
// Shutdown has returned, so nothing in the background runs against a closed pool. After
// Shutdown, background work is refused, and opinions are still taken, one by one.
func TestShutdownWaitsForBackgroundWork(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		for _, body := range []string{"Thu gom rác hai lần mỗi tuần.", "Thu gom rác đúng giờ."} {
			o := submit(t, f, c, body)
			if _, err := decide(t, f, f.ModeratorA, o.ID, app.Decision{Decision: "approve"}); err != nil {
				t.Fatal(err)
			}
		}
		// Past the sync limit the first view recomputes the themes in the background.
		f.App.SetThemeSyncLimit(1)
		started, release := make(chan struct{}), make(chan struct{})
		lastQuery := make(chan error, 1)
		f.App.SetThemeRecomputeHook(func() error {
			close(started)
			<-release
			time.Sleep(100 * time.Millisecond) // still working when Shutdown has long begun
			var n int
			lastQuery <- st.SQLDB().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM opinions").Scan(&n)
			return nil
		})
		if _, err := f.App.Themes(ctx, c, 10); err != nil {
			t.Fatal(err)
		}
		select {
		case <-started:
		case <-time.After(time.Minute):
			t.Fatal("no recomputation started")
		}

		shutDown := make(chan struct{})
		go func() {
			f.App.Shutdown()
			close(shutDown)
		}()
		select {
		case <-shutDown:
			t.Fatal("Shutdown returned while a recomputation was running")
		case <-time.After(200 * time.Millisecond):
		}
		close(release)
		select {
		case <-shutDown:
		case <-time.After(time.Minute):
			t.Fatal("Shutdown did not return after the recomputation ended")
		}
		if err := <-lastQuery; err != nil {
			t.Errorf("the recomputation's last query: %v", err)
		}

		if f.App.Go(func(context.Context) { t.Error("background work ran after Shutdown") }) {
			t.Error("Go accepted work after Shutdown")
		}
		if _, err := f.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "agree", Body: "Đồng ý."}, ""); err != nil {
			t.Errorf("opinion after Shutdown, the writer stopped: %v", err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	})
}
