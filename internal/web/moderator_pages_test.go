package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestRefusedDecisionKeepsTheChoiceOnTheQueue rejects an opinion for "another reason"
// without the note that reason needs: the moderator is sent back to the queue's own address
// (not left on the address the form posted to), sees the message without any formatting
// error, and finds the reason chosen and the note typed still there.
func TestRefusedDecisionKeepsTheChoiceOnTheQueue(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		r, err := env.App.SubmitOpinion(context.Background(), c.ID, app.NewOpinion{Stance: "other", Body: "Nên họp thôn vào buổi tối.", VillageCode: "A1"}, "")
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint(r.Opinion.ID)
		moderator := env.NewBrowser(t)
		moderator.Login("moderator.a@example.vn")
		back := fmt.Sprintf("/staff/moderation?consultation_id=%d", c.ID)
		res := moderator.Submit(back, "/staff/opinions/"+id+"/moderate",
			url.Values{"decision": {"reject"}, "reason": {"other"}, "note": {"   "}, "back": {back}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != back+"#o-"+id {
			t.Fatalf("refused decision: %d to %q, want 303 to the queue", res.Status, res.Header.Get("Location"))
		}
		page := moderator.Get(back).Body
		if strings.Contains(page, "%!") {
			t.Errorf("formatting error on the queue: %s", page)
		}
		mustContain(t, page, "Vui lòng nhập thông tin này.", `<option value="other" selected>`, `href="#f-`+id+`.note"`, `id="f-`+id+`.note"`,
			"Ghi chú nội bộ: chỉ cán bộ xem được trong nhật ký kiểm duyệt, người gửi không thấy.")
		// The message is shown once: a reload is the plain queue.
		if again := moderator.Get(back).Body; strings.Contains(again, "Vui lòng nhập thông tin này.") || strings.Contains(again, "selected>Lý do khác") {
			t.Error("the refusal is shown again after a reload")
		}
		// With the note, the same decision goes through.
		res = moderator.Submit(back, "/staff/opinions/"+id+"/moderate",
			url.Values{"decision": {"reject"}, "reason": {"other"}, "note": {"Trùng nội dung cuộc họp"}, "back": {back}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != back {
			t.Fatalf("decision: %d to %q", res.Status, res.Header.Get("Location"))
		}
	})
}

// TestModeratorPagesSpeakVietnamese checks the words a moderator and an auditor read:
// automatic flags name what they found ("số điện thoại", not "phone"), and the audit log
// names decisions and reasons ("Giữ nguyên", not "kept").
func TestModeratorPagesSpeakVietnamese(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		walkSeed(t, env)
		moderator := env.NewBrowser(t)
		moderator.Login("moderator.a@example.vn")
		queue := moderator.Get("/staff/moderation?lang=vi").Body
		mustContain(t, queue, "Thông tin cá nhân: số điện thoại", "Đường link: địa chỉ trang web")
		for _, w := range []string{": phone<", ": url<"} {
			if strings.Contains(queue, w) {
				t.Errorf("queue shows %q", w)
			}
		}
		mustContain(t, moderator.Get("/staff/moderation?lang=en").Body, "Personal data: phone number")

		admin := env.NewBrowser(t)
		admin.Login("admin@example.vn")
		audit := admin.Get("/staff/audit?lang=vi").Body
		mustContain(t, audit, "Quyết định về điều, khoản #", "· Giữ nguyên", "· Không liên quan đến dự thảo")
		if m := regexp.MustCompile(`· (kept|off_topic|amended|removed)<`).FindString(audit); m != "" {
			t.Errorf("audit log shows a code: %q", m)
		}
	})
}
