package app

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/detect"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/shortcode"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// NewRating is what a resident sends with the satisfaction form (Law 10/2022 art. 35): how
// the consultation was run, from 1 to 5, with an optional comment and, for a commenter, the
// tracking code of their opinion.
type NewRating struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment" validate:"max=1000"`
	Code    string `json:"tracking_code" validate:"max=64"`
}

// RatingReceipt says what became of a rating: stored, or in place of the one given before
// with the same tracking code.
type RatingReceipt struct {
	Rating   *domain.Rating
	Replaced bool
}

// Rate records a satisfaction rating once a consultation's results are published: only
// then has the whole process, answers included, been seen. With a tracking code of the
// consultation's opinions the rating is the commenter's, one per code: a second replaces
// the first, so a commenter can change their mind and nobody counts twice by holding one
// code. Without a code anyone may rate; the web layer limits that per address.
func (a *App) Rate(ctx context.Context, consultationID int64, in NewRating) (*RatingReceipt, error) {
	c, err := a.ratable(ctx, consultationID)
	if err != nil {
		return nil, err
	}
	for field, v := range map[string]string{"comment": in.Comment, "tracking_code": in.Code} {
		if !utf8.ValidString(v) {
			return nil, domain.InvalidField(field, "validation.utf8")
		}
	}
	in.Comment = textnorm.CleanText(in.Comment)
	in.Code = strings.TrimSpace(in.Code)
	err = a.check(in)
	if in.Rating < domain.MinRating || in.Rating > domain.MaxRating {
		err = mergeInvalid(err, "rating", "validation.rating")
	}
	var opinionID *int64
	if in.Code != "" && len(in.Code) <= domain.MaxIdempotency {
		code, ok := shortcode.ParseTracking(in.Code)
		var o *domain.Opinion
		if ok {
			o, _ = a.store.OpinionByCode(ctx, code)
		}
		if o == nil || o.ID == 0 || o.ConsultationID != c.ID {
			// The same message for a mistyped code and another consultation's code: the form
			// is not a way to learn which codes exist.
			err = mergeInvalid(err, "tracking_code", "validation.rating_code")
		} else {
			opinionID = &o.ID
		}
	}
	if err != nil {
		return nil, err
	}
	now := a.Now()
	r := &domain.Rating{ConsultationID: c.ID, OpinionID: opinionID, Rating: in.Rating, Comment: in.Comment,
		CommentPublic: detect.Mask(in.Comment), CreatedAt: now, UpdatedAt: now}
	replaced, err := a.store.SaveRating(ctx, r)
	if err != nil {
		return nil, wrap(err)
	}
	return &RatingReceipt{Rating: r, Replaced: replaced}, nil
}

// RatingOpen reports whether a consultation takes ratings, so a form sent too early is told
// so before anything else is checked.
func (a *App) RatingOpen(ctx context.Context, consultationID int64) error {
	_, err := a.ratable(ctx, consultationID)
	return err
}

func (a *App) ratable(ctx context.Context, consultationID int64) (*domain.Consultation, error) {
	c, err := a.store.ConsultationByID(ctx, consultationID)
	if err != nil || c.Status == domain.StatusDraft || c.Status == domain.StatusWithdrawn {
		return nil, domain.ErrNotFound
	}
	if !c.Status.ResultsPublished() {
		return nil, domain.Errorf(domain.CodeConflict, "error.rating_before_results")
	}
	return c, nil
}

// Satisfaction returns the public figures of a consultation's ratings.
func (a *App) Satisfaction(ctx context.Context, consultationID int64) (domain.RatingFigures, error) {
	m, err := a.store.RatingFigures(ctx, []int64{consultationID})
	return m[consultationID], wrap(err)
}

// RatingOfOpinion returns the rating given with an opinion's tracking code, or nil.
func (a *App) RatingOfOpinion(ctx context.Context, opinionID int64) (*domain.Rating, error) {
	r, err := a.store.RatingByOpinion(ctx, opinionID)
	if domain.IsCode(err, domain.CodeNotFound) {
		return nil, nil
	}
	return r, wrap(err)
}

// CommuneSatisfaction counts the ratings of the consultations each commune ran (its own and
// its villages'), for the communes among ids that the actor oversees whole, each present
// even without ratings; a commune seen only through one of its villages is absent, since
// its figures would speak for the other villages too.
func (a *App) CommuneSatisfaction(ctx context.Context, actor *domain.Actor, ids []int64) (map[int64]domain.RatingFigures, error) {
	scope, err := a.scope(ctx, actor, domain.PermOversee)
	if err != nil {
		return nil, err
	}
	var mine []int64
	for _, id := range ids {
		if slices.Contains(scope, id) {
			mine = append(mine, id)
		}
	}
	m, err := a.store.RatingsByCommune(ctx, mine)
	if err != nil {
		return nil, wrap(err)
	}
	for _, id := range mine {
		if _, ok := m[id]; !ok {
			m[id] = domain.RatingFigures{} // overseen, not yet rated
		}
	}
	return m, nil
}

// SatisfactionUnits lists the communes whose annual report the actor may read.
func (a *App) SatisfactionUnits(ctx context.Context, actor *domain.Actor) ([]domain.Unit, error) {
	scope, err := a.scope(ctx, actor, domain.PermOversee)
	if err != nil {
		return nil, err
	}
	units, err := a.store.UnitsAboveVillages(ctx, scope)
	if err != nil {
		return nil, wrap(err)
	}
	return slices.DeleteFunc(units, func(u domain.Unit) bool { return !communeLevel(u.Kind) }), nil
}

func communeLevel(k domain.UnitKind) bool {
	return k == domain.UnitCommune || k == domain.UnitWard || k == domain.UnitSpecialZone
}

// AnnualRow is one consultation of an annual report with its satisfaction figures and the
// public text of the comments that came with the ratings.
type AnnualRow struct {
	OverseenConsultation
	Ratings  domain.RatingFigures
	Comments []domain.Rating
}

// AnnualTotals sums a year of a commune's consultations.
type AnnualTotals struct {
	Consultations int
	Opinions      int
	Households    int // summed over the consultations, as the participation rate's base
	Published     int // consultations whose results are published
	// WorkingDaysTenths is the average number of working days the published results took,
	// in tenths; valid only when Published > 0.
	WorkingDaysTenths int
	Ratings           domain.RatingFigures
}

// OpinionsPerThousandHouseholds is the year's participation rate, in the tenths of
// opinions per hundred households that the report prints ("1,5"): the consultations'
// opinions over the consultations' households, so a large consultation weighs more than a
// small one. False without households.
func (t AnnualTotals) OpinionsPerThousandHouseholds() (int, bool) {
	if t.Households <= 0 {
		return 0, false
	}
	return (t.Opinions*2000 + t.Households) / (2 * t.Households), true
}

// AnnualReport is a commune's year of consultations as the law's oversight asks for it:
// participation, how soon results came, and how satisfied people were (Law 10/2022 art. 35).
type AnnualReport struct {
	Unit        domain.Unit
	Year        int
	Rows        []AnnualRow
	Totals      AnnualTotals
	GeneratedAt time.Time
}

// AnnualReport builds the report of a commune (by code) for a year, for staff who oversee
// the commune. A consultation belongs to the year its period began in (Vietnam's time);
// those of the commune's villages count, a province's do not (the province ran them).
func (a *App) AnnualReport(ctx context.Context, actor *domain.Actor, unitCode string, year int) (*AnnualReport, error) {
	if actor == nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	var err error
	if year < 2000 || year > 2100 {
		err = mergeInvalid(err, "year", "validation.year")
	}
	u, uerr := a.store.UnitByCode(ctx, strings.TrimSpace(unitCode))
	switch {
	case uerr != nil:
		err = mergeInvalid(err, "unit", "validation.unit_unknown")
	case !communeLevel(u.Kind):
		err = mergeInvalid(err, "unit", "validation.annual_commune")
	}
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, actor, domain.PermOversee, u.ID); err != nil {
		return nil, err
	}
	units, err := a.store.UnitSubtree(ctx, []int64{u.ID})
	if err != nil {
		return nil, wrap(err)
	}
	rows, err := a.store.OversightRows(ctx, units)
	if err != nil {
		return nil, wrap(err)
	}
	now := a.Now()
	rep := &AnnualReport{Unit: *u, Year: year, GeneratedAt: now}
	cal := a.calendar()
	var ids []int64
	for _, r := range rows {
		if r.OpensAt.In(domain.Zone).Year() != year {
			continue
		}
		rep.Rows = append(rep.Rows, AnnualRow{OverseenConsultation: overseen(r, now, cal)})
		ids = append(ids, r.ID)
	}
	// Oldest first, as a year is read.
	slices.SortStableFunc(rep.Rows, func(x, y AnnualRow) int {
		return cmp.Or(x.OpensAt.Compare(y.OpensAt), cmp.Compare(x.ID, y.ID))
	})
	figures, err := a.store.RatingFigures(ctx, ids)
	if err != nil {
		return nil, wrap(err)
	}
	comments, err := a.store.RatingComments(ctx, ids)
	if err != nil {
		return nil, wrap(err)
	}
	days := 0
	t := &rep.Totals
	for i := range rep.Rows {
		r := &rep.Rows[i]
		r.Ratings = figures[r.ID]
		for _, cm := range comments {
			if cm.ConsultationID == r.ID {
				r.Comments = append(r.Comments, cm)
			}
		}
		t.Consultations++
		t.Opinions += r.Opinions
		t.Households += r.Households
		if r.WorkingDays != nil {
			t.Published++
			days += *r.WorkingDays
		}
		t.Ratings.Merge(r.Ratings)
	}
	if t.Published > 0 {
		t.WorkingDaysTenths = (days*20 + t.Published) / (2 * t.Published)
	}
	return rep, nil
}
