package revision

import (
	"regexp"
	"strings"
)

// OpKind says whether a run of words is in both texts, only in the new one, or only in the old.
type OpKind string

// Op kinds.
const (
	Same   OpKind = "same"
	Insert OpKind = "ins"
	Delete OpKind = "del"
)

// Op is a run of words with the spacing that followed each word (line breaks kept), so the
// runs laid end to end give back the text.
type Op struct {
	Kind OpKind
	Text string
}

// token is a word (a Vietnamese syllable, with its punctuation) and the spacing after it.
var token = regexp.MustCompile(`\S+\s*`)

// maxCells bounds the comparison table: past it (two texts of some thousands of words that
// differ throughout) the middle is shown as removed and added whole rather than making a
// resident's phone wait for a diff no one can read anyway.
const maxCells = 4_000_000

// Words compares two texts word by word: the longest common subsequence of their words,
// after setting aside what they share at the start and at the end. Words compare exactly,
// tone marks and case included: in a legal text they are the change.
func Words(a, b string) []Op {
	at, bt := token.FindAllString(a, -1), token.FindAllString(b, -1)
	word := func(t string) string { return strings.TrimRight(t, " \t\r\n") }
	var ops []Op
	add := func(k OpKind, t string) {
		if n := len(ops); n > 0 && ops[n-1].Kind == k {
			ops[n-1].Text += t
			return
		}
		ops = append(ops, Op{k, t})
	}

	pre := 0
	for pre < len(at) && pre < len(bt) && word(at[pre]) == word(bt[pre]) {
		add(Same, bt[pre])
		pre++
	}
	suf := 0
	for suf < len(at)-pre && suf < len(bt)-pre && word(at[len(at)-1-suf]) == word(bt[len(bt)-1-suf]) {
		suf++
	}
	am, bm := at[pre:len(at)-suf], bt[pre:len(bt)-suf]

	if len(am)*len(bm) > maxCells {
		for _, t := range am {
			add(Delete, t)
		}
		for _, t := range bm {
			add(Insert, t)
		}
	} else {
		// lcs[i][j] is the length of the common subsequence of am[i:] and bm[j:].
		w := len(bm) + 1
		lcs := make([]int32, (len(am)+1)*w)
		for i := len(am) - 1; i >= 0; i-- {
			for j := len(bm) - 1; j >= 0; j-- {
				if word(am[i]) == word(bm[j]) {
					lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
				} else {
					lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(am) || j < len(bm) {
			switch {
			case i < len(am) && j < len(bm) && word(am[i]) == word(bm[j]):
				add(Same, bm[j])
				i, j = i+1, j+1
			case i < len(am) && (j == len(bm) || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
				// The old words first, then the new ones that replace them.
				add(Delete, am[i])
				i++
			default:
				add(Insert, bm[j])
				j++
			}
		}
	}
	for _, t := range bt[len(bt)-suf:] {
		add(Same, t)
	}
	// The last word of a text has no spacing after it; where a run of removed or added words
	// ends that way and another run follows, a space keeps the two apart on the page.
	for i := 0; i+1 < len(ops); i++ {
		if t := ops[i].Text; t != "" && strings.TrimRight(t, " \t\r\n") == t {
			ops[i].Text += " "
		}
	}
	return ops
}
