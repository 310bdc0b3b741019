package web

import (
	"testing"
	"time"
)

// TestVietnameseFormats checks the numbers and dates every page shows: thousands grouped
// with dots (1.234) and days as dd/mm/yyyy in Vietnam's time, whatever the page's language.
func TestVietnameseFormats(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1234: "1.234", 1000000: "1.000.000", -1234567: "-1.234.567"} {
		if got := formatNumber(n); got != want {
			t.Errorf("formatNumber(%d) = %q, want %q", n, got, want)
		}
	}
	// 20:30 UTC on 3 December is 03:30 on 4 December in Vietnam (UTC+7).
	late := time.Date(2026, 12, 3, 20, 30, 0, 0, time.UTC)
	if got := formatDate(late); got != "04/12/2026" {
		t.Errorf("formatDate = %q, want 04/12/2026", got)
	}
	if got := formatDateTime(late); got != "03:30 04/12/2026" {
		t.Errorf("formatDateTime = %q, want 03:30 04/12/2026", got)
	}
	if got := formatDate(time.Time{}); got != "" {
		t.Errorf("formatDate of no time = %q, want empty", got)
	}
}
