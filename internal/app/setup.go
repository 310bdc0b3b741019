package app

import (
	"context"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// The use cases in this file set up a new installation: the command line, the demo loader
// and tests call them before any staff account exists, so they do not check who asks.

// IsEmpty reports whether the database holds no units yet, so that demo data may be loaded.
func (a *App) IsEmpty(ctx context.Context) (bool, error) {
	n, err := a.store.CountUnits(ctx)
	return n == 0, wrap(err)
}

// CreateUnit adds one unit to the tree as given (its parent, if any, already stored).
func (a *App) CreateUnit(ctx context.Context, u *domain.Unit) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = a.Now()
	}
	return wrap(a.store.CreateUnit(ctx, u))
}

// ActorByEmail loads the actor of the account with this e-mail.
func (a *App) ActorByEmail(ctx context.Context, email string) (*domain.Actor, error) {
	st, err := a.store.StaffByEmail(ctx, email)
	if err != nil {
		return nil, wrap(err)
	}
	return a.actorOf(ctx, st)
}

// PublishBackdated publishes a draft as if it had been published at "at", checking the legal
// period from then; the demo's consultation has been open for a few days when a visitor first
// sees it.
func (a *App) PublishBackdated(ctx context.Context, actor *domain.Actor, id int64, at time.Time) (*domain.Consultation, error) {
	return a.publishAt(ctx, actor, id, at.UTC())
}
