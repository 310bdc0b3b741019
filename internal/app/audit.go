package app

import (
	"context"
	"log/slog"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
)

type clientIPKey struct{}

// WithClientIP records the client's address in the context, for the audit log.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

func clientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

// audit appends a staff action to the audit log. A failure to log is reported but does not
// undo an action that has already been committed.
func (a *App) audit(ctx context.Context, actor *domain.Actor, action, targetType string, targetID, unitID int64, detail string) {
	e := &domain.AuditEntry{
		Action: action, TargetType: targetType, IP: clientIP(ctx), Detail: detail, CreatedAt: a.Now(),
	}
	if actor != nil {
		e.ActorID = &actor.StaffID
	}
	if targetID != 0 {
		e.TargetID = &targetID
	}
	if unitID != 0 {
		e.UnitID = &unitID
	}
	if err := a.store.AppendAudit(ctx, e); err != nil {
		slog.ErrorContext(ctx, "audit log write failed", "action", action, "err", err)
	}
}

// AuditLog lists the staff actions in the units the actor oversees, newest first. Admins and
// observers may read it.
func (a *App) AuditLog(ctx context.Context, actor *domain.Actor, page int) ([]domain.AuditEntry, bool, error) {
	units, err := a.scope(ctx, actor, domain.PermAudit)
	if err != nil {
		return nil, false, err
	}
	list, more, err := a.store.AuditEntries(ctx, store.AuditFilter{UnitIDs: units, Page: page, PerPage: 50})
	return list, more, wrap(err)
}
