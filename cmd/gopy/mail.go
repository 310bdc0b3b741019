package main

import (
	"context"
	"log/slog"
	"net/url"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/mail"
)

// mailSender builds the sender serve hands the mail worker; tests replace it.
var mailSender = func(cfg config.Config) (mail.Sender, error) { return newSender(cfg) }

// newSender builds the SMTP sender of the configuration, greeting the server with the
// portal's host name.
func newSender(cfg config.Config) (*mail.SMTP, error) {
	s, err := mail.NewSMTP(cfg.Mail.Addr, cfg.Mail.From, cfg.Mail.Username, cfg.Mail.Password)
	if err != nil {
		return nil, err
	}
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Hostname() != "" {
		s.HelloName = u.Hostname()
	}
	return s, nil
}

// sendMail delivers, every minute, the e-mail that is due in the outbox, and once a day,
// from DIGEST_HOUR local time, queues the digests to moderators. It runs in the App's
// background group and returns when ctx ends, after recording the attempt in hand.
func sendMail(ctx context.Context, a *app.App, cfg config.Config, sender mail.Sender) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	digested := "" // the local day whose digests are queued
	for {
		digested = mailRound(ctx, a, sender, cfg.Mail.DigestHour, digested)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// mailRound is one turn of sendMail: it queues the day's digests if the hour has come and
// they were not queued yet (the outbox's dedup key also makes a repeat after a restart
// harmless), then delivers. It returns the day whose digests are queued.
func mailRound(ctx context.Context, a *app.App, sender mail.Sender, digestHour int, digested string) string {
	now := a.Now()
	local := now.In(domain.Zone)
	if day := local.Format("2006-01-02"); day != digested && local.Hour() >= digestHour {
		if n, err := a.EnqueueDigests(ctx, now); err != nil {
			slog.Error("queue digests", "err", err)
		} else {
			slog.Info("digests queued", "messages", n, "day", day)
			digested = day
		}
	}
	d, err := a.DeliverOutbox(ctx, sender)
	if err != nil && ctx.Err() == nil {
		slog.Error("deliver mail", "err", err)
	}
	if d.Sent > 0 || d.Failed > 0 {
		slog.Info("mail delivered", "sent", d.Sent, "failed", d.Failed)
	}
	return digested
}
