package domain

import (
	"slices"
	"time"
)

// Zone is the portal's local time zone. Vietnam has kept UTC+7 without daylight saving
// since 1975, so a fixed zone avoids depending on the host's tz database.
var Zone = time.FixedZone("Asia/Ho_Chi_Minh", 7*60*60)

// ConsultationKind says what is being consulted on.
type ConsultationKind string

// Consultation kinds (DESIGN.md).
const (
	KindHuongUoc ConsultationKind = "huong_uoc"
	KindQuyUoc   ConsultationKind = "quy_uoc"
	KindPlan     ConsultationKind = "plan"
	KindPolicy   ConsultationKind = "policy"
	KindBudget   ConsultationKind = "budget"
	KindOther    ConsultationKind = "other"
)

// ConsultationKinds lists the kinds in the order forms show them.
var ConsultationKinds = []ConsultationKind{KindHuongUoc, KindQuyUoc, KindPlan, KindPolicy, KindBudget, KindOther}

// Matter is the legal class of a consultation: the people decide (Law art. 15) or are consulted (art. 25).
type Matter string

// Matters.
const (
	MatterDecide  Matter = "decide"
	MatterConsult Matter = "consult"
)

// ModerationMode says whether opinions wait for a moderator before they are published.
type ModerationMode string

// Moderation modes: pre-moderation is the default; post-moderation publishes at once and a
// moderator reviews afterwards.
const (
	PreModeration  ModerationMode = "pre"
	PostModeration ModerationMode = "post"
)

// Status of a consultation.
type Status string

// Consultation statuses. A decide matter (Law art. 15) goes on from its published results
// to the households' decision: adopted or rejected, worked out from the decisions recorded
// for its villages (household.go), never chosen by hand. What happens to an adopted charter
// afterwards (dossier, recognition) is tracked apart from this status.
const (
	StatusDraft            Status = "draft"
	StatusOpen             Status = "open"
	StatusClosed           Status = "closed"
	StatusResultsPublished Status = "results_published"
	StatusWithdrawn        Status = "withdrawn"
	StatusAdopted          Status = "adopted"
	StatusRejected         Status = "rejected"
)

// ListedStatuses are the statuses public lists show: every consultation that was published
// and not withdrawn, through the households' decision.
var ListedStatuses = []Status{StatusOpen, StatusClosed, StatusResultsPublished, StatusAdopted, StatusRejected}

// transitions is the single table of allowed status changes.
var transitions = map[Status][]Status{
	StatusDraft:            {StatusOpen, StatusWithdrawn},
	StatusOpen:             {StatusClosed, StatusWithdrawn},
	StatusClosed:           {StatusResultsPublished, StatusWithdrawn},
	StatusResultsPublished: {StatusAdopted, StatusRejected},
}

// CanTransition reports whether a consultation may move from one status to another.
func CanTransition(from, to Status) bool {
	return slices.Contains(transitions[from], to)
}

// Consultation is a draft put to the people for their opinion.
type Consultation struct {
	ID          int64            `gorm:"column:id;primaryKey"`
	UnitID      int64            `gorm:"column:unit_id"`
	Kind        ConsultationKind `gorm:"column:kind"`
	Matter      Matter           `gorm:"column:matter"`
	Title       string           `gorm:"column:title"`
	Summary     string           `gorm:"column:summary"`
	SearchText  string           `gorm:"column:search_text"`
	Status      Status           `gorm:"column:status"`
	Moderation  ModerationMode   `gorm:"column:moderation"`
	Version     int              `gorm:"column:version"`
	OpensAt     time.Time        `gorm:"column:opens_at"`
	ClosesAt    time.Time        `gorm:"column:closes_at"`
	PublishedAt *time.Time       `gorm:"column:published_at"`
	ClosedAt    *time.Time       `gorm:"column:closed_at"`
	// CloseReason is why an official closed the period before its last day was over.
	CloseReason string `gorm:"column:close_reason"`
	// WithdrawnAt and WithdrawReason record the withdrawal of the draft, shown on its page.
	WithdrawnAt    *time.Time `gorm:"column:withdrawn_at"`
	WithdrawReason string     `gorm:"column:withdraw_reason"`
	// ResultsPublishedAt starts the retention clock for commenters' contacts.
	ResultsPublishedAt *time.Time `gorm:"column:results_published_at"`
	CreatedBy          *int64     `gorm:"column:created_by"`
	CreatedAt          time.Time  `gorm:"column:created_at"`
	UpdatedAt          time.Time  `gorm:"column:updated_at"`
	// Item is the item of Law art. 15 a decide matter is about; 0 for a consult matter.
	Item Item `gorm:"column:item"`
	// Topic is the item of Law art. 25 a consult matter is about; nil where none was stated
	// (consultations created before it was asked, and decide matters).
	Topic *Topic `gorm:"column:topic"`
	// DecidedAt is the day the households decided a decide matter (that of the last village
	// to decide), set when it is concluded adopted or rejected.
	DecidedAt *time.Time `gorm:"column:decided_at"`

	Unit     *Unit     `gorm:"-"`
	Sections []Section `gorm:"-"`
}

func (Consultation) TableName() string { return "consultations" }

// Phase is what a visitor can do with a consultation at a moment in time.
type Phase string

// Phases derived from status and dates.
const (
	PhaseDraft     Phase = "draft"
	PhaseUpcoming  Phase = "upcoming" // published, period not started
	PhaseOpen      Phase = "open"     // accepting opinions
	PhaseEnded     Phase = "ended"    // period over or closed by the official
	PhaseResults   Phase = "results"
	PhaseWithdrawn Phase = "withdrawn"
	PhaseAdopted   Phase = "adopted"  // the households adopted it
	PhaseRejected  Phase = "rejected" // the households rejected it
)

// PhaseAt derives the phase from the status and the period, so a consultation stops taking
// opinions the moment its period ends even before an official closes it.
func (c *Consultation) PhaseAt(now time.Time) Phase {
	switch c.Status {
	case StatusDraft:
		return PhaseDraft
	case StatusOpen:
		switch {
		case now.Before(c.OpensAt):
			return PhaseUpcoming
		case now.Before(c.ClosesAt):
			return PhaseOpen
		}
		return PhaseEnded
	case StatusClosed:
		return PhaseEnded
	case StatusResultsPublished:
		return PhaseResults
	case StatusAdopted:
		return PhaseAdopted
	case StatusRejected:
		return PhaseRejected
	}
	return PhaseWithdrawn
}

// MinPeriodDays is the shortest period the law allows for posting a draft: 30 days for a
// hương ước or quy ước (Decree 61/2023 art. 9(1)), 20 days for a consult matter (Law 10/2022
// art. 28(2)). Other decide matters have no legal minimum here; one day is the floor. It
// binds both ends: publishing (the period planned) and closing (the period given).
func MinPeriodDays(kind ConsultationKind, matter Matter) int {
	switch LawBasis(kind, matter) {
	case "charter":
		return 30
	case "consult":
		return 20
	}
	return 1
}

// PeriodDays counts the days a consultation is open from the later of its opening and the
// moment of publication: the law counts the period from when people can actually see the draft.
func (c *Consultation) PeriodDays(publishedAt time.Time) int {
	start := c.OpensAt
	if publishedAt.After(start) {
		start = publishedAt
	}
	return int(c.ClosesAt.Sub(start).Hours() / 24)
}

// StartOfDay returns midnight, local time, of the day t falls on.
func StartOfDay(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Zone)
}

// PeriodFromDates turns the first and last day an official enters into the half-open
// interval [opens, closes): the consultation closes at midnight after the last day.
func PeriodFromDates(first, last time.Time) (opens, closes time.Time) {
	return StartOfDay(first), StartOfDay(last).AddDate(0, 0, 1)
}

// LastDay is the last calendar day of the period, for display.
func (c *Consultation) LastDay() time.Time {
	return c.ClosesAt.Add(-time.Second).In(Zone)
}

// Section is one part of a draft: a chapter, an article or a clause.
type Section struct {
	ID             int64  `gorm:"column:id;primaryKey"`
	ConsultationID int64  `gorm:"column:consultation_id"`
	VersionID      int64  `gorm:"column:version_id"`
	Ordinal        int    `gorm:"column:ordinal"`
	Kind           string `gorm:"column:kind"`
	Level          int    `gorm:"column:level"`
	Path           string `gorm:"column:path"`
	Heading        string `gorm:"column:heading"`
	Body           string `gorm:"column:body"`
}

func (Section) TableName() string { return "sections" }

// Commentable reports whether residents comment on this section itself; chapters only group articles.
func (s *Section) Commentable() bool { return s.Kind != "chapter" }

// ChildrenOf returns the sections nested under s (the clauses of an article), which follow it
// in document order until a section of the same or a higher level.
func (c *Consultation) ChildrenOf(s *Section) []Section {
	for i := range c.Sections {
		if c.Sections[i].ID != s.ID {
			continue
		}
		end := i + 1
		for end < len(c.Sections) && c.Sections[end].Level > s.Level {
			end++
		}
		return c.Sections[i+1 : end]
	}
	return nil
}

// Version is one text of a draft; sections belong to a version.
type Version struct {
	ID             int64     `gorm:"column:id;primaryKey"`
	ConsultationID int64     `gorm:"column:consultation_id"`
	Number         int       `gorm:"column:number"`
	SourceText     string    `gorm:"column:source_text"`
	CreatedAt      time.Time `gorm:"column:created_at"`
}

func (Version) TableName() string { return "consultation_versions" }

// ConsultationEvent records one status change of a consultation.
type ConsultationEvent struct {
	ID             int64     `gorm:"column:id;primaryKey"`
	ConsultationID int64     `gorm:"column:consultation_id"`
	ActorID        *int64    `gorm:"column:actor_id"`
	FromStatus     Status    `gorm:"column:from_status"`
	ToStatus       Status    `gorm:"column:to_status"`
	Reason         string    `gorm:"column:reason"`
	CreatedAt      time.Time `gorm:"column:created_at"`
}

func (ConsultationEvent) TableName() string { return "consultation_events" }
