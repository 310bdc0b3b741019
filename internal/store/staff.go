package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/gopy-vn/gopy/internal/domain"
)

// CreateStaff inserts a staff account with its role assignments.
func (s *Store) CreateStaff(ctx context.Context, st *domain.Staff, roles []domain.RoleAssignment) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(st).Error; err != nil {
			return err
		}
		for i := range roles {
			roles[i].StaffID = st.ID
			if err := s.conn(ctx).Create(&roles[i]).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// StaffByEmail finds an account by its lower-case e-mail address.
func (s *Store) StaffByEmail(ctx context.Context, email string) (*domain.Staff, error) {
	var st domain.Staff
	err := s.conn(ctx).Where("email = ?", email).Take(&st).Error
	return &st, notFound(err)
}

// StaffByID finds an account by ID.
func (s *Store) StaffByID(ctx context.Context, id int64) (*domain.Staff, error) {
	var st domain.Staff
	err := s.conn(ctx).Take(&st, id).Error
	return &st, notFound(err)
}

// SetPassword replaces an account's password hash and ends what the old password opened: the
// account moves to its next session epoch, and its bearer tokens are revoked. It returns the
// new epoch, for the session that made the change to carry on in.
func (s *Store) SetPassword(ctx context.Context, staffID int64, hash string, now time.Time) (epoch int64, err error) {
	err = s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Model(&domain.Staff{}).Where("id = ?", staffID).
			Updates(map[string]any{"password_hash": hash, "session_epoch": gorm.Expr("session_epoch + 1")})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return domain.ErrNotFound
		}
		if _, err := s.RevokeTokensOf(ctx, staffID, now); err != nil {
			return err
		}
		return s.conn(ctx).Model(&domain.Staff{}).Select("session_epoch").Where("id = ?", staffID).Scan(&epoch).Error
	})
	return epoch, err
}

// RolesOf lists a staff member's role assignments.
func (s *Store) RolesOf(ctx context.Context, staffID int64) ([]domain.RoleAssignment, error) {
	var roles []domain.RoleAssignment
	return roles, s.conn(ctx).Where("staff_id = ?", staffID).Order("id").Find(&roles).Error
}

type apiToken struct {
	ID        int64      `gorm:"column:id;primaryKey"`
	StaffID   int64      `gorm:"column:staff_id"`
	TokenHash string     `gorm:"column:token_hash"`
	CreatedAt time.Time  `gorm:"column:created_at"`
	RevokedAt *time.Time `gorm:"column:revoked_at"`
}

func (apiToken) TableName() string { return "api_tokens" }

// CreateToken stores the hash of a new bearer token.
func (s *Store) CreateToken(ctx context.Context, staffID int64, hash string) error {
	return s.conn(ctx).Create(&apiToken{StaffID: staffID, TokenHash: hash, CreatedAt: s.now()}).Error
}

// StaffByTokenHash finds the enabled account owning an unrevoked token.
func (s *Store) StaffByTokenHash(ctx context.Context, hash string) (*domain.Staff, error) {
	var st domain.Staff
	err := s.conn(ctx).Model(&domain.Staff{}).
		Joins("JOIN api_tokens t ON t.staff_id = staff.id").
		Where("t.token_hash = ? AND t.revoked_at IS NULL AND staff.disabled_at IS NULL", hash).
		Take(&st).Error
	return &st, notFound(err)
}
