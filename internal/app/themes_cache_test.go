package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestThemesFollowTheApprovedOpinions checks that the cached themes of a consultation change
// as soon as its approved opinions do: approving, hiding, withdrawing, and a swap that keeps
// both the number of approved opinions and the largest id. The App's clock stands still the
// whole time, as a fingerprint built on review times would not see these changes. It also
// checks that the cache is used while nothing changes.
func TestThemesFollowTheApprovedOpinions(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		now := time.Now()
		f.App.Now = func() time.Time { return now }

		themes := func(want string) {
			t.Helper()
			got, err := f.App.Themes(ctx, c, 10)
			if err != nil {
				t.Fatal(err)
			}
			if themeList(got) != want {
				t.Errorf("themes %q, want %q", themeList(got), want)
			}
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

		// While the approved set stays the same the themes come from the cache: a text
		// changed behind the App's back (nothing in the portal edits approved text) is not
		// read again.
		_, err := st.SQLDB().ExecContext(ctx, fmt.Sprintf(
			"UPDATE opinions SET body_public = 'Cưới tiết kiệm. Cưới tiết kiệm.' WHERE id IN (%d, %d)", a.ID, d.ID))
		if err != nil {
			t.Fatal(err)
		}
		themes("đèn đường=2")
		_, err = st.SQLDB().ExecContext(ctx, fmt.Sprintf(
			"UPDATE opinions SET body_public = body WHERE id IN (%d, %d)", a.ID, d.ID))
		if err != nil {
			t.Fatal(err)
		}

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
