package store

import (
	"context"

	"github.com/gopy-vn/gopy/internal/domain"
)

// FeedFilter selects the consultations of an Atom feed.
type FeedFilter struct {
	UnitIDs []int64 // nil: every unit
	// Results lists consultations whose results were published, newest publication of
	// results first; otherwise every published consultation, newest publication first.
	Results bool
	Limit   int
}

// resultsStatuses are the statuses of a consultation whose results are public: published,
// and the households' decision on a decide matter after them.
var resultsStatuses = []domain.Status{domain.StatusResultsPublished, domain.StatusAdopted, domain.StatusRejected}

// FeedConsultations returns the consultations of a feed with their units. Drafts and
// withdrawn consultations are never in it.
func (s *Store) FeedConsultations(ctx context.Context, f FeedFilter) ([]domain.Consultation, error) {
	q := s.conn(ctx).Model(&domain.Consultation{})
	if f.UnitIDs != nil {
		q = q.Where("unit_id IN ?", f.UnitIDs)
	}
	if f.Results {
		q = q.Where("status IN ? AND results_published_at IS NOT NULL", resultsStatuses).
			Order("results_published_at DESC, id DESC")
	} else {
		// COALESCE: both databases then sort the same way (they disagree on where NULLs go).
		q = q.Where("status IN ?", append([]domain.Status{domain.StatusOpen, domain.StatusClosed}, resultsStatuses...)).
			Order("COALESCE(published_at, opens_at) DESC, id DESC")
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var list []domain.Consultation
	if err := q.Limit(f.Limit).Find(&list).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(list))
	for _, c := range list {
		ids = append(ids, c.UnitID)
	}
	units, err := s.UnitsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Unit = units[list[i].UnitID]
	}
	return list, nil
}
