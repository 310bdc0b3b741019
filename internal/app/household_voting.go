package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/shortcode"
	"github.com/gopy-vn/gopy/internal/store"
)

// A household representative votes online on a public page with the code from the slip:
// once per code, within the voting times. Nothing stored links a code to its choice.

// PublicBallot is what a household representative sees of an online vote: the matter, the
// village and the voting times. Nothing about who voted.
type PublicBallot struct {
	ID        int64
	Title     string
	Summary   string
	Village   domain.Unit
	OpensAt   time.Time
	ClosesAt  time.Time
	Open      bool // taking votes now
	Ended     bool
	Ready     bool // codes have been issued
	Consult   int64
	Concluded bool
}

// Ballot loads an online vote for its public page. A vote is public once it is set up; its
// consultation was published long before.
func (a *App) Ballot(ctx context.Context, ballotID int64) (*PublicBallot, error) {
	b, err := a.store.BallotByID(ctx, ballotID)
	if err != nil {
		return nil, wrap(err)
	}
	c, err := a.store.ConsultationByID(ctx, b.ConsultationID)
	if err != nil {
		return nil, wrap(err)
	}
	if c.Status == domain.StatusWithdrawn || c.Status == domain.StatusDraft {
		return nil, domain.ErrNotFound
	}
	v, err := a.store.UnitByID(ctx, b.VillageID)
	if err != nil {
		return nil, wrap(err)
	}
	now := a.Now()
	return &PublicBallot{
		ID: b.ID, Title: c.Title, Summary: c.Summary, Village: *v, OpensAt: b.OpensAt, ClosesAt: b.ClosesAt,
		Open: b.OpenAt(now) && recordable(c) && b.CodesIssuedAt != nil, Ended: b.Ended(now), Ready: b.CodesIssuedAt != nil,
		Consult: c.ID, Concluded: !recordable(c),
	}, nil
}

// NewVote is a household representative's vote: the code from the slip and the choice.
type NewVote struct {
	Code   string `json:"code" validate:"required,max=80"`
	Choice string `json:"choice" validate:"required,oneof=agree disagree other"`
}

// ErrBadVotingCode marks a vote refused for its code (unknown or badly typed), so the
// caller can count the attempt against the guessing limit.
var ErrBadVotingCode = errors.New("app: bad voting code")

// Vote counts one household's vote with its code, once. A code already used, a vote
// outside its times and an unknown code are each refused with their own message; an
// unknown or malformed code also wraps ErrBadVotingCode.
func (a *App) Vote(ctx context.Context, ballotID int64, in NewVote) (time.Time, error) {
	in.Code = strings.TrimSpace(in.Code)
	verr := a.check(in)
	b, err := a.store.BallotByID(ctx, ballotID)
	if err != nil {
		return time.Time{}, wrap(err)
	}
	c, err := a.store.ConsultationByID(ctx, b.ConsultationID)
	if err != nil {
		return time.Time{}, wrap(err)
	}
	now := a.Now()
	switch {
	case !recordable(c) || b.CodesIssuedAt == nil:
		return time.Time{}, domain.Errorf(domain.CodeConflict, "household.error.vote_closed")
	case now.Before(b.OpensAt):
		return time.Time{}, domain.Errorf(domain.CodeConflict, "household.error.vote_not_started", b.OpensAt.In(domain.Zone).Format("15:04 02/01/2006"))
	case b.Ended(now):
		return time.Time{}, domain.Errorf(domain.CodeConflict, "household.error.vote_over")
	}
	code, ok := shortcode.ParseVote(in.Code)
	if in.Code != "" && !ok {
		return time.Time{}, badCode(mergeInvalid(verr, "code", "household.error.code_format"))
	}
	if verr != nil {
		return time.Time{}, verr
	}
	switch err := a.store.CastVote(ctx, b.ID, shortcode.HashVote(b.ID, code), domain.Stance(in.Choice), now); {
	case errors.Is(err, store.ErrCodeUnknown):
		return time.Time{}, badCode(domain.InvalidField("code", "household.error.code_unknown"))
	case errors.Is(err, store.ErrCodeUsed):
		return time.Time{}, domain.InvalidField("code", "household.error.code_used")
	case errors.Is(err, store.ErrVoteClosed):
		return time.Time{}, domain.Errorf(domain.CodeConflict, "household.error.vote_over")
	case err != nil:
		return time.Time{}, wrap(err)
	}
	return now, nil
}

// badVote is a refusal that also says the code was bad.
type badVote struct{ err *domain.Error }

func (b badVote) Error() string   { return b.err.Error() }
func (b badVote) Unwrap() []error { return []error{b.err, ErrBadVotingCode} }
func badCode(err error) error     { return badVote{domain.AsError(err)} }
