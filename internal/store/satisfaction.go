package store

import (
	"context"
	"errors"

	"gorm.io/gorm/clause"

	"github.com/gopy-vn/gopy/internal/domain"
)

// SaveRating stores a satisfaction rating. A rating that carries an opinion (its tracking
// code) replaces the one given before with the same code, and replaced says so; the unique
// opinion_id decides between two first ratings racing each other.
func (s *Store) SaveRating(ctx context.Context, r *domain.Rating) (replaced bool, err error) {
	defer func() {
		if err == nil {
			s.touched(ctx, r.ConsultationID)
		}
	}()
	if r.OpinionID == nil {
		return false, s.conn(ctx).Create(r).Error
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		_, err := s.RatingByOpinion(ctx, *r.OpinionID)
		switch {
		case err == nil:
			replaced = true
		case !errors.Is(err, domain.ErrNotFound):
			return err
		}
		return s.conn(ctx).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "opinion_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"rating", "comment", "comment_public", "updated_at"}),
		}).Create(r).Error
	})
	return replaced, err
}

// RatingByOpinion finds the rating given with an opinion's tracking code.
func (s *Store) RatingByOpinion(ctx context.Context, opinionID int64) (*domain.Rating, error) {
	var r domain.Rating
	err := s.conn(ctx).Where("opinion_id = ?", opinionID).Take(&r).Error
	return &r, notFound(err)
}

// RatingFigures counts the ratings of each consultation by score.
func (s *Store) RatingFigures(ctx context.Context, consultationIDs []int64) (map[int64]domain.RatingFigures, error) {
	out := map[int64]domain.RatingFigures{}
	if len(consultationIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ConsultationID int64
		Rating         int
		N              int
	}
	err := s.conn(ctx).Model(&domain.Rating{}).Select("consultation_id, rating, COUNT(*) AS n").
		Where("consultation_id IN ?", consultationIDs).Group("consultation_id, rating").Scan(&rows).Error
	for _, r := range rows {
		f := out[r.ConsultationID]
		f.Add(r.Rating, r.N)
		out[r.ConsultationID] = f
	}
	return out, err
}

// RatingComments lists the ratings of the consultations that came with a comment, oldest
// first.
func (s *Store) RatingComments(ctx context.Context, consultationIDs []int64) ([]domain.Rating, error) {
	if len(consultationIDs) == 0 {
		return nil, nil
	}
	var list []domain.Rating
	err := s.conn(ctx).Where("consultation_id IN ? AND comment_public <> ''", consultationIDs).
		Order("created_at, id").Find(&list).Error
	return list, err
}

// RatingsByCommune counts by score the ratings of the consultations each commune ran: its
// own and its villages' (a province's consultation is the province's, not the commune's).
func (s *Store) RatingsByCommune(ctx context.Context, communeIDs []int64) (map[int64]domain.RatingFigures, error) {
	out := map[int64]domain.RatingFigures{}
	if len(communeIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		Root   int64
		Rating int
		N      int
	}
	err := s.conn(ctx).Raw(`
		WITH RECURSIVE down(root, id) AS (
			SELECT id, id FROM units WHERE id IN ?
			UNION
			SELECT down.root, u.id FROM units u JOIN down ON u.parent_id = down.id
		)
		SELECT down.root AS root, r.rating AS rating, COUNT(*) AS n
		FROM down
		JOIN consultations c ON c.unit_id = down.id
		JOIN satisfaction_ratings r ON r.consultation_id = c.id
		GROUP BY down.root, r.rating`, communeIDs).Scan(&rows).Error
	for _, r := range rows {
		f := out[r.Root]
		f.Add(r.Rating, r.N)
		out[r.Root] = f
	}
	return out, err
}
