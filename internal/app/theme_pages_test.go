package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestThemeOpinionsReadPageByPage: the opinions of a theme are found by reading the approved
// opinions a few at a time (7 here), newest first. Across those reads, and across opinions
// sent in the same second, every match appears once, in order, on the page it belongs to.
func TestThemeOpinionsReadPageByPage(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		f.App.SetThemePage(7)
		start := time.Now().UTC().Truncate(time.Second)
		var want []int64 // the matches, newest first
		for i := range 100 {
			at := start.Add(time.Duration(i/3) * time.Second) // three opinions to a second
			f.App.Now = func() time.Time { return at }
			body := fmt.Sprintf("Ý kiến số %d về việc cưới hỏi.", i)
			if i%2 == 0 {
				body = fmt.Sprintf("Ý kiến số %d: cần lắp đèn đường ở ngõ.", i)
			}
			o := submit(t, f, c, body)
			if _, err := f.App.Moderate(ctx, f.ModeratorA, o.ID, app.Decision{Decision: "approve"}); err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				want = append(want, o.ID)
			}
		}
		slices.Reverse(want)
		var got []int64
		for page := 1; ; page++ {
			list, more, err := f.App.ThemeOpinions(ctx, c.ID, domain.SectionFilter{}, "den duong", page)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) > domain.OpinionsPerPage {
				t.Fatalf("page %d holds %d opinions", page, len(list))
			}
			for _, o := range list {
				got = append(got, o.ID)
			}
			if !more {
				break
			}
			if page > 5 {
				t.Fatal("more pages than there are matches")
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("theme pages gave %d opinions %v\nwant the %d matches newest first %v", len(got), got, len(want), want)
		}
	})
}
