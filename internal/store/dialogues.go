package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gopy-vn/gopy/internal/cache"
	"github.com/gopy-vn/gopy/internal/domain"
)

// The monthly dialogues of communes (domain/dialogue.go). A commune's page lists its
// dialogues, so writing one tells the caches of the lists of consultations, which that
// page depends on.

// CreateDialogue stores a newly scheduled dialogue.
func (s *Store) CreateDialogue(ctx context.Context, d *domain.Dialogue) error {
	if err := s.conn(ctx).Create(d).Error; err != nil {
		return err
	}
	return s.changed(ctx, cache.TopicConsultations)
}

// SaveDialogue writes a dialogue's schedule and standing.
func (s *Store) SaveDialogue(ctx context.Context, d *domain.Dialogue) error {
	if err := s.conn(ctx).Select("*").Omit("created_at", "created_by").Save(d).Error; err != nil {
		return err
	}
	return s.changed(ctx, cache.TopicConsultations)
}

// DialogueByID finds a dialogue.
func (s *Store) DialogueByID(ctx context.Context, id int64) (*domain.Dialogue, error) {
	var d domain.Dialogue
	err := s.conn(ctx).Where("id = ?", id).Take(&d).Error
	return &d, notFound(err)
}

// DialogueFilter narrows a list of dialogues.
type DialogueFilter struct {
	UnitIDs  []int64
	From, To *time.Time // starts_at in [From, To)
	Limit    int
}

// Dialogues lists dialogues of the units, the latest meeting first.
func (s *Store) Dialogues(ctx context.Context, f DialogueFilter) ([]domain.Dialogue, error) {
	var list []domain.Dialogue
	if len(f.UnitIDs) == 0 {
		return nil, nil
	}
	q := s.conn(ctx).Where("unit_id IN ?", f.UnitIDs)
	if f.From != nil {
		q = q.Where("starts_at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("starts_at < ?", f.To.UTC())
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	err := q.Order("starts_at DESC, id DESC").Find(&list).Error
	return list, err
}

// InsertQuestion stores a question unless its idempotency key was used: then it returns the
// question stored under that key and created false. The unique key decides a race.
func (s *Store) InsertQuestion(ctx context.Context, q *domain.DialogueQuestion) (*domain.DialogueQuestion, bool, error) {
	res := s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "idempotency_key"}}, DoNothing: true}).Create(q)
	if res.Error != nil {
		return nil, false, res.Error
	}
	if res.RowsAffected == 1 {
		return q, true, nil
	}
	var first domain.DialogueQuestion
	err := s.conn(ctx).Where("idempotency_key = ?", *q.IdempotencyKey).Take(&first).Error
	return &first, false, notFound(err)
}

// QuestionByID finds a question.
func (s *Store) QuestionByID(ctx context.Context, id int64) (*domain.DialogueQuestion, error) {
	var q domain.DialogueQuestion
	err := s.conn(ctx).Where("id = ?", id).Take(&q).Error
	return &q, notFound(err)
}

// QuestionByCode finds a question by its tracking code.
func (s *Store) QuestionByCode(ctx context.Context, code string) (*domain.DialogueQuestion, error) {
	var q domain.DialogueQuestion
	err := s.conn(ctx).Where("tracking_code = ?", code).Take(&q).Error
	return &q, notFound(err)
}

// QuestionFilter narrows the questions of a dialogue.
type QuestionFilter struct {
	DialogueIDs []int64
	Statuses    []domain.OpinionStatus
	Theme       domain.Theme // "" for every theme
}

// Questions lists questions, the most supported first, then the earliest.
func (s *Store) Questions(ctx context.Context, f QuestionFilter) ([]domain.DialogueQuestion, error) {
	if len(f.DialogueIDs) == 0 {
		return nil, nil
	}
	q := s.conn(ctx).Where("dialogue_id IN ?", f.DialogueIDs)
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.Theme != "" {
		q = q.Where("theme = ?", f.Theme)
	}
	var list []domain.DialogueQuestion
	err := q.Order("supports DESC, submitted_at, id").Find(&list).Error
	return list, err
}

// ModerateQuestion records a moderator's decision on a question still waiting; ok is false
// when it no longer waits (another moderator decided first).
func (s *Store) ModerateQuestion(ctx context.Context, q *domain.DialogueQuestion) (bool, error) {
	res := s.conn(ctx).Model(&domain.DialogueQuestion{}).Where("id = ? AND status = ?", q.ID, domain.OpinionPending).
		Updates(map[string]any{"status": q.Status, "rejection_reason": q.RejectionReason, "rejection_note": q.RejectionNote,
			"moderated_by": q.ModeratedBy, "moderated_at": q.ModeratedAt})
	return res.RowsAffected == 1, res.Error
}

// AnswerQuestion writes the officials' public answer to an approved question.
func (s *Store) AnswerQuestion(ctx context.Context, q *domain.DialogueQuestion) (bool, error) {
	res := s.conn(ctx).Model(&domain.DialogueQuestion{}).Where("id = ? AND status = ?", q.ID, domain.OpinionApproved).
		Updates(map[string]any{"answer": q.Answer, "answered_at": q.AnsweredAt, "answered_by": q.AnsweredBy})
	return res.RowsAffected == 1, res.Error
}

// AddSupport records a supporter's support of a question once: a second one from the same
// supporter changes nothing and added is false. The count on the question moves in the same
// transaction.
func (s *Store) AddSupport(ctx context.Context, questionID int64, supporter string, at time.Time) (added bool, err error) {
	err = s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&dialogueSupport{
			QuestionID: questionID, Supporter: supporter, CreatedAt: at})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		added = true
		return s.conn(ctx).Model(&domain.DialogueQuestion{}).Where("id = ?", questionID).
			Update("supports", gorm.Expr("supports + 1")).Error
	})
	return added, err
}

type dialogueSupport struct {
	ID         int64     `gorm:"column:id;primaryKey"`
	QuestionID int64     `gorm:"column:question_id"`
	Supporter  string    `gorm:"column:supporter"`
	CreatedAt  time.Time `gorm:"column:created_at"`
}

func (dialogueSupport) TableName() string { return "dialogue_supports" }

// CreatePromise stores a promise made at a dialogue.
func (s *Store) CreatePromise(ctx context.Context, p *domain.DialoguePromise) error {
	return s.conn(ctx).Create(p).Error
}

// PromiseByID finds a promise.
func (s *Store) PromiseByID(ctx context.Context, id int64) (*domain.DialoguePromise, error) {
	var p domain.DialoguePromise
	err := s.conn(ctx).Where("id = ?", id).Take(&p).Error
	return &p, notFound(err)
}

// Promises lists the promises of dialogues, by due day.
func (s *Store) Promises(ctx context.Context, dialogueIDs []int64) ([]domain.DialoguePromise, error) {
	if len(dialogueIDs) == 0 {
		return nil, nil
	}
	var list []domain.DialoguePromise
	err := s.conn(ctx).Where("dialogue_id IN ?", dialogueIDs).Order("due_on, id").Find(&list).Error
	return list, err
}

// MarkPromiseDone records that a promise was kept; ok is false if it was already marked.
func (s *Store) MarkPromiseDone(ctx context.Context, id int64, at time.Time, note string) (bool, error) {
	res := s.conn(ctx).Model(&domain.DialoguePromise{}).Where("id = ? AND done_at IS NULL", id).
		Updates(map[string]any{"done_at": at, "done_note": note})
	return res.RowsAffected == 1, res.Error
}

// OverduePromise is a promise not done whose due day is over, with its dialogue.
type OverduePromise struct {
	domain.DialoguePromise
	Dialogue domain.Dialogue `gorm:"-"`
}

// OverduePromises lists the promises of the units' dialogues not done by the end of their
// due day, as of now: due_on is the local midnight that begins the due day, so the day is
// over once 24 hours have passed since it.
func (s *Store) OverduePromises(ctx context.Context, unitIDs []int64, now time.Time) ([]OverduePromise, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var list []domain.DialoguePromise
	err := s.conn(ctx).Where("done_at IS NULL AND due_on <= ? AND dialogue_id IN (?)", now.Add(-24*time.Hour).UTC(),
		s.conn(ctx).Model(&domain.Dialogue{}).Select("id").Where("unit_id IN ? AND status <> ?", unitIDs, domain.DialogueCancelled)).
		Order("due_on, id").Find(&list).Error
	if err != nil || len(list) == 0 {
		return nil, err
	}
	ids := make([]int64, 0, len(list))
	for _, p := range list {
		ids = append(ids, p.DialogueID)
	}
	var ds []domain.Dialogue
	if err := s.conn(ctx).Where("id IN ?", ids).Find(&ds).Error; err != nil {
		return nil, err
	}
	byID := map[int64]domain.Dialogue{}
	for _, d := range ds {
		byID[d.ID] = d
	}
	out := make([]OverduePromise, 0, len(list))
	for _, p := range list {
		out = append(out, OverduePromise{DialoguePromise: p, Dialogue: byID[p.DialogueID]})
	}
	return out, nil
}
