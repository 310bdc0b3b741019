package domain

import "time"

// SectionLink says that a part of a version revises a part of the version before it: the
// same article, perhaps renumbered, moved to another chapter or reworded. Opinions written on
// the earlier part stay with the later one through these links.
type SectionLink struct {
	SectionID         int64 `gorm:"column:section_id;primaryKey;autoIncrement:false"`
	PreviousSectionID int64 `gorm:"column:previous_section_id"`
	ConsultationID    int64 `gorm:"column:consultation_id"`
}

func (SectionLink) TableName() string { return "section_links" }

// DraftVersion is one published text of a draft with the drafting team's note on what
// changed. Version, the older type, is what creating a consultation writes; this one also
// reads and writes the note.
type DraftVersion struct {
	ID             int64     `gorm:"column:id;primaryKey"`
	ConsultationID int64     `gorm:"column:consultation_id"`
	Number         int       `gorm:"column:number"`
	SourceText     string    `gorm:"column:source_text"`
	Note           string    `gorm:"column:note"`
	CreatedAt      time.Time `gorm:"column:created_at"`
}

func (DraftVersion) TableName() string { return "consultation_versions" }

// VersionedSection is a section with the number of the version it belongs to.
type VersionedSection struct {
	Section
	VersionNumber int `gorm:"column:version_number"`
}
