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

// TableName names the table for the store.
func (Unit) TableName() string { return "units" }
