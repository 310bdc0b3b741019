package web

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// Atom feeds (RFC 4287) of new consultations and of published results, for residents'
// feed readers and for commune portals that list them. They are in Vietnamese whatever the
// visitor's language: a feed is fetched by a program, with no language cookie. The XML is
// written by encoding/xml from structs, so every text is escaped by the encoder.

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string      `xml:"id"`
	Title   atomText    `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr"`
}

type atomEntry struct {
	ID        string       `xml:"id"`
	Title     atomText     `xml:"title"`
	Updated   string       `xml:"updated"`
	Published string       `xml:"published,omitempty"`
	Links     []atomLink   `xml:"link"`
	Author    atomPerson   `xml:"author"`
	Category  atomCategory `xml:"category"`
	Summary   atomText     `xml:"summary"`
}

func (s *Server) consultationsFeed(c echo.Context) error { return s.feed(c, false) }

func (s *Server) resultsFeed(c echo.Context) error { return s.feed(c, true) }

func (s *Server) feed(c echo.Context, results bool) error {
	unit, list, err := s.app.Feed(c.Request().Context(), strings.TrimSpace(c.QueryParam("unit")), results)
	if err != nil {
		return err
	}
	f := buildFeed(s.cfg.BaseURL, c.Request().URL.Path, unit, list, results, s.started)
	return writeAtom(c, f)
}

// writeAtom sends a feed as Atom XML, the one way every feed of the portal is written.
func writeAtom(c echo.Context, f *atomFeed) error {
	out, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
}

// buildFeed turns consultations into a feed; base is the portal's public address. The feed
// is updated when its newest entry was; a feed without entries when its unit was created,
// or, for every unit, when the portal started serving: a time of its own that stays the same
// from fetch to fetch, so an empty feed does not look new each time (nor dated 1970).
func buildFeed(base, path string, unit *domain.Unit, list []domain.Consultation, results bool, started time.Time) *atomFeed {
	const lang = i18n.VI
	base = strings.TrimRight(base, "/")
	self := base + path
	kind, title, author := "consultations", i18n.T(lang, "feed.consultations.title"), i18n.T(lang, "app.name")
	if results {
		kind, title = "results", i18n.T(lang, "feed.results.title")
	}
	if unit != nil {
		self += "?unit=" + url.QueryEscape(unit.Code)
		title, author = i18n.T(lang, "feed."+kind+".unit", unit.Name), unit.Name
	}
	f := &atomFeed{
		Lang: lang, ID: self, Title: atomText{Type: "text", Text: title}, Author: atomPerson{Name: author},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + "/"},
		},
	}
	host := "localhost"
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	newest := started
	if unit != nil && !unit.CreatedAt.IsZero() {
		newest = unit.CreatedAt
	}
	if len(list) > 0 {
		newest = time.Time{}
	}
	for _, c := range list {
		e := feedEntry(lang, base, host, c, results)
		f.Entries = append(f.Entries, e.entry)
		if e.updated.After(newest) {
			newest = e.updated
		}
	}
	f.Updated = rfc3339(newest)
	return f
}

type builtEntry struct {
	entry   atomEntry
	updated time.Time
}

func feedEntry(lang, base, host string, c domain.Consultation, results bool) builtEntry {
	unitName := ""
	if c.Unit != nil {
		unitName = c.Unit.Name
	}
	when := c.OpensAt
	if c.PublishedAt != nil {
		when = *c.PublishedAt
	}
	title := c.Title
	// A tag URI (RFC 4151) stays the entry's id if the page's address changes shape.
	id := fmt.Sprintf("tag:%s,%s:consultation/%d", host, c.CreatedAt.In(domain.Zone).Format("2006-01-02"), c.ID)
	period := i18n.T(lang, "feed.period", formatDate(c.OpensAt), formatDate(c.LastDay()))
	updated := when
	if c.ClosedEarly() {
		// The real end, not the one announced; the entry is updated so readers see the change.
		period = i18n.T(lang, "feed.period_closed_early", formatDate(c.OpensAt), formatDateTime(*c.ClosedAt),
			formatDate(c.LastDay()), c.CloseReason)
		updated = *c.ClosedAt
	}
	summary := []string{joinNonEmpty(" · ", unitName, i18n.T(lang, "kind."+string(c.Kind))) + ". " + period}
	if results && c.ResultsPublishedAt != nil {
		when = *c.ResultsPublishedAt
		updated = when
		title = i18n.T(lang, "feed.results.entry", c.Title)
		id = fmt.Sprintf("tag:%s,%s:results/%d", host, c.CreatedAt.In(domain.Zone).Format("2006-01-02"), c.ID)
		summary = append([]string{i18n.T(lang, "feed.results.summary", formatDate(when))}, summary...)
	}
	if c.Summary != "" {
		summary = append(summary, c.Summary)
	}
	return builtEntry{updated: updated, entry: atomEntry{
		ID: id, Title: atomText{Type: "text", Text: title},
		Updated: rfc3339(updated), Published: rfc3339(when),
		Links:    []atomLink{{Rel: "alternate", Type: "text/html", Href: fmt.Sprintf("%s/c/%d", base, c.ID)}},
		Author:   atomPerson{Name: cmp.Or(unitName, i18n.T(lang, "app.name"))},
		Category: atomCategory{Term: string(c.Kind), Label: i18n.T(lang, "kind."+string(c.Kind))},
		Summary:  atomText{Type: "text", Text: strings.Join(summary, "\n\n")},
	}}
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}
