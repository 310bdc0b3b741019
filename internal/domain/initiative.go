package domain

import "time"

// Citizens' initiatives. A household proposes a matter for the village to decide (Law
// 10/2022 art. 15) or a new or amended hương ước, quy ước (Decree 61/2023 art. 7); the other
// households of the village support it, one support per household, online with the
// household's code or on paper entered by the village head. Once at least 10% of the
// village's households support it, the village head must put it to the community (Law
// 10/2022 art. 16(3)): the citizen who proposes answers for the number and the list of the
// households that agreed, which is why each support names its household on the village's
// code sheet.

// InitiativeKind says what is proposed.
type InitiativeKind string

const (
	// InitiativeMatter is a matter for the community to discuss and decide (Law art. 15).
	InitiativeMatter InitiativeKind = "matter"
	// InitiativeCharter proposes a new hương ước, quy ước or an amendment (Decree 61/2023 art. 7).
	InitiativeCharter InitiativeKind = "charter"
)

// InitiativeKinds lists the kinds in the order forms offer them.
var InitiativeKinds = []InitiativeKind{InitiativeMatter, InitiativeCharter}

// InitiativeStatus is what is stored of an initiative's course; the phase residents see
// follows from it, the count and the clock (InitiativePhase).
type InitiativeStatus string

const (
	InitiativePending  InitiativeStatus = "pending"  // awaiting moderation, not public
	InitiativeRejected InitiativeStatus = "rejected" // refused by moderation, not public
	InitiativeOpen     InitiativeStatus = "open"     // public, collecting support
	InitiativePut      InitiativeStatus = "put"      // put to the community
	InitiativeDeclined InitiativeStatus = "declined" // not put, with the official's reasons
)

// Phases shown to residents.
const (
	InitPhasePending    = "pending"
	InitPhaseRejected   = "rejected"
	InitPhaseCollecting = "collecting"
	InitPhaseReached    = "reached" // threshold reached: the village head must put it to the community
	InitPhaseLapsed     = "lapsed"  // the support period ended below the threshold
	InitPhasePut        = "put"
	InitPhaseDeclined   = "declined"
)

// Channels of a support.
const (
	SupportOnline = "online"
	SupportPaper  = "paper"
)

// InitiativeThreshold is the number of supporting households that obliges the village head
// to put an initiative to the community: "ít nhất 10% tổng số hộ gia đình" (Law 10/2022 art.
// 16(3)), at least one tenth of all the village's households, so ceil(n/10): 57 households
// need 6, 50 need 5, 51 need 6.
func InitiativeThreshold(households int) int {
	if households <= 0 {
		return 1
	}
	return (households + 9) / 10
}

// MaxSupportDays bounds the support period a proposer chooses. The law sets no period for
// gathering support nor a time limit for the village head once the threshold is reached;
// the proposer sets the last day, and the portal keeps the page from collecting for ever.
const MaxSupportDays = 90

// Initiative is a citizens' initiative of a village.
type Initiative struct {
	ID        int64          `gorm:"column:id;primaryKey"`
	VillageID int64          `gorm:"column:village_id"`
	Kind      InitiativeKind `gorm:"column:kind"`
	Title     string         `gorm:"column:title"`
	Body      string         `gorm:"column:body"`
	// Households is the village's number of households when the initiative was proposed, and
	// Threshold the supports it needs (InitiativeThreshold), kept so the bar does not move.
	Households int `gorm:"column:households"`
	Threshold  int `gorm:"column:threshold"`
	// SupportEnds is the end of the support period: midnight (local) after its last day.
	SupportEnds    time.Time        `gorm:"column:support_ends"`
	Status         InitiativeStatus `gorm:"column:status"`
	Channel        string           `gorm:"column:channel"` // how it was proposed: online or paper
	ProposerSerial int              `gorm:"column:proposer_serial"`
	SupportsOnline int              `gorm:"column:supports_online"`
	SupportsPaper  int              `gorm:"column:supports_paper"`
	ReachedAt      *time.Time       `gorm:"column:reached_at"`
	RejectReason   RejectReason     `gorm:"column:reject_reason"`
	ModeratedAt    *time.Time       `gorm:"column:moderated_at"`
	ModeratedBy    *int64           `gorm:"column:moderated_by"`
	// The outcome recorded by the village's officials: the day it was put to the community
	// (and the consultation it became, if one was created), or the reasons for declining.
	OutcomeOn      *time.Time `gorm:"column:outcome_on"`
	ConsultationID *int64     `gorm:"column:consultation_id"`
	OutcomeNote    string     `gorm:"column:outcome_note"`
	OutcomeBy      *int64     `gorm:"column:outcome_by"`
	CreatedBy      *int64     `gorm:"column:created_by"`
	CreatedAt      time.Time  `gorm:"column:created_at"`
	UpdatedAt      time.Time  `gorm:"column:updated_at"`
}

func (Initiative) TableName() string { return "initiatives" }

// Supports is the number of households that support the initiative, online and on paper.
func (i *Initiative) Supports() int { return i.SupportsOnline + i.SupportsPaper }

// Public reports whether residents may see the initiative.
func (i *Initiative) Public() bool {
	return i.Status != InitiativePending && i.Status != InitiativeRejected
}

// Reached reports whether the supports have reached the threshold.
func (i *Initiative) Reached() bool { return i.Supports() >= i.Threshold }

// Collecting reports whether supports are taken at now: public, no outcome yet, and within
// the support period.
func (i *Initiative) Collecting(now time.Time) bool {
	return i.Status == InitiativeOpen && now.Before(i.SupportEnds)
}

// Phase is what residents see of the initiative at now.
func (i *Initiative) Phase(now time.Time) string {
	switch i.Status {
	case InitiativePending:
		return InitPhasePending
	case InitiativeRejected:
		return InitPhaseRejected
	case InitiativePut:
		return InitPhasePut
	case InitiativeDeclined:
		return InitPhaseDeclined
	}
	switch {
	case i.Reached():
		return InitPhaseReached
	case !now.Before(i.SupportEnds):
		return InitPhaseLapsed
	}
	return InitPhaseCollecting
}

// Percent is the bar's filling, 0 to 100.
func (i *Initiative) Percent() int {
	if i.Threshold <= 0 {
		return 0
	}
	return min(100, i.Supports()*100/i.Threshold)
}

// LastDay is the last day of the support period, local date.
func (i *Initiative) LastDay() time.Time {
	return i.SupportEnds.In(Zone).AddDate(0, 0, -1)
}

// InitiativeSupport is one household's support. Serial is the household's number on the
// village's code sheet, the same whether it supported online or on paper, so that one
// household supports once.
type InitiativeSupport struct {
	ID           int64     `gorm:"column:id;primaryKey"`
	InitiativeID int64     `gorm:"column:initiative_id"`
	Serial       int       `gorm:"column:household_serial"`
	Channel      string    `gorm:"column:channel"`
	SignedOn     time.Time `gorm:"column:signed_on"` // the day it was given (paper) or the moment (online)
	EnteredBy    *int64    `gorm:"column:entered_by"`
	CreatedAt    time.Time `gorm:"column:created_at"`
}

func (InitiativeSupport) TableName() string { return "initiative_supports" }

// HouseholdCode is a household's code for the initiatives of its village: only its hash is
// kept, with the household's number on the printed sheet.
type HouseholdCode struct {
	ID        int64     `gorm:"column:id;primaryKey"`
	VillageID int64     `gorm:"column:village_id"`
	Serial    int       `gorm:"column:serial"`
	CodeHash  string    `gorm:"column:code_hash"`
	IssuedAt  time.Time `gorm:"column:issued_at"`
}

func (HouseholdCode) TableName() string { return "village_household_codes" }
