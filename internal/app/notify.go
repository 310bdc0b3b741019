package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
)

// MailResults is the outbox kind of the notices sent when results are published.
const MailResults = "results"

// notifyResults tells of published results: the officials of every unit the consultation
// covered get a notice in their inbox on the portal and, when mail is on, an e-mail; each
// commenter who left an e-mail address and agreed to be contacted about their opinion gets
// an e-mail. A failure is logged and does not undo the publication; the dedup keys make a
// retry harmless.
func (a *App) notifyResults(ctx context.Context, c *domain.Consultation) {
	officials, err := a.coveredOfficials(ctx, c)
	if err != nil {
		slog.ErrorContext(ctx, "find officials to notify of results", "consultation", c.ID, "err", err)
		return
	}
	// The inbox does not depend on mail: a portal without a mail server still tells its staff.
	if err := a.addResultNotices(ctx, c, officials); err != nil {
		slog.ErrorContext(ctx, "add result notices to inboxes", "consultation", c.ID, "err", err)
	}
	if !a.MailEnabled {
		return
	}
	if err := a.queueResultNotices(ctx, c, officials); err != nil {
		slog.ErrorContext(ctx, "queue result notices", "consultation", c.ID, "err", err)
	}
}

// coveredOfficials lists the officials with a role over the consultation's unit, a unit
// below it (a village of the commune) or one above it (the province).
func (a *App) coveredOfficials(ctx context.Context, c *domain.Consultation) ([]domain.Actor, error) {
	covered, err := a.store.UnitSubtree(ctx, []int64{c.UnitID})
	if err != nil {
		return nil, err
	}
	above, err := a.store.UnitAncestry(ctx, c.UnitID)
	if err != nil {
		return nil, err
	}
	officials, err := a.store.StaffWithRoles(ctx, domain.RoleOfficial)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(officials, func(o domain.Actor) bool {
		return !slices.ContainsFunc(o.Roles, func(r domain.RoleAssignment) bool {
			return slices.Contains(covered, r.UnitID) || slices.Contains(above, r.UnitID)
		})
	}), nil
}

// addResultNotices puts a notice of the results in each official's inbox, once per
// consultation and person.
func (a *App) addResultNotices(ctx context.Context, c *domain.Consultation, officials []domain.Actor) error {
	for _, o := range officials {
		cid, uid := c.ID, c.UnitID
		if _, err := a.store.AddNotification(ctx, &domain.Notification{
			StaffID: o.StaffID, Kind: domain.NoticeResults, ConsultationID: &cid, UnitID: &uid,
			DedupKey: fmt.Sprintf("results:%d:staff:%d", c.ID, o.StaffID), CreatedAt: a.Now(),
		}); err != nil {
			return err
		}
	}
	return nil
}

// queueResultNotices queues the e-mail notices of published results: to the officials, and
// to the commenters who left an e-mail address and consented.
func (a *App) queueResultNotices(ctx context.Context, c *domain.Consultation, officials []domain.Actor) error {
	link := fmt.Sprintf("%s/c/%d", a.BaseURL, c.ID)
	for _, o := range officials {
		key := fmt.Sprintf("results:%d:staff:%d", c.ID, o.StaffID)
		if _, err := a.store.Enqueue(ctx, &store.OutboxMessage{
			To: o.Email, Kind: MailResults, DedupKey: &key, CreatedAt: a.Now(), NextAttemptAt: a.Now(),
			Subject: i18n.T(i18n.VI, "mail.results.subject", c.Title),
			Body:    i18n.T(i18n.VI, "mail.results.staff_body", o.Name, c.Title, link),
		}); err != nil {
			return err
		}
	}
	commenters, err := a.store.ContactableCommenters(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, op := range commenters {
		addr, ok := emailIn(op.Contact)
		if !ok {
			continue // a phone number: the commune calls back instead
		}
		key := fmt.Sprintf("results:%d:opinion:%d", c.ID, op.ID)
		id := op.ID // erasing the opinion finds the notice by it; none is queued after
		if _, err := a.store.Enqueue(ctx, &store.OutboxMessage{
			To: addr, Kind: MailResults, DedupKey: &key, OpinionID: &id, CreatedAt: a.Now(), NextAttemptAt: a.Now(),
			Subject: i18n.T(i18n.VI, "mail.results.subject", c.Title),
			Body: i18n.T(i18n.VI, "mail.results.resident_body", c.Title, op.TrackingCode,
				a.BaseURL+"/track/"+op.TrackingCode, link),
		}); err != nil {
			return err
		}
	}
	return nil
}

// emailIn finds the e-mail address in a commenter's contact: the whole contact, or its last
// word when a name comes first ("Nguyễn Văn An an@example.vn", as textnorm.CleanContact
// keeps "Nguyễn Văn An <an@example.vn>").
func emailIn(contact string) (string, bool) {
	words := strings.Fields(contact)
	if len(words) == 0 {
		return "", false
	}
	for _, s := range []string{contact, words[len(words)-1]} {
		if addr, err := mail.ParseAddress(s); err == nil {
			return addr.Address, true
		}
	}
	return "", false
}
