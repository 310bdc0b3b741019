package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/revision"
)

// versionJSON is one version of a draft.
type versionJSON struct {
	Number    int       `json:"number"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

type versionListJSON struct {
	Current int           `json:"current"`
	Items   []versionJSON `json:"items"`
}

func (a *API) listVersions(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cons, list, err := a.App.Versions(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	out := versionListJSON{Current: cons.Version, Items: make([]versionJSON, 0, len(list))}
	for _, v := range list {
		out.Items = append(out.Items, versionJSON{Number: v.Number, Note: v.Note, CreatedAt: v.CreatedAt.In(domain.Zone)})
	}
	return c.JSON(http.StatusOK, out)
}

type totalsJSON struct {
	Added      int `json:"added"`
	Removed    int `json:"removed"`
	Changed    int `json:"changed"`
	Renumbered int `json:"renumbered"`
	Moved      int `json:"moved"`
	Unchanged  int `json:"unchanged"`
}

func toTotals(t revision.Totals) totalsJSON {
	return totalsJSON{Added: t.Added, Removed: t.Removed, Changed: t.Changed, Renumbered: t.Renumbered, Moved: t.Moved, Unchanged: t.Unchanged}
}

// newVersionJSON answers the publication of a version: the consultation at its new version
// and what changed from the one before.
type newVersionJSON struct {
	Consultation consultationJSON `json:"consultation"`
	Changes      totalsJSON       `json:"changes"`
}

func (a *API) publishVersion(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.NewVersion
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	cons, err := a.App.PublishVersion(ctx, actor(c), id, in)
	if err != nil {
		return err
	}
	ch, err := a.App.Compare(ctx, actor(c), id, 0, 0)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, newVersionJSON{Consultation: toConsultationJSON(cons, a.App.Now(), true), Changes: toTotals(ch.Result.Totals)})
}

// changeJSON is one part of the draft compared across two versions.
type changeJSON struct {
	Kind        string   `json:"kind"`
	Section     string   `json:"section_kind"`
	Renumbered  bool     `json:"renumbered"`
	Moved       bool     `json:"moved"`
	Retitled    bool     `json:"retitled"`
	OldID       *int64   `json:"old_section_id"`
	NewID       *int64   `json:"new_section_id"`
	OldHeading  *string  `json:"old_heading"`
	NewHeading  *string  `json:"new_heading"`
	OldNumber   string   `json:"old_number,omitempty"`
	NewNumber   string   `json:"new_number,omitempty"`
	OldChapter  string   `json:"old_chapter,omitempty"`
	NewChapter  string   `json:"new_chapter,omitempty"`
	Text        []opJSON `json:"text"`
	HeadingDiff []opJSON `json:"heading_diff,omitempty"`
}

type opJSON struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

type changesJSON struct {
	From    int          `json:"from"`
	To      int          `json:"to"`
	Current int          `json:"current"`
	Totals  totalsJSON   `json:"totals"`
	Changes []changeJSON `json:"changes"`
}

func toOps(ops []revision.Op) []opJSON {
	out := make([]opJSON, 0, len(ops))
	for _, o := range ops {
		out = append(out, opJSON{Op: string(o.Kind), Text: o.Text})
	}
	return out
}

func (a *API) listChanges(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	num := func(name string) (int, error) {
		if !c.QueryParams().Has(name) {
			return 0, nil
		}
		v := c.QueryParam(name) // present, so a number: empty is refused as the document says
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, domain.InvalidField(name, "validation.version_number")
		}
		return n, nil
	}
	from, err := num("from")
	if err != nil {
		return err
	}
	to, err := num("to")
	if err != nil {
		return err
	}
	ch, err := a.App.Compare(c.Request().Context(), actor(c), id, from, to)
	if err != nil {
		return err
	}
	out := changesJSON{From: ch.From, To: ch.To, Current: ch.C.Version, Totals: toTotals(ch.Result.Totals), Changes: []changeJSON{}}
	if ch.C.Version == 1 {
		out.From = 1
	}
	for _, x := range ch.Result.Changes {
		j := changeJSON{Kind: string(x.Kind), Section: x.Section().Kind, Renumbered: x.Renumbered, Moved: x.Moved, Retitled: x.Retitled,
			OldNumber: x.OldNumber, NewNumber: x.NewNumber, OldChapter: x.OldChapter, NewChapter: x.NewChapter, Text: toOps(x.Text)}
		if x.Old != nil {
			j.OldID, j.OldHeading = &x.Old.ID, &x.Old.Heading
		}
		if x.New != nil {
			j.NewID, j.NewHeading = &x.New.ID, &x.New.Heading
		}
		if x.Heading != nil {
			j.HeadingDiff = toOps(x.Heading)
		}
		out.Changes = append(out.Changes, j)
	}
	return c.JSON(http.StatusOK, out)
}

// charterJSON is a charter's recognition record, its timeline and its deadlines. It names
// no staff member.
type charterJSON struct {
	ConsultationID int64            `json:"consultation_id"`
	State          string           `json:"state"`
	InForce        bool             `json:"in_force"`
	Adopted        bool             `json:"adopted"`
	AdoptedOn      *string          `json:"adopted_on"`
	Dossier        *dossierJSON     `json:"dossier"`
	DecisionNumber string           `json:"decision_number,omitempty"`
	DecisionDate   *string          `json:"decision_date"`
	ReturnedOn     *string          `json:"returned_on"`
	Steps          []charterStepOut `json:"steps"`
	Deadlines      []deadlineJSON   `json:"deadlines"`
	// The rest of the charter's life (Decree 61/2023 art. 7-8, 12-15, 18).
	FrontSentOn      *string         `json:"front_sent_on"`
	Suspension       *suspensionJSON `json:"suspension"`
	AnnulledArticles string          `json:"annulled_articles"`
	Drafting         *draftingJSON   `json:"drafting"`
	Reviews          []reviewJSON    `json:"reviews"`
}

// suspensionJSON is the suspension in force: whole or some articles, until the village
// amends the charter and the commune recognises it again.
type suspensionJSON struct {
	Scope     string  `json:"scope"`
	Articles  string  `json:"articles"`
	GroundsOn *string `json:"grounds_on"`
	Since     *string `json:"since"`
	AmendBy   *string `json:"amend_by"`
	AmendedOn *string `json:"amended_on"`
}

// draftingJSON is when the charter was proposed and its drafting team formed, and the
// team's size; it names nobody.
type draftingJSON struct {
	ProposedOn   *string `json:"proposed_on"`
	TeamFormedOn *string `json:"team_formed_on"`
	TeamSize     int     `json:"team_size"`
}

type reviewJSON struct {
	Year    int    `json:"year"`
	HeldOn  string `json:"held_on"`
	Outcome string `json:"outcome"`
}

type dossierJSON struct {
	VersionNumber int       `json:"version_number"`
	RequestRef    string    `json:"request_ref"`
	RequestDate   *string   `json:"request_date"`
	MinutesRef    string    `json:"minutes_ref"`
	MinutesDate   *string   `json:"minutes_date"`
	HasText       bool      `json:"has_text"`
	Missing       []string  `json:"missing"`
	SubmittedAt   time.Time `json:"submitted_at"`
}

type charterStepOut struct {
	Step       string    `json:"step"`
	FromState  string    `json:"from_state"`
	ToState    string    `json:"to_state"`
	DocNumber  string    `json:"doc_number,omitempty"`
	DocDate    *string   `json:"doc_date"`
	Reasons    string    `json:"reasons,omitempty"`
	AdoptedOn  *string   `json:"adopted_on,omitempty"`
	RecordedAt time.Time `json:"recorded_at"`
	// Suspension and annulment: scope, articles, the day the report came, and for a
	// suspension the last day to amend; an amendment's articles and text.
	Scope       string  `json:"scope,omitempty"`
	Articles    string  `json:"articles,omitempty"`
	GroundsOn   *string `json:"grounds_on,omitempty"`
	AmendBy     *string `json:"amend_by,omitempty"`
	AmendedText string  `json:"amended_text,omitempty"`
}

type deadlineJSON struct {
	Kind     string  `json:"kind"`
	From     string  `json:"from"`
	Due      *string `json:"due"`
	Done     *string `json:"done"`
	Standing string  `json:"standing"`
	DaysLate int     `json:"days_late"`
	DaysLeft int     `json:"days_left"`
}

// day writes a moment as its local date, YYYY-MM-DD; nil stays null.
func day(t *time.Time) *string {
	if t == nil || t.IsZero() {
		return nil
	}
	s := t.In(domain.Zone).Format(time.DateOnly)
	return &s
}

func toCharterJSON(ch *app.Charter) charterJSON {
	out := charterJSON{ConsultationID: ch.C.ID, State: string(ch.State()), InForce: ch.State().InForce(), Adopted: ch.Adopted,
		AdoptedOn: day(ch.AdoptedOn), Steps: []charterStepOut{}, Deadlines: []deadlineJSON{}, Reviews: []reviewJSON{}}
	if out.State == "" {
		out.State = "none"
	}
	if r := ch.Record; r != nil {
		out.AdoptedOn = day(&r.AdoptedOn)
		missing := r.Missing()
		if missing == nil {
			missing = []string{}
		}
		out.Dossier = &dossierJSON{VersionNumber: r.VersionNumber, RequestRef: r.RequestRef, RequestDate: day(r.RequestDate),
			MinutesRef: r.MinutesRef, MinutesDate: day(r.MinutesDate), HasText: r.HasText, Missing: missing, SubmittedAt: r.SubmittedAt.In(domain.Zone)}
		out.DecisionNumber, out.DecisionDate, out.ReturnedOn = r.DecisionNumber, day(r.DecisionDate), day(r.ReturnedOn)
		out.FrontSentOn, out.AnnulledArticles = day(r.FrontSentOn), r.AnnulledArticles
		if r.UnderSuspension() {
			out.Suspension = &suspensionJSON{Scope: r.SuspendScope, Articles: r.SuspendedArticles, GroundsOn: day(r.SuspendGroundsOn),
				Since: day(r.SuspendedOn), AmendBy: day(r.AmendBy), AmendedOn: day(r.AmendedAt)}
		}
	}
	if d := ch.Drafting; d != nil {
		out.Drafting = &draftingJSON{ProposedOn: day(d.ProposedOn), TeamFormedOn: day(d.TeamFormedOn), TeamSize: d.TeamSize()}
	}
	for _, rv := range ch.Reviews {
		out.Reviews = append(out.Reviews, reviewJSON{Year: rv.Year, HeldOn: *day(&rv.HeldOn), Outcome: rv.Outcome})
	}
	for _, s := range ch.Steps {
		out.Steps = append(out.Steps, charterStepOut{Step: string(s.Step), FromState: string(s.FromState), ToState: string(s.ToState),
			DocNumber: s.DocNumber, DocDate: day(s.DocDate), Reasons: s.Reasons, AdoptedOn: day(s.AdoptedOn), RecordedAt: s.CreatedAt.In(domain.Zone),
			Scope: s.Scope, Articles: s.Articles, GroundsOn: day(s.GroundsOn), AmendBy: day(s.AmendBy), AmendedText: s.AmendedText})
	}
	for _, d := range ch.Deadlines {
		out.Deadlines = append(out.Deadlines, toDeadlineJSON(d))
	}
	return out
}

func toDeadlineJSON(d domain.Deadline) deadlineJSON {
	return deadlineJSON{Kind: string(d.Kind), From: d.From.In(domain.Zone).Format(time.DateOnly), Due: day(&d.Due), Done: day(d.Done),
		Standing: string(d.Standing), DaysLate: d.DaysLate, DaysLeft: d.DaysLeft}
}

func (a *API) getCharter(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ch, err := a.App.Charter(c.Request().Context(), nil, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCharterJSON(ch))
}

func (a *API) recordCharterStep(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.CharterInput
	if err := decode(c, &in); err != nil {
		return err
	}
	ch, err := a.App.RecordCharterStep(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCharterJSON(ch))
}
