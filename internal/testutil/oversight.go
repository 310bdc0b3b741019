package testutil

import (
	"context"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// OversightSet is the history SeedOversight plays on the fixture, with the figures the
// oversight view must show on OversightToday. Counted by hand on the default calendar:
//
//	OnTimeA   commune A, "plan", 1–30 Oct 2026, closed early on Fri 30 Oct 16:00 (with
//	          CloseReason, the last hours of the last day); 3 approved opinions
//	          (one more pending, one rejected); results Wed 4 Nov: 3 working days, deadline
//	          Fri 6 Nov. Participation 3/200 households = 1.5 %.
//	OverdueA  commune A, hương ước, 13 Oct–12 Nov 2026, closed late on Mon 16 Nov (the
//	          deadline still counts from the last day, Thu 12 Nov): deadline Thu 19 Nov;
//	          no results on Wed 25 Nov: 4 working days overdue. 1 opinion: 0.5 %.
//	LateB     commune B, "plan", 2–22 Apr 2026, closed early on Wed 22 Apr 17:00 (with
//	          CloseReason); deadline Mon 4 May
//	          (27 Apr for the Hùng Kings, 30 Apr and 1 May off); results Thu 7 May: 8
//	          working days, 3 late. 2 opinions on 60 households: 3.3 %.
//	NeverClosedB commune B, "plan", 1–21 Oct 2026, never closed: counted from its last
//	          day, Wed 21 Oct: deadline Wed 28 Oct, 20 working days overdue on 25 Nov.
//	Province  province P, "plan", 10 Nov–20 Dec 2026: open, covers communes A and B,
//	          260 households.
//	Draft     commune A, never published: never shown.
//
// Opinions are on the draft as a whole, so publishing results needs only their answers.
type OversightSet struct {
	OnTimeA, OverdueA, LateB, NeverClosedB, Province, Draft *domain.Consultation
}

// CloseReason is the reason given for the two consultations SeedOversight closes in the
// afternoon of their last day, before the period ran out.
const CloseReason = "Hết giờ làm việc của bộ phận tiếp nhận ngày cuối."

// OversightToday is the moment SeedOversight leaves the App's clock at: Wednesday
// 25 November 2026, 10:00 in Vietnam.
var OversightToday = time.Date(2026, 11, 25, 10, 0, 0, 0, domain.Zone)

// SeedOversight plays the history of OversightSet on the fixture, moving f.App.Now from
// April to November 2026, and leaves the clock at OversightToday.
func SeedOversight(t testing.TB, f *Fixture) *OversightSet {
	t.Helper()
	ctx := context.Background()
	var clock time.Time
	f.App.Now = func() time.Time { return clock.UTC() }
	at := func(s string) {
		t.Helper()
		var err error
		if clock, err = time.ParseInLocation("2006-01-02 15:04", s, domain.Zone); err != nil {
			t.Fatal(err)
		}
	}
	must := func(c *domain.Consultation, err error) *domain.Consultation {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	create := func(who *domain.Actor, title, kind, unit, first, last string, publish bool) *domain.Consultation {
		t.Helper()
		d1, _ := time.ParseInLocation(time.DateOnly, first, domain.Zone)
		d2, _ := time.ParseInLocation(time.DateOnly, last, domain.Zone)
		opens, closes := domain.PeriodFromDates(d1, d2)
		c := must(f.App.CreateConsultation(ctx, who, app.NewConsultation{
			Title: title, Kind: kind, UnitCode: unit, Text: Draft, OpensAt: opens, ClosesAt: closes, Topic: TopicFor(kind, ""),
		}))
		if publish {
			c = must(f.App.Publish(ctx, who, c.ID))
		}
		return c
	}
	opinion := func(c *domain.Consultation, body string, d *app.Decision, moderator *domain.Actor) int64 {
		t.Helper()
		r, err := f.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "agree", Body: body}, "")
		if err != nil {
			t.Fatalf("opinion on %q: %v", c.Title, err)
		}
		if d != nil {
			if _, err := f.App.Moderate(ctx, moderator, r.Opinion.ID, *d); err != nil {
				t.Fatalf("moderate: %v", err)
			}
		}
		return r.Opinion.ID
	}
	approve := &app.Decision{Decision: "approve"}
	answer := func(who *domain.Actor, c *domain.Consultation, ids []int64) {
		t.Helper()
		if _, err := f.App.Answer(ctx, who, c.ID, app.NewResponse{OpinionIDs: ids, Kind: "noted", Text: "Xin ghi nhận ý kiến."}); err != nil {
			t.Fatalf("answer: %v", err)
		}
	}
	s := &OversightSet{}

	at("2026-04-01 09:00")
	s.LateB = create(f.OfficialB, "Kế hoạch làm đường liên thôn Bản Nà", "plan", "B", "2026-04-02", "2026-04-22", true)
	at("2026-04-10 09:00")
	late := []int64{
		opinion(s.LateB, "Đề nghị làm đường trước mùa mưa.", approve, f.Admin),
		opinion(s.LateB, "Nên mở rộng đoạn qua trường học.", approve, f.Admin),
	}
	at("2026-04-22 17:00")
	must(f.App.Close(ctx, f.OfficialB, s.LateB.ID, CloseReason))
	answer(f.OfficialB, s.LateB, late)
	at("2026-05-07 10:00")
	s.LateB = must(f.App.PublishResults(ctx, f.OfficialB, s.LateB.ID))

	at("2026-09-30 09:00")
	s.OnTimeA = create(f.OfficialA, "Kế hoạch chỉnh trang chợ xã", "plan", "A", "2026-10-01", "2026-10-30", true)
	s.NeverClosedB = create(f.OfficialB, "Kế hoạch trồng rừng phòng hộ", "plan", "B", "2026-10-01", "2026-10-21", true)
	at("2026-10-10 09:00")
	onTime := []int64{
		opinion(s.OnTimeA, "Đồng ý chỉnh trang chợ.", approve, f.ModeratorA),
		opinion(s.OnTimeA, "Cần thêm chỗ để xe cho người mua hàng.", approve, f.ModeratorA),
		opinion(s.OnTimeA, "Nên làm mái che cho khu bán rau.", approve, f.ModeratorA),
	}
	opinion(s.OnTimeA, "Ý kiến còn chờ kiểm duyệt.", nil, nil)
	opinion(s.OnTimeA, "Quảng cáo bán hàng không liên quan.", &app.Decision{Decision: "reject", Reason: "off_topic"}, f.ModeratorA)
	at("2026-10-12 09:00")
	s.OverdueA = create(f.OfficialA, "Dự thảo hương ước Thôn Hai", "huong_uoc", "A", "2026-10-13", "2026-11-12", true)
	at("2026-10-20 09:00")
	opinion(s.OverdueA, "Tôi đồng ý với dự thảo hương ước.", approve, f.ModeratorA)
	at("2026-10-30 16:00")
	must(f.App.Close(ctx, f.OfficialA, s.OnTimeA.ID, CloseReason))
	answer(f.OfficialA, s.OnTimeA, onTime)
	at("2026-11-04 10:00")
	s.OnTimeA = must(f.App.PublishResults(ctx, f.OfficialA, s.OnTimeA.ID))

	at("2026-11-09 09:00")
	s.Province = create(f.Admin, "Quy hoạch sử dụng đất của tỉnh", "plan", "P", "2026-11-10", "2026-12-20", true)
	s.Draft = create(f.OfficialA, "Bản nháp chưa công bố", "plan", "A", "2026-12-01", "2026-12-31", false)
	at("2026-11-16 09:00")
	s.OverdueA = must(f.App.Close(ctx, f.OfficialA, s.OverdueA.ID, ""))

	clock = OversightToday
	return s
}
