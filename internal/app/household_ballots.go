package app

import (
	"context"
	"fmt"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/shortcode"
)

// Online voting in a village (Decree 59/2023 art. 5) is set up by an official: the
// households' agreement, the voting times, and one code per household, printed on a sheet.
// The votes themselves come through household_voting.go.

// NewBallot sets up online voting in a village: how many households agreed to vote online
// and when, and the time the vote opens and closes.
type NewBallot struct {
	AgreedHouseholds *int      `json:"agreed_households" validate:"required"`
	AgreedOn         time.Time `json:"agreed_on" validate:"required"`
	OpensAt          time.Time `json:"opens_at" validate:"required"`
	ClosesAt         time.Time `json:"closes_at" validate:"required"`
}

// SaveBallot sets up (or, before anyone voted, changes) the online vote of a village. Only
// a matter of item 6 may be voted on online, and only after more than half of the village's
// households agreed to it (Decree 59/2023 art. 5).
func (a *App) SaveBallot(ctx context.Context, actor *domain.Actor, consultationID, villageID int64, in NewBallot) (*domain.VillageBallot, error) {
	verr := a.check(in)
	h, err := a.decidable(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	if h.Item != domain.ItemOtherSelfManaged {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.online_item")
	}
	row := h.Row(villageID)
	if row == nil {
		return nil, domain.ErrNotFound
	}
	if row.Decision != nil && row.Decision.Form != domain.FormOnline {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.village_decided")
	}
	n := row.Village.Households
	if n <= 0 {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.no_households")
	}
	if in.AgreedHouseholds != nil {
		switch {
		case *in.AgreedHouseholds > n:
			verr = mergeInvalid(verr, "agreed_households", "household.error.agreed_over_total", *in.AgreedHouseholds, n)
		case !domain.OnlineVotingAllowed(h.Item, n, *in.AgreedHouseholds):
			verr = mergeInvalid(verr, "agreed_households", "household.error.online_agreement", domain.RuleMajority.Needed(n), n)
		}
	}
	if !in.AgreedOn.IsZero() && domain.StartOfDay(in.AgreedOn).After(domain.StartOfDay(h.Now)) {
		verr = mergeInvalid(verr, "agreed_on", "household.error.held_in_future")
	}
	if !in.OpensAt.IsZero() && !in.ClosesAt.IsZero() {
		switch {
		case !in.ClosesAt.After(in.OpensAt):
			verr = mergeInvalid(verr, "closes_at", "validation.closes_before_opens")
		case !in.ClosesAt.After(h.Now):
			verr = mergeInvalid(verr, "closes_at", "household.error.vote_ends_in_past")
		}
	}
	if verr != nil {
		return nil, verr
	}
	now := a.Now()
	b := &domain.VillageBallot{
		ConsultationID: h.C.ID, VillageID: row.Village.ID, Households: n, AgreedHouseholds: *in.AgreedHouseholds,
		AgreedOn: domain.StartOfDay(in.AgreedOn).UTC(), OpensAt: in.OpensAt.UTC(), ClosesAt: in.ClosesAt.UTC(),
		CreatedBy: &actor.StaffID, CreatedAt: now, UpdatedAt: now,
	}
	if row.Ballot != nil {
		b.ID, b.CreatedBy, b.CreatedAt, b.CodesIssuedAt = row.Ballot.ID, row.Ballot.CreatedBy, row.Ballot.CreatedAt, row.Ballot.CodesIssuedAt
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SaveBallot(ctx, b); err != nil {
			return err
		}
		return a.audit(ctx, actor, "village_ballot.save", "consultation", h.C.ID, row.Village.ID,
			fmt.Sprintf("%s (%s): %d of %d households agreed; %s – %s", row.Village.Name, row.Village.Code, b.AgreedHouseholds, n,
				b.OpensAt.In(domain.Zone).Format("15:04 02/01/2006"), b.ClosesAt.In(domain.Zone).Format("15:04 02/01/2006")))
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// AgreeToOnlineVote records, for the village Front committee, its agreement to a village's
// online vote as it is set up (Decree 59/2023 art. 5). Codes are issued only after it;
// changing the vote's settings asks for it again.
func (a *App) AgreeToOnlineVote(ctx context.Context, actor *domain.Actor, consultationID, villageID int64) error {
	c, err := a.store.ConsultationByID(ctx, consultationID)
	if err != nil {
		return wrap(err)
	}
	if err := a.authorize(ctx, actor, domain.PermFrontAct, c.UnitID); err != nil {
		return err
	}
	if c.Matter != domain.MatterDecide || !recordable(c) {
		return domain.Errorf(domain.CodeConflict, "household.error.vote_closed")
	}
	h, err := a.householdDecisions(ctx, c)
	if err != nil {
		return err
	}
	row := h.Row(villageID)
	if row == nil {
		return domain.ErrNotFound
	}
	b := row.Ballot
	switch {
	case b == nil:
		return domain.Errorf(domain.CodeConflict, "household.error.no_ballot")
	case b.Ended(h.Now):
		return domain.Errorf(domain.CodeConflict, "household.error.vote_over")
	case b.FrontAgreedAt != nil:
		return nil
	}
	return a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.AgreeToBallot(ctx, b.ID, actor.StaffID, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, actor, "village_ballot.front_agree", "consultation", c.ID, row.Village.ID,
			fmt.Sprintf("%s (%s): %d of %d households agreed; %s – %s", row.Village.Name, row.Village.Code, b.AgreedHouseholds, b.Households,
				b.OpensAt.In(domain.Zone).Format("15:04 02/01/2006"), b.ClosesAt.In(domain.Zone).Format("15:04 02/01/2006")))
	})
}

// IssuedCode is a voting code as printed: its number on the sheet and the code itself,
// shown this once and never stored.
type IssuedCode struct {
	Serial int
	Code   string
}

// CodeSheet is the printable sheet of a village's voting codes.
type CodeSheet struct {
	C       *domain.Consultation
	Village domain.Unit
	Ballot  *domain.VillageBallot
	Codes   []IssuedCode
}

// IssueCodes makes one voting code per household of the village and returns them for the
// sheet that is printed and handed out: only their hashes are kept, so they cannot be shown
// again. Issuing again replaces every code, which is allowed only before the first vote.
// issued names the codes the official means to replace (the CodesVersion of the ballot they
// saw, "" for none): a form sent twice, as a browser does when the sheet is reloaded, finds
// newer codes and is refused instead of voiding the sheet just printed.
func (a *App) IssueCodes(ctx context.Context, actor *domain.Actor, consultationID, villageID int64, issued string) (*CodeSheet, error) {
	h, err := a.decidable(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	row := h.Row(villageID)
	if row == nil {
		return nil, domain.ErrNotFound
	}
	b := row.Ballot
	if b == nil {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.no_ballot")
	}
	if b.Ended(h.Now) {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.vote_over")
	}
	if b.FrontAgreedAt == nil {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.front_agreement_first")
	}
	if issued != b.CodesVersion() {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.codes_already_issued",
			b.CodesIssuedAt.In(domain.Zone).Format("15:04:05 02/01/2006"))
	}
	sheet := &CodeSheet{C: h.C, Village: row.Village, Ballot: b, Codes: make([]IssuedCode, b.Households)}
	hashes := make([]string, b.Households)
	for i := range sheet.Codes {
		code := shortcode.NewVote()
		sheet.Codes[i] = IssuedCode{Serial: i + 1, Code: code}
		hashes[i] = shortcode.HashVote(b.ID, code)
	}
	now := a.Now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.IssueCodes(ctx, b.ID, hashes, now); err != nil {
			return err
		}
		return a.audit(ctx, actor, "village_ballot.codes", "consultation", h.C.ID, row.Village.ID,
			fmt.Sprintf("%s (%s): %d codes", row.Village.Name, row.Village.Code, len(hashes)))
	})
	if err != nil {
		return nil, err
	}
	b.CodesIssuedAt = &now
	return sheet, nil
}
