package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/export"
)

// The register of disclosures (công khai, Law 10/2022 art. 11–13).

type documentJSON struct {
	Number string  `json:"number"`
	Date   *string `json:"date"`
	Issuer string  `json:"issuer"`
}

// disclosureJSON is an entry of the register. A consultation's published results count as
// an entry of item 8 without being one: id is null, consultation_id names it, and its
// posting has no end.
type disclosureJSON struct {
	ID             *int64                  `json:"id"`
	ConsultationID *int64                  `json:"consultation_id"`
	Unit           string                  `json:"unit"`
	UnitName       string                  `json:"unit_name"`
	Category       int                     `json:"category"`
	Title          string                  `json:"title"`
	Body           string                  `json:"body"`
	PostedFrom     string                  `json:"posted_from"`
	PostedUntil    *string                 `json:"posted_until"`
	Days           *int                    `json:"days"`
	Document       documentJSON            `json:"document"`
	Forms          []string                `json:"forms"`
	Attachments    []domain.DisclosureLink `json:"attachments"`
	Late           bool                    `json:"late"`
	Ended          bool                    `json:"ended"`
	URL            string                  `json:"url"`
}

func isoDay(t time.Time) string { return t.In(domain.Zone).Format(time.DateOnly) }

func (a *API) toDisclosureJSON(d *domain.Disclosure, now time.Time) disclosureJSON {
	out := disclosureJSON{Category: int(d.Category), Title: d.Title, Body: d.Body, PostedFrom: isoDay(d.PostedFrom),
		Document: documentJSON{Number: d.DocNumber, Issuer: d.DocIssuer}, Forms: []string{}, Attachments: d.Links,
		Late: d.Late, Ended: d.PostingEnded(now), URL: export.DisclosureLink(a.BaseURL, d)}
	if d.Unit != nil {
		out.Unit, out.UnitName = d.Unit.Code, d.Unit.Name
	}
	if d.ConsultationID != 0 {
		id := d.ConsultationID
		out.ConsultationID = &id
	} else {
		id := d.ID
		out.ID = &id
		until, days, date := isoDay(d.PostedUntil), domain.PostingDays(d.PostedFrom, d.PostedUntil), isoDay(d.DocDate)
		out.PostedUntil, out.Days, out.Document.Date = &until, &days, &date
	}
	for _, f := range d.FormList() {
		out.Forms = append(out.Forms, string(f))
	}
	files := make([]domain.DisclosureLink, 0, len(d.Files)+len(d.Links))
	for _, f := range d.Files {
		files = append(files, domain.DisclosureLink{Name: f.FileName,
			URL: strings.TrimRight(a.BaseURL, "/") + "/disclosures/" + strconv.FormatInt(d.ID, 10) + "/files/" + strconv.FormatInt(f.ID, 10)})
	}
	out.Attachments = append(files, d.Links...)
	return out
}

// listDisclosures is the register of a unit and the units under it (?unit=&category=&page=).
func (a *API) listDisclosures(c echo.Context) error {
	page, err := queryPage(c)
	if err != nil {
		return err
	}
	cat := 0
	if c.QueryParams().Has("category") {
		if cat, err = strconv.Atoi(c.QueryParam("category")); err != nil || !domain.DisclosureCategory(cat).Valid() {
			return domain.InvalidField("category", "disclosure.error.category")
		}
	}
	r, err := a.App.Disclosures(c.Request().Context(), c.QueryParam("unit"), cat, page)
	if err != nil {
		return err
	}
	now := a.App.Now()
	items := make([]disclosureJSON, 0, len(r.Items))
	for i := range r.Items {
		items = append(items, a.toDisclosureJSON(&r.Items[i], now))
	}
	return c.JSON(http.StatusOK, newList(items, page, r.More))
}

// disclosureRequest is an entry an official sends; dates are YYYY-MM-DD.
type disclosureRequest struct {
	Unit        string                  `json:"unit"`
	Category    int                     `json:"category"`
	Title       string                  `json:"title"`
	Body        string                  `json:"body"`
	PostedFrom  string                  `json:"posted_from"`
	PostedUntil string                  `json:"posted_until"`
	Document    documentRequest         `json:"document"`
	Forms       []string                `json:"forms"`
	Attachments []domain.DisclosureLink `json:"attachments"`
}

type documentRequest struct {
	Number string `json:"number"`
	Date   string `json:"date"`
	Issuer string `json:"issuer"`
}

// createDisclosure enters a posting: shorter than 30 days it is refused (422, art. 13(2));
// begun more than 5 working days after the document it is accepted with late true (art.
// 12(3)).
func (a *API) createDisclosure(c echo.Context) error {
	var in disclosureRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	d, err := a.App.CreateDisclosure(c.Request().Context(), actor(c), app.DisclosureInput{
		UnitCode: in.Unit, Category: in.Category, Title: in.Title, Body: in.Body,
		PostedFrom: in.PostedFrom, PostedUntil: in.PostedUntil, DocNumber: in.Document.Number,
		DocDate: in.Document.Date, DocIssuer: in.Document.Issuer, Forms: in.Forms, Links: in.Attachments})
	if err != nil {
		return documentFields(err)
	}
	return c.JSON(http.StatusCreated, a.toDisclosureJSON(d, a.App.Now()))
}

// documentFields names the document's fields as the API's body does.
func documentFields(err error) error {
	de := domain.AsError(err)
	if de.Code != domain.CodeInvalid || de.Fields == nil {
		return err
	}
	for _, f := range []string{"number", "date", "issuer"} {
		if m, ok := de.Fields["doc_"+f]; ok {
			delete(de.Fields, "doc_"+f)
			de.Fields["document."+f] = m
		}
	}
	if m, ok := de.Fields["links"]; ok {
		delete(de.Fields, "links")
		de.Fields["attachments"] = m
	}
	return de
}

type quarterlyJSON struct {
	Unit    string           `json:"unit"`
	Year    int              `json:"year"`
	Quarter int              `json:"quarter"`
	From    string           `json:"from"`
	To      string           `json:"to"`
	Late    int              `json:"late"`
	Items   []disclosureJSON `json:"items"`
}

func (a *API) quarterly(c echo.Context) (*app.QuarterlyDisclosures, error) {
	num := func(name string) (int, error) {
		v := strings.TrimSpace(c.QueryParam(name))
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, domain.InvalidField(name, "disclosure.error."+name)
		}
		return n, nil
	}
	year, err := num("year")
	if err != nil {
		return nil, err
	}
	q, err := num("quarter")
	if err != nil {
		return nil, err
	}
	return a.App.Quarterly(c.Request().Context(), c.QueryParam("unit"), year, q)
}

// quarterlyDisclosures is the quarterly list of art. 13(2): postings begun in the quarter,
// oldest first.
func (a *API) quarterlyDisclosures(c echo.Context) error {
	q, err := a.quarterly(c)
	if err != nil {
		return err
	}
	now := a.App.Now()
	out := quarterlyJSON{Unit: q.Unit.Code, Year: q.Year, Quarter: q.Quarter, From: isoDay(q.From),
		To: isoDay(q.To.AddDate(0, 0, -1)), Late: q.Late, Items: []disclosureJSON{}}
	for i := range q.Items {
		out.Items = append(out.Items, a.toDisclosureJSON(&q.Items[i], now))
	}
	return c.JSON(http.StatusOK, out)
}

// quarterlyDisclosuresCSV is the same list as a CSV file.
func (a *API) quarterlyDisclosuresCSV(c echo.Context) error {
	q, err := a.quarterly(c)
	if err != nil {
		return err
	}
	return export.SendQuarterly(c, q, a.BaseURL)
}
