package app

import (
	"context"
	"slices"

	"github.com/gopy-vn/gopy/internal/domain"
)

// CommuneLevel returns the commune, ward or special zone a unit is or lies in, so a page
// can name its People's Committee and its communities in the words of its kind (thôn in a
// commune, tổ dân phố in a ward); nil for a unit above them, a province.
func (a *App) CommuneLevel(ctx context.Context, unitID int64) (*domain.Unit, error) {
	ancestry, err := a.store.UnitAncestry(ctx, unitID)
	if err != nil {
		return nil, wrap(err)
	}
	units, err := a.store.UnitsByIDs(ctx, ancestry)
	if err != nil {
		return nil, wrap(err)
	}
	for _, id := range ancestry {
		if u := units[id]; u != nil && slices.Contains(communeKinds, u.Kind) {
			return u, nil
		}
	}
	return nil, nil
}
