package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// plansWorld makes the consult matters of commune A the plan rows of the matrix act on.
type plansWorld struct {
	w                 *authzWorld
	openID, resultsID int64
	last              int64 // the consultation the last row acted on
}

func (w *authzWorld) pl(t *testing.T) *plansWorld {
	t.Helper()
	if w.plans == nil {
		w.plans = &plansWorld{w: w}
	}
	return w.plans
}

// newConsultMatter creates a consult matter of commune A (art. 25(1)) with the 20-day
// minimum of Law 10/2022 art. 28(2), and publishes it.
func newConsultMatter(t *testing.T, f *testutil.Fixture, title string) *domain.Consultation {
	t.Helper()
	ctx := context.Background()
	opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 25))
	c, err := f.App.CreateConsultation(ctx, f.OfficialA, app.NewConsultation{Title: title, Kind: "plan", Topic: 1,
		UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = f.App.Publish(ctx, f.OfficialA, c.ID); err != nil {
		t.Fatal(err)
	}
	return c
}

// consultResults closes a consult matter at the end of its period and publishes its results.
func consultResults(t *testing.T, f *testutil.Fixture, c *domain.Consultation) *domain.Consultation {
	t.Helper()
	f.CloseAtEnd(t, f.OfficialA, c)
	r, err := f.App.PublishResults(context.Background(), f.OfficialA, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (p *plansWorld) open(t *testing.T) int64 {
	t.Helper()
	if p.openID == 0 {
		p.openID = newConsultMatter(t, p.w.env.Fixture, fmt.Sprintf("Kế hoạch ma trận %d", p.w.n)).ID
	}
	p.last = p.openID
	return p.openID
}

func (p *plansWorld) results(t *testing.T) int64 {
	t.Helper()
	if p.resultsID == 0 {
		c := newConsultMatter(t, p.w.env.Fixture, fmt.Sprintf("Kế hoạch có kết quả %d", p.w.n))
		p.resultsID = consultResults(t, p.w.env.Fixture, c).ID
	}
	p.last = p.resultsID
	return p.resultsID
}

// planRecorded reports whether the column of the last consultation's plan holds a day.
func (p *plansWorld) planRecorded(t *testing.T, column string) bool {
	t.Helper()
	return p.w.count(t, "consultation_plans", fmt.Sprintf("consultation_id = %d AND %s IS NOT NULL", p.last, column)) > 0
}

// TestConsultationPlanAndCouncilReport walks a consult matter of commune A as its official:
// the item of Law 10/2022 art. 25 it must name, the days its plan went to the commune People's
// Council and Front judged against the day it was published (art. 28(1)), opinions entered
// through the Front (art. 26) and at a dialogue with the citizens affected (art. 27), and the
// report on the results to the Council (art. 28(5), 14(3)), shown to residents once submitted.
func TestConsultationPlanAndCouncilReport(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		clock := localTime(t, "2026-12-01 23:30") // published late in the evening of 1 December
		env.App.Now = func() time.Time { return clock }
		official := env.NewBrowser(t)
		official.Login(env.OfficialA.Email)

		// Art. 25: a consult matter of a commune names its item; the form says so at the field.
		form := url.Values{"title": {"Kế hoạch làm đường liên thôn"}, "kind": {"plan"}, "unit_code": {"A"},
			"first_day": {"2026-12-01"}, "last_day": {"2026-12-25"}, "text": {testutil.Draft}, "topic": {""}}
		res := official.Submit("/staff/consultations/new", "/staff/consultations", form)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("no topic: status %d, want 422", res.Status)
		}
		mustContain(t, res.Body, fieldError("topic", "plans.validation.topic_required"))
		form.Set("topic", "3")
		res = official.Submit("/staff/consultations/new", "/staff/consultations", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("with topic: status %d, want 303", res.Status)
		}
		id := mustID(t, strings.TrimPrefix(res.Header.Get("Location"), "/staff/consultations/"))
		c, err := st.ConsultationByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Topic == nil || *c.Topic != domain.TopicProjects {
			t.Fatalf("topic stored %v, want 3", c.Topic)
		}
		if _, err := env.App.Publish(ctx, env.OfficialA, id); err != nil {
			t.Fatal(err)
		}

		// Two days on, neither recipient has the plan: both flagged on the staff page.
		clock = localTime(t, "2026-12-03 10:00")
		page := official.Get(fmt.Sprintf("/staff/consultations/%d", id))
		mustContain(t, page.Body, viMessage("plans.topic.3"), viMessage("plans.sending.missing"), "standing-overdue")

		// Sent to the Council on the day of publication (on time, however late that evening)
		// and to the Front the next day (late): the boundary is the local day of publication.
		planPage := fmt.Sprintf("/staff/consultations/%d/plan", id)
		res = official.Submit(planPage, planPage, url.Values{"council_sent_on": {"2026-12-01"}, "front_sent_on": {"2026-12-02"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("record plan: status %d", res.Status)
		}
		page = official.Get(planPage)
		mustContain(t, page.Body, viMessage("plans.sent_on", "01/12/2026"), viMessage("plans.sent_late", "02/12/2026", "01/12/2026"))
		// A day still to come is refused at its field, the day already recorded kept.
		res = official.Submit(planPage, planPage, url.Values{"council_sent_on": {"2026-12-04"}, "front_sent_on": {"2026-12-02"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("future day: status %d, want 422", res.Status)
		}
		mustContain(t, res.Body, fieldError("council_sent_on", "plans.validation.future"))

		// Art. 26 and 27: opinions through the Front and at a dialogue with the citizens
		// affected are entered like the other papers; a dialogue has its minutes.
		sheet := fmt.Sprintf("/staff/consultations/%d/offline", id)
		entry := func(channel, ref, body string) url.Values {
			return url.Values{"channel": {channel}, "reference": {ref}, "village_code": {"A1"}, "section_id": {""},
				"stance": {"disagree"}, "body": {body}}
		}
		res = postMultipart(t, official, sheet, sheet, entry("dialogue", "", "Đề nghị mở rộng mặt đường qua xóm Trên."), nil)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("dialogue without minutes: status %d, want 422", res.Status)
		}
		mustContain(t, res.Body, fieldError("reference", "validation.reference_required.dialogue"))
		for _, e := range []url.Values{entry("dialogue", "BB-ĐT-01/2026", "Đề nghị mở rộng mặt đường qua xóm Trên."),
			entry("front", "", "Hội Nông dân đề nghị làm rãnh thoát nước hai bên đường.")} {
			if res = postMultipart(t, official, sheet, sheet, e, nil); res.Status != http.StatusSeeOther {
				t.Fatalf("offline %s: status %d", e.Get("channel"), res.Status)
			}
		}
		rows := offlineRows(t, st, id)
		if len(rows) != 2 {
			t.Fatalf("%d offline opinions, want 2", len(rows))
		}
		var ids []int64
		for _, r := range rows {
			if _, err := env.App.Moderate(ctx, env.ModeratorA, r.ID, approve()); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}

		// Before the results there is no report to submit.
		reportPage := fmt.Sprintf("/staff/consultations/%d/council-report", id)
		res = official.Submit(planPage, reportPage, url.Values{"submitted_on": {"2026-12-03"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("report before results: status %d, want 409", res.Status)
		}
		c = env.CloseAtEnd(t, env.OfficialA, c)
		if _, err := env.App.Answer(ctx, env.OfficialA, id, app.NewResponse{OpinionIDs: ids, Kind: "accepted", Text: "Xin tiếp thu."}); err != nil {
			t.Fatal(err)
		}
		clock = localTime(t, "2026-12-28 09:00")
		if _, err := env.App.PublishResults(ctx, env.OfficialA, id); err != nil {
			t.Fatal(err)
		}
		anon := env.NewBrowser(t)
		if res = anon.Get(fmt.Sprintf("/c/%d/council-report", id)); res.Status != http.StatusNotFound {
			t.Fatalf("public report before submission: status %d, want 404", res.Status)
		}

		// Submitted the day before the results: refused; on the day of the results: recorded.
		res = official.Submit(planPage, reportPage, url.Values{"submitted_on": {"2026-12-27"}, "session": {""}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("report before the results' day: status %d, want 422", res.Status)
		}
		mustContain(t, res.Body, fieldError("submitted_on", "plans.validation.report_before_results", "28/12/2026"))
		res = official.Submit(planPage, reportPage, url.Values{"submitted_on": {"2026-12-28"}, "session": {"Kỳ họp thường lệ cuối năm 2026"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("report: status %d", res.Status)
		}

		// Residents see the day on the consultation's page, and the report itself.
		page = anon.Get(fmt.Sprintf("/c/%d", id))
		mustContain(t, page.Body, viMessage("plans.public.submitted", "28/12/2026"), fmt.Sprintf(`href="/c/%d/council-report"`, id))
		doc := anon.Get(fmt.Sprintf("/c/%d/council-report", id))
		if doc.Status != http.StatusOK {
			t.Fatalf("public report: status %d", doc.Status)
		}
		mustContain(t, doc.Body, viMessage("plans.report.to", "xã An Bình"), "Xã An Bình, ngày 28 tháng 12 năm 2026",
			viMessage("plans.topic.3"), viMessage("plans.report.plan_council", "xã An Bình", "01/12/2026"),
			viMessage("plans.report.plan_front", "xã An Bình", "02/12/2026"), viMessage("channel.front"), viMessage("channel.dialogue"),
			viMessage("plans.report.totals", "2", "0", "2", "0"), "Kỳ họp thường lệ cuối năm 2026", viMessage("household.record.motto"))
		mustNotContain(t, doc.Body, "kiemduyet", env.OfficialA.Email)
		if res = official.Get(reportPage + ".docx"); res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "wordprocessingml") {
			t.Fatalf("docx: status %d, type %q", res.Status, res.Header.Get("Content-Type"))
		}

		// The channels count in the summary like every other.
		sum := anon.Get(fmt.Sprintf("/api/v1/consultations/%d/summary", id))
		mustContain(t, sum.Body, `"dialogue":1`, `"front":1`)

		// The year's figures for the annual report: one consult matter of art. 25(3), its
		// plan on time to the Council and late to the Front, its report submitted.
		unit, err := st.UnitByCode(ctx, "A")
		if err != nil {
			t.Fatal(err)
		}
		f, err := env.App.PlanYearFigures(ctx, []int64{unit.ID}, 2026)
		if err != nil {
			t.Fatal(err)
		}
		want := app.SendingCounts{OnTime: 1}
		if f.ConsultMatters != 1 || f.ByTopic[2].N != 1 || f.TopicNotStated != 0 || f.Council != want ||
			f.Front != (app.SendingCounts{Late: 1}) || f.ResultsPublished != 1 || f.CouncilReportsSubmitted != 1 || f.CouncilReportsPending != 0 {
			t.Errorf("figures %+v", f)
		}
		if f, _ = env.App.PlanYearFigures(ctx, []int64{unit.ID}, 2027); f.ConsultMatters != 0 || f.CouncilReportsSubmitted != 0 {
			t.Errorf("2027 figures %+v, want none", f)
		}
	})
}
