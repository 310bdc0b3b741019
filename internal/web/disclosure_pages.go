package web

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/export"
	"github.com/gopy-vn/gopy/internal/httpx"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// The register of disclosures (công khai, Law 10/2022 art. 11–13): a unit's public register
// and each entry's page, the quarterly list as a page, a CSV and an A4 print, an Atom feed,
// and the officials' pages to enter, correct and take down entries.

// disclosureView is an entry as the pages show it.
type disclosureView struct {
	D        domain.Disclosure
	Href     string // its page, or a consultation's results
	Days     int    // days posted, as art. 13(2) counts them
	Ended    bool   // the posting is over; the register keeps it
	Upcoming bool   // the posting has not begun
	Forms    string
}

func (s *Server) disclosureViews(list []domain.Disclosure, lang string) []disclosureView {
	now := s.app.Now()
	out := make([]disclosureView, 0, len(list))
	for _, d := range list {
		v := disclosureView{D: d, Href: export.DisclosureLink("", &d), Ended: d.PostingEnded(now),
			Upcoming: !d.PostingStarted(now), Forms: export.DisclosureForms(lang, &d)}
		if !d.PostedUntil.IsZero() {
			v.Days = domain.PostingDays(d.PostedFrom, d.PostedUntil)
		}
		out = append(out, v)
	}
	return out
}

// registerData is a unit's public register.
type registerData struct {
	R          *app.DisclosureRegister
	Items      []disclosureView
	Categories []domain.DisclosureCategory
	Year       int
	Quarter    int
	Prev, Next string // the other pages, with the filter kept
}

// disclosureRegister is a unit's register (/u/:code/disclosures?category=&page=).
func (s *Server) disclosureRegister(c echo.Context) error {
	cat, _ := strconv.Atoi(c.QueryParam("category"))
	page := queryInt(c, "page", 1)
	r, err := s.app.Disclosures(c.Request().Context(), c.Param("code"), cat, page)
	if err != nil {
		return err
	}
	d := registerData{R: r, Items: s.disclosureViews(r.Items, httpx.Lang(c)), Categories: domain.AllDisclosureCategories()}
	d.Year, d.Quarter = domain.QuarterOf(s.app.Now())
	link := func(p int) string {
		q := url.Values{"page": {strconv.Itoa(p)}}
		if cat != 0 {
			q.Set("category", strconv.Itoa(cat))
		}
		return "/u/" + url.PathEscape(r.Unit.Code) + "/disclosures?" + q.Encode()
	}
	if r.Page > 1 {
		d.Prev = link(r.Page - 1)
	}
	if r.More {
		d.Next = link(r.Page + 1)
	}
	v := s.view(c, "disclosure.register.title", d)
	v.Title += " · " + r.Unit.Name
	return s.views.render(c, http.StatusOK, "disclosures", v)
}

// disclosurePage is one entry (/disclosures/:id).
func (s *Server) disclosurePage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.PublicDisclosure(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	v := s.view(c, "disclosure.title", s.disclosureViews([]domain.Disclosure{*d}, httpx.Lang(c))[0])
	v.Title = d.Title
	return s.views.render(c, http.StatusOK, "disclosure", v)
}

// quarterlyData is the quarterly list of art. 13(2).
type quarterlyData struct {
	Q        *app.QuarterlyDisclosures
	Items    []disclosureView
	LastDay  time.Time
	CSV      string
	Print    string
	Register string
	Signer   []string // the print's signature block
}

func (s *Server) quarterlyOf(c echo.Context) (*quarterlyData, error) {
	now := s.app.Now()
	year, quarter := domain.QuarterOf(now)
	if v := strings.TrimSpace(c.QueryParam("year")); v != "" {
		if year, _ = strconv.Atoi(v); year == 0 {
			year = -1
		}
	}
	if v := strings.TrimSpace(c.QueryParam("quarter")); v != "" {
		if quarter, _ = strconv.Atoi(v); quarter == 0 {
			quarter = -1
		}
	}
	q, err := s.app.Quarterly(c.Request().Context(), c.Param("code"), year, quarter)
	if err != nil {
		return nil, err
	}
	base := "/u/" + url.PathEscape(q.Unit.Code) + "/disclosures"
	qs := url.Values{"year": {strconv.Itoa(q.Year)}, "quarter": {strconv.Itoa(q.Quarter)}}.Encode()
	return &quarterlyData{Q: q, Items: s.disclosureViews(q.Items, httpx.Lang(c)), LastDay: q.To.AddDate(0, 0, -1),
		CSV: base + "/quarterly.csv?" + qs, Print: base + "/quarterly/print?" + qs, Register: base}, nil
}

// disclosureQuarterly is the quarterly list as a page.
func (s *Server) disclosureQuarterly(c echo.Context) error {
	d, err := s.quarterlyOf(c)
	if err != nil {
		return err
	}
	v := s.view(c, "disclosure.quarterly.title", d)
	v.Title = httpx.T(c, "disclosure.quarterly.heading", d.Q.Quarter, d.Q.Year) + " · " + d.Q.Unit.Name
	return s.views.render(c, http.StatusOK, "disclosure_quarterly", v)
}

// disclosureQuarterlyCSV is the quarterly list as a spreadsheet.
func (s *Server) disclosureQuarterlyCSV(c echo.Context) error {
	d, err := s.quarterlyOf(c)
	if err != nil {
		return err
	}
	return export.SendQuarterly(c, d.Q, s.cfg.BaseURL)
}

// disclosureQuarterlyPrint is the quarterly list as an A4 document of the People's
// Committee, always in Vietnamese, the language of an official document.
func (s *Server) disclosureQuarterlyPrint(c echo.Context) error {
	httpx.SetLang(c, i18n.VI)
	d, err := s.quarterlyOf(c)
	if err != nil {
		return err
	}
	d.Signer = []string{i18n.T(i18n.VI, "print.sign.committee"), i18n.T(i18n.VI, "print.sign.chair")}
	if d.Q.Unit.Kind == domain.UnitVillage {
		d.Signer = []string{strings.ToUpper(i18n.T(i18n.VI, "disclosure.print.village_head"))}
	}
	v := s.view(c, "disclosure.quarterly.title", d)
	v.Title = i18n.T(i18n.VI, "disclosure.quarterly.heading", d.Q.Quarter, d.Q.Year) + " · " + d.Q.Unit.Name
	return s.views.render(c, http.StatusOK, "disclosure_print", v)
}

// disclosuresFeed is the Atom feed of a unit's register (?unit=CODE), newest posting first,
// in Vietnamese like the other feeds.
func (s *Server) disclosuresFeed(c echo.Context) error {
	const lang = i18n.VI
	r, err := s.app.Disclosures(c.Request().Context(), c.QueryParam("unit"), 0, 1)
	if err != nil {
		return err
	}
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	self := base + "/feeds/disclosures.atom?unit=" + url.QueryEscape(r.Unit.Code)
	f := &atomFeed{
		Lang: lang, ID: self, Title: atomText{Type: "text", Text: i18n.T(lang, "disclosure.feed.title", r.Unit.Name)},
		Author: atomPerson{Name: r.Unit.Name},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + "/u/" + url.PathEscape(r.Unit.Code) + "/disclosures"}},
	}
	host := "localhost"
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	newest := s.started
	if !r.Unit.CreatedAt.IsZero() {
		newest = r.Unit.CreatedAt
	}
	if len(r.Items) > 0 {
		newest = time.Time{}
	}
	for i := range r.Items {
		d := &r.Items[i]
		updated, id := d.UpdatedAt, fmt.Sprintf("tag:%s,%s:disclosure/%d", host, d.CreatedAt.In(domain.Zone).Format(time.DateOnly), d.ID)
		if d.ConsultationID != 0 {
			updated = d.CreatedAt
			id = fmt.Sprintf("tag:%s,%s:results/%d", host, d.CreatedAt.In(domain.Zone).Format(time.DateOnly), d.ConsultationID)
		}
		if updated.After(newest) {
			newest = updated
		}
		unit := r.Unit.Name
		if d.Unit != nil {
			unit = d.Unit.Name
		}
		label := i18n.T(lang, "disclosure.category."+strconv.Itoa(int(d.Category)))
		summary := []string{unit + " · " + label}
		if d.PostedUntil.IsZero() {
			summary = append(summary, i18n.T(lang, "disclosure.posted_since", formatDate(d.PostedFrom)))
		} else {
			summary = append(summary, i18n.T(lang, "disclosure.posted", formatDate(d.PostedFrom), formatDate(d.PostedUntil)))
		}
		if d.Body != "" {
			summary = append(summary, d.Body)
		}
		f.Entries = append(f.Entries, atomEntry{
			ID: id, Title: atomText{Type: "text", Text: d.Title}, Updated: rfc3339(updated), Published: rfc3339(d.PostedFrom),
			Links:    []atomLink{{Rel: "alternate", Type: "text/html", Href: export.DisclosureLink(base, d)}},
			Author:   atomPerson{Name: unit},
			Category: atomCategory{Term: "art11-" + strconv.Itoa(int(d.Category)), Label: label},
			Summary:  atomText{Type: "text", Text: strings.Join(summary, "\n\n")},
		})
	}
	f.Updated = rfc3339(newest)
	return writeAtom(c, f)
}

// staffDisclosuresData is the officials' register.
type staffDisclosuresData struct {
	Items []disclosureView
	Units []domain.Unit
	Done  string
}

// staffDisclosures lists the entries of the units the official manages, late and taken-down
// ones marked.
func (s *Server) staffDisclosures(c echo.Context) error {
	list, units, err := s.app.StaffDisclosures(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return err
	}
	d := staffDisclosuresData{Items: s.disclosureViews(list, httpx.Lang(c)), Units: units}
	switch c.QueryParam("done") {
	case "created", "corrected", "taken_down", "attached":
		d.Done = c.QueryParam("done")
	}
	return s.views.render(c, http.StatusOK, "staff_disclosures", s.view(c, "disclosure.staff.title", d))
}

// disclosureForm is the form to enter or correct an entry.
type disclosureForm struct {
	Edit       *domain.Disclosure
	In         app.DisclosureInput
	Units      []domain.Unit
	Categories []domain.DisclosureCategory
	Forms      []domain.DisclosureForm
	Links      []domain.DisclosureLink // the rows the form shows, filled or empty
	Done       string                  // "attached" after an upload
}

func (f *disclosureForm) HasForm(form domain.DisclosureForm) bool {
	for _, v := range f.In.Forms {
		if v == string(form) {
			return true
		}
	}
	return false
}

// fromEntry fills the form with the entry being corrected.
func (f *disclosureForm) fromEntry() {
	d := f.Edit
	f.In = app.DisclosureInput{Category: int(d.Category), Title: d.Title, Body: d.Body,
		PostedFrom: d.PostedFrom.In(domain.Zone).Format(time.DateOnly), PostedUntil: d.PostedUntil.In(domain.Zone).Format(time.DateOnly),
		DocNumber: d.DocNumber, DocDate: d.DocDate.In(domain.Zone).Format(time.DateOnly), DocIssuer: d.DocIssuer, Links: d.Links}
	if d.Unit != nil {
		f.In.UnitCode = d.Unit.Code
	}
	for _, form := range d.FormList() {
		f.In.Forms = append(f.In.Forms, string(form))
	}
	f.fillLinks()
}

// linkRows is how many link rows the form offers.
const linkRows = 3

func (s *Server) newDisclosureForm(c echo.Context) (*disclosureForm, error) {
	_, units, err := s.app.StaffDisclosures(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return nil, err
	}
	return &disclosureForm{Units: units, Categories: domain.AllDisclosureCategories(), Forms: domain.DisclosureForms}, nil
}

func (f *disclosureForm) fillLinks() {
	f.Links = append([]domain.DisclosureLink(nil), f.In.Links...)
	for len(f.Links) < len(f.In.Links)+linkRows && len(f.Links) < domain.MaxDisclosureLinks {
		f.Links = append(f.Links, domain.DisclosureLink{})
	}
}

// newDisclosure shows the empty form.
func (s *Server) newDisclosure(c echo.Context) error {
	f, err := s.newDisclosureForm(c)
	if err != nil {
		return err
	}
	f.In.Forms = []string{string(domain.FormNoticeBoard), string(domain.FormPortal)}
	if len(f.Units) > 0 {
		f.In.UnitCode = f.Units[0].Code
	}
	f.fillLinks()
	return s.views.render(c, http.StatusOK, "disclosure_new", s.view(c, "disclosure.new.title", f))
}

// disclosureInput reads the form.
func disclosureInput(c echo.Context) app.DisclosureInput {
	cat, err := strconv.Atoi(strings.TrimSpace(c.FormValue("category")))
	if err != nil {
		cat = -1
	}
	in := app.DisclosureInput{UnitCode: c.FormValue("unit"), Category: cat, Title: c.FormValue("title"),
		Body: c.FormValue("body"), PostedFrom: c.FormValue("posted_from"), PostedUntil: c.FormValue("posted_until"),
		DocNumber: c.FormValue("doc_number"), DocDate: c.FormValue("doc_date"), DocIssuer: c.FormValue("doc_issuer")}
	if form, err := c.FormParams(); err == nil {
		in.Forms = form["forms"]
		names, urls := form["link_name"], form["link_url"]
		for i := range min(len(urls), domain.MaxDisclosureLinks+1) {
			l := domain.DisclosureLink{URL: urls[i]}
			if i < len(names) {
				l.Name = names[i]
			}
			if strings.TrimSpace(l.URL) != "" || strings.TrimSpace(l.Name) != "" {
				in.Links = append(in.Links, l)
			}
		}
	}
	return in
}

// createDisclosure enters a posting.
func (s *Server) createDisclosure(c echo.Context) error {
	f, err := s.newDisclosureForm(c)
	if err != nil {
		return err
	}
	f.In = disclosureInput(c)
	if _, err := s.app.CreateDisclosure(c.Request().Context(), httpx.Actor(c), f.In); err != nil {
		f.fillLinks()
		return s.formError(c, err, "disclosure_new", "disclosure.new.title", f)
	}
	return c.Redirect(http.StatusSeeOther, "/staff/disclosures?done=created")
}

// entryForm loads the entry of the path into its correction form, for an official who
// manages it.
func (s *Server) entryForm(c echo.Context) (*disclosureForm, int64, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, 0, err
	}
	f, err := s.newDisclosureForm(c)
	if err != nil {
		return nil, 0, err
	}
	if f.Edit, err = s.app.DisclosureToEdit(c.Request().Context(), httpx.Actor(c), id); err != nil {
		return nil, 0, err
	}
	f.fromEntry()
	return f, id, nil
}

// editDisclosure shows an entry in its correction form, with the form to take it down.
func (s *Server) editDisclosure(c echo.Context) error {
	f, _, err := s.entryForm(c)
	if err != nil {
		return err
	}
	if c.QueryParam("done") == "attached" {
		f.Done = "attached"
	}
	return s.views.render(c, http.StatusOK, "disclosure_new", s.view(c, "disclosure.edit.title", f))
}

// correctDisclosure saves a correction.
func (s *Server) correctDisclosure(c echo.Context) error {
	f, id, err := s.entryForm(c)
	if err != nil {
		return err
	}
	f.In = disclosureInput(c)
	if _, err := s.app.CorrectDisclosure(c.Request().Context(), httpx.Actor(c), id, f.In); err != nil {
		f.fillLinks()
		return s.formError(c, err, "disclosure_new", "disclosure.edit.title", f)
	}
	return c.Redirect(http.StatusSeeOther, "/staff/disclosures?done=corrected")
}

// takeDownDisclosure takes an entry down, with a reason; a refusal shows the entry's form
// with the message at the reason.
func (s *Server) takeDownDisclosure(c echo.Context) error {
	f, id, err := s.entryForm(c)
	if err != nil {
		return err
	}
	if _, err := s.app.TakeDownDisclosure(c.Request().Context(), httpx.Actor(c), id, c.FormValue("reason")); err != nil {
		return s.formError(c, err, "disclosure_new", "disclosure.edit.title", f)
	}
	return c.Redirect(http.StatusSeeOther, "/staff/disclosures?done=taken_down")
}

// attachDisclosureFile uploads a file with an entry (multipart/form-data, field "attachment").
func (s *Server) attachDisclosureFile(c echo.Context) error {
	f, id, err := s.entryForm(c)
	if err != nil {
		return err
	}
	up, err := readUpload(c, "attachment", domain.MaxDisclosureFile)
	if err == nil {
		_, err = s.app.AttachDisclosureFile(c.Request().Context(), httpx.Actor(c), id, up)
	}
	if err != nil {
		return s.formError(c, err, "disclosure_new", "disclosure.edit.title", f)
	}
	return c.Redirect(http.StatusSeeOther, "/staff/disclosures/"+strconv.FormatInt(id, 10)+"/edit?done=attached")
}

// disclosureFile serves a file of an entry, always as a download of its detected type: a
// browser must neither show it inline on the portal's origin nor guess another type.
func (s *Server) disclosureFile(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	fileID, err := strconv.ParseInt(c.Param("file"), 10, 64)
	if err != nil || fileID <= 0 {
		return domain.ErrNotFound
	}
	f, err := s.app.DisclosureFile(c.Request().Context(), httpx.Actor(c), id, fileID)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("cong-khai-%d-tep-%d.%s", id, f.ID, domain.DisclosureFileTypes[f.ContentType])
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, f.ContentType, f.Data)
}
