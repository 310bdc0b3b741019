package app

import (
	"context"
	"strings"

	"github.com/gopy-vn/gopy/internal/auth"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// NewStaff describes a staff account to create.
type NewStaff struct {
	Email    string `json:"email" validate:"required,email,max=200"`
	Name     string `json:"name" validate:"required,max=100"`
	Role     string `json:"role" validate:"required,oneof=admin official moderator observer front"`
	UnitCode string `json:"unit_code" validate:"required,max=64"`
	Password string `json:"password" validate:"required,min=12,max=1000"`
}

// CreateStaff creates a staff account with one role over one unit. It is used by the command
// line and the demo loader; it does not check who asks.
func (a *App) CreateStaff(ctx context.Context, in NewStaff) (*domain.Staff, error) {
	st, roles, err := a.newStaff(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := a.store.CreateStaff(ctx, st, roles); err != nil {
		return nil, wrap(err)
	}
	return st, nil
}

// newStaff checks a new account and hashes its password, outside any transaction: hashing
// takes a while, and on SQLite a transaction holds the one write lock while it is open.
func (a *App) newStaff(ctx context.Context, in NewStaff) (*domain.Staff, []domain.RoleAssignment, error) {
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Name = textnorm.CleanLine(in.Name)
	if err := a.check(in); err != nil {
		return nil, nil, err
	}
	unit, err := a.store.UnitByCode(ctx, in.UnitCode)
	if err != nil {
		return nil, nil, domain.InvalidField("unit_code", "validation.unit_unknown")
	}
	if _, err := a.store.StaffByEmail(ctx, in.Email); err == nil {
		return nil, nil, domain.InvalidField("email", "validation.email_taken")
	}
	hash, err := a.passwords.Hash(in.Password)
	if err != nil {
		return nil, nil, wrap(err)
	}
	st := &domain.Staff{Email: in.Email, Name: in.Name, PasswordHash: hash, CreatedAt: a.Now()}
	return st, []domain.RoleAssignment{{Role: domain.Role(in.Role), UnitID: unit.ID}}, nil
}

// Login checks an e-mail and password and returns the actor. Unknown e-mails take as long
// as wrong passwords, so the answer does not reveal which accounts exist. For an account
// with a second factor on, a right password returns the actor with ErrCodeNeeded.
func (a *App) Login(ctx context.Context, email, password string) (*domain.Actor, error) {
	release, err := a.passwordSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	st, err := a.store.StaffByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		if !domain.IsCode(err, domain.CodeNotFound) {
			return nil, wrap(err)
		}
		a.passwords.CheckDummy(password)
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.login_failed")
	}
	ok, err := auth.CheckPassword(st.PasswordHash, password)
	actor, aerr := a.actorOf(ctx, st)
	if aerr != nil {
		return nil, aerr
	}
	if err != nil || !ok || st.DisabledAt != nil {
		a.auditAttempt(ctx, actor, "login.failed", st.ID)
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.login_failed")
	}
	if st.TOTPEnabled != nil {
		// Right password, but a code is needed as well: no login yet (see totp.go).
		return actor, ErrCodeNeeded
	}
	// A login that cannot be logged is refused: the audit log must show who came in.
	if err := a.audit(ctx, actor, "login", "staff", st.ID, homeUnit(actor), ""); err != nil {
		return nil, wrap(err)
	}
	return actor, nil
}

// ActorByID loads the actor of an account; a disabled account has none.
func (a *App) ActorByID(ctx context.Context, staffID int64) (*domain.Actor, error) {
	st, err := a.store.StaffByID(ctx, staffID)
	if err != nil || st.DisabledAt != nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	return a.actorOf(ctx, st)
}

// ActorByToken loads the actor owning a bearer token.
func (a *App) ActorByToken(ctx context.Context, token string) (*domain.Actor, error) {
	st, err := a.store.StaffByTokenHash(ctx, auth.HashToken(token))
	if err != nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	return a.actorOf(ctx, st)
}

func (a *App) actorOf(ctx context.Context, st *domain.Staff) (*domain.Actor, error) {
	roles, err := a.store.RolesOf(ctx, st.ID)
	if err != nil {
		return nil, wrap(err)
	}
	return &domain.Actor{StaffID: st.ID, Name: st.Name, Email: st.Email, Roles: roles, SessionEpoch: st.SessionEpoch}, nil
}

// CreateToken issues a bearer token for the account with this e-mail; only its hash is stored.
func (a *App) CreateToken(ctx context.Context, email string) (string, error) {
	st, err := a.store.StaffByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return "", domain.InvalidField("email", "validation.staff_unknown")
	}
	actor, err := a.actorOf(ctx, st)
	if err != nil {
		return "", err
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		return "", wrap(err)
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateToken(ctx, st.ID, hash); err != nil {
			return err
		}
		return a.audit(ctx, actor, "token.create", "staff", st.ID, homeUnit(actor), "")
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Units lists the units under a parent code, or the top-level units.
func (a *App) Units(ctx context.Context, parentCode string) ([]domain.Unit, error) {
	var parent *int64
	if parentCode != "" {
		u, err := a.store.UnitByCode(ctx, parentCode)
		if err != nil {
			return nil, domain.Errorf(domain.CodeNotFound, "error.unit_not_found")
		}
		parent = &u.ID
	}
	list, err := a.store.ChildUnits(ctx, parent)
	return list, wrap(err)
}

// Villages lists the villages under a consultation's unit, for the opinion form.
func (a *App) Villages(ctx context.Context, unitID int64) ([]domain.Unit, error) {
	list, err := a.store.VillagesUnder(ctx, unitID)
	return list, wrap(err)
}

// homeUnit is the unit an actor's own actions (logins, tokens) are filed under, so the
// observers and the Front of that unit see them in the audit log.
func homeUnit(a *domain.Actor) int64 {
	if a == nil || len(a.Roles) == 0 {
		return 0
	}
	return a.Roles[0].UnitID
}
