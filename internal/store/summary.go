package store

import (
	"context"

	"github.com/gopy-vn/gopy/internal/domain"
)

// ApprovedPublicBodies returns the public text (personal data masked) of up to limit
// approved opinions of a consultation after the opinion afterID, in the order of their IDs:
// a page of them, for finding its themes.
func (s *Store) ApprovedPublicBodies(ctx context.Context, consultationID, afterID int64, limit int) ([]BodyRef, error) {
	var list []BodyRef
	err := s.conn(ctx).Model(&domain.Opinion{}).Select("id, body_public AS body").
		Where("consultation_id = ? AND status = ? AND id > ?", consultationID, domain.OpinionApproved, afterID).
		Order("id").Limit(limit).Scan(&list).Error
	return list, err
}

// AllApproved returns every approved opinion of a consultation (or of one of its sections),
// newest first, without villages; the caller filters them and attaches villages to the page
// it shows with AttachVillages.
func (s *Store) AllApproved(ctx context.Context, consultationID int64, f domain.SectionFilter) ([]domain.Opinion, error) {
	q := s.conn(ctx).Where("consultation_id = ? AND status = ?", consultationID, domain.OpinionApproved)
	switch {
	case f.SectionID != nil:
		q = q.Where("section_id = ?", *f.SectionID)
	case f.General:
		q = q.Where("section_id IS NULL")
	}
	var list []domain.Opinion
	return list, q.Order("submitted_at DESC, id DESC").Find(&list).Error
}

// AttachVillages loads the villages of the opinions that name one.
func (s *Store) AttachVillages(ctx context.Context, list []domain.Opinion) error {
	return s.attachVillages(ctx, list)
}
