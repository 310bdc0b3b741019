package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestCharterLife follows a village's hương ước through the rest of its life under Decree
// 61/2023/NĐ-CP on a clock moved by hand: its proposal and drafting team (art. 7-8), the
// printed request (Form 01) and recognition decision (Form 03), the annual review on 18
// November (art. 15(4)), a suspension of one article whose period to amend runs out, and the
// annulment of that article within 5 working days (art. 14), then the commune's figures of
// the year (art. 16(1)) and the village head's report (art. 19(1)(e)).
//
//	suspended Fri 20 Nov 2026, to be amended by Fri 27 Nov; not amended: the annulment is due
//	  5 working days later, Fri 4 Dec (30 Nov, 1, 2, 3, 4 Dec); on Mon 7 Dec 1 day overdue.
func TestCharterLife(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		var clock time.Time
		env.App.Now = func() time.Time { return clock.UTC() }
		at := func(s string) {
			t.Helper()
			var err error
			if clock, err = time.ParseInLocation("2006-01-02 15:04", s, domain.Zone); err != nil {
				t.Fatal(err)
			}
		}
		village := testutil.AddStaff(t, env.Fixture, "truong.thon@example.vn", "official", "A1")
		at("2026-07-20 09:00")
		opens, closes := domain.PeriodFromDates(clock.AddDate(0, 0, 12), clock.AddDate(0, 0, 47))
		c, err := env.App.CreateConsultation(ctx, village, app.NewConsultation{
			Title: "Hương ước Thôn Một", Kind: "huong_uoc", UnitCode: "A1", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
		})
		if err != nil {
			t.Fatal(err)
		}
		head := env.NewBrowser(t)
		head.Login("truong.thon@example.vn")
		page := fmt.Sprintf("/staff/consultations/%d/recognition", c.ID)

		// Art. 8: the team is led by the village head with the head of the Front work
		// committee, formed after the proposal and before the draft is put to comment.
		res := head.Submit(page, page, url.Values{"step": {"drafting"}, "proposed_by": {"Hội nghị thôn"}, "proposed_on": {"2026-07-10"},
			"team_formed_on": {"2026-07-05"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("drafting team without its leader: %d", res.Status)
		}
		mustContain(t, res.Body, `id="e-drafting-leader_name">`+viMessage("validation.required"),
			`id="e-drafting-front_head_name">`+viMessage("validation.required"),
			`id="e-drafting-team_formed_on">`+viMessage("validation.charter_team_early", "10/07/2026"))
		if res = head.Submit(page, page, url.Values{"step": {"drafting"}, "proposed_by": {"Hội nghị thôn"}, "proposed_on": {"2026-07-10"},
			"team_formed_on": {"2026-07-15"}, "leader_name": {"Nguyễn Văn Trưởng"}, "front_head_name": {"Lê Thị Mặt"},
			"members": {"Trần Văn Uy – người có uy tín\nPhạm Thị Hội – Chi hội Phụ nữ\n"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("drafting team: %d %s", res.Status, res.Body)
		}
		mustContain(t, head.Get(page).Body, "Nguyễn Văn Trưởng", "Phạm Thị Hội – Chi hội Phụ nữ")

		if _, err := env.App.Publish(ctx, village, c.ID); err != nil {
			t.Fatal(err)
		}
		c = env.CloseAtEnd(t, village, c)
		at("2026-09-10 10:00")
		adoptCharter(t, env, st, c, clock)
		// Form 01 printed from the adoption before the dossier goes.
		form01 := head.Get(page + "/form/01")
		mustContain(t, form01.Body, "VĂN BẢN ĐỀ NGHỊ", "Về việc công nhận Hương ước Thôn Một", "Kính gửi: Ủy ban nhân dân Xã An Bình",
			"các hộ gia đình đã biểu quyết thông qua ngày 10/09/2026", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
		at("2026-09-11 10:00")
		if _, err := env.App.RecordCharterStep(ctx, village, c.ID, app.CharterInput{Step: "submit", AdoptedOn: "2026-09-10",
			RequestRef: "05/TTr-T1", RequestDate: "2026-09-11", MinutesRef: "BB-07", MinutesDate: "2026-09-10", HasText: true}); err != nil {
			t.Fatal(err)
		}
		at("2026-09-16 10:00")
		for _, in := range []app.CharterInput{{Step: "complete"}, {Step: "recognise", DecisionNumber: "60/QĐ-UBND", DecisionDate: "2026-09-15"},
			{Step: "return", DecisionDate: "2026-09-16"}, {Step: "send_front", DecisionDate: "2026-09-16"}} {
			if _, err := env.App.RecordCharterStep(ctx, env.OfficialA, c.ID, in); err != nil {
				t.Fatalf("%s: %v", in.Step, err)
			}
		}
		f01 := head.Get(page + "/form/01").Body
		mustContain(t, between(t, f01, "<article", "</article>"), "Số: 05/TTr-T1", "ngày 11 tháng 09 năm 2026")
		form03 := head.Get(page + "/form/03")
		mustContain(t, form03.Body, "ỦY BAN NHÂN DÂN Xã An Bình", "Số: 60/QĐ-UBND", "Xã An Bình, ngày 15 tháng 09 năm 2026",
			"QUYẾT ĐỊNH", "Về việc công nhận Hương ước Thôn Một", "Điều 1. Công nhận Hương ước Thôn Một của Thôn Một, được các hộ gia đình thông qua ngày 10/09/2026",
			"TM. ỦY BAN NHÂN DÂN")

		// The public page: the team's size and day, never its members.
		public := env.NewBrowser(t)
		cons := public.Get(fmt.Sprintf("/c/%d", c.ID)).Body
		mustContain(t, cons, "Tổ soạn thảo thành lập ngày 15/07/2026, gồm 4 thành viên")
		mustNotContain(t, cons, "Nguyễn Văn Trưởng", "Phạm Thị Hội")

		// 18 November: the review is due and recorded once (art. 15(4)).
		at("2026-11-18 15:00")
		mustContain(t, head.Get(page).Body, "Đến kỳ rà soát năm 2026 (ngày 18/11/2026).")
		if res = head.Submit(page, page, url.Values{"step": {"review"}, "held_on": {"2026-11-18"}, "outcome": {"keep"},
			"findings": {"Các hộ thực hiện tốt."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("review: %d %s", res.Status, res.Body)
		}
		if _, err := env.App.RecordCharterStep(ctx, village, c.ID, app.CharterInput{Step: "review", HeldOn: "2026-11-18", Outcome: "amend"}); !domain.IsCode(err, domain.CodeConflict) {
			t.Fatalf("a second review of 2026: %v", err)
		}
		mustContain(t, public.Get(fmt.Sprintf("/c/%d", c.ID)).Body, "Năm 2026, rà soát ngày 18/11/2026: Tiếp tục thực hiện")

		// Suspended in part on Fri 20 Nov, the report received the day before.
		at("2026-11-20 09:00")
		if _, err := env.App.RecordCharterStep(ctx, env.OfficialA, c.ID, app.CharterInput{Step: "suspend", DecisionNumber: "70/QĐ-UBND",
			DecisionDate: "2026-11-20", Reasons: "Điều 7 đặt mức phạt tiền.", Scope: "part", Articles: "Điều 7",
			GroundsOn: "2026-11-19", AmendBy: "2026-11-27"}); err != nil {
			t.Fatal(err)
		}
		// The API shows the suspension in force and the team's size, naming nobody.
		apiBody := public.Get(fmt.Sprintf("/api/v1/consultations/%d/recognition", c.ID)).Body
		mustContain(t, apiBody, `"suspension":{"scope":"part","articles":"Điều 7","grounds_on":"2026-11-19","since":"2026-11-20","amend_by":"2026-11-27","amended_on":null}`,
			`"team_size":4`, `"front_sent_on":"2026-09-16"`, `"reviews":[{"year":2026,"held_on":"2026-11-18","outcome":"keep"}]`)
		mustNotContain(t, apiBody, "Nguyễn Văn Trưởng", "Các hộ thực hiện tốt.")
		// Fri 4 Dec, the fifth working day after the period ran out: the amendment is late,
		// the annulment due today, not overdue.
		observer := env.NewBrowser(t)
		observer.Login(env.ObserverA.Email)
		at("2026-12-04 16:00")
		ov := between(t, observer.Get("/staff/oversight").Body, `id="ov-charters"`, "</section>")
		mustContain(t, ov, "Hương ước Thôn Một", viMessage("charter.deadline.amend"))
		mustNotContain(t, ov, viMessage("charter.deadline.annul"))
		// Mon 7 Dec: the annulment is 1 working day overdue, in oversight.
		at("2026-12-07 09:00")
		ov = between(t, observer.Get("/staff/oversight").Body, `id="ov-charters"`, "</section>")
		mustContain(t, ov, "Hương ước Thôn Một", viMessage("charter.deadline.annul"), "Quá hạn 1 ngày làm việc")
		// Annulled in part without a new report: its period ran from the day to amend.
		if _, err := env.App.RecordCharterStep(ctx, env.OfficialA, c.ID, app.CharterInput{Step: "annul", DecisionNumber: "75/QĐ-UBND",
			DecisionDate: "2026-12-07", Reasons: "Không sửa đổi Điều 7 trong thời hạn.", Scope: "part", Articles: "Điều 7"}); err != nil {
			t.Fatal(err)
		}
		cons = public.Get(fmt.Sprintf("/c/%d", c.ID)).Body
		mustContain(t, cons, "Đang có hiệu lực", "Đã bãi bỏ: Điều 7.")
		mustContain(t, head.Get(page).Body, "Trễ 1 ngày làm việc")

		// The decisions in the unit's Atom feed, newest first, naming nobody.
		feed := public.Get("/feeds/charters.atom?unit=A1")
		mustContain(t, feed.Body, "<title type=\"text\">Quyết định bãi bỏ: Hương ước Thôn Một</title>", "Phạm vi: Điều 7",
			"Quyết định tạm ngừng thực hiện: Hương ước Thôn Một", "Quyết định công nhận: Hương ước Thôn Một")
		mustNotContain(t, feed.Body, "Nguyễn Văn Trưởng")
		if feed.Status != http.StatusOK {
			t.Errorf("feed: %d", feed.Status)
		}
		mustContain(t, public.Get("/u/A").Body, `href="/feeds/charters.atom?unit=A"`)

		// The commune's figures of 2026 (art. 16(1)).
		unitA, err := st.UnitByCode(ctx, "A")
		if err != nil {
			t.Fatal(err)
		}
		units, err := st.UnitSubtree(ctx, []int64{unitA.ID})
		if err != nil {
			t.Fatal(err)
		}
		f, err := env.App.CharterYearFigures(ctx, units, 2026)
		if err != nil {
			t.Fatal(err)
		}
		want := app.CharterFigures{Year: 2026, Communities: 2, WithCharter: 1, InForce: 1, Recognised: 1, SuspendedPart: 1,
			AnnulledPart: 1, DueReview: 1, Reviewed: 1}
		if f != want {
			t.Errorf("figures of 2026:\n got %+v\nwant %+v", f, want)
		}
		if f, err = env.App.CharterYearFigures(ctx, units, 2025); err != nil || f.InForce != 0 || f.Recognised != 0 {
			t.Errorf("figures of 2025: %+v %v", f, err)
		}
		// The next year counts the charter in force but none of 2026's decisions.
		if f, err = env.App.CharterYearFigures(ctx, units, 2027); err != nil ||
			f != (app.CharterFigures{Year: 2027, Communities: 2, WithCharter: 1, InForce: 1}) {
			t.Errorf("figures of 2027: %+v %v", f, err)
		}
		body := observer.Get("/staff/charters?unit=A&year=2026").Body
		mustContain(t, body, "Thống kê, báo cáo tình hình xây dựng và thực hiện hương ước, quy ước năm 2026",
			viMessage("charterlife.fig.suspended_part")+`</th><td class="num">1</td>`, "Hương ước Thôn Một", "70/QĐ-UBND")
		mustContain(t, observer.Get("/staff/charters?unit=A1&year=2026&print=1").Body,
			"Báo cáo của Trưởng thôn, Tổ trưởng tổ dân phố về tình hình thực hiện hương ước, quy ước năm 2026", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
		res = observer.Get("/staff/charters?unit=P&year=2026")
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("a province's report: %d", res.Status)
		}
	})
}

// TestLegacyReinstateStaysReadable keeps a suspension lifted by a "reinstate" step, recorded
// before Decree 61/2023's path (a new recognition of the amended charter, art. 12(5)) was
// followed, readable in the timeline, while the step itself can no longer be taken.
func TestLegacyReinstateStaysReadable(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		c := adoptCharter(t, env, st, env.CloseAtEnd(t, env.OfficialA, env.Fixture.OpenedDaysAgo(t, 40, -2)), time.Now().AddDate(0, 0, -1))
		today := time.Now().In(domain.Zone).Format(time.DateOnly)
		for _, in := range []app.CharterInput{
			{Step: "submit", AdoptedOn: time.Now().AddDate(0, 0, -1).In(domain.Zone).Format(time.DateOnly), RequestDate: today, MinutesDate: today, HasText: true},
			{Step: "complete"}, {Step: "recognise", DecisionNumber: "1/QĐ-UBND", DecisionDate: today},
			{Step: "suspend", DecisionNumber: "2/QĐ-UBND", DecisionDate: today, Reasons: "Trái luật.", Scope: "whole", GroundsOn: today,
				AmendBy: time.Now().AddDate(0, 1, 0).In(domain.Zone).Format(time.DateOnly)},
		} {
			if _, err := env.App.RecordCharterStep(ctx, env.OfficialA, c.ID, in); err != nil {
				t.Fatalf("%s: %v", in.Step, err)
			}
		}
		// A lifting recorded by an earlier version, as the database holds it.
		db := st.SQLDB()
		if _, err := db.ExecContext(ctx, `INSERT INTO charter_steps (consultation_id, step, from_state, to_state, doc_number, doc_date, created_at)
			VALUES ($1, 'reinstate', 'suspended', 'recognised', '3/QĐ-UBND', $2, $3)`, c.ID, time.Now().UTC(), time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE charter_records SET state = 'recognised' WHERE consultation_id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		body := env.NewBrowser(t).Get(fmt.Sprintf("/c/%d", c.ID)).Body
		mustContain(t, body, "Quyết định cho thực hiện trở lại", "Số 3/QĐ-UBND", viMessage("charterlife.detail.legacy"), "Đang có hiệu lực")
		if _, err := env.App.RecordCharterStep(ctx, env.OfficialA, c.ID, app.CharterInput{Step: "reinstate", DecisionNumber: "4", DecisionDate: today}); !domain.IsCode(err, domain.CodeInvalid) {
			t.Fatalf("reinstate is no longer a step: %v", err)
		}
	})
}
