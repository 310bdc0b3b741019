package web_test

// Citizens' initiatives (Law 10/2022 art. 16(3); Decree 61/2023 art. 7) through the real
// stack on both databases: the threshold of at least 10% of all households at its boundary,
// one support per household across the online and paper channels, the end of the support
// period at midnight, moderation before display, the outcome, the feed and the API.

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

// initiativeWorld is a village of 57 households with its household codes issued.
type initiativeWorld struct {
	env     *testutil.Env
	st      *store.Store
	village string
	codes   []app.IssuedCode
}

func newInitiativeWorld(t *testing.T, st *store.Store, households int) *initiativeWorld {
	t.Helper()
	env := testutil.StartServer(t, st)
	code := fmt.Sprintf("IV%d", households)
	addVillage(t, st, code, "Thôn Sáng Kiến", households)
	sheet, err := env.App.IssueHouseholdCodes(context.Background(), env.OfficialA, code, "")
	if err != nil {
		t.Fatal(err)
	}
	return &initiativeWorld{env: env, st: st, village: code, codes: sheet.Codes}
}

// propose sends a household's proposal from the village's page and returns its ID.
func (w *initiativeWorld) propose(t *testing.T, b *testutil.Browser, serial int, lastDay string) int64 {
	t.Helper()
	page := "/u/" + w.village + "/initiatives"
	res := b.Submit(page, page, url.Values{"kind": {"charter"}, "title": {"Sửa quy ước về giờ giữ trật tự"},
		"body": {"Đề nghị sửa Điều 5 quy ước: giữ trật tự sau 22 giờ."}, "last_day": {lastDay}, "code": {w.codes[serial-1].Code}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("propose: %d %s", res.Status, iniExcerpt(res.Body))
	}
	var id int64
	if err := w.st.SQLDB().QueryRow("SELECT MAX(id) FROM initiatives").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *initiativeWorld) approve(t *testing.T, id int64) {
	t.Helper()
	mod := w.env.NewBrowser(t)
	mod.Login("moderator.a@example.vn")
	p := fmt.Sprintf("/staff/initiatives/%d", id)
	if res := mod.Submit(p, p+"/moderate", url.Values{"decision": {"approve"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", res.Status, iniExcerpt(res.Body))
	}
}

func (w *initiativeWorld) support(t *testing.T, b *testutil.Browser, id int64, serial int) *testutil.Response {
	t.Helper()
	p := fmt.Sprintf("/initiatives/%d", id)
	if !strings.Contains(b.Get(p).Body, `name="_csrf"`) {
		// No form once the period is over: post as a page left open would.
		return b.Do(http.MethodPost, p+"/support", strings.NewReader(url.Values{"code": {w.codes[serial-1].Code}}.Encode()), b.FormHeaders())
	}
	return b.Submit(p, p+"/support", url.Values{"code": {w.codes[serial-1].Code}})
}

func iniExcerpt(s string) string {
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	return s[:min(len(s), 1500)]
}

// A village of 57 households: at least 10% is 5.7, so 6 households. Five supports (the
// proposer's and four more) are not enough; the sixth obliges the village head (Law 10/2022
// art. 16(3)).
func TestInitiativeThresholdAtTheBoundary(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		w := newInitiativeWorld(t, st, 57)
		resident := w.env.NewBrowser(t)
		id := w.propose(t, resident, 1, today(30))

		// Not public before moderation.
		if res := resident.Get(fmt.Sprintf("/initiatives/%d", id)); res.Status != http.StatusNotFound {
			t.Fatalf("pending initiative shown: %d", res.Status)
		}
		if res := resident.Get("/u/" + w.village + "/initiatives"); strings.Contains(res.Body, "Sửa quy ước về giờ") {
			t.Fatal("pending initiative listed")
		}
		w.approve(t, id)

		page := resident.Get(fmt.Sprintf("/initiatives/%d", id))
		for _, want := range []string{"1/6 hộ ủng hộ (thôn có 57 hộ)", "Cần ít nhất 6 hộ, tức ít nhất 10% trong tổng số 57 hộ", "Đang lấy ủng hộ",
			"Hạn lấy ủng hộ: hết ngày " + time.Now().In(domain.Zone).AddDate(0, 0, 30).Format("02/01/2006")} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		// The A4 sheet for paper supports: the document's header, the rule, blank rows only.
		form := resident.Get(fmt.Sprintf("/initiatives/%d/form", id))
		for _, want := range []string{"Cộng hòa xã hội chủ nghĩa Việt Nam", "Độc lập – Tự do – Hạnh phúc", "hộ gia đình ủng hộ đề xuất",
			"Cần ít nhất 6 hộ", "TRƯỞNG THÔN", "Thôn Sáng Kiến"} {
			if form.Status != http.StatusOK || !strings.Contains(form.Body, want) {
				t.Errorf("support sheet lacks %q (%d)", want, form.Status)
			}
		}
		for serial := 2; serial <= 5; serial++ {
			if res := w.support(t, w.env.NewBrowser(t), id, serial); res.Status != http.StatusOK || !strings.Contains(res.Body, "Đã ghi nhận ủng hộ") {
				t.Fatalf("support %d: %d %s", serial, res.Status, iniExcerpt(res.Body))
			}
		}
		page = resident.Get(fmt.Sprintf("/initiatives/%d", id))
		if !strings.Contains(page.Body, "5/6 hộ ủng hộ") || !strings.Contains(page.Body, "Đang lấy ủng hộ") || strings.Contains(page.Body, "Đã đủ số hộ ủng hộ") {
			t.Fatalf("5 of 57 households must not be enough: %s", iniExcerpt(page.Body))
		}
		// The sixth comes on paper, entered by the village's official.
		off := w.env.NewBrowser(t)
		off.Login("official.a@example.vn")
		sp := fmt.Sprintf("/staff/initiatives/%d", id)
		if res := off.Submit(sp, sp+"/supports", url.Values{"households": {"6"}, "signed_on": {today(0)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("paper support: %d %s", res.Status, iniExcerpt(res.Body))
		}
		page = resident.Get(fmt.Sprintf("/initiatives/%d", id))
		if !strings.Contains(page.Body, "6/6 hộ ủng hộ") || !strings.Contains(page.Body, "Đã đủ số hộ ủng hộ") ||
			!strings.Contains(page.Body, "Trực tuyến: 5 · Bằng giấy: 1") {
			t.Fatalf("6 of 57 households must be enough: %s", iniExcerpt(page.Body))
		}
		if n := testutil.CountRows(t, st, "initiatives", fmt.Sprintf("id = %d AND reached_at IS NOT NULL", id)); n != 1 {
			t.Errorf("reached_at not kept")
		}
	})
}

// One household, one support: online then paper, and paper then online, are both refused
// with a message naming the household and the first support; nothing is counted twice.
func TestInitiativeOneSupportPerHousehold(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		w := newInitiativeWorld(t, st, 40)
		id := w.propose(t, w.env.NewBrowser(t), 1, today(10))
		w.approve(t, id)
		// The proposer supports again online.
		res := w.support(t, w.env.NewBrowser(t), id, 1)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Hộ số 1 đã ủng hộ đề xuất này trực tuyến") {
			t.Fatalf("second online support: %d %s", res.Status, iniExcerpt(res.Body))
		}
		if res := w.support(t, w.env.NewBrowser(t), id, 2); res.Status != http.StatusOK {
			t.Fatalf("support 2: %d", res.Status)
		}
		off := w.env.NewBrowser(t)
		off.Login("official.a@example.vn")
		sp := fmt.Sprintf("/staff/initiatives/%d", id)
		// Household 2 already supported online: the whole batch is refused.
		res = off.Submit(sp, sp+"/supports", url.Values{"households": {"3, 2"}, "signed_on": {today(0)}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Hộ số 2 đã ủng hộ đề xuất này trực tuyến") {
			t.Fatalf("paper after online: %d %s", res.Status, iniExcerpt(res.Body))
		}
		if n := testutil.CountRows(t, st, "initiative_supports", fmt.Sprintf("initiative_id = %d", id)); n != 2 {
			t.Fatalf("%d supports stored after a refused batch, want 2", n)
		}
		if res := off.Submit(sp, sp+"/supports", url.Values{"households": {"3-4"}, "signed_on": {today(0)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("paper 3-4: %d %s", res.Status, iniExcerpt(res.Body))
		}
		// Household 4 signed on paper, then tries online.
		res = w.support(t, w.env.NewBrowser(t), id, 4)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Hộ số 4 đã ủng hộ đề xuất này bằng giấy") {
			t.Fatalf("online after paper: %d %s", res.Status, iniExcerpt(res.Body))
		}
		// A household number beyond the village's households is refused.
		res = off.Submit(sp, sp+"/supports", url.Values{"households": {"41"}, "signed_on": {today(0)}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "mỗi số từ 1 đến 40") {
			t.Fatalf("household 41 of 40: %d %s", res.Status, iniExcerpt(res.Body))
		}
		var online, paper int
		if err := st.SQLDB().QueryRow("SELECT supports_online, supports_paper FROM initiatives WHERE id = "+fmt.Sprint(id)).Scan(&online, &paper); err != nil {
			t.Fatal(err)
		}
		if online != 2 || paper != 2 {
			t.Fatalf("counts online %d, paper %d; want 2 and 2", online, paper)
		}
		// A code of another village is unknown here.
		res = w.env.NewBrowser(t).Submit(fmt.Sprintf("/initiatives/%d", id), fmt.Sprintf("/initiatives/%d/support", id), url.Values{"code": {"7K3M9-QXP2D-4HT8W"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Không có mã hộ gia đình này") {
			t.Fatalf("unknown code: %d", res.Status)
		}
	})
}

// The support period ends at the midnight after its last day: a support at 23:59 of the
// last day counts, one at 00:00 the next day is refused, and below the threshold the
// initiative has lapsed.
func TestInitiativeSupportPeriodEndsAtMidnight(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		w := newInitiativeWorld(t, st, 120)
		id := w.propose(t, w.env.NewBrowser(t), 1, today(3))
		w.approve(t, id)
		last := domain.StartOfDay(time.Now()).AddDate(0, 0, 3)
		w.env.App.Now = func() time.Time { return last.Add(23*time.Hour + 59*time.Minute).UTC() }
		if res := w.support(t, w.env.NewBrowser(t), id, 2); res.Status != http.StatusOK {
			t.Fatalf("support at 23:59 of the last day: %d %s", res.Status, iniExcerpt(res.Body))
		}
		w.env.App.Now = func() time.Time { return last.AddDate(0, 0, 1).UTC() }
		res := w.support(t, w.env.NewBrowser(t), id, 3)
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, "không còn nhận ủng hộ") {
			t.Fatalf("support at midnight after the last day: %d %s", res.Status, iniExcerpt(res.Body))
		}
		page := w.env.NewBrowser(t).Get(fmt.Sprintf("/initiatives/%d", id))
		if !strings.Contains(page.Body, "Hết hạn, chưa đủ số hộ ủng hộ") || !strings.Contains(page.Body, "2/12 hộ") {
			t.Fatalf("lapsed page: %s", iniExcerpt(page.Body))
		}
		// A paper signed on the last day may still be entered; one signed after may not.
		off := w.env.NewBrowser(t)
		off.Login("official.a@example.vn")
		sp := fmt.Sprintf("/staff/initiatives/%d", id)
		if res := off.Submit(sp, sp+"/supports", url.Values{"households": {"9"}, "signed_on": {last.AddDate(0, 0, 1).Format(time.DateOnly)}}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("paper signed after the period: %d", res.Status)
		}
		if res := off.Submit(sp, sp+"/supports", url.Values{"households": {"9"}, "signed_on": {last.Format(time.DateOnly)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("paper signed on the last day: %d %s", res.Status, iniExcerpt(res.Body))
		}
		// The period is chosen by the proposer, from today to 90 days ahead.
		w.env.App.Now = func() time.Time { return time.Now().UTC() }
		page0 := "/u/" + w.village + "/initiatives"
		res = w.env.NewBrowser(t).Submit(page0, page0, url.Values{"kind": {"matter"}, "title": {"Làm đường"}, "body": {"Bê tông hóa ngõ 3."},
			"last_day": {today(91)}, "code": {w.codes[5].Code}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "không được quá 90 ngày") {
			t.Fatalf("91 days: %d", res.Status)
		}
	})
}

// The outcome: put to the community on a day, linked to the consultation it became; or
// declined, only with reasons, which residents read.
func TestInitiativeOutcome(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		w := newInitiativeWorld(t, st, 57)
		id := w.propose(t, w.env.NewBrowser(t), 1, today(30))
		w.approve(t, id)
		off := w.env.NewBrowser(t)
		off.Login("official.a@example.vn")
		sp := fmt.Sprintf("/staff/initiatives/%d", id)
		if res := off.Submit(sp, sp+"/outcome", url.Values{"outcome": {"declined"}}); res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, "Cần nêu lý do") {
			t.Fatalf("declined without reasons: %d", res.Status)
		}
		if res := off.Submit(sp, sp+"/outcome", url.Values{"outcome": {"put"}, "on": {today(1)}}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("put tomorrow: %d", res.Status)
		}
		c := w.env.OpenConsultation(t)
		if res := off.Submit(sp, sp+"/outcome", url.Values{"outcome": {"put"}, "on": {today(0)}, "consultation_id": {fmt.Sprint(c.ID)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("put: %d %s", res.Status, iniExcerpt(res.Body))
		}
		page := w.env.NewBrowser(t).Get(fmt.Sprintf("/initiatives/%d", id))
		if !strings.Contains(page.Body, "Đã đưa ra cộng đồng dân cư ngày "+time.Now().In(domain.Zone).Format("02/01/2006")) ||
			!strings.Contains(page.Body, fmt.Sprintf(`href="/c/%d"`, c.ID)) {
			t.Fatalf("outcome page: %s", iniExcerpt(page.Body))
		}
		// No more supports once it has an outcome.
		if res := w.support(t, w.env.NewBrowser(t), id, 2); res.Status != http.StatusConflict {
			t.Fatalf("support after the outcome: %d", res.Status)
		}
		// The feed of the commune lists it.
		feed := w.env.NewBrowser(t).Get("/feeds/initiatives.atom?unit=A")
		if feed.Status != http.StatusOK || !strings.Contains(feed.Body, "Sửa quy ước về giờ giữ trật tự") || !strings.Contains(feed.Body, "Đã đưa ra cộng đồng dân cư") {
			t.Fatalf("feed: %d %s", feed.Status, feed.Body)
		}
		// The year's figures for the annual report.
		a, err := st.UnitByCode(context.Background(), "A")
		if err != nil {
			t.Fatal(err)
		}
		f, err := w.env.App.InitiativeYearFigures(context.Background(), []int64{a.ID}, time.Now().In(domain.Zone).Year())
		if err != nil {
			t.Fatal(err)
		}
		if f.Proposed != 1 || f.Put != 1 || f.Reached != 0 || f.SupportsOnline != 1 || f.SupportsPaper != 0 {
			t.Fatalf("figures %+v", f)
		}
	})
}
