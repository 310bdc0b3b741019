package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gopy-vn/gopy/internal/domain"
)

// Citizens' initiatives: the village's household codes, the initiatives and their supports.

// Results of a support.
var (
	ErrHouseholdUnknown   = errors.New("store: no such household code")
	ErrAlreadySupported   = errors.New("store: the household already supports the initiative")
	ErrSupportClosed      = errors.New("store: the initiative takes no support")
	ErrInitiativeConflict = errors.New("store: the initiative changed meanwhile")
)

// IssueHouseholdCodes replaces the household codes of a village with new ones, numbered
// from 1 in the order given.
func (s *Store) IssueHouseholdCodes(ctx context.Context, villageID int64, hashes []string, now time.Time) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Where("village_id = ?", villageID).Delete(&domain.HouseholdCode{}).Error; err != nil {
			return err
		}
		codes := make([]domain.HouseholdCode, len(hashes))
		for i, h := range hashes {
			codes[i] = domain.HouseholdCode{VillageID: villageID, Serial: i + 1, CodeHash: h, IssuedAt: now.UTC()}
		}
		return s.conn(ctx).CreateInBatches(codes, 200).Error
	})
}

// HouseholdCodesIssued says when the village's household codes were issued and how many,
// zero time and 0 when none were.
func (s *Store) HouseholdCodesIssued(ctx context.Context, villageID int64) (time.Time, int, error) {
	var row struct {
		N  int
		At *time.Time
	}
	err := s.conn(ctx).Model(&domain.HouseholdCode{}).Select("COUNT(*) AS n, MAX(issued_at) AS at").
		Where("village_id = ?", villageID).Scan(&row).Error
	if err != nil || row.At == nil {
		return time.Time{}, 0, err
	}
	return *row.At, row.N, nil
}

// HouseholdSerial finds the household of a code in a village: its number on the sheet.
func (s *Store) HouseholdSerial(ctx context.Context, villageID int64, codeHash string) (int, error) {
	var c domain.HouseholdCode
	err := s.conn(ctx).Where("village_id = ? AND code_hash = ?", villageID, codeHash).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, ErrHouseholdUnknown
	}
	return c.Serial, err
}

// CreateInitiative stores a new initiative with the support of the household that proposed it.
func (s *Store) CreateInitiative(ctx context.Context, in *domain.Initiative, first domain.InitiativeSupport) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(in).Error; err != nil {
			return err
		}
		first.InitiativeID = in.ID
		return s.conn(ctx).Create(&first).Error
	})
}

// InitiativeByID loads an initiative.
func (s *Store) InitiativeByID(ctx context.Context, id int64) (*domain.Initiative, error) {
	var i domain.Initiative
	if err := s.conn(ctx).Where("id = ?", id).Take(&i).Error; err != nil {
		return nil, notFound(err)
	}
	return &i, nil
}

// InitiativeFilter selects initiatives of villages.
type InitiativeFilter struct {
	VillageIDs []int64
	PublicOnly bool
	Statuses   []domain.InitiativeStatus
	Limit      int
}

// Initiatives lists initiatives of the villages, newest first.
func (s *Store) Initiatives(ctx context.Context, f InitiativeFilter) ([]domain.Initiative, error) {
	var list []domain.Initiative
	q := s.conn(ctx).Where("village_id IN ?", f.VillageIDs)
	if f.PublicOnly {
		q = q.Where("status NOT IN ?", []string{string(domain.InitiativePending), string(domain.InitiativeRejected)})
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	if len(f.VillageIDs) == 0 {
		return nil, nil
	}
	return list, q.Order("created_at DESC, id DESC").Find(&list).Error
}

// InitiativeSupports lists the supports of an initiative by household number.
func (s *Store) InitiativeSupports(ctx context.Context, id int64) ([]domain.InitiativeSupport, error) {
	var list []domain.InitiativeSupport
	return list, s.conn(ctx).Where("initiative_id = ?", id).Order("household_serial").Find(&list).Error
}

// AddSupports records households' supports in one transaction: all of them or none. A
// household that already supports the initiative (online or on paper) fails the whole batch
// with ErrAlreadySupported and its support as stored; the count goes up only while the
// initiative is open (and, for online supports, before its support period ends at now), and
// the moment the threshold is reached is kept.
func (s *Store) AddSupports(ctx context.Context, id int64, list []domain.InitiativeSupport, onlineUntil bool, now time.Time) (*domain.InitiativeSupport, error) {
	var dup *domain.InitiativeSupport
	err := s.InTx(ctx, func(ctx context.Context) error {
		online, paper := 0, 0
		for i := range list {
			list[i].InitiativeID = id
			res := s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "initiative_id"}, {Name: "household_serial"}}, DoNothing: true}).Create(&list[i])
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				var old domain.InitiativeSupport
				if err := s.conn(ctx).Where("initiative_id = ? AND household_serial = ?", id, list[i].Serial).Take(&old).Error; err != nil {
					return err
				}
				dup = &old
				return ErrAlreadySupported
			}
			if list[i].Channel == domain.SupportOnline {
				online++
			} else {
				paper++
			}
		}
		q := s.conn(ctx).Model(&domain.Initiative{}).Where("id = ? AND status = ?", id, domain.InitiativeOpen)
		if onlineUntil {
			q = q.Where("support_ends > ?", now.UTC())
		}
		res := q.Updates(map[string]any{
			"supports_online": gorm.Expr("supports_online + ?", online),
			"supports_paper":  gorm.Expr("supports_paper + ?", paper),
			"reached_at":      gorm.Expr("CASE WHEN reached_at IS NULL AND supports_online + supports_paper + ? >= threshold THEN ? ELSE reached_at END", online+paper, now.UTC()),
			"updated_at":      now.UTC(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrSupportClosed
		}
		return nil
	})
	return dup, err
}

// UpdateInitiative writes the changed columns of an initiative while it is still in the
// status the caller saw; ErrInitiativeConflict when it is not.
func (s *Store) UpdateInitiative(ctx context.Context, id int64, from domain.InitiativeStatus, set map[string]any) error {
	res := s.conn(ctx).Model(&domain.Initiative{}).Where("id = ? AND status = ?", id, from).Updates(set)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrInitiativeConflict
	}
	return nil
}

// InitiativeFigures counts initiatives of villages created in [from, to).
type InitiativeFigures struct {
	Proposed       int
	Public         int
	Reached        int
	Put            int
	Declined       int
	SupportsOnline int
	SupportsPaper  int
}

// InitiativeYear sums the initiatives of the villages proposed in [from, to).
func (s *Store) InitiativeYear(ctx context.Context, villageIDs []int64, from, to time.Time) (InitiativeFigures, error) {
	var f InitiativeFigures
	if len(villageIDs) == 0 {
		return f, nil
	}
	err := s.conn(ctx).Model(&domain.Initiative{}).Select(`COUNT(*) AS proposed,
		COALESCE(SUM(CASE WHEN status NOT IN ('pending', 'rejected') THEN 1 ELSE 0 END), 0) AS public,
		COALESCE(SUM(CASE WHEN reached_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS reached,
		COALESCE(SUM(CASE WHEN status = 'put' THEN 1 ELSE 0 END), 0) AS put,
		COALESCE(SUM(CASE WHEN status = 'declined' THEN 1 ELSE 0 END), 0) AS declined,
		COALESCE(SUM(supports_online), 0) AS supports_online,
		COALESCE(SUM(supports_paper), 0) AS supports_paper`).
		Where("village_id IN ? AND created_at >= ? AND created_at < ?", villageIDs, from.UTC(), to.UTC()).
		Scan(&f).Error
	return f, err
}
