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

// Check refuses numbers that cannot be, and a meeting without quorum. The message of a
// meeting without quorum points to household ballots, the form the law leaves open then.
func (t Tally) Check(form DecisionForm) *Error {
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
	case form == FormMeeting && !MeetingQuorate(t.Households, t.Present):
		return InvalidField("present", "household.error.no_quorum", t.Present, t.Households, QuorumNeeded(t.Households))
	}
	return nil
}

// Outcome is what a tally means under an item's rule.
type Outcome struct {
	Rule    Rule `json:"rule"`
	Needed  int  `json:"needed"` // agreeing households needed
	Adopted bool `json:"adopted"`
}

// Outcome applies the item's rule to the tally.
func (t Tally) Outcome(item Item) Outcome {
	r := item.Rule()
	return Outcome{Rule: r, Needed: r.Needed(t.Households), Adopted: r.Carries(t.Households, t.Agree)}
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
	Tally          `gorm:"embedded"`
	RecordedBy     *int64    `gorm:"column:recorded_by"`
	RecordedAt     time.Time `gorm:"column:recorded_at"`
}

func (VillageDecision) TableName() string { return "village_decisions" }

// OverallAdopted is the outcome of a decide matter from its villages' decisions: adopted
// when every village concerned adopted it. For a single village (the usual hương ước) that
// is the village's own result; a matter put to several villages stands only where all of
// them carried it, and the per-village table says where it did not.
func OverallAdopted(item Item, decisions []VillageDecision) bool {
	if len(decisions) == 0 {
		return false
	}
	for _, d := range decisions {
		if !d.Outcome(item).Adopted {
			return false
		}
	}
	return true
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
	CreatedBy        *int64     `gorm:"column:created_by"`
	CreatedAt        time.Time  `gorm:"column:created_at"`
	UpdatedAt        time.Time  `gorm:"column:updated_at"`
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
