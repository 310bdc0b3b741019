package domain

import (
	"slices"
	"time"
)

// Stance is what the commenter thinks of the draft or article.
type Stance string

// Stances: đồng ý, không đồng ý, ý kiến khác.
const (
	StanceAgree    Stance = "agree"
	StanceDisagree Stance = "disagree"
	StanceOther    Stance = "other"
)

// Stances lists the stances in the order forms show them.
var Stances = []Stance{StanceAgree, StanceDisagree, StanceOther}

// Channel is how an opinion reached the commune (Law art. 26).
type Channel string

// Channels: the portal itself, and the offline ones officials enter.
const (
	ChannelOnline  Channel = "online"
	ChannelMeeting Channel = "meeting"
	ChannelForm    Channel = "form"
	ChannelBox     Channel = "box"
	ChannelPhone   Channel = "phone"
	ChannelSocial  Channel = "social"
	// ChannelFront is an opinion gathered and passed on by the commune Fatherland Front and
	// the socio-political organisations (Law 10/2022 art. 26).
	ChannelFront Channel = "front"
	// ChannelDialogue is an opinion heard at a dialogue with the citizens a matter directly
	// affects (Law 10/2022 art. 27).
	ChannelDialogue Channel = "dialogue"
)

// Channels lists every channel in report order.
var Channels = []Channel{ChannelOnline, ChannelMeeting, ChannelForm, ChannelBox, ChannelPhone, ChannelSocial, ChannelFront, ChannelDialogue}

// OpinionStatus is where an opinion stands in moderation.
type OpinionStatus string

// Opinion statuses.
const (
	OpinionPending  OpinionStatus = "pending"
	OpinionApproved OpinionStatus = "approved"
	OpinionRejected OpinionStatus = "rejected"
	// OpinionWithdrawn is an opinion its author took back while the consultation was open.
	OpinionWithdrawn OpinionStatus = "withdrawn"
	// OpinionHidden is an opinion a moderator removed after it was published; a marker with
	// the reason stays in its place.
	OpinionHidden OpinionStatus = "hidden"
)

// RejectReason is one of the fixed reasons shown to a rejected author.
type RejectReason string

// Reasons for rejecting an opinion; "other" needs a note.
const (
	ReasonSpam         RejectReason = "spam"
	ReasonOffensive    RejectReason = "offensive"
	ReasonOffTopic     RejectReason = "off_topic"
	ReasonPersonalData RejectReason = "personal_data"
	ReasonDuplicate    RejectReason = "duplicate"
	ReasonOther        RejectReason = "other"
)

// RejectReasons lists the reasons in the order forms show them.
var RejectReasons = []RejectReason{ReasonSpam, ReasonOffensive, ReasonOffTopic, ReasonPersonalData, ReasonDuplicate, ReasonOther}

// ValidRejectReason reports whether r is on the fixed list.
func ValidRejectReason(r RejectReason) bool { return slices.Contains(RejectReasons, r) }

// Limits on citizen input, in characters.
const (
	MaxOpinionBody  = 5000
	MinOpinionBody  = 2
	MaxName         = 100
	MaxContact      = 200
	MaxNote         = 1000
	MaxTitle        = 300
	MaxSummary      = 3000
	MaxDraftText    = 200_000
	MaxIdempotency  = 64
	OpinionsPerPage = 20
)

// Opinion is one resident's comment on a consultation or one of its sections.
type Opinion struct {
	ID              int64         `gorm:"column:id;primaryKey"`
	ConsultationID  int64         `gorm:"column:consultation_id"`
	SectionID       *int64        `gorm:"column:section_id"`
	Stance          Stance        `gorm:"column:stance"`
	Body            string        `gorm:"column:body"`
	BodyPublic      string        `gorm:"column:body_public"`
	Flags           string        `gorm:"column:flags"`
	ReviewedAt      *time.Time    `gorm:"column:reviewed_at"`
	DecisionSeconds *int64        `gorm:"column:decision_seconds"`
	Channel         Channel       `gorm:"column:channel"`
	VillageID       *int64        `gorm:"column:village_id"`
	AuthorName      string        `gorm:"column:author_name"`
	ShowName        bool          `gorm:"column:show_name"`
	Contact         string        `gorm:"column:contact"`
	Status          OpinionStatus `gorm:"column:status"`
	RejectionReason RejectReason  `gorm:"column:rejection_reason"`
	TrackingCode    string        `gorm:"column:tracking_code"`
	IdempotencyKey  *string       `gorm:"column:idempotency_key"`
	RequestHash     string        `gorm:"column:request_hash"`
	SubmittedAt     time.Time     `gorm:"column:submitted_at"`
	DecidedAt       *time.Time    `gorm:"column:decided_at"`
	WithdrawnAt     *time.Time    `gorm:"column:withdrawn_at"`
	ErasedAt        *time.Time    `gorm:"column:erased_at"`
	EnteredBy       *int64        `gorm:"column:entered_by"`
	ResponseID      *int64        `gorm:"column:response_id"`

	// Reference names the paper an offline opinion came on: the meeting minutes number or
	// the batch of household forms. Staff see it; the public does not.
	Reference string `gorm:"column:offline_ref"`

	// ConsultationTitle is filled by the moderation queue's join, for moderators who cover
	// several consultations at once.
	ConsultationTitle string `gorm:"->;column:consultation_title"`

	Village  *Unit     `gorm:"-"`
	Appeal   *Appeal   `gorm:"-"` // an open appeal, in the moderation queue
	Response *Response `gorm:"-"` // the official answer, once given
	Section  *Section  `gorm:"-"`
}

func (Opinion) TableName() string { return "opinions" }

// PublicName is the name shown to the public: only with the author's consent.
func (o Opinion) PublicName() string {
	if o.ShowName {
		return o.AuthorName
	}
	return ""
}

// ConsentPurpose is what a commenter agreed to, one consent per purpose.
type ConsentPurpose string

// Consent purposes.
const (
	ConsentShowName ConsentPurpose = "show_name" // show the name with the opinion
	ConsentContact  ConsentPurpose = "contact"   // keep the contact and be contacted about the opinion
)

// Consent records one consent: the words shown, in which language, when given and withdrawn.
type Consent struct {
	ID          int64          `gorm:"column:id;primaryKey"`
	OpinionID   int64          `gorm:"column:opinion_id"`
	Purpose     ConsentPurpose `gorm:"column:purpose"`
	Text        string         `gorm:"column:text"`
	Lang        string         `gorm:"column:lang"`
	GivenAt     time.Time      `gorm:"column:given_at"`
	WithdrawnAt *time.Time     `gorm:"column:withdrawn_at"`
}

func (Consent) TableName() string { return "consents" }

// Purged counts what one run of the retention purge erased: opinions whose contact or
// unshown name it cleared, photos and scans of papers, and outbox messages.
type Purged struct {
	Opinions    int64
	Attachments int64
	Messages    int64
}

// ModerationEvent records one moderation decision. The table is append-only.
type ModerationEvent struct {
	ID         int64         `gorm:"column:id;primaryKey"`
	OpinionID  int64         `gorm:"column:opinion_id"`
	ActorID    *int64        `gorm:"column:actor_id"`
	FromStatus OpinionStatus `gorm:"column:from_status"`
	ToStatus   OpinionStatus `gorm:"column:to_status"`
	Reason     string        `gorm:"column:reason"`
	Note       string        `gorm:"column:note"`
	CreatedAt  time.Time     `gorm:"column:created_at"`

	ActorName string `gorm:"->;column:actor_name"` // read only, filled by joins
}

func (ModerationEvent) TableName() string { return "moderation_events" }

// ModerationLogEntry is a moderation decision with the consultation it belongs to.
type ModerationLogEntry struct {
	ModerationEvent   `gorm:"embedded"`
	ConsultationID    int64  `gorm:"column:consultation_id"`
	ConsultationTitle string `gorm:"column:consultation_title"`
}

// SectionFilter narrows a consultation's opinions to a section; General means the opinions
// on the whole draft. The zero filter keeps them all.
type SectionFilter struct {
	SectionID *int64
	General   bool
}

// Counts are the counts by stance of a set of opinions.
type Counts struct {
	Total    int `json:"total"`
	Agree    int `json:"agree"`
	Disagree int `json:"disagree"`
	Other    int `json:"other"`
}

// Add counts n opinions of a stance.
func (c *Counts) Add(s Stance, n int) {
	c.Total += n
	switch s {
	case StanceAgree:
		c.Agree += n
	case StanceDisagree:
		c.Disagree += n
	default:
		c.Other += n
	}
}

// Summary holds the live counts of approved opinions of a consultation.
type Summary struct {
	Counts
	BySection map[int64]Counts
	ByUnit    []UnitCount
	ByChannel map[Channel]int
}

// UnitCount is the number of approved opinions from one village.
type UnitCount struct {
	Code  string
	Name  string
	Total int
}

// CommuneCount is the number of approved opinions from the villages of one commune.
type CommuneCount struct {
	ID    int64
	Code  string
	Name  string
	Total int
}

// Appeal is a rejected author's one request to look again.
type Appeal struct {
	ID        int64      `gorm:"column:id;primaryKey"`
	OpinionID int64      `gorm:"column:opinion_id"`
	Text      string     `gorm:"column:text"`
	CreatedAt time.Time  `gorm:"column:created_at"`
	DecidedAt *time.Time `gorm:"column:decided_at"`
	DecidedBy *int64     `gorm:"column:decided_by"`
	Outcome   string     `gorm:"column:outcome"` // "", "upheld" or "overturned"
}

func (Appeal) TableName() string { return "appeals" }

// MaxAppeal bounds an appeal's text: a short reason, not a second opinion.
const MaxAppeal = 1000

// ModerationStats are the public figures that let residents judge the moderation.
type ModerationStats struct {
	Received              int                  `json:"received"`
	Pending               int                  `json:"pending"`
	Approved              int                  `json:"approved"`
	Rejected              int                  `json:"rejected"`
	RejectedBy            map[RejectReason]int `json:"rejected_by_reason"`
	Hidden                int                  `json:"hidden"`
	Withdrawn             int                  `json:"withdrawn"`
	Appealed              int                  `json:"appealed"`
	Overturned            int                  `json:"overturned"`
	MedianDecisionSeconds *int64               `json:"median_decision_seconds"`
}

// Count adds n opinions of a status (and, for a rejection, its reason) to the figures.
// RejectedBy is filled only when it was made.
func (st *ModerationStats) Count(status OpinionStatus, reason RejectReason, n int) {
	st.Received += n
	switch status {
	case OpinionPending:
		st.Pending += n
	case OpinionApproved:
		st.Approved += n
	case OpinionRejected:
		st.Rejected += n
		if st.RejectedBy != nil {
			st.RejectedBy[reason] += n
		}
	case OpinionHidden:
		st.Hidden += n
	case OpinionWithdrawn:
		st.Withdrawn += n
	}
}

// ResponseKind is how the authority answered an opinion (Law 10/2022 art. 28(3)).
type ResponseKind string

// Response kinds: tiếp thu (accepted into the draft), giải trình (explained why not), ghi nhận (noted).
const (
	ResponseAccepted  ResponseKind = "accepted"
	ResponseExplained ResponseKind = "explained"
	ResponseNoted     ResponseKind = "noted"
)

// Response is the official answer to one opinion or to a group of similar ones.
type Response struct {
	ID             int64        `gorm:"column:id;primaryKey"`
	ConsultationID int64        `gorm:"column:consultation_id"`
	Kind           ResponseKind `gorm:"column:kind"`
	Text           string       `gorm:"column:text"`
	CreatedBy      *int64       `gorm:"column:created_by"`
	CreatedAt      time.Time    `gorm:"column:created_at"`
}

func (Response) TableName() string { return "responses" }

// MaxResponse bounds an answer's text.
const MaxResponse = 5000
