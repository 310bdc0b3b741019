package app

import (
	"context"
	"slices"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
)

// UnitPage is the public page of an administrative unit: where a commune's residents and its
// e-portal find every consultation that concerned them, their own commune's and those of the
// province that covered it, with the results when published.
type UnitPage struct {
	Unit     *domain.Unit
	Above    []domain.Unit // the units above it, the province first
	Children []domain.Unit // the units directly under it
	Items    []domain.Consultation
	More     bool
	Page     int
	// Slice is set on a commune's page: a consultation of a unit above it links to the
	// commune's own slice of the report.
	Slice bool
	// InForce lists the hương ước and quy ước in force in the unit and below (charter.go).
	InForce []InForceCharter
}

// SlicedReport reports whether a consultation of the unit unitID links to the commune's own slice
// of its report: only one of a unit above the commune has one. A consultation of one of the
// commune's villages has no slice for the commune, and its report opens whole.
func (p *UnitPage) SlicedReport(unitID int64) bool {
	if !p.Slice {
		return false
	}
	for _, u := range p.Above {
		if u.ID == unitID {
			return true
		}
	}
	return false
}

// Unit returns a unit's public page: its consultations (drafts never), newest first, and
// those of the units above and below it.
func (a *App) Unit(ctx context.Context, code string, page int) (*UnitPage, error) {
	u, err := a.store.UnitByCode(ctx, code)
	if err != nil {
		return nil, wrap(err)
	}
	p := &UnitPage{Unit: u, Page: max(page, 1), Slice: slices.Contains(communeKinds, u.Kind)}
	up, err := a.store.UnitAncestry(ctx, u.ID)
	if err != nil {
		return nil, wrap(err)
	}
	down, err := a.store.UnitSubtree(ctx, []int64{u.ID})
	if err != nil {
		return nil, wrap(err)
	}
	above, err := a.store.UnitsByIDs(ctx, up[1:])
	if err != nil {
		return nil, wrap(err)
	}
	for i := len(up) - 1; i >= 1; i-- { // root first
		if v := above[up[i]]; v != nil {
			p.Above = append(p.Above, *v)
		}
	}
	if p.Children, err = a.store.ChildUnits(ctx, &u.ID); err != nil {
		return nil, wrap(err)
	}
	if p.InForce, err = a.ChartersInForce(ctx, down); err != nil {
		return nil, err
	}
	p.Items, p.More, err = a.store.ListConsultations(ctx, store.ConsultationFilter{
		UnitIDs:  slices.Concat(up[1:], down),
		Statuses: domain.ListedStatuses,
		Page:     p.Page, PerPage: 20,
	})
	return p, wrap(err)
}
