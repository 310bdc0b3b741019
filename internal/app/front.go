package app

import (
	"context"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
)

// Permits reports whether the actor holds perm over a consultation's unit (or one above
// it). Pages ask it to show only the buttons and forms their reader may use; the use case
// behind each one still checks on its own.
func (a *App) Permits(ctx context.Context, actor *domain.Actor, perm domain.Permission, consultationID int64) bool {
	if actor == nil {
		return false
	}
	c, err := a.store.ConsultationRow(ctx, consultationID)
	if err != nil {
		return false
	}
	return a.authorize(ctx, actor, perm, c.UnitID) == nil
}

// FrontTask is a consultation that waits for an act of the Fatherland Front, and which act.
type FrontTask struct {
	C domain.Consultation
	// Act is what the Front has to do: "records" while the villages record their decisions
	// (the head of the village Front committee signs each record, Law 10/2022 art. 20(2)(g),
	// and the commune Front supervises, art. 23(3)); "recognition" once the households have
	// elected or dismissed members of the People's Inspection Board or the Investment
	// Supervision Board (art. 15(5)): the commune Front committee recognises the decision
	// within 5 working days or answers in writing with its reasons (art. 21(2)).
	Act string
}

// FrontTasks lists the matters the people decide, in the Front's units, that wait for one
// of its acts: first those whose villages are recording their decisions, then the decisions
// on item 5 to recognise.
func (a *App) FrontTasks(ctx context.Context, actor *domain.Actor) ([]FrontTask, error) {
	units, err := a.scope(ctx, actor, domain.PermFrontAct)
	if err != nil {
		return nil, err
	}
	list, _, err := a.store.ListConsultations(ctx, store.ConsultationFilter{
		UnitIDs:  units,
		Statuses: []domain.Status{domain.StatusClosed, domain.StatusResultsPublished, domain.StatusAdopted},
		Page:     1, PerPage: 100,
	})
	if err != nil {
		return nil, wrap(err)
	}
	var records, recognitions []FrontTask
	for _, c := range list {
		switch {
		case c.Matter != domain.MatterDecide:
		case c.Status == domain.StatusAdopted:
			if c.Item == domain.ItemBoards {
				recognitions = append(recognitions, FrontTask{C: c, Act: "recognition"})
			}
		default:
			records = append(records, FrontTask{C: c, Act: "records"})
		}
	}
	return append(records, recognitions...), nil
}
