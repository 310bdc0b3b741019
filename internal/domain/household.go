package domain

import (
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Item is the item of Law 10/2022 art. 15 that a decide matter is about. The item decides
// the majority the households must reach (art. 21) and whether they may vote online.
type Item int

// The items of art. 15.
const (
	ItemContributions     Item = 1 // the policy and amount of contributions to public works
	ItemContributionFunds Item = 2 // collecting, spending and managing those contributions
	ItemCharter           Item = 3 // the hương ước or quy ước of the community
	ItemVillageHead       Item = 4 // electing or dismissing the village head
	ItemBoards            Item = 5 // electing or dismissing the People's Inspection and Investment Supervision boards
	ItemOtherSelfManaged  Item = 6 // other self-managed work of the community
)

// Items lists the items in the order of the law.
var Items = []Item{ItemContributions, ItemContributionFunds, ItemCharter, ItemVillageHead, ItemBoards, ItemOtherSelfManaged}

// Valid reports whether i is one of the six items.
func (i Item) Valid() bool { return slices.Contains(Items, i) }

// Value stores no item as NULL, so the database can tell a consult matter by it.
func (i Item) Value() (driver.Value, error) {
	if i == 0 {
		return nil, nil
	}
	return int64(i), nil
}

// Scan reads an item, NULL being none.
func (i *Item) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*i = 0
	case int64:
		*i = Item(v)
	case int32:
		*i = Item(v)
	case int16:
		*i = Item(v)
	case int:
		*i = Item(v)
	case []byte:
		_, err := fmt.Sscan(string(v), (*int)(i))
		return err
	case string:
		_, err := fmt.Sscan(v, (*int)(i))
		return err
	default:
		return fmt.Errorf("domain: cannot scan %T into an Item", src)
	}
	return nil
}

// ImpliedItem is the item a kind of draft always is: a hương ước or quy ước is item 3.
// Other kinds may be any item, and 0 is returned for them.
func ImpliedItem(kind ConsultationKind) Item {
	if kind == KindHuongUoc || kind == KindQuyUoc {
		return ItemCharter
	}
	return 0
}

// MeetingFirst reports whether the households decide the item at a meeting of the
// community, with household ballots only after a meeting that could not be held or could
// not decide: the hương ước or quy ước (item 3) and the elections of items 4 and 5 (Law
// 10/2022 art. 17(2); Decree 61/2023 art. 10(2)(a) for the hương ước).
func (i Item) MeetingFirst() bool {
	return i == ItemCharter || i == ItemVillageHead || i == ItemBoards
}

// Election reports whether the item elects or dismisses someone: the village head (item 4;
// Decree 59/2023 art. 6–9) or members of the People's Inspection Board and the Community
// Investment Supervision Board (item 5). The households decide it at an election meeting,
// whose minutes are recorded here; it is never put to a comment period on the portal.
func (i Item) Election() bool { return i == ItemVillageHead || i == ItemBoards }

// Recogniser is the body that recognises a community's decision before it takes effect
// (Law 10/2022 art. 21(2)).
type Recogniser string

// The recognisers.
const (
	RecognisedByNone         Recogniser = ""
	RecognisedByCommunePC    Recogniser = "commune_pc"    // the commune People's Committee
	RecognisedByCommuneFront Recogniser = "commune_front" // the commune Fatherland Front committee
)

// RecognisedBy says who recognises a decision on the item (Law 10/2022 art. 21(2)): the
// commune People's Committee the hương ước or quy ước (item 3; Decree 61/2023 art. 11) and
// the election of the village head (item 4; Decree 59/2023 art. 8); the commune Front the
// members of the People's Inspection and Community Investment Supervision boards (item 5).
// Other decisions take effect without recognition.
func (i Item) RecognisedBy() Recogniser {
	switch i {
	case ItemCharter, ItemVillageHead:
		return RecognisedByCommunePC
	case ItemBoards:
		return RecognisedByCommuneFront
	}
	return RecognisedByNone
}

// Rule is the majority a decision of the households needs (Law 10/2022 art. 21). Both rules
// count against all the households of the village, not those who came or answered.
type Rule string

// The rules.
const (
	RuleMajority  Rule = "majority"   // more than 50% of all households: items 3 to 6
	RuleTwoThirds Rule = "two_thirds" // at least two thirds of all households: items 1 and 2
)

// Rule returns the majority an item needs.
func (i Item) Rule() Rule {
	if i == ItemContributions || i == ItemContributionFunds {
		return RuleTwoThirds
	}
	return RuleMajority
}

// Needed is the smallest number of agreeing households that carries a decision in a village
// of the given number of households. Integer arithmetic only: "more than 50%" of 120 is 61
// and of 81 is 41; "at least two thirds" of 100 is 67 (66.67 rounded up), of 90 exactly 60,
// of 61 is 41.
func (r Rule) Needed(households int) int {
	if households <= 0 {
		return 1
	}
	if r == RuleTwoThirds {
		return (2*households + 2) / 3 // the ceiling of 2n/3
	}
	return households/2 + 1
}

// Carries reports whether agree households out of all households reach the rule.
func (r Rule) Carries(households, agree int) bool {
	return households > 0 && agree >= r.Needed(households)
}

// QuorumNeeded is the attendance a meeting of household representatives needs to decide:
// more than half of the households of the village.
func QuorumNeeded(households int) int { return households/2 + 1 }

// MeetingQuorate reports whether a meeting had more than half of the households present.
// Without quorum the households can still decide by ballots (phiếu lấy ý kiến hộ gia đình).
func MeetingQuorate(households, present int) bool { return households > 0 && 2*present > households }

// OnlineVotingAllowed reports whether the households may decide online: only for other
// self-managed work (item 6), and only after more than half of the households agreed to
// vote online (Decree 59/2023 art. 5).
func OnlineVotingAllowed(item Item, households, agreedOnline int) bool {
	return item == ItemOtherSelfManaged && households > 0 && 2*agreedOnline > households
}

// DecisionForm is how a village's households took their decision.
type DecisionForm string

// The forms of decision (Law 10/2022 art. 16; Decree 59/2023 art. 5 for online voting).
const (
	FormMeeting DecisionForm = "meeting" // a meeting of household representatives
	FormBallot  DecisionForm = "ballot"  // household opinion forms (phiếu), collected and counted
	FormOnline  DecisionForm = "online"  // online voting with one code per household
)

// RecordedForms are the forms an official records by hand; an online decision comes from
// the votes themselves.
var RecordedForms = []DecisionForm{FormMeeting, FormBallot}

// Tally is the count of one village's decision. Present is the households at the meeting,
// the ballots returned, or the households that voted online.
type Tally struct {
	Households int `gorm:"column:households" json:"households"`
	Present    int `gorm:"column:present" json:"present"`
	Agree      int `gorm:"column:agree" json:"agree"`
	Disagree   int `gorm:"column:disagree" json:"disagree"`
	Other      int `gorm:"column:other" json:"other"`
}

// Check refuses numbers that cannot be. At a meeting on item 1 or 2 it also refuses an
// attendance below the approvals the rule needs: those households cannot carry at least two
// thirds of the village, so the meeting is no vote and the law leaves the households
// ballots (Law 10/2022 art. 19(1)(b); Decree 59/2023 art. 4(1)(b)); the message says so.
// A meeting without quorum on another item is accepted: it is recorded as a meeting that
// could not decide, after which ballots may follow (Quorate).
func (t Tally) Check(item Item, form DecisionForm) *Error {
	fields := map[string]Message{}
	for field, n := range map[string]int{"present": t.Present, "agree": t.Agree, "disagree": t.Disagree, "other": t.Other} {
		if n < 0 {
			fields[field] = Message{Key: "household.error.negative"}
		}
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	switch {
	case t.Households <= 0:
		return InvalidField("households", "household.error.no_households")
	case t.Present > t.Households:
		return InvalidField("present", "household.error.present_over_total."+string(form), t.Present, t.Households)
	case t.Agree+t.Disagree+t.Other > t.Present:
		return InvalidField("agree", "household.error.votes_over_present."+string(form), t.Agree+t.Disagree+t.Other, t.Present)
	case form == FormMeeting && item.Rule() == RuleTwoThirds && t.Present < item.Rule().Needed(t.Households):
		return InvalidField("present", "household.error.meeting_cannot_carry", t.Present, t.Households, item.Rule().Needed(t.Households))
	}
	return nil
}

// Quorate reports whether the count decides anything: ballots and online votes always
// do, since the rule counts all households of the village anyway; a meeting only with more
// than half of the households present (Law 10/2022 art. 18; Decree 59/2023 art. 3).
func (t Tally) Quorate(form DecisionForm) bool {
	return form != FormMeeting || MeetingQuorate(t.Households, t.Present)
}

// Outcome is what a tally means under an item's rule. A meeting without quorum decides
// nothing: Quorate is false and so is Adopted.
type Outcome struct {
	Rule    Rule `json:"rule"`
	Needed  int  `json:"needed"` // agreeing households needed
	Quorate bool `json:"quorate"`
	Adopted bool `json:"adopted"`
}

// Outcome applies the item's rule to the tally of a count that decides (ballots, an
// online vote, a meeting with quorum).
func (t Tally) Outcome(item Item) Outcome {
	r := item.Rule()
	return Outcome{Rule: r, Needed: r.Needed(t.Households), Quorate: true, Adopted: r.Carries(t.Households, t.Agree)}
}

// Result is the outcome of a village's decision in its form: a meeting without quorum is
// recorded but decides nothing.
func (d *VillageDecision) Result(item Item) Outcome {
	o := d.Outcome(item)
	if !d.Quorate(d.Form) {
		o.Quorate, o.Adopted = false, false
	}
	return o
}

// ClusterMinHouseholds is the size from which a village may hold its meeting by clusters of
// households whose counts are added up into one decision (Law 10/2022 art. 18(3); Decree
// 59/2023 art. 3(6)).
const ClusterMinHouseholds = 200

// ClusterCount is the count of one cluster meeting of a village that met by clusters.
type ClusterCount struct {
	ID         int64  `gorm:"column:id;primaryKey"`
	DecisionID int64  `gorm:"column:decision_id"`
	Ordinal    int    `gorm:"column:ordinal"`
	Name       string `gorm:"column:name"`
	Present    int    `gorm:"column:present"`
	Agree      int    `gorm:"column:agree"`
	Disagree   int    `gorm:"column:disagree"`
	Other      int    `gorm:"column:other"`
}

func (ClusterCount) TableName() string { return "village_decision_clusters" }

// SumClusters adds the cluster meetings of a village into its one tally: the village
// decides once, on the sum, against all its households.
func SumClusters(households int, clusters []ClusterCount) Tally {
	t := Tally{Households: households}
	for _, c := range clusters {
		t.Present += c.Present
		t.Agree += c.Agree
		t.Disagree += c.Disagree
		t.Other += c.Other
	}
	return t
}

// VillageDecision is the decision of one village's households on a decide matter, as an
// official recorded it from the minutes of the meeting or the count of the ballots; or, for
// online voting, as the votes gave it (then it is not stored: ID is 0).
type VillageDecision struct {
	ID             int64        `gorm:"column:id;primaryKey"`
	ConsultationID int64        `gorm:"column:consultation_id"`
	VillageID      int64        `gorm:"column:village_id"`
	Form           DecisionForm `gorm:"column:form"`
	HeldOn         time.Time    `gorm:"column:held_on"` // the day of the meeting, of the count, or the end of the vote
	// Place is where the meeting was held or the ballots counted, and Content what was
	// decided (for an election, who was elected or dismissed), as the record of Law
	// 10/2022 art. 20(2) states them; empty when the official did not enter them.
	Place   string `gorm:"column:place"`
	Content string `gorm:"column:content"`
	Tally   `gorm:"embedded"`
	// PriorMeetingOn and PriorMeetingPresent keep the meeting that could not decide before
	// household ballots on an item decided at a meeting first (MeetingFirst).
	PriorMeetingOn      *time.Time `gorm:"column:prior_meeting_on"`
	PriorMeetingPresent *int       `gorm:"column:prior_meeting_present"`
	RecordedBy          *int64     `gorm:"column:recorded_by"`
	RecordedAt          time.Time  `gorm:"column:recorded_at"`
	// Clusters are the cluster meetings whose sum is the tally, for a village that met by
	// clusters; loaded apart.
	Clusters []ClusterCount `gorm:"-"`
}

// PriorPresent is the attendance of the meeting that could not decide before the ballots,
// 0 when there was none.
func (d *VillageDecision) PriorPresent() int {
	if d.PriorMeetingPresent == nil {
		return 0
	}
	return *d.PriorMeetingPresent
}

// Absent is the number of households with no representative at the meeting, or whose
// ballot did not come back (Law 10/2022 art. 20(2)).
func (d *VillageDecision) Absent() int { return d.Households - d.Present }

func (VillageDecision) TableName() string { return "village_decisions" }

// OverallAdopted is the outcome of a decide matter from the outcomes of its villages, once
// each has decided: adopted when every village concerned adopted it. For a single village
// (the usual hương ước) that is the village's own result.
//
// Items 1 and 2 put to a whole commune follow their own rule: the decision is adopted when
// at least two thirds of the commune's villages and residential groups adopted it (Law
// 10/2022 art. 21(1)), counted on all of them (CommuneAdopted).
func OverallAdopted(item Item, communeScope bool, outcomes []Outcome) bool {
	if len(outcomes) == 0 {
		return false
	}
	adopted := 0
	for _, o := range outcomes {
		if o.Adopted {
			adopted++
		}
	}
	if communeScope && item.Rule() == RuleTwoThirds {
		return CommuneAdopted(len(outcomes), adopted)
	}
	return adopted == len(outcomes)
}

// CommuneAdopted reports whether adopted villages out of all the villages and residential
// groups of a commune are at least two thirds of them: 3 of 4 are, 2 of 4 are not, 2 of 3
// are. Integer arithmetic: 3·adopted ≥ 2·villages.
func CommuneAdopted(villages, adopted int) bool {
	return villages > 0 && 3*adopted >= 2*villages
}

// VillageBallot is online voting in one village on a decide matter of item 6. Its counts
// are kept apart from the codes, so the codes tell who took part and never how.
type VillageBallot struct {
	ID               int64      `gorm:"column:id;primaryKey"`
	ConsultationID   int64      `gorm:"column:consultation_id"`
	VillageID        int64      `gorm:"column:village_id"`
	Households       int        `gorm:"column:households"`
	AgreedHouseholds int        `gorm:"column:agreed_households"` // households that agreed to vote online
	AgreedOn         time.Time  `gorm:"column:agreed_on"`
	OpensAt          time.Time  `gorm:"column:opens_at"`
	ClosesAt         time.Time  `gorm:"column:closes_at"`
	Agree            int        `gorm:"column:agree"`
	Disagree         int        `gorm:"column:disagree"`
	Other            int        `gorm:"column:other"`
	CodesIssuedAt    *time.Time `gorm:"column:codes_issued_at"`
	// FrontAgreedAt is when the village Front committee agreed to the vote as it is set
	// up (Decree 59/2023 art. 5); codes are issued only after it, and changing the vote
	// asks for it again.
	FrontAgreedAt *time.Time `gorm:"column:front_agreed_at"`
	FrontAgreedBy *int64     `gorm:"column:front_agreed_by"`
	CreatedBy     *int64     `gorm:"column:created_by"`
	CreatedAt     time.Time  `gorm:"column:created_at"`
	UpdatedAt     time.Time  `gorm:"column:updated_at"`
}

func (VillageBallot) TableName() string { return "village_ballots" }

// Votes is the number of households that have voted.
func (b *VillageBallot) Votes() int { return b.Agree + b.Disagree + b.Other }

// OpenAt reports whether votes are taken at now: from the start, until the end.
func (b *VillageBallot) OpenAt(now time.Time) bool {
	return !now.Before(b.OpensAt) && now.Before(b.ClosesAt)
}

// Ended reports whether the vote is over, so its count is final.
func (b *VillageBallot) Ended(now time.Time) bool { return !now.Before(b.ClosesAt) }

// CodesVersion names the codes the vote has now, "" before any. The form that replaces
// them sends it back, so only the codes the official saw are replaced.
func (b *VillageBallot) CodesVersion() string {
	if b.CodesIssuedAt == nil {
		return ""
	}
	return strconv.FormatInt(b.CodesIssuedAt.Unix(), 10)
}

// Decision is the village's decision as the online vote gave it.
func (b *VillageBallot) Decision() VillageDecision {
	return VillageDecision{
		ConsultationID: b.ConsultationID, VillageID: b.VillageID, Form: FormOnline, HeldOn: b.ClosesAt,
		Tally:      Tally{Households: b.Households, Present: b.Votes(), Agree: b.Agree, Disagree: b.Disagree, Other: b.Other},
		RecordedAt: b.ClosesAt,
	}
}

// BallotCode is one household's voting code, of which only a hash is kept. Serial is the
// number printed beside it on the sheet; VotedAt says when it was used.
type BallotCode struct {
	ID       int64      `gorm:"column:id;primaryKey"`
	BallotID int64      `gorm:"column:ballot_id"`
	Serial   int        `gorm:"column:serial"`
	CodeHash string     `gorm:"column:code_hash"`
	VotedAt  *time.Time `gorm:"column:voted_at"`
}

func (BallotCode) TableName() string { return "village_ballot_codes" }

// DeadlineResults is the deadline for the results of a consultation: published within 5
// working days after it ended (Law 10/2022 art. 12). The charter's own deadlines (dossier,
// recognition, return) are in charter.go.
const DeadlineResults DeadlineKind = "results"

// ResultsDeadline works out the deadline for a consultation's results at now, counted from
// the day it ended; false while it is still taking opinions (or was never published).
func ResultsDeadline(c *Consultation, now time.Time, cal Calendar) (Deadline, bool) {
	end, ok := c.EndedAt(now)
	if !ok {
		return Deadline{}, false
	}
	return deadline(DeadlineResults, end, ResultsDeadlineDays, c.ResultsPublishedAt, now, cal), true
}

// EndedAt is when a consultation stopped taking opinions, the moment the deadline for its
// results counts from: the close by an official, but never later than the last day of its
// period (closing late gives no extra time), or that last day when the period ran out
// without anyone closing it. False while it is still taking opinions or was never published.
func (c *Consultation) EndedAt(now time.Time) (time.Time, bool) {
	switch {
	case c.Status == StatusDraft || c.Status == StatusWithdrawn:
		return time.Time{}, false
	case c.ClosedAt != nil:
		if last := c.LastDay(); c.ClosedAt.After(last) {
			return last, true
		}
		return *c.ClosedAt, true
	case !now.Before(c.ClosesAt):
		return c.LastDay(), true
	}
	return time.Time{}, false
}

// ResultsPublished reports whether a consultation's results are public: from their
// publication on, through the households' decision.
func (s Status) ResultsPublished() bool {
	return s == StatusResultsPublished || s == StatusAdopted || s == StatusRejected
}
