package detect

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/textnorm"
)

// Personal data: e-mail addresses, Vietnamese phone numbers, citizen IDs.
//
// Numbers are read as digit groups joined by one separator (1–2 spaces or
// no-break spaces, one "." or one "-", or ")" after a "(" group), and a
// candidate is a consecutive stretch of groups. The rules that keep years,
// money, dates and legal references out:
//
//   - "/" and "," never join groups, so dates ("12/05/2025"), document
//     numbers ("10/2022/QH15") and "1,5 tỷ" stay separate short numbers.
//   - A candidate may start or end inside a run of groups only at a space:
//     "1.035.000.000.000 đồng" cannot yield "035.000.000.000", and
//     "0912345678-1" is not a phone. Money never starts with 0, and a
//     12-digit amount ("100.000.000.000") is not an ID because IDs start
//     with 0 (see below).
//   - It must not be glued to a letter, digit or mark on either side
//     ("QH15", "ĐT0912…" are not taken), which also makes Mask idempotent.
//   - The first group (after a separate "84" country code) has at least 3
//     digits and every group at least 2, so a list "03 05 07 09 11" is not a
//     phone; at most 5 groups. The exception is one digit per group ("0 9 1
//     2 3 4 5 6 7 8"), a way of dodging filters that nothing else looks like.
//
// A phone is 0 + [35789] + 8 digits (mobile), 02 + 9 digits (landline), or
// the same with 84/+84 instead of the 0 (also "+84 0912…"). Among candidates
// starting at the same group the longest wins, so "0912 345 678" is one
// match, not a shorter one.
//
// A citizen ID (CCCD, "số định danh cá nhân") is 12 digits whose first three
// are a province code 001–096, so it always starts with 0; money and counts
// never do. With an ID keyword right before it (CCCD, căn cước, định danh,
// CMND, chứng minh, CMT, separated only by filler words like "số", "của
// tôi là"), any 12 digits count, and 9 digits count after CMND / chứng minh /
// CMT (the old ID card).
//
// E-mail addresses are found first, and digits inside one are not read as a
// phone, so "0912345678@gmail.com" is one e-mail match.

// findPersonalData returns e-mails, phones and IDs, sorted and non-overlapping.
func findPersonalData(text string, toks []textnorm.Word) []Match {
	emails := findEmails(text)
	nums := findNumbers(text, toks, emails)
	if len(nums) == 0 {
		return emails
	}
	out := make([]Match, 0, len(emails)+len(nums))
	out = append(out, emails...)
	out = append(out, nums...)
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

func isLocalByte(c byte) bool {
	return isASCIIAlnum(c) || strings.IndexByte("._%+-", c) >= 0
}

// localStart walks back from the "@" at byte at over the local part of an address, not past
// floor. Letters with diacritics count too: mail servers take them (RFC 6531), and a writer
// who types "nguyễnvăn.an@gmail.com" must not have half of it published.
func localStart(text string, at, floor int) int {
	l := at
	for l > floor {
		if isLocalByte(text[l-1]) {
			l--
			continue
		}
		r, size := utf8.DecodeLastRuneInString(text[floor:l])
		if r == utf8.RuneError || !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			break
		}
		l -= size
	}
	return l
}

func isDomainByte(c byte) bool {
	return isASCIIAlnum(c) || c == '.' || c == '-'
}

// findEmails finds local@domain.tld with an ASCII local part and a domain of
// at least two labels whose last is 2+ letters; "@" without a dot after it
// (mentions like "@Ban quản lý") is not an address.
func findEmails(text string) []Match {
	var out []Match
	prevEnd := 0
	for from := 0; ; {
		k := strings.IndexByte(text[from:], '@')
		if k < 0 {
			return out
		}
		at := from + k
		from = at + 1
		l := localStart(text, at, prevEnd)
		for l < at && text[l] == '.' {
			l++
		}
		if l == at {
			continue
		}
		r := at + 1
		for r < len(text) && isDomainByte(text[r]) {
			r++
		}
		for r > at+1 && (text[r-1] == '.' || text[r-1] == '-') {
			r--
		}
		if !validDomain(text[at+1 : r]) {
			continue
		}
		out = append(out, Match{Kind: PersonalData, Start: l, End: r, Detail: detailEmail})
		prevEnd, from = r, r
	}
}

func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	tld := labels[len(labels)-1]
	return len(tld) >= 2 && isAllLetters(tld)
}

type sep uint8

const (
	sepNone  sep = iota // the run of groups ends here
	sepSpace            // a candidate may start or end at this separator
	sepTight            // ".", "-" or ")": the groups on both sides belong together
)

type group struct {
	s, e  int  // the digits
	plus  int  // index of a "+" right before the digits, or -1
	paren int  // index of a "(" before the digits (or before the "+"), or -1
	after sep  // how this group is joined to the next one
	close bool // the separator after this group contains ")"
	trunk bool // the "(0)" of "+84 (0) 912…"
}

// lead is where a candidate starting with g begins: at the "+" if any.
func (g group) lead() int {
	if g.plus >= 0 {
		return g.plus
	}
	return g.s
}

func findNumbers(text string, toks []textnorm.Word, emails []Match) []Match {
	var out []Match
	var run []group
	flush := func() {
		out = append(out, numbersInRun(text, toks, run)...)
		run = run[:0]
	}
	ei := 0
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		g := group{s: i, plus: -1, paren: -1}
		for i < len(text) && isDigit(text[i]) {
			i++
		}
		g.e = i
		for ei < len(emails) && emails[ei].End <= g.s {
			ei++
		}
		if ei < len(emails) && emails[ei].Start < g.e {
			// Digits of an e-mail: a barrier between runs.
			flush()
			continue
		}
		if g.s > 0 && text[g.s-1] == '+' {
			g.plus = g.s - 1
		}
		if p := g.lead(); p > 0 && text[p-1] == '(' {
			g.paren = p - 1
		}
		if len(run) == 1 && trunkZero(text, run[0], g) {
			run[0].after = sepTight
			g.trunk = true
			run = append(run, g)
			continue
		}
		if len(run) > 0 {
			prev := &run[len(run)-1]
			s, closes := joinKind(text[prev.e:g.s], opensNumber(text, *prev))
			if s == sepNone || g.plus >= 0 || g.paren >= 0 {
				flush()
			} else {
				prev.after, prev.close = s, closes
			}
		}
		run = append(run, g)
	}
	flush()
	return out
}

// trunkZero recognises the "(0)" of "+84 (0) 912 345 678", the business-card
// way of saying the 0 is dropped after the country code.
func trunkZero(text string, cc, g group) bool {
	if g.paren < 0 || g.plus >= 0 || g.e-g.s != 1 || text[g.s] != '0' || g.e >= len(text) || text[g.e] != ')' {
		return false
	}
	between := text[cc.e:g.paren]
	return text[cc.s:cc.e] == "84" && (between == "" || between == " ")
}

// opensNumber reports whether a group in parentheses is the start of a
// phone number, so that ")" joins it to what follows: an area code or
// mobile prefix ("(028) 3829 1234", "(0912) 345 678"), a country code
// ("(+84) 912…") or the "(0)" after one. Other numbers in parentheses
// ("(1) 0912 345 678", "(2024) 0912…") are list items and years.
func opensNumber(text string, g group) bool {
	if g.paren < 0 {
		return false
	}
	d := text[g.s:g.e]
	return g.trunk || d == "84" || len(d) >= 3 && d[0] == '0'
}

// joinKind classifies the text between two digit groups.
func joinKind(between string, afterParen bool) (sep, bool) {
	switch between {
	case ".", "-":
		return sepTight, false
	case " ", "  ", "\u00a0", "\u202f", " \u00a0", "\u00a0 ":
		return sepSpace, false
	}
	if afterParen && (between == ")" || between == ") " || between == ")\u00a0") {
		return sepTight, true
	}
	return sepNone, false
}

// numbersInRun picks, left to right, the longest valid candidate at each
// group where one may start.
func numbersInRun(text string, toks []textnorm.Word, run []group) []Match {
	var out []Match
	var digits []byte
	for i := 0; i < len(run); {
		if !canStart(text, run, i) {
			i++
			continue
		}
		best, bestDetail := -1, ""
		digits = digits[:0]
		for j := i; j < len(run) && j-i < 12; j++ {
			digits = append(digits, text[run[j].s:run[j].e]...)
			if len(digits) > 12 {
				break
			}
			// A number may end glued to a word ("0912345678và"): people type on phones
			// without the space, and a writer hiding a number does it on purpose.
			if run[j].after == sepTight {
				continue
			}
			if d := classify(text, toks, run[i:j+1], string(digits)); d != "" {
				best, bestDetail = j, d
			}
		}
		if best < 0 {
			i++
			continue
		}
		start := run[i].lead()
		if run[i].paren >= 0 && run[i].close && best > i {
			// "(028) 3829 1234": the "(" belongs to the number.
			start = run[i].paren
		}
		out = append(out, Match{Kind: PersonalData, Start: start, End: run[best].e, Detail: bestDetail})
		i = best + 1
	}
	return out
}

func canStart(text string, run []group, i int) bool {
	if i > 0 {
		return run[i-1].after == sepSpace
	}
	lead := run[0].lead()
	if run[0].paren >= 0 {
		lead = run[0].paren
	}
	return !wordBefore(text, lead)
}

// classify returns the Detail of a valid candidate made of groups gs whose
// concatenated digits are d, or "".
func classify(text string, toks []textnorm.Word, gs []group, d string) string {
	n := len(d)
	if n != 9 && n < 10 {
		return ""
	}
	if n == 12 || n == 9 {
		if n == 12 && !isPhone(d) && d[0] == '0' && d[:3] != "000" && idShape(gs) {
			return detailCitizenID
		}
		if idShape(gs) && idContext(toks, gs[0].lead(), n == 9) {
			return detailCitizenID
		}
	}
	if isPhone(d) && phoneShape(gs, d) {
		return detailPhone
	}
	return ""
}

func isMobilePrefix(c byte) bool { return c == '3' || c == '5' || c == '7' || c == '8' || c == '9' }

// isPhone checks the digits of a Vietnamese mobile or landline number, with
// 0 or 84 in front.
func isPhone(d string) bool {
	switch {
	case len(d) == 10 && d[0] == '0' && isMobilePrefix(d[1]):
		return true
	case len(d) == 11 && d[0] == '0' && d[1] == '2':
		return true
	}
	if !strings.HasPrefix(d, "84") {
		return false
	}
	r := d[2:]
	if len(r) == 10 && r[0] == '0' {
		// "+84 0912 345 678": the 0 kept by habit.
		r = r[1:]
	}
	return len(r) == 9 && isMobilePrefix(r[0]) || len(r) == 10 && r[0] == '2'
}

func phoneShape(gs []group, d string) bool {
	if len(gs) == len(d) {
		// One digit per group, "0 9 1 2 3 4 5 6 7 8": a way to dodge
		// filters, and nothing else is written like that.
		return true
	}
	if len(gs) > 5 {
		return false
	}
	first := 0
	if len(gs) > 1 && gs[0].e-gs[0].s == 2 && strings.HasPrefix(d, "84") {
		// A separate country code: "+84 91 234 5678", "+84 (0) 912 …".
		first = 1
		if len(gs) > 2 && gs[1].e-gs[1].s == 1 {
			first = 2
		}
	}
	if n := gs[first].e - gs[first].s; n < 3 && !(first > 0 && n == 2) {
		return false
	}
	for _, g := range gs[first+1:] {
		if g.e-g.s < 2 {
			return false
		}
	}
	return true
}

// idShape accepts IDs written in one block or in groups of 3 or more
// ("001 089 012 345", "0010 8901 2345").
func idShape(gs []group) bool {
	if len(gs) > 4 {
		return false
	}
	for _, g := range gs {
		if g.e-g.s < 3 || g.plus >= 0 {
			return false
		}
	}
	return true
}

// idFiller are words that may stand between an ID keyword and the number:
// "số CMND của tôi là 123456789", "chứng minh nhân dân số …".
var idFiller = map[string]bool{
	"so": true, "la": true, "nhan": true, "dan": true, "thu": true, "cong": true,
	"ca": true, "cua": true, "toi": true, "em": true, "anh": true, "chi": true,
	"minh": true, "ong": true, "ba": true, "moi": true, "cu": true, "cap": true,
	"ma": true, "the": true, "dien": true, "tu": true,
}

// idContext reports whether an ID keyword precedes byte offset before,
// separated only by filler words. With old set only the old-card keywords
// (CMND, chứng minh, CMT) count.
func idContext(toks []textnorm.Word, before int, old bool) bool {
	k := sort.Search(len(toks), func(i int) bool { return toks[i].End > before }) - 1
	for steps := 0; k >= 0 && steps < 8; k, steps = k-1, steps+1 {
		f := toks[k].Fold
		prev := ""
		if k > 0 {
			prev = toks[k-1].Fold
		}
		isKW, isOld := false, false
		switch {
		case f == "cmnd" || f == "cmt" || f == "minh" && prev == "chung":
			isKW, isOld = true, true
		case f == "cccd" || f == "cuoc" && prev == "can" || f == "danh" && prev == "dinh":
			isKW = true
		}
		if isKW {
			if isOld || !old {
				return true
			}
			continue
		}
		if !idFiller[f] {
			return false
		}
	}
	return false
}
