package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// The dialogue's API as a resident's app uses it (Law 10/2022 art. 32): list a commune's
// dialogues from a village's code, ask with an Idempotency-Key, support once per supporter,
// follow the question, read the answer and the promise.
func TestDialogueAPI(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		b := env.NewBrowser(t)
		d, err := env.App.ScheduleDialogue(ctx, env.OfficialA, app.NewDialogue{UnitCode: "A",
			Date: time.Now().In(domain.Zone).AddDate(0, 0, 7).Format(time.DateOnly), Time: "19:30", Place: "Hội trường", ChairedBy: "Chủ tịch UBND xã"})
		if err != nil {
			t.Fatal(err)
		}
		decode := func(r *testutil.Response, want int, v any) {
			t.Helper()
			if r.Status != want {
				t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
			}
			if v != nil {
				if err := json.Unmarshal([]byte(r.Body), v); err != nil {
					t.Fatal(err)
				}
			}
		}
		var list struct {
			Items []struct {
				ID   int64                 `json:"id"`
				Unit struct{ Code string } `json:"unit"`
			} `json:"items"`
		}
		decode(b.Get("/api/v1/dialogues?unit=A1"), http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].ID != d.ID || list.Items[0].Unit.Code != "A" {
			t.Fatalf("a village's code lists its commune's dialogues: %+v", list)
		}
		decode(b.Get("/api/v1/dialogues?unit=P"), http.StatusNotFound, nil)
		decode(b.Get("/api/v1/dialogues"), http.StatusUnprocessableEntity, nil)

		path := fmt.Sprintf("/api/v1/dialogues/%d/questions", d.ID)
		body := `{"theme":"environment","body":"Bãi rác cạnh kênh bốc mùi, xã xử lý thế nào?","village_code":"A2"}`
		var first, again struct {
			TrackingCode string `json:"tracking_code"`
			Status       string `json:"status"`
		}
		decode(b.JSON("POST", path, body, map[string]string{"Idempotency-Key": "app-1"}), http.StatusCreated, &first)
		decode(b.JSON("POST", path, body, map[string]string{"Idempotency-Key": "app-1"}), http.StatusCreated, &again)
		if first.TrackingCode == "" || again.TrackingCode != first.TrackingCode || first.Status != "pending" {
			t.Fatalf("a retry gets the first receipt: %+v %+v", first, again)
		}
		decode(b.JSON("POST", path, `{"theme":"weather","body":"ngắn"}`, nil), http.StatusUnprocessableEntity, nil)
		q, err := st.QuestionByCode(ctx, first.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		support := fmt.Sprintf("/api/v1/dialogues/%d/questions/%d/supports", d.ID, q.ID)
		decode(b.JSON("POST", support, `{"supporter":"device-0000000000001"}`, nil), http.StatusNotFound, nil) // waiting
		if _, err := env.App.ModerateQuestion(ctx, env.ModeratorA, q.ID, app.Decision{Decision: "approve"}); err != nil {
			t.Fatal(err)
		}
		var s struct {
			Supports int  `json:"supports"`
			Added    bool `json:"added"`
		}
		decode(b.JSON("POST", support, `{"supporter":"device-0000000000001"}`, nil), http.StatusCreated, &s)
		decode(b.JSON("POST", support, `{"supporter":"device-0000000000001"}`, nil), http.StatusOK, &s)
		if s.Added || s.Supports != 1 {
			t.Errorf("a repeat adds nothing: %+v", s)
		}
		decode(b.JSON("POST", support, `{"supporter":"short"}`, nil), http.StatusUnprocessableEntity, nil)

		if _, _, err := env.App.AnswerQuestion(ctx, env.OfficialA, q.ID, app.NewAnswer{Answer: "Xã sẽ thu gom hằng ngày.",
			Promise: "Thu gom rác hằng ngày", DueOn: time.Now().In(domain.Zone).AddDate(0, 0, 30).Format(time.DateOnly)}); err != nil {
			t.Fatal(err)
		}
		var page struct {
			Questions []struct {
				Body     string `json:"body"`
				Supports int    `json:"supports"`
				Answer   string `json:"answer"`
			} `json:"questions"`
			Promises []struct {
				Standing string `json:"standing"`
			} `json:"promises"`
		}
		decode(b.Get(fmt.Sprintf("/api/v1/dialogues/%d", d.ID)), http.StatusOK, &page)
		if len(page.Questions) != 1 || page.Questions[0].Supports != 1 || page.Questions[0].Answer == "" ||
			len(page.Promises) != 1 || page.Promises[0].Standing != "pending" {
			t.Fatalf("the dialogue: %+v", page)
		}
		var tracked struct {
			Status   string `json:"status"`
			Promises []any  `json:"promises"`
		}
		decode(b.Get("/api/v1/dialogue-questions/"+first.TrackingCode), http.StatusOK, &tracked)
		if tracked.Status != "approved" || len(tracked.Promises) != 1 {
			t.Errorf("tracked: %+v", tracked)
		}

		// Overdue in the oversight answer from the midnight after its due day.
		due := time.Now().In(domain.Zone).AddDate(0, 0, 30)
		after := time.Date(due.Year(), due.Month(), due.Day()+1, 0, 0, 0, 0, domain.Zone)
		env.App.Now = func() time.Time { return after }
		token, err := env.App.CreateToken(ctx, "observer.a@example.vn")
		if err != nil {
			t.Fatal(err)
		}
		var o struct {
			Promises []struct {
				Text        string `json:"text"`
				DaysOverdue int    `json:"days_overdue"`
				Commune     struct{ Code string }
			} `json:"overdue_promises"`
		}
		decode(b.JSON("GET", "/api/v1/oversight", "", map[string]string{"Authorization": "Bearer " + token}), http.StatusOK, &o)
		if len(o.Promises) != 1 || o.Promises[0].DaysOverdue != 1 || o.Promises[0].Commune.Code != "A" {
			t.Errorf("overdue promises in oversight: %+v", o)
		}
	})
}
