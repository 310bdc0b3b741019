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
)

// charterBox is a charter's standing as pages show it: a badge, a sentence in plain words,
// its timeline and, for staff, its deadlines. Texts are written here in the reader's
// language, so templates only lay them out.
type charterBox struct {
	State     domain.CharterState
	Badge     string
	Sentence  string
	InForce   bool
	Timeline  []timelineItem
	Deadlines []deadlineItem
	// Drafting says when the drafting team was formed and its size; Reviews lists the
	// annual reviews (Decree 61/2023 art. 8, 15).
	Drafting string
	Reviews  []string
}

// members writes a number of drafting team members, singular or plural.
func members(c echo.Context, n int) string {
	if n == 1 {
		return httpx.T(c, "charterlife.members_one")
	}
	return httpx.T(c, "charterlife.members_many", n)
}

type timelineItem struct {
	Day    time.Time
	What   string
	Detail []string
	Who    string // staff pages only
}

type deadlineItem struct {
	What     string
	From     time.Time
	Due      time.Time
	Done     time.Time
	Standing string
	Missed   bool
}

// charterBoxOf describes a charter; nil for a consultation that is not a charter, or one
// with nothing to say yet (not adopted, no dossier). staff adds the deadlines and who
// recorded each step.
func charterBoxOf(c echo.Context, ch *app.Charter, staff bool) *charterBox {
	if ch == nil || (ch.Record == nil && !ch.Adopted) {
		return nil
	}
	b := &charterBox{State: ch.State(), InForce: ch.State().InForce()}
	r := ch.Record
	state := string(ch.State())
	if state == "" {
		state = "adopted"
	}
	b.Badge = httpx.T(c, "charter.badge."+state)
	switch ch.State() {
	case domain.CharterNone:
		b.Sentence = httpx.T(c, "charter.sentence.adopted")
	case domain.CharterSubmitted:
		b.Sentence = httpx.T(c, "charter.sentence.submitted", formatDate(r.SubmittedAt))
	case domain.CharterIncomplete:
		b.Sentence = httpx.T(c, "charter.sentence.incomplete", stepReasons(ch, "incomplete"))
	case domain.CharterComplete:
		b.Sentence = httpx.T(c, "charter.sentence.complete")
	case domain.CharterRecognised:
		b.Sentence = httpx.T(c, "charter.sentence.recognised", r.DecisionNumber, dayOf(r.DecisionDate))
		if r.AnnulledArticles != "" {
			b.Sentence += " " + httpx.T(c, "charterlife.sentence.annulled_part", r.AnnulledArticles)
		}
	case domain.CharterRefused:
		b.Sentence = httpx.T(c, "charter.sentence.refused", dayOf(r.DecisionDate), stepReasons(ch, "refuse"))
	case domain.CharterSuspended:
		// Decree 61/2023 art. 12: the whole charter or some articles, until the village
		// amends it and the commune recognises it again.
		if s := ch.Last("suspend"); s != nil {
			switch {
			case s.Scope == domain.ScopePart:
				b.Badge = httpx.T(c, "charterlife.badge.suspended_part")
				b.Sentence = httpx.T(c, "charterlife.sentence.suspend_part", s.Articles, s.DocNumber, dayOf(s.DocDate), s.Reasons, dayOf(s.AmendBy))
			case s.AmendBy != nil:
				b.Sentence = httpx.T(c, "charterlife.sentence.suspend_whole", s.DocNumber, dayOf(s.DocDate), s.Reasons, dayOf(s.AmendBy))
			default: // recorded before suspensions had a scope and a period
				b.Sentence = httpx.T(c, "charter.sentence.suspend", s.DocNumber, dayOf(s.DocDate), s.Reasons)
			}
		}
		if r.AmendedAt != nil {
			b.Sentence += " " + httpx.T(c, "charterlife.sentence.amended", formatDate(*r.AmendedAt))
		}
	case domain.CharterAnnulled:
		if s := ch.Last("annul"); s != nil {
			b.Sentence = httpx.T(c, "charter.sentence.annul", s.DocNumber, dayOf(s.DocDate), s.Reasons)
		}
	}
	if d := ch.Drafting; d != nil && d.TeamFormedOn != nil {
		// The public sees that a team was formed and how large, never who is in it.
		b.Drafting = httpx.T(c, "charterlife.drafting_summary", dayOf(d.TeamFormedOn), members(c, d.TeamSize()))
	}
	for _, rv := range ch.Reviews {
		b.Reviews = append(b.Reviews, httpx.T(c, "charterlife.review_item", rv.Year, formatDate(rv.HeldOn), httpx.T(c, "charterlife.outcome."+rv.Outcome)))
	}

	if ch.AdoptedOn != nil && r == nil {
		b.Timeline = append(b.Timeline, timelineItem{Day: *ch.AdoptedOn, What: httpx.T(c, "charter.step.adopted")})
	}
	for _, s := range ch.Steps {
		it := timelineItem{Day: s.CreatedAt, What: httpx.T(c, "charter.step."+string(s.Step))}
		if s.DocDate != nil {
			it.Day = *s.DocDate
		}
		switch s.Step {
		case domain.StepSubmit:
			if s.AdoptedOn != nil {
				it.Detail = append(it.Detail, httpx.T(c, "charter.detail.adopted_on", dayOf(s.AdoptedOn)))
			}
			it.Detail = append(it.Detail, dossierLines(c, s.RequestRef, s.RequestDate, s.MinutesRef, s.MinutesDate, s.HasText)...)
		case domain.StepIncomplete:
			it.Detail = append(it.Detail, httpx.T(c, "charter.detail.missing", s.Reasons))
		case domain.StepAmend:
			if s.AdoptedOn != nil {
				it.Detail = append(it.Detail, httpx.T(c, "charter.detail.adopted_on", dayOf(s.AdoptedOn)))
			}
			if s.MinutesDate != nil {
				it.Detail = append(it.Detail, httpx.T(c, "charterlife.detail.minutes", s.MinutesRef, dayOf(s.MinutesDate)))
			}
			if s.Articles != "" {
				it.Detail = append(it.Detail, httpx.T(c, "charterlife.detail.scope_part", s.Articles))
			}
			it.Detail = append(it.Detail, httpx.T(c, "charterlife.detail.amended", s.AmendedText))
		default:
			switch s.Scope {
			case domain.ScopeWhole:
				it.Detail = append(it.Detail, httpx.T(c, "charterlife.detail.scope_whole"))
			case domain.ScopePart:
				it.Detail = append(it.Detail, httpx.T(c, "charterlife.detail.scope_part", s.Articles))
			}
			if s.GroundsOn != nil {
				it.Detail = append(it.Detail, httpx.T(c, "charterlife.detail.grounds", dayOf(s.GroundsOn)))
			}
			if s.AmendBy != nil {
				it.Detail = append(it.Detail, httpx.T(c, "charterlife.detail.amend_by", dayOf(s.AmendBy)))
			}
			if s.Step == domain.StepReinstate {
				it.Detail = append(it.Detail, httpx.T(c, "charterlife.detail.legacy"))
			}
			if s.DocNumber != "" {
				it.Detail = append(it.Detail, httpx.T(c, "charter.detail.document", s.DocNumber, dayOf(s.DocDate)))
			}
			if s.Reasons != "" {
				it.Detail = append(it.Detail, httpx.T(c, "charter.detail.reasons", s.Reasons))
			}
		}
		if staff {
			it.Who = httpx.T(c, "charter.detail.recorded", s.ActorName, formatDateTime(s.CreatedAt))
		}
		b.Timeline = append(b.Timeline, it)
	}
	if staff {
		for _, d := range ch.Deadlines {
			di := deadlineItem{What: httpx.T(c, "charter.deadline."+string(d.Kind)), From: d.From, Due: d.Due, Missed: d.Missed()}
			if d.Done != nil {
				di.Done = *d.Done
			}
			switch d.Standing {
			case domain.DeadlineRunning:
				if d.DaysLeft == 0 {
					di.Standing = httpx.T(c, "charter.standing.due_today")
				} else {
					di.Standing = httpx.T(c, "charter.standing.running", workingDays(c, d.DaysLeft))
				}
			case domain.DeadlinePaused:
				di.Standing = httpx.T(c, "charter.standing.paused")
			case domain.DeadlineOverdue:
				di.Standing = httpx.T(c, "charter.standing.overdue", workingDays(c, d.DaysLate))
			case domain.DeadlineMet:
				di.Standing = httpx.T(c, "charter.standing.met")
			case domain.DeadlineLate:
				di.Standing = httpx.T(c, "charter.standing.late", workingDays(c, d.DaysLate))
			}
			b.Deadlines = append(b.Deadlines, di)
		}
	}
	return b
}

// dossierLines lists the documents of a dossier, each present or missing.
func dossierLines(c echo.Context, requestRef string, requestDate *time.Time, minutesRef string, minutesDate *time.Time, hasText bool) []string {
	doc := func(item, ref string, day *time.Time) string {
		if day == nil {
			return httpx.T(c, "charter.doc.missing", httpx.T(c, "charter.doc."+item))
		}
		if ref == "" {
			return httpx.T(c, "charter.doc.dated", httpx.T(c, "charter.doc."+item), dayOf(day))
		}
		return httpx.T(c, "charter.doc.present", httpx.T(c, "charter.doc."+item), ref, dayOf(day))
	}
	text := httpx.T(c, "charter.doc.missing", httpx.T(c, "charter.doc.text"))
	if hasText {
		text = httpx.T(c, "charter.doc.text_present")
	}
	return []string{doc("request", requestRef, requestDate), doc("minutes", minutesRef, minutesDate), text}
}

func dayOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatDate(*t)
}

// stepReasons is what the last step of a kind said.
func stepReasons(ch *app.Charter, step string) string {
	if s := ch.Last(step); s != nil {
		return s.Reasons
	}
	return ""
}

// charterPage is the staff page of a charter's recognition: where it stands, its deadlines,
// its dossier, its timeline, and a form for each step the official may record now.
type charterPage struct {
	Ch    *app.Charter
	Box   *charterBox
	Steps []domain.CharterStep
	// Dossier lists the checklist of the dossier last submitted.
	Dossier []string
	// In is the entry of each step's form: the official's own after a refused step,
	// otherwise what the portal already knows (the day of adoption, the dossier so far).
	In     map[string]app.CharterInput
	Failed string // the step whose form was refused
	// Outcomes are the choices of an annual review.
	Outcomes []string
}

func (s *Server) charterView(c echo.Context, id int64) (View, *charterPage, error) {
	ch, err := s.app.StaffCharter(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return View{}, nil, err
	}
	p := &charterPage{Ch: ch, Box: charterBoxOf(c, ch, true), Steps: ch.Next, In: map[string]app.CharterInput{}, Outcomes: domain.ReviewOutcomes}
	submit := app.CharterInput{Step: "submit", HasText: true}
	if ch.AdoptedOn != nil {
		submit.AdoptedOn = ch.AdoptedOn.In(domain.Zone).Format(time.DateOnly)
	}
	if r := ch.Record; r != nil {
		p.Dossier = dossierLines(c, r.RequestRef, r.RequestDate, r.MinutesRef, r.MinutesDate, r.HasText)
		if r.State == domain.CharterIncomplete {
			// The village completes its dossier: start from what it sent.
			submit = app.CharterInput{Step: "submit", AdoptedOn: isoDay(&r.AdoptedOn), RequestRef: r.RequestRef,
				RequestDate: isoDay(r.RequestDate), MinutesRef: r.MinutesRef, MinutesDate: isoDay(r.MinutesDate), HasText: r.HasText}
		}
	}
	p.In["submit"] = submit
	if d := ch.Drafting; d != nil {
		p.In["drafting"] = app.CharterInput{Step: "drafting", ProposedBy: d.ProposedBy, ProposedOn: isoDay(d.ProposedOn),
			Proposal: d.Proposal, TeamFormedOn: isoDay(d.TeamFormedOn), LeaderName: d.LeaderName,
			FrontHeadName: d.FrontHeadName, Members: d.Members}
	}
	v := s.view(c, "", p)
	v.Title = httpx.T(c, "charter.title") + " · " + ch.C.Title
	return v, p, nil
}

func isoDay(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(domain.Zone).Format(time.DateOnly)
}

func (s *Server) charter(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, _, err := s.charterView(c, id)
	if err != nil {
		return err
	}
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "charter", v)
}

// recordCharterStep records one step; a refused one comes back on the same page with the
// official's entry kept in its form and each message beside its field.
func (s *Server) recordCharterStep(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.CharterInput{
		Step: c.FormValue("step"), AdoptedOn: c.FormValue("adopted_on"),
		RequestRef: c.FormValue("request_ref"), RequestDate: c.FormValue("request_date"),
		MinutesRef: c.FormValue("minutes_ref"), MinutesDate: c.FormValue("minutes_date"),
		HasText:        c.FormValue("has_text") == "1",
		DecisionNumber: c.FormValue("decision_number"), DecisionDate: c.FormValue("decision_date"),
		Reasons: c.FormValue("reasons"),
		Scope:   c.FormValue("scope"), Articles: c.FormValue("articles"), GroundsOn: c.FormValue("grounds_on"),
		AmendBy: c.FormValue("amend_by"), AmendedText: c.FormValue("amended_text"),
		ProposedBy: c.FormValue("proposed_by"), ProposedOn: c.FormValue("proposed_on"), Proposal: c.FormValue("proposal"),
		TeamFormedOn: c.FormValue("team_formed_on"), LeaderName: c.FormValue("leader_name"),
		FrontHeadName: c.FormValue("front_head_name"), Members: c.FormValue("members"),
		HeldOn: c.FormValue("held_on"), Outcome: c.FormValue("outcome"), Findings: c.FormValue("findings"),
	}
	if _, err := s.app.RecordCharterStep(c.Request().Context(), httpx.Actor(c), id, in); err != nil {
		de := domain.AsError(err)
		if de.Code != domain.CodeInvalid && de.Code != domain.CodeConflict {
			return err
		}
		v, p, verr := s.charterView(c, id)
		if verr != nil {
			return verr
		}
		step := strings.TrimSpace(in.Step)
		p.In[step], p.Failed = in, step
		v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
		// Every step has its own form: the field names carry the step, so the message and
		// the summary's link land on the form that was refused.
		v.Errors = map[string]string{}
		for f, m := range httpx.FieldMessages(de, v.L) {
			v.Errors[step+"-"+f] = m
		}
		return s.views.render(c, httpx.Status(de.Code), "charter", v)
	}
	s.sessions.Put(c.Request().Context(), "flash", "flash.charter."+in.Step)
	return c.Redirect(http.StatusSeeOther, "/staff/consultations/"+strconv.FormatInt(id, 10)+"/recognition")
}
