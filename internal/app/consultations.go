package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/draft"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// SectionInput is one section given explicitly instead of pasted text.
type SectionInput struct {
	Heading string `json:"heading" validate:"max=500"`
	Body    string `json:"body" validate:"max=50000"`
}

// NewConsultation is what an official enters to create a consultation.
type NewConsultation struct {
	Title  string `json:"title" validate:"required,max=300"`
	Kind   string `json:"kind" validate:"required,oneof=huong_uoc quy_uoc plan policy budget other"`
	Matter string `json:"matter" validate:"omitempty,oneof=decide consult"`
	// Item is the item of Law art. 15 a decide matter is about (1–6); a hương ước or quy
	// ước is always item 3, so it may be left out for them.
	Item int `json:"item"`
	// Topic is the item of Law art. 25 a consult matter is about (1–6), required for one of
	// a commune, ward or special zone (plans.go).
	Topic int `json:"topic"`
	// Moderation is "pre" (the default: opinions wait for a moderator) or "post".
	Moderation string         `json:"moderation" validate:"omitempty,oneof=pre post"`
	UnitCode   string         `json:"unit_code" validate:"required,max=64"`
	Summary    string         `json:"summary" validate:"max=3000"`
	Text       string         `json:"text" validate:"max=200000"`
	Sections   []SectionInput `json:"sections" validate:"max=2000,dive"`
	OpensAt    time.Time      `json:"opens_at" validate:"required"`
	ClosesAt   time.Time      `json:"closes_at" validate:"required"`
	// Document is a Word file (.docx) to read the text from instead of Text, split the same
	// way (draft_document.go).
	Document *Upload `json:"-"`
}

// DefaultMatter is the legal class a kind usually has: village charters are decided by the
// households (Law art. 15), plans and policies are consulted on (art. 25).
func DefaultMatter(kind domain.ConsultationKind) domain.Matter {
	if kind == domain.KindHuongUoc || kind == domain.KindQuyUoc {
		return domain.MatterDecide
	}
	return domain.MatterConsult
}

// CreateConsultation saves a draft consultation, splitting pasted text into sections.
func (a *App) CreateConsultation(ctx context.Context, actor *domain.Actor, in NewConsultation) (*domain.Consultation, error) {
	c, err := a.draftFrom(ctx, actor, &in)
	if err != nil {
		return nil, err
	}
	unit := c.Unit
	c.Unit, c.CreatedBy = nil, &actor.StaffID // the unit exists: nothing to save with the row
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateConsultation(ctx, c, in.Text); err != nil {
			return err
		}
		return a.audit(ctx, actor, "consultation.create", "consultation", c.ID, c.UnitID, c.Title)
	})
	if err != nil {
		return nil, err
	}
	c.Unit = unit
	return c, nil
}

// UpdateDraft replaces what an official entered for a draft (its fields and its text)
// before it is published; once published, a draft changes only by a new version.
func (a *App) UpdateDraft(ctx context.Context, actor *domain.Actor, id int64, in NewConsultation) (*domain.Consultation, error) {
	old, err := a.unpublishedDraft(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	c, err := a.draftFrom(ctx, actor, &in)
	if err != nil {
		return nil, err
	}
	unit := c.Unit
	c.Unit, c.ID, c.CreatedBy, c.CreatedAt = nil, old.ID, old.CreatedBy, old.CreatedAt
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.ReplaceDraft(ctx, c, in.Text); err != nil {
			return err
		}
		return a.audit(ctx, actor, "consultation.edit", "consultation", c.ID, c.UnitID, c.Title)
	})
	if err != nil {
		return nil, wrap(err)
	}
	c.Unit = unit
	return c, nil
}

// DeleteDraft removes a draft that was never published, with its text; the audit log keeps
// that it existed. A draft with anything recorded against it (a village's election result)
// is refused: withdraw it instead.
func (a *App) DeleteDraft(ctx context.Context, actor *domain.Actor, id int64) error {
	c, err := a.unpublishedDraft(ctx, actor, id)
	if err != nil {
		return err
	}
	return wrap(a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.DeleteDraft(ctx, c.ID); err != nil {
			return err
		}
		return a.audit(ctx, actor, "consultation.delete", "consultation", c.ID, c.UnitID, c.Title)
	}))
}

// EditableDraft is a draft the actor may still edit or delete: never published.
func (a *App) EditableDraft(ctx context.Context, actor *domain.Actor, id int64) (*domain.Consultation, error) {
	return a.unpublishedDraft(ctx, actor, id)
}

// DraftText is the text a draft was created or last edited from, for the edit form.
func (a *App) DraftText(ctx context.Context, actor *domain.Actor, id int64) (string, error) {
	c, err := a.unpublishedDraft(ctx, actor, id)
	if err != nil {
		return "", err
	}
	text, err := a.store.SourceText(ctx, c.ID, c.Version)
	return text, wrap(err)
}

// unpublishedDraft is a draft the actor may manage, still unpublished.
func (a *App) unpublishedDraft(ctx context.Context, actor *domain.Actor, id int64) (*domain.Consultation, error) {
	c, err := a.Consultation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID); err != nil {
		return nil, err
	}
	if c.Status != domain.StatusDraft || c.PublishedAt != nil || c.Version != 1 {
		return nil, domain.Errorf(domain.CodeConflict, "error.draft_published")
	}
	return c, nil
}

// draftFrom checks what an official entered and builds the draft it describes, in the
// actor's unit; it is not stored.
func (a *App) draftFrom(ctx context.Context, actor *domain.Actor, inp *NewConsultation) (*domain.Consultation, error) {
	in := inp
	var docErr *domain.Message
	if in.Document != nil {
		// One source of text: a Word file and pasted text together would leave the official
		// unsure which one became the draft.
		if strings.TrimSpace(in.Text) != "" || len(in.Sections) > 0 {
			docErr = refusal("validation.document_and_text")
		} else {
			in.Text, docErr = draftFromDocument(in.Document)
		}
	}
	in.Title = textnorm.CleanLine(in.Title)
	in.Summary = textnorm.CleanText(in.Summary)
	in.Text = textnorm.CleanText(in.Text)
	in.UnitCode = strings.TrimSpace(in.UnitCode)
	err := a.check(in)
	if docErr != nil {
		err = mergeInvalid(err, documentField, docErr.Key, docErr.Args...)
	}

	var sections []domain.Section
	if len(in.Sections) > 0 {
		for i, s := range in.Sections {
			heading, body := textnorm.CleanLine(s.Heading), textnorm.CleanText(s.Body)
			if heading == "" && body == "" {
				continue
			}
			sections = append(sections, domain.Section{
				Ordinal: len(sections) + 1, Kind: string(draft.Article), Level: 1,
				Path: "s" + strconv.Itoa(i+1), Heading: heading, Body: body,
			})
		}
	} else {
		for _, s := range draft.Split(in.Text) {
			sections = append(sections, domain.Section{
				Ordinal: s.Ordinal, Kind: string(s.Kind), Level: s.Level, Path: s.Path, Heading: s.Heading, Body: s.Body,
			})
		}
	}
	if len(sections) == 0 && docErr == nil {
		err = mergeInvalid(err, "text", "validation.draft_empty")
	}
	kind := domain.ConsultationKind(in.Kind)
	matter := domain.Matter(in.Matter)
	if matter == "" {
		matter = DefaultMatter(kind)
	}
	item, ierr := itemFor(kind, matter, domain.Item(in.Item))
	if ierr != "" {
		err = mergeInvalid(err, "item", ierr)
	}
	if !in.OpensAt.IsZero() && !in.ClosesAt.IsZero() {
		probe := &domain.Consultation{Kind: kind, Matter: matter, OpensAt: in.OpensAt, ClosesAt: in.ClosesAt}
		if !in.ClosesAt.After(in.OpensAt) {
			err = mergeInvalid(err, "closes_at", "validation.closes_before_opens")
		} else if days, min := probe.PeriodDays(a.Now()), domain.MinPeriodDays(kind, matter); days < min {
			// Refused now rather than at publication: a draft that can never be published
			// would leave the official stuck.
			err = mergeInvalid(err, "closes_at", "validation.period_too_short."+domain.LawBasis(kind, matter), min, days)
		}
	}
	var unit *domain.Unit
	if in.UnitCode != "" {
		unit, _ = a.store.UnitByCode(ctx, in.UnitCode)
		if unit == nil || unit.ID == 0 {
			err = mergeInvalid(err, "unit_code", "validation.unit_unknown")
		}
	}
	var unitKind domain.UnitKind
	if unit != nil {
		unitKind = unit.Kind
	}
	topic, terr := topicFor(matter, unitKind, domain.Topic(in.Topic))
	if terr != "" {
		err = mergeInvalid(err, "topic", terr)
	}
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, unit.ID); err != nil {
		return nil, err
	}
	now := a.Now()
	mode := domain.ModerationMode(in.Moderation)
	if mode == "" {
		mode = domain.PreModeration
	}
	return &domain.Consultation{
		UnitID: unit.ID, Kind: kind, Matter: matter, Title: in.Title, Summary: in.Summary,
		SearchText: textnorm.Fold(in.Title + " " + in.Summary),
		Status:     domain.StatusDraft, Moderation: mode, Version: 1, Item: item, Topic: topic,
		OpensAt: in.OpensAt.UTC(), ClosesAt: in.ClosesAt.UTC(),
		CreatedAt: now, UpdatedAt: now,
		Sections: sections, Unit: unit,
	}, nil
}

// itemFor works out the art. 15 item of a new consultation, or the message refusing it: a
// decide matter needs one (a hương ước or quy ước is item 3 and no other), a consult matter
// has none.
func itemFor(kind domain.ConsultationKind, matter domain.Matter, given domain.Item) (domain.Item, string) {
	implied := domain.ImpliedItem(kind)
	switch {
	case given != 0 && !given.Valid():
		return 0, "household.validation.item_unknown"
	case matter != domain.MatterDecide && given != 0:
		return 0, "household.validation.item_consult"
	case matter != domain.MatterDecide:
		return 0, ""
	case implied != 0 && given != 0 && given != implied:
		return 0, "household.validation.item_charter"
	case implied != 0:
		return implied, ""
	case given == 0:
		return 0, "household.validation.item_required"
	}
	return given, ""
}

// Consultation loads a consultation for the public: drafts, and drafts withdrawn before they
// were ever published, are not found unless the actor may oversee them. A draft withdrawn
// after publication stays, so its page can say that it was withdrawn and why.
func (a *App) Consultation(ctx context.Context, actor *domain.Actor, id int64) (*domain.Consultation, error) {
	c, err := a.store.ConsultationByID(ctx, id)
	if err != nil {
		return nil, wrap(err)
	}
	if c.Status == domain.StatusDraft || (c.Status == domain.StatusWithdrawn && c.PublishedAt == nil) {
		if actor == nil || a.authorize(ctx, actor, domain.PermOversee, c.UnitID) != nil {
			return nil, domain.ErrNotFound
		}
	}
	return c, nil
}

// ConsultationQuery is a public list request.
type ConsultationQuery struct {
	UnitCode string
	Status   string // "", "open", "closed", "results_published", "adopted", "rejected"
	Q        string
	Page     int
	// OpenFirst puts the consultations taking opinions now at the top (the home page).
	OpenFirst bool
}

// ListConsultations lists published consultations of a unit and the units under it.
func (a *App) ListConsultations(ctx context.Context, q ConsultationQuery) ([]domain.Consultation, bool, error) {
	f := store.ConsultationFilter{Page: q.Page, PerPage: 20, Query: textnorm.Fold(q.Q)}
	if q.UnitCode != "" {
		unit, err := a.store.UnitByCode(ctx, q.UnitCode)
		if err != nil {
			return nil, false, domain.InvalidField("unit", "validation.unit_unknown")
		}
		if f.UnitIDs, err = a.store.UnitSubtree(ctx, []int64{unit.ID}); err != nil {
			return nil, false, wrap(err)
		}
	}
	now := a.Now()
	switch q.Status {
	case "":
		f.Statuses = domain.ListedStatuses
	case "open":
		f.Statuses = []domain.Status{domain.StatusOpen}
		f.OpenAt = &now
	case "closed", "results_published", "adopted", "rejected":
		f.Statuses = []domain.Status{domain.Status(q.Status)}
	default:
		return nil, false, domain.InvalidField("status", "validation.oneof", "open closed results_published adopted rejected")
	}
	if q.OpenFirst {
		f.OpenFirst = &now
	}
	list, more, err := a.store.ListConsultations(ctx, f)
	return list, more, wrap(err)
}

// OpinionCounts counts the opinions of consultations by status, for staff who oversee
// them: the staff home shows officials what arrives and what waits. Consultations outside
// the actor's units are left out.
func (a *App) OpinionCounts(ctx context.Context, actor *domain.Actor, ids []int64) (map[int64]*domain.ModerationStats, error) {
	units, err := a.scope(ctx, actor, domain.PermOversee)
	if err != nil {
		return nil, err
	}
	counts, err := a.store.OpinionCounts(ctx, ids, units)
	return counts, wrap(err)
}

// StaffConsultations lists every consultation, drafts included, in the units the actor manages or oversees.
func (a *App) StaffConsultations(ctx context.Context, actor *domain.Actor, page int) ([]domain.Consultation, bool, error) {
	units, err := a.scope(ctx, actor, domain.PermOversee)
	if err != nil {
		return nil, false, err
	}
	list, more, err := a.store.ListConsultations(ctx, store.ConsultationFilter{UnitIDs: units, Page: page, PerPage: 50})
	return list, more, wrap(err)
}

// Publish opens a draft for opinions, refusing a period shorter than the law allows.
func (a *App) Publish(ctx context.Context, actor *domain.Actor, id int64) (*domain.Consultation, error) {
	return a.publishAt(ctx, actor, id, a.Now())
}

// publishAt publishes a draft at the time now.
func (a *App) publishAt(ctx context.Context, actor *domain.Actor, id int64, now time.Time) (*domain.Consultation, error) {
	c, err := a.manageable(ctx, actor, id, domain.StatusOpen, now, "")
	if err != nil {
		return nil, err
	}
	// An election or dismissal (Law 10/2022 art. 15(4)-(5)) is decided at the community's
	// election meeting (Decree 59/2023 art. 6-9): its minutes are recorded, nothing is put
	// to comment.
	if c.Matter == domain.MatterDecide && c.Item.Election() {
		return nil, domain.Errorf(domain.CodeConflict, "household.error.election_no_comment_period")
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		err := a.store.ChangeStatus(ctx, c.ID, c.Status, domain.StatusOpen, &actor.StaffID, "", store.StatusStamps{PublishedAt: &now})
		if err != nil {
			return err
		}
		return a.audit(ctx, actor, "consultation.publish", "consultation", c.ID, c.UnitID, "")
	})
	if err != nil {
		return nil, err
	}
	return a.store.ConsultationByID(ctx, id)
}

// Close ends the period of an open consultation. Before the legal minimum has run it is
// refused; before the last day is over it needs a reason (domain.CheckTransition). The
// moment of closing is what pages, reports and oversight then show as the end.
func (a *App) Close(ctx context.Context, actor *domain.Actor, id int64, reason string) (*domain.Consultation, error) {
	reason = textnorm.CleanText(reason)
	now := a.Now()
	c, err := a.manageable(ctx, actor, id, domain.StatusClosed, now, reason)
	if err != nil {
		return nil, err
	}
	if !now.Before(c.ClosesAt) {
		// The period ran its course: nothing was cut short, so no reason is kept.
		reason = ""
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		err := a.store.ChangeStatus(ctx, c.ID, c.Status, domain.StatusClosed, &actor.StaffID, reason,
			store.StatusStamps{ClosedAt: &now, CloseReason: reason})
		if err != nil {
			return err
		}
		return a.audit(ctx, actor, "consultation.close", "consultation", c.ID, c.UnitID, reason)
	})
	if err != nil {
		return nil, err
	}
	return a.store.ConsultationByID(ctx, id)
}

// Withdraw takes a draft back, with a reason, from draft, open or closed, before its results
// are published. A draft that was published stays on its public page, marked withdrawn with
// the reason; it leaves the public lists and takes no more opinions.
func (a *App) Withdraw(ctx context.Context, actor *domain.Actor, id int64, reason string) (*domain.Consultation, error) {
	reason = textnorm.CleanText(reason)
	now := a.Now()
	c, err := a.manageable(ctx, actor, id, domain.StatusWithdrawn, now, reason)
	if err != nil {
		return nil, err
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		err := a.store.ChangeStatus(ctx, c.ID, c.Status, domain.StatusWithdrawn, &actor.StaffID, reason,
			store.StatusStamps{WithdrawnAt: &now, WithdrawReason: reason})
		if err != nil {
			return err
		}
		return a.audit(ctx, actor, "consultation.withdraw", "consultation", c.ID, c.UnitID, reason)
	})
	if err != nil {
		return nil, err
	}
	return a.store.ConsultationByID(ctx, id)
}

// manageable loads a consultation the actor may manage and checks its move to `to` at now
// (domain.CheckTransition, the one place status changes are checked).
func (a *App) manageable(ctx context.Context, actor *domain.Actor, id int64, to domain.Status, now time.Time, reason string) (*domain.Consultation, error) {
	c, err := a.consultationFor(ctx, actor, domain.PermManageConsultation, id, "")
	if err != nil {
		return nil, err
	}
	if err := c.CheckTransition(to, now, reason); err != nil {
		return nil, err
	}
	return c, nil
}

// StatusChange is a change of status an official is about to make, as the page asking them
// to confirm it explains it: what it does now and how it stands against the law's period.
type StatusChange struct {
	C  *domain.Consultation
	To domain.Status
	At time.Time
	// From is, for publishing, when the period will start counting: the later of its
	// opening and now.
	From time.Time
	// Refused is why the change cannot be made now, whatever reason is given; nil when it can.
	Refused error
	// NeedsReason is set when the change needs a reason (domain.ReasonRequired).
	NeedsReason bool
	MinDays     int
	// Days is, for publishing, the days the period will have; for closing, the whole days it
	// has run so far.
	Days int
	// DaysCut is how many days of the promised period closing now takes away, today
	// included; 0 when the period is over.
	DaysCut int
	// EarliestClose is the first moment the period may be closed.
	EarliestClose time.Time
}

// PrepareStatusChange describes a change of status before the official confirms it.
func (a *App) PrepareStatusChange(ctx context.Context, actor *domain.Actor, id int64, to domain.Status) (*StatusChange, error) {
	c, err := a.consultationFor(ctx, actor, domain.PermManageConsultation, id, "")
	if err != nil {
		return nil, err
	}
	now := a.Now()
	sc := &StatusChange{C: c, To: to, At: now, Refused: c.TransitionAllowed(to, now), NeedsReason: c.ReasonRequired(to, now),
		MinDays: domain.MinPeriodDays(c.Kind, c.Matter), EarliestClose: c.EarliestClose()}
	switch to {
	case domain.StatusOpen:
		sc.Days, sc.From = c.PeriodDays(now), c.OpensAt
		if now.After(sc.From) {
			sc.From = now
		}
	case domain.StatusClosed:
		sc.Days = c.DaysRunAt(now)
		if today := domain.StartOfDay(now); today.Before(c.ClosesAt) {
			sc.DaysCut = int((c.ClosesAt.Sub(today) + 24*time.Hour - 1) / (24 * time.Hour))
		}
	}
	return sc, nil
}

// OverseenConsultation loads a consultation for the staff pages: only staff who oversee its
// unit see its history, whatever its status.
func (a *App) OverseenConsultation(ctx context.Context, actor *domain.Actor, id int64) (*domain.Consultation, error) {
	c, err := a.Consultation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, actor, domain.PermOversee, c.UnitID); err != nil {
		return nil, err
	}
	return c, nil
}

// UnitsForNewConsultation lists the units where the actor may create a consultation: the units
// of their roles and, under a commune, ward or special zone, its villages too, since a hương ước
// belongs to one village. A province's villages would make too long a list.
func (a *App) UnitsForNewConsultation(ctx context.Context, actor *domain.Actor) ([]domain.Unit, error) {
	if actor == nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	ids := actor.UnitIDs(domain.PermManageConsultation)
	if len(ids) == 0 {
		return nil, domain.Errorf(domain.CodeForbidden, "error.forbidden")
	}
	units, err := a.store.UnitsByIDs(ctx, ids)
	if err != nil {
		return nil, wrap(err)
	}
	var out []domain.Unit
	for _, id := range ids {
		out = append(out, *units[id])
		if k := units[id].Kind; k == domain.UnitCommune || k == domain.UnitWard || k == domain.UnitSpecialZone {
			villages, err := a.store.VillagesUnder(ctx, id)
			if err != nil {
				return nil, wrap(err)
			}
			out = append(out, villages...)
		}
	}
	return out, nil
}

// ConsultationEvents lists the status changes of a consultation the caller has already loaded
// through OverseenConsultation, oldest first.
func (a *App) ConsultationEvents(ctx context.Context, c *domain.Consultation) ([]domain.ConsultationEvent, error) {
	events, err := a.store.ConsultationEvents(ctx, c.ID)
	return events, wrap(err)
}
