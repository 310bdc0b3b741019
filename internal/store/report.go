package store

import (
	"context"

	"github.com/gopy-vn/gopy/internal/domain"
)

// SectionsByIDs loads sections by ID, whatever version of the draft they belong to, in
// document order. The consolidated report uses it for opinions on a part that is no longer
// in the current text, so they keep their own heading.
func (s *Store) SectionsByIDs(ctx context.Context, ids []int64) ([]domain.Section, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var list []domain.Section
	err := s.conn(ctx).Where("id IN ?", ids).Order("version_id, ordinal, id").Find(&list).Error
	return list, err
}
