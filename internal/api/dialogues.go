package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// The monthly dialogue (app/dialogues.go): the JSON twins of its pages and forms.

// registerDialogues mounts the dialogue endpoints; staff endpoints are guarded one by one.
func (a *API) registerDialogues(g *echo.Group, requireStaff echo.MiddlewareFunc) {
	limitQuestions, limitSupports := a.LimitQuestions, a.LimitSupports
	if limitQuestions == nil {
		limitQuestions = passThrough
	}
	if limitSupports == nil {
		limitSupports = passThrough
	}
	g.GET("/dialogues", a.listDialogues)
	g.GET("/dialogues/:id", a.getDialogue)
	g.POST("/dialogues/:id/questions", a.askQuestion, limitQuestions)
	g.POST("/dialogues/:id/questions/:qid/supports", a.supportQuestion, limitSupports)
	g.GET("/dialogue-questions/:code", a.trackQuestion, a.LimitCodeGuesses)

	g.POST("/dialogues", a.scheduleDialogue, requireStaff)
	g.POST("/dialogues/:id/outcome", a.dialogueOutcome, requireStaff)
	g.GET("/dialogues/:id/queue", a.dialogueQueue, requireStaff)
	g.POST("/dialogues/:id/questions/:qid/moderation", a.moderateQuestion, requireStaff)
	g.POST("/dialogues/:id/questions/:qid/answer", a.answerQuestion, requireStaff)
	g.POST("/dialogues/:id/promises", a.addPromise, requireStaff)
	g.POST("/dialogues/:id/promises/:pid/done", a.promiseDone, requireStaff)
}

func passThrough(next echo.HandlerFunc) echo.HandlerFunc { return next }

type dialogueJSON struct {
	ID               int64     `json:"id"`
	Unit             unitRef   `json:"unit"`
	Title            string    `json:"title"`
	StartsAt         time.Time `json:"starts_at"`
	Place            string    `json:"place"`
	ChairedBy        string    `json:"chaired_by"`
	Status           string    `json:"status"`
	QuestionsCloseAt time.Time `json:"questions_close_at"`
	TakesQuestions   bool      `json:"takes_questions"`
	Attendance       int       `json:"attendance"`
	Summary          string    `json:"summary"`
	CancelReason     string    `json:"cancel_reason"`
}

func toDialogue(d *domain.Dialogue, u *domain.Unit, now time.Time) dialogueJSON {
	j := dialogueJSON{ID: d.ID, Title: d.Title, StartsAt: d.StartsAt.In(domain.Zone), Place: d.Place, ChairedBy: d.ChairedBy,
		Status: string(d.Status), QuestionsCloseAt: d.QuestionsCloseAt().In(domain.Zone), TakesQuestions: d.TakesQuestions(now),
		Attendance: d.Attendance, Summary: d.Summary, CancelReason: d.CancelReason}
	if u != nil {
		j.Unit = unitRef{Code: u.Code, Name: u.Name}
	}
	return j
}

type questionJSON struct {
	ID          int64      `json:"id"`
	Theme       string     `json:"theme"`
	Body        string     `json:"body"`
	Village     *unitRef   `json:"village,omitempty"`
	Supports    int        `json:"supports"`
	Answer      string     `json:"answer"`
	AnsweredAt  *time.Time `json:"answered_at"`
	SubmittedAt time.Time  `json:"submitted_at"`
}

func toQuestion(q *domain.DialogueQuestion, body string) questionJSON {
	j := questionJSON{ID: q.ID, Theme: string(q.Theme), Body: body, Supports: q.Supports, Answer: q.Answer,
		SubmittedAt: q.SubmittedAt.In(domain.Zone)}
	if q.Village != nil {
		j.Village = &unitRef{Code: q.Village.Code, Name: q.Village.Name}
	}
	if q.AnsweredAt != nil {
		t := q.AnsweredAt.In(domain.Zone)
		j.AnsweredAt = &t
	}
	return j
}

type promiseJSON struct {
	ID         int64      `json:"id"`
	QuestionID *int64     `json:"question_id"`
	Text       string     `json:"text"`
	DueOn      string     `json:"due_on"`
	Standing   string     `json:"standing"`
	DoneAt     *time.Time `json:"done_at"`
	DoneNote   string     `json:"done_note"`
}

func toPromise(p *domain.DialoguePromise, now time.Time) promiseJSON {
	j := promiseJSON{ID: p.ID, QuestionID: p.QuestionID, Text: p.Text, DueOn: p.DueOn.In(domain.Zone).Format(time.DateOnly),
		Standing: string(p.StandingAt(now)), DoneNote: p.DoneNote}
	if p.DoneAt != nil {
		t := p.DoneAt.In(domain.Zone)
		j.DoneAt = &t
	}
	return j
}

// listDialogues lists a commune's dialogues (?unit=CODE; a village gives its commune's).
func (a *API) listDialogues(c echo.Context) error {
	code := strings.TrimSpace(c.QueryParam("unit"))
	if code == "" {
		return domain.InvalidField("unit", "validation.required")
	}
	u, list, err := a.App.DialoguesOfUnit(c.Request().Context(), code, 0)
	if err != nil {
		return err
	}
	now := a.App.Now()
	items := make([]dialogueJSON, 0, len(list))
	for i := range list {
		items = append(items, toDialogue(&list[i], u, now))
	}
	return c.JSON(http.StatusOK, newList(items, 1, false))
}

type dialoguePageJSON struct {
	dialogueJSON
	Questions []questionJSON `json:"questions"`
	Promises  []promiseJSON  `json:"promises"`
}

// getDialogue is a dialogue with its approved questions, the most supported first, their
// answers, and the promises (?theme= narrows the questions).
func (a *API) getDialogue(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := a.App.Dialogue(c.Request().Context(), id, c.QueryParam("theme"))
	if err != nil {
		return err
	}
	now := a.App.Now()
	out := dialoguePageJSON{dialogueJSON: toDialogue(p.Dialogue, p.Dialogue.Unit, now), Questions: []questionJSON{}, Promises: []promiseJSON{}}
	for i := range p.Questions {
		out.Questions = append(out.Questions, toQuestion(&p.Questions[i], p.Questions[i].BodyPublic))
	}
	for i := range p.Promises {
		out.Promises = append(out.Promises, toPromise(&p.Promises[i], now))
	}
	return c.JSON(http.StatusOK, out)
}

type questionReceiptJSON struct {
	TrackingCode string `json:"tracking_code"`
	Status       string `json:"status"`
	DialogueID   int64  `json:"dialogue_id"`
}

// askQuestion takes a resident's question, under the rules and limit of the page's form.
func (a *API) askQuestion(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.NewQuestion
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := a.App.AskQuestion(c.Request().Context(), id, in, c.Request().Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, questionReceiptJSON{TrackingCode: r.Question.TrackingCode, Status: string(r.Question.Status), DialogueID: id})
}

type questionSupportRequest struct {
	Supporter string `json:"supporter"`
}

type supportJSON struct {
	QuestionID int64 `json:"question_id"`
	Supports   int   `json:"supports"`
	Added      bool  `json:"added"`
}

// supportQuestion adds a supporter's support to an approved question: 201 the first time,
// 200 (nothing added) for a repeat with the same supporter identifier.
func (a *API) supportQuestion(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	qid, err := pathID(c, "qid")
	if err != nil {
		return err
	}
	var in questionSupportRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	added, q, err := a.App.Support(c.Request().Context(), id, qid, in.Supporter)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if added {
		status = http.StatusCreated
	}
	return c.JSON(status, supportJSON{QuestionID: q.ID, Supports: q.Supports, Added: added})
}

type trackedQuestionJSON struct {
	TrackingCode    string        `json:"tracking_code"`
	Status          string        `json:"status"`
	RejectionReason string        `json:"rejection_reason"`
	Dialogue        dialogueJSON  `json:"dialogue"`
	Question        questionJSON  `json:"question"`
	Promises        []promiseJSON `json:"promises"`
}

// trackQuestion shows a question to whoever holds its tracking code.
func (a *API) trackQuestion(c echo.Context) error {
	t, err := a.App.TrackQuestion(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	now := a.App.Now()
	q := t.Question
	out := trackedQuestionJSON{TrackingCode: q.TrackingCode, Status: string(q.Status), RejectionReason: string(q.RejectionReason),
		Dialogue: toDialogue(t.Dialogue, t.Dialogue.Unit, now), Question: toQuestion(q, q.BodyPublic), Promises: []promiseJSON{}}
	for i := range t.Promises {
		out.Promises = append(out.Promises, toPromise(&t.Promises[i], now))
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) scheduleDialogue(c echo.Context) error {
	var in app.NewDialogue
	if err := decode(c, &in); err != nil {
		return err
	}
	d, err := a.App.ScheduleDialogue(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toDialogue(d, d.Unit, a.App.Now()))
}

func (a *API) dialogueOutcome(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.DialogueOutcome
	if err := decode(c, &in); err != nil {
		return err
	}
	d, err := a.App.RecordDialogueOutcome(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDialogue(d, nil, a.App.Now()))
}

type staffQuestionJSON struct {
	questionJSON
	Status          string   `json:"status"`
	Flags           []string `json:"flags"`
	RejectionReason string   `json:"rejection_reason"`
}

// dialogueQueue lists every question of a dialogue with its full text, for the staff who
// oversee its commune: the waiting ones first (oldest first), then the approved and rejected.
func (a *API) dialogueQueue(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := a.App.StaffDialogue(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	items := []staffQuestionJSON{}
	add := func(q *domain.DialogueQuestion) {
		flags := []string{}
		if q.Flags != "" {
			flags = strings.Split(q.Flags, ",")
		}
		items = append(items, staffQuestionJSON{questionJSON: toQuestion(q, q.Body), Status: string(q.Status), Flags: flags,
			RejectionReason: string(q.RejectionReason)})
	}
	for i := range p.Pending {
		add(&p.Pending[i].DialogueQuestion)
	}
	for i := range p.Approved {
		add(&p.Approved[i])
	}
	for i := range p.Rejected {
		add(&p.Rejected[i])
	}
	return c.JSON(http.StatusOK, newList(items, 1, false))
}

// questionOf reads the :id and :qid of a question path: a question of another dialogue is
// not found.
func (a *API) questionOf(c echo.Context) (int64, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, err
	}
	qid, err := pathID(c, "qid")
	if err != nil {
		return 0, err
	}
	dialogueID, err := a.App.QuestionDialogueID(c.Request().Context(), actor(c), qid)
	if err != nil {
		return 0, err
	}
	if dialogueID != id {
		return 0, domain.ErrNotFound
	}
	return qid, nil
}

func (a *API) moderateQuestion(c echo.Context) error {
	qid, err := a.questionOf(c)
	if err != nil {
		return err
	}
	var d app.Decision
	if err := decode(c, &d); err != nil {
		return err
	}
	q, err := a.App.ModerateQuestion(c.Request().Context(), actor(c), qid, d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": q.ID, "status": q.Status, "reason": q.RejectionReason})
}

type questionAnswerJSON struct {
	Question questionJSON `json:"question"`
	Promise  *promiseJSON `json:"promise"`
}

func (a *API) answerQuestion(c echo.Context) error {
	qid, err := a.questionOf(c)
	if err != nil {
		return err
	}
	var in app.NewAnswer
	if err := decode(c, &in); err != nil {
		return err
	}
	q, p, err := a.App.AnswerQuestion(c.Request().Context(), actor(c), qid, in)
	if err != nil {
		return err
	}
	out := questionAnswerJSON{Question: toQuestion(q, q.BodyPublic)}
	if p != nil {
		j := toPromise(p, a.App.Now())
		out.Promise = &j
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) addPromise(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in app.NewPromise
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := a.App.AddPromise(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toPromise(p, a.App.Now()))
}

type doneRequest struct {
	Note string `json:"note"`
}

func (a *API) promiseDone(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(c, "pid")
	if err != nil {
		return err
	}
	dialogueID, err := a.App.PromiseDialogueID(c.Request().Context(), actor(c), pid)
	if err != nil {
		return err
	}
	if dialogueID != id {
		return domain.ErrNotFound
	}
	var in doneRequest
	if c.Request().ContentLength != 0 {
		if err := decode(c, &in); err != nil {
			return err
		}
	}
	p, err := a.App.PromiseDone(c.Request().Context(), actor(c), pid, in.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPromise(p, a.App.Now()))
}

type overduePromiseJSON struct {
	promiseJSON
	DialogueID  int64             `json:"dialogue_id"`
	Dialogue    string            `json:"dialogue"`
	Commune     oversightUnitJSON `json:"commune"`
	DaysOverdue int               `json:"days_overdue"`
}

// overduePromises writes the oversight view's overdue promises.
func overduePromises(rows []app.OverduePromiseRow, now time.Time) []overduePromiseJSON {
	out := []overduePromiseJSON{}
	for i := range rows {
		r := &rows[i]
		out = append(out, overduePromiseJSON{promiseJSON: toPromise(&r.Promise, now), DialogueID: r.Dialogue.ID,
			Dialogue: r.Dialogue.Title, Commune: oversightUnit(r.Unit), DaysOverdue: r.DaysOverdue})
	}
	return out
}
