package store

import (
	"context"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// OversightRow is one consultation as the oversight view needs it: its dates, its approved
// opinions, and the households of the villages it covers.
type OversightRow struct {
	ID                 int64
	Title              string
	Kind               domain.ConsultationKind
	Matter             domain.Matter
	Status             domain.Status
	UnitID             int64
	UnitCode           string
	UnitName           string
	UnitKind           domain.UnitKind
	OpensAt            time.Time
	ClosesAt           time.Time
	PublishedAt        *time.Time
	ClosedAt           *time.Time
	CloseReason        string
	ResultsPublishedAt *time.Time
	Opinions           int // approved opinions
	Households         int // of every village under the consultation's unit (or the village itself)
}

// oversightStatuses are the consultations oversight looks at: published ones. Drafts are
// the officials' own business and withdrawn ones have no results to publish.
var oversightStatuses = domain.ListedStatuses

// OversightRows lists the published consultations (open, closed, with results, decided) of the
// given units, newest period first, each with its approved opinions and the households
// under its unit. Three aggregates in one statement, whatever the number of consultations:
// the opinions counted per consultation, and the households summed per unit over the
// unit's subtree.
func (s *Store) OversightRows(ctx context.Context, unitIDs []int64) ([]OversightRow, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var rows []OversightRow
	err := s.conn(ctx).Raw(`
		WITH RECURSIVE cons AS (
			SELECT id, unit_id FROM consultations WHERE unit_id IN ? AND status IN ?
		),
		down(root, id) AS (
			SELECT DISTINCT unit_id, unit_id FROM cons
			UNION
			SELECT down.root, u.id FROM units u JOIN down ON u.parent_id = down.id
		),
		hh AS (
			SELECT down.root AS unit_id, SUM(u.households) AS households
			FROM down JOIN units u ON u.id = down.id
			WHERE u.kind = ?
			GROUP BY down.root
		),
		ops AS (
			SELECT consultation_id, COUNT(*) AS n FROM opinions
			WHERE status = ? AND consultation_id IN (SELECT id FROM cons)
			GROUP BY consultation_id
		)
		SELECT c.id, c.title, c.kind, c.matter, c.status, c.unit_id, u.code AS unit_code, u.name AS unit_name,
			u.kind AS unit_kind, c.opens_at, c.closes_at, c.published_at, c.closed_at, c.close_reason, c.results_published_at,
			COALESCE(ops.n, 0) AS opinions, COALESCE(hh.households, 0) AS households
		FROM consultations c
		JOIN cons ON cons.id = c.id
		JOIN units u ON u.id = c.unit_id
		LEFT JOIN ops ON ops.consultation_id = c.id
		LEFT JOIN hh ON hh.unit_id = c.unit_id
		ORDER BY c.closes_at DESC, c.id DESC`,
		unitIDs, oversightStatuses, domain.UnitVillage, domain.OpinionApproved).Scan(&rows).Error
	return rows, err
}

// WithdrawnConsultations lists the withdrawn consultations of the given units with their
// units, most recently withdrawn first: oversight shows each with its reason.
func (s *Store) WithdrawnConsultations(ctx context.Context, unitIDs []int64) ([]domain.Consultation, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var list []domain.Consultation
	err := s.conn(ctx).Where("unit_id IN ? AND status = ?", unitIDs, domain.StatusWithdrawn).
		Order("withdrawn_at DESC, id DESC").Find(&list).Error
	if err != nil {
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

// communeLevel are the kinds of unit that form the lower level of local government since
// 1 July 2025: what oversight groups consultations by.
var communeLevel = []domain.UnitKind{domain.UnitCommune, domain.UnitWard, domain.UnitSpecialZone}

// CommunesOf maps each given unit to the commune-level units it belongs to or covers: a
// commune is its own, a village has the commune above it, a province has every commune
// below it. Units with none (a province without communes) are absent from the map.
func (s *Store) CommunesOf(ctx context.Context, unitIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(unitIDs) == 0 {
		return out, nil
	}
	var pairs []struct {
		UnitID    int64
		CommuneID int64
	}
	err := s.conn(ctx).Raw(`
		WITH RECURSIVE down(root, id) AS (
			SELECT id, id FROM units WHERE id IN ?
			UNION
			SELECT down.root, u.id FROM units u JOIN down ON u.parent_id = down.id
		),
		up(root, id) AS (
			SELECT id, id FROM units WHERE id IN ?
			UNION
			SELECT up.root, u.parent_id FROM units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL
		),
		near(root, id) AS (
			SELECT root, id FROM down UNION SELECT root, id FROM up
		)
		SELECT near.root AS unit_id, u.id AS commune_id
		FROM near JOIN units u ON u.id = near.id
		WHERE u.kind IN ?
		ORDER BY near.root, u.name, u.id`,
		unitIDs, unitIDs, communeLevel).Scan(&pairs).Error
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		out[p.UnitID] = append(out[p.UnitID], p.CommuneID)
	}
	return out, nil
}

// UnitsAboveVillages lists the units among ids that are not villages (provinces and
// communes), provinces first, then by name: the units an oversight view can be narrowed to.
func (s *Store) UnitsAboveVillages(ctx context.Context, ids []int64) ([]domain.Unit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var units []domain.Unit
	err := s.conn(ctx).Where("id IN ? AND kind <> ?", ids, domain.UnitVillage).
		Order(orderProvincesFirst).Order("name, code").Find(&units).Error
	return units, err
}

// orderProvincesFirst sorts provinces before the communes under them.
const orderProvincesFirst = "CASE WHEN kind = 'province' THEN 0 ELSE 1 END"
