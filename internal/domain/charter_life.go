package domain

import (
	"strings"
	"time"
)

// CharterDrafting is how a charter came to be drafted: who proposed it and when (Decree
// 61/2023 art. 7), and the drafting team (Tổ soạn thảo) the village head set up with the
// head of the village's Front work committee (art. 8). The village head leads the team and
// the head of the Front work committee is among its members; the other members are one a
// line. Names are shown to staff only.
type CharterDrafting struct {
	ConsultationID int64      `gorm:"column:consultation_id;primaryKey"`
	ProposedBy     string     `gorm:"column:proposed_by"`
	ProposedOn     *time.Time `gorm:"column:proposed_on"`
	Proposal       string     `gorm:"column:proposal"`
	TeamFormedOn   *time.Time `gorm:"column:team_formed_on"`
	LeaderName     string     `gorm:"column:leader_name"`
	FrontHeadName  string     `gorm:"column:front_head_name"`
	Members        string     `gorm:"column:members"`
	ActorID        *int64     `gorm:"column:actor_id"`
	UpdatedAt      time.Time  `gorm:"column:updated_at"`
}

func (CharterDrafting) TableName() string { return "charter_drafting" }

// TeamSize counts the team: its leader, the Front's head and the other members.
func (d *CharterDrafting) TeamSize() int {
	n := 0
	if d.LeaderName != "" {
		n++
	}
	if d.FrontHeadName != "" {
		n++
	}
	return n + len(d.MemberList())
}

// MemberList is the other members, one a line, blank lines left out.
func (d *CharterDrafting) MemberList() []string {
	var out []string
	for _, line := range strings.Split(d.Members, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// Review outcomes: what the village's annual review concluded about its charter.
const (
	ReviewKeep    = "keep"    // keep applying it as it is
	ReviewAmend   = "amend"   // amend or supplement it
	ReviewReplace = "replace" // replace it
	ReviewAnnul   = "annul"   // propose to annul it
)

// ReviewOutcomes lists the outcomes in order.
var ReviewOutcomes = []string{ReviewKeep, ReviewAmend, ReviewReplace, ReviewAnnul}

// CharterReview is the village's annual review of a charter in force (art. 15(4)).
type CharterReview struct {
	ID             int64     `gorm:"column:id;primaryKey"`
	ConsultationID int64     `gorm:"column:consultation_id"`
	Year           int       `gorm:"column:year"`
	HeldOn         time.Time `gorm:"column:held_on"`
	Outcome        string    `gorm:"column:outcome"`
	Findings       string    `gorm:"column:findings"`
	ActorID        *int64    `gorm:"column:actor_id"`
	CreatedAt      time.Time `gorm:"column:created_at"`
}

func (CharterReview) TableName() string { return "charter_reviews" }

// ReviewDay is the day of a year's review: 18 November, the Day of Great National Unity
// (Decree 61/2023 art. 15(4)), unless the community agrees on another important day.
func ReviewDay(year int) time.Time { return time.Date(year, time.November, 18, 0, 0, 0, 0, Zone) }

// ReviewDue reports whether a charter recognised on the day given is due for review in a
// year: it was in force on that year's review day.
func ReviewDue(recognisedOn time.Time, year int) bool {
	return !StartOfDay(recognisedOn).After(ReviewDay(year))
}
