package store

import (
	"github.com/gopy-vn/gopy/internal/cache"

	"context"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// SaveUnit inserts a unit, or updates the unit with the same code (units merge and rename).
func (s *Store) SaveUnit(ctx context.Context, u *domain.Unit) (created bool, err error) {
	var existing domain.Unit
	err = s.conn(ctx).Where("code = ?", u.Code).Take(&existing).Error
	if err != nil {
		if notFound(err) != domain.ErrNotFound {
			return false, err
		}
		if err := s.conn(ctx).Create(u).Error; err != nil {
			return false, err
		}
		return true, s.changed(ctx, cache.TopicUnits)
	}
	u.ID, u.CreatedAt = existing.ID, existing.CreatedAt
	err = s.conn(ctx).Model(&domain.Unit{}).Where("id = ?", u.ID).Updates(map[string]any{
		"name": u.Name, "kind": u.Kind, "parent_id": u.ParentID, "households": u.Households,
	}).Error
	if err != nil {
		return false, err
	}
	return false, s.changed(ctx, cache.TopicUnits)
}

// UnitsIn lists the given units ordered for a tree view (by kind depth, then name).
func (s *Store) UnitsIn(ctx context.Context, ids []int64) ([]domain.Unit, error) {
	var units []domain.Unit
	if len(ids) == 0 {
		return units, nil
	}
	return units, s.conn(ctx).Where("id IN ?", ids).Order("code").Find(&units).Error
}

// StaffWithRolesIn lists the accounts holding a role in any of the units, by name.
func (s *Store) StaffWithRolesIn(ctx context.Context, unitIDs []int64) ([]domain.Staff, error) {
	var list []domain.Staff
	if len(unitIDs) == 0 {
		return list, nil
	}
	err := s.conn(ctx).Where("id IN (?)", s.conn(ctx).Model(&domain.RoleAssignment{}).Select("staff_id").Where("unit_id IN ?", unitIDs)).
		Order("name, email").Find(&list).Error
	return list, err
}

// AddRole gives a staff member a role over a unit; giving it twice changes nothing.
func (s *Store) AddRole(ctx context.Context, r *domain.RoleAssignment) error {
	var n int64
	if err := s.conn(ctx).Model(&domain.RoleAssignment{}).Where("staff_id = ? AND role = ? AND unit_id = ?", r.StaffID, r.Role, r.UnitID).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	return s.conn(ctx).Create(r).Error
}

// RemoveRole deletes one role assignment.
func (s *Store) RemoveRole(ctx context.Context, id int64) error {
	return s.conn(ctx).Delete(&domain.RoleAssignment{}, id).Error
}

// RoleByID finds one role assignment.
func (s *Store) RoleByID(ctx context.Context, id int64) (*domain.RoleAssignment, error) {
	var r domain.RoleAssignment
	err := s.conn(ctx).Take(&r, id).Error
	return &r, notFound(err)
}

// SetDisabled disables an account (ending its access at the next request) or enables it again.
func (s *Store) SetDisabled(ctx context.Context, staffID int64, at *time.Time) error {
	return s.conn(ctx).Model(&domain.Staff{}).Where("id = ?", staffID).Update("disabled_at", at).Error
}

// TokensOf lists a staff member's tokens, newest first.
func (s *Store) TokensOf(ctx context.Context, staffID int64) ([]domain.APIToken, error) {
	var list []domain.APIToken
	return list, s.conn(ctx).Where("staff_id = ?", staffID).Order("id DESC").Find(&list).Error
}

// RevokeToken revokes one token of a staff member.
func (s *Store) RevokeToken(ctx context.Context, staffID, tokenID int64, now time.Time) error {
	res := s.conn(ctx).Model(&domain.APIToken{}).Where("id = ? AND staff_id = ? AND revoked_at IS NULL", tokenID, staffID).Update("revoked_at", now)
	if res.Error == nil && res.RowsAffected == 0 {
		return domain.ErrNotFound
	}
	return res.Error
}

// RevokeTokensOf revokes every token of a staff member and returns how many.
func (s *Store) RevokeTokensOf(ctx context.Context, staffID int64, now time.Time) (int64, error) {
	res := s.conn(ctx).Model(&domain.APIToken{}).Where("staff_id = ? AND revoked_at IS NULL", staffID).Update("revoked_at", now)
	return res.RowsAffected, res.Error
}
