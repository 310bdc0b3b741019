package detect

import (
	"math"
	"slices"
	"strings"

	"github.com/gopy-vn/gopy/internal/textnorm"
)

// Near-duplicates.
//
// A campaign pastes the same text under many names with a word changed, and
// a resident resubmits an opinion without diacritics from a phone. Word
// 3-shingles of the folded text catch both: folding removes the diacritics
// difference, and a changed word only changes the three shingles that
// contain it. Two different opinions on the same article share vocabulary
// ("đề nghị", "hương ước", "điều 5") but rarely the same three words in a
// row, so their Jaccard similarity stays low.

// SimilarThreshold is the Jaccard similarity at or above which two opinions count as near-identical, chosen between the closest labelled pairs of testdata/labelled.tsv.
//
// Measured there (TestSimilarPairs prints it): the least similar
// near-identical pair scores 0.625 (a 15-word text with one number
// changed), the most similar different opinions 0.585 (two opposite requests
// quoting the same decree). One changed word costs up to three shingles, so
// short texts drop fast: an edited copy under about 15 words can fall below
// the threshold, which only means the moderator sees it ungrouped.
const SimilarThreshold = 0.6

// Shingles returns the sorted, unique hashes of the word 3-shingles of the folded text, the representation Similarity and Groups compare.
//
// A text of one or two words gives one shingle of what there is, and an
// empty text (no letters or digits) gives nil, which is similar to nothing.
func Shingles(text string) []uint64 {
	words := strings.Fields(textnorm.Fold(text))
	if len(words) == 0 {
		return nil
	}
	if len(words) < 3 {
		return []uint64{hashWords(words)}
	}
	out := make([]uint64, 0, len(words)-2)
	for i := 0; i+3 <= len(words); i++ {
		out = append(out, hashWords(words[i:i+3]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// hashWords is 64-bit FNV-1a over the words separated by a space; with a few
// thousand shingles per text, collisions are negligible (~n²/2⁶⁴).
func hashWords(words []string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i, w := range words {
		if i > 0 {
			h ^= ' '
			h *= prime
		}
		for j := 0; j < len(w); j++ {
			h ^= uint64(w[j])
			h *= prime
		}
	}
	return h
}

// Similarity is the Jaccard similarity |a∩b| / |a∪b| of two sorted shingle sets, 0 when both are empty so that empty texts never group.
func Similarity(a, b []uint64) float64 {
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// Groups clusters shingle sets into groups of near-identical texts (single link at SimilarThreshold) and returns, for each index, the smallest index in its group.
//
// It is exact (the same pairs as comparing all of them with Similarity) but
// avoids comparing most pairs, by prefix filtering: order every set's
// shingles from rarest to most common; if J(x, y) ≥ t then x and y share at
// least ⌈t·max(|x|,|y|)⌉ shingles, so the first |x| − ⌈t·|x|⌉ + 1 shingles
// of x and of y have one in common. Only sets sharing such a prefix shingle
// are compared, and never two already in the same group.
//
// Cost: O(N log N) to order shingles (N = total shingles) plus one
// Similarity per candidate pair. Unrelated opinions rarely share a rare
// shingle, so for ordinary input that is close to linear; the worst case is
// quadratic in the number of texts (thousands of copies of one text share
// their prefixes), where the group check makes each extra pair a
// union-find lookup instead of a Similarity.
func Groups(sets [][]uint64) []int {
	n := len(sets)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		// The smaller index is the root, so find(i) is the group's first member.
		if rb < ra {
			ra, rb = rb, ra
		}
		parent[rb] = ra
	}

	df := map[uint64]int{}
	for _, s := range sets {
		for _, h := range s {
			df[h]++
		}
	}
	index := map[uint64][]int{}
	seen := make([]int, n) // seen[y] == x+1: y already a candidate of x
	var order []uint64
	for x, s := range sets {
		if len(s) == 0 {
			continue
		}
		order = append(order[:0], s...)
		slices.SortFunc(order, func(a, b uint64) int {
			if df[a] != df[b] {
				return df[a] - df[b]
			}
			if a < b {
				return -1
			}
			if a > b {
				return 1
			}
			return 0
		})
		p := prefixLen(len(s))
		for _, h := range order[:p] {
			for _, y := range index[h] {
				if seen[y] == x+1 {
					continue
				}
				seen[y] = x + 1
				if find(x) == find(y) || !sizesCompatible(len(s), len(sets[y])) {
					continue
				}
				if Similarity(s, sets[y]) >= SimilarThreshold {
					union(x, y)
				}
			}
			index[h] = append(index[h], x)
		}
	}
	out := make([]int, n)
	for i := range out {
		out[i] = find(i)
	}
	return out
}

// prefixLen is |x| − ⌈t·|x|⌉ + 1. The ceiling is taken slightly low, so a
// rounding error can only lengthen the prefix, which is always safe.
func prefixLen(size int) int {
	need := int(math.Ceil(SimilarThreshold*float64(size) - 1e-9))
	need = max(need, 1)
	return min(max(size-need+1, 1), size)
}

// sizesCompatible is the length filter: J(x, y) ≤ min/max of the sizes.
func sizesCompatible(a, b int) bool {
	lo, hi := min(a, b), max(a, b)
	return float64(lo) >= SimilarThreshold*float64(hi)-1e-9
}
