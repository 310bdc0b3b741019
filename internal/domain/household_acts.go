package domain

import "time"

// What follows a village's decision (Law 10/2022 art. 20(3), 21(2)): the village sends it
// to the commune People's Committee and the commune Fatherland Front within 5 working days;
// the village Front's head signs its record; and a decision that needs recognition (item
// 3, 4 or 5) takes effect once the commune recognises it, within 5 working days, or is
// refused in writing with reasons. The hương ước (item 3) has its own, fuller procedure in
// charter.go; these acts serve the other decisions.

// Working-day deadlines of what follows a village's decision.
const (
	// SendDeadlineDays: the decision goes to the commune People's Committee and the commune
	// Front within 5 working days of the day it was taken (Law 10/2022 art. 20(3)).
	SendDeadlineDays = 5
	// DecisionRecognitionDays: the commune recognises the decision, or refuses it in writing
	// with reasons, within 5 working days of receiving it (Law 10/2022 art. 21(2)).
	DecisionRecognitionDays = 5
)

// The deadlines of a village's decision.
const (
	DeadlineSend                DeadlineKind = "send"                 // art. 20(3)
	DeadlineDecisionRecognition DeadlineKind = "decision_recognition" // art. 21(2)
)

// Recognition is where a decision that needs recognition stands.
type Recognition string

// Recognition states. None is for a decision that needs no recognition, or that was not
// adopted.
const (
	RecognitionNone       Recognition = ""
	RecognitionAwaiting   Recognition = "awaiting"   // adopted, not yet recognised: not in effect
	RecognitionRecognised Recognition = "recognised" // recognised: in effect
	RecognitionRefused    Recognition = "refused"    // refused in writing, with reasons
)

// VillageDecisionActs are the acts recorded after one village's decision on a matter. They
// are kept apart from the decision so that a decision an online vote gave, which is not
// stored, has them too.
type VillageDecisionActs struct {
	ID             int64      `gorm:"column:id;primaryKey"`
	ConsultationID int64      `gorm:"column:consultation_id"`
	VillageID      int64      `gorm:"column:village_id"`
	SentOn         *time.Time `gorm:"column:sent_on"` // sent to the commune People's Committee and Front
	SentBy         *int64     `gorm:"column:sent_by"`
	// FrontReceivedOn is the day the commune Front says it received the decision.
	FrontReceivedOn *time.Time `gorm:"column:front_received_on"`
	FrontReceivedBy *int64     `gorm:"column:front_received_by"`
	// FrontSignedAt is when the Front recorded the signature of its village committee's
	// head on the record (art. 20(2)).
	FrontSignedAt *time.Time `gorm:"column:front_signed_at"`
	FrontSignedBy *int64     `gorm:"column:front_signed_by"`
	// Recognition is recognised or refused once the commune decided; its number, day and
	// reasons (a refusal's) are those of the written decision.
	Recognition        Recognition `gorm:"column:recognition"`
	RecognitionNumber  string      `gorm:"column:recognition_number"`
	RecognitionDate    *time.Time  `gorm:"column:recognition_date"`
	RecognitionReasons string      `gorm:"column:recognition_reasons"`
	RecognitionBy      *int64      `gorm:"column:recognition_by"`
	UpdatedAt          time.Time   `gorm:"column:updated_at"`
}

func (VillageDecisionActs) TableName() string { return "village_decision_acts" }

// Final reports whether the decision's record may no longer change: it was sent, signed
// by the Front, or recognised or refused.
func (a *VillageDecisionActs) Final() bool {
	return a != nil && (a.SentOn != nil || a.FrontSignedAt != nil || a.Recognition != RecognitionNone)
}

// RecognitionOf is where an adopted decision stands: awaiting until the commune recognised
// or refused it. A decision that was not adopted, or whose item needs no recognition, has
// none.
func RecognitionOf(item Item, o Outcome, acts *VillageDecisionActs) Recognition {
	if item.RecognisedBy() == RecognisedByNone || !o.Adopted {
		return RecognitionNone
	}
	if acts != nil && acts.Recognition != RecognitionNone {
		return acts.Recognition
	}
	return RecognitionAwaiting
}

// DecisionDeadlines works out the deadlines of a village's decision taken on decidedOn, at
// now: sending it to the commune (art. 20(3)), and, for an adopted decision the commune
// recognises here (recognised true), the commune's recognition or refusal from the day it
// was sent (art. 21(2)).
func DecisionDeadlines(decidedOn time.Time, acts *VillageDecisionActs, recognised bool, now time.Time, cal Calendar) []Deadline {
	var sent, decided *time.Time
	if acts != nil {
		sent, decided = acts.SentOn, acts.RecognitionDate
	}
	out := []Deadline{deadline(DeadlineSend, StartOfDay(decidedOn), SendDeadlineDays, sent, now, cal)}
	if recognised && sent != nil {
		out = append(out, deadline(DeadlineDecisionRecognition, StartOfDay(*sent), DecisionRecognitionDays, decided, now, cal))
	}
	return out
}
