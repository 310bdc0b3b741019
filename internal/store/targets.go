package store

import (
	"github.com/gopy-vn/gopy/internal/cache"

	"context"
	"errors"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// Checking an opinion needs its consultation (status, dates, moderation, version), the
// article it is about and the village it names. When a village loudspeaker announces a draft,
// hundreds of opinions a minute read those same few rows, which change a few times in a
// consultation's life; reading them from the database for every opinion cost four of the
// five queries of a submission. They are kept in memory instead (internal/cache):
//
//   - every store method that writes a consultation, its versions and sections, or a unit
//     marks its topic changed, on this instance at once and on the others through
//     PostgreSQL's notices (notify.go), so the next opinion reads the new rows: an opinion
//     sent to any instance after an official closed the consultation on another is refused;
//   - an entry is used for at most targetTTL even if no notice came, which bounds what a
//     missed notice could cost.
//
// Only rows that exist are cached: an unknown consultation or village code is looked up
// every time, so a flood of made-up codes cannot grow the cache. Inside a transaction the
// cache is left alone: the rows are read through the transaction, which may have changed
// them, and what it has not committed must never reach other requests.
const targetTTL = 30 * time.Second

// OpinionTarget is what checking an opinion needs to know of its consultation: the row and
// the sections of its current version. It is shared between requests: read it, never change it.
type OpinionTarget struct {
	consultation domain.Consultation
	sections     map[int64]domain.Section // of the current version, without their text
	controller   domain.Unit              // the commune whose People's Committee controls the data
}

// Controller returns a copy of the commune, ward or special zone whose People's Committee
// controls the personal data left with opinions on the consultation (LocalGovernment).
func (t *OpinionTarget) Controller() *domain.Unit {
	u := t.controller
	return &u
}

// Consultation returns a copy of the consultation row, without its unit and sections.
func (t *OpinionTarget) Consultation() *domain.Consultation {
	c := t.consultation
	return &c
}

// Section finds a section of the current version by ID. Its heading and body are not loaded.
func (t *OpinionTarget) Section(id int64) (*domain.Section, bool) {
	s, ok := t.sections[id]
	return &s, ok
}

// villageEntry is a village and the units above it, nearest first.
type villageEntry struct {
	id       int64
	kind     domain.UnitKind
	ancestry []int64
}

// targetCache holds the entries: consultations by ID, villages by code.
type targetCache struct {
	consultations *cache.Cache[int64, *OpinionTarget]
	villages      *cache.Cache[string, *villageEntry]
}

func newTargetCache(s *Store) *targetCache {
	opt := cache.Options{Fresh: targetTTL, Max: 4096, Now: s.now}
	return &targetCache{
		consultations: cache.New[int64, *OpinionTarget](s.versions, opt),
		villages:      cache.New[string, *villageEntry](s.versions, opt),
	}
}

// OpinionTarget loads what checking an opinion on a consultation needs, from memory when a
// fresh copy is there. An unknown consultation answers domain.ErrNotFound.
func (s *Store) OpinionTarget(ctx context.Context, consultationID int64) (*OpinionTarget, error) {
	if s.tx(ctx) != nil {
		return s.loadTarget(ctx, consultationID)
	}
	return s.targets.consultations.Get(ctx, consultationID, cache.TopicConsultation(consultationID), func(ctx context.Context) (*OpinionTarget, error) {
		return s.loadTarget(ctx, consultationID)
	})
}

func (s *Store) loadTarget(ctx context.Context, consultationID int64) (*OpinionTarget, error) {
	c, err := s.ConsultationRow(ctx, consultationID)
	if err != nil {
		return nil, err
	}
	var secs []domain.Section
	err = s.conn(ctx).Select("sections.id, sections.consultation_id, sections.version_id, sections.ordinal, sections.kind, sections.level, sections.path").
		Joins("JOIN consultation_versions v ON v.id = sections.version_id").
		Where("v.consultation_id = ? AND v.number = ?", c.ID, c.Version).Find(&secs).Error
	if err != nil {
		return nil, err
	}
	controller, err := s.LocalGovernment(ctx, c.UnitID)
	if err != nil {
		return nil, err
	}
	t := &OpinionTarget{consultation: *c, sections: make(map[int64]domain.Section, len(secs)), controller: *controller}
	for _, sec := range secs {
		t.sections[sec.ID] = sec
	}
	return t, nil
}

// VillageUnder finds the village with this code if it lies under the unit unitID (a
// commune, ward, special zone or province), from memory when a fresh copy is there. ok is false for
// an unknown code, a unit that is not a village, and a village elsewhere.
func (s *Store) VillageUnder(ctx context.Context, code string, unitID int64) (villageID int64, ok bool, err error) {
	load := s.cachedVillage
	if s.tx(ctx) != nil {
		load = s.loadVillage
	}
	v, err := load(ctx, code)
	if err != nil {
		return 0, false, notFoundIsNo(err)
	}
	if v.kind != domain.UnitVillage {
		return 0, false, nil
	}
	for _, id := range v.ancestry {
		if id == unitID {
			return v.id, true, nil
		}
	}
	return 0, false, nil
}

// cachedVillage is loadVillage through the cache.
func (s *Store) cachedVillage(ctx context.Context, code string) (*villageEntry, error) {
	return s.targets.villages.Get(ctx, code, cache.TopicUnits, func(ctx context.Context) (*villageEntry, error) {
		return s.loadVillage(ctx, code)
	})
}

// loadVillage reads a unit by code and the units above it.
func (s *Store) loadVillage(ctx context.Context, code string) (*villageEntry, error) {
	u, err := s.UnitByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	ancestry, err := s.UnitAncestry(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return &villageEntry{id: u.ID, kind: u.Kind, ancestry: ancestry}, nil
}

// notFoundIsNo turns "no such row" into a plain no, keeping real failures.
func notFoundIsNo(err error) error {
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	return err
}
