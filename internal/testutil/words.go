package testutil

import (
	"regexp"

	"golang.org/x/text/unicode/norm"
)

// wrongWord is a way of saying something that an official would have to correct, and why.
type wrongWord struct {
	re  finder
	why string
}

// finder finds the wrong uses of a word in a text: a regexp, or one with exceptions.
type finder interface {
	FindAllString(s string, n int) []string
}

// except finds what re finds, but not in the uses right matches: they are left out first.
func except(re, right *regexp.Regexp) finder { return exception{re, right} }

type exception struct{ re, right *regexp.Regexp }

func (e exception) FindAllString(s string, n int) []string {
	return e.re.FindAllString(e.right.ReplaceAllString(s, " "), n)
}

// word matches s as a whole word: Go's \b knows only ASCII letters, and Vietnamese words are
// mostly not.
func word(s string) *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[^\p{L}\p{M}])` + s + `(?:$|[^\p{L}\p{M}])`)
}

// wrongVietnamese are the words the portal must not use in Vietnamese.
var wrongVietnamese = []wrongWord{
	{word(`(?i:huyện)`), "there are no districts since the 2025 reform: two levels, province and commune (xã, phường, đặc khu)"},
	{word(`(?i:hội nghị thôn|hội nghị đại diện|họp đại diện hộ|cuộc họp thôn)`), "the law's word is cuộc họp của cộng đồng dân cư (Law 10/2022 art. 17-18)"},
	// The procedure itself may be named among the rights a law lists (Law 91/2025/QH15 art. 4:
	// khiếu nại, tố cáo, khởi kiện).
	{except(word(`(?i:khiếu nại)`), regexp.MustCompile(`(?i:khiếu nại, tố cáo)`)),
		"khiếu nại is the statutory complaint procedure; a resident asks for a moderation decision to be reviewed: đề nghị xem xét lại"},
	{word(`(?i:mã theo dõi|mã số theo dõi|mã biên nhận)`), "the tracking code has one name: mã tra cứu"},
	{word(`trưởng thôn|tổ trưởng tổ dân phố`), "Trưởng thôn, Tổ trưởng tổ dân phố are titles, capitalised as the law writes them"},
	{word(`(?i:tạm ngưng)`), "Decree 61/2023 art. 12 says tạm ngừng thực hiện"},
	{regexp.MustCompile(`\d+ h \d+ min|\d+ min\b`), "a duration reads 2 giờ 05 phút in Vietnamese"},
}

// wrongEnglish are the words the portal must not use in English.
var wrongEnglish = []wrongWord{
	{regexp.MustCompile(`(?i)\bdistricts?\b`), "there are no districts since the 2025 reform"},
}

// WrongWords lists, with the reason, each word in a Vietnamese text that an official would
// have to correct.
func WrongWords(vi string) []string {
	return wrong(wrongVietnamese, vi)
}

// WrongEnglishWords is WrongWords for English text.
func WrongEnglishWords(en string) []string {
	return wrong(wrongEnglish, en)
}

func wrong(rules []wrongWord, text string) []string {
	text = norm.NFC.String(text)
	var out []string
	for _, r := range rules {
		for _, m := range r.re.FindAllString(text, 3) {
			out = append(out, "«"+m+"»: "+r.why)
		}
	}
	return out
}
