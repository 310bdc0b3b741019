package api

import (
	"context"
	_ "embed"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, openAPI)
}

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	OTP      string `json:"otp"` // the current TOTP code, for accounts with a second factor
}

func (a *API) createSession(c echo.Context) error {
	var in credentials
	if err := decode(c, &in); err != nil {
		return err
	}
	act, err := a.Login(c, in.Email, in.Password, in.OTP)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"name": act.Name, "email": act.Email})
}

// newConsultationJSON takes dates as RFC 3339 times or plain dates; a plain closing date
// means the end of that day, as an official would read it.
type newConsultationJSON struct {
	app.NewConsultation
	OpensAt  string `json:"opens_at"`
	ClosesAt string `json:"closes_at"`
}

func parseWhen(field, s string, endOfDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseInLocation(time.DateOnly, s, domain.Zone); err == nil {
		if endOfDay {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	return time.Time{}, domain.InvalidField(field, "validation.datetime")
}

func (a *API) createConsultation(c echo.Context) error {
	var in newConsultationJSON
	if isMultipart(c) {
		// The draft as a Word file, the other fields as form fields (consultation_upload.go).
		if err := decodeDocumentForm(c, &in); err != nil {
			return err
		}
	} else if err := decode(c, &in); err != nil {
		return err
	}
	var err error
	if in.NewConsultation.OpensAt, err = parseWhen("opens_at", in.OpensAt, false); err != nil {
		return err
	}
	if in.NewConsultation.ClosesAt, err = parseWhen("closes_at", in.ClosesAt, true); err != nil {
		return err
	}
	cons, err := a.App.CreateConsultation(c.Request().Context(), actor(c), in.NewConsultation)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toConsultationJSON(cons, a.App.Now(), true))
}

// updateDraft edits a draft never published (PATCH): the fields sent replace the draft's,
// the others keep what the draft holds.
func (a *API) updateDraft(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cur, err := a.App.EditableDraft(ctx, actor(c), id)
	if err != nil {
		return err
	}
	text, err := a.App.DraftText(ctx, actor(c), id)
	if err != nil {
		return err
	}
	in := newConsultationJSON{NewConsultation: app.NewConsultation{
		Title: cur.Title, Kind: string(cur.Kind), Matter: string(cur.Matter), Item: int(cur.Item), Topic: int(deref(cur.Topic)),
		Moderation: string(cur.Moderation), Summary: cur.Summary, Text: text,
	}, OpensAt: cur.OpensAt.Format(time.RFC3339), ClosesAt: cur.ClosesAt.Format(time.RFC3339)}
	if cur.Unit != nil {
		in.UnitCode = cur.Unit.Code
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if len(in.Sections) > 0 {
		in.Text = "" // sections sent replace the text kept
	}
	if in.NewConsultation.OpensAt, err = parseWhen("opens_at", in.OpensAt, false); err != nil {
		return err
	}
	if in.NewConsultation.ClosesAt, err = parseWhen("closes_at", in.ClosesAt, true); err != nil {
		return err
	}
	cons, err := a.App.UpdateDraft(ctx, actor(c), id, in.NewConsultation)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toConsultationJSON(cons, a.App.Now(), true))
}

// deleteDraft deletes a draft never published; it takes no body.
func (a *API) deleteDraft(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.App.DeleteDraft(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// publish opens the draft for opinions; it takes no body.
func (a *API) publish(c echo.Context) error {
	return a.transition(c, a.App.Publish)
}

// close ends the period; {reason} is needed when it ends before its last day is over.
func (a *API) close(c echo.Context) error {
	return a.transitionWithReason(c, a.App.Close)
}

// withdraw takes the draft back; {reason} is always needed.
func (a *API) withdraw(c echo.Context) error {
	return a.transitionWithReason(c, a.App.Withdraw)
}

// reasonJSON is the optional body of a status change.
type reasonJSON struct {
	Reason string `json:"reason"`
}

// transition makes a status change that takes no body.
func (a *API) transition(c echo.Context, do func(ctx context.Context, actor *domain.Actor, id int64) (*domain.Consultation, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cons, err := do(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toConsultationJSON(cons, a.App.Now(), false))
}

// transitionWithReason reads an optional {reason} (an empty body is no reason) and makes the
// change with it.
func (a *API) transitionWithReason(c echo.Context, do func(ctx context.Context, actor *domain.Actor, id int64, reason string) (*domain.Consultation, error)) error {
	var in reasonJSON
	if c.Request().ContentLength != 0 {
		if err := decode(c, &in); err != nil {
			return err
		}
	}
	return a.transition(c, func(ctx context.Context, act *domain.Actor, id int64) (*domain.Consultation, error) {
		return do(ctx, act, id, in.Reason)
	})
}

func (a *API) enterOffline(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.NewOpinion
	if err := decode(c, &in); err != nil {
		return err
	}
	in.Lang = httpx.Lang(c)
	r, err := a.App.EnterOfflineOpinion(c.Request().Context(), actor(c), id, in, c.Request().Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, offlineReceiptJSON{ID: r.Opinion.ID, TrackingCode: r.Opinion.TrackingCode,
		Status: string(r.Opinion.Status), Reference: r.Opinion.Reference})
}

// queueItemJSON is a pending opinion as a moderator sees it: the contact stays out even
// here, since deciding on an opinion never needs it.
type queueItemJSON struct {
	ID             int64      `json:"id"`
	ConsultationID int64      `json:"consultation_id"`
	SectionID      *int64     `json:"section_id"`
	SectionHeading string     `json:"section_heading,omitempty"`
	Stance         string     `json:"stance"`
	Body           string     `json:"body"`
	Channel        string     `json:"channel"`
	AuthorName     string     `json:"author_name,omitempty"`
	ShowName       bool       `json:"show_name"`
	Village        *unitRef   `json:"village,omitempty"`
	SubmittedAt    time.Time  `json:"submitted_at"`
	Status         string     `json:"status"` // pending; approved under post-moderation; rejected with an appeal
	Appeal         *string    `json:"appeal,omitempty"`
	Flags          []flagJSON `json:"flags"`
	SimilarCount   int        `json:"similar_count"`
	SimilarIDs     []int64    `json:"similar_ids"`
}

type flagJSON struct {
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
	Text   string `json:"text"` // the matched words
}

func (a *API) queue(c echo.Context) error {
	q := app.QueueQuery{Flag: c.QueryParam("flag")}
	if c.QueryParams().Has("flag") && q.Flag == "" {
		// Present, so one of the flags: "flag=" is refused as the document says.
		return domain.InvalidField("flag", "validation.oneof", "personal_data profanity link similar")
	}
	if s := c.QueryParam("consultation_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return domain.InvalidField("consultation_id", "validation.type")
		}
		q.ConsultationID = &id
	}
	switch q.Flag {
	case "", "personal_data", "profanity", "link", "similar":
	default:
		return domain.InvalidField("flag", "validation.oneof", "personal_data profanity link similar")
	}
	if s := c.QueryParam("older_than_hours"); s != "" {
		h, err := strconv.Atoi(s)
		if err != nil || h < 0 {
			return domain.InvalidField("older_than_hours", "validation.type")
		}
		q.OlderThan = time.Duration(h) * time.Hour
	}
	queue, err := a.App.ModerationQueue(c.Request().Context(), actor(c), q)
	if err != nil {
		return err
	}
	items := make([]queueItemJSON, 0, len(queue.Items))
	for _, o := range queue.Items {
		j := queueItemJSON{
			ID: o.ID, ConsultationID: o.ConsultationID, SectionID: o.SectionID, Stance: string(o.Stance), Body: o.Body,
			Channel: string(o.Channel), AuthorName: o.AuthorName, ShowName: o.ShowName,
			SubmittedAt: o.SubmittedAt.In(domain.Zone), Status: string(o.Status), Flags: []flagJSON{},
			SimilarCount: o.SimilarCount, SimilarIDs: o.SimilarIDs,
		}
		if j.SimilarIDs == nil {
			j.SimilarIDs = []int64{}
		}
		if o.Appeal != nil {
			j.Appeal = &o.Appeal.Text
		}
		for _, m := range o.Matches {
			j.Flags = append(j.Flags, flagJSON{Kind: string(m.Kind), Detail: m.Detail, Text: o.Body[m.Start:m.End]})
		}
		if o.SimilarCount > 0 {
			j.Flags = append(j.Flags, flagJSON{Kind: "similar", Detail: strconv.Itoa(o.SimilarCount)})
		}
		if o.Section != nil {
			j.SectionHeading = o.Section.Heading
		}
		if o.Village != nil {
			j.Village = &unitRef{Code: o.Village.Code, Name: o.Village.Name}
		}
		items = append(items, j)
	}
	return c.JSON(http.StatusOK, newList(items, 1, false))
}

func (a *API) moderate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var d app.Decision
	if err := decode(c, &d); err != nil {
		return err
	}
	o, err := a.App.Moderate(c.Request().Context(), actor(c), id, d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": o.ID, "status": o.Status, "reason": o.RejectionReason})
}

type responseJSON struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	Text string `json:"text"`
}

func (a *API) respond(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.NewResponse
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := a.App.AnswerOpinion(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, responseJSON{ID: r.ID, Kind: string(r.Kind), Text: r.Text})
}

func (a *API) publishResults(c echo.Context) error {
	return a.transition(c, a.App.PublishResults)
}

func (a *API) changePassword(c echo.Context) error {
	var in app.NewPassword
	if err := decode(c, &in); err != nil {
		return err
	}
	return a.ChangePassword(c, in)
}
