package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/detect"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/shortcode"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// NewOpinion is what a resident (or an official entering a paper opinion) submits.
type NewOpinion struct {
	SectionID   *int64 `json:"section_id"`
	Stance      string `json:"stance" validate:"required,oneof=agree disagree other"`
	Body        string `json:"body" validate:"required,min=2,max=5000"`
	AuthorName  string `json:"author_name" validate:"max=100"`
	ShowName    bool   `json:"show_name"`
	Contact     string `json:"contact" validate:"max=200"`
	Consent     bool   `json:"consent"`
	VillageCode string `json:"village_code" validate:"max=64"`
	Channel     string `json:"channel" validate:"omitempty,oneof=online meeting form box phone social front dialogue"`
	// Reference names the paper of an offline opinion (minutes number, form batch); offline
	// entries only, required for meetings and forms (offline.go).
	Reference string `json:"reference" validate:"max=100"`
	// Attachment is a photo or scan of the paper, for offline entries made on the web form.
	Attachment *Upload `json:"-"`
	// Lang is the language the form was shown in, so the consent is recorded in the words the commenter read.
	Lang string `json:"-"`
}

// Receipt is what the commenter gets back: the same for a first submission and its retries.
type Receipt struct {
	Opinion *domain.Opinion
	Created bool
}

// SubmitOpinion stores a resident's opinion on an open consultation. It returns only after
// the row is committed. A repeat with the same idempotency key returns the first receipt.
func (a *App) SubmitOpinion(ctx context.Context, consultationID int64, in NewOpinion, idempotencyKey string) (*Receipt, error) {
	in.Channel = string(domain.ChannelOnline)
	in.Reference, in.Attachment = "", nil
	return a.addOpinion(ctx, nil, consultationID, in, idempotencyKey)
}

// EnterOfflineOpinion records an opinion an official gathered at a meeting, on a paper form,
// from the comment box or by phone. It counts like an online one once approved.
func (a *App) EnterOfflineOpinion(ctx context.Context, actor *domain.Actor, consultationID int64, in NewOpinion, idempotencyKey string) (*Receipt, error) {
	if in.Channel == "" || in.Channel == string(domain.ChannelOnline) {
		return nil, domain.InvalidField("channel", "validation.channel_offline")
	}
	if actor == nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	return a.addOpinion(ctx, actor, consultationID, in, idempotencyKey)
}

func (a *App) addOpinion(ctx context.Context, actor *domain.Actor, consultationID int64, in NewOpinion, key string) (*Receipt, error) {
	// The consultation, its articles and villages come from the store's short-lived copy:
	// a burst of opinions would otherwise read the same rows for each one.
	target, err := a.store.OpinionTarget(ctx, consultationID)
	if err != nil {
		return nil, wrap(err) // not found stays not found; a database outage answers 503
	}
	c := target.Consultation()
	if c.Status == domain.StatusDraft {
		return nil, domain.ErrNotFound
	}
	now := a.Now()
	if actor != nil {
		if err := a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID); err != nil {
			return nil, err
		}
		if c.Status != domain.StatusOpen && c.Status != domain.StatusClosed {
			return nil, domain.Errorf(domain.CodeConflict, "error.consultation_not_open")
		}
	} else if c.PhaseAt(now) != domain.PhaseOpen {
		return nil, domain.Errorf(domain.CodeConflict, "error.consultation_not_open")
	}

	for field, v := range map[string]string{"body": in.Body, "author_name": in.AuthorName, "contact": in.Contact, "village_code": in.VillageCode, "reference": in.Reference} {
		if !utf8.ValidString(v) {
			return nil, domain.InvalidField(field, "validation.utf8")
		}
	}
	in.Body = textnorm.CleanText(in.Body)
	in.AuthorName = textnorm.CleanLine(in.AuthorName)
	in.Contact = textnorm.CleanContact(in.Contact)
	in.VillageCode = strings.TrimSpace(in.VillageCode)
	in.Reference = textnorm.CleanLine(in.Reference)
	err = a.check(in)
	err = checkIdempotencyKey(err, key)
	if in.SectionID != nil {
		if sec, ok := target.Section(*in.SectionID); !ok || !sec.Commentable() {
			err = mergeInvalid(err, "section_id", "validation.section_unknown")
		}
	}
	var villageID *int64
	if in.VillageCode != "" {
		villageID, err = a.villageOf(ctx, c, in.VillageCode, err)
	}
	if in.Contact != "" && !in.Consent {
		err = mergeInvalid(err, "consent", "validation.consent_contact")
	}
	var att *domain.Attachment
	att, err = checkOffline(in, err)
	if err != nil {
		return nil, err
	}
	if actor == nil && !in.ShowName {
		// Online, a name is asked for one purpose, to be shown with the opinion: without
		// that consent it is not kept. (An official entering a paper keeps the name it
		// bears, for the record, until the retention purge.)
		in.AuthorName = ""
	}
	public, found := detect.Inspect(in.Body)
	o := &domain.Opinion{
		ConsultationID: c.ID, SectionID: in.SectionID, Stance: domain.Stance(in.Stance), Body: in.Body,
		BodyPublic: public, Flags: flagsOf(found),
		Channel: domain.Channel(in.Channel), VillageID: villageID, Reference: in.Reference,
		AuthorName: in.AuthorName, ShowName: in.ShowName && in.AuthorName != "", Contact: in.Contact,
		Status: domain.OpinionPending, TrackingCode: shortcode.NewTracking(), SubmittedAt: now,
	}
	var consents []domain.Consent
	notice := a.privacyNotice(in.Lang, target.Controller())
	if o.ShowName {
		consents = append(consents, newConsent(domain.ConsentShowName, notice, now))
	}
	if o.Contact != "" {
		consents = append(consents, newConsent(domain.ConsentContact, notice, now))
	}
	if key != "" {
		o.IdempotencyKey = &key
		o.RequestHash = requestHash(c.ID, in)
	}
	if actor != nil {
		o.EnteredBy = &actor.StaffID
	}
	if c.Moderation == domain.PostModeration {
		// Published at once; it stays in the queue until a moderator has reviewed it.
		o.Status = domain.OpinionApproved
	}
	var (
		stored  *domain.Opinion
		created bool
	)
	if actor == nil {
		stored, created, err = a.insertOpinion(ctx, o, consents, att)
	} else {
		// An entry typed in by an official is stored with its audit entry or not at all.
		err = a.store.InTx(ctx, func(ctx context.Context) error {
			var err error
			if stored, created, err = a.insertOpinion(ctx, o, consents, att); err != nil || !created {
				return err
			}
			return a.audit(ctx, actor, "opinion.offline", "opinion", stored.ID, c.UnitID, string(stored.Channel))
		})
	}
	if err != nil {
		return nil, wrap(err)
	}
	if !created && !sameSubmission(stored, o) {
		// Not a retry but another opinion under a used key: answering with the first receipt
		// would drop this opinion and hand out someone else's tracking code.
		return nil, domain.InvalidField("idempotency_key", "validation.idempotency_reused")
	}
	return &Receipt{Opinion: stored, Created: created}, nil
}

// newConsent records a consent in the words the form showed, in the commenter's language.
func newConsent(purpose domain.ConsentPurpose, n PrivacyNotice, now time.Time) domain.Consent {
	return domain.Consent{Purpose: purpose, Text: n.Record(purpose), Lang: n.Lang, GivenAt: now}
}

// sameSubmission tells whether o, refused by the store because its idempotency key was used,
// repeats the stored opinion: a retry returns the first receipt, anything else is refused.
// A retry must repeat it in every respect, name and contact included. The request hash
// covers all but the name, the contact and the consents to them: a hash kept with the
// opinion must not let anyone find an erased phone number again by trying every number.
// Those are compared with the stored opinion instead while it holds them (a contact is
// stored only with consent to keep it, so equal contacts mean equal consents); once its
// author erased them, a retry can only be told by the rest.
func sameSubmission(stored, o *domain.Opinion) bool {
	if stored.RequestHash != o.RequestHash {
		return false
	}
	return stored.ErasedAt != nil ||
		(stored.AuthorName == o.AuthorName && stored.ShowName == o.ShowName && stored.Contact == o.Contact)
}

// villageOf resolves a village code to a village under the consultation's unit.
func (a *App) villageOf(ctx context.Context, c *domain.Consultation, code string, err error) (*int64, error) {
	id, ok, lookupErr := a.store.VillageUnder(ctx, code, c.UnitID)
	if lookupErr != nil {
		return nil, wrap(lookupErr)
	}
	if !ok {
		return nil, mergeInvalid(err, "village_code", "validation.village_unknown")
	}
	return &id, err
}

// TrackedOpinion is what a commenter sees when looking up their tracking code.
type TrackedOpinion struct {
	Opinion      *domain.Opinion
	Consultation *domain.Consultation
	Section      *domain.Section
	Appeal       *domain.Appeal // the author's appeal, if they made one
}

// Track looks up an opinion by the tracking code as the commenter typed it.
func (a *App) Track(ctx context.Context, typed string) (*TrackedOpinion, error) {
	code, ok := shortcode.ParseTracking(typed)
	if !ok {
		return nil, domain.InvalidField("code", "validation.tracking_code")
	}
	o, err := a.store.OpinionByCode(ctx, code)
	if err != nil {
		return nil, domain.Errorf(domain.CodeNotFound, "error.tracking_not_found")
	}
	c, err := a.store.ConsultationByID(ctx, o.ConsultationID)
	if err != nil {
		return nil, wrap(err)
	}
	t := &TrackedOpinion{Opinion: o, Consultation: c}
	one := []domain.Opinion{*o}
	if err := a.withPublishedAnswers(ctx, c, one); err != nil {
		return nil, err
	}
	o.Response = one[0].Response
	if ap, err := a.store.AppealOf(ctx, o.ID); err == nil {
		t.Appeal = ap
	}
	if o.SectionID != nil {
		for i := range c.Sections {
			if c.Sections[i].ID == *o.SectionID {
				t.Section = &c.Sections[i]
			}
		}
		if t.Section == nil {
			// Written on an earlier version of the draft: the part as the commenter read it.
			if s, err := a.store.SectionOf(ctx, c.ID, *o.SectionID); err == nil {
				t.Section = s
			}
		}
	}
	return t, nil
}

// ApprovedOpinions lists approved opinions of a published consultation.
func (a *App) ApprovedOpinions(ctx context.Context, consultationID int64, f domain.SectionFilter, page int) ([]domain.Opinion, bool, error) {
	c, err := a.Consultation(ctx, nil, consultationID)
	if err != nil {
		return nil, false, err
	}
	list, more, err := a.store.ApprovedOpinions(ctx, consultationID, f, page, domain.OpinionsPerPage)
	if err != nil {
		return nil, false, wrap(err)
	}
	return list, more, a.withPublishedAnswers(ctx, c, list)
}

// Summary counts the approved opinions of a published consultation.
func (a *App) Summary(ctx context.Context, consultationID int64) (*domain.Summary, error) {
	c, err := a.Consultation(ctx, nil, consultationID)
	if err != nil {
		return nil, err
	}
	return a.PublicSummary(ctx, c)
}

// PublicSummary counts the approved opinions of a consultation for its public page, the
// counts from the counters the database keeps.
func (a *App) PublicSummary(ctx context.Context, c *domain.Consultation) (*domain.Summary, error) {
	s, err := a.store.Summary(ctx, c.ID)
	return s, wrap(err)
}

// OpinionsByCommune counts the approved opinions of a consultation by the commune of the
// village each commenter named: for a consultation of a province, how each commune took part.
func (a *App) OpinionsByCommune(ctx context.Context, consultationID int64) ([]domain.CommuneCount, error) {
	list, err := a.store.OpinionsByCommune(ctx, consultationID)
	return list, wrap(err)
}

// LatestOpinions returns the newest approved opinions of each section (key 0: the whole draft).
func (a *App) LatestOpinions(ctx context.Context, c *domain.Consultation, perSection int) (map[int64][]domain.Opinion, error) {
	m, err := a.store.LatestApproved(ctx, c.ID, perSection)
	if err != nil {
		return nil, wrap(err)
	}
	for _, list := range m {
		if err := a.withPublishedAnswers(ctx, c, list); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// requestHash identifies what was submitted, after cleaning, so a retry matches its original.
// It covers what the opinion says and where it comes from, and leaves out the author's name
// and contact and the consents that go with them (sameSubmission): a phone number has few
// enough values to be found from a hash that covers it.
func requestHash(consultationID int64, in NewOpinion) string {
	section := ""
	if in.SectionID != nil {
		section = strconv.FormatInt(*in.SectionID, 10)
	}
	return hashParts(strconv.FormatInt(consultationID, 10), section, in.Stance, in.Body, in.VillageCode,
		in.Channel, in.Reference)
}

// hashParts identifies a submission by its parts, each ended by a zero byte so that no two
// different lists of parts hash alike.
func hashParts(parts ...string) string {
	h := sha256.New()
	for _, part := range parts {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checkIdempotencyKey adds the key's message to a validation error when the key is too long:
// counted in characters, as the API documents it (the column is TEXT).
func checkIdempotencyKey(err error, key string) error {
	if !utf8.ValidString(key) || utf8.RuneCountInString(key) > domain.MaxIdempotency {
		return mergeInvalid(err, "idempotency_key", "validation.max", domain.MaxIdempotency)
	}
	return err
}

// flagsOf lists the kinds of automatic flags a text raises, for filtering the queue.
func flagsOf(found []detect.Match) string {
	var kinds []string
	for _, m := range found {
		if !slices.Contains(kinds, string(m.Kind)) {
			kinds = append(kinds, string(m.Kind))
		}
	}
	return strings.Join(kinds, ",")
}
