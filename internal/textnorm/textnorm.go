// Package textnorm turns what residents type into the plain text we store,
// and derives search keys and length counts from it.
//
// # Escaping design
//
// Stored text is plain text, never HTML: html/template escapes it exactly
// once on output. Input is therefore treated as plain text too, and markup is
// removed only as a safety net (people paste from Word, attackers probe).
//
// bluemonday works on HTML, so its tokenizer decodes entities in the input
// and re-escapes the text it keeps. Decoding its output with
// html.UnescapeString would then decode user-typed entities as a side effect
// ("&amp;lt;" → "&lt;"), and a second cleaning would decode them again
// ("&lt;" → "<", "&lt;script&gt;" → "<script>"): not idempotent, and it
// could manufacture tags. To avoid that, every "&" is escaped to "&amp;"
// before bluemonday sees the text, so its tokenizer decodes only our own
// escaping and the entity text the user typed survives literally; the final
// html.UnescapeString is then the exact inverse of bluemonday's output
// escaping. Net effect: "Tôi & bạn <3" → "Tôi & bạn <3" and "a &lt;b&gt;"
// stays "a &lt;b&gt;" (shown to readers exactly as typed).
//
// Stripping once is not enough for a fixed point: "<<b>b>" strips to "<b>",
// text inside <textarea> or <plaintext> comes back as "<script>…", and NFC
// can turn "<" + KELVIN SIGN into "<K". So after stripping, any "<" (or run
// of them) that an HTML tokenizer would read as the start of a tag, end tag,
// comment or declaration (followed by an ASCII letter, '/', '!' or '?') is
// dropped. The result contains nothing an HTML tokenizer treats as markup,
// so cleaning it again changes nothing. A literal "a<b" written by a
// resident loses the "<b…" part; bluemonday already reads that as a tag, so
// there is no way to keep it without giving up the markup stripping.
package textnorm

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/text/unicode/norm"
)

// strict is shared because building a policy allocates and bluemonday
// policies are safe for concurrent Sanitize calls once configured.
var strict = bluemonday.StrictPolicy()

// CleanText normalises multi-line citizen input into the plain text we store; see the package comment for the escaping rules.
func CleanText(s string) string {
	s = sanitize(s)
	s = collapseBlankLines(s)
	return strings.TrimSpace(s)
}

// CleanLine is CleanText for one-line fields, where a pasted line break or tab would only break layouts and comparisons.
func CleanLine(s string) string {
	// strings.Fields splits on every Unicode space (including \n, \t and
	// NBSP), so joining with one space both flattens and collapses.
	return strings.Join(strings.Fields(sanitize(s)), " ")
}

// CleanContact is CleanLine for a contact (a phone number or an e-mail address). People
// write an address the way their mail program shows it, "Nguyễn Văn An <an@example.vn>",
// which the markup stripping would read as a tag and drop, losing the address. A contact
// never needs angle brackets, so they become spaces first.
func CleanContact(s string) string {
	return CleanLine(strings.NewReplacer("<", " ", ">", " ").Replace(s))
}

// Fold returns a diacritic-insensitive, lower-case search key, because residents often type without tone marks ("huong uoc" must find "Hương ước").
func Fold(s string) string {
	// NFKD rather than plain NFD so that full-width letters and digits from
	// phone keyboards and ligatures fold to their ASCII forms as well.
	s = norm.NFKD.String(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	gap := false
	for _, r := range s {
		if unicode.Is(unicode.M, r) {
			// Dropped without a gap so that "Ước" stays one word.
			continue
		}
		r = unicode.ToLower(r)
		if r == 'đ' {
			// đ is a separate letter, not d + mark, so NFKD leaves it.
			r = 'd'
		}
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte(' ')
		}
		gap = false
		b.WriteRune(r)
	}
	return b.String()
}

// Length counts characters as a resident perceives them, so that limits do not depend on whether their keyboard sent composed or decomposed Vietnamese.
func Length(s string) int {
	return utf8.RuneCountInString(norm.NFC.String(s))
}

// sanitize holds the steps shared by CleanText and CleanLine. The order
// matters: markup is stripped before NFC because removing a tag can bring a
// base letter and a combining mark together, and tag openers are defused
// after NFC because composition can create new ones.
func sanitize(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = dropControls(s)
	s = stripMarkup(s)
	s = norm.NFC.String(s)
	return defuseTagOpeners(s)
}

// dropControls removes control characters but line breaks and tabs, and the bidirectional
// embeddings, overrides and isolates (U+202A–202E, U+2066–2069): kept in a title, a name or a
// file name, they make the text, and the audit log that quotes it, read differently from what
// is stored.
func dropControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) || isBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

func isBidiControl(r rune) bool {
	return r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069'
}

func stripMarkup(s string) string {
	if !strings.Contains(s, "<") {
		// Without "<" there is no markup, and the escape/unescape round
		// trip below would be the identity anyway.
		return s
	}
	escaped := strings.ReplaceAll(s, "&", "&amp;")
	return html.UnescapeString(strict.Sanitize(escaped))
}

// defuseTagOpeners drops every run of "<" that is followed by a byte which
// makes an HTML tokenizer start a tag, comment or declaration. The whole run
// goes, because dropping only the last "<" of "<<a" would leave "<a".
func defuseTagOpeners(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				b.WriteString(s[i:])
				break
			}
			b.WriteString(s[i : i+j])
			i += j
			continue
		}
		j := i
		for j < len(s) && s[j] == '<' {
			j++
		}
		if j == len(s) || !opensMarkup(s[j]) {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

// opensMarkup mirrors the HTML "tag open" state: only these bytes after "<"
// leave the data state.
func opensMarkup(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '/' || c == '!' || c == '?'
}

func collapseBlankLines(s string) string {
	if !strings.Contains(s, "\n\n\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			run++
			if run > 2 {
				continue
			}
		} else {
			run = 0
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
