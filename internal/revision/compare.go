package revision

import (
	"strings"

	"github.com/gopy-vn/gopy/internal/domain"
)

// Kind is what happened to a part of the draft between two versions.
type Kind string

// Kinds of change. Renumbered and moved are flags on top of changed or unchanged: an
// article can be renumbered, moved and reworded at once.
const (
	Added     Kind = "added"
	Removed   Kind = "removed"
	Changed   Kind = "changed"
	Unchanged Kind = "unchanged"
)

// Change is one preamble, chapter or article (with its clauses) compared across versions.
type Change struct {
	Kind       Kind
	Renumbered bool // its number changed ("Điều 5" → "Điều 6")
	Moved      bool // it is in another chapter, or its place among the others changed
	Retitled   bool // its heading says something else, apart from the number
	Old, New   *domain.Section
	// OldNumber and NewNumber are the numbers as written ("5", "II"), "" where there is none.
	OldNumber, NewNumber string
	// OldChapter and NewChapter are the headings of the chapters it was in and is in, when
	// it moved between chapters.
	OldChapter, NewChapter string
	Heading                []Op // the heading, word by word (only when it changed)
	Text                   []Op // the body with its clauses, word by word
}

// Section is the part as it is now, or as it was for a removed one.
func (c *Change) Section() *domain.Section {
	if c.New != nil {
		return c.New
	}
	return c.Old
}

// Quiet reports whether nothing about the part changed: such parts are collapsed.
func (c *Change) Quiet() bool { return c.Kind == Unchanged && !c.Renumbered && !c.Moved }

// Totals counts what happened to the articles.
type Totals struct {
	Added, Removed, Changed, Renumbered, Moved, Unchanged int
}

// Result is the comparison of two versions, in the order of the new text, with each
// removed part placed after what preceded it in the old text.
type Result struct {
	Changes []Change
	Totals  Totals // articles only
}

// Compare describes what changed from prev to next, given which part of next revises which
// part of prev (next index → prev index), as Match found it or as links stored it.
func Compare(prev, next []domain.Section, links map[int]int) Result {
	op, np := parse(prev), parse(next)
	back := make(map[int]int, len(links)) // prev index → next index
	for n, o := range links {
		back[o] = n
	}
	// An article in another chapter has moved; the order of the others tells whether any
	// of them moved within its chapter.
	otherChapter := map[int]bool{}
	for n, o := range links {
		if np[n].kind != kindArticle || op[o].kind != kindArticle {
			continue
		}
		oc, nc := chapterOf(op, o), chapterOf(np, n)
		mapped, had := back[oc]
		if (oc >= 0 || nc >= 0) && (oc < 0 || nc < 0 || !had || mapped != nc) {
			otherChapter[n] = true
		}
	}
	inOrder := stayedInOrder(op, np, links, otherChapter)

	var res Result
	entry := map[int]int{} // next index → position in Changes
	for i, n := range np {
		if n.kind == kindClause {
			continue
		}
		c := Change{New: &next[i], NewNumber: n.number}
		o, ok := links[i]
		if !ok || op[o].kind != n.kind {
			c.Kind = Added
			c.Text = Words("", n.text)
		} else {
			c.Old, c.OldNumber = &prev[o], op[o].number
			c.Renumbered = op[o].number != n.number && op[o].number != "" && n.number != ""
			c.Retitled = op[o].title != n.title
			if n.kind == kindArticle {
				if otherChapter[i] {
					c.Moved = true
					c.OldChapter, c.NewChapter = headingOf(prev, chapterOf(op, o)), headingOf(next, chapterOf(np, i))
				} else if !inOrder[i] {
					c.Moved = true
				}
			}
			c.Kind = Unchanged
			if c.Retitled || op[o].text != n.text {
				c.Kind = Changed
			}
			if c.Retitled {
				c.Heading = Words(prev[o].Heading, next[i].Heading)
			}
			c.Text = Words(op[o].text, n.text)
		}
		entry[i] = len(res.Changes)
		res.Changes = append(res.Changes, c)
	}

	// Removed parts go after the nearest earlier part of the old text that is still there.
	type slot struct {
		after int // position in Changes, -1 for the very beginning
		c     Change
	}
	var removed []slot
	for j, o := range op {
		if o.kind == kindClause {
			continue
		}
		if n, ok := back[j]; ok && np[n].kind == o.kind {
			continue
		}
		after := -1
		for k := j - 1; k >= 0; k-- {
			if n, ok := back[k]; ok && op[k].kind != kindClause {
				if pos, ok := entry[n]; ok {
					after = pos
					break
				}
			}
		}
		removed = append(removed, slot{after, Change{Kind: Removed, Old: &prev[j], OldNumber: o.number, Text: Words(o.text, "")}})
	}
	if len(removed) > 0 {
		merged := make([]Change, 0, len(res.Changes)+len(removed))
		for _, r := range removed {
			if r.after == -1 {
				merged = append(merged, r.c)
			}
		}
		for pos, c := range res.Changes {
			merged = append(merged, c)
			for _, r := range removed {
				if r.after == pos {
					merged = append(merged, r.c)
				}
			}
		}
		res.Changes = merged
	}

	for _, c := range res.Changes {
		if c.Section().Kind != kindArticle {
			continue
		}
		t := &res.Totals
		switch c.Kind {
		case Added:
			t.Added++
		case Removed:
			t.Removed++
		case Changed:
			t.Changed++
		default:
			if c.Quiet() {
				t.Unchanged++
			}
		}
		if c.Renumbered {
			t.Renumbered++
		}
		if c.Moved {
			t.Moved++
		}
	}
	return res
}

// chapterOf is the chapter an article is in, or -1.
func chapterOf(parts []part, i int) int {
	if i < 0 || parts[i].kind != kindArticle {
		return -1
	}
	return parts[i].parent
}

func headingOf(sections []domain.Section, i int) string {
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(sections[i].Heading)
}

// stayedInOrder marks the articles of next whose order relative to the other matched
// articles is the one they had: the longest run of matched articles in their old order
// stays, the others moved. Renumbering after an inserted article keeps the order, so it is
// not a move. Articles that went to another chapter (skip) are left out, having moved anyway.
func stayedInOrder(op, np []part, links map[int]int, skip map[int]bool) map[int]bool {
	type pair struct{ n, o int }
	var seq []pair
	for _, n := range np {
		if o, ok := links[n.idx]; ok && !skip[n.idx] && n.kind == kindArticle && op[o].kind == kindArticle {
			seq = append(seq, pair{n.idx, o})
		}
	}
	// Longest increasing subsequence of old positions, O(n²): drafts have at most a few
	// hundred articles.
	best := make([]int, len(seq))
	prevIdx := make([]int, len(seq))
	end := -1
	for i := range seq {
		best[i], prevIdx[i] = 1, -1
		for j := 0; j < i; j++ {
			if seq[j].o < seq[i].o && best[j]+1 > best[i] {
				best[i], prevIdx[i] = best[j]+1, j
			}
		}
		if end < 0 || best[i] > best[end] {
			end = i
		}
	}
	out := map[int]bool{}
	for i := end; i >= 0; i = prevIdx[i] {
		out[seq[i].n] = true
	}
	return out
}
