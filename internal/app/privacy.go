package app

import (
	"context"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/shortcode"
)

// WithdrawOpinion lets the author take back an opinion, with its tracking code, while the
// consultation is open. It stops counting everywhere, and the decision is logged like a
// moderator's, with no actor.
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

// EraseMyData removes the author's name and contact from an opinion at any time, keeping its
// text and stance so the consultation's record stays whole, and marks their consents withdrawn.
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

// PurgeExpiredContacts erases the contacts of opinions whose consultation published its
// results more than retention ago; the law's purpose for keeping them (answering the
// commenter) has then been served. It returns how many opinions were purged.
func (a *App) PurgeExpiredContacts(ctx context.Context, retention time.Duration) (int64, error) {
	n, err := a.store.PurgeContacts(ctx, a.Now().Add(-retention))
	return n, wrap(err)
}
