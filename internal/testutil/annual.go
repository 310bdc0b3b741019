package testutil

import (
	"context"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
)

// AnnualToday is the moment SeedAnnual leaves the App's clock at: Wednesday 20 January 2027,
// 10:00 in Vietnam.
var AnnualToday = time.Date(2027, 1, 20, 10, 0, 0, 0, domain.Zone)

// SeedAnnual adds to the history of SeedOversight what the annual report of 2026 counts,
// and leaves the clock at AnnualToday. Counted by hand (the default calendar; the
// consultations of SeedOversight are described there):
//
//	PolicyA   commune A, "policy" (consult), 2–30 Nov 2026, closed at the end: on 10 Nov
//	          an opinion naming Thôn Một and one naming Thôn Hai, online, and one from a
//	          meeting, all approved. The period ended Mon 30 Nov, so the results were due
//	          Mon 7 Dec and an answer is late from Tue 8 Dec: two answered on 7 Dec 16:00,
//	          one on 8 Dec 09:00 (late). No results by 20 Jan: overdue, deadline in 2026.
//	CharterB  commune B, hương ước, 4 May–3 Jun 2026, no opinions, results on 5 Jun,
//	          adopted 10 Jun; dossier 11 Jun, complete 12 Jun, recognised by a decision of
//	          15 Jun, never sent back to the village nor to the commune's Front: the 2
//	          working days for each ran out on 17 Jun (two late charter deadlines of 2026).
//	Ratings   of OnTimeA: 5, 4, 4 (mean 13/3 = 4.3); of LateB: 2.
//	Village decisions on OverdueA (hương ước of A, item 3): Thôn Hai, 80 households, a
//	          meeting on 31 Dec 2026 with 60 present, 50 for: adopted (41 needed).
//	          Thôn Một, 120 households, a meeting on 1 Jan 2027 with 50 present: no quorum,
//	          a decision of 2027.
//	NewYearA  commune A, "plan", 1–31 Jan 2027: its period begins at 00:00 on 1 Jan in
//	          Vietnam, 17:00 UTC on 31 Dec 2026, and it belongs to 2027.
//	EveB      commune B, "plan", 31 Dec 2026–30 Jan 2027, one approved opinion sent at
//	          23:30 on 31 Dec: a consultation of 2026, still open.
//
// Disclosures (Law 10/2022 art. 11–12), besides the results the portal published (item 8,
// counted from the consultations above): commune A's budget estimate (item 2), document of
// Mon 2 Mar 2026 posted 3 Mar, on time; Thôn Một's fund accounts (item 5), document of
// Mon 1 Jun posted 30 Jun, late; a notice of A (item 4) posted 10 May and taken down, not
// counted; commune B's plan (item 1), document of 30 Dec posted 31 Dec 2026; B's list of
// poor households (item 6) posted Mon 4 Jan 2027, a posting of 2027.
//
// Initiatives (art. 16(3)), each with the proposer's household as a paper support:
// Thôn Hai (80 households, 8 needed), proposed 2 Mar 2026, households 2–7 on paper and
// two online with codes (9 supports: reached), put to the community on 30 Mar; Thôn Một,
// proposed 4 May, declined 11 May; Thôn Một, proposed 23:59 on 31 Dec 2026, not yet
// moderated; Bản Nà (60, 6 needed), proposed 3 Aug, households 2–3 on paper, still open;
// Bản Nà, proposed 00:00 on 1 Jan 2027, a proposal of 2027.
//
// Consult matters name their item of art. 25: PolicyA item 6, every other item 1. Their
// plans (art. 28(1)): PolicyA's went to the Council on 30 Oct, before its publication on
// 1 Nov, and to the Front on 2 Nov, after it; no other plan was recorded as sent. The report
// on OnTimeA's results went to the Council on 15 Dec 2026 (art. 28(5)).
//
// A dialogue of commune A (art. 32) on Fri 18 Dec 2026, held: three questions sent on 5 Dec,
// two approved and one rejected; one answered on 18 Dec with a promise due 31 Dec, never
// kept (overdue by 20 Jan); another promise due 25 Dec, kept on 24 Dec.
type AnnualSet struct {
	*OversightSet
	PolicyA, CharterB, NewYearA, EveB *domain.Consultation
}

// SeedAnnual plays the history of AnnualSet on the fixture after SeedOversight.
func SeedAnnual(t testing.TB, f *Fixture) *AnnualSet {
	t.Helper()
	ctx := context.Background()
	s := &AnnualSet{OversightSet: SeedOversight(t, f)}
	var clock time.Time
	f.App.Now = func() time.Time { return clock.UTC() }
	at := func(v string) {
		t.Helper()
		var err error
		if clock, err = time.ParseInLocation("2006-01-02 15:04", v, domain.Zone); err != nil {
			t.Fatal(err)
		}
	}
	day := func(v string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, v, domain.Zone)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	must := func(c *domain.Consultation, err error) *domain.Consultation {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// topic is the item of art. 25 of a consult matter, 0 for a matter the households decide.
	create := func(who *domain.Actor, title, kind string, topic int, unit, first, last string) *domain.Consultation {
		t.Helper()
		opens, closes := domain.PeriodFromDates(day(first), day(last))
		c := must(f.App.CreateConsultation(ctx, who, app.NewConsultation{
			Title: title, Kind: kind, Topic: topic, UnitCode: unit, Text: Draft, OpensAt: opens, ClosesAt: closes,
		}))
		return must(f.App.Publish(ctx, who, c.ID))
	}
	approve := func(id int64) {
		t.Helper()
		if _, err := f.App.Moderate(ctx, f.Admin, id, app.Decision{Decision: "approve"}); err != nil {
			t.Fatalf("moderate: %v", err)
		}
	}
	online := func(c *domain.Consultation, body, village string) int64 {
		t.Helper()
		r, err := f.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "agree", Body: body, VillageCode: village}, "")
		if err != nil {
			t.Fatalf("opinion: %v", err)
		}
		approve(r.Opinion.ID)
		return r.Opinion.ID
	}
	answer := func(who *domain.Actor, c *domain.Consultation, ids ...int64) {
		t.Helper()
		if _, err := f.App.Answer(ctx, who, c.ID, app.NewResponse{OpinionIDs: ids, Kind: "noted", Text: "Xin ghi nhận ý kiến."}); err != nil {
			t.Fatalf("answer: %v", err)
		}
	}
	rate := func(c *domain.Consultation, score int) {
		t.Helper()
		if _, err := f.App.Rate(ctx, c.ID, app.NewRating{Rating: score}); err != nil {
			t.Fatalf("rate: %v", err)
		}
	}

	// A hương ước of commune B, adopted and recognised in June.
	at("2026-05-01 09:00")
	s.CharterB = create(f.OfficialB, "Hương ước Bản Nà", "huong_uoc", 0, "B", "2026-05-04", "2026-06-03")
	s.CharterB = f.CloseAtEnd(t, f.OfficialB, s.CharterB)
	at("2026-06-05 09:00")
	s.CharterB = must(f.App.PublishResults(ctx, f.OfficialB, s.CharterB.ID))
	at("2026-06-10 15:00")
	if err := f.Store.ChangeStatus(ctx, s.CharterB.ID, domain.StatusResultsPublished, domain.StatusAdopted, &f.OfficialB.StaffID, "",
		store.StatusStamps{DecidedAt: new(clock.UTC())}); err != nil {
		t.Fatalf("adopt: %v", err)
	}
	step := func(in app.CharterInput) {
		t.Helper()
		if _, err := f.App.RecordCharterStep(ctx, f.OfficialB, s.CharterB.ID, in); err != nil {
			t.Fatalf("charter step %s: %v", in.Step, err)
		}
	}
	at("2026-06-11 09:00")
	step(app.CharterInput{Step: "submit", AdoptedOn: "2026-06-10", RequestRef: "01/TTr", RequestDate: "2026-06-11",
		MinutesRef: "02/BB", MinutesDate: "2026-06-10", HasText: true})
	at("2026-06-12 09:00")
	step(app.CharterInput{Step: "complete"})
	at("2026-06-15 09:00")
	step(app.CharterInput{Step: "recognise", DecisionNumber: "15/QĐ-UBND", DecisionDate: "2026-06-15"})

	// A consult matter of commune A with a late answer.
	at("2026-11-01 09:00")
	s.PolicyA = create(f.OfficialA, "Chính sách hỗ trợ học sinh nghèo", "policy", 6, "A", "2026-11-02", "2026-11-30")
	at("2026-11-10 09:00")
	one := online(s.PolicyA, "Đề nghị tăng mức hỗ trợ.", "A1")
	two := online(s.PolicyA, "Nên ưu tiên học sinh vùng xa.", "A2")
	r, err := f.App.EnterOfflineOpinion(ctx, f.OfficialA, s.PolicyA.ID, app.NewOpinion{Stance: "other",
		Body: "Ý kiến tại cuộc họp thôn.", Channel: "meeting", Reference: "BB-01/2026"}, "")
	if err != nil {
		t.Fatalf("offline opinion: %v", err)
	}
	approve(r.Opinion.ID)
	s.PolicyA = f.CloseAtEnd(t, f.OfficialA, s.PolicyA)
	at("2026-12-07 16:00")
	answer(f.OfficialA, s.PolicyA, one, r.Opinion.ID)
	at("2026-12-08 09:00")
	answer(f.OfficialA, s.PolicyA, two)

	// Ratings of the two consultations whose results are out.
	at("2026-11-20 09:00")
	rate(s.OnTimeA, 5)
	rate(s.OnTimeA, 4)
	rate(s.OnTimeA, 4)
	rate(s.LateB, 2)

	// The two consultations on either side of the new year.
	at("2026-12-20 09:00")
	s.NewYearA = create(f.OfficialA, "Kế hoạch tết trồng cây", "plan", 1, "A", "2027-01-01", "2027-01-31")
	s.EveB = create(f.OfficialB, "Kế hoạch đón năm mới", "plan", 1, "B", "2026-12-31", "2027-01-30")
	at("2026-12-31 23:30")
	online(s.EveB, "Đồng ý với kế hoạch.", "")

	// The villages' decisions on the hương ước of commune A, on either side of the new year.
	at("2027-01-02 10:00")
	villages, err := f.App.Villages(ctx, s.OverdueA.UnitID)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, v := range villages {
		ids[v.Code] = v.ID
	}
	n := func(v int) *int { return &v }
	for _, d := range []struct {
		village                         string
		held                            string
		present, agree, disagree, other int
	}{
		{"A2", "2026-12-31", 60, 50, 10, 0},
		{"A1", "2027-01-01", 50, 40, 10, 0},
	} {
		if _, _, err := f.App.RecordVillageDecision(ctx, f.OfficialA, s.OverdueA.ID, ids[d.village], app.NewVillageDecision{
			Form: "meeting", HeldOn: day(d.held), Present: n(d.present), Agree: n(d.agree), Disagree: n(d.disagree), Other: n(d.other),
		}); err != nil {
			t.Fatalf("decision of %s: %v", d.village, err)
		}
	}

	seedAnnualDisclosures(t, f, at)
	seedAnnualInitiatives(t, f, at)
	seedAnnualPlans(t, f, s, at)
	seedAnnualDialogue(t, f, at)
	clock = AnnualToday
	return s
}

// seedAnnualDisclosures enters the postings SeedAnnual describes, at the moments given.
func seedAnnualDisclosures(t testing.TB, f *Fixture, at func(string)) {
	t.Helper()
	ctx := context.Background()
	post := func(who *domain.Actor, unit string, item int, title, doc, from, until string) *domain.Disclosure {
		t.Helper()
		at(from + " 08:00")
		d, err := f.App.CreateDisclosure(ctx, who, app.DisclosureInput{UnitCode: unit, Category: item, Title: title,
			Body: "Nội dung công khai.", DocNumber: "01/TB", DocDate: doc, DocIssuer: "UBND", PostedFrom: from, PostedUntil: until,
			Forms: []string{"notice_board", "portal"}})
		if err != nil {
			t.Fatalf("disclosure %q: %v", title, err)
		}
		return d
	}
	post(f.OfficialA, "A", 2, "Dự toán ngân sách xã năm 2026", "2026-03-02", "2026-03-03", "2026-04-10")
	post(f.OfficialA, "A1", 5, "Quyết toán quỹ xây dựng nhà văn hóa thôn", "2026-06-01", "2026-06-30", "2026-08-01")
	gone := post(f.OfficialA, "A", 4, "Thông báo lịch tiếp công dân", "2026-05-08", "2026-05-10", "2026-06-30")
	if _, err := f.App.TakeDownDisclosure(ctx, f.OfficialA, gone.ID, "Đăng nhầm nội dung."); err != nil {
		t.Fatalf("take down: %v", err)
	}
	post(f.OfficialB, "B", 1, "Kế hoạch phát triển kinh tế - xã hội năm 2027", "2026-12-30", "2026-12-31", "2027-02-15")
	post(f.OfficialB, "B", 6, "Danh sách hộ nghèo năm 2027", "2027-01-04", "2027-01-04", "2027-02-15")
}

// seedAnnualInitiatives enters the proposals SeedAnnual describes, at the moments given.
func seedAnnualInitiatives(t testing.TB, f *Fixture, at func(string)) {
	t.Helper()
	ctx := context.Background()
	one := 1
	propose := func(who *domain.Actor, village, when, title string, moderate bool) *domain.Initiative {
		t.Helper()
		at(when)
		last := f.App.Now().In(domain.Zone).AddDate(0, 0, 30).Format(time.DateOnly)
		i, err := f.App.ProposeInitiative(ctx, who, village, app.NewInitiative{Kind: "matter", Title: title,
			Body: "Đề nghị thôn bàn và quyết định.", LastDay: last, Household: &one})
		if err != nil {
			t.Fatalf("initiative %q: %v", title, err)
		}
		if moderate {
			if err := f.App.ModerateInitiative(ctx, f.Admin, i.ID, app.InitiativeModeration{Decision: "approve"}); err != nil {
				t.Fatalf("moderate initiative: %v", err)
			}
		}
		return i
	}
	paper := func(who *domain.Actor, id int64, households, on string) {
		t.Helper()
		at(on + " 17:00")
		if _, err := f.App.EnterPaperSupports(ctx, who, id, app.PaperSupports{Households: households, SignedOn: on}); err != nil {
			t.Fatalf("paper supports: %v", err)
		}
	}
	outcome := func(who *domain.Actor, id int64, in app.InitiativeOutcome) {
		t.Helper()
		if err := f.App.RecordInitiativeOutcome(ctx, who, id, in); err != nil {
			t.Fatalf("outcome: %v", err)
		}
	}

	canal := propose(f.OfficialA, "A2", "2026-03-02 09:00", "Nạo vét kênh tưới đầu thôn", true)
	paper(f.OfficialA, canal.ID, "2-7", "2026-03-05")
	sheet, err := f.App.IssueHouseholdCodes(ctx, f.OfficialA, "A2", "")
	if err != nil {
		t.Fatalf("household codes: %v", err)
	}
	at("2026-03-10 20:00")
	for _, c := range sheet.Codes[7:9] { // households 8 and 9
		if _, err := f.App.SupportInitiative(ctx, canal.ID, c.Code); err != nil {
			t.Fatalf("online support: %v", err)
		}
	}
	at("2026-03-30 15:00")
	outcome(f.OfficialA, canal.ID, app.InitiativeOutcome{Outcome: "put", On: "2026-03-30"})

	lights := propose(f.OfficialA, "A1", "2026-05-04 09:00", "Lắp đèn đường ngõ xóm", true)
	at("2026-05-11 09:00")
	outcome(f.OfficialA, lights.ID, app.InitiativeOutcome{Outcome: "declined", Note: "Việc này đã có trong kế hoạch của xã năm 2026."})

	propose(f.OfficialA, "A1", "2026-12-31 23:59", "Tổ chức giải bóng đá thôn", false)

	road := propose(f.OfficialB, "B1", "2026-08-03 09:00", "Bê tông hóa đường vào bản", true)
	paper(f.OfficialB, road.ID, "2-3", "2026-08-05")
	propose(f.OfficialB, "B1", "2027-01-01 00:00", "Trồng cây ven đường", true)
}

// seedAnnualPlans records the plans and the report SeedAnnual describes.
func seedAnnualPlans(t testing.TB, f *Fixture, s *AnnualSet, at func(string)) {
	t.Helper()
	ctx := context.Background()
	str := func(v string) *string { return &v }
	at("2026-12-16 09:00")
	if _, err := f.App.RecordPlan(ctx, f.OfficialA, s.PolicyA.ID, app.PlanInput{CouncilSentOn: str("2026-10-30"),
		FrontSentOn: str("2026-11-02")}); err != nil {
		t.Fatalf("plan of PolicyA: %v", err)
	}
	if _, err := f.App.RecordCouncilReport(ctx, f.OfficialA, s.OnTimeA.ID, app.CouncilReportInput{SubmittedOn: "2026-12-15",
		Session: "Kỳ họp thường lệ cuối năm 2026"}); err != nil {
		t.Fatalf("council report of OnTimeA: %v", err)
	}
}

// seedAnnualDialogue plays the dialogue SeedAnnual describes.
func seedAnnualDialogue(t testing.TB, f *Fixture, at func(string)) {
	t.Helper()
	ctx := context.Background()
	at("2026-12-01 08:00")
	d, err := f.App.ScheduleDialogue(ctx, f.OfficialA, app.NewDialogue{UnitCode: "A", Date: "2026-12-18", Time: "14:00",
		Place: "Hội trường UBND xã", ChairedBy: "Chủ tịch UBND xã"})
	if err != nil {
		t.Fatalf("dialogue: %v", err)
	}
	at("2026-12-05 10:00")
	var ids []int64
	for _, body := range []string{"Khi nào đo đạc lại đất ven kênh?", "Đề nghị lắp đèn đường ngõ 3.", "Câu hỏi không thuộc phạm vi đối thoại."} {
		r, err := f.App.AskQuestion(ctx, d.ID, app.NewQuestion{Theme: "land", Body: body}, "")
		if err != nil {
			t.Fatalf("question: %v", err)
		}
		ids = append(ids, r.Question.ID)
	}
	for k, dec := range []app.Decision{{Decision: "approve"}, {Decision: "approve"}, {Decision: "reject", Reason: "off_topic"}} {
		if _, err := f.App.ModerateQuestion(ctx, f.ModeratorA, ids[k], dec); err != nil {
			t.Fatalf("moderate question: %v", err)
		}
	}
	at("2026-12-18 17:00")
	if _, _, err := f.App.AnswerQuestion(ctx, f.OfficialA, ids[0], app.NewAnswer{Answer: "Xã sẽ đo đạc lại trong tháng.",
		Promise: "Đo đạc lại đất ven kênh", DueOn: "2026-12-31"}); err != nil {
		t.Fatalf("answer: %v", err)
	}
	lights, err := f.App.AddPromise(ctx, f.OfficialA, d.ID, app.NewPromise{Text: "Lắp đèn đường ngõ 3", DueOn: "2026-12-25"})
	if err != nil {
		t.Fatalf("promise: %v", err)
	}
	if _, err := f.App.RecordDialogueOutcome(ctx, f.OfficialA, d.ID, app.DialogueOutcome{Attendance: 60}); err != nil {
		t.Fatalf("dialogue held: %v", err)
	}
	at("2026-12-24 16:00")
	if _, err := f.App.PromiseDone(ctx, f.OfficialA, lights.ID, "Đã lắp 6 bóng đèn."); err != nil {
		t.Fatalf("promise kept: %v", err)
	}
}
