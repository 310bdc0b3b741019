package app_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// refusingSender refuses every message the way mail servers do, naming the recipient.
type refusingSender struct{}

func (refusingSender) Send(_ context.Context, to, _, _ string) error {
	return errors.New("550 5.1.1 <" + strings.ToUpper(to) + ">: Recipient address rejected: user unknown")
}

// TestDeliveryErrorsKeepNoAddress has the mail server refuse a commenter's results notice
// with the address in its answer: neither the error kept with the message nor the log line
// copies it, so erasing the contact leaves no trace of it behind.
func TestDeliveryErrorsKeepNoAddress(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var logs bytes.Buffer
		prev := slog.Default()
		slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
		t.Cleanup(func() { slog.SetDefault(prev) })

		f := testutil.Seed(t, st)
		f.App.MailEnabled = true
		const addr = "lan.tran@example.vn"
		takeToResults(t, f, "Dự thảo quy ước Thôn Hai",
			app.NewOpinion{Stance: "agree", Body: "Xin báo kết quả cho tôi.", Contact: "Trần Thị Lan <" + addr + ">", Consent: true})
		// One failure ends a round: the official's notice and the commenter's fail in turn.
		failed := 0
		for range 5 {
			d, err := f.App.DeliverOutbox(ctx, refusingSender{})
			if err != nil {
				t.Fatal(err)
			}
			if d == (app.Delivery{}) {
				break
			}
			failed += d.Failed
		}
		if failed != 2 {
			t.Fatalf("%d failed deliveries, want 2", failed)
		}
		list := due(t, st, time.Now().Add(24*time.Hour))
		if len(list) != 2 {
			t.Fatalf("%d messages waiting, want the official's and the commenter's", len(list))
		}
		for _, m := range list {
			if m.LastError == "" && m.Attempts > 0 {
				t.Errorf("message %d tried without its error", m.ID)
			}
			if strings.Contains(strings.ToLower(m.LastError), "@example.vn") {
				t.Errorf("the error kept with message %d names the recipient: %q", m.ID, m.LastError)
			}
		}
		if !strings.Contains(logs.String(), "mail not sent") {
			t.Fatalf("the failure was not logged:\n%s", logs.String())
		}
		if strings.Contains(strings.ToLower(logs.String()), "@example.vn") {
			t.Errorf("the log names the recipient:\n%s", logs.String())
		}
	})
}
