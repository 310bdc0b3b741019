package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// Citizens' initiatives (app/initiatives.go): the public reads, a household's proposal and
// support with its household code, and the village officials' paper supports, moderation
// and outcome.

type initiativeJSON struct {
	ID             int64      `json:"id"`
	Village        unitRef    `json:"village"`
	Kind           string     `json:"kind"`
	Title          string     `json:"title"`
	Body           string     `json:"body"`
	Status         string     `json:"status"`
	Phase          string     `json:"phase"`
	Households     int        `json:"households"`
	Threshold      int        `json:"threshold"`
	Supports       int        `json:"supports"`
	SupportsOnline int        `json:"supports_online"`
	SupportsPaper  int        `json:"supports_paper"`
	LastDay        string     `json:"last_day"`
	SupportEnds    time.Time  `json:"support_ends"`
	ReachedAt      *time.Time `json:"reached_at"`
	OutcomeOn      *string    `json:"outcome_on"`
	ConsultationID *int64     `json:"consultation_id"`
	OutcomeNote    string     `json:"outcome_note"`
	CreatedAt      time.Time  `json:"created_at"`
}

func toInitiativeJSON(i *domain.Initiative, v domain.Unit, now time.Time) initiativeJSON {
	out := initiativeJSON{
		ID: i.ID, Village: unitRef{Code: v.Code, Name: v.Name}, Kind: string(i.Kind), Title: i.Title, Body: i.Body,
		Status: string(i.Status), Phase: i.Phase(now), Households: i.Households, Threshold: i.Threshold,
		Supports: i.Supports(), SupportsOnline: i.SupportsOnline, SupportsPaper: i.SupportsPaper,
		LastDay: i.LastDay().Format(time.DateOnly), SupportEnds: i.SupportEnds.In(domain.Zone),
		ConsultationID: i.ConsultationID, OutcomeNote: i.OutcomeNote, CreatedAt: i.CreatedAt.In(domain.Zone),
	}
	if i.ReachedAt != nil {
		t := i.ReachedAt.In(domain.Zone)
		out.ReachedAt = &t
	}
	if i.OutcomeOn != nil {
		d := i.OutcomeOn.In(domain.Zone).Format(time.DateOnly)
		out.OutcomeOn = &d
	}
	return out
}

func (a *API) listInitiatives(c echo.Context) error {
	code := c.QueryParam("unit")
	if code == "" {
		return domain.InvalidField("unit", "validation.required")
	}
	u, list, err := a.App.UnitInitiatives(c.Request().Context(), code)
	if err != nil {
		return err
	}
	now := a.App.Now()
	items := make([]initiativeJSON, 0, len(list))
	for k := range list {
		// The village of each: the unit itself, or one of the villages under it.
		v := *u
		if list[k].VillageID != u.ID {
			iv, err := a.App.Initiative(c.Request().Context(), nil, list[k].ID)
			if err != nil {
				return err
			}
			v = iv.Village
		}
		j := toInitiativeJSON(&list[k], v, now)
		j.Body = ""
		items = append(items, j)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (a *API) getInitiative(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := a.App.Initiative(c.Request().Context(), nil, id)
	if err != nil {
		return err
	}
	j := toInitiativeJSON(v.I, v.Village, a.App.Now())
	j.Body = v.BodyPub
	return c.JSON(http.StatusOK, j)
}

// initiativeRequest is a proposal: a household's online with its code, or, from a signed-in
// village official, a paper proposal with the household's number on the code sheet.
type initiativeRequest struct {
	Village   string `json:"village"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	Body      string `json:"body"`
	LastDay   string `json:"last_day"`
	Code      string `json:"code"`
	Household *int   `json:"household"`
}

func (a *API) proposeInitiative(c echo.Context) error {
	var in initiativeRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	if in.Village == "" {
		return domain.InvalidField("village", "validation.required")
	}
	i, err := a.App.ProposeInitiative(c.Request().Context(), actor(c), in.Village, app.NewInitiative{
		Kind: in.Kind, Title: in.Title, Body: in.Body, LastDay: in.LastDay, Code: in.Code, Household: in.Household})
	if err != nil {
		return err
	}
	// Not public before moderation: the answer is the receipt.
	return c.JSON(http.StatusCreated, initiativeReceipt{ID: i.ID, Status: string(i.Status), Threshold: i.Threshold,
		Households: i.Households, LastDay: i.LastDay().Format(time.DateOnly)})
}

// initiativeReceipt acknowledges a proposal, which waits for moderation.
type initiativeReceipt struct {
	ID         int64  `json:"id"`
	Status     string `json:"status"`
	Threshold  int    `json:"threshold"`
	Households int    `json:"households"`
	LastDay    string `json:"last_day"`
}

type supportRequest struct {
	Code string `json:"code"`
}

func (a *API) supportInitiative(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in supportRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	if _, err := a.App.SupportInitiative(c.Request().Context(), id, in.Code); err != nil {
		return err
	}
	return a.getInitiativeStatus(c, id, http.StatusCreated)
}

func (a *API) getInitiativeStatus(c echo.Context, id int64, status int) error {
	v, err := a.App.Initiative(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	j := toInitiativeJSON(v.I, v.Village, a.App.Now())
	j.Body = v.BodyPub
	return c.JSON(status, j)
}

func (a *API) enterPaperSupports(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.PaperSupports
	if err := decode(c, &in); err != nil {
		return err
	}
	if _, err := a.App.EnterPaperSupports(c.Request().Context(), actor(c), id, in); err != nil {
		return err
	}
	return a.getInitiativeStatus(c, id, http.StatusCreated)
}

func (a *API) moderateInitiative(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.InitiativeModeration
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := a.App.ModerateInitiative(c.Request().Context(), actor(c), id, in); err != nil {
		return err
	}
	return a.getInitiativeStatus(c, id, http.StatusOK)
}

func (a *API) recordInitiativeOutcome(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.InitiativeOutcome
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := a.App.RecordInitiativeOutcome(c.Request().Context(), actor(c), id, in); err != nil {
		return err
	}
	return a.getInitiativeStatus(c, id, http.StatusOK)
}
