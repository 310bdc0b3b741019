// Package revision compares two versions of a draft: which part of the new text revises
// which part of the old (Match), and what changed, article by article (Compare), down to the
// words (Words).
//
// A drafting team revising a hương ước after the comments renumbers articles when it inserts
// one, moves articles between chapters and rewords them. Residents' opinions are anchored to
// the article they were written on, so the portal must recognise "Điều 5. Việc cưới" in the
// new text even when it is now "Điều 6. Việc cưới" in another chapter. Matching therefore
// ignores numbers and positions and looks at what an article is about: its title, then its
// words. Rules chosen:
//
//   - Articles with the same title (the heading without "Điều N.") are the same article,
//     however much the body changed: titles are how residents and officials name articles.
//   - Articles whose titles differ are the same article when their words are mostly the same
//     (Dice coefficient of their words at least 0.5), or at least 0.35 with the same number:
//     a title reworded together with a small edit.
//   - Among several candidates the best-scoring pair wins; every part is matched at most once.
//   - Chapters match by title, then by number with a similar title, then by where their
//     articles went. Clauses match only inside matched articles, by their words.
//   - Nothing else is guessed: an article that cannot be recognised is shown as removed and
//     its successor as added, and opinions on it stay on the earlier version, never on a
//     wrong article.
package revision

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/gopy-vn/gopy/internal/domain"
)

// Section kinds, as the draft splitter writes them.
const (
	kindPreamble = "preamble"
	kindChapter  = "chapter"
	kindArticle  = "article"
	kindClause   = "clause"
)

var (
	articleHead = regexp.MustCompile(`^(?i:điều|dieu)\s*(\d+[A-Za-z]?)\s*(?:[.:\-–—]\s*(.*))?$`)
	chapterHead = regexp.MustCompile(`^(?i:chương|chuong)\s*([IVXL]+|\d+)\s*(?:[.:\-–—]\s*(.*))?$`)
	clauseHead  = regexp.MustCompile(`(\d+)`)
)

// part is a section as matching and comparing see it.
type part struct {
	idx     int // index in its version
	kind    string
	number  string // as written: "5", "II"; "" when the heading has none
	title   string // the heading without its number, normalised for comparison
	text    string // body, and for an article its clauses, as shown
	words   bag    // the words of text
	tw      bag    // the words of the title
	parent  int    // the chapter of an article, the article of a clause; -1 for none
	clauses []int
}

// parse reads the structure of a version: numbers, titles, parents.
func parse(sections []domain.Section) []part {
	parts := make([]part, len(sections))
	chapter, article := -1, -1
	for i, s := range sections {
		p := part{idx: i, kind: s.Kind, parent: -1}
		switch s.Kind {
		case kindChapter:
			p.number, p.title = splitHeading(chapterHead, s.Heading)
			chapter, article = i, -1
		case kindArticle:
			p.number, p.title = splitHeading(articleHead, s.Heading)
			p.parent, article = chapter, i
		case kindClause:
			if m := clauseHead.FindStringSubmatch(s.Heading); m != nil {
				p.number = m[1]
			}
			p.parent = article
			if article >= 0 {
				parts[article].clauses = append(parts[article].clauses, i)
			}
		case kindPreamble:
			chapter, article = -1, -1
		}
		parts[i] = p
	}
	for i := range parts {
		parts[i].text = fullText(sections, parts, i)
		parts[i].words = bagOf(words(parts[i].text))
		parts[i].tw = bagOf(words(parts[i].title))
	}
	return parts
}

// splitHeading separates "Điều 5. Việc cưới" into "5" and "việc cưới". A heading that does
// not follow the pattern (sections entered one by one) is all title.
func splitHeading(re *regexp.Regexp, heading string) (number, title string) {
	heading = strings.TrimSpace(norm.NFC.String(heading))
	if m := re.FindStringSubmatch(heading); m != nil {
		return m[1], normTitle(m[2])
	}
	return "", normTitle(heading)
}

// normTitle compares titles by their words only: case, spacing and punctuation differ
// between pastes, diacritics never do ("cưới" and "cuối" are different words).
func normTitle(s string) string {
	return strings.Join(words(s), " ")
}

// fullText is what an article says: its body, then each clause on its own line.
func fullText(sections []domain.Section, parts []part, i int) string {
	s := sections[i]
	if s.Kind == kindClause {
		return s.Body
	}
	lines := []string{}
	if s.Body != "" {
		lines = append(lines, s.Body)
	}
	for _, c := range parts[i].clauses {
		lines = append(lines, strings.TrimSpace(sections[c].Heading+" "+sections[c].Body))
	}
	return strings.Join(lines, "\n")
}

// words splits text into lower-case words without surrounding punctuation, for similarity.
func words(s string) []string {
	var out []string
	for _, f := range strings.Fields(strings.ToLower(norm.NFC.String(s))) {
		if w := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// bag is a text's words with how often each occurs, counted once per part: matching
// compares every old article with every new one.
type bag struct {
	count map[string]int
	n     int
}

func bagOf(words []string) bag {
	b := bag{count: make(map[string]int, len(words)), n: len(words)}
	for _, w := range words {
		b.count[w]++
	}
	return b
}

// dice is the share of words two texts have in common, counting repeats: 1 for the same
// words in any order, 0 for none in common.
func dice(a, b bag) float64 {
	if a.n == 0 && b.n == 0 {
		return 1
	}
	if a.n == 0 || b.n == 0 {
		return 0
	}
	if len(b.count) < len(a.count) {
		a, b = b, a
	}
	common := 0
	for w, n := range a.count {
		common += min(n, b.count[w])
	}
	return 2 * float64(common) / float64(a.n+b.n)
}

// Thresholds of the rules in the package comment.
const (
	minSimilar       = 0.5
	minSimilarNumber = 0.35
)

type candidate struct {
	o, n  int
	score float64
}

// assign pairs candidates greedily, best score first, each side at most once; ties go to
// the pair closest in document order, so that identical articles keep their order.
func assign(cands []candidate, out map[int]int) {
	slices.SortStableFunc(cands, func(x, y candidate) int {
		switch {
		case x.score > y.score:
			return -1
		case x.score < y.score:
			return 1
		}
		return abs(x.n-x.o) - abs(y.n-y.o)
	})
	taken := map[int]bool{}
	for _, o := range out {
		taken[o] = true
	}
	for _, c := range cands {
		if _, done := out[c.n]; done || taken[c.o] {
			continue
		}
		out[c.n] = c.o
		taken[c.o] = true
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Match pairs the sections of a new version with the sections of the old one they revise.
// It returns, for each index of next that revises a section of prev, that section's index.
func Match(prev, next []domain.Section) map[int]int {
	op, np := parse(prev), parse(next)
	out := map[int]int{}

	// The preamble is the preamble, whatever it now says.
	for _, n := range np {
		if n.kind != kindPreamble {
			continue
		}
		for _, o := range op {
			if o.kind == kindPreamble {
				out[n.idx] = o.idx
				break
			}
		}
		break
	}

	// Articles.
	var cands []candidate
	for _, n := range np {
		if n.kind != kindArticle {
			continue
		}
		for _, o := range op {
			if o.kind != kindArticle {
				continue
			}
			sim := dice(o.words, n.words)
			sameTitle := n.title != "" && n.title == o.title
			sameNumber := n.number != "" && n.number == o.number
			switch {
			case sameTitle:
				cands = append(cands, candidate{o.idx, n.idx, 2 + sim})
			case sim >= minSimilar || (sameNumber && sim >= minSimilarNumber):
				cands = append(cands, candidate{o.idx, n.idx, sim + dice(o.tw, n.tw)/10})
			}
		}
	}
	assign(cands, out)

	// Chapters: by title, then by number with a similar title, then by their articles.
	cands = cands[:0]
	for _, n := range np {
		if n.kind != kindChapter {
			continue
		}
		for _, o := range op {
			if o.kind != kindChapter {
				continue
			}
			titleSim := dice(o.tw, n.tw)
			switch {
			case n.title != "" && n.title == o.title:
				cands = append(cands, candidate{o.idx, n.idx, 3})
			case n.number != "" && n.number == o.number && titleSim >= minSimilar:
				cands = append(cands, candidate{o.idx, n.idx, 2 + titleSim})
			default:
				if share := articlesFollowed(op, np, out, o.idx, n.idx); share > 0.5 {
					cands = append(cands, candidate{o.idx, n.idx, 1 + share})
				}
			}
		}
	}
	assign(cands, out)

	// Clauses, inside matched articles.
	for _, n := range np {
		if n.kind != kindArticle {
			continue
		}
		o, ok := out[n.idx]
		if !ok {
			continue
		}
		cands = cands[:0]
		for _, nc := range n.clauses {
			for _, oc := range op[o].clauses {
				sim := dice(op[oc].words, np[nc].words)
				sameNumber := np[nc].number == op[oc].number
				if sim >= minSimilar || (sameNumber && sim >= minSimilarNumber) {
					bonus := 0.0
					if sameNumber {
						bonus = 0.01
					}
					cands = append(cands, candidate{oc, nc, sim + bonus})
				}
			}
		}
		assign(cands, out)
	}
	return out
}

// articlesFollowed is the share of an old chapter's articles that went into a new chapter.
func articlesFollowed(op, np []part, matched map[int]int, oldChapter, newChapter int) float64 {
	total, followed := 0, 0
	for _, o := range op {
		if o.kind == kindArticle && o.parent == oldChapter {
			total++
		}
	}
	if total == 0 {
		return 0
	}
	for n, o := range matched {
		if np[n].kind == kindArticle && np[n].parent == newChapter && op[o].parent == oldChapter {
			followed++
		}
	}
	return float64(followed) / float64(total)
}
