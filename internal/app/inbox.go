package app

import (
	"context"
	"fmt"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// inboxPage is how many notices one page of the inbox shows.
const inboxPage = 20

// The inbox is personal: whatever their roles, staff members see and mark only their own
// notices, so no use case here takes another staff member's id.

// staffActor refuses a request without a signed-in staff member.
func staffActor(actor *domain.Actor) error {
	if actor == nil || actor.StaffID == 0 {
		return domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	return nil
}

// queueWaitNotice is how long an opinion waits for a moderator before the moderators'
// inbox says so.
const queueWaitNotice = 24 * time.Hour

// Inbox lists the actor's notices, newest first, a page at a time, and whether more follow.
func (a *App) Inbox(ctx context.Context, actor *domain.Actor, page int) ([]domain.Notification, bool, error) {
	if err := staffActor(actor); err != nil {
		return nil, false, err
	}
	if err := a.NoticeArrivals(ctx, actor); err != nil {
		return nil, false, err
	}
	list, more, err := a.store.Notifications(ctx, actor.StaffID, page, inboxPage)
	return list, more, wrap(err)
}

// UnreadCount counts the actor's unread notices.
func (a *App) UnreadCount(ctx context.Context, actor *domain.Actor) (int64, error) {
	if err := staffActor(actor); err != nil {
		return 0, err
	}
	n, err := a.store.UnreadNotifications(ctx, actor.StaffID)
	return n, wrap(err)
}

// MarkRead marks one of the actor's notices read. Someone else's notice is not found, the
// same as one that does not exist.
func (a *App) MarkRead(ctx context.Context, actor *domain.Actor, id int64) error {
	if err := staffActor(actor); err != nil {
		return err
	}
	found, err := a.store.MarkNotificationRead(ctx, actor.StaffID, id, a.Now())
	if err != nil {
		return wrap(err)
	}
	if !found {
		return domain.ErrNotFound
	}
	return nil
}

// MarkAllRead marks every unread notice of the actor read and returns how many there were.
func (a *App) MarkAllRead(ctx context.Context, actor *domain.Actor) (int64, error) {
	if err := staffActor(actor); err != nil {
		return 0, err
	}
	n, err := a.store.MarkAllNotificationsRead(ctx, actor.StaffID, a.Now())
	return n, wrap(err)
}

// NoticeArrivals adds to the actor's inbox what arrived since they last looked: the first
// opinions of a consultation they manage, and opinions waiting more than a day for a
// moderator they are. Each is noticed once (a consultation's first opinions once, a
// waiting queue once a day); the inbox and the staff home call it, so no background job
// is needed for it.
func (a *App) NoticeArrivals(ctx context.Context, actor *domain.Actor) error {
	if err := staffActor(actor); err != nil {
		return err
	}
	now := a.Now()
	if actor.HasAny(domain.PermManageConsultation) {
		units, err := a.scope(ctx, actor, domain.PermManageConsultation)
		if err != nil {
			return err
		}
		list, err := a.store.FirstOpinionsUnnoticed(ctx, actor.StaffID, units)
		if err != nil {
			return wrap(err)
		}
		for _, c := range list {
			if err := a.addNotice(ctx, actor, domain.NoticeFirstOpinions, c.ID, c.UnitID,
				fmt.Sprintf("%s:%d:%d", domain.NoticeFirstOpinions, c.ID, actor.StaffID), now); err != nil {
				return err
			}
		}
	}
	if actor.HasAny(domain.PermModerate) {
		units, err := a.scope(ctx, actor, domain.PermModerate)
		if err != nil {
			return err
		}
		waiting, err := a.store.WaitingSince(ctx, units, now.Add(-queueWaitNotice))
		if err != nil {
			return wrap(err)
		}
		day := now.In(domain.Zone).Format(time.DateOnly)
		for cid := range waiting {
			if err := a.addNotice(ctx, actor, domain.NoticeQueueWaits, cid, 0,
				fmt.Sprintf("%s:%d:%d:%s", domain.NoticeQueueWaits, cid, actor.StaffID, day), now); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *App) addNotice(ctx context.Context, actor *domain.Actor, kind string, consultationID, unitID int64, key string, now time.Time) error {
	n := &domain.Notification{StaffID: actor.StaffID, Kind: kind, ConsultationID: &consultationID, DedupKey: key, CreatedAt: now}
	if unitID != 0 {
		n.UnitID = &unitID
	}
	_, err := a.store.AddNotification(ctx, n)
	return wrap(err)
}
