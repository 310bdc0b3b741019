package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// pageBudget is the most a consultation page may weigh on a resident's 3G phone: its HTML,
// CSS and JavaScript, compressed as the server sends them (DESIGN.md, quality bars).
const pageBudget = 50_000

// chapterTitles and articleTitles make a village charter of five chapters and 40 articles,
// the size of the longer hương ước communes post.
var (
	chapterTitles = []string{"QUY ĐỊNH CHUNG", "XÂY DỰNG NẾP SỐNG VĂN HÓA", "BẢO VỆ MÔI TRƯỜNG VÀ CẢNH QUAN",
		"GIỮ GÌN AN NINH TRẬT TỰ", "TỔ CHỨC THỰC HIỆN"}
	articleTitles = []string{
		"Phạm vi điều chỉnh", "Đối tượng áp dụng", "Nguyên tắc xây dựng và thực hiện", "Giải thích từ ngữ",
		"Những việc được làm", "Những việc không được làm", "Quyền của người dân trong thôn", "Nghĩa vụ của người dân",
		"Việc cưới", "Việc tang", "Mừng thọ", "Lễ hội truyền thống", "Khuyến học, khuyến tài",
		"Gia đình văn hóa", "Tình làng nghĩa xóm", "Sinh hoạt cộng đồng tại nhà văn hóa",
		"Giữ gìn vệ sinh môi trường", "Thu gom và phân loại rác thải", "Chăn nuôi gia súc, gia cầm", "Bảo vệ nguồn nước",
		"Đường làng, ngõ xóm", "Chiếu sáng công cộng", "Cây xanh và cảnh quan", "Xử lý nước thải sinh hoạt",
		"An ninh trật tự", "Phòng chống tệ nạn xã hội", "Phòng chống cháy nổ", "Hòa giải ở cơ sở",
		"Giờ giấc sinh hoạt, karaoke", "Quản lý người tạm trú", "An toàn giao thông", "Phòng chống thiên tai",
		"Đóng góp xây dựng thôn", "Quản lý quỹ của thôn", "Khen thưởng", "Xử lý vi phạm",
		"Trách nhiệm của Ban tự quản thôn", "Sửa đổi, bổ sung hương ước", "Tổ chức thực hiện", "Hiệu lực thi hành",
	}
	// words are what clauses and opinions are drawn from at random: compressed size depends
	// on how repetitive a text is, and a few sentences repeated 150 times would compress far
	// better than a real charter does.
	words = strings.Fields(`hộ gia đình cá nhân thôn xóm bản làng người dân cán bộ Ban tự quản trưởng thôn
		chi hội phụ nữ đoàn thanh niên cựu chiến binh người cao tuổi học sinh nhà văn hóa đường làng ngõ xóm
		ao hồ kênh mương cống rãnh nguồn nước giếng khoan rác thải chuồng trại gia súc gia cầm cây xanh
		đèn đường loa truyền thanh quỹ khuyến học đóng góp tự nguyện công khai minh bạch hằng tháng hằng quý
		cuối năm đầu năm mùa mưa mùa khô ngày lễ tết đám cưới đám tang mừng thọ lễ hội giỗ họ tiết kiệm văn minh
		có trách nhiệm thực hiện nghiêm chỉnh nhắc nhở vận động tuyên truyền phối hợp theo dõi đôn đốc kiểm tra
		biểu dương khen thưởng xử lý vi phạm tái phạm khắc phục bồi thường thiệt hại hòa giải thống nhất bàn bạc
		quyết định biểu quyết thông báo báo cáo tổng hợp lấy ý kiến đề nghị bổ sung sửa đổi bãi bỏ giữ nguyên
		không được phải nên cần được phép trong thời hạn ngày kể từ khi theo quy định của pháp luật và của thôn
		an ninh trật tự phòng chống cháy nổ thiên tai bão lũ tệ nạn xã hội ma túy cờ bạc rượu bia karaoke
		sau hai mươi hai giờ trước sáu giờ sáng trẻ em người già neo đơn hộ nghèo cận nghèo gia đình chính sách
		vệ sinh môi trường phân loại thu gom xử lý chôn lấp đốt rơm rạ khói bụi tiếng ồn an toàn giao thông`)
	openers = []string{"Tôi đồng ý.", "Gia đình tôi thống nhất.", "Tôi không đồng ý.", "Đề nghị xem lại.",
		"Ý kiến của tôi như sau:", "Cần bổ sung thêm."}
)

// sentence strings n words drawn at random, capitalised and ended with a full stop.
func sentence(r *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = words[r.IntN(len(words))]
	}
	s := strings.Join(w, " ")
	first, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(first)) + s[size:] + "."
}

// charter40 is the text of a hương ước with 40 articles of three or four clauses each, the
// clauses one or two sentences of random words: about as long as a real one, and about as
// hard to compress.
func charter40(r *rand.Rand) string {
	var b strings.Builder
	for i, title := range articleTitles {
		if i%8 == 0 {
			fmt.Fprintf(&b, "Chương %s\n%s\n", []string{"I", "II", "III", "IV", "V"}[i/8], chapterTitles[i/8])
		}
		fmt.Fprintf(&b, "Điều %d. %s\n", i+1, title)
		for k := range 3 + i%2 {
			fmt.Fprintf(&b, "%d. %s", k+1, sentence(r, 18+r.IntN(14)))
			if r.IntN(2) == 0 {
				b.WriteString(" " + sentence(r, 10+r.IntN(10)))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// TestConsultationPageWeight measures the consultation page of a 40-article draft with
// opinions under many of its articles, as a phone downloads it: the HTML and the CSS and
// JavaScript it links, each gzip-compressed by the server. Together they must stay within
// pageBudget, without web fonts.
func TestConsultationPageWeight(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		env := testutil.StartServer(t, st)
		r := rand.New(rand.NewPCG(40, 2026)) // the same page on every run and database
		opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
		c, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{
			Title: "Dự thảo hương ước Thôn Một (sửa đổi, bổ sung năm 2026)", Kind: "huong_uoc", UnitCode: "A",
			Summary: "Hương ước được sửa đổi theo Nghị định 61/2023/NĐ-CP. Mời bà con đọc từng điều và góp ý trước khi thôn họp biểu quyết.",
			Text:    charter40(r), OpensAt: opens, ClosesAt: closes,
		})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		var articles []int64
		for _, s := range c.Sections {
			if s.Kind == "article" {
				articles = append(articles, s.ID)
			}
		}
		if len(articles) != 40 {
			t.Fatalf("the draft split into %d articles, want 40", len(articles))
		}
		// 100 approved opinions: the first 20 articles get five each (the page shows the
		// latest few), the rest none, and a few on the draft as a whole.
		n := 0
		for i := range 100 {
			in := app.NewOpinion{Stance: []string{"agree", "disagree", "other"}[i%3], VillageCode: []string{"A1", "A2", ""}[i%3],
				Body: openers[r.IntN(len(openers))] + " " + sentence(r, 15+r.IntN(30))}
			if i%10 != 9 {
				in.SectionID = &articles[(i/5)%20]
			}
			if i%4 == 0 {
				in.AuthorName, in.ShowName = "Nguyễn Văn Bình", true
			}
			rec, err := env.App.SubmitOpinion(ctx, c.ID, in, fmt.Sprintf("weight-%d", i))
			if err != nil {
				t.Fatalf("opinion %d: %v", i, err)
			}
			if _, err := env.App.Moderate(ctx, env.ModeratorA, rec.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
				t.Fatalf("approve %d: %v", i, err)
			}
			n++
		}

		page := fetchCompressed(t, env.URL+fmt.Sprintf("/c/%d", c.ID))
		html := page.text
		if got := strings.Count(html, `class="section article"`); got != 40 {
			t.Fatalf("the page shows %d articles, want 40", got)
		}
		if got := strings.Count(html, `<article class="opinion`); got < 40 {
			t.Fatalf("the page shows %d opinions, want at least 40 of the %d approved", got, n)
		}
		total, parts := page.wire, []string{fmt.Sprintf("HTML %d B (%d B uncompressed)", page.wire, len(html))}
		assets := regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"`).FindAllStringSubmatch(html, -1)
		if len(assets) < 2 {
			t.Fatalf("found %d stylesheets and scripts on the page, want app.css and app.js at least", len(assets))
		}
		for _, m := range assets {
			path := m[1] + m[2]
			a := fetchCompressed(t, env.URL+path)
			if strings.Contains(a.text, "@font-face") || strings.Contains(a.text, "@import") {
				t.Errorf("%s loads fonts or more CSS: Vietnamese needs no web font, and each would cost more bytes", path)
			}
			total += a.wire
			parts = append(parts, fmt.Sprintf("%s %d B (%d B uncompressed)", path, a.wire, len(a.text)))
		}
		t.Logf("consultation page of 40 articles and %d opinions: %d bytes compressed in all (budget %d): %s",
			n, total, pageBudget, strings.Join(parts, ", "))
		if total > pageBudget {
			t.Errorf("the consultation page weighs %d bytes compressed, over the budget of %d: %s", total, pageBudget, strings.Join(parts, ", "))
		}
	})
}

// compressed is a response as it crossed the wire, and its text once decompressed.
type compressed struct {
	wire int
	text string
}

// fetchCompressed gets a URL as a phone does, asking for gzip, and requires the server to
// compress it: the size that counts is what travels.
func fetchCompressed(t *testing.T, url string) compressed {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	// DisableCompression keeps Go from decompressing behind our back, so the body read is
	// the bytes the server sent.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, res.StatusCode)
	}
	if enc := res.Header.Get("Content-Encoding"); enc != "gzip" {
		t.Fatalf("GET %s: Content-Encoding %q, want gzip (%d bytes sent)", url, enc, len(raw))
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("GET %s: not gzip: %v", url, err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("GET %s: bad gzip: %v", url, err)
	}
	return compressed{wire: len(raw), text: string(text)}
}

// TestAnnualReportPageWeight keeps the province's annual report (a table per section, a row
// per commune) within the budget of a page read on a phone, on the history of
// testutil.SeedAnnual.
func TestAnnualReportPageWeight(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		testutil.SeedAnnual(t, env.Fixture)
		for _, path := range []string{"/units/P/annual/2026", "/units/A/annual/2026"} {
			page := fetchCompressed(t, env.URL+path)
			if !strings.Contains(page.text, "Báo cáo kết quả thực hiện dân chủ ở cơ sở năm 2026") {
				t.Fatalf("%s is not the report", path)
			}
			t.Logf("%s: %d bytes compressed (%d uncompressed)", path, page.wire, len(page.text))
			if page.wire > pageBudget {
				t.Errorf("%s weighs %d bytes compressed, over the budget of %d", path, page.wire, pageBudget)
			}
		}
	})
}
