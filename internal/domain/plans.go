package domain

import (
	"strconv"
	"time"
)

// Topic is the item of Law 10/2022 art. 25 a consult matter is about: the contents the people
// give their opinion on before the competent authority decides.
type Topic int

// The items of Law 10/2022 art. 25.
const (
	// TopicDevelopmentPlan: draft socio-economic development plans of the commune; plans for
	// restructuring the economy and production; schemes for settlement, new economic zones
	// and the development of trades (art. 25(1)).
	TopicDevelopmentPlan Topic = 1
	// TopicLandUse: the draft land-use plan and its revision; the management and use of
	// the land fund for public purposes (art. 25(2)).
	TopicLandUse Topic = 2
	// TopicProjects: draft plans for carrying out programmes and projects in the commune;
	// policies and plans for compensation, site clearance, infrastructure and resettlement;
	// residential area planning (art. 25(3)).
	TopicProjects Topic = 3
	// TopicBoundaries: establishing, merging, dividing or adjusting the boundaries of
	// administrative units; naming and renaming them; establishing, merging or dividing
	// villages and naming them (art. 25(4)).
	TopicBoundaries Topic = 4
	// TopicDemocracyRules: the rules of the commune on implementing grassroots democracy
	// (art. 25(5)).
	TopicDemocracyRules Topic = 5
	// TopicOther: other contents the law, a competent authority or the commune puts to the
	// people (art. 25(6)).
	TopicOther Topic = 6
)

// Topics lists the items of art. 25 in the law's order, as forms show them.
var Topics = []Topic{TopicDevelopmentPlan, TopicLandUse, TopicProjects, TopicBoundaries, TopicDemocracyRules, TopicOther}

// Valid reports whether t is an item of art. 25.
func (t Topic) Valid() bool { return t >= TopicDevelopmentPlan && t <= TopicOther }

// Key is the message key naming the item ("plans.topic.3"); Short names it briefly.
func (t Topic) Key() string { return "plans.topic." + strconv.Itoa(int(t)) }

// Int is the item's number, for messages that cite it.
func (t Topic) Int() int { return int(t) }

// Short is the message key of the item's short name, for lists and headings.
func (t Topic) Short() string { return "plans.topic_short." + strconv.Itoa(int(t)) }

// TopicRequired reports whether a consultation must name its art. 25 item: every consult
// matter of a commune, ward or special zone, the level art. 25 speaks of.
func TopicRequired(matter Matter, unit UnitKind) bool {
	if matter != MatterConsult {
		return false
	}
	return unit == UnitCommune || unit == UnitWard || unit == UnitSpecialZone
}

// ConsultationPlan is what the commune records about the plan of a consult matter (Law
// 10/2022 art. 28(1)): the days it sent the plan to the commune People's Council and to the
// commune Fatherland Front committee; and, after the results, the day it submitted its report
// on them to the People's Council at the Council's next regular session (art. 28(5), 14(3)).
type ConsultationPlan struct {
	ConsultationID int64      `gorm:"column:consultation_id;primaryKey"`
	CouncilSentOn  *time.Time `gorm:"column:council_sent_on"`
	FrontSentOn    *time.Time `gorm:"column:front_sent_on"`
	// ReportSubmittedOn is the day the report went to the People's Council; ReportSession
	// names the session it went to ("Kỳ họp thứ 5, HĐND xã khoá XXII"), optional.
	ReportSubmittedOn *time.Time `gorm:"column:report_submitted_on"`
	ReportSession     string     `gorm:"column:report_session"`
	UpdatedBy         *int64     `gorm:"column:updated_by"`
	UpdatedAt         time.Time  `gorm:"column:updated_at"`
}

func (ConsultationPlan) TableName() string { return "consultation_plans" }

// MaxSession bounds the name of a Council session, in characters.
const MaxSession = 200

// Sending is where the duty to send a plan to one recipient stands.
type Sending string

// Sendings. The plan is sent before the people are asked (Law 10/2022 art. 28(1)): a plan
// sent on or before the day the consultation was published is on time; sent on a later day,
// late; not sent and the consultation already published, missing. Before publication a plan
// not yet sent is simply due.
const (
	SendingDue     Sending = "due"
	SendingOnTime  Sending = "on_time"
	SendingLate    Sending = "late"
	SendingMissing Sending = "missing"
)

// PlanSending judges the sending of a plan to one recipient, by local calendar days: the
// day of sending against the day of publication.
func PlanSending(sentOn, publishedAt *time.Time) Sending {
	switch {
	case publishedAt == nil && sentOn == nil:
		return SendingDue
	case publishedAt == nil:
		return SendingOnTime
	case sentOn == nil:
		return SendingMissing
	case StartOfDay(*sentOn).After(StartOfDay(*publishedAt)):
		return SendingLate
	}
	return SendingOnTime
}

// Flagged reports whether a sending breaks the duty of art. 28(1).
func (s Sending) Flagged() bool { return s == SendingLate || s == SendingMissing }
