package web

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// Summary charts: server-rendered SVG, no script. The geometry is computed here and
// views/partials/charts.html only prints it. Every chart is an image with an aria-label
// that states its numbers, every bar carries its label and value as text (so colour is
// never the only cue), and the same numbers follow in a small table for screen readers and
// for anyone who prefers to read them. The CSP forbids inline style, so the SVG uses
// presentation attributes and classes from app.css.

// Geometry of the charts, in SVG user units (the SVG scales to the column's width).
const (
	// About the width of a phone's column, so 16-unit text is read at about 15 px there.
	chartWidth    = 320.0
	barRowHeight  = 46.0 // a label line above each bar
	barHeight     = 14.0
	barAreaWidth  = 210.0 // the longest bar; its value is written after it
	maxLabelRunes = 36    // longer labels are shortened in the SVG, never in the table
	topArticles   = 15
	topThemes     = 10

	colHeight = 152.0
	colLeft   = 34.0
	colRight  = 316.0
	colTop    = 14.0
	colBottom = 118.0
)

// chartBar is one row of a horizontal bar chart, with its geometry computed.
type chartBar struct {
	Label string // as drawn, perhaps shortened
	Full  string // as written in the table
	Value int
	Text  string // the value as drawn after the bar and in the table
	Class string // fill class in app.css
	// Cells are further columns of the table (participation: opinions and households).
	Cells []string
	Of    int // the whole a percentage bar is part of (households); 0: no rate

	LabelY         float64 // baseline of the label
	X, Y, W, H     float64 // the bar
	TrackW         float64 // a background track of the whole scale (percentages), or 0
	ValueX, ValueY float64 // where the value is written
	Total, Zero    bool    // the overall row; a zero-width bar
}

// barChart is a horizontal bar chart.
type barChart struct {
	ID      string // prefix of element ids on the page
	Title   string
	Aria    string
	Note    string
	Head    []string // the table's column headings
	Width   float64
	Height  float64
	Bars    []chartBar
	Percent bool // bars are percentages drawn on a 0–100 % track
}

// chartColumn is one day of the column chart.
type chartColumn struct {
	Date       string
	Value      int
	X, Y, W, H float64
}

// columnChart is the opinions-per-day chart.
type columnChart struct {
	ID, Title, Aria, Note string
	Head                  []string
	Width, Height         float64
	Columns               []chartColumn
	Rows                  []chartColumn // the days with opinions, for the table
	MaxText               string
	TickX                 float64 // right edge of the axis numbers
	Left, Right, Top      float64
	Bottom, AxisLabelY    float64
	FirstDate, LastDate   string
}

// summaryCharts is everything the consultation page's summary section shows.
type summaryCharts struct {
	ConsultationID int64
	Total          int
	Stance         *barChart
	Articles       *barChart
	Channels       *barChart
	Communes       *barChart // for a consultation that covered several communes
	Days           *columnChart
	Participation  *barChart
	Themes         []app.Theme
}

// summaryCharts gathers the numbers of a consultation and lays out its charts.
func (s *Server) summaryCharts(ctx context.Context, lang string, c *domain.Consultation, sum *domain.Summary) (*summaryCharts, error) {
	out := &summaryCharts{ConsultationID: c.ID, Total: sum.Total}
	if sum.Total == 0 {
		return out, nil
	}
	days, err := s.app.OpinionsPerDay(ctx, c)
	if err != nil {
		return nil, err
	}
	turnout, err := s.app.Participation(ctx, c, sum)
	if err != nil {
		return nil, err
	}
	if out.Themes, err = s.app.Themes(ctx, c, topThemes); err != nil {
		return nil, err
	}
	out.Stance = stanceChart(lang, sum.Counts)
	out.Articles = articleChart(lang, c, sum)
	out.Channels = channelChart(lang, sum)
	if c.Unit != nil && c.Unit.Kind == domain.UnitProvince {
		communes, err := s.app.OpinionsByCommune(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		out.Communes = communeChart(lang, communes, sum.Total)
	}
	out.Days = dayChart(lang, days)
	out.Participation = participationChart(lang, turnout)
	return out, nil
}

func stanceChart(lang string, n domain.Counts) *barChart {
	ch := &barChart{ID: "chart-stance", Title: i18n.T(lang, "charts.stance.title"),
		Head: []string{i18n.T(lang, "charts.col.stance"), i18n.T(lang, "charts.col.opinions")}}
	var parts []string
	for _, r := range []struct {
		s domain.Stance
		v int
	}{{domain.StanceAgree, n.Agree}, {domain.StanceDisagree, n.Disagree}, {domain.StanceOther, n.Other}} {
		label := i18n.T(lang, "stance."+string(r.s))
		text := countShare(lang, r.v, n.Total)
		ch.Bars = append(ch.Bars, chartBar{Label: label, Full: label, Value: r.v, Text: text, Class: "bar-" + string(r.s)})
		parts = append(parts, label+": "+text)
	}
	ch.Aria = i18n.T(lang, "charts.stance.aria", formatNumber(n.Total), strings.Join(parts, "; "))
	layoutBars(ch)
	return ch
}

// articleChart counts the opinions on each article, its clauses included, and keeps the
// articles with the most; other commentable sections (the preamble, a clause outside any
// article) count on their own.
func articleChart(lang string, c *domain.Consultation, sum *domain.Summary) *barChart {
	type row struct {
		label string
		n     int
		order int
	}
	var rows []*row
	var article *row
	articleLevel := 0
	for i, sec := range c.Sections {
		n := sum.BySection[sec.ID].Total
		switch {
		case sec.Kind == "chapter":
			article = nil
		case sec.Kind == "clause" && article != nil && sec.Level > articleLevel:
			article.n += n
		default:
			label := sec.Heading
			if sec.Kind == "preamble" {
				label = i18n.T(lang, "section.preamble")
			} else if label == "" {
				label = sec.Path
			}
			r := &row{label: label, n: n, order: i}
			rows = append(rows, r)
			article = nil
			if sec.Kind == "article" {
				article, articleLevel = r, sec.Level
			}
		}
	}
	rows = slices.DeleteFunc(rows, func(r *row) bool { return r.n == 0 })
	if len(rows) == 0 {
		return nil
	}
	slices.SortStableFunc(rows, func(a, b *row) int { return cmp.Compare(b.n, a.n) })
	shown := len(rows)
	if shown > topArticles {
		rows = rows[:topArticles]
	}
	ch := &barChart{ID: "chart-articles", Title: i18n.T(lang, "charts.articles.title"),
		Head: []string{i18n.T(lang, "charts.col.article"), i18n.T(lang, "charts.col.opinions")}}
	for _, r := range rows {
		ch.Bars = append(ch.Bars, chartBar{Label: shorten(r.label), Full: r.label, Value: r.n, Text: formatNumber(r.n), Class: "bar-plain"})
	}
	ch.Aria = i18n.T(lang, "charts.articles.aria", len(rows), ch.Bars[0].Full, formatNumber(ch.Bars[0].Value))
	ch.Note = i18n.T(lang, "charts.articles.note")
	if shown > topArticles {
		ch.Note += " " + i18n.T(lang, "charts.articles.more", topArticles, shown)
	}
	layoutBars(ch)
	return ch
}

func channelChart(lang string, sum *domain.Summary) *barChart {
	ch := &barChart{ID: "chart-channels", Title: i18n.T(lang, "charts.channels.title"),
		Head: []string{i18n.T(lang, "charts.col.channel"), i18n.T(lang, "charts.col.opinions")}}
	var parts []string
	for _, c := range domain.Channels {
		n := sum.ByChannel[c]
		if n == 0 {
			continue
		}
		label := i18n.T(lang, "channel."+string(c))
		text := countShare(lang, n, sum.Total)
		ch.Bars = append(ch.Bars, chartBar{Label: label, Full: label, Value: n, Text: text, Class: "bar-plain"})
		parts = append(parts, label+": "+text)
	}
	if len(ch.Bars) == 0 {
		return nil
	}
	ch.Aria = i18n.T(lang, "charts.channels.aria", strings.Join(parts, "; "))
	layoutBars(ch)
	return ch
}

// communeChart shows how each commune took part in a consultation of the province, by the
// villages commenters named; opinions that named none are not in any bar.
func communeChart(lang string, communes []domain.CommuneCount, total int) *barChart {
	if len(communes) == 0 {
		return nil
	}
	ch := &barChart{ID: "chart-communes", Title: i18n.T(lang, "charts.communes.title"),
		Head: []string{i18n.T(lang, "charts.col.commune"), i18n.T(lang, "charts.col.opinions")}}
	var parts []string
	for _, cc := range communes {
		text := countShare(lang, cc.Total, total)
		ch.Bars = append(ch.Bars, chartBar{Label: shorten(cc.Name), Full: cc.Name, Value: cc.Total, Text: text, Class: "bar-plain"})
		parts = append(parts, cc.Name+": "+text)
	}
	ch.Aria = i18n.T(lang, "charts.communes.aria", strings.Join(parts, "; "))
	layoutBars(ch)
	return ch
}

func participationChart(lang string, turnout []app.VillageTurnout) *barChart {
	ch := &barChart{ID: "chart-participation", Title: i18n.T(lang, "charts.participation.title"), Percent: true,
		Note: i18n.T(lang, "charts.participation.note"),
		Head: []string{i18n.T(lang, "charts.col.village"), i18n.T(lang, "charts.col.opinions"),
			i18n.T(lang, "charts.col.households"), i18n.T(lang, "charts.col.rate")}}
	opinions, households := 0, 0
	for _, v := range turnout {
		b := chartBar{Label: shorten(v.Village.Name), Full: v.Village.Name, Value: v.Opinions, Class: "bar-plain",
			Cells: []string{formatNumber(v.Opinions), formatNumber(v.Village.Households)}}
		if v.Village.Households > 0 {
			b.Text, b.Of = share(lang, v.Opinions, v.Village.Households), v.Village.Households
			opinions += v.Opinions
			households += v.Village.Households
		} else {
			b.Text = "—"
		}
		ch.Bars = append(ch.Bars, b)
	}
	if households == 0 {
		return nil // no village has its households recorded: no rate to show
	}
	overall := share(lang, opinions, households)
	label := i18n.T(lang, "charts.participation.overall")
	ch.Bars = append(ch.Bars, chartBar{Label: label, Full: label, Value: opinions, Text: overall, Class: "bar-total", Total: true, Of: households,
		Cells: []string{formatNumber(opinions), formatNumber(households)}})
	ch.Aria = i18n.T(lang, "charts.participation.aria", formatNumber(opinions), formatNumber(households), overall, len(turnout))
	layoutBars(ch)
	return ch
}

func dayChart(lang string, days []app.DayCount) *columnChart {
	if len(days) == 0 {
		return nil
	}
	ch := &columnChart{ID: "chart-days", Title: i18n.T(lang, "charts.days.title"),
		Head:  []string{i18n.T(lang, "charts.col.day"), i18n.T(lang, "charts.col.opinions")},
		Width: chartWidth, Height: colHeight, TickX: colLeft - 4, Left: colLeft, Right: colRight, Top: colTop, Bottom: colBottom,
		AxisLabelY: colBottom + 20, FirstDate: formatDate(days[0].Day), LastDate: formatDate(days[len(days)-1].Day)}
	peak, total := days[0], 0
	for _, d := range days {
		total += d.N
		if d.N > peak.N {
			peak = d
		}
	}
	ch.MaxText = formatNumber(peak.N)
	step := (colRight - colLeft) / float64(len(days))
	w := math.Max(step*0.75, 1)
	for i, d := range days {
		col := chartColumn{Date: formatDate(d.Day), Value: d.N, W: round1(w)}
		col.X = round1(colLeft + float64(i)*step + (step-w)/2)
		if peak.N > 0 {
			col.H = round1(float64(d.N) / float64(peak.N) * (colBottom - colTop))
		}
		col.Y = round1(colBottom - col.H)
		ch.Columns = append(ch.Columns, col)
		if d.N > 0 {
			ch.Rows = append(ch.Rows, col)
		}
	}
	ch.Aria = i18n.T(lang, "charts.days.aria", ch.FirstDate, ch.LastDate, formatNumber(total), ch.MaxText, formatDate(peak.Day))
	if len(ch.Rows) < len(days) {
		ch.Note = i18n.T(lang, "charts.days.zero")
	}
	return ch
}

// layoutBars computes the rows' geometry: a label line, then the bar, then its value. Counts
// are drawn against the largest; percentages against 100 %, on a track.
func layoutBars(ch *barChart) {
	ch.Width = chartWidth
	ch.Height = barRowHeight*float64(len(ch.Bars)) + 4
	peak := 0
	for _, b := range ch.Bars {
		peak = max(peak, b.Value)
	}
	for i := range ch.Bars {
		b := &ch.Bars[i]
		top := barRowHeight * float64(i)
		b.LabelY = top + 16
		b.Y, b.H = top+22, barHeight
		var frac float64
		switch {
		case ch.Percent:
			b.TrackW = barAreaWidth
			if b.Of > 0 {
				frac = math.Min(float64(b.Value)/float64(b.Of), 1)
			}
		case peak > 0:
			frac = float64(b.Value) / float64(peak)
		}
		b.W = round1(frac * barAreaWidth)
		if b.W > 0 && b.W < 1 {
			b.W = 1 // a non-zero value stays visible
		}
		b.Zero = b.W == 0
		b.ValueX = round1(b.W + 6)
		if ch.Percent {
			b.ValueX = barAreaWidth + 6
		}
		b.ValueY = top + 34
	}
}

// countShare writes a count with its share of the total: "3 (60 %)".
func countShare(lang string, n, total int) string {
	return fmt.Sprintf("%s (%s)", formatNumber(n), share(lang, n, total))
}

// share writes part/total as a percentage with at most one decimal, with the decimal comma
// in Vietnamese ("2,5%") and a point in English ("2.5%").
func share(lang string, part, total int) string {
	if total == 0 {
		return "—"
	}
	s := strconv.FormatFloat(math.Round(float64(part)*1000/float64(total))/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if lang != i18n.EN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + "%"
}

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxLabelRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:maxLabelRunes-1])) + "…"
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
