package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/detect"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/shortcode"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// Citizens' initiatives (Law 10/2022 art. 16(3); Decree 61/2023 art. 7). A household
// identifies with its household code, issued for the village and printed on a sheet like the
// codes of an online vote (household_ballots.go): the same codes in form, kept only hashed,
// and guesses at them counted against the same allowance. A code names the household by its
// number on the sheet; the village head enters supports given on paper by the same number,
// so one household supports an initiative once, online or on paper, in either order.

// Limits on an initiative's text, in characters.
const (
	MaxInitiativeTitle = 200
	MaxInitiativeBody  = domain.MaxOpinionBody
)

// NewInitiative is a proposal. Online, the household gives its code; an official entering
// a paper proposal gives the household's number on the village's code sheet instead.
// LastDay is the last day of the support period (YYYY-MM-DD): the law sets none, so the
// proposer chooses it, up to domain.MaxSupportDays days ahead.
type NewInitiative struct {
	Kind      string `json:"kind" validate:"required,oneof=matter charter"`
	Title     string `json:"title" validate:"required,max=200"`
	Body      string `json:"body" validate:"required,max=5000"`
	LastDay   string `json:"last_day" validate:"required"`
	Code      string `json:"code,omitempty" validate:"max=80"`
	Household *int   `json:"household,omitempty"`
}

// InitiativeView is an initiative as its pages show it.
type InitiativeView struct {
	I        *domain.Initiative
	Village  domain.Unit
	Phase    string
	BodyPub  string // the text with personal data masked, as residents see it
	Flags    []detect.Match
	Supports []domain.InitiativeSupport // staff only
	Manage   bool                       // the actor may enter supports and the outcome
	Moderate bool                       // the actor may moderate it
}

// village loads a village by code for an initiative.
func (a *App) initiativeVillage(ctx context.Context, code string) (*domain.Unit, error) {
	u, err := a.store.UnitByCode(ctx, strings.TrimSpace(code))
	if err != nil {
		return nil, wrap(err)
	}
	if u.Kind != domain.UnitVillage {
		return nil, domain.Errorf(domain.CodeConflict, "initiative.error.not_village")
	}
	if u.Households <= 0 {
		return nil, domain.Errorf(domain.CodeConflict, "initiative.error.no_households")
	}
	return u, nil
}

// parseLastDay reads a support period's last day and checks it against today: from today
// to domain.MaxSupportDays days ahead. The period ends at the midnight after it.
func (a *App) parseLastDay(s string, verr error) (time.Time, error) {
	if s == "" {
		return time.Time{}, verr
	}
	d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), domain.Zone)
	if err != nil {
		return time.Time{}, mergeInvalid(verr, "last_day", "validation.date")
	}
	today := domain.StartOfDay(a.Now())
	switch {
	case d.Before(today):
		return time.Time{}, mergeInvalid(verr, "last_day", "initiative.error.last_day_past")
	case d.After(today.AddDate(0, 0, domain.MaxSupportDays)):
		return time.Time{}, mergeInvalid(verr, "last_day", "initiative.error.last_day_far", domain.MaxSupportDays)
	}
	return d.AddDate(0, 0, 1), verr
}

// householdOf finds the household of a code in a village. An unknown or malformed code also
// wraps ErrBadVotingCode, so the page counts the guess.
func (a *App) householdOf(ctx context.Context, villageID int64, code string, verr error) (int, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return 0, mergeInvalid(verr, "code", "validation.required")
	}
	canon, ok := shortcode.ParseVote(code)
	if !ok {
		return 0, badCode(mergeInvalid(verr, "code", "initiative.error.code_format"))
	}
	serial, err := a.store.HouseholdSerial(ctx, villageID, shortcode.HashHousehold(villageID, canon))
	switch {
	case errors.Is(err, store.ErrHouseholdUnknown):
		return 0, badCode(mergeInvalid(verr, "code", "initiative.error.code_unknown"))
	case err != nil:
		return 0, wrap(err)
	}
	return serial, verr
}

// ProposeInitiative stores a household's proposal in a village, to be moderated before it is
// shown; the proposing household's support is its first. actor is nil for a resident online,
// or the official entering a paper proposal.
func (a *App) ProposeInitiative(ctx context.Context, actor *domain.Actor, villageCode string, in NewInitiative) (*domain.Initiative, error) {
	v, err := a.initiativeVillage(ctx, villageCode)
	if err != nil {
		return nil, err
	}
	channel := domain.SupportOnline
	if actor != nil {
		if err := a.authorize(ctx, actor, domain.PermManageConsultation, v.ID); err != nil {
			return nil, err
		}
		channel = domain.SupportPaper
	}
	for field, s := range map[string]string{"title": in.Title, "body": in.Body} {
		if !utf8.ValidString(s) {
			return nil, domain.InvalidField(field, "validation.utf8")
		}
	}
	in.Title = textnorm.CleanLine(in.Title)
	in.Body = textnorm.CleanText(in.Body)
	verr := a.check(in)
	if in.Body != "" && textnorm.Length(in.Body) < domain.MinOpinionBody {
		verr = mergeInvalid(verr, "body", "validation.min", domain.MinOpinionBody)
	}
	ends, verr := a.parseLastDay(in.LastDay, verr)
	var serial int
	if actor == nil {
		if serial, err = a.householdOf(ctx, v.ID, in.Code, verr); err != nil {
			return nil, err
		}
	} else {
		serial, verr = householdNumber(in.Household, v.Households, "household", verr)
	}
	if verr != nil {
		return nil, verr
	}
	now := a.Now()
	i := &domain.Initiative{
		VillageID: v.ID, Kind: domain.InitiativeKind(in.Kind), Title: in.Title, Body: in.Body,
		Households: v.Households, Threshold: domain.InitiativeThreshold(v.Households), SupportEnds: ends.UTC(),
		Status: domain.InitiativePending, Channel: channel, ProposerSerial: serial, CreatedAt: now, UpdatedAt: now,
	}
	first := domain.InitiativeSupport{Serial: serial, Channel: channel, SignedOn: now, CreatedAt: now}
	if channel == domain.SupportOnline {
		i.SupportsOnline = 1
	} else {
		i.SupportsPaper = 1
		i.CreatedBy, first.EnteredBy = &actor.StaffID, &actor.StaffID
	}
	if i.Supports() >= i.Threshold {
		i.ReachedAt = &now
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateInitiative(ctx, i, first); err != nil {
			return err
		}
		if actor == nil {
			return nil
		}
		return a.audit(ctx, actor, "initiative.propose_paper", "initiative", i.ID, v.ID,
			fmt.Sprintf("%s (%s): household %d, %q", v.Name, v.Code, serial, i.Title))
	})
	if err != nil {
		return nil, err
	}
	return i, nil
}

// householdNumber checks a household's number on the village's sheet: 1 to the number of
// households.
func householdNumber(n *int, households int, field string, verr error) (int, error) {
	switch {
	case n == nil:
		return 0, mergeInvalid(verr, field, "validation.required")
	case *n < 1 || *n > households:
		return 0, mergeInvalid(verr, field, "initiative.error.household_range", households)
	}
	return *n, verr
}

// Initiative loads an initiative for its page. Residents see it once moderated; staff who
// may moderate it or act for its village see it from the start, with its supports.
func (a *App) Initiative(ctx context.Context, actor *domain.Actor, id int64) (*InitiativeView, error) {
	i, err := a.store.InitiativeByID(ctx, id)
	if err != nil {
		return nil, wrap(err)
	}
	v, err := a.store.UnitByID(ctx, i.VillageID)
	if err != nil {
		return nil, wrap(err)
	}
	view := &InitiativeView{I: i, Village: *v, Phase: i.Phase(a.Now()), BodyPub: detect.Mask(i.Body)}
	if actor != nil {
		ancestry, err := a.store.UnitAncestry(ctx, v.ID)
		if err != nil {
			return nil, wrap(err)
		}
		view.Manage = actor.Can(domain.PermManageConsultation, ancestry)
		view.Moderate = actor.Can(domain.PermModerate, ancestry)
		if view.Manage || view.Moderate || actor.Can(domain.PermOversee, ancestry) {
			if view.Supports, err = a.store.InitiativeSupports(ctx, i.ID); err != nil {
				return nil, wrap(err)
			}
			view.Flags = detect.Scan(i.Title + "\n" + i.Body)
			return view, nil
		}
	}
	if !i.Public() {
		return nil, domain.ErrNotFound
	}
	// Residents never see personal data a proposal carries, in its title as in its text.
	i.Title = detect.Mask(i.Title)
	return view, nil
}

// UnitInitiatives lists the public initiatives of a village, or of the villages under a unit.
func (a *App) UnitInitiatives(ctx context.Context, unitCode string) (*domain.Unit, []domain.Initiative, error) {
	u, err := a.store.UnitByCode(ctx, strings.TrimSpace(unitCode))
	if err != nil {
		return nil, nil, wrap(err)
	}
	ids, err := a.store.UnitSubtree(ctx, []int64{u.ID})
	if err != nil {
		return nil, nil, wrap(err)
	}
	list, err := a.store.Initiatives(ctx, store.InitiativeFilter{VillageIDs: ids, PublicOnly: true, Limit: 200})
	for k := range list {
		list[k].Title = detect.Mask(list[k].Title)
		list[k].Body = detect.Mask(list[k].Body)
	}
	return u, list, wrap(err)
}

// StaffInitiatives lists the initiatives of the villages an official oversees, those
// awaiting moderation first.
func (a *App) StaffInitiatives(ctx context.Context, actor *domain.Actor) ([]domain.Initiative, error) {
	ids, err := a.scope(ctx, actor, domain.PermOversee)
	if err != nil {
		// A moderator oversees too; one without either has nothing here.
		return nil, err
	}
	list, err := a.store.Initiatives(ctx, store.InitiativeFilter{VillageIDs: ids, Limit: 500})
	if err != nil {
		return nil, wrap(err)
	}
	slices.SortStableFunc(list, func(x, y domain.Initiative) int {
		px, py := x.Status == domain.InitiativePending, y.Status == domain.InitiativePending
		switch {
		case px && !py:
			return -1
		case py && !px:
			return 1
		}
		return 0
	})
	return list, nil
}

// supportRefused turns a household's earlier support into the message a second one gets.
func supportRefused(field string, old *domain.InitiativeSupport) error {
	when := old.SignedOn.In(domain.Zone).Format("02/01/2006")
	if old.Channel == domain.SupportPaper {
		return domain.InvalidField(field, "initiative.error.already_supported_paper", old.Serial, when)
	}
	return domain.InvalidField(field, "initiative.error.already_supported_online", old.Serial, when)
}

// SupportInitiative counts a household's support given online with its code, while the
// initiative collects support. A household that already supports it, online or on paper, is
// refused with a message saying so.
func (a *App) SupportInitiative(ctx context.Context, id int64, code string) (time.Time, error) {
	i, err := a.store.InitiativeByID(ctx, id)
	if err != nil {
		return time.Time{}, wrap(err)
	}
	if !i.Public() {
		return time.Time{}, domain.ErrNotFound
	}
	now := a.Now()
	if !i.Collecting(now) {
		return time.Time{}, domain.Errorf(domain.CodeConflict, "initiative.error.support_closed")
	}
	if !utf8.ValidString(code) || utf8.RuneCountInString(code) > 80 {
		return time.Time{}, domain.InvalidField("code", "validation.max", 80)
	}
	serial, err := a.householdOf(ctx, i.VillageID, code, nil)
	if err != nil {
		return time.Time{}, err
	}
	dup, err := a.store.AddSupports(ctx, i.ID, []domain.InitiativeSupport{{Serial: serial, Channel: domain.SupportOnline, SignedOn: now, CreatedAt: now}}, true, now)
	switch {
	case errors.Is(err, store.ErrAlreadySupported):
		return time.Time{}, supportRefused("code", dup)
	case errors.Is(err, store.ErrSupportClosed):
		return time.Time{}, domain.Errorf(domain.CodeConflict, "initiative.error.support_closed")
	case err != nil:
		return time.Time{}, wrap(err)
	}
	return now, nil
}

// PaperSupports are supports signed on paper, entered by the village head: the households'
// numbers on the village's code sheet ("3, 7, 12-15") and the day they signed.
type PaperSupports struct {
	Households string `json:"households" validate:"required,max=2000"`
	SignedOn   string `json:"signed_on" validate:"required"`
}

// parseSerials reads "3, 7, 12-15" into household numbers, each from 1 to n, once each.
func parseSerials(s string, n int) ([]int, bool) {
	var out []int
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 1 || b < a || b > n || len(out)+b-a+1 > n {
			return nil, false
		}
		for k := a; k <= b; k++ {
			if slices.Contains(out, k) {
				return nil, false
			}
			out = append(out, k)
		}
	}
	return out, len(out) > 0
}

// initiativeFor loads an initiative for an official's act on it: perm over its village.
func (a *App) initiativeFor(ctx context.Context, actor *domain.Actor, perm domain.Permission, id int64) (*domain.Initiative, *domain.Unit, error) {
	i, err := a.store.InitiativeByID(ctx, id)
	if err != nil {
		return nil, nil, wrap(err)
	}
	if err := a.authorize(ctx, actor, perm, i.VillageID); err != nil {
		return nil, nil, err
	}
	v, err := a.store.UnitByID(ctx, i.VillageID)
	if err != nil {
		return nil, nil, wrap(err)
	}
	return i, v, nil
}

// EnterPaperSupports records supports signed on paper, all or none. They are taken while
// the initiative is public and has no outcome, if they were signed within its support period
// (from the day it was proposed to its last day) and not in the future; a household that
// already supports it refuses the batch with a message naming it.
func (a *App) EnterPaperSupports(ctx context.Context, actor *domain.Actor, id int64, in PaperSupports) (int, error) {
	i, v, err := a.initiativeFor(ctx, actor, domain.PermManageConsultation, id)
	if err != nil {
		return 0, err
	}
	if i.Status != domain.InitiativeOpen {
		return 0, domain.Errorf(domain.CodeConflict, "initiative.error.not_open")
	}
	verr := a.check(in)
	// Households are numbered on the village's code sheet: up to its households now, which
	// may have grown since the proposal.
	n := max(i.Households, v.Households)
	serials, ok := parseSerials(in.Households, n)
	if in.Households != "" && !ok {
		verr = mergeInvalid(verr, "households", "initiative.error.household_list", n)
	}
	var signed time.Time
	if in.SignedOn != "" {
		d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.SignedOn), domain.Zone)
		switch {
		case err != nil:
			verr = mergeInvalid(verr, "signed_on", "validation.date")
		case d.After(domain.StartOfDay(a.Now())):
			verr = mergeInvalid(verr, "signed_on", "household.error.held_in_future")
		case d.Before(domain.StartOfDay(i.CreatedAt)) || !d.Before(i.SupportEnds):
			verr = mergeInvalid(verr, "signed_on", "initiative.error.signed_outside",
				i.CreatedAt.In(domain.Zone).Format("02/01/2006"), i.LastDay().Format("02/01/2006"))
		}
		signed = d
	}
	if verr != nil {
		return 0, verr
	}
	now := a.Now()
	list := make([]domain.InitiativeSupport, len(serials))
	for k, n := range serials {
		list[k] = domain.InitiativeSupport{Serial: n, Channel: domain.SupportPaper, SignedOn: signed.UTC(), EnteredBy: &actor.StaffID, CreatedAt: now}
	}
	var dup *domain.InitiativeSupport
	err = a.inTx(ctx, func(ctx context.Context) error {
		var err error
		if dup, err = a.store.AddSupports(ctx, i.ID, list, false, now); err != nil {
			return err
		}
		return a.audit(ctx, actor, "initiative.paper_supports", "initiative", i.ID, v.ID,
			fmt.Sprintf("%s (%s): households %s signed %s", v.Name, v.Code, in.Households, signed.Format("02/01/2006")))
	})
	switch {
	case errors.Is(err, store.ErrAlreadySupported):
		return 0, supportRefused("households", dup)
	case errors.Is(err, store.ErrSupportClosed):
		return 0, domain.Errorf(domain.CodeConflict, "initiative.error.not_open")
	case err != nil:
		return 0, wrap(err)
	}
	return len(list), nil
}

// InitiativeModeration is a moderator's decision on a proposal.
type InitiativeModeration struct {
	Decision string `json:"decision" validate:"required,oneof=approve reject"`
	Reason   string `json:"reason" validate:"required_if=Decision reject,omitempty,oneof=spam offensive off_topic personal_data duplicate other"`
}

// ModerateInitiative approves a proposal for display, or rejects it with one of the reasons
// opinions are rejected for.
func (a *App) ModerateInitiative(ctx context.Context, actor *domain.Actor, id int64, in InitiativeModeration) error {
	i, v, err := a.initiativeFor(ctx, actor, domain.PermModerate, id)
	if err != nil {
		return err
	}
	if err := a.check(in); err != nil {
		return err
	}
	if i.Status != domain.InitiativePending {
		return domain.Errorf(domain.CodeConflict, "initiative.error.moderated")
	}
	now := a.Now()
	set := map[string]any{"moderated_at": now.UTC(), "moderated_by": actor.StaffID, "updated_at": now.UTC()}
	if in.Decision == "approve" {
		set["status"] = domain.InitiativeOpen
	} else {
		set["status"], set["reject_reason"] = domain.InitiativeRejected, in.Reason
	}
	return a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.UpdateInitiative(ctx, i.ID, domain.InitiativePending, set); err != nil {
			if errors.Is(err, store.ErrInitiativeConflict) {
				return domain.Errorf(domain.CodeConflict, "initiative.error.moderated")
			}
			return err
		}
		return a.audit(ctx, actor, "initiative."+in.Decision, "initiative", i.ID, v.ID, fmt.Sprintf("%q %s", i.Title, in.Reason))
	})
}

// InitiativeOutcome is what became of an initiative: put to the community on a day (as a
// consultation, when one was created from it), or declined with the reasons.
type InitiativeOutcome struct {
	Outcome        string `json:"outcome" validate:"required,oneof=put declined"`
	On             string `json:"on"`
	ConsultationID *int64 `json:"consultation_id,omitempty"`
	Note           string `json:"note" validate:"max=2000"`
}

// RecordInitiativeOutcome records, for the village's officials, what became of a public
// initiative. Putting it needs the day (not in the future, not before it was proposed); a
// consultation named must be of the village or a unit above it. Declining needs the
// reasons, which residents read: an initiative that reached the threshold must be put to
// the community (Law 10/2022 art. 16(3)), so it is declined only where its content is not
// a matter the community may decide, which the reasons must say.
func (a *App) RecordInitiativeOutcome(ctx context.Context, actor *domain.Actor, id int64, in InitiativeOutcome) error {
	i, v, err := a.initiativeFor(ctx, actor, domain.PermManageConsultation, id)
	if err != nil {
		return err
	}
	if !utf8.ValidString(in.Note) {
		return domain.InvalidField("note", "validation.utf8")
	}
	in.Note = textnorm.CleanText(in.Note)
	verr := a.check(in)
	if i.Status != domain.InitiativeOpen {
		return domain.Errorf(domain.CodeConflict, "initiative.error.not_open")
	}
	now := a.Now()
	set := map[string]any{"outcome_by": actor.StaffID, "updated_at": now.UTC(), "outcome_note": in.Note}
	switch in.Outcome {
	case "put":
		d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.On), domain.Zone)
		switch {
		case in.On == "":
			verr = mergeInvalid(verr, "on", "validation.required")
		case err != nil:
			verr = mergeInvalid(verr, "on", "validation.date")
		case d.After(domain.StartOfDay(now)):
			verr = mergeInvalid(verr, "on", "household.error.held_in_future")
		case d.Before(domain.StartOfDay(i.CreatedAt)):
			verr = mergeInvalid(verr, "on", "initiative.error.before_proposed")
		}
		if in.ConsultationID != nil {
			c, err := a.store.ConsultationByID(ctx, *in.ConsultationID)
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				return wrap(err)
			}
			ok := err == nil
			if ok {
				anc, err := a.store.UnitAncestry(ctx, v.ID)
				if err != nil {
					return wrap(err)
				}
				ok = slices.Contains(anc, c.UnitID)
			}
			if !ok {
				verr = mergeInvalid(verr, "consultation_id", "initiative.error.consultation")
			}
			set["consultation_id"] = *in.ConsultationID
		}
		set["status"], set["outcome_on"] = domain.InitiativePut, d.UTC()
	case "declined":
		if in.Note == "" {
			verr = mergeInvalid(verr, "note", "initiative.error.reasons_required")
		}
		set["status"], set["outcome_on"] = domain.InitiativeDeclined, domain.StartOfDay(now).UTC()
	}
	if verr != nil {
		return verr
	}
	return a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.UpdateInitiative(ctx, i.ID, domain.InitiativeOpen, set); err != nil {
			if errors.Is(err, store.ErrInitiativeConflict) {
				return domain.Errorf(domain.CodeConflict, "initiative.error.not_open")
			}
			return err
		}
		return a.audit(ctx, actor, "initiative."+in.Outcome, "initiative", i.ID, v.ID, fmt.Sprintf("%q %s %s", i.Title, in.On, in.Note))
	})
}

// HouseholdCodeSheet is the printable sheet of a village's household codes, shown once.
type HouseholdCodeSheet struct {
	Village domain.Unit
	Codes   []IssuedCode
	Issued  time.Time
}

// HouseholdCodesInfo says when a village's household codes were issued (zero when never)
// and how many, for the official who may issue them.
func (a *App) HouseholdCodesInfo(ctx context.Context, actor *domain.Actor, villageCode string) (*domain.Unit, time.Time, int, error) {
	v, err := a.store.UnitByCode(ctx, strings.TrimSpace(villageCode))
	if err != nil {
		return nil, time.Time{}, 0, wrap(err)
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, v.ID); err != nil {
		return nil, time.Time{}, 0, err
	}
	at, n, err := a.store.HouseholdCodesIssued(ctx, v.ID)
	return v, at, n, wrap(err)
}

// CodesVersion names a set of issued codes, "" for none, so a form sent twice does not
// replace the sheet just printed.
func CodesVersion(at time.Time) string {
	if at.IsZero() {
		return ""
	}
	return strconv.FormatInt(at.UnixNano(), 36)
}

// IssueHouseholdCodes makes one code per household of the village, for initiatives, and
// returns them for the printed sheet: only their hashes are kept. Issuing again replaces
// every code (a lost sheet); seen names the codes the official means to replace.
func (a *App) IssueHouseholdCodes(ctx context.Context, actor *domain.Actor, villageCode, seen string) (*HouseholdCodeSheet, error) {
	v, at, _, err := a.HouseholdCodesInfo(ctx, actor, villageCode)
	if err != nil {
		return nil, err
	}
	if v.Kind != domain.UnitVillage {
		return nil, domain.Errorf(domain.CodeConflict, "initiative.error.not_village")
	}
	if v.Households <= 0 {
		return nil, domain.Errorf(domain.CodeConflict, "initiative.error.no_households")
	}
	if seen != CodesVersion(at) {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.codes_already_issued", at.In(domain.Zone).Format("15:04:05 02/01/2006"))
	}
	sheet := &HouseholdCodeSheet{Village: *v, Codes: make([]IssuedCode, v.Households), Issued: a.Now()}
	hashes := make([]string, v.Households)
	for k := range sheet.Codes {
		code := shortcode.NewVote()
		sheet.Codes[k] = IssuedCode{Serial: k + 1, Code: code}
		hashes[k] = shortcode.HashHousehold(v.ID, code)
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.IssueHouseholdCodes(ctx, v.ID, hashes, sheet.Issued); err != nil {
			return err
		}
		return a.audit(ctx, actor, "initiative.household_codes", "unit", v.ID, v.ID, fmt.Sprintf("%s (%s): %d codes", v.Name, v.Code, len(hashes)))
	})
	if err != nil {
		return nil, err
	}
	return sheet, nil
}

// InitiativeFigures are a year's initiatives of some units, for the annual report.
type InitiativeFigures struct {
	Proposed       int // proposals received, moderated or not
	Public         int // approved for display
	Reached        int // reached the threshold of Law 10/2022 art. 16(3)
	Put            int // put to the community
	Declined       int
	SupportsOnline int
	SupportsPaper  int
}

// InitiativeYearFigures counts the initiatives proposed in a calendar year (local time) in
// the villages of the units and the units under them. It does not authorise: its caller
// does, for the units it passes.
func (a *App) InitiativeYearFigures(ctx context.Context, unitIDs []int64, year int) (InitiativeFigures, error) {
	ids, err := a.store.UnitSubtree(ctx, unitIDs)
	if err != nil {
		return InitiativeFigures{}, wrap(err)
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, domain.Zone)
	f, err := a.store.InitiativeYear(ctx, ids, from, from.AddDate(1, 0, 0))
	if err != nil {
		return InitiativeFigures{}, wrap(err)
	}
	return InitiativeFigures(f), nil
}
