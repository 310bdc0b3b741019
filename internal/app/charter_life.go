package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// localDay parses a local day (YYYY-MM-DD) of a form field, not after today; nil when empty
// and not required. Errors gather in *ferr under the field.
func (a *App) localDay(ferr *error, field, value string, required bool) *time.Time {
	value = strings.TrimSpace(value)
	if value == "" {
		if required {
			*ferr = mergeInvalid(*ferr, field, "validation.required")
		}
		return nil
	}
	d, err := time.ParseInLocation(time.DateOnly, value, domain.Zone)
	if err != nil {
		*ferr = mergeInvalid(*ferr, field, "validation.date")
		return nil
	}
	if d.After(domain.StartOfDay(a.Now())) {
		*ferr = mergeInvalid(*ferr, field, "validation.charter_date_future")
		return nil
	}
	return &d
}

// villageCharter loads a hương ước or quy ước for an act of its village: the officials of
// the consultation's unit record it.
func (a *App) villageCharter(ctx context.Context, actor *domain.Actor, consultationID int64) (*domain.Consultation, error) {
	c, err := a.store.ConsultationByID(ctx, consultationID)
	if err != nil {
		return nil, wrap(err)
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID); err != nil {
		if c.Status == domain.StatusDraft && a.authorize(ctx, actor, domain.PermOversee, c.UnitID) != nil {
			return nil, domain.ErrNotFound
		}
		return nil, err
	}
	if !isCharter(c) {
		return nil, domain.Errorf(domain.CodeConflict, "error.charter_kind")
	}
	return c, nil
}

// RecordCharterDrafting records who proposed a charter and when (Decree 61/2023 art. 7) and
// its drafting team (art. 8): the village head leads it, with the head of the village's
// Front work committee, and the other members one a line. The village's officials record
// it, at any time before the charter is annulled; a second entry replaces the first.
func (a *App) RecordCharterDrafting(ctx context.Context, actor *domain.Actor, consultationID int64, in CharterInput) (*Charter, error) {
	c, err := a.villageCharter(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	if rec, err := a.store.CharterRecord(ctx, c.ID); err == nil && rec.State == domain.CharterAnnulled {
		return nil, domain.Errorf(domain.CodeConflict, "error.charter_annulled")
	}
	d := &domain.CharterDrafting{
		ConsultationID: c.ID, ProposedBy: textnorm.CleanLine(in.ProposedBy), Proposal: textnorm.CleanText(in.Proposal),
		LeaderName: textnorm.CleanLine(in.LeaderName), FrontHeadName: textnorm.CleanLine(in.FrontHeadName),
		Members: textnorm.CleanText(in.Members), ActorID: &actor.StaffID, UpdatedAt: a.Now(),
	}
	var ferr error
	proposed := a.localDay(&ferr, "proposed_on", in.ProposedOn, true)
	formed := a.localDay(&ferr, "team_formed_on", in.TeamFormedOn, true)
	if d.ProposedBy == "" {
		ferr = mergeInvalid(ferr, "proposed_by", "validation.required")
	}
	// Art. 8: the village head leads the team, set up with the head of the Front work
	// committee, who is among its members.
	if d.LeaderName == "" {
		ferr = mergeInvalid(ferr, "leader_name", "validation.required")
	}
	if d.FrontHeadName == "" {
		ferr = mergeInvalid(ferr, "front_head_name", "validation.required")
	}
	if proposed != nil && formed != nil && formed.Before(*proposed) {
		ferr = mergeInvalid(ferr, "team_formed_on", "validation.charter_team_early", proposed.Format("02/01/2006"))
	}
	if formed != nil && formed.After(domain.StartOfDay(c.OpensAt)) {
		ferr = mergeInvalid(ferr, "team_formed_on", "validation.charter_team_late", c.OpensAt.In(domain.Zone).Format("02/01/2006"))
	}
	if ferr != nil {
		return nil, ferr
	}
	d.ProposedOn, d.TeamFormedOn = utcPtr(proposed), utcPtr(formed)
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SaveCharterDrafting(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, actor, "charter.drafting", "consultation", c.ID, c.UnitID, d.LeaderName)
	})
	if err != nil {
		return nil, err
	}
	return a.charterOf(ctx, actor, c)
}

// RecordCharterReview records the village's annual review of a charter in force (art.
// 15(4)): held on 18 November, the Day of Great National Unity, or another important day
// the community agreed on, at a meeting or within a conference of the community; its
// outcome and findings. One review per charter and year, the year of the day it was held,
// for a charter recognised on or before that year's review day.
func (a *App) RecordCharterReview(ctx context.Context, actor *domain.Actor, consultationID int64, in CharterInput) (*Charter, error) {
	c, err := a.villageCharter(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	rec, err := a.store.CharterRecord(ctx, c.ID)
	if err != nil && !domain.IsCode(err, domain.CodeNotFound) {
		return nil, wrap(err)
	}
	if err != nil || rec.DecisionDate == nil || (rec.State != domain.CharterRecognised && rec.State != domain.CharterSuspended) {
		return nil, domain.Errorf(domain.CodeConflict, "error.charter_not_in_force")
	}
	var ferr error
	held := a.localDay(&ferr, "held_on", in.HeldOn, true)
	if strings.TrimSpace(in.Outcome) == "" {
		ferr = mergeInvalid(ferr, "outcome", "validation.required")
	}
	if held != nil && !domain.ReviewDue(*rec.DecisionDate, held.Year()) {
		ferr = mergeInvalid(ferr, "held_on", "validation.charter_review_early", domain.ReviewDay(held.Year()).Format("02/01/2006"))
	}
	if ferr != nil {
		return nil, ferr
	}
	r := &domain.CharterReview{ConsultationID: c.ID, Year: held.Year(), HeldOn: held.UTC(), Outcome: in.Outcome,
		Findings: textnorm.CleanText(in.Findings), ActorID: &actor.StaffID, CreatedAt: a.Now()}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.AddCharterReview(ctx, r); err != nil {
			return err
		}
		return a.audit(ctx, actor, "charter.review", "consultation", c.ID, c.UnitID, held.Format(time.DateOnly))
	})
	if err != nil {
		return nil, err
	}
	return a.charterOf(ctx, actor, c)
}

// CharterFigures are the figures on a year's charters that Decree 61/2023 art. 16(1) has the
// commune count and report, built from what the portal holds: the communities and those
// with a charter in force, the decisions of the year by kind and the reviews.
type CharterFigures struct {
	Year int
	// Communities counts the villages and residential groups; WithCharter those with a
	// charter in force (in whole or in part) at the end of the year, or today for the
	// current year.
	Communities int
	WithCharter int
	// InForce, Suspended and Annulled count the charters standing so at that moment.
	InForce   int
	Suspended int
	Annulled  int
	// The decisions dated in the year: recognitions of a first dossier, new recognitions
	// of an amended charter (art. 12(5)), refusals, suspensions and annulments of the whole
	// charter or of some articles.
	Recognised     int
	Rerecognised   int
	Refused        int
	SuspendedWhole int
	SuspendedPart  int
	AnnulledWhole  int
	AnnulledPart   int
	// Amended counts the amendments the villages adopted after a suspension.
	Amended int
	// DueReview counts the charters in force on the year's review day (18 November, art.
	// 15(4)); Reviewed the reviews recorded for the year.
	DueReview int
	Reviewed  int
}

// charterYear is what a year's report knows of each charter.
type charterYear struct {
	ID, UnitID     int64
	Title          string
	StateAtEnd     domain.CharterState
	DecisionNumber string
	DecisionDate   *time.Time
	Steps          []domain.CharterStepRecord // dated in the year
	Review         *domain.CharterReview
	DueReview      bool
}

// yearEnd is the moment a year's figures stand at: the end of the year, or now during it.
func (a *App) yearEnd(year int) time.Time {
	end := time.Date(year+1, time.January, 1, 0, 0, 0, 0, domain.Zone)
	if now := a.Now(); now.Before(end) {
		return now
	}
	return end
}

// charterYears works out, for the charters of the given units, where each stood at the end
// of a year and what happened to it during the year.
func (a *App) charterYears(ctx context.Context, unitIDs []int64, year int) ([]charterYear, error) {
	rows, err := a.store.Charters(ctx, unitIDs, nil)
	if err != nil {
		return nil, wrap(err)
	}
	start := time.Date(year, time.January, 1, 0, 0, 0, 0, domain.Zone)
	end := a.yearEnd(year)
	steps, err := a.store.CharterStepsBetween(ctx, unitIDs, time.Date(2000, 1, 1, 0, 0, 0, 0, domain.Zone), end)
	if err != nil {
		return nil, wrap(err)
	}
	reviews, err := a.store.ReviewsOfYear(ctx, unitIDs, year)
	if err != nil {
		return nil, wrap(err)
	}
	byID := map[int64]*charterYear{}
	var out []charterYear
	for _, r := range rows {
		out = append(out, charterYear{ID: r.ConsultationID, UnitID: r.UnitID, Title: r.Title})
	}
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	for _, s := range steps {
		cy := byID[s.ConsultationID]
		if cy == nil {
			continue
		}
		// Steps come in the order recorded: the last one before the end says the state.
		cy.StateAtEnd = s.ToState
		if s.Step == domain.StepRecognise {
			cy.DecisionNumber, cy.DecisionDate = s.DocNumber, s.DocDate
		}
		at := s.CreatedAt
		if s.DocDate != nil {
			at = *s.DocDate
		}
		if !at.Before(start) {
			cy.Steps = append(cy.Steps, s.CharterStepRecord)
		}
	}
	for i := range reviews {
		if cy := byID[reviews[i].ConsultationID]; cy != nil {
			cy.Review = &reviews[i]
		}
	}
	for i := range out {
		cy := &out[i]
		if cy.DecisionDate != nil && (cy.StateAtEnd == domain.CharterRecognised || cy.StateAtEnd == domain.CharterSuspended) {
			cy.DueReview = domain.ReviewDue(*cy.DecisionDate, year) && !end.Before(domain.ReviewDay(year))
		}
	}
	return slices.DeleteFunc(out, func(cy charterYear) bool { return cy.StateAtEnd == "" }), nil
}

// CharterYearFigures counts the charters of the given units for a year, as Decree 61/2023
// art. 16(1) asks the commune to: unitIDs are the units whose charters and communities
// count (a commune and its villages). The caller has checked the actor may see them.
func (a *App) CharterYearFigures(ctx context.Context, unitIDs []int64, year int) (CharterFigures, error) {
	f := CharterFigures{Year: year}
	units, err := a.store.UnitsIn(ctx, unitIDs)
	if err != nil {
		return f, wrap(err)
	}
	villages := map[int64]bool{}
	for _, u := range units {
		if u.Kind == domain.UnitVillage {
			f.Communities++
			villages[u.ID] = true
		}
	}
	years, err := a.charterYears(ctx, unitIDs, year)
	if err != nil {
		return f, err
	}
	f.fill(years, villages)
	return f, nil
}

// fill counts the charters; a community counts as having a charter in force when one of
// its own is (a commune's quy ước is not a village's).
func (f *CharterFigures) fill(years []charterYear, villages map[int64]bool) {
	with := map[int64]bool{}
	for _, cy := range years {
		switch cy.StateAtEnd {
		case domain.CharterRecognised:
			f.InForce++
			with[cy.UnitID] = true
		case domain.CharterSuspended:
			f.Suspended++
			if last := lastStep(cy.Steps, domain.StepSuspend); last == nil || last.Scope == domain.ScopePart {
				with[cy.UnitID] = true
			}
		case domain.CharterAnnulled:
			f.Annulled++
		}
		if cy.DueReview {
			f.DueReview++
		}
		if cy.Review != nil {
			f.Reviewed++
		}
		for _, s := range cy.Steps {
			switch s.Step {
			case domain.StepRecognise:
				if s.FromState == domain.CharterSuspended {
					f.Rerecognised++
				} else {
					f.Recognised++
				}
			case domain.StepRefuse:
				f.Refused++
			case domain.StepSuspend:
				if s.Scope == domain.ScopePart {
					f.SuspendedPart++
				} else {
					f.SuspendedWhole++
				}
			case domain.StepAnnul:
				if s.Scope == domain.ScopePart {
					f.AnnulledPart++
				} else {
					f.AnnulledWhole++
				}
			case domain.StepAmend:
				f.Amended++
			}
		}
	}
	for id := range with {
		if villages[id] {
			f.WithCharter++
		}
	}
}

func lastStep(steps []domain.CharterStepRecord, kind domain.CharterStep) *domain.CharterStepRecord {
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].Step == kind {
			return &steps[i]
		}
	}
	return nil
}

// CharterReportRow is one charter in a year's report.
type CharterReportRow struct {
	ID             int64
	Title          string
	Unit           domain.Unit
	State          domain.CharterState
	DecisionNumber string
	DecisionDate   *time.Time
	Steps          []domain.CharterStepRecord
	Review         *domain.CharterReview
	DueReview      bool
}

// CharterReport is a unit's charters in a year: for a commune, the statistics of Decree
// 61/2023 art. 16(1) and each village's charters; for a village, its head's annual report
// on the charter (art. 19(1)(e)).
type CharterReport struct {
	Unit    domain.Unit
	Village bool
	Year    int
	Figures CharterFigures
	Rows    []CharterReportRow
}

// CharterReportOf builds a unit's charter report for a year, for whoever oversees the unit.
func (a *App) CharterReportOf(ctx context.Context, actor *domain.Actor, unitCode string, year int) (*CharterReport, error) {
	if actor == nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	var ferr error
	if year < 2000 || year > 2100 {
		ferr = mergeInvalid(ferr, "year", "validation.year")
	}
	u, err := a.store.UnitByCode(ctx, strings.TrimSpace(unitCode))
	switch {
	case err != nil:
		ferr = mergeInvalid(ferr, "unit", "validation.unit_unknown")
	case u.Kind != domain.UnitVillage && !communeLevel(u.Kind):
		ferr = mergeInvalid(ferr, "unit", "validation.charter_report_unit")
	}
	if ferr != nil {
		return nil, ferr
	}
	if err := a.authorize(ctx, actor, domain.PermOversee, u.ID); err != nil {
		return nil, err
	}
	ids, err := a.store.UnitSubtree(ctx, []int64{u.ID})
	if err != nil {
		return nil, wrap(err)
	}
	rep := &CharterReport{Unit: *u, Village: u.Kind == domain.UnitVillage, Year: year}
	if rep.Figures, err = a.CharterYearFigures(ctx, ids, year); err != nil {
		return nil, err
	}
	years, err := a.charterYears(ctx, ids, year)
	if err != nil {
		return nil, err
	}
	units, err := a.store.UnitsByIDs(ctx, ids)
	if err != nil {
		return nil, wrap(err)
	}
	for _, cy := range years {
		row := CharterReportRow{ID: cy.ID, Title: cy.Title, State: cy.StateAtEnd, DecisionNumber: cy.DecisionNumber,
			DecisionDate: cy.DecisionDate, Steps: cy.Steps, Review: cy.Review, DueReview: cy.DueReview}
		if un := units[cy.UnitID]; un != nil {
			row.Unit = *un
		}
		rep.Rows = append(rep.Rows, row)
	}
	slices.SortStableFunc(rep.Rows, func(x, y CharterReportRow) int {
		if c := strings.Compare(x.Unit.Name, y.Unit.Name); c != 0 {
			return c
		}
		return int(x.ID - y.ID)
	})
	return rep, nil
}

// CharterReportUnits lists the units whose charter report the actor may read: the communes
// (wards, special zones) and villages it oversees, communes first.
func (a *App) CharterReportUnits(ctx context.Context, actor *domain.Actor) ([]domain.Unit, error) {
	scope, err := a.scope(ctx, actor, domain.PermOversee)
	if err != nil {
		return nil, err
	}
	units, err := a.store.UnitsIn(ctx, scope)
	if err != nil {
		return nil, wrap(err)
	}
	units = slices.DeleteFunc(units, func(u domain.Unit) bool { return u.Kind != domain.UnitVillage && !communeLevel(u.Kind) })
	slices.SortStableFunc(units, func(x, y domain.Unit) int {
		if vx, vy := x.Kind == domain.UnitVillage, y.Kind == domain.UnitVillage; vx != vy {
			if vx {
				return 1
			}
			return -1
		}
		return strings.Compare(x.Name, y.Name)
	})
	return units, nil
}

// feedSteps are the acts on a charter that its residents follow: the commune's decisions
// and the village's amendment after a suspension.
var feedSteps = []domain.CharterStep{domain.StepRecognise, domain.StepRefuse, domain.StepSuspend, domain.StepAmend, domain.StepAnnul, domain.StepReinstate}

// CharterFeedItem is an entry of the charters' Atom feed.
type CharterFeedItem struct {
	Step     domain.CharterStepRecord
	Title    string
	Kind     domain.ConsultationKind
	UnitName string
}

// CharterFeed lists the newest decisions on the hương ước and quy ước of a unit and the
// units under it (every unit when unitCode is empty), for an Atom feed; the unit too, nil
// for every unit.
func (a *App) CharterFeed(ctx context.Context, unitCode string) (*domain.Unit, []CharterFeedItem, error) {
	var unit *domain.Unit
	var ids []int64
	if unitCode != "" {
		u, err := a.store.UnitByCode(ctx, unitCode)
		if err != nil {
			return nil, nil, wrap(err)
		}
		unit = u
		if ids, err = a.store.UnitSubtree(ctx, []int64{u.ID}); err != nil {
			return nil, nil, wrap(err)
		}
	}
	rows, err := a.store.CharterFeedSteps(ctx, ids, feedSteps, FeedSize)
	if err != nil {
		return nil, nil, wrap(err)
	}
	out := make([]CharterFeedItem, 0, len(rows))
	for _, r := range rows {
		out = append(out, CharterFeedItem{Step: r.CharterStepRecord, Title: r.Title, Kind: r.Kind, UnitName: r.UnitName})
	}
	return unit, out, nil
}
