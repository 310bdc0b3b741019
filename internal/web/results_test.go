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

// TestAnswersAndResults closes a consultation, answers its opinions (one alone, two as a
// group), and publishes the results: refused while one has no answer, then every commenter
// sees the answer with their tracking code, and the public page shows it under the opinion.
func TestAnswersAndResults(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		env.App.MailEnabled = true
		ctx := context.Background()
		c := env.OpenConsultation(t)
		var codes []string
		var ids []string
		contacts := []string{"lan.tran@example.vn", "0912 345 678", ""}
		for i, body := range []string{"Đề nghị cho cưới hai ngày.", "Cưới hai ngày mới đủ cho họ hàng ở xa.", "Nên có đèn đường ở ngõ 4."} {
			r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "disagree", Body: body, Contact: contacts[i], Consent: contacts[i] != ""}, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, approve()); err != nil {
				t.Fatal(err)
			}
			codes, ids = append(codes, r.Opinion.TrackingCode), append(ids, fmt.Sprint(r.Opinion.ID))
		}
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		page := fmt.Sprintf("/staff/consultations/%d", c.ID)

		// Answers wait for the close.
		if _, err := env.App.Answer(ctx, env.OfficialA, c.ID, app.NewResponse{OpinionIDs: []int64{1}, Kind: "noted", Text: "Sớm quá"}); !domain.IsCode(err, domain.CodeConflict) {
			t.Fatalf("answer while open: %v", err)
		}
		// Closed once the period has run out, the official confirming it on its page.
		realNow := env.App.Now
		env.App.Now = func() time.Time { return c.ClosesAt }
		if res := official.Submit(page+"/close", page+"/close", url.Values{"confirm": {"yes"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("close: %d", res.Status)
		}
		env.App.Now = realNow
		sheet := page + "/answers"
		mustContain(t, official.Get(sheet).Body, "Còn 3 trong 3 ý kiến chưa được trả lời")
		res := official.Submit(sheet, sheet, url.Values{"ids": {ids[0], ids[1]}, "kind": {"explained"},
			"text": {"Việc cưới vẫn một ngày để tiết kiệm; họ hàng ở xa có thể đến dự lễ chính."}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("answer group: %d\n%s", res.Status, res.Body)
		}
		mustContain(t, official.Get(sheet).Body, "Đã lưu trả lời cho 2 ý kiến.", "Còn 1 trong 3 ý kiến")

		refused := official.Submit(page, page+"/results", url.Values{})
		if refused.Status != http.StatusConflict {
			t.Fatalf("results with an unanswered opinion: %d", refused.Status)
		}
		mustContain(t, refused.Body, "Còn 1 ý kiến chưa được trả lời")

		other := env.NewBrowser(t)
		other.Login("official.b@example.vn")
		if res := other.Submit("/staff", sheet, url.Values{"ids": {ids[2]}, "kind": {"accepted"}, "text": {"Không phải xã tôi"}}); res.Status != http.StatusForbidden {
			t.Fatalf("official of another commune answered: %d", res.Status)
		}
		// The tracking page does not show an answer before the results are published.
		mustNotContain(t, env.NewBrowser(t).Get("/track/"+codes[0]).Body, "họ hàng ở xa có thể đến dự lễ chính")

		res = official.Submit(sheet, sheet, url.Values{"ids": {ids[2]}, "kind": {"accepted"}, "text": {"Thôn sẽ lắp đèn ở ngõ 4 trong quý tới."}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("answer: %d", res.Status)
		}
		if res := official.Submit(page, page+"/results", url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("publish results: %d\n%s", res.Status, res.Body)
		}

		resident := env.NewBrowser(t)
		mustContain(t, resident.Get("/track/"+codes[1]).Body, "Giải trình", "họ hàng ở xa có thể đến dự lễ chính")
		mustContain(t, resident.Get("/track/"+codes[2]).Body, "Tiếp thu", "Thôn sẽ lắp đèn ở ngõ 4")
		public := resident.Get(fmt.Sprintf("/c/%d", c.ID)).Body
		mustContain(t, public, "Đã công bố kết quả", "Thôn sẽ lắp đèn ở ngõ 4")
		api := resident.Get("/api/v1/opinions/" + codes[2])
		if !strings.Contains(api.Body, `"kind":"accepted"`) {
			t.Fatalf("API tracking view lacks the answer: %s", api.Body)
		}

		// Notices wait in the outbox: the commune's official and admin, and the one commenter
		// who left an e-mail address and agreed to be contacted; not the phone, not commune B.
		rows, err := st.SQLDB().QueryContext(ctx, "SELECT to_addr, body FROM outbox WHERE kind = 'results' ORDER BY to_addr")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var to []string
		for rows.Next() {
			var addr, body string
			if err := rows.Scan(&addr, &body); err != nil {
				t.Fatal(err)
			}
			to = append(to, addr)
			if addr == "lan.tran@example.vn" && !strings.Contains(body, codes[0]) {
				t.Errorf("resident notice lacks the tracking code: %s", body)
			}
		}
		if strings.Join(to, ",") != "lan.tran@example.vn,official.a@example.vn" {
			t.Fatalf("notices to %v", to)
		}
	})
}
