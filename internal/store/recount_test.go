package store

import (
	"context"
	"fmt"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// The counts as they were computed before the counters: straight from the opinions, on
// every call. Tests compare the counters with them (tallies_test.go).

// Summary counts the approved opinions of a consultation by stance, section, village and channel.
func (s *Store) recountSummary(ctx context.Context, consultationID int64) (*domain.Summary, error) {
	sum := &domain.Summary{BySection: map[int64]domain.Counts{}, ByChannel: map[domain.Channel]int{}}
	var rows []struct {
		SectionID *int64
		Stance    domain.Stance
		Channel   domain.Channel
		N         int
	}
	err := s.conn(ctx).Model(&domain.Opinion{}).
		Select("section_id, stance, channel, COUNT(*) AS n").
		Where("consultation_id = ? AND status = ?", consultationID, domain.OpinionApproved).
		Group("section_id, stance, channel").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		sum.Add(r.Stance, r.N)
		sum.ByChannel[r.Channel] += r.N
		if r.SectionID != nil {
			c := sum.BySection[*r.SectionID]
			c.Add(r.Stance, r.N)
			sum.BySection[*r.SectionID] = c
		}
	}
	err = s.conn(ctx).Raw(`
		SELECT u.code AS code, u.name AS name, COUNT(*) AS total
		FROM opinions o JOIN units u ON u.id = o.village_id
		WHERE o.consultation_id = ? AND o.status = ?
		GROUP BY u.code, u.name ORDER BY total DESC, u.name`,
		consultationID, domain.OpinionApproved).Scan(&sum.ByUnit).Error
	return sum, err
}

// ModerationStats computes the public moderation figures of a consultation.
func (s *Store) recountModerationStats(ctx context.Context, consultationID int64) (*domain.ModerationStats, error) {
	st := &domain.ModerationStats{RejectedBy: map[domain.RejectReason]int{}}
	var rows []struct {
		Status domain.OpinionStatus
		Reason domain.RejectReason
		N      int
	}
	err := s.conn(ctx).Model(&domain.Opinion{}).Select("status, rejection_reason AS reason, COUNT(*) AS n").
		Where("consultation_id = ?", consultationID).Group("status, rejection_reason").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		st.Received += r.N
		switch r.Status {
		case domain.OpinionPending:
			st.Pending += r.N
		case domain.OpinionApproved:
			st.Approved += r.N
		case domain.OpinionRejected:
			st.Rejected += r.N
			st.RejectedBy[r.Reason] += r.N
		case domain.OpinionHidden:
			st.Hidden += r.N
		case domain.OpinionWithdrawn:
			st.Withdrawn += r.N
		}
	}
	var appeals []struct {
		Outcome string
		N       int
	}
	err = s.conn(ctx).Model(&domain.Appeal{}).Select("appeals.outcome AS outcome, COUNT(*) AS n").
		Joins("JOIN opinions o ON o.id = appeals.opinion_id").Where("o.consultation_id = ?", consultationID).
		Group("appeals.outcome").Scan(&appeals).Error
	if err != nil {
		return nil, err
	}
	for _, a := range appeals {
		st.Appealed += a.N
		if a.Outcome == "overturned" {
			st.Overturned += a.N
		}
	}
	// The median by offset into the ordered column: the same query on both databases, and
	// an index range scan rather than loading every duration.
	var decided int64
	base := s.conn(ctx).Model(&domain.Opinion{}).Where("consultation_id = ? AND decision_seconds IS NOT NULL", consultationID)
	if err := base.Count(&decided).Error; err != nil || decided == 0 {
		return st, err
	}
	var mid []int64
	err = s.conn(ctx).Model(&domain.Opinion{}).Where("consultation_id = ? AND decision_seconds IS NOT NULL", consultationID).
		Order("decision_seconds").Offset(int((decided-1)/2)).Limit(2-int(decided%2)).Pluck("decision_seconds", &mid).Error
	if err != nil || len(mid) == 0 {
		return st, err
	}
	var sum int64
	for _, m := range mid {
		sum += m
	}
	median := sum / int64(len(mid))
	st.MedianDecisionSeconds = &median
	return st, nil
}

// ApprovedPerDay counts the approved opinions of a consultation per local day (domain.Zone),
// oldest day first. The database does the counting, so a view reads one row per day instead
// of the time of every opinion (100,000 rows on a large consultation).
func (s *Store) recountApprovedPerDay(ctx context.Context, consultationID int64) ([]DayTotal, error) {
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

// OpinionsByCommune counts the approved opinions of a consultation by the commune (the parent
// unit) of the village each commenter named, largest first. Opinions that named no village
// are not counted here.
func (s *Store) recountOpinionsByCommune(ctx context.Context, consultationID int64) ([]domain.CommuneCount, error) {
	var out []domain.CommuneCount
	err := s.conn(ctx).Raw(`
		SELECT cu.id AS id, cu.code AS code, cu.name AS name, COUNT(*) AS total
		FROM opinions o JOIN units v ON v.id = o.village_id JOIN units cu ON cu.id = v.parent_id
		WHERE o.consultation_id = ? AND o.status = ?
		GROUP BY cu.id, cu.code, cu.name ORDER BY total DESC, cu.name`,
		consultationID, domain.OpinionApproved).Scan(&out).Error
	return out, err
}
