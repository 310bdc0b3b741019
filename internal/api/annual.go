package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// annualJSON is the annual report of grassroots democracy of GET /units/{code}/annual/{year}:
// the commune's sections, or for a province its communes' and their sum. Counts only.
type annualJSON struct {
	Unit     oversightUnitJSON   `json:"unit"`
	Year     int                 `json:"year"`
	From     string              `json:"from"` // the period, [from, to), RFC 3339 in +07:00
	To       string              `json:"to"`
	Sections []annualSectionJSON `json:"sections"`
	Communes []annualCommuneJSON `json:"communes"`
}

type annualCommuneJSON struct {
	Unit     oversightUnitJSON   `json:"unit"`
	Sections []annualSectionJSON `json:"sections"`
}

type annualSectionJSON struct {
	Key   string           `json:"key"`
	Lines []annualLineJSON `json:"lines"`
}

// annualLineJSON is one figure: n for a count; for a mean, n is the sum of what is
// averaged, of how many, and value the mean rounded to a tenth (null when of is 0).
type annualLineJSON struct {
	Key   string   `json:"key"`
	N     int64    `json:"n"`
	Of    *int64   `json:"of,omitempty"`
	Value *float64 `json:"value,omitempty"`
	Depth int      `json:"depth"`
}

func annualSectionsJSON(in []domain.AnnualSection) []annualSectionJSON {
	out := make([]annualSectionJSON, 0, len(in))
	for _, s := range in {
		js := annualSectionJSON{Key: s.Key, Lines: make([]annualLineJSON, 0, len(s.Lines))}
		for _, l := range s.Lines {
			jl := annualLineJSON{Key: l.Key, N: l.N, Depth: l.Depth}
			if l.Mean {
				of := l.Of
				jl.Of = &of
				if t, ok := l.MeanTenths(); ok {
					v := float64(t) / 10
					jl.Value = &v
				}
			}
			js.Lines = append(js.Lines, jl)
		}
		out = append(out, js)
	}
	return out
}

func annualUnitJSON(u domain.Unit) oversightUnitJSON {
	return oversightUnitJSON{Code: u.Code, Name: u.Name, Kind: string(u.Kind)}
}

// annualReport answers the report of a commune or province for a year.
func (a *API) annualReport(c echo.Context) error {
	p := c.Param("year")
	year, err := strconv.Atoi(p)
	if err != nil || len(p) != 4 {
		return domain.InvalidField("year", "annualreport.error.year", domain.MinAnnualYear, domain.MaxAnnualYear)
	}
	r, err := a.App.DemocracyReport(c.Request().Context(), c.Param("code"), year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, annualReportJSON(r))
}

func annualReportJSON(r *app.DemocracyReport) annualJSON {
	out := annualJSON{Unit: annualUnitJSON(r.Unit), Year: r.Year,
		From: r.From.In(domain.Zone).Format(time.RFC3339), To: r.To.In(domain.Zone).Format(time.RFC3339),
		Sections: annualSectionsJSON(r.Sections), Communes: []annualCommuneJSON{}}
	for _, cu := range r.Communes {
		out.Communes = append(out.Communes, annualCommuneJSON{Unit: annualUnitJSON(cu.Unit), Sections: annualSectionsJSON(cu.Sections)})
	}
	return out
}
