package app

import (
	"context"
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
