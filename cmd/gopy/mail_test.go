package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/mail"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

type recorder struct {
	mu sync.Mutex
	to []string
}

func (r *recorder) Send(_ context.Context, to, _, _ string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.to = append(r.to, to)
	return nil
}

// TestMailRound runs the mail worker's turns across a morning: no digest before
// DIGEST_HOUR, the day's digests queued and sent at it, and not again that day.
func TestMailRound(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		if _, err := f.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "agree", Body: "Tôi đồng ý với dự thảo."}, ""); err != nil {
			t.Fatal(err)
		}
		clock := time.Date(2026, 11, 25, 6, 59, 0, 0, domain.Zone)
		f.App.Now = func() time.Time { return clock.UTC() }
		r := &recorder{}
		digested := mailRound(ctx, f.App, r, 7, "")
		if digested != "" || len(r.to) != 0 {
			t.Fatalf("before 7:00: day %q, sent to %v", digested, r.to)
		}
		for _, step := range []time.Duration{time.Minute, time.Minute, 10 * time.Hour} {
			clock = clock.Add(step)
			if digested = mailRound(ctx, f.App, r, 7, digested); digested != "2026-11-25" {
				t.Fatalf("at %v: day %q", clock, digested)
			}
		}
		if len(r.to) != 2 {
			t.Fatalf("sent to %v, want the moderator and the admin once", r.to)
		}
		clock = clock.Add(13 * time.Hour) // 06:01 on the 26th
		if digested = mailRound(ctx, f.App, r, 7, digested); digested != "2026-11-25" || len(r.to) != 2 {
			t.Fatalf("next day before 7:00: day %q, sent to %v", digested, r.to)
		}
		clock = clock.Add(time.Hour)
		if digested = mailRound(ctx, f.App, r, 7, digested); digested != "2026-11-26" || len(r.to) != 4 {
			t.Fatalf("next day at 7:01: day %q, sent to %v", digested, r.to)
		}
	})
}

// stuckSender is a mail server that takes a while to give up once told to stop: it holds
// every message until its context ends, then fails it a moment later.
type stuckSender struct{ started chan struct{} }

func (s stuckSender) Send(ctx context.Context, _, _, _ string) error {
	select {
	case s.started <- struct{}{}:
	default:
	}
	<-ctx.Done()
	time.Sleep(300 * time.Millisecond)
	return errors.New("interrupted by the shutdown")
}

// TestServeWaitsForItsWorkers stops the server while the mail worker is sending, and checks
// that serve returns only after the worker recorded the interrupted attempt: the worker ran
// in the App's background group, which serve stops and waits for before it closes the store.
func TestServeWaitsForItsWorkers(t *testing.T) {
	for _, pg := range postgresToo(t) {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			useDatabase(t, pg)
			t.Setenv("ADDR", freeAddr(t))
			t.Setenv("DEMO", "0")
			t.Setenv("SMTP_ADDR", "127.0.0.1:25") // never dialled: the sender below stands in
			t.Setenv("SMTP_FROM", "gopy@example.vn")
			sender := stuckSender{started: make(chan struct{}, 1)}
			defer func(old func(config.Config) (mail.Sender, error)) { mailSender = old }(mailSender)
			mailSender = func(config.Config) (mail.Sender, error) { return sender, nil }

			url := os.Getenv("DATABASE_URL")
			ctx := context.Background()
			st, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			st.SetClock(time.Now) // no App runs on this store; the test queues one message itself
			if _, err := st.Enqueue(ctx, &store.OutboxMessage{To: "a@example.vn", Subject: "Thử", Body: "Thư thử.", Kind: "test"}); err != nil {
				t.Fatal(err)
			}
			_ = st.Close()

			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- run(runCtx, nil, nil, &bytes.Buffer{}) }()
			select {
			case <-sender.started:
			case err := <-done:
				t.Fatalf("serve ended before sending: %v", err)
			case <-time.After(20 * time.Second):
				t.Fatal("the mail worker sent nothing")
			}
			stop()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve returned %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not shut down")
			}

			st, err = store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var attempts int
			var lastError string
			err = st.SQLDB().QueryRowContext(ctx, "SELECT attempts, last_error FROM outbox WHERE to_addr = 'a@example.vn'").Scan(&attempts, &lastError)
			if err != nil {
				t.Fatal(err)
			}
			if attempts != 1 || !strings.Contains(lastError, "interrupted") {
				t.Errorf("outbox after the shutdown: %d attempts, last error %q; want the interrupted attempt recorded", attempts, lastError)
			}
		})
	}
}
