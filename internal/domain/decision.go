package domain

import "time"

// ArticleDecision is what the authority decided about one article of its draft after the
// consultation: keep it as drafted, amend it, or remove it. Law 10/2022 art. 28(4) asks the
// authority to say why where its decision goes against the majority of the opinions on it.
type ArticleDecision struct {
	ID             int64          `gorm:"column:id;primaryKey" json:"-"`
	ConsultationID int64          `gorm:"column:consultation_id" json:"-"`
	SectionID      int64          `gorm:"column:section_id" json:"section_id"`
	Decision       DecisionOnText `gorm:"column:decision" json:"decision"`
	Reason         string         `gorm:"column:reason" json:"reason,omitempty"`
	DecidedBy      *int64         `gorm:"column:decided_by" json:"-"`
	DecidedAt      time.Time      `gorm:"column:decided_at" json:"decided_at"`
}

func (ArticleDecision) TableName() string { return "article_decisions" }

// DecisionOnText is the fate of an article of the draft.
type DecisionOnText string

// The decisions on an article.
const (
	DecisionKept    DecisionOnText = "kept"    // giữ nguyên
	DecisionAmended DecisionOnText = "amended" // sửa đổi, bổ sung
	DecisionRemoved DecisionOnText = "removed" // bỏ
)

// Decisions lists the decisions in the order forms offer them.
var Decisions = []DecisionOnText{DecisionKept, DecisionAmended, DecisionRemoved}

// MajorityView is the stance of more than half of the opinions on an article: agree,
// disagree, or "" where no stance has more than half (or there are no opinions). "Other"
// opinions (questions, suggestions) count in the whole but are never a majority view about
// keeping the text.
func MajorityView(n Counts) Stance {
	switch {
	case n.Total == 0:
		return ""
	case 2*n.Agree > n.Total:
		return StanceAgree
	case 2*n.Disagree > n.Total:
		return StanceDisagree
	}
	return ""
}

// DiffersFromMajority says whether a decision goes against the majority view: amending or
// removing an article most commenters agreed with, or keeping one most disagreed with. Such
// a decision needs a stated reason.
func DiffersFromMajority(d DecisionOnText, n Counts) bool {
	switch MajorityView(n) {
	case StanceAgree:
		return d != DecisionKept
	case StanceDisagree:
		return d == DecisionKept
	}
	return false
}

// Notification is an entry in a staff member's inbox on the portal.
type Notification struct {
	ID             int64      `gorm:"column:id;primaryKey" json:"id"`
	StaffID        int64      `gorm:"column:staff_id" json:"-"`
	Kind           string     `gorm:"column:kind" json:"kind"`
	ConsultationID *int64     `gorm:"column:consultation_id" json:"consultation_id,omitempty"`
	UnitID         *int64     `gorm:"column:unit_id" json:"-"`
	DedupKey       string     `gorm:"column:dedup_key" json:"-"`
	CreatedAt      time.Time  `gorm:"column:created_at" json:"created_at"`
	ReadAt         *time.Time `gorm:"column:read_at" json:"read_at,omitempty"`

	ConsultationTitle string `gorm:"->;column:consultation_title" json:"consultation_title,omitempty"` // read only, filled by joins
}

func (Notification) TableName() string { return "staff_notifications" }

// NoticeResults is the kind of notification sent when a consultation's results are published.
const NoticeResults = "results"

// NoticeFirstOpinions tells a consultation's officials that it has received its first
// opinions; NoticeQueueWaits tells its moderators that opinions wait longer than a day.
const (
	NoticeFirstOpinions = "first_opinions"
	NoticeQueueWaits    = "queue_waits"
)
