package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/export"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// reportData is the consolidated report on a page that prints on A4. Base is where its links
// point: the staff pages, or the public ones once the results are published.
type reportData struct {
	R      *app.Report
	Base   string // "/staff/consultations/12" or "/c/12"
	Public bool
}

// report shows the consolidated report to the staff who oversee the consultation, at any
// stage; publicReport shows it to anyone once the results are published. ?unit= gives a
// commune's slice of a consultation that covered several.
func (s *Server) report(c echo.Context) error { return s.showReport(c, false) }

func (s *Server) publicReport(c echo.Context) error { return s.showReport(c, true) }

func (s *Server) showReport(c echo.Context, public bool) error {
	r, err := s.loadReport(c, public)
	if err != nil {
		return err
	}
	d := reportData{R: r, Base: "/staff/consultations/" + c.Param("id"), Public: public}
	if public {
		d.Base = "/c/" + c.Param("id")
	}
	v := s.view(c, "report.title", d)
	v.Title = httpx.T(c, "report.title") + " · " + r.Title
	if r.Slice != nil {
		v.Title += " · " + r.Slice.Name
	}
	return s.views.render(c, http.StatusOK, "report", v)
}

// The report's groups of opinions as a spreadsheet, for staff and, once published, for all.
func (s *Server) reportCSV(c echo.Context) error { return s.reportFile(c, false, export.CSV) }

func (s *Server) reportXLSX(c echo.Context) error { return s.reportFile(c, false, export.XLSX) }

// reportDOCX is the report as a Word document to sign, for staff.
func (s *Server) reportDOCX(c echo.Context) error {
	r, err := s.loadReport(c, false)
	if err != nil {
		return err
	}
	return export.SendReportDOCX(c, r)
}

func (s *Server) publicReportCSV(c echo.Context) error { return s.reportFile(c, true, export.CSV) }

func (s *Server) publicReportXLSX(c echo.Context) error { return s.reportFile(c, true, export.XLSX) }

func (s *Server) reportFile(c echo.Context, public bool, format string) error {
	r, err := s.loadReport(c, public)
	if err != nil {
		return err
	}
	return export.Send(c, r, format)
}

func (s *Server) loadReport(c echo.Context, public bool) (*app.Report, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	if public {
		return s.app.PublishedReport(c.Request().Context(), id, c.QueryParam("unit"))
	}
	return s.app.Report(c.Request().Context(), httpx.Actor(c), id, c.QueryParam("unit"))
}

type unitData struct {
	P *app.UnitPage
	// KindKey names the unit's kind: a village in a ward is a tổ dân phố, in a commune a thôn.
	KindKey string
	// Dialogues are the commune's monthly dialogues (dialogue_pages.go); DialogueUnit is the
	// commune, nil on a province's page.
	Dialogues    []domain.Dialogue
	DialogueUnit *domain.Unit
}

// unitKindKey is the message key of a unit's kind, the parent's kind telling a thôn from a
// tổ dân phố.
func unitKindKey(u *domain.Unit, above []domain.Unit) string {
	key := "unitkind." + string(u.Kind)
	if u.Kind == domain.UnitVillage && len(above) > 0 {
		if k := above[len(above)-1].Kind; k == domain.UnitCommune || k == domain.UnitWard {
			key += "." + string(k)
		}
	}
	return key
}

// unitPage is a unit's public page: its consultations and those above and below it, each
// with its results once published (a commune's own slice where there is one).
func (s *Server) unitPage(c echo.Context) error {
	p, err := s.app.Unit(c.Request().Context(), c.Param("code"), queryInt(c, "page", 1))
	if err != nil {
		return err
	}
	d := unitData{P: p, KindKey: unitKindKey(p.Unit, p.Above)}
	if d.Dialogues, d.DialogueUnit, err = s.unitPageDialogues(c, p); err != nil {
		return err
	}
	v := s.view(c, "", d)
	v.Title = p.Unit.Name
	return s.views.render(c, http.StatusOK, "unit", v)
}
