package app

import (
	"context"

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

// Inbox lists the actor's notices, newest first, a page at a time, and whether more follow.
func (a *App) Inbox(ctx context.Context, actor *domain.Actor, page int) ([]domain.Notification, bool, error) {
	if err := staffActor(actor); err != nil {
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
