package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gopy-vn/gopy/internal/domain"
)

// CharterDrafting loads how a charter was proposed and who drafts it; nil when nothing is
// recorded yet.
func (s *Store) CharterDrafting(ctx context.Context, consultationID int64) (*domain.CharterDrafting, error) {
	var d domain.CharterDrafting
	err := s.conn(ctx).Where("consultation_id = ?", consultationID).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// SaveCharterDrafting writes the proposal and drafting team of a charter, replacing what was
// recorded before.
func (s *Store) SaveCharterDrafting(ctx context.Context, d *domain.CharterDrafting) error {
	s.touched(ctx, d.ConsultationID)
	return s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "consultation_id"}}, UpdateAll: true}).Create(d).Error
}

// AddCharterReview records a year's review of a charter; a conflict when that year's review
// is already recorded.
func (s *Store) AddCharterReview(ctx context.Context, r *domain.CharterReview) error {
	s.touched(ctx, r.ConsultationID)
	res := s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "consultation_id"}, {Name: "year"}}, DoNothing: true}).Create(r)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.CodeConflict, "error.charter_reviewed", r.Year)
	}
	return nil
}

// CharterReviews lists the reviews of a charter, the latest year first.
func (s *Store) CharterReviews(ctx context.Context, consultationID int64) ([]domain.CharterReview, error) {
	var list []domain.CharterReview
	err := s.conn(ctx).Where("consultation_id = ?", consultationID).Order("year DESC").Find(&list).Error
	return list, err
}

// ReviewsOfYear lists the reviews of a year for the charters of the given units.
func (s *Store) ReviewsOfYear(ctx context.Context, unitIDs []int64, year int) ([]domain.CharterReview, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var list []domain.CharterReview
	err := s.conn(ctx).Table("charter_reviews r").Select("r.*").
		Joins("JOIN consultations c ON c.id = r.consultation_id").
		Where("c.unit_id IN ? AND r.year = ?", unitIDs, year).Order("r.id").Scan(&list).Error
	return list, err
}

// CharterStepRow is a step with the unit of its charter.
type CharterStepRow struct {
	domain.CharterStepRecord
	UnitID int64
}

// CharterStepsBetween lists the steps of the charters of the given units whose document is
// dated in [from, to) (a step without a document counts at its recording), oldest first.
func (s *Store) CharterStepsBetween(ctx context.Context, unitIDs []int64, from, to time.Time) ([]CharterStepRow, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var rows []CharterStepRow
	err := s.conn(ctx).Table("charter_steps st").Select("st.*, c.unit_id AS unit_id").
		Joins("JOIN consultations c ON c.id = st.consultation_id").
		Where("c.unit_id IN ?", unitIDs).
		Where("(st.doc_date IS NOT NULL AND st.doc_date >= ? AND st.doc_date < ?) OR (st.doc_date IS NULL AND st.created_at >= ? AND st.created_at < ?)",
			from.UTC(), to.UTC(), from.UTC(), to.UTC()).
		Order("st.id").Scan(&rows).Error
	return rows, err
}

// CharterFeedRow is a recorded step of a charter as its Atom feed shows it.
type CharterFeedRow struct {
	domain.CharterStepRecord
	Title    string
	Kind     domain.ConsultationKind
	UnitName string
}

// CharterFeedSteps lists the newest steps of the given kinds of the charters in the given
// units (every unit when unitIDs is nil), newest first, at most limit.
func (s *Store) CharterFeedSteps(ctx context.Context, unitIDs []int64, steps []domain.CharterStep, limit int) ([]CharterFeedRow, error) {
	q := s.conn(ctx).Table("charter_steps st").
		Select("st.*, c.title AS title, c.kind AS kind, u.name AS unit_name").
		Joins("JOIN consultations c ON c.id = st.consultation_id").
		Joins("JOIN units u ON u.id = c.unit_id").
		Where("st.step IN ?", steps)
	if unitIDs != nil {
		if len(unitIDs) == 0 {
			return nil, nil
		}
		q = q.Where("c.unit_id IN ?", unitIDs)
	}
	var rows []CharterFeedRow
	err := q.Order("st.id DESC").Limit(limit).Scan(&rows).Error
	return rows, err
}
