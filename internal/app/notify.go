package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
)

// MailResults is the outbox kind of the notices sent when results are published.
const MailResults = "results"

// notifyResults queues the notices of published results: to the officials of every unit the
// consultation covered, and to each commenter who left an e-mail address and agreed to be
// contacted about their opinion. A failure to queue is logged and does not undo the
// publication; the dedup keys make a retry harmless.
func (a *App) notifyResults(ctx context.Context, c *domain.Consultation) {
	if !a.MailEnabled {
		return
	}
	if err := a.queueResultNotices(ctx, c); err != nil {
		slog.ErrorContext(ctx, "queue result notices", "consultation", c.ID, "err", err)
	}
}

func (a *App) queueResultNotices(ctx context.Context, c *domain.Consultation) error {
	link := fmt.Sprintf("%s/c/%d", a.BaseURL, c.ID)
	covered, err := a.Store.UnitSubtree(ctx, []int64{c.UnitID})
	if err != nil {
		return err
	}
	above, err := a.Store.UnitAncestry(ctx, c.UnitID)
	if err != nil {
		return err
	}
	officials, err := a.Store.StaffWithRoles(ctx, domain.RoleOfficial)
	if err != nil {
		return err
	}
	for _, o := range officials {
		if !slices.ContainsFunc(o.Roles, func(r domain.RoleAssignment) bool {
			return slices.Contains(covered, r.UnitID) || slices.Contains(above, r.UnitID)
		}) {
			continue
		}
		key := fmt.Sprintf("results:%d:staff:%d", c.ID, o.StaffID)
		if _, err := a.Store.Enqueue(ctx, &store.OutboxMessage{
			To: o.Email, Kind: MailResults, DedupKey: &key, CreatedAt: a.Now(), NextAttemptAt: a.Now(),
			Subject: i18n.T(i18n.VI, "mail.results.subject", c.Title),
			Body:    i18n.T(i18n.VI, "mail.results.staff_body", o.Name, c.Title, link),
		}); err != nil {
			return err
		}
	}
	commenters, err := a.Store.ContactableCommenters(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, op := range commenters {
		addr, err := mail.ParseAddress(op.Contact)
		if err != nil {
			continue // a phone number: the commune calls back instead
		}
		key := fmt.Sprintf("results:%d:opinion:%d", c.ID, op.ID)
		if _, err := a.Store.Enqueue(ctx, &store.OutboxMessage{
			To: addr.Address, Kind: MailResults, DedupKey: &key, CreatedAt: a.Now(), NextAttemptAt: a.Now(),
			Subject: i18n.T(i18n.VI, "mail.results.subject", c.Title),
			Body: i18n.T(i18n.VI, "mail.results.resident_body", c.Title, op.TrackingCode,
				a.BaseURL+"/track/"+op.TrackingCode, link),
		}); err != nil {
			return err
		}
	}
	return nil
}
