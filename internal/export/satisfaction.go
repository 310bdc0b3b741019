package export

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// Tenths writes a number given in tenths with one decimal, with the decimal comma in
// Vietnamese ("4,2") and a point in English ("4.2").
func Tenths(lang string, n int) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	mark := ","
	if lang == i18n.EN {
		mark = "."
	}
	return sign + strconv.Itoa(n/10) + mark + strconv.Itoa(n%10)
}

// SendAnnual writes a commune's annual satisfaction report as an attachment in the format,
// in the request's language.
func SendAnnual(c echo.Context, r *app.AnnualReport, format string) error {
	return send(c, AnnualFilename(r, format), format,
		func(w io.Writer, lang string) error { return WriteAnnualCSV(w, r, lang) },
		func(w io.Writer, lang string, start func()) error { return WriteAnnualXLSX(w, r, lang, start) })
}

// AnnualFilename is an ASCII name for the file: "danh-gia-hai-long-xa-an-binh-2026.csv".
func AnnualFilename(r *app.AnnualReport, ext string) string {
	name := "danh-gia-hai-long"
	if s := slug(r.Unit.Name, 40); s != "" {
		name += "-" + s
	}
	return name + "-" + strconv.Itoa(r.Year) + "." + ext
}

// annualHeaderKeys name the columns of the annual report, in order.
var annualHeaderKeys = []string{
	"annual.col.consultation", "annual.col.unit", "annual.col.period", "annual.col.stage",
	"annual.col.opinions", "annual.col.households", "annual.col.participation", "annual.col.days",
	"annual.col.ratings", "annual.col.average",
	"annual.col.score1", "annual.col.score2", "annual.col.score3", "annual.col.score4", "annual.col.score5",
	"annual.col.comments",
}

// annualCell is one cell: a text, a whole number or a number in tenths; an empty cell
// where a figure does not apply (no households, results not out, no ratings).
type annualCell struct {
	text   string
	n      int
	tenths bool
	num    bool
}

func textCell(s string) annualCell { return annualCell{text: s} }
func intCell(n int) annualCell     { return annualCell{n: n, num: true} }
func tenthsCell(n int, ok bool) annualCell {
	if !ok {
		return annualCell{}
	}
	return annualCell{n: n, num: true, tenths: true}
}

// annualLines calls fn with each consultation's cells, then with the year's totals.
func annualLines(r *app.AnnualReport, lang string, fn func(cells []annualCell, total bool) error) error {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	ratings := func(f domain.RatingFigures) []annualCell {
		cells := []annualCell{intCell(f.Count), tenthsCell(f.AverageTenths(), f.Count > 0)}
		for _, n := range f.By {
			cells = append(cells, intCell(n))
		}
		return cells
	}
	for _, row := range r.Rows {
		where := row.Unit.Name
		p, ok := row.OpinionsPerHundredHouseholds()
		days := annualCell{}
		if row.WorkingDays != nil {
			days = intCell(*row.WorkingDays)
		}
		comments := make([]string, len(row.Comments))
		for i, c := range row.Comments {
			comments[i] = t("annual.comment", c.Rating, c.CommentPublic)
		}
		cells := []annualCell{
			textCell(row.Title), textCell(where), textCell(row.Period(lang)),
			textCell(t("phase." + string(row.Phase))),
			intCell(row.Opinions), intCell(row.Households), tenthsCell(int(math.Round(p*10)), ok), days,
		}
		cells = append(cells, ratings(row.Ratings)...)
		cells = append(cells, textCell(strings.Join(comments, "\n\n")))
		if err := fn(cells, false); err != nil {
			return err
		}
	}
	tot := r.Totals
	p, ok := tot.OpinionsPerThousandHouseholds()
	cells := []annualCell{
		textCell(t("annual.total", r.Year, tot.Consultations)), {}, {}, {},
		intCell(tot.Opinions), intCell(tot.Households), tenthsCell(p, ok), tenthsCell(tot.WorkingDaysTenths, tot.Published > 0),
	}
	cells = append(cells, ratings(tot.Ratings)...)
	cells = append(cells, annualCell{})
	return fn(cells, true)
}

func annualHeader(lang string) []string {
	out := make([]string, len(annualHeaderKeys))
	for i, k := range annualHeaderKeys {
		out[i] = i18n.T(lang, k)
	}
	return out
}

// WriteAnnualCSV writes the annual report as CSV (UTF-8 with a byte-order mark): a header,
// one row per consultation and a last row of totals. Decimals are written as the language
// writes them ("4,2" in Vietnamese), which is how a spreadsheet set to that language reads
// them; every text cell is neutralised against formulas.
func WriteAnnualCSV(w io.Writer, r *app.AnnualReport, lang string) error {
	return writeCSV(w, annualHeader(lang), func(cw *csv.Writer) error {
		return annualLines(r, lang, func(cells []annualCell, _ bool) error {
			out := make([]string, len(cells))
			for i, c := range cells {
				switch {
				case c.tenths:
					out[i] = Tenths(lang, c.n)
				case c.num:
					out[i] = strconv.Itoa(c.n)
				default:
					out[i] = Neutralise(c.text)
				}
			}
			return cw.Write(out)
		})
	})
}

// annualWidths are the XLSX column widths, in characters.
var annualWidths = []float64{40, 18, 24, 16, 10, 10, 14, 14, 10, 10, 8, 8, 8, 8, 8, 60}

// WriteAnnualXLSX writes the annual report as an XLSX workbook: a sheet of consultations
// with the totals in its last row (decimals as numbers shown with one decimal), and a sheet
// of the comments, one per row. started is called once the workbook is complete, just
// before its bytes are written.
func WriteAnnualXLSX(w io.Writer, r *app.AnnualReport, lang string, started func()) error {
	title := i18n.T(lang, "annual.file_title", r.Unit.Name, r.Year)
	return writeWorkbook(w, title, lang, started, func(f *excelize.File, st styles) error {
		// The totals in bold, and figures in tenths as numbers shown with one decimal.
		oneDecimal := "0.0"
		var dec, boldDec, boldNum int
		err := addStyles(f,
			styleDef{&dec, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}, CustomNumFmt: &oneDecimal}},
			styleDef{&boldDec, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}, CustomNumFmt: &oneDecimal}},
			styleDef{&boldNum, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}}},
		)
		if err != nil {
			return err
		}

		sheet := sheetName(i18n.T(lang, "annual.sheet.consultations"))
		sw, err := startSheet(f, sheet, annualWidths, annualHeader(lang), st)
		if err != nil {
			return err
		}
		n := 1
		err = annualLines(r, lang, func(line []annualCell, total bool) error {
			n++
			row := make([]any, len(line))
			for i, c := range line {
				switch {
				case c.tenths && total:
					row[i] = excelize.Cell{StyleID: boldDec, Value: float64(c.n) / 10}
				case c.tenths:
					row[i] = excelize.Cell{StyleID: dec, Value: float64(c.n) / 10}
				case c.num && total:
					row[i] = excelize.Cell{StyleID: boldNum, Value: c.n}
				case c.num:
					row[i] = excelize.Cell{StyleID: st.top, Value: c.n}
				case total && c.text != "":
					row[i] = st.text(st.bold, c.text)
				default:
					row[i] = st.text(st.wrap, c.text)
				}
			}
			return sw.SetRow("A"+strconv.Itoa(n), row)
		})
		if err != nil {
			return err
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		return writeAnnualComments(f, r, lang, st)
	})
}

// writeAnnualComments adds the sheet of comments: the consultation, the score and the
// public text of each comment, oldest first within each consultation.
func writeAnnualComments(f *excelize.File, r *app.AnnualReport, lang string, st styles) error {
	sw, err := addSheet(f, sheetName(i18n.T(lang, "annual.sheet.comments")), []float64{40, 10, 80})
	if err != nil {
		return err
	}
	head := []any{
		excelize.Cell{StyleID: st.bold, Value: i18n.T(lang, "annual.col.consultation")},
		excelize.Cell{StyleID: st.bold, Value: i18n.T(lang, "annual.col.score")},
		excelize.Cell{StyleID: st.bold, Value: i18n.T(lang, "annual.col.comment")},
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	n := 1
	for _, row := range r.Rows {
		for _, c := range row.Comments {
			n++
			err := sw.SetRow("A"+strconv.Itoa(n), []any{
				st.text(st.wrap, row.Title),
				excelize.Cell{StyleID: st.top, Value: c.Rating},
				st.text(st.wrap, c.CommentPublic),
			})
			if err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}
