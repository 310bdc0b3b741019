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

// SaveVillageDecision records a village's decision, replacing an earlier record of the same
// village: an official corrects a mistyped number until the outcome is concluded. The audit
// log keeps every version.
func (s *Store) SaveVillageDecision(ctx context.Context, d *domain.VillageDecision) error {
	return s.conn(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "consultation_id"}, {Name: "village_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"form", "held_on", "households", "present", "agree", "disagree", "other",
			"recorded_by", "recorded_at"}),
	}).Create(d).Error
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
