package web_test

import (
	"context"
	"encoding/json"
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

// TestCharterRecognitionFlow takes an adopted hương ước from its dossier to recognition,
// suspension and annulment on a clock moved by hand, with the refused steps on the way, and
// the deadlines of Decree 61 counted in working days across a weekend and the 27 April,
// 30 April and 1 May 2026 holidays. Counted by hand on the default calendar:
//
//	adopted Thu 23 Apr 2026: dossier due Tue 5 May (24, 28, 29 Apr, 4, 5 May); submitted
//	  Wed 6 May: 1 working day late.
//	incomplete Wed 6 May: the decision's clock waits; resubmitted Fri 8 May: decision due
//	  Fri 15 May; on Mon 18 May 1 working day overdue; recognised that day: 1 day late.
//	recognised Mon 18 May: return due Wed 20 May; on Fri 22 May 2 working days overdue.
func TestCharterRecognitionFlow(t *testing.T) {
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

		at("2026-02-25 09:00")
		opens, closes := domain.PeriodFromDates(clock, clock.AddDate(0, 0, 35))
		c, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{
			Title: "Hương ước Thôn Một năm 2026", Kind: "huong_uoc", UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		at("2026-04-10 09:00")
		env.CloseAtEnd(t, env.OfficialA, c)
		official := env.NewBrowser(t)
		official.Login(env.OfficialA.Email)
		page := fmt.Sprintf("/staff/consultations/%d/recognition", c.ID)

		// Before the households' decision there is nothing to submit.
		if _, err := env.App.PublishResults(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		mustContain(t, official.Get(page).Body, viMessage("charter.not_adopted"))
		_, err = env.App.RecordCharterStep(ctx, env.OfficialA, c.ID, app.CharterInput{Step: "submit", AdoptedOn: "2026-04-09"})
		if !domain.IsCode(err, domain.CodeConflict) {
			t.Fatalf("dossier before adoption: %v", err)
		}
		at("2026-04-23 19:00")
		if err := st.ChangeStatus(ctx, c.ID, domain.StatusResultsPublished, domain.StatusAdopted, &env.OfficialA.StaffID, "",
			store.StatusStamps{DecidedAt: new(clock.UTC())}); err != nil {
			t.Fatal(err)
		}
		// The text the households adopted is fixed.
		if _, err := env.App.PublishVersion(ctx, env.OfficialA, c.ID, app.NewVersion{Text: revisedDraft()}); !domain.IsCode(err, domain.CodeConflict) {
			t.Fatalf("a new version after adoption: %v", err)
		}

		// Wed 6 May, no dossier yet: overdue by one working day, on the page and in oversight.
		at("2026-05-06 09:00")
		body := official.Get(page).Body
		mustContain(t, body, "05/05/2026", "Quá hạn 1 ngày làm việc", `value="2026-04-23"`)
		observer := env.NewBrowser(t)
		observer.Login(env.ObserverA.Email)
		ov := between(t, observer.Get("/staff/oversight").Body, `id="ov-charters"`, "</section>")
		mustContain(t, ov, "Hương ước Thôn Một năm 2026", "Quá hạn 1 ngày làm việc")

		submit := func(values url.Values) *testutil.Response {
			t.Helper()
			return official.Submit(page, page, values)
		}
		// A reference without its date, and a date in the future, are refused at their fields.
		res := submit(url.Values{"step": {"submit"}, "adopted_on": {"2026-04-23"}, "request_ref": {"01/TTr-TM"}, "request_date": {"2026-05-07"},
			"minutes_ref": {"BB-01"}, "has_text": {"1"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad dossier: %d", res.Status)
		}
		mustContain(t, res.Body, `id="e-submit-request_date">`+viMessage("validation.charter_date_future"),
			`id="e-submit-minutes_date">`+viMessage("validation.required"), `value="01/TTr-TM"`, `value="BB-01"`)
		if countRows(t, st, "charter_records", fmt.Sprintf("consultation_id = %d", c.ID)) != 0 {
			t.Fatal("a refused dossier was stored")
		}
		// The dossier without its minutes.
		res = submit(url.Values{"step": {"submit"}, "adopted_on": {"2026-04-23"}, "request_ref": {"01/TTr-TM"}, "request_date": {"2026-05-05"}, "has_text": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("dossier: %d", res.Status)
		}
		body = official.Get(page).Body
		mustContain(t, body, "Trễ 1 ngày làm việc", "Văn bản đề nghị công nhận của Trưởng thôn, Tổ trưởng tổ dân phố: số 01/TTr-TM, ngày 05/05/2026",
			"Biên bản cuộc họp thông qua: chưa có")

		// Recognising before the dossier is found complete: a clear refusal, nothing changes.
		res = submit(url.Values{"step": {"recognise"}, "decision_number": {"15/QĐ-UBND"}, "decision_date": {"2026-05-06"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("recognise a dossier not checked: %d", res.Status)
		}
		mustContain(t, res.Body, viMessage("error.charter_step.recognise"))
		res = submit(url.Values{"step": {"complete"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("complete without minutes: %d", res.Status)
		}
		mustContain(t, res.Body, viMessage("error.charter_missing", 1))
		res = submit(url.Values{"step": {"incomplete"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("incomplete without saying what is missing: %d", res.Status)
		}
		mustContain(t, res.Body, `id="e-incomplete-reasons">`+viMessage("validation.required"))
		if res = submit(url.Values{"step": {"incomplete"}, "reasons": {"Thiếu biên bản cuộc họp thôn."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("incomplete: %d", res.Status)
		}
		mustContain(t, official.Get(page).Body, "Tạm dừng: chờ Trưởng thôn, Tổ trưởng tổ dân phố bổ sung hồ sơ")

		// Fri 8 May the village completes it; Mon 18 May the decision is overdue by one day.
		at("2026-05-08 10:00")
		form := official.Get(page).Body
		mustContain(t, form, `value="01/TTr-TM"`) // the resubmission starts from what was sent
		if res = submit(url.Values{"step": {"submit"}, "adopted_on": {"2026-04-23"}, "request_ref": {"01/TTr-TM"}, "request_date": {"2026-05-05"},
			"minutes_ref": {"BB-01"}, "minutes_date": {"2026-04-23"}, "has_text": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("resubmit: %d %s", res.Status, res.Body)
		}
		at("2026-05-18 08:30")
		body = official.Get(page).Body
		mustContain(t, body, "15/05/2026", "Quá hạn 1 ngày làm việc")
		if res = submit(url.Values{"step": {"complete"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("complete: %d", res.Status)
		}
		// A refusal without reasons is refused at the field, the entry kept.
		res = submit(url.Values{"step": {"refuse"}, "decision_number": {"20/UBND"}, "decision_date": {"2026-05-18"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("refuse without reasons: %d", res.Status)
		}
		mustContain(t, res.Body, `id="e-refuse-reasons">`+viMessage("validation.required"), `value="20/UBND"`)
		if res = submit(url.Values{"step": {"recognise"}, "decision_number": {"15/QĐ-UBND"}, "decision_date": {"2026-05-18"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("recognise: %d %s", res.Status, res.Body)
		}
		rec, err := st.CharterRecord(ctx, c.ID)
		if err != nil || rec.State != domain.CharterRecognised || rec.DecisionNumber != "15/QĐ-UBND" {
			t.Fatalf("record after recognition: %+v %v", rec, err)
		}
		body = official.Get(page).Body
		mustContain(t, body, "Trễ 1 ngày làm việc", "20/05/2026")

		// The public page: in force, with the decision and the steps, naming no staff.
		public := env.NewBrowser(t)
		cons := public.Get(fmt.Sprintf("/c/%d", c.ID)).Body
		box := between(t, cons, `id="charter-h"`, "</section>")
		mustContain(t, box, "Đang có hiệu lực", "Quyết định số 15/QĐ-UBND ngày 18/05/2026",
			"Trưởng thôn, Tổ trưởng tổ dân phố gửi hồ sơ đề nghị công nhận", "Ủy ban nhân dân cấp xã đề nghị bổ sung hồ sơ", "Còn thiếu: Thiếu biên bản cuộc họp thôn.",
			"Hồ sơ được xác nhận đầy đủ", "Quyết định công nhận")
		mustNotContain(t, box, "Cán bộ official", "Ghi nhận bởi")
		mustContain(t, public.Get("/u/A").Body, "Hương ước, quy ước đang có hiệu lực", "Hương ước Thôn Một năm 2026")

		// Fri 22 May: not yet sent back, two working days overdue; sent, and not twice.
		at("2026-05-22 15:00")
		mustContain(t, official.Get(page).Body, "Quá hạn 2 ngày làm việc")
		if res = submit(url.Values{"step": {"return"}, "decision_date": {"2026-05-22"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("return: %d", res.Status)
		}
		mustContain(t, official.Get(page).Body, "Trễ 2 ngày làm việc")
		if _, err := env.App.RecordCharterStep(ctx, env.OfficialA, c.ID, app.CharterInput{Step: "return", DecisionDate: "2026-05-22"}); !domain.IsCode(err, domain.CodeConflict) {
			t.Fatalf("second return: %v", err)
		}

		// Sent to the commune's Front on Fri 22 May too: 2 working days late (Decree 61/2023
		// art. 18(1)(a)); not twice.
		if res = submit(url.Values{"step": {"send_front"}, "decision_date": {"2026-05-22"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("send to the Front: %d %s", res.Status, res.Body)
		}
		if _, err := env.App.RecordCharterStep(ctx, env.OfficialA, c.ID, app.CharterInput{Step: "send_front", DecisionDate: "2026-05-22"}); !domain.IsCode(err, domain.CodeConflict) {
			t.Fatalf("second sending to the Front: %v", err)
		}

		// Suspension of some articles (art. 12): its decision, reasons, scope, the day the
		// report came and the period to amend are all required.
		at("2026-06-10 09:00")
		res = submit(url.Values{"step": {"suspend"}, "decision_date": {"2026-06-10"}, "reasons": {"Điều 5 trái với quy định về cưới hỏi."}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("suspend without a decision number: %d", res.Status)
		}
		mustContain(t, res.Body, `id="e-suspend-decision_number">`+viMessage("validation.required"), "Điều 5 trái với quy định về cưới hỏi.",
			`id="e-suspend-scope">`+viMessage("validation.required"), `id="e-suspend-grounds_on">`+viMessage("validation.required"),
			`id="e-suspend-amend_by">`+viMessage("validation.required"))
		// Report received Fri 5 Jun: due Wed 10 Jun (8, 9, 10 Jun); decided that day: met.
		if res = submit(url.Values{"step": {"suspend"}, "decision_number": {"30/QĐ-UBND"}, "decision_date": {"2026-06-10"},
			"reasons": {"Điều 5 trái với quy định về cưới hỏi."}, "scope": {"part"}, "articles": {"Điều 5"},
			"grounds_on": {"2026-06-05"}, "amend_by": {"2026-07-10"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("suspend: %d %s", res.Status, res.Body)
		}
		cons = public.Get(fmt.Sprintf("/c/%d", c.ID)).Body
		mustContain(t, cons, "Tạm ngừng một phần", "Tạm ngừng thực hiện Điều 5 theo Quyết định số 30/QĐ-UBND ngày 10/06/2026; các nội dung khác vẫn có hiệu lực.",
			"sửa đổi, bổ sung đến hết ngày 10/07/2026")
		// Suspended in part, it stays in force for the rest (art. 12(1)).
		mustContain(t, public.Get("/u/A").Body, "Hương ước, quy ước đang có hiệu lực", "Tạm ngừng thực hiện: Điều 5.")
		// Nothing reinstates it: the commune recognises again only after the village amends.
		if _, err := env.App.RecordCharterStep(ctx, env.OfficialA, c.ID, app.CharterInput{Step: "reinstate", DecisionNumber: "31/QĐ-UBND", DecisionDate: "2026-06-10"}); !domain.IsCode(err, domain.CodeInvalid) {
			t.Fatalf("reinstate: %v", err)
		}
		res = submit(url.Values{"step": {"recognise"}, "decision_number": {"31/QĐ-UBND"}, "decision_date": {"2026-06-10"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("recognise before the amendment: %d", res.Status)
		}
		mustContain(t, res.Body, viMessage("error.charter_not_amended"))
		at("2026-07-01 09:00")
		if res = submit(url.Values{"step": {"amend"}, "adopted_on": {"2026-06-30"}, "minutes_ref": {"BB-02"}, "minutes_date": {"2026-06-30"},
			"articles": {"Điều 5"}, "amended_text": {"Điều 5. Việc cưới hỏi theo quy định của pháp luật."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("amend: %d %s", res.Status, res.Body)
		}
		mustContain(t, public.Get(fmt.Sprintf("/c/%d", c.ID)).Body, "đã gửi nội dung sửa đổi, bổ sung ngày 01/07/2026")
		if res = submit(url.Values{"step": {"recognise"}, "decision_number": {"45/QĐ-UBND"}, "decision_date": {"2026-07-01"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("recognise the amended charter: %d %s", res.Status, res.Body)
		}
		mustContain(t, public.Get(fmt.Sprintf("/c/%d", c.ID)).Body, "Đang có hiệu lực: được Ủy ban nhân dân cấp xã công nhận theo Quyết định số 45/QĐ-UBND ngày 01/07/2026")
		// The new decision is sent again: both sendings owed anew.
		mustContain(t, between(t, official.Get(page).Body, "<table", "</table>"), "03/07/2026")

		// Suspended in whole, then annulled in whole.
		at("2026-08-03 09:00")
		if res = submit(url.Values{"step": {"suspend"}, "decision_number": {"50/QĐ-UBND"}, "decision_date": {"2026-08-03"},
			"reasons": {"Thông qua không đủ tỷ lệ."}, "scope": {"whole"}, "grounds_on": {"2026-07-31"}, "amend_by": {"2026-08-31"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("suspend in whole: %d %s", res.Status, res.Body)
		}
		mustContain(t, public.Get(fmt.Sprintf("/c/%d", c.ID)).Body, "Tạm ngừng thực hiện toàn bộ theo Quyết định số 50/QĐ-UBND ngày 03/08/2026")
		mustNotContain(t, public.Get("/u/A").Body, "Hương ước, quy ước đang có hiệu lực")
		if res = submit(url.Values{"step": {"annul"}, "decision_number": {"31/QĐ-UBND"}, "decision_date": {"2026-08-03"},
			"reasons": {"Không sửa được Điều 5."}, "scope": {"whole"}, "grounds_on": {"2026-08-03"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("annul: %d %s", res.Status, res.Body)
		}
		mustContain(t, public.Get(fmt.Sprintf("/c/%d", c.ID)).Body, "Đã bị bãi bỏ theo Quyết định số 31/QĐ-UBND ngày 03/08/2026")

		// Each step is in the timeline, in the audit log, and the log of steps is append-only.
		const steps = 12 // submit, incomplete, submit, complete, recognise, return, send_front, suspend, amend, recognise, suspend, annul
		if n := countRows(t, st, "charter_steps", fmt.Sprintf("consultation_id = %d", c.ID)); n != steps {
			t.Errorf("%d steps recorded, want %d", n, steps)
		}
		if n := countRows(t, st, "audit_log", fmt.Sprintf("action LIKE 'charter.%%' AND target_id = %d", c.ID)); n != steps {
			t.Errorf("%d audit entries, want %d", n, steps)
		}
		if _, err := st.SQLDB().ExecContext(ctx, fmt.Sprintf("UPDATE charter_steps SET reasons = 'sửa' WHERE consultation_id = %d", c.ID)); err == nil {
			t.Error("a recorded step could be changed")
		}

		var api struct {
			State     string
			InForce   bool `json:"in_force"`
			Steps     []struct{ Step string }
			Deadlines []struct {
				Kind     string
				Standing string
				DaysLate int `json:"days_late"`
			}
		}
		r := public.Get(fmt.Sprintf("/api/v1/consultations/%d/recognition", c.ID))
		if err := json.Unmarshal([]byte(r.Body), &api); err != nil {
			t.Fatal(err)
		}
		// The dossier 1 day late; the new recognition met its 5 working days from the
		// amendment; the suspension 1 working day after the report of Fri 31 Jul; the
		// annulment on the day of its report.
		if api.State != "annulled" || api.InForce || len(api.Steps) != steps || len(api.Deadlines) != 4 ||
			api.Deadlines[0].Standing != "late" || api.Deadlines[1].Standing != "met" ||
			api.Deadlines[2].Kind != "suspend" || api.Deadlines[2].Standing != "met" || api.Deadlines[3].Kind != "annul" {
			t.Errorf("recognition API: %s", r.Body)
		}
	})
}

// TestVillageSubmitsCommuneDecides checks who records what: the officials of a village
// submit their charter's dossier, and only the commune's officials decide on it.
func TestVillageSubmitsCommuneDecides(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		village := testutil.AddStaff(t, env.Fixture, "truong.thon@example.vn", "official", "A1")
		opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
		c, err := env.App.CreateConsultation(ctx, village, app.NewConsultation{
			Title: "Quy ước Thôn Một", Kind: "quy_uoc", UnitCode: "A1", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Publish(ctx, village, c.ID); err != nil {
			t.Fatal(err)
		}
		c = env.CloseAtEnd(t, village, c)
		adoptCharter(t, env, st, c, time.Now())
		today := time.Now().In(domain.Zone).Format(time.DateOnly)
		if _, err := env.App.RecordCharterStep(ctx, env.OfficialB, c.ID, app.CharterInput{Step: "submit", AdoptedOn: today}); !domain.IsCode(err, domain.CodeForbidden) {
			t.Fatalf("another commune's official submits: %v", err)
		}
		if _, err := env.App.RecordCharterStep(ctx, village, c.ID, app.CharterInput{Step: "submit", AdoptedOn: today,
			RequestDate: today, MinutesDate: today, HasText: true}); err != nil {
			t.Fatalf("the village submits: %v", err)
		}
		if _, err := env.App.RecordCharterStep(ctx, village, c.ID, app.CharterInput{Step: "complete"}); !domain.IsCode(err, domain.CodeForbidden) {
			t.Fatalf("the village checks its own dossier: %v", err)
		}
		ch, err := env.App.RecordCharterStep(ctx, env.OfficialA, c.ID, app.CharterInput{Step: "complete"})
		if err != nil || ch.State() != domain.CharterComplete {
			t.Fatalf("the commune checks the dossier: %v", err)
		}
		// The village official sees where it stands but has no decision to record.
		b := env.NewBrowser(t)
		b.Login("truong.thon@example.vn")
		body := b.Get(fmt.Sprintf("/staff/consultations/%d/recognition", c.ID)).Body
		mustContain(t, body, "Chờ quyết định công nhận")
		mustNotContain(t, body, `name="step" value="recognise"`)
	})
}
