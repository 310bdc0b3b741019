package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Words of Vietnamese text.
//
// Vietnamese writes one syllable per word, separated by spaces, so a word here is a maximal
// run of letters, digits and combining marks: "Hương ước" is two, "61/2023" two, "NĐ-CP" two.
// The moderation flags (internal/detect) match profanity on whole words and look at the
// words before a number; the themes (internal/app) count phrases of two or three words
// inside one clause. Both read a word in two forms: as written, in lower case and NFC,
// where the tone marks carry the meaning ("cặc" is not "các", "vệ" is not "về"), and
// folded, for text typed on a phone without marks.

// Word is one word of a text.
type Word struct {
	Start, End int // byte offsets in the text, so callers can slice the text they passed
	// Exact is the word in lower case and NFC.
	Exact string
	// Fold is Fold of the word: lower case without marks. A compatibility character can
	// fold to several parts separated by a space ("½" is "1 2").
	Fold string
	// Toneless is true when the word was typed without any Vietnamese mark (only ASCII and
	// đ). Only such a word may be a marked word whose marks were left off: "deo" may be
	// "đéo" typed in a hurry, but "đeo" was written with care and means "to wear".
	Toneless bool
}

// IsWordRune reports whether a rune belongs to a word: a letter, a digit or a combining mark.
func IsWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.M, r)
}

// Words splits a text into its words. Invalid UTF-8 bytes separate words, like any other
// character that is not part of one.
//
// Every comment is split once for its flags and again, with all the others, for the themes,
// so the lower-case and folded forms of all words are written into two buffers that become
// two strings at the end: a 5,000-character comment costs a handful of allocations rather
// than two a word, and a word already in lower-case ASCII, most of them, costs none.
func Words(text string) []Word {
	words := make([]Word, 0, len(text)/5+1)
	// Spans of the exact and fold forms in their buffers; ea < 0: the raw
	// text is already both; same: the fold is the exact form.
	type forms struct {
		ea, eb, fa, fb int
		same           bool
	}
	spans := make([]forms, 0, cap(words))
	var exact, fold []byte
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		if !IsWordRune(r) {
			i += w
			continue
		}
		start := i
		ascii, lower, toneless := true, true, true
		for i < len(text) {
			r, w = utf8.DecodeRuneInString(text[i:])
			if !IsWordRune(r) {
				break
			}
			if r >= utf8.RuneSelf {
				ascii = false
				if r != 'đ' && r != 'Đ' {
					toneless = false
				}
			} else if 'A' <= r && r <= 'Z' {
				lower = false
			}
			i += w
		}
		raw := text[start:i]
		words = append(words, Word{Start: start, End: i, Toneless: toneless})
		if ascii && lower {
			spans = append(spans, forms{ea: -1})
			continue
		}
		f := forms{ea: len(exact)}
		for _, r := range raw {
			exact = utf8.AppendRune(exact, unicode.ToLower(r))
		}
		if !norm.NFC.IsNormal(exact[f.ea:]) {
			exact = append(exact[:f.ea], norm.NFC.Bytes(exact[f.ea:])...)
		}
		f.eb = len(exact)
		if ascii {
			f.same = true
			spans = append(spans, f)
			continue
		}
		f.fa = len(fold)
		fold = appendFold(fold, exact[f.ea:f.eb], raw)
		f.fb = len(fold)
		spans = append(spans, f)
	}
	exactStr, foldStr := string(exact), string(fold)
	for k := range words {
		f := spans[k]
		w := &words[k]
		switch {
		case f.ea < 0:
			w.Exact = text[w.Start:w.End]
			w.Fold = w.Exact
		case f.same:
			w.Exact = exactStr[f.ea:f.eb]
			w.Fold = w.Exact
		default:
			w.Exact = exactStr[f.ea:f.eb]
			w.Fold = foldStr[f.fa:f.fb]
		}
	}
	return words
}

// Clauses groups the words of a text (Words(text)) into clauses, the runs a phrase may span:
// a line break or a punctuation mark ends one. Hyphens, dashes between words, slashes,
// apostrophes and ampersands separate words but do not end a clause ("61/2023", "NĐ-CP",
// "A&B"). The clauses share the words' array.
func Clauses(text string, words []Word) [][]Word {
	var out [][]Word
	from := 0
	for k := 1; k <= len(words); k++ {
		if k < len(words) && !endsClause(text[words[k-1].End:words[k].Start]) {
			continue
		}
		out = append(out, words[from:k:k])
		from = k
	}
	return out
}

// endsClause reports whether the text between two words ends a clause.
func endsClause(gap string) bool {
	for _, r := range gap {
		if r == '\n' || (unicode.IsPunct(r) && !strings.ContainsRune("-‐‑–'’/&", r)) {
			return true
		}
	}
	return false
}

// baseLetter maps each precomposed Latin letter that decomposes to an ASCII
// letter plus marks ("ệ" → 'e', "Ư" → 'u') to that letter in lower case.
// Built from NFD at start-up, it lets appendFold fold Vietnamese words
// without normalising every word, the main cost of Words.
var baseLetter = func() map[rune]byte {
	m := map[rune]byte{}
	for _, block := range [][2]rune{{0xC0, 0x24F}, {0x1E00, 0x1EFF}} {
		for r := block[0]; r <= block[1]; r++ {
			d := norm.NFD.String(string(r))
			if len(d) < 2 || d[0] >= utf8.RuneSelf || !unicode.IsLetter(rune(d[0])) {
				continue
			}
			rest := d[1:]
			if strings.IndexFunc(rest, func(r rune) bool { return !unicode.Is(unicode.M, r) }) >= 0 {
				continue
			}
			m[r] = byte(unicode.ToLower(rune(d[0])))
		}
	}
	return m
}()

// appendFold appends Fold(raw) for a word whose NFC lower-case form is
// exact: through baseLetter when every rune is ASCII, a known letter, đ or a
// mark, and through Fold itself otherwise, so the result is always Fold's.
func appendFold(dst, exact []byte, raw string) []byte {
	n := len(dst)
	for len(exact) > 0 {
		r, w := utf8.DecodeRune(exact)
		exact = exact[w:]
		switch {
		case r < utf8.RuneSelf:
			dst = append(dst, byte(r))
		case r == 'đ':
			dst = append(dst, 'd')
		case unicode.Is(unicode.Mn, r):
		default:
			c, ok := baseLetter[r]
			if !ok {
				return append(dst[:n], Fold(raw)...)
			}
			dst = append(dst, c)
		}
	}
	return dst
}
