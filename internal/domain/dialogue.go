package domain

import (
	"slices"
	"time"
)

// A dialogue (hội nghị trao đổi, đối thoại) is a meeting between a commune's People's
// Committee, chaired by its head, and the commune's residents: Law 10/2022/QH15 art. 32
// ("Hội nghị trao đổi, đối thoại giữa Ủy ban nhân dân cấp xã với Nhân dân") sets it in the
// law's section on residents checking and overseeing the commune's work (Chapter II, Section
// 4, "Nhân dân kiểm tra, giám sát"). The portal serves a monthly series of them. Residents send questions ahead, by theme, and support the ones they share; the
// officials answer each question in public and record what they promised, with a due date.

// DialogueStatus is where a dialogue stands.
type DialogueStatus string

// Dialogue statuses: scheduled until the officials record that it was held (or cancelled).
const (
	DialogueScheduled DialogueStatus = "scheduled"
	DialogueHeld      DialogueStatus = "held"
	DialogueCancelled DialogueStatus = "cancelled"
)

// Dialogue is one meeting of a commune's dialogue series.
type Dialogue struct {
	ID     int64  `gorm:"column:id;primaryKey"`
	UnitID int64  `gorm:"column:unit_id"`
	Unit   *Unit  `gorm:"-"`
	Title  string `gorm:"column:title"`
	// StartsAt is the meeting's date and time (stored in UTC, shown in Zone).
	StartsAt  time.Time      `gorm:"column:starts_at"`
	Place     string         `gorm:"column:place"`
	ChairedBy string         `gorm:"column:chaired_by"` // who chairs it: the head of the commune, by name and office
	Status    DialogueStatus `gorm:"column:status"`
	// Attendance is how many residents came, recorded with the meeting's results.
	Attendance   int        `gorm:"column:attendance"`
	Summary      string     `gorm:"column:summary"` // the chair's closing remarks, for the minutes
	HeldAt       *time.Time `gorm:"column:held_at"` // when it was recorded as held
	CancelReason string     `gorm:"column:cancel_reason"`
	CreatedBy    *int64     `gorm:"column:created_by"`
	CreatedAt    time.Time  `gorm:"column:created_at"`
	UpdatedAt    time.Time  `gorm:"column:updated_at"`
}

func (Dialogue) TableName() string { return "dialogues" }

// QuestionsCloseAt is when a dialogue stops taking questions: at the local midnight that
// begins the meeting's day, so the last day to ask is the day before. The officials then have
// the whole day of the meeting to read and prepare answers, and every question is moderated
// before the chair sees it. Support for questions closes at the same moment.
func (d Dialogue) QuestionsCloseAt() time.Time { return StartOfDay(d.StartsAt) }

// TakesQuestions reports whether residents may still ask (and support) at now.
func (d Dialogue) TakesQuestions(now time.Time) bool {
	return d.Status == DialogueScheduled && now.Before(d.QuestionsCloseAt())
}

// LastDayToAsk is the last local day on which questions are taken.
func (d Dialogue) LastDayToAsk() time.Time { return d.QuestionsCloseAt().Add(-time.Second).In(Zone) }

// Theme is one of the fixed local themes a question is sent under.
type Theme string

// The themes residents choose from. A short list of what communes' dialogues are about, so
// the officials can gather questions before the meeting and a resident finds the ones they
// share.
const (
	ThemeLand           Theme = "land"           // đất đai
	ThemeEnvironment    Theme = "environment"    // môi trường
	ThemeWelfare        Theme = "welfare"        // an sinh xã hội, chính sách
	ThemeInfrastructure Theme = "infrastructure" // hạ tầng, giao thông
	ThemeProcedures     Theme = "procedures"     // thủ tục hành chính
	ThemeSecurity       Theme = "security"       // an ninh, trật tự
	ThemeOther          Theme = "other"
)

// Themes lists the themes in the order forms show them.
var Themes = []Theme{ThemeLand, ThemeEnvironment, ThemeWelfare, ThemeInfrastructure, ThemeProcedures, ThemeSecurity, ThemeOther}

// ValidTheme reports whether t is on the fixed list.
func ValidTheme(t Theme) bool { return slices.Contains(Themes, t) }

// Limits of a question.
const (
	MinQuestionBody = 10
	MaxQuestionBody = 2000
	MaxAnswerBody   = 5000
	MaxPromiseText  = 1000
)

// DialogueQuestion is a resident's question to a dialogue. Moderated like an opinion: public
// only once approved, with personal data masked (BodyPublic); the resident follows it by its
// tracking code. No name or contact is asked for, so none is kept.
type DialogueQuestion struct {
	ID              int64         `gorm:"column:id;primaryKey"`
	DialogueID      int64         `gorm:"column:dialogue_id"`
	Theme           Theme         `gorm:"column:theme"`
	Body            string        `gorm:"column:body"`
	BodyPublic      string        `gorm:"column:body_public"`
	Flags           string        `gorm:"column:flags"`
	VillageID       *int64        `gorm:"column:village_id"`
	Village         *Unit         `gorm:"-"`
	Status          OpinionStatus `gorm:"column:status"` // pending, approved or rejected
	RejectionReason RejectReason  `gorm:"column:rejection_reason"`
	RejectionNote   string        `gorm:"column:rejection_note"`
	ModeratedBy     *int64        `gorm:"column:moderated_by"`
	ModeratedAt     *time.Time    `gorm:"column:moderated_at"`
	TrackingCode    string        `gorm:"column:tracking_code"`
	IdempotencyKey  *string       `gorm:"column:idempotency_key"`
	RequestHash     string        `gorm:"column:request_hash"`
	Supports        int           `gorm:"column:supports"`
	Answer          string        `gorm:"column:answer"`
	AnsweredAt      *time.Time    `gorm:"column:answered_at"`
	AnsweredBy      *int64        `gorm:"column:answered_by"`
	SubmittedAt     time.Time     `gorm:"column:submitted_at"`
}

func (DialogueQuestion) TableName() string { return "dialogue_questions" }

// Answered reports whether the officials answered the question.
func (q DialogueQuestion) Answered() bool { return q.AnsweredAt != nil }

// DialoguePromise is what the officials undertook at a dialogue (on a question, or in
// general), with the day by which it is to be done.
type DialoguePromise struct {
	ID         int64      `gorm:"column:id;primaryKey"`
	DialogueID int64      `gorm:"column:dialogue_id"`
	QuestionID *int64     `gorm:"column:question_id"`
	Text       string     `gorm:"column:text"`
	DueOn      time.Time  `gorm:"column:due_on"` // the last day, local midnight
	DoneAt     *time.Time `gorm:"column:done_at"`
	DoneNote   string     `gorm:"column:done_note"`
	CreatedBy  *int64     `gorm:"column:created_by"`
	CreatedAt  time.Time  `gorm:"column:created_at"`
}

func (DialoguePromise) TableName() string { return "dialogue_promises" }

// PromiseStanding is where a promise stands against its due day.
type PromiseStanding string

// Promise standings. A promise is due by the end of its due day (Civil Code art. 148: a
// period counted in days ends at the end of its last day): it becomes overdue at the local
// midnight after that day.
const (
	PromisePending  PromiseStanding = "pending"   // not done, the due day not over
	PromiseOverdue  PromiseStanding = "overdue"   // not done, the due day is over
	PromiseKept     PromiseStanding = "kept"      // done by the end of the due day
	PromiseDoneLate PromiseStanding = "done_late" // done, after the due day
)

// DueEnds is the moment a promise becomes overdue: midnight after its due day.
func (p DialoguePromise) DueEnds() time.Time { return StartOfDay(p.DueOn).AddDate(0, 0, 1) }

// StandingAt says where the promise stands at now.
func (p DialoguePromise) StandingAt(now time.Time) PromiseStanding {
	switch {
	case p.DoneAt != nil && p.DoneAt.Before(p.DueEnds()):
		return PromiseKept
	case p.DoneAt != nil:
		return PromiseDoneLate
	case !now.Before(p.DueEnds()):
		return PromiseOverdue
	}
	return PromisePending
}

// DaysOverdue is how many whole days past its due day a promise not yet done is at now.
func (p DialoguePromise) DaysOverdue(now time.Time) int {
	if p.DoneAt != nil || now.Before(p.DueEnds()) {
		return 0
	}
	return int(StartOfDay(now).Sub(StartOfDay(p.DueOn)).Hours()/24 + 0.5)
}
