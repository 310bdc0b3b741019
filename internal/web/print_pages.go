package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/qr"
)

// The offline bridge: a notice for the village notice board and a household opinion form
// (phiếu lấy ý kiến), both A4, both with a QR code and a short link to the consultation,
// so paper and online input meet article by article.

// shortLink is the link printed on paper and read aloud. It is the consultation's own page,
// /c/<id>: already short, stable, and one redirect fewer on a slow 3G connection than a
// separate short form would cost.
type shortLink struct {
	URL  string // what the QR code encodes and links point to, in ASCII
	Text string // the same without "https://", in large type, for typing on a phone
}

func (s *Server) shortLink(id int64) (shortLink, error) {
	u, err := qr.URL(s.cfg.BaseURL, "/c/"+strconv.FormatInt(id, 10))
	if err != nil {
		return shortLink{}, fmt.Errorf("short link: BASE_URL: %w", err)
	}
	text := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	return shortLink{URL: u, Text: text}, nil
}

// printData is what both printables show.
type printData struct {
	C     *domain.Consultation
	Phase domain.Phase
	Open  bool // the period is running or about to: otherwise the sheet says it takes no opinions
	Link  shortLink
	QR    template.HTML // inline SVG, drawn by package qr from the link alone
	// Places names where residents hand in paper, in the words of the unit's kind.
	Places places
	// Signer is who signs the notice ("TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH", or the head of
	// a village for a village's own draft), in capitals as on an official document.
	Signer []string
	// The household form only.
	Villages []domain.Unit
	Parts    []formPart
}

// places are the words a printed sheet uses for the offices of its unit: the People's
// Committee that holds the draft, the head of the community who takes the forms back and
// the community whose hall keeps a copy. A ward's communities are tổ dân phố, a commune's
// thôn; a special zone, or a unit above communes, may have both.
type places struct {
	Seat      string // "Ủy ban nhân dân Phường An Hòa", or the law's "Ủy ban nhân dân cấp xã"
	Head      string // "Trưởng thôn", "Tổ trưởng tổ dân phố", or both
	Community string // "thôn", "tổ dân phố", both, or the village's own name
}

func (s *Server) placesOf(c echo.Context, cons *domain.Consultation) (places, error) {
	lang := httpx.Lang(c)
	commune, err := s.app.CommuneLevel(c.Request().Context(), cons.UnitID)
	if err != nil {
		return places{}, err
	}
	kind := "any"
	p := places{Seat: i18n.T(lang, "print.seat.generic")}
	if commune != nil {
		p.Seat = i18n.T(lang, "print.seat.unit", commune.Name)
		if commune.Kind == domain.UnitCommune || commune.Kind == domain.UnitWard {
			kind = string(commune.Kind)
		}
	}
	p.Head = i18n.T(lang, "place.head."+kind)
	p.Community = i18n.T(lang, "place.community."+kind)
	if u := cons.Unit; u != nil && u.Kind == domain.UnitVillage {
		p.Community = u.Name
	}
	return p, nil
}

// formPart is a chapter heading, or a part of the draft that takes opinions, with its
// clauses. Label is how the part is named online and in the consolidated report, and Path
// its code there (Mã phần), so officials entering paper forms (channel "form") find it.
type formPart struct {
	Chapter string
	Path    string
	Label   string
	Excerpt string
	Clauses []formPart
}

// excerptRunes is how much of a part's text the form quotes: enough to recognise it; the
// full text is on the notice board and online.
const excerptRunes = 180

func (s *Server) printView(c echo.Context, titleKey string) (View, *printData, error) {
	id, err := pathID(c)
	if err != nil {
		return View{}, nil, err
	}
	// Staff who oversee the unit may preview a draft's sheets; for everyone else a draft
	// does not exist, as on its page.
	cons, err := s.app.Consultation(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return View{}, nil, err
	}
	d := &printData{C: cons, Phase: cons.PhaseAt(s.app.Now())}
	d.Open = d.Phase == domain.PhaseOpen || d.Phase == domain.PhaseUpcoming
	if d.Link, err = s.shortLink(id); err != nil {
		return View{}, nil, err
	}
	lang := httpx.Lang(c)
	svg, err := qr.SVG(d.Link.URL, i18n.T(lang, "print.qr_label", d.Link.URL))
	if err != nil {
		return View{}, nil, err
	}
	d.QR = template.HTML(svg) // generated markup: module paths and an XML-escaped label
	if d.Places, err = s.placesOf(c, cons); err != nil {
		return View{}, nil, err
	}
	v := s.view(c, titleKey, d)
	v.Title = httpx.T(c, titleKey) + " · " + cons.Title
	return v, d, nil
}

// printNotice is the notice (thông báo niêm yết) for the village notice board. It is
// always in Vietnamese, the language of an official notice, whatever language the official
// who prints it reads the portal in.
func (s *Server) printNotice(c echo.Context) error {
	httpx.SetLang(c, i18n.VI)
	v, d, err := s.printView(c, "print.notice.title")
	if err != nil {
		return err
	}
	d.Signer = []string{i18n.T(i18n.VI, "print.sign.committee"), i18n.T(i18n.VI, "print.sign.chair")}
	if u := d.C.Unit; u != nil && u.Kind == domain.UnitVillage {
		d.Signer = []string{strings.ToUpper(d.Places.Head)}
	}
	return s.views.render(c, http.StatusOK, "notice", v)
}

// householdForm is the household opinion form (phiếu lấy ý kiến).
func (s *Server) householdForm(c echo.Context) error {
	v, d, err := s.printView(c, "print.form.title")
	if err != nil {
		return err
	}
	if d.Villages, err = s.app.Villages(c.Request().Context(), d.C.UnitID); err != nil {
		return err
	}
	d.Parts = formParts(httpx.Lang(c), d.C)
	return s.views.render(c, http.StatusOK, "household_form", v)
}

// formParts lists the draft in document order as the consultation page does: chapters as
// headings, then every part residents can comment on, clauses inside their article.
func formParts(lang string, c *domain.Consultation) []formPart {
	var parts []formPart
	for _, b := range blocksOf(c.Sections) {
		sec := b.Section
		if !sec.Commentable() {
			parts = append(parts, formPart{Chapter: sec.Heading})
			continue
		}
		p := formPart{Path: sec.Path, Label: sec.Heading, Excerpt: excerpt(sec.Body)}
		if sec.Kind == "preamble" && sec.Heading == "" {
			p.Label = i18n.T(lang, "section.preamble")
		}
		for _, cl := range b.Children {
			// A clause is named under its article, as the report names it.
			p.Clauses = append(p.Clauses, formPart{Path: cl.Path, Label: sec.Heading + " – " + cl.Heading, Excerpt: excerpt(cl.Body)})
		}
		parts = append(parts, p)
	}
	return parts
}

// excerpt shortens text to about excerptRunes runes, cut between words.
func excerpt(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	r := []rune(text)
	if len(r) <= excerptRunes {
		return text
	}
	cut := excerptRunes
	for cut > excerptRunes/2 && !unicode.IsSpace(r[cut]) {
		cut--
	}
	return strings.TrimRightFunc(string(r[:cut]), func(c rune) bool { return unicode.IsSpace(c) || unicode.IsPunct(c) }) + "…"
}
