package detect

import (
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/gopy-vn/gopy/internal/textnorm"
)

// Profanity.
//
// Folding Vietnamese is lossy exactly where it matters here: "cặc" and "các"
// (the plural marker, in almost every comment) both fold to "cac", "lồn" and
// "lớn" (big) to "lon", "đéo" and "đeo" (to wear) to "deo", "ngu" (stupid)
// and "ngủ" (sleep) to "ngu", "đồ chó" (you dog) and "đồ cho" (things for) to
// "do cho". So every entry is matched word by word, and a word of the text
// matches a word of the entry when either
//
//   - its lower-case NFC form is the entry's word, tone marks included; or
//   - the entry allows folding, and the text's word was typed with no marks
//     at all (ASCII and đ only), and the folded forms are equal.
//
// A word typed with marks is never matched by folding: "các" has told us it
// is not "cặc". Entries whose folded form collides with common words
// ("cặc", "lồn", "đéo", "địt", "đụ", "đĩ", "buồi", "cứt", "đồ ngu", "đồ chó",
// "mất dạy", "súc sinh", …) do not allow folding, so "cac", "lon", "deo",
// "do ngu" typed without marks are not flagged: a missed flag costs a moderator
// one read, a false one on "các" would be on every opinion. Multi-word
// entries whose folded form reads as nothing else ("dit me", "me kiep",
// "oc cho", "khon nan") allow folding, and so do acronyms and leet forms,
// which are ASCII anyway ("dm", "vcl", "l0n").
//
// "ngu", "chó" and "súc vật" are only insults in a phrase ("thằng ngu",
// "ngu như bò", "đồ chó", "lũ súc vật"): a hương ước talks about dogs on
// leashes and livestock, and residents say "ngủ" typed as "ngu".
//
// Stretching is accepted for every entry ("đmmm", "nguuu", "vcllll"): a word
// matches if it has the same letters with some repeated, never fewer, so "c"
// does not match "cc". Acronyms may also be split by one ".", "-", "_", "*"
// or space between single letters ("đ.m", "d-m", "đ m", "v.c.l"), unless
// the dotted letters run on into a word, as initials do ("Đ.M.Hùng").

// profanityList: phrase is NFC lower case with single spaces; fold allows
// the marks-free match described above; acronym allows letter-by-letter
// spelling; canon is the Detail ("" means the phrase). An entry without fold
// must have a word with marks, or it matches marks-free text anyway: "con
// ngu" is not listed because it is also "còn ngủ" typed without marks.
var profanityList = []struct {
	phrase  string
	fold    bool
	acronym bool
	canon   string
}{
	// Vulgar words whose folded form is an ordinary word: marks required.
	{"cặc", false, false, ""},
	{"buồi", false, false, ""},
	{"lồn", false, false, ""},
	{"đéo", false, false, ""},
	{"địt", false, false, ""},
	{"đụ", false, false, ""},
	{"đĩ", false, false, ""},
	{"cứt", false, false, ""},
	{"đù má", false, false, "đụ má"},
	// Leet and slang spellings that fold to nothing ordinary.
	{"l0n", true, false, "lồn"},
	{"loz", true, false, "lồn"},
	{"đm", true, true, ""},
	{"đcm", true, true, ""},
	{"đkm", true, true, ""},
	{"vcl", true, true, ""},
	{"vkl", true, true, "vcl"},
	{"vl", true, true, ""},
	{"vcc", true, true, ""},
	{"cc", true, false, ""},
	{"clgt", true, true, ""},
	{"cmn", true, true, ""},
	{"cmnr", true, true, "cmn"},
	{"fuck", true, false, ""},
	{"shit", true, false, ""},
	// Phrases that are safe to match without marks.
	{"địt mẹ", true, false, ""},
	{"địt con mẹ", true, false, "địt mẹ"},
	{"địt cụ", true, false, ""},
	{"đụ má", true, false, ""},
	{"mẹ kiếp", true, false, ""},
	{"con mẹ mày", true, false, ""},
	{"óc chó", true, false, ""},
	{"khốn nạn", true, false, ""},
	{"đồ khốn", true, false, ""},
	{"thằng ngu", true, false, "ngu"},
	{"ngu si", true, false, "ngu"},
	{"ngu xuẩn", true, false, "ngu"},
	{"ngu dốt", true, false, "ngu"},
	{"đéo biết", true, false, "đéo"},
	{"đéo hiểu", true, false, "đéo"},
	{"đéo cần", true, false, "đéo"},
	// Insults whose folded form reads as ordinary words: marks required.
	{"đồ ngu", false, false, "ngu"},
	{"lũ ngu", false, false, "ngu"},
	{"bọn ngu", false, false, "ngu"},
	{"ngu như bò", false, false, "ngu"},
	{"ngu như chó", false, false, "ngu"},
	{"ngu như lợn", false, false, "ngu"},
	{"ngu như heo", false, false, "ngu"},
	{"ngu như trâu", false, false, "ngu"},
	{"mất dạy", false, false, ""},
	{"súc sinh", false, false, ""},
	{"đồ chó", false, false, "chó"},
	{"thằng chó", false, false, "chó"},
	{"lũ chó", false, false, "chó"},
	{"bọn chó", false, false, "chó"},
	{"chó má", false, false, "chó"},
	{"đồ chó chết", false, false, "chó chết"},
	{"thằng chó chết", false, false, "chó chết"},
	{"lũ chó chết", false, false, "chó chết"},
	{"bọn chó chết", false, false, "chó chết"},
	{"đồ súc vật", false, false, "súc vật"},
	{"lũ súc vật", false, false, "súc vật"},
	{"bọn súc vật", false, false, "súc vật"},
	{"thằng súc vật", false, false, "súc vật"},
	{"như súc vật", false, false, "súc vật"},
	{"đồ điên", false, false, "điên"},
	{"thằng điên", false, false, "điên"},
	{"đồ vô học", false, false, "vô học"},
}

// profNotAfter lists, per phrase, folded words that turn it into something
// ordinary when they come right before it: "óc chó" is also the walnut
// ("hạt óc chó", "sữa óc chó").
var profNotAfter = map[string][]string{
	"óc chó": {"qua", "hat", "trai", "cay", "dau", "sua", "banh", "nhan", "vuon", "giong"},
}

type profEntry struct {
	words    []string // exact forms
	folds    []string // folded forms
	fold     bool
	acronym  bool
	canon    string
	notAfter []string
}

var (
	profEntries []profEntry
	// profIndex maps the collapsed folded first word to entries, so each
	// word of a text costs one map lookup.
	profIndex = map[string][]int{}
	// acronymIndex maps a collapsed folded acronym to entries.
	acronymIndex = map[string][]int{}
)

func init() {
	for _, p := range profanityList {
		phrase := norm.NFC.String(p.phrase)
		e := profEntry{fold: p.fold, acronym: p.acronym, canon: p.canon, notAfter: profNotAfter[phrase]}
		if e.canon == "" {
			e.canon = phrase
		}
		for _, w := range strings.Fields(phrase) {
			e.words = append(e.words, w)
			e.folds = append(e.folds, foldWord(w))
		}
		profEntries = append(profEntries, e)
		k := len(profEntries) - 1
		key := collapse(e.folds[0])
		profIndex[key] = append(profIndex[key], k)
		if e.acronym {
			acronymIndex[key] = append(acronymIndex[key], k)
		}
	}
}

// foldWord folds one word of the list the way textnorm.Words folds the text.
func foldWord(w string) string {
	return textnorm.Words(w)[0].Fold
}

// collapse removes repeated runes ("đmmm" → "đm"), the key under which
// stretched spellings are looked up.
func collapse(s string) string {
	prev := rune(-1)
	for i, r := range s {
		if r == prev {
			var b strings.Builder
			b.WriteString(s[:i])
			for _, r := range s[i:] {
				if r != prev {
					b.WriteRune(r)
					prev = r
				}
			}
			return b.String()
		}
		prev = r
	}
	return s
}

// stretchEq reports whether s spells w with some letters repeated: the same
// runs of runes in the same order, each at least as long as in w.
func stretchEq(s, w string) bool {
	for len(w) > 0 {
		rw, _ := utf8.DecodeRuneInString(w)
		cw, cs := 0, 0
		for len(w) > 0 {
			r, n := utf8.DecodeRuneInString(w)
			if r != rw {
				break
			}
			w, cw = w[n:], cw+1
		}
		for len(s) > 0 {
			r, n := utf8.DecodeRuneInString(s)
			if r != rw {
				break
			}
			s, cs = s[n:], cs+1
		}
		if cs < cw {
			return false
		}
	}
	return len(s) == 0
}

func (e *profEntry) matchWord(t *textnorm.Word, k int) bool {
	if stretchEq(t.Exact, e.words[k]) {
		return true
	}
	return e.fold && t.Toneless && stretchEq(t.Fold, e.folds[k])
}

func (e *profEntry) excludedAt(text string, toks []textnorm.Word, i int) bool {
	if len(e.notAfter) == 0 || i == 0 || !phraseGap(text[toks[i-1].End:toks[i].Start]) {
		return false
	}
	return slices.Contains(e.notAfter, toks[i-1].Fold)
}

// initialsGoOn reports whether letters joined by dots continue into a word
// ("Đ.M.Hùng"): those are a person's initials, not "đ.m".
func initialsGoOn(text string, end int) bool {
	return end+1 < len(text) && text[end] == '.' && wordAt(text, end+1)
}

// phraseGap is the most text allowed between the words of a phrase: some
// spaces or punctuation ("đồ… ngu"), never a line break.
func phraseGap(s string) bool {
	return len(s) <= 4 && !strings.ContainsAny(s, "\n\r")
}

func findProfanity(text string, toks []textnorm.Word) []Match {
	var out []Match
	for i := 0; i < len(toks); {
		n, canon := profanityAt(text, toks, i)
		if n == 0 {
			i++
			continue
		}
		out = append(out, Match{Kind: Profanity, Start: toks[i].Start, End: toks[i+n-1].End, Detail: canon})
		i += n
	}
	return out
}

// profanityAt returns how many tokens from i form the longest entry, and the
// entry's canonical word.
func profanityAt(text string, toks []textnorm.Word, i int) (int, string) {
	best, canon := 0, ""
	key := collapse(toks[i].Fold)
	for _, k := range profIndex[key] {
		e := &profEntries[k]
		n := len(e.words)
		if n <= best || i+n > len(toks) || e.excludedAt(text, toks, i) {
			continue
		}
		ok := true
		for w := 0; w < n && ok; w++ {
			t := &toks[i+w]
			ok = e.matchWord(t, w) && (w == 0 || phraseGap(text[toks[i+w-1].End:t.Start]))
		}
		if ok {
			best, canon = n, e.canon
		}
	}
	// Acronyms spelled letter by letter: "đ.m", "v c l", "đ-mmm".
	if !toks[i].Toneless || utf8.RuneCountInString(key) != 1 {
		return best, canon
	}
	joined := toks[i].Fold
	for j := i + 1; j < len(toks) && j-i < 5; j++ {
		t := &toks[j]
		between := text[toks[j-1].End:t.Start]
		if len(between) != 1 || !strings.Contains(".-_* ", between) || !t.Toneless {
			break
		}
		if utf8.RuneCountInString(collapse(t.Fold)) != 1 {
			break
		}
		joined += t.Fold
		n := j - i + 1
		if n <= best || initialsGoOn(text, t.End) {
			continue
		}
		for _, k := range acronymIndex[collapse(joined)] {
			if stretchEq(joined, profEntries[k].folds[0]) {
				best, canon = n, profEntries[k].canon
				break
			}
		}
	}
	return best, canon
}
