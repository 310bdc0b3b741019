package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// offlineForm is the official's sheet for entering papers, with the entry as typed so a
// refused one loses nothing but the chosen file (which no browser lets a page refill).
type offlineForm struct {
	Sheet    *app.OfflineSheet
	Sections []sectionOption // the ones an opinion can be about
	In       app.NewOpinion
	Section  string // the chosen section's ID, "" for the draft as a whole
	Key      string // idempotency key, new for each paper
	Entries  []offlineEntry
	Focus    bool // a paper was just saved: the cursor goes to the text of the next one
}

// offlineEntry is one entered paper in the list under the form.
type offlineEntry struct {
	O     domain.Opinion
	Files []offlineFile
}

// sectionOption is a section in the form's list: a clause is named with its article, since
// "1." alone says nothing in a list.
type sectionOption struct {
	ID    int64
	Label string
}

type offlineFile struct {
	ID    int64
	Label string // "phieu.pdf · PDF, 120 KB"
}

func (s *Server) offlineFormOf(c echo.Context, id int64) (*offlineForm, error) {
	sh, err := s.app.OfflineSheet(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return nil, err
	}
	f := &offlineForm{Sheet: sh}
	article := ""
	for _, sec := range sh.Consultation.Sections {
		switch sec.Kind {
		case "article":
			article = sec.Heading
		case "chapter":
			article = ""
		}
		if !sec.Commentable() {
			continue
		}
		label := sec.Heading
		switch {
		case label == "":
			label = httpx.T(c, "section.preamble")
		case sec.Kind == "clause" && article != "":
			label = article + " – " + sec.Heading
		}
		f.Sections = append(f.Sections, sectionOption{ID: sec.ID, Label: label})
	}
	for _, o := range sh.Entries {
		e := offlineEntry{O: o}
		for _, a := range sh.Attachments[o.ID] {
			e.Files = append(e.Files, offlineFile{ID: a.ID, Label: fileLabel(a)})
		}
		f.Entries = append(f.Entries, e)
	}
	return f, nil
}

// fileLabel describes an attachment for the list: its name, kind and size.
func fileLabel(a domain.Attachment) string {
	kind := map[string]string{"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "PDF"}[a.ContentType]
	size := fmt.Sprintf("%d KB", (a.Size+1023)/1024)
	if a.FileName == "" {
		return kind + ", " + size
	}
	return a.FileName + " · " + kind + ", " + size
}

// offlineSheet shows the form for the next paper. The channel, reference and village of the
// previous one come back in the query, since a batch of papers shares them.
func (s *Server) offlineSheet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := s.offlineFormOf(c, id)
	if err != nil {
		return err
	}
	f.In = app.NewOpinion{Channel: c.QueryParam("channel"), Reference: c.QueryParam("reference"), VillageCode: c.QueryParam("village")}
	f.Key = newFormKey()
	v := s.view(c, "offline.title", f)
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	f.Focus = v.Flash != ""
	return s.views.render(c, http.StatusOK, "offline", v)
}

// enterOffline saves one paper and comes back to an empty form for the next, keeping what
// the batch shares; a refused paper comes back as typed, with the messages at its fields.
func (s *Server) enterOffline(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// The sheet is loaded first: it checks that the official may enter papers here before
	// any file is read.
	f, err := s.offlineFormOf(c, id)
	if err != nil {
		return err
	}
	f.In = app.NewOpinion{
		Channel: c.FormValue("channel"), Reference: c.FormValue("reference"), VillageCode: c.FormValue("village_code"),
		Stance: c.FormValue("stance"), Body: c.FormValue("body"), AuthorName: c.FormValue("author_name"), Lang: httpx.Lang(c),
	}
	f.Key, f.Section = c.FormValue("key"), c.FormValue("section_id")
	if f.Section != "" {
		n, err := strconv.ParseInt(f.Section, 10, 64)
		if err != nil {
			return s.formError(c, domain.InvalidField("section_id", "validation.section_unknown"), "offline", "offline.title", f)
		}
		f.In.SectionID = &n
	}
	if f.In.Attachment, err = readUpload(c, "attachment", domain.MaxAttachment); err != nil {
		return s.formError(c, err, "offline", "offline.title", f)
	}
	r, err := s.app.EnterOfflineOpinion(c.Request().Context(), httpx.Actor(c), id, f.In, f.Key)
	if err != nil {
		return s.formError(c, err, "offline", "offline.title", f)
	}
	s.sessions.Put(c.Request().Context(), "flash", "offline.saved|"+r.Opinion.TrackingCode)
	next := url.Values{"channel": {f.In.Channel}, "reference": {strings.TrimSpace(f.In.Reference)}, "village": {f.In.VillageCode}}
	return c.Redirect(http.StatusSeeOther, "/staff/consultations/"+strconv.FormatInt(id, 10)+"/offline?"+next.Encode())
}

// readUpload reads the file of a form field, stopping one byte past limit so that the app
// can refuse a larger file without it being read whole. No file is not an error.
func readUpload(c echo.Context, field string, limit int) (*app.Upload, error) {
	fh, err := c.FormFile(field)
	switch {
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		return nil, nil
	case err != nil:
		return nil, domain.InvalidField(field, "validation.attachment_unreadable")
	}
	file, err := fh.Open()
	if err != nil {
		return nil, domain.InvalidField(field, "validation.attachment_unreadable")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, int64(limit)+1))
	if err != nil {
		return nil, domain.InvalidField(field, "validation.attachment_unreadable")
	}
	return &app.Upload{Name: fh.Filename, Data: data}, nil
}

// attachmentExt names the file extension of an attachment's stored type.
var attachmentExt = map[string]string{"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}

// downloadAttachment serves a photo or scan to staff who oversee its unit, always as a
// download of its stored type: a browser must neither display it inline on the portal's
// origin nor guess another type from its bytes.
func (s *Server) downloadAttachment(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	att, err := s.app.Attachment(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("y-kien-%d-tep-%d.%s", att.OpinionID, att.ID, attachmentExt[att.ContentType])
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, att.ContentType, att.Data)
}
