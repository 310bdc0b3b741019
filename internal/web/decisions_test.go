package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// provincialOpinion is one opinion of the multi-commune fixture below.
type provincialOpinion struct {
	article string // heading prefix of the article, "" for the draft as a whole
	village string
	stance  string
	body    string
}

// provincialOpinions are the opinions on a draft of province P, which covers commune A
// (villages A1, A2) and commune B (village B1). Hand-counted:
//   - Điều 5: 3 opinions, 2 disagree (A1, A2), 1 agree (B1): the majority disagrees.
//   - Điều 1: 2 opinions, both agree (B1, A1): the majority agrees.
//   - the draft as a whole: 2 "other" (A1, and one that named no village).
//
// By commune: A 4 (A1 3, A2 1), B 2, no village 1; in all 7: 3 agree, 2 disagree, 2 other.
var provincialOpinions = []provincialOpinion{
	{"Điều 5", "A1", "disagree", "Cưới hai ngày mới đủ cho họ hàng ở xa."},
	{"Điều 5", "A2", "disagree", "Nên cho phép cưới hai ngày."},
	{"Điều 5", "B1", "agree", "Một ngày là hợp lý ở Bản Nà."},
	{"Điều 1", "B1", "agree", "Phạm vi như vậy là rõ ràng."},
	{"Điều 1", "A1", "agree", "Đồng ý với phạm vi của quy ước."},
	{"", "A1", "other", "Nên họp thôn để bàn thêm."},
	{"", "", "other", "Tôi ở nơi khác nhưng quan tâm."},
}

// TestDecisionsSlicesAndCommunePages takes a consultation of the province through to
// published results: the decision on each article (a decision against the majority is
// refused without a reason, art. 28(4)), publication refused until every article with
// opinions has one, then the public report with its communes, each commune's slice on the
// web and in a spreadsheet, and the communes' own pages.
func TestDecisionsSlicesAndCommunePages(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		officialP := testutil.AddStaff(t, env.Fixture, "official.p@example.vn", "official", "P")
		opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
		c, err := env.App.CreateConsultation(ctx, officialP, app.NewConsultation{
			Title: "Dự thảo quy ước chung của tỉnh", Kind: "quy_uoc", UnitCode: "P", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
		})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = env.App.Publish(ctx, officialP, c.ID); err != nil {
			t.Fatal(err)
		}
		article := func(prefix string) *domain.Section {
			for i := range c.Sections {
				if strings.HasPrefix(c.Sections[i].Heading, prefix) {
					return &c.Sections[i]
				}
			}
			t.Fatalf("no article %q", prefix)
			return nil
		}
		d1, d5 := article("Điều 1"), article("Điều 5")
		var ids []int64
		for _, o := range provincialOpinions {
			in := app.NewOpinion{Stance: o.stance, Body: o.body, VillageCode: o.village}
			if o.article != "" {
				sid := article(o.article).ID
				in.SectionID = &sid
			}
			r, err := env.App.SubmitOpinion(ctx, c.ID, in, "")
			if err != nil {
				t.Fatalf("submit %q: %v", o.body, err)
			}
			if _, err := env.App.Moderate(ctx, env.Admin, r.Opinion.ID, approve()); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.Opinion.ID)
		}
		env.CloseAtEnd(t, officialP, c)
		if _, err := env.App.Answer(ctx, officialP, c.ID, app.NewResponse{OpinionIDs: ids, Kind: "noted", Text: "Ban soạn thảo ghi nhận các ý kiến."}); err != nil {
			t.Fatal(err)
		}

		official := env.NewBrowser(t)
		official.Login("official.p@example.vn")
		page := fmt.Sprintf("/staff/consultations/%d", c.ID)
		sheet := page + "/decisions"

		// The report is not public before the results are; staff who oversee it read it.
		for _, path := range []string{"/c/%d/report", "/api/v1/consultations/%d/report"} {
			if res := env.NewBrowser(t).Get(fmt.Sprintf(path, c.ID)); res.Status != http.StatusNotFound {
				t.Fatalf("%s before results: %d", path, res.Status)
			}
		}
		if res := official.Get(fmt.Sprintf("/api/v1/consultations/%d/report", c.ID)); res.Status != http.StatusOK {
			t.Fatalf("report JSON for staff before results: %d", res.Status)
		}

		// Publishing waits for a decision on both articles that received opinions.
		refused := official.Submit(page, page+"/results", url.Values{})
		if refused.Status != http.StatusConflict {
			t.Fatalf("publish without decisions: %d", refused.Status)
		}
		mustContain(t, refused.Body, "Còn 2 điều, khoản có ý kiến chưa có quyết định")

		body := official.Get(sheet).Body
		mustContain(t, body, "Đa số ý kiến không đồng ý với nội dung này.", "Đa số ý kiến đồng ý với nội dung này.",
			"Còn 2 phần chưa có quyết định")

		// Keeping Điều 5 as drafted goes against the majority (2 of 3 disagree): refused
		// without a reason, the choice kept on the form, the message beside the field.
		res := official.Submit(sheet, sheet, url.Values{"section_id": {fmt.Sprint(d5.ID)}, "decision": {"kept"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("decision against the majority without a reason: %d\n%s", res.Status, res.Body)
		}
		reasonField := fmt.Sprintf("reason-%d", d5.ID)
		mustContain(t, res.Body, "Quyết định này khác ý kiến của đa số (2 trên 3 ý kiến); hãy nêu rõ lý do.",
			`id="e-`+reasonField+`"`, `aria-describedby="e-`+reasonField+`"`, `value="kept" checked`)
		if n := countRows(t, st, "article_decisions", fmt.Sprintf("consultation_id = %d", c.ID)); n != 0 {
			t.Fatalf("a refused decision was stored: %d rows", n)
		}
		reason := "Giữ một ngày để các hộ tiết kiệm; họ hàng ở xa dự lễ chính."
		for _, form := range []url.Values{
			{"section_id": {fmt.Sprint(d5.ID)}, "decision": {"kept"}, "reason": {reason}},
			{"section_id": {fmt.Sprint(d1.ID)}, "decision": {"kept"}}, // with the majority: no reason needed
		} {
			if res := official.Submit(sheet, sheet, form); res.Status != http.StatusSeeOther {
				t.Fatalf("decide %v: %d\n%s", form, res.Status, res.Body)
			}
		}
		mustContain(t, official.Get(sheet).Body, "Mọi điều, khoản có ý kiến đã có quyết định.")
		if res := official.Submit(page, page+"/results", url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("publish results: %d\n%s", res.Status, res.Body)
		}
		// Decisions are closed with the results.
		if _, err := env.App.DecideArticle(ctx, officialP, c.ID, app.NewDecision{SectionID: d1.ID, Decision: "removed", Reason: "Muộn"}); !domain.IsCode(err, domain.CodeConflict) {
			t.Fatalf("decision after results: %v", err)
		}

		// The public report: totals, communes with links to their slices, the decision and
		// its reason, and never a contact.
		resident := env.NewBrowser(t)
		public := resident.Get(fmt.Sprintf("/c/%d", c.ID)).Body
		mustContain(t, public, fmt.Sprintf(`href="/c/%d/report"`, c.ID), `id="chart-communes"`,
			"Ý kiến theo xã, phường, đặc khu: Xã An Bình: 4 (57,1%); Xã Bắc Sơn: 2 (28,6%).")
		whole := resident.Get(fmt.Sprintf("/c/%d/report", c.ID))
		if whole.Status != http.StatusOK {
			t.Fatalf("public report: %d", whole.Status)
		}
		mustContain(t, whole.Body, "Ý kiến theo xã, phường, đặc khu",
			fmt.Sprintf(`<a href="/c/%d/report?unit=A">Xã An Bình</a></th><td class="num">4</td>`, c.ID),
			fmt.Sprintf(`<a href="/c/%d/report?unit=B">Xã Bắc Sơn</a></th><td class="num">2</td>`, c.ID),
			`Không ghi thôn, tổ dân phố</th><td class="num">1</td>`,
			"Giữ nguyên. Lý do: "+reason, "Cưới hai ngày mới đủ", "Một ngày là hợp lý ở Bản Nà")
		mustContain(t, whole.Body, `<th scope="row">Tổng số</th><td class="num">7</td>`)

		// Commune A's slice: its four opinions only, counted as such.
		sliceA := resident.Get(fmt.Sprintf("/c/%d/report?unit=A", c.ID))
		if sliceA.Status != http.StatusOK {
			t.Fatalf("slice A: %d", sliceA.Status)
		}
		mustContain(t, sliceA.Body, "Phần của Xã An Bình", "Cưới hai ngày mới đủ", "Nên cho phép cưới hai ngày.",
			`<th scope="row">Tổng số</th><td class="num">4</td>`, "Giữ nguyên. Lý do: "+reason)
		mustNotContain(t, sliceA.Body, "Một ngày là hợp lý ở Bản Nà", "Phạm vi như vậy là rõ ràng", "Tôi ở nơi khác")
		sliceB := resident.Get(fmt.Sprintf("/c/%d/report?unit=B", c.ID))
		mustContain(t, sliceB.Body, "Phần của Xã Bắc Sơn", "Một ngày là hợp lý ở Bản Nà", `<th scope="row">Tổng số</th><td class="num">2</td>`)
		mustNotContain(t, sliceB.Body, "Cưới hai ngày mới đủ")
		for _, bad := range []string{"B1", "ZZZ", "P"} { // a village, an unknown code, the province itself
			if res := resident.Get(fmt.Sprintf("/c/%d/report?unit=%s", c.ID, bad)); res.Status != http.StatusNotFound {
				t.Errorf("slice %s: %d, want 404", bad, res.Status)
			}
		}

		// The slice as a spreadsheet: the commune's rows only, with the decision columns.
		xlsx := resident.Get(fmt.Sprintf("/c/%d/report.xlsx?unit=B", c.ID))
		if xlsx.Status != http.StatusOK || !strings.Contains(xlsx.Header.Get("Content-Disposition"), "xa-bac-son.xlsx") {
			t.Fatalf("slice xlsx: %d %q", xlsx.Status, xlsx.Header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(strings.NewReader(xlsx.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 { // the header, Điều 1 and Điều 5 (one group each)
			t.Fatalf("slice B rows: %d\n%v", len(rows), rows)
		}
		if h := rows[0]; h[len(h)-3] != "Quyết định" || h[len(h)-2] != "Lý do quyết định" || h[len(h)-1] != "Thời gian lấy ý kiến" {
			t.Fatalf("header: %v", h)
		}
		var found bool
		for _, r := range rows[1:] {
			if strings.Contains(r[5], "Một ngày là hợp lý") {
				found = true
				if r[len(r)-3] != "Giữ nguyên" || r[len(r)-2] != reason {
					t.Errorf("decision cells: %v", r[len(r)-3:])
				}
			}
		}
		if !found {
			t.Fatalf("B1's opinion is not in the slice: %v", rows)
		}
		csv := resident.Get(fmt.Sprintf("/c/%d/report.csv?unit=A", c.ID))
		mustContain(t, csv.Body, "Cưới hai ngày mới đủ")
		mustNotContain(t, csv.Body, "Bản Nà")

		// The summary API counts by commune as the report does.
		sum := resident.Get(fmt.Sprintf("/api/v1/consultations/%d/summary", c.ID))
		var got struct {
			ByCommune []struct {
				Code  string `json:"code"`
				Total int    `json:"total"`
			} `json:"by_commune"`
		}
		if err := json.Unmarshal([]byte(sum.Body), &got); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got.ByCommune) != "[{A 4} {B 2}]" {
			t.Fatalf("by_commune: %+v", got.ByCommune)
		}

		// The JSON report of commune A's slice.
		var rep struct {
			Slice struct {
				Code  string `json:"code"`
				Total int    `json:"total"`
			} `json:"slice"`
			Communes []struct {
				Code  string `json:"code"`
				Total int    `json:"total"`
			} `json:"communes"`
			Sections []struct {
				SectionID *int64 `json:"section_id"`
				Majority  string `json:"majority"`
				Decision  *struct {
					Decision string `json:"decision"`
					Reason   string `json:"reason"`
				} `json:"decision"`
				Groups []struct {
					Texts    []string `json:"texts"`
					Villages []struct {
						Name  string `json:"name"`
						Count int    `json:"count"`
					} `json:"villages"`
				} `json:"groups"`
			} `json:"sections"`
		}
		if err := json.Unmarshal([]byte(resident.Get(fmt.Sprintf("/api/v1/consultations/%d/report?unit=A", c.ID)).Body), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Slice.Code != "A" || rep.Slice.Total != 4 || fmt.Sprint(rep.Communes) != "[{A 4} {B 2}]" {
			t.Fatalf("report JSON: slice %+v, communes %+v", rep.Slice, rep.Communes)
		}
		for _, sec := range rep.Sections {
			if sec.SectionID != nil && *sec.SectionID == d5.ID {
				if sec.Majority != "disagree" || sec.Decision == nil || sec.Decision.Reason != reason || len(sec.Groups) != 1 ||
					fmt.Sprint(sec.Groups[0].Villages) != "[{Thôn Một 1} {Thôn Hai 1}]" {
					t.Fatalf("Điều 5 in the JSON report: %+v", sec)
				}
			}
		}

		// Each commune's page lists the provincial consultation with its own slice.
		pageA := resident.Get("/u/A")
		if pageA.Status != http.StatusOK {
			t.Fatalf("/u/A: %d", pageA.Status)
		}
		mustContain(t, pageA.Body, "Xã An Bình", "Dự thảo quy ước chung của tỉnh",
			fmt.Sprintf(`href="/c/%d/report?unit=A"`, c.ID), "Xem kết quả của Xã An Bình", `href="/u/P"`, `href="/u/A1"`)
		mustContain(t, resident.Get("/u/B").Body, fmt.Sprintf(`href="/c/%d/report?unit=B"`, c.ID))
		// The province's page links to the whole report.
		mustContain(t, resident.Get("/u/P").Body, fmt.Sprintf(`href="/c/%d/report"`, c.ID))
		if res := resident.Get("/u/KHONGCO"); res.Status != http.StatusNotFound {
			t.Fatalf("unknown unit: %d", res.Status)
		}
	})
}

// TestDecisionReasonFollowsTheCounts: a decision taken with the majority needs a reason once
// the counts turn against it (opinions hidden after the decision), and publication waits for
// that reason.
func TestDecisionReasonFollowsTheCounts(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		c := env.OpenConsultation(t)
		d5 := c.Sections[len(c.Sections)-1]
		var ids []int64
		for i, stance := range []string{"agree", "agree", "disagree"} {
			sid := d5.ID
			r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: stance, Body: fmt.Sprintf("Ý kiến số %d về việc cưới", i+1), SectionID: &sid}, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, approve()); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.Opinion.ID)
		}
		env.CloseAtEnd(t, env.OfficialA, c)
		if _, err := env.App.Answer(ctx, env.OfficialA, c.ID, app.NewResponse{OpinionIDs: ids, Kind: "noted", Text: "Đã ghi nhận."}); err != nil {
			t.Fatal(err)
		}
		// 2 of 3 agree: amending needs a reason, keeping does not.
		if _, err := env.App.DecideArticle(ctx, env.OfficialA, c.ID, app.NewDecision{SectionID: d5.ID, Decision: "amended"}); !domain.IsCode(err, domain.CodeInvalid) {
			t.Fatalf("amend against the majority without a reason: %v", err)
		}
		if _, err := env.App.DecideArticle(ctx, env.OfficialA, c.ID, app.NewDecision{SectionID: d5.ID, Decision: "kept"}); err != nil {
			t.Fatal(err)
		}
		// Both agreeing opinions are hidden: the one left disagrees, so "kept" now goes
		// against the majority and publication asks for the reason.
		for _, id := range ids[:2] {
			if _, err := env.App.Moderate(ctx, env.ModeratorA, id, app.Decision{Decision: "hide", Reason: "spam"}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := env.App.PublishResults(ctx, env.OfficialA, c.ID)
		if de := domain.AsError(err); de.Code != domain.CodeConflict || de.Message.Key != "error.decision_reasons" {
			t.Fatalf("publish with a decision that lost its majority: %v", err)
		}
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		mustContain(t, official.Get(fmt.Sprintf("/staff/consultations/%d/decisions", c.ID)).Body,
			"Quyết định này khác ý kiến đa số nhưng chưa nêu lý do.")
		if _, err := env.App.DecideArticle(ctx, env.OfficialA, c.ID, app.NewDecision{SectionID: d5.ID, Decision: "kept", Reason: "Quy định chung của tỉnh."}); err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.PublishResults(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatalf("publish with the reason stated: %v", err)
		}
	})
}
