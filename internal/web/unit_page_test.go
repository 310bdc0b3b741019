package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestCommunePageLinksOnlyToReportsThatExist: a commune's page offers its own slice of the
// report only for a consultation of a unit above it; the results of one of its villages'
// consultations open whole, since a village's report has no slice for its commune.
func TestCommunePageLinksOnlyToReportsThatExist(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		now := env.App.Now
		then := now().AddDate(0, 0, -40)
		env.App.Now = func() time.Time { return then }
		opens, closes := domain.PeriodFromDates(then, now().AddDate(0, 0, -3))
		c, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{Title: "Kế hoạch làm đường Thôn Một",
			Kind: "plan", UnitCode: "A1", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes})
		if err == nil {
			c, err = env.App.Publish(ctx, env.OfficialA, c.ID)
		}
		env.App.Now = now
		if err != nil {
			t.Fatal(err)
		}
		env.CloseAtEnd(t, env.OfficialA, c)
		if _, err := env.App.PublishResults(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatalf("publish results: %v", err)
		}

		resident := env.NewBrowser(t)
		page := resident.Get("/u/A").Body
		mustContain(t, page, fmt.Sprintf(`href="/c/%d/report"`, c.ID))
		mustNotContain(t, page, fmt.Sprintf(`/c/%d/report?unit=A`, c.ID))
		if res := resident.Get(fmt.Sprintf("/c/%d/report", c.ID)); res.Status != http.StatusOK {
			t.Fatalf("the report the commune's page links to: %d", res.Status)
		}
	})
}

// TestHomeLeadsToTheUnits: the home page lists the top of the unit tree, the way in to a
// commune's page and what only it shows (disclosures, dialogues, proposals, annual report).
func TestHomeLeadsToTheUnits(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		resident := env.NewBrowser(t)
		mustContain(t, resident.Get("/").Body, `<h2 id="home-units">Địa phương</h2>`, `href="/u/P"`)
		mustContain(t, resident.Get("/?lang=en").Body, `<h2 id="home-units">Places</h2>`, `href="/u/P"`)
		commune := resident.Get("/u/A").Body
		mustContain(t, commune, `href="/u/A/disclosures"`, `href="/units/A/annual/`, `href="/u/A/dialogues"`)
	})
}
