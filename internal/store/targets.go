package store

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
	"gorm.io/gorm"

	"github.com/gopy-vn/gopy/internal/domain"
)

// Checking an opinion needs its consultation (status, dates, moderation, version), the
// article it is about and the village it names. When a village loudspeaker announces a draft,
// hundreds of opinions a minute read those same few rows, which change a few times in a
// consultation's life; reading them from the database for every opinion cost four of the
// five queries of a submission. They are kept in memory instead:
//
//   - any change this process makes to consultations, their versions and sections, or units
//     empties the cache (a GORM callback sees every such write; see watchTargets), so the
//     next opinion reads the new rows;
//   - an entry is used for at most targetTTL, which bounds how long another instance of the
//     portal, sharing the database, can go on accepting opinions after an official there
//     closes a consultation early.
//
// Only rows that exist are cached: an unknown consultation or village code is looked up
// every time, so a flood of made-up codes cannot grow the cache. Inside a transaction the
// cache is left alone: the rows are read through the transaction, which may have changed
// them, and what it has not committed must never reach other requests.
const targetTTL = 2 * time.Second

// targetTables are the tables whose rows the cache copies.
var targetTables = map[string]bool{"consultations": true, "consultation_versions": true, "sections": true, "units": true}

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

type cached[T any] struct {
	value  T
	gen    uint64
	loaded time.Time
}

// targetCache holds the entries, and a generation that every write to the copied tables
// moves on; an entry of an older generation is never used.
type targetCache struct {
	gen    atomic.Uint64
	flight singleflight.Group // one load per key at a time, however many requests wait for it

	mu            sync.Mutex
	consultations map[int64]cached[*OpinionTarget]
	villages      map[string]cached[*villageEntry]
}

func newTargetCache() *targetCache {
	return &targetCache{consultations: map[int64]cached[*OpinionTarget]{}, villages: map[string]cached[*villageEntry]{}}
}

// forget makes every entry stale.
func (tc *targetCache) forget() {
	tc.gen.Add(1)
	tc.mu.Lock()
	clear(tc.consultations)
	clear(tc.villages)
	tc.mu.Unlock()
}

func fresh[T any](e cached[T], ok bool, gen uint64, now time.Time) bool {
	return ok && e.gen == gen && now.Sub(e.loaded) < targetTTL
}

// watchTargets registers the callbacks that empty the cache on every create, update or
// delete of a copied table, made through GORM as every write of this package is.
func watchTargets(db *gorm.DB, tc *targetCache) error {
	after := func(db *gorm.DB) {
		if db.Statement != nil && targetTables[db.Statement.Table] {
			tc.forget()
		}
	}
	cb := db.Callback()
	if err := cb.Create().After("gorm:create").Register("gopy:forget_targets", after); err != nil {
		return err
	}
	if err := cb.Update().After("gorm:update").Register("gopy:forget_targets", after); err != nil {
		return err
	}
	return cb.Delete().After("gorm:delete").Register("gopy:forget_targets", after)
}

// OpinionTarget loads what checking an opinion on a consultation needs, from memory when a
// fresh copy is there. An unknown consultation answers domain.ErrNotFound.
func (s *Store) OpinionTarget(ctx context.Context, consultationID int64) (*OpinionTarget, error) {
	if s.tx(ctx) != nil {
		return s.loadTarget(ctx, consultationID)
	}
	tc := s.targets
	gen := tc.gen.Load()
	tc.mu.Lock()
	e, ok := tc.consultations[consultationID]
	tc.mu.Unlock()
	if fresh(e, ok, gen, s.now()) {
		return e.value, nil
	}
	v, err, _ := tc.flight.Do("c"+strconv.FormatInt(consultationID, 10), func() (any, error) {
		gen := tc.gen.Load() // read before the rows: a write while loading makes this copy stale
		ctx, cancel := loadContext(ctx)
		defer cancel()
		t, err := s.loadTarget(ctx, consultationID)
		if err != nil {
			return nil, err
		}
		tc.mu.Lock()
		tc.consultations[consultationID] = cached[*OpinionTarget]{value: t, gen: gen, loaded: s.now()}
		tc.mu.Unlock()
		return t, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*OpinionTarget), nil
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
	tc := s.targets
	gen := tc.gen.Load()
	tc.mu.Lock()
	e, hit := tc.villages[code]
	tc.mu.Unlock()
	if fresh(e, hit, gen, s.now()) {
		return e.value, nil
	}
	got, err, _ := tc.flight.Do("v"+code, func() (any, error) {
		gen := tc.gen.Load()
		ctx, cancel := loadContext(ctx)
		defer cancel()
		v, err := s.loadVillage(ctx, code)
		if err != nil {
			return nil, err
		}
		tc.mu.Lock()
		tc.villages[code] = cached[*villageEntry]{value: v, gen: gen, loaded: s.now()}
		tc.mu.Unlock()
		return v, nil
	})
	if err != nil {
		return nil, err
	}
	return got.(*villageEntry), nil
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

// loadContext is the context of a load other requests may be waiting on: the first
// requester hanging up must not fail theirs.
func loadContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

// notFoundIsNo turns "no such row" into a plain no, keeping real failures.
func notFoundIsNo(err error) error {
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	return err
}
