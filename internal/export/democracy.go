package export

import (
	"io"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// SendDemocracyXLSX writes the annual report of grassroots democracy as an XLSX attachment
// in the request's language.
func SendDemocracyXLSX(c echo.Context, r *app.DemocracyReport) error {
	return send(c, DemocracyFilename(r), XLSX, nil,
		func(w io.Writer, lang string, start func()) error { return WriteDemocracyXLSX(w, r, lang, start) })
}

// DemocracyFilename is an ASCII name for the file: "dan-chu-co-so-xa-an-binh-2026.xlsx".
func DemocracyFilename(r *app.DemocracyReport) string {
	name := "dan-chu-co-so"
	if s := slug(r.Unit.Name, 40); s != "" {
		name += "-" + s
	}
	return name + "-" + strconv.Itoa(r.Year) + ".xlsx"
}

// AnnualValue writes a line's value as the page and print show it: a count with thousands
// separators, a mean with one decimal, a dash for a mean of nothing.
func AnnualValue(lang string, l domain.AnnualLine) string {
	if l.Mean {
		t, ok := l.MeanTenths()
		if !ok {
			return "—"
		}
		return Tenths(lang, int(t))
	}
	return Thousands(int(l.N))
}

// WriteDemocracyXLSX writes the report as one sheet: a row per figure under the title of its
// section, with the commune's value; for a province a column per commune and the total in
// the last, which is their sum. Means are numbers shown with one decimal; a mean of nothing
// is an empty cell.
func WriteDemocracyXLSX(w io.Writer, r *app.DemocracyReport, lang string, started func()) error {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	title := t("annualreport.file_title", r.Unit.Name, r.Year)
	return writeWorkbook(w, title, lang, started, func(f *excelize.File, st styles) error {
		oneDecimal := "0.0"
		var dec, boldNum int
		err := addStyles(f,
			styleDef{&dec, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}, CustomNumFmt: &oneDecimal}},
			styleDef{&boldNum, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}}},
		)
		if err != nil {
			return err
		}
		head := []string{t("annualreport.col.figure")}
		columns := [][]domain.AnnualSection{}
		widths := []float64{60}
		for _, c := range r.Communes {
			head = append(head, c.Unit.Name)
			columns = append(columns, c.Sections)
			widths = append(widths, 14)
		}
		if r.Summed() {
			head = append(head, t("annualreport.total"))
		} else {
			head = append(head, r.Unit.Name)
		}
		columns = append(columns, r.Sections)
		widths = append(widths, 14)
		sw, err := startSheet(f, sheetName(t("annualreport.sheet")), widths, head, st)
		if err != nil {
			return err
		}
		n := 1
		for i, s := range r.Sections {
			n++
			if err := sw.SetRow("A"+strconv.Itoa(n), []any{st.text(st.bold, t("annualreport.section."+s.Key))}); err != nil {
				return err
			}
			for j, l := range s.Lines {
				n++
				label := t("annualreport.line." + l.Key)
				if l.Depth > 0 {
					label = "   " + label
				}
				row := []any{st.text(st.wrap, label)}
				for k, col := range columns {
					cl := col[i].Lines[j]
					style := st.top
					if k == len(columns)-1 && r.Summed() {
						style = boldNum
					}
					switch {
					case cl.Mean:
						if v, ok := cl.MeanTenths(); ok {
							row = append(row, excelize.Cell{StyleID: dec, Value: float64(v) / 10})
						} else {
							row = append(row, nil)
						}
					default:
						row = append(row, excelize.Cell{StyleID: style, Value: cl.N})
					}
				}
				if err := sw.SetRow("A"+strconv.Itoa(n), row); err != nil {
					return err
				}
			}
		}
		return sw.Flush()
	})
}
