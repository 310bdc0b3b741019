package app

import (
	"context"
	"fmt"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// What follows a village's decision (Law 10/2022 art. 20(3), 21(2)): the official records
// the day it was sent to the commune People's Committee and the commune Front; the Front
// records its receipt and the signature of its village committee's head on the record; and
// the commune recognises or refuses a decision on item 4 (its People's Committee) or item
// 5 (its Front). The hương ước (item 3) is recognised through its dossier (charter.go).

// followedDecision loads a village's decision for an act after it: the village must have
// decided (a meeting without quorum decided nothing).
func (a *App) followedDecision(ctx context.Context, consultationID, villageID int64) (*HouseholdDecisions, *VillageRow, error) {
	c, err := a.store.ConsultationByID(ctx, consultationID)
	if err != nil {
		return nil, nil, wrap(err)
	}
	if c.Matter != domain.MatterDecide {
		return nil, nil, domain.Errorf(domain.CodeConflict, "household.error.not_decide")
	}
	h, err := a.householdDecisions(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	row := h.Row(villageID)
	if row == nil {
		return nil, nil, domain.ErrNotFound
	}
	return h, row, nil
}

// decidedRow refuses an act on a village that has not decided.
func decidedRow(row *VillageRow) error {
	if !row.Decided() {
		return domain.Errorf(domain.CodeConflict, "household.error.not_decided")
	}
	return nil
}

// actDay checks the day of an act: given, not in the future, not before the decision.
func actDay(field string, day time.Time, row *VillageRow, now time.Time) error {
	switch {
	case day.IsZero():
		return domain.InvalidField(field, "validation.required")
	case domain.StartOfDay(day).After(domain.StartOfDay(now)):
		return domain.InvalidField(field, "household.error.held_in_future")
	case domain.StartOfDay(day).Before(domain.StartOfDay(row.Decision.HeldOn)):
		return domain.InvalidField(field, "household.error.act_before_decision", row.Decision.HeldOn.In(domain.Zone).Format("02/01/2006"))
	}
	return nil
}

// RecordDecisionSent records the day a village's decision was sent to the commune People's
// Committee and the commune Front, due within 5 working days of the decision (Law 10/2022
// art. 20(3)). It may be corrected until the commune has recognised or refused it.
func (a *App) RecordDecisionSent(ctx context.Context, actor *domain.Actor, consultationID, villageID int64, sentOn time.Time) error {
	return a.dayAct(ctx, actor, consultationID, villageID, dayActSent, sentOn)
}

// RecordFrontReceipt records, for the commune Front, the day it received a village's
// decision (Law 10/2022 art. 20(3)).
func (a *App) RecordFrontReceipt(ctx context.Context, actor *domain.Actor, consultationID, villageID int64, receivedOn time.Time) error {
	return a.dayAct(ctx, actor, consultationID, villageID, dayActReceived, receivedOn)
}

// dayActKind is an act after a village's decision that is a day: who records it, in which
// form field and columns, under which guard, and its audit action.
type dayActKind struct {
	perm           domain.Permission
	field          string // the form field
	column, by     string // the columns of the day and of who recorded it
	guard, lostKey string // the condition the row must meet, and the message when it does not
	action, verb   string
}

var (
	dayActSent = dayActKind{perm: domain.PermManageConsultation, field: "sent_on", column: "sent_on", by: "sent_by",
		guard: "recognition = ''", lostKey: "household.error.recognition_recorded", action: "village_decision.sent", verb: "sent"}
	dayActReceived = dayActKind{perm: domain.PermFrontAct, field: "received_on", column: "front_received_on", by: "front_received_by",
		action: "village_decision.front_receipt", verb: "received"}
)

// dayAct records the day of an act after a village's decision.
func (a *App) dayAct(ctx context.Context, actor *domain.Actor, consultationID, villageID int64, k dayActKind, on time.Time) error {
	h, row, err := a.followedDecision(ctx, consultationID, villageID)
	if err != nil {
		return err
	}
	if err := a.authorize(ctx, actor, k.perm, h.C.UnitID); err != nil {
		return err
	}
	if err := decidedRow(row); err != nil {
		return err
	}
	if err := actDay(k.field, on, row, h.Now); err != nil {
		return err
	}
	day := domain.StartOfDay(on).UTC()
	return a.recordAct(ctx, actor, h.C.ID, row, map[string]any{k.column: day, k.by: actor.StaffID}, k.guard, k.lostKey,
		k.action, fmt.Sprintf("%s %s", k.verb, day.In(domain.Zone).Format(time.DateOnly)))
}

// recordAct records an act after a village's decision and its audit entry together. guard
// is the condition the acts must still meet; lostKey, when set, is the message for a
// request that finds it no longer met.
func (a *App) recordAct(ctx context.Context, actor *domain.Actor, consultationID int64, row *VillageRow, set map[string]any,
	guard, lostKey, action, detail string) error {
	err := a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.RecordDecisionAct(ctx, consultationID, row.Village.ID, set, guard, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, actor, action, "consultation", consultationID, row.Village.ID,
			fmt.Sprintf("%s (%s): %s", row.Village.Name, row.Village.Code, detail))
	})
	if err != nil && lostKey != "" {
		return conflictAs(err, lostKey)
	}
	return err
}

// SignDecisionRecord records, for the Front, that the head of its village committee signed
// the record of a village's decision (Law 10/2022 art. 20(2)). Signed, the record no longer
// changes. Signing again changes nothing.
func (a *App) SignDecisionRecord(ctx context.Context, actor *domain.Actor, consultationID, villageID int64) error {
	h, row, err := a.followedDecision(ctx, consultationID, villageID)
	if err != nil {
		return err
	}
	if err := a.authorize(ctx, actor, domain.PermFrontAct, h.C.UnitID); err != nil {
		return err
	}
	if err := decidedRow(row); err != nil {
		return err
	}
	if row.Acts != nil && row.Acts.FrontSignedAt != nil {
		return nil
	}
	return a.recordAct(ctx, actor, h.C.ID, row, map[string]any{"front_signed_at": a.Now().UTC(), "front_signed_by": actor.StaffID},
		"front_signed_at IS NULL", "", "village_decision.front_sign", "signed")
}

// RecognitionInput is the commune's written decision on a village's decision: recognise,
// or refuse with reasons; the number and day of the document.
type RecognitionInput struct {
	Decision string    `json:"decision" validate:"required,oneof=recognise refuse"`
	Number   string    `json:"number" validate:"max=100"`
	Date     time.Time `json:"date"`
	Reasons  string    `json:"reasons" validate:"max=5000"`
}

// authorizeRecognition checks who recognises the decisions on a matter: the commune
// People's Committee (its officials) for items 3 and 4, the commune Front for item 5 (Law
// 10/2022 art. 21(2)), of the commune the matter's unit is or belongs to.
func (a *App) authorizeRecognition(ctx context.Context, actor *domain.Actor, c *domain.Consultation) error {
	commune, err := a.communeOf(ctx, c.UnitID)
	if err != nil {
		return err
	}
	if c.Item.RecognisedBy() == domain.RecognisedByCommuneFront {
		return a.authorize(ctx, actor, domain.PermFrontAct, commune)
	}
	return a.authorize(ctx, actor, domain.PermManageConsultation, commune)
}

// RecogniseDecision records the commune's recognition or written refusal, with reasons, of
// an adopted village decision on item 4 or 5, once it was sent (Law 10/2022 art. 21(2)).
// Until then the decision awaits recognition and is not in effect. It is recorded once.
func (a *App) RecogniseDecision(ctx context.Context, actor *domain.Actor, consultationID, villageID int64, in RecognitionInput) error {
	in.Number, in.Reasons = textnorm.CleanLine(in.Number), textnorm.CleanText(in.Reasons)
	verr := a.check(in)
	h, row, err := a.followedDecision(ctx, consultationID, villageID)
	if err != nil {
		return err
	}
	if !villageRecognised(h.C) {
		return domain.Errorf(domain.CodeConflict, "household.error.no_recognition")
	}
	if err := a.authorizeRecognition(ctx, actor, h.C); err != nil {
		return err
	}
	switch {
	case !row.Decided() || !row.Outcome.Adopted:
		return domain.Errorf(domain.CodeConflict, "household.error.recognise_adopted_only")
	case row.Acts == nil || row.Acts.SentOn == nil:
		return domain.Errorf(domain.CodeConflict, "household.error.recognise_after_sent")
	case row.Recognition != domain.RecognitionAwaiting:
		return domain.Errorf(domain.CodeConflict, "household.error.recognition_recorded")
	}
	if in.Decision == "refuse" && in.Reasons == "" {
		verr = mergeInvalid(verr, "reasons", "household.error.refusal_reasons")
	}
	if in.Decision == "recognise" && in.Number == "" {
		verr = mergeInvalid(verr, "number", "validation.required")
	}
	if err := actDay("date", in.Date, row, h.Now); err != nil {
		verr = mergeAll(verr, err)
	} else if domain.StartOfDay(in.Date).Before(domain.StartOfDay(*row.Acts.SentOn)) {
		verr = mergeInvalid(verr, "date", "household.error.recognition_before_sent", row.Acts.SentOn.In(domain.Zone).Format("02/01/2006"))
	}
	if verr != nil {
		return verr
	}
	state := domain.RecognitionRecognised
	if in.Decision == "refuse" {
		state = domain.RecognitionRefused
	}
	day := domain.StartOfDay(in.Date).UTC()
	return a.recordAct(ctx, actor, h.C.ID, row, map[string]any{"recognition": state, "recognition_number": in.Number,
		"recognition_date": day, "recognition_reasons": in.Reasons, "recognition_by": actor.StaffID},
		"recognition = ''", "household.error.recognition_recorded", "village_decision."+in.Decision,
		fmt.Sprintf("%s %s %s", state, in.Number, day.In(domain.Zone).Format(time.DateOnly)))
}

// conflictAs gives a guarded act that lost its race the message of the act that won.
func conflictAs(err error, key string) error {
	if de := domain.AsError(err); de != nil && de.Code == domain.CodeConflict {
		return domain.Errorf(domain.CodeConflict, key)
	}
	return wrap(err)
}
