package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/votecode"
)

// A decide matter (Law 10/2022 art. 15) ends with the decision of the households of each
// village concerned: recorded by an official from a meeting or from household ballots, or
// given by an online vote where the law allows one. The rules (who must agree, quorum,
// when online voting is allowed) are in domain/household.go; this file applies them to
// what officials enter and residents send.

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
	if issued != b.CodesVersion() {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.codes_already_issued",
			b.CodesIssuedAt.In(domain.Zone).Format("15:04:05 02/01/2006"))
	}
	sheet := &CodeSheet{C: h.C, Village: row.Village, Ballot: b, Codes: make([]IssuedCode, b.Households)}
	hashes := make([]string, b.Households)
	for i := range sheet.Codes {
		code := votecode.New()
		sheet.Codes[i] = IssuedCode{Serial: i + 1, Code: code}
		hashes[i] = votecode.Hash(b.ID, code)
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
		Open: b.OpenAt(now) && recordable(c.Status) && b.CodesIssuedAt != nil, Ended: b.Ended(now), Ready: b.CodesIssuedAt != nil,
		Consult: c.ID, Concluded: !recordable(c.Status),
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
	case !recordable(c.Status) || b.CodesIssuedAt == nil:
		return time.Time{}, domain.Errorf(domain.CodeConflict, "household.error.vote_closed")
	case now.Before(b.OpensAt):
		return time.Time{}, domain.Errorf(domain.CodeConflict, "household.error.vote_not_started", b.OpensAt.In(domain.Zone).Format("15:04 02/01/2006"))
	case b.Ended(now):
		return time.Time{}, domain.Errorf(domain.CodeConflict, "household.error.vote_over")
	}
	code, ok := votecode.Parse(in.Code)
	if in.Code != "" && !ok {
		return time.Time{}, badCode(mergeInvalid(verr, "code", "household.error.code_format"))
	}
	if verr != nil {
		return time.Time{}, verr
	}
	switch err := a.store.CastVote(ctx, b.ID, votecode.Hash(b.ID, code), domain.Stance(in.Choice), now); {
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

// DecisionRecord is the printable record (biên bản) of a village's decision.
type DecisionRecord struct {
	C        *domain.Consultation
	Village  domain.Unit
	Commune  *domain.Unit // the unit above the village, for the heading
	Decision *domain.VillageDecision
	Outcome  domain.Outcome
	Item     domain.Item
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
	r := &DecisionRecord{C: h.C, Village: row.Village, Decision: row.Decision, Outcome: row.Outcome, Item: h.Item}
	if row.Village.ParentID != nil {
		if r.Commune, err = a.store.UnitByID(ctx, *row.Village.ParentID); err != nil {
			return nil, wrap(err)
		}
	}
	return r, nil
}

// ConsultationDeadlines lists the deadlines the law sets after a consultation, as they stand
// now: the results (Law 10/2022 art. 12) once it has ended, and the deadlines of an adopted
// charter.
func (a *App) ConsultationDeadlines(ctx context.Context, c *domain.Consultation) ([]domain.Deadline, error) {
	now, cal := a.Now(), a.calendar()
	var out []domain.Deadline
	if d, ok := domain.ResultsDeadline(c, now, cal); ok {
		out = append(out, d)
	}
	charter, err := a.recognitionDeadlines(ctx, c, now, cal)
	if err != nil {
		return nil, err
	}
	return append(out, charter...), nil
}

// recognitionDeadlines is where the deadlines of an adopted hương ước or quy ước join the
// consultation's (Decree 61/2023 art. 11): the dossier within 5 working days of adoption,
// then the commune's recognition within 5 working days of a complete dossier, and the
// return to the village. The recognition itself, its record and its rules belong to
// charter.go; this hook only shows where they stand.
func (a *App) recognitionDeadlines(ctx context.Context, c *domain.Consultation, now time.Time, cal domain.Calendar) ([]domain.Deadline, error) {
	adopted, day, err := a.charterAdoption(ctx, c)
	if err != nil || !adopted {
		return nil, err
	}
	rec, err := a.store.CharterRecord(ctx, c.ID)
	switch {
	case err == nil:
		return domain.CharterDeadlines(rec, nil, now, cal), nil
	case domain.IsCode(err, domain.CodeNotFound):
		return domain.CharterDeadlines(nil, day, now, cal), nil
	}
	return nil, wrap(err)
}
