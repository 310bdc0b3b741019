package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.ErrNotFound
	}
	return id, nil
}

func queryInt(c echo.Context, name string, def int) int {
	n, err := strconv.Atoi(c.QueryParam(name))
	if err != nil || n < 1 {
		return def
	}
	return n
}

type homeData struct {
	Q     string
	Items []domain.Consultation
	Page  int
	More  bool
	// Units are the top of the unit tree: the way in to a commune's own page, where its
	// register of disclosures, dialogues, initiatives and annual report are.
	Units []domain.Unit
}

func (s *Server) home(c echo.Context) error {
	d := homeData{Q: c.QueryParam("q"), Page: queryInt(c, "page", 1)}
	var err error
	d.Items, d.More, err = s.app.ListConsultations(c.Request().Context(), app.ConsultationQuery{Q: d.Q, Page: d.Page, OpenFirst: true})
	if err != nil {
		return err
	}
	if d.Units, err = s.app.Units(c.Request().Context(), ""); err != nil {
		return err
	}
	return s.views.render(c, http.StatusOK, "home", s.view(c, "home.title", d))
}

type consultationData struct {
	C       *domain.Consultation
	Phase   domain.Phase
	Summary *domain.Summary
	Latest  map[int64][]domain.Opinion
	Blocks  []sectionBlock
	Draft   draftHTML // the rendered text of each block (draft_html.go)
	Stats   *domain.ModerationStats
	Charts  *summaryCharts // charts.go
	// Satisfaction is the rating section once the results are published (satisfaction_pages.go).
	Satisfaction *ratingBox
	// Earlier holds, for each part of the current text, the parts of earlier versions it
	// revises, whose opinions are shown with it; Charter is where an adopted hương ước or
	// quy ước stands with the commune (version_pages.go, charter_pages.go).
	Earlier map[int64][]app.EarlierSection
	Charter *charterBox
	// Plan is the art. 25 item of a consult matter and its report to the Council (plan_pages.go).
	Plan *app.PublicPlan
	// Short is the link officials copy onto notices and read out (print_pages.go); nil when
	// BASE_URL cannot make one.
	Short *shortLink
}

// sectionBlock is a chapter, a preamble, or an article shown together with its clauses, so
// the article's comment button comes after everything it is about.
type sectionBlock struct {
	Section  domain.Section
	Children []domain.Section
}

func blocksOf(sections []domain.Section) []sectionBlock {
	var blocks []sectionBlock
	for _, s := range sections {
		if s.Kind == "clause" && len(blocks) > 0 && blocks[len(blocks)-1].Section.Kind == "article" {
			last := &blocks[len(blocks)-1]
			last.Children = append(last.Children, s)
			continue
		}
		blocks = append(blocks, sectionBlock{Section: s})
	}
	return blocks
}

func (s *Server) showConsultation(c echo.Context) error {
	v, err := s.consultationView(c, nil)
	if err != nil {
		return err
	}
	return s.views.render(c, http.StatusOK, "consultation", v)
}

// consultationView builds the consultation page; rating is a refused satisfaction form
// coming back as sent (satisfaction_pages.go), nil otherwise.
func (s *Server) consultationView(c echo.Context, rating *ratingBox) (View, error) {
	id, err := pathID(c)
	if err != nil {
		return View{}, err
	}
	ctx := c.Request().Context()
	cons, err := s.app.Consultation(ctx, httpx.Actor(c), id)
	if err != nil {
		return View{}, err
	}
	d := consultationData{C: cons, Phase: cons.PhaseAt(s.app.Now()), Blocks: blocksOf(cons.Sections)}
	if d.Draft, err = s.draftOf(ctx, cons, d.Blocks, httpx.Lang(c)); err != nil {
		return View{}, err
	}
	if l, err := s.shortLink(id); err == nil {
		d.Short = &l
	}
	if d.Summary, err = s.app.PublicSummary(ctx, cons); err != nil {
		return View{}, err
	}
	if d.Latest, err = s.app.LatestOpinions(ctx, cons, 3); err != nil {
		return View{}, err
	}
	if d.Stats, err = s.app.PublicModerationStats(ctx, cons); err != nil {
		return View{}, err
	}
	if d.Charts, err = s.summaryCharts(ctx, httpx.Lang(c), cons, d.Summary); err != nil {
		return View{}, err
	}
	if d.Satisfaction, err = s.ratingBoxOf(c, cons, rating); err != nil {
		return View{}, err
	}
	if d.Earlier, err = s.app.EarlierSections(ctx, cons); err != nil {
		return View{}, err
	}
	ch, err := s.app.PublicCharter(ctx, cons)
	if err != nil {
		return View{}, err
	}
	d.Charter = charterBoxOf(c, ch, false)
	if d.Plan, err = s.app.PublicPlan(ctx, cons); err != nil {
		return View{}, err
	}
	v := s.view(c, "", d)
	v.Title = cons.Title
	v.Description = describe(cons.Summary)
	return v, nil
}

type opinionsData struct {
	C       *domain.Consultation
	Section *domain.Section
	General bool
	Items   []domain.Opinion
	Page    int
	More    bool
	// CanHide shows moderators a hide button on each opinion; the app still checks the unit.
	CanHide bool
	Reasons []domain.RejectReason
	// Theme narrows the list to opinions containing a phrase (themes.go); Similar holds the
	// near-identical opinions folded under the first of each group, by its ID.
	Theme   string
	Similar map[int64][]domain.Opinion
	// Earlier is set when Section belongs to an earlier version of the draft; Now is the
	// part of the current text that revises it, nil when it was removed (version_pages.go).
	Earlier *app.EarlierSection
	Now     *domain.Section
}

func (s *Server) listOpinions(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cons, err := s.app.Consultation(ctx, nil, id)
	if err != nil {
		return err
	}
	d := opinionsData{C: cons, Page: queryInt(c, "page", 1), Reasons: domain.RejectReasons}
	d.CanHide = httpx.Actor(c).HasAny(domain.PermModerate)
	sec := c.QueryParam("section")
	f, ok := httpx.SectionFilter(sec)
	if !ok {
		return domain.ErrNotFound
	}
	d.General = f.General
	if f.SectionID != nil {
		d.Section = findSection(cons, sec)
		if d.Section == nil {
			// A part of an earlier version: its opinions stay readable (version_pages.go).
			if d.Section, d.Earlier, d.Now, err = s.earlierSection(c, cons, sec); err != nil {
				return err
			}
		}
		f.SectionID = &d.Section.ID
	}
	if d.Theme = strings.TrimSpace(c.QueryParam("theme")); d.Theme != "" {
		d.Items, d.More, err = s.app.ThemeOpinions(ctx, id, f, d.Theme, d.Page)
	} else {
		d.Items, d.More, err = s.app.ApprovedOpinions(ctx, id, f, d.Page)
	}
	if err != nil {
		return err
	}
	d.Items, d.Similar = app.GroupSimilar(d.Items)
	v := s.view(c, "opinions.title", d)
	return s.views.render(c, http.StatusOK, "opinions", v)
}

func findSection(c *domain.Consultation, idText string) *domain.Section {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return nil
	}
	for i := range c.Sections {
		if c.Sections[i].ID == id {
			return &c.Sections[i]
		}
	}
	return nil
}

// opinionForm is the resident's form, kept as typed so a refused submission loses nothing.
type opinionForm struct {
	C        *domain.Consultation
	Section  *domain.Section
	Children []domain.Section // the clauses of an article, shown with it
	Villages []domain.Unit
	In       app.NewOpinion
	Key      string // idempotency key, fixed when the form is first shown
	Started  string // signed time the form was first shown
	Open     bool
	Privacy  app.PrivacyNotice // who controls the name and contact, why they are kept, the rights
}

func (s *Server) opinionFormData(c echo.Context, id int64) (*opinionForm, error) {
	ctx := c.Request().Context()
	cons, err := s.app.Consultation(ctx, nil, id)
	if err != nil {
		return nil, err
	}
	villages, err := s.app.Villages(ctx, cons.UnitID)
	if err != nil {
		return nil, err
	}
	privacy, err := s.app.PrivacyNotice(ctx, httpx.Lang(c), cons)
	if err != nil {
		return nil, err
	}
	return &opinionForm{C: cons, Villages: villages, Open: cons.PhaseAt(s.app.Now()) == domain.PhaseOpen, Privacy: privacy}, nil
}

func (s *Server) newOpinion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := s.opinionFormData(c, id)
	if err != nil {
		return err
	}
	if sec := c.QueryParam("section"); sec != "" {
		if f.Section = findSection(f.C, sec); f.Section == nil {
			// A link to a part of an earlier version leads to the part that revises it.
			if _, _, now, err := s.earlierSection(c, f.C, sec); err == nil && now != nil {
				return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/c/%d/comment?section=%d", id, now.ID))
			}
		}
		if f.Section == nil || !f.Section.Commentable() {
			return domain.ErrNotFound
		}
		f.In.SectionID = &f.Section.ID
		f.Children = f.C.ChildrenOf(f.Section)
	}
	f.Key = newFormKey()
	f.Started = s.signStart(time.Now(), id)
	return s.views.render(c, http.StatusOK, "comment", s.view(c, "comment.title", f))
}

func (s *Server) createOpinion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := s.opinionFormData(c, id)
	if err != nil {
		return err
	}
	f.In = app.NewOpinion{
		Stance: c.FormValue("stance"), Body: c.FormValue("body"), AuthorName: c.FormValue("author_name"),
		ShowName: c.FormValue("show_name") == "1", Contact: c.FormValue("contact"),
		Consent: c.FormValue("consent") == "1", VillageCode: c.FormValue("village_code"), Lang: httpx.Lang(c),
	}
	f.Key, f.Started = c.FormValue("key"), c.FormValue("started")
	if sec := c.FormValue("section_id"); sec != "" {
		if f.Section = findSection(f.C, sec); f.Section == nil {
			// Written on a version the drafting team has since replaced (version_pages.go).
			return s.revisedSection(c, f, sec)
		}
		f.In.SectionID = &f.Section.ID
		f.Children = f.C.ChildrenOf(f.Section)
	}
	if !f.Open {
		return s.formError(c, domain.Errorf(domain.CodeConflict, "error.consultation_not_open"), "comment", "comment.title", f)
	}
	if err := s.botCheck(c, id); err != nil {
		if _, ok := s.verifyStart(f.Started, id); !ok {
			// An expired form (the server restarted) starts its clock again; a form sent
			// too fast keeps its clock, so resending at once does not help a bot.
			f.Started = s.signStart(time.Now(), id)
		}
		return s.formError(c, err, "comment", "comment.title", f)
	}
	r, err := s.app.SubmitOpinion(c.Request().Context(), id, f.In, f.Key)
	if err != nil {
		return s.formError(c, err, "comment", "comment.title", f)
	}
	return c.Redirect(http.StatusSeeOther, "/track/"+r.Opinion.TrackingCode+"?new=1")
}

// formError re-renders a form with the user's input and the messages tied to their fields.
// Errors that are not about the input (not found, internal) go to the error handler.
func (s *Server) formError(c echo.Context, err error, page, titleKey string, data any) error {
	de := domain.AsError(err)
	switch de.Code {
	case domain.CodeInvalid, domain.CodeConflict, domain.CodeUnauthorized, domain.CodeRateLimited:
	default:
		return err
	}
	v := s.view(c, titleKey, data)
	v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
	v.Errors = httpx.FieldMessages(de, v.L)
	return s.views.render(c, httpx.Status(de.Code), page, v)
}

type trackData struct {
	Code    string
	New     bool
	Done    string // "withdrawn" or "erased" after the author acted
	Tracked *app.TrackedOpinion
	Rating  *ratingBox // the satisfaction form, once the results are published
}

func (s *Server) track(c echo.Context) error {
	code := c.Param("code")
	if code == "" {
		code = c.QueryParam("code")
	}
	d := trackData{Code: code, New: c.QueryParam("new") == "1", Done: c.QueryParam("done")}
	if code == "" {
		return s.views.render(c, http.StatusOK, "track", s.view(c, "track.title", d))
	}
	t, err := s.app.Track(c.Request().Context(), code)
	if domain.IsCode(err, domain.CodeNotFound) {
		// The code of a question to a dialogue (dialogue_pages.go) is looked up here too.
		if q, qerr := s.app.TrackQuestion(c.Request().Context(), code); qerr == nil {
			return c.Redirect(http.StatusSeeOther, "/d/track/"+url.PathEscape(q.Question.TrackingCode))
		}
	}
	if err != nil {
		return s.trackLookupError(c, err, d)
	}
	d.Tracked = t
	if d.Rating, err = s.trackRatingBox(c, t, nil); err != nil {
		return err
	}
	return s.views.render(c, http.StatusOK, "track", s.view(c, "track.title", d))
}

// describe shortens a text to what a search result shows under the page's title.
func describe(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > 160 {
		return strings.TrimSpace(string(r[:157])) + "…"
	}
	return text
}
