package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

type unitJSON struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	ParentCode *string `json:"parent_code"`
	Households int     `json:"households"`
}

func (a *API) listUnits(c echo.Context) error {
	ctx := c.Request().Context()
	parent := c.QueryParam("parent")
	units, err := a.App.Units(ctx, parent)
	if err != nil {
		return err
	}
	items := make([]unitJSON, 0, len(units))
	for _, u := range units {
		j := unitJSON{Code: u.Code, Name: u.Name, Kind: string(u.Kind), Households: u.Households}
		if parent != "" {
			j.ParentCode = &parent
		}
		items = append(items, j)
	}
	return c.JSON(http.StatusOK, newList(items, 1, false))
}

type unitRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type consultationJSON struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Kind   string `json:"kind"`
	Matter string `json:"matter"`
	Item   int    `json:"item,omitempty"` // the item of Law art. 15, for a decide matter
	// Topic is the item of Law art. 25 a consult matter is about; null when not stated.
	Topic    *int      `json:"topic"`
	Unit     unitRef   `json:"unit"`
	Status   string    `json:"status"`
	Phase    string    `json:"phase"`
	OpensAt  time.Time `json:"opens_at"`
	ClosesAt time.Time `json:"closes_at"`
	// ClosedAt is the real end when an official closed it; CloseReason is set when that
	// cut the period short (ClosedEarly), and pages show that end, not closes_at.
	ClosedAt       *time.Time    `json:"closed_at,omitempty"`
	ClosedEarly    bool          `json:"closed_early"`
	CloseReason    string        `json:"close_reason,omitempty"`
	WithdrawnAt    *time.Time    `json:"withdrawn_at,omitempty"`
	WithdrawReason string        `json:"withdraw_reason,omitempty"`
	Summary        string        `json:"summary"`
	Version        int           `json:"version"`
	Sections       []sectionJSON `json:"sections,omitempty"`
}

type sectionJSON struct {
	ID      int64  `json:"id"`
	Ordinal int    `json:"ordinal"`
	Kind    string `json:"kind"`
	Path    string `json:"path"`
	Heading string `json:"heading"`
	Body    string `json:"body"`
}

func toConsultationJSON(c *domain.Consultation, now time.Time, withSections bool) consultationJSON {
	j := consultationJSON{
		ID: c.ID, Title: c.Title, Kind: string(c.Kind), Matter: string(c.Matter), Item: int(c.Item), Topic: topicJSON(c.Topic), Status: string(c.Status),
		Phase: string(c.PhaseAt(now)), OpensAt: c.OpensAt.In(domain.Zone), ClosesAt: c.ClosesAt.In(domain.Zone),
		Summary: c.Summary, Version: c.Version,
		ClosedAt: inZone(c.ClosedAt), ClosedEarly: c.ClosedEarly(), CloseReason: c.CloseReason,
		WithdrawnAt: inZone(c.WithdrawnAt), WithdrawReason: c.WithdrawReason,
	}
	if c.Unit != nil {
		j.Unit = unitRef{Code: c.Unit.Code, Name: c.Unit.Name}
	}
	if withSections {
		j.Sections = make([]sectionJSON, 0, len(c.Sections))
		for _, s := range c.Sections {
			j.Sections = append(j.Sections, sectionJSON{ID: s.ID, Ordinal: s.Ordinal, Kind: s.Kind, Path: s.Path, Heading: s.Heading, Body: s.Body})
		}
	}
	return j
}

func (a *API) listConsultations(c echo.Context) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	for _, name := range []string{"status", "unit"} {
		if c.QueryParams().Has(name) && c.QueryParam(name) == "" {
			// Present, so a value: "status=" is refused as the document says.
			return domain.InvalidField(name, "validation.required")
		}
	}
	list, more, err := a.App.ListConsultations(c.Request().Context(), app.ConsultationQuery{
		UnitCode: c.QueryParam("unit"), Status: c.QueryParam("status"), Q: c.QueryParam("q"), Page: page,
	})
	if err != nil {
		return err
	}
	now := a.App.Now()
	items := make([]consultationJSON, 0, len(list))
	for i := range list {
		items = append(items, toConsultationJSON(&list[i], now, false))
	}
	return c.JSON(http.StatusOK, newList(items, page, more))
}

func (a *API) getConsultation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cons, err := a.App.Consultation(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toConsultationJSON(cons, a.App.Now(), true))
}

type receiptJSON struct {
	TrackingCode string `json:"tracking_code"`
	Status       string `json:"status"`
}

func (a *API) submitOpinion(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.NewOpinion
	if err := decode(c, &in); err != nil {
		return err
	}
	in.Lang = httpx.Lang(c)
	r, err := a.App.SubmitOpinion(c.Request().Context(), id, in, c.Request().Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, receiptJSON{TrackingCode: r.Opinion.TrackingCode, Status: string(r.Opinion.Status)})
}

// publicOpinionJSON is an approved opinion as anyone may see it: no contact, and the
// name only when the commenter agreed to show it.
type publicOpinionJSON struct {
	ID        int64  `json:"id"`
	SectionID *int64 `json:"section_id"`
	// Status is "approved", or "hidden" for an opinion a moderator removed after
	// publication: its text is gone and RemovedReason says why.
	Status        string `json:"status"`
	RemovedReason string `json:"removed_reason,omitempty"`
	// Stance and Channel are left out of a hidden marker, which says nothing of the opinion.
	Stance      string    `json:"stance,omitempty"`
	Body        string    `json:"body"`
	Channel     string    `json:"channel,omitempty"`
	AuthorName  string    `json:"author_name,omitempty"`
	Village     *unitRef  `json:"village,omitempty"`
	SubmittedAt time.Time `json:"submitted_at"`
}

func toPublicOpinion(o *domain.Opinion) publicOpinionJSON {
	j := publicOpinionJSON{
		ID: o.ID, SectionID: o.SectionID, Status: string(o.Status), Stance: string(o.Stance), Body: o.BodyPublic,
		Channel: string(o.Channel), AuthorName: o.PublicName(), SubmittedAt: o.SubmittedAt.In(domain.Zone),
	}
	if o.Status == domain.OpinionHidden {
		j = publicOpinionJSON{ID: o.ID, SectionID: o.SectionID, Status: string(o.Status),
			RemovedReason: string(o.RejectionReason), SubmittedAt: j.SubmittedAt}
	}
	if o.Village != nil {
		j.Village = &unitRef{Code: o.Village.Code, Name: o.Village.Name}
	}
	return j
}

func (a *API) listOpinions(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	// Present but empty is refused like the other parameters: the document allows a number or
	// "none", and leaving the parameter out means every section.
	f, ok := httpx.SectionFilter(c.QueryParam("section_id"))
	if !ok || (c.QueryParams().Has("section_id") && c.QueryParam("section_id") == "") {
		return domain.InvalidField("section_id", "validation.section_unknown")
	}
	list, more, err := a.App.ApprovedOpinions(c.Request().Context(), id, f, page)
	if err != nil {
		return err
	}
	items := make([]publicOpinionJSON, 0, len(list))
	for i := range list {
		items = append(items, toPublicOpinion(&list[i]))
	}
	return c.JSON(http.StatusOK, newList(items, page, more))
}

type trackedJSON struct {
	TrackingCode    string      `json:"tracking_code"`
	ConsultationID  int64       `json:"consultation_id"`
	Status          string      `json:"status"`
	Stance          string      `json:"stance"`
	Body            string      `json:"body"`
	SectionID       *int64      `json:"section_id"`
	SubmittedAt     time.Time   `json:"submitted_at"`
	DecidedAt       *time.Time  `json:"decided_at"`
	RejectionReason *string     `json:"rejection_reason"`
	RejectionText   *string     `json:"rejection_reason_text,omitempty"`
	Appeal          *appealJSON `json:"appeal"`
	Response        any         `json:"response"`
}

type appealJSON struct {
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	Outcome   string    `json:"outcome"` // "" while waiting, "upheld" or "overturned"
}

func (a *API) trackOpinion(c echo.Context) error {
	t, err := a.App.Track(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	o := t.Opinion
	j := trackedJSON{
		TrackingCode: o.TrackingCode, ConsultationID: o.ConsultationID, Status: string(o.Status), Stance: string(o.Stance),
		Body: o.BodyPublic, SectionID: o.SectionID, SubmittedAt: o.SubmittedAt.In(domain.Zone),
	}
	if r := o.Response; r != nil {
		j.Response = responseJSON{ID: r.ID, Kind: string(r.Kind), Text: r.Text}
	}
	if ap := t.Appeal; ap != nil {
		j.Appeal = &appealJSON{Text: ap.Text, CreatedAt: ap.CreatedAt.In(domain.Zone), Outcome: ap.Outcome}
	}
	if o.DecidedAt != nil {
		d := o.DecidedAt.In(domain.Zone)
		j.DecidedAt = &d
	}
	if o.Status == domain.OpinionRejected || o.Status == domain.OpinionHidden {
		r := string(o.RejectionReason)
		text := httpx.T(c, "reason."+r)
		j.RejectionReason, j.RejectionText = &r, &text
	}
	return c.JSON(http.StatusOK, j)
}

type summaryJSON struct {
	Total     int            `json:"total"`
	ByStance  stanceJSON     `json:"by_stance"`
	BySection []sectionCount `json:"by_section"`
	ByUnit    []unitCount    `json:"by_unit"`
	ByCommune []unitCount    `json:"by_commune"`
	ByChannel map[string]int `json:"by_channel"`
}

type stanceJSON struct {
	Agree    int `json:"agree"`
	Disagree int `json:"disagree"`
	Other    int `json:"other"`
}

type sectionCount struct {
	SectionID int64 `json:"section_id"`
	Total     int   `json:"total"`
	Agree     int   `json:"agree"`
	Disagree  int   `json:"disagree"`
	Other     int   `json:"other"`
}

type unitCount struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Total int    `json:"total"`
}

func (a *API) summary(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cons, err := a.App.Consultation(ctx, actor(c), id)
	if err != nil {
		return err
	}
	s, err := a.App.Summary(ctx, id)
	if err != nil {
		return err
	}
	j := summaryJSON{
		Total:    s.Total,
		ByStance: stanceJSON{Agree: s.Agree, Disagree: s.Disagree, Other: s.Other},
		ByUnit:   []unitCount{}, ByCommune: []unitCount{}, ByChannel: map[string]int{}, BySection: []sectionCount{},
	}
	communes, err := a.App.OpinionsByCommune(ctx, id)
	if err != nil {
		return err
	}
	for _, u := range communes {
		j.ByCommune = append(j.ByCommune, unitCount{Code: u.Code, Name: u.Name, Total: u.Total})
	}
	for _, sec := range cons.Sections {
		if !sec.Commentable() {
			continue
		}
		n := s.BySection[sec.ID]
		j.BySection = append(j.BySection, sectionCount{SectionID: sec.ID, Total: n.Total, Agree: n.Agree, Disagree: n.Disagree, Other: n.Other})
	}
	for _, u := range s.ByUnit {
		j.ByUnit = append(j.ByUnit, unitCount{Code: u.Code, Name: u.Name, Total: u.Total})
	}
	for _, ch := range domain.Channels {
		j.ByChannel[string(ch)] = s.ByChannel[ch]
	}
	return c.JSON(http.StatusOK, j)
}

func (a *API) withdrawOpinion(c echo.Context) error {
	o, err := a.App.WithdrawOpinion(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, receiptJSON{TrackingCode: o.TrackingCode, Status: string(o.Status)})
}

func (a *API) eraseMyData(c echo.Context) error {
	o, err := a.App.EraseMyData(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, receiptJSON{TrackingCode: o.TrackingCode, Status: string(o.Status)})
}

type appealRequest struct {
	Text string `json:"text"`
}

func (a *API) appeal(c echo.Context) error {
	var in appealRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	ap, err := a.App.Appeal(c.Request().Context(), c.Param("code"), in.Text)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, appealJSON{Text: ap.Text, CreatedAt: ap.CreatedAt.In(domain.Zone), Outcome: ap.Outcome})
}

func (a *API) moderationStats(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	st, err := a.App.ModerationStats(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}
