package app

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// DisclosureInput is what an official enters for an entry of the register of disclosures
// (Law 10/2022 art. 11–13), from the staff form or the API. Dates are local days,
// YYYY-MM-DD.
type DisclosureInput struct {
	UnitCode    string
	Category    int
	Title       string
	Body        string
	PostedFrom  string
	PostedUntil string
	DocNumber   string
	DocDate     string
	DocIssuer   string
	Forms       []string
	Links       []domain.DisclosureLink
}

// DisclosurePageSize is how many entries a page of the register shows.
const DisclosurePageSize = 20

// maxRegister bounds the entries one register or quarterly list reads; a commune posts a
// few hundred a year.
const maxRegister = 5000

// DisclosureFigures sums a unit's disclosures of a year, for its annual report.
type DisclosureFigures = domain.DisclosureFigures

// disclosureFrom checks an official's input and builds the entry it describes. Every field
// in error is reported at once. A posting shorter than the 30 days of art. 13(2) is refused;
// one that begins later than 5 working days after the document's date is accepted and
// flagged late (art. 12(3)).
func (a *App) disclosureFrom(ctx context.Context, in DisclosureInput) (*domain.Disclosure, error) {
	fields := map[string]domain.Message{}
	bad := func(field, key string, args ...any) {
		if _, seen := fields[field]; !seen {
			fields[field] = domain.Message{Key: key, Args: args}
		}
	}
	for field, v := range map[string]string{"unit": in.UnitCode, "title": in.Title, "body": in.Body,
		"doc_number": in.DocNumber, "doc_issuer": in.DocIssuer} {
		if !utf8.ValidString(v) {
			bad(field, "validation.utf8")
		}
	}
	d := &domain.Disclosure{
		Category:  domain.DisclosureCategory(in.Category),
		Title:     textnorm.CleanLine(in.Title),
		Body:      textnorm.CleanText(in.Body),
		DocNumber: textnorm.CleanLine(in.DocNumber),
		DocIssuer: textnorm.CleanLine(in.DocIssuer),
	}
	if !d.Category.Valid() {
		bad("category", "disclosure.error.category")
	}
	switch n := utf8.RuneCountInString(d.Title); {
	case n == 0:
		bad("title", "validation.required")
	case n > domain.MaxDisclosureTitle:
		bad("title", "validation.max", domain.MaxDisclosureTitle)
	}
	if utf8.RuneCountInString(d.Body) > domain.MaxDisclosureBody {
		bad("body", "validation.max", domain.MaxDisclosureBody)
	}
	if d.DocNumber == "" {
		bad("doc_number", "validation.required")
	} else if utf8.RuneCountInString(d.DocNumber) > domain.MaxDisclosureDocText {
		bad("doc_number", "validation.max", domain.MaxDisclosureDocText)
	}
	if d.DocIssuer == "" {
		bad("doc_issuer", "validation.required")
	} else if utf8.RuneCountInString(d.DocIssuer) > domain.MaxDisclosureDocText {
		bad("doc_issuer", "validation.max", domain.MaxDisclosureDocText)
	}
	date := func(field, v string) time.Time {
		v = strings.TrimSpace(v)
		if v == "" {
			bad(field, "validation.required")
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, v, domain.Zone)
		if err != nil || t.Year() < 1900 || t.Year() > 9999 {
			bad(field, "disclosure.error.date")
			return time.Time{}
		}
		return t
	}
	d.DocDate = date("doc_date", in.DocDate)
	d.PostedFrom = date("posted_from", in.PostedFrom)
	d.PostedUntil = date("posted_until", in.PostedUntil)
	if !d.DocDate.IsZero() && !d.PostedFrom.IsZero() && d.PostedFrom.Before(d.DocDate) {
		bad("posted_from", "disclosure.error.before_document")
	}
	if !d.PostedFrom.IsZero() && !d.PostedUntil.IsZero() && !domain.PostingLongEnough(d.PostedFrom, d.PostedUntil) {
		// Law 10/2022 art. 13(2): at least 30 consecutive days (counted as domain.PostingDays).
		bad("posted_until", "disclosure.error.too_short", domain.MinPostingDays, domain.PostingDays(d.PostedFrom, d.PostedUntil))
	}
	var forms []domain.DisclosureForm
	for _, f := range in.Forms {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !domain.ValidForm(domain.DisclosureForm(f)) {
			bad("forms", "disclosure.error.form")
			continue
		}
		forms = append(forms, domain.DisclosureForm(f))
	}
	if len(forms) == 0 {
		bad("forms", "disclosure.error.forms_required")
	}
	d.Forms = domain.JoinForms(forms)
	if len(in.Links) > domain.MaxDisclosureLinks {
		bad("links", "disclosure.error.links_many", domain.MaxDisclosureLinks)
	}
	d.Links = []domain.DisclosureLink{}
	for _, l := range in.Links {
		name, raw := textnorm.CleanLine(l.Name), strings.TrimSpace(l.URL)
		if raw == "" && name == "" {
			continue
		}
		if !utf8.ValidString(raw) || !safeURL(raw) {
			bad("links", "disclosure.error.link")
			continue
		}
		if name == "" {
			name = raw
		}
		if utf8.RuneCountInString(name) > domain.MaxDisclosureTitle {
			name = string([]rune(name)[:domain.MaxDisclosureTitle])
		}
		d.Links = append(d.Links, domain.DisclosureLink{Name: name, URL: raw})
	}
	code := strings.TrimSpace(in.UnitCode)
	if code == "" {
		bad("unit", "validation.required")
	} else if utf8.ValidString(code) {
		u, err := a.store.UnitByCode(ctx, code)
		switch {
		case domain.IsCode(err, domain.CodeNotFound):
			bad("unit", "validation.unit_unknown")
		case err != nil:
			return nil, wrap(err)
		default:
			d.UnitID, d.Unit = u.ID, u
		}
	}
	if len(fields) > 0 {
		return nil, domain.Invalid(fields)
	}
	d.Late = domain.PostedLate(a.calendar(), d.DocDate, d.PostedFrom)
	return d, nil
}

// safeURL accepts the address of a file on the web: http or https, with a host, of a
// bounded length. Any other scheme (javascript:, data:) could run in a resident's browser.
func safeURL(raw string) bool {
	if len(raw) > domain.MaxDisclosureURL {
		return false
	}
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// CreateDisclosure enters a posting in the register of the unit it names. The official must
// manage that unit (a commune's official covers its villages); the entry and its audit entry
// are one transaction.
func (a *App) CreateDisclosure(ctx context.Context, actor *domain.Actor, in DisclosureInput) (*domain.Disclosure, error) {
	if actor == nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	d, err := a.disclosureFrom(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, d.UnitID); err != nil {
		return nil, err
	}
	now := a.Now()
	d.CreatedBy, d.CreatedAt, d.UpdatedAt = &actor.StaffID, now, now
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateDisclosure(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, actor, "disclosure.create", "disclosure", d.ID, d.UnitID, d.Title)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// disclosureFor loads an entry the actor manages.
func (a *App) disclosureFor(ctx context.Context, actor *domain.Actor, id int64) (*domain.Disclosure, error) {
	if actor == nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	d, err := a.store.DisclosureByID(ctx, id)
	if err != nil {
		return nil, wrap(err)
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, d.UnitID); err != nil {
		return nil, err
	}
	a.markLate(d)
	return d, a.withOneFiles(ctx, d)
}

func (a *App) withOneFiles(ctx context.Context, d *domain.Disclosure) error {
	list := []domain.Disclosure{*d}
	if err := a.withFiles(ctx, list); err != nil {
		return err
	}
	d.Files = list[0].Files
	return nil
}

// DisclosureToEdit returns an entry for its correction form.
func (a *App) DisclosureToEdit(ctx context.Context, actor *domain.Actor, id int64) (*domain.Disclosure, error) {
	return a.disclosureFor(ctx, actor, id)
}

// CorrectDisclosure replaces an entry's fields with an official's correction, under the same
// rules as a new entry; the unit may change only to another the official manages. An entry
// taken down cannot be corrected. The audit log keeps the correction.
func (a *App) CorrectDisclosure(ctx context.Context, actor *domain.Actor, id int64, in DisclosureInput) (*domain.Disclosure, error) {
	old, err := a.disclosureFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if old.TakenDownAt != nil {
		return nil, domain.Errorf(domain.CodeConflict, "disclosure.error.taken_down")
	}
	d, err := a.disclosureFrom(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, d.UnitID); err != nil {
		return nil, err
	}
	d.ID, d.CreatedBy, d.CreatedAt, d.UpdatedAt = old.ID, old.CreatedBy, old.CreatedAt, a.Now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SaveDisclosure(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, actor, "disclosure.correct", "disclosure", d.ID, d.UnitID, d.Title)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// TakeDownDisclosure removes an entry from the public register, with the official's reason,
// which the audit log keeps. The staff's register still shows it, marked.
func (a *App) TakeDownDisclosure(ctx context.Context, actor *domain.Actor, id int64, reason string) (*domain.Disclosure, error) {
	d, err := a.disclosureFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !utf8.ValidString(reason) {
		return nil, domain.InvalidField("reason", "validation.utf8")
	}
	reason = textnorm.CleanLine(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return nil, domain.InvalidField("reason", "validation.required")
	case n > 500:
		return nil, domain.InvalidField("reason", "validation.max", 500)
	}
	if d.TakenDownAt != nil {
		return nil, domain.Errorf(domain.CodeConflict, "disclosure.error.taken_down")
	}
	now := a.Now()
	d.TakenDownAt, d.TakedownReason, d.UpdatedAt = &now, reason, now
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SaveDisclosure(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, actor, "disclosure.take_down", "disclosure", d.ID, d.UnitID, reason)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// markLate flags an entry posted after the deadline of art. 12(3), on the App's calendar.
func (a *App) markLate(d *domain.Disclosure) {
	if d.ConsultationID == 0 {
		d.Late = domain.PostedLate(a.calendar(), d.DocDate, d.PostedFrom)
	}
}

// PublicDisclosure returns an entry as residents see it: one taken down is not found, except
// for an official who manages it.
func (a *App) PublicDisclosure(ctx context.Context, actor *domain.Actor, id int64) (*domain.Disclosure, error) {
	d, err := a.store.DisclosureByID(ctx, id)
	if err != nil {
		return nil, wrap(err)
	}
	if d.TakenDownAt != nil {
		if actor == nil || a.authorize(ctx, actor, domain.PermManageConsultation, d.UnitID) != nil {
			return nil, domain.ErrNotFound
		}
	}
	a.markLate(d)
	return d, a.withOneFiles(ctx, d)
}

// DisclosureRegister is the register of a unit and the units under it, one page of it.
type DisclosureRegister struct {
	Unit     *domain.Unit
	Category domain.DisclosureCategory
	Items    []domain.Disclosure
	Total    int
	Page     int
	More     bool
}

// resultsAsDisclosures turns consultations whose results are published into entries of
// the register under the item of art. 11 for results of consultations: the portal published
// them, so nobody enters them twice. Their posting starts on the day of publication and does
// not end (the results stay on the portal); they are late when published more than 5
// working days after the consultation ended (Law 10/2022 art. 12).
func (a *App) resultsAsDisclosures(list []domain.Consultation) []domain.Disclosure {
	cal := a.calendar()
	out := make([]domain.Disclosure, 0, len(list))
	for _, c := range list {
		end := c.LastDay()
		if c.ClosedAt != nil && c.ClosedAt.Before(end) {
			end = *c.ClosedAt
		}
		published := *c.ResultsPublishedAt
		out = append(out, domain.Disclosure{
			UnitID: c.UnitID, Unit: c.Unit, Category: domain.CategoryConsultationResults, Title: c.Title,
			Body: c.Summary, PostedFrom: domain.StartOfDay(published), ConsultationID: c.ID,
			Forms:     string(domain.FormPortal),
			DocDate:   domain.StartOfDay(end),
			Late:      cal.WorkingDaysBetween(end, published) > domain.ResultsDeadlineDays,
			CreatedAt: published,
		})
	}
	return out
}

// registerEntries lists the entries of units whose posting began in [from, to), with the
// published results of their consultations, latest first. Entries taken down are left out
// unless withTakenDown.
func (a *App) registerEntries(ctx context.Context, unitIDs []int64, cat domain.DisclosureCategory, from, to time.Time, withTakenDown bool) ([]domain.Disclosure, error) {
	list, _, err := a.store.Disclosures(ctx, store.DisclosureFilter{UnitIDs: unitIDs, Category: cat, From: from, To: to,
		WithTakenDown: withTakenDown, Limit: maxRegister})
	if err != nil {
		return nil, wrap(err)
	}
	for i := range list {
		a.markLate(&list[i])
	}
	if cat == 0 || cat == domain.CategoryConsultationResults {
		cons, err := a.store.ResultsPublished(ctx, unitIDs, from, to)
		if err != nil {
			return nil, wrap(err)
		}
		list = append(list, a.resultsAsDisclosures(cons)...)
	}
	if err := a.withFiles(ctx, list); err != nil {
		return nil, err
	}
	slices.SortStableFunc(list, func(x, y domain.Disclosure) int {
		if c := y.PostedFrom.Compare(x.PostedFrom); c != 0 {
			return c
		}
		return cmp.Compare(y.CreatedAt.UnixNano(), x.CreatedAt.UnixNano())
	})
	return list, nil
}

// unitAndBelow finds a unit by its code and the units under it.
func (a *App) unitAndBelow(ctx context.Context, code string) (*domain.Unit, []int64, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, nil, domain.InvalidField("unit", "validation.required")
	}
	if !utf8.ValidString(code) {
		return nil, nil, domain.InvalidField("unit", "validation.utf8")
	}
	u, err := a.store.UnitByCode(ctx, code)
	if err != nil {
		return nil, nil, wrap(err)
	}
	ids, err := a.store.UnitSubtree(ctx, []int64{u.ID})
	if err != nil {
		return nil, nil, wrap(err)
	}
	return u, ids, nil
}

// Disclosures returns a page of the public register of a unit and the units under it,
// optionally of one item of art. 11. An entry whose posting ended stays, marked ended by the
// page; one taken down is gone.
func (a *App) Disclosures(ctx context.Context, unitCode string, category, page int) (*DisclosureRegister, error) {
	if category != 0 && !domain.DisclosureCategory(category).Valid() {
		return nil, domain.InvalidField("category", "disclosure.error.category")
	}
	u, ids, err := a.unitAndBelow(ctx, unitCode)
	if err != nil {
		return nil, err
	}
	all, err := a.registerEntries(ctx, ids, domain.DisclosureCategory(category), time.Time{}, time.Time{}, false)
	if err != nil {
		return nil, err
	}
	r := &DisclosureRegister{Unit: u, Category: domain.DisclosureCategory(category), Page: max(page, 1), Total: len(all)}
	start := (r.Page - 1) * DisclosurePageSize
	if start < len(all) {
		r.Items = all[start:min(start+DisclosurePageSize, len(all))]
	}
	r.More = start+DisclosurePageSize < len(all)
	return r, nil
}

// StaffDisclosures lists the entries of the units the official manages, those taken down
// included, latest first.
func (a *App) StaffDisclosures(ctx context.Context, actor *domain.Actor) ([]domain.Disclosure, []domain.Unit, error) {
	scope, err := a.scope(ctx, actor, domain.PermManageConsultation)
	if err != nil {
		return nil, nil, err
	}
	list, err := a.registerEntries(ctx, scope, 0, time.Time{}, time.Time{}, true)
	if err != nil {
		return nil, nil, err
	}
	units, err := a.store.UnitsByIDs(ctx, scope)
	if err != nil {
		return nil, nil, wrap(err)
	}
	var us []domain.Unit
	for _, id := range scope {
		if u := units[id]; u != nil {
			us = append(us, *u)
		}
	}
	slices.SortFunc(us, func(x, y domain.Unit) int { return cmp.Compare(x.Code, y.Code) })
	return list, us, nil
}

// QuarterlyDisclosures is the list of what a unit and the units under it made public in a
// quarter (Law 10/2022 art. 13(2)).
type QuarterlyDisclosures struct {
	Unit     *domain.Unit
	Year     int
	Quarter  int
	From, To time.Time // the quarter's first day and the next quarter's, local midnight
	Items    []domain.Disclosure
	Late     int
}

// Quarterly returns the quarterly list of a unit: every posting that began in the quarter's
// days (the calendar quarter, January–March being the first, in local time), oldest first,
// with the consultation results published in it; entries taken down are left out. A posting
// that began in one quarter and runs into the next belongs to the first.
func (a *App) Quarterly(ctx context.Context, unitCode string, year, quarter int) (*QuarterlyDisclosures, error) {
	from, to, ok := domain.QuarterBounds(year, quarter)
	if !ok {
		fields := map[string]domain.Message{}
		if quarter < 1 || quarter > 4 {
			fields["quarter"] = domain.Message{Key: "disclosure.error.quarter"}
		}
		if year < 1900 || year > 9999 {
			fields["year"] = domain.Message{Key: "disclosure.error.year"}
		}
		return nil, domain.Invalid(fields)
	}
	u, ids, err := a.unitAndBelow(ctx, unitCode)
	if err != nil {
		return nil, err
	}
	list, err := a.registerEntries(ctx, ids, 0, from, to, false)
	if err != nil {
		return nil, err
	}
	slices.Reverse(list)
	q := &QuarterlyDisclosures{Unit: u, Year: year, Quarter: quarter, From: from, To: to, Items: list}
	for _, d := range list {
		if d.Late {
			q.Late++
		}
	}
	return q, nil
}

// DisclosureYearFigures counts what the units (and the units under them) made public in a
// year: postings that began in the year, local time, those late under art. 12(3), and the
// count of each item of art. 11, consultation results published on the portal included.
// Entries taken down are not counted. It is for the annual report; it checks no actor, so
// its caller decides who may see the figures.
func (a *App) DisclosureYearFigures(ctx context.Context, unitIDs []int64, year int) (DisclosureFigures, error) {
	f := DisclosureFigures{Year: year}
	if len(unitIDs) == 0 {
		return f, nil
	}
	if year < 1900 || year > 9999 {
		return f, domain.InvalidField("year", "disclosure.error.year")
	}
	ids, err := a.store.UnitSubtree(ctx, unitIDs)
	if err != nil {
		return f, wrap(err)
	}
	from := time.Date(year, time.January, 1, 0, 0, 0, 0, domain.Zone)
	list, err := a.registerEntries(ctx, ids, 0, from, from.AddDate(1, 0, 0), false)
	if err != nil {
		return f, err
	}
	for i := range list {
		f.Add(&list[i])
	}
	return f, nil
}

// withFiles adds to the entries the files uploaded with them.
func (a *App) withFiles(ctx context.Context, list []domain.Disclosure) error {
	var ids []int64
	for _, d := range list {
		if d.ConsultationID == 0 {
			ids = append(ids, d.ID)
		}
	}
	files, err := a.store.DisclosureFiles(ctx, ids)
	if err != nil {
		return wrap(err)
	}
	for i := range list {
		list[i].Files = files[list[i].ID]
	}
	return nil
}

// disclosureFileType names the type of an uploaded file from its bytes, or "" for a type a
// disclosure may not carry. A Word or Excel file is a zip whose parts say which it is; the
// zip's directory is read, never its contents.
func disclosureFileType(data []byte) string {
	ct := http.DetectContentType(data)
	if _, ok := domain.DisclosureFileTypes[ct]; ok {
		return ct
	}
	if ct != "application/zip" {
		return ""
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	parts := map[string]bool{}
	for _, f := range z.File {
		parts[f.Name] = true
	}
	switch {
	case !parts["[Content_Types].xml"]:
		return ""
	case parts["word/document.xml"]:
		return domain.MIMEDOCX
	case parts["xl/workbook.xml"]:
		return domain.MIMEXLSX
	}
	return ""
}

// AttachDisclosureFile uploads a file with an entry the official manages: a PDF, Word or
// Excel document or a JPEG or PNG image, recognised from its bytes, at most 5 MB. The audit
// log keeps the upload.
func (a *App) AttachDisclosureFile(ctx context.Context, actor *domain.Actor, id int64, u *Upload) (*domain.DisclosureFile, error) {
	d, err := a.disclosureFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if d.TakenDownAt != nil {
		return nil, domain.Errorf(domain.CodeConflict, "disclosure.error.taken_down")
	}
	switch {
	case u == nil || len(u.Data) == 0:
		return nil, domain.InvalidField("attachment", "validation.required")
	case len(u.Data) > domain.MaxDisclosureFile:
		return nil, domain.InvalidField("attachment", "disclosure.error.file_size", domain.MaxDisclosureFile>>20)
	}
	ct := disclosureFileType(u.Data)
	if ct == "" {
		return nil, domain.InvalidField("attachment", "disclosure.error.file_type")
	}
	sum := sha256.Sum256(u.Data)
	f := &domain.DisclosureFile{DisclosureID: d.ID, ContentType: ct, FileName: cleanFileName(u.Name),
		Size: int64(len(u.Data)), SHA256: hex.EncodeToString(sum[:]), Data: u.Data, UploadedBy: &actor.StaffID, CreatedAt: a.Now()}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateDisclosureFile(ctx, f); err != nil {
			return err
		}
		return a.audit(ctx, actor, "disclosure.attach", "disclosure", d.ID, d.UnitID, f.FileName)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// DisclosureFile returns a file of an entry with its bytes, to anyone who may see the entry.
func (a *App) DisclosureFile(ctx context.Context, actor *domain.Actor, disclosureID, fileID int64) (*domain.DisclosureFile, error) {
	if _, err := a.PublicDisclosure(ctx, actor, disclosureID); err != nil {
		return nil, err
	}
	f, err := a.store.DisclosureFile(ctx, disclosureID, fileID)
	return f, wrap(err)
}
