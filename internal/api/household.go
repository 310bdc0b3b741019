package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// householdJSON is a decide matter with the decision of each of its villages.
type householdJSON struct {
	ConsultationID int64  `json:"consultation_id"`
	Item           int    `json:"item,omitempty"`
	Rule           string `json:"rule"`
	Status         string `json:"status"`
	// Scope is "commune" for a matter put to a whole commune (items 1–2 are then adopted by
	// two thirds of its villages), "village" otherwise.
	Scope string `json:"scope"`
	// Outcome is what the villages' decisions give once every village has decided
	// ("adopted" or "rejected"); null before.
	Outcome *string `json:"outcome"`
	// VillagesAdopted is how many villages adopted the matter so far.
	VillagesAdopted int `json:"villages_adopted"`
	// Recognition is where an adopted hương ước or quy ước stands with the commune:
	// "awaiting", "recognised" or "refused"; null otherwise.
	Recognition *string            `json:"recognition"`
	Villages    []villageEntryJSON `json:"villages"`
}

type villageEntryJSON struct {
	Village    unitRef              `json:"village"`
	Households int                  `json:"households"`
	Decision   *villageDecisionJSON `json:"decision"`
	Online     *onlineVoteJSON      `json:"online,omitempty"`
}

type villageDecisionJSON struct {
	Form string `json:"form"`
	// HeldOn is the day of the meeting or count, or the day an online vote closed.
	HeldOn     string `json:"held_on"`
	Place      string `json:"place"`
	Content    string `json:"content"`
	Households int    `json:"households"`
	Present    int    `json:"present"`
	Absent     int    `json:"absent"`
	Agree      int    `json:"agree"`
	Disagree   int    `json:"disagree"`
	Other      int    `json:"other"`
	Needed     int    `json:"needed"`
	// Quorate is false for a meeting without quorum, which decides nothing: Adopted is
	// then null.
	Quorate      bool                `json:"quorate"`
	Adopted      *bool               `json:"adopted"`
	Clusters     []clusterJSON       `json:"clusters,omitempty"`
	PriorMeeting *priorMeetingJSON   `json:"prior_meeting,omitempty"`
	RecordedAt   time.Time           `json:"recorded_at"`
	SentOn       *string             `json:"sent_on"`
	SendDeadline *string             `json:"send_deadline"`
	Front        *frontActsJSON      `json:"front,omitempty"`
	Recognition  *decisionRecognJSON `json:"recognition,omitempty"`
}

type clusterJSON struct {
	Name     string `json:"name"`
	Present  int    `json:"present"`
	Agree    int    `json:"agree"`
	Disagree int    `json:"disagree"`
	Other    int    `json:"other"`
}

type priorMeetingJSON struct {
	HeldOn  string `json:"held_on"`
	Present int    `json:"present"`
}

type frontActsJSON struct {
	ReceivedOn *string    `json:"received_on"`
	SignedAt   *time.Time `json:"signed_at"`
}

// decisionRecognJSON is where an adopted decision that needs recognition stands.
type decisionRecognJSON struct {
	State    string  `json:"state"` // awaiting, recognised, refused
	Number   string  `json:"number,omitempty"`
	Date     *string `json:"date"`
	Reasons  string  `json:"reasons,omitempty"`
	Deadline *string `json:"deadline"` // 5 working days after the decision was sent; null before
}

// onlineVoteJSON is a village's online vote as staff see it: no list of who voted.
type onlineVoteJSON struct {
	OpensAt          time.Time  `json:"opens_at"`
	ClosesAt         time.Time  `json:"closes_at"`
	AgreedHouseholds int        `json:"agreed_households"`
	FrontAgreedAt    *time.Time `json:"front_agreed_at"`
	Votes            int        `json:"votes"`
}

func toVillageDecisionJSON(d *domain.VillageDecision, o domain.Outcome) *villageDecisionJSON {
	j := &villageDecisionJSON{
		Form: string(d.Form), HeldOn: d.HeldOn.In(domain.Zone).Format(time.DateOnly), Place: d.Place, Content: d.Content,
		Households: d.Households, Present: d.Present, Absent: d.Absent(), Agree: d.Agree, Disagree: d.Disagree, Other: d.Other,
		Needed: o.Needed, Quorate: o.Quorate, RecordedAt: d.RecordedAt.In(domain.Zone),
	}
	if o.Quorate {
		adopted := o.Adopted
		j.Adopted = &adopted
	}
	for _, c := range d.Clusters {
		j.Clusters = append(j.Clusters, clusterJSON{Name: c.Name, Present: c.Present, Agree: c.Agree, Disagree: c.Disagree, Other: c.Other})
	}
	if d.PriorMeetingOn != nil {
		j.PriorMeeting = &priorMeetingJSON{HeldOn: *day(d.PriorMeetingOn), Present: d.PriorPresent()}
	}
	return j
}

// withActs adds what followed a village's decision to its JSON.
func withActs(j *villageDecisionJSON, r *app.VillageRow) {
	if acts := r.Acts; acts != nil {
		j.SentOn = day(acts.SentOn)
		if acts.FrontReceivedOn != nil || acts.FrontSignedAt != nil {
			j.Front = &frontActsJSON{ReceivedOn: day(acts.FrontReceivedOn)}
			if acts.FrontSignedAt != nil {
				at := acts.FrontSignedAt.In(domain.Zone)
				j.Front.SignedAt = &at
			}
		}
	}
	for _, dl := range r.Deadlines {
		due := dl.Due
		switch dl.Kind {
		case domain.DeadlineSend:
			j.SendDeadline = day(&due)
		case domain.DeadlineDecisionRecognition:
			if j.Recognition == nil {
				j.Recognition = &decisionRecognJSON{}
			}
			j.Recognition.Deadline = day(&due)
		}
	}
	if r.Recognition != domain.RecognitionNone {
		if j.Recognition == nil {
			j.Recognition = &decisionRecognJSON{}
		}
		j.Recognition.State = string(r.Recognition)
		if acts := r.Acts; acts != nil && acts.Recognition != domain.RecognitionNone {
			j.Recognition.Number, j.Recognition.Date, j.Recognition.Reasons = acts.RecognitionNumber, day(acts.RecognitionDate), acts.RecognitionReasons
		}
	}
}

func (a *API) villageDecisions(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	h, err := a.App.HouseholdDecisionsOf(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	j := householdJSON{ConsultationID: h.C.ID, Item: int(h.Item), Rule: string(h.Rule), Status: string(h.C.Status),
		Scope: "village", VillagesAdopted: h.Adopting, Villages: make([]villageEntryJSON, 0, len(h.Villages))}
	if h.CommuneScope {
		j.Scope = "commune"
	}
	if h.Complete {
		o := "rejected"
		if h.Adopted {
			o = "adopted"
		}
		j.Outcome = &o
	}
	if h.Recognition != domain.RecognitionNone {
		r := string(h.Recognition)
		j.Recognition = &r
	}
	for i := range h.Villages {
		r := &h.Villages[i]
		e := villageEntryJSON{Village: unitRef{Code: r.Village.Code, Name: r.Village.Name}, Households: r.Village.Households}
		if r.Decision != nil {
			e.Decision = toVillageDecisionJSON(r.Decision, r.Outcome)
			withActs(e.Decision, r)
		}
		if b := r.Ballot; b != nil {
			e.Online = &onlineVoteJSON{OpensAt: b.OpensAt.In(domain.Zone), ClosesAt: b.ClosesAt.In(domain.Zone),
				AgreedHouseholds: b.AgreedHouseholds, Votes: b.Votes()}
			if b.FrontAgreedAt != nil {
				at := b.FrontAgreedAt.In(domain.Zone)
				e.Online.FrontAgreedAt = &at
			}
		}
		j.Villages = append(j.Villages, e)
	}
	return c.JSON(http.StatusOK, j)
}

// newVillageDecisionJSON takes the day of the decision as a date or an RFC 3339 time.
type newVillageDecisionJSON struct {
	app.NewVillageDecision
	HeldOn string `json:"held_on"`
}

func (a *API) recordVillageDecision(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in newVillageDecisionJSON
	if err := decode(c, &in); err != nil {
		return err
	}
	if in.NewVillageDecision.HeldOn, err = parseWhen("held_on", in.HeldOn, false); err != nil {
		return err
	}
	d, o, err := a.App.RecordVillageDecision(c.Request().Context(), actor(c), id, 0, in.NewVillageDecision)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"village": in.Village, "decision": toVillageDecisionJSON(d, o)})
}
