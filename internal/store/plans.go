package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gopy-vn/gopy/internal/cache"
	"github.com/gopy-vn/gopy/internal/domain"
)

// ConsultationPlan is what the commune recorded about the plan and the Council report of a
// consultation; a consultation with nothing recorded gets an empty one.
func (s *Store) ConsultationPlan(ctx context.Context, consultationID int64) (*domain.ConsultationPlan, error) {
	var p domain.ConsultationPlan
	err := s.conn(ctx).Where("consultation_id = ?", consultationID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &domain.ConsultationPlan{ConsultationID: consultationID}, nil
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// SavePlan stores the plan record of a consultation, replacing what was recorded. The
// consultation's pages show the Council report once submitted, so they are told.
func (s *Store) SavePlan(ctx context.Context, p *domain.ConsultationPlan) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		err := s.conn(ctx).Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "consultation_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"council_sent_on", "front_sent_on", "report_submitted_on",
				"report_session", "updated_by", "updated_at"}),
		}).Create(p).Error
		if err != nil {
			return err
		}
		return s.changed(ctx, cache.TopicConsultation(p.ConsultationID), cache.TopicConsultations)
	})
}

// StateTopic records the art. 25 item of a consultation that stated none (one created
// before it was asked); one already stated is left alone (conflict).
func (s *Store) StateTopic(ctx context.Context, consultationID int64, topic domain.Topic, at time.Time) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Model(&domain.Consultation{}).Where("id = ? AND topic IS NULL", consultationID).
			Updates(map[string]any{"topic": topic, "updated_at": at})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.CodeConflict, "plans.error.topic_stated")
		}
		return s.changed(ctx, cache.TopicConsultation(consultationID), cache.TopicConsultations)
	})
}

// PlanRow is a consult matter with what was recorded about its plan and Council report.
type PlanRow struct {
	ConsultationID    int64         `gorm:"column:id"`
	Topic             *domain.Topic `gorm:"column:topic"`
	Status            domain.Status `gorm:"column:status"`
	PublishedAt       *time.Time    `gorm:"column:published_at"`
	CouncilSentOn     *time.Time    `gorm:"column:council_sent_on"`
	FrontSentOn       *time.Time    `gorm:"column:front_sent_on"`
	ReportSubmittedOn *time.Time    `gorm:"column:report_submitted_on"`
}

// PlanRows lists the published consult matters of the units whose publication or Council
// report falls in [from, to).
func (s *Store) PlanRows(ctx context.Context, unitIDs []int64, from, to time.Time) ([]PlanRow, error) {
	var rows []PlanRow
	if len(unitIDs) == 0 {
		return rows, nil
	}
	err := s.conn(ctx).Table("consultations c").
		Select("c.id, c.topic, c.status, c.published_at, p.council_sent_on, p.front_sent_on, p.report_submitted_on").
		Joins("LEFT JOIN consultation_plans p ON p.consultation_id = c.id").
		Where("c.matter = ? AND c.unit_id IN ? AND c.published_at IS NOT NULL", domain.MatterConsult, unitIDs).
		Where("(c.published_at >= ? AND c.published_at < ?) OR (p.report_submitted_on >= ? AND p.report_submitted_on < ?)",
			from.UTC(), to.UTC(), from.UTC(), to.UTC()).
		Order("c.id").Scan(&rows).Error
	return rows, err
}
