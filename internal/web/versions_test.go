package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// charterV1 is the first draft of a village charter.
const charterV1 = `Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi
Hương ước này áp dụng trong Thôn Một.
Chương II
NẾP SỐNG VĂN HÓA
Điều 2. Vệ sinh môi trường
1. Mỗi hộ phân loại rác tại nguồn.
2. Tổng vệ sinh vào chủ nhật cuối tháng.
Điều 3. Lễ hội
Lễ hội đình làng tổ chức vào rằm tháng giêng.
Điều 4. Việc tang
Tổ chức tang lễ văn minh, không rải vàng mã trên đường.
Điều 5. Việc cưới
Tổ chức cưới tiết kiệm, không quá một ngày.`

// charterV2 is the drafting team's revision after the comments. Against charterV1:
//   - added: Điều 2 and Điều 3 in chapter I, Điều 5 in chapter II (3 articles);
//   - removed: "Lễ hội";
//   - "Vệ sinh môi trường" renumbered 2 → 4, clause 2 reworded;
//   - "Việc cưới" renumbered 5 → 6, same words, same chapter, same order: renumbered only;
//   - "Việc tang" renumbered 4 → 7 and moved to the new chapter III;
//   - "Phạm vi" and chapters I and II unchanged.
//
// The new article's "&" and "<3" must reach the page escaped.
const charterV2 = `Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi
Hương ước này áp dụng trong Thôn Một.
Điều 2. Giải thích từ ngữ
Hộ gia đình là những người cùng sống chung một mái nhà.
Điều 3. Nguyên tắc thực hiện
Mọi hộ gia đình bình đẳng trong việc thực hiện hương ước.
Chương II
NẾP SỐNG VĂN HÓA
Điều 4. Vệ sinh môi trường
1. Mỗi hộ phân loại rác tại nguồn.
2. Tổng vệ sinh vào sáng chủ nhật đầu tháng.
Điều 5. Phòng chống cháy nổ
Không đốt rơm rạ gần khu dân cư & chuồng trại <3 mét.
Điều 6. Việc cưới
Tổ chức cưới tiết kiệm, không quá một ngày.
Chương III
VIỆC TANG
Điều 7. Việc tang
Tổ chức tang lễ văn minh, không rải vàng mã trên đường.`

// openCharter creates and publishes a hương ước of commune A with the given text.
func openCharter(t *testing.T, env *testutil.Env, title, text string) *domain.Consultation {
	t.Helper()
	ctx := context.Background()
	opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
	c, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{
		Title: title, Kind: "huong_uoc", UnitCode: "A", Text: text, OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
		t.Fatal(err)
	}
	return c
}

func sectionByHeading(t *testing.T, c *domain.Consultation, heading string) *domain.Section {
	t.Helper()
	for i := range c.Sections {
		if c.Sections[i].Heading == heading {
			return &c.Sections[i]
		}
	}
	t.Fatalf("no section %q", heading)
	return nil
}

// approvedOpinion submits an opinion on a section and approves it.
func approvedOpinion(t *testing.T, env *testutil.Env, c *domain.Consultation, section *domain.Section, stance, body string) {
	t.Helper()
	ctx := context.Background()
	in := app.NewOpinion{Stance: stance, Body: body}
	if section != nil {
		in.SectionID = &section.ID
	}
	r, err := env.App.SubmitOpinion(ctx, c.ID, in, "")
	if err != nil {
		t.Fatalf("submit %q: %v", body, err)
	}
	if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, approve()); err != nil {
		t.Fatal(err)
	}
}

// between returns the part of a page from the first from to the next to after it.
func between(t *testing.T, body, from, to string) string {
	t.Helper()
	i := strings.Index(body, from)
	if i < 0 {
		t.Fatalf("page lacks %q", from)
	}
	rest := body[i:]
	if j := strings.Index(rest[len(from):], to); j >= 0 {
		return rest[:len(from)+j]
	}
	return rest
}

// TestNewVersionKeepsOpinionsAndShowsChanges takes a charter through a revision: opinions
// written on version 1, the official's new version (moved, renumbered, added and removed
// articles, a reworded clause), then what residents see: the article page with the earlier
// opinions under the renumbered article, the changes page article by article, the JSON API,
// and the links stored between the versions.
func TestNewVersionKeepsOpinionsAndShowsChanges(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		c := openCharter(t, env, "Dự thảo hương ước Thôn Một (sửa đổi)", charterV1)
		wedding1 := sectionByHeading(t, c, "Điều 5. Việc cưới")
		festival1 := sectionByHeading(t, c, "Điều 3. Lễ hội")
		var cleanup1 *domain.Section
		for _, s := range c.ChildrenOf(sectionByHeading(t, c, "Điều 2. Vệ sinh môi trường")) {
			if s.Heading == "2." {
				cleanup1 = &s
			}
		}
		approvedOpinion(t, env, c, wedding1, "disagree", "Nên cho phép cưới hai ngày vì họ hàng ở xa.")
		approvedOpinion(t, env, c, cleanup1, "agree", "Nên làm vào buổi sáng cho mát.")
		approvedOpinion(t, env, c, festival1, "other", "Lễ hội nên có thêm phần thi nấu cơm.")

		// A resident opens the comment form on Điều 5 of version 1 and is still writing...
		resident := env.NewBrowser(t)
		form := fmt.Sprintf("/c/%d/comment?section=%d", c.ID, wedding1.ID)
		loaded := resident.Get(form)
		if loaded.Status != http.StatusOK {
			t.Fatalf("comment form: %d", loaded.Status)
		}

		official := env.NewBrowser(t)
		official.Login(env.OfficialA.Email)
		newPage := fmt.Sprintf("/staff/consultations/%d/versions/new", c.ID)
		page := official.Get(newPage)
		if page.Status != http.StatusOK {
			t.Fatalf("new version form: %d", page.Status)
		}
		// The form starts from the current text.
		mustContain(t, page.Body, "Đăng dự thảo lần 2", "Tổng vệ sinh vào chủ nhật cuối tháng.")

		// The same text again is refused at the field, the text kept.
		res := official.Submit(newPage, fmt.Sprintf("/staff/consultations/%d/versions", c.ID), url.Values{"text": {charterV1}, "note": {"Không sửa gì"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("unchanged version: %d", res.Status)
		}
		mustContain(t, res.Body, `<p class="field-error" id="e-text">`+viMessage("validation.version_unchanged", 1), "Không sửa gì", "Lễ hội đình làng tổ chức vào rằm tháng giêng.")
		if v := (&authzWorld{st: st}).version(t, c.ID); v != 1 {
			t.Fatalf("a refused version changed the version to %d", v)
		}

		res = official.Submit(newPage, fmt.Sprintf("/staff/consultations/%d/versions", c.ID), url.Values{
			"text": {charterV2}, "note": {"Tiếp thu ý kiến: thêm điều giải thích từ ngữ, bỏ điều lễ hội."},
		})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/c/%d/changes", c.ID) {
			t.Fatalf("publish version: %d → %q", res.Status, res.Header.Get("Location"))
		}
		c2, err := st.ConsultationByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c2.Version != 2 {
			t.Fatalf("version %d, want 2", c2.Version)
		}
		wedding2 := sectionByHeading(t, c2, "Điều 6. Việc cưới")
		funeral2 := sectionByHeading(t, c2, "Điều 7. Việc tang")
		// What the database holds: the renumbered and the moved article revise their
		// version 1 selves; the new articles and the removed one have no link.
		links := func(where string) int { return countRows(t, st, "section_links", where) }
		if links(fmt.Sprintf("section_id = %d AND previous_section_id = %d", wedding2.ID, wedding1.ID)) != 1 {
			t.Error("Điều 6. Việc cưới is not linked to Điều 5. Việc cưới")
		}
		if links(fmt.Sprintf("section_id = %d AND previous_section_id = %d", funeral2.ID, sectionByHeading(t, c, "Điều 4. Việc tang").ID)) != 1 {
			t.Error("the moved Điều 7. Việc tang is not linked to Điều 4")
		}
		if links(fmt.Sprintf("previous_section_id = %d", festival1.ID)) != 0 {
			t.Error("the removed article is linked to a part of version 2")
		}
		if links(fmt.Sprintf("section_id = %d", sectionByHeading(t, c2, "Điều 2. Giải thích từ ngữ").ID)) != 0 {
			t.Error("the added article is linked to a part of version 1")
		}

		// The changes page, right after publishing and for anyone.
		changes := official.Get(fmt.Sprintf("/c/%d/changes", c.ID))
		mustContain(t, changes.Body, viMessage("flash.version_published", "2"))
		public := env.NewBrowser(t)
		changes = public.Get(fmt.Sprintf("/c/%d/changes", c.ID))
		if changes.Status != http.StatusOK {
			t.Fatalf("changes page: %d", changes.Status)
		}
		mustContain(t, changes.Body,
			"So sánh dự thảo lần 1",
			"Tiếp thu ý kiến: thêm điều giải thích từ ngữ, bỏ điều lễ hội.",
			"Tóm tắt: 3 điều mới, 1 điều bỏ, 1 điều sửa đổi nội dung, 3 điều đánh số lại, 1 điều chuyển vị trí, 1 điều giữ nguyên.",
			// Unchanged parts are collapsed: chapter I with Điều 1, then chapter II.
			"Không thay đổi: 1 chương, 1 điều (bấm", "Không thay đổi: 1 chương (bấm",
			// The reworded clause, word by word, said in words for screen readers.
			`2. Tổng vệ sinh vào <ins><span class="sr-only">[thêm: </span>sáng <span class="sr-only"> ]</span></ins>chủ nhật <del><span class="sr-only">[bỏ: </span>cuối <span class="sr-only"> ]</span></del><ins><span class="sr-only">[thêm: </span>đầu <span class="sr-only"> ]</span></ins>tháng.`,
			// Escaped, never markup.
			"khu dân cư &amp; chuồng trại &lt;3 mét.",
		)
		mustNotContain(t, changes.Body, "chuồng trại <3")
		wedding := between(t, changes.Body, ">Điều 6. Việc cưới</h2>", "</section>")
		mustContain(t, wedding, "Đánh số lại: Điều 5 thành Điều 6", "Nội dung giữ nguyên")
		mustNotContain(t, wedding, "Chuyển")
		funeral := between(t, changes.Body, ">Điều 7. Việc tang</h2>", "</section>")
		mustContain(t, funeral, "Đánh số lại: Điều 4 thành Điều 7", "Chuyển từ Chương II. NẾP SỐNG VĂN HÓA sang Chương III. VIỆC TANG")
		festival := between(t, changes.Body, ">Điều 3. Lễ hội</h2>", "</section>")
		mustContain(t, festival, "Đã bỏ", "<del>")
		added := between(t, changes.Body, ">Điều 2. Giải thích từ ngữ</h2>", "</section>")
		mustContain(t, added, "Phần mới thêm", "<ins>")
		// The removed article is shown after the article that preceded it in version 1.
		if strings.Index(changes.Body, ">Điều 3. Lễ hội<") < strings.Index(changes.Body, "Điều 4. Vệ sinh môi trường") ||
			strings.Index(changes.Body, ">Điều 3. Lễ hội<") > strings.Index(changes.Body, "Điều 5. Phòng chống cháy nổ") {
			t.Error("the removed article is not between Điều 4 and Điều 5")
		}

		// The article page: the opinions written on version 1 stay with their article.
		cons := public.Get(fmt.Sprintf("/c/%d", c.ID))
		mustContain(t, cons.Body, "Đây là dự thảo lần 2.", "Xem những thay đổi so với dự thảo lần 1")
		article := between(t, cons.Body, `id="h-`+wedding2.Path+`">Điều 6. Việc cưới</h3>`, "</section>")
		mustContain(t, article, "Góp ý trên dự thảo lần 1 – Điều 5. Việc cưới", "Nên cho phép cưới hai ngày vì họ hàng ở xa.",
			fmt.Sprintf("/c/%d/opinions?section=%d", c.ID, wedding1.ID))
		hygiene := between(t, cons.Body, ">Điều 4. Vệ sinh môi trường</h3>", "</section>")
		mustContain(t, hygiene, "Góp ý trên dự thảo lần 1 – 2.", "Nên làm vào buổi sáng cho mát.")
		// The removed article's opinion is under no article of the new text.
		mustNotContain(t, cons.Body, "Lễ hội nên có thêm phần thi nấu cơm.")

		// Its opinions page says which version they were written on, and where it is now.
		list := public.Get(fmt.Sprintf("/c/%d/opinions?section=%d", c.ID, wedding1.ID))
		if list.Status != http.StatusOK {
			t.Fatalf("opinions of an earlier article: %d", list.Status)
		}
		mustContain(t, list.Body, "Các ý kiến dưới đây được góp vào dự thảo lần 1.",
			"Trong dự thảo hiện nay, nội dung này là: Điều 6. Việc cưới", "Nên cho phép cưới hai ngày vì họ hàng ở xa.")
		list = public.Get(fmt.Sprintf("/c/%d/opinions?section=%d", c.ID, festival1.ID))
		mustContain(t, list.Body, "Nội dung này đã được bỏ trong dự thảo hiện nay.", "Lễ hội nên có thêm phần thi nấu cơm.")

		// ...the resident sends the form written on version 1: it comes back with the text
		// kept and pointing at the article as it is now; sent again, it is stored there.
		sent := postLoadedForm(t, resident, loaded, fmt.Sprintf("/c/%d/comment", c.ID), url.Values{"stance": {"agree"}, "body": {"Đồng ý cưới một ngày."}})
		if sent.Status != http.StatusConflict {
			t.Fatalf("comment on a replaced version: %d", sent.Status)
		}
		mustContain(t, sent.Body, viMessage("error.section_revised", "Điều 5. Việc cưới", 2), "Đồng ý cưới một ngày.",
			fmt.Sprintf(`name="section_id" value="%d"`, wedding2.ID))
		before := opinionCount(t, st, c.ID)
		again := postLoadedForm(t, resident, sent, fmt.Sprintf("/c/%d/comment", c.ID), url.Values{"stance": {"agree"}, "body": {"Đồng ý cưới một ngày."}})
		if again.Status != http.StatusSeeOther || opinionCount(t, st, c.ID) != before+1 {
			t.Fatalf("comment resent: %d, opinions %d → %d", again.Status, before, opinionCount(t, st, c.ID))
		}

		// An old link to comment on Điều 5 leads to the article as it is now.
		if r := resident.Get(form); r.Status != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/c/%d/comment?section=%d", c.ID, wedding2.ID) {
			t.Errorf("old comment link: %d → %q", r.Status, r.Header.Get("Location"))
		}

		// Asking for versions that do not exist is refused at the field.
		bad := public.Get(fmt.Sprintf("/c/%d/changes?from=2&to=2", c.ID))
		if bad.Status != http.StatusUnprocessableEntity {
			t.Errorf("from=2&to=2: %d", bad.Status)
		}

		// The JSON API says the same.
		var api struct {
			From, To int
			Totals   map[string]int
			Changes  []struct {
				Kind       string
				Renumbered bool
				Moved      bool
				OldNumber  string  `json:"old_number"`
				NewNumber  string  `json:"new_number"`
				NewHeading *string `json:"new_heading"`
				OldID      *int64  `json:"old_section_id"`
			}
		}
		r := public.Get(fmt.Sprintf("/api/v1/consultations/%d/changes?from=1&to=2", c.ID))
		if r.Status != http.StatusOK {
			t.Fatalf("changes API: %d %s", r.Status, r.Body)
		}
		if err := json.Unmarshal([]byte(r.Body), &api); err != nil {
			t.Fatal(err)
		}
		if api.Totals["added"] != 3 || api.Totals["removed"] != 1 || api.Totals["renumbered"] != 3 || api.Totals["moved"] != 1 {
			t.Errorf("API totals %v", api.Totals)
		}
		found := false
		for _, x := range api.Changes {
			if x.NewHeading != nil && *x.NewHeading == "Điều 6. Việc cưới" {
				found = true
				if x.Kind != "unchanged" || !x.Renumbered || x.Moved || x.OldNumber != "5" || x.NewNumber != "6" || x.OldID == nil || *x.OldID != wedding1.ID {
					t.Errorf("API change for Điều 6: %+v", x)
				}
			}
		}
		if !found {
			t.Error("the API lists no change for Điều 6. Việc cưới")
		}
		var versions struct {
			Current int
			Items   []struct{ Number int }
		}
		r = public.Get(fmt.Sprintf("/api/v1/consultations/%d/versions", c.ID))
		if err := json.Unmarshal([]byte(r.Body), &versions); err != nil || versions.Current != 2 || len(versions.Items) != 2 {
			t.Errorf("versions API: %v %s", err, r.Body)
		}

		// A closed consultation may still be revised: version 3 is version 1 again. Compared
		// across the two steps, the articles linked all the way through are unchanged; "Lễ
		// hội", removed in version 2, comes back as a new article, its opinions staying on
		// version 1 rather than being guessed onto it.
		env.CloseAtEnd(t, env.OfficialA, c)
		r = official.JSON("POST", fmt.Sprintf("/api/v1/consultations/%d/versions", c.ID), fmt.Sprintf(`{"text":%q}`, charterV1), nil)
		if r.Status != http.StatusCreated || !regexp.MustCompile(`"changes":\{"added":1,"removed":3,`).MatchString(r.Body) {
			t.Fatalf("API version 3: %d %.400s", r.Status, r.Body)
		}
		r = public.Get(fmt.Sprintf("/api/v1/consultations/%d/changes?from=1&to=3", c.ID))
		api.Totals = nil
		if err := json.Unmarshal([]byte(r.Body), &api); err != nil {
			t.Fatal(err)
		}
		if api.Totals["added"] != 1 || api.Totals["removed"] != 1 || api.Totals["changed"]+api.Totals["renumbered"]+api.Totals["moved"] != 0 || api.Totals["unchanged"] != 4 {
			t.Errorf("version 1 against version 3: %v", api.Totals)
		}
	})
}

var (
	formCSRF   = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)
	formHidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// postLoadedForm sends a form as a browser would from a page it loaded earlier, with that
// page's hidden fields, even though the form has changed on the server since.
func postLoadedForm(t *testing.T, b *testutil.Browser, page *testutil.Response, action string, values url.Values) *testutil.Response {
	t.Helper()
	if !formCSRF.MatchString(page.Body) {
		t.Fatal("no CSRF field on the page")
	}
	for _, h := range formHidden.FindAllStringSubmatch(page.Body, -1) {
		if _, set := values[h[1]]; !set {
			values.Set(h[1], html.UnescapeString(h[2]))
		}
	}
	return b.Do(http.MethodPost, action, strings.NewReader(values.Encode()), b.FormHeaders())
}
