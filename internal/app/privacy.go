package app

import (
	"context"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/shortcode"
)

// WithdrawOpinion lets the author take back an opinion, with its tracking code, while the
// consultation is open. It stops counting everywhere, and the decision is logged like a
// moderator's, with no actor. The opinion's personal data is erased with it (store.Withdraw):
// a withdrawn opinion is neither shown nor answered, the purposes its name and contact were
// kept for.
func (a *App) WithdrawOpinion(ctx context.Context, typed string) (*domain.Opinion, error) {
	o, c, err := a.byCode(ctx, typed)
	if err != nil {
		return nil, err
	}
	if o.Status == domain.OpinionWithdrawn {
		return nil, domain.Errorf(domain.CodeConflict, "error.already_withdrawn")
	}
	if c.PhaseAt(a.Now()) != domain.PhaseOpen {
		return nil, domain.Errorf(domain.CodeConflict, "error.withdraw_closed")
	}
	if o.Status != domain.OpinionPending && o.Status != domain.OpinionApproved {
		return nil, domain.Errorf(domain.CodeConflict, "error.withdraw_decided")
	}
	if err := a.store.Withdraw(ctx, o.ID, o.Status, a.Now()); err != nil {
		return nil, wrap(err)
	}
	o, err = a.store.OpinionByID(ctx, o.ID)
	return o, wrap(err)
}

// EraseMyData removes the author's name and contact from an opinion at any time, with every
// copy of them: the notices queued or sent to the contact, and the photos or scans of a paper
// opinion. The text and stance stay so the consultation's record stays whole; the consents
// are marked withdrawn, and no notice is queued for the opinion afterwards (store.Enqueue).
func (a *App) EraseMyData(ctx context.Context, typed string) (*domain.Opinion, error) {
	o, _, err := a.byCode(ctx, typed)
	if err != nil {
		return nil, err
	}
	if err := a.store.ErasePersonalData(ctx, o.ID, a.Now()); err != nil {
		return nil, wrap(err)
	}
	o, err = a.store.OpinionByID(ctx, o.ID)
	return o, wrap(err)
}

func (a *App) byCode(ctx context.Context, typed string) (*domain.Opinion, *domain.Consultation, error) {
	code, ok := shortcode.ParseTracking(typed)
	if !ok {
		return nil, nil, domain.InvalidField("code", "validation.tracking_code")
	}
	o, err := a.store.OpinionByCode(ctx, code)
	if err != nil {
		return nil, nil, domain.Errorf(domain.CodeNotFound, "error.tracking_not_found")
	}
	c, err := a.store.ConsultationByID(ctx, o.ConsultationID)
	if err != nil {
		return nil, nil, wrap(err)
	}
	return o, c, nil
}

// defaultRetentionDays is RETENTION_DAYS when nothing sets it.
const defaultRetentionDays = 90

// retentionDays is how many days after the results contacts are kept.
func (a *App) retentionDays() int {
	if a.RetentionDays <= 0 {
		return defaultRetentionDays
	}
	return a.RetentionDays
}

// PurgeExpired erases what the portal keeps past RetentionDays after a consultation's
// results were published, when the purpose of keeping it (answering the commenter) has been
// served: the contacts and unshown names on its opinions, the photos and scans of its paper
// opinions, and the outbox messages queued that long ago, given up, or about an opinion that
// no longer holds a contact (store.PurgeExpired).
func (a *App) PurgeExpired(ctx context.Context) (domain.Purged, error) {
	n, err := a.store.PurgeExpired(ctx, a.Now().AddDate(0, 0, -a.retentionDays()))
	return n, wrap(err)
}
