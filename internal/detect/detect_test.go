package detect

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/textnorm"
)

// flagged renders matches as "kind/detail:text" so table tests read like the input.
func flagged(text string, ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s/%s:%s", m.Kind, m.Detail, text[m.Start:m.End]))
	}
	return out
}

type scanCase struct {
	in   string
	want []string // "kind/detail:span"; nil means no flag at all
}

func runScanCases(t *testing.T, cases []scanCase) {
	t.Helper()
	for _, c := range cases {
		got := flagged(c.in, Scan(c.in))
		if !slices.Equal(got, c.want) {
			t.Errorf("Scan(%q)\n got  %q\n want %q", c.in, got, c.want)
		}
	}
}

func phone(s string) string { return "personal_data/phone:" + s }
func cid(s string) string   { return "personal_data/citizen_id:" + s }
func email(s string) string { return "personal_data/email:" + s }
func url(s string) string   { return "link/url:" + s }
func prof(canon, s string) string {
	return "profanity/" + canon + ":" + s
}

func TestPhones(t *testing.T) {
	runScanCases(t, []scanCase{
		{"gọi 0912345678 nhé", []string{phone("0912345678")}},
		{"gọi 0912 345 678 nhé", []string{phone("0912 345 678")}},
		{"gọi 0912.345.678.", []string{phone("0912.345.678")}},
		{"gọi 0912-345-678", []string{phone("0912-345-678")}},
		{"gọi 091 234 5678", []string{phone("091 234 5678")}},
		{"gọi 0912 34 56 78", []string{phone("0912 34 56 78")}},
		{"gọi 0912\u00a0345\u00a0678", []string{phone("0912\u00a0345\u00a0678")}},
		{"số +84 912 345 678", []string{phone("+84 912 345 678")}},
		{"số +84912345678", []string{phone("+84912345678")}},
		{"số 84912345678", []string{phone("84912345678")}},
		{"số +84-912-345-678", []string{phone("+84-912-345-678")}},
		{"số +84 91 234 5678", []string{phone("+84 91 234 5678")}},
		{"số +84 0912 345 678", []string{phone("+84 0912 345 678")}},
		{"(0912 345 678)", []string{phone("0912 345 678")}},
		{"(0912) 345 678", []string{phone("(0912) 345 678")}},
		{"máy bàn (028) 3829 1234", []string{phone("(028) 3829 1234")}},
		{"(+84) 912345678", []string{phone("(+84) 912345678")}},
		{"máy bàn 024.3825.1234", []string{phone("024.3825.1234")}},
		{"máy bàn 0225 3845 678", []string{phone("0225 3845 678")}},
		{"SĐT:0707123456", []string{phone("0707123456")}},
		{"zalo.me/0912345678", []string{url("zalo.me/"), phone("0912345678")}},
		{"năm 2024 0912345678", []string{phone("0912345678")}},
		{"0912345678 0987654321", []string{phone("0912345678"), phone("0987654321")}},
		{"0912345678/0987654321", []string{phone("0912345678"), phone("0987654321")}},
		{"0912 345 678 901", []string{phone("0912 345 678")}},
		// Not phones.
		{"năm 2024", nil},
		{"năm 2024 và 2025, giai đoạn 2021-2030", nil},
		{"50.000.000 đồng", nil},
		{"1.500.000đ", nil},
		{"3.500.000.000 đồng và 1.035.000.000.000 đồng", nil},
		{"ngày 12/05/2025, 15-08-2024, 20.11.2024", nil},
		{"Luật 10/2022/QH15, Nghị định 61/2023/NĐ-CP", nil},
		{"Điều 5 khoản 2", nil},
		{"thôn có 215 hộ, 870 khẩu", nil},
		{"hộ số 03 05 07 09 11", nil},
		{"0123456789", nil},   // 01x is not a current prefix
		{"09123456789", nil},  // 11 digits starting 09
		{"091234567", nil},    // 9 digits
		{"0912345678.5", nil}, // part of a longer dotted number
		{"1.0912345678", nil}, // mid-run after a dot
		{"QH0912345678", nil}, // glued to letters
		// Glued to the word after it, a number is still one: people type without the space
		// on a phone, and a writer hiding a number leaves it out on purpose.
		{"0912345678đ", []string{phone("0912345678")}},
		{"gọi 0912345678và hỏi", []string{phone("0912345678")}},
		{"hotline 1900 9095", nil}, // public service numbers are not personal
	})
	runScanCases(t, []scanCase{
		{"số +84 (0) 912 345 678", []string{phone("+84 (0) 912 345 678")}},
		{"số 0 9 1 2 3 4 5 6 7 8 nhé", []string{phone("0 9 1 2 3 4 5 6 7 8")}},
		{"điểm 1 2 3 4 5 6 7 8 9 0", nil},
		{"(1) 0912 345 678", []string{phone("0912 345 678")}},
		{"(2024) 0912345678", []string{phone("0912345678")}},
	})
}

func TestCitizenIDs(t *testing.T) {
	runScanCases(t, []scanCase{
		{"CCCD: 001089012345", []string{cid("001089012345")}},
		{"CCCD 001 089 012 345.", []string{cid("001 089 012 345")}},
		{"CCCD 0010.8901.2345", []string{cid("0010.8901.2345")}},
		{"tôi 001089012345 ở xóm 2", []string{cid("001089012345")}},
		{"CMND số 123456789", []string{cid("123456789")}},
		{"số CMND của tôi là 123 456 789", []string{cid("123 456 789")}},
		{"chứng minh nhân dân 012 345 678", []string{cid("012 345 678")}},
		{"chung minh thu so 123456789", []string{cid("123456789")}},
		{"căn cước 123456789012", []string{cid("123456789012")}},
		{"số định danh cá nhân: 934185000123", []string{cid("934185000123")}},
		// Not IDs.
		{"100.000.000.000 đồng", nil},
		{"số tiền 123456789012 đồng", nil},
		{"000000000000", nil},
		{"mã 123456789", nil},
		{"CCCD 123456789", nil}, // 9 digits only for the old card
		{"CMND cấp năm 2005, hộ 123456789", nil},
		{"0010890123456", nil}, // 13 digits
		{"001089012345678", nil},
	})
}

func TestEmails(t *testing.T) {
	runScanCases(t, []scanCase{
		{"gửi nguyenvana@gmail.com.", []string{email("nguyenvana@gmail.com")}},
		{"tran.thi.b@yahoo.com.vn", []string{email("tran.thi.b@yahoo.com.vn")}},
		{"lan.tran+duong@outlook.com", []string{email("lan.tran+duong@outlook.com")}},
		{"lienhe_thon@xa.gov.vn", []string{email("lienhe_thon@xa.gov.vn")}},
		{"0912345678@gmail.com", []string{email("0912345678@gmail.com")}},
		{"NguyenVanA@Gmail.Com", []string{email("NguyenVanA@Gmail.Com")}},
		{"@Ban quản lý thôn", nil},
		{"a@b", nil},
		{"a@b.c", nil},
		{"gặp nhau @ nhà văn hóa.", nil},
		// A local part with diacritics is one address, not half of one.
		{"gửi nguyễnvăn.an@gmail.com nhé", []string{email("nguyễnvăn.an@gmail.com")}},
	})
}

func TestLinks(t *testing.T) {
	runScanCases(t, []scanCase{
		{"xem https://xahoa.gov.vn/quy-hoach.", []string{url("https://xahoa.gov.vn/quy-hoach")}},
		{"xem http://a.vn/x?y=1&z=2, rồi", []string{url("http://a.vn/x?y=1&z=2")}},
		{"(xem https://vi.wikipedia.org/wiki/Hương_ước)", []string{url("https://vi.wikipedia.org/wiki/Hương_ước")}},
		{"(https://a.vn/b_(c))", []string{url("https://a.vn/b_(c)")}},
		{"HTTPS://DICHVUCONG.GOV.VN", []string{url("HTTPS://DICHVUCONG.GOV.VN")}},
		{"www.thuvienphapluat.vn", []string{url("www.thuvienphapluat.vn")}},
		{"bit.ly/3abc", []string{url("bit.ly/3abc")}},
		{"shopee.vn/abc-1", []string{url("shopee.vn/abc-1")}},
		{"tiki.vn", []string{url("tiki.vn")}},
		{"abc.com.vn/x", []string{url("abc.com.vn/x")}},
		{"vaynhanh.xyz và kiemtien.info", []string{url("vaynhanh.xyz"), url("kiemtien.info")}},
		{"m.facebook.com/groups/x", []string{url("m.facebook.com/groups/x")}},
		{"goo.gl/maps/x", []string{url("goo.gl/maps/x")}},
		// Not links.
		{"v.v.", nil},
		{"ở TP.HCM", nil},
		{"số pi là 3.14, lãi 1.5", nil},
		{"Tp.Hà Nội", nil},
		{"dong y.co the", nil}, // "co" needs a path
		{"tot.me oi", nil},     // "me" needs a path
		{"Hương.com", nil},     // glued to a Vietnamese word
		{"file hương_ước.docx", nil},
		{"a.b", nil},
	})
}

func TestProfanity(t *testing.T) {
	runScanCases(t, []scanCase{
		{"Đm bọn nó", []string{prof("đm", "Đm")}},
		{"dm", []string{prof("đm", "dm")}},
		{"ĐM!", []string{prof("đm", "ĐM")}},
		{"đmmm", []string{prof("đm", "đmmm")}},
		{"đ.m", []string{prof("đm", "đ.m")}},
		{"d-m", []string{prof("đm", "d-m")}},
		{"đ m thật", []string{prof("đm", "đ m")}},
		{"đ.mmm", []string{prof("đm", "đ.mmm")}},
		{"dcm", []string{prof("đcm", "dcm")}},
		{"vcl", []string{prof("vcl", "vcl")}},
		{"v.c.l", []string{prof("vcl", "v.c.l")}},
		{"vcllll", []string{prof("vcl", "vcllll")}},
		{"lầy vl", []string{prof("vl", "vl")}},
		{"cc gì", []string{prof("cc", "cc")}},
		{"ccc", []string{prof("cc", "ccc")}},
		{"địt mẹ", []string{prof("địt mẹ", "địt mẹ")}},
		{"dit me", []string{prof("địt mẹ", "dit me")}},
		{"dit con me", []string{prof("địt mẹ", "dit con me")}},
		{"đụ", []string{prof("đụ", "đụ")}},
		{"du ma", []string{prof("đụ má", "du ma")}},
		{"lồn", []string{prof("lồn", "lồn")}},
		{"LỒN", []string{prof("lồn", "LỒN")}},
		{"lo\u0302\u0300n", []string{prof("lồn", "lo\u0302\u0300n")}}, // NFD input
		{"l0n", []string{prof("lồn", "l0n")}},
		{"cặc", []string{prof("cặc", "cặc")}},
		{"đéo", []string{prof("đéo", "đéo")}},
		{"đéooo", []string{prof("đéo", "đéooo")}},
		{"deo biet", []string{prof("đéo", "deo biet")}},
		{"mẹ kiếp", []string{prof("mẹ kiếp", "mẹ kiếp")}},
		{"me kiep", []string{prof("mẹ kiếp", "me kiep")}},
		{"óc chó", []string{prof("óc chó", "óc chó")}},
		{"oc cho", []string{prof("óc chó", "oc cho")}},
		{"ngu như bò", []string{prof("ngu", "ngu như bò")}},
		{"thằng ngu", []string{prof("ngu", "thằng ngu")}},
		{"thằng nguuuu", []string{prof("ngu", "thằng nguuuu")}},
		{"thang ngu", []string{prof("ngu", "thang ngu")}},
		{"đồ ngu", []string{prof("ngu", "đồ ngu")}},
		{"đồ chó", []string{prof("chó", "đồ chó")}},
		{"thằng chó chết", []string{prof("chó chết", "thằng chó chết")}},
		{"lũ súc vật", []string{prof("súc vật", "lũ súc vật")}},
		{"đồ khốn", []string{prof("đồ khốn", "đồ khốn")}},
		{"khốn nạn", []string{prof("khốn nạn", "khốn nạn")}},
		{"khon nan", []string{prof("khốn nạn", "khon nan")}},
		{"mất dạy", []string{prof("mất dạy", "mất dạy")}},
		// Ordinary words that fold like profanity.
		{"các hộ, cac ho", nil},
		{"đường lớn, lon bia, lộn xộn", nil},
		{"đeo khẩu trang, deo khau trang, đường qua đèo", nil},
		{"trẻ con cần ngủ, ngu trua", nil},
		{"ngủ như chết, ngu nhu heo", nil},
		{"đồ ngủ, do ngu muon", nil},
		{"đồ cho trẻ em, do cho tre em", nil},
		{"con chó nhà tôi, con cho nha toi, chó chết phải chôn", nil},
		{"thả rông súc vật, gia súc", nil},
		{"không đủ tiền, buổi họp, đĩa, đít", nil},
		{"mất dây điện, mat day dien", nil},
		{"hạt óc chó, trồng cây óc chó", nil},
		{"đ/c Hùng, điểm d, đ khoản 1", nil},
		{"ông Đ.M.Hùng", nil},
		{"ông Đ. M. Hùng", nil},
		{"c ơi, v l", []string{prof("vl", "v l")}}, // spaced acronym: accepted cost
		{"dm1", nil},    // not a whole word
		{"vcl123", nil}, // not a whole word
		{"CCCD", nil},
	})
}

// TestProfanityList guards the rule that makes the marks-only entries safe:
// an entry matched only with its marks must have a word that carries marks,
// otherwise text typed without marks matches it exactly ("con ngu" would
// match "còn ngủ" typed as "con ngu").
func TestProfanityList(t *testing.T) {
	for _, e := range profEntries {
		if e.fold {
			continue
		}
		marked := false
		for _, w := range e.words {
			for _, r := range w {
				if r >= 0x80 && r != 'đ' {
					marked = true
				}
			}
		}
		if !marked {
			t.Errorf("entry %q needs marks to be safe but has none", strings.Join(e.words, " "))
		}
	}
}

func TestScanResolvesOverlaps(t *testing.T) {
	runScanCases(t, []scanCase{
		// An e-mail's domain is not also a link.
		{"a@shop.vn", []string{email("a@shop.vn")}},
		// Profanity inside a link is the link's business.
		{"https://x.vn/dm", []string{url("https://x.vn/dm")}},
		{"Đm, gọi 0912 345 678 hoặc xem bit.ly/x", []string{prof("đm", "Đm"), phone("0912 345 678"), url("bit.ly/x")}},
		// Digits of an e-mail are not a phone.
		{"0912 345 678@gmail.com", []string{email("678@gmail.com")}},
	})
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"gọi 0912 345 678 nhé", "gọi 0xx xxx x678 nhé"},
		{"gọi +84 912.345.321!", "gọi 0xx xxx x321!"},
		{"máy bàn (028) 3829 1234.", "máy bàn 0xx xxx x234."},
		{"CCCD: 001 089 012 345, ở tổ 2", "CCCD: [số định danh đã ẩn], ở tổ 2"},
		{"CMND số 123456789", "CMND số [số định danh đã ẩn]"},
		{"mail a.b@gmail.com.", "mail [email đã ẩn]."},
		{"zalo.me/0912345678", "zalo.me/0xx xxx x678"},
		{"+84 (0) 912 345 678.", "0xx xxx x678."},
		{"0912345678 0912345678", "0xx xxx x678 0xx xxx x678"},
		// Invisible characters and full-width digits do not hide a number or an address.
		{"gọi 0912\u2060345678 nhé", "gọi 0xx xxx x678 nhé"},
		{"gọi 0912\u200b345\u00ad678", "gọi 0xx xxx x678"},
		{"gọi ０９１２３４５６７８", "gọi 0xx xxx x678"},
		{"gọi 0912345678và hỏi", "gọi 0xx xxx x678và hỏi"},
		{"mail nguyễnvăn.an＠gmail．com", "mail [email đã ẩn]"},
		{"năm 2024 góp 1.500.000đ, Điều 5", "năm 2024 góp 1.500.000đ, Điều 5"},
		{"Đm bit.ly/x", "Đm bit.ly/x"},
		{"", ""},
		{"a\xffb 0912345678", "a\uFFFDb 0xx xxx x678"},
	}
	for _, tt := range tests {
		got := Mask(tt.in)
		if got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := Mask(got); again != got {
			t.Errorf("Mask not idempotent: %q -> %q -> %q", tt.in, got, again)
		}
	}
}

// TestMaskHidesPhoneDigits checks, on every phone of the corpus, that the
// masked text keeps only the last three digits of the number and leaves the
// text around it byte for byte.
func TestMaskHidesPhoneDigits(t *testing.T) {
	nonDigit := regexp.MustCompile(`\D`)
	checked := 0
	for _, l := range readCorpus(t) {
		if l.kind == "similar" || l.expected != 1 {
			continue
		}
		ms := Scan(l.text)
		masked := Mask(l.text)
		// Rebuild the expected output from the matches: that also proves
		// the text between matches is unchanged.
		var want strings.Builder
		at := 0
		for _, m := range ms {
			if m.Kind != PersonalData {
				continue
			}
			want.WriteString(l.text[at:m.Start])
			want.WriteString(maskFor(l.text[m.Start:m.End], m.Detail))
			at = m.End
			if m.Detail != detailPhone {
				continue
			}
			checked++
			digits := nonDigit.ReplaceAllString(l.text[m.Start:m.End], "")
			hidden := digits[:len(digits)-3]
			if strings.Contains(nonDigit.ReplaceAllString(masked, ""), hidden) {
				t.Errorf("Mask(%q) = %q still contains the digits %s", l.text, masked, hidden)
			}
			if !strings.Contains(masked, "x"+digits[len(digits)-3:]) {
				t.Errorf("Mask(%q) = %q does not keep the last 3 digits", l.text, masked)
			}
		}
		want.WriteString(l.text[at:])
		if masked != want.String() {
			t.Errorf("Mask(%q)\n got  %q\n want %q", l.text, masked, want.String())
		}
	}
	if checked < 30 {
		t.Fatalf("only %d phones checked", checked)
	}
}

type corpusLine struct {
	line     int
	kind     string
	expected int
	text     string
	other    string // second text of a similar pair
}

func readCorpus(t testing.TB) []corpusLine {
	t.Helper()
	f, err := os.Open("testdata/labelled.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		s := sc.Text()
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		cols := strings.Split(s, "\t")
		if len(cols) < 3 || cols[1] != "0" && cols[1] != "1" {
			t.Fatalf("labelled.tsv:%d: malformed line %q", n, s)
		}
		l := corpusLine{line: n, kind: cols[0], expected: int(cols[1][0] - '0'), text: cols[2]}
		if l.kind == "similar" {
			if len(cols) != 4 {
				t.Fatalf("labelled.tsv:%d: a similar pair needs two texts", n)
			}
			l.other = cols[3]
		} else if len(cols) != 3 {
			t.Fatalf("labelled.tsv:%d: %d columns", n, len(cols))
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// labelsOf turns a corpus kind column into the flags it promises:
// "personal_data", "personal_data/phone", "link", ...
func labelsOf(kind string) []string {
	var out []string
	for _, k := range strings.Split(kind, ",") {
		switch k {
		case detailPhone, detailCitizenID, detailEmail:
			out = append(out, string(PersonalData), string(PersonalData)+"/"+k)
		default:
			out = append(out, k)
		}
	}
	return out
}

type counts struct{ tp, fp, fn int }

func (c counts) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c counts) recall() float64 {
	if c.tp+c.fn == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

// TestCorpus measures, per text, whether each kind is flagged, against the
// labels of testdata/labelled.tsv, and prints precision and recall.
func TestCorpus(t *testing.T) {
	lines := readCorpus(t)
	classes := []string{
		string(PersonalData), "personal_data/phone", "personal_data/citizen_id", "personal_data/email",
		string(Link), string(Profanity),
	}
	stats := map[string]*counts{}
	for _, c := range classes {
		stats[c] = &counts{}
	}
	clean, cleanFlagged := 0, 0
	for _, l := range lines {
		if l.kind == "similar" {
			continue
		}
		got := map[string]bool{}
		for _, m := range Scan(l.text) {
			got[string(m.Kind)] = true
			if m.Kind == PersonalData {
				got[string(m.Kind)+"/"+m.Detail] = true
			}
		}
		want := map[string]bool{}
		if l.expected == 1 {
			for _, k := range labelsOf(l.kind) {
				want[k] = true
			}
		} else {
			clean++
			if len(got) > 0 {
				cleanFlagged++
				t.Logf("false flag on ordinary line %d: %q: %q", l.line, l.text, flagged(l.text, Scan(l.text)))
			}
		}
		for _, c := range classes {
			switch {
			case want[c] && got[c]:
				stats[c].tp++
			case want[c]:
				stats[c].fn++
				t.Logf("missed %s on line %d: %q", c, l.line, l.text)
			case got[c]:
				stats[c].fp++
				if l.expected == 1 {
					t.Logf("unexpected %s on line %d: %q: %q", c, l.line, l.text, flagged(l.text, Scan(l.text)))
				}
			}
		}
	}
	for _, c := range classes {
		s := stats[c]
		t.Logf("%-26s precision %.3f (%d/%d)  recall %.3f (%d/%d)", c,
			s.precision(), s.tp, s.tp+s.fp, s.recall(), s.tp, s.tp+s.fn)
	}
	fpRate := float64(cleanFlagged) / float64(clean)
	t.Logf("ordinary comments: %d, flagged: %d, false-positive rate %.3f", clean, cleanFlagged, fpRate)

	if clean < 120 {
		t.Errorf("corpus has %d ordinary comments, want at least 120", clean)
	}
	check := func(c string, minP, minR float64) {
		s := stats[c]
		if s.precision() < minP || s.recall() < minR {
			t.Errorf("%s: precision %.3f recall %.3f, want at least %.2f / %.2f", c, s.precision(), s.recall(), minP, minR)
		}
	}
	check(string(PersonalData), 0.95, 0.9)
	check(string(Link), 0.95, 0.9)
	check(string(Profanity), 0.9, 0.8)
	if fpRate > 0.02 {
		t.Errorf("false-positive rate on ordinary comments %.3f, want at most 0.02", fpRate)
	}
}

// TestSimilarPairs checks SimilarThreshold on the labelled pairs and prints
// the margin on each side, which is how the threshold was chosen.
func TestSimilarPairs(t *testing.T) {
	minSame, maxDiff := 1.0, 0.0
	n := 0
	for _, l := range readCorpus(t) {
		if l.kind != "similar" {
			continue
		}
		n++
		s := Similarity(Shingles(l.text), Shingles(l.other))
		if l.expected == 1 {
			minSame = min(minSame, s)
		} else {
			maxDiff = max(maxDiff, s)
		}
		if (s >= SimilarThreshold) != (l.expected == 1) {
			t.Errorf("line %d: similarity %.3f, expected similar=%d\n  %q\n  %q", l.line, s, l.expected, l.text, l.other)
		}
	}
	t.Logf("similar pairs: %d; lowest similarity of a near-identical pair %.3f, highest of a different pair %.3f, threshold %.2f",
		n, minSame, maxDiff, SimilarThreshold)
	if n < 30 {
		t.Errorf("only %d similar pairs", n)
	}
}

func TestShingles(t *testing.T) {
	if got := Shingles(""); got != nil {
		t.Errorf("Shingles(\"\") = %v, want nil", got)
	}
	if got := Shingles("  ... !!"); got != nil {
		t.Errorf("Shingles of punctuation = %v, want nil", got)
	}
	if got := Shingles("Đồng ý"); len(got) != 1 {
		t.Errorf("Shingles of two words = %v, want one shingle", got)
	}
	a := Shingles("Hương ước thôn Đông đã được thông qua")
	b := Shingles("huong uoc thon dong da duoc thong qua!")
	if !slices.Equal(a, b) {
		t.Errorf("folding should make these equal: %v %v", a, b)
	}
	if len(a) != 6 || !slices.IsSorted(a) {
		t.Errorf("Shingles = %v, want 6 sorted", a)
	}
	if got := Shingles("a b c a b c a b c"); len(got) != 3 {
		t.Errorf("repeated shingles not deduplicated: %v", got)
	}
	if s := Similarity(nil, nil); s != 0 {
		t.Errorf("Similarity of empty sets = %v, want 0", s)
	}
	if s := Similarity(a, b); s != 1 {
		t.Errorf("Similarity of equal sets = %v, want 1", s)
	}
	if s := Similarity([]uint64{1, 2, 3}, []uint64{2, 3, 4}); s != 0.5 {
		t.Errorf("Similarity = %v, want 0.5", s)
	}
}

// TestGroups compares Groups with the obvious all-pairs single-link
// clustering, on the corpus texts and their pairs.
func TestGroups(t *testing.T) {
	var texts []string
	for _, l := range readCorpus(t) {
		texts = append(texts, l.text)
		if l.other != "" {
			texts = append(texts, l.other)
		}
	}
	// Copies with a growing tail, so the chain is single-link only.
	base := "Chúng tôi đề nghị giữ lại sân đình làm nơi sinh hoạt chung của thôn không chuyển sang đất ở"
	for i := range 6 {
		base += fmt.Sprintf(" ý kiến số %d", i)
		texts = append(texts, base)
	}
	sets := make([][]uint64, len(texts))
	for i, s := range texts {
		sets[i] = Shingles(s)
	}
	got := Groups(sets)
	want := naiveGroups(sets)
	if !slices.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("text %d %q: group %d, want %d", i, texts[i], got[i], want[i])
			}
		}
	}
	groups := map[int]int{}
	for _, g := range got {
		groups[g]++
	}
	multi := 0
	for _, n := range groups {
		if n > 1 {
			multi++
		}
	}
	t.Logf("%d texts in %d groups, %d with more than one member", len(texts), len(groups), multi)
	if multi < 15 {
		t.Errorf("expected the near-identical pairs to group, got %d multi-member groups", multi)
	}
	if g := Groups(nil); len(g) != 0 {
		t.Errorf("Groups(nil) = %v", g)
	}
	if g := Groups([][]uint64{nil, nil, {1}}); !slices.Equal(g, []int{0, 1, 2}) {
		t.Errorf("empty sets must not group: %v", g)
	}
}

func naiveGroups(sets [][]uint64) []int {
	g := make([]int, len(sets))
	for i := range g {
		g[i] = i
	}
	// Repeat relabelling until stable: simple and obviously single-link.
	for changed := true; changed; {
		changed = false
		for i := range sets {
			for j := range sets {
				if g[i] != g[j] && Similarity(sets[i], sets[j]) >= SimilarThreshold {
					lo := min(g[i], g[j])
					hi := max(g[i], g[j])
					for k := range g {
						if g[k] == hi {
							g[k] = lo
						}
					}
					changed = true
				}
			}
		}
	}
	return g
}

// longComment is about 5,000 characters of a realistic opinion with a bit
// of everything, for the benchmark.
func longComment() string {
	var b strings.Builder
	parts := []string{
		"Tôi đồng ý với dự thảo hương ước, nhưng đề nghị sửa Điều 5 khoản 2 về mức đóng góp 200.000 đồng/hộ theo Nghị định 61/2023/NĐ-CP. ",
		"Các hộ ở xóm Đông đã đóng đủ từ ngày 12/05/2025, đường lớn nên làm trước mùa mưa, trẻ con cần ngủ trưa yên tĩnh. ",
		"cac ho dan deu dong y, de nghi deo khau trang khi phun thuoc, duong rong 3,5m la hep. ",
		"Ai cần hỏi thêm gọi 0912 345 678 hoặc xem https://xahoa.gov.vn/quy-hoach, mail lienhe@xahoa.gov.vn. ",
	}
	for b.Len() < 5000 {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	return b.String()
}

func BenchmarkScan(b *testing.B) {
	s := longComment()
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		Scan(s)
	}
}

func BenchmarkMask(b *testing.B) {
	s := longComment()
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		Mask(s)
	}
}

func BenchmarkGroups(b *testing.B) {
	// 2,000 opinions: 1,800 distinct ones drawn from the corpus vocabulary
	// and a campaign of 200 near-copies.
	var vocab []string
	for _, l := range readCorpus(b) {
		vocab = append(vocab, strings.Fields(l.text)...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	texts := make([]string, 0, 2000)
	for range 1800 {
		words := make([]string, 40)
		for j := range words {
			words[j] = vocab[rng.IntN(len(vocab))]
		}
		texts = append(texts, strings.Join(words, " "))
	}
	for i := range 200 {
		texts = append(texts, fmt.Sprintf("Chúng tôi, các hộ dân tổ %d, kiên quyết không đồng ý phương án thu hồi đất nông nghiệp để làm cụm công nghiệp, đề nghị đối thoại.", i))
	}
	sets := make([][]uint64, len(texts))
	for i, s := range texts {
		sets[i] = Shingles(s)
	}
	for b.Loop() {
		Groups(sets)
	}
}

// TestFoldToken checks the fast path of textnorm.Words against textnorm.Fold, which
// defines what folding means in this project, on the words of the labelled corpus.
func TestFoldToken(t *testing.T) {
	words := []string{"Hương", "ƯỚC", "đéo", "Đồng", "nghiệp", "lo\u0302\u0300n", "Ｔｈôｎ", "ǅ", "ẞ", "Ωmega", "ỹ", "ﬁ", "Ǘ"}
	for _, l := range readCorpus(t) {
		words = append(words, strings.Fields(l.text)...)
	}
	for _, w := range words {
		for _, tok := range textnorm.Words(w) {
			raw := w[tok.Start:tok.End]
			if want := textnorm.Fold(raw); tok.Fold != want {
				t.Errorf("fold of %q = %q, textnorm.Fold gives %q", raw, tok.Fold, want)
			}
		}
	}
}
