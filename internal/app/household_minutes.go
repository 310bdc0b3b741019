package app

import (
	"context"
	"slices"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// The written records of a village's decision: the minutes of an online vote and the
// printable record (biên bản) of any decision.

// Participant is one code that was used: its number on the sheet and when.
type Participant struct {
	Serial  int
	VotedAt time.Time
}

// Minutes is the record of an online vote (Decree 59/2023 art. 5): its times, how many
// codes were issued and used, the count once the vote is over, and which codes took part.
// The list of participants is for staff only.
type Minutes struct {
	C            *domain.Consultation
	Village      domain.Unit
	Ballot       *domain.VillageBallot
	Issued       int
	Participants []Participant
	// Final says the vote is over: only then are the counts shown, so no one watching the
	// minutes during the vote can match a participant's time to a change in the counts.
	Final    bool
	Decision *domain.VillageDecision
	Outcome  domain.Outcome
}

// BallotMinutes loads the minutes of a village's online vote for whoever oversees the matter.
func (a *App) BallotMinutes(ctx context.Context, actor *domain.Actor, consultationID, villageID int64) (*Minutes, error) {
	h, err := a.HouseholdDecisionsOf(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	row := h.Row(villageID)
	if row == nil || row.Ballot == nil {
		return nil, domain.ErrNotFound
	}
	codes, err := a.store.BallotCodes(ctx, row.Ballot.ID)
	if err != nil {
		return nil, wrap(err)
	}
	m := &Minutes{C: h.C, Village: row.Village, Ballot: row.Ballot, Issued: len(codes), Final: row.Ballot.Ended(h.Now)}
	for _, code := range codes {
		if code.VotedAt != nil {
			m.Participants = append(m.Participants, Participant{Serial: code.Serial, VotedAt: *code.VotedAt})
		}
	}
	slices.SortFunc(m.Participants, func(x, y Participant) int { return x.VotedAt.Compare(y.VotedAt) })
	if m.Final {
		d := row.Ballot.Decision()
		m.Decision, m.Outcome = &d, d.Outcome(h.Item)
	}
	return m, nil
}

// DecisionRecord is the printable record (biên bản) of a village's decision, with what
// Law 10/2022 art. 20(2) asks of it: the day and place, the households of the village, those
// present and those with no representative, the form, the content decided and the result,
// and the signatures of the village head, the head of the village Front committee and two
// household representatives.
type DecisionRecord struct {
	C        *domain.Consultation
	Village  domain.Unit
	Commune  *domain.Unit // the unit above the village, for the heading
	Decision *domain.VillageDecision
	Outcome  domain.Outcome
	Item     domain.Item
	// Acts are what followed the decision (nil before any); Recognition where an adopted
	// decision that needs recognition stands, for the village's own recognition, or the
	// charter's for a hương ước or quy ước.
	Acts        *domain.VillageDecisionActs
	Recognition domain.Recognition
	// CanSign says the actor may record the Front's signature.
	CanSign bool
}

// VillageDecisionRecord loads the record of a village's decision for whoever oversees the matter.
func (a *App) VillageDecisionRecord(ctx context.Context, actor *domain.Actor, consultationID, villageID int64) (*DecisionRecord, error) {
	h, err := a.HouseholdDecisionsOf(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	row := h.Row(villageID)
	if row == nil || row.Decision == nil {
		return nil, domain.ErrNotFound
	}
	r := &DecisionRecord{C: h.C, Village: row.Village, Decision: row.Decision, Outcome: row.Outcome, Item: h.Item,
		Acts: row.Acts, Recognition: row.Recognition, CanSign: h.CanFront && row.Decided()}
	if row.Village.ParentID != nil {
		if r.Commune, err = a.store.UnitByID(ctx, *row.Village.ParentID); err != nil {
			return nil, wrap(err)
		}
	}
	return r, nil
}
