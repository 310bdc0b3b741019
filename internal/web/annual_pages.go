package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/export"
	"github.com/gopy-vn/gopy/internal/httpx"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// The annual report of grassroots democracy of a commune, or of a province summing its
// communes (app/annual.go): a public page, its A4 print and its spreadsheet, all at
// /units/{code}/annual/{year}.

// democracyPage is the report with its figures written out in the request's language.
type democracyPage struct {
	R        *app.DemocracyReport
	Sections []democracySectionView
	Base     string // /units/{code}/annual/{year}
	Prev     int
	Next     int // 0 past the current year
	Issuer   []string
}

// democracySectionView is one section: its lines with the value of the commune, or for a
// province the value of each commune (a column each) and the total.
type democracySectionView struct {
	Key   string
	Title string
	Lines []democracyLineView
}

type democracyLineView struct {
	Label  string
	Value  string
	Depth  int
	Values []string // a province's communes, in the order of DemocracyReport.Communes
}

// annualYear reads the year of the path, with ".xlsx" asking for the spreadsheet.
func annualYear(c echo.Context) (year int, xlsx bool, err error) {
	p := c.Param("year")
	if v, ok := strings.CutSuffix(p, ".xlsx"); ok {
		p, xlsx = v, true
	}
	year, perr := strconv.Atoi(p)
	if perr != nil || len(p) != 4 {
		return 0, false, domain.ErrNotFound
	}
	return year, xlsx, nil
}

func (s *Server) annualData(c echo.Context) (*democracyPage, bool, error) {
	year, xlsx, err := annualYear(c)
	if err != nil {
		return nil, false, err
	}
	r, err := s.app.DemocracyReport(c.Request().Context(), c.Param("code"), year)
	if err != nil {
		return nil, false, err
	}
	lang := httpx.Lang(c)
	d := &democracyPage{R: r, Base: "/units/" + r.Unit.Code + "/annual/" + strconv.Itoa(year), Prev: year - 1}
	if year < s.app.Now().In(domain.Zone).Year() {
		d.Next = year + 1
	}
	for i, sec := range r.Sections {
		v := democracySectionView{Key: sec.Key, Title: i18n.T(lang, "annualreport.section."+sec.Key)}
		for j, l := range sec.Lines {
			lv := democracyLineView{Label: i18n.T(lang, "annualreport.line."+l.Key), Value: export.AnnualValue(lang, l), Depth: l.Depth}
			for _, cu := range r.Communes {
				lv.Values = append(lv.Values, export.AnnualValue(lang, cu.Sections[i].Lines[j]))
			}
			v.Lines = append(v.Lines, lv)
		}
		d.Sections = append(d.Sections, v)
	}
	// The issuing authority of the printed report, in capitals as on an official document:
	// the People's Committee of the unit, under the province for a commune.
	for _, u := range r.Above {
		if u.Kind == domain.UnitProvince {
			d.Issuer = append(d.Issuer, strings.ToUpper(i18n.T(lang, "annualreport.print.committee_of", u.Name)))
		}
	}
	d.Issuer = append(d.Issuer, strings.ToUpper(i18n.T(lang, "annualreport.print.committee_of", r.Unit.Name)))
	return d, xlsx, nil
}

// annualReport is the public page of the report, or its spreadsheet for ".xlsx".
func (s *Server) annualReport(c echo.Context) error {
	d, xlsx, err := s.annualData(c)
	if err != nil {
		return err
	}
	if xlsx {
		return export.SendDemocracyXLSX(c, d.R)
	}
	v := s.view(c, "", d)
	v.Title = httpx.T(c, "annualreport.title", d.R.Year) + " · " + d.R.Unit.Name
	v.Description = httpx.T(c, "annualreport.description", d.R.Unit.Name, d.R.Year)
	return s.views.render(c, http.StatusOK, "annual", v)
}

// annualPrint is the A4 report (Báo cáo kết quả thực hiện dân chủ ở cơ sở năm …) with the
// administrative header and the signature block. Like the notice, it is always in
// Vietnamese, the language of an official document.
func (s *Server) annualPrint(c echo.Context) error {
	httpx.SetLang(c, i18n.VI)
	d, xlsx, err := s.annualData(c)
	if err != nil {
		return err
	}
	if xlsx {
		return domain.ErrNotFound
	}
	v := s.view(c, "", d)
	v.Title = httpx.T(c, "annualreport.print.title", d.R.Year) + " · " + d.R.Unit.Name
	return s.views.render(c, http.StatusOK, "annual_print", v)
}

// staffAnnual is the officials' way in: the provinces and communes they oversee, each with
// the report of this year and of the last.
func (s *Server) staffAnnual(c echo.Context) error {
	units, err := s.app.AnnualReportUnits(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return err
	}
	year := s.app.Now().In(domain.Zone).Year()
	return s.views.render(c, http.StatusOK, "annual_staff", s.view(c, "annualreport.staff.title",
		struct {
			Units      []domain.Unit
			Year, Last int
		}{units, year, year - 1}))
}

// LocalYear is the current year in Vietnam, for links to this year's annual report.
func (v View) LocalYear() int { return v.Now.In(domain.Zone).Year() }
