package app

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// ConsultationDeadlines lists the deadlines the law sets after a consultation, as they stand
// now: the results (Law 10/2022 art. 12) once it has ended, and the deadlines of an adopted
// charter.
func (a *App) ConsultationDeadlines(ctx context.Context, c *domain.Consultation) ([]domain.Deadline, error) {
	now, cal := a.Now(), a.calendar()
	var out []domain.Deadline
	if d, ok := domain.ResultsDeadline(c, now, cal); ok {
		out = append(out, d)
	}
	charter, err := a.recognitionDeadlines(ctx, c, now, cal)
	if err != nil {
		return nil, err
	}
	return append(out, charter...), nil
}

// recognitionDeadlines is where the deadlines of an adopted hương ước or quy ước join the
// consultation's (Decree 61/2023 art. 11): the dossier within 5 working days of adoption,
// then the commune's recognition within 5 working days of a complete dossier, and the
// return to the village. The recognition itself, its record and its rules belong to
// charter.go; this hook only shows where they stand.
func (a *App) recognitionDeadlines(ctx context.Context, c *domain.Consultation, now time.Time, cal domain.Calendar) ([]domain.Deadline, error) {
	adopted, day, err := a.charterAdoption(ctx, c)
	if err != nil || !adopted {
		return nil, err
	}
	rec, err := a.store.CharterRecord(ctx, c.ID)
	switch {
	case err == nil:
		return domain.CharterDeadlines(rec, nil, now, cal), nil
	case domain.IsCode(err, domain.CodeNotFound):
		return domain.CharterDeadlines(nil, day, now, cal), nil
	}
	return nil, wrap(err)
}

// DecisionDeadlineRow is a village decision that missed a deadline of what follows it,
// for the oversight view: sending it to the commune (Law 10/2022 art. 20(3)) or the
// commune's recognition (art. 21(2)).
type DecisionDeadlineRow struct {
	ConsultationID int64
	Title          string
	Item           domain.Item
	Village        domain.Unit
	Deadline       domain.Deadline
}

// decisionDeadlines lists the decisions of villages among unitIDs that missed a deadline,
// or are missing one now, most working days late first.
func (a *App) decisionDeadlines(ctx context.Context, unitIDs []int64, now time.Time) ([]DecisionDeadlineRow, error) {
	rows, err := a.store.DecisionFollowUps(ctx, unitIDs, now)
	if err != nil {
		return nil, wrap(err)
	}
	cal := a.calendar()
	var out []DecisionDeadlineRow
	for _, r := range rows {
		d := r.Decision()
		o := d.Result(r.Item)
		if !o.Quorate {
			continue // a meeting that could not decide sends nothing
		}
		c := &domain.Consultation{Kind: r.Kind, Item: r.Item}
		recognised := villageRecognised(c) && o.Adopted
		for _, dl := range domain.DecisionDeadlines(d.HeldOn, r.Acts(), recognised, now, cal) {
			if dl.Missed() {
				out = append(out, DecisionDeadlineRow{ConsultationID: r.ConsultationID, Title: r.Title, Item: r.Item,
					Village: domain.Unit{ID: r.VillageID, Code: r.VillageCode, Name: r.VillageName}, Deadline: dl})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y DecisionDeadlineRow) int {
		return cmp.Or(cmp.Compare(y.Deadline.DaysLate, x.Deadline.DaysLate), cmp.Compare(x.ConsultationID, y.ConsultationID),
			cmp.Compare(x.Village.Name, y.Village.Name))
	})
	return out, nil
}
