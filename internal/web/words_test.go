package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestPagesUseOfficialWords renders the pages residents and staff see, in both languages,
// and scans their text for the words an official would have to correct
// (testutil.WrongWords): an appeal is an đề nghị xem xét lại, the code a mã tra cứu, a
// meeting the community's, and there is no district.
func TestPagesUseOfficialWords(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		c := env.OpenConsultation(t)
		sec := testutil.Section(t, c, "c2.d2")
		r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{SectionID: &sec.ID, Stance: "other", Body: "Nên tổng vệ sinh hai lần mỗi tháng.", VillageCode: "A1"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Moderate(ctx, env.Admin, r.Opinion.ID, app.Decision{Decision: "reject", Reason: "off_topic"}); err != nil {
			t.Fatal(err)
		}
		code := r.Opinion.TrackingCode
		public := env.NewBrowser(t)
		track := public.Get("/track/" + code).Body
		mustContain(t, track, "Đề nghị xem xét lại quyết định từ chối (một lần)", "Gửi đề nghị xem xét lại")
		if _, err := env.App.Appeal(ctx, code, "Ý kiến này đúng chủ đề điều 2."); err != nil {
			t.Fatal(err)
		}
		moderator := env.NewBrowser(t)
		moderator.Login("moderator.a@example.vn")
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		admin := env.NewBrowser(t)
		admin.Login("admin@example.vn")
		cid := fmt.Sprint(c.ID)
		pages := []struct {
			b    *testutil.Browser
			path string
		}{
			{public, "/"}, {public, "/c/" + cid}, {public, "/c/" + cid + "/comment"}, {public, "/c/" + cid + "/notice"},
			{public, "/c/" + cid + "/form"}, {public, "/u/A"}, {public, "/u/A1"}, {public, "/track"}, {public, "/track/" + code},
			{moderator, "/staff/moderation"}, {moderator, "/staff/moderation/log"},
			{official, "/staff"}, {official, "/staff/consultations/" + cid}, {official, "/staff/consultations/" + cid + "/offline"},
			{official, "/staff/consultations/new"}, {official, "/staff/oversight"},
			{admin, "/staff/admin/units"}, {admin, "/staff/admin/staff"}, {admin, "/staff/audit"},
		}
		for _, p := range pages {
			for _, lang := range []string{"vi", "en"} {
				// The language goes in every request: a ?lang= is remembered in a cookie.
				path := p.path + "?lang=" + lang
				res := p.b.Get(path)
				if res.Status != http.StatusOK {
					t.Errorf("%s: %d", path, res.Status)
					continue
				}
				words := testutil.WrongEnglishWords(res.Body)
				if lang == "vi" {
					words = append(words, testutil.WrongWords(res.Body)...)
				}
				for _, w := range words {
					t.Errorf("%s: %s", path, w)
				}
			}
		}
		mustContain(t, moderator.Get("/staff/moderation?lang=vi").Body, "Người gửi đề nghị xem xét lại quyết định từ chối")
	})
}

// TestWardWords: a ward's communities are tổ dân phố, led by a Tổ trưởng, and its People's
// Committee is the ward's; a commune's are thôn. The printed notice and form and the unit
// pages say so.
func TestWardWords(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		csv := "code,name,kind,parent_code,households\nW,Phường Thử,ward,P,\nW1,Tổ dân phố Một,village,W,150\n"
		if _, err := env.App.ImportUnits(ctx, nil, strings.NewReader(csv)); err != nil {
			t.Fatal(err)
		}
		now := env.App.Now()
		opens, closes := domain.PeriodFromDates(now, now.AddDate(0, 0, 35))
		open := func(unit string) *domain.Consultation {
			c, err := env.App.CreateConsultation(ctx, env.Admin, app.NewConsultation{
				Title: "Quy ước " + unit, Kind: "quy_uoc", UnitCode: unit, Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
			})
			if err != nil {
				t.Fatal(err)
			}
			if c, err = env.App.Publish(ctx, env.Admin, c.ID); err != nil {
				t.Fatal(err)
			}
			return c
		}
		public := env.NewBrowser(t)

		ward := open("W")
		notice := public.Get(fmt.Sprintf("/c/%d/notice", ward.ID)).Body
		mustContain(t, notice, "nhận phiếu tại Tổ trưởng tổ dân phố hoặc trụ sở Ủy ban nhân dân Phường Thử",
			"trụ sở Ủy ban nhân dân Phường Thử, nhà văn hóa tổ dân phố")
		mustNotContain(t, notice, "Trưởng thôn", "thôn,", "Ủy ban nhân dân cấp xã")
		form := public.Get(fmt.Sprintf("/c/%d/form", ward.ID)).Body
		mustContain(t, form, "Xin gửi lại phiếu cho Tổ trưởng tổ dân phố hoặc")

		group := open("W1")
		mustContain(t, public.Get(fmt.Sprintf("/c/%d/notice", group.ID)).Body, "nhà văn hóa Tổ dân phố Một")

		village := open("A1")
		notice = public.Get(fmt.Sprintf("/c/%d/notice", village.ID)).Body
		mustContain(t, notice, "nhận phiếu tại Trưởng thôn hoặc trụ sở Ủy ban nhân dân Xã An Bình", "nhà văn hóa Thôn Một")
		mustNotContain(t, notice, "tổ dân phố")

		// A province's consultation covers communes and wards alike: the law's general words.
		province := open("P")
		notice = public.Get(fmt.Sprintf("/c/%d/notice", province.ID)).Body
		mustContain(t, notice, "Trưởng thôn, Tổ trưởng tổ dân phố hoặc trụ sở Ủy ban nhân dân cấp xã", "nhà văn hóa thôn, tổ dân phố")

		mustContain(t, public.Get("/u/W1").Body, `<p class="meta">Tổ dân phố`)
		mustContain(t, public.Get("/u/A1").Body, `<p class="meta">Thôn`)
		mustContain(t, public.Get("/u/W").Body, `<p class="meta">Phường`)
		mustContain(t, public.Get("/u/W1?lang=en").Body, `<p class="meta">Residential group`)
	})
}
