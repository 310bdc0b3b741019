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
	// Outcome is what the villages' decisions give once every village has decided
	// ("adopted" or "rejected"); null before.
	Outcome  *string            `json:"outcome"`
	Villages []villageEntryJSON `json:"villages"`
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
	HeldOn     string    `json:"held_on"`
	Households int       `json:"households"`
	Present    int       `json:"present"`
	Agree      int       `json:"agree"`
	Disagree   int       `json:"disagree"`
	Other      int       `json:"other"`
	Needed     int       `json:"needed"`
	Adopted    bool      `json:"adopted"`
	RecordedAt time.Time `json:"recorded_at"`
}

// onlineVoteJSON is a village's online vote as staff see it: no list of who voted.
type onlineVoteJSON struct {
	OpensAt          time.Time `json:"opens_at"`
	ClosesAt         time.Time `json:"closes_at"`
	AgreedHouseholds int       `json:"agreed_households"`
	Votes            int       `json:"votes"`
}

func toVillageDecisionJSON(d *domain.VillageDecision, o domain.Outcome) *villageDecisionJSON {
	return &villageDecisionJSON{
		Form: string(d.Form), HeldOn: d.HeldOn.In(domain.Zone).Format(time.DateOnly), Households: d.Households,
		Present: d.Present, Agree: d.Agree, Disagree: d.Disagree, Other: d.Other,
		Needed: o.Needed, Adopted: o.Adopted, RecordedAt: d.RecordedAt.In(domain.Zone),
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
		Villages: make([]villageEntryJSON, 0, len(h.Villages))}
	if h.Complete {
		o := "rejected"
		if h.Adopted {
			o = "adopted"
		}
		j.Outcome = &o
	}
	for _, r := range h.Villages {
		e := villageEntryJSON{Village: unitRef{Code: r.Village.Code, Name: r.Village.Name}, Households: r.Village.Households}
		if r.Decision != nil {
			e.Decision = toVillageDecisionJSON(r.Decision, r.Outcome)
		}
		if b := r.Ballot; b != nil {
			e.Online = &onlineVoteJSON{OpensAt: b.OpensAt.In(domain.Zone), ClosesAt: b.ClosesAt.In(domain.Zone),
				AgreedHouseholds: b.AgreedHouseholds, Votes: b.Votes()}
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
