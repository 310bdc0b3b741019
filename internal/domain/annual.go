package domain

import "time"

// The annual report of grassroots democracy in a commune. The commune People's Committee
// answers for organising the implementation of grassroots democracy in its commune and
// reports on it to the council and the level above (Law 10/2022/QH15 art. 86, "Trách nhiệm
// của Hội đồng nhân dân, Ủy ban nhân dân cấp xã"); the province sums its communes (art. 85).
// Neither article, nor Decrees 59/2023 and 61/2023, sets a reporting period of its own, so
// the report covers the calendar year in Vietnam's time: 1 January 00:00 to 31 December
// 24:00, Asia/Ho_Chi_Minh.

// Years the report accepts: the portal has nothing before the law and plans nothing past
// this century.
const (
	MinAnnualYear = 2000
	MaxAnnualYear = 2100
)

// AnnualPeriod returns the instants a report year runs between, [from, to): midnight of
// 1 January and midnight of the next 1 January, local time. An act at 23:59 on 31 December
// belongs to the year, one at 00:00 on 1 January (17:00 UTC the day before) to the next.
func AnnualPeriod(year int) (from, to time.Time) {
	from = time.Date(year, time.January, 1, 0, 0, 0, 0, Zone)
	return from, from.AddDate(1, 0, 0)
}

// InAnnualYear reports whether t falls in the report year.
func InAnnualYear(t time.Time, year int) bool {
	from, to := AnnualPeriod(year)
	return !t.Before(from) && t.Before(to)
}

// AnnualLine is one figure of a section of the annual report. Key names it (the label is
// the message "annualreport.line."+Key). A count has N alone; a mean has Of too, N being
// the sum of what is averaged (the scores) and Of how many were averaged, so that summing
// the lines of several communes sums both and the province's mean stays exact.
type AnnualLine struct {
	Key string `json:"key"`
	N   int64  `json:"n"`
	Of  int64  `json:"of,omitempty"`
	// Mean marks a line whose value is N/Of; Depth 1 marks a breakdown of the line above.
	Mean  bool `json:"mean,omitempty"`
	Depth int  `json:"depth,omitempty"`
}

// MeanTenths is a mean line's value in tenths, rounded half up in whole numbers; false
// when nothing was averaged.
func (l AnnualLine) MeanTenths() (int64, bool) {
	if !l.Mean || l.Of <= 0 {
		return 0, false
	}
	return (l.N*20 + l.Of) / (2 * l.Of), true
}

// AnnualSection is one section of the report: what one source of the portal counted for a
// set of units in a year.
type AnnualSection struct {
	Key   string       `json:"key"`
	Lines []AnnualLine `json:"lines"`
}

// SumAnnualSections adds up the sections of several reports line by line, keeping the
// order of the first: the province's column of totals is the sum of its communes'.
func SumAnnualSections(reports ...[]AnnualSection) []AnnualSection {
	var out []AnnualSection
	index := map[string]int{}
	for _, sections := range reports {
		for _, s := range sections {
			i, ok := index[s.Key]
			if !ok {
				i = len(out)
				index[s.Key] = i
				out = append(out, AnnualSection{Key: s.Key})
			}
			for _, l := range s.Lines {
				j := -1
				for k := range out[i].Lines {
					if out[i].Lines[k].Key == l.Key {
						j = k
						break
					}
				}
				if j < 0 {
					out[i].Lines = append(out[i].Lines, AnnualLine{Key: l.Key, Mean: l.Mean, Depth: l.Depth})
					j = len(out[i].Lines) - 1
				}
				out[i].Lines[j].N += l.N
				out[i].Lines[j].Of += l.Of
			}
		}
	}
	return out
}
