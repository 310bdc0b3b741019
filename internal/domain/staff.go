package domain

import (
	"slices"
	"time"
)

// Role is what a staff member may do within the units assigned to them.
type Role string

// Staff roles (API.md).
const (
	RoleAdmin     Role = "admin"
	RoleOfficial  Role = "official"
	RoleModerator Role = "moderator"
	RoleObserver  Role = "observer"
	// RoleFront is the Vietnam Fatherland Front committee of a unit (Ủy ban Mặt trận Tổ quốc
	// Việt Nam) and its village committees below it. It reads what observers read and records
	// the Front's own acts under Law 10/2022 (art. 16-17, 20(3), 21(2), 28(1)) and Decree
	// 59/2023 art. 5; it changes nothing else.
	RoleFront Role = "front"
)

// Roles lists every staff role, in the order forms offer them.
var Roles = []Role{RoleOfficial, RoleModerator, RoleObserver, RoleFront, RoleAdmin}

// ValidRole reports whether r is one of the known roles.
func ValidRole(r Role) bool { return slices.Contains(Roles, r) }

// ValidUnitKind reports whether k is a known unit kind.
func ValidUnitKind(k UnitKind) bool {
	return slices.Contains([]UnitKind{UnitProvince, UnitCommune, UnitWard, UnitSpecialZone, UnitVillage}, k)
}

// Staff is a staff account. PasswordHash is an argon2id hash in PHC format.
type Staff struct {
	ID           int64      `gorm:"column:id;primaryKey"`
	Email        string     `gorm:"column:email"`
	Name         string     `gorm:"column:name"`
	PasswordHash string     `gorm:"column:password_hash"`
	TOTPSecret   string     `gorm:"column:totp_secret"`
	TOTPEnabled  *time.Time `gorm:"column:totp_enabled_at"`
	TOTPLastStep int64      `gorm:"column:totp_last_step"` // last accepted time step, against replay
	CreatedAt    time.Time  `gorm:"column:created_at"`
	DisabledAt   *time.Time `gorm:"column:disabled_at"`
	// SessionEpoch numbers the account's credentials: a session begun under an earlier epoch
	// has ended (a password change or reset moves to the next one).
	SessionEpoch int64 `gorm:"column:session_epoch"`
}

func (Staff) TableName() string { return "staff" }

// APIToken is a bearer token as staff pages show it: never the secret itself.
type APIToken struct {
	ID         int64      `gorm:"column:id;primaryKey"`
	StaffID    int64      `gorm:"column:staff_id"`
	Label      string     `gorm:"column:label"`
	CreatedAt  time.Time  `gorm:"column:created_at"`
	LastUsedAt *time.Time `gorm:"column:last_used_at"`
	RevokedAt  *time.Time `gorm:"column:revoked_at"`
}

func (APIToken) TableName() string { return "api_tokens" }

// RoleAssignment gives a staff member a role over a unit and every unit below it.
type RoleAssignment struct {
	ID      int64 `gorm:"column:id;primaryKey"`
	StaffID int64 `gorm:"column:staff_id"`
	Role    Role  `gorm:"column:role"`
	UnitID  int64 `gorm:"column:unit_id"`
}

func (RoleAssignment) TableName() string { return "staff_roles" }

// Actor is the signed-in staff member on whose behalf a request acts.
type Actor struct {
	StaffID int64
	Name    string
	Email   string
	Roles   []RoleAssignment
	// SessionEpoch is the account's epoch when it was loaded: a session started for this
	// actor ends when the password changes.
	SessionEpoch int64
}

// Permission is an action that needs a role over a unit.
type Permission string

// Permissions checked by Authorize.
const (
	PermManageConsultation Permission = "manage_consultation" // create, publish, close, enter offline opinions
	PermModerate           Permission = "moderate"
	PermOversee            Permission = "oversee" // read-only oversight
	PermAudit              Permission = "audit"   // read the audit log of staff actions
	PermAdminister         Permission = "administer"
	// PermFrontAct records an act of the Fatherland Front: its agreement, its signature on a
	// decision record, its recognition or refusal, its receipt of a decision or plan.
	PermFrontAct Permission = "front_act"
)

// rolesFor lists the roles that grant a permission; admin grants everything.
var rolesFor = map[Permission][]Role{
	PermManageConsultation: {RoleAdmin, RoleOfficial},
	PermModerate:           {RoleAdmin, RoleModerator},
	PermOversee:            {RoleAdmin, RoleOfficial, RoleModerator, RoleObserver, RoleFront},
	PermAudit:              {RoleAdmin, RoleObserver, RoleFront},
	PermAdminister:         {RoleAdmin},
	// Only the Front acts for the Front: an administrator of the portal cannot agree or sign
	// in its name.
	PermFrontAct: {RoleFront},
}

// Can reports whether the actor holds perm over the unit whose ancestry (the unit itself
// first, then its parent, up to the root) is given. This is the one place where roles are
// checked against units.
func (a *Actor) Can(perm Permission, unitAndAncestors []int64) bool {
	if a == nil {
		return false
	}
	for _, ra := range a.Roles {
		if slices.Contains(rolesFor[perm], ra.Role) && slices.Contains(unitAndAncestors, ra.UnitID) {
			return true
		}
	}
	return false
}

// HasAny reports whether the actor holds any role that grants perm, anywhere.
func (a *Actor) HasAny(perm Permission) bool {
	if a == nil {
		return false
	}
	for _, ra := range a.Roles {
		if slices.Contains(rolesFor[perm], ra.Role) {
			return true
		}
	}
	return false
}

// UnitIDs returns the units where the actor holds a role granting perm.
func (a *Actor) UnitIDs(perm Permission) []int64 {
	var ids []int64
	if a == nil {
		return nil
	}
	for _, ra := range a.Roles {
		if slices.Contains(rolesFor[perm], ra.Role) && !slices.Contains(ids, ra.UnitID) {
			ids = append(ids, ra.UnitID)
		}
	}
	return ids
}

// AuditEntry records one staff action: who, what, on what, in which unit, from where, when.
type AuditEntry struct {
	ID         int64     `gorm:"column:id;primaryKey"`
	ActorID    *int64    `gorm:"column:actor_id"`
	Action     string    `gorm:"column:action"`
	TargetType string    `gorm:"column:target_type"`
	TargetID   *int64    `gorm:"column:target_id"`
	UnitID     *int64    `gorm:"column:unit_id"`
	IP         string    `gorm:"column:ip"`
	Detail     string    `gorm:"column:detail"`
	CreatedAt  time.Time `gorm:"column:created_at"`

	ActorName string `gorm:"->;column:actor_name"` // read only, filled by joins
	UnitName  string `gorm:"->;column:unit_name"`  // read only, filled by joins
}

func (AuditEntry) TableName() string { return "audit_log" }
