package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// DisclosureFilter selects entries of the register of disclosures.
type DisclosureFilter struct {
	UnitIDs  []int64                   // the units whose entries are listed (required)
	Category domain.DisclosureCategory // 0: every item
	// From and To bound the first day of the posting: From <= posted_from < To (zero: open).
	From, To time.Time
	// WithTakenDown lists the entries officials took down too (the staff's register).
	WithTakenDown bool
	Offset, Limit int
}

// Disclosures lists entries of the register, the latest posting first, with the total the
// filter matches.
func (s *Store) Disclosures(ctx context.Context, f DisclosureFilter) ([]domain.Disclosure, int64, error) {
	if len(f.UnitIDs) == 0 {
		return nil, 0, nil
	}
	q := s.conn(ctx).Model(&domain.Disclosure{}).Where("unit_id IN ?", f.UnitIDs)
	if f.Category != 0 {
		q = q.Where("category = ?", f.Category)
	}
	if !f.From.IsZero() {
		q = q.Where("posted_from >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("posted_from < ?", f.To.UTC())
	}
	if !f.WithTakenDown {
		q = q.Where("taken_down_at IS NULL")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	q = q.Order("posted_from DESC, id DESC")
	if f.Limit > 0 {
		q = q.Offset(f.Offset).Limit(f.Limit)
	}
	var list []domain.Disclosure
	if err := q.Find(&list).Error; err != nil {
		return nil, 0, err
	}
	return list, total, s.withDisclosureUnits(ctx, list)
}

func (s *Store) withDisclosureUnits(ctx context.Context, list []domain.Disclosure) error {
	ids := make([]int64, 0, len(list))
	for _, d := range list {
		ids = append(ids, d.UnitID)
	}
	units, err := s.UnitsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].Unit = units[list[i].UnitID]
	}
	return nil
}

// DisclosureByID finds an entry of the register with its unit.
func (s *Store) DisclosureByID(ctx context.Context, id int64) (*domain.Disclosure, error) {
	var d domain.Disclosure
	if err := notFound(s.conn(ctx).Where("id = ?", id).Take(&d).Error); err != nil {
		return nil, err
	}
	list := []domain.Disclosure{d}
	if err := s.withDisclosureUnits(ctx, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// CreateDisclosure stores a new entry of the register.
func (s *Store) CreateDisclosure(ctx context.Context, d *domain.Disclosure) error {
	return s.conn(ctx).Create(d).Error
}

// SaveDisclosure writes an entry's corrected fields, or its taking down.
func (s *Store) SaveDisclosure(ctx context.Context, d *domain.Disclosure) error {
	links, err := json.Marshal(d.Links)
	if err != nil {
		return err
	}
	if d.Links == nil {
		links = []byte("[]")
	}
	return s.conn(ctx).Model(&domain.Disclosure{}).Where("id = ?", d.ID).Updates(map[string]any{
		"category": d.Category, "title": d.Title, "body": d.Body,
		"posted_from": d.PostedFrom.UTC(), "posted_until": d.PostedUntil.UTC(),
		"doc_number": d.DocNumber, "doc_date": d.DocDate.UTC(), "doc_issuer": d.DocIssuer,
		"forms": d.Forms, "links": string(links),
		"taken_down_at": d.TakenDownAt, "takedown_reason": d.TakedownReason, "updated_at": d.UpdatedAt,
	}).Error
}

// ResultsPublished lists the consultations of the units whose results were published in
// [from, to) (zero bounds: open), the latest first: they count as disclosures of the
// results of consultations (Law 10/2022 art. 11) without being entered again.
func (s *Store) ResultsPublished(ctx context.Context, unitIDs []int64, from, to time.Time) ([]domain.Consultation, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	q := s.conn(ctx).Model(&domain.Consultation{}).
		Where("unit_id IN ? AND status IN ? AND results_published_at IS NOT NULL", unitIDs, resultsStatuses)
	if !from.IsZero() {
		q = q.Where("results_published_at >= ?", from.UTC())
	}
	if !to.IsZero() {
		q = q.Where("results_published_at < ?", to.UTC())
	}
	var list []domain.Consultation
	if err := q.Order("results_published_at DESC, id DESC").Find(&list).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(list))
	for _, c := range list {
		ids = append(ids, c.UnitID)
	}
	units, err := s.UnitsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Unit = units[list[i].UnitID]
	}
	return list, nil
}

// CreateDisclosureFile stores a file of a disclosure.
func (s *Store) CreateDisclosureFile(ctx context.Context, f *domain.DisclosureFile) error {
	return s.conn(ctx).Create(f).Error
}

// DisclosureFile finds a file of a disclosure with its bytes.
func (s *Store) DisclosureFile(ctx context.Context, disclosureID, id int64) (*domain.DisclosureFile, error) {
	var f domain.DisclosureFile
	err := s.conn(ctx).Where("id = ? AND disclosure_id = ?", id, disclosureID).Take(&f).Error
	return &f, notFound(err)
}

// DisclosureFiles lists the files of the disclosures, without their bytes, oldest first.
func (s *Store) DisclosureFiles(ctx context.Context, disclosureIDs []int64) (map[int64][]domain.DisclosureFile, error) {
	out := map[int64][]domain.DisclosureFile{}
	if len(disclosureIDs) == 0 {
		return out, nil
	}
	var list []domain.DisclosureFile
	err := s.conn(ctx).Select("id, disclosure_id, content_type, file_name, size, sha256, uploaded_by, created_at").
		Where("disclosure_id IN ?", disclosureIDs).Order("id").Find(&list).Error
	for _, f := range list {
		out[f.DisclosureID] = append(out[f.DisclosureID], f)
	}
	return out, err
}
