package domain

import "time"

// A village charter (hương ước, quy ước), once the households have adopted it, goes to the
// commune as a dossier; the commune People's Committee recognises it or refuses it in
// writing, and may later suspend or annul it (Decree 61/2023/NĐ-CP art. 11–12). This is a
// record of its own beside the consultation: the consultation's status says how the
// consultation went; the charter's state says where the adopted text stands in law.

// CharterState is where a charter stands on its way to recognition and after.
type CharterState string

// Charter states. A charter without a record has not been submitted yet.
const (
	CharterNone       CharterState = ""           // no dossier yet
	CharterSubmitted  CharterState = "submitted"  // the dossier is with the commune
	CharterIncomplete CharterState = "incomplete" // sent back for what is missing
	CharterComplete   CharterState = "complete"   // complete, waiting for the decision
	CharterRecognised CharterState = "recognised" // recognised: in force
	CharterRefused    CharterState = "refused"    // refused in writing, with reasons
	CharterSuspended  CharterState = "suspended"  // its application suspended by decision
	CharterAnnulled   CharterState = "annulled"   // annulled by decision; the end
)

// CharterStates lists every state of a record.
var CharterStates = []CharterState{CharterSubmitted, CharterIncomplete, CharterComplete, CharterRecognised, CharterRefused, CharterSuspended, CharterAnnulled}

// InForce reports whether a charter in this state applies in the village.
func (s CharterState) InForce() bool { return s == CharterRecognised }

// CharterStep is one act on the way: the village's submission, the commune's checks and
// decisions.
type CharterStep string

// Charter steps.
const (
	StepSubmit     CharterStep = "submit"     // the village submits (or completes, or resubmits) the dossier
	StepIncomplete CharterStep = "incomplete" // the commune finds the dossier incomplete
	StepComplete   CharterStep = "complete"   // the commune finds the dossier complete
	StepRecognise  CharterStep = "recognise"  // recognition decision (number, date)
	StepRefuse     CharterStep = "refuse"     // written refusal with reasons
	StepReturn     CharterStep = "return"     // the recognised charter is sent back to the village
	StepSendFront  CharterStep = "send_front" // the recognised charter is sent to the commune's Fatherland Front
	StepSuspend    CharterStep = "suspend"    // decision suspending the whole charter or some articles, with reasons and a period to amend
	StepAmend      CharterStep = "amend"      // the village's amended text, adopted again, after a suspension
	StepAnnul      CharterStep = "annul"      // decision annulling the whole charter or some articles, with reasons

	// StepReinstate was a decision lifting a suspension. Decree 61/2023 has no such act: a
	// suspension ends with a new recognition decision once the village has amended the
	// charter (art. 12(5), 13(4)), so the step is no longer taken; steps recorded with it
	// stay in the timeline as history.
	StepReinstate CharterStep = "reinstate"
)

// CharterSteps lists the steps that may be taken, in the order they usually come.
var CharterSteps = []CharterStep{StepSubmit, StepIncomplete, StepComplete, StepRecognise, StepRefuse, StepReturn, StepSendFront, StepSuspend, StepAmend, StepAnnul}

// charterSteps is the single table of what each step does: the states it may start from and
// the state it leads to. Sending a recognised charter back to the village or to the Front
// changes no state; a refused charter may be revised, adopted again and resubmitted. A
// suspended charter is amended by the village (amend, the state stays) and then recognised
// again by a new decision (Decree 61/2023 art. 12(5)); the app checks that an amendment
// came after the suspension. An annulment of some articles only leads back to recognised
// (CharterAnnulTo).
var charterSteps = map[CharterStep]struct {
	from []CharterState
	to   CharterState
}{
	StepSubmit:     {[]CharterState{CharterNone, CharterIncomplete, CharterRefused}, CharterSubmitted},
	StepIncomplete: {[]CharterState{CharterSubmitted}, CharterIncomplete},
	StepComplete:   {[]CharterState{CharterSubmitted}, CharterComplete},
	StepRecognise:  {[]CharterState{CharterComplete, CharterSuspended}, CharterRecognised},
	StepRefuse:     {[]CharterState{CharterComplete}, CharterRefused},
	StepReturn:     {[]CharterState{CharterRecognised}, CharterRecognised},
	StepSendFront:  {[]CharterState{CharterRecognised}, CharterRecognised},
	StepSuspend:    {[]CharterState{CharterRecognised}, CharterSuspended},
	StepAmend:      {[]CharterState{CharterSuspended}, CharterSuspended},
	StepAnnul:      {[]CharterState{CharterRecognised, CharterSuspended}, CharterAnnulled},
}

// Scopes of a suspension or annulment: the whole charter, or some of its articles (Decree
// 61/2023 art. 12(1), 14(1)-(2)).
const (
	ScopeWhole = "whole"
	ScopePart  = "part"
)

// CharterAnnulTo is the state an annulment leads to: annulled when the whole charter is,
// recognised (in force for the rest) when only some articles are (art. 14(2)).
func CharterAnnulTo(scope string) CharterState {
	if scope == ScopePart {
		return CharterRecognised
	}
	return CharterAnnulled
}

// CharterNext returns the state a step leads to from a state, and whether the step may be
// taken there at all.
func CharterNext(from CharterState, step CharterStep) (CharterState, bool) {
	rule, ok := charterSteps[step]
	if !ok {
		return "", false
	}
	for _, s := range rule.from {
		if s == from {
			return rule.to, true
		}
	}
	return "", false
}

// StepsFrom lists the steps that may be taken from a state, in the usual order.
func StepsFrom(s CharterState) []CharterStep {
	var out []CharterStep
	for _, step := range CharterSteps {
		if _, ok := CharterNext(s, step); ok {
			out = append(out, step)
		}
	}
	return out
}

// Deadlines of Decree 61/2023 art. 11, in working days.
const (
	// DossierDeadlineDays: the village sends the dossier within 5 working days of adoption.
	DossierDeadlineDays = 5
	// RecognitionDeadlineDays: the commune decides within 5 working days of a complete dossier.
	RecognitionDeadlineDays = 5
	// ReturnDeadlineDays: the commune sends the recognised charter to the village and to the
	// commune's Fatherland Front within 2 working days of the decision recognising it
	// (art. 11 and 18(1)(a)).
	ReturnDeadlineDays = 2
	// SuspendDeadlineDays: the commune decides on a suspension within 3 working days of
	// receiving the written report of the village head, a household or a resident, or the
	// finding of a review, inspection or supervision (art. 12(2)).
	SuspendDeadlineDays = 3
	// AnnulDeadlineDays: the commune decides on an annulment within 5 working days (art. 14),
	// counted from the end of the period the suspension gave the village to amend, or from
	// the day it received the report or made the finding.
	AnnulDeadlineDays = 5
)

// CharterRecord is a charter's current state and the dossier last submitted.
type CharterRecord struct {
	ID               int64        `gorm:"column:id;primaryKey"`
	ConsultationID   int64        `gorm:"column:consultation_id"`
	State            CharterState `gorm:"column:state"`
	VersionNumber    int          `gorm:"column:version_number"`
	AdoptedOn        time.Time    `gorm:"column:adopted_on"`
	RequestRef       string       `gorm:"column:request_ref"`
	RequestDate      *time.Time   `gorm:"column:request_date"`
	MinutesRef       string       `gorm:"column:minutes_ref"`
	MinutesDate      *time.Time   `gorm:"column:minutes_date"`
	HasText          bool         `gorm:"column:has_text"`
	FirstSubmittedAt time.Time    `gorm:"column:first_submitted_at"`
	SubmittedAt      time.Time    `gorm:"column:submitted_at"`
	DecisionNumber   string       `gorm:"column:decision_number"`
	DecisionDate     *time.Time   `gorm:"column:decision_date"`
	ReturnedOn       *time.Time   `gorm:"column:returned_on"`
	UpdatedAt        time.Time    `gorm:"column:updated_at"`

	// FrontSentOn is the day the recognised charter was sent to the commune's Front.
	FrontSentOn *time.Time `gorm:"column:front_sent_on"`
	// The last suspension (in force while the state is suspended): the day its grounds
	// reached the commune, its decision's date, whole or part, which articles, the last day
	// to amend, and when the village's amendment came.
	SuspendGroundsOn  *time.Time `gorm:"column:suspend_grounds_on"`
	SuspendedOn       *time.Time `gorm:"column:suspended_on"`
	SuspendScope      string     `gorm:"column:suspend_scope"`
	SuspendedArticles string     `gorm:"column:suspended_articles"`
	AmendBy           *time.Time `gorm:"column:amend_by"`
	AmendedAt         *time.Time `gorm:"column:amended_at"`
	// The last annulment: the articles annulled in part (the rest stays in force), the day
	// its period started and the decision's date.
	AnnulledArticles string     `gorm:"column:annulled_articles"`
	AnnulFrom        *time.Time `gorm:"column:annul_from"`
	AnnulledOn       *time.Time `gorm:"column:annulled_on"`
}

// UnderSuspension reports whether a suspension is in force.
func (r *CharterRecord) UnderSuspension() bool { return r != nil && r.State == CharterSuspended }

func (CharterRecord) TableName() string { return "charter_records" }

// Missing lists what the dossier lacks of the three documents Decree 61 asks for: "request",
// "minutes", "text".
func (r *CharterRecord) Missing() []string {
	var out []string
	if r.RequestDate == nil {
		out = append(out, "request")
	}
	if r.MinutesDate == nil {
		out = append(out, "minutes")
	}
	if !r.HasText {
		out = append(out, "text")
	}
	return out
}

// CharterStepRecord is one step as recorded, append-only.
type CharterStepRecord struct {
	ID             int64        `gorm:"column:id;primaryKey"`
	ConsultationID int64        `gorm:"column:consultation_id"`
	Step           CharterStep  `gorm:"column:step"`
	FromState      CharterState `gorm:"column:from_state"`
	ToState        CharterState `gorm:"column:to_state"`
	DocNumber      string       `gorm:"column:doc_number"`
	DocDate        *time.Time   `gorm:"column:doc_date"`
	Reasons        string       `gorm:"column:reasons"`
	AdoptedOn      *time.Time   `gorm:"column:adopted_on"`
	RequestRef     string       `gorm:"column:request_ref"`
	RequestDate    *time.Time   `gorm:"column:request_date"`
	MinutesRef     string       `gorm:"column:minutes_ref"`
	MinutesDate    *time.Time   `gorm:"column:minutes_date"`
	HasText        bool         `gorm:"column:has_text"`
	ActorID        *int64       `gorm:"column:actor_id"`
	CreatedAt      time.Time    `gorm:"column:created_at"`
	Scope          string       `gorm:"column:scope"`
	Articles       string       `gorm:"column:articles"`
	GroundsOn      *time.Time   `gorm:"column:grounds_on"`
	AmendBy        *time.Time   `gorm:"column:amend_by"`
	AmendedText    string       `gorm:"column:amended_text"`

	ActorName string `gorm:"->;column:actor_name"` // read only, filled by joins; staff pages only
}

func (CharterStepRecord) TableName() string { return "charter_steps" }

// DeadlineKind names one of the three deadlines of a charter.
type DeadlineKind string

// The deadlines.
const (
	DeadlineDossier     DeadlineKind = "dossier"     // the village's dossier, after adoption
	DeadlineRecognition DeadlineKind = "recognition" // the commune's decision, after a complete dossier
	DeadlineReturn      DeadlineKind = "return"      // sending the recognised charter back
	DeadlineFront       DeadlineKind = "front"       // sending it to the commune's Front
	DeadlineSuspend     DeadlineKind = "suspend"     // the suspension decision, after the report
	DeadlineAmend       DeadlineKind = "amend"       // the village's amendment, by the day the suspension set
	DeadlineAnnul       DeadlineKind = "annul"       // the annulment, after the period to amend ran out
)

// DeadlineStanding is where a deadline stands.
type DeadlineStanding string

// Deadline standings. Overdue and Late are the two ways of missing it: one still owes the act.
const (
	DeadlineRunning DeadlineStanding = "running" // not done, not due yet (DaysLeft)
	DeadlinePaused  DeadlineStanding = "paused"  // the clock waits: the dossier was sent back as incomplete
	DeadlineOverdue DeadlineStanding = "overdue" // not done, past due (DaysLate)
	DeadlineMet     DeadlineStanding = "met"     // done in time
	DeadlineLate    DeadlineStanding = "late"    // done after the deadline (DaysLate)
)

// Deadline is one of a charter's deadlines at a moment.
type Deadline struct {
	Kind     DeadlineKind
	From     time.Time  // the day the clock starts from (it does not count itself)
	Due      time.Time  // the last day, midnight local time
	Done     *time.Time // when the act was done
	Standing DeadlineStanding
	DaysLate int // working days past the deadline, overdue or late
	DaysLeft int // working days left, running (0: due today)
}

// Missed reports whether the deadline was or is being missed.
func (d *Deadline) Missed() bool { return d.Standing == DeadlineOverdue || d.Standing == DeadlineLate }

// deadline works out one deadline of n working days from a day, done or not at now.
func deadline(kind DeadlineKind, from time.Time, n int, done *time.Time, now time.Time, cal Calendar) Deadline {
	d := Deadline{Kind: kind, From: from, Due: cal.AddWorkingDays(from, n), Done: done}
	if done != nil {
		if took := cal.WorkingDaysBetween(from, *done); took > n {
			d.Standing, d.DaysLate = DeadlineLate, took-n
		} else {
			d.Standing = DeadlineMet
		}
		return d
	}
	if elapsed := cal.WorkingDaysBetween(from, now); elapsed > n {
		d.Standing, d.DaysLate = DeadlineOverdue, elapsed-n
	} else {
		d.Standing, d.DaysLeft = DeadlineRunning, n-elapsed
	}
	return d
}

// CharterDeadlines works out the deadlines that apply to a charter at now: the dossier
// (from adoption to the first submission after it), the decision (from the submission of
// the dossier that was found complete: the commune cannot stop the clock by not checking
// it; a dossier sent back as incomplete pauses it until the village resubmits) and the
// return to the village (from the recognition decision). decided is the date of the
// commune's decision (recognition or refusal), nil while there is none.
//
// adoptedOn is the adoption day for a charter with no record yet; it is ignored when r is
// set. With neither, there is no deadline to count.
func CharterDeadlines(r *CharterRecord, adoptedOn *time.Time, now time.Time, cal Calendar) []Deadline {
	if r == nil {
		if adoptedOn == nil {
			return nil
		}
		return []Deadline{deadline(DeadlineDossier, *adoptedOn, DossierDeadlineDays, nil, now, cal)}
	}
	first := r.FirstSubmittedAt
	out := []Deadline{deadline(DeadlineDossier, r.AdoptedOn, DossierDeadlineDays, &first, now, cal)}
	switch r.State {
	case CharterIncomplete:
		out = append(out, Deadline{Kind: DeadlineRecognition, From: r.SubmittedAt, Standing: DeadlinePaused})
	case CharterSubmitted, CharterComplete:
		out = append(out, deadline(DeadlineRecognition, r.SubmittedAt, RecognitionDeadlineDays, nil, now, cal))
	case CharterSuspended:
		if r.AmendedAt != nil {
			// The amended charter waits for its new recognition (art. 12(5), 11).
			out = append(out, deadline(DeadlineRecognition, *r.AmendedAt, RecognitionDeadlineDays, nil, now, cal))
		} else {
			out = append(out, deadline(DeadlineRecognition, r.SubmittedAt, RecognitionDeadlineDays, r.DecisionDate, now, cal))
		}
	default:
		out = append(out, deadline(DeadlineRecognition, r.SubmittedAt, RecognitionDeadlineDays, r.DecisionDate, now, cal))
	}
	// Sending back is owed for a charter in force; once it was sent, the record stays
	// whatever came after, and a charter suspended or annulled before it was sent owes none.
	// The same holds for sending it to the commune's Front (art. 18(1)(a)).
	if r.DecisionDate != nil && (r.State == CharterRecognised || r.ReturnedOn != nil) {
		out = append(out, deadline(DeadlineReturn, *r.DecisionDate, ReturnDeadlineDays, r.ReturnedOn, now, cal))
	}
	if r.DecisionDate != nil && (r.State == CharterRecognised || r.FrontSentOn != nil) {
		out = append(out, deadline(DeadlineFront, *r.DecisionDate, ReturnDeadlineDays, r.FrontSentOn, now, cal))
	}
	return append(out, LifeDeadlines(r, now, cal)...)
}

// LifeDeadlines works out the deadlines of a recognised charter's later life: the
// suspension decision, 3 working days after its grounds reached the commune (art. 12(2));
// the village's amendment, by the last day the suspension set; and the annulment, 5 working
// days after that day passed without an amendment, or after the grounds of an annulment
// reached the commune (art. 14).
func LifeDeadlines(r *CharterRecord, now time.Time, cal Calendar) []Deadline {
	var out []Deadline
	if r.SuspendGroundsOn != nil && r.SuspendedOn != nil {
		out = append(out, deadline(DeadlineSuspend, *r.SuspendGroundsOn, SuspendDeadlineDays, r.SuspendedOn, now, cal))
	}
	if r.State == CharterSuspended && r.AmendBy != nil {
		due := StartOfDay(*r.AmendBy)
		d := Deadline{Kind: DeadlineAmend, From: *r.SuspendedOn, Due: due, Done: r.AmendedAt}
		switch {
		case r.AmendedAt != nil && !StartOfDay(*r.AmendedAt).After(due):
			d.Standing = DeadlineMet
		case r.AmendedAt != nil:
			d.Standing, d.DaysLate = DeadlineLate, cal.WorkingDaysBetween(due, *r.AmendedAt)
		case StartOfDay(now).After(due):
			d.Standing, d.DaysLate = DeadlineOverdue, cal.WorkingDaysBetween(due, now)
		default:
			d.Standing, d.DaysLeft = DeadlineRunning, cal.WorkingDaysBetween(now, due)
		}
		out = append(out, d)
		// Past the day without an amendment, the annulment is owed (art. 14).
		if r.AmendedAt == nil && StartOfDay(now).After(due) {
			out = append(out, deadline(DeadlineAnnul, due, AnnulDeadlineDays, nil, now, cal))
		}
	}
	if r.AnnulFrom != nil && r.AnnulledOn != nil {
		out = append(out, deadline(DeadlineAnnul, *r.AnnulFrom, AnnulDeadlineDays, r.AnnulledOn, now, cal))
	}
	return out
}
