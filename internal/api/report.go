package api

import (
	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/export"
)

// reportCSV and reportXLSX serve the consolidated report of a consultation as a file, for
// staff who oversee its unit (the app decides who).
func (a *API) reportCSV(c echo.Context) error { return a.reportFile(c, export.CSV) }

func (a *API) reportXLSX(c echo.Context) error { return a.reportFile(c, export.XLSX) }

func (a *API) reportFile(c echo.Context, format string) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := a.App.Report(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return export.Send(c, r, format)
}
