package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// Plans and reports of a consult matter (Law 10/2022 art. 25-28): the item of art. 25 it is
// about, the days its plan went to the commune People's Council and the commune Front (art.
// 28(1)), and, after the results, the day the commune's report on them went to the People's
// Council at its next regular session (art. 28(5), 14(3)).

// topicFor works out the art. 25 item of a new consultation, or the message refusing it: a
// consult matter of a commune, ward or special zone must name one; a decide matter has none
// (its item is of art. 15). A consult matter of a village may name one.
func topicFor(matter domain.Matter, unit domain.UnitKind, given domain.Topic) (*domain.Topic, string) {
	switch {
	case given != 0 && !given.Valid():
		return nil, "plans.validation.topic_unknown"
	case given != 0 && matter != domain.MatterConsult:
		return nil, "plans.validation.topic_decide"
	case given != 0:
		return &given, ""
	case unit != "" && domain.TopicRequired(matter, unit):
		return nil, "plans.validation.topic_required"
	}
	return nil, ""
}

// PlanView is what the staff see and record about the plan and the Council report of a
// consult matter.
type PlanView struct {
	C    *domain.Consultation
	Plan *domain.ConsultationPlan
	// Council and Front say where the duty to send the plan stands for each recipient.
	Council, Front domain.Sending
	// ReportOpen is set once the results are published: the report to the Council can then be
	// recorded; ReportDue while it has not been.
	ReportOpen, ReportDue bool
	CanManage             bool
}

// Flagged reports whether the plan was not sent, or sent late, to either recipient.
func (v *PlanView) Flagged() bool { return v.Council.Flagged() || v.Front.Flagged() }

// planConsultation loads a consult matter for its plan, or refuses another kind of matter.
func (a *App) planConsultation(ctx context.Context, actor *domain.Actor, id int64) (*domain.Consultation, error) {
	c, err := a.OverseenConsultation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if c.Matter != domain.MatterConsult {
		return nil, domain.Errorf(domain.CodeConflict, "plans.error.not_consult")
	}
	return c, nil
}

// ConsultationPlan is the plan of a consult matter for staff who oversee it.
func (a *App) ConsultationPlan(ctx context.Context, actor *domain.Actor, id int64) (*PlanView, error) {
	c, err := a.planConsultation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	v, err := a.planView(ctx, c)
	if err != nil {
		return nil, err
	}
	v.CanManage = a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID) == nil
	return v, nil
}

func (a *App) planView(ctx context.Context, c *domain.Consultation) (*PlanView, error) {
	p, err := a.store.ConsultationPlan(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	v := &PlanView{C: c, Plan: p, Council: domain.PlanSending(p.CouncilSentOn, c.PublishedAt),
		Front: domain.PlanSending(p.FrontSentOn, c.PublishedAt), ReportOpen: c.Status.ResultsPublished()}
	v.ReportDue = v.ReportOpen && p.ReportSubmittedOn == nil
	return v, nil
}

// PlanInput is what an official records about the sending of a plan: for each recipient, a
// day (YYYY-MM-DD), "" to clear a day recorded by mistake, or nil to keep what is recorded.
// Topic states the item of art. 25 of a consultation that named none (created before it
// was asked); one already stated is not changed here.
type PlanInput struct {
	CouncilSentOn *string `json:"council_sent_on"`
	FrontSentOn   *string `json:"front_sent_on"`
	Topic         *int    `json:"topic"`
}

// RecordPlan records the days the plan of a consult matter was sent to the commune People's
// Council and the commune Front (Law 10/2022 art. 28(1)). A day cannot be in the future.
func (a *App) RecordPlan(ctx context.Context, actor *domain.Actor, id int64, in PlanInput) (*PlanView, error) {
	c, err := a.planConsultation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID); err != nil {
		return nil, err
	}
	p, err := a.store.ConsultationPlan(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	now := a.Now()
	var verr error
	if in.CouncilSentOn != nil {
		p.CouncilSentOn, verr = pastDay(verr, "council_sent_on", *in.CouncilSentOn, now)
	}
	if in.FrontSentOn != nil {
		p.FrontSentOn, verr = pastDay(verr, "front_sent_on", *in.FrontSentOn, now)
	}
	var topic domain.Topic
	if in.Topic != nil && *in.Topic != 0 {
		topic = domain.Topic(*in.Topic)
		switch {
		case !topic.Valid():
			verr = mergeInvalid(verr, "topic", "plans.validation.topic_unknown")
		case c.Topic != nil && *c.Topic != topic:
			return nil, domain.Errorf(domain.CodeConflict, "plans.error.topic_stated")
		case c.Topic != nil:
			topic = 0 // the same item again: nothing to change
		}
	}
	if verr != nil {
		return nil, verr
	}
	detail := fmt.Sprintf("council %s, front %s", dayText(p.CouncilSentOn), dayText(p.FrontSentOn))
	if topic != 0 {
		detail += fmt.Sprintf(", art. 25 item %d", topic)
	}
	p.UpdatedBy, p.UpdatedAt = &actor.StaffID, a.Now()
	err = wrap(a.inTx(ctx, func(ctx context.Context) error {
		if topic != 0 {
			if err := a.store.StateTopic(ctx, c.ID, topic, a.Now()); err != nil {
				return err
			}
		}
		if err := a.store.SavePlan(ctx, p); err != nil {
			return err
		}
		return a.audit(ctx, actor, "consultation.plan", "consultation", c.ID, c.UnitID, detail)
	}))
	if err != nil {
		return nil, err
	}
	return a.ConsultationPlan(ctx, actor, id)
}

// CouncilReportInput is the submission of the report on the results to the People's Council.
type CouncilReportInput struct {
	SubmittedOn string `json:"submitted_on"`
	Session     string `json:"session"`
}

// RecordCouncilReport records the day the commune submitted its report on the results of a
// consult matter to the commune People's Council, at the Council's next regular session
// (Law 10/2022 art. 28(5), 14(3)). The results must be published, and the day fall neither
// before the day they were published nor in the future; it may be corrected.
func (a *App) RecordCouncilReport(ctx context.Context, actor *domain.Actor, id int64, in CouncilReportInput) (*PlanView, error) {
	c, err := a.planConsultation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID); err != nil {
		return nil, err
	}
	if !c.Status.ResultsPublished() || c.ResultsPublishedAt == nil {
		return nil, domain.Errorf(domain.CodeConflict, "plans.error.results_not_published")
	}
	session := textnorm.CleanLine(in.Session)
	var verr error
	if utf8.RuneCountInString(session) > domain.MaxSession {
		verr = domain.InvalidField("session", "validation.max", domain.MaxSession)
	}
	day, verr := pastDay(verr, "submitted_on", in.SubmittedOn, a.Now())
	if day == nil {
		verr = mergeInvalid(verr, "submitted_on", "validation.required")
	} else if domain.StartOfDay(*day).Before(domain.StartOfDay(*c.ResultsPublishedAt)) {
		verr = mergeInvalid(verr, "submitted_on", "plans.validation.report_before_results",
			c.ResultsPublishedAt.In(domain.Zone).Format("02/01/2006"))
	}
	if verr != nil {
		return nil, verr
	}
	p, err := a.store.ConsultationPlan(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	p.ReportSubmittedOn, p.ReportSession = day, session
	if err := a.savePlan(ctx, actor, c, p, "consultation.council_report", "submitted "+dayText(day)); err != nil {
		return nil, err
	}
	return a.ConsultationPlan(ctx, actor, id)
}

func (a *App) savePlan(ctx context.Context, actor *domain.Actor, c *domain.Consultation, p *domain.ConsultationPlan, action, detail string) error {
	p.UpdatedBy, p.UpdatedAt = &actor.StaffID, a.Now()
	return wrap(a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SavePlan(ctx, p); err != nil {
			return err
		}
		return a.audit(ctx, actor, action, "consultation", c.ID, c.UnitID, detail)
	}))
}

// pastDay reads a day (YYYY-MM-DD, local) that cannot be in the future: nil for "", and the
// field's message added to err when it is not a day or is after today.
func pastDay(err error, field, s string, now time.Time) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, err
	}
	d, perr := time.ParseInLocation(time.DateOnly, s, domain.Zone)
	if perr != nil {
		return nil, mergeInvalid(err, field, "validation.date")
	}
	if d.After(domain.StartOfDay(now)) {
		return nil, mergeInvalid(err, field, "plans.validation.future")
	}
	day := d.UTC()
	return &day, err
}

func dayText(d *time.Time) string {
	if d == nil {
		return "-"
	}
	return d.In(domain.Zone).Format(time.DateOnly)
}

// CouncilReport is the report of the People's Committee to the commune People's Council on
// the results of a consult matter (Law 10/2022 art. 28(5), 14(3)): the consolidated report
// with the plan's record and the item of art. 25.
type CouncilReport struct {
	*Report
	Topic *domain.Topic
	Plan  *domain.ConsultationPlan
	// Commune names the commune whose Council receives it (the consultation's unit, or the
	// commune above a village), as a title and In as it reads inside a sentence.
	Commune, In string
}

// Day is the date the report bears: the day it was submitted, or today until then.
func (r *CouncilReport) Day() time.Time {
	if r.Plan.ReportSubmittedOn != nil {
		return r.Plan.ReportSubmittedOn.In(domain.Zone)
	}
	return r.GeneratedAt.In(domain.Zone)
}

// PlaceDate is the line under the heading block: "Xã An Bình, ngày 06 tháng 02 năm 2026", a
// day below 10 and the months January and February with a leading zero (Decree 30/2020).
func (r *CouncilReport) PlaceDate(lang string) string {
	d := r.Day()
	day, month := fmt.Sprintf("%02d", d.Day()), strconv.Itoa(int(d.Month()))
	if d.Month() <= 2 {
		month = "0" + month
	}
	return i18n.T(lang, "docx.place_date", r.Commune, day, month, strconv.Itoa(d.Year()))
}

// CouncilReport builds the report to the Council for staff who oversee the consultation,
// once its results are published.
func (a *App) CouncilReport(ctx context.Context, actor *domain.Actor, id int64) (*CouncilReport, error) {
	c, err := a.planConsultation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !c.Status.ResultsPublished() {
		return nil, domain.Errorf(domain.CodeConflict, "plans.error.results_not_published")
	}
	return a.councilReport(ctx, c)
}

// PublishedCouncilReport is the report to the Council as anyone may read it, once it was
// submitted: part of the consultation's results.
func (a *App) PublishedCouncilReport(ctx context.Context, id int64) (*CouncilReport, error) {
	c, err := a.store.ConsultationByID(ctx, id)
	if err != nil {
		return nil, wrap(err)
	}
	if c.Matter != domain.MatterConsult || !c.Status.ResultsPublished() {
		return nil, domain.ErrNotFound
	}
	r, err := a.councilReport(ctx, c)
	if err != nil {
		return nil, err
	}
	if r.Plan.ReportSubmittedOn == nil {
		return nil, domain.ErrNotFound
	}
	return r, nil
}

func (a *App) councilReport(ctx context.Context, c *domain.Consultation) (*CouncilReport, error) {
	r, err := a.buildReport(ctx, c, "")
	if err != nil {
		return nil, err
	}
	p, err := a.store.ConsultationPlan(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	return &CouncilReport{Report: r, Topic: c.Topic, Plan: p, Commune: r.Place, In: inSentence(r.Place)}, nil
}

// inSentence writes a unit's name as it reads inside a sentence: "Xã An Bình" becomes "xã
// An Bình" ("Hội đồng nhân dân xã An Bình"); other names are kept.
func inSentence(name string) string {
	for _, kind := range []string{"Xã ", "Phường ", "Đặc khu ", "Thị trấn "} {
		if strings.HasPrefix(name, kind) {
			return strings.ToLower(kind) + strings.TrimPrefix(name, kind)
		}
	}
	return name
}

// PublicPlan is what the consultation's public page shows of its plan and Council report.
type PublicPlan struct {
	Topic             *domain.Topic
	ReportSubmittedOn *time.Time
	ReportSession     string
}

// PublicPlan is the part of a consult matter's record its public page shows: the item of
// art. 25 and, once the results are published and the report submitted, the day it went to
// the Council. Nil for a decide matter.
func (a *App) PublicPlan(ctx context.Context, c *domain.Consultation) (*PublicPlan, error) {
	if c.Matter != domain.MatterConsult {
		return nil, nil
	}
	out := &PublicPlan{Topic: c.Topic}
	if !c.Status.ResultsPublished() {
		return out, nil
	}
	p, err := a.store.ConsultationPlan(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	out.ReportSubmittedOn, out.ReportSession = p.ReportSubmittedOn, p.ReportSession
	return out, nil
}

// TopicCount is how many consult matters named one item of art. 25.
type TopicCount struct {
	Topic domain.Topic
	N     int
}

// SendingCounts counts consult matters by where the sending of their plan to one recipient
// stands.
type SendingCounts struct {
	OnTime, Late, Missing int
}

// PlanFigures are a year's figures on the consult matters of some units, for the annual
// report: what they were about (Law 10/2022 art. 25), whether their plans reached the
// commune People's Council and the commune Front before publication (art. 28(1)), and the
// reports on their results submitted to the Council (art. 28(5), 14(3)).
type PlanFigures struct {
	Year int
	// ConsultMatters counts the consult matters published in the year; ByTopic splits them
	// by item of art. 25 (every item, zeros included), TopicNotStated those that name none.
	ConsultMatters int
	ByTopic        []TopicCount
	TopicNotStated int
	// Council and Front: the sending of the plans of the year's consult matters.
	Council, Front SendingCounts
	// ResultsPublished counts the year's consult matters whose results are published, and
	// CouncilReportsPending those of them whose report has not been submitted.
	ResultsPublished      int
	CouncilReportsPending int
	// CouncilReportsSubmitted counts the reports submitted to the Council in the year,
	// whichever year their consultation was published in.
	CouncilReportsSubmitted int
}

// PlanYearFigures counts a calendar year (local time) of consult matters of the units and
// the units under them; a consultation belongs to the year it was published in.
func (a *App) PlanYearFigures(ctx context.Context, unitIDs []int64, year int) (PlanFigures, error) {
	f := PlanFigures{Year: year}
	for _, t := range domain.Topics {
		f.ByTopic = append(f.ByTopic, TopicCount{Topic: t})
	}
	ids, err := a.store.UnitSubtree(ctx, unitIDs)
	if err != nil {
		return f, wrap(err)
	}
	from := time.Date(year, time.January, 1, 0, 0, 0, 0, domain.Zone)
	to := from.AddDate(1, 0, 0)
	rows, err := a.store.PlanRows(ctx, ids, from, to)
	if err != nil {
		return f, wrap(err)
	}
	in := func(t *time.Time) bool { return t != nil && !t.Before(from) && t.Before(to) }
	for _, r := range rows {
		if in(r.ReportSubmittedOn) {
			f.CouncilReportsSubmitted++
		}
		if !in(r.PublishedAt) || r.Status == domain.StatusWithdrawn {
			continue
		}
		f.ConsultMatters++
		if r.Topic != nil && r.Topic.Valid() {
			f.ByTopic[*r.Topic-1].N++
		} else {
			f.TopicNotStated++
		}
		f.Council.add(domain.PlanSending(r.CouncilSentOn, r.PublishedAt))
		f.Front.add(domain.PlanSending(r.FrontSentOn, r.PublishedAt))
		if r.Status.ResultsPublished() {
			f.ResultsPublished++
			if r.ReportSubmittedOn == nil {
				f.CouncilReportsPending++
			}
		}
	}
	return f, nil
}

func (s *SendingCounts) add(st domain.Sending) {
	switch st {
	case domain.SendingOnTime:
		s.OnTime++
	case domain.SendingLate:
		s.Late++
	case domain.SendingMissing:
		s.Missing++
	}
}
