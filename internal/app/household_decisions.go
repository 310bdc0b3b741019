package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
)

// A decide matter (Law 10/2022 art. 15) ends with the decision of the households of each
// village concerned: recorded by an official from a meeting or from household ballots, or
// given by an online vote where the law allows one. The rules (who must agree, quorum,
// when online voting is allowed) are in domain/household.go. This file applies them to the
// decisions officials record and concludes the matter; household_ballots.go sets up online
// voting, household_voting.go takes the votes, household_minutes.go gives the written
// records and household_deadlines.go the deadlines that follow.

// VillageRow is one village of a decide matter with its decision, if there is one.
type VillageRow struct {
	Village domain.Unit
	// Decision is the recorded decision, or the one an ended online vote gave; nil while
	// the village has not decided.
	Decision *domain.VillageDecision
	Outcome  domain.Outcome
	// Ballot is the village's online vote, if one was set up.
	Ballot *domain.VillageBallot
}

// HouseholdDecisions is a decide matter with its villages and, once every village has
// decided, the overall outcome.
type HouseholdDecisions struct {
	C        *domain.Consultation
	Item     domain.Item
	Rule     domain.Rule
	Villages []VillageRow
	Decided  int  // villages with a decision
	Complete bool // every village has decided
	Adopted  bool // the outcome the numbers give, once complete
	// Recordable says whether decisions may be recorded now: after the consultation ended
	// and until the outcome is concluded.
	Recordable bool
	// Concludable says whether the outcome may be concluded now: every village has decided
	// and the results of the consultation are published.
	Concludable bool
	// CanManage says whether the actor may record decisions and set up votes here, so a page
	// shows the forms only to those who may use them.
	CanManage bool
	Now       time.Time
}

// Row returns the row of a village, nil if the village is not one of the matter's.
func (h *HouseholdDecisions) Row(villageID int64) *VillageRow {
	for i := range h.Villages {
		if h.Villages[i].Village.ID == villageID {
			return &h.Villages[i]
		}
	}
	return nil
}

// Decisions lists the villages' decisions, in the order of the villages.
func (h *HouseholdDecisions) Decisions() []domain.VillageDecision {
	var out []domain.VillageDecision
	for _, r := range h.Villages {
		if r.Decision != nil {
			out = append(out, *r.Decision)
		}
	}
	return out
}

// recordable reports whether village decisions may be recorded in a consultation's status:
// once it no longer takes opinions, until the outcome is concluded.
func recordable(s domain.Status) bool {
	return s == domain.StatusClosed || s == domain.StatusResultsPublished
}

// HouseholdDecisionsOf loads a decide matter's villages and decisions for whoever oversees it.
func (a *App) HouseholdDecisionsOf(ctx context.Context, actor *domain.Actor, consultationID int64) (*HouseholdDecisions, error) {
	c, err := a.OverseenConsultation(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	if c.Matter != domain.MatterDecide {
		return nil, domain.Errorf(domain.CodeNotFound, "household.error.not_decide")
	}
	h, err := a.householdDecisions(ctx, c)
	if err != nil {
		return nil, err
	}
	h.CanManage = a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID) == nil
	return h, nil
}

func (a *App) householdDecisions(ctx context.Context, c *domain.Consultation) (*HouseholdDecisions, error) {
	now := a.Now()
	villages, err := a.store.VillagesUnder(ctx, c.UnitID)
	if err != nil {
		return nil, wrap(err)
	}
	recorded, err := a.store.VillageDecisions(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	ballots, err := a.store.VillageBallots(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	h := &HouseholdDecisions{C: c, Item: c.Item, Rule: c.Item.Rule(), Now: now, Recordable: recordable(c.Status)}
	for _, v := range villages {
		row := VillageRow{Village: v}
		for i := range recorded {
			if recorded[i].VillageID == v.ID {
				row.Decision = &recorded[i]
			}
		}
		for i := range ballots {
			if ballots[i].VillageID == v.ID {
				row.Ballot = &ballots[i]
				// The online vote is the village's decision once it is over: its count
				// can no longer change.
				if row.Decision == nil && ballots[i].Ended(now) {
					d := ballots[i].Decision()
					row.Decision = &d
				}
			}
		}
		if row.Decision != nil {
			row.Outcome = row.Decision.Outcome(c.Item)
			h.Decided++
		}
		h.Villages = append(h.Villages, row)
	}
	h.Complete = len(h.Villages) > 0 && h.Decided == len(h.Villages)
	if h.Complete {
		h.Adopted = domain.OverallAdopted(c.Item, h.Decisions())
	}
	h.Concludable = h.Complete && c.Status == domain.StatusResultsPublished
	return h, nil
}

// decidable loads a decide matter an official may record decisions on now, with its villages.
func (a *App) decidable(ctx context.Context, actor *domain.Actor, consultationID int64) (*HouseholdDecisions, error) {
	c, err := a.store.ConsultationByID(ctx, consultationID)
	if err != nil {
		return nil, wrap(err)
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID); err != nil {
		return nil, err
	}
	switch {
	case c.Matter != domain.MatterDecide:
		return nil, domain.Errorf(domain.CodeConflict, "household.error.not_decide")
	case !c.Item.Valid():
		return nil, domain.Errorf(domain.CodeConflict, "household.error.no_item")
	case c.Status == domain.StatusAdopted || c.Status == domain.StatusRejected:
		return nil, domain.Errorf(domain.CodeConflict, "household.error.concluded")
	case !recordable(c.Status):
		return nil, domain.Errorf(domain.CodeConflict, "household.error.not_ended")
	}
	return a.householdDecisions(ctx, c)
}

// NewVillageDecision is what an official records from the minutes of a village's meeting or
// the count of its ballots. The numbers are pointers so that a missing one is told apart
// from a zero. The village's households are not entered: the law counts all households of
// the village, as the unit list has them.
type NewVillageDecision struct {
	// Village is the village's code, for API clients; the pages name the village in the path.
	Village  string    `json:"village" validate:"max=64"`
	Form     string    `json:"form" validate:"required,oneof=meeting ballot"`
	HeldOn   time.Time `json:"held_on" validate:"required"`
	Present  *int      `json:"present" validate:"required"`
	Agree    *int      `json:"agree" validate:"required"`
	Disagree *int      `json:"disagree" validate:"required"`
	Other    *int      `json:"other" validate:"required"`
}

// RecordVillageDecision records the decision of a village's households: the server applies
// the item's rule to the numbers, so adopted or rejected is never typed in. It refuses
// numbers that cannot be and a meeting without quorum, whose message points to household
// ballots. Recording again replaces the earlier record until the outcome is concluded.
// villageID 0 takes the village from in.Village, by code.
func (a *App) RecordVillageDecision(ctx context.Context, actor *domain.Actor, consultationID, villageID int64, in NewVillageDecision) (*domain.VillageDecision, domain.Outcome, error) {
	in.Village = strings.TrimSpace(in.Village)
	verr := a.check(in)
	h, err := a.decidable(ctx, actor, consultationID)
	if err != nil {
		return nil, domain.Outcome{}, err
	}
	row := h.villageRow(villageID, in.Village)
	if row == nil {
		if villageID == 0 {
			return nil, domain.Outcome{}, mergeInvalid(verr, "village", "household.error.village_unknown")
		}
		return nil, domain.Outcome{}, domain.ErrNotFound
	}
	if row.Ballot != nil {
		return nil, domain.Outcome{}, domain.Errorf(domain.CodeConflict, "household.error.village_votes_online")
	}
	if row.Village.Households <= 0 {
		return nil, domain.Outcome{}, domain.Errorf(domain.CodeConflict, "household.error.no_households")
	}
	if !in.HeldOn.IsZero() {
		day := domain.StartOfDay(in.HeldOn)
		switch {
		case day.After(domain.StartOfDay(h.Now)):
			verr = mergeInvalid(verr, "held_on", "household.error.held_in_future")
		case day.Before(domain.StartOfDay(h.C.OpensAt)):
			verr = mergeInvalid(verr, "held_on", "household.error.held_before_opening", h.C.OpensAt.In(domain.Zone).Format("02/01/2006"))
		}
	}
	if verr != nil {
		return nil, domain.Outcome{}, verr
	}
	form := domain.DecisionForm(in.Form)
	t := domain.Tally{Households: row.Village.Households, Present: *in.Present, Agree: *in.Agree, Disagree: *in.Disagree, Other: *in.Other}
	if err := t.Check(form); err != nil {
		return nil, domain.Outcome{}, err
	}
	d := &domain.VillageDecision{
		ConsultationID: h.C.ID, VillageID: row.Village.ID, Form: form, HeldOn: domain.StartOfDay(in.HeldOn).UTC(),
		Tally: t, RecordedBy: &actor.StaffID, RecordedAt: a.Now(),
	}
	out := t.Outcome(h.Item)
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SaveVillageDecision(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, actor, "village_decision.record", "consultation", h.C.ID, row.Village.ID, tallyDetail(row.Village, form, t, out))
	})
	if err != nil {
		return nil, domain.Outcome{}, err
	}
	return d, out, nil
}

// tallyDetail is the audit log's line for a recorded decision: enough to see what was
// entered each time, corrections included.
func tallyDetail(v domain.Unit, form domain.DecisionForm, t domain.Tally, o domain.Outcome) string {
	result := "rejected"
	if o.Adopted {
		result = "adopted"
	}
	return fmt.Sprintf("%s (%s): %s, %d/%d present, %d agree, %d disagree, %d other; %d needed: %s",
		v.Name, v.Code, form, t.Present, t.Households, t.Agree, t.Disagree, t.Other, o.Needed, result)
}

// villageRow finds a village of the matter by ID, or by code when id is 0.
func (h *HouseholdDecisions) villageRow(id int64, code string) *VillageRow {
	for i := range h.Villages {
		v := h.Villages[i].Village
		if (id != 0 && v.ID == id) || (id == 0 && code != "" && v.Code == code) {
			return &h.Villages[i]
		}
	}
	return nil
}

// Conclude records the outcome of a decide matter once every village has decided: adopted
// when the numbers carry it in every village, rejected otherwise. It comes after the
// results of the consultation are published, and the decision day is the day the last
// village decided, from which the dossier of an adopted charter is due.
func (a *App) Conclude(ctx context.Context, actor *domain.Actor, consultationID int64) (*domain.Consultation, error) {
	c, err := a.store.ConsultationByID(ctx, consultationID)
	if err != nil {
		return nil, wrap(err)
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID); err != nil {
		return nil, err
	}
	if c.Matter != domain.MatterDecide {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.not_decide")
	}
	if !domain.CanTransition(c.Status, domain.StatusAdopted) {
		if c.Status == domain.StatusClosed {
			return nil, domain.Errorf(domain.CodeConflict, "household.error.results_first")
		}
		return nil, domain.Errorf(domain.CodeConflict, "household.error.not_concludable")
	}
	h, err := a.householdDecisions(ctx, c)
	if err != nil {
		return nil, err
	}
	if !h.Complete {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.villages_missing", len(h.Villages)-h.Decided, len(h.Villages))
	}
	to := domain.StatusRejected
	if h.Adopted {
		to = domain.StatusAdopted
	}
	var decided time.Time
	for _, d := range h.Decisions() {
		if d.HeldOn.After(decided) {
			decided = d.HeldOn
		}
	}
	decided = decided.UTC()
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.ChangeStatus(ctx, c.ID, c.Status, to, &actor.StaffID, "", store.StatusStamps{DecidedAt: &decided}); err != nil {
			return err
		}
		return a.audit(ctx, actor, "consultation."+string(to), "consultation", c.ID, c.UnitID, "")
	})
	if err != nil {
		return nil, err
	}
	return a.store.ConsultationByID(ctx, c.ID)
}
