package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/qr"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

const (
	printTitle   = "Dự thảo quy ước Thôn Một & Thôn Hai"
	printSummary = "Quy ước về nếp sống văn minh, giữ gìn vệ sinh và việc cưới, việc tang trong thôn."
	// A long article, so the form quotes only its beginning.
	festivalStart = "Lễ hội truyền thống của thôn tổ chức vào mùng mười tháng giêng"
	festivalEnd   = "không đốt pháo, không mê tín dị đoan, dọn vệ sinh sau lễ hội."
	printDraft    = "Căn cứ Luật Thực hiện dân chủ ở cơ sở;\n" + testutil.Draft + "\nĐiều 6. Lễ hội\n" + festivalStart +
		", mọi hộ gia đình tham gia đóng góp công sức và kinh phí theo khả năng, ban tổ chức công khai các khoản thu chi" +
		" sau lễ hội tại nhà văn hóa, người tham gia ăn mặc lịch sự, giữ trật tự, " + festivalEnd
)

// createPrintable creates a quy ước of commune A with a preamble, chapters, articles and
// clauses, published unless draft is set.
func createPrintable(t *testing.T, env *testutil.Env, draft bool) *domain.Consultation {
	t.Helper()
	ctx := context.Background()
	opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
	c, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{
		Title: printTitle, Kind: "quy_uoc", UnitCode: "A", Summary: printSummary, Text: printDraft, OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !draft {
		if c, err = env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func dmy(t time.Time) string { return t.In(domain.Zone).Format("02/01/2006") }

var qrSVGRe = regexp.MustCompile(`(?s)<svg.*?</svg>`)

// checkQR finds the one QR code on a page and checks it is the code of url, drawn by
// package qr (whose own tests check that code against the encoding library).
func checkQR(t *testing.T, body, url string) {
	t.Helper()
	found := qrSVGRe.FindAllString(body, -1)
	if len(found) != 1 {
		t.Fatalf("page has %d SVG images, want the one QR code", len(found))
	}
	want, err := qr.SVG(url, i18n.T(i18n.VI, "print.qr_label", url))
	if err != nil {
		t.Fatal(err)
	}
	if found[0] != string(want) {
		t.Fatalf("the QR code on the page is not the code of %s:\n%s", url, found[0])
	}
}

func TestNoticeIsAnA4SheetWithQRAndShortLink(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := createPrintable(t, env, false)
		short := fmt.Sprintf("http://127.0.0.1/c/%d", c.ID)
		res := env.NewBrowser(t).Get(fmt.Sprintf("/c/%d/notice", c.ID))
		if res.Status != http.StatusOK {
			t.Fatalf("notice: status %d", res.Status)
		}
		mustContain(t, res.Body, html.EscapeString(printTitle), "Xã An Bình", "Quy ước", printSummary,
			fmt.Sprintf("Thời gian lấy ý kiến: từ ngày %s đến hết ngày %s", dmy(c.OpensAt), dmy(c.LastDay())),
			"Cách góp ý", "Cộng hòa xã hội chủ nghĩa Việt Nam",
			`<p class="short-url"><a href="`+short+`">`+strings.TrimPrefix(short, "http://")+`</a></p>`,
			`class="no-print print-bar"`, fmt.Sprintf(`href="/c/%d/form"`, c.ID))
		mustNotContain(t, res.Body, "hiện không nhận ý kiến", " style=")
		checkQR(t, res.Body, short)
		if n := len(res.Body); n > 30_000 {
			t.Errorf("notice weighs %d bytes of HTML, over the 30 KB budget", n)
		}
		t.Logf("notice: %d bytes of HTML", len(res.Body))

		// A notice is an official document: Vietnamese whatever language the portal is read
		// in, with no repeated "dự thảo" and a block to sign and seal.
		en := env.NewBrowser(t).Get(fmt.Sprintf("/c/%d/notice?lang=en", c.ID))
		mustContain(t, en.Body, `<html lang="vi">`, fmt.Sprintf("Thời gian lấy ý kiến: từ ngày %s đến hết ngày %s", dmy(c.OpensAt), dmy(c.LastDay())),
			`<div class="sign-block">`, "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "(Ký, ghi rõ họ tên và đóng dấu)")
		mustNotContain(t, en.Body, "Consultation period")
		head := between(t, res.Body, `<h1 class="sheet-title">`, `</p>`)
		if n := strings.Count(strings.ToLower(head), "dự thảo"); n != 1 {
			t.Errorf("the notice's title says dự thảo %d times: %s", n, head)
		}
	})
}

func TestHouseholdFormFollowsTheDraftPartByPart(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := createPrintable(t, env, false)
		b := env.NewBrowser(t)
		res := b.Get(fmt.Sprintf("/c/%d/form", c.ID))
		if res.Status != http.StatusOK {
			t.Fatalf("form: status %d", res.Status)
		}
		body := res.Body
		mustContain(t, body, html.EscapeString(printTitle), "Xã An Bình",
			fmt.Sprintf("từ ngày %s đến hết ngày %s", dmy(c.OpensAt), dmy(c.LastDay())),
			"Họ tên chủ hộ (không bắt buộc)", "trước hết ngày "+dmy(c.LastDay()))
		mustNotContain(t, body, " style=", "Bản Nà") // Bản Nà is a village of another commune
		checkQR(t, body, fmt.Sprintf("http://127.0.0.1/c/%d", c.ID))

		// Every part residents can comment on online, in document order, named as on the
		// page and in the report, with its path, three tick boxes and lines to write on; the
		// draft as a whole last.
		online := b.Get(fmt.Sprintf("/c/%d", c.ID)).Body
		type part struct{ label, path string }
		var want []part
		var article string
		for _, s := range c.Sections {
			switch s.Kind {
			case "chapter":
				continue
			case "preamble":
				want = append(want, part{"Phần mở đầu", s.Path})
			case "clause":
				want = append(want, part{article + " – " + s.Heading, s.Path})
			default:
				article = s.Heading
				want = append(want, part{s.Heading, s.Path})
			}
			if !strings.Contains(online, `id="s-`+s.Path+`"`) {
				t.Fatalf("the online page has no part %s", s.Path)
			}
		}
		want = append(want, part{label: "Ý kiến chung về dự thảo"})
		if len(want) < 8 {
			t.Fatalf("the draft split into only %d parts: %+v", len(want), want)
		}
		chunks := strings.Split(body, `class="part-label"`)
		if len(chunks)-1 != len(want) {
			t.Fatalf("form has %d parts, want %d", len(chunks)-1, len(want))
		}
		for i, w := range want {
			chunk := chunks[i+1]
			if !strings.HasPrefix(chunk, ">"+html.EscapeString(w.label)+" ") && !strings.HasPrefix(chunk, ">"+html.EscapeString(w.label)+"<") {
				t.Errorf("part %d is %.60q, want %q", i+1, chunk, w.label)
			}
			// Residents read article numbers; the internal code stays in the markup only.
			if w.path != "" && (strings.Contains(chunk, "Mã phần") || strings.Contains(chunk, ">"+w.path+"<") || strings.Contains(chunk, " "+w.path+"<")) {
				t.Errorf("part %q shows its internal code %s", w.label, w.path)
			}
			if w.path != "" && !strings.Contains(chunks[i], `data-path="`+w.path+`"`) {
				t.Errorf("part %q is not marked with its path %s", w.label, w.path)
			}
			if n := strings.Count(chunk, `class="tick"`); n != 3 {
				t.Errorf("part %q has %d tick boxes, want 3", w.label, n)
			}
			for _, stance := range []string{"Đồng ý", "Không đồng ý", "Ý kiến khác"} {
				if !strings.Contains(chunk, `<span class="tick"></span>`+stance+`</li>`) {
					t.Errorf("part %q has no box for %q", w.label, stance)
				}
			}
			if n := strings.Count(chunk, "<span></span>"); n < 2 {
				t.Errorf("part %q has %d lines to write on", w.label, n)
			}
		}
		// Chapters head their articles.
		if ch, art := strings.Index(body, "Chương II. NỘI DUNG"), strings.Index(body, ">Điều 2. Vệ sinh môi trường "); ch < 0 || art < 0 || ch > art {
			t.Errorf("chapter II at %d, its article at %d", ch, art)
		}
		// The household: a box for each village of the commune, before the first part.
		for _, v := range []string{"Thôn Một", "Thôn Hai"} {
			if !strings.Contains(chunks[0], `<span class="tick"></span>`+v+`</span>`) {
				t.Errorf("no box for village %s", v)
			}
		}
		// A long article is quoted only in part.
		mustContain(t, body, festivalStart, "…")
		mustNotContain(t, body, festivalEnd)
	})
}

func TestPrintablesOfADraftAreNotPublic(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := createPrintable(t, env, true)
		anonymous, officialB, officialA := env.NewBrowser(t), env.NewBrowser(t), env.NewBrowser(t)
		officialB.Login("official.b@example.vn")
		officialA.Login("official.a@example.vn")
		for _, page := range []string{"notice", "form"} {
			path := fmt.Sprintf("/c/%d/%s", c.ID, page)
			for who, b := range map[string]*testutil.Browser{"anonymous": anonymous, "official B": officialB} {
				res := b.Get(path)
				if res.Status != http.StatusNotFound {
					t.Errorf("%s: %s gets status %d, want 404", path, who, res.Status)
				}
				mustNotContain(t, res.Body, html.EscapeString(printTitle))
			}
			// The commune's official may preview it, told not to post it.
			res := officialA.Get(path)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: official A gets status %d", path, res.Status)
			}
			mustContain(t, res.Body, "dự thảo này hiện không nhận ý kiến (Bản nháp)")
		}
		for _, path := range []string{"/c/abc/notice", "/c/0/form", "/c/999999/notice"} {
			if got := anonymous.Get(path).Status; got != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", path, got)
			}
		}

		// Once closed, the sheets say so.
		ctx := context.Background()
		if _, err := env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		mustNotContain(t, anonymous.Get(fmt.Sprintf("/c/%d/notice", c.ID)).Body, "hiện không nhận ý kiến")
		env.CloseAtEnd(t, env.OfficialA, c)
		mustContain(t, anonymous.Get(fmt.Sprintf("/c/%d/notice", c.ID)).Body, "dự thảo này hiện không nhận ý kiến (Đã hết hạn góp ý)")
	})
}

func TestShortLinkOpensTheConsultation(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := createPrintable(t, env, false)
		resident := env.NewBrowser(t)
		page := resident.Get(fmt.Sprintf("/c/%d", c.ID))
		short := fmt.Sprintf("http://127.0.0.1/c/%d", c.ID)
		mustContain(t, page.Body, "Đường dẫn ngắn", `href="`+short+`">`+strings.TrimPrefix(short, "http://")+"</a>",
			fmt.Sprintf(`href="/c/%d/notice">In thông báo</a>`, c.ID), fmt.Sprintf(`href="/c/%d/form">In phiếu lấy ý kiến</a>`, c.ID))

		// The short link is the page itself: no redirect, nothing to break.
		res := resident.Get(strings.TrimPrefix(short, "http://127.0.0.1"))
		if res.Status != http.StatusOK {
			t.Fatalf("short link: status %d", res.Status)
		}
		mustContain(t, res.Body, "<h1>"+html.EscapeString(printTitle)+"</h1>")

		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		mustContain(t, official.Get(fmt.Sprintf("/staff/consultations/%d", c.ID)).Body,
			fmt.Sprintf(`href="/c/%d/notice"`, c.ID), fmt.Sprintf(`href="/c/%d/form"`, c.ID))
	})
}

// TestShortLinkIsASCII: a portal whose address has Vietnamese letters prints and encodes
// the xn-- form of its host, which every phone can type and every scanner opens.
func TestShortLinkIsASCII(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServerWith(t, st, func(cfg *config.Config) { cfg.BaseURL = "https://gópý.example.vn" })
		c := createPrintable(t, env, false)
		short := fmt.Sprintf("https://xn--gp-5ja5b.example.vn/c/%d", c.ID)
		res := env.NewBrowser(t).Get(fmt.Sprintf("/c/%d/notice", c.ID))
		mustContain(t, res.Body, `<a href="`+short+`">`+strings.TrimPrefix(short, "https://")+"</a>")
		checkQR(t, res.Body, short)
	})
}
