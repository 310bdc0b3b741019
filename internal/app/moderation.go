package app

import (
	"context"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// ModerationQueue lists the pending opinions in the actor's units, oldest first.
func (a *App) ModerationQueue(ctx context.Context, actor *domain.Actor, consultationID *int64) ([]domain.Opinion, error) {
	units, err := a.scope(ctx, actor, domain.PermModerate)
	if err != nil {
		return nil, err
	}
	list, err := a.Store.PendingOpinions(ctx, store.QueueFilter{UnitIDs: units, ConsultationID: consultationID, Limit: 100})
	return list, wrap(err)
}

// Decision is a moderator's verdict on a pending opinion.
type Decision struct {
	Decision string `json:"decision" validate:"required,oneof=approve reject"`
	Reason   string `json:"reason" validate:"required_if=Decision reject,omitempty,oneof=spam offensive off_topic personal_data duplicate other"`
	Note     string `json:"note" validate:"required_if=Reason other,max=1000"`
}

// Moderate approves or rejects a pending opinion and logs the decision.
func (a *App) Moderate(ctx context.Context, actor *domain.Actor, opinionID int64, d Decision) (*domain.Opinion, error) {
	d.Note = textnorm.CleanText(d.Note)
	if err := a.check(d); err != nil {
		return nil, err
	}
	o, err := a.Store.OpinionByID(ctx, opinionID)
	if err != nil {
		return nil, wrap(err)
	}
	c, err := a.Store.ConsultationByID(ctx, o.ConsultationID)
	if err != nil {
		return nil, wrap(err)
	}
	if err := a.authorize(ctx, actor, domain.PermModerate, c.UnitID); err != nil {
		return nil, err
	}
	if o.Status != domain.OpinionPending {
		return nil, domain.Errorf(domain.CodeConflict, "error.opinion_already_decided")
	}
	to, reason := domain.OpinionApproved, domain.RejectReason("")
	if d.Decision == "reject" {
		to, reason = domain.OpinionRejected, domain.RejectReason(d.Reason)
	}
	if err := a.Store.Decide(ctx, o.ID, o.Status, to, reason, d.Note, &actor.StaffID); err != nil {
		return nil, wrap(err)
	}
	a.audit(ctx, actor, "opinion."+d.Decision, "opinion", o.ID, c.UnitID, string(reason))
	o, err = a.Store.OpinionByID(ctx, opinionID)
	return o, wrap(err)
}

// ModerationLog lists the decisions about one opinion, for staff who oversee its unit.
func (a *App) ModerationLog(ctx context.Context, actor *domain.Actor, opinionID int64) ([]domain.ModerationEvent, error) {
	o, err := a.Store.OpinionByID(ctx, opinionID)
	if err != nil {
		return nil, wrap(err)
	}
	c, err := a.Store.ConsultationByID(ctx, o.ConsultationID)
	if err != nil {
		return nil, wrap(err)
	}
	if err := a.authorize(ctx, actor, domain.PermOversee, c.UnitID); err != nil {
		return nil, err
	}
	ev, err := a.Store.ModerationEvents(ctx, opinionID)
	return ev, wrap(err)
}

// ModerationLogOf lists the moderation decisions in the units the actor oversees, so the
// Fatherland Front and the People's Inspection Board can check that nothing was silenced.
func (a *App) ModerationLogOf(ctx context.Context, actor *domain.Actor, page int) ([]store.LogEntry, bool, error) {
	units, err := a.scope(ctx, actor, domain.PermOversee)
	if err != nil {
		return nil, false, err
	}
	list, more, err := a.Store.ModerationLog(ctx, units, page, 50)
	return list, more, wrap(err)
}
