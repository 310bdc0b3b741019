package config

import (
	"strings"
	"testing"
	"time"
)

// TestHolidaysSetting reads HOLIDAYS in both date forms, with working days marked by a
// leading "-", and refuses anything else with an error that names the setting and the item.
func TestHolidaysSetting(t *testing.T) {
	for _, c := range []struct {
		name, env string
		off, work []string // yyyy-mm-dd
		err       string
	}{
		{name: "unset"},
		{name: "both forms", env: " 02/09/2026, 2027-02-04,3/9/2027 ,,", off: []string{"2026-09-02", "2027-02-04", "2027-09-03"}},
		{name: "working days", env: "-01/09/2026, - 2026-11-28, 20/11/2026", off: []string{"2026-11-20"}, work: []string{"2026-09-01", "2026-11-28"}},
		{name: "not a date", env: "02/09/2026, 31/02/2026", err: `HOLIDAYS: "31/02/2026" is not a date`},
		{name: "month first", env: "09/30/2026", err: `"09/30/2026"`},
		{name: "two-digit year", env: "02/09/26", err: `"02/09/26"`},
		{name: "far year", env: "02/09/1926", err: `"02/09/1926"`},
		{name: "words", env: "Tết", err: `"Tết"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("HOLIDAYS", c.env)
			cfg, err := Load()
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one with %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := days(cfg.Holidays); got != strings.Join(c.off, ",") {
				t.Errorf("days off %s, want %s", got, strings.Join(c.off, ","))
			}
			if got := days(cfg.WorkingDays); got != strings.Join(c.work, ",") {
				t.Errorf("working days %s, want %s", got, strings.Join(c.work, ","))
			}
			for _, d := range append(cfg.Holidays, cfg.WorkingDays...) {
				if _, off := d.Zone(); off != 7*3600 || d.Hour() != 0 {
					t.Errorf("%s is not midnight in Vietnam", d)
				}
			}
		})
	}
}

func days(list []time.Time) string {
	var s []string
	for _, d := range list {
		s = append(s, d.Format(time.DateOnly))
	}
	return strings.Join(s, ",")
}
