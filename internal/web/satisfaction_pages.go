package web

import (
	"math"
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
)

// ratingBox is the satisfaction section of a consultation (Law 10/2022 art. 35): the public
// figures and the form, on the consultation page and, for a commenter, on the tracking page.
type ratingBox struct {
	Action  string
	Figures domain.RatingFigures
	Average string // "4,2"
	Rows    []ratingRow
	Scale   []int // the scores the form offers, best last
	In      app.NewRating
	Started string // signed time the form was shown, for the bot check
	AskCode bool   // the consultation page asks for an optional tracking code
	// Previous is the score already given with this tracking code: sending again replaces it.
	Previous int
	Done     string // "saved" or "replaced", after a rating from the consultation page
}

// ratingRow is one score of the distribution.
type ratingRow struct {
	Score int
	N     int
	Share string
}

// ratingBoxOf builds the satisfaction section of a consultation whose results are published
// (nil before: there is nothing to rate yet). kept is a refused form coming back as sent.
func (s *Server) ratingBoxOf(c echo.Context, cons *domain.Consultation, kept *ratingBox) (*ratingBox, error) {
	if !cons.Status.ResultsPublished() {
		return nil, nil
	}
	b := &ratingBox{Action: "/c/" + strconv.FormatInt(cons.ID, 10) + "/satisfaction", AskCode: true}
	if kept != nil {
		b.In, b.Started = kept.In, kept.Started
	} else {
		b.Started = s.signStart(time.Now(), cons.ID)
		switch c.QueryParam("rated") {
		case "saved", "replaced":
			b.Done = c.QueryParam("rated")
		}
	}
	return b, s.fillFigures(c, b, cons.ID)
}

// fillFigures adds the public figures and the scale to a satisfaction section.
func (s *Server) fillFigures(c echo.Context, b *ratingBox, consultationID int64) error {
	f, err := s.app.Satisfaction(c.Request().Context(), consultationID)
	if err != nil {
		return err
	}
	lang := httpx.Lang(c)
	b.Figures, b.Average = f, export.Tenths(lang, f.AverageTenths())
	for score := domain.MaxRating; score >= domain.MinRating; score-- {
		b.Rows = append(b.Rows, ratingRow{Score: score, N: f.By[score-1], Share: share(lang, f.By[score-1], f.Count)})
	}
	for score := domain.MinRating; score <= domain.MaxRating; score++ {
		b.Scale = append(b.Scale, score)
	}
	return nil
}

// trackRatingBox is the satisfaction section of the tracking page: the rating is tied to
// the code, so the page asks for none and shows the score already given.
func (s *Server) trackRatingBox(c echo.Context, t *app.TrackedOpinion, kept *ratingBox) (*ratingBox, error) {
	if !t.Consultation.Status.ResultsPublished() {
		return nil, nil
	}
	b := &ratingBox{Action: "/track/" + url.PathEscape(t.Opinion.TrackingCode) + "/satisfaction"}
	if kept != nil {
		b.In, b.Started = kept.In, kept.Started
	} else {
		b.Started = s.signStart(time.Now(), t.Consultation.ID)
	}
	prev, err := s.app.RatingOfOpinion(c.Request().Context(), t.Opinion.ID)
	if err != nil {
		return nil, err
	}
	if prev != nil {
		b.Previous = prev.Rating
		if kept == nil {
			// A second rating starts from the first: its score and its comment, as the
			// public sees it (personal data masked), as the tracking page shows the opinion.
			b.In.Rating, b.In.Comment = prev.Rating, prev.CommentPublic
		}
	}
	return b, s.fillFigures(c, b, t.Consultation.ID)
}

// limitRatings caps satisfaction ratings per address (and consultation), in the opinion
// limiter's window but in keys of their own, so rating never uses up commenting.
func (s *Server) limitRatings(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		what := "track"
		if n, err := strconv.ParseInt(c.Param("id"), 10, 64); err == nil {
			what = strconv.FormatInt(n, 10)
		}
		if ok, retry, _ := s.opinionLimit.Allow(c.Request().Context(), "rating|"+c.RealIP()+"|"+what); !ok {
			return rateLimited(c, retry)
		}
		return next(c)
	}
}

// ratingInput reads the satisfaction form; a missing or unreadable score is 0, which the app
// refuses with its message at the field.
func ratingInput(c echo.Context) app.NewRating {
	n, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("rating")))
	return app.NewRating{Rating: n, Comment: c.FormValue("comment"), Code: c.FormValue("tracking_code")}
}

// rate takes a rating from the consultation page.
func (s *Server) rate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	kept := &ratingBox{In: ratingInput(c), Started: c.FormValue("started")}
	if err := s.app.RatingOpen(c.Request().Context(), id); err != nil {
		return s.ratingError(c, err, kept)
	}
	if err := s.ratingCheck(c, id); err != nil {
		if _, ok := s.verifyStart(kept.Started, id); !ok {
			kept.Started = s.signStart(time.Now(), id)
		}
		return s.ratingError(c, err, kept)
	}
	r, err := s.app.Rate(c.Request().Context(), id, kept.In)
	if err != nil {
		return s.ratingError(c, err, kept)
	}
	done := "saved"
	if r.Replaced {
		done = "replaced"
	}
	return c.Redirect(http.StatusSeeOther, "/c/"+strconv.FormatInt(id, 10)+"?rated="+done+"#satisfaction")
}

// ratingError shows a refused rating on the consultation page, with the form as sent.
func (s *Server) ratingError(c echo.Context, err error, kept *ratingBox) error {
	de := domain.AsError(err)
	switch de.Code {
	case domain.CodeInvalid, domain.CodeConflict, domain.CodeRateLimited:
	default:
		return err
	}
	v, verr := s.consultationView(c, kept)
	if verr != nil {
		return verr
	}
	v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
	v.Errors = httpx.FieldMessages(de, v.L)
	return s.views.render(c, httpx.Status(de.Code), "consultation", v)
}

// rateTracked takes a commenter's rating from the tracking page, tied to the code.
func (s *Server) rateTracked(c echo.Context) error {
	code := c.Param("code")
	ctx := c.Request().Context()
	t, err := s.app.Track(ctx, code)
	if err != nil {
		return s.formError(c, err, "track", "track.title", trackData{Code: code})
	}
	in := ratingInput(c)
	in.Code = t.Opinion.TrackingCode
	kept := &ratingBox{In: in, Started: c.FormValue("started")}
	fail := func(err error) error {
		box, berr := s.trackRatingBox(c, t, kept)
		if berr != nil {
			return berr
		}
		return s.formError(c, err, "track", "track.title", trackData{Code: code, Tracked: t, Rating: box})
	}
	if err := s.app.RatingOpen(ctx, t.Consultation.ID); err != nil {
		return fail(err)
	}
	if err := s.ratingCheck(c, t.Consultation.ID); err != nil {
		if _, ok := s.verifyStart(kept.Started, t.Consultation.ID); !ok {
			kept.Started = s.signStart(time.Now(), t.Consultation.ID)
		}
		return fail(err)
	}
	r, err := s.app.Rate(ctx, t.Consultation.ID, in)
	if err != nil {
		return fail(err)
	}
	done := "rated"
	if r.Replaced {
		done = "rerated"
	}
	return c.Redirect(http.StatusSeeOther, "/track/"+url.PathEscape(t.Opinion.TrackingCode)+"?done="+done)
}

// annualData is the annual satisfaction report of a commune, its figures written out in the
// request's language.
type annualData struct {
	Units  []domain.Unit // the communes the staff member may choose
	Unit   string
	Year   string
	R      *app.AnnualReport
	Rows   []annualRowView
	Totals annualRowView
	CSV    string // the links to the files
	XLSX   string
}

type annualRowView struct {
	ID            int64
	Title         string
	Where         string // the village, for a village's consultation
	Period        string
	Phase         domain.Phase
	Opinions      int
	Households    int
	Participation string
	Days          string
	Ratings       int
	Average       string
	By            [domain.MaxRating]int
	Comments      []domain.Rating
}

// satisfactionReport shows a commune's year (?unit=&year=); without a commune it shows the
// choice, or the only commune the staff member oversees.
func (s *Server) satisfactionReport(c echo.Context) error {
	ctx := c.Request().Context()
	actor := httpx.Actor(c)
	d := annualData{Unit: strings.TrimSpace(c.QueryParam("unit")), Year: strings.TrimSpace(c.QueryParam("year"))}
	var err error
	if d.Units, err = s.app.SatisfactionUnits(ctx, actor); err != nil {
		return err
	}
	if d.Year == "" {
		d.Year = strconv.Itoa(s.app.Now().In(domain.Zone).Year())
	}
	if d.Unit == "" && len(d.Units) == 1 {
		d.Unit = d.Units[0].Code
	}
	if d.Unit == "" {
		return s.views.render(c, http.StatusOK, "satisfaction", s.view(c, "annual.title", d))
	}
	year, _ := strconv.Atoi(d.Year)
	if d.R, err = s.app.AnnualReport(ctx, actor, d.Unit, year); err != nil {
		return s.formError(c, err, "satisfaction", "annual.title", d)
	}
	lang := httpx.Lang(c)
	// tenths writes a figure given in tenths, or a dash where it does not apply.
	tenths := func(n int, ok bool) string {
		if !ok {
			return "—"
		}
		return export.Tenths(lang, n)
	}
	for _, r := range d.R.Rows {
		p, ok := r.OpinionsPerHundredHouseholds()
		v := annualRowView{ID: r.ID, Title: r.Title, Period: r.Period(lang),
			Phase: r.Phase, Opinions: r.Opinions, Households: r.Households,
			Participation: tenths(int(math.Round(p*10)), ok), Days: "—",
			Ratings: r.Ratings.Count, Average: tenths(r.Ratings.AverageTenths(), r.Ratings.Count > 0),
			By: r.Ratings.By, Comments: r.Comments}
		if r.Unit.ID != d.R.Unit.ID {
			v.Where = r.Unit.Name
		}
		if r.WorkingDays != nil {
			v.Days = strconv.Itoa(*r.WorkingDays)
		}
		d.Rows = append(d.Rows, v)
	}
	t := d.R.Totals
	p, ok := t.OpinionsPerThousandHouseholds()
	d.Totals = annualRowView{Opinions: t.Opinions, Households: t.Households,
		Participation: tenths(p, ok), Days: tenths(t.WorkingDaysTenths, t.Published > 0),
		Ratings: t.Ratings.Count, Average: tenths(t.Ratings.AverageTenths(), t.Ratings.Count > 0), By: t.Ratings.By}
	q := url.Values{"unit": {d.R.Unit.Code}, "year": {strconv.Itoa(d.R.Year)}}.Encode()
	d.CSV, d.XLSX = "/staff/satisfaction.csv?"+q, "/staff/satisfaction.xlsx?"+q
	v := s.view(c, "annual.title", d)
	v.Title += " · " + d.R.Unit.Name + " · " + strconv.Itoa(d.R.Year)
	return s.views.render(c, http.StatusOK, "satisfaction", v)
}

// The annual report as a spreadsheet, for the same staff.
func (s *Server) satisfactionCSV(c echo.Context) error { return s.satisfactionFile(c, export.CSV) }

func (s *Server) satisfactionXLSX(c echo.Context) error { return s.satisfactionFile(c, export.XLSX) }

func (s *Server) satisfactionFile(c echo.Context, format string) error {
	year, _ := strconv.Atoi(strings.TrimSpace(c.QueryParam("year")))
	r, err := s.app.AnnualReport(c.Request().Context(), httpx.Actor(c), c.QueryParam("unit"), year)
	if err != nil {
		return err
	}
	return export.SendAnnual(c, r, format)
}

// communeSatisfaction is a commune's ratings in the oversight view, with the way to its
// annual report.
type communeSatisfaction struct {
	Text string // "12 đánh giá, trung bình 4,2/5" or "chưa có đánh giá"
	Link string // the annual report of the current year
}

// addSatisfaction gives each commune of the oversight view its ratings, over every
// consultation the commune and its villages ran.
func (s *Server) addSatisfaction(c echo.Context, communes []oversightCommune) error {
	var ids []int64
	for _, g := range communes {
		switch g.Unit.Kind {
		case domain.UnitCommune, domain.UnitWard, domain.UnitSpecialZone:
			ids = append(ids, g.Unit.ID)
		}
	}
	figures, err := s.app.CommuneSatisfaction(c.Request().Context(), httpx.Actor(c), ids)
	if err != nil {
		return err
	}
	year := strconv.Itoa(s.app.Now().In(domain.Zone).Year())
	for i := range communes {
		f, ok := figures[communes[i].Unit.ID]
		if !ok {
			continue
		}
		cs := &communeSatisfaction{Text: httpx.T(c, "satisfaction.oversight_none"),
			Link: "/staff/satisfaction?" + url.Values{"unit": {communes[i].Unit.Code}, "year": {year}}.Encode()}
		if f.Count > 0 {
			cs.Text = httpx.T(c, "satisfaction.oversight", formatNumber(f.Count), export.Tenths(httpx.Lang(c), f.AverageTenths()))
		}
		communes[i].Satisfaction = cs
	}
	return nil
}
