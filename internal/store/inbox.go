package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gopy-vn/gopy/internal/domain"
)

// AddNotification puts a notice in a staff member's inbox. A notice whose dedup key is
// already there is not stored again, and that is no error, so an event told twice (a retry)
// still reaches each person once: created tells which happened.
func (s *Store) AddNotification(ctx context.Context, n *domain.Notification) (created bool, err error) {
	if n.CreatedAt.IsZero() {
		n.CreatedAt = s.now()
	}
	n.CreatedAt = n.CreatedAt.UTC()
	res := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "dedup_key"}},
		DoNothing: true,
	}).Create(n)
	return res.RowsAffected > 0, res.Error
}

// Notifications lists one staff member's notices, newest first, with the title of the
// consultation each is about, and whether another page follows.
func (s *Store) Notifications(ctx context.Context, staffID int64, page, perPage int) ([]domain.Notification, bool, error) {
	if page < 1 {
		page = 1
	}
	if perPage <= 0 {
		perPage = 20
	}
	var list []domain.Notification
	err := s.conn(ctx).Model(&domain.Notification{}).
		Select("staff_notifications.*, consultations.title AS consultation_title").
		Joins("LEFT JOIN consultations ON consultations.id = staff_notifications.consultation_id").
		Where("staff_notifications.staff_id = ?", staffID).
		Order("staff_notifications.created_at DESC, staff_notifications.id DESC").
		Limit(perPage + 1).Offset((page - 1) * perPage).Scan(&list).Error
	if err != nil {
		return nil, false, err
	}
	more := len(list) > perPage
	if more {
		list = list[:perPage]
	}
	return list, more, nil
}

// UnreadNotifications counts the notices a staff member has not read.
func (s *Store) UnreadNotifications(ctx context.Context, staffID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&domain.Notification{}).
		Where("staff_id = ? AND read_at IS NULL", staffID).Count(&n).Error
	return n, err
}

// MarkNotificationRead marks one of a staff member's notices read, keeping the time of the
// first reading. It reports false when the staff member has no notice with that id, so
// nobody learns whether someone else's exists.
func (s *Store) MarkNotificationRead(ctx context.Context, staffID, id int64, now time.Time) (bool, error) {
	// Both databases count a matched row as affected even when the value does not change,
	// so reading a notice twice is still found.
	res := s.conn(ctx).Model(&domain.Notification{}).
		Where("id = ? AND staff_id = ?", id, staffID).
		Update("read_at", gorm.Expr("COALESCE(read_at, ?)", now.UTC()))
	return res.RowsAffected == 1, res.Error
}

// MarkAllNotificationsRead marks every unread notice of a staff member read and returns how
// many there were.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, staffID int64, now time.Time) (int64, error) {
	res := s.conn(ctx).Model(&domain.Notification{}).
		Where("staff_id = ? AND read_at IS NULL", staffID).
		Update("read_at", now.UTC())
	return res.RowsAffected, res.Error
}

// FirstOpinionsUnnoticed lists the open consultations of the given units that have
// received an opinion and of which the staff member has no "first opinions" notice yet.
func (s *Store) FirstOpinionsUnnoticed(ctx context.Context, staffID int64, unitIDs []int64) ([]domain.Consultation, error) {
	var list []domain.Consultation
	err := s.conn(ctx).Model(&domain.Consultation{}).
		Where("unit_id IN ? AND status = ?", unitIDs, domain.StatusOpen).
		Where("EXISTS (SELECT 1 FROM opinions WHERE opinions.consultation_id = consultations.id)").
		Where("NOT EXISTS (SELECT 1 FROM staff_notifications n WHERE n.staff_id = ? AND n.kind = ? AND n.consultation_id = consultations.id)",
			staffID, domain.NoticeFirstOpinions).
		Find(&list).Error
	return list, err
}

// WaitingSince lists, for the consultations of the given units, the oldest opinion still
// waiting for a moderator, when it was sent before the given time.
func (s *Store) WaitingSince(ctx context.Context, unitIDs []int64, before time.Time) (map[int64]time.Time, error) {
	var rows []struct {
		ConsultationID int64
		Oldest         time.Time
	}
	err := s.conn(ctx).Model(&domain.Opinion{}).Select("consultation_id, MIN(submitted_at) AS oldest").
		Where("status = ? AND submitted_at < ?", domain.OpinionPending, before.UTC()).
		Where("consultation_id IN (SELECT id FROM consultations WHERE unit_id IN ?)", unitIDs).
		Group("consultation_id").Scan(&rows).Error
	out := map[int64]time.Time{}
	for _, r := range rows {
		out[r.ConsultationID] = r.Oldest
	}
	return out, err
}
