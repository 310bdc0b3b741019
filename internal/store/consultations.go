package store

import (
	"github.com/gopy-vn/gopy/internal/cache"

	"context"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"github.com/gopy-vn/gopy/internal/domain"
)

// CreateConsultation inserts a consultation with its first version and sections, in one transaction.
func (s *Store) CreateConsultation(ctx context.Context, c *domain.Consultation, sourceText string) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(c).Error; err != nil {
			return err
		}
		v := domain.Version{ConsultationID: c.ID, Number: c.Version, SourceText: sourceText, CreatedAt: c.CreatedAt}
		if err := s.conn(ctx).Create(&v).Error; err != nil {
			return err
		}
		for i := range c.Sections {
			c.Sections[i].ConsultationID = c.ID
			c.Sections[i].VersionID = v.ID
		}
		if len(c.Sections) > 0 {
			if err := s.conn(ctx).CreateInBatches(c.Sections, 200).Error; err != nil {
				return err
			}
		}
		return s.changed(ctx, cache.TopicConsultation(c.ID), cache.TopicConsultations)
	})
}

// ReplaceDraft stores new fields and a new text for a draft that was never published: the
// row is updated and the sections of its one version replaced, in one transaction. A draft
// published meanwhile is left alone (conflict).
func (s *Store) ReplaceDraft(ctx context.Context, c *domain.Consultation, sourceText string) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Model(&domain.Consultation{}).
			Where("id = ? AND status = ? AND published_at IS NULL", c.ID, domain.StatusDraft).
			Updates(map[string]any{
				"unit_id": c.UnitID, "kind": c.Kind, "matter": c.Matter, "item": c.Item, "topic": c.Topic, "title": c.Title, "summary": c.Summary,
				"search_text": c.SearchText, "moderation": c.Moderation, "opens_at": c.OpensAt, "closes_at": c.ClosesAt,
				"updated_at": c.UpdatedAt,
			})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.CodeConflict, "error.draft_published")
		}
		if err := s.changed(ctx, cache.TopicConsultation(c.ID), cache.TopicConsultations); err != nil {
			return err
		}
		var v domain.Version
		if err := s.conn(ctx).Where("consultation_id = ? AND number = ?", c.ID, c.Version).Take(&v).Error; err != nil {
			return err
		}
		if err := s.conn(ctx).Model(&v).Update("source_text", sourceText).Error; err != nil {
			return err
		}
		if err := s.conn(ctx).Where("version_id = ?", v.ID).Delete(&domain.Section{}).Error; err != nil {
			return err
		}
		for i := range c.Sections {
			c.Sections[i].ConsultationID, c.Sections[i].VersionID = c.ID, v.ID
		}
		if len(c.Sections) > 0 {
			return s.conn(ctx).CreateInBatches(c.Sections, 200).Error
		}
		return nil
	})
}

// SourceText is the text a version was split from.
func (s *Store) SourceText(ctx context.Context, consultationID int64, number int) (string, error) {
	var v domain.Version
	err := s.conn(ctx).Where("consultation_id = ? AND number = ?", consultationID, number).Take(&v).Error
	return v.SourceText, notFound(err)
}

// DeleteDraft removes a draft that was never published, with its version, its sections and
// the notices about it. Anything else recorded against it makes the database refuse, and
// the draft stays (conflict).
func (s *Store) DeleteDraft(ctx context.Context, id int64) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		for _, q := range []string{
			"DELETE FROM staff_notifications WHERE consultation_id = ?",
			"DELETE FROM sections WHERE consultation_id = ?",
			"DELETE FROM consultation_versions WHERE consultation_id = ?",
		} {
			if err := s.conn(ctx).Exec(q, id).Error; err != nil {
				return err
			}
		}
		res := s.conn(ctx).Exec("DELETE FROM consultations WHERE id = ? AND status = ? AND published_at IS NULL", id, domain.StatusDraft)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.CodeConflict, "error.draft_published")
		}
		return s.changed(ctx, cache.TopicConsultation(id), cache.TopicConsultations)
	})
	if isForeignKey(err) {
		return domain.Errorf(domain.CodeConflict, "error.draft_in_use")
	}
	return err
}

// ConsultationByID loads a consultation with its unit and the sections of its current version.
func (s *Store) ConsultationByID(ctx context.Context, id int64) (*domain.Consultation, error) {
	var c domain.Consultation
	if err := s.conn(ctx).Take(&c, id).Error; err != nil {
		return nil, notFound(err)
	}
	unit, err := s.UnitByID(ctx, c.UnitID)
	if err != nil {
		return nil, err
	}
	c.Unit = unit
	err = s.conn(ctx).Model(&domain.Section{}).
		Joins("JOIN consultation_versions v ON v.id = sections.version_id").
		Where("v.consultation_id = ? AND v.number = ?", c.ID, c.Version).
		Order("sections.ordinal").Find(&c.Sections).Error
	return &c, err
}

// ConsultationFilter selects consultations for a list.
type ConsultationFilter struct {
	UnitIDs  []int64 // nil: every unit
	Statuses []domain.Status
	OpenAt   *time.Time // only those taking opinions at this moment
	// OpenFirst lists those taking opinions at this moment first, then those about to
	// open, then the rest; each group newest period first.
	OpenFirst *time.Time
	Query     string // folded search text
	Page      int    // 1-based
	PerPage   int
}

// ListConsultations returns a page of consultations, newest period first, with their units,
// and whether another page follows.
func (s *Store) ListConsultations(ctx context.Context, f ConsultationFilter) ([]domain.Consultation, bool, error) {
	q := s.conn(ctx).Model(&domain.Consultation{})
	if f.UnitIDs != nil {
		q = q.Where("unit_id IN ?", f.UnitIDs)
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.OpenAt != nil {
		q = q.Where("opens_at <= ? AND closes_at > ?", f.OpenAt.UTC(), f.OpenAt.UTC())
	}
	for _, word := range strings.Fields(f.Query) {
		q = q.Where("search_text LIKE ?", "%"+escapeLike(word)+"%")
	}
	if f.PerPage <= 0 {
		f.PerPage = 20
	}
	if f.Page < 1 {
		f.Page = 1
	}
	var list []domain.Consultation
	// One ORDER BY expression: GORM builds only the expression of an ORDER BY clause that
	// has one, dropping columns added by another Order call.
	order := clause.Expr{SQL: "opens_at DESC, id DESC"}
	if f.OpenFirst != nil {
		at := f.OpenFirst.UTC()
		order = clause.Expr{
			SQL:  "CASE WHEN status = ? AND opens_at <= ? AND closes_at > ? THEN 0 WHEN status = ? AND opens_at > ? THEN 1 ELSE 2 END, opens_at DESC, id DESC",
			Vars: []any{domain.StatusOpen, at, at, domain.StatusOpen, at},
		}
	}
	err := q.Order(clause.OrderBy{Expression: order}).Limit(f.PerPage + 1).Offset((f.Page - 1) * f.PerPage).Find(&list).Error
	if err != nil {
		return nil, false, err
	}
	more := len(list) > f.PerPage
	if more {
		list = list[:f.PerPage]
	}
	ids := make([]int64, 0, len(list))
	for _, c := range list {
		ids = append(ids, c.UnitID)
	}
	units, err := s.UnitsByIDs(ctx, ids)
	if err != nil {
		return nil, false, err
	}
	for i := range list {
		list[i].Unit = units[list[i].UnitID]
	}
	return list, more, nil
}

// escapeLike makes user text literal inside a LIKE pattern. Search text is folded to
// letters, digits and spaces, so only the wildcards themselves can appear.
func escapeLike(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

// StatusStamps are the moments a status change records on the consultation besides its
// status, and the reasons the pages show with them; a nil or empty field leaves its column
// as it is.
type StatusStamps struct {
	PublishedAt        *time.Time // opened for opinions
	ClosedAt           *time.Time // closed by an official
	DecidedAt          *time.Time // the day the households decided a decide matter
	ResultsPublishedAt *time.Time // starts the retention clock of commenters' contacts
	WithdrawnAt        *time.Time // the draft withdrawn
	CloseReason        string     // why the period was closed before its last day was over
	WithdrawReason     string     // why the draft was withdrawn
}

// ChangeStatus moves a consultation from one status to another and logs the change, in one
// transaction. It fails with a conflict when the consultation is no longer in from, so two
// officials acting at once cannot both succeed.
func (s *Store) ChangeStatus(ctx context.Context, id int64, from, to domain.Status, actorID *int64, reason string, stamps StatusStamps) error {
	now := s.now()
	set := map[string]any{"status": to, "updated_at": now}
	for column, at := range map[string]*time.Time{
		"published_at": stamps.PublishedAt, "closed_at": stamps.ClosedAt,
		"decided_at": stamps.DecidedAt, "results_published_at": stamps.ResultsPublishedAt,
		"withdrawn_at": stamps.WithdrawnAt,
	} {
		if at != nil {
			set[column] = *at
		}
	}
	for column, text := range map[string]string{"close_reason": stamps.CloseReason, "withdraw_reason": stamps.WithdrawReason} {
		if text != "" {
			set[column] = text
		}
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Model(&domain.Consultation{}).Where("id = ? AND status = ?", id, from).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.CodeConflict, "error.consultation_changed")
		}
		if err := s.changed(ctx, cache.TopicConsultation(id), cache.TopicConsultations); err != nil {
			return err
		}
		return s.conn(ctx).Create(&domain.ConsultationEvent{
			ConsultationID: id, ActorID: actorID, FromStatus: from, ToStatus: to, Reason: reason, CreatedAt: now,
		}).Error
	})
}

// ConsultationRow loads a consultation without its unit or sections: what taking an opinion
// needs (status, dates, unit id, moderation), on every submission. Loading a draft's hundred
// sections there cost more than storing the opinion.
func (s *Store) ConsultationRow(ctx context.Context, id int64) (*domain.Consultation, error) {
	var c domain.Consultation
	if err := s.conn(ctx).Take(&c, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// ConsultationEvents lists the status changes of a consultation, oldest first.
func (s *Store) ConsultationEvents(ctx context.Context, id int64) ([]domain.ConsultationEvent, error) {
	var ev []domain.ConsultationEvent
	return ev, s.conn(ctx).Where("consultation_id = ?", id).Order("id").Find(&ev).Error
}
