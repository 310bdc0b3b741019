package web_test

// The monthly dialogue's rows of the authorisation matrix (authz_test.go): whoever oversees
// commune A reads its dialogues; its officials schedule, answer and record promises; its
// moderators moderate the questions; nobody of commune B acts on them.

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// dialogue makes a fresh dialogue of commune A, ten days ahead, for one request of the matrix.
func (w *authzWorld) dialogue(t *testing.T) *domain.Dialogue {
	t.Helper()
	if w.dialogueD == nil {
		d, err := w.env.App.ScheduleDialogue(context.Background(), w.env.OfficialA, app.NewDialogue{UnitCode: "A",
			Date: time.Now().In(domain.Zone).AddDate(0, 0, 10).Format(time.DateOnly), Time: "19:30",
			Place: "Hội trường", ChairedBy: "Chủ tịch UBND xã"})
		if err != nil {
			t.Fatal(err)
		}
		w.dialogueD = d
	}
	return w.dialogueD
}

// question makes a question of that dialogue, approved when asked.
func (w *authzWorld) question(t *testing.T, approved bool) int64 {
	t.Helper()
	if w.questionID == 0 {
		ctx := context.Background()
		r, err := w.env.App.AskQuestion(ctx, w.dialogue(t).ID, app.NewQuestion{Theme: "land",
			Body: fmt.Sprintf("Câu hỏi ma trận số %d về đất đai.", w.n)}, "")
		if err != nil {
			t.Fatal(err)
		}
		if approved {
			if _, err := w.env.App.ModerateQuestion(ctx, w.env.ModeratorA, r.Question.ID, app.Decision{Decision: "approve"}); err != nil {
				t.Fatal(err)
			}
		}
		w.questionID = r.Question.ID
	}
	return w.questionID
}

// promise makes a promise of that dialogue.
func (w *authzWorld) promise(t *testing.T) int64 {
	t.Helper()
	if w.promiseID == 0 {
		d := w.dialogue(t)
		p, err := w.env.App.AddPromise(context.Background(), w.env.OfficialA, d.ID, app.NewPromise{Text: "Sửa đường",
			DueOn: d.StartsAt.In(domain.Zone).AddDate(0, 0, 7).Format(time.DateOnly)})
		if err != nil {
			t.Fatal(err)
		}
		w.promiseID = p.ID
	}
	return w.promiseID
}

func (w *authzWorld) dialogueWhere(t *testing.T, where string) bool {
	t.Helper()
	return w.count(t, "dialogues", fmt.Sprintf("id = %d AND %s", w.dialogue(t).ID, where)) > 0
}

func (w *authzWorld) questionWhere(t *testing.T, where string) bool {
	t.Helper()
	return w.count(t, "dialogue_questions", fmt.Sprintf("id = %d AND %s", w.questionID, where)) > 0
}

func (w *authzWorld) dq(t *testing.T, approved bool) map[string]string {
	return map[string]string{"id": fmt.Sprint(w.dialogue(t).ID), "qid": fmt.Sprint(w.question(t, approved))}
}

func dialoguePageRoutes() []authzRoute {
	scheduleForm := func(t *testing.T, w *authzWorld) url.Values {
		return url.Values{"unit_code": {"A"}, "date": {time.Now().In(domain.Zone).AddDate(0, 0, 12).Format(time.DateOnly)},
			"time": {"08:00"}, "place": {fmt.Sprintf("Nhà văn hóa ma trận %d", w.n)}, "chaired_by": {"Chủ tịch UBND xã"}}
	}
	return []authzRoute{
		// expect(anonymous, officialA, officialB, moderatorA, observerA, admin)
		{method: "GET", path: "/staff/dialogues", want: expect(toLogin, s200, s200, s200, s200, s200)},
		{method: "POST", path: "/staff/dialogues", want: expect(toLogin, s303, s403, s403, s403, s303),
			form: scheduleForm,
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "dialogues", fmt.Sprintf("place = 'Nhà văn hóa ma trận %d'", w.n)) > 0
			}},
		{method: "GET", path: "/staff/dialogues/:id", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.dialogue(t).ID) }},
		{method: "POST", path: "/staff/dialogues/:id/edit", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.dialogue(t).ID) },
			form:   scheduleForm,
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.dialogueWhere(t, fmt.Sprintf("place = 'Nhà văn hóa ma trận %d'", w.n))
			}},
		{method: "POST", path: "/staff/dialogues/:id/outcome", want: expect(toLogin, s303, s403, s403, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.dialogue(t).ID) },
			form:    func(*testing.T, *authzWorld) url.Values { return url.Values{"cancel": {"1"}, "reason": {"Mưa bão."}} },
			changed: func(t *testing.T, w *authzWorld) bool { return w.dialogueWhere(t, "status = 'cancelled'") }},
		{method: "POST", path: "/staff/dialogues/:id/promises", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.dialogue(t).ID) },
			form: func(t *testing.T, w *authzWorld) url.Values {
				return url.Values{"text": {"Lắp đèn"}, "due_on": {w.dialogue(t).StartsAt.In(domain.Zone).AddDate(0, 0, 5).Format(time.DateOnly)}}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "dialogue_promises", fmt.Sprintf("dialogue_id = %d", w.dialogue(t).ID)) > 0
			}},
		{method: "POST", path: "/staff/dialogue-questions/:id/moderate", want: expect(toLogin, s403, s403, s303, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.question(t, false)) },
			form:    func(*testing.T, *authzWorld) url.Values { return url.Values{"decision": {"approve"}} },
			changed: func(t *testing.T, w *authzWorld) bool { return w.questionWhere(t, "status <> 'pending'") }},
		{method: "POST", path: "/staff/dialogue-questions/:id/answer", want: expect(toLogin, s303, s403, s403, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.question(t, true)) },
			form:    func(*testing.T, *authzWorld) url.Values { return url.Values{"answer": {"Xin trả lời."}} },
			changed: func(t *testing.T, w *authzWorld) bool { return w.questionWhere(t, "answered_at IS NOT NULL") }},
		{method: "POST", path: "/staff/dialogue-promises/:id/done", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.promise(t)) },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "dialogue_promises", fmt.Sprintf("id = %d AND done_at IS NOT NULL", w.promiseID)) > 0
			}},
	}
}

func dialogueAPIRoutes() []authzRoute {
	return []authzRoute{
		// expect(anonymous, officialA, officialB, moderatorA, observerA, admin)
		{method: "POST", path: "/api/v1/dialogues", want: expect(s401, s201, s403, s403, s403, s201),
			json: func(t *testing.T, w *authzWorld) string {
				return fmt.Sprintf(`{"unit_code":"A","date":%q,"time":"08:00","place":"Sân vận động ma trận %d","chaired_by":"Chủ tịch"}`,
					time.Now().In(domain.Zone).AddDate(0, 0, 12).Format(time.DateOnly), w.n)
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "dialogues", fmt.Sprintf("place = 'Sân vận động ma trận %d'", w.n)) > 0
			}},
		{method: "POST", path: "/api/v1/dialogues/:id/outcome", want: expect(s401, s200, s403, s403, s403, s200),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.dialogue(t).ID) },
			json:    func(*testing.T, *authzWorld) string { return `{"cancel":true,"reason":"Mưa bão."}` },
			changed: func(t *testing.T, w *authzWorld) bool { return w.dialogueWhere(t, "status = 'cancelled'") }},
		{method: "GET", path: "/api/v1/dialogues/:id/queue", want: expect(s401, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.dialogue(t).ID) }},
		{method: "POST", path: "/api/v1/dialogues/:id/questions/:qid/moderation", want: expect(s401, s403, s403, s200, s403, s200),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.dq(t, false) },
			json:    func(*testing.T, *authzWorld) string { return `{"decision":"reject","reason":"spam"}` },
			changed: func(t *testing.T, w *authzWorld) bool { return w.questionWhere(t, "status <> 'pending'") }},
		{method: "POST", path: "/api/v1/dialogues/:id/questions/:qid/answer", want: expect(s401, s200, s403, s403, s403, s200),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.dq(t, true) },
			json:    func(*testing.T, *authzWorld) string { return `{"answer":"Xin trả lời."}` },
			changed: func(t *testing.T, w *authzWorld) bool { return w.questionWhere(t, "answered_at IS NOT NULL") }},
		{method: "POST", path: "/api/v1/dialogues/:id/promises", want: expect(s401, s201, s403, s403, s403, s201),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.dialogue(t).ID) },
			json: func(t *testing.T, w *authzWorld) string {
				return fmt.Sprintf(`{"text":"Lắp đèn","due_on":%q}`, w.dialogue(t).StartsAt.In(domain.Zone).AddDate(0, 0, 5).Format(time.DateOnly))
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "dialogue_promises", fmt.Sprintf("dialogue_id = %d", w.dialogue(t).ID)) > 0
			}},
		{method: "POST", path: "/api/v1/dialogues/:id/promises/:pid/done", want: expect(s401, s200, s403, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string {
				return map[string]string{"id": fmt.Sprint(w.dialogue(t).ID), "pid": fmt.Sprint(w.promise(t))}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "dialogue_promises", fmt.Sprintf("id = %d AND done_at IS NOT NULL", w.promiseID)) > 0
			}},
	}
}
