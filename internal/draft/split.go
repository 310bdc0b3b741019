// Package draft splits the pasted text of a draft into its Chương / Điều / Khoản structure.
//
// Officials paste drafts from Word, PDF viewers or e-mails, so the input is
// messy: the splitter is deliberately lenient about spacing, case and
// diacritics in headings, and deliberately strict about what follows the
// heading number, because a false heading splits an article in two and
// scatters residents' comments.
//
// Rules chosen where the layout of real drafts is ambiguous:
//
//   - Every line is trimmed on both sides: indentation in pasted text comes
//     from the word processor, not from the author.
//   - A heading number must be followed by the end of the line or by one of
//     . : - – — (then the title). "Điều 5 của Luật..." is therefore body text.
//   - A chapter heading without a title absorbs the next non-empty line when
//     that line is ALL CAPS and not a heading itself. They are joined with
//     ". " ("Chương I. NHỮNG QUY ĐỊNH CHUNG"), or with a single space when the
//     heading already ends with its separator ("Chương I: NHỮNG QUY ĐỊNH CHUNG").
//   - Only chapters absorb a title line: articles carry their title on the
//     heading line in practice, so a line after a bare "Điều 5" is Body.
//   - Chapter numbers are Arabic or upper-case Roman numerals I..XL; article
//     numbers are Arabic with an optional ASCII letter ("5a").
//   - A clause ("1.", "2)", "Khoản 3.") is only recognised inside an article
//     and only when its number is the previous clause number + 1 (the first
//     must be 1); anything else stays in the body, so years and nested lists
//     do not create clauses.
//   - Text between a chapter heading and its first article (e.g. "Mục 1")
//     stays in the chapter's Body.
package draft

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Kind tells the portal how to render a section and what residents comment on.
type Kind string

const (
	// Preamble keeps the text before the first heading (title, căn cứ...) so it can be commented on too.
	Preamble Kind = "preamble"
	// Chapter groups articles (Chương I, Chương 2, CHƯƠNG III); its Path prefixes theirs.
	Chapter Kind = "chapter"
	// Article is the unit residents most often comment on (Điều 5. Việc cưới).
	Article Kind = "article"
	// Clause lets residents target one numbered paragraph of an article ("1. ...", "Khoản 1.").
	Clause Kind = "clause"
)

// Section is one commentable piece of a draft, kept flat (children follow their parent) so it maps directly onto database rows.
type Section struct {
	// Ordinal preserves document order (1-based) when sections are stored and reloaded.
	Ordinal int
	// Kind decides rendering and which fields are meaningful.
	Kind Kind
	// Level is the indentation depth: 0 preamble/chapter, 1 article, 2 clause; articles without chapters are still 1 so the UI need not special-case them.
	Level int
	// Path is an ASCII anchor ("c1.d5.k2", "d5", "p") stable across re-pastes, so comments stay attached to the same place.
	Path string
	// Number keeps the number exactly as written ("IV", "5a", "2") for display; Path holds the normalised form.
	Number string
	// Heading is the heading as written, trimmed, so residents recognise the official's wording.
	Heading string
	// Body is the section's own text only (not its children's), so a comment on an article never quotes its clauses twice.
	Body string
}

// Heading patterns. A heading's number must be followed by the end of the
// line or a separator; that is what tells "Điều 5. Việc cưới" from a line
// that merely starts with a reference like "Điều 5 của Luật".
var (
	chapterRe = regexp.MustCompile(`^(?i:chương|chuong)\s*([IVXL]+|\d+)\s*(?:([.:\-–—])\s*(.*))?$`)
	articleRe = regexp.MustCompile(`^(?i:điều|dieu)\s*(\d+[A-Za-z]?)\s*(?:([.:\-–—])\s*(.*))?$`)
	// Group 1 is the marker as written, group 2 the number, group 3 the rest of the line.
	khoanRe  = regexp.MustCompile(`^((?i:khoản|khỏan|khoan)\s*(\d+)\s*(?:[.:]|$))\s*(.*)$`)
	clauseRe = regexp.MustCompile(`^((\d+)[.)])(?:\s+(.*))?$`)
)

// romans maps the canonical Roman numerals I..XL to their value; looking up
// a map rejects malformed numerals like "IIII" without a parser.
var romans = func() map[string]int {
	tens := []string{"", "X", "XX", "XXX", "XL"}
	ones := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}
	m := make(map[string]int, 40)
	for t := range tens {
		for o := range ones {
			if n := t*10 + o; n >= 1 && n <= 40 {
				m[tens[t]+ones[o]] = n
			}
		}
	}
	return m
}()

// Split returns the sections of text in document order. It never returns an error: text with no recognised heading yields one Preamble section (or none for blank input).
func Split(text string) []Section {
	lines := strings.Split(normalize(text), "\n")
	b := newBuilder()
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if num, pathNum, title, ok := parseChapter(line); ok {
			heading := line
			if title == "" {
				j := i + 1
				for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
					j++
				}
				if j < len(lines) {
					next := strings.TrimSpace(lines[j])
					if isAllCaps(next) && !isChapter(next) && !isArticle(next) {
						heading = joinTitle(line, next)
						i = j
					}
				}
			}
			b.chapter(num, pathNum, heading)
			continue
		}
		if startsWithFold(line, 'd') {
			if m := articleRe.FindStringSubmatch(line); m != nil {
				b.article(m[1], articlePathNum(m[1]), line)
				continue
			}
		}
		if b.inArticle() {
			if marker, num, rest, ok := parseClause(line, b.lastClause+1); ok {
				b.clause(marker, num, rest)
				continue
			}
		}
		b.body(line)
	}
	return b.finish()
}

// normalize makes pasted text uniform so that headings match regardless of
// the editor it came from. Invalid UTF-8 is replaced first so every later
// step (and the caller's storage) sees valid text.
func normalize(text string) string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	var sb strings.Builder
	sb.Grow(len(text))
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case r == '\r':
			// CRLF and lone CR (old Mac, some PDF viewers) both end a line.
			if i < len(text) && text[i] == '\n' {
				i++
			}
			sb.WriteByte('\n')
		case r == '\u0085' || r == '\u2028' || r == '\u2029':
			sb.WriteByte('\n')
		case r == '\uFEFF' || r == '\u200B':
			// BOMs and zero-width spaces are invisible to the official but
			// would stop "Điều" from matching at the start of a line.
		case r == '\t' || r == '\v' || r == '\f' || unicode.Is(unicode.Zs, r):
			sb.WriteByte(' ')
		default:
			sb.WriteRune(r)
		}
	}
	// NFC after the rune mapping: dropping a BOM between a letter and a
	// combining mark would otherwise leave decomposed text behind.
	lines := strings.Split(norm.NFC.String(sb.String()), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// parseChapter reports whether line is a chapter heading, with the number as
// written, its Arabic form for the path, and the title on the same line.
func parseChapter(line string) (num, pathNum, title string, ok bool) {
	if !startsWithFold(line, 'c') {
		return "", "", "", false
	}
	m := chapterRe.FindStringSubmatch(line)
	if m == nil {
		return "", "", "", false
	}
	num = m[1]
	if num[0] >= '0' && num[0] <= '9' {
		pathNum = trimZeros(num)
	} else {
		n, found := romans[num]
		if !found {
			return "", "", "", false
		}
		pathNum = strconv.Itoa(n)
	}
	return num, pathNum, m[3], true
}

func isChapter(line string) bool {
	_, _, _, ok := parseChapter(line)
	return ok
}

func isArticle(line string) bool {
	return startsWithFold(line, 'd') && articleRe.MatchString(line)
}

// startsWithFold is a cheap pre-check so that most body lines never reach
// a regexp; letter is the lower-case ASCII initial of the heading keyword,
// and 'd' also admits "đ"/"Đ".
func startsWithFold(line string, letter byte) bool {
	if line == "" {
		return false
	}
	if c := line[0] | 0x20; c == letter {
		return true
	}
	return letter == 'd' && (strings.HasPrefix(line, "đ") || strings.HasPrefix(line, "Đ"))
}

// parseClause recognises a clause marker only when it carries the expected
// number, which is what keeps years and restarted sub-lists in the body.
func parseClause(line string, want int) (marker, num, rest string, ok bool) {
	var m []string
	if line != "" && line[0] >= '0' && line[0] <= '9' {
		m = clauseRe.FindStringSubmatch(line)
	} else if startsWithFold(line, 'k') {
		m = khoanRe.FindStringSubmatch(line)
	}
	if m == nil {
		return "", "", "", false
	}
	n, err := strconv.Atoi(m[2])
	if err != nil || n != want {
		return "", "", "", false
	}
	return m[1], m[2], m[3], true
}

// isAllCaps tells a chapter title written on its own line ("NHỮNG QUY ĐỊNH
// CHUNG") from ordinary prose that happens to follow a bare chapter heading.
func isAllCaps(s string) bool {
	upper := false
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			upper = true
		}
	}
	return upper
}

// joinTitle keeps any separator the official typed ("Chương I:") so no
// character of the input is lost, and adds ". " only when there is none.
func joinTitle(heading, title string) string {
	for _, sep := range []string{".", ":", "-", "–", "—"} {
		if strings.HasSuffix(heading, sep) {
			return heading + " " + title
		}
	}
	return heading + ". " + title
}

// articlePathNum lower-cases the letter suffix and drops leading zeros so
// "Điều 05A" and "Điều 5a" share an anchor.
func articlePathNum(num string) string {
	end := len(num)
	for end > 0 && (num[end-1] < '0' || num[end-1] > '9') {
		end--
	}
	return trimZeros(num[:end]) + strings.ToLower(num[end:])
}

func trimZeros(digits string) string {
	if t := strings.TrimLeft(digits, "0"); t != "" {
		return t
	}
	return "0"
}

// builder accumulates sections; it exists so Split reads as a line
// classifier and the path bookkeeping lives in one place.
type builder struct {
	out         []Section
	cur         *Section
	lines       []string
	used        map[string]bool
	nextSuffix  map[string]int
	chapterPath string
	articlePath string
	lastClause  int
}

func newBuilder() *builder {
	return &builder{
		cur:        &Section{Kind: Preamble, Level: 0, Path: "p"},
		used:       map[string]bool{"p": true},
		nextSuffix: map[string]int{},
	}
}

func (b *builder) inArticle() bool { return b.articlePath != "" }

func (b *builder) chapter(num, pathNum, heading string) {
	b.flush()
	b.chapterPath = b.unique("c" + pathNum)
	b.articlePath = ""
	b.lastClause = 0
	b.cur = &Section{Kind: Chapter, Level: 0, Path: b.chapterPath, Number: num, Heading: heading}
}

func (b *builder) article(num, pathNum, heading string) {
	b.flush()
	p := "d" + pathNum
	if b.chapterPath != "" {
		p = b.chapterPath + "." + p
	}
	b.articlePath = b.unique(p)
	b.lastClause = 0
	b.cur = &Section{Kind: Article, Level: 1, Path: b.articlePath, Number: num, Heading: heading}
}

func (b *builder) clause(marker, num, rest string) {
	b.flush()
	b.lastClause++
	p := b.unique(b.articlePath + ".k" + strconv.Itoa(b.lastClause))
	b.cur = &Section{Kind: Clause, Level: 2, Path: p, Number: num, Heading: marker}
	b.lines = append(b.lines, rest)
}

func (b *builder) body(line string) { b.lines = append(b.lines, line) }

// unique appends "-2", "-3"... because drafts do contain duplicated
// numbers (copy-paste slips) and anchors must still identify one section.
func (b *builder) unique(p string) string {
	if !b.used[p] {
		b.used[p] = true
		return p
	}
	n := b.nextSuffix[p]
	if n == 0 {
		n = 2
	}
	for {
		c := p + "-" + strconv.Itoa(n)
		n++
		if !b.used[c] {
			b.nextSuffix[p] = n
			b.used[c] = true
			return c
		}
	}
}

func (b *builder) flush() {
	body := joinBody(b.lines)
	b.lines = b.lines[:0]
	if b.cur.Kind == Preamble && body == "" {
		return
	}
	b.cur.Body = body
	b.cur.Ordinal = len(b.out) + 1
	b.out = append(b.out, *b.cur)
}

func (b *builder) finish() []Section {
	b.flush()
	return b.out
}

// joinBody trims the body and collapses blank-line runs, because pasted
// text is full of spacing the official never meant as content.
func joinBody(lines []string) string {
	var sb strings.Builder
	blank := false
	for _, l := range lines {
		if l == "" {
			blank = sb.Len() > 0
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('\n')
			if blank {
				sb.WriteByte('\n')
			}
		}
		blank = false
		sb.WriteString(l)
	}
	return sb.String()
}
