package domain

import (
	"testing"
	"time"
)

// "ít nhất 10% tổng số hộ gia đình" (Law 10/2022 art. 16(3)): at least a tenth of ALL the
// village's households, in whole households, so the ceiling of n/10.
func TestInitiativeThreshold(t *testing.T) {
	for n, want := range map[int]int{57: 6, 50: 5, 51: 6, 60: 6, 61: 7, 10: 1, 11: 2, 1: 1, 120: 12, 0: 1} {
		if got := InitiativeThreshold(n); got != want {
			t.Errorf("InitiativeThreshold(%d) = %d, want %d", n, got, want)
		}
		if n > 0 {
			// The threshold is the least k with k >= n/10, i.e. 10k >= n.
			k := InitiativeThreshold(n)
			if 10*k < n || 10*(k-1) >= n {
				t.Errorf("%d households: %d is not the least whole number of at least 10%%", n, k)
			}
		}
	}
}

// The phase follows the count and the clock: reached stays reached after the period; below
// the threshold the initiative lapses at the midnight after its last day.
func TestInitiativePhase(t *testing.T) {
	ends := time.Date(2026, 12, 11, 0, 0, 0, 0, Zone) // last day 10/12
	i := &Initiative{Status: InitiativeOpen, Households: 57, Threshold: 6, SupportsOnline: 3, SupportsPaper: 2, SupportEnds: ends}
	if p := i.Phase(ends.Add(-time.Second)); p != InitPhaseCollecting {
		t.Errorf("a second before the end: %s", p)
	}
	if p := i.Phase(ends); p != InitPhaseLapsed {
		t.Errorf("at the end with 5 of 6: %s", p)
	}
	if i.LastDay().Format("02/01/2006") != "10/12/2026" {
		t.Errorf("last day %s", i.LastDay())
	}
	i.SupportsPaper = 3
	if p := i.Phase(ends.Add(time.Hour)); p != InitPhaseReached {
		t.Errorf("6 of 6 after the end: %s", p)
	}
}
