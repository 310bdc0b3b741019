package app

import (
	"context"
	"strings"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/shortcode"
)

// WithdrawOpinion lets the author take back an opinion, with its tracking code, while the
// consultation is open. It stops counting everywhere, and the decision is logged like a
// moderator's, with no actor. The opinion's personal data is erased with it (store.Withdraw):
// a withdrawn opinion is neither shown nor answered, the purposes its name and contact were
// kept for.
func (a *App) WithdrawOpinion(ctx context.Context, typed string) (*domain.Opinion, error) {
	o, c, err := a.byCode(ctx, typed)
	if err != nil {
		return nil, err
	}
	if o.Status == domain.OpinionWithdrawn {
		return nil, domain.Errorf(domain.CodeConflict, "error.already_withdrawn")
	}
	if c.PhaseAt(a.Now()) != domain.PhaseOpen {
		return nil, domain.Errorf(domain.CodeConflict, "error.withdraw_closed")
	}
	if o.Status != domain.OpinionPending && o.Status != domain.OpinionApproved {
		return nil, domain.Errorf(domain.CodeConflict, "error.withdraw_decided")
	}
	if err := a.store.Withdraw(ctx, o.ID, o.Status, a.Now()); err != nil {
		return nil, wrap(err)
	}
	o, err = a.store.OpinionByID(ctx, o.ID)
	return o, wrap(err)
}

// EraseMyData removes the author's name and contact from an opinion at any time, with every
// copy of them: the notices queued or sent to the contact, and the photos or scans of a paper
// opinion. The text and stance stay so the consultation's record stays whole; the consents
// are marked withdrawn, and no notice is queued for the opinion afterwards (store.Enqueue).
func (a *App) EraseMyData(ctx context.Context, typed string) (*domain.Opinion, error) {
	o, _, err := a.byCode(ctx, typed)
	if err != nil {
		return nil, err
	}
	if err := a.store.ErasePersonalData(ctx, o.ID, a.Now()); err != nil {
		return nil, wrap(err)
	}
	o, err = a.store.OpinionByID(ctx, o.ID)
	return o, wrap(err)
}

func (a *App) byCode(ctx context.Context, typed string) (*domain.Opinion, *domain.Consultation, error) {
	code, ok := shortcode.ParseTracking(typed)
	if !ok {
		return nil, nil, domain.InvalidField("code", "validation.tracking_code")
	}
	o, err := a.store.OpinionByCode(ctx, code)
	if err != nil {
		return nil, nil, domain.Errorf(domain.CodeNotFound, "error.tracking_not_found")
	}
	c, err := a.store.ConsultationByID(ctx, o.ConsultationID)
	if err != nil {
		return nil, nil, wrap(err)
	}
	return o, c, nil
}

// defaultRetentionDays is RETENTION_DAYS when nothing sets it.
const defaultRetentionDays = 90

// retentionDays is how many days after the results contacts are kept.
func (a *App) retentionDays() int {
	if a.RetentionDays <= 0 {
		return defaultRetentionDays
	}
	return a.RetentionDays
}

// PurgeExpired erases what the portal keeps past RetentionDays after a consultation's
// results were published, when the purpose of keeping it (answering the commenter) has been
// served: the contacts and unshown names on its opinions, the photos and scans of its paper
// opinions, and the outbox messages queued that long ago, given up, or about an opinion that
// no longer holds a contact (store.PurgeExpired). It also deletes the throttles' counters
// whose window has ended (store.PurgeCounters), which hold hashes of addresses and e-mails.
func (a *App) PurgeExpired(ctx context.Context) (domain.Purged, error) {
	n, err := a.store.PurgeExpired(ctx, a.Now().AddDate(0, 0, -a.retentionDays()))
	if err != nil {
		return n, wrap(err)
	}
	_, err = a.store.PurgeCounters(ctx)
	return n, wrap(err)
}

// PrivacyNotice is what the opinion form tells a commenter about the name and contact it
// asks for. A consent holds only when the person knows what data is processed and why, who
// controls it, and their rights (Law 91/2025/QH15 art. 9; the rights are those of art. 4),
// so the notice says who controls them, what each is kept for and how long, and the rights.
// The consent recorded with an opinion is in the same words.
type PrivacyNotice struct {
	Lang string
	// Controller names the People's Committee of the commune, ward or special zone of the
	// consultation ("Ủy ban nhân dân xã An Bình"), in Lang.
	Controller    string
	RetentionDays int
}

// PrivacyNotice returns the notice for the opinion form of consultation c, in lang.
func (a *App) PrivacyNotice(ctx context.Context, lang string, c *domain.Consultation) (PrivacyNotice, error) {
	u, err := a.store.LocalGovernment(ctx, c.UnitID)
	if err != nil {
		return PrivacyNotice{}, wrap(err)
	}
	return a.privacyNotice(lang, u), nil
}

func (a *App) privacyNotice(lang string, u *domain.Unit) PrivacyNotice {
	if lang != i18n.EN {
		lang = i18n.VI
	}
	return PrivacyNotice{Lang: lang, Controller: controllerName(lang, u), RetentionDays: a.retentionDays()}
}

// Lead says who controls the data and that giving it is optional.
func (n PrivacyNotice) Lead() string { return i18n.T(n.Lang, "consent.controller", n.Controller) }

// Consent is the words of the box a commenter ticks to consent to a purpose.
func (n PrivacyNotice) Consent(p domain.ConsentPurpose) string {
	if p == domain.ConsentContact {
		return i18n.T(n.Lang, "consent.contact", n.Controller, n.RetentionDays)
	}
	return i18n.T(n.Lang, "consent."+string(p), n.Controller)
}

// Rights lists the commenter's rights over the data and how to use them.
func (n PrivacyNotice) Rights() string { return i18n.T(n.Lang, "consent.rights") }

// Record is what a consent to p records: the box ticked, with the notice around it.
func (n PrivacyNotice) Record(p domain.ConsentPurpose) string {
	return n.Consent(p) + " " + n.Lead() + " " + n.Rights()
}

// localWords are the words a unit's name may start with for each kind of local government.
var localWords = map[domain.UnitKind]string{
	domain.UnitCommune: "xã", domain.UnitWard: "phường", domain.UnitSpecialZone: "đặc khu",
}

// controllerName names a unit's People's Committee: "Ủy ban nhân dân xã An Bình" for the
// commune named "Xã An Bình" (or "An Bình"). A province keeps its name as it is.
func controllerName(lang string, u *domain.Unit) string {
	name := strings.TrimSpace(u.Name)
	kind := domain.UnitProvince
	if w, ok := localWords[u.Kind]; ok {
		if rest, found := cutPrefixFold(name, w+" "); found {
			name = strings.TrimSpace(rest)
		}
		kind = u.Kind
	}
	return i18n.T(lang, "controller", i18n.T(lang, "controller.place."+string(kind), name))
}

// cutPrefixFold is strings.CutPrefix ignoring case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}
