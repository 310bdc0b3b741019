package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/gopy-vn/gopy/internal/domain"
)

// OutboxMessage is an e-mail waiting to be sent, or sent. Kind says what it is ("digest", …);
// DedupKey, when set, makes a second Enqueue of the same message a no-op. OpinionID names the
// opinion a message to its commenter is about: erasing or withdrawing the opinion deletes it.
type OutboxMessage struct {
	ID            int64      `gorm:"column:id;primaryKey"`
	To            string     `gorm:"column:to_addr"`
	Subject       string     `gorm:"column:subject"`
	Body          string     `gorm:"column:body"`
	Kind          string     `gorm:"column:kind"`
	DedupKey      *string    `gorm:"column:dedup_key"`
	OpinionID     *int64     `gorm:"column:opinion_id"`
	CreatedAt     time.Time  `gorm:"column:created_at"`
	Attempts      int        `gorm:"column:attempts"`
	NextAttemptAt time.Time  `gorm:"column:next_attempt_at"`
	SentAt        *time.Time `gorm:"column:sent_at"`
	LastError     string     `gorm:"column:last_error"`
}

func (OutboxMessage) TableName() string { return "outbox" }

// OutboxMaxAttempts is how many times a message is tried. After that it is no longer due,
// but the row stays with its last error, for whoever looks into the failure.
const OutboxMaxAttempts = 20

// Enqueue stores a message to send, due at once unless NextAttemptAt is set. A message whose
// dedup key is already in the outbox is not stored again, and that is no error: created
// tells which happened.
//
// A message about an opinion (OpinionID set) is stored only while the opinion still holds a
// contact its author consents to being contacted at: a notice queued as the author erases
// it is either seen and deleted by the erasure, or finds the contact gone. On PostgreSQL the
// opinion's row is locked (FOR SHARE) for that check, so the two cannot pass each other.
func (s *Store) Enqueue(ctx context.Context, m *OutboxMessage) (created bool, err error) {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = s.now()
	}
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = m.CreatedAt
	}
	m.CreatedAt, m.NextAttemptAt = m.CreatedAt.UTC(), m.NextAttemptAt.UTC()
	if m.OpinionID != nil {
		return s.enqueueForOpinion(ctx, m)
	}
	res := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "dedup_key"}},
		DoNothing: true,
	}).Create(m)
	return res.RowsAffected > 0, res.Error
}

func (s *Store) enqueueForOpinion(ctx context.Context, m *OutboxMessage) (bool, error) {
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR SHARE OF o"
	}
	res := s.conn(ctx).Exec(`INSERT INTO outbox (to_addr, subject, body, kind, dedup_key, opinion_id, created_at, attempts, next_attempt_at, last_error)
		SELECT ?, ?, ?, ?, ?, o.id, ?, 0, ?, '' FROM opinions o
		WHERE o.id = ? AND o.contact <> '' AND o.erased_at IS NULL AND o.withdrawn_at IS NULL
		AND EXISTS (SELECT 1 FROM consents k WHERE k.opinion_id = o.id AND k.purpose = ? AND k.withdrawn_at IS NULL)`+lock+`
		ON CONFLICT (dedup_key) DO NOTHING`,
		m.To, m.Subject, m.Body, m.Kind, m.DedupKey, m.CreatedAt, m.NextAttemptAt, *m.OpinionID, domain.ConsentContact)
	return res.RowsAffected > 0, res.Error
}

// DueMessages lists up to limit unsent messages whose next attempt is due at now and that
// have attempts left, the longest waiting first.
func (s *Store) DueMessages(ctx context.Context, now time.Time, limit int) ([]OutboxMessage, error) {
	var list []OutboxMessage
	err := s.conn(ctx).Where("sent_at IS NULL AND next_attempt_at <= ? AND attempts < ?", now.UTC(), OutboxMaxAttempts).
		Order("next_attempt_at, id").Limit(limit).Find(&list).Error
	return list, err
}

// ClaimNextMessage takes the longest-waiting message that is due at now and has attempts
// left: it counts a new attempt at it and holds it until lease ends, and returns it, or nil
// when nothing is due. Taking and holding are one statement, so that two workers (several
// servers on one database) never send a message at the same time, and a worker that dies
// while sending leaves it to be tried again after the lease. On PostgreSQL the message is
// picked FOR UPDATE SKIP LOCKED: a worker passes over the one another is taking rather than
// waiting for it, so N workers drain the outbox side by side. SQLite has one writer at a
// time, which makes the statement atomic there without it.
func (s *Store) ClaimNextMessage(ctx context.Context, now, lease time.Time) (*OutboxMessage, error) {
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var list []OutboxMessage
	err := s.conn(ctx).Raw(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?
		WHERE id = (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? AND attempts < ?
			ORDER BY next_attempt_at, id LIMIT 1`+lock+`)
		RETURNING *`, lease.UTC(), now.UTC(), OutboxMaxAttempts).Scan(&list).Error
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// MarkSent records that a message was handed to the mail server.
func (s *Store) MarkSent(ctx context.Context, id int64, now time.Time) error {
	return s.conn(ctx).Model(&OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"sent_at": now.UTC(), "last_error": ""}).Error
}

// MarkFailed records why the last attempt failed and when to try again. The attempt itself
// was counted when it was claimed.
func (s *Store) MarkFailed(ctx context.Context, id int64, reason string, next time.Time) error {
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	return s.conn(ctx).Model(&OutboxMessage{}).Where("id = ? AND sent_at IS NULL", id).
		Updates(map[string]any{"last_error": reason, "next_attempt_at": next.UTC()}).Error
}

// StaffWithRoles returns the enabled accounts holding any of the given roles, each as an
// actor with those of its roles, in account order.
func (s *Store) StaffWithRoles(ctx context.Context, roles ...domain.Role) ([]domain.Actor, error) {
	var rows []struct {
		domain.RoleAssignment `gorm:"embedded"`
		Email                 string `gorm:"column:email"`
		Name                  string `gorm:"column:name"`
	}
	err := s.conn(ctx).Model(&domain.RoleAssignment{}).
		Select("staff_roles.*, staff.email AS email, staff.name AS name").
		Joins("JOIN staff ON staff.id = staff_roles.staff_id").
		Where("staff.disabled_at IS NULL AND staff_roles.role IN ?", roles).
		Order("staff_roles.staff_id, staff_roles.id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var out []domain.Actor
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].StaffID != r.StaffID {
			out = append(out, domain.Actor{StaffID: r.StaffID, Email: r.Email, Name: r.Name})
		}
		last := &out[len(out)-1]
		last.Roles = append(last.Roles, r.RoleAssignment)
	}
	return out, nil
}

// ContactableCommenters lists the opinions of a consultation whose authors left a contact and
// still consent to being contacted about it.
func (s *Store) ContactableCommenters(ctx context.Context, consultationID int64) ([]domain.Opinion, error) {
	var list []domain.Opinion
	err := s.conn(ctx).Model(&domain.Opinion{}).
		Where("consultation_id = ? AND contact <> '' AND erased_at IS NULL", consultationID).
		Where("EXISTS (SELECT 1 FROM consents k WHERE k.opinion_id = opinions.id AND k.purpose = ? AND k.withdrawn_at IS NULL)",
			domain.ConsentContact).
		Order("id").Find(&list).Error
	return list, err
}
