package app

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// MaxUnitRows bounds one import: the official list of a province's communes and villages
// is a few thousand rows.
const MaxUnitRows = 20000

// ImportResult says what an import of the unit list changed.
type ImportResult struct {
	Created, Updated int
}

// ImportError lists every bad row of an import, so an official fixes the file once.
type ImportError struct {
	Lines []domain.Message // "validation.csv_line" with line number and reason text key
}

type unitRow struct {
	line               int
	code, name, parent string
	kind               domain.UnitKind
	households         int
}

// ImportUnits reads the official unit list as CSV (code, name, kind, parent_code,
// households; a header row first) and creates or updates every unit, all or nothing. Each
// kind sits under the kind the two-tier tree gives it (domain.FitsUnder): a row under the
// wrong kind of parent, or one whose new kind its children no longer fit, is refused by
// line.
// Through the web (actor not nil) each unit must lie under a unit the admin administers;
// the command line (actor nil) may also create top-level units, to start a new installation.
func (a *App) ImportUnits(ctx context.Context, actor *domain.Actor, r io.Reader) (*ImportResult, error) {
	rows, problems, err := readUnitCSV(r)
	if err != nil {
		return nil, err
	}
	var scope []int64
	if actor != nil {
		if scope, err = a.scope(ctx, actor, domain.PermAdminister); err != nil {
			return nil, err
		}
	}
	res := &ImportResult{}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		ids := map[string]int64{}
		kinds := map[string]domain.UnitKind{}
		// Units whose kind the file changes: their children must still fit under them.
		var rekinded []unitRow
		// Parents may come after their children in the file: place rows whose parent is
		// known, and repeat until no row can be placed.
		pending := rows
		for len(pending) > 0 {
			var next []unitRow
			for _, row := range pending {
				u := &domain.Unit{Code: row.code, Name: row.name, Kind: row.kind, Households: row.households, CreatedAt: a.Now()}
				var parentKind domain.UnitKind
				if row.parent != "" {
					pid, ok := ids[row.parent]
					parentKind = kinds[row.parent]
					if !ok {
						p, err := a.store.UnitByCode(ctx, row.parent)
						if err != nil {
							next = append(next, row)
							continue
						}
						pid, parentKind = p.ID, p.Kind
					}
					u.ParentID = &pid
				}
				if !domain.FitsUnder(u.Kind, parentKind) {
					problems = append(problems, lineMsg(row.line, "validation.csv_parent_kind."+string(u.Kind)))
					continue
				}
				if actor != nil && !a.inScope(ctx, u, scope) {
					problems = append(problems, lineMsg(row.line, "validation.csv_outside"))
					continue
				}
				if old, err := a.store.UnitByCode(ctx, u.Code); err == nil && old.Kind != u.Kind {
					rekinded = append(rekinded, row)
				}
				created, err := a.store.SaveUnit(ctx, u)
				if err != nil {
					return err
				}
				if created {
					res.Created++
				} else {
					res.Updated++
				}
				ids[u.Code] = u.ID
				kinds[u.Code] = u.Kind
				if actor != nil && !slices.Contains(scope, u.ID) {
					scope = append(scope, u.ID)
				}
			}
			if len(next) == len(pending) {
				for _, row := range next {
					problems = append(problems, lineMsg(row.line, "validation.csv_parent"))
				}
				break
			}
			pending = next
		}
		for _, row := range rekinded {
			id := ids[row.code]
			children, err := a.store.ChildUnits(ctx, &id)
			if err != nil {
				return err
			}
			for _, ch := range children {
				if !domain.FitsUnder(ch.Kind, row.kind) {
					problems = append(problems, lineMsg(row.line, "validation.csv_children_kind"))
					break
				}
			}
		}
		if len(problems) > 0 {
			return &ImportError{Lines: problems}
		}
		if actor == nil {
			return nil
		}
		return a.audit(ctx, actor, "units.import", "", 0, homeUnit(actor), fmt.Sprintf("+%d ~%d", res.Created, res.Updated))
	})
	var ie *ImportError
	if errors.As(err, &ie) {
		return nil, ie.asDomain()
	}
	if err != nil {
		return nil, wrap(err)
	}
	return res, nil
}

// inScope reports whether a unit (new or existing) sits under the admin's units.
func (a *App) inScope(ctx context.Context, u *domain.Unit, scope []int64) bool {
	if existing, err := a.store.UnitByCode(ctx, u.Code); err == nil && !slices.Contains(scope, existing.ID) {
		return false
	}
	return u.ParentID != nil && slices.Contains(scope, *u.ParentID)
}

func (e *ImportError) Error() string { return fmt.Sprintf("%d bad rows", len(e.Lines)) }

func (e *ImportError) asDomain() *domain.Error {
	fields := map[string]domain.Message{}
	for i, m := range e.Lines {
		if i == 50 {
			break
		}
		fields[fmt.Sprintf("line %04d", m.Args[0])] = m
	}
	de := domain.Invalid(fields)
	de.Message = domain.Message{Key: "validation.csv_rows", Args: []any{len(e.Lines)}}
	return de
}

func lineMsg(line int, reason string) domain.Message {
	return domain.Message{Key: reason, Args: []any{line}}
}

// readUnitCSV parses the file. A file-level problem is an error; bad rows are returned as
// problems, so they are reported together with the rows whose parent cannot be found.
func readUnitCSV(r io.Reader) ([]unitRow, []domain.Message, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 8<<20))
	if err != nil {
		return nil, nil, wrap(err)
	}
	raw = []byte(strings.TrimPrefix(string(raw), "\ufeff")) // Excel writes a BOM
	if !utf8.Valid(raw) {
		return nil, nil, domain.InvalidField("file", "validation.csv_utf8")
	}
	cr := csv.NewReader(strings.NewReader(string(raw)))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	records, err := cr.ReadAll()
	if err != nil {
		return nil, nil, domain.InvalidField("file", "validation.csv_syntax")
	}
	if len(records) < 2 {
		return nil, nil, domain.InvalidField("file", "validation.csv_empty")
	}
	header := strings.Join(records[0], ",")
	if strings.ToLower(strings.ReplaceAll(header, " ", "")) != "code,name,kind,parent_code,households" {
		return nil, nil, domain.InvalidField("file", "validation.csv_header")
	}
	if len(records)-1 > MaxUnitRows {
		return nil, nil, domain.InvalidField("file", "validation.csv_too_many", MaxUnitRows)
	}
	var rows []unitRow
	var problems []domain.Message
	seen := map[string]bool{}
	for i, rec := range records[1:] {
		line := i + 2
		if len(rec) != 5 {
			problems = append(problems, lineMsg(line, "validation.csv_columns"))
			continue
		}
		row := unitRow{line: line, code: strings.TrimSpace(rec[0]), name: textnorm.CleanLine(rec[1]),
			kind: domain.UnitKind(strings.TrimSpace(rec[2])), parent: strings.TrimSpace(rec[3])}
		hh := strings.TrimSpace(rec[4])
		switch {
		case row.code == "" || len(row.code) > 64 || strings.ContainsAny(row.code, " \t/?#"):
			problems = append(problems, lineMsg(line, "validation.csv_code"))
		case seen[row.code]:
			problems = append(problems, lineMsg(line, "validation.csv_duplicate"))
		case row.name == "" || utf8.RuneCountInString(row.name) > 200:
			problems = append(problems, lineMsg(line, "validation.csv_name"))
		case !domain.ValidUnitKind(row.kind):
			problems = append(problems, lineMsg(line, "validation.csv_kind"))
		case row.parent == row.code:
			problems = append(problems, lineMsg(line, "validation.csv_parent"))
		default:
			if hh != "" {
				n, err := strconv.Atoi(hh)
				if err != nil || n < 0 || n > 1_000_000 {
					problems = append(problems, lineMsg(line, "validation.csv_households"))
					continue
				}
				row.households = n
			}
			seen[row.code] = true
			rows = append(rows, row)
		}
	}
	return rows, problems, nil
}

// AdminUnits lists the units an admin manages.
func (a *App) AdminUnits(ctx context.Context, actor *domain.Actor) ([]domain.Unit, error) {
	ids, err := a.scope(ctx, actor, domain.PermAdminister)
	if err != nil {
		return nil, err
	}
	list, err := a.store.UnitsIn(ctx, ids)
	return list, wrap(err)
}

// StaffEntry is an account with its roles, as the admin pages show it.
type StaffEntry struct {
	Staff  domain.Staff
	Roles  []domain.RoleAssignment
	Units  map[int64]*domain.Unit
	Tokens []domain.APIToken
}

// AdminStaff lists the accounts that hold a role in the admin's units.
func (a *App) AdminStaff(ctx context.Context, actor *domain.Actor) ([]domain.Staff, error) {
	ids, err := a.scope(ctx, actor, domain.PermAdminister)
	if err != nil {
		return nil, err
	}
	list, err := a.store.StaffWithRolesIn(ctx, ids)
	return list, wrap(err)
}

// StaffDetail loads an account the admin manages, with roles, their units and tokens.
func (a *App) StaffDetail(ctx context.Context, actor *domain.Actor, staffID int64) (*StaffEntry, error) {
	st, err := a.manageableStaff(ctx, actor, staffID)
	if err != nil {
		return nil, err
	}
	e := &StaffEntry{Staff: *st}
	if e.Roles, err = a.store.RolesOf(ctx, st.ID); err != nil {
		return nil, wrap(err)
	}
	var unitIDs []int64
	for _, r := range e.Roles {
		unitIDs = append(unitIDs, r.UnitID)
	}
	if e.Units, err = a.store.UnitsByIDs(ctx, unitIDs); err != nil {
		return nil, wrap(err)
	}
	e.Tokens, err = a.store.TokensOf(ctx, st.ID)
	return e, wrap(err)
}

// manageableStaff loads an account if every one of its roles lies in the admin's units: an
// admin of a commune cannot touch a province admin who also covers that commune.
func (a *App) manageableStaff(ctx context.Context, actor *domain.Actor, staffID int64) (*domain.Staff, error) {
	scope, err := a.scope(ctx, actor, domain.PermAdminister)
	if err != nil {
		return nil, err
	}
	st, err := a.store.StaffByID(ctx, staffID)
	if err != nil {
		return nil, wrap(err)
	}
	roles, err := a.store.RolesOf(ctx, staffID)
	if err != nil {
		return nil, wrap(err)
	}
	if len(roles) == 0 {
		return nil, domain.ErrNotFound
	}
	for _, r := range roles {
		if !slices.Contains(scope, r.UnitID) {
			return nil, domain.Errorf(domain.CodeForbidden, "error.forbidden")
		}
	}
	return st, nil
}

// CreateStaffAs creates an account with one role, in a unit the admin manages.
func (a *App) CreateStaffAs(ctx context.Context, actor *domain.Actor, in NewStaff) (*domain.Staff, error) {
	if err := a.adminOfUnit(ctx, actor, in.UnitCode); err != nil {
		return nil, err
	}
	st, roles, err := a.newStaff(ctx, in)
	if err != nil {
		return nil, err
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateStaff(ctx, st, roles); err != nil {
			return err
		}
		return a.audit(ctx, actor, "staff.create", "staff", st.ID, roles[0].UnitID, in.Email+" "+in.Role)
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

func (a *App) adminOfUnit(ctx context.Context, actor *domain.Actor, code string) error {
	u, err := a.store.UnitByCode(ctx, strings.TrimSpace(code))
	if err != nil {
		if actor == nil {
			return domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
		}
		return domain.InvalidField("unit_code", "validation.unit_unknown")
	}
	return a.authorize(ctx, actor, domain.PermAdminister, u.ID)
}

// AddRole gives an account a further role over a unit the admin manages.
func (a *App) AddRole(ctx context.Context, actor *domain.Actor, staffID int64, role, unitCode string) error {
	if _, err := a.manageableStaff(ctx, actor, staffID); err != nil {
		return err
	}
	if !domain.ValidRole(domain.Role(role)) {
		return domain.InvalidField("role", "validation.oneof", "admin official moderator observer front")
	}
	if err := a.adminOfUnit(ctx, actor, unitCode); err != nil {
		return err
	}
	u, _ := a.store.UnitByCode(ctx, strings.TrimSpace(unitCode))
	return a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.AddRole(ctx, &domain.RoleAssignment{StaffID: staffID, Role: domain.Role(role), UnitID: u.ID}); err != nil {
			return err
		}
		return a.audit(ctx, actor, "staff.role_add", "staff", staffID, u.ID, role)
	})
}

// RemoveRole takes a role away; an account keeps at least one role, so it stays manageable
// (disable it instead).
func (a *App) RemoveRole(ctx context.Context, actor *domain.Actor, staffID, roleID int64) error {
	if _, err := a.manageableStaff(ctx, actor, staffID); err != nil {
		return err
	}
	r, err := a.store.RoleByID(ctx, roleID)
	if err != nil || r.StaffID != staffID {
		return domain.ErrNotFound
	}
	roles, err := a.store.RolesOf(ctx, staffID)
	if err != nil {
		return wrap(err)
	}
	if len(roles) == 1 {
		return domain.Errorf(domain.CodeConflict, "error.last_role")
	}
	return a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.RemoveRole(ctx, roleID); err != nil {
			return err
		}
		return a.audit(ctx, actor, "staff.role_remove", "staff", staffID, r.UnitID, string(r.Role))
	})
}

// SetStaffDisabled disables or re-enables an account. Admins cannot disable themselves, so a
// unit is never left without the admin who could undo it.
func (a *App) SetStaffDisabled(ctx context.Context, actor *domain.Actor, staffID int64, disabled bool) error {
	if _, err := a.manageableStaff(ctx, actor, staffID); err != nil {
		return err
	}
	if staffID == actor.StaffID {
		return domain.Errorf(domain.CodeConflict, "error.disable_self")
	}
	var at *time.Time
	action := "staff.enable"
	if disabled {
		now := a.Now()
		at, action = &now, "staff.disable"
	}
	return a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SetDisabled(ctx, staffID, at); err != nil {
			return err
		}
		return a.audit(ctx, actor, action, "staff", staffID, homeUnit(actor), "")
	})
}

// RevokeToken revokes one bearer token of an account the admin manages, or the actor's own.
func (a *App) RevokeToken(ctx context.Context, actor *domain.Actor, staffID, tokenID int64) error {
	if actor == nil || staffID != actor.StaffID {
		if _, err := a.manageableStaff(ctx, actor, staffID); err != nil {
			return err
		}
	}
	return a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.RevokeToken(ctx, staffID, tokenID, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, actor, "token.revoke", "staff", staffID, homeUnit(actor), strconv.FormatInt(tokenID, 10))
	})
}

// RevokeTokensOf revokes every token of an account; the command line uses it.
func (a *App) RevokeTokensOf(ctx context.Context, email string) (int64, error) {
	st, err := a.store.StaffByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return 0, domain.InvalidField("email", "validation.staff_unknown")
	}
	n, err := a.store.RevokeTokensOf(ctx, st.ID, a.Now())
	return n, wrap(err)
}

// ResetSecondFactor turns off the second factor of an account the admin manages, for a staff
// member who lost their phone; they log in with the password and can set it up again.
func (a *App) ResetSecondFactor(ctx context.Context, actor *domain.Actor, staffID int64) error {
	if _, err := a.manageableStaff(ctx, actor, staffID); err != nil {
		return err
	}
	return a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.ResetTOTP(ctx, staffID); err != nil {
			return err
		}
		return a.audit(ctx, actor, "totp.reset", "staff", staffID, homeUnit(actor), "")
	})
}
