package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/gopy-vn/gopy/internal/domain"
)

// CharterRecord loads the recognition record of a consultation; domain.ErrNotFound when its
// charter has not been submitted yet.
func (s *Store) CharterRecord(ctx context.Context, consultationID int64) (*domain.CharterRecord, error) {
	var r domain.CharterRecord
	err := s.conn(ctx).Where("consultation_id = ?", consultationID).Take(&r).Error
	return &r, notFound(err)
}

// ApplyCharterStep writes a charter's new record and the step that led to it, in one
// transaction. The record must still be in state from (no record at all for the first
// submission); otherwise someone else acted first and the step fails with a conflict. A
// charter is sent back to the village only once.
func (s *Store) ApplyCharterStep(ctx context.Context, r *domain.CharterRecord, from domain.CharterState, step *domain.CharterStepRecord) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		s.touched(ctx, r.ConsultationID)
		if from == domain.CharterNone {
			// The unique consultation_id decides between two first submissions at once.
			r.ID = 0
			res := s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "consultation_id"}}, DoNothing: true}).Create(r)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return domain.Errorf(domain.CodeConflict, "error.charter_changed")
			}
		} else {
			q := s.conn(ctx).Model(&domain.CharterRecord{}).Where("consultation_id = ? AND state = ?", r.ConsultationID, from)
			// A charter is sent to the village and to the Front once for each recognition,
			// and amended once for each suspension.
			switch step.Step {
			case domain.StepReturn:
				q = q.Where("returned_on IS NULL")
			case domain.StepSendFront:
				q = q.Where("front_sent_on IS NULL")
			case domain.StepAmend:
				q = q.Where("amended_at IS NULL")
			}
			res := q.Select("*").Omit("id", "consultation_id").Updates(r)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return domain.Errorf(domain.CodeConflict, "error.charter_changed")
			}
		}
		return s.conn(ctx).Create(step).Error
	})
}

// CharterSteps lists the steps of a charter, oldest first, with the names of the staff who
// recorded them.
func (s *Store) CharterSteps(ctx context.Context, consultationID int64) ([]domain.CharterStepRecord, error) {
	var list []domain.CharterStepRecord
	err := s.conn(ctx).Model(&domain.CharterStepRecord{}).
		Select("charter_steps.*, staff.name AS actor_name").
		Joins("LEFT JOIN staff ON staff.id = charter_steps.actor_id").
		Where("charter_steps.consultation_id = ?", consultationID).
		Order("charter_steps.id").Scan(&list).Error
	return list, err
}

// CharterRow is a charter with its consultation, as lists need it.
type CharterRow struct {
	domain.CharterRecord
	Title    string
	Kind     domain.ConsultationKind
	UnitID   int64
	UnitCode string
	UnitName string
}

// Charters lists the charter records of consultations in the given units, in the given
// states (all states when none), the latest decision first.
func (s *Store) Charters(ctx context.Context, unitIDs []int64, states []domain.CharterState) ([]CharterRow, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	q := s.conn(ctx).Table("charter_records r").
		Select("r.*, c.title AS title, c.kind AS kind, c.unit_id AS unit_id, u.code AS unit_code, u.name AS unit_name").
		Joins("JOIN consultations c ON c.id = r.consultation_id").
		Joins("JOIN units u ON u.id = c.unit_id").
		Where("c.unit_id IN ?", unitIDs)
	if len(states) > 0 {
		q = q.Where("r.state IN ?", states)
	}
	var rows []CharterRow
	err := q.Order("r.decision_date DESC, r.consultation_id DESC").Scan(&rows).Error
	return rows, err
}

// AdoptedCharter is a charter the households adopted and no dossier was submitted for yet.
type AdoptedCharter struct {
	ID        int64
	Title     string
	UnitID    int64
	UnitCode  string
	UnitName  string
	AdoptedOn time.Time
}

// AdoptedWithoutDossier lists the hương ước and quy ước of the given units that are adopted
// and have no recognition record, with the day they were adopted: the day of the last
// village decision recorded for them, or else the moment the consultation became adopted.
func (s *Store) AdoptedWithoutDossier(ctx context.Context, unitIDs []int64) ([]AdoptedCharter, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var rows []struct {
		ID        int64
		Title     string
		UnitID    int64
		UnitCode  string
		UnitName  string
		HeldOn    *time.Time
		DecidedAt *time.Time
	}
	err := s.conn(ctx).Raw(`
		SELECT c.id, c.title, c.unit_id, u.code AS unit_code, u.name AS unit_name, c.decided_at, vd.held_on
		FROM consultations c JOIN units u ON u.id = c.unit_id
		LEFT JOIN village_decisions vd ON vd.consultation_id = c.id AND NOT EXISTS (`+laterDecision+`)
		WHERE c.unit_id IN ? AND c.status = ? AND c.kind IN ?
			AND NOT EXISTS (SELECT 1 FROM charter_records r WHERE r.consultation_id = c.id)
		ORDER BY c.id`,
		unitIDs, domain.StatusAdopted, []domain.ConsultationKind{domain.KindHuongUoc, domain.KindQuyUoc}).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]AdoptedCharter, 0, len(rows))
	for _, r := range rows {
		a := AdoptedCharter{ID: r.ID, Title: r.Title, UnitID: r.UnitID, UnitCode: r.UnitCode, UnitName: r.UnitName}
		switch {
		case r.HeldOn != nil:
			a.AdoptedOn = *r.HeldOn
		case r.DecidedAt != nil:
			a.AdoptedOn = *r.DecidedAt
		default:
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// laterDecision finds a village decision held after vd's, so that joining on its absence
// keeps the last one. A plain MAX would lose the column's type on SQLite, which then hands
// back text instead of a time.
const laterDecision = `SELECT 1 FROM village_decisions v2 WHERE v2.consultation_id = vd.consultation_id
	AND (v2.held_on > vd.held_on OR (v2.held_on = vd.held_on AND v2.id > vd.id))`

// AdoptionDay is the day the households adopted a consultation, as AdoptedWithoutDossier
// counts it; nil when nothing records it.
func (s *Store) AdoptionDay(ctx context.Context, c *domain.Consultation) (*time.Time, error) {
	var held []time.Time
	err := s.conn(ctx).Raw(`SELECT held_on FROM village_decisions WHERE consultation_id = ? ORDER BY held_on DESC LIMIT 1`, c.ID).Scan(&held).Error
	if err != nil {
		return nil, err
	}
	if len(held) > 0 {
		return &held[0], nil
	}
	return c.DecidedAt, nil
}
