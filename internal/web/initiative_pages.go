package web

import (
	"errors"
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
	"github.com/gopy-vn/gopy/internal/i18n"
)

// Citizens' initiatives (app/initiatives.go): a village's list and proposal form, the page
// of an initiative with its support form, and the staff pages.

type initiativesData struct {
	Unit  *domain.Unit
	Items []domain.Initiative
	Form  app.NewInitiative // the proposal form on a village's list
	Done  bool              // a proposal was received
}

func (s *Server) unitInitiatives(c echo.Context) error {
	u, list, err := s.app.UnitInitiatives(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	d := &initiativesData{Unit: u, Items: list, Form: app.NewInitiative{LastDay: s.app.Now().In(domain.Zone).AddDate(0, 0, 30).Format(time.DateOnly)}}
	d.Done = c.QueryParam("sent") == "1"
	v := s.view(c, "initiative.list.title", d)
	v.Title = i18n.T(v.L, "initiative.list.of", u.Name)
	return s.views.render(c, http.StatusOK, "initiatives", v)
}

// proposeInitiative takes a household's proposal with its code. The code is counted against
// the same allowance as a voting code before it is checked (attempts.go).
func (s *Server) proposeInitiative(c echo.Context) error {
	ctx := c.Request().Context()
	u, list, err := s.app.UnitInitiatives(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	in := app.NewInitiative{Kind: c.FormValue("kind"), Title: c.FormValue("title"), Body: c.FormValue("body"),
		LastDay: strings.TrimSpace(c.FormValue("last_day")), Code: c.FormValue("code")}
	d := &initiativesData{Unit: u, Items: list, Form: in}
	d.Form.Code = ""
	try, err := beginAttempt(c, limitKey{s.voteLimit, clientKey(c)})
	if err != nil {
		return s.formError(c, err, "initiatives", "initiative.list.title", d)
	}
	_, err = s.app.ProposeInitiative(ctx, nil, u.Code, in)
	if !errors.Is(err, app.ErrBadVotingCode) {
		try.notAGuess(c)
	}
	if err != nil {
		d.Form.Code = in.Code
		return s.formError(c, err, "initiatives", "initiative.list.title", d)
	}
	return c.Redirect(http.StatusSeeOther, "/u/"+url.PathEscape(u.Code)+"/initiatives?sent=1#propose")
}

type initiativeData struct {
	V       *app.InitiativeView
	Code    string
	Counted time.Time
}

func (s *Server) showInitiative(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// The public page never shows what staff see: a signed-in official uses the staff page.
	v, err := s.app.Initiative(c.Request().Context(), nil, id)
	if err != nil {
		return err
	}
	view := s.view(c, "", &initiativeData{V: v})
	view.Title = v.I.Title
	return s.views.render(c, http.StatusOK, "initiative", view)
}

// initiativeForm is the A4 sheet on which households sign their support on paper: blank
// rows, twice the supports still needed (at least 20), never a name.
func (s *Server) initiativeForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := s.app.Initiative(c.Request().Context(), nil, id)
	if err != nil {
		return err
	}
	rows := max(20, min(200, 2*(v.I.Threshold-v.I.Supports())))
	view := s.view(c, "initiative.form.title", &initiativeFormData{V: v, Rows: rows})
	return s.views.render(c, http.StatusOK, "initiative_form", view)
}

type initiativeFormData struct {
	V    *app.InitiativeView
	Rows int
}

// supportInitiative counts a household's support with its code, guesses counted as votes'.
func (s *Server) supportInitiative(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, err := s.app.Initiative(ctx, nil, id)
	if err != nil {
		return err
	}
	d := &initiativeData{V: v, Code: c.FormValue("code")}
	try, err := beginAttempt(c, limitKey{s.voteLimit, clientKey(c)})
	if err != nil {
		return s.formError(c, err, "initiative", "initiative.title", d)
	}
	at, err := s.app.SupportInitiative(ctx, id, d.Code)
	if !errors.Is(err, app.ErrBadVotingCode) {
		try.notAGuess(c)
	}
	if err != nil {
		return s.formError(c, err, "initiative", "initiative.title", d)
	}
	if v, err = s.app.Initiative(ctx, nil, id); err != nil {
		return err
	}
	view := s.view(c, "", &initiativeData{V: v, Counted: at})
	view.Title = v.I.Title
	return s.views.render(c, http.StatusOK, "initiative", view)
}

// initiativesFeed is the Atom feed of a unit's public initiatives, in Vietnamese like the
// other feeds.
func (s *Server) initiativesFeed(c echo.Context) error {
	code := strings.TrimSpace(c.QueryParam("unit"))
	if code == "" {
		return domain.InvalidField("unit", "validation.required")
	}
	u, list, err := s.app.UnitInitiatives(c.Request().Context(), code)
	if err != nil {
		return err
	}
	const lang = i18n.VI
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	self := base + "/feeds/initiatives.atom?unit=" + url.QueryEscape(u.Code)
	f := &atomFeed{
		Lang: lang, ID: self, Title: atomText{Type: "text", Text: i18n.T(lang, "initiative.feed.title", u.Name)},
		Author: atomPerson{Name: u.Name},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + "/u/" + url.PathEscape(u.Code) + "/initiatives"}},
	}
	host := "localhost"
	if pu, err := url.Parse(base); err == nil && pu.Hostname() != "" {
		host = pu.Hostname()
	}
	newest := u.CreatedAt
	now := s.app.Now()
	for k, i := range list {
		if k == 0 || i.UpdatedAt.After(newest) {
			newest = i.UpdatedAt
		}
		summary := i18n.T(lang, "initiative.phase."+i.Phase(now)) + ". " +
			i18n.T(lang, "initiative.count", i.Supports(), i.Threshold, i.Households) + ". " +
			i18n.T(lang, "initiative.last_day", formatDate(i.LastDay()))
		f.Entries = append(f.Entries, atomEntry{
			ID:    fmt.Sprintf("tag:%s,%s:initiative/%d", host, i.CreatedAt.In(domain.Zone).Format(time.DateOnly), i.ID),
			Title: atomText{Type: "text", Text: i.Title}, Updated: rfc3339(i.UpdatedAt), Published: rfc3339(i.CreatedAt),
			Links:    []atomLink{{Rel: "alternate", Type: "text/html", Href: base + "/initiatives/" + strconv.FormatInt(i.ID, 10)}},
			Author:   atomPerson{Name: u.Name},
			Category: atomCategory{Term: string(i.Kind), Label: i18n.T(lang, "initiative.kind."+string(i.Kind))},
			Summary:  atomText{Type: "text", Text: summary},
		})
	}
	f.Updated = rfc3339(newest)
	return writeAtom(c, f)
}

// Staff pages.

type staffInitiativesData struct {
	Items []domain.Initiative
	Form  app.NewInitiative
	Unit  string // the village code of a paper proposal
}

func (s *Server) staffInitiativesPage(c echo.Context, status int, d *staffInitiativesData, err error) error {
	list, lerr := s.app.StaffInitiatives(c.Request().Context(), httpx.Actor(c))
	if lerr != nil {
		return lerr
	}
	d.Items = list
	v := s.view(c, "initiative.staff.title", d)
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	if err != nil {
		de := domain.AsError(err)
		if de.Code != domain.CodeInvalid && de.Code != domain.CodeConflict {
			return err
		}
		status = httpx.Status(de.Code)
		v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
		v.Errors = httpx.FieldMessages(de, v.L)
	}
	return s.views.render(c, status, "staff_initiatives", v)
}

func (s *Server) staffInitiatives(c echo.Context) error {
	d := &staffInitiativesData{Form: app.NewInitiative{LastDay: s.app.Now().In(domain.Zone).AddDate(0, 0, 30).Format(time.DateOnly)}}
	return s.staffInitiativesPage(c, http.StatusOK, d, nil)
}

// createPaperInitiative enters a proposal made on paper to the village head.
func (s *Server) createPaperInitiative(c echo.Context) error {
	in := app.NewInitiative{Kind: c.FormValue("kind"), Title: c.FormValue("title"), Body: c.FormValue("body"),
		LastDay: strings.TrimSpace(c.FormValue("last_day")), Household: intField(c, "household")}
	code := strings.TrimSpace(c.FormValue("village"))
	i, err := s.app.ProposeInitiative(c.Request().Context(), httpx.Actor(c), code, in)
	if err != nil {
		return s.staffInitiativesPage(c, http.StatusOK, &staffInitiativesData{Form: in, Unit: code}, err)
	}
	s.sessions.Put(c.Request().Context(), "flash", "initiative.flash.entered")
	return c.Redirect(http.StatusSeeOther, "/staff/initiatives/"+strconv.FormatInt(i.ID, 10))
}

type staffInitiativeData struct {
	V     *app.InitiativeView
	Paper app.PaperSupports
	Out   app.InitiativeOutcome
	Today string
}

func (s *Server) staffInitiativePage(c echo.Context, id int64, keep func(*staffInitiativeData), err error) error {
	v, verr := s.app.Initiative(c.Request().Context(), httpx.Actor(c), id)
	if verr != nil {
		return verr
	}
	if !v.Manage && !v.Moderate && v.Supports == nil {
		return domain.Errorf(domain.CodeForbidden, "error.forbidden")
	}
	today := s.app.Now().In(domain.Zone).Format(time.DateOnly)
	d := &staffInitiativeData{V: v, Today: today, Paper: app.PaperSupports{SignedOn: today}, Out: app.InitiativeOutcome{On: today}}
	keep(d)
	view := s.view(c, "", d)
	view.Title = v.I.Title
	view.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	status := http.StatusOK
	if err != nil {
		de := domain.AsError(err)
		if de.Code != domain.CodeInvalid && de.Code != domain.CodeConflict {
			return err
		}
		status = httpx.Status(de.Code)
		view.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
		view.Errors = httpx.FieldMessages(de, view.L)
	}
	return s.views.render(c, status, "staff_initiative", view)
}

func (s *Server) staffInitiative(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.staffInitiativePage(c, id, func(*staffInitiativeData) {}, nil)
}

func (s *Server) moderateInitiative(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.InitiativeModeration{Decision: c.FormValue("decision"), Reason: c.FormValue("reason")}
	if err := s.app.ModerateInitiative(c.Request().Context(), httpx.Actor(c), id, in); err != nil {
		return s.staffInitiativePage(c, id, func(*staffInitiativeData) {}, err)
	}
	s.sessions.Put(c.Request().Context(), "flash", "initiative.flash.moderated")
	return c.Redirect(http.StatusSeeOther, "/staff/initiatives/"+strconv.FormatInt(id, 10))
}

func (s *Server) enterPaperSupports(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.PaperSupports{Households: c.FormValue("households"), SignedOn: strings.TrimSpace(c.FormValue("signed_on"))}
	n, err := s.app.EnterPaperSupports(c.Request().Context(), httpx.Actor(c), id, in)
	if err != nil {
		return s.staffInitiativePage(c, id, func(d *staffInitiativeData) { d.Paper = in }, err)
	}
	s.sessions.Put(c.Request().Context(), "flash", "initiative.flash.supports|"+strconv.Itoa(n))
	return c.Redirect(http.StatusSeeOther, "/staff/initiatives/"+strconv.FormatInt(id, 10))
}

func (s *Server) recordInitiativeOutcome(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.InitiativeOutcome{Outcome: c.FormValue("outcome"), On: strings.TrimSpace(c.FormValue("on")), Note: c.FormValue("note")}
	if cid, err := strconv.ParseInt(strings.TrimSpace(c.FormValue("consultation_id")), 10, 64); err == nil {
		in.ConsultationID = &cid
	}
	if err := s.app.RecordInitiativeOutcome(c.Request().Context(), httpx.Actor(c), id, in); err != nil {
		return s.staffInitiativePage(c, id, func(d *staffInitiativeData) { d.Out = in }, err)
	}
	s.sessions.Put(c.Request().Context(), "flash", "initiative.flash.outcome")
	return c.Redirect(http.StatusSeeOther, "/staff/initiatives/"+strconv.FormatInt(id, 10))
}

type householdCodesData struct {
	Village *domain.Unit
	Issued  time.Time
	Count   int
	Version string
	Sheet   *app.HouseholdCodeSheet
	URL     string
}

// householdCodes shows when a village's household codes were issued, with the button that
// issues (or replaces) them.
func (s *Server) householdCodes(c echo.Context) error {
	v, at, n, err := s.app.HouseholdCodesInfo(c.Request().Context(), httpx.Actor(c), c.QueryParam("village"))
	if err != nil {
		return err
	}
	d := &householdCodesData{Village: v, Issued: at, Count: n, Version: app.CodesVersion(at)}
	return s.views.render(c, http.StatusOK, "household_codes", s.view(c, "initiative.codes.title", d))
}

// issueHouseholdCodes answers with the printable sheet of new codes: they exist only in this
// answer, which no cache may keep.
func (s *Server) issueHouseholdCodes(c echo.Context) error {
	ctx := c.Request().Context()
	code := c.FormValue("village")
	sheet, err := s.app.IssueHouseholdCodes(ctx, httpx.Actor(c), code, c.FormValue("issued"))
	if err != nil {
		de := domain.AsError(err)
		if de.Code != domain.CodeConflict {
			return err
		}
		v, at, n, ierr := s.app.HouseholdCodesInfo(ctx, httpx.Actor(c), code)
		if ierr != nil {
			return ierr
		}
		view := s.view(c, "initiative.codes.title", &householdCodesData{Village: v, Issued: at, Count: n, Version: app.CodesVersion(at)})
		view.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
		return s.views.render(c, http.StatusConflict, "household_codes", view)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	d := &householdCodesData{Village: &sheet.Village, Sheet: sheet,
		URL: strings.TrimRight(s.cfg.BaseURL, "/") + "/u/" + url.PathEscape(sheet.Village.Code) + "/initiatives"}
	return s.views.render(c, http.StatusOK, "household_codes", s.view(c, "initiative.codes.title", d))
}
