package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// seedDialogues gives the API fuzzer dialogues of commune A (ids 1 and 2: one taking
// questions, one held) and of commune B, with questions in each moderation state, an answer
// and promises, and returns the questions' tracking codes.
func seedDialogues(t *testing.T, env *testutil.Env) []string {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	day := func(days int) string { return time.Now().In(domain.Zone).AddDate(0, 0, days).Format(time.DateOnly) }
	open, err := env.App.ScheduleDialogue(ctx, env.OfficialA, app.NewDialogue{UnitCode: "A", Date: day(20), Time: "19:30",
		Place: "Hội trường UBND xã", ChairedBy: "Chủ tịch UBND xã"})
	must(err)
	soon, err := env.App.ScheduleDialogue(ctx, env.OfficialA, app.NewDialogue{UnitCode: "A", Date: day(30), Time: "08:00",
		Place: "Nhà văn hóa thôn Một", ChairedBy: "Chủ tịch UBND xã"})
	must(err)
	_, err = env.App.ScheduleDialogue(ctx, env.OfficialB, app.NewDialogue{UnitCode: "B", Date: day(25), Time: "08:00",
		Place: "Nhà văn hóa bản Nà", ChairedBy: "Chủ tịch UBND xã"})
	must(err)
	var codes []string
	for i, body := range []string{"Khi nào làm lại đường vào thôn Một?", "Rác thải ở chợ chưa được thu gom hằng ngày.",
		"Thủ tục cấp sổ đỏ mất bao lâu?", "Câu hỏi quảng cáo không liên quan gì."} {
		r, err := env.App.AskQuestion(ctx, []int64{open.ID, open.ID, soon.ID, open.ID}[i], app.NewQuestion{Theme: "land", Body: body, VillageCode: "A1"}, "")
		must(err)
		codes = append(codes, r.Question.TrackingCode)
		if i < 3 {
			_, err = env.App.ModerateQuestion(ctx, env.ModeratorA, r.Question.ID, app.Decision{Decision: "approve"})
			must(err)
		}
		if i == 0 {
			_, _, err = env.App.AnswerQuestion(ctx, env.OfficialA, r.Question.ID, app.NewAnswer{Answer: "Xã sẽ làm trong quý tới.",
				Promise: "Làm lại đường thôn Một", DueOn: day(60)})
			must(err)
		}
	}
	_, err = env.App.AddPromise(ctx, env.OfficialA, open.ID, app.NewPromise{Text: "Lắp đèn đường", DueOn: day(40)})
	must(err)
	return codes
}
