package store

import (
	"github.com/gopy-vn/gopy/internal/cache"

	"context"

	"github.com/gopy-vn/gopy/internal/domain"
)

// CreateUnit inserts a unit; its ID is set on return.
func (s *Store) CreateUnit(ctx context.Context, u *domain.Unit) error {
	if err := s.conn(ctx).Create(u).Error; err != nil {
		return err
	}
	return s.changed(ctx, cache.TopicUnits)
}

// UnitByCode finds a unit by its official code.
func (s *Store) UnitByCode(ctx context.Context, code string) (*domain.Unit, error) {
	var u domain.Unit
	err := s.conn(ctx).Where("code = ?", code).Take(&u).Error
	return &u, notFound(err)
}

// UnitByID finds a unit by ID.
func (s *Store) UnitByID(ctx context.Context, id int64) (*domain.Unit, error) {
	var u domain.Unit
	err := s.conn(ctx).Take(&u, id).Error
	return &u, notFound(err)
}

// UnitsByIDs loads units by ID, keyed by ID.
func (s *Store) UnitsByIDs(ctx context.Context, ids []int64) (map[int64]*domain.Unit, error) {
	out := make(map[int64]*domain.Unit, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var units []domain.Unit
	if err := s.conn(ctx).Where("id IN ?", ids).Find(&units).Error; err != nil {
		return nil, err
	}
	for i := range units {
		out[units[i].ID] = &units[i]
	}
	return out, nil
}

// ChildUnits lists the units directly under parent, or the top-level units when parent is nil.
func (s *Store) ChildUnits(ctx context.Context, parent *int64) ([]domain.Unit, error) {
	var units []domain.Unit
	q := s.conn(ctx).Order("name, code")
	if parent == nil {
		q = q.Where("parent_id IS NULL")
	} else {
		q = q.Where("parent_id = ?", *parent)
	}
	return units, q.Find(&units).Error
}

// maxUnitDepth bounds every walk up the unit tree. The tree has three levels; the database
// refuses a parent that is not of a higher level (migration 00012), so a walk never meets a
// loop, and the bound keeps it finite should one be made by hand.
const maxUnitDepth = 8

// LocalGovernment returns the commune, ward or special zone a unit is or lies in: its
// People's Committee controls the personal data left with the unit's consultations. A unit
// above that level (a province) is returned itself.
func (s *Store) LocalGovernment(ctx context.Context, id int64) (*domain.Unit, error) {
	var list []domain.Unit
	err := s.conn(ctx).Raw(`
		WITH RECURSIVE up(id, parent_id, depth) AS (
			SELECT id, parent_id, 0 FROM units WHERE id = ?
			UNION ALL
			SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id
			WHERE up.depth < ?
		)
		SELECT units.* FROM units JOIN up ON up.id = units.id ORDER BY up.depth`, id, maxUnitDepth).Scan(&list).Error
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, domain.ErrNotFound
	}
	for i := range list {
		switch list[i].Kind {
		case domain.UnitCommune, domain.UnitWard, domain.UnitSpecialZone:
			return &list[i], nil
		}
	}
	return &list[0], nil
}

// UnitAncestry returns the unit's ID followed by its ancestors' up to the root.
func (s *Store) UnitAncestry(ctx context.Context, id int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Raw(`
		WITH RECURSIVE up(id, parent_id, depth) AS (
			SELECT id, parent_id, 0 FROM units WHERE id = ?
			UNION ALL
			SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id
			WHERE up.depth < ?
		)
		SELECT id FROM up ORDER BY depth`, id, maxUnitDepth).Scan(&ids).Error
	if err == nil && len(ids) == 0 {
		return nil, domain.ErrNotFound
	}
	return ids, err
}

// UnitSubtree returns the IDs of the given units and every unit below them.
func (s *Store) UnitSubtree(ctx context.Context, roots []int64) ([]int64, error) {
	if len(roots) == 0 {
		return nil, nil
	}
	var ids []int64
	err := s.conn(ctx).Raw(`
		WITH RECURSIVE down(id) AS (
			SELECT id FROM units WHERE id IN ?
			UNION
			SELECT u.id FROM units u JOIN down ON u.parent_id = down.id
		)
		SELECT id FROM down`, roots).Scan(&ids).Error
	return ids, err
}

// VillagesUnder lists the villages in the subtree of a unit, by name.
func (s *Store) VillagesUnder(ctx context.Context, unitID int64) ([]domain.Unit, error) {
	ids, err := s.UnitSubtree(ctx, []int64{unitID})
	if err != nil {
		return nil, err
	}
	var units []domain.Unit
	err = s.conn(ctx).Where("id IN ? AND kind = ?", ids, domain.UnitVillage).Order("name").Find(&units).Error
	return units, err
}

// CountUnits counts all units; an empty tree means a fresh database.
func (s *Store) CountUnits(ctx context.Context) (int64, error) {
	var n int64
	return n, s.conn(ctx).Model(&domain.Unit{}).Count(&n).Error
}
