package app

import (
	"context"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
)

// FeedSize is how many entries an Atom feed carries.
const FeedSize = 50

// Feed lists the newest published consultations of a unit and the units under it (every
// unit when unitCode is empty), for an Atom feed; with results, those whose results were
// published, newest results first. It returns the unit too, nil for every unit. An unknown
// unit is not found: a feed address is a resource, not a search.
func (a *App) Feed(ctx context.Context, unitCode string, results bool) (*domain.Unit, []domain.Consultation, error) {
	f := store.FeedFilter{Results: results, Limit: FeedSize}
	var unit *domain.Unit
	if unitCode != "" {
		u, err := a.store.UnitByCode(ctx, unitCode)
		if err != nil {
			return nil, nil, wrap(err)
		}
		unit = u
		if f.UnitIDs, err = a.store.UnitSubtree(ctx, []int64{u.ID}); err != nil {
			return nil, nil, wrap(err)
		}
	}
	list, err := a.store.FeedConsultations(ctx, f)
	return unit, list, wrap(err)
}
