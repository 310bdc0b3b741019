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

// inTx runs fn in one transaction (store.InTx): the store calls fn makes with its context
// commit together or not at all. Its error is wrapped.
func (a *App) inTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return wrap(a.store.InTx(ctx, fn))
}

// audit appends a staff action to the audit log. A use case calls it inside the transaction
// of the action (inTx), with that transaction's context, and returns its error: an action
// whose entry cannot be written is undone, and the staff member gets the error.
func (a *App) audit(ctx context.Context, actor *domain.Actor, action, targetType string, targetID, unitID int64, detail string) error {
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
	return a.store.AppendAudit(ctx, e)
}

// auditAttempt logs a refused attempt (a wrong password or code). Nothing is undone if its
// entry cannot be written, and the refusal stands: the failure is only reported.
func (a *App) auditAttempt(ctx context.Context, actor *domain.Actor, action string, staffID int64) {
	if err := a.audit(ctx, actor, action, "staff", staffID, homeUnit(actor), ""); err != nil {
		slog.ErrorContext(ctx, "audit log write failed", "action", action, "err", err)
	}
}

// AuditLog lists the staff actions in the units the actor oversees, newest first. Admins,
// observers and the Front may read it.
func (a *App) AuditLog(ctx context.Context, actor *domain.Actor, page int) ([]domain.AuditEntry, bool, error) {
	units, err := a.scope(ctx, actor, domain.PermAudit)
	if err != nil {
		return nil, false, err
	}
	list, more, err := a.store.AuditEntries(ctx, store.AuditFilter{UnitIDs: units, Page: page, PerPage: 50})
	return list, more, wrap(err)
}
