package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/export"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// The pages of a decide matter's household decisions: the villages with their decisions and
// forms, the printable record of each decision, online voting (set-up, code sheet, minutes)
// and the public page where a household representative votes with a code.

// Voting codes are 75 random bits, so guessing is hopeless anyway; the limit keeps anyone
// from trying at scale and from filling the logs.
const (
	voteFailures      = 10
	voteFailureWindow = 15 * time.Minute
)

// localDateTime is the format of an HTML datetime-local field, read in the portal's zone.
const localDateTime = "2006-01-02T15:04"

// villageInput is one village's decision form as typed, kept when it comes back refused.
type villageInput struct {
	Form, HeldOn, Place, Content, Present, Agree, Disagree, Other string
	// Clusters are the rows of cluster meetings, for a village of 200 households or more.
	Clusters []clusterInput
}

// clusterInput is one cluster meeting's row as typed.
type clusterInput struct {
	Name, Present, Agree, Disagree, Other string
}

// clusterRows is how many cluster meetings the form of a large village offers.
const clusterRows = 6

// actInput is the form of an act after a village's decision, as typed.
type actInput struct {
	SentOn, ReceivedOn, Decision, Number, Date, Reasons string
}

// ballotInput is one village's online-voting form as typed.
type ballotInput struct {
	Agreed, AgreedOn, OpensAt, ClosesAt string
}

type householdData struct {
	H      *app.HouseholdDecisions
	Forms  []domain.DecisionForm
	Input  map[int64]villageInput
	Ballot map[int64]ballotInput
	Acts   map[int64]actInput
	Online bool // the matter's item allows online voting
	// ClusterMin is the size from which a village may meet by clusters.
	ClusterMin int
}

// villageParams reads the consultation's and the village's IDs of a household route
// (/staff/consultations/:id/villages/:village/…).
func villageParams(c echo.Context) (id, village int64, err error) {
	if id, err = pathID(c); err != nil {
		return 0, 0, err
	}
	village, err = strconv.ParseInt(c.Param("village"), 10, 64)
	if err != nil || village <= 0 {
		return 0, 0, domain.ErrNotFound
	}
	return id, village, nil
}

func (s *Server) householdView(c echo.Context, id int64) (View, *householdData, error) {
	h, err := s.app.HouseholdDecisionsOf(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return View{}, nil, err
	}
	d := &householdData{H: h, Forms: domain.RecordedForms, Input: map[int64]villageInput{}, Ballot: map[int64]ballotInput{},
		Acts: map[int64]actInput{}, Online: h.Item == domain.ItemOtherSelfManaged, ClusterMin: domain.ClusterMinHouseholds}
	today := domain.StartOfDay(h.Now).Format(time.DateOnly)
	for _, r := range h.Villages {
		in := villageInput{Form: string(domain.FormMeeting), HeldOn: today}
		if dec := r.Decision; dec != nil && dec.ID != 0 {
			in = villageInput{Form: string(dec.Form), HeldOn: dec.HeldOn.In(domain.Zone).Format(time.DateOnly), Place: dec.Place,
				Content: dec.Content, Present: strconv.Itoa(dec.Present), Agree: strconv.Itoa(dec.Agree),
				Disagree: strconv.Itoa(dec.Disagree), Other: strconv.Itoa(dec.Other)}
			for _, cl := range dec.Clusters {
				in.Clusters = append(in.Clusters, clusterInput{Name: cl.Name, Present: strconv.Itoa(cl.Present),
					Agree: strconv.Itoa(cl.Agree), Disagree: strconv.Itoa(cl.Disagree), Other: strconv.Itoa(cl.Other)})
			}
			// After a meeting that could not decide, the form offers the ballots that follow.
			if r.NoQuorum() && h.Item.MeetingFirst() {
				in = villageInput{Form: string(domain.FormBallot), HeldOn: today, Place: dec.Place, Content: dec.Content}
			}
		}
		if r.Village.Households >= domain.ClusterMinHouseholds {
			for len(in.Clusters) < clusterRows {
				in.Clusters = append(in.Clusters, clusterInput{})
			}
		}
		d.Input[r.Village.ID] = in
		d.Acts[r.Village.ID] = actInput{SentOn: today, ReceivedOn: today, Date: today}
		b := ballotInput{AgreedOn: today}
		if bal := r.Ballot; bal != nil {
			b = ballotInput{Agreed: strconv.Itoa(bal.AgreedHouseholds), AgreedOn: bal.AgreedOn.In(domain.Zone).Format(time.DateOnly),
				OpensAt: bal.OpensAt.In(domain.Zone).Format(localDateTime), ClosesAt: bal.ClosesAt.In(domain.Zone).Format(localDateTime)}
		}
		d.Ballot[r.Village.ID] = b
	}
	v := s.view(c, "household.title", d)
	return v, d, nil
}

func (s *Server) householdDecisions(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, _, err := s.householdView(c, id)
	if err != nil {
		return err
	}
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "household", v)
}

// householdError shows a refused form on the villages page, the entry kept and each
// message beside its field: field names carry the village, as every village has its forms.
func (s *Server) householdError(c echo.Context, id, villageID int64, err error, keep func(*householdData)) error {
	de := domain.AsError(err)
	if de.Code != domain.CodeInvalid && de.Code != domain.CodeConflict {
		return err
	}
	v, d, verr := s.householdView(c, id)
	if verr != nil {
		return verr
	}
	keep(d)
	v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
	v.Errors = map[string]string{}
	for f, m := range httpx.FieldMessages(de, v.L) {
		v.Errors[f+"-"+strconv.FormatInt(villageID, 10)] = m
	}
	return s.views.render(c, httpx.Status(de.Code), "household", v)
}

// intField reads a whole number from a form; an empty or unreadable field is nil, which the
// app reports as missing.
func intField(c echo.Context, name string) *int {
	n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(name)))
	if err != nil {
		return nil
	}
	return &n
}

func dateField(c echo.Context, name string) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, strings.TrimSpace(c.FormValue(name)), domain.Zone)
	return t
}

func dateTimeField(c echo.Context, name string) time.Time {
	t, _ := time.ParseInLocation(localDateTime, strings.TrimSpace(c.FormValue(name)), domain.Zone)
	return t
}

// clusterFields reads the rows of cluster meetings a form sent, skipping empty rows.
func clusterFields(c echo.Context) ([]clusterInput, []app.ClusterInput) {
	form, _ := c.FormParams()
	col := func(name string, i int) string {
		if v := form[name]; i < len(v) {
			return strings.TrimSpace(v[i])
		}
		return ""
	}
	var typed []clusterInput
	var in []app.ClusterInput
	for i := range len(form["cluster_present"]) {
		row := clusterInput{Name: col("cluster_name", i), Present: col("cluster_present", i), Agree: col("cluster_agree", i),
			Disagree: col("cluster_disagree", i), Other: col("cluster_other", i)}
		typed = append(typed, row)
		if row == (clusterInput{}) {
			continue
		}
		num := func(s string) *int {
			n, err := strconv.Atoi(s)
			if err != nil {
				return nil
			}
			return &n
		}
		in = append(in, app.ClusterInput{Name: row.Name, Present: num(row.Present), Agree: num(row.Agree),
			Disagree: num(row.Disagree), Other: num(row.Other)})
	}
	return typed, in
}

func (s *Server) recordVillageDecision(c echo.Context) error {
	id, vid, err := villageParams(c)
	if err != nil {
		return err
	}
	typed := villageInput{Form: c.FormValue("form"), HeldOn: c.FormValue("held_on"), Place: c.FormValue("place"),
		Content: c.FormValue("content"), Present: c.FormValue("present"),
		Agree: c.FormValue("agree"), Disagree: c.FormValue("disagree"), Other: c.FormValue("other")}
	in := app.NewVillageDecision{Form: typed.Form, HeldOn: dateField(c, "held_on"), Place: typed.Place, Content: typed.Content}
	typed.Clusters, in.Clusters = clusterFields(c)
	// With cluster meetings, the village's numbers are their sums: the form's own fields
	// are left for a village that met once.
	if len(in.Clusters) == 0 {
		in.Present, in.Agree, in.Disagree, in.Other = intField(c, "present"), intField(c, "agree"), intField(c, "disagree"), intField(c, "other")
	}
	_, out, err := s.app.RecordVillageDecision(c.Request().Context(), httpx.Actor(c), id, vid, in)
	if err != nil {
		return s.householdError(c, id, vid, err, func(d *householdData) { d.Input[vid] = typed })
	}
	flash := "household.flash.rejected"
	switch {
	case !out.Quorate:
		flash = "household.flash.no_quorum"
	case out.Adopted:
		flash = "household.flash.adopted"
	}
	s.sessions.Put(c.Request().Context(), "flash", flash)
	return c.Redirect(http.StatusSeeOther, householdURL(id)+"#v-"+strconv.FormatInt(vid, 10))
}

// villageAct runs an act after a village's decision and goes back to the village on the
// page, or shows the refusal there with the entry kept.
func (s *Server) villageAct(c echo.Context, flash string, act func(ctx context.Context, actor *domain.Actor, id, vid int64) error) error {
	id, vid, err := villageParams(c)
	if err != nil {
		return err
	}
	typed := actInput{SentOn: c.FormValue("sent_on"), ReceivedOn: c.FormValue("received_on"), Decision: c.FormValue("decision"),
		Number: c.FormValue("number"), Date: c.FormValue("date"), Reasons: c.FormValue("reasons")}
	if err := act(c.Request().Context(), httpx.Actor(c), id, vid); err != nil {
		return s.householdError(c, id, vid, err, func(d *householdData) { d.Acts[vid] = typed })
	}
	s.sessions.Put(c.Request().Context(), "flash", flash)
	return c.Redirect(http.StatusSeeOther, householdURL(id)+"#v-"+strconv.FormatInt(vid, 10))
}

func (s *Server) decisionSent(c echo.Context) error {
	return s.villageAct(c, "household.flash.sent", func(ctx context.Context, actor *domain.Actor, id, vid int64) error {
		return s.app.RecordDecisionSent(ctx, actor, id, vid, dateField(c, "sent_on"))
	})
}

func (s *Server) frontReceipt(c echo.Context) error {
	return s.villageAct(c, "household.flash.received", func(ctx context.Context, actor *domain.Actor, id, vid int64) error {
		return s.app.RecordFrontReceipt(ctx, actor, id, vid, dateField(c, "received_on"))
	})
}

func (s *Server) signRecord(c echo.Context) error {
	return s.villageAct(c, "household.flash.signed", func(ctx context.Context, actor *domain.Actor, id, vid int64) error {
		return s.app.SignDecisionRecord(ctx, actor, id, vid)
	})
}

func (s *Server) recogniseDecision(c echo.Context) error {
	return s.villageAct(c, "household.flash.recognition."+c.FormValue("decision"), func(ctx context.Context, actor *domain.Actor, id, vid int64) error {
		return s.app.RecogniseDecision(ctx, actor, id, vid, app.RecognitionInput{Decision: c.FormValue("decision"),
			Number: c.FormValue("number"), Date: dateField(c, "date"), Reasons: c.FormValue("reasons")})
	})
}

func (s *Server) agreeOnlineVote(c echo.Context) error {
	return s.villageAct(c, "household.flash.front_agreed", func(ctx context.Context, actor *domain.Actor, id, vid int64) error {
		return s.app.AgreeToOnlineVote(ctx, actor, id, vid)
	})
}

func householdURL(id int64) string {
	return "/staff/consultations/" + strconv.FormatInt(id, 10) + "/villages"
}

func (s *Server) concludeDecision(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cons, err := s.app.Conclude(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		de := domain.AsError(err)
		if de.Code != domain.CodeConflict {
			return err
		}
		v, _, verr := s.householdView(c, id)
		if verr != nil {
			return verr
		}
		v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
		return s.views.render(c, httpx.Status(de.Code), "household", v)
	}
	s.sessions.Put(c.Request().Context(), "flash", "household.flash.concluded."+string(cons.Status))
	return c.Redirect(http.StatusSeeOther, "/staff/consultations/"+strconv.FormatInt(id, 10))
}

func (s *Server) villageRecord(c echo.Context) error {
	id, vid, err := villageParams(c)
	if err != nil {
		return err
	}
	r, err := s.app.VillageDecisionRecord(c.Request().Context(), httpx.Actor(c), id, vid)
	if err != nil {
		return err
	}
	v := s.view(c, "household.record.title", r)
	v.Title = httpx.T(c, "household.record.title") + " · " + r.Village.Name
	return s.views.render(c, http.StatusOK, "decision_record", v)
}

// villageRecordDOCX is the record as a Word document to sign.
func (s *Server) villageRecordDOCX(c echo.Context) error {
	id, vid, err := villageParams(c)
	if err != nil {
		return err
	}
	r, err := s.app.VillageDecisionRecord(c.Request().Context(), httpx.Actor(c), id, vid)
	if err != nil {
		return err
	}
	return export.SendRecordDOCX(c, r)
}

func (s *Server) saveBallot(c echo.Context) error {
	id, vid, err := villageParams(c)
	if err != nil {
		return err
	}
	typed := ballotInput{Agreed: c.FormValue("agreed_households"), AgreedOn: c.FormValue("agreed_on"),
		OpensAt: c.FormValue("opens_at"), ClosesAt: c.FormValue("closes_at")}
	in := app.NewBallot{AgreedHouseholds: intField(c, "agreed_households"), AgreedOn: dateField(c, "agreed_on"),
		OpensAt: dateTimeField(c, "opens_at"), ClosesAt: dateTimeField(c, "closes_at")}
	if _, err := s.app.SaveBallot(c.Request().Context(), httpx.Actor(c), id, vid, in); err != nil {
		return s.householdError(c, id, vid, err, func(d *householdData) { d.Ballot[vid] = typed })
	}
	s.sessions.Put(c.Request().Context(), "flash", "household.flash.ballot_saved")
	return c.Redirect(http.StatusSeeOther, householdURL(id)+"#online-"+strconv.FormatInt(vid, 10))
}

type codeSheetData struct {
	*app.CodeSheet
	VoteURL string
}

// issueCodes answers with the sheet of new codes itself: they exist only in this answer,
// which no cache may keep.
func (s *Server) issueCodes(c echo.Context) error {
	id, vid, err := villageParams(c)
	if err != nil {
		return err
	}
	sheet, err := s.app.IssueCodes(c.Request().Context(), httpx.Actor(c), id, vid, c.FormValue("issued"))
	if err != nil {
		return s.householdError(c, id, vid, err, func(*householdData) {})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	v := s.view(c, "household.codes.title", codeSheetData{CodeSheet: sheet,
		VoteURL: strings.TrimRight(s.cfg.BaseURL, "/") + "/v/" + strconv.FormatInt(sheet.Ballot.ID, 10)})
	return s.views.render(c, http.StatusOK, "ballot_codes", v)
}

func (s *Server) ballotMinutes(c echo.Context) error {
	id, vid, err := villageParams(c)
	if err != nil {
		return err
	}
	m, err := s.app.BallotMinutes(c.Request().Context(), httpx.Actor(c), id, vid)
	if err != nil {
		return err
	}
	return s.views.render(c, http.StatusOK, "ballot_minutes", s.view(c, "household.minutes.title", m))
}

// voteData is the public voting page: the vote, the entry kept when refused, and the time
// a vote was counted once it is.
type voteData struct {
	B       *app.PublicBallot
	Code    string
	Choice  string
	Counted time.Time
}

func (s *Server) votePage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	b, err := s.app.Ballot(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := s.view(c, "household.vote.title", &voteData{B: b})
	return s.views.render(c, http.StatusOK, "vote", v)
}

// castVote counts a household's vote. Each code is counted against the address's allowance
// before it is checked and given back unless it was wrong (attempts.go), so once the
// allowance is used up the address is refused before any code is checked.
func (s *Server) castVote(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	b, err := s.app.Ballot(ctx, id)
	if err != nil {
		return err
	}
	d := &voteData{B: b, Code: c.FormValue("code"), Choice: c.FormValue("choice")}
	try, err := beginAttempt(c, limitKey{s.voteLimit, clientKey(c)})
	if err != nil {
		return s.formError(c, err, "vote", "household.vote.title", d)
	}
	at, err := s.app.Vote(ctx, id, app.NewVote{Code: d.Code, Choice: d.Choice})
	if !errors.Is(err, app.ErrBadVotingCode) {
		try.notAGuess(c)
	}
	if err != nil {
		return s.formError(c, err, "vote", "household.vote.title", d)
	}
	done := &voteData{B: b, Counted: at}
	return s.views.render(c, http.StatusOK, "vote", s.view(c, "household.vote.title", done))
}
