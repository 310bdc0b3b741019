package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestPersonalDataMaskedInEveryPublicOutput approves an opinion that carries a phone number,
// a citizen ID and an e-mail address: every public page and API response shows it masked,
// while the moderator's queue showed the original with the flags highlighted.
func TestPersonalDataMaskedInEveryPublicOutput(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		c := env.OpenConsultation(t)
		art := testutil.Section(t, c, "c2.d5")
		body := "Nhà tôi ở xóm 3, cần hỏi thêm xin gọi 0912 345 678 hoặc +84 987.654.321, CCCD 001089012345, thư gửi lan.nguyen@example.vn."
		r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{SectionID: &art.ID, Stance: "other", Body: body}, "")
		if err != nil {
			t.Fatal(err)
		}
		moderator := env.NewBrowser(t)
		moderator.Login("moderator.a@example.vn")
		queue := moderator.Get("/staff/moderation")
		mustContain(t, queue.Body, `<mark class="flag-personal_data">0912 345 678</mark>`, "Thông tin cá nhân")
		if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, approve()); err != nil {
			t.Fatal(err)
		}
		anon := env.NewBrowser(t)
		secrets := []string{"0912 345 678", "345 678", "987.654.321", "001089012345", "lan.nguyen@example.vn"}
		for _, path := range []string{
			fmt.Sprintf("/c/%d", c.ID),
			fmt.Sprintf("/c/%d/opinions", c.ID),
			fmt.Sprintf("/c/%d/opinions?section=%d", c.ID, art.ID),
			"/track/" + r.Opinion.TrackingCode,
			fmt.Sprintf("/api/v1/consultations/%d/opinions", c.ID),
			fmt.Sprintf("/api/v1/consultations/%d/opinions?section_id=%d", c.ID, art.ID),
			"/api/v1/opinions/" + r.Opinion.TrackingCode,
		} {
			res := anon.Get(path)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d", path, res.Status)
			}
			for _, s := range secrets {
				if strings.Contains(res.Body, s) {
					t.Errorf("%s shows %q", path, s)
				}
			}
			if !strings.Contains(res.Body, "Nhà tôi ở xóm 3") {
				t.Errorf("%s does not show the opinion at all", path)
			}
		}
		stored, _ := st.OpinionByID(ctx, r.Opinion.ID)
		if stored.Body != body {
			t.Fatalf("the original was changed: %q", stored.Body)
		}
	})
}

// TestQueueFiltersAndBulkDecision floods a consultation with copies of one campaign text and
// some ordinary comments: the similar filter shows the copies, and one bulk decision rejects
// them all, each logged on its own.
func TestQueueFiltersAndBulkDecision(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		c := env.OpenConsultation(t)
		campaign := "Chúng tôi phản đối dự thảo hương ước vì quy định về việc cưới quá khắt khe với người dân trong thôn"
		variants := []string{campaign, campaign + "!", strings.ToLower(campaign), "Chung toi phan doi du thao huong uoc vi quy dinh ve viec cuoi qua khat khe voi nguoi dan trong thon"}
		for _, v := range variants {
			if _, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "disagree", Body: v}, ""); err != nil {
				t.Fatal(err)
			}
		}
		for _, v := range []string{"Đề nghị thôn lắp thêm đèn đường ở ngõ 4.", "Xem thêm tại http://quangcao.example.com nhé"} {
			if _, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "other", Body: v}, ""); err != nil {
				t.Fatal(err)
			}
		}
		moderator := env.NewBrowser(t)
		moderator.Login("moderator.a@example.vn")
		all := moderator.Get("/staff/moderation")
		mustContain(t, all.Body, "6 ý kiến đang chờ.", "3 ý kiến gần giống", "Nhóm 4 ý kiến gần giống đang chờ")
		links := moderator.Get("/staff/moderation?flag=link")
		mustContain(t, links.Body, "quangcao.example.com")
		mustNotContain(t, links.Body, "đèn đường")
		similar := moderator.Get("/staff/moderation?flag=similar")
		mustNotContain(t, similar.Body, "đèn đường", "quangcao")

		ids := regexp.MustCompile(`<input type="hidden" name="ids" value="(\d+)">`).FindAllStringSubmatch(similar.Body, -1)
		if len(ids) < 4 {
			t.Fatalf("bulk form carries %d ids", len(ids))
		}
		form := url.Values{"decision": {"reject"}, "reason": {"duplicate"}}
		for _, m := range ids[:4] {
			form.Add("ids", m[1])
		}
		res := moderator.Submit("/staff/moderation", "/staff/moderation/bulk", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("bulk: %d\n%s", res.Status, res.Body)
		}
		after := moderator.Get("/staff/moderation")
		mustContain(t, after.Body, "Đã từ chối 4 ý kiến.", "2 ý kiến đang chờ.")
		stats, _ := env.App.ModerationStats(ctx, c.ID)
		if stats.RejectedBy["duplicate"] != 4 {
			t.Fatalf("stats %+v", stats)
		}
	})
}

// TestFormStartIsBoundToItsConsultation checks that the signed start time of one form cannot
// be replayed on another consultation's form.
func TestFormStartIsBoundToItsConsultation(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServerWith(t, st, func(c *config.Config) { c.MinFillTime = time.Second })
		first := env.OpenConsultation(t)
		second := env.OpenConsultation(t)
		b := env.NewBrowser(t)
		form := b.Get(fmt.Sprintf("/c/%d/comment", first.ID))
		started := regexp.MustCompile(`name="started" value="([^"]+)"`).FindStringSubmatch(form.Body)
		if started == nil {
			t.Fatal("no start time on the form")
		}
		time.Sleep(1100 * time.Millisecond)
		path := fmt.Sprintf("/c/%d/comment", second.ID)
		res := b.Submit(path, path, url.Values{"stance": {"agree"}, "body": {"Ý kiến thử"}, "started": {html.UnescapeString(started[1])}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("start time of another consultation: %d, want 422", res.Status)
		}
		mustContain(t, res.Body, "Biểu mẫu đã hết hạn", "Ý kiến thử")
	})
}
