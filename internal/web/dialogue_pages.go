package web

import (
	"crypto/rand"
	"encoding/base64"
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

// The monthly dialogue's pages (app/dialogues.go): a commune's dialogues, a dialogue with its
// questions, answers and promises, the form to ask, the support button, the tracking page of
// a question, the printable minutes, the feed, and the staff pages to schedule, moderate,
// answer and follow the promises.

// dialogueScope is what a dialogue's public forms are signed for (signStartFor).
func dialogueScope(id int64) string { return "dialogue:" + strconv.FormatInt(id, 10) }

// supporterCookie keeps the random token that makes one support per browser.
const supporterCookie = "gopy_supporter"

type dialogueListData struct {
	Unit  *domain.Unit
	Items []domain.Dialogue
}

// unitDialogues lists a commune's dialogues (a village's page leads to its commune's).
func (s *Server) unitDialogues(c echo.Context) error {
	u, list, err := s.app.DialoguesOfUnit(c.Request().Context(), c.Param("code"), 0)
	if err != nil {
		return err
	}
	v := s.view(c, "dialogue.list_title", dialogueListData{Unit: u, Items: list})
	v.Title += " · " + u.Name
	return s.views.render(c, http.StatusOK, "dialogues", v)
}

type dialogueData struct {
	P         *app.DialoguePage
	Themes    []domain.Theme
	Started   string // signed time, for the support buttons' bot check
	Supported int64  // the question just supported, to say so
	Repeat    bool   // the support was this browser's second
}

func (s *Server) showDialogue(c echo.Context) error { return s.renderDialogue(c, http.StatusOK, nil) }

// renderDialogue renders a dialogue's page, with a refused support's message when err is set.
func (s *Server) renderDialogue(c echo.Context, status int, fail error) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.app.Dialogue(c.Request().Context(), id, c.QueryParam("theme"))
	if err != nil {
		return err
	}
	d := dialogueData{P: p, Themes: domain.Themes, Started: s.signStartFor(time.Now(), dialogueScope(id)), Repeat: c.QueryParam("again") == "1"}
	if n, err := strconv.ParseInt(c.QueryParam("supported"), 10, 64); err == nil {
		d.Supported = n
	}
	v := s.view(c, "", d)
	v.Title = p.Dialogue.Title
	if fail != nil {
		de := domain.AsError(fail)
		v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
		v.Errors = httpx.FieldMessages(de, v.L)
		status = httpx.Status(de.Code)
	}
	return s.views.render(c, status, "dialogue", v)
}

type askData struct {
	D        *domain.Dialogue
	Open     bool
	Villages []domain.Unit
	Themes   []domain.Theme
	In       app.NewQuestion
	Key      string
	Started  string
}

func (s *Server) askData(c echo.Context) (*askData, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	p, err := s.app.Dialogue(ctx, id, "")
	if err != nil {
		return nil, err
	}
	villages, err := s.app.Villages(ctx, p.Dialogue.UnitID)
	if err != nil {
		return nil, err
	}
	return &askData{D: p.Dialogue, Open: p.Open, Villages: villages, Themes: domain.Themes}, nil
}

func (s *Server) askForm(c echo.Context) error {
	f, err := s.askData(c)
	if err != nil {
		return err
	}
	f.In.Theme = c.QueryParam("theme")
	f.Key, f.Started = newFormKey(), s.signStartFor(time.Now(), dialogueScope(f.D.ID))
	return s.views.render(c, http.StatusOK, "dialogue_ask", s.view(c, "dialogue.ask_title", f))
}

// ask takes a resident's question under the opinion form's defences: the per-address limit
// (routes.go), the hidden field and the signed minimum fill time, and the idempotency key.
func (s *Server) ask(c echo.Context) error {
	f, err := s.askData(c)
	if err != nil {
		return err
	}
	f.In = app.NewQuestion{Theme: c.FormValue("theme"), Body: c.FormValue("body"), VillageCode: c.FormValue("village_code")}
	f.Key, f.Started = c.FormValue("key"), c.FormValue("started")
	if !f.Open {
		return s.formError(c, domain.Errorf(domain.CodeConflict, "dialogue.error.closed"), "dialogue_ask", "dialogue.ask_title", f)
	}
	if err := s.formCheckFor(c, dialogueScope(f.D.ID), s.cfg.MinFillTime); err != nil {
		if _, ok := s.verifyStartFor(f.Started, dialogueScope(f.D.ID)); !ok {
			f.Started = s.signStartFor(time.Now(), dialogueScope(f.D.ID))
		}
		return s.formError(c, err, "dialogue_ask", "dialogue.ask_title", f)
	}
	r, err := s.app.AskQuestion(c.Request().Context(), f.D.ID, f.In, f.Key)
	if err != nil {
		return s.formError(c, err, "dialogue_ask", "dialogue.ask_title", f)
	}
	return c.Redirect(http.StatusSeeOther, "/d/track/"+url.PathEscape(r.Question.TrackingCode)+"?new=1")
}

// support adds this browser's support to a question: a plain form, one support per browser
// (a random token kept in a cookie, only its hash stored), under the per-address limit, the
// hidden field and the signed form (no minimum time: a support is one click).
func (s *Server) support(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	qid, err := strconv.ParseInt(c.Param("qid"), 10, 64)
	if err != nil {
		return domain.ErrNotFound
	}
	if err := s.formCheckFor(c, dialogueScope(id), 0); err != nil {
		return s.renderDialogue(c, 0, err)
	}
	token := ""
	if ck, err := c.Cookie(supporterCookie); err == nil {
		token = ck.Value
	}
	if len(token) < 16 || len(token) > 128 {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		token = base64.RawURLEncoding.EncodeToString(b)
		c.SetCookie(&http.Cookie{Name: supporterCookie, Value: token, Path: "/d/", MaxAge: 400 * 24 * 3600,
			HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	}
	added, _, err := s.app.Support(c.Request().Context(), id, qid, token)
	if err != nil {
		if domain.IsCode(err, domain.CodeNotFound) {
			return err
		}
		return s.renderDialogue(c, 0, err)
	}
	again := ""
	if !added {
		again = "&again=1"
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/d/%d?supported=%d%s#q-%d", id, qid, again, qid))
}

type questionTrackData struct {
	Code string
	New  bool
	T    *app.TrackedQuestion
}

// trackQuestion shows a question to whoever holds its tracking code.
func (s *Server) trackQuestion(c echo.Context) error {
	d := questionTrackData{Code: c.Param("code"), New: c.QueryParam("new") == "1"}
	t, err := s.app.TrackQuestion(c.Request().Context(), d.Code)
	if err != nil {
		return err
	}
	d.T = t
	return s.views.render(c, http.StatusOK, "dialogue_track", s.view(c, "dialogue.track_title", d))
}

type minutesData struct {
	P        *app.DialoguePage
	Unit     *domain.Unit
	Province string
	Answered int
}

// dialogueMinutes is the printable A4 record of a dialogue's results (biên bản): the meeting,
// each approved question with its answer, and the promises with their due days.
func (s *Server) dialogueMinutes(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.app.Dialogue(c.Request().Context(), id, "")
	if err != nil {
		return err
	}
	d := minutesData{P: p, Unit: p.Dialogue.Unit}
	for _, q := range p.Questions {
		if q.Answered() {
			d.Answered++
		}
	}
	v := s.view(c, "", d)
	v.Title = httpx.T(c, "dialogue.minutes_title") + " · " + p.Dialogue.Title
	return s.views.render(c, http.StatusOK, "dialogue_minutes", v)
}

// dialoguesFeed is the Atom feed of a commune's dialogues and of the answers given at them
// (?unit=CODE), in Vietnamese like the other feeds.
func (s *Server) dialoguesFeed(c echo.Context) error {
	ctx := c.Request().Context()
	code := strings.TrimSpace(c.QueryParam("unit"))
	if code == "" {
		return domain.InvalidField("unit", "validation.required")
	}
	u, list, err := s.app.DialoguesOfUnit(ctx, code, 24)
	if err != nil {
		return err
	}
	const lang = i18n.VI
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	self := base + c.Request().URL.Path + "?unit=" + url.QueryEscape(u.Code)
	host := "localhost"
	if pu, err := url.Parse(base); err == nil && pu.Hostname() != "" {
		host = pu.Hostname()
	}
	f := &atomFeed{Lang: lang, ID: self, Title: atomText{Type: "text", Text: i18n.T(lang, "dialogue.feed_title", u.Name)},
		Author: atomPerson{Name: u.Name}, Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + "/u/" + url.PathEscape(u.Code) + "/dialogues"}}}
	newest := u.CreatedAt
	if newest.IsZero() {
		newest = s.started
	}
	add := func(e atomEntry, updated time.Time) {
		f.Entries = append(f.Entries, e)
		if updated.After(newest) {
			newest = updated
		}
	}
	for _, d := range list {
		link := fmt.Sprintf("%s/d/%d", base, d.ID)
		summary := i18n.T(lang, "dialogue.feed_summary", formatDateTime(d.StartsAt), d.Place, d.ChairedBy)
		if d.Status != domain.DialogueScheduled {
			summary += " " + i18n.T(lang, "dialogue.status."+string(d.Status))
		}
		add(atomEntry{ID: fmt.Sprintf("tag:%s,%s:dialogue/%d", host, d.CreatedAt.In(domain.Zone).Format("2006-01-02"), d.ID),
			Title: atomText{Type: "text", Text: d.Title}, Updated: rfc3339(d.UpdatedAt), Published: rfc3339(d.CreatedAt),
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: link}}, Author: atomPerson{Name: u.Name},
			Category: atomCategory{Term: "dialogue", Label: i18n.T(lang, "dialogue.feed_dialogue")},
			Summary:  atomText{Type: "text", Text: summary}}, d.UpdatedAt)
		p, err := s.app.Dialogue(ctx, d.ID, "")
		if err != nil {
			return err
		}
		for _, q := range p.Questions {
			if !q.Answered() {
				continue
			}
			add(atomEntry{ID: fmt.Sprintf("tag:%s,%s:dialogue-answer/%d", host, d.CreatedAt.In(domain.Zone).Format("2006-01-02"), q.ID),
				Title:   atomText{Type: "text", Text: i18n.T(lang, "dialogue.feed_answer", d.Title)},
				Updated: rfc3339(*q.AnsweredAt), Published: rfc3339(*q.AnsweredAt),
				Links:    []atomLink{{Rel: "alternate", Type: "text/html", Href: fmt.Sprintf("%s#q-%d", link, q.ID)}},
				Author:   atomPerson{Name: u.Name},
				Category: atomCategory{Term: string(q.Theme), Label: i18n.T(lang, "dialogue.theme."+string(q.Theme))},
				Summary:  atomText{Type: "text", Text: q.BodyPublic + "\n\n" + q.Answer}}, *q.AnsweredAt)
		}
	}
	f.Updated = rfc3339(newest)
	return writeAtom(c, f)
}

// Staff pages.

type staffDialoguesData struct {
	*app.StaffDialogueList
	In app.NewDialogue
}

func (s *Server) staffDialogues(c echo.Context) error {
	d, err := s.staffDialoguesData(c)
	if err != nil {
		return err
	}
	if len(d.Communes) == 1 {
		d.In.UnitCode = d.Communes[0].Code
	}
	v := s.view(c, "dialogue.staff_title", d)
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "staff_dialogues", v)
}

func (s *Server) staffDialoguesData(c echo.Context) (*staffDialoguesData, error) {
	l, err := s.app.StaffDialogues(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return nil, err
	}
	return &staffDialoguesData{StaffDialogueList: l}, nil
}

func dialogueInput(c echo.Context) app.NewDialogue {
	return app.NewDialogue{UnitCode: c.FormValue("unit_code"), Title: c.FormValue("title"), Date: c.FormValue("date"),
		Time: c.FormValue("time"), Place: c.FormValue("place"), ChairedBy: c.FormValue("chaired_by")}
}

func (s *Server) scheduleDialogue(c echo.Context) error {
	in := dialogueInput(c)
	d, err := s.app.ScheduleDialogue(c.Request().Context(), httpx.Actor(c), in)
	if err != nil {
		data, derr := s.staffDialoguesData(c)
		if derr != nil {
			return derr
		}
		data.In = in
		return s.formError(c, err, "staff_dialogues", "dialogue.staff_title", data)
	}
	s.sessions.Put(c.Request().Context(), "flash", "dialogue.flash.scheduled")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/dialogues/%d", d.ID))
}

type staffDialogueData struct {
	P       *app.StaffDialoguePage
	Reasons []domain.RejectReason
	In      app.NewDialogue // the schedule form
	Date    string
	Time    string
}

func (s *Server) staffDialogue(c echo.Context) error { return s.renderStaffDialogue(c, nil) }

// renderStaffDialogue shows a dialogue's staff page, with a refused form's messages if err is set.
func (s *Server) renderStaffDialogue(c echo.Context, fail error) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.app.StaffDialogue(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	starts := p.Dialogue.StartsAt.In(domain.Zone)
	d := staffDialogueData{P: p, Reasons: domain.RejectReasons, In: app.NewDialogue{Title: p.Dialogue.Title,
		Date: starts.Format(time.DateOnly), Time: starts.Format("15:04"), Place: p.Dialogue.Place, ChairedBy: p.Dialogue.ChairedBy}}
	if fail != nil {
		return s.formError(c, fail, "staff_dialogue", "dialogue.staff_title", d)
	}
	v := s.view(c, "", d)
	v.Title = p.Dialogue.Title
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "staff_dialogue", v)
}

// staffDialogueDone answers a staff form on a dialogue: back to its page with a note, or the
// page again with the form's error.
func (s *Server) staffDialogueDone(c echo.Context, dialogueID int64, err error, flash string) error {
	if err != nil {
		if !domain.IsCode(err, domain.CodeInvalid) && !domain.IsCode(err, domain.CodeConflict) {
			return err
		}
		c.SetParamNames("id")
		c.SetParamValues(strconv.FormatInt(dialogueID, 10))
		return s.renderStaffDialogue(c, err)
	}
	s.sessions.Put(c.Request().Context(), "flash", flash)
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/dialogues/%d", dialogueID))
}

func (s *Server) rescheduleDialogue(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := dialogueInput(c)
	in.UnitCode = "-" // replaced below: a dialogue stays in its commune
	p, err := s.app.StaffDialogue(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	if p.Dialogue.Unit != nil {
		in.UnitCode = p.Dialogue.Unit.Code
	}
	_, err = s.app.RescheduleDialogue(c.Request().Context(), httpx.Actor(c), id, in)
	return s.staffDialogueDone(c, id, err, "dialogue.flash.rescheduled")
}

func (s *Server) dialogueOutcome(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("attendance")))
	in := app.DialogueOutcome{Cancel: c.FormValue("cancel") == "1", Attendance: n, Summary: c.FormValue("summary"), Reason: c.FormValue("reason")}
	_, err = s.app.RecordDialogueOutcome(c.Request().Context(), httpx.Actor(c), id, in)
	flash := "dialogue.flash.held"
	if in.Cancel {
		flash = "dialogue.flash.cancelled"
	}
	return s.staffDialogueDone(c, id, err, flash)
}

func (s *Server) addDialoguePromise(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.app.AddPromise(c.Request().Context(), httpx.Actor(c), id, app.NewPromise{Text: c.FormValue("text"), DueOn: c.FormValue("due_on")})
	return s.staffDialogueDone(c, id, err, "dialogue.flash.promise")
}

// questionDialogue finds the dialogue of a question for a staff form's answer; the app still
// decides who may act on it.
func (s *Server) questionDialogue(c echo.Context) (int64, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, err
	}
	return s.app.QuestionDialogueID(c.Request().Context(), httpx.Actor(c), id)
}

func (s *Server) moderateQuestion(c echo.Context) error {
	dialogueID, err := s.questionDialogue(c)
	if err != nil {
		return err
	}
	id, _ := pathID(c)
	dec := app.Decision{Decision: c.FormValue("decision"), Reason: c.FormValue("reason"), Note: c.FormValue("note")}
	_, err = s.app.ModerateQuestion(c.Request().Context(), httpx.Actor(c), id, dec)
	return s.staffDialogueDone(c, dialogueID, err, "dialogue.flash.moderated")
}

func (s *Server) answerQuestion(c echo.Context) error {
	dialogueID, err := s.questionDialogue(c)
	if err != nil {
		return err
	}
	id, _ := pathID(c)
	in := app.NewAnswer{Answer: c.FormValue("answer"), Promise: c.FormValue("promise"), DueOn: c.FormValue("due_on")}
	_, _, err = s.app.AnswerQuestion(c.Request().Context(), httpx.Actor(c), id, in)
	return s.staffDialogueDone(c, dialogueID, err, "dialogue.flash.answered")
}

func (s *Server) promiseDone(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	dialogueID, err := s.app.PromiseDialogueID(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	_, err = s.app.PromiseDone(c.Request().Context(), httpx.Actor(c), id, c.FormValue("note"))
	return s.staffDialogueDone(c, dialogueID, err, "dialogue.flash.done")
}

// unitPageDialogues gives a unit's page the latest dialogues of its commune (the unit itself,
// or the commune of a village); none for a province.
func (s *Server) unitPageDialogues(c echo.Context, p *app.UnitPage) ([]domain.Dialogue, *domain.Unit, error) {
	commune := p.Unit
	if p.Unit.Kind == domain.UnitProvince {
		return nil, nil, nil
	}
	if p.Unit.Kind == domain.UnitVillage && len(p.Above) > 0 {
		commune = &p.Above[len(p.Above)-1]
	}
	list, err := s.app.UnitDialogues(c.Request().Context(), p.Unit, 3)
	return list, commune, err
}
