package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/detect"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/shortcode"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// The monthly dialogue between a commune's People's Committee and its residents (Law
// 10/2022 art. 32, hội nghị trao đổi, đối thoại giữa Ủy ban nhân dân cấp xã với Nhân dân, in
// the law's section on residents checking and overseeing the commune). Officials schedule it;
// residents send questions ahead by theme and support the ones they share; moderators approve
// or reject each question with the reasons opinions get; officials answer in public and record
// what they promised, with a due day; a promise not kept by its day shows in oversight.

// NewDialogue is what an official enters to schedule a dialogue: the commune, the day and
// time (local), the place and who chairs it.
type NewDialogue struct {
	UnitCode  string `json:"unit_code" validate:"required,max=64"`
	Title     string `json:"title" validate:"max=200"`
	Date      string `json:"date" validate:"required"` // YYYY-MM-DD, local
	Time      string `json:"time" validate:"required"` // HH:MM, local
	Place     string `json:"place" validate:"required,max=200"`
	ChairedBy string `json:"chaired_by" validate:"required,max=200"`
}

// ScheduleDialogue schedules a dialogue of a commune. Its meeting must be in the future: the
// questions it takes close at the start of its day (domain.Dialogue.QuestionsCloseAt).
func (a *App) ScheduleDialogue(ctx context.Context, actor *domain.Actor, in NewDialogue) (*domain.Dialogue, error) {
	d := &domain.Dialogue{Status: domain.DialogueScheduled, CreatedBy: staffID(actor)}
	unit, err := a.fillDialogue(ctx, actor, d, in)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	d.CreatedAt, d.UpdatedAt = now, now
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateDialogue(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, actor, "dialogue.schedule", "dialogue", d.ID, unit.ID, d.StartsAt.In(domain.Zone).Format("2006-01-02 15:04"))
	})
	d.Unit = unit
	return d, wrap(err)
}

// RescheduleDialogue changes a scheduled dialogue's day, time, place, chair or title.
func (a *App) RescheduleDialogue(ctx context.Context, actor *domain.Actor, id int64, in NewDialogue) (*domain.Dialogue, error) {
	d, err := a.dialogueFor(ctx, actor, domain.PermManageConsultation, id)
	if err != nil {
		return nil, err
	}
	if d.Status != domain.DialogueScheduled {
		return nil, domain.Errorf(domain.CodeConflict, "dialogue.error.not_scheduled")
	}
	unit, err := a.fillDialogue(ctx, actor, d, in)
	if err != nil {
		return nil, err
	}
	d.UpdatedAt = a.Now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SaveDialogue(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, actor, "dialogue.reschedule", "dialogue", d.ID, unit.ID, d.StartsAt.In(domain.Zone).Format("2006-01-02 15:04"))
	})
	d.Unit = unit
	return d, wrap(err)
}

// fillDialogue checks the schedule form and writes it into d; the actor must manage the commune.
func (a *App) fillDialogue(ctx context.Context, actor *domain.Actor, d *domain.Dialogue, in NewDialogue) (*domain.Unit, error) {
	for field, v := range map[string]string{"unit_code": in.UnitCode, "title": in.Title, "date": in.Date, "time": in.Time,
		"place": in.Place, "chaired_by": in.ChairedBy} {
		if !utf8.ValidString(v) {
			return nil, domain.InvalidField(field, "validation.utf8")
		}
	}
	in.UnitCode, in.Date, in.Time = strings.TrimSpace(in.UnitCode), strings.TrimSpace(in.Date), strings.TrimSpace(in.Time)
	in.Title, in.Place, in.ChairedBy = textnorm.CleanLine(in.Title), textnorm.CleanLine(in.Place), textnorm.CleanLine(in.ChairedBy)
	err := a.check(in)
	var starts time.Time
	if in.Date != "" && in.Time != "" {
		t, perr := time.ParseInLocation("2006-01-02 15:04", in.Date+" "+in.Time, domain.Zone)
		switch {
		case perr != nil:
			err = mergeInvalid(err, "date", "dialogue.validation.when")
		case !t.After(a.Now()):
			err = mergeInvalid(err, "date", "dialogue.validation.past")
		}
		starts = t
	}
	var unit *domain.Unit
	if in.UnitCode != "" {
		u, uerr := a.store.UnitByCode(ctx, in.UnitCode)
		switch {
		case domain.IsCode(uerr, domain.CodeNotFound):
			err = mergeInvalid(err, "unit_code", "validation.unit_unknown")
		case uerr != nil:
			return nil, wrap(uerr)
		case !slices.Contains(communeKinds, u.Kind):
			err = mergeInvalid(err, "unit_code", "dialogue.validation.commune")
		default:
			unit = u
		}
	}
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, unit.ID); err != nil {
		return nil, err
	}
	if in.Title == "" {
		in.Title = "Hội nghị đối thoại tháng " + starts.Format("01/2006")
	}
	d.UnitID, d.Title, d.StartsAt, d.Place, d.ChairedBy = unit.ID, in.Title, starts.UTC(), in.Place, in.ChairedBy
	return unit, nil
}

// DialogueOutcome records that a dialogue was held (with how many residents came and the
// chair's conclusions) or, with Cancel, that it will not be, with the reason.
type DialogueOutcome struct {
	Cancel     bool   `json:"cancel"`
	Attendance int    `json:"attendance" validate:"min=0,max=1000000"`
	Summary    string `json:"summary" validate:"max=5000"`
	Reason     string `json:"reason" validate:"required_if=Cancel true,max=1000"`
}

// RecordDialogueOutcome marks a scheduled dialogue held (once its time has come) or cancelled.
func (a *App) RecordDialogueOutcome(ctx context.Context, actor *domain.Actor, id int64, in DialogueOutcome) (*domain.Dialogue, error) {
	in.Summary, in.Reason = textnorm.CleanText(in.Summary), textnorm.CleanText(in.Reason)
	if err := a.check(in); err != nil {
		return nil, err
	}
	d, err := a.dialogueFor(ctx, actor, domain.PermManageConsultation, id)
	if err != nil {
		return nil, err
	}
	if d.Status != domain.DialogueScheduled {
		return nil, domain.Errorf(domain.CodeConflict, "dialogue.error.not_scheduled")
	}
	now := a.Now()
	action := "dialogue.held"
	if in.Cancel {
		d.Status, d.CancelReason, action = domain.DialogueCancelled, in.Reason, "dialogue.cancel"
	} else {
		if now.Before(d.StartsAt) {
			return nil, domain.Errorf(domain.CodeConflict, "dialogue.error.not_yet")
		}
		d.Status, d.Attendance, d.Summary, d.HeldAt = domain.DialogueHeld, in.Attendance, in.Summary, &now
	}
	d.UpdatedAt = now
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SaveDialogue(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, actor, action, "dialogue", d.ID, d.UnitID, in.Reason)
	})
	return d, wrap(err)
}

// dialogueFor loads a dialogue the actor holds perm over.
func (a *App) dialogueFor(ctx context.Context, actor *domain.Actor, perm domain.Permission, id int64) (*domain.Dialogue, error) {
	d, err := a.store.DialogueByID(ctx, id)
	if err != nil {
		return nil, wrap(err)
	}
	if err := a.authorize(ctx, actor, perm, d.UnitID); err != nil {
		return nil, err
	}
	return d, nil
}

// NewQuestion is what a resident sends ahead of a dialogue. No name or contact is asked: the
// tracking code is how the resident follows the question.
type NewQuestion struct {
	Theme       string `json:"theme" validate:"required,oneof=land environment welfare infrastructure procedures security other"`
	Body        string `json:"body" validate:"required,min=10,max=2000"`
	VillageCode string `json:"village_code" validate:"max=64"`
}

// QuestionReceipt is what the resident gets back: the same for a first submission and its retries.
type QuestionReceipt struct {
	Question *domain.DialogueQuestion
	Created  bool
}

// AskQuestion stores a resident's question to a dialogue that still takes them. The text
// follows the rules of opinions (plain text, normalised; personal data masked in what the
// public sees), a retry with the same idempotency key returns the first receipt, and the
// question waits for a moderator.
func (a *App) AskQuestion(ctx context.Context, dialogueID int64, in NewQuestion, key string) (*QuestionReceipt, error) {
	d, err := a.publicDialogue(ctx, dialogueID)
	if err != nil {
		return nil, err
	}
	if !d.TakesQuestions(a.Now()) {
		return nil, domain.Errorf(domain.CodeConflict, "dialogue.error.closed")
	}
	for field, v := range map[string]string{"theme": in.Theme, "body": in.Body, "village_code": in.VillageCode} {
		if !utf8.ValidString(v) {
			return nil, domain.InvalidField(field, "validation.utf8")
		}
	}
	in.Body = textnorm.CleanText(in.Body)
	in.Theme, in.VillageCode = strings.TrimSpace(in.Theme), strings.TrimSpace(in.VillageCode)
	err = a.check(in)
	err = checkIdempotencyKey(err, key)
	var villageID *int64
	if in.VillageCode != "" && len(in.VillageCode) <= 64 {
		id, ok, lerr := a.store.VillageUnder(ctx, in.VillageCode, d.UnitID)
		if lerr != nil {
			return nil, wrap(lerr)
		}
		if !ok {
			err = mergeInvalid(err, "village_code", "validation.village_unknown")
		}
		villageID = &id
	}
	if err != nil {
		return nil, err
	}
	public, found := detect.Inspect(in.Body)
	q := &domain.DialogueQuestion{DialogueID: d.ID, Theme: domain.Theme(in.Theme), Body: in.Body, BodyPublic: public,
		Flags: flagsOf(found), VillageID: villageID, Status: domain.OpinionPending,
		TrackingCode: shortcode.NewTracking(), SubmittedAt: a.Now()}
	if key != "" {
		q.IdempotencyKey = &key
		q.RequestHash = hashParts("dialogue", strconv.FormatInt(d.ID, 10), in.Theme, in.Body, in.VillageCode)
	}
	stored, created, err := a.store.InsertQuestion(ctx, q)
	if err != nil {
		return nil, wrap(err)
	}
	if !created && stored.RequestHash != q.RequestHash {
		return nil, domain.InvalidField("idempotency_key", "validation.idempotency_reused")
	}
	return &QuestionReceipt{Question: stored, Created: created}, nil
}

// publicDialogue loads a dialogue as residents may see it (any dialogue is public).
func (a *App) publicDialogue(ctx context.Context, id int64) (*domain.Dialogue, error) {
	d, err := a.store.DialogueByID(ctx, id)
	if err != nil {
		return nil, wrap(err)
	}
	units, err := a.store.UnitsByIDs(ctx, []int64{d.UnitID})
	if err != nil {
		return nil, wrap(err)
	}
	d.Unit = units[d.UnitID]
	return d, nil
}

// DialoguePage is a dialogue as residents see it: its approved questions, the most supported
// first, with the answers, and the promises.
type DialoguePage struct {
	Dialogue  *domain.Dialogue
	Questions []domain.DialogueQuestion
	Promises  []domain.DialoguePromise
	// ByTheme counts the approved questions of each theme, for the filter.
	ByTheme map[domain.Theme]int
	Total   int
	Theme   domain.Theme // the theme the list is narrowed to, or ""
	Open    bool         // still taking questions and support
}

// Dialogue returns a dialogue's public page, narrowed to a theme when one is given.
func (a *App) Dialogue(ctx context.Context, id int64, theme string) (*DialoguePage, error) {
	d, err := a.publicDialogue(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &DialoguePage{Dialogue: d, ByTheme: map[domain.Theme]int{}, Open: d.TakesQuestions(a.Now())}
	if theme = strings.TrimSpace(theme); theme != "" {
		if !domain.ValidTheme(domain.Theme(theme)) {
			return nil, domain.InvalidField("theme", "validation.oneof", dialogueThemeList())
		}
		p.Theme = domain.Theme(theme)
	}
	all, err := a.store.Questions(ctx, store.QuestionFilter{DialogueIDs: []int64{d.ID}, Statuses: []domain.OpinionStatus{domain.OpinionApproved}})
	if err != nil {
		return nil, wrap(err)
	}
	for _, q := range all {
		p.ByTheme[q.Theme]++
		p.Total++
		if p.Theme == "" || q.Theme == p.Theme {
			p.Questions = append(p.Questions, q)
		}
	}
	if err := a.withVillages(ctx, p.Questions); err != nil {
		return nil, err
	}
	p.Promises, err = a.store.Promises(ctx, []int64{d.ID})
	return p, wrap(err)
}

func dialogueThemeList() string {
	names := make([]string, len(domain.Themes))
	for i, t := range domain.Themes {
		names[i] = string(t)
	}
	return strings.Join(names, " ")
}

// withVillages fills the village of each question that names one.
func (a *App) withVillages(ctx context.Context, qs []domain.DialogueQuestion) error {
	var ids []int64
	for _, q := range qs {
		if q.VillageID != nil {
			ids = append(ids, *q.VillageID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	units, err := a.store.UnitsByIDs(ctx, ids)
	if err != nil {
		return wrap(err)
	}
	for i := range qs {
		if qs[i].VillageID != nil {
			qs[i].Village = units[*qs[i].VillageID]
		}
	}
	return nil
}

// DialoguesOfUnit lists a commune's dialogues, the latest meeting first, and returns the
// commune: the unit itself, or the commune around a village (a province has none: not
// found); limit 0 means all.
func (a *App) DialoguesOfUnit(ctx context.Context, code string, limit int) (*domain.Unit, []domain.Dialogue, error) {
	u, err := a.store.UnitByCode(ctx, code)
	if err != nil {
		return nil, nil, wrap(err)
	}
	if !slices.Contains(communeKinds, u.Kind) {
		if u.Kind != domain.UnitVillage || u.ParentID == nil {
			return nil, nil, domain.ErrNotFound
		}
		units, err := a.store.UnitsByIDs(ctx, []int64{*u.ParentID})
		if err != nil {
			return nil, nil, wrap(err)
		}
		if u = units[*u.ParentID]; u == nil {
			return nil, nil, domain.ErrNotFound
		}
	}
	list, err := a.UnitDialogues(ctx, u, limit)
	return u, list, err
}

// UnitDialogues lists the dialogues a unit's page shows: the commune's own, or those of the
// commune around a village; none for a province.
func (a *App) UnitDialogues(ctx context.Context, u *domain.Unit, limit int) ([]domain.Dialogue, error) {
	communeID := u.ID
	if !slices.Contains(communeKinds, u.Kind) {
		if u.ParentID == nil || u.Kind != domain.UnitVillage {
			return nil, nil
		}
		communeID = *u.ParentID
	}
	list, err := a.store.Dialogues(ctx, store.DialogueFilter{UnitIDs: []int64{communeID}, Limit: limit})
	return list, wrap(err)
}

// Support records a resident's support for an approved question, once per supporter: a
// random token their browser or app keeps, of which only a hash is stored. Support is taken
// while the dialogue takes questions. added is false for a repeat, which changes nothing.
func (a *App) Support(ctx context.Context, dialogueID, questionID int64, token string) (added bool, q *domain.DialogueQuestion, err error) {
	d, err := a.publicDialogue(ctx, dialogueID)
	if err != nil {
		return false, nil, err
	}
	q, err = a.store.QuestionByID(ctx, questionID)
	if err != nil || q.DialogueID != d.ID || q.Status != domain.OpinionApproved {
		return false, nil, domain.ErrNotFound
	}
	if !d.TakesQuestions(a.Now()) {
		return false, nil, domain.Errorf(domain.CodeConflict, "dialogue.error.support_closed")
	}
	token = strings.TrimSpace(token)
	if n := utf8.RuneCountInString(token); !utf8.ValidString(token) || n < 16 || n > 128 {
		return false, nil, domain.InvalidField("supporter", "dialogue.validation.supporter")
	}
	sum := sha256.Sum256([]byte("dialogue-support:" + token))
	added, err = a.store.AddSupport(ctx, q.ID, hex.EncodeToString(sum[:]), a.Now())
	if err != nil {
		return false, nil, wrap(err)
	}
	if added {
		q.Supports++
	}
	return added, q, nil
}

// TrackedQuestion is what a resident sees when looking up their question's tracking code.
type TrackedQuestion struct {
	Question *domain.DialogueQuestion
	Dialogue *domain.Dialogue
	Promises []domain.DialoguePromise // what was promised on it
}

// TrackQuestion looks up a question by the tracking code as the resident typed it.
func (a *App) TrackQuestion(ctx context.Context, typed string) (*TrackedQuestion, error) {
	code, ok := shortcode.ParseTracking(typed)
	if !ok {
		return nil, domain.InvalidField("code", "validation.tracking_code")
	}
	q, err := a.store.QuestionByCode(ctx, code)
	if err != nil {
		return nil, domain.Errorf(domain.CodeNotFound, "error.tracking_not_found")
	}
	d, err := a.publicDialogue(ctx, q.DialogueID)
	if err != nil {
		return nil, err
	}
	t := &TrackedQuestion{Question: q, Dialogue: d}
	all, err := a.store.Promises(ctx, []int64{d.ID})
	for _, p := range all {
		if p.QuestionID != nil && *p.QuestionID == q.ID {
			t.Promises = append(t.Promises, p)
		}
	}
	return t, wrap(err)
}

// StaffDialogueList is the staff list of dialogues: the dialogues of the units the actor
// oversees, latest first, how many questions of each wait for a moderator, and the communes
// where the actor may schedule one.
type StaffDialogueList struct {
	Items    []domain.Dialogue
	Pending  map[int64]int
	Communes []domain.Unit
}

// StaffDialogues returns the staff list of dialogues.
func (a *App) StaffDialogues(ctx context.Context, actor *domain.Actor) (*StaffDialogueList, error) {
	units, err := a.scope(ctx, actor, domain.PermOversee)
	if err != nil {
		return nil, err
	}
	out := &StaffDialogueList{Pending: map[int64]int{}}
	if out.Items, err = a.store.Dialogues(ctx, store.DialogueFilter{UnitIDs: units, Limit: 200}); err != nil {
		return nil, wrap(err)
	}
	if err := a.withUnits(ctx, out.Items); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(out.Items))
	for _, d := range out.Items {
		ids = append(ids, d.ID)
	}
	waiting, err := a.store.Questions(ctx, store.QuestionFilter{DialogueIDs: ids, Statuses: []domain.OpinionStatus{domain.OpinionPending}})
	if err != nil {
		return nil, wrap(err)
	}
	for _, q := range waiting {
		out.Pending[q.DialogueID]++
	}
	out.Communes, err = a.DialogueCommunes(ctx, actor)
	return out, err
}

// DialogueCommunes lists the communes where the actor may schedule dialogues.
func (a *App) DialogueCommunes(ctx context.Context, actor *domain.Actor) ([]domain.Unit, error) {
	if !actor.HasAny(domain.PermManageConsultation) {
		return nil, nil
	}
	managed, err := a.scope(ctx, actor, domain.PermManageConsultation)
	if err != nil {
		return nil, err
	}
	units, err := a.store.UnitsAboveVillages(ctx, managed)
	if err != nil {
		return nil, wrap(err)
	}
	out := units[:0]
	for _, u := range units {
		if slices.Contains(communeKinds, u.Kind) {
			out = append(out, u)
		}
	}
	return out, nil
}

func (a *App) withUnits(ctx context.Context, list []domain.Dialogue) error {
	ids := make([]int64, 0, len(list))
	for _, d := range list {
		ids = append(ids, d.UnitID)
	}
	units, err := a.store.UnitsByIDs(ctx, ids)
	if err != nil {
		return wrap(err)
	}
	for i := range list {
		list[i].Unit = units[list[i].UnitID]
	}
	return nil
}

// StaffQuestion is a question as staff see it, with what the automatic checks found.
type StaffQuestion struct {
	domain.DialogueQuestion
	Matches []detect.Match
}

// StaffDialoguePage is a dialogue as its staff see it: the questions waiting for a moderator,
// the approved ones to answer, the rejected ones, and the promises.
type StaffDialoguePage struct {
	Dialogue    *domain.Dialogue
	Pending     []StaffQuestion
	Approved    []domain.DialogueQuestion
	Rejected    []domain.DialogueQuestion
	Promises    []domain.DialoguePromise
	CanManage   bool // may reschedule, answer, promise
	CanModerate bool
}

// StaffDialogue returns a dialogue's staff page for whoever oversees its commune.
func (a *App) StaffDialogue(ctx context.Context, actor *domain.Actor, id int64) (*StaffDialoguePage, error) {
	d, err := a.dialogueFor(ctx, actor, domain.PermOversee, id)
	if err != nil {
		return nil, err
	}
	ancestry, err := a.store.UnitAncestry(ctx, d.UnitID)
	if err != nil {
		return nil, wrap(err)
	}
	if d, err = a.publicDialogue(ctx, id); err != nil {
		return nil, err
	}
	p := &StaffDialoguePage{Dialogue: d, CanManage: actor.Can(domain.PermManageConsultation, ancestry),
		CanModerate: actor.Can(domain.PermModerate, ancestry)}
	all, err := a.store.Questions(ctx, store.QuestionFilter{DialogueIDs: []int64{d.ID}})
	if err != nil {
		return nil, wrap(err)
	}
	if err := a.withVillages(ctx, all); err != nil {
		return nil, err
	}
	for _, q := range all {
		switch q.Status {
		case domain.OpinionPending:
			p.Pending = append(p.Pending, StaffQuestion{DialogueQuestion: q, Matches: detect.Scan(q.Body)})
		case domain.OpinionApproved:
			p.Approved = append(p.Approved, q)
		default:
			p.Rejected = append(p.Rejected, q)
		}
	}
	// The oldest waiting first, as in the moderation queue.
	slices.SortStableFunc(p.Pending, func(x, y StaffQuestion) int { return x.SubmittedAt.Compare(y.SubmittedAt) })
	p.Promises, err = a.store.Promises(ctx, []int64{d.ID})
	return p, wrap(err)
}

// questionFor loads a question and its dialogue for an actor holding perm over the commune.
func (a *App) questionFor(ctx context.Context, actor *domain.Actor, perm domain.Permission, id int64) (*domain.DialogueQuestion, *domain.Dialogue, error) {
	q, err := a.store.QuestionByID(ctx, id)
	if err != nil {
		return nil, nil, wrap(err)
	}
	d, err := a.dialogueFor(ctx, actor, perm, q.DialogueID)
	return q, d, err
}

// ModerateQuestion approves or rejects a waiting question, with the fixed reasons opinions
// are rejected for (a note for "other"), and logs the decision in the audit log.
func (a *App) ModerateQuestion(ctx context.Context, actor *domain.Actor, id int64, dec Decision) (*domain.DialogueQuestion, error) {
	dec.Note = textnorm.CleanText(dec.Note)
	if err := a.check(dec); err != nil {
		return nil, err
	}
	if dec.Decision == "hide" {
		return nil, domain.InvalidField("decision", "validation.oneof", "approve reject")
	}
	q, d, err := a.questionFor(ctx, actor, domain.PermModerate, id)
	if err != nil {
		return nil, err
	}
	if q.Status != domain.OpinionPending {
		return nil, domain.Errorf(domain.CodeConflict, "dialogue.error.decided")
	}
	now := a.Now()
	q.ModeratedBy, q.ModeratedAt = staffID(actor), &now
	q.Status = domain.OpinionApproved
	if dec.Decision == "reject" {
		q.Status, q.RejectionReason, q.RejectionNote = domain.OpinionRejected, domain.RejectReason(dec.Reason), dec.Note
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		ok, err := a.store.ModerateQuestion(ctx, q)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.CodeConflict, "dialogue.error.decided")
		}
		return a.audit(ctx, actor, "dialogue_question."+dec.Decision, "dialogue_question", q.ID, d.UnitID, dec.Reason)
	})
	return q, wrap(err)
}

// NewAnswer is the officials' public answer to a question and, if they promised something on
// it, the promise and its due day.
type NewAnswer struct {
	Answer  string `json:"answer" validate:"required,max=5000"`
	Promise string `json:"promise" validate:"max=1000"`
	DueOn   string `json:"due_on" validate:"required_with=Promise"` // YYYY-MM-DD
}

// AnswerQuestion answers an approved question in public (a second answer replaces the first)
// and records the promise made on it, if any.
func (a *App) AnswerQuestion(ctx context.Context, actor *domain.Actor, id int64, in NewAnswer) (*domain.DialogueQuestion, *domain.DialoguePromise, error) {
	for field, v := range map[string]string{"answer": in.Answer, "promise": in.Promise, "due_on": in.DueOn} {
		if !utf8.ValidString(v) {
			return nil, nil, domain.InvalidField(field, "validation.utf8")
		}
	}
	in.Answer, in.Promise, in.DueOn = textnorm.CleanText(in.Answer), textnorm.CleanText(in.Promise), strings.TrimSpace(in.DueOn)
	err := a.check(in)
	q, d, lerr := a.questionFor(ctx, actor, domain.PermManageConsultation, id)
	if lerr != nil {
		return nil, nil, lerr
	}
	var due time.Time
	if in.Promise != "" {
		due, err = a.checkDue(err, d, in.DueOn)
	}
	if err != nil {
		return nil, nil, err
	}
	if q.Status != domain.OpinionApproved {
		return nil, nil, domain.Errorf(domain.CodeConflict, "dialogue.error.not_approved")
	}
	if d.Status == domain.DialogueCancelled {
		return nil, nil, domain.Errorf(domain.CodeConflict, "dialogue.error.cancelled")
	}
	now := a.Now()
	q.Answer, q.AnsweredAt, q.AnsweredBy = in.Answer, &now, staffID(actor)
	var p *domain.DialoguePromise
	if in.Promise != "" {
		p = &domain.DialoguePromise{DialogueID: d.ID, QuestionID: &q.ID, Text: in.Promise, DueOn: due.UTC(),
			CreatedBy: staffID(actor), CreatedAt: now}
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		ok, err := a.store.AnswerQuestion(ctx, q)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.CodeConflict, "dialogue.error.not_approved")
		}
		if p != nil {
			if err := a.store.CreatePromise(ctx, p); err != nil {
				return err
			}
		}
		return a.audit(ctx, actor, "dialogue_question.answer", "dialogue_question", q.ID, d.UnitID, "")
	})
	return q, p, wrap(err)
}

// checkDue reads a promise's due day: a date not before the dialogue's own day.
func (a *App) checkDue(err error, d *domain.Dialogue, text string) (time.Time, error) {
	due, perr := time.ParseInLocation(time.DateOnly, strings.TrimSpace(text), domain.Zone)
	switch {
	case text == "":
		return due, err // required_with reports it
	case perr != nil:
		return due, mergeInvalid(err, "due_on", "validation.date")
	case due.Before(domain.StartOfDay(d.StartsAt)):
		return due, mergeInvalid(err, "due_on", "dialogue.validation.due_before")
	}
	return due, err
}

// NewPromise is a promise made at a dialogue apart from any one question.
type NewPromise struct {
	Text  string `json:"text" validate:"required,max=1000"`
	DueOn string `json:"due_on" validate:"required"`
}

// AddPromise records a promise of a dialogue not cancelled.
func (a *App) AddPromise(ctx context.Context, actor *domain.Actor, dialogueID int64, in NewPromise) (*domain.DialoguePromise, error) {
	if !utf8.ValidString(in.Text) || !utf8.ValidString(in.DueOn) {
		return nil, domain.InvalidField("text", "validation.utf8")
	}
	in.Text = textnorm.CleanText(in.Text)
	err := a.check(in)
	d, lerr := a.dialogueFor(ctx, actor, domain.PermManageConsultation, dialogueID)
	if lerr != nil {
		return nil, lerr
	}
	due, err := a.checkDue(err, d, in.DueOn)
	if err != nil {
		return nil, err
	}
	if d.Status == domain.DialogueCancelled {
		return nil, domain.Errorf(domain.CodeConflict, "dialogue.error.cancelled")
	}
	p := &domain.DialoguePromise{DialogueID: d.ID, Text: in.Text, DueOn: due.UTC(), CreatedBy: staffID(actor), CreatedAt: a.Now()}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreatePromise(ctx, p); err != nil {
			return err
		}
		return a.audit(ctx, actor, "dialogue_promise.add", "dialogue_promise", p.ID, d.UnitID, in.DueOn)
	})
	return p, wrap(err)
}

// PromiseDone marks a promise kept, with an optional note of what was done.
func (a *App) PromiseDone(ctx context.Context, actor *domain.Actor, id int64, note string) (*domain.DialoguePromise, error) {
	if !utf8.ValidString(note) {
		return nil, domain.InvalidField("note", "validation.utf8")
	}
	note = textnorm.CleanText(note)
	if utf8.RuneCountInString(note) > 1000 {
		return nil, domain.InvalidField("note", "validation.max", 1000)
	}
	p, err := a.store.PromiseByID(ctx, id)
	if err != nil {
		return nil, wrap(err)
	}
	d, err := a.dialogueFor(ctx, actor, domain.PermManageConsultation, p.DialogueID)
	if err != nil {
		return nil, err
	}
	if p.DoneAt != nil {
		return nil, domain.Errorf(domain.CodeConflict, "dialogue.error.promise_done")
	}
	now := a.Now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		ok, err := a.store.MarkPromiseDone(ctx, p.ID, now, note)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.CodeConflict, "dialogue.error.promise_done")
		}
		return a.audit(ctx, actor, "dialogue_promise.done", "dialogue_promise", p.ID, d.UnitID, "")
	})
	p.DoneAt, p.DoneNote = &now, note
	return p, wrap(err)
}

// OverduePromiseRow is a promise past its due day in the oversight view.
type OverduePromiseRow struct {
	Promise     domain.DialoguePromise
	Dialogue    domain.Dialogue
	Unit        domain.Unit
	DaysOverdue int
}

// overduePromises lists the promises of the units' dialogues not done by the end of their
// due day, the longest overdue first.
func (a *App) overduePromises(ctx context.Context, units []int64, now time.Time) ([]OverduePromiseRow, error) {
	list, err := a.store.OverduePromises(ctx, units, now)
	if err != nil || len(list) == 0 {
		return nil, wrap(err)
	}
	ids := make([]int64, 0, len(list))
	for _, p := range list {
		ids = append(ids, p.Dialogue.UnitID)
	}
	byID, err := a.store.UnitsByIDs(ctx, ids)
	if err != nil {
		return nil, wrap(err)
	}
	out := make([]OverduePromiseRow, 0, len(list))
	for _, p := range list {
		r := OverduePromiseRow{Promise: p.DialoguePromise, Dialogue: p.Dialogue, DaysOverdue: p.DaysOverdue(now)}
		if u := byID[p.Dialogue.UnitID]; u != nil {
			r.Unit = *u
		}
		out = append(out, r)
	}
	return out, nil
}

// DialogueFigures are a year of dialogues of some units, for the annual report.
type DialogueFigures struct {
	Scheduled int // dialogues whose meeting falls in the year, whatever became of them
	Held      int
	Cancelled int
	// Questions counts every question sent to those dialogues, moderated or not.
	Questions        int
	QuestionsPending int
	Approved         int
	Rejected         int
	Answered         int
	Supports         int // supports given to the approved questions
	// Promises made at those dialogues and where they stand now: kept by their due day, done
	// after it, not done with the due day over (overdue), or not done and not yet due.
	Promises         int
	PromisesKept     int
	PromisesDoneLate int
	PromisesOverdue  int
	PromisesPending  int
}

// DialogueYearFigures counts the dialogues of the units whose meeting falls in a calendar
// year (local time), their questions and their promises, the promises as they stand now.
func (a *App) DialogueYearFigures(ctx context.Context, unitIDs []int64, year int) (DialogueFigures, error) {
	var f DialogueFigures
	if year < 2000 || year > 9999 {
		return f, domain.InvalidField("year", "validation.year")
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, domain.Zone)
	to := from.AddDate(1, 0, 0)
	list, err := a.store.Dialogues(ctx, store.DialogueFilter{UnitIDs: unitIDs, From: &from, To: &to})
	if err != nil || len(list) == 0 {
		return f, wrap(err)
	}
	ids := make([]int64, 0, len(list))
	for _, d := range list {
		ids = append(ids, d.ID)
		f.Scheduled++
		switch d.Status {
		case domain.DialogueHeld:
			f.Held++
		case domain.DialogueCancelled:
			f.Cancelled++
		}
	}
	qs, err := a.store.Questions(ctx, store.QuestionFilter{DialogueIDs: ids})
	if err != nil {
		return f, wrap(err)
	}
	for _, q := range qs {
		f.Questions++
		switch q.Status {
		case domain.OpinionPending:
			f.QuestionsPending++
		case domain.OpinionApproved:
			f.Approved++
			f.Supports += q.Supports
			if q.Answered() {
				f.Answered++
			}
		case domain.OpinionRejected:
			f.Rejected++
		}
	}
	ps, err := a.store.Promises(ctx, ids)
	if err != nil {
		return f, wrap(err)
	}
	now := a.Now()
	for _, p := range ps {
		f.Promises++
		switch p.StandingAt(now) {
		case domain.PromiseKept:
			f.PromisesKept++
		case domain.PromiseDoneLate:
			f.PromisesDoneLate++
		case domain.PromiseOverdue:
			f.PromisesOverdue++
		default:
			f.PromisesPending++
		}
	}
	return f, nil
}

// staffID is the actor's staff ID, for the columns that say who acted.
func staffID(actor *domain.Actor) *int64 {
	if actor == nil {
		return nil
	}
	id := actor.StaffID
	return &id
}

// QuestionDialogueID returns the dialogue of a question, for staff who oversee its commune.
func (a *App) QuestionDialogueID(ctx context.Context, actor *domain.Actor, questionID int64) (int64, error) {
	_, d, err := a.questionFor(ctx, actor, domain.PermOversee, questionID)
	if err != nil {
		return 0, err
	}
	return d.ID, nil
}

// PromiseDialogueID returns the dialogue of a promise, for staff who oversee its commune.
func (a *App) PromiseDialogueID(ctx context.Context, actor *domain.Actor, promiseID int64) (int64, error) {
	p, err := a.store.PromiseByID(ctx, promiseID)
	if err != nil {
		return 0, wrap(err)
	}
	d, err := a.dialogueFor(ctx, actor, domain.PermOversee, p.DialogueID)
	if err != nil {
		return 0, err
	}
	return d.ID, nil
}
