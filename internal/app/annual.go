package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// DemocracyReport is the annual report of grassroots democracy of a commune (Báo cáo kết quả
// thực hiện dân chủ ở cơ sở năm …; Law 10/2022 art. 86) or, for a province, of its communes
// and their sum (art. 85). It is public: counts only, never a name.
type DemocracyReport struct {
	Unit  domain.Unit
	Above []domain.Unit // the units above it, the province first
	Year  int
	From  time.Time // the period covered, [From, To), local midnights (domain.AnnualPeriod)
	To    time.Time
	// Sections are the commune's figures, or for a unit above communes the sum of its
	// communes' (each line the sum of the same line of every commune).
	Sections []domain.AnnualSection
	// Communes are the communes under a unit above communes, each with its own report's
	// sections, by name; empty for a commune.
	Communes    []CommuneYear
	GeneratedAt time.Time
}

// CommuneYear is one commune's row in a province's report.
type CommuneYear struct {
	Unit     domain.Unit
	Sections []domain.AnnualSection
}

// Summed reports whether the report sums communes (a province's).
func (r *DemocracyReport) Summed() bool { return !communeLevel(r.Unit.Kind) }

// annualSection builds one section of the report for a set of units (a commune and its
// villages) and a year. Adding a section to the report is adding one such function to
// annualSections, with the labels of its lines in locales/*/annual.json; the page, the
// print, the spreadsheet, the API and the province's sums take every section as it comes.
type annualSection func(a *App, ctx context.Context, unitIDs []int64, year int, now time.Time) (domain.AnnualSection, error)

// annualSections are the sections in the order the report prints them.
var annualSections = []annualSection{
	(*App).annualConsultations,
	(*App).annualParticipation,
	(*App).annualAnswers,
	(*App).annualDecisions,
	(*App).annualCharters,
	(*App).annualDisclosures,
	(*App).annualInitiatives,
	(*App).annualPlans,
	(*App).annualDialogues,
	(*App).annualSatisfaction,
	(*App).annualLate,
}

// DemocracyReport builds the report of a commune or province (by code) for a year.
func (a *App) DemocracyReport(ctx context.Context, unitCode string, year int) (*DemocracyReport, error) {
	u, err := a.store.UnitByCode(ctx, strings.TrimSpace(unitCode))
	if err != nil {
		return nil, wrap(err)
	}
	if year < domain.MinAnnualYear || year > domain.MaxAnnualYear {
		return nil, domain.InvalidField("year", "annualreport.error.year", domain.MinAnnualYear, domain.MaxAnnualYear)
	}
	if u.Kind == domain.UnitVillage {
		return nil, domain.InvalidField("unit", "annualreport.error.village")
	}
	now := a.Now()
	r := &DemocracyReport{Unit: *u, Year: year, GeneratedAt: now}
	r.From, r.To = domain.AnnualPeriod(year)
	up, err := a.store.UnitAncestry(ctx, u.ID)
	if err != nil {
		return nil, wrap(err)
	}
	above, err := a.store.UnitsByIDs(ctx, up[1:])
	if err != nil {
		return nil, wrap(err)
	}
	for i := len(up) - 1; i >= 1; i-- {
		if v := above[up[i]]; v != nil {
			r.Above = append(r.Above, *v)
		}
	}
	communes := []domain.Unit{*u}
	if r.Summed() {
		if communes, err = a.store.CommunesUnder(ctx, u.ID); err != nil {
			return nil, wrap(err)
		}
	}
	all := make([][]domain.AnnualSection, 0, len(communes)+1)
	// The sections of no unit at all: every line present with zeros, so a province without
	// communes still shows what is counted.
	zero, err := a.annualSectionsOf(ctx, nil, year, now)
	if err != nil {
		return nil, err
	}
	all = append(all, zero)
	for _, cu := range communes {
		ids, err := a.store.UnitSubtree(ctx, []int64{cu.ID})
		if err != nil {
			return nil, wrap(err)
		}
		secs, err := a.annualSectionsOf(ctx, ids, year, now)
		if err != nil {
			return nil, err
		}
		all = append(all, secs)
		if r.Summed() {
			r.Communes = append(r.Communes, CommuneYear{Unit: cu, Sections: secs})
		}
	}
	r.Sections = domain.SumAnnualSections(all...)
	return r, nil
}

func (a *App) annualSectionsOf(ctx context.Context, unitIDs []int64, year int, now time.Time) ([]domain.AnnualSection, error) {
	out := make([]domain.AnnualSection, 0, len(annualSections))
	for _, build := range annualSections {
		s, err := build(a, ctx, unitIDs, year, now)
		if err != nil {
			return nil, wrap(err)
		}
		out = append(out, s)
	}
	return out, nil
}

// line and sub make the lines of a section: a figure, and a breakdown of the one above.
func line(key string, n int64) domain.AnnualLine { return domain.AnnualLine{Key: key, N: n} }
func sub(key string, n int64) domain.AnnualLine  { return domain.AnnualLine{Key: key, N: n, Depth: 1} }

// annualConsultations counts the consultations whose period began in the year: matters
// put to the people's opinion (Law 10/2022 art. 25) and matters the households decide
// (art. 15), and each kind of draft.
func (a *App) annualConsultations(ctx context.Context, unitIDs []int64, year int, _ time.Time) (domain.AnnualSection, error) {
	from, to := domain.AnnualPeriod(year)
	rows, err := a.store.AnnualConsultations(ctx, unitIDs, from, to)
	if err != nil {
		return domain.AnnualSection{}, err
	}
	var total int64
	byMatter := map[domain.Matter]int64{}
	byKind := map[domain.ConsultationKind]int64{}
	for _, r := range rows {
		total += r.N
		byMatter[r.Matter] += r.N
		byKind[r.Kind] += r.N
	}
	s := domain.AnnualSection{Key: "consultations", Lines: []domain.AnnualLine{
		line("consultations.total", total),
		sub("consultations.consult", byMatter[domain.MatterConsult]),
		sub("consultations.decide", byMatter[domain.MatterDecide]),
	}}
	for _, k := range domain.ConsultationKinds {
		s.Lines = append(s.Lines, sub("consultations.kind."+string(k), byKind[k]))
	}
	return s, nil
}

// annualParticipation counts the opinions the year's consultations received, from the
// database's counters: every opinion sent, those published, the published ones by the
// channel they came through (Law 10/2022 art. 26), and how many villages were heard from.
func (a *App) annualParticipation(ctx context.Context, unitIDs []int64, year int, _ time.Time) (domain.AnnualSection, error) {
	from, to := domain.AnnualPeriod(year)
	rows, err := a.store.AnnualTallies(ctx, unitIDs, from, to, "status", "approved", "village")
	if err != nil {
		return domain.AnnualSection{}, err
	}
	var received, published, villages int64
	byChannel := map[domain.Channel]int64{}
	for _, r := range rows {
		switch r.Kind {
		case "status": // status:rejection_reason
			received += r.N
			if st, _, _ := strings.Cut(r.Key, ":"); st == string(domain.OpinionApproved) {
				published += r.N
			}
		case "approved": // section:stance:channel
			if i := strings.LastIndexByte(r.Key, ':'); i >= 0 {
				byChannel[domain.Channel(r.Key[i+1:])] += r.N
			}
		case "village":
			if r.N > 0 {
				villages++
			}
		}
	}
	s := domain.AnnualSection{Key: "participation", Lines: []domain.AnnualLine{
		line("participation.received", received),
		line("participation.published", published),
	}}
	for _, ch := range domain.Channels {
		s.Lines = append(s.Lines, sub("participation.channel."+string(ch), byChannel[ch]))
	}
	s.Lines = append(s.Lines, line("participation.villages", villages))
	return s, nil
}

// farFuture stands for "never late": a consultation still open has no deadline yet.
var farFuture = time.Date(9999, time.January, 1, 0, 0, 0, 0, time.UTC)

// annualAnswers counts the answers to the published opinions of the year's consultations:
// answered, answered late, and still unanswered. An answer is late when it was given after
// the deadline for the results, 5 working days after the consultation ended (Law 10/2022
// art. 12, as the oversight view counts it): from the start of the next working day.
func (a *App) annualAnswers(ctx context.Context, unitIDs []int64, year int, now time.Time) (domain.AnnualSection, error) {
	from, to := domain.AnnualPeriod(year)
	rows, err := a.store.ConsultationDates(ctx, unitIDs)
	if err != nil {
		return domain.AnnualSection{}, err
	}
	cal := a.calendar()
	lateFrom := map[int64]time.Time{}
	for _, r := range rows {
		if r.OpensAt.Before(from) || !r.OpensAt.Before(to) {
			continue
		}
		o := overseen(r, now, cal)
		lateFrom[r.ID] = farFuture
		if o.EndedAt != nil {
			lateFrom[r.ID] = cal.AddWorkingDays(*o.EndedAt, domain.ResultsDeadlineDays+1)
		}
	}
	counts, err := a.store.AnnualAnswers(ctx, lateFrom)
	if err != nil {
		return domain.AnnualSection{}, err
	}
	tallies, err := a.store.AnnualTallies(ctx, unitIDs, from, to, "status")
	if err != nil {
		return domain.AnnualSection{}, err
	}
	var published int64
	for _, r := range tallies {
		if st, _, _ := strings.Cut(r.Key, ":"); st == string(domain.OpinionApproved) {
			published += r.N
		}
	}
	return domain.AnnualSection{Key: "answers", Lines: []domain.AnnualLine{
		line("answers.answered", counts.Answered),
		sub("answers.late", counts.Late),
		line("answers.unanswered", max(published-counts.Answered, 0)),
	}}, nil
}

// annualDecisions counts the decisions of the villages' households taken in the year (Law
// 10/2022 art. 15–21): at a meeting, by household forms or online, adopted or not under the
// item's rule (art. 21), meetings without quorum (art. 18), and the households that took
// part: present at the meetings, returning forms or voting online.
func (a *App) annualDecisions(ctx context.Context, unitIDs []int64, year int, now time.Time) (domain.AnnualSection, error) {
	rows, err := a.store.DecisionFollowUps(ctx, unitIDs, now)
	if err != nil {
		return domain.AnnualSection{}, err
	}
	var total, adopted, rejected, noQuorum, households, online int64
	byForm := map[domain.DecisionForm]int64{}
	for _, r := range rows {
		if !domain.InAnnualYear(r.HeldOn, year) {
			continue
		}
		d := r.Decision()
		o := d.Result(r.Item)
		total++
		byForm[r.Form]++
		households += int64(r.Present)
		if r.Form == domain.FormOnline {
			online += int64(r.Present)
		}
		switch {
		case !o.Quorate:
			noQuorum++
		case o.Adopted:
			adopted++
		default:
			rejected++
		}
	}
	return domain.AnnualSection{Key: "decisions", Lines: []domain.AnnualLine{
		line("decisions.total", total),
		sub("decisions.form.meeting", byForm[domain.FormMeeting]),
		sub("decisions.form.ballot", byForm[domain.FormBallot]),
		sub("decisions.form.online", byForm[domain.FormOnline]),
		line("decisions.adopted", adopted),
		line("decisions.not_adopted", rejected),
		line("decisions.no_quorum", noQuorum),
		line("decisions.households", households),
		sub("decisions.households_online", online),
	}}, nil
}

// annualCharters counts the villages' charters (hương ước, quy ước) as Decree 61/2023 art.
// 16(1) asks the commune to, from the charters' own year figures: the commune's decisions
// dated in the year (recognised, of which a new recognition of an amended charter, art.
// 12(5); refused; suspended and annulled, of which in part, art. 12–14), the amendments
// the villages adopted, and where things stood at the end of the year (or today for the
// current year): the communities and those with a charter in force, the charters in force,
// suspended and annulled, those due for the annual review (art. 15(4)) and the reviews.
func (a *App) annualCharters(ctx context.Context, unitIDs []int64, year int, _ time.Time) (domain.AnnualSection, error) {
	f, err := a.CharterYearFigures(ctx, unitIDs, year)
	if err != nil {
		return domain.AnnualSection{}, err
	}
	n := func(v ...int) (s int64) {
		for _, x := range v {
			s += int64(x)
		}
		return s
	}
	return domain.AnnualSection{Key: "charters", Lines: []domain.AnnualLine{
		line("charters.recognise", n(f.Recognised, f.Rerecognised)),
		sub("charters.rerecognise", n(f.Rerecognised)),
		line("charters.refuse", n(f.Refused)),
		line("charters.suspend", n(f.SuspendedWhole, f.SuspendedPart)),
		sub("charters.suspend_part", n(f.SuspendedPart)),
		line("charters.annul", n(f.AnnulledWhole, f.AnnulledPart)),
		sub("charters.annul_part", n(f.AnnulledPart)),
		line("charters.amend", n(f.Amended)),
		line("charters.communities", n(f.Communities)),
		sub("charters.with_charter", n(f.WithCharter)),
		line("charters.in_force", n(f.InForce)),
		line("charters.suspended", n(f.Suspended)),
		line("charters.annulled", n(f.Annulled)),
		line("charters.due_review", n(f.DueReview)),
		line("charters.reviewed", n(f.Reviewed)),
	}}, nil
}

// annualDisclosures counts what the units made public in the year (Law 10/2022 art. 11–12):
// the postings that began in the year, those posted after the time art. 12(3) allows, and
// each item of art. 11, every item always listed so that a province sums the same lines.
// The consultation results published on the portal count under item 8.
func (a *App) annualDisclosures(ctx context.Context, unitIDs []int64, year int, _ time.Time) (domain.AnnualSection, error) {
	f, err := a.DisclosureYearFigures(ctx, unitIDs, year)
	if err != nil {
		return domain.AnnualSection{}, err
	}
	s := domain.AnnualSection{Key: "disclosures", Lines: []domain.AnnualLine{
		line("disclosures.posted", int64(f.Posted)),
		sub("disclosures.late", int64(f.Late)),
	}}
	for _, c := range domain.AllDisclosureCategories() {
		s.Lines = append(s.Lines, sub(fmt.Sprintf("disclosures.item%d", c), int64(f.ByCategory[c-1])))
	}
	return s, nil
}

// annualInitiatives counts the residents' proposals of matters for the villages to decide
// made in the year (Law 10/2022 art. 16(3)): proposed, those that reached the support of
// the share of households the law sets, those put to the community and those declined, and
// the supports they gathered online and on paper.
func (a *App) annualInitiatives(ctx context.Context, unitIDs []int64, year int, _ time.Time) (domain.AnnualSection, error) {
	f, err := a.InitiativeYearFigures(ctx, unitIDs, year)
	if err != nil {
		return domain.AnnualSection{}, err
	}
	return domain.AnnualSection{Key: "initiatives", Lines: []domain.AnnualLine{
		line("initiatives.proposed", int64(f.Proposed)),
		line("initiatives.reached", int64(f.Reached)),
		line("initiatives.put", int64(f.Put)),
		line("initiatives.declined", int64(f.Declined)),
		line("initiatives.supports", int64(f.SupportsOnline+f.SupportsPaper)),
		sub("initiatives.supports_online", int64(f.SupportsOnline)),
		sub("initiatives.supports_paper", int64(f.SupportsPaper)),
	}}, nil
}

// annualPlans counts the consult matters (Law 10/2022 art. 25) published in the year, by
// item of art. 25 (every item listed, and those naming none), whether their plans were sent
// to the commune People's Council and the commune Front before publication or late or not
// at all (art. 28(1)), and the reports on their results to the Council (art. 28(5), 14(3)):
// those submitted in the year, and the year's matters with results whose report is owed.
// A matter counts here in the year it was published, in the first section in the year its
// period began: a matter published in December to open in January is in each of two years.
func (a *App) annualPlans(ctx context.Context, unitIDs []int64, year int, _ time.Time) (domain.AnnualSection, error) {
	f := PlanFigures{Year: year}
	if len(unitIDs) > 0 {
		var err error
		if f, err = a.PlanYearFigures(ctx, unitIDs, year); err != nil {
			return domain.AnnualSection{}, err
		}
	}
	byTopic := map[domain.Topic]int{}
	for _, t := range f.ByTopic {
		byTopic[t.Topic] = t.N
	}
	s := domain.AnnualSection{Key: "plans", Lines: []domain.AnnualLine{line("plans.matters", int64(f.ConsultMatters))}}
	for _, t := range domain.Topics {
		s.Lines = append(s.Lines, sub(fmt.Sprintf("plans.topic%d", t), int64(byTopic[t])))
	}
	s.Lines = append(s.Lines,
		sub("plans.topic_none", int64(f.TopicNotStated)),
		line("plans.council_sent", int64(f.Council.OnTime+f.Council.Late)),
		sub("plans.council_late", int64(f.Council.Late)),
		line("plans.council_missing", int64(f.Council.Missing)),
		line("plans.front_sent", int64(f.Front.OnTime+f.Front.Late)),
		sub("plans.front_late", int64(f.Front.Late)),
		line("plans.front_missing", int64(f.Front.Missing)),
		line("plans.reports_submitted", int64(f.CouncilReportsSubmitted)),
		line("plans.reports_pending", int64(f.CouncilReportsPending)),
	)
	return s, nil
}

// annualDialogues counts the dialogues between the commune People's Committee and its
// residents whose meeting fell in the year (Law 10/2022 art. 32): scheduled, held and
// cancelled; the questions sent to them, approved, rejected and answered; and the promises
// made at them as they stand now: kept by their due day, done late, overdue, not yet due.
func (a *App) annualDialogues(ctx context.Context, unitIDs []int64, year int, _ time.Time) (domain.AnnualSection, error) {
	var f DialogueFigures
	if len(unitIDs) > 0 {
		var err error
		if f, err = a.DialogueYearFigures(ctx, unitIDs, year); err != nil {
			return domain.AnnualSection{}, err
		}
	}
	return domain.AnnualSection{Key: "dialogues", Lines: []domain.AnnualLine{
		line("dialogues.scheduled", int64(f.Scheduled)),
		sub("dialogues.held", int64(f.Held)),
		sub("dialogues.cancelled", int64(f.Cancelled)),
		line("dialogues.questions", int64(f.Questions)),
		sub("dialogues.approved", int64(f.Approved)),
		sub("dialogues.rejected", int64(f.Rejected)),
		line("dialogues.answered", int64(f.Answered)),
		line("dialogues.promises", int64(f.Promises)),
		sub("dialogues.promises_kept", int64(f.PromisesKept)),
		sub("dialogues.promises_late", int64(f.PromisesDoneLate)),
		sub("dialogues.promises_overdue", int64(f.PromisesOverdue)),
		sub("dialogues.promises_pending", int64(f.PromisesPending)),
	}}, nil
}

// annualSatisfaction counts the residents' ratings of the year's consultations (Law 10/2022
// art. 35): how many, their mean, and each score.
func (a *App) annualSatisfaction(ctx context.Context, unitIDs []int64, year int, _ time.Time) (domain.AnnualSection, error) {
	from, to := domain.AnnualPeriod(year)
	f, err := a.store.AnnualRatings(ctx, unitIDs, from, to)
	if err != nil {
		return domain.AnnualSection{}, err
	}
	s := domain.AnnualSection{Key: "satisfaction", Lines: []domain.AnnualLine{
		line("satisfaction.count", int64(f.Count)),
		{Key: "satisfaction.mean", N: int64(f.Sum), Of: int64(f.Count), Mean: true},
	}}
	for score := domain.MaxRating; score >= domain.MinRating; score-- {
		s.Lines = append(s.Lines, sub("satisfaction.score"+string(rune('0'+score)), int64(f.By[score-1])))
	}
	return s, nil
}

// annualLate counts what the oversight view counts as late, whose deadline fell in the
// year: results published late or still owed (Law 10/2022 art. 12), villages' decisions
// not sent or not recognised in time (art. 20(3), 21(2)), and the deadlines of the charters'
// recognition (Decree 61/2023 art. 11).
func (a *App) annualLate(ctx context.Context, unitIDs []int64, year int, now time.Time) (domain.AnnualSection, error) {
	var results, decisions, charters int64
	if len(unitIDs) > 0 {
		rows, err := a.store.ConsultationDates(ctx, unitIDs)
		if err != nil {
			return domain.AnnualSection{}, err
		}
		cal := a.calendar()
		for _, r := range rows {
			if o := overseen(r, now, cal); o.Late() && domain.InAnnualYear(*o.Deadline, year) {
				results++
			}
		}
		ds, err := a.decisionDeadlines(ctx, unitIDs, now)
		if err != nil {
			return domain.AnnualSection{}, err
		}
		for _, d := range ds {
			if domain.InAnnualYear(d.Deadline.Due, year) {
				decisions++
			}
		}
		cs, err := a.charterDeadlines(ctx, unitIDs, now)
		if err != nil {
			return domain.AnnualSection{}, err
		}
		for _, c := range cs {
			if domain.InAnnualYear(c.Deadline.Due, year) {
				charters++
			}
		}
	}
	return domain.AnnualSection{Key: "late", Lines: []domain.AnnualLine{
		line("late.total", results+decisions+charters),
		sub("late.results", results),
		sub("late.decisions", decisions),
		sub("late.charters", charters),
	}}, nil
}

// AnnualReportUnits lists the units whose annual report a staff member would open: the
// provinces and communes they oversee.
func (a *App) AnnualReportUnits(ctx context.Context, actor *domain.Actor) ([]domain.Unit, error) {
	scope, err := a.scope(ctx, actor, domain.PermOversee)
	if err != nil {
		return nil, err
	}
	units, err := a.store.UnitsAboveVillages(ctx, scope)
	return units, wrap(err)
}
