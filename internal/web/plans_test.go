package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// plansWorld makes the consult matters of commune A the plan rows of the matrix act on.
type plansWorld struct {
	w                 *authzWorld
	openID, resultsID int64
	last              int64 // the consultation the last row acted on
}

func (w *authzWorld) pl(t *testing.T) *plansWorld {
	t.Helper()
	if w.plans == nil {
		w.plans = &plansWorld{w: w}
	}
	return w.plans
}

// newConsultMatter creates a consult matter of commune A (art. 25(1)) with the 20-day
// minimum of Law 10/2022 art. 28(2), and publishes it.
func newConsultMatter(t *testing.T, f *testutil.Fixture, title string) *domain.Consultation {
	t.Helper()
	ctx := context.Background()
	opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 25))
	c, err := f.App.CreateConsultation(ctx, f.OfficialA, app.NewConsultation{Title: title, Kind: "plan", Topic: 1,
		UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = f.App.Publish(ctx, f.OfficialA, c.ID); err != nil {
		t.Fatal(err)
	}
	return c
}

// consultResults closes a consult matter at the end of its period and publishes its results.
func consultResults(t *testing.T, f *testutil.Fixture, c *domain.Consultation) *domain.Consultation {
	t.Helper()
	f.CloseAtEnd(t, f.OfficialA, c)
	r, err := f.App.PublishResults(context.Background(), f.OfficialA, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (p *plansWorld) open(t *testing.T) int64 {
	t.Helper()
	if p.openID == 0 {
		p.openID = newConsultMatter(t, p.w.env.Fixture, fmt.Sprintf("Kế hoạch ma trận %d", p.w.n)).ID
	}
	p.last = p.openID
	return p.openID
}

func (p *plansWorld) results(t *testing.T) int64 {
	t.Helper()
	if p.resultsID == 0 {
		c := newConsultMatter(t, p.w.env.Fixture, fmt.Sprintf("Kế hoạch có kết quả %d", p.w.n))
		p.resultsID = consultResults(t, p.w.env.Fixture, c).ID
	}
	p.last = p.resultsID
	return p.resultsID
}

// planRecorded reports whether the column of the last consultation's plan holds a day.
func (p *plansWorld) planRecorded(t *testing.T, column string) bool {
	t.Helper()
	return p.w.count(t, "consultation_plans", fmt.Sprintf("consultation_id = %d AND %s IS NOT NULL", p.last, column)) > 0
}
