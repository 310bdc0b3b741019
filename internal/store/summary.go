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

// ApprovedBefore returns up to limit approved opinions of a consultation (or of one of its
// sections) older than before in the order submitted_at DESC, id DESC (from the newest when
// before is nil), without villages: a page of them for a caller that filters them, so it
// never holds them all; it attaches villages to what it shows with AttachVillages.
func (s *Store) ApprovedBefore(ctx context.Context, consultationID int64, f domain.SectionFilter, before *domain.Opinion, limit int) ([]domain.Opinion, error) {
	q := s.conn(ctx).Where("consultation_id = ? AND status = ?", consultationID, domain.OpinionApproved)
	switch {
	case f.SectionID != nil:
		q = q.Where("section_id = ?", *f.SectionID)
	case f.General:
		q = q.Where("section_id IS NULL")
	}
	if before != nil {
		q = q.Where("(submitted_at < ? OR (submitted_at = ? AND id < ?))", before.SubmittedAt, before.SubmittedAt, before.ID)
	}
	var list []domain.Opinion
	return list, q.Order("submitted_at DESC, id DESC").Limit(limit).Find(&list).Error
}

// AttachVillages loads the villages of the opinions that name one.
func (s *Store) AttachVillages(ctx context.Context, list []domain.Opinion) error {
	return s.attachVillages(ctx, list)
}
