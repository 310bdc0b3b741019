package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
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

// newFormKey returns the idempotency key a form carries, so pressing submit twice stores one opinion.
func newFormKey() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

type loginData struct {
	Email string
	Next  string
}

// safeNext keeps the post-login redirect on this site.
func safeNext(next string) string {
	if p, ok := localPath(next); ok {
		return p
	}
	return "/staff"
}

// localPath accepts only a path on this site. Browsers drop tabs and newlines from URLs and
// read a backslash as a slash, so "/\t/evil.example" would lead away: anything but a plain
// path with one leading slash is refused.
func localPath(p string) (string, bool) {
	if p == "" || p[0] != '/' || len(p) > 2000 {
		return "", false
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "", false
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(p, "//") {
		return "", false
	}
	return p, true
}

func (s *Server) loginForm(c echo.Context) error {
	return s.views.render(c, http.StatusOK, "login", s.view(c, "login.title", loginData{Next: safeNext(c.QueryParam("next"))}))
}

func (s *Server) login(c echo.Context) error {
	d := loginData{Email: c.FormValue("email"), Next: safeNext(c.FormValue("next"))}
	actor, err := s.authenticate(c, d.Email, c.FormValue("password"))
	if app.IsCodeNeeded(err) {
		return s.askForCode(c, actor, d.Next)
	}
	if err != nil {
		return s.formError(c, err, "login", "login.title", d)
	}
	return c.Redirect(http.StatusSeeOther, d.Next)
}

// logout ends the session on the server, not only in the browser.
func (s *Server) logout(c echo.Context) error {
	if err := s.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

type staffHomeData struct {
	Items []domain.Consultation
	// Counts are each consultation's opinions by status.
	Counts   map[int64]*domain.ModerationStats
	Pending  int
	CanAudit bool
	// Front lists what waits for the Fatherland Front's own acts, for a Front account.
	Front []app.FrontTask
}

func (s *Server) staffHome(c echo.Context) error {
	ctx := c.Request().Context()
	actor := httpx.Actor(c)
	d := staffHomeData{CanAudit: actor.HasAny(domain.PermAudit)}
	// Before the page counts the unread notices for its navigation.
	if err := s.app.NoticeArrivals(ctx, actor); err != nil {
		return err
	}
	var err error
	if d.Items, _, err = s.app.StaffConsultations(ctx, actor, 1); err != nil {
		return err
	}
	ids := make([]int64, len(d.Items))
	for i := range d.Items {
		ids[i] = d.Items[i].ID
	}
	if d.Counts, err = s.app.OpinionCounts(ctx, actor, ids); err != nil {
		return err
	}
	if actor.HasAny(domain.PermModerate) {
		q, err := s.app.ModerationQueue(ctx, actor, app.QueueQuery{})
		if err != nil {
			return err
		}
		d.Pending = int(q.Waiting)
	}
	if actor.HasAny(domain.PermFrontAct) {
		if d.Front, err = s.app.FrontTasks(ctx, actor); err != nil {
			return err
		}
	}
	v := s.view(c, "staff.title", d)
	v.Flash = flashText(c, s.sessions.PopString(ctx, "flash"))
	return s.views.render(c, http.StatusOK, "staff_home", v)
}

// consultationForm is the official's form, kept as typed.
type consultationForm struct {
	In        app.NewConsultation
	FirstDay  string
	LastDay   string
	Units     []domain.Unit
	Kinds     []domain.ConsultationKind
	MinPeriod map[domain.ConsultationKind]int
	Items     []domain.Item
	ItemValue string // the item as typed, kept when the form comes back
	// Topics are the items of Law art. 25 a consult matter names; TopicValue as typed.
	Topics     []domain.Topic
	TopicValue string
	// Edit is the draft being edited (nil on a new one): the form posts to its address.
	Edit *domain.Consultation
}

func (s *Server) consultationFormData(c echo.Context) (*consultationForm, error) {
	units, err := s.app.UnitsForNewConsultation(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return nil, err
	}
	f := &consultationForm{Units: units, Kinds: domain.ConsultationKinds, MinPeriod: map[domain.ConsultationKind]int{}, Items: domain.Items,
		Topics: domain.Topics}
	for _, k := range domain.ConsultationKinds {
		f.MinPeriod[k] = domain.MinPeriodDays(k, app.DefaultMatter(k))
	}
	return f, nil
}

func (s *Server) newConsultation(c echo.Context) error {
	f, err := s.consultationFormData(c)
	if err != nil {
		return err
	}
	today := domain.StartOfDay(s.app.Now())
	f.In.Kind = string(domain.KindHuongUoc)
	// A hương ước belongs to a village: the form starts on the first village the official
	// may create one for; other kinds start on the official's own unit (app.js switches).
	for _, u := range f.Units {
		if u.Kind == domain.UnitVillage {
			f.In.UnitCode = u.Code
			break
		}
	}
	f.FirstDay = today.Format(time.DateOnly)
	f.LastDay = today.AddDate(0, 0, 30).Format(time.DateOnly)
	return s.views.render(c, http.StatusOK, "consultation_new", s.view(c, "newc.title", f))
}

func (s *Server) createConsultation(c echo.Context) error {
	f, err := s.consultationFormData(c)
	if err != nil {
		return err
	}
	return s.saveConsultation(c, f, func(ctx context.Context, actor *domain.Actor, in app.NewConsultation) (*domain.Consultation, error) {
		return s.app.CreateConsultation(ctx, actor, in)
	})
}

// editConsultation shows a draft not yet published in the form it was created with.
func (s *Server) editConsultation(c echo.Context) error {
	f, err := s.draftForm(c)
	if err != nil {
		return err
	}
	cons := f.Edit
	f.In = app.NewConsultation{Title: cons.Title, Kind: string(cons.Kind), Matter: string(cons.Matter), Moderation: string(cons.Moderation),
		Summary: cons.Summary}
	if cons.Unit != nil {
		f.In.UnitCode = cons.Unit.Code
	}
	if cons.Item != 0 {
		f.ItemValue = strconv.Itoa(int(cons.Item))
	}
	if cons.Topic != nil {
		f.TopicValue = strconv.Itoa(int(*cons.Topic))
	}
	text, err := s.app.DraftText(c.Request().Context(), httpx.Actor(c), cons.ID)
	if err != nil {
		return err
	}
	f.In.Text = text
	f.FirstDay = cons.OpensAt.In(domain.Zone).Format(time.DateOnly)
	f.LastDay = cons.LastDay().Format(time.DateOnly)
	return s.views.render(c, http.StatusOK, "consultation_new", s.view(c, "newc.edit_title", f))
}

// updateConsultation saves an edited draft.
func (s *Server) updateConsultation(c echo.Context) error {
	f, err := s.draftForm(c)
	if err != nil {
		return err
	}
	id := f.Edit.ID
	return s.saveConsultation(c, f, func(ctx context.Context, actor *domain.Actor, in app.NewConsultation) (*domain.Consultation, error) {
		return s.app.UpdateDraft(ctx, actor, id, in)
	})
}

// deleteConsultation deletes a draft never published, once the official ticked the box.
func (s *Server) deleteConsultation(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		return s.transitionError(c, id, domain.InvalidField("confirm", "confirm.required"))
	}
	if err := s.app.DeleteDraft(c.Request().Context(), httpx.Actor(c), id); err != nil {
		return s.transitionError(c, id, err)
	}
	s.sessions.Put(c.Request().Context(), "flash", "flash.draft_deleted")
	return c.Redirect(http.StatusSeeOther, "/staff")
}

// draftForm is the form for the draft in the path, refused unless it may still be edited.
func (s *Server) draftForm(c echo.Context) (*consultationForm, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	cons, err := s.app.EditableDraft(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return nil, err
	}
	f, err := s.consultationFormData(c)
	if err != nil {
		return nil, err
	}
	f.Edit = cons
	return f, nil
}

// saveConsultation reads the consultation form and creates or updates with save.
func (s *Server) saveConsultation(c echo.Context, f *consultationForm,
	save func(ctx context.Context, actor *domain.Actor, in app.NewConsultation) (*domain.Consultation, error)) error {
	f.In = app.NewConsultation{
		Title: c.FormValue("title"), Kind: c.FormValue("kind"), UnitCode: c.FormValue("unit_code"),
		Summary: c.FormValue("summary"), Text: c.FormValue("text"), Moderation: c.FormValue("moderation"),
		Matter: c.FormValue("matter"),
	}
	var err error
	if f.In.Document, err = readUpload(c, "document", app.MaxDocument); err != nil {
		return s.formError(c, domain.AsError(err), "consultation_new", "newc.title", f)
	}
	f.ItemValue = c.FormValue("item")
	if f.ItemValue != "" {
		item, ierr := strconv.Atoi(f.ItemValue)
		if ierr != nil || item < 1 {
			// Out of range on purpose: the app refuses it as an unknown item.
			item = -1
		}
		f.In.Item = item
	}
	f.TopicValue = c.FormValue("topic")
	if f.TopicValue != "" {
		topic, terr := strconv.Atoi(f.TopicValue)
		if terr != nil || topic < 1 {
			topic = -1 // refused by the app as an unknown item of art. 25
		}
		f.In.Topic = topic
	}
	f.FirstDay, f.LastDay = c.FormValue("first_day"), c.FormValue("last_day")
	first, ferr := time.ParseInLocation(time.DateOnly, f.FirstDay, domain.Zone)
	last, lerr := time.ParseInLocation(time.DateOnly, f.LastDay, domain.Zone)
	if ferr == nil && lerr == nil {
		f.In.OpensAt, f.In.ClosesAt = domain.PeriodFromDates(first, last)
	}
	// Unparseable dates leave the period empty, so the app reports it as required, together
	// with any other mistake on the form.
	cons, err := save(c.Request().Context(), httpx.Actor(c), f.In)
	if err != nil {
		de := domain.AsError(err)
		if de.Code == domain.CodeInvalid {
			// The page asks for two days; the app validates a period.
			moveField(de, "opens_at", "first_day", ferr != nil)
			moveField(de, "closes_at", "last_day", lerr != nil)
		}
		title := "newc.title"
		if f.Edit != nil {
			title = "newc.edit_title"
		}
		return s.formError(c, de, "consultation_new", title, f)
	}
	if f.Edit != nil {
		s.sessions.Put(c.Request().Context(), "flash", "flash.draft_saved")
	}
	return c.Redirect(http.StatusSeeOther, "/staff/consultations/"+strconv.FormatInt(cons.ID, 10))
}

type staffConsultationData struct {
	C         *domain.Consultation
	Phase     domain.Phase
	MinPeriod int
	Law       string // the rule behind MinPeriod
	// Days is the period planned, counted from publication (from now for a draft); Given is
	// the days people really had, less when the period was closed early.
	Days          int
	Given         int
	EarliestClose time.Time
	MinimumRun    bool // the legal minimum has run: it may be closed now
	Events        []domain.ConsultationEvent
	// Deadlines are the law's deadlines after the consultation, shown to officials and observers.
	Deadlines []domain.Deadline
	// CanManage and CanModerate show the buttons of officials and moderators to them only:
	// observers and the Front read this page and act elsewhere.
	CanManage, CanModerate bool
	// Structure counts the draft's parts in its own words: "2 chương, 5 điều, 2 khoản".
	Structure string
	// Counts are its opinions by status.
	Counts *domain.ModerationStats
	// Plan is the plan of a consult matter and its report to the Council (plan_pages.go).
	Plan *app.PlanView
}

func (s *Server) staffConsultationView(c echo.Context, id int64) (View, error) {
	ctx := c.Request().Context()
	cons, err := s.app.OverseenConsultation(ctx, httpx.Actor(c), id)
	if err != nil {
		return View{}, err
	}
	now := s.app.Now()
	d := staffConsultationData{C: cons, Phase: cons.PhaseAt(now), MinPeriod: domain.MinPeriodDays(cons.Kind, cons.Matter),
		Law: httpx.T(c, "law."+domain.LawBasis(cons.Kind, cons.Matter)), Days: cons.PeriodDays(now), Given: cons.DaysGiven(),
		EarliestClose: cons.EarliestClose()}
	d.MinimumRun = !now.Before(d.EarliestClose)
	if cons.PublishedAt != nil {
		d.Days = cons.PeriodDays(*cons.PublishedAt)
	}
	actor := httpx.Actor(c)
	d.CanManage = s.app.Permits(ctx, actor, domain.PermManageConsultation, cons.ID)
	d.CanModerate = s.app.Permits(ctx, actor, domain.PermModerate, cons.ID)
	kinds := make([]string, len(cons.Sections))
	for i := range cons.Sections {
		kinds[i] = cons.Sections[i].Kind
	}
	d.Structure = partsText(httpx.Lang(c), kinds)
	counts, err := s.app.OpinionCounts(ctx, actor, []int64{cons.ID})
	if err != nil {
		return View{}, err
	}
	d.Counts = counts[cons.ID]
	if d.Events, err = s.app.ConsultationEvents(ctx, cons); err != nil {
		return View{}, err
	}
	if d.Deadlines, err = s.app.ConsultationDeadlines(ctx, cons); err != nil {
		return View{}, err
	}
	if cons.Matter == domain.MatterConsult {
		if d.Plan, err = s.app.ConsultationPlan(ctx, actor, cons.ID); err != nil {
			return View{}, err
		}
	}
	v := s.view(c, "", d)
	v.Title = cons.Title
	return v, nil
}

func (s *Server) staffConsultation(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := s.staffConsultationView(c, id)
	if err != nil {
		return err
	}
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "staff_consultation", v)
}

// flashText renders a flash message kept in the session as "key" or "key|arg,arg".
func flashText(c echo.Context, stored string) string {
	if stored == "" {
		return ""
	}
	key, rest, _ := strings.Cut(stored, "|")
	var args []any
	if rest != "" {
		for _, a := range strings.Split(rest, ",") {
			args = append(args, a)
		}
	}
	return httpx.T(c, key, args...)
}

func (s *Server) transition(c echo.Context, do func(ctx context.Context, actor *domain.Actor, id int64) (*domain.Consultation, error), flash string) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := do(c.Request().Context(), httpx.Actor(c), id); err != nil {
		return s.transitionError(c, id, err)
	}
	s.sessions.Put(c.Request().Context(), "flash", flash)
	return c.Redirect(http.StatusSeeOther, "/staff/consultations/"+strconv.FormatInt(id, 10))
}

// transitionError shows a refused act on the consultation's staff page.
func (s *Server) transitionError(c echo.Context, id int64, err error) error {
	de := domain.AsError(err)
	if de.Code != domain.CodeInvalid && de.Code != domain.CodeConflict {
		return err
	}
	v, verr := s.staffConsultationView(c, id)
	if verr != nil {
		return verr
	}
	// This page has no form fields to point at: say what is wrong in one message.
	v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
	for _, m := range httpx.FieldMessages(de, v.L) {
		v.Message = m
	}
	return s.views.render(c, httpx.Status(de.Code), "staff_consultation", v)
}

type queueData struct {
	Q       *app.Queue
	Reasons []domain.RejectReason
	Filter  queueFilter
	Flags   []string
	// Kept is what the moderator chose in a refused decision, shown again on its item.
	Kept queueKept
}

// queueKept is a refused decision carried over the redirect back to the queue: the queue
// shows the message next to the item, with the reason and note the moderator chose, at the
// queue's own address rather than the address the form posted to.
type queueKept struct {
	Item    string            `json:"item"` // an opinion's ID, or "bulk"
	Message string            `json:"message"`
	Errors  map[string]string `json:"errors"`
	Reason  string            `json:"reason"`
	Note    string            `json:"note"`
}

// queueFilter is the queue's filter form, kept in the URL so a moderator can bookmark it.
type queueFilter struct {
	Consultation string
	Flag         string
	Hours        string
}

// Query renders the filter as a URL query, to return to the same view after a decision.
func (f queueFilter) Query() string {
	v := url.Values{}
	if f.Consultation != "" {
		v.Set("consultation_id", f.Consultation)
	}
	if f.Flag != "" {
		v.Set("flag", f.Flag)
	}
	if f.Hours != "" {
		v.Set("older_than_hours", f.Hours)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func (s *Server) queueView(c echo.Context, f queueFilter) (View, error) {
	q := app.QueueQuery{Flag: f.Flag}
	if n, err := strconv.ParseInt(f.Consultation, 10, 64); err == nil {
		q.ConsultationID = &n
	}
	if h, err := strconv.Atoi(f.Hours); err == nil && h > 0 {
		q.OlderThan = time.Duration(h) * time.Hour
	}
	queue, err := s.app.ModerationQueue(c.Request().Context(), httpx.Actor(c), q)
	if err != nil {
		return View{}, err
	}
	return s.view(c, "queue.title", queueData{Q: queue, Reasons: domain.RejectReasons, Filter: f,
		Flags: []string{"personal_data", "profanity", "link", "similar"}}), nil
}

func filterOf(c echo.Context) queueFilter {
	return queueFilter{Consultation: c.QueryParam("consultation_id"), Flag: c.QueryParam("flag"), Hours: c.QueryParam("older_than_hours")}
}

func (s *Server) moderationQueue(c echo.Context) error {
	v, err := s.queueView(c, filterOf(c))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v.Flash = flashText(c, s.sessions.PopString(ctx, "flash"))
	var kept queueKept
	if raw := s.sessions.PopString(ctx, "queue_error"); raw != "" && json.Unmarshal([]byte(raw), &kept) == nil {
		d := v.Data.(queueData)
		d.Kept = kept
		v.Data, v.Message, v.Errors = d, kept.Message, kept.Errors
	}
	return s.views.render(c, http.StatusOK, "queue", v)
}

// moderateOpinion takes one decision from the queue (or a hide from a public list) and
// returns to where the moderator was.
func (s *Server) moderateOpinion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d := app.Decision{Decision: c.FormValue("decision"), Reason: c.FormValue("reason"), Note: c.FormValue("note")}
	if _, err := s.app.Moderate(c.Request().Context(), httpx.Actor(c), id, d); err != nil {
		return s.queueError(c, err, strconv.FormatInt(id, 10))
	}
	s.sessions.Put(c.Request().Context(), "flash", "flash.decided."+d.Decision)
	return c.Redirect(http.StatusSeeOther, s.backTo(c))
}

// bulkModerate applies one decision to a group of near-identical opinions.
func (s *Server) bulkModerate(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	var ids []int64
	for _, v := range form["ids"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, n)
		}
	}
	d := app.Decision{Decision: c.FormValue("decision"), Reason: c.FormValue("reason"), Note: c.FormValue("note")}
	n, err := s.app.BulkModerate(c.Request().Context(), httpx.Actor(c), ids, d)
	if err != nil {
		return s.queueError(c, err, "bulk")
	}
	s.sessions.Put(c.Request().Context(), "flash", "flash.bulk."+d.Decision+"|"+strconv.Itoa(n))
	return c.Redirect(http.StatusSeeOther, s.backTo(c))
}

// backTo is the local page a decision form came from (the queue with its filters, or a
// public list), never another site.
func (s *Server) backTo(c echo.Context) string {
	if back, ok := localPath(c.FormValue("back")); ok {
		return back
	}
	return "/staff/moderation"
}

// queueError takes a refused decision back to the queue (GET, after a redirect), where it
// shows next to the item it was about with the reason and note chosen. A decision taken
// from another page (hiding from a public list) comes back to the queue as well, since that
// page has no place for the message.
func (s *Server) queueError(c echo.Context, err error, item string) error {
	de := domain.AsError(err)
	if de.Code != domain.CodeInvalid && de.Code != domain.CodeConflict {
		return err
	}
	kept := queueKept{Item: item, Message: httpx.T(c, de.Message.Key, de.Message.Args...), Errors: map[string]string{},
		Reason: c.FormValue("reason"), Note: c.FormValue("note")}
	for f, msg := range httpx.FieldMessages(de, httpx.Lang(c)) {
		kept.Errors[item+"."+f] = msg
	}
	raw, jerr := json.Marshal(kept)
	if jerr != nil {
		return jerr
	}
	s.sessions.Put(c.Request().Context(), "queue_error", string(raw))
	back := s.backTo(c)
	if !strings.HasPrefix(back, "/staff/moderation") {
		back = "/staff/moderation"
	}
	if item != "bulk" {
		back += "#o-" + item
	}
	return c.Redirect(http.StatusSeeOther, back)
}

// moveField files a validation message under the name of the field the page shows; an
// unreadable date gets the date message instead.
func moveField(de *domain.Error, from, to string, unreadable bool) {
	m, ok := de.Fields[from]
	delete(de.Fields, from)
	if unreadable {
		m, ok = domain.Message{Key: "validation.date"}, true
	}
	if ok {
		de.Fields[to] = m
	}
}

func (s *Server) publishResults(c echo.Context) error {
	return s.transition(c, s.app.PublishResults, "flash.results_published")
}

type answerData struct {
	C       *domain.Consultation
	Items   []domain.Opinion
	Missing int64
	Kinds   []string
	// CanAnswer shows the form to the consultation's officials; others read the answers.
	CanAnswer bool
}

func (s *Server) answerView(c echo.Context, id int64) (View, error) {
	ctx := c.Request().Context()
	cons, err := s.app.Consultation(ctx, httpx.Actor(c), id)
	if err != nil {
		return View{}, err
	}
	items, missing, err := s.app.AnswerSheet(ctx, httpx.Actor(c), id)
	if err != nil {
		return View{}, err
	}
	v := s.view(c, "answers.title", answerData{C: cons, Items: items, Missing: missing, Kinds: []string{"accepted", "explained", "noted"},
		CanAnswer: s.app.Permits(ctx, httpx.Actor(c), domain.PermManageConsultation, id)})
	return v, nil
}

func (s *Server) answerSheet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := s.answerView(c, id)
	if err != nil {
		return err
	}
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "answers", v)
}

// answerOpinions answers the ticked opinions (one, or a group of similar ones) with one text.
func (s *Server) answerOpinions(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	in := app.NewResponse{Kind: c.FormValue("kind"), Text: c.FormValue("text")}
	for _, v := range form["ids"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.OpinionIDs = append(in.OpinionIDs, n)
		}
	}
	if _, err := s.app.Answer(c.Request().Context(), httpx.Actor(c), id, in); err != nil {
		de := domain.AsError(err)
		if de.Code != domain.CodeInvalid && de.Code != domain.CodeConflict {
			return err
		}
		v, verr := s.answerView(c, id)
		if verr != nil {
			return verr
		}
		v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
		for _, m := range httpx.FieldMessages(de, v.L) {
			v.Message += " " + m
		}
		return s.views.render(c, httpx.Status(de.Code), "answers", v)
	}
	s.sessions.Put(c.Request().Context(), "flash", "flash.answered|"+strconv.Itoa(len(in.OpinionIDs)))
	return c.Redirect(http.StatusSeeOther, "/staff/consultations/"+strconv.FormatInt(id, 10)+"/answers")
}
