package store

import (
	"github.com/gopy-vn/gopy/internal/cache"

	"context"

	"github.com/gopy-vn/gopy/internal/domain"
)

// AddVersion publishes the next version of a consultation's draft, in one transaction: the
// version row, its sections, the links from its sections to those they revise (new section
// index → ID of the earlier section) and the consultation's current version. It fails with
// a conflict when the consultation is no longer at version from or no longer in one of the
// statuses given, so two officials publishing at once cannot both succeed.
func (s *Store) AddVersion(ctx context.Context, consultationID int64, from int, statuses []domain.Status, v *domain.DraftVersion, sections []domain.Section, links map[int]int64) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Model(&domain.Consultation{}).
			Where("id = ? AND version = ? AND status IN ?", consultationID, from, statuses).
			Updates(map[string]any{"version": v.Number, "updated_at": v.CreatedAt})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.CodeConflict, "error.consultation_changed")
		}
		if err := s.changed(ctx, cache.TopicConsultation(consultationID), cache.TopicConsultations); err != nil {
			return err
		}
		v.ConsultationID = consultationID
		if err := s.conn(ctx).Create(v).Error; err != nil {
			return err
		}
		for i := range sections {
			sections[i].ID = 0
			sections[i].ConsultationID = consultationID
			sections[i].VersionID = v.ID
		}
		if len(sections) > 0 {
			if err := s.conn(ctx).CreateInBatches(sections, 200).Error; err != nil {
				return err
			}
		}
		var rows []domain.SectionLink
		for i, prev := range links {
			rows = append(rows, domain.SectionLink{SectionID: sections[i].ID, PreviousSectionID: prev, ConsultationID: consultationID})
		}
		if len(rows) > 0 {
			return s.conn(ctx).CreateInBatches(rows, 200).Error
		}
		return nil
	})
}

// Versions lists the versions of a consultation's draft, first first, without their text.
func (s *Store) Versions(ctx context.Context, consultationID int64) ([]domain.DraftVersion, error) {
	var list []domain.DraftVersion
	err := s.conn(ctx).Select("id, consultation_id, number, note, created_at").
		Where("consultation_id = ?", consultationID).Order("number").Find(&list).Error
	return list, err
}

// VersionText returns the text an official pasted for a version ("" for one built from
// sections entered one by one).
func (s *Store) VersionText(ctx context.Context, consultationID int64, number int) (string, error) {
	var v domain.DraftVersion
	err := s.conn(ctx).Where("consultation_id = ? AND number = ?", consultationID, number).Take(&v).Error
	return v.SourceText, notFound(err)
}

// SectionsOfVersion returns the sections of one version of a consultation, in order.
func (s *Store) SectionsOfVersion(ctx context.Context, consultationID int64, number int) ([]domain.Section, error) {
	var list []domain.Section
	err := s.conn(ctx).Model(&domain.Section{}).
		Joins("JOIN consultation_versions v ON v.id = sections.version_id").
		Where("v.consultation_id = ? AND v.number = ?", consultationID, number).
		Order("sections.ordinal").Find(&list).Error
	return list, err
}

// SectionsWithVersions returns every section of every version of a consultation, with the
// number of its version.
func (s *Store) SectionsWithVersions(ctx context.Context, consultationID int64) ([]domain.VersionedSection, error) {
	var list []domain.VersionedSection
	err := s.conn(ctx).Model(&domain.Section{}).
		Select("sections.*, v.number AS version_number").
		Joins("JOIN consultation_versions v ON v.id = sections.version_id").
		Where("v.consultation_id = ?", consultationID).
		Order("v.number, sections.ordinal").Scan(&list).Error
	return list, err
}

// SectionLinks returns the links between the versions of a consultation: section ID → the
// ID of the section it revises.
func (s *Store) SectionLinks(ctx context.Context, consultationID int64) (map[int64]int64, error) {
	var rows []domain.SectionLink
	if err := s.conn(ctx).Where("consultation_id = ?", consultationID).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.SectionID] = r.PreviousSectionID
	}
	return out, nil
}
