package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/textnorm"
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
	// Decision is the recorded decision (a meeting that could not decide included), or the
	// one an ended online vote gave; nil while nothing is recorded.
	Decision *domain.VillageDecision
	Outcome  domain.Outcome
	// Ballot is the village's online vote, if one was set up.
	Ballot *domain.VillageBallot
	// Acts are what was recorded after the decision (sending, the Front's signature and
	// receipt, recognition); nil before any.
	Acts *domain.VillageDecisionActs
	// Recognition is where an adopted decision that needs recognition stands.
	Recognition domain.Recognition
	// Deadlines are those of the decision: sending it (Law 10/2022 art. 20(3)) and its
	// recognition (art. 21(2)).
	Deadlines []domain.Deadline
}

// Decided reports whether the village has taken its decision: a meeting without quorum
// is recorded but decides nothing.
func (r VillageRow) Decided() bool { return r.Decision != nil && r.Outcome.Quorate }

// NoQuorum reports whether the village's record is a meeting that could not decide, after
// which household ballots may follow.
func (r VillageRow) NoQuorum() bool { return r.Decision != nil && !r.Outcome.Quorate }

// HouseholdDecisions is a decide matter with its villages and, once every village has
// decided, the overall outcome.
type HouseholdDecisions struct {
	C        *domain.Consultation
	Item     domain.Item
	Rule     domain.Rule
	Villages []VillageRow
	// CommuneScope says the matter is put to a whole commune (its unit is a commune, ward
	// or special zone), so items 1 and 2 are adopted by two thirds of its villages.
	CommuneScope bool
	Decided      int  // villages with a decision
	Adopting     int  // villages whose decision adopted the matter
	Complete     bool // every village has decided
	Adopted      bool // the outcome the numbers give, once complete
	// Recognition is where the adopted hương ước or quy ước stands with the commune
	// (charter.go), once adopted; the villages' own recognitions are on their rows.
	Recognition domain.Recognition
	// Recordable says whether decisions may be recorded now: after the consultation ended
	// and until the outcome is concluded; for an election, from its draft on.
	Recordable bool
	// Concludable says whether the outcome may be concluded now: every village has decided
	// and the results of the consultation are published. An election is not concluded.
	Concludable bool
	// CanManage says whether the actor may record decisions and set up votes here, so a page
	// shows the forms only to those who may use them; CanFront whether the actor records
	// the Front's acts; CanRecognise whether the actor recognises the villages' decisions.
	CanManage    bool
	CanFront     bool
	CanRecognise bool
	Now          time.Time
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
		if r.Decided() {
			out = append(out, *r.Decision)
		}
	}
	return out
}

// Awaiting reports whether the adopted matter still waits for recognition (items 3–5), so
// a page says so instead of "adopted".
func (h *HouseholdDecisions) Awaiting() bool { return h.Recognition == domain.RecognitionAwaiting }

// recordable reports whether village decisions may be recorded on a consultation now: once
// it no longer takes opinions, until the outcome is concluded. An election (items 4–5) is
// never put to a comment period, so its results are recorded on the draft.
func recordable(c *domain.Consultation) bool {
	if c.Item.Election() {
		return c.Status == domain.StatusDraft
	}
	return c.Status == domain.StatusClosed || c.Status == domain.StatusResultsPublished
}

// villageRecognised reports whether the commune recognises the villages' decisions one by
// one through their acts: every item that needs recognition, except a hương ước or quy
// ước, whose dossier follows charter.go.
func villageRecognised(c *domain.Consultation) bool {
	return c.Item.RecognisedBy() != domain.RecognisedByNone && !isCharter(c)
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
	h.CanFront = a.authorize(ctx, actor, domain.PermFrontAct, c.UnitID) == nil
	if villageRecognised(c) {
		h.CanRecognise = a.authorizeRecognition(ctx, actor, c) == nil
	}
	return h, nil
}

func (a *App) householdDecisions(ctx context.Context, c *domain.Consultation) (*HouseholdDecisions, error) {
	now, cal := a.Now(), a.calendar()
	villages, err := a.store.VillagesUnder(ctx, c.UnitID)
	if err != nil {
		return nil, wrap(err)
	}
	recorded, err := a.store.VillageDecisionsWithClusters(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	ballots, err := a.store.VillageBallots(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	acts, err := a.store.DecisionActs(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	unit, err := a.store.UnitByID(ctx, c.UnitID)
	if err != nil {
		return nil, wrap(err)
	}
	h := &HouseholdDecisions{C: c, Item: c.Item, Rule: c.Item.Rule(), Now: now, Recordable: recordable(c),
		CommuneScope: slices.Contains(communeKinds, unit.Kind)}
	var outcomes []domain.Outcome
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
		for i := range acts {
			if acts[i].VillageID == v.ID {
				row.Acts = &acts[i]
			}
		}
		if row.Decision != nil {
			row.Outcome = row.Decision.Result(c.Item)
		}
		if row.Decided() {
			h.Decided++
			outcomes = append(outcomes, row.Outcome)
			if row.Outcome.Adopted {
				h.Adopting++
			}
			recognised := villageRecognised(c) && row.Outcome.Adopted
			if recognised {
				row.Recognition = domain.RecognitionOf(c.Item, row.Outcome, row.Acts)
			}
			row.Deadlines = domain.DecisionDeadlines(row.Decision.HeldOn, row.Acts, recognised, now, cal)
		}
		h.Villages = append(h.Villages, row)
	}
	h.Complete = len(h.Villages) > 0 && h.Decided == len(h.Villages)
	if h.Complete {
		h.Adopted = domain.OverallAdopted(c.Item, h.CommuneScope, outcomes)
	}
	if h.Adopted && isCharter(c) {
		h.Recognition = domain.RecognitionAwaiting
		if rec, err := a.store.CharterRecord(ctx, c.ID); err == nil {
			switch rec.State {
			case domain.CharterRecognised, domain.CharterSuspended, domain.CharterAnnulled:
				h.Recognition = domain.RecognitionRecognised
			case domain.CharterRefused:
				h.Recognition = domain.RecognitionRefused
			}
		} else if !domain.IsCode(err, domain.CodeNotFound) {
			return nil, wrap(err)
		}
	}
	// A hương ước or quy ước is recognised as a whole, through its dossier: each village
	// that adopted it waits for that recognition.
	if isCharter(c) {
		for i := range h.Villages {
			if r := &h.Villages[i]; r.Decided() && r.Outcome.Adopted {
				r.Recognition = cmp.Or(h.Recognition, domain.RecognitionAwaiting)
			}
		}
	}
	h.Concludable = h.Complete && c.Status == domain.StatusResultsPublished && !c.Item.Election()
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
	case c.Item.Election() && c.Status != domain.StatusDraft:
		return nil, domain.Errorf(domain.CodeConflict, "household.error.election_published")
	case !recordable(c):
		return nil, domain.Errorf(domain.CodeConflict, "household.error.not_ended")
	}
	return a.householdDecisions(ctx, c)
}

// NewVillageDecision is what an official records from the minutes of a village's meeting or
// the count of its ballots. The numbers are pointers so that a missing one is told apart
// from a zero. The village's households are not entered: the law counts all households of
// the village, as the unit list has them. A village that met by clusters gives each
// cluster's count instead, and the numbers are their sums.
type NewVillageDecision struct {
	// Village is the village's code, for API clients; the pages name the village in the path.
	Village string    `json:"village" validate:"max=64"`
	Form    string    `json:"form" validate:"required,oneof=meeting ballot"`
	HeldOn  time.Time `json:"held_on" validate:"required"`
	// Place and Content are the place of the meeting or count and what was decided, for
	// the record (Law 10/2022 art. 20(2)).
	Place    string         `json:"place" validate:"max=300"`
	Content  string         `json:"content" validate:"max=3000"`
	Present  *int           `json:"present"`
	Agree    *int           `json:"agree"`
	Disagree *int           `json:"disagree"`
	Other    *int           `json:"other"`
	Clusters []ClusterInput `json:"clusters" validate:"max=50"`
}

// ClusterInput is the count of one cluster meeting.
type ClusterInput struct {
	Name     string `json:"name"`
	Present  *int   `json:"present"`
	Agree    *int   `json:"agree"`
	Disagree *int   `json:"disagree"`
	Other    *int   `json:"other"`
}

// tally reads the numbers of a decision: its own, or the sums of its clusters. Missing
// numbers are reported on their fields; a cluster's faults on "clusters".
func (in *NewVillageDecision) tally(households int) (domain.Tally, []domain.ClusterCount, error) {
	var verr error
	if len(in.Clusters) == 0 {
		for field, n := range map[string]*int{"present": in.Present, "agree": in.Agree, "disagree": in.Disagree, "other": in.Other} {
			if n == nil {
				verr = mergeInvalid(verr, field, "validation.required")
			}
		}
		if verr != nil {
			return domain.Tally{}, nil, verr
		}
		return domain.Tally{Households: households, Present: *in.Present, Agree: *in.Agree, Disagree: *in.Disagree, Other: *in.Other}, nil, nil
	}
	clusters := make([]domain.ClusterCount, 0, len(in.Clusters))
	for i, c := range in.Clusters {
		if c.Present == nil || c.Agree == nil || c.Disagree == nil || c.Other == nil {
			return domain.Tally{}, nil, domain.InvalidField("clusters", "household.error.cluster_missing", i+1)
		}
		cc := domain.ClusterCount{Name: textnorm.CleanLine(c.Name), Present: *c.Present, Agree: *c.Agree, Disagree: *c.Disagree, Other: *c.Other}
		if cc.Present < 0 || cc.Agree < 0 || cc.Disagree < 0 || cc.Other < 0 {
			return domain.Tally{}, nil, domain.InvalidField("clusters", "household.error.cluster_negative", i+1)
		}
		if cc.Agree+cc.Disagree+cc.Other > cc.Present {
			return domain.Tally{}, nil, domain.InvalidField("clusters", "household.error.cluster_votes_over_present", i+1,
				cc.Agree+cc.Disagree+cc.Other, cc.Present)
		}
		if len([]rune(cc.Name)) > 100 {
			return domain.Tally{}, nil, domain.InvalidField("clusters", "household.error.cluster_name", i+1)
		}
		clusters = append(clusters, cc)
	}
	t := domain.SumClusters(households, clusters)
	// Numbers given beside the clusters must be their sums, or one of them is mistyped.
	for field, pair := range map[string][2]*int{"present": {in.Present, &t.Present}, "agree": {in.Agree, &t.Agree},
		"disagree": {in.Disagree, &t.Disagree}, "other": {in.Other, &t.Other}} {
		if pair[0] != nil && *pair[0] != *pair[1] {
			verr = mergeInvalid(verr, field, "household.error.cluster_sum", *pair[0], *pair[1])
		}
	}
	return t, clusters, verr
}

// RecordVillageDecision records the decision of a village's households: the server applies
// the item's rule to the numbers, so adopted or rejected is never typed in. It refuses
// numbers that cannot be; on items 1 and 2 a meeting too small to carry the matter, whose
// message points to household ballots (Law 10/2022 art. 19(1)(b)); on items 3 to 5 ballots
// that no meeting without quorum preceded (art. 17(2)); and clusters in a village under 200
// households (art. 18(3)). A meeting without quorum on another item is recorded as such,
// deciding nothing. Recording again replaces the earlier record until the decision is sent
// or the outcome concluded. villageID 0 takes the village from in.Village, by code.
func (a *App) RecordVillageDecision(ctx context.Context, actor *domain.Actor, consultationID, villageID int64, in NewVillageDecision) (*domain.VillageDecision, domain.Outcome, error) {
	in.Village = strings.TrimSpace(in.Village)
	in.Place = textnorm.CleanLine(in.Place)
	in.Content = textnorm.CleanText(in.Content)
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
	if row.Acts.Final() {
		return nil, domain.Outcome{}, domain.Errorf(domain.CodeConflict, "household.error.decision_final")
	}
	if !in.HeldOn.IsZero() {
		day := domain.StartOfDay(in.HeldOn)
		switch {
		case day.After(domain.StartOfDay(h.Now)):
			verr = mergeInvalid(verr, "held_on", "household.error.held_in_future")
		case !h.Item.Election() && day.Before(domain.StartOfDay(h.C.OpensAt)):
			verr = mergeInvalid(verr, "held_on", "household.error.held_before_opening", h.C.OpensAt.In(domain.Zone).Format("02/01/2006"))
		}
	}
	form := domain.DecisionForm(in.Form)
	if len(in.Clusters) > 0 {
		switch {
		case form != domain.FormMeeting && in.Form != "":
			verr = mergeInvalid(verr, "clusters", "household.error.clusters_meeting_only")
		case row.Village.Households < domain.ClusterMinHouseholds:
			verr = mergeInvalid(verr, "clusters", "household.error.clusters_small_village", row.Village.Households, domain.ClusterMinHouseholds)
		}
	}
	// Items decided at a meeting first take ballots only after a meeting that could not
	// decide: the one recorded now, or the one kept with ballots recorded before.
	var priorOn *time.Time
	var priorPresent *int
	if form == domain.FormBallot && h.Item.MeetingFirst() {
		switch d := row.Decision; {
		case row.NoQuorum():
			on, present := d.HeldOn, d.Present
			priorOn, priorPresent = &on, &present
		case d != nil && d.Form == domain.FormBallot && d.PriorMeetingOn != nil:
			priorOn, priorPresent = d.PriorMeetingOn, d.PriorMeetingPresent
		default:
			verr = mergeInvalid(verr, "form", "household.error.meeting_first")
		}
	}
	t, clusters, terr := in.tally(row.Village.Households)
	if terr != nil {
		return nil, domain.Outcome{}, mergeAll(verr, terr)
	}
	if verr != nil {
		return nil, domain.Outcome{}, verr
	}
	if err := t.Check(h.Item, form); err != nil {
		return nil, domain.Outcome{}, err
	}
	d := &domain.VillageDecision{
		ConsultationID: h.C.ID, VillageID: row.Village.ID, Form: form, HeldOn: domain.StartOfDay(in.HeldOn).UTC(),
		Place: in.Place, Content: in.Content, Tally: t, PriorMeetingOn: priorOn, PriorMeetingPresent: priorPresent,
		RecordedBy: &actor.StaffID, RecordedAt: a.Now(), Clusters: clusters,
	}
	out := d.Result(h.Item)
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SaveVillageDecision(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, actor, "village_decision.record", "consultation", h.C.ID, row.Village.ID, tallyDetail(row.Village, d, out))
	})
	if err != nil {
		return nil, domain.Outcome{}, err
	}
	return d, out, nil
}

// mergeAll adds the field messages of b to a, keeping a's where both name a field.
func mergeAll(a, b error) error {
	if a == nil {
		return b
	}
	var de *domain.Error
	if errors.As(b, &de) {
		for f, m := range de.Fields {
			a = mergeInvalid(a, f, m.Key, m.Args...)
		}
	}
	return a
}

// tallyDetail is the audit log's line for a recorded decision: enough to see what was
// entered each time, corrections included.
func tallyDetail(v domain.Unit, d *domain.VillageDecision, o domain.Outcome) string {
	result := "rejected"
	switch {
	case !o.Quorate:
		result = "no quorum, nothing decided"
	case o.Adopted:
		result = "adopted"
	}
	t := d.Tally
	line := fmt.Sprintf("%s (%s): %s, %d/%d present, %d agree, %d disagree, %d other; %d needed: %s",
		v.Name, v.Code, d.Form, t.Present, t.Households, t.Agree, t.Disagree, t.Other, o.Needed, result)
	if len(d.Clusters) > 0 {
		line += fmt.Sprintf(" (%d clusters)", len(d.Clusters))
	}
	return line
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
// when the numbers carry it (in every village, or for items 1 and 2 put to a commune in two
// thirds of its villages), rejected otherwise. It comes after the results of the
// consultation are published, and the decision day is the day the last village decided,
// from which the dossier of an adopted charter is due. An election (items 4–5) is not
// concluded: each village's result goes to the commune for recognition.
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
	if c.Item.Election() {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.election_not_concluded")
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
