package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// quarterlyHeaderKeys name the columns of the quarterly list of disclosures (Law 10/2022
// art. 13(2)), in order.
var quarterlyHeaderKeys = []string{
	"disclosure.col.no", "disclosure.col.unit", "disclosure.col.category", "disclosure.col.title",
	"disclosure.col.doc_number", "disclosure.col.doc_date", "disclosure.col.doc_issuer",
	"disclosure.col.posted_from", "disclosure.col.posted_until", "disclosure.col.days",
	"disclosure.col.forms", "disclosure.col.timeliness", "disclosure.col.link",
}

// SendQuarterly writes a unit's quarterly list of disclosures as a CSV attachment, in the
// request's language. base is the portal's public address, for the links to each entry.
func SendQuarterly(c echo.Context, q *app.QuarterlyDisclosures, base string) error {
	name := "cong-khai"
	if s := slug(q.Unit.Name, 40); s != "" {
		name += "-" + s
	}
	name += "-" + strconv.Itoa(q.Year) + "-q" + strconv.Itoa(q.Quarter) + "." + CSV
	return send(c, name, CSV,
		func(w io.Writer, lang string) error { return WriteQuarterlyCSV(w, q, lang, base) }, nil)
}

// DisclosureForms writes the forms of an entry in words, in the law's order.
func DisclosureForms(lang string, d *domain.Disclosure) string {
	var out []string
	for _, f := range d.FormList() {
		out = append(out, i18n.T(lang, "disclosure.form."+string(f)))
	}
	return strings.Join(out, "; ")
}

// DisclosureLink is the public address of an entry: its page, or for a consultation's
// results the results of that consultation.
func DisclosureLink(base string, d *domain.Disclosure) string {
	base = strings.TrimRight(base, "/")
	if d.ConsultationID != 0 {
		return base + "/c/" + strconv.FormatInt(d.ConsultationID, 10) + "/report"
	}
	return base + "/disclosures/" + strconv.FormatInt(d.ID, 10)
}

// WriteQuarterlyCSV writes the quarterly list: one line per posting, oldest first, late ones
// marked in the timeliness column.
func WriteQuarterlyCSV(w io.Writer, q *app.QuarterlyDisclosures, lang, base string) error {
	head := make([]string, len(quarterlyHeaderKeys))
	for i, k := range quarterlyHeaderKeys {
		head[i] = i18n.T(lang, k)
	}
	return writeCSV(w, head, func(cw *csv.Writer) error {
		for i := range q.Items {
			d := &q.Items[i]
			unit, until, days := "", "", ""
			if d.Unit != nil {
				unit = d.Unit.Name
			}
			if !d.PostedUntil.IsZero() {
				until = formatDate(d.PostedUntil)
				days = strconv.Itoa(domain.PostingDays(d.PostedFrom, d.PostedUntil))
			}
			number, date, issuer := d.DocNumber, formatDate(d.DocDate), d.DocIssuer
			if d.ConsultationID != 0 {
				number, issuer = i18n.T(lang, "disclosure.results_doc"), unit
			}
			timeliness := i18n.T(lang, "disclosure.on_time")
			if d.Late {
				timeliness = i18n.T(lang, "disclosure.late")
			}
			cells := []string{strconv.Itoa(i + 1), unit,
				strconv.Itoa(int(d.Category)) + ". " + i18n.T(lang, "disclosure.category."+strconv.Itoa(int(d.Category))),
				d.Title, number, date, issuer, formatDate(d.PostedFrom), until, days,
				DisclosureForms(lang, d), timeliness, DisclosureLink(base, d)}
			if err := cw.Write(neutraliseAll(cells)); err != nil {
				return err
			}
		}
		return nil
	})
}
