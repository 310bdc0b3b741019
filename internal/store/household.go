package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gopy-vn/gopy/internal/domain"
)

// VillageDecisions lists the decisions recorded for a consultation's villages.
func (s *Store) VillageDecisions(ctx context.Context, consultationID int64) ([]domain.VillageDecision, error) {
	var list []domain.VillageDecision
	return list, s.conn(ctx).Where("consultation_id = ?", consultationID).Order("village_id").Find(&list).Error
}

// SaveVillageDecision records a village's decision with its cluster meetings, replacing an
// earlier record of the same village: an official corrects a mistyped number until the
// decision is sent or the outcome concluded. The audit log keeps every version.
func (s *Store) SaveVillageDecision(ctx context.Context, d *domain.VillageDecision) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		s.touched(ctx, d.ConsultationID)
		err := s.conn(ctx).Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "consultation_id"}, {Name: "village_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"form", "held_on", "place", "content", "households", "present", "agree",
				"disagree", "other", "prior_meeting_on", "prior_meeting_present", "recorded_by", "recorded_at"}),
		}).Create(d).Error
		if err != nil {
			return err
		}
		// The ID an upsert reports differs by dialect when it updates; read it back.
		var id int64
		if err := s.conn(ctx).Model(&domain.VillageDecision{}).Select("id").
			Where("consultation_id = ? AND village_id = ?", d.ConsultationID, d.VillageID).Scan(&id).Error; err != nil {
			return err
		}
		d.ID = id
		if err := s.conn(ctx).Where("decision_id = ?", id).Delete(&domain.ClusterCount{}).Error; err != nil {
			return err
		}
		for i := range d.Clusters {
			d.Clusters[i].ID, d.Clusters[i].DecisionID, d.Clusters[i].Ordinal = 0, id, i+1
		}
		if len(d.Clusters) > 0 {
			return s.conn(ctx).Create(&d.Clusters).Error
		}
		return nil
	})
}

// VillageBallots lists the online votes of a consultation's villages.
func (s *Store) VillageBallots(ctx context.Context, consultationID int64) ([]domain.VillageBallot, error) {
	var list []domain.VillageBallot
	return list, s.conn(ctx).Where("consultation_id = ?", consultationID).Order("village_id").Find(&list).Error
}

// BallotByID loads one online vote.
func (s *Store) BallotByID(ctx context.Context, id int64) (*domain.VillageBallot, error) {
	var b domain.VillageBallot
	if err := s.conn(ctx).Take(&b, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &b, nil
}

// errBallotStarted refuses changing a vote that has votes.
var errBallotStarted = domain.Errorf(domain.CodeConflict, "household.error.ballot_has_votes")

// SaveBallot creates a village's online vote, or changes its agreement and times while no
// household has voted yet.
func (s *Store) SaveBallot(ctx context.Context, b *domain.VillageBallot) error {
	if b.ID == 0 {
		// Two officials setting up the same village at once: the second is told to reload.
		res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(b)
		if res.Error == nil && res.RowsAffected == 0 {
			return domain.Errorf(domain.CodeConflict, "error.consultation_changed")
		}
		return res.Error
	}
	res := s.conn(ctx).Model(&domain.VillageBallot{}).
		Where("id = ? AND agree + disagree + other = 0", b.ID).
		Updates(map[string]any{
			"households": b.Households, "agreed_households": b.AgreedHouseholds, "agreed_on": b.AgreedOn,
			"opens_at": b.OpensAt, "closes_at": b.ClosesAt, "updated_at": b.UpdatedAt,
			// The Front agreed to the vote as it was; changed, it must agree again.
			"front_agreed_at": nil, "front_agreed_by": nil,
		})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errBallotStarted
	}
	return nil
}

// IssueCodes replaces the codes of a vote with new ones, numbered from 1, while no
// household has voted. Marking the ballot first takes its row lock, so a vote arriving at
// the same moment either lands before (and the codes are refused) or waits and finds its
// code gone.
func (s *Store) IssueCodes(ctx context.Context, ballotID int64, hashes []string, now time.Time) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Model(&domain.VillageBallot{}).
			Where("id = ? AND agree + disagree + other = 0", ballotID).
			Updates(map[string]any{"codes_issued_at": now, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errBallotStarted
		}
		if err := s.conn(ctx).Where("ballot_id = ?", ballotID).Delete(&domain.BallotCode{}).Error; err != nil {
			return err
		}
		codes := make([]domain.BallotCode, len(hashes))
		for i, h := range hashes {
			codes[i] = domain.BallotCode{BallotID: ballotID, Serial: i + 1, CodeHash: h}
		}
		return s.conn(ctx).CreateInBatches(codes, 200).Error
	})
}

// Vote results.
var (
	ErrCodeUnknown = errors.New("store: no such voting code")
	ErrCodeUsed    = errors.New("store: voting code already used")
	ErrVoteClosed  = errors.New("store: voting is not open")
)

// CastVote uses a code and counts its vote, in one transaction: the code is marked used only
// if it was unused, and the count goes up only while the vote is open at now. The code row
// records that the household took part; the count is on the ballot, so nothing links the
// two.
func (s *Store) CastVote(ctx context.Context, ballotID int64, codeHash string, stance domain.Stance, now time.Time) error {
	var column string
	switch stance {
	case domain.StanceAgree:
		column = "agree"
	case domain.StanceDisagree:
		column = "disagree"
	case domain.StanceOther:
		column = "other"
	default:
		return errors.New("store: bad stance")
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Model(&domain.BallotCode{}).
			Where("ballot_id = ? AND code_hash = ? AND voted_at IS NULL", ballotID, codeHash).
			Update("voted_at", now.UTC())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var n int64
			if err := s.conn(ctx).Model(&domain.BallotCode{}).Where("ballot_id = ? AND code_hash = ?", ballotID, codeHash).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return ErrCodeUsed
			}
			return ErrCodeUnknown
		}
		res = s.conn(ctx).Model(&domain.VillageBallot{}).
			Where("id = ? AND opens_at <= ? AND closes_at > ?", ballotID, now.UTC(), now.UTC()).
			Update(column, gorm.Expr(column+" + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrVoteClosed
		}
		return nil
	})
}

// BallotCodes lists the codes of a vote by serial number, with when each was used.
func (s *Store) BallotCodes(ctx context.Context, ballotID int64) ([]domain.BallotCode, error) {
	var list []domain.BallotCode
	return list, s.conn(ctx).Where("ballot_id = ?", ballotID).Order("serial").Find(&list).Error
}

// VillageDecisionsWithClusters lists the decisions recorded for a consultation's villages
// with the cluster meetings of those that met by clusters.
func (s *Store) VillageDecisionsWithClusters(ctx context.Context, consultationID int64) ([]domain.VillageDecision, error) {
	list, err := s.VillageDecisions(ctx, consultationID)
	if err != nil || len(list) == 0 {
		return list, err
	}
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	var clusters []domain.ClusterCount
	if err := s.conn(ctx).Where("decision_id IN ?", ids).Order("decision_id, ordinal").Find(&clusters).Error; err != nil {
		return nil, err
	}
	for _, c := range clusters {
		for i := range list {
			if list[i].ID == c.DecisionID {
				list[i].Clusters = append(list[i].Clusters, c)
			}
		}
	}
	return list, nil
}

// DecisionActs lists the acts recorded after the decisions of a consultation's villages.
func (s *Store) DecisionActs(ctx context.Context, consultationID int64) ([]domain.VillageDecisionActs, error) {
	var list []domain.VillageDecisionActs
	return list, s.conn(ctx).Where("consultation_id = ?", consultationID).Order("village_id").Find(&list).Error
}

// ErrActGuard is returned by RecordDecisionAct when the act's condition no longer holds:
// another request recorded something first.
var ErrActGuard = domain.Errorf(domain.CodeConflict, "error.consultation_changed")

// RecordDecisionAct sets columns of a village decision's acts, creating their row on first
// use. guard is an SQL condition on the row that must still hold ("" for none), so two
// officials recording the same recognition at once cannot both succeed.
func (s *Store) RecordDecisionAct(ctx context.Context, consultationID, villageID int64, set map[string]any, guard string, now time.Time) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		s.touched(ctx, consultationID)
		row := &domain.VillageDecisionActs{ConsultationID: consultationID, VillageID: villageID, UpdatedAt: now}
		if err := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(row).Error; err != nil {
			return err
		}
		set["updated_at"] = now
		q := s.conn(ctx).Model(&domain.VillageDecisionActs{}).Where("consultation_id = ? AND village_id = ?", consultationID, villageID)
		if guard != "" {
			q = q.Where(guard)
		}
		res := q.Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrActGuard
		}
		return nil
	})
}

// AgreeToBallot records the Front's agreement to a village's online vote, once.
func (s *Store) AgreeToBallot(ctx context.Context, ballotID, staffID int64, at time.Time) error {
	res := s.conn(ctx).Model(&domain.VillageBallot{}).Where("id = ? AND front_agreed_at IS NULL", ballotID).
		Updates(map[string]any{"front_agreed_at": at.UTC(), "front_agreed_by": staffID, "updated_at": at.UTC()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrActGuard
	}
	return nil
}

// DecisionFollowUp is a village's decision with what followed it, for the oversight of its
// deadlines: recorded decisions, and online votes that have ended.
type DecisionFollowUp struct {
	ConsultationID int64
	Title          string
	Kind           domain.ConsultationKind
	Item           domain.Item
	VillageID      int64
	VillageCode    string
	VillageName    string
	Form           domain.DecisionForm
	HeldOn         time.Time
	Households     int
	Present        int
	Agree          int
	Disagree       int
	Other          int
	SentOn         *time.Time
	Recognition    domain.Recognition
	RecognitionOn  *time.Time `gorm:"column:recognition_date"`
}

// Decision returns the village's decision the row carries.
func (r *DecisionFollowUp) Decision() domain.VillageDecision {
	return domain.VillageDecision{ConsultationID: r.ConsultationID, VillageID: r.VillageID, Form: r.Form, HeldOn: r.HeldOn,
		Tally: domain.Tally{Households: r.Households, Present: r.Present, Agree: r.Agree, Disagree: r.Disagree, Other: r.Other}}
}

// Acts returns what followed the decision, as far as its deadlines need.
func (r *DecisionFollowUp) Acts() *domain.VillageDecisionActs {
	return &domain.VillageDecisionActs{ConsultationID: r.ConsultationID, VillageID: r.VillageID, SentOn: r.SentOn,
		Recognition: r.Recognition, RecognitionDate: r.RecognitionOn}
}

// DecisionFollowUps lists the decisions of the villages among unitIDs on matters that were
// not withdrawn, recorded or given by an online vote that ended before now.
func (s *Store) DecisionFollowUps(ctx context.Context, unitIDs []int64, now time.Time) ([]DecisionFollowUp, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var recorded, online []DecisionFollowUp
	err := s.conn(ctx).Raw(`
		SELECT vd.consultation_id, c.title, c.kind, c.item, vd.village_id, u.code AS village_code, u.name AS village_name,
			vd.form, vd.held_on, vd.households, vd.present, vd.agree, vd.disagree, vd.other,
			a.sent_on, COALESCE(a.recognition, '') AS recognition, a.recognition_date
		FROM village_decisions vd
		JOIN consultations c ON c.id = vd.consultation_id
		JOIN units u ON u.id = vd.village_id
		LEFT JOIN village_decision_acts a ON a.consultation_id = vd.consultation_id AND a.village_id = vd.village_id
		WHERE vd.village_id IN ? AND c.status <> ?
		ORDER BY vd.consultation_id, vd.village_id`, unitIDs, domain.StatusWithdrawn).Scan(&recorded).Error
	if err != nil {
		return nil, err
	}
	err = s.conn(ctx).Raw(`
		SELECT b.consultation_id, c.title, c.kind, c.item, b.village_id, u.code AS village_code, u.name AS village_name,
			'online' AS form, b.closes_at AS held_on, b.households, b.agree + b.disagree + b.other AS present,
			b.agree, b.disagree, b.other,
			a.sent_on, COALESCE(a.recognition, '') AS recognition, a.recognition_date
		FROM village_ballots b
		JOIN consultations c ON c.id = b.consultation_id
		JOIN units u ON u.id = b.village_id
		LEFT JOIN village_decision_acts a ON a.consultation_id = b.consultation_id AND a.village_id = b.village_id
		WHERE b.village_id IN ? AND c.status <> ? AND b.closes_at <= ?
			AND NOT EXISTS (SELECT 1 FROM village_decisions vd WHERE vd.consultation_id = b.consultation_id AND vd.village_id = b.village_id)
		ORDER BY b.consultation_id, b.village_id`, unitIDs, domain.StatusWithdrawn, now.UTC()).Scan(&online).Error
	return append(recorded, online...), err
}
