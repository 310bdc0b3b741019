// Package detect raises automatic flags on residents' opinions and hides
// personal data before an approved opinion is shown to the public.
//
// Flags only help a moderator: nothing here rejects an opinion, a person
// decides. That shapes the trade-offs. Personal data and links are flagged
// with high recall, because a missed phone number is published; profanity is
// matched conservatively, because a false flag on an ordinary word ("các",
// "đeo", "ngủ") makes moderators stop trusting the highlights.
//
// Scan reports spans in byte offsets of its input, sorted and never
// overlapping, so a page can cut the text at them and escape every piece.
// When detectors disagree about a span, personal data wins over a link (a
// link "zalo.me/0912345678" keeps its "zalo.me/" part and the number is
// personal data, so Mask hides it), and both win over profanity.
//
// The rules for each kind are documented next to their code: pii.go for
// phone numbers, citizen IDs and e-mails, profanity.go for insults, links
// below, similar.go for near-duplicate grouping.
package detect

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/textnorm"
)

// Kind says what a flagged span contains, so the moderation page can filter and explain flags.
type Kind string

const (
	// PersonalData marks phone numbers, citizen ID numbers and e-mail addresses, which Mask hides before publication.
	PersonalData Kind = "personal_data"
	// Profanity marks insults and vulgar words, so a moderator reads the opinion before approving it.
	Profanity Kind = "profanity"
	// Link marks URLs and bare domains, the usual carrier of advertising and scams.
	Link Kind = "link"
	// Similar marks near-identical opinions (campaign copies, resubmissions); Scan never returns it, see Groups.
	Similar Kind = "similar"
)

// Match is one flagged span of the text, in byte offsets of the input string, so callers can slice the text they passed.
type Match struct {
	Kind       Kind
	Start, End int
	// Detail is "phone", "citizen_id", "email", "url", or the canonical word for profanity.
	Detail string
}

// Detail values for personal data and links.
const (
	detailPhone     = "phone"
	detailCitizenID = "citizen_id"
	detailEmail     = "email"
	detailURL       = "url"
)

// Scan finds personal data, profanity and links in a text, in order of Start and non-overlapping, so a page can highlight them in one pass.
func Scan(text string) []Match {
	toks := textnorm.Words(text)
	return scan(text, toks, findPersonalData(text, toks))
}

// Inspect is Mask and Scan of one text, tokenized once: what a new opinion needs, its
// public text and what to flag for the moderator.
func Inspect(text string) (masked string, found []Match) {
	text = foldDisguise(strings.ToValidUTF8(text, "\uFFFD"))
	toks := textnorm.Words(text)
	pd := findPersonalData(text, toks)
	return mask(text, pd), scan(text, toks, pd)
}

// scan flags a text whose words (textnorm.Words) are toks: profanity is matched on whole
// words, and the citizen-ID rule looks at the words before a number.
func scan(text string, toks []textnorm.Word, pd []Match) []Match {
	links := clipLinks(findLinks(text), pd)
	var out []Match
	out = append(out, pd...)
	out = append(out, links...)
	for _, m := range findProfanity(text, toks) {
		if !overlapsAny(m, pd) && !overlapsAny(m, links) {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Match) int { return a.Start - b.Start })
	return out
}

// Mask returns text with every personal-data match replaced, so approved opinions can be published without exposing anyone.
//
// A phone number becomes "0xx xxx x678": the fixed "0xx xxx x" carries no
// information (every Vietnamese number starts with 0 in national form), and
// the last three digits let the writer and the commune recognise which
// number it was without letting anyone call it; +84 numbers and landlines
// are shown in the same shape. A citizen ID becomes "[số định danh đã ẩn]",
// an e-mail "[email đã ẩn]". For valid UTF-8, text outside matches is
// unchanged byte for byte; invalid UTF-8 (never stored: textnorm.CleanText
// repairs it) is replaced by U+FFFD first, so the public page never receives
// broken encoding.
//
// Mask is idempotent: the replacements contain no digit group that could
// start or end a number (the kept digits are glued to an "x", the "0" to
// "xx"), no "@", and no keyword that the citizen-ID context rule accepts
// right before a number.
func Mask(text string) string {
	text = foldDisguise(strings.ToValidUTF8(text, "\uFFFD"))
	return mask(text, findPersonalData(text, textnorm.Words(text)))
}

func mask(text string, pd []Match) string {
	if len(pd) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	at := 0
	for _, m := range pd {
		b.WriteString(text[at:m.Start])
		b.WriteString(maskFor(text[m.Start:m.End], m.Detail))
		at = m.End
	}
	b.WriteString(text[at:])
	return b.String()
}

func maskFor(span, detail string) string {
	switch detail {
	case detailPhone:
		var last []byte
		for i := len(span) - 1; i >= 0 && len(last) < 3; i-- {
			if isDigit(span[i]) {
				last = append(last, span[i])
			}
		}
		slices.Reverse(last)
		return "0xx xxx x" + string(last)
	case detailEmail:
		return "[email đã ẩn]"
	default:
		return "[số định danh đã ẩn]"
	}
}

func overlapsAny(m Match, others []Match) bool {
	for _, o := range others {
		if m.Start < o.End && o.Start < m.End {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// wordBefore reports whether the rune ending at byte i is part of a word, so
// a number or domain glued to letters ("QH15", "Hương.com") is not taken.
func wordBefore(text string, i int) bool {
	if i <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return textnorm.IsWordRune(r)
}

// wordAt reports whether the rune starting at byte i is part of a word.
func wordAt(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return textnorm.IsWordRune(r)
}

// Links.
//
// Three shapes are recognised: anything after http:// or https://, anything
// after www., and bare domains whose last label is a common TLD ("shopee.vn",
// "abc.com.vn/xyz"). Domain labels are ASCII, so "TP.HCM", "v.v." and
// "1.500" never match (their last label is not a TLD), nor does a sentence
// glued to a Vietnamese word ("xã.Vn": the label before the dot must start
// after a non-word character). TLDs that are also everyday words typed without
// marks ("co" = có, "me" = mẹ, "ly", "to") only count with a path, which is
// how shortened links are shared anyway ("bit.ly/abc", "zalo.me/…").

var bareTLDs = map[string]bool{
	"com": true, "vn": true, "net": true, "org": true, "info": true, "xyz": true,
	"biz": true, "online": true, "site": true, "top": true, "asia": true,
	"io": true, "edu": true, "gov": true, "club": true, "shop": true, "store": true,
}

var pathTLDs = map[string]bool{
	"ly": true, "me": true, "co": true, "to": true, "gl": true, "gg": true,
	"tv": true, "app": true, "link": true, "cc": true, "us": true, "be": true,
	"gle": true, // forms.gle, where petitions collect signatures
}

func findLinks(text string) []Match {
	var cands []Match
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= utf8.RuneSelf || !(isASCIIAlnum(c)) {
			continue
		}
		// Only consider positions that start a word: every link shape
		// begins there, and this keeps the scan linear.
		if i > 0 && (isASCIIAlnum(text[i-1]) || text[i-1] == '-' || text[i-1] == '.') {
			continue
		}
		if wordBefore(text, i) || (i > 0 && (text[i-1] == '@' || text[i-1] == '_')) {
			continue
		}
		if end := schemeLink(text, i); end > i {
			cands = append(cands, Match{Kind: Link, Start: i, End: end, Detail: detailURL})
			i = end - 1
			continue
		}
		if end := hostLink(text, i); end > i {
			cands = append(cands, Match{Kind: Link, Start: i, End: end, Detail: detailURL})
			i = end - 1
		}
	}
	return cands
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// schemeLink returns the end of an http(s) URL starting at i, or i.
func schemeLink(text string, i int) int {
	var j int
	switch {
	case hasPrefixFold(text[i:], "https://"):
		j = i + len("https://")
	case hasPrefixFold(text[i:], "http://"):
		j = i + len("http://")
	default:
		return i
	}
	end := urlTail(text, j)
	if end == j {
		return i
	}
	return end
}

// hostLink returns the end of a www. or bare-domain link starting at i, or i.
func hostLink(text string, i int) int {
	j := i
	for j < len(text) && (isASCIIAlnum(text[j]) || text[j] == '-' || text[j] == '.') {
		j++
	}
	host := strings.TrimRight(text[i:j], ".-")
	if !strings.Contains(host, ".") {
		// Most words: no allocation below.
		return i
	}
	hostEnd := i + len(host)
	if hostEnd < len(text) && (wordAt(text, hostEnd) || text[hostEnd] == '@') {
		// Glued to a non-ASCII letter or a mark ("shopee.vnđ"), or the
		// domain of an e-mail's local part.
		return i
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return i
	}
	for _, l := range labels {
		if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
			return i
		}
	}
	www := strings.EqualFold(labels[0], "www")
	if www && len(labels) < 3 {
		return i
	}
	tld := strings.ToLower(labels[len(labels)-1])
	hasPath := hostEnd+1 < len(text) && text[hostEnd] == '/' && !isSpaceByte(text[hostEnd+1])
	switch {
	case www:
		if !isAllLetters(tld) || len(tld) < 2 {
			return i
		}
	case bareTLDs[tld]:
	case pathTLDs[tld] && hasPath:
	default:
		return i
	}
	if hostEnd < len(text) && (text[hostEnd] == '/' || text[hostEnd] == '?' || text[hostEnd] == '#') {
		return urlTail(text, hostEnd)
	}
	return hostEnd
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isAllLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// urlTail extends a URL from j over everything but spaces and quoting
// characters, then gives back trailing punctuation that belongs to the
// sentence ("xem shopee.vn/abc." or "(bit.ly/x)").
func urlTail(text string, j int) int {
	start := j
	for j < len(text) {
		r, w := utf8.DecodeRuneInString(text[j:])
		if unicode.IsSpace(r) || r == '<' || r == '>' || r == '"' || r == utf8.RuneError || unicode.IsControl(r) {
			break
		}
		j += w
	}
	// Open minus closed parentheses, updated as the tail is given back.
	depth := strings.Count(text[start:j], "(") - strings.Count(text[start:j], ")")
	for j > start {
		c := text[j-1]
		if strings.IndexByte(".,;:!?'*", c) >= 0 {
			j--
			continue
		}
		if c == ')' && depth < 0 {
			j--
			depth++
			continue
		}
		break
	}
	return j
}

// clipLinks keeps, of each link that overlaps personal data, the part before
// it, so "zalo.me/0912345678" still shows a link while the number is masked.
func clipLinks(links, pd []Match) []Match {
	out := links[:0]
	for _, l := range links {
		for _, p := range pd {
			if l.Start < p.End && p.Start < l.End {
				if p.Start <= l.Start {
					l.End = l.Start
				} else {
					l.End = min(l.End, p.Start)
				}
			}
		}
		if l.End > l.Start {
			out = append(out, l)
		}
	}
	return out
}

// foldDisguise undoes the ways a phone number or an address is hidden from the eye's reading
// of it, before it is looked for: invisible characters (soft hyphen, zero-width space and
// joiners, word joiner, byte-order mark) are dropped, and full-width digits, Latin letters and
// the "@", "+", "-", "." of phone keyboards become their ASCII forms, as NFKC would make them.
// The published text reads the same; "0912\u2060345678" and "０９１２３４５６７８" are then a
// number like any other.
func foldDisguise(s string) string {
	if !strings.ContainsFunc(s, isDisguise) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u00AD' || r >= '\u200B' && r <= '\u200D' || r == '\u2060' || r == '\uFEFF':
			return -1
		case r >= '\uFF01' && r <= '\uFF5E':
			return r - 0xFF01 + '!' // the full-width forms of ASCII, in ASCII's order
		}
		return r
	}, s)
}

func isDisguise(r rune) bool {
	return r == '\u00AD' || r >= '\u200B' && r <= '\u200D' || r == '\u2060' || r == '\uFEFF' || r >= '\uFF01' && r <= '\uFF5E'
}
