package app

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/mail"
	"github.com/gopy-vn/gopy/internal/store"
)

// E-mail is never sent from a request. A use case writes the message to the outbox, in the
// database, and DeliverOutbox, run by a worker every minute, hands due messages to the mail
// server; a failure leaves the message queued for a later attempt, so an outage of the mail
// server delays mail but loses none.

// Outbox message kinds.
const (
	MailDigest = "digest" // the daily count of opinions waiting for a moderator
)

const (
	// retryFirst is the wait after the first failure; it doubles with each failure up to retryMax.
	retryFirst = time.Minute
	retryMax   = 6 * time.Hour
	// sendLease is how long a claimed message is left alone by other workers; it must outlast
	// one delivery attempt (mail.SMTP times out after a minute).
	sendLease = 10 * time.Minute
)

// retryDelay is the wait before the next attempt after the attempts-th one failed.
func retryDelay(attempts int) time.Duration {
	d := retryFirst
	for i := 1; i < attempts && d < retryMax; i++ {
		d *= 2
	}
	return min(d, retryMax)
}

// Delivery counts what one round of DeliverOutbox did.
type Delivery struct {
	Sent   int
	Failed int
}

// DeliverOutbox sends the messages that are due, oldest first, marking each sent or failed.
// A failed message is tried again after a wait that starts at a minute and doubles up to six
// hours; after store.OutboxMaxAttempts attempts it is given up but kept, with its last error.
// One failure ends the round: when the server is down, the other messages wait for the next
// round instead of each waiting out a timeout and spending an attempt.
func (a *App) DeliverOutbox(ctx context.Context, sender mail.Sender) (Delivery, error) {
	var out Delivery
	for {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		// Each message is taken on its own (store.ClaimNextMessage): another server's worker
		// running at the same moment takes the next one, and none is sent twice.
		m, err := a.store.ClaimNextMessage(ctx, a.Now(), a.Now().Add(sendLease))
		if err != nil || m == nil {
			return out, err
		}
		attempt := m.Attempts // already counted by the claim
		sendErr := sender.Send(ctx, m.To, m.Subject, m.Body)
		// The outcome is recorded even when a shutdown interrupted the attempt.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		if sendErr == nil {
			err = a.store.MarkSent(rctx, m.ID, a.Now())
			cancel()
			if err != nil {
				// Sent but not marked: it will go out again after the lease.
				return out, fmt.Errorf("mark message %d sent: %w", m.ID, err)
			}
			out.Sent++
			continue
		}
		out.Failed++
		reason := withoutAddress(sendErr.Error(), m.To)
		err = a.store.MarkFailed(rctx, m.ID, reason, a.Now().Add(retryDelay(attempt)))
		cancel()
		if attempt >= store.OutboxMaxAttempts {
			slog.ErrorContext(ctx, "mail given up", "id", m.ID, "kind", m.Kind, "attempts", attempt, "err", reason)
		} else {
			slog.WarnContext(ctx, "mail not sent, will retry", "id", m.ID, "kind", m.Kind, "attempts", attempt,
				"retry_in", retryDelay(attempt), "err", reason)
		}
		return out, err
	}
}

// withoutAddress removes the recipient's address from a delivery error before it is logged
// or kept with the message: mail servers name it in their refusals ("550 <an@example.vn>:
// mailbox unavailable"), and a log line outlives the erasure of the contact it would copy.
func withoutAddress(reason, addr string) string {
	if addr == "" {
		return reason
	}
	return regexp.MustCompile(`(?i)`+regexp.QuoteMeta(addr)).ReplaceAllLiteralString(reason, "[recipient]")
}

// EnqueueDigests queues, for every account that may moderate, one e-mail in Vietnamese
// saying how many opinions wait in its units and since when, if any do. The dedup key holds
// the account and the local day, so calling it again the same day queues nothing new. It
// returns how many messages it queued.
func (a *App) EnqueueDigests(ctx context.Context, now time.Time) (int, error) {
	accounts, err := a.store.StaffWithRoles(ctx, domain.RoleModerator, domain.RoleAdmin)
	if err != nil {
		return 0, err
	}
	day := now.In(domain.Zone).Format("2006-01-02")
	queued := 0
	for i := range accounts {
		actor := &accounts[i]
		if !actor.HasAny(domain.PermModerate) {
			continue
		}
		units, err := a.scope(ctx, actor, domain.PermModerate)
		if err != nil {
			return queued, err
		}
		state, err := a.store.WaitingState(ctx, store.QueueFilter{UnitIDs: units, Moderator: actor.StaffID})
		if err != nil {
			return queued, err
		}
		if state.Waiting == 0 || state.Oldest == nil {
			continue
		}
		key := fmt.Sprintf("digest:%d:%s", actor.StaffID, day)
		created, err := a.store.Enqueue(ctx, &store.OutboxMessage{
			To:      actor.Email,
			Subject: i18n.T(i18n.VI, "mail.digest.subject", state.Waiting),
			Body: i18n.T(i18n.VI, "mail.digest.body", actor.Name, state.Waiting,
				state.Oldest.In(domain.Zone).Format("02/01/2006 15:04"), a.BaseURL+"/staff/moderation"),
			Kind:      MailDigest,
			DedupKey:  &key,
			CreatedAt: now,
		})
		if err != nil {
			return queued, err
		}
		if created {
			queued++
		}
	}
	return queued, nil
}
