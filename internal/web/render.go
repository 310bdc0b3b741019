package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/detect"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/export"
	"github.com/gopy-vn/gopy/internal/httpx"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// View is what every page template receives: the request's language, the actor, the CSRF
// token, and the page's own data in Data.
type View struct {
	L       string // language
	Title   string
	Actor   *domain.Actor
	CSRF    string // the session's anti-forgery token; empty without a session (csrf.go)
	Path    string
	Query   string
	Flash   string
	Now     time.Time
	Data    any
	Errors  map[string]string // field → message, for forms
	Message string            // form-level error message
	Unread  int64             // the signed-in staff member's unread notices, for the navigation
	// Description is the page's meta description, what a search engine shows under the
	// title; empty means the portal's own.
	Description string
}

// renderer holds one parsed template set per page: the layout, the partials and the page.
type renderer struct {
	pages map[string]*template.Template
}

func newRenderer(views fs.FS, assets *assets) (*renderer, error) {
	funcs := template.FuncMap{
		"t":     i18n.T,
		"tn":    i18n.N,
		"asset": assets.URL,
		"date":  formatDate,
		"dtime": formatDateTime,
		"num":   formatNumber,
		"lines": paragraphs,
		"pct":   percent,
		"deref": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
		"timeOf": func(p *time.Time) time.Time {
			if p == nil {
				return time.Time{}
			}
			return *p
		},
		"seq": func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = i
			}
			return s
		},
		"add":       func(a, b int) int { return a + b },
		"lastDay":   func(c *domain.Consultation) time.Time { return c.LastDay() },
		"list":      func(items ...string) []string { return items },
		"highlight": highlight,
		"duration":  humanDuration,
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		},
	}
	layout, err := template.New("layout").Funcs(funcs).ParseFS(views, "layouts/*.html", "partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(views, "pages/*.html")
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]*template.Template{}}
	for _, n := range names {
		t, err := template.Must(layout.Clone()).ParseFS(views, n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		r.pages[strings.TrimSuffix(strings.TrimPrefix(n, "pages/"), ".html")] = t
	}
	return r, nil
}

// render writes a page into a buffer first, so a template error becomes a clean 500 instead
// of half a page.
func (r *renderer) render(c echo.Context, status int, page string, v View) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("no page template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", v); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// view fills the common fields of a View for a request.
func (s *Server) view(c echo.Context, titleKey string, data any) View {
	v := View{
		L: httpx.Lang(c), Title: httpx.T(c, titleKey), Actor: httpx.Actor(c), CSRF: s.csrfToken(c),
		Path: c.Request().URL.Path, Query: c.Request().URL.RawQuery, Now: s.app.Now(), Data: data,
	}
	if v.Actor != nil {
		// One COUNT on an index; a failure only hides the number, never the page (this also
		// builds the error page, which must render while the database is down).
		if n, err := s.app.UnreadCount(c.Request().Context(), v.Actor); err == nil {
			v.Unread = n
		}
	}
	return v
}

// LangHref is the address of this page in another language: the same query with lang set,
// so switching language keeps a search, a page number or a commune's slice.
func (v View) LangHref(lang string) string {
	q, _ := url.ParseQuery(v.Query)
	q.Set("lang", lang)
	return "?" + q.Encode()
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(domain.Zone).Format("02/01/2006")
}

func formatDateTime(t time.Time) string {
	return t.In(domain.Zone).Format("15:04 02/01/2006")
}

// formatNumber groups thousands with dots, as Vietnamese readers expect (1.234); the Word
// documents write numbers the same way.
func formatNumber(n int) string { return export.Thousands(n) }

// paragraphs splits plain text at blank lines; templates escape each part and keep line
// breaks with CSS (white-space: pre-line), so no markup from the text is ever trusted.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func percent(part, total int) int {
	if total == 0 {
		return 0
	}
	return part * 100 / total
}

// segment is a run of text, flagged by the automatic checks or not.
type segment struct {
	Text string
	Kind detect.Kind
}

// highlight cuts a text at the automatic flags' spans, so the template can mark them while
// still escaping every piece.
func highlight(text string, matches []detect.Match) []segment {
	var out []segment
	at := 0
	for _, m := range matches {
		if m.Start < at || m.End > len(text) || m.Start >= m.End {
			continue
		}
		if m.Start > at {
			out = append(out, segment{Text: text[at:m.Start]})
		}
		out = append(out, segment{Text: text[m.Start:m.End], Kind: m.Kind})
		at = m.End
	}
	if at < len(text) {
		out = append(out, segment{Text: text[at:]})
	}
	return out
}

// humanDuration writes seconds as hours and minutes in the page's language: "2 giờ 05 phút"
// in Vietnamese, "2 h 05 min" in English.
func humanDuration(lang string, p *int64) string {
	if p == nil {
		return ""
	}
	d := time.Duration(*p) * time.Second
	if d < time.Hour {
		return i18n.T(lang, "duration.minutes", int(d.Minutes()))
	}
	return i18n.T(lang, "duration.hours", int(d.Hours()), int(d.Minutes())%60)
}
