package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/export"
	"github.com/gopy-vn/gopy/internal/httpx"
)

type reportData struct {
	R *app.Report
}

// report shows the consolidated report of a consultation as a page that prints on A4.
func (s *Server) report(c echo.Context) error {
	r, err := s.loadReport(c)
	if err != nil {
		return err
	}
	v := s.view(c, "report.title", reportData{R: r})
	v.Title = httpx.T(c, "report.title") + " · " + r.Title
	return s.views.render(c, http.StatusOK, "report", v)
}

// reportCSV and reportXLSX download the report's groups of opinions as a spreadsheet.
func (s *Server) reportCSV(c echo.Context) error { return s.reportFile(c, export.CSV) }

func (s *Server) reportXLSX(c echo.Context) error { return s.reportFile(c, export.XLSX) }

func (s *Server) reportFile(c echo.Context, format string) error {
	r, err := s.loadReport(c)
	if err != nil {
		return err
	}
	return export.Send(c, r, format)
}

func (s *Server) loadReport(c echo.Context) (*app.Report, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return s.app.Report(c.Request().Context(), httpx.Actor(c), id)
}
