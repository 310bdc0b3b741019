package store

import (
	"context"

	"github.com/gopy-vn/gopy/internal/domain"
)

// AppendAudit writes one entry to the append-only audit log.
func (s *Store) AppendAudit(ctx context.Context, e *domain.AuditEntry) error {
	return s.conn(ctx).Create(e).Error
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	UnitIDs []int64 // entries about these units, plus those about no unit (logins)
	Page    int
	PerPage int
}

// AuditEntries lists audit entries, newest first, with the names of actor and unit.
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter) ([]domain.AuditEntry, bool, error) {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	q := s.conn(ctx).Model(&domain.AuditEntry{}).
		Select("audit_log.*, staff.name AS actor_name, units.name AS unit_name").
		Joins("LEFT JOIN staff ON staff.id = audit_log.actor_id").
		Joins("LEFT JOIN units ON units.id = audit_log.unit_id")
	if f.UnitIDs != nil {
		q = q.Where("audit_log.unit_id IN ?", f.UnitIDs)
	}
	var list []domain.AuditEntry
	err := q.Order("audit_log.id DESC").Limit(f.PerPage + 1).Offset((f.Page - 1) * f.PerPage).Scan(&list).Error
	if err != nil {
		return nil, false, err
	}
	more := len(list) > f.PerPage
	if more {
		list = list[:f.PerPage]
	}
	return list, more, nil
}
