package store

import (
	"context"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// The TOTP second factor of a staff account lives in three columns of staff: the secret
// (empty when none), the time it was switched on (NULL while only pending), and the last
// accepted time step. Every change below is a conditional UPDATE that reports whether it
// applied, so two requests racing with the same code cannot both succeed.

// SetPendingTOTPSecret stores a new secret for an account that has none and no second factor
// on; it reports false when the account already has one (another tab was quicker).
func (s *Store) SetPendingTOTPSecret(ctx context.Context, staffID int64, secret string) (bool, error) {
	res := s.conn(ctx).Model(&domain.Staff{}).
		Where("id = ? AND totp_enabled_at IS NULL AND totp_secret = ''", staffID).
		Update("totp_secret", secret)
	return res.RowsAffected == 1, res.Error
}

// EnableTOTP switches the second factor on, provided it is still off with the same pending
// secret and the step of the confirming code has not been used.
func (s *Store) EnableTOTP(ctx context.Context, staffID int64, secret string, step int64, at time.Time) (bool, error) {
	res := s.conn(ctx).Model(&domain.Staff{}).
		Where("id = ? AND totp_enabled_at IS NULL AND totp_secret = ? AND totp_last_step < ?", staffID, secret, step).
		Updates(map[string]any{"totp_enabled_at": at, "totp_last_step": step})
	return res.RowsAffected == 1, res.Error
}

// DisableTOTP switches the second factor off and forgets its secret, provided it is on and
// the step of the confirming code has not been used.
func (s *Store) DisableTOTP(ctx context.Context, staffID int64, step int64) (bool, error) {
	res := s.conn(ctx).Model(&domain.Staff{}).
		Where("id = ? AND totp_enabled_at IS NOT NULL AND totp_last_step < ?", staffID, step).
		Updates(map[string]any{"totp_secret": "", "totp_enabled_at": nil, "totp_last_step": 0})
	return res.RowsAffected == 1, res.Error
}

// ClaimTOTPStep records that a code of this time step has been accepted for a login. It
// reports false if that step or a later one was already accepted, or the factor is off.
func (s *Store) ClaimTOTPStep(ctx context.Context, staffID int64, step int64) (bool, error) {
	res := s.conn(ctx).Model(&domain.Staff{}).
		Where("id = ? AND totp_enabled_at IS NOT NULL AND totp_last_step < ?", staffID, step).
		Update("totp_last_step", step)
	return res.RowsAffected == 1, res.Error
}

// ResetTOTP switches an account's second factor off without a code, for an admin helping a
// staff member who lost their phone.
func (s *Store) ResetTOTP(ctx context.Context, staffID int64) error {
	return s.conn(ctx).Model(&domain.Staff{}).Where("id = ?", staffID).
		Updates(map[string]any{"totp_secret": "", "totp_enabled_at": nil, "totp_last_step": 0}).Error
}
