package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// dialogueSeed is a dialogue of commune A for the page tests, and a question's tracking code.
type dialogueSeed struct {
	ID   int64
	Code string
}

// seedDialogue schedules a dialogue of commune A with questions in each moderation state,
// one answered with a promise, one supported, and one waiting with a phone number in it.
func seedDialogue(t *testing.T, env *testutil.Env) dialogueSeed {
	t.Helper()
	ctx := context.Background()
	d, err := env.App.ScheduleDialogue(ctx, env.OfficialA, app.NewDialogue{UnitCode: "A",
		Date: time.Now().In(domain.Zone).AddDate(0, 0, 10).Format(time.DateOnly), Time: "19:30",
		Place: "Hội trường UBND xã", ChairedBy: "Ông Lê Văn Chủ, Chủ tịch UBND xã"})
	if err != nil {
		t.Fatal(err)
	}
	seed := dialogueSeed{ID: d.ID}
	for i, q := range []app.NewQuestion{
		{Theme: "infrastructure", Body: "Đường vào thôn Một sụt lún, khi nào xã sửa?", VillageCode: "A1"},
		{Theme: "welfare", Body: "Trợ cấp người cao tuổi khi nào được chi trả?"},
		{Theme: "other", Body: "Quảng cáo bán hàng giá rẻ, không liên quan."},
		{Theme: "land", Body: "Gọi tôi số 0912 345 678 để hỏi về sổ đỏ."},
	} {
		r, err := env.App.AskQuestion(ctx, d.ID, q, "")
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			seed.Code = r.Question.TrackingCode
		}
		switch i {
		case 0, 1:
			_, err = env.App.ModerateQuestion(ctx, env.ModeratorA, r.Question.ID, app.Decision{Decision: "approve"})
		case 2:
			_, err = env.App.ModerateQuestion(ctx, env.ModeratorA, r.Question.ID, app.Decision{Decision: "reject", Reason: "off_topic"})
		}
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, _, err := env.App.Support(ctx, d.ID, r.Question.ID, "e2e-supporter-0000001"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := env.App.AnswerQuestion(ctx, env.OfficialA, r.Question.ID, app.NewAnswer{Answer: "Xã sẽ sửa trong tháng tới.",
				Promise: "Sửa đường thôn Một", DueOn: time.Now().In(domain.Zone).AddDate(0, 0, 40).Format(time.DateOnly)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return seed
}

// TestDialoguePageWeight keeps a busy dialogue's page (60 questions, answered) within the
// page budget a phone on a slow network can afford.
func TestDialoguePageWeight(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		env := testutil.StartServer(t, st)
		r := rand.New(rand.NewPCG(40, 2026))
		d, err := env.App.ScheduleDialogue(ctx, env.OfficialA, app.NewDialogue{UnitCode: "A",
			Date: time.Now().In(domain.Zone).AddDate(0, 0, 10).Format(time.DateOnly), Time: "19:30",
			Place: "Hội trường UBND xã", ChairedBy: "Chủ tịch UBND xã"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 60 {
			q, err := env.App.AskQuestion(ctx, d.ID, app.NewQuestion{Theme: string(domain.Themes[i%len(domain.Themes)]),
				Body: openers[r.IntN(len(openers))] + " " + sentence(r, 15+r.IntN(30))}, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.App.ModerateQuestion(ctx, env.ModeratorA, q.Question.ID, app.Decision{Decision: "approve"}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := env.App.AnswerQuestion(ctx, env.OfficialA, q.Question.ID, app.NewAnswer{Answer: sentence(r, 30)}); err != nil {
				t.Fatal(err)
			}
		}
		page := fetchCompressed(t, env.URL+fmt.Sprintf("/d/%d", d.ID))
		if got := strings.Count(page.text, `class="card" id="q-`); got != 60 {
			t.Fatalf("the page shows %d questions, want 60", got)
		}
		t.Logf("dialogue page of 60 answered questions: %d bytes compressed (%d uncompressed)", page.wire, len(page.text))
		if page.wire > pageBudget/2 {
			t.Errorf("the dialogue page weighs %d bytes compressed, over half the page budget (%d)", page.wire, pageBudget)
		}
	})
}
