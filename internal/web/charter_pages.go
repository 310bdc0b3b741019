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
	case domain.CharterRefused:
		b.Sentence = httpx.T(c, "charter.sentence.refused", dayOf(r.DecisionDate), stepReasons(ch, "refuse"))
	case domain.CharterSuspended, domain.CharterAnnulled:
		step := "suspend"
		if ch.State() == domain.CharterAnnulled {
			step = "annul"
		}
		if s := ch.Last(step); s != nil {
			b.Sentence = httpx.T(c, "charter.sentence."+step, s.DocNumber, dayOf(s.DocDate), s.Reasons)
		}
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
		default:
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
}

func (s *Server) charterView(c echo.Context, id int64) (View, *charterPage, error) {
	ch, err := s.app.StaffCharter(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return View{}, nil, err
	}
	p := &charterPage{Ch: ch, Box: charterBoxOf(c, ch, true), Steps: ch.Next, In: map[string]app.CharterInput{}}
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
