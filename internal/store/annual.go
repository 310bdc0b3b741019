package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/gopy-vn/gopy/internal/domain"
)

// The figures of the annual report (app/annual.go). Each is one aggregate statement over a
// set of units and a year [from, to): the database counts, Go receives a few rows, so the
// report costs the same with a thousand opinions as with a million. A consultation belongs to
// the year its period began in, as in the satisfaction report.

// yearConsultations selects the IDs of the published consultations of the units whose
// period began in [from, to).
func (s *Store) yearConsultations(ctx context.Context, unitIDs []int64, from, to time.Time) *gorm.DB {
	return s.conn(ctx).Table("consultations").Select("id").
		Where("unit_id IN ? AND status IN ? AND opens_at >= ? AND opens_at < ?", unitIDs, oversightStatuses, from.UTC(), to.UTC())
}

// KindMatterCount is how many consultations of a kind and matter there were.
type KindMatterCount struct {
	Kind   domain.ConsultationKind
	Matter domain.Matter
	N      int64
}

// AnnualConsultations counts the published consultations of the units whose period began
// in [from, to), by kind and matter.
func (s *Store) AnnualConsultations(ctx context.Context, unitIDs []int64, from, to time.Time) ([]KindMatterCount, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var rows []KindMatterCount
	err := s.conn(ctx).Table("consultations").Select("kind, matter, COUNT(*) AS n").
		Where("unit_id IN ? AND status IN ? AND opens_at >= ? AND opens_at < ?", unitIDs, oversightStatuses, from.UTC(), to.UTC()).
		Group("kind, matter").Scan(&rows).Error
	return rows, err
}

// TallyTotal is one counter of opinion_tallies summed over several consultations.
type TallyTotal struct {
	Kind string
	Key  string
	N    int64
}

// AnnualTallies sums the opinion counters of the kinds over the consultations of the units
// whose period began in [from, to): the database's own counts (migration 00015), a few rows
// per consultation whatever the number of opinions. A counter summed to zero is left out,
// so the number of "village" keys is the number of villages heard from.
func (s *Store) AnnualTallies(ctx context.Context, unitIDs []int64, from, to time.Time, kinds ...string) ([]TallyTotal, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var rows []TallyTotal
	err := s.conn(ctx).Table("opinion_tallies").Select("kind, key, SUM(n) AS n").
		Where("consultation_id IN (?) AND kind IN ?", s.yearConsultations(ctx, unitIDs, from, to), kinds).
		Group("kind, key").Having("SUM(n) <> 0").Scan(&rows).Error
	return rows, err
}

// AnsweredCounts are the approved opinions that have an official answer, and those of them
// answered from a given moment on (late).
type AnsweredCounts struct {
	Answered int64
	Late     int64
}

// AnnualAnswers counts the approved opinions with an answer among the consultations of
// lateFrom (consultation → the first moment an answer is late), and those answered at or
// after that moment. One statement: the answered opinions are grouped by answer from
// opinions_answered_idx alone (migration 00022), then each answer's time is read once and
// compared with its consultation's moment, which travels as a CASE. The status is written
// out so that both databases see the index's own condition.
func (s *Store) AnnualAnswers(ctx context.Context, lateFrom map[int64]time.Time) (AnsweredCounts, error) {
	var out AnsweredCounts
	if len(lateFrom) == 0 {
		return out, nil
	}
	param := "?"
	if s.dialect == Postgres {
		param = "CAST(? AS TIMESTAMPTZ)"
	}
	var cases strings.Builder
	args := make([]any, 0, 2*len(lateFrom)+1)
	ids := make([]int64, 0, len(lateFrom))
	cases.WriteString("CASE a.consultation_id")
	for id, t := range lateFrom {
		cases.WriteString(" WHEN ? THEN " + param)
		args = append(args, id, t.UTC())
		ids = append(ids, id)
	}
	cases.WriteString(" END")
	args = append([]any{ids}, args...)
	err := s.conn(ctx).Raw(`
		WITH a AS (
			SELECT consultation_id, response_id, COUNT(*) AS n FROM opinions
			WHERE consultation_id IN ? AND status = 'approved' AND response_id IS NOT NULL
			GROUP BY consultation_id, response_id
		)
		SELECT COALESCE(SUM(a.n), 0) AS answered,
			COALESCE(SUM(CASE WHEN r.created_at >= `+cases.String()+` THEN a.n ELSE 0 END), 0) AS late
		FROM a JOIN responses r ON r.id = a.response_id`, args...).Scan(&out).Error
	return out, err
}

// ConsultationDates lists the published consultations of the units with what their
// deadlines are counted from, and no counts: OversightRow with Opinions and Households 0.
func (s *Store) ConsultationDates(ctx context.Context, unitIDs []int64) ([]OversightRow, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var rows []OversightRow
	err := s.conn(ctx).Raw(`
		SELECT c.id, c.title, c.kind, c.matter, c.status, c.unit_id, u.code AS unit_code, u.name AS unit_name,
			u.kind AS unit_kind, c.opens_at, c.closes_at, c.published_at, c.closed_at, c.close_reason, c.results_published_at
		FROM consultations c JOIN units u ON u.id = c.unit_id
		WHERE c.unit_id IN ? AND c.status IN ?
		ORDER BY c.id`, unitIDs, oversightStatuses).Scan(&rows).Error
	return rows, err
}

// AnnualRatings counts by score the satisfaction ratings of the consultations of the units
// whose period began in [from, to).
func (s *Store) AnnualRatings(ctx context.Context, unitIDs []int64, from, to time.Time) (domain.RatingFigures, error) {
	var f domain.RatingFigures
	if len(unitIDs) == 0 {
		return f, nil
	}
	var rows []struct {
		Rating int
		N      int
	}
	err := s.conn(ctx).Model(&domain.Rating{}).Select("rating, COUNT(*) AS n").
		Where("consultation_id IN (?)", s.yearConsultations(ctx, unitIDs, from, to)).
		Group("rating").Scan(&rows).Error
	for _, r := range rows {
		f.Add(r.Rating, r.N)
	}
	return f, err
}

// CommunesUnder lists the commune-level units in the subtree of a unit (the unit itself if
// it is one), by name.
func (s *Store) CommunesUnder(ctx context.Context, unitID int64) ([]domain.Unit, error) {
	ids, err := s.UnitSubtree(ctx, []int64{unitID})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var units []domain.Unit
	err = s.conn(ctx).Where("id IN ? AND kind IN ?", ids, communeLevel).Order("name, code").Find(&units).Error
	return units, err
}
