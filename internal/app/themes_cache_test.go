package app_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestThemesFollowTheApprovedOpinions checks that the cached themes of a consultation change
// as soon as its approved opinions do: approving, hiding, withdrawing, and a swap that keeps
// both the number of approved opinions and the largest id. The App's clock stands still the
// whole time, as a fingerprint built on review times would not see these changes. It also
// checks that the cache is used while nothing changes, and that the first view after a
// change still shows the earlier themes while the new ones are computed in the background.
func TestThemesFollowTheApprovedOpinions(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		now := time.Now()
		f.App.Now = func() time.Time { return now }

		view := func() string {
			t.Helper()
			got, err := f.App.Themes(ctx, c, 10)
			if err != nil {
				t.Fatal(err)
			}
			return themeList(got)
		}
		// themes views the consultation twice: the first view shows what the previous call
		// settled on (or computes the themes, the first time), and may start a recomputation;
		// once that has ended, the second view shows want.
		earlier, first := "", true
		themes := func(want string) {
			t.Helper()
			if got := view(); !first && got != earlier {
				t.Errorf("first view: themes %q, want the earlier %q", got, earlier)
			}
			f.App.WaitForBackground()
			if got := view(); got != want {
				t.Errorf("themes %q, want %q", got, want)
			}
			earlier, first = want, false
		}
		moderate := func(id int64, d app.Decision) {
			t.Helper()
			if _, err := f.App.Moderate(ctx, f.ModeratorA, id, d); err != nil {
				t.Fatal(err)
			}
		}
		approve := app.Decision{Decision: "approve"}
		hide := app.Decision{Decision: "hide", Reason: "off_topic"}

		a := submit(t, f, c, "Lắp đèn đường ở ngõ 4.")
		b := submit(t, f, c, "Đèn đường hỏng đã lâu.")
		cc := submit(t, f, c, "Thu gom rác chậm quá.")
		d := submit(t, f, c, "Thu gom rác hai lần mỗi tuần.")
		themes("") // nothing approved yet
		moderate(a.ID, approve)
		moderate(b.ID, approve)
		moderate(d.ID, approve)
		themes("đèn đường=2")

		// The database counts every change to an approved opinion's public text too (the
		// counters of migration 00015), so even a text changed behind the App's back is read
		// again; putting it back brings the themes back.
		_, err := st.SQLDB().ExecContext(ctx, fmt.Sprintf(
			"UPDATE opinions SET body_public = 'Cưới tiết kiệm. Cưới tiết kiệm.' WHERE id IN (%d, %d)", a.ID, d.ID))
		if err != nil {
			t.Fatal(err)
		}
		themes("cưới tiết kiệm=2")
		_, err = st.SQLDB().ExecContext(ctx, fmt.Sprintf(
			"UPDATE opinions SET body_public = body WHERE id IN (%d, %d)", a.ID, d.ID))
		if err != nil {
			t.Fatal(err)
		}
		themes("đèn đường=2")

		// One hidden and one approved at once: still three approved opinions, the largest id
		// still d's, yet the themes are others.
		moderate(b.ID, hide)
		moderate(cc.ID, approve)
		themes("thu gom rác=2")

		if _, err := f.App.WithdrawOpinion(ctx, d.TrackingCode); err != nil {
			t.Fatal(err)
		}
		themes("")

		e := submit(t, f, c, "Đèn đường cần sáng hơn.")
		themes("")
		moderate(e.ID, approve)
		themes("đèn đường=2")

		// Another limit is another entry, computed from the same opinions.
		if got, err := f.App.Themes(ctx, c, 1); err != nil || themeList(got) != "đèn đường=2" {
			t.Errorf("themes with limit 1: %q, %v", themeList(got), err)
		}
	})
}

// TestThemesWhileRecomputed holds a background recomputation of a consultation's themes and
// checks that the views meanwhile get the earlier themes at once and start no other, that
// the new themes are served once it ends, and that a recomputation that fails leaves the
// earlier themes in place for the next view to try again.
func TestThemesWhileRecomputed(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)

		// view returns the themes, or fails the test if the view does not return within a
		// minute: it is not meant to wait for anything, and a view that waited for the held
		// recomputation would otherwise hang the test instead of failing it.
		view := func() string {
			t.Helper()
			type result struct {
				themes []app.Theme
				err    error
			}
			done := make(chan result, 1)
			go func() {
				got, err := f.App.Themes(ctx, c, 10)
				done <- result{got, err}
			}()
			select {
			case r := <-done:
				if r.err != nil {
					t.Fatal(r.err)
				}
				return themeList(r.themes)
			case <-time.After(time.Minute):
				t.Fatal("the view waited for the recomputation")
				return ""
			}
		}
		approved := func(body string) *domain.Opinion {
			t.Helper()
			o := submit(t, f, c, body)
			if _, err := f.App.Moderate(ctx, f.ModeratorA, o.ID, app.Decision{Decision: "approve"}); err != nil {
				t.Fatal(err)
			}
			return o
		}

		approved("Lắp đèn đường ở ngõ 4.")
		approved("Đèn đường hỏng đã lâu.")
		if got := view(); got != "đèn đường=2" { // no themes yet: this view computes them
			t.Fatalf("themes %q, want %q", got, "đèn đường=2")
		}

		// Each recomputation from now on says it started, then waits for release.
		var recomputations atomic.Int32
		started := make(chan struct{}, 10)
		release := make(chan struct{})
		var once sync.Once
		releaseAll := func() { once.Do(func() { close(release) }) }
		t.Cleanup(releaseAll) // a failed test does not leave one held
		f.App.SetThemeRecomputeHook(func() error {
			recomputations.Add(1)
			started <- struct{}{}
			<-release
			return nil
		})

		approved("Thu gom rác chậm quá.")
		rubbish := approved("Thu gom rác hai lần mỗi tuần.")
		if got := view(); got != "đèn đường=2" {
			t.Errorf("first view after the change: %q, want the earlier themes", got)
		}
		select {
		case <-started:
		case <-time.After(time.Minute):
			t.Fatal("the view after the change started no recomputation")
		}
		// The recomputation is held: the views get the earlier themes, without waiting,
		// even after another change, and start no second recomputation.
		if got := view(); got != "đèn đường=2" {
			t.Errorf("view during the recomputation: %q, want the earlier themes", got)
		}
		approved("Đèn đường cần sáng hơn.")
		if got := view(); got != "đèn đường=2" {
			t.Errorf("view during the recomputation, after another change: %q, want the earlier themes", got)
		}
		if n := recomputations.Load(); n != 1 {
			t.Errorf("%d recomputations while one runs, want 1", n)
		}

		// Released, it stores the new themes, which the next view gets; it read the
		// opinions after the last change, so they are all counted.
		releaseAll()
		f.App.WaitForBackground()
		const all = "đèn đường=3, thu gom rác=2"
		if got := view(); got != all {
			t.Errorf("view after the recomputation: %q, want %q", got, all)
		}
		f.App.WaitForBackground()
		if got := view(); got != all {
			t.Errorf("view after the recomputations: %q, want %q", got, all)
		}

		// A recomputation that fails leaves the earlier themes; the next view tries again.
		var failures atomic.Int32
		f.App.SetThemeRecomputeHook(func() error {
			failures.Add(1)
			return errors.New("database unreachable")
		})
		if _, err := f.App.Moderate(ctx, f.ModeratorA, rubbish.ID, app.Decision{Decision: "hide", Reason: "off_topic"}); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 2; i++ {
			if got := view(); got != all {
				t.Errorf("view %d while recomputations fail: %q, want the earlier %q", i, got, all)
			}
			f.App.WaitForBackground()
			if n := failures.Load(); n != int32(i) {
				t.Errorf("after view %d: %d failed recomputations, want %d", i, n, i)
			}
		}
		f.App.SetThemeRecomputeHook(nil)
		if got := view(); got != all {
			t.Errorf("view once the database answers: %q, want the earlier %q", got, all)
		}
		f.App.WaitForBackground()
		if got := view(); got != "đèn đường=3" {
			t.Errorf("view after a recomputation that succeeded: %q, want %q", got, "đèn đường=3")
		}
	})
}

// TestThemesOfALargeConsultationComeInTheBackground checks that the first view of a
// consultation with more approved opinions than a view may tokenise while the resident waits
// shows no themes and starts their computation, and that the views after it ends show them.
func TestThemesOfALargeConsultationComeInTheBackground(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		for _, body := range []string{"Lắp đèn đường ở ngõ 4.", "Đèn đường hỏng đã lâu.", "Đèn đường cần sáng hơn."} {
			o := submit(t, f, c, body)
			if _, err := f.App.Moderate(ctx, f.ModeratorA, o.ID, app.Decision{Decision: "approve"}); err != nil {
				t.Fatal(err)
			}
		}
		f.App.SetThemeSyncLimit(2)
		release := make(chan struct{})
		var once sync.Once
		releaseAll := func() { once.Do(func() { close(release) }) }
		t.Cleanup(releaseAll)
		var recomputations atomic.Int32
		f.App.SetThemeRecomputeHook(func() error {
			recomputations.Add(1)
			<-release // held until the views below have looked
			return nil
		})

		for i := range 2 {
			got, err := f.App.Themes(ctx, c, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 0 {
				t.Fatalf("view %d while the themes are computed: %q, want none", i+1, themeList(got))
			}
		}
		releaseAll()
		f.App.WaitForBackground()
		if n := recomputations.Load(); n != 1 {
			t.Errorf("%d computations started, want 1", n)
		}
		got, err := f.App.Themes(ctx, c, 10)
		if err != nil {
			t.Fatal(err)
		}
		if s := themeList(got); s != "đèn đường=3" {
			t.Errorf("themes once computed: %q, want %q", s, "đèn đường=3")
		}
	})
}
