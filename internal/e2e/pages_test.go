package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestEveryPageIsAccessible opens the pages the resident, official and moderator paths do
// not reach, with real data on them, through a consultation's whole life: each must fit the
// phone and pass axe-core (checkPhone). A new page belongs in this list; one that needs
// other data can get a test of its own calling tb.checkPhone.
func TestEveryPageIsAccessible(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		art5 := testutil.Section(t, c, "c2.d5")
		submit := func(in app.NewOpinion) *app.Receipt {
			t.Helper()
			r, err := env.App.SubmitOpinion(ctx, c.ID, in, "")
			if err != nil {
				t.Fatalf("opinion %q: %v", in.Body, err)
			}
			return r
		}
		moderate := func(r *app.Receipt, d app.Decision) {
			t.Helper()
			if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, d); err != nil {
				t.Fatalf("%s %q: %v", d.Decision, r.Opinion.Body, err)
			}
		}
		approve := app.Decision{Decision: "approve"}
		moderate(submit(app.NewOpinion{Stance: "agree", Body: "Đồng ý cưới một ngày cho tiết kiệm.", SectionID: &art5.ID, VillageCode: "A1"}), approve)
		moderate(submit(app.NewOpinion{Stance: "disagree", Body: "Nên cho phép hai ngày với gia đình ở xa.", SectionID: &art5.ID,
			VillageCode: "A2", AuthorName: "Trần Thị Hoa", ShowName: true}), approve)
		moderate(submit(app.NewOpinion{Stance: "other", Body: "Cần họp thôn để bàn thêm về toàn bộ dự thảo."}), approve)
		rejected := submit(app.NewOpinion{Stance: "other", Body: "Quảng cáo bán hàng giá rẻ."})
		moderate(rejected, app.Decision{Decision: "reject", Reason: "off_topic"})
		// Waiting, with automatic flags (a phone number, a link) for the queue to show.
		submit(app.NewOpinion{Stance: "agree", Body: "Gọi tôi số 0912 345 678 hoặc xem http://example.com nhé.", SectionID: &art5.ID})

		// An entry of the register of disclosures, posted today for 30 days.
		today := time.Now().In(domain.Zone)
		disc, err := env.App.CreateDisclosure(ctx, env.OfficialA, app.DisclosureInput{UnitCode: "A", Category: 2,
			Title: "Dự toán ngân sách xã năm 2027", Body: "Dự toán thu, chi ngân sách xã.", DocNumber: "15/NQ-HĐND",
			DocDate: today.Format(time.DateOnly), DocIssuer: "Hội đồng nhân dân xã An Bình",
			PostedFrom: today.Format(time.DateOnly), PostedUntil: today.AddDate(0, 0, 30).Format(time.DateOnly),
			Forms: []string{"notice_board", "portal"}})
		if err != nil {
			t.Fatal(err)
		}

		// A citizens' initiative of village A1, approved, with the household codes issued.
		codes, err := env.App.IssueHouseholdCodes(ctx, env.OfficialA, "A1", "")
		if err != nil {
			t.Fatal(err)
		}
		ini, err := env.App.ProposeInitiative(ctx, nil, "A1", app.NewInitiative{Kind: "charter", Title: "Sửa quy ước về giờ giữ trật tự",
			Body: "Đề nghị sửa Điều 5: giữ trật tự sau 22 giờ.", LastDay: time.Now().In(domain.Zone).AddDate(0, 0, 30).Format(time.DateOnly), Code: codes.Codes[0].Code})
		if err != nil {
			t.Fatal(err)
		}
		if err := env.App.ModerateInitiative(ctx, env.ModeratorA, ini.ID, app.InitiativeModeration{Decision: "approve"}); err != nil {
			t.Fatal(err)
		}

		dlg := seedDialogue(t, env)
		resident := newTab(t, browser, env.URL)
		for _, p := range []struct {
			name, path string
			status     int64
		}{
			{"unit", "/u/A", 200},
			{"disclosures", "/u/A/disclosures", 200},
			{"disclosure", fmt.Sprintf("/disclosures/%d", disc.ID), 200},
			{"disclosures-quarterly", "/u/A/disclosures/quarterly", 200},
			{"disclosures-quarterly-printable", "/u/A/disclosures/quarterly/print", 200},
			{"initiatives", "/u/A1/initiatives", 200},
			{"initiative", fmt.Sprintf("/initiatives/%d", ini.ID), 200},
			{"initiative-form-printable", fmt.Sprintf("/initiatives/%d/form", ini.ID), 200},
			{"annual-commune", "/units/A/annual/2026", 200},
			{"annual-province", "/units/P/annual/2026", 200},
			{"annual-printable", "/units/A/annual/2026/print", 200},
			{"opinions-all", fmt.Sprintf("/c/%d/opinions", c.ID), 200},
			{"opinions-article", fmt.Sprintf("/c/%d/opinions?section=%d", c.ID, art5.ID), 200},
			{"opinions-general", fmt.Sprintf("/c/%d/opinions?section=none", c.ID), 200},
			{"changes", fmt.Sprintf("/c/%d/changes", c.ID), 200},
			{"notice-printable", fmt.Sprintf("/c/%d/notice", c.ID), 200},
			{"household-form-printable", fmt.Sprintf("/c/%d/form", c.ID), 200},
			{"track-rejected", "/track/" + rejected.Opinion.TrackingCode, 200},
			{"track-unknown-code", "/track?code=00000-00000", 404},
			{"track-bad-code", "/track?code=abc", 422},
			{"login", "/login", 200},
			{"dialogues", "/u/A/dialogues", 200},
			{"dialogue", fmt.Sprintf("/d/%d", dlg.ID), 200},
			{"dialogue-ask", fmt.Sprintf("/d/%d/ask", dlg.ID), 200},
			{"dialogue-track", "/d/track/" + dlg.Code, 200},
			{"dialogue-minutes", fmt.Sprintf("/d/%d/minutes", dlg.ID), 200},
		} {
			res := get(resident, chromedp.NavigateResponse(resident.base+p.path), "open "+p.path)
			resident.wantStatus(res, p.status, "GET "+p.path)
			resident.checkPhone(p.name)
			// Every public page a resident opens on a phone keeps to the page budget, not only
			// the consultation page TestConsultationPageWeight fills to the brim.
			if p.status == 200 {
				if page := fetchCompressed(t, env.URL+p.path); page.wire > pageBudget {
					t.Errorf("%s weighs %d bytes compressed, over the budget of %d", p.path, page.wire, pageBudget)
				}
			}
		}

		admin := newTab(t, browser, env.URL)
		login(admin, "admin@example.vn")
		staffPages := func(pages ...string) {
			t.Helper()
			for _, p := range pages {
				admin.open(p)
				admin.checkPhone(pageName(p))
			}
		}
		staffPages("/staff", "/staff/inbox", "/staff/oversight", "/staff/audit", "/staff/moderation", "/staff/moderation/log",
			"/staff/admin/staff", fmt.Sprintf("/staff/admin/staff/%d", env.OfficialA.StaffID), "/staff/admin/units",
			"/staff/account/totp", "/staff/consultations/new", "/staff/satisfaction", "/staff/charters?unit=A", "/staff/annual", fmt.Sprintf("/staff/consultations/%d", c.ID),
			fmt.Sprintf("/staff/consultations/%d/versions/new", c.ID), fmt.Sprintf("/staff/consultations/%d/offline", c.ID),
			"/staff/disclosures", "/staff/disclosures/new", fmt.Sprintf("/staff/disclosures/%d/edit", disc.ID),
			"/staff/initiatives", fmt.Sprintf("/staff/initiatives/%d", ini.ID), "/staff/initiatives/codes?village=A1",
			"/staff/dialogues", fmt.Sprintf("/staff/dialogues/%d", dlg.ID))

		// Closed: answers and decisions are made on their pages.
		env.CloseAtEnd(t, env.OfficialA, c)
		staffPages(fmt.Sprintf("/staff/consultations/%d", c.ID), fmt.Sprintf("/staff/consultations/%d/answers", c.ID),
			fmt.Sprintf("/staff/consultations/%d/decisions", c.ID), fmt.Sprintf("/staff/consultations/%d/villages", c.ID),
			fmt.Sprintf("/staff/consultations/%d/recognition", c.ID))

		// Answered, decided and published: the consolidated report, for staff and public.
		sheet, _, err := env.App.AnswerSheet(ctx, env.OfficialA, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range sheet {
			if _, err := env.App.Answer(ctx, env.OfficialA, c.ID, app.NewResponse{OpinionIDs: []int64{o.ID}, Kind: "accepted",
				Text: "Ban soạn thảo tiếp thu ý kiến này."}); err != nil {
				t.Fatalf("answer %d: %v", o.ID, err)
			}
		}
		if _, err := env.App.DecideArticle(ctx, env.OfficialA, c.ID, app.NewDecision{SectionID: art5.ID, Decision: "amended",
			Reason: "Cho phép hai ngày với gia đình ở xa."}); err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.PublishResults(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatalf("publish results: %v", err)
		}
		staffPages(fmt.Sprintf("/staff/consultations/%d", c.ID), fmt.Sprintf("/staff/consultations/%d/report", c.ID))
		for _, p := range []string{fmt.Sprintf("/c/%d", c.ID), fmt.Sprintf("/c/%d/report", c.ID), fmt.Sprintf("/c/%d/report?lang=en", c.ID),
			"/track/" + rejected.Opinion.TrackingCode + "?lang=vi"} {
			resident.open(p)
			resident.checkPhone(pageName(p))
		}

		// A consult matter of the commune (Law 10/2022 art. 25): its plan (art. 28(1)) and the
		// report on its results to the People's Council (art. 28(5)), for staff and residents.
		plan := consultMatterWithReport(t, env)
		staffPages(fmt.Sprintf("/staff/consultations/%d", plan), fmt.Sprintf("/staff/consultations/%d/plan", plan),
			fmt.Sprintf("/staff/consultations/%d/council-report", plan))
		for _, p := range []string{fmt.Sprintf("/c/%d", plan), fmt.Sprintf("/c/%d/council-report", plan)} {
			resident.open(p)
			resident.checkPhone(pageName(p))
		}
	})
}

// pageName turns a path into a screenshot name: "/staff/consultations/3/report" gives
// "staff-consultations-N-report".
func pageName(path string) string {
	var out []rune
	digits := false
	for _, r := range path {
		switch {
		case r >= '0' && r <= '9':
			if !digits {
				out = append(out, 'N')
			}
			digits = true
			continue
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			out = append(out, r)
		default:
			if len(out) > 0 && out[len(out)-1] != '-' {
				out = append(out, '-')
			}
		}
		digits = false
	}
	for len(out) > 0 && out[len(out)-1] == '-' {
		out = out[:len(out)-1]
	}
	return string(out)
}

// consultMatterWithReport makes a consult matter of commune A (art. 25(1)) whose results are
// published, its plan sent and its report submitted to the Council today.
func consultMatterWithReport(t *testing.T, env *testutil.Env) int64 {
	t.Helper()
	ctx := context.Background()
	opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 25))
	c, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{Title: "Kế hoạch phát triển kinh tế - xã hội năm 2027",
		Kind: "plan", Topic: 1, UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(domain.Zone).Format(time.DateOnly)
	if _, err := env.App.RecordPlan(ctx, env.OfficialA, c.ID, app.PlanInput{CouncilSentOn: &today, FrontSentOn: &today}); err != nil {
		t.Fatal(err)
	}
	env.CloseAtEnd(t, env.OfficialA, c)
	if _, err := env.App.PublishResults(ctx, env.OfficialA, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.RecordCouncilReport(ctx, env.OfficialA, c.ID, app.CouncilReportInput{SubmittedOn: today}); err != nil {
		t.Fatal(err)
	}
	return c.ID
}
