package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/mail"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// received decodes what the test mail server got, by recipient, failing on a message with
// other than one recipient or from another sender than the portal.
func received(t *testing.T, msgs []testutil.SMTPMessage) map[string][]mailText {
	t.Helper()
	out := map[string][]mailText{}
	for _, m := range msgs {
		if m.From != "gopy@xa.example.vn" || len(m.To) != 1 {
			t.Fatalf("envelope from %q to %v", m.From, m.To)
		}
		subject, body, err := m.Text()
		if err != nil {
			t.Fatalf("message to %s: %v\n%s", m.To[0], err, m.Data)
		}
		out[m.To[0]] = append(out[m.To[0]], mailText{subject, body})
	}
	return out
}

type mailText struct{ Subject, Body string }

// TestResultNoticesThroughSMTP publishes results with mail configured as the server
// configures it from SMTP_ADDR and SMTP_FROM, and delivers the outbox to a real SMTP
// listener: the covered official and the consenting commenter with an e-mail address get
// their notice, in Vietnamese, with the links; the commenter who left a phone number, the
// one who left no contact and the other commune's official get nothing. Then the mail server goes down: the next results' notices fail,
// stay queued with the error, wait out the backoff, and go out once when the server is back.
func TestResultNoticesThroughSMTP(t *testing.T) {
	// In order, not in parallel: the settings reach config.Load through the environment.
	testutil.EachDBInOrder(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		listener := testutil.StartSMTP(t)
		for k, v := range map[string]string{
			"SMTP_ADDR": listener.Addr, "SMTP_FROM": "Góp Ý <gopy@xa.example.vn>", "SMTP_USERNAME": "", "SMTP_PASSWORD": "",
			"BASE_URL": "https://gopy.example.vn",
		} {
			t.Setenv(k, v)
		}
		cfg, err := config.Load()
		if err != nil {
			t.Fatal(err)
		}
		// As cmd/gopy builds its sender (newSender) and its App (openApp).
		sender, err := mail.NewSMTP(cfg.Mail.Addr, cfg.Mail.From, cfg.Mail.Username, cfg.Mail.Password)
		if err != nil {
			t.Fatal(err)
		}
		sender.HelloName = "gopy.example.vn"
		sender.Timeout = 10 * time.Second
		f := testutil.Seed(t, st)
		f.App.BaseURL, f.App.MailEnabled = cfg.BaseURL, cfg.Mail.Enabled()
		if !f.App.MailEnabled {
			t.Fatal("mail is off with SMTP_ADDR set")
		}
		clock := time.Now().UTC().Truncate(time.Second)
		f.App.Now = func() time.Time { return clock }

		title := "Dự thảo hương ước Thôn Một (sửa đổi)"
		c, ops := takeToResults(t, f, title,
			app.NewOpinion{Stance: "disagree", Body: "Đề nghị cho tổ chức cưới trong hai ngày.", Contact: "Trần Thị Lan <lan.tran@example.vn>", Consent: true},
			app.NewOpinion{Stance: "agree", Body: "Tôi đồng ý, xin gọi lại cho tôi.", Contact: "0912 345 678", Consent: true},
			app.NewOpinion{Stance: "agree", Body: "Nên giữ ngày tổng vệ sinh."},
		)
		if list := inboxOf(t, f, f.OfficialA); len(list) != 1 || *list[0].ConsultationID != c.ID {
			t.Fatalf("with mail on, official A's inbox is %+v", list)
		}

		d, err := f.App.DeliverOutbox(ctx, sender)
		if err != nil || d.Sent != 2 || d.Failed != 0 {
			t.Fatalf("first delivery: %+v, %v", d, err)
		}
		got := received(t, listener.Messages())
		if len(got) != 2 || len(got["official.a@example.vn"]) != 1 || len(got["lan.tran@example.vn"]) != 1 {
			t.Fatalf("received by %v", recipients(got))
		}
		wantSubject := `Góp Ý: đã công bố kết quả lấy ý kiến "` + title + `"`
		link := fmt.Sprintf("https://gopy.example.vn/c/%d", c.ID)
		official := got["official.a@example.vn"][0]
		resident := got["lan.tran@example.vn"][0]
		for _, m := range []mailText{official, resident} {
			if m.Subject != wantSubject {
				t.Errorf("subject %q, want %q", m.Subject, wantSubject)
			}
		}
		for _, want := range []string{"Kính gửi " + f.OfficialA.Name, "Kết quả lấy ý kiến về \"" + title + "\" đã được công bố", link} {
			if !strings.Contains(official.Body, want) {
				t.Errorf("official's notice lacks %q:\n%s", want, official.Body)
			}
		}
		code := ops[0].TrackingCode
		for _, want := range []string{"mã tra cứu " + code, "https://gopy.example.vn/track/" + code, link} {
			if !strings.Contains(resident.Body, want) {
				t.Errorf("resident's notice lacks %q:\n%s", want, resident.Body)
			}
		}

		// The mail server goes down; the next results are published meanwhile.
		listener.Stop()
		title2 := "Dự thảo quy ước về việc cưới, việc tang"
		c2, ops2 := takeToResults(t, f, title2,
			app.NewOpinion{Stance: "other", Body: "Cần quy định rõ giờ kết thúc đám cưới.", Contact: "hoa.nguyen@example.vn", Consent: true})
		// One failure ends a round, so each round tries one message, until none is due.
		rounds := 0
		for ; rounds < 10; rounds++ {
			d, err := f.App.DeliverOutbox(ctx, sender)
			if err != nil {
				t.Fatalf("delivery during the outage: %v", err)
			}
			if d == (app.Delivery{}) {
				break
			}
			if d.Sent != 0 || d.Failed != 1 {
				t.Fatalf("delivery during the outage: %+v", d)
			}
		}
		if rounds != 2 {
			t.Fatalf("%d failed rounds, want one per message", rounds)
		}
		waiting := due(t, st, clock.Add(time.Hour))
		if len(waiting) != 2 {
			t.Fatalf("queued during the outage: %+v", waiting)
		}
		for _, m := range waiting {
			if m.Kind != app.MailResults || m.DedupKey == nil || !strings.HasPrefix(*m.DedupKey, fmt.Sprintf("results:%d:", c2.ID)) ||
				m.Attempts != 1 || m.SentAt != nil || m.LastError == "" || !m.NextAttemptAt.Equal(clock.Add(time.Minute)) {
				t.Errorf("after the failure: %+v", m)
			}
		}
		if n := len(listener.Messages()); n != 2 {
			t.Fatalf("%d messages received during the outage", n)
		}

		// Back up, but the wait after the failure is not over: nothing is tried yet.
		listener.Start()
		if d, err := f.App.DeliverOutbox(ctx, sender); err != nil || d != (app.Delivery{}) {
			t.Fatalf("before the retry is due: %+v, %v", d, err)
		}
		clock = clock.Add(2 * time.Minute)
		if d, err := f.App.DeliverOutbox(ctx, sender); err != nil || d.Sent != 2 || d.Failed != 0 {
			t.Fatalf("after the outage: %+v, %v", d, err)
		}
		clock = clock.Add(24 * time.Hour)
		if d, err := f.App.DeliverOutbox(ctx, sender); err != nil || d != (app.Delivery{}) {
			t.Fatalf("a day later: %+v, %v", d, err)
		}
		got = received(t, listener.Messages())
		if len(listener.Messages()) != 4 || len(got["official.a@example.vn"]) != 2 || len(got["hoa.nguyen@example.vn"]) != 1 {
			t.Fatalf("received by %v", recipients(got))
		}
		wantSubject2 := `Góp Ý: đã công bố kết quả lấy ý kiến "` + title2 + `"`
		if m := got["official.a@example.vn"][1]; m.Subject != wantSubject2 || !strings.Contains(m.Body, fmt.Sprintf("https://gopy.example.vn/c/%d", c2.ID)) {
			t.Errorf("official's second notice: %q\n%s", m.Subject, m.Body)
		}
		if m := got["hoa.nguyen@example.vn"][0]; m.Subject != wantSubject2 || !strings.Contains(m.Body, "https://gopy.example.vn/track/"+ops2[0].TrackingCode) {
			t.Errorf("resident's notice after the outage: %q\n%s", m.Subject, m.Body)
		}
		if left := due(t, st, clock.Add(365*24*time.Hour)); len(left) != 0 {
			t.Fatalf("still queued: %+v", left)
		}
		if list := inboxOf(t, f, f.OfficialA); len(list) != 2 || list[0].ConsultationID == nil || *list[0].ConsultationID != c2.ID {
			t.Fatalf("official A's inbox: %+v", list)
		}
		if list := inboxOf(t, f, f.OfficialB); len(list) != 0 {
			t.Fatalf("official B's inbox: %+v", list)
		}
	})
}

func recipients(m map[string][]mailText) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		out[k] = len(v)
	}
	return out
}
