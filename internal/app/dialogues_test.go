package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// local is a local time "2006-01-02 15:04:05" in the portal's zone.
func local(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation(time.DateTime, s, domain.Zone)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// clockAt sets the App's clock and returns a setter to move it.
func clockAt(t *testing.T, a *app.App, s string) func(string) {
	now := local(t, s)
	a.Now = func() time.Time { return now }
	return func(s string) { now = local(t, s) }
}

// scheduleDecember schedules commune A's dialogue on 20/12/2026 at 19:30.
func scheduleDecember(t *testing.T, f *testutil.Fixture) *domain.Dialogue {
	t.Helper()
	d, err := f.App.ScheduleDialogue(context.Background(), f.OfficialA, app.NewDialogue{UnitCode: "A", Date: "2026-12-20",
		Time: "19:30", Place: "Hội trường UBND xã", ChairedBy: "Ông Lê Văn Chủ, Chủ tịch UBND xã"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func wantCode(t *testing.T, err error, code domain.Code, what string) {
	t.Helper()
	if !domain.IsCode(err, code) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

func TestDialogueScheduling(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := testutil.Seed(t, st)
		ctx := context.Background()
		clockAt(t, f.App, "2026-12-01 08:00:00")
		in := app.NewDialogue{UnitCode: "A", Date: "2026-12-01", Time: "08:00", Place: "Nhà văn hóa", ChairedBy: "Chủ tịch UBND xã"}
		_, err := f.App.ScheduleDialogue(ctx, f.OfficialA, in)
		wantCode(t, err, domain.CodeInvalid, "a meeting at this very minute")
		in.Date, in.UnitCode = "2026-12-20", "A1"
		_, err = f.App.ScheduleDialogue(ctx, f.OfficialA, in)
		wantCode(t, err, domain.CodeInvalid, "a village's dialogue")
		in.UnitCode = "A"
		_, err = f.App.ScheduleDialogue(ctx, f.OfficialB, in)
		wantCode(t, err, domain.CodeForbidden, "another commune's official")
		_, err = f.App.ScheduleDialogue(ctx, f.ModeratorA, in)
		wantCode(t, err, domain.CodeForbidden, "a moderator")
		d, err := f.App.ScheduleDialogue(ctx, f.OfficialA, in)
		if err != nil {
			t.Fatal(err)
		}
		if d.Title != "Hội nghị đối thoại tháng 12/2026" || d.Status != domain.DialogueScheduled {
			t.Errorf("title %q status %s", d.Title, d.Status)
		}
		// Held only once its time has come.
		_, err = f.App.RecordDialogueOutcome(ctx, f.OfficialA, d.ID, app.DialogueOutcome{Attendance: 80})
		wantCode(t, err, domain.CodeConflict, "held before it began")
		_, err = f.App.RecordDialogueOutcome(ctx, f.OfficialA, d.ID, app.DialogueOutcome{Cancel: true})
		wantCode(t, err, domain.CodeInvalid, "cancelled without a reason")
		_, list, err := f.App.DialoguesOfUnit(ctx, "A1", 0)
		if err != nil || len(list) != 1 || list[0].ID != d.ID {
			t.Errorf("a village's page lists its commune's dialogues: %v %v", list, err)
		}
	})
}

// TestQuestionsCloseTheDayBefore checks the cutoff: a dialogue takes questions and support
// until the local midnight that begins the meeting's day.
func TestQuestionsCloseTheDayBefore(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := testutil.Seed(t, st)
		ctx := context.Background()
		move := clockAt(t, f.App, "2026-12-01 08:00:00")
		d := scheduleDecember(t, f)
		move("2026-12-19 23:59:59")
		r, err := f.App.AskQuestion(ctx, d.ID, app.NewQuestion{Theme: "land", Body: "Khi nào xã cấp sổ đỏ cho khu tái định cư?"}, "")
		if err != nil {
			t.Fatalf("the last second of the day before: %v", err)
		}
		if _, err := f.App.ModerateQuestion(ctx, f.ModeratorA, r.Question.ID, app.Decision{Decision: "approve"}); err != nil {
			t.Fatal(err)
		}
		if added, _, err := f.App.Support(ctx, d.ID, r.Question.ID, strings.Repeat("a", 32)); err != nil || !added {
			t.Fatalf("support on the day before: %v %v", added, err)
		}
		move("2026-12-20 00:00:00")
		_, err = f.App.AskQuestion(ctx, d.ID, app.NewQuestion{Theme: "land", Body: "Khi nào xã cấp sổ đỏ cho khu tái định cư?"}, "")
		wantCode(t, err, domain.CodeConflict, "midnight of the meeting's day")
		_, _, err = f.App.Support(ctx, d.ID, r.Question.ID, strings.Repeat("b", 32))
		wantCode(t, err, domain.CodeConflict, "support on the meeting's day")
	})
}

func TestQuestionsModeratedSupportedAnswered(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := testutil.Seed(t, st)
		ctx := context.Background()
		move := clockAt(t, f.App, "2026-12-01 08:00:00")
		d := scheduleDecember(t, f)

		// Text rules and a retry with the same key.
		_, err := f.App.AskQuestion(ctx, d.ID, app.NewQuestion{Theme: "weather", Body: "ngắn"}, "")
		if de := domain.AsError(err); de.Code != domain.CodeInvalid || de.Fields["theme"].Key == "" || de.Fields["body"].Key == "" {
			t.Fatalf("bad theme and short body: %v", err)
		}
		phone := app.NewQuestion{Theme: "infrastructure", Body: "Đường vào thôn Một bị sụt lún, gọi tôi 0912 345 678 để biết thêm.", VillageCode: "A1"}
		first, err := f.App.AskQuestion(ctx, d.ID, phone, "key-1")
		if err != nil || !first.Created {
			t.Fatal(err)
		}
		again, err := f.App.AskQuestion(ctx, d.ID, phone, "key-1")
		if err != nil || again.Created || again.Question.TrackingCode != first.Question.TrackingCode {
			t.Fatalf("a retry gets the first receipt: %+v %v", again, err)
		}
		_, err = f.App.AskQuestion(ctx, d.ID, app.NewQuestion{Theme: "land", Body: "Một câu hỏi khác hẳn câu trước."}, "key-1")
		wantCode(t, err, domain.CodeInvalid, "another question under a used key")
		if strings.Contains(first.Question.BodyPublic, "345") {
			t.Errorf("the public text keeps the phone number: %q", first.Question.BodyPublic)
		}
		other, err := f.App.AskQuestion(ctx, d.ID, app.NewQuestion{Theme: "welfare", Body: "Chế độ cho người cao tuổi khi nào được chi trả?"}, "")
		if err != nil {
			t.Fatal(err)
		}
		spam, err := f.App.AskQuestion(ctx, d.ID, app.NewQuestion{Theme: "other", Body: "Mua hàng giá rẻ tại trang web của tôi nhé."}, "")
		if err != nil {
			t.Fatal(err)
		}

		// Not public while waiting; moderated by moderators with the opinions' reasons.
		page, err := f.App.Dialogue(ctx, d.ID, "")
		if err != nil || len(page.Questions) != 0 {
			t.Fatalf("waiting questions are not public: %v %v", page, err)
		}
		_, err = f.App.ModerateQuestion(ctx, f.OfficialA, first.Question.ID, app.Decision{Decision: "approve"})
		wantCode(t, err, domain.CodeForbidden, "an official moderating")
		_, err = f.App.ModerateQuestion(ctx, f.ModeratorA, spam.Question.ID, app.Decision{Decision: "reject", Reason: "other"})
		wantCode(t, err, domain.CodeInvalid, "reason other without a note")
		for _, id := range []int64{first.Question.ID, other.Question.ID} {
			if _, err := f.App.ModerateQuestion(ctx, f.ModeratorA, id, app.Decision{Decision: "approve"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.App.ModerateQuestion(ctx, f.ModeratorA, spam.Question.ID, app.Decision{Decision: "reject", Reason: "spam"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.App.ModerateQuestion(ctx, f.ModeratorA, spam.Question.ID, app.Decision{Decision: "approve"})
		wantCode(t, err, domain.CodeConflict, "deciding twice")

		// One support per supporter; the most supported first.
		for i, tok := range []string{"tok-aaaaaaaaaaaaaaaa", "tok-bbbbbbbbbbbbbbbb", "tok-aaaaaaaaaaaaaaaa"} {
			added, _, err := f.App.Support(ctx, d.ID, other.Question.ID, tok)
			if err != nil || added != (i < 2) {
				t.Fatalf("support %d: added %v, %v", i, added, err)
			}
		}
		_, _, err = f.App.Support(ctx, d.ID, other.Question.ID, "short")
		wantCode(t, err, domain.CodeInvalid, "a supporter token too short")
		_, _, err = f.App.Support(ctx, d.ID, spam.Question.ID, "tok-cccccccccccccccc")
		wantCode(t, err, domain.CodeNotFound, "supporting a rejected question")
		page, err = f.App.Dialogue(ctx, d.ID, "")
		if err != nil || len(page.Questions) != 2 || page.Questions[0].ID != other.Question.ID || page.Questions[0].Supports != 2 {
			t.Fatalf("approved questions by support: %+v %v", page, err)
		}
		if page.Questions[1].Village == nil || page.Questions[1].Village.Code != "A1" {
			t.Errorf("the village is shown: %+v", page.Questions[1].Village)
		}
		if page, _ = f.App.Dialogue(ctx, d.ID, "welfare"); len(page.Questions) != 1 || page.ByTheme[domain.ThemeInfrastructure] != 1 {
			t.Errorf("theme filter: %+v", page)
		}

		// Answers and promises: a promise is due on or after the meeting's day.
		_, _, err = f.App.AnswerQuestion(ctx, f.OfficialA, first.Question.ID, app.NewAnswer{Answer: "Xã sẽ sửa.", Promise: "Sửa đường", DueOn: "2026-12-19"})
		wantCode(t, err, domain.CodeInvalid, "a promise due before the meeting")
		_, _, err = f.App.AnswerQuestion(ctx, f.ModeratorA, first.Question.ID, app.NewAnswer{Answer: "Xã sẽ sửa."})
		wantCode(t, err, domain.CodeForbidden, "a moderator answering")
		_, _, err = f.App.AnswerQuestion(ctx, f.OfficialA, spam.Question.ID, app.NewAnswer{Answer: "Không."})
		wantCode(t, err, domain.CodeConflict, "answering a rejected question")
		move("2026-12-20 19:30:00")
		q, p, err := f.App.AnswerQuestion(ctx, f.OfficialA, first.Question.ID,
			app.NewAnswer{Answer: "Xã đã khảo sát, sẽ sửa trong tháng Một.", Promise: "Sửa đoạn đường sụt lún", DueOn: "2027-01-31"})
		if err != nil || !q.Answered() || p == nil {
			t.Fatalf("answer with a promise: %v", err)
		}
		if _, err := f.App.RecordDialogueOutcome(ctx, f.OfficialA, d.ID, app.DialogueOutcome{Attendance: 85, Summary: "Kết luận."}); err != nil {
			t.Fatal(err)
		}
		tracked, err := f.App.TrackQuestion(ctx, strings.ToLower(first.Question.TrackingCode))
		if err != nil || tracked.Question.Answer == "" || len(tracked.Promises) != 1 {
			t.Fatalf("tracking: %+v %v", tracked, err)
		}
	})
}

// TestPromiseOverdueAndYearFigures checks that a promise is overdue from the midnight after
// its due day (Civil Code art. 148: a period in days ends at the end of its last day), shows
// in oversight then, and the year's figures.
func TestPromiseOverdueAndYearFigures(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := testutil.Seed(t, st)
		ctx := context.Background()
		move := clockAt(t, f.App, "2026-12-01 08:00:00")
		d := scheduleDecember(t, f)
		cancelled, err := f.App.ScheduleDialogue(ctx, f.OfficialA, app.NewDialogue{UnitCode: "A", Date: "2026-12-27", Time: "08:00",
			Place: "Nhà văn hóa", ChairedBy: "Chủ tịch UBND xã"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.App.RecordDialogueOutcome(ctx, f.OfficialA, cancelled.ID, app.DialogueOutcome{Cancel: true, Reason: "Mưa bão."}); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, body := range []string{"Câu hỏi thứ nhất về đất đai.", "Câu hỏi thứ hai về môi trường.", "Câu hỏi thứ ba, sẽ bị từ chối."} {
			r, err := f.App.AskQuestion(ctx, d.ID, app.NewQuestion{Theme: "land", Body: body}, "")
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.Question.ID)
		}
		f.App.ModerateQuestion(ctx, f.ModeratorA, ids[0], app.Decision{Decision: "approve"})
		f.App.ModerateQuestion(ctx, f.ModeratorA, ids[1], app.Decision{Decision: "approve"})
		f.App.ModerateQuestion(ctx, f.ModeratorA, ids[2], app.Decision{Decision: "reject", Reason: "off_topic"})
		move("2026-12-20 20:00:00")
		if _, _, err := f.App.AnswerQuestion(ctx, f.OfficialA, ids[0], app.NewAnswer{Answer: "Trả lời.", Promise: "Đo đạc lại", DueOn: "2026-12-31"}); err != nil {
			t.Fatal(err)
		}
		kept, err := f.App.AddPromise(ctx, f.OfficialA, d.ID, app.NewPromise{Text: "Lắp đèn đường", DueOn: "2026-12-25"})
		if err != nil {
			t.Fatal(err)
		}
		late, err := f.App.AddPromise(ctx, f.OfficialA, d.ID, app.NewPromise{Text: "Nạo vét mương", DueOn: "2026-12-22"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.App.AddPromise(ctx, f.OfficialA, cancelled.ID, app.NewPromise{Text: "X", DueOn: "2026-12-28"})
		wantCode(t, err, domain.CodeConflict, "a promise of a cancelled dialogue")
		f.App.RecordDialogueOutcome(ctx, f.OfficialA, d.ID, app.DialogueOutcome{Attendance: 60})
		move("2026-12-25 23:59:59")
		if _, err := f.App.PromiseDone(ctx, f.OfficialA, kept.ID, "Đã lắp 12 bóng."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.App.PromiseDone(ctx, f.OfficialA, kept.ID, ""); !domain.IsCode(err, domain.CodeConflict) {
			t.Errorf("marking twice: %v", err)
		}
		overdue := func() []string {
			o, err := f.App.Oversight(ctx, f.ObserverA, "")
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range o.Promises {
				out = append(out, r.Promise.Text+"/"+r.Unit.Code+"/"+strconv.Itoa(r.DaysOverdue))
			}
			return out
		}
		// The drainage was due 22/12: overdue since midnight after it.
		if got := strings.Join(overdue(), ","); got != "Nạo vét mương/A/3" {
			t.Errorf("overdue on 25/12: %q", got)
		}
		move("2026-12-31 23:59:59")
		if got := strings.Join(overdue(), ","); got != "Nạo vét mương/A/9" {
			t.Errorf("the last second of 31/12: %q", got)
		}
		move("2027-01-01 00:00:00")
		if got := strings.Join(overdue(), ","); got != "Nạo vét mương/A/10,Đo đạc lại/A/1" {
			t.Errorf("midnight after 31/12: %q", got)
		}
		if _, err := f.App.PromiseDone(ctx, f.OfficialA, late.ID, ""); err != nil {
			t.Fatal(err)
		}
		o, _ := f.App.Oversight(ctx, f.OfficialB, "")
		if len(o.Promises) != 0 {
			t.Errorf("commune B's official sees commune A's promises: %+v", o.Promises)
		}
		a, _ := st.UnitByCode(ctx, "A")
		fig, err := f.App.DialogueYearFigures(ctx, []int64{a.ID}, 2026)
		if err != nil {
			t.Fatal(err)
		}
		want := app.DialogueFigures{Scheduled: 2, Held: 1, Cancelled: 1, Questions: 3, Approved: 2, Rejected: 1, Answered: 1,
			Promises: 3, PromisesKept: 1, PromisesDoneLate: 1, PromisesOverdue: 1}
		if fig != want {
			t.Errorf("figures 2026:\n got %+v\nwant %+v", fig, want)
		}
		if fig, _ := f.App.DialogueYearFigures(ctx, []int64{a.ID}, 2027); fig != (app.DialogueFigures{}) {
			t.Errorf("figures 2027: %+v", fig)
		}
	})
}
