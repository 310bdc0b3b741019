package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/revision"
)

// versionForm is the official's form for the next version of a draft, kept as typed.
type versionForm struct {
	C  *domain.Consultation
	In app.NewVersion
}

// versionFormData loads the form, filled with the current text to revise.
func (s *Server) versionFormData(c echo.Context) (*versionForm, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	cons, text, err := s.app.VersionDraft(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return nil, err
	}
	return &versionForm{C: cons, In: app.NewVersion{Text: text}}, nil
}

func (s *Server) newVersion(c echo.Context) error {
	f, err := s.versionFormData(c)
	if err != nil {
		return err
	}
	return s.views.render(c, http.StatusOK, "version_new", s.view(c, "versions.new_title", f))
}

// createVersion publishes the next version and shows what changed.
func (s *Server) createVersion(c echo.Context) error {
	f, err := s.versionFormData(c)
	if err != nil {
		return err
	}
	f.In = app.NewVersion{Text: c.FormValue("text"), Note: c.FormValue("note")}
	cons, err := s.app.PublishVersion(c.Request().Context(), httpx.Actor(c), f.C.ID, f.In)
	if err != nil {
		return s.formError(c, err, "version_new", "versions.new_title", f)
	}
	s.sessions.Put(c.Request().Context(), "flash", "flash.version_published|"+strconv.Itoa(cons.Version))
	return c.Redirect(http.StatusSeeOther, "/c/"+strconv.FormatInt(cons.ID, 10)+"/changes")
}

// changesData is the page of what changed between two versions. Quiet runs of parts that
// did not change at all are collapsed into one block each.
type changesData struct {
	Ch       *app.Changes
	FromDate time.Time
	ToDate   time.Time
	Note     string // the drafting team's note on the later version
	Summary  string
	Blocks   []changeBlock
}

type changeBlock struct {
	Quiet []revision.Change // parts that did not change: collapsed
	// QuietText names them by kind ("1 chương, 3 điều"), as the summary names articles.
	QuietText string
	Change    *revision.Change
	Labels    []string // what happened, in words: never only a colour
}

// changes shows, article by article, what changed between two versions of a draft:
// ?from=1&to=2, by default the current version against the one before.
func (s *Server) changes(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	from, _ := strconv.Atoi(c.QueryParam("from"))
	to, _ := strconv.Atoi(c.QueryParam("to"))
	ch, err := s.app.Compare(c.Request().Context(), httpx.Actor(c), id, from, to)
	if err != nil {
		return err
	}
	d := changesData{Ch: ch}
	for _, v := range ch.Versions {
		switch v.Number {
		case ch.From:
			d.FromDate = v.CreatedAt
		case ch.To:
			d.ToDate, d.Note = v.CreatedAt, v.Note
		}
	}
	t := ch.Result.Totals
	d.Summary = httpx.T(c, "changes.summary", t.Added, t.Removed, t.Changed, t.Renumbered, t.Moved, t.Unchanged)
	for i := range ch.Result.Changes {
		chg := &ch.Result.Changes[i]
		if chg.Quiet() {
			if n := len(d.Blocks); n > 0 && d.Blocks[n-1].Change == nil {
				d.Blocks[n-1].Quiet = append(d.Blocks[n-1].Quiet, *chg)
			} else {
				d.Blocks = append(d.Blocks, changeBlock{Quiet: []revision.Change{*chg}})
			}
			continue
		}
		d.Blocks = append(d.Blocks, changeBlock{Change: chg, Labels: changeLabels(c, chg)})
	}
	for i := range d.Blocks {
		if d.Blocks[i].Quiet != nil {
			d.Blocks[i].QuietText = quietText(httpx.Lang(c), d.Blocks[i].Quiet)
		}
	}
	v := s.view(c, "changes.title", d)
	v.Title = httpx.T(c, "changes.title") + " · " + ch.C.Title
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "changes", v)
}

// quietText counts unchanged parts by their kind, chapters first, in the words of the
// draft itself (chương, điều, khoản), never a vaguer "phần" next to a summary in điều.
func quietText(lang string, quiet []revision.Change) string {
	kinds := make([]string, len(quiet))
	for i := range quiet {
		kinds[i] = quiet[i].Section().Kind
	}
	return i18n.T(lang, "changes.quiet", partsText(lang, kinds))
}

// partsText counts parts of a draft by kind: "2 chương, 5 điều, 2 khoản".
func partsText(lang string, kinds []string) string {
	n := map[string]int{}
	for _, k := range kinds {
		n[k]++
	}
	var parts []string
	for _, kind := range []string{"chapter", "article", "clause", "preamble"} {
		if n[kind] > 0 {
			parts = append(parts, i18n.N(lang, "changes.part."+kind, n[kind], n[kind]))
		}
	}
	return strings.Join(parts, ", ")
}

// changeLabels says what happened to a part, in the reader's language.
func changeLabels(c echo.Context, chg *revision.Change) []string {
	kind := chg.Section().Kind
	var out []string
	switch chg.Kind {
	case revision.Added:
		out = append(out, httpx.T(c, "changes.kind.added"))
	case revision.Removed:
		out = append(out, httpx.T(c, "changes.kind.removed"))
	case revision.Changed:
		out = append(out, httpx.T(c, "changes.kind.changed"))
	default:
		out = append(out, httpx.T(c, "changes.kind.unchanged"))
	}
	if chg.Renumbered {
		key := "changes.renumbered.article"
		if kind == "chapter" {
			key = "changes.renumbered.chapter"
		}
		out = append(out, httpx.T(c, key, chg.OldNumber, chg.NewNumber))
	}
	if chg.Moved {
		switch {
		case chg.OldChapter != "" && chg.NewChapter != "":
			out = append(out, httpx.T(c, "changes.moved.between", chg.OldChapter, chg.NewChapter))
		case chg.NewChapter != "":
			out = append(out, httpx.T(c, "changes.moved.into", chg.NewChapter))
		case chg.OldChapter != "":
			out = append(out, httpx.T(c, "changes.moved.out_of", chg.OldChapter))
		default:
			out = append(out, httpx.T(c, "changes.moved.order"))
		}
	}
	if chg.Retitled && chg.Kind != revision.Added && chg.Kind != revision.Removed {
		out = append(out, httpx.T(c, "changes.retitled", chg.Old.Heading))
	}
	return out
}

// revisedSection answers a comment form sent for a part of an earlier version: the drafting
// team published a new version while the resident was writing. The form comes back with
// everything typed, now pointing at the part that revises the one they read (or at the draft
// as a whole when that part was removed), and says so; nothing is stored until they send it
// again.
func (s *Server) revisedSection(c echo.Context, f *opinionForm, idText string) error {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return domain.ErrNotFound
	}
	old, now, err := s.app.SectionAnyVersion(c.Request().Context(), f.C, id)
	if err != nil {
		return err
	}
	f.Section, f.Children, f.In.SectionID = now, nil, nil
	key := "error.section_removed"
	if now != nil {
		f.In.SectionID = &now.ID
		f.Children = f.C.ChildrenOf(now)
		key = "error.section_revised"
	}
	return s.formError(c, domain.Errorf(domain.CodeConflict, key, old.Heading, f.C.Version), "comment", "comment.title", f)
}

// earlierSection finds a part of an earlier version for the opinions page: its opinions are
// listed with the version they were written on and the part that revises it now.
func (s *Server) earlierSection(c echo.Context, cons *domain.Consultation, idText string) (*domain.Section, *app.EarlierSection, *domain.Section, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return nil, nil, nil, domain.ErrNotFound
	}
	old, now, err := s.app.SectionAnyVersion(c.Request().Context(), cons, id)
	if err != nil {
		return nil, nil, nil, err
	}
	return &old.Section, old, now, nil
}
