package store

import (
	"context"

	"gorm.io/gorm/clause"

	"github.com/gopy-vn/gopy/internal/domain"
)

// SaveDecision records the decision on a section of a consultation, replacing an earlier one:
// the authority may change its mind until it publishes the results.
func (s *Store) SaveDecision(ctx context.Context, d *domain.ArticleDecision) error {
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "consultation_id"}, {Name: "section_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"decision", "reason", "decided_by", "decided_at"}),
	}).Create(d).Error
	if err == nil {
		s.touched(ctx, d.ConsultationID)
	}
	return err
}

// Decisions returns the decisions of a consultation by section ID.
func (s *Store) Decisions(ctx context.Context, consultationID int64) (map[int64]*domain.ArticleDecision, error) {
	var list []domain.ArticleDecision
	if err := s.conn(ctx).Where("consultation_id = ?", consultationID).Find(&list).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]*domain.ArticleDecision, len(list))
	for i := range list {
		out[list[i].SectionID] = &list[i]
	}
	return out, nil
}

// SectionOf loads a section of a consultation, of any version of its draft.
func (s *Store) SectionOf(ctx context.Context, consultationID, sectionID int64) (*domain.Section, error) {
	var sec domain.Section
	err := s.conn(ctx).Where("id = ? AND consultation_id = ?", sectionID, consultationID).Take(&sec).Error
	return &sec, notFound(err)
}
