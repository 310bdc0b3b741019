package domain

import "time"

// UnitKind is the level of an administrative unit.
type UnitKind string

// Unit kinds after the 2025 reform: two levels of local government, villages under communes.
const (
	UnitProvince    UnitKind = "province"
	UnitCommune     UnitKind = "commune"
	UnitWard        UnitKind = "ward"
	UnitSpecialZone UnitKind = "special_zone"
	UnitVillage     UnitKind = "village"
)

// Unit is a node of the administrative tree.
type Unit struct {
	ID         int64     `gorm:"column:id;primaryKey"`
	Code       string    `gorm:"column:code"`
	Name       string    `gorm:"column:name"`
	Kind       UnitKind  `gorm:"column:kind"`
	ParentID   *int64    `gorm:"column:parent_id"`
	Households int       `gorm:"column:households"`
	CreatedAt  time.Time `gorm:"column:created_at"`
}

func (Unit) TableName() string { return "units" }

// FitsUnder reports whether a unit of a kind may sit under a parent of another kind ("" for
// none) in the two-tier tree of the 2025 reform: provinces at the top; communes, wards and
// special zones under a province; villages (thôn, tổ dân phố) under a commune, ward or
// special zone.
func FitsUnder(kind, parent UnitKind) bool {
	switch kind {
	case UnitProvince:
		return parent == ""
	case UnitCommune, UnitWard, UnitSpecialZone:
		return parent == UnitProvince
	case UnitVillage:
		return parent == UnitCommune || parent == UnitWard || parent == UnitSpecialZone
	}
	return false
}
