package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/testutil"
)

type planBody struct {
	ConsultationID    int64   `json:"consultation_id"`
	Topic             *int    `json:"topic"`
	PublishedOn       *string `json:"published_on"`
	CouncilSentOn     *string `json:"council_sent_on"`
	FrontSentOn       *string `json:"front_sent_on"`
	CouncilSending    string  `json:"council_sending"`
	FrontSending      string  `json:"front_sending"`
	ReportOpen        bool    `json:"report_open"`
	ReportSubmittedOn *string `json:"report_submitted_on"`
}

// TestConsultationTopicAndPlanAPI: the item of Law 10/2022 art. 25 is read and written with
// the consultation; the plan's days (art. 28(1)) and the Council report's submission (art.
// 28(5), 14(3)) are recorded through their endpoints, with the same rules as the pages.
func TestConsultationTopicAndPlanAPI(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		official := as(t, env, env.OfficialA)
		body := map[string]any{"title": "Phương án đặt tên đường thôn", "kind": "policy", "unit_code": "A",
			"text": testutil.Draft, "opens_at": time.Now().Format(time.DateOnly), "closes_at": time.Now().AddDate(0, 0, 30).Format(time.DateOnly)}
		// A commune's consult matter without its item of art. 25, or with one that is not.
		if msg := wantInvalid(t, official.post(api+"/consultations", body), "topic"); msg != i18n.T(i18n.VI, "plans.validation.topic_required") {
			t.Errorf("missing topic: %q", msg)
		}
		body["topic"] = 7
		wantInvalid(t, official.post(api+"/consultations", body), "topic")
		// A decide matter has no item of art. 25.
		wantInvalid(t, official.post(api+"/consultations", map[string]any{"title": "Hương ước", "kind": "huong_uoc", "unit_code": "A1",
			"text": testutil.Draft, "opens_at": body["opens_at"], "closes_at": time.Now().AddDate(0, 0, 40).Format(time.DateOnly), "topic": 2}), "topic")
		body["topic"] = 4
		created := decodeAs[map[string]any](t, official.post(api+"/consultations", body), http.StatusCreated)
		if created["topic"] != float64(4) {
			t.Fatalf("created topic %v, want 4", created["topic"])
		}
		id := int64(created["id"].(float64))
		patched := decodeAs[map[string]any](t, official.b.JSON(http.MethodPatch, fmt.Sprintf("%s/consultations/%d", api, id), `{"topic":5}`, official.header), http.StatusOK)
		if patched["topic"] != float64(5) {
			t.Fatalf("patched topic %v, want 5", patched["topic"])
		}
		// A village's consult matter may leave it out: null in its JSON.
		village := decodeAs[map[string]any](t, official.post(api+"/consultations", map[string]any{"title": "Góp ý nhà văn hoá thôn", "kind": "other",
			"unit_code": "A1", "text": testutil.Draft, "opens_at": body["opens_at"], "closes_at": body["closes_at"]}), http.StatusCreated)
		if v, present := village["topic"]; !present || v != nil {
			t.Errorf("village topic %v (present %v), want null", v, present)
		}

		ctx := context.Background()
		if _, err := env.App.Publish(ctx, env.OfficialA, id); err != nil {
			t.Fatal(err)
		}
		planPath := fmt.Sprintf("%s/consultations/%d/plan", api, id)
		p := decodeAs[planBody](t, as(t, env, env.ObserverA).get(planPath), http.StatusOK)
		if p.CouncilSending != "missing" || p.FrontSending != "missing" || p.ReportOpen {
			t.Errorf("before sending: %+v", p)
		}
		today := time.Now().In(domain.Zone).Format(time.DateOnly)
		wantInvalid(t, official.post(planPath, map[string]any{"council_sent_on": time.Now().AddDate(0, 0, 2).Format(time.DateOnly)}), "council_sent_on")
		p = decodeAs[planBody](t, official.post(planPath, map[string]any{"council_sent_on": today}), http.StatusOK)
		if p.CouncilSending != "on_time" || p.CouncilSentOn == nil || *p.CouncilSentOn != today || p.FrontSending != "missing" {
			t.Errorf("council sent today: %+v", p)
		}
		// A field left out keeps its day; "" clears it.
		p = decodeAs[planBody](t, official.post(planPath, map[string]any{"front_sent_on": today}), http.StatusOK)
		if p.CouncilSentOn == nil || p.FrontSending != "on_time" {
			t.Errorf("front sent: %+v", p)
		}
		p = decodeAs[planBody](t, official.post(planPath, map[string]any{"front_sent_on": ""}), http.StatusOK)
		if p.FrontSentOn != nil || p.FrontSending != "missing" {
			t.Errorf("front cleared: %+v", p)
		}
		// A consultation that stated no item of art. 25 may state it once with its plan.
		villagePlan := fmt.Sprintf("%s/consultations/%d/plan", api, int64(village["id"].(float64)))
		wantInvalid(t, official.post(villagePlan, map[string]any{"topic": 9}), "topic")
		if p := decodeAs[planBody](t, official.post(villagePlan, map[string]any{"topic": 2}), http.StatusOK); p.Topic == nil || *p.Topic != 2 {
			t.Errorf("stated topic: %+v", p)
		}
		wantError(t, official.post(villagePlan, map[string]any{"topic": 3}), http.StatusConflict, "conflict", "", "plans.error.topic_stated")

		reportPath := fmt.Sprintf("%s/consultations/%d/council-report", api, id)
		wantError(t, official.post(reportPath, map[string]any{"submitted_on": today}), http.StatusConflict, "conflict", "", "plans.error.results_not_published")
		wantError(t, anon(t, env).get(reportPath), http.StatusNotFound, "not_found", "", "")
	})
}
