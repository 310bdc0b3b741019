package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// DialogueCommune is the commune whose monthly dialogues the demo shows.
const DialogueCommune = "VD-HB"

// loadDialogues adds the commune's monthly dialogues: last month's, held, with answered
// questions and promises (one kept, one overdue, so oversight lists it), and next month's,
// taking questions, with supported ones. Last month's is entered on the App's clock set back
// to before it, as an official would have entered it then.
func loadDialogues(ctx context.Context, a *app.App, official, moderator *domain.Actor) error {
	now := a.Now()
	clock := a.Now
	defer func() { a.Now = clock }()
	at := func(t time.Time) { a.Now = func() time.Time { return t } }
	held := domain.StartOfDay(now).AddDate(0, -1, 0).Add(19*time.Hour + 30*time.Minute)
	at(held.AddDate(0, 0, -10))
	last, err := a.ScheduleDialogue(ctx, official, app.NewDialogue{UnitCode: DialogueCommune,
		Date: held.Format(time.DateOnly), Time: "19:30", Place: "Hội trường UBND xã Hòa Bình",
		ChairedBy: "Ông Phạm Văn Chính, Chủ tịch UBND xã"})
	if err != nil {
		return err
	}
	type ask struct{ theme, body, answer, promise string }
	asks := []ask{
		{"infrastructure", "Đoạn đường từ Thôn Đông ra chợ xã bị ngập mỗi khi mưa lớn, khi nào xã khơi thông cống thoát nước?",
			"UBND xã đã khảo sát; xã sẽ nạo vét và thay hai đoạn cống trong tháng tới.", "Nạo vét, thay cống thoát nước đường Thôn Đông ra chợ"},
		{"welfare", "Tiền trợ cấp người cao tuổi tháng trước chi chậm, xã giải thích giúp nguyên nhân?",
			"Do thay đổi tài khoản chi trả; từ tháng này xã chi trả đúng ngày 10 hằng tháng.", "Chi trả trợ cấp đúng ngày 10 hằng tháng"},
		{"procedures", "Thời gian làm thủ tục chứng thực hiện nay là bao lâu?",
			"Chứng thực bản sao được làm trong ngày nếu nộp trước 15 giờ.", ""},
	}
	var promises []int64
	for _, q := range asks {
		r, err := a.AskQuestion(ctx, last.ID, app.NewQuestion{Theme: q.theme, Body: q.body}, "")
		if err != nil {
			return err
		}
		if _, err := a.ModerateQuestion(ctx, moderator, r.Question.ID, app.Decision{Decision: "approve"}); err != nil {
			return err
		}
		at(held.Add(time.Hour))
		due := ""
		if q.promise != "" {
			due = held.AddDate(0, 0, 14).Format(time.DateOnly)
		}
		_, p, err := a.AnswerQuestion(ctx, official, r.Question.ID, app.NewAnswer{Answer: q.answer, Promise: q.promise, DueOn: due})
		if err != nil {
			return err
		}
		if p != nil {
			promises = append(promises, p.ID)
		}
		at(held.AddDate(0, 0, -10))
	}
	at(held.Add(2 * time.Hour))
	if _, err := a.RecordDialogueOutcome(ctx, official, last.ID, app.DialogueOutcome{Attendance: 86,
		Summary: "Chủ tịch UBND xã giao các bộ phận chuyên môn thực hiện các nội dung đã hứa và báo cáo tại buổi đối thoại tháng sau."}); err != nil {
		return err
	}
	// The allowance was paid on time; the drain is not done yet, past its day.
	at(held.AddDate(0, 0, 10))
	if len(promises) > 1 {
		if _, err := a.PromiseDone(ctx, official, promises[1], "Đã chi trả đúng ngày 10."); err != nil {
			return err
		}
	}

	at(now)
	next := domain.StartOfDay(now).AddDate(0, 0, 12)
	upcoming, err := a.ScheduleDialogue(ctx, official, app.NewDialogue{UnitCode: DialogueCommune,
		Date: next.Format(time.DateOnly), Time: "19:30", Place: "Nhà văn hóa Thôn Đông",
		ChairedBy: "Ông Phạm Văn Chính, Chủ tịch UBND xã"})
	if err != nil {
		return err
	}
	for i, q := range []ask{
		{theme: "environment", body: "Bãi rác tạm cạnh kênh Thôn Đông bốc mùi, đề nghị xã có phương án thu gom."},
		{theme: "land", body: "Khi nào xã công khai quy hoạch sử dụng đất khu đồng Cửa Làng?"},
	} {
		r, err := a.AskQuestion(ctx, upcoming.ID, app.NewQuestion{Theme: q.theme, Body: q.body, VillageCode: HuongUocUnit}, "")
		if err != nil {
			return err
		}
		if _, err := a.ModerateQuestion(ctx, moderator, r.Question.ID, app.Decision{Decision: "approve"}); err != nil {
			return err
		}
		for n := range 5 - 2*i {
			if _, _, err := a.Support(ctx, upcoming.ID, r.Question.ID, fmt.Sprintf("demo-supporter-%04d-%d", n, i)); err != nil {
				return err
			}
		}
	}
	return nil
}
