package store

import (
	"context"
	"fmt"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// DayTotal is the number of approved opinions submitted on one local day.
type DayTotal struct {
	Day time.Time // midnight in domain.Zone
	N   int
}

// ApprovedPerDay counts the approved opinions of a consultation per local day (domain.Zone),
// oldest day first. The database does the counting, so a view reads one row per day instead
// of the time of every opinion (100,000 rows on a large consultation).
func (s *Store) ApprovedPerDay(ctx context.Context, consultationID int64) ([]DayTotal, error) {
	// domain.Zone is a fixed offset (Vietnam has no daylight saving time), so an opinion's
	// local day is the date of its UTC time shifted by that offset: what domain.StartOfDay
	// gives, on both databases. The offset is our own constant, formatted as an integer.
	// The day comes back as the number YYYYMMDD: the SQLite driver would turn a text that
	// looks like a date into a time.
	_, offset := time.Unix(0, 0).In(domain.Zone).Zone()
	var day string
	if s.dialect == Postgres {
		day = fmt.Sprintf("CAST(to_char(submitted_at AT TIME ZONE 'UTC' + INTERVAL '%d seconds', 'YYYYMMDD') AS INTEGER)", offset)
	} else {
		// The driver writes each time with its UTC offset ("…+00:00"), which strftime()
		// applies before the modifier.
		day = fmt.Sprintf("CAST(strftime('%%Y%%m%%d', submitted_at, '%+d seconds') AS INTEGER)", offset)
	}
	var rows []struct {
		LocalDay *int
		N        int
	}
	err := s.conn(ctx).Model(&domain.Opinion{}).Select(day+" AS local_day, COUNT(*) AS n").
		Where("consultation_id = ? AND status = ?", consultationID, domain.OpinionApproved).
		Group("local_day").Order("local_day").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]DayTotal, len(rows))
	for i, r := range rows {
		if r.LocalDay == nil {
			// A time the database could not read: refuse rather than drop its opinions.
			return nil, fmt.Errorf("%d opinions of consultation %d have an unreadable submission time", r.N, consultationID)
		}
		ymd := *r.LocalDay
		out[i] = DayTotal{Day: time.Date(ymd/10000, time.Month(ymd/100%100), ymd%100, 0, 0, 0, 0, domain.Zone), N: r.N}
	}
	return out, nil
}

// ApprovedSet identifies the set of approved opinions of a consultation without reading
// them: how many there are, and the sum and the largest of their ids. App.Themes explains
// why these three. It is read from opinions_summary_idx alone.
type ApprovedSet struct {
	Count, SumID, MaxID int64
}

// ApprovedSetOf returns the ApprovedSet of a consultation's approved opinions.
func (s *Store) ApprovedSetOf(ctx context.Context, consultationID int64) (ApprovedSet, error) {
	var set ApprovedSet
	err := s.conn(ctx).Model(&domain.Opinion{}).
		Select("COUNT(*) AS count, CAST(COALESCE(SUM(id), 0) AS BIGINT) AS sum_id, COALESCE(MAX(id), 0) AS max_id").
		Where("consultation_id = ? AND status = ?", consultationID, domain.OpinionApproved).Scan(&set).Error
	return set, err
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
