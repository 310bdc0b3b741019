// Package export writes the consolidated report of a consultation (app.Report) as files an
// official opens in a spreadsheet: CSV and XLSX, one row per group of opinions that share an
// answer. The HTML pages and the JSON API both serve them through Send.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// File formats.
const (
	CSV  = "csv"
	XLSX = "xlsx"
)

// MIME types of the formats.
const (
	MIMECSV  = "text/csv; charset=utf-8"
	MIMEXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// Send writes the report as an attachment in the format, in the request's language.
func Send(c echo.Context, r *app.Report, format string) error {
	return send(c, Filename(r, format), format,
		func(w io.Writer, lang string) error { return WriteCSV(w, r, lang) },
		func(w io.Writer, lang string, start func()) error { return WriteXLSX(w, r, lang, start) })
}

// send answers with a file to download: its name, a type for the format, no caching (the
// files hold what residents wrote, even masked, which is not for shared caches), and the
// body written by the format's writer in the request's language. XLSX writers call start
// once they know the workbook can be written, so a failure before it still gets an error page.
func send(c echo.Context, filename, format string,
	writeCSV func(w io.Writer, lang string) error,
	writeXLSX func(w io.Writer, lang string, start func()) error) error {
	lang := httpx.Lang(c)
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("Cache-Control", "no-store")
	switch format {
	case CSV:
		h.Set(echo.HeaderContentType, MIMECSV)
		c.Response().WriteHeader(http.StatusOK)
		return writeCSV(c.Response(), lang)
	case XLSX:
		h.Set(echo.HeaderContentType, MIMEXLSX)
		return writeXLSX(c.Response(), lang, func() { c.Response().WriteHeader(http.StatusOK) })
	}
	return domain.ErrNotFound
}

// Filename is an ASCII name for the file: the report, the consultation's ID and its title
// without diacritics ("bao-cao-12-du-thao-huong-uoc-thon-mot.csv"), and a commune's slice
// ends with the commune's name ("…-xa-hoa-binh.csv"), since a name outside ASCII fares
// badly in older browsers and mail clients.
func Filename(r *app.Report, ext string) string {
	name := "bao-cao-" + strconv.FormatInt(r.ConsultationID, 10)
	if s := slug(r.Title, 60); s != "" {
		name += "-" + s
	}
	if r.Slice != nil {
		if s := slug(r.Slice.Name, 40); s != "" {
			name += "-" + s
		}
	}
	return name + "." + ext
}

// slug folds a text to lower-case ASCII words joined by dashes, about max bytes long.
func slug(text string, max int) string {
	var b strings.Builder
	dash := false
	for _, ch := range textnorm.Fold(text) {
		switch {
		case ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(ch)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= max {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// Neutralise keeps a spreadsheet from reading a CSV cell as a formula (CSV injection): a
// text that starts with = + - @, a tab or a carriage return gets a leading single quote,
// which spreadsheets take as "this is text". Residents write the opinions, so any of them
// may start with "=HYPERLINK(". A workbook marks such a cell with a style instead (see
// styles.text), and keeps the text as written.
func Neutralise(s string) string {
	if formulaLike(s) {
		return "'" + s
	}
	return s
}

// formulaLike reports a text that a spreadsheet could read as a formula.
func formulaLike(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// row is one line of the export: a group of opinions with its section and answer.
type row struct {
	Path, Section          string
	Agree, Disagree, Other int // the section's counts by stance
	Opinions               string
	Count                  int
	Villages, Channels     string
	AnswerKind, AnswerText string
	Decision, Reason       string // the authority's decision on the section, and why
}

// headerKeys name the columns, in order.
var headerKeys = []string{
	"report.col.path", "report.col.section", "report.col.section_agree", "report.col.section_disagree",
	"report.col.section_other", "report.col.opinions", "report.col.count", "report.col.villages",
	"report.col.channels", "report.col.answer_kind", "report.col.answer_text",
	"report.col.decision", "report.col.decision_reason", "report.col.period",
}

func header(lang string) []string {
	out := make([]string, len(headerKeys))
	for i, k := range headerKeys {
		out[i] = i18n.T(lang, k)
	}
	return out
}

// rows calls fn with each group of the report, section by section in document order.
func rows(r *app.Report, lang string, fn func(row) error) error {
	for _, s := range r.Sections {
		label := s.Label(lang)
		for _, g := range s.Groups {
			rw := row{
				Path: s.Path, Section: label,
				Agree: s.Counts.Agree, Disagree: s.Counts.Disagree, Other: s.Counts.Other,
				Opinions: strings.Join(g.Texts, "\n\n"), Count: g.Count,
				Villages: Villages(g.Villages), Channels: Channels(lang, g.Channels),
			}
			if g.Answered && g.Kind != "" {
				rw.AnswerKind = i18n.T(lang, "answer."+string(g.Kind))
			}
			rw.AnswerText = g.Answer
			if s.Decision != nil {
				rw.Decision = i18n.T(lang, "decision."+string(s.Decision.Decision))
				rw.Reason = s.Decision.Reason
			}
			if err := fn(rw); err != nil {
				return err
			}
		}
	}
	return nil
}

// Villages lists the villages of a group: "Thôn Một (2), Thôn Hai".
func Villages(vs []app.VillageCount) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.Name
		if v.N > 1 {
			parts[i] += " (" + strconv.Itoa(v.N) + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// Channels lists the channels of a group by their localised names.
func Channels(lang string, cs []domain.Channel) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = i18n.T(lang, "channel."+string(c))
	}
	return strings.Join(parts, ", ")
}

// bom makes Excel read the file as UTF-8, so Vietnamese shows as written.
const bom = "\uFEFF"

// WriteCSV writes the report as CSV (RFC 4180, UTF-8 with a byte-order mark), a header and
// one row per group, every text cell neutralised against formulas.
func WriteCSV(w io.Writer, r *app.Report, lang string) error {
	// The period as it really ran, on every row: a CSV has no other place for it, and a row
	// read alone still says when its opinions could be sent.
	period := r.Period(lang)
	return writeCSV(w, header(lang), func(cw *csv.Writer) error {
		return rows(r, lang, func(rw row) error {
			return cw.Write(neutraliseAll([]string{
				rw.Path, rw.Section, strconv.Itoa(rw.Agree), strconv.Itoa(rw.Disagree), strconv.Itoa(rw.Other),
				rw.Opinions, strconv.Itoa(rw.Count), rw.Villages, rw.Channels, rw.AnswerKind, rw.AnswerText,
				rw.Decision, rw.Reason, period,
			}))
		})
	})
}

// writeCSV writes a CSV file as the exports write them, the byte-order mark, CRLF line ends
// and a neutralised header, with the rows fill writes.
func writeCSV(w io.Writer, head []string, fill func(*csv.Writer) error) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(neutraliseAll(head)); err != nil {
		return err
	}
	if err := fill(cw); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func neutraliseAll(cells []string) []string {
	for i := range cells {
		cells[i] = Neutralise(cells[i])
	}
	return cells
}

// columnWidths are the XLSX column widths, in characters.
var columnWidths = []float64{12, 32, 10, 10, 10, 60, 9, 24, 18, 14, 60, 14, 48, 30}

// WriteXLSX writes the report as an XLSX workbook: a sheet of groups (the CSV's columns,
// bold header, frozen) and a sheet with the consultation and its totals. Rows go through
// excelize's StreamWriter, which spills the sheet's XML to a temporary file past its chunk
// size, so a large report does not hold every cell's XML in memory; only the compressed
// workbook is buffered. started is called once the workbook is complete, just before its
// bytes are written, so any error before then can still become an error response.
func WriteXLSX(w io.Writer, r *app.Report, lang string, started func()) error {
	return writeWorkbook(w, r.Title, lang, started, func(f *excelize.File, st styles) error {
		groups := sheetName(i18n.T(lang, "report.sheet.groups"))
		sw, err := startSheet(f, groups, columnWidths, header(lang), st)
		if err != nil {
			return err
		}
		n, period := 1, r.Period(lang)
		err = rows(r, lang, func(rw row) error {
			n++
			text := func(s string) excelize.Cell { return st.text(st.wrap, s) }
			num := func(v int) excelize.Cell { return excelize.Cell{StyleID: st.top, Value: v} }
			return sw.SetRow("A"+strconv.Itoa(n), []any{
				text(rw.Path), text(rw.Section), num(rw.Agree), num(rw.Disagree), num(rw.Other),
				text(rw.Opinions), num(rw.Count), text(rw.Villages), text(rw.Channels), text(rw.AnswerKind), text(rw.AnswerText),
				text(rw.Decision), text(rw.Reason), text(period),
			})
		})
		if err != nil {
			return err
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		return writeOverview(f, r, lang, st)
	})
}

// styles are the cell styles every workbook of the exports uses.
type styles struct {
	bold int // a header: bold, shaded and ruled below, wrapped
	wrap int // text, wrapped, from the top of the cell
	top  int // a number, at the top of the cell beside wrapped text
	// quoted gives each text style its twin with Excel's quote prefix.
	quoted map[int]int
}

// text is a text cell in style. A text that could be read as a formula keeps its value as
// written and takes the style's twin with Excel's quote prefix (quotePrefix="1"), which
// marks the cell as text: Excel does not make it a formula, not even once the cell is
// edited, and the value has no "'" of its own that a reader would see or a sum would trip on.
func (st styles) text(style int, s string) excelize.Cell {
	if formulaLike(s) {
		if q, ok := st.quoted[style]; ok {
			return excelize.Cell{StyleID: q, Value: fitCell(s)}
		}
		s = Neutralise(s) // a style without a twin: the CSV's way is still safe
	}
	return excelize.Cell{StyleID: style, Value: fitCell(s)}
}

// quotePrefixed adds to the workbook a copy of the cell format id with Excel's quote prefix,
// and returns the copy's id. excelize has no style option for the prefix, so the copy is
// made in the workbook's style sheet itself; a copy, because NewStyle would give an
// identical style the same id, and the prefix would then reach every cell of that style.
func quotePrefixed(f *excelize.File, id int) (int, error) {
	if f.Styles == nil || f.Styles.CellXfs == nil || id < 0 || id >= len(f.Styles.CellXfs.Xf) {
		return 0, fmt.Errorf("export: no cell format %d to copy", id)
	}
	xf := f.Styles.CellXfs.Xf[id]
	yes := true
	xf.QuotePrefix = &yes
	f.Styles.CellXfs.Xf = append(f.Styles.CellXfs.Xf, xf)
	f.Styles.CellXfs.Count = len(f.Styles.CellXfs.Xf)
	return len(f.Styles.CellXfs.Xf) - 1, nil
}

// styleDef is a style to add to a workbook, and where to keep its id.
type styleDef struct {
	id    *int
	style *excelize.Style
}

// addStyles adds styles to a workbook, in order.
func addStyles(f *excelize.File, defs ...styleDef) error {
	for _, d := range defs {
		var err error
		if *d.id, err = f.NewStyle(d.style); err != nil {
			return err
		}
	}
	return nil
}

// writeWorkbook makes a workbook with its properties and styles, lets fill add its sheets
// (the first is the workbook's own "Sheet1", see startSheet), and writes it.
//
// The zipped file is built before the first byte goes out, and started is called only
// then, so any failure until then can still become an error response rather than a
// truncated download.
func writeWorkbook(w io.Writer, title, lang string, started func(), fill func(*excelize.File, styles) error) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	_ = f.SetDocProps(&excelize.DocProperties{Title: title, Creator: i18n.T(lang, "app.name"), Language: lang})
	var st styles
	err = addStyles(f,
		styleDef{&st.bold, &excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EDEDED"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
		}},
		styleDef{&st.wrap, &excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		styleDef{&st.top, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}},
	)
	if err != nil {
		return err
	}
	st.quoted = map[int]int{}
	for _, id := range []int{st.bold, st.wrap} {
		if st.quoted[id], err = quotePrefixed(f, id); err != nil {
			return err
		}
	}
	if err := fill(f, st); err != nil {
		return err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	if started != nil {
		started()
	}
	_, err = buf.WriteTo(w)
	return err
}

// sliceName names the part of the consultation a report covers: one commune, or all of it.
func sliceName(r *app.Report, lang string) string {
	if r.Slice != nil {
		return r.Slice.Name
	}
	return i18n.T(lang, "report.slice_all")
}

// writeOverview adds the sheet that says what the report is about: the consultation, its
// period and status, and the totals by stance and by channel.
func writeOverview(f *excelize.File, r *app.Report, lang string, st styles) error {
	sw, err := addSheet(f, sheetName(i18n.T(lang, "report.sheet.overview")), []float64{34, 60})
	if err != nil {
		return err
	}
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	lines := [][2]any{
		{t("report.consultation"), r.Title},
		{t("report.unit"), r.UnitName},
		{t("report.slice"), sliceName(r, lang)},
		{t("report.period"), r.Period(lang)},
	}
	if r.ClosedEarly {
		lines = append(lines, [2]any{t("report.close_reason"), r.CloseReason})
	}
	lines = append(lines, [][2]any{
		{t("report.status"), t("status." + string(r.Status))},
		{t("report.generated"), r.GeneratedAt.In(domain.Zone).Format("15:04 02/01/2006")},
		{"", ""},
		{t("report.col.stance"), t("report.col.count")},
		{t("stance.agree"), r.Totals.Agree},
		{t("stance.disagree"), r.Totals.Disagree},
		{t("stance.other"), r.Totals.Other},
		{t("report.total"), r.Totals.Total},
		{t("report.unanswered_label"), r.Unanswered},
		{"", ""},
		{t("report.col.channel"), t("report.col.count")},
	}...)
	for _, ch := range r.ByChannel {
		lines = append(lines, [2]any{t("channel." + string(ch.Channel)), ch.N})
	}
	for i, l := range lines {
		style := st.wrap
		if l[0] == t("report.col.stance") || l[0] == t("report.col.channel") {
			style = st.bold
		}
		row := make([]any, 2)
		for j, v := range l {
			if s, ok := v.(string); ok {
				row[j] = st.text(style, s)
			} else {
				row[j] = excelize.Cell{StyleID: st.top, Value: v}
			}
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+1), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func formatDate(t time.Time) string { return t.In(domain.Zone).Format("02/01/2006") }

// sheetName keeps a localised sheet name within Excel's rules: at most 31 characters and
// none of : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return ' '
		}
		return r
	}, s)
	if rs := []rune(s); len(rs) > 31 {
		s = string(rs[:31])
	}
	return s
}

// maxCell is the most a spreadsheet cell holds, in UTF-16 code units.
const maxCell = 32767

// fitCell cuts a text that would not fit in one cell and says so, rather than letting the
// library cut it silently. The CSV keeps the whole text.
func fitCell(s string) string {
	if len(s) <= maxCell { // a text never has more UTF-16 units than UTF-8 bytes
		return s
	}
	units := utf16.Encode([]rune(s))
	if len(units) <= maxCell {
		return s
	}
	mark := " […]"
	cut := utf16.Decode(units[:maxCell-len(utf16.Encode([]rune(mark)))])
	// Do not leave half a surrogate pair at the end.
	if n := len(cut); n > 0 && cut[n-1] == 0xFFFD {
		cut = cut[:n-1]
	}
	return string(cut) + mark
}

// startSheet turns the workbook's first sheet into a streamed sheet called name, with its
// column widths and a bold header row that stays in view while scrolling.
func startSheet(f *excelize.File, name string, widths []float64, head []string, st styles) (*excelize.StreamWriter, error) {
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return nil, err
	}
	sw, err := streamSheet(f, name, widths)
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	cells := make([]any, len(head))
	for i, h := range head {
		cells[i] = st.text(st.bold, h)
	}
	if err := sw.SetRow("A1", cells, excelize.RowOpts{StyleID: st.bold}); err != nil {
		return nil, err
	}
	return sw, nil
}

// addSheet adds a streamed sheet after the first, with its column widths in characters.
func addSheet(f *excelize.File, name string, widths []float64) (*excelize.StreamWriter, error) {
	if _, err := f.NewSheet(name); err != nil {
		return nil, err
	}
	return streamSheet(f, name, widths)
}

// streamSheet starts writing a sheet of the workbook row by row, with its column widths.
func streamSheet(f *excelize.File, name string, widths []float64) (*excelize.StreamWriter, error) {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return nil, err
		}
	}
	return sw, nil
}
