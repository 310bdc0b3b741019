package domain_test

import (
	"testing"

	"github.com/gopy-vn/gopy/internal/domain"
)

// TestRatingAverage checks the average in tenths on sets counted by hand, halves rounded up
// the way people round: 3.75 is 3.8, 4.25 is 4.3 (a float would make it 4.2).
func TestRatingAverage(t *testing.T) {
	for _, c := range []struct {
		scores []int
		want   int
	}{
		{nil, 0},
		{[]int{4}, 40},
		{[]int{5, 4, 2, 4}, 38},
		{[]int{5, 4, 4, 4}, 43},
		{[]int{4, 5, 4}, 43},
		{[]int{1, 2}, 15},
		{[]int{1, 1, 2}, 13},
		{[]int{0, 6, 5}, 50}, // out of range: ignored
	} {
		var f domain.RatingFigures
		for _, s := range c.scores {
			f.Add(s, 1)
		}
		if got := f.AverageTenths(); got != c.want {
			t.Errorf("%v: average %d tenths, want %d", c.scores, got, c.want)
		}
	}
	var a, b domain.RatingFigures
	a.Add(5, 2)
	b.Add(1, 1)
	a.Merge(b)
	if a.Count != 3 || a.Sum != 11 || a.By != [5]int{1, 0, 0, 0, 2} || a.AverageTenths() != 37 {
		t.Errorf("merged %+v", a)
	}
}
