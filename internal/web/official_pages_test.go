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
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestPrintedSheetsReadAsDocuments: the household form names parts by their article, with
// no internal code, and ends with a block for the household to sign; the report's scope
// names the commune rather than "every commune, ward and special zone".
func TestPrintedSheetsReadAsDocuments(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		form := env.NewBrowser(t).Get(fmt.Sprintf("/c/%d/form?lang=vi", c.ID)).Body
		mustContain(t, form, `<div class="sign-block">`, "ĐẠI DIỆN HỘ GIA ĐÌNH", "(Ký, ghi rõ họ tên)", ">Điều 2. Vệ sinh môi trường</h3>")
		mustNotContain(t, form, "Mã phần", "c2.d2<", ": c2.d2")
		done, _ := resultsWithCodes(t, env, "Dự thảo quy ước về vệ sinh")
		report := env.NewBrowser(t).Get(fmt.Sprintf("/c/%d/report?lang=vi", done.ID)).Body
		mustContain(t, report, "<dt>Phạm vi</dt><dd>Toàn bộ Xã An Bình</dd>")
		if strings.Contains(report, "Toàn bộ các xã, phường, đặc khu") {
			t.Error("the report's scope is every commune")
		}
	})
}

// TestDraftIsEditedAndDeletedBeforePublishing: an official edits a saved draft (fields and
// text) and deletes another, both through the pages; once published, neither is possible.
// The staff page names the draft's structure in chương, điều and khoản and shows no
// internal code.
func TestDraftIsEditedAndDeletedBeforePublishing(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := newDraft(t, env, "Dự thảo quy ước ban đầu")
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		page := fmt.Sprintf("/staff/consultations/%d", c.ID)
		body := official.Get(page + "?lang=vi").Body
		mustContain(t, body, `href="`+page+`/edit"`, `action="`+page+`/delete"`, "Cấu trúc dự thảo: 2 chương, 3 điều, 2 khoản")
		mustNotContain(t, body, "c2.d2<", ">c1<", "phần)")

		edit := official.Get(page + "/edit").Body
		mustContain(t, edit, `action="`+page+`/edit"`, `value="Dự thảo quy ước ban đầu"`, "Điều 5. Việc cưới")
		res := official.Submit(page+"/edit", page+"/edit", url.Values{"title": {""}, "kind": {"quy_uoc"}, "unit_code": {"A"},
			"first_day": {today(0)}, "last_day": {today(34)}, "text": {testutil.Draft}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("edit without a title: %d", res.Status)
		}
		mustContain(t, res.Body, `action="`+page+`/edit"`, fieldError("title", "validation.required"))
		res = official.Submit(page+"/edit", page+"/edit", url.Values{"title": {"Dự thảo quy ước đã sửa"}, "kind": {"quy_uoc"}, "unit_code": {"A1"},
			"first_day": {today(1)}, "last_day": {today(40)}, "text": {"Điều 1. Phạm vi\nÁp dụng trong thôn.\nĐiều 2. Giữ gìn đường làng\nMỗi hộ quét dọn trước nhà."}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != page {
			t.Fatalf("edit: %d to %q", res.Status, res.Header.Get("Location"))
		}
		body = official.Get(page + "?lang=vi").Body
		mustContain(t, body, "Dự thảo quy ước đã sửa", "Thôn Một", "Cấu trúc dự thảo: 2 điều", "Điều 2. Giữ gìn đường làng", viMessage("flash.draft_saved"))
		mustNotContain(t, body, "Việc cưới")

		other := newDraft(t, env, "Dự thảo sẽ xóa")
		otherPage := fmt.Sprintf("/staff/consultations/%d", other.ID)
		if res := official.Submit(otherPage, otherPage+"/delete", url.Values{}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("delete without confirmation: %d", res.Status)
		}
		if res := official.Submit(otherPage, otherPage+"/delete", url.Values{"confirm": {"yes"}}); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/staff" {
			t.Fatalf("delete: %d to %q", res.Status, res.Header.Get("Location"))
		}
		if res := official.Get(otherPage); res.Status != http.StatusNotFound {
			t.Errorf("deleted draft: %d", res.Status)
		}
		admin := env.NewBrowser(t)
		admin.Login("admin@example.vn")
		mustContain(t, admin.Get("/staff/audit?lang=vi").Body, "Xóa dự thảo chưa công bố", "Sửa dự thảo chưa công bố")

		if _, err := env.App.Publish(context.Background(), env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		mustNotContain(t, official.Get(page).Body, `href="`+page+`/edit"`, `action="`+page+`/delete"`)
		if res := official.Get(page + "/edit"); res.Status != http.StatusConflict {
			t.Errorf("edit after publishing: %d", res.Status)
		}
		if res := official.Submit(page, page+"/delete", url.Values{"confirm": {"yes"}}); res.Status != http.StatusConflict {
			t.Errorf("delete after publishing: %d", res.Status)
		}
	})
}

// TestNewConsultationFormAsksOnce: "Loại nội dung" is one field; a hương ước (the kind the
// form starts with) starts on a village, where a hương ước belongs.
func TestNewConsultationFormAsksOnce(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		form := official.Get("/staff/consultations/new?lang=vi").Body
		if n := strings.Count(form, "Loại nội dung"); n != 1 {
			t.Errorf("the form says Loại nội dung %d times", n)
		}
		mustContain(t, form, `<option value="huong_uoc" selected>`, `<option value="A2" data-kind="village" selected>— Thôn Hai</option>`)
	})
}

// TestOfficialsSeeOpinionsArrive: the staff home and the consultation's staff page count
// its opinions by status, so an official sees what arrived and what waits.
func TestOfficialsSeeOpinionsArrive(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		walkSeed(t, env) // the open consultation: one waiting, one published, one rejected
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		want := "3 ý kiến nhận được · <strong>1 chờ duyệt</strong> · 1 đã công bố · 1 bị từ chối"
		home := official.Get("/staff?lang=vi").Body
		mustContain(t, home, "<th scope=\"col\">Ý kiến</th>", want)
		mustContain(t, official.Get("/staff/consultations/1?lang=vi").Body, "Ý kiến: <span class=\"opinion-counts\">"+want)
		if strings.Count(home, "Chưa có ý kiến nào") != 1 { // the closed one; the draft shows none
			t.Errorf("home: %d consultations without opinions", strings.Count(home, "Chưa có ý kiến nào"))
		}
		observer := env.NewBrowser(t)
		observer.Login("observer.a@example.vn")
		mustContain(t, observer.Get("/staff?lang=vi").Body, want)
		mustContain(t, official.Get("/staff?lang=en").Body, "3 received · <strong>1 waiting</strong> · 1 published · 1 rejected")
	})
}

// TestInboxSaysWhenOpinionsArriveAndWait: an official's inbox says when a consultation
// gets its first opinions (once), and a moderator's when opinions wait more than a day.
func TestInboxSaysWhenOpinionsArriveAndWait(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		first := viMessage("inbox.first_opinions", c.Title)
		mustNotContain(t, official.Get("/staff/inbox?lang=vi").Body, first)
		if _, err := env.App.SubmitOpinion(context.Background(), c.ID, app.NewOpinion{Stance: "agree", Body: "Tôi đồng ý."}, ""); err != nil {
			t.Fatal(err)
		}
		mustContain(t, official.Get("/staff?lang=vi").Body, "Hộp thư (1)")
		inbox := official.Get("/staff/inbox?lang=vi").Body
		mustContain(t, inbox, fmt.Sprintf(`href="/staff/consultations/%d"><strong>%s`, c.ID, first))
		if _, err := env.App.SubmitOpinion(context.Background(), c.ID, app.NewOpinion{Stance: "agree", Body: "Tôi cũng đồng ý."}, ""); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(official.Get("/staff/inbox?lang=vi").Body, fmt.Sprintf(`href="/staff/consultations/%d">`, c.ID)); n != 1 {
			t.Errorf("the first opinions are noticed %d times", n)
		}
		moderator := env.NewBrowser(t)
		moderator.Login("moderator.a@example.vn")
		waits := viMessage("inbox.queue_waits", c.Title)
		mustNotContain(t, moderator.Get("/staff/inbox?lang=vi").Body, waits)
		now := env.App.Now
		env.App.Now = func() time.Time { return now().Add(25 * time.Hour) }
		defer func() { env.App.Now = now }()
		mustContain(t, moderator.Get("/staff/inbox?lang=vi").Body, fmt.Sprintf(`href="/staff/moderation?consultation_id=%d"><strong>%s`, c.ID, waits))
	})
}
