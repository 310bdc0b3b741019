package app

import (
	"github.com/gopy-vn/gopy/internal/detect"
	"github.com/gopy-vn/gopy/internal/domain"
)

// GroupSimilar folds near-identical opinions of a list (detect.SimilarThreshold on their
// public text) into the first of each group, keeping the list's order. It returns the
// opinions to show and, for each shown opinion that has copies, the copies in list order.
// Hidden opinions are markers without text and are never grouped.
func GroupSimilar(list []domain.Opinion) ([]domain.Opinion, map[int64][]domain.Opinion) {
	sets := make([][]uint64, len(list))
	for i, o := range list {
		if o.Status != domain.OpinionHidden {
			sets[i] = detect.Shingles(o.BodyPublic)
		}
	}
	groups := detect.Groups(sets)
	shown := make([]domain.Opinion, 0, len(list))
	similar := map[int64][]domain.Opinion{}
	for i, o := range list {
		if first := groups[i]; first != i {
			similar[list[first].ID] = append(similar[list[first].ID], o)
			continue
		}
		shown = append(shown, o)
	}
	return shown, similar
}
