package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// CharterInput is one step of a charter's recognition as an official records it. Dates are
// local days, YYYY-MM-DD. Which fields a step needs:
//
//   - submit: adopted_on; the dossier's checklist: request_ref and request_date (the
//     village's request), minutes_ref and minutes_date (the minutes of the households'
//     decision), has_text (the adopted text). A document is in the dossier when its date
//     is given.
//   - incomplete: reasons (what is missing). complete: nothing.
//   - recognise: decision_number and decision_date. refuse: reasons and decision_date (the
//     written answer), decision_number if it has one.
//   - return, send_front: decision_date, the day the charter was sent back to the village,
//     or to the commune's Fatherland Front.
//   - suspend: decision_number, decision_date, reasons, scope ("whole" or "part"; articles
//     for a part), grounds_on (the day the report or finding reached the commune) and
//     amend_by (the last day the village has to amend).
//   - amend (the village, after a suspension): adopted_on, minutes_ref and minutes_date,
//     articles and amended_text. The commune then records a new recognition (recognise).
//   - annul: decision_number, decision_date, reasons, scope (articles for a part), and
//     grounds_on unless the suspension's period to amend ran out.
//   - drafting and review are not steps of the recognition: see RecordCharterDrafting and
//     RecordCharterReview, which the same endpoint reaches.
type CharterInput struct {
	Step           string `json:"step" validate:"required,oneof=submit incomplete complete recognise refuse return send_front suspend amend annul drafting review"`
	AdoptedOn      string `json:"adopted_on"`
	RequestRef     string `json:"request_ref" validate:"max=100"`
	RequestDate    string `json:"request_date"`
	MinutesRef     string `json:"minutes_ref" validate:"max=100"`
	MinutesDate    string `json:"minutes_date"`
	HasText        bool   `json:"has_text"`
	DecisionNumber string `json:"decision_number" validate:"max=100"`
	DecisionDate   string `json:"decision_date"`
	Reasons        string `json:"reasons" validate:"max=5000"`
	Scope          string `json:"scope" validate:"omitempty,oneof=whole part"`
	Articles       string `json:"articles" validate:"max=500"`
	GroundsOn      string `json:"grounds_on"`
	AmendBy        string `json:"amend_by"`
	AmendedText    string `json:"amended_text" validate:"max=20000"`

	// drafting (Decree 61/2023 art. 7-8)
	ProposedBy    string `json:"proposed_by" validate:"max=200"`
	ProposedOn    string `json:"proposed_on"`
	Proposal      string `json:"proposal" validate:"max=5000"`
	TeamFormedOn  string `json:"team_formed_on"`
	LeaderName    string `json:"leader_name" validate:"max=100"`
	FrontHeadName string `json:"front_head_name" validate:"max=100"`
	Members       string `json:"members" validate:"max=3000"`

	// review (art. 15(4))
	HeldOn   string `json:"held_on"`
	Outcome  string `json:"outcome" validate:"omitempty,oneof=keep amend replace annul"`
	Findings string `json:"findings" validate:"max=5000"`
}

// Charter is a hương ước or quy ước on its way from adoption to recognition, and after.
type Charter struct {
	C      *domain.Consultation
	Record *domain.CharterRecord // nil until the dossier is submitted
	Steps  []domain.CharterStepRecord
	// Adopted says the households adopted it, so its dossier can go to the commune;
	// AdoptedOn is the day, when the portal knows it.
	Adopted   bool
	AdoptedOn *time.Time
	Deadlines []domain.Deadline
	// Next lists the steps the actor may record now (none for the public).
	Next []domain.CharterStep
	// Drafting is the proposal and drafting team, nil until recorded; Reviews the annual
	// reviews, the latest first.
	Drafting *domain.CharterDrafting
	Reviews  []domain.CharterReview
	// CanDraft and CanReview say whether the actor may record the drafting team now and
	// this year's review (the village's officials).
	CanDraft, CanReview bool
	// ReviewYear is the year whose review is owed or may be recorded (0: none).
	ReviewYear int
}

// State is the charter's state; CharterNone before its dossier.
func (ch *Charter) State() domain.CharterState {
	if ch.Record == nil {
		return domain.CharterNone
	}
	return ch.Record.State
}

// Can reports whether the actor may record a step now, for the forms a page shows.
func (ch *Charter) Can(step string) bool { return slices.Contains(ch.Next, domain.CharterStep(step)) }

// Last returns the last step of a kind, or nil.
func (ch *Charter) Last(step string) *domain.CharterStepRecord {
	for i := len(ch.Steps) - 1; i >= 0; i-- {
		if string(ch.Steps[i].Step) == step {
			return &ch.Steps[i]
		}
	}
	return nil
}

// isCharter reports whether a consultation is a village charter, which the commune recognises.
func isCharter(c *domain.Consultation) bool {
	return c.Kind == domain.KindHuongUoc || c.Kind == domain.KindQuyUoc
}

// charterAdoption is where the households' decision plugs into recognition: a charter may go
// to the commune once the households have adopted it, which the decisions recorded for its
// villages establish (the consultation's status becomes adopted, household.go). The day of
// adoption is that of the last village decision, or else the moment it became adopted;
// the official may still give the day written in the minutes when submitting.
func (a *App) charterAdoption(ctx context.Context, c *domain.Consultation) (bool, *time.Time, error) {
	if !isCharter(c) || c.Status != domain.StatusAdopted {
		return false, nil, nil
	}
	day, err := a.store.AdoptionDay(ctx, c)
	if err != nil {
		return false, nil, wrap(err)
	}
	if day != nil {
		d := domain.StartOfDay(*day)
		day = &d
	}
	return true, day, nil
}

// Charter loads a charter for its page: the public one (actor nil) or the staff one, which
// also lists the steps the actor may record.
func (a *App) Charter(ctx context.Context, actor *domain.Actor, consultationID int64) (*Charter, error) {
	c, err := a.Consultation(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	return a.charterOf(ctx, actor, c)
}

// PublicCharter is Charter for a consultation the public page has already loaded.
func (a *App) PublicCharter(ctx context.Context, c *domain.Consultation) (*Charter, error) {
	return a.charterOf(ctx, nil, c)
}

// StaffCharter is Charter for staff who oversee the consultation's unit.
func (a *App) StaffCharter(ctx context.Context, actor *domain.Actor, consultationID int64) (*Charter, error) {
	c, err := a.OverseenConsultation(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	return a.charterOf(ctx, actor, c)
}

func (a *App) charterOf(ctx context.Context, actor *domain.Actor, c *domain.Consultation) (*Charter, error) {
	ch := &Charter{C: c}
	if !isCharter(c) {
		return ch, nil
	}
	var err error
	if ch.Adopted, ch.AdoptedOn, err = a.charterAdoption(ctx, c); err != nil {
		return nil, err
	}
	if r, err := a.store.CharterRecord(ctx, c.ID); err == nil {
		ch.Record = r
	} else if !domain.IsCode(err, domain.CodeNotFound) {
		return nil, wrap(err)
	}
	if ch.Record != nil || ch.Adopted {
		if ch.Steps, err = a.store.CharterSteps(ctx, c.ID); err != nil {
			return nil, wrap(err)
		}
		var adopted *time.Time
		if ch.Record == nil {
			adopted = ch.AdoptedOn
		}
		ch.Deadlines = domain.CharterDeadlines(ch.Record, adopted, a.Now(), a.calendar())
	}
	if ch.Drafting, err = a.store.CharterDrafting(ctx, c.ID); err != nil {
		return nil, wrap(err)
	}
	if ch.Record != nil {
		if ch.Reviews, err = a.store.CharterReviews(ctx, c.ID); err != nil {
			return nil, wrap(err)
		}
		ch.ReviewYear = a.reviewYear(ch.Record, ch.Reviews)
	}
	if actor != nil && (ch.Record != nil || ch.Adopted) {
		for _, step := range domain.StepsFrom(ch.State()) {
			if step == domain.StepAmend && ch.Record.AmendedAt != nil {
				continue
			}
			if step == domain.StepRecognise && ch.State() == domain.CharterSuspended && ch.Record.AmendedAt == nil {
				continue
			}
			if a.authorizeCharter(ctx, actor, c, step) == nil {
				ch.Next = append(ch.Next, step)
			}
		}
	}
	if actor != nil && a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID) == nil {
		ch.CanDraft = ch.State() != domain.CharterAnnulled
		ch.CanReview = ch.ReviewYear != 0
	}
	return ch, nil
}

// reviewYear is the year whose review a charter in force may have recorded now: the
// current year once its review day (18 November, art. 15(4)) has come, or the year before
// while that review is missing; 0 when none is owed.
func (a *App) reviewYear(r *domain.CharterRecord, reviews []domain.CharterReview) int {
	if r == nil || r.DecisionDate == nil || (r.State != domain.CharterRecognised && r.State != domain.CharterSuspended) {
		return 0
	}
	now := a.Now().In(domain.Zone)
	done := func(y int) bool {
		return slices.ContainsFunc(reviews, func(x domain.CharterReview) bool { return x.Year == y })
	}
	for _, y := range []int{now.Year(), now.Year() - 1} {
		if domain.ReviewDue(*r.DecisionDate, y) && !done(y) && !now.Before(domain.ReviewDay(y).AddDate(0, 0, -30)) {
			return y
		}
	}
	return 0
}

// authorizeCharter checks who records a step: the dossier is the village's (officials of the
// consultation's unit submit it); everything after is the commune People's Committee's
// (officials of the commune the charter's unit belongs to).
func (a *App) authorizeCharter(ctx context.Context, actor *domain.Actor, c *domain.Consultation, step domain.CharterStep) error {
	if step == domain.StepSubmit || step == domain.StepAmend {
		return a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID)
	}
	commune, err := a.communeOf(ctx, c.UnitID)
	if err != nil {
		return err
	}
	return a.authorize(ctx, actor, domain.PermManageConsultation, commune)
}

// communeOf is the commune (ward, special zone) a unit is or belongs to; a unit above every
// commune (a province) answers for itself.
func (a *App) communeOf(ctx context.Context, unitID int64) (int64, error) {
	ancestry, err := a.store.UnitAncestry(ctx, unitID)
	if err != nil {
		return 0, wrap(err)
	}
	units, err := a.store.UnitsByIDs(ctx, ancestry)
	if err != nil {
		return 0, wrap(err)
	}
	for _, id := range ancestry {
		if u := units[id]; u != nil && slices.Contains(communeKinds, u.Kind) {
			return id, nil
		}
	}
	return unitID, nil
}

// RecordCharterStep records one step of a charter's recognition: the village's dossier, the
// commune's check of it, its decision, the return to the village, and later suspension or
// annulment. Steps follow one table (domain.CharterNext): recognising a dossier not yet found
// complete is refused, as is a refusal, suspension or annulment without reasons. Each step
// is audit-logged and kept in the charter's timeline.
func (a *App) RecordCharterStep(ctx context.Context, actor *domain.Actor, consultationID int64, in CharterInput) (*Charter, error) {
	in.RequestRef = textnorm.CleanLine(in.RequestRef)
	in.MinutesRef = textnorm.CleanLine(in.MinutesRef)
	in.DecisionNumber = textnorm.CleanLine(in.DecisionNumber)
	in.Reasons = textnorm.CleanText(in.Reasons)
	in.Articles = textnorm.CleanLine(in.Articles)
	in.AmendedText = textnorm.CleanText(in.AmendedText)
	in.Scope = strings.TrimSpace(in.Scope)
	if err := a.check(in); err != nil {
		return nil, err
	}
	switch in.Step {
	case "drafting":
		return a.RecordCharterDrafting(ctx, actor, consultationID, in)
	case "review":
		return a.RecordCharterReview(ctx, actor, consultationID, in)
	}
	step := domain.CharterStep(in.Step)
	c, err := a.store.ConsultationByID(ctx, consultationID)
	if err != nil {
		return nil, wrap(err)
	}
	if c.Status == domain.StatusDraft {
		// Staff who cannot see a draft are not told it exists.
		if err := a.authorize(ctx, actor, domain.PermOversee, c.UnitID); err != nil {
			return nil, domain.ErrNotFound
		}
	}
	if err := a.authorizeCharter(ctx, actor, c, step); err != nil {
		return nil, err
	}
	if !isCharter(c) {
		return nil, domain.Errorf(domain.CodeConflict, "error.charter_kind")
	}
	adopted, adoptedOn, err := a.charterAdoption(ctx, c)
	if err != nil {
		return nil, err
	}
	rec, err := a.store.CharterRecord(ctx, c.ID)
	from := domain.CharterNone
	switch {
	case err == nil:
		from = rec.State
	case domain.IsCode(err, domain.CodeNotFound):
		rec = nil
	default:
		return nil, wrap(err)
	}
	if from == domain.CharterNone && !adopted {
		return nil, domain.Errorf(domain.CodeConflict, "error.charter_not_adopted")
	}
	to, ok := domain.CharterNext(from, step)
	if !ok {
		return nil, domain.Errorf(domain.CodeConflict, "error.charter_step."+in.Step)
	}
	if step == domain.StepReturn && rec.ReturnedOn != nil {
		return nil, domain.Errorf(domain.CodeConflict, "error.charter_returned", rec.ReturnedOn.In(domain.Zone).Format("02/01/2006"))
	}
	if step == domain.StepSendFront && rec.FrontSentOn != nil {
		return nil, domain.Errorf(domain.CodeConflict, "error.charter_front_sent", rec.FrontSentOn.In(domain.Zone).Format("02/01/2006"))
	}
	// A suspension ends only with a new recognition of the amended charter (Decree 61/2023
	// art. 12(5), 13(4)): the village's amendment comes first, once.
	if step == domain.StepRecognise && from == domain.CharterSuspended && rec.AmendedAt == nil {
		return nil, domain.Errorf(domain.CodeConflict, "error.charter_not_amended")
	}
	if step == domain.StepAmend && rec.AmendedAt != nil {
		return nil, domain.Errorf(domain.CodeConflict, "error.charter_amended")
	}
	if step == domain.StepAnnul {
		to = domain.CharterAnnulTo(in.Scope)
	}

	now := a.Now()
	today := domain.StartOfDay(now)
	var ferr error
	day := func(field, value string, required bool) *time.Time {
		value = strings.TrimSpace(value)
		if value == "" {
			if required {
				ferr = mergeInvalid(ferr, field, "validation.required")
			}
			return nil
		}
		d, err := time.ParseInLocation(time.DateOnly, value, domain.Zone)
		if err != nil {
			ferr = mergeInvalid(ferr, field, "validation.date")
			return nil
		}
		if d.After(today) {
			ferr = mergeInvalid(ferr, field, "validation.charter_date_future")
			return nil
		}
		return &d
	}
	notBefore := func(field string, d *time.Time, floor time.Time, key string) {
		if d != nil && d.Before(domain.StartOfDay(floor)) {
			ferr = mergeInvalid(ferr, field, key, floor.In(domain.Zone).Format("02/01/2006"))
		}
	}
	required := func(field, value string) {
		if value == "" {
			ferr = mergeInvalid(ferr, field, "validation.required")
		}
	}

	rs := &domain.CharterStepRecord{
		ConsultationID: c.ID, Step: step, FromState: from, ToState: to, ActorID: &actor.StaffID, CreatedAt: now,
	}
	var next domain.CharterRecord
	if rec != nil {
		next = *rec
	}
	switch step {
	case domain.StepSubmit:
		adoptedDay := day("adopted_on", in.AdoptedOn, adoptedOn == nil)
		if adoptedDay == nil && in.AdoptedOn == "" {
			adoptedDay = adoptedOn
		}
		notBefore("adopted_on", adoptedDay, c.OpensAt, "validation.charter_adopted_early")
		requestDay := day("request_date", in.RequestDate, in.RequestRef != "")
		minutesDay := day("minutes_date", in.MinutesDate, in.MinutesRef != "")
		if adoptedDay != nil {
			notBefore("minutes_date", minutesDay, *adoptedDay, "validation.charter_minutes_early")
		}
		if ferr != nil {
			return nil, ferr
		}
		next.ConsultationID, next.VersionNumber, next.AdoptedOn = c.ID, c.Version, adoptedDay.UTC()
		next.RequestRef, next.RequestDate = in.RequestRef, utcPtr(requestDay)
		next.MinutesRef, next.MinutesDate = in.MinutesRef, utcPtr(minutesDay)
		next.HasText, next.SubmittedAt = in.HasText, now
		if from == domain.CharterNone || from == domain.CharterRefused {
			// A first dossier, or one for a charter adopted again after a refusal: its
			// own deadline, and no decision yet.
			next.FirstSubmittedAt = now
			next.DecisionNumber, next.DecisionDate, next.ReturnedOn = "", nil, nil
		}
		rs.AdoptedOn, rs.RequestRef, rs.RequestDate = utcPtr(adoptedDay), next.RequestRef, next.RequestDate
		rs.MinutesRef, rs.MinutesDate, rs.HasText = next.MinutesRef, next.MinutesDate, next.HasText
	case domain.StepIncomplete:
		required("reasons", in.Reasons)
		if ferr != nil {
			return nil, ferr
		}
		rs.Reasons = in.Reasons
	case domain.StepComplete:
		if missing := rec.Missing(); len(missing) > 0 {
			return nil, domain.Errorf(domain.CodeConflict, "error.charter_missing", len(missing))
		}
	case domain.StepRecognise, domain.StepRefuse:
		if step == domain.StepRecognise {
			required("decision_number", in.DecisionNumber)
		} else {
			required("reasons", in.Reasons)
		}
		d := day("decision_date", in.DecisionDate, true)
		if from == domain.CharterSuspended {
			// The new recognition of the amended charter: after the amendment came.
			notBefore("decision_date", d, *rec.AmendedAt, "validation.charter_decision_early")
		} else {
			notBefore("decision_date", d, rec.SubmittedAt, "validation.charter_decision_early")
		}
		if ferr != nil {
			return nil, ferr
		}
		if from == domain.CharterSuspended {
			// The amended charter is the dossier this decision answers, and the new
			// decision is sent to the village and to the Front again.
			next.SubmittedAt = *rec.AmendedAt
			next.ReturnedOn, next.FrontSentOn = nil, nil
		}
		next.DecisionNumber, next.DecisionDate = in.DecisionNumber, utcPtr(d)
		rs.DocNumber, rs.DocDate, rs.Reasons = in.DecisionNumber, utcPtr(d), in.Reasons
	case domain.StepReturn:
		d := day("decision_date", in.DecisionDate, true)
		notBefore("decision_date", d, *rec.DecisionDate, "validation.charter_return_early")
		if ferr != nil {
			return nil, ferr
		}
		next.ReturnedOn = utcPtr(d)
		rs.DocDate = utcPtr(d)
	case domain.StepSendFront:
		d := day("decision_date", in.DecisionDate, true)
		notBefore("decision_date", d, *rec.DecisionDate, "validation.charter_return_early")
		if ferr != nil {
			return nil, ferr
		}
		next.FrontSentOn = utcPtr(d)
		rs.DocDate = utcPtr(d)
	case domain.StepAmend:
		adoptedDay := day("adopted_on", in.AdoptedOn, true)
		notBefore("adopted_on", adoptedDay, *rec.SuspendedOn, "validation.charter_act_early")
		minutesDay := day("minutes_date", in.MinutesDate, true)
		if adoptedDay != nil {
			notBefore("minutes_date", minutesDay, *adoptedDay, "validation.charter_minutes_early")
		}
		required("amended_text", in.AmendedText)
		if ferr != nil {
			return nil, ferr
		}
		next.AmendedAt = &now
		rs.AdoptedOn, rs.MinutesRef, rs.MinutesDate = utcPtr(adoptedDay), in.MinutesRef, utcPtr(minutesDay)
		rs.Articles, rs.AmendedText = in.Articles, in.AmendedText
	case domain.StepSuspend, domain.StepAnnul:
		required("decision_number", in.DecisionNumber)
		required("reasons", in.Reasons)
		required("scope", in.Scope)
		if in.Scope == domain.ScopePart {
			required("articles", in.Articles)
		}
		d := day("decision_date", in.DecisionDate, true)
		notBefore("decision_date", d, *rec.DecisionDate, "validation.charter_act_early")
		// The period runs from the day the report or the finding reached the commune
		// (art. 12(2)); for an annulment after a suspension whose period to amend ran out,
		// from that period's last day (art. 14).
		lapsed := step == domain.StepAnnul && from == domain.CharterSuspended && rec.AmendBy != nil &&
			rec.AmendedAt == nil && today.After(domain.StartOfDay(*rec.AmendBy))
		grounds := day("grounds_on", in.GroundsOn, !lapsed)
		notBefore("grounds_on", grounds, *rec.DecisionDate, "validation.charter_act_early")
		if grounds != nil {
			notBefore("decision_date", d, *grounds, "validation.charter_grounds_early")
		}
		var amendBy *time.Time
		if step == domain.StepSuspend {
			// The period to amend lies ahead: a day after the decision, in the future too.
			if v := strings.TrimSpace(in.AmendBy); v == "" {
				ferr = mergeInvalid(ferr, "amend_by", "validation.required")
			} else if t, err := time.ParseInLocation(time.DateOnly, v, domain.Zone); err != nil {
				ferr = mergeInvalid(ferr, "amend_by", "validation.date")
			} else {
				amendBy = &t
			}
		}
		if ferr != nil {
			return nil, ferr
		}
		rs.DocNumber, rs.DocDate, rs.Reasons = in.DecisionNumber, utcPtr(d), in.Reasons
		rs.Scope, rs.GroundsOn = in.Scope, utcPtr(grounds)
		if in.Scope == domain.ScopePart {
			rs.Articles = in.Articles
		}
		if step == domain.StepSuspend {
			if !amendBy.After(*d) {
				return nil, invalidField("amend_by", "validation.charter_amend_by_early", d.In(domain.Zone).Format("02/01/2006"))
			}
			rs.AmendBy = utcPtr(amendBy)
			next.SuspendGroundsOn, next.SuspendedOn, next.SuspendScope = utcPtr(grounds), utcPtr(d), in.Scope
			next.SuspendedArticles, next.AmendBy, next.AmendedAt = rs.Articles, utcPtr(amendBy), nil
		} else {
			start := grounds
			if start == nil {
				start = rec.AmendBy
			}
			next.AnnulFrom, next.AnnulledOn = utcPtr(start), utcPtr(d)
			if in.Scope == domain.ScopePart {
				next.AnnulledArticles = joinArticles(rec.AnnulledArticles, in.Articles)
			}
		}
	}
	next.State, next.UpdatedAt = to, now
	detail := in.DecisionNumber
	if detail == "" && rs.DocDate != nil {
		detail = rs.DocDate.In(domain.Zone).Format(time.DateOnly)
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.ApplyCharterStep(ctx, &next, from, rs); err != nil {
			return err
		}
		return a.audit(ctx, actor, "charter."+in.Step, "consultation", c.ID, c.UnitID, detail)
	})
	if err != nil {
		return nil, err
	}
	return a.charterOf(ctx, actor, c)
}

// joinArticles adds the articles of a partial annulment to those annulled before.
func joinArticles(before, more string) string {
	if before == "" {
		return more
	}
	return before + "; " + more
}

func invalidField(field, key string, args ...any) error {
	return mergeInvalid(nil, field, key, args...)
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// InForceCharter is a recognised charter as a unit's page lists it.
type InForceCharter struct {
	ID             int64
	Title          string
	Kind           domain.ConsultationKind
	UnitCode       string
	UnitName       string
	DecisionNumber string
	DecisionDate   time.Time
	// SuspendedArticles and AnnulledArticles name the parts not in force.
	SuspendedArticles string
	AnnulledArticles  string
}

// ChartersInForce lists the hương ước and quy ước in force in the given units: recognised,
// and not annulled in whole; one suspended in part is in force for the rest (Decree
// 61/2023 art. 12(1)), and says which articles are suspended or annulled.
func (a *App) ChartersInForce(ctx context.Context, unitIDs []int64) ([]InForceCharter, error) {
	rows, err := a.store.Charters(ctx, unitIDs, []domain.CharterState{domain.CharterRecognised, domain.CharterSuspended})
	if err != nil {
		return nil, wrap(err)
	}
	out := make([]InForceCharter, 0, len(rows))
	for _, r := range rows {
		if r.State == domain.CharterSuspended && r.SuspendScope != domain.ScopePart {
			continue
		}
		ic := InForceCharter{ID: r.ConsultationID, Title: r.Title, Kind: r.Kind, UnitCode: r.UnitCode, UnitName: r.UnitName, DecisionNumber: r.DecisionNumber,
			AnnulledArticles: r.AnnulledArticles}
		if r.State == domain.CharterSuspended {
			ic.SuspendedArticles = r.SuspendedArticles
		}
		if r.DecisionDate != nil {
			ic.DecisionDate = *r.DecisionDate
		}
		out = append(out, ic)
	}
	return out, nil
}

// CharterDeadlineRow is a charter that missed one of its deadlines, for the oversight view.
type CharterDeadlineRow struct {
	ID       int64
	Title    string
	Unit     domain.Unit
	State    domain.CharterState
	Deadline domain.Deadline
}

// charterDeadlines lists the charters of the given units that missed a deadline, or are
// missing one now: the dossier after adoption, the commune's decision, the return to the
// village. Most working days late first.
func (a *App) charterDeadlines(ctx context.Context, unitIDs []int64, now time.Time) ([]CharterDeadlineRow, error) {
	cal := a.calendar()
	var out []CharterDeadlineRow
	rows, err := a.store.Charters(ctx, unitIDs, nil)
	if err != nil {
		return nil, wrap(err)
	}
	for _, r := range rows {
		rec := r.CharterRecord
		for _, d := range domain.CharterDeadlines(&rec, nil, now, cal) {
			if d.Missed() {
				out = append(out, CharterDeadlineRow{ID: r.ConsultationID, Title: r.Title, State: rec.State,
					Unit: domain.Unit{ID: r.UnitID, Code: r.UnitCode, Name: r.UnitName}, Deadline: d})
			}
		}
	}
	adopted, err := a.store.AdoptedWithoutDossier(ctx, unitIDs)
	if err != nil {
		return nil, wrap(err)
	}
	for _, r := range adopted {
		day := domain.StartOfDay(r.AdoptedOn)
		for _, d := range domain.CharterDeadlines(nil, &day, now, cal) {
			if d.Missed() {
				out = append(out, CharterDeadlineRow{ID: r.ID, Title: r.Title,
					Unit: domain.Unit{ID: r.UnitID, Code: r.UnitCode, Name: r.UnitName}, Deadline: d})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y CharterDeadlineRow) int {
		if x.Deadline.DaysLate != y.Deadline.DaysLate {
			return y.Deadline.DaysLate - x.Deadline.DaysLate
		}
		return int(x.ID - y.ID)
	})
	return out, nil
}

// CharterDeadlines lists the charters that missed a deadline in the units the actor
// oversees, for the oversight page and API.
func (a *App) CharterDeadlines(ctx context.Context, actor *domain.Actor) ([]CharterDeadlineRow, error) {
	units, err := a.scope(ctx, actor, domain.PermOversee)
	if err != nil {
		return nil, err
	}
	return a.charterDeadlines(ctx, units, a.Now())
}
