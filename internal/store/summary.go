package store

import (
	"context"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// ApprovedTimes returns when each approved opinion of a consultation was submitted, oldest
// first. Callers bucket them into local days in Go, which reads the same on both databases.
func (s *Store) ApprovedTimes(ctx context.Context, consultationID int64) ([]time.Time, error) {
	var list []time.Time
	err := s.conn(ctx).Model(&domain.Opinion{}).
		Where("consultation_id = ? AND status = ?", consultationID, domain.OpinionApproved).
		Order("submitted_at, id").Pluck("submitted_at", &list).Error
	return list, err
}

// ApprovedPublicBodies returns the public text (personal data masked) of every approved
// opinion of a consultation, for finding its themes.
func (s *Store) ApprovedPublicBodies(ctx context.Context, consultationID int64) ([]BodyRef, error) {
	var list []BodyRef
	err := s.conn(ctx).Model(&domain.Opinion{}).Select("id, body_public AS body").
		Where("consultation_id = ? AND status = ?", consultationID, domain.OpinionApproved).
		Order("id").Scan(&list).Error
	return list, err
}

// AllApproved returns every approved opinion of a consultation (or of one of its sections),
// newest first, without villages; the caller filters them and attaches villages to the page
// it shows with AttachVillages.
func (s *Store) AllApproved(ctx context.Context, consultationID int64, f SectionFilter) ([]domain.Opinion, error) {
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
