package app

import (
	"context"
	"runtime"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/auth"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// Password checks are bounded: each argon2id check holds its hash's memory (64 MiB under
// auth.DefaultParams) and a core for a tenth of a second, so a burst of logins could
// otherwise take the process past its memory. At most one check runs per core, and no more
// than passwordMemoryBudget holds at once; a login that finds every slot taken waits
// passwordWait, then is answered 503 with Retry-After.
const (
	passwordMemoryBudget = 128 << 10 // KiB
	passwordWait         = 3 * time.Second
)

// newPasswordSlots makes the slots for the App's hash parameters.
func (a *App) newPasswordSlots() {
	n := runtime.GOMAXPROCS(0)
	if byMemory := int(passwordMemoryBudget / max(a.passwords.MemoryKiB, 1)); byMemory < n {
		n = byMemory
	}
	a.passwordSlots = make(chan struct{}, max(n, 1))
}

// passwordSlot waits for a free slot and returns its release.
func (a *App) passwordSlot(ctx context.Context) (release func(), err error) {
	wait := time.NewTimer(passwordWait)
	defer wait.Stop()
	select {
	case a.passwordSlots <- struct{}{}:
		return func() { <-a.passwordSlots }, nil
	case <-wait.C:
		return nil, domain.Errorf(domain.CodeUnavailable, "error.unavailable")
	case <-ctx.Done():
		return nil, wrap(ctx.Err())
	}
}

// NewPassword is a password an account is given, by its owner or an administrator.
type NewPassword struct {
	Current string `json:"current"` // the owner's present password; not asked of an administrator
	New     string `json:"new" validate:"required,max=1000"`
}

// checkNew validates the new password: present, and at least auth.MinPasswordLength
// characters as a person counts them.
func (a *App) checkNew(in NewPassword) error {
	if err := a.check(in); err != nil {
		return err
	}
	if textnorm.Length(in.New) < auth.MinPasswordLength {
		return domain.InvalidField("new", "validation.password_short")
	}
	return nil
}

// ChangeOwnPassword replaces the actor's password once the present one is checked (under the
// same bound as a login). Every other session of the account ends and its bearer tokens are
// revoked; the returned epoch is the one the session that made the change carries on in.
func (a *App) ChangeOwnPassword(ctx context.Context, actor *domain.Actor, in NewPassword) (epoch int64, err error) {
	if actor == nil {
		return 0, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	if err := a.checkNew(in); err != nil {
		return 0, err
	}
	st, err := a.store.StaffByID(ctx, actor.StaffID)
	if err != nil {
		return 0, wrap(err)
	}
	release, err := a.passwordSlot(ctx)
	if err != nil {
		return 0, err
	}
	ok, _ := auth.CheckPassword(st.PasswordHash, in.Current)
	release()
	if !ok {
		return 0, domain.InvalidField("current", "validation.password_wrong")
	}
	if in.New == in.Current {
		return 0, domain.InvalidField("new", "validation.password_same")
	}
	return a.setPassword(ctx, st.ID, in.New, func(ctx context.Context) error {
		return a.audit(ctx, actor, "password.change", "staff", st.ID, homeUnit(actor), "")
	})
}

// SetStaffPassword gives an account of a unit the administrator manages a new password, for
// one who forgot theirs; the account's sessions and tokens end.
func (a *App) SetStaffPassword(ctx context.Context, actor *domain.Actor, staffID int64, in NewPassword) error {
	st, err := a.manageableStaff(ctx, actor, staffID)
	if err != nil {
		return err
	}
	if err := a.checkNew(in); err != nil {
		return err
	}
	_, err = a.setPassword(ctx, st.ID, in.New, func(ctx context.Context) error {
		return a.audit(ctx, actor, "password.set", "staff", st.ID, homeUnit(actor), "")
	})
	return err
}

// SetPasswordByEmail gives the account with this e-mail a new password, from the command line
// of the server (gopy user password); it does not check who asks.
func (a *App) SetPasswordByEmail(ctx context.Context, email string, in NewPassword) error {
	st, err := a.store.StaffByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return domain.InvalidField("email", "validation.staff_unknown")
	}
	if err := a.checkNew(in); err != nil {
		return err
	}
	_, err = a.setPassword(ctx, st.ID, in.New, func(ctx context.Context) error {
		return a.audit(ctx, nil, "password.set", "staff", st.ID, 0, "command line")
	})
	return err
}

// setPassword hashes the password (before the transaction opens, so SQLite's write lock is
// not held while it runs), then stores it and writes the audit entry in one transaction.
func (a *App) setPassword(ctx context.Context, staffID int64, password string, audit func(ctx context.Context) error) (epoch int64, err error) {
	hash, err := a.passwords.Hash(password)
	if err != nil {
		return 0, wrap(err)
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if epoch, err = a.store.SetPassword(ctx, staffID, hash, a.Now()); err != nil {
			return err
		}
		return audit(ctx)
	})
	return epoch, wrap(err)
}

// SessionActor loads the actor of a session begun in the given epoch of the account: none once
// the account is disabled or its password was changed since.
func (a *App) SessionActor(ctx context.Context, staffID, epoch int64) (*domain.Actor, error) {
	st, err := a.store.StaffByID(ctx, staffID)
	if err != nil || st.DisabledAt != nil || st.SessionEpoch != epoch {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	return a.actorOf(ctx, st)
}
