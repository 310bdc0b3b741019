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

// TestDurations: the median time to a moderation decision reads "2 giờ 05 phút" on a
// Vietnamese page, as an official would write it, and "2 h 05 min" in English.
func TestDurations(t *testing.T) {
	secs := func(n int64) *int64 { return &n }
	for _, c := range []struct {
		lang string
		s    *int64
		want string
	}{
		{"vi", secs(2*3600 + 5*60 + 40), "2 giờ 05 phút"},
		{"vi", secs(47 * 60), "47 phút"},
		{"vi", secs(26 * 3600), "26 giờ 00 phút"},
		{"en", secs(2*3600 + 5*60), "2 h 05 min"},
		{"en", secs(59), "0 min"},
		{"vi", nil, ""},
	} {
		if got := humanDuration(c.lang, c.s); got != c.want {
			t.Errorf("humanDuration(%s, %v) = %q, want %q", c.lang, c.s, got, c.want)
		}
	}
}
