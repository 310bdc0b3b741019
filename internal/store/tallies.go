package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// The counts of a consultation's opinions are kept by the database itself, in
// opinion_tallies: triggers on opinions add or take away each row's contribution in the
// transaction that changes it (migration 00015 lists the kinds of counter). Reading the
// counts is thus a few dozen rows whatever the number of opinions, and they are never behind
// what is committed: the public page, the reports and the decisions read the same figures.

// tally is one counter row.
type tally struct {
	Kind string
	Key  string
	N    int64
}

func (s *Store) tallies(ctx context.Context, consultationID int64, kinds ...string) ([]tally, error) {
	// A counter is kept in several rows (shards, migration 00015), added up here.
	var rows []tally
	err := s.conn(ctx).Table("opinion_tallies").Select("kind, key, SUM(n) AS n").
		Where("consultation_id = ? AND kind IN ?", consultationID, kinds).
		Group("kind, key").Having("SUM(n) <> 0").Scan(&rows).Error
	return rows, err
}

// Summary counts the approved opinions of a consultation by stance, section, village and channel.
func (s *Store) Summary(ctx context.Context, consultationID int64) (*domain.Summary, error) {
	rows, err := s.tallies(ctx, consultationID, "approved", "village")
	if err != nil {
		return nil, err
	}
	sum := &domain.Summary{BySection: map[int64]domain.Counts{}, ByChannel: map[domain.Channel]int{}}
	villages := map[int64]int{}
	for _, r := range rows {
		n := int(r.N)
		switch r.Kind {
		case "approved": // section:stance:channel
			parts := strings.SplitN(r.Key, ":", 3)
			if len(parts) != 3 {
				return nil, fmt.Errorf("opinion_tallies: bad key %q", r.Key)
			}
			section, err := strconv.ParseInt(parts[0], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("opinion_tallies: bad key %q", r.Key)
			}
			stance := domain.Stance(parts[1])
			sum.Add(stance, n)
			sum.ByChannel[domain.Channel(parts[2])] += n
			if section != 0 {
				c := sum.BySection[section]
				c.Add(stance, n)
				sum.BySection[section] = c
			}
		case "village":
			id, err := strconv.ParseInt(r.Key, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("opinion_tallies: bad village %q", r.Key)
			}
			villages[id] += n
		}
	}
	units, err := s.UnitsByIDs(ctx, mapKeys(villages))
	if err != nil {
		return nil, err
	}
	for id, n := range villages {
		if u := units[id]; u != nil {
			sum.ByUnit = append(sum.ByUnit, domain.UnitCount{Code: u.Code, Name: u.Name, Total: n})
		}
	}
	slices.SortFunc(sum.ByUnit, func(a, b domain.UnitCount) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Code, b.Code))
	})
	return sum, nil
}

// OpinionsByCommune counts the approved opinions of a consultation by the commune (the parent
// unit) of the village each commenter named, largest first. Opinions that named no village
// are not counted here.
func (s *Store) OpinionsByCommune(ctx context.Context, consultationID int64) ([]domain.CommuneCount, error) {
	rows, err := s.tallies(ctx, consultationID, "village")
	if err != nil {
		return nil, err
	}
	byVillage := map[int64]int{}
	for _, r := range rows {
		id, err := strconv.ParseInt(r.Key, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("opinion_tallies: bad village %q", r.Key)
		}
		byVillage[id] += int(r.N)
	}
	villages, err := s.UnitsByIDs(ctx, mapKeys(byVillage))
	if err != nil {
		return nil, err
	}
	byCommune := map[int64]int{}
	for id, n := range byVillage {
		if v := villages[id]; v != nil && v.ParentID != nil {
			byCommune[*v.ParentID] += n
		}
	}
	communes, err := s.UnitsByIDs(ctx, mapKeys(byCommune))
	if err != nil {
		return nil, err
	}
	var out []domain.CommuneCount
	for id, n := range byCommune {
		if u := communes[id]; u != nil {
			out = append(out, domain.CommuneCount{ID: id, Code: u.Code, Name: u.Name, Total: n})
		}
	}
	slices.SortFunc(out, func(a, b domain.CommuneCount) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// ModerationStats computes the public moderation figures of a consultation. The median time
// to a first decision is read from the counters' buckets: to the second below an hour, to
// the minute below two days, to the hour beyond (the page shows it in minutes).
func (s *Store) ModerationStats(ctx context.Context, consultationID int64) (*domain.ModerationStats, error) {
	rows, err := s.tallies(ctx, consultationID, "status", "decided")
	if err != nil {
		return nil, err
	}
	st := &domain.ModerationStats{RejectedBy: map[domain.RejectReason]int{}}
	type bucket struct{ seconds, n int64 }
	var buckets []bucket
	var decided int64
	for _, r := range rows {
		n := int(r.N)
		if r.Kind == "decided" {
			sec, err := strconv.ParseInt(r.Key, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("opinion_tallies: bad decision time %q", r.Key)
			}
			buckets = append(buckets, bucket{sec, r.N})
			decided += r.N
			continue
		}
		status, reason, _ := strings.Cut(r.Key, ":")
		st.Count(domain.OpinionStatus(status), domain.RejectReason(reason), n)
	}
	var appeals []struct {
		Outcome string
		N       int
	}
	// Appeals are few (one per rejected opinion at most, and rarely made): counted here.
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
	if decided > 0 {
		slices.SortFunc(buckets, func(a, b bucket) int { return cmp.Compare(a.seconds, b.seconds) })
		// The value at a 0-based rank among the decisions in order.
		at := func(rank int64) int64 {
			for _, b := range buckets {
				if rank < b.n {
					return b.seconds
				}
				rank -= b.n
			}
			return buckets[len(buckets)-1].seconds
		}
		median := at((decided - 1) / 2)
		if decided%2 == 0 {
			median = (median + at(decided/2)) / 2
		}
		st.MedianDecisionSeconds = &median
	}
	return st, nil
}

// DayTotal is the number of approved opinions submitted on one local day.
type DayTotal struct {
	Day time.Time // midnight in domain.Zone
	N   int
}

// ApprovedPerDay counts the approved opinions of a consultation per local day (domain.Zone,
// a fixed UTC+7 that the counters apply), oldest day first.
func (s *Store) ApprovedPerDay(ctx context.Context, consultationID int64) ([]DayTotal, error) {
	rows, err := s.tallies(ctx, consultationID, "day")
	if err != nil {
		return nil, err
	}
	out := make([]DayTotal, 0, len(rows))
	for _, r := range rows {
		day, err := time.ParseInLocation("20060102", r.Key, domain.Zone)
		if err != nil {
			// A time the database could not read: refuse rather than drop its opinions.
			return nil, fmt.Errorf("%d opinions of consultation %d have an unreadable submission time", r.N, consultationID)
		}
		out = append(out, DayTotal{Day: day, N: int(r.N)})
	}
	slices.SortFunc(out, func(a, b DayTotal) int { return a.Day.Compare(b.Day) })
	return out, nil
}

// ApprovedSet identifies the set of approved opinions of a consultation without reading
// them: how many there are, and how many times an opinion entered it, left it or changed in
// it. The second only grows, so two reads that agree saw the same set (App.Themes).
type ApprovedSet struct {
	Count, Changes int64
}

// ApprovedSetOf returns the ApprovedSet of a consultation's approved opinions.
func (s *Store) ApprovedSetOf(ctx context.Context, consultationID int64) (ApprovedSet, error) {
	rows, err := s.tallies(ctx, consultationID, "status", "changes")
	if err != nil {
		return ApprovedSet{}, err
	}
	var set ApprovedSet
	for _, r := range rows {
		switch {
		case r.Kind == "changes":
			set.Changes += r.N
		case strings.HasPrefix(r.Key, string(domain.OpinionApproved)+":"):
			set.Count += r.N
		}
	}
	return set, nil
}

func mapKeys[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
