package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// receiptCode finds the tracking code in the API's receipt.
var receiptCode = regexp.MustCompile(`"tracking_code":"([0-9A-Z]{5}-[0-9A-Z]{5})"`)

// recordingSender keeps the recipients of what the outbox hands it.
type recordingSender struct {
	mu sync.Mutex
	to []string
}

func (r *recordingSender) Send(_ context.Context, to, _, _ string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.to = append(r.to, to)
	return nil
}

// outboxText is every stored message, addresses, text and errors, as one string.
func outboxText(t *testing.T, st *store.Store) string {
	t.Helper()
	rows, err := st.SQLDB().QueryContext(context.Background(), "SELECT to_addr, subject, body, last_error FROM outbox")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var to, subject, body, lastErr string
		if err := rows.Scan(&to, &subject, &body, &lastErr); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s\n%s\n%s\n%s\n---\n", to, subject, body, lastErr)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// submitForm sends an opinion through the public form and returns its tracking code.
func submitForm(t *testing.T, env *testutil.Env, c *domain.Consultation, values url.Values) string {
	t.Helper()
	form := fmt.Sprintf("/c/%d/comment", c.ID)
	res := env.NewBrowser(t).Submit(form, form, values)
	code := codeInLocation.FindStringSubmatch(res.Header.Get("Location"))
	if code == nil {
		t.Fatalf("no receipt: %d %s", res.Status, res.Header.Get("Location"))
	}
	return code[1]
}

// TestEraseReachesEveryCopy publishes the results of a consultation with mail on, so each
// commenter who left an e-mail address has a notice in the outbox holding that address and
// their tracking code. One erases their data on the tracking page, one through the API, one
// does nothing. Afterwards the outbox holds neither the address nor the code of the two who
// erased, a delivery round mails only the third, and a notice queued for an erased opinion
// later is not stored (Law 91/2025/QH15 art. 4: the right to erasure).
func TestEraseReachesEveryCopy(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		env.App.MailEnabled, env.App.BaseURL = true, "https://gopy.example.vn"
		ctx := context.Background()
		c := env.OpenConsultation(t)
		byWeb := submitForm(t, env, c, url.Values{"stance": {"agree"}, "body": {"Tôi đồng ý, xin báo kết quả."},
			"author_name": {"Đỗ Thị Hoa"}, "show_name": {"1"}, "contact": {"Hoa.Do@example.vn"}, "consent": {"1"}})
		byAPI := decodeReceipt(t, env.NewBrowser(t).JSON(http.MethodPost, fmt.Sprintf("/api/v1/consultations/%d/opinions", c.ID),
			`{"stance":"disagree","body":"Tôi chưa đồng ý điều 5.","contact":"binh.le@example.vn","consent":true}`, nil))
		keeps := submitForm(t, env, c, url.Values{"stance": {"other"}, "body": {"Xin gửi kết quả cho tôi."},
			"contact": {"cuong@example.vn"}, "consent": {"1"}})

		var ids []int64
		for _, code := range []string{byWeb, byAPI, keeps} {
			tr, err := env.App.Track(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.App.Moderate(ctx, env.ModeratorA, tr.Opinion.ID, approve()); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, tr.Opinion.ID)
		}
		env.CloseAtEnd(t, env.OfficialA, c)
		if _, err := env.App.Answer(ctx, env.OfficialA, c.ID, app.NewResponse{OpinionIDs: ids, Kind: "noted", Text: "Xin ghi nhận."}); err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.PublishResults(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		before := outboxText(t, st)
		mustContain(t, before, "Hoa.Do@example.vn", byWeb, "binh.le@example.vn", byAPI, "cuong@example.vn", keeps)

		resident := env.NewBrowser(t)
		track := "/track/" + byWeb
		if res := resident.Submit(track, track+"/erase", url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("erase on the tracking page: %d", res.Status)
		}
		if res := env.NewBrowser(t).JSON(http.MethodPost, "/api/v1/opinions/"+byAPI+"/erase", "", nil); res.Status != http.StatusOK {
			t.Fatalf("erase through the API: %d %s", res.Status, res.Body)
		}

		after := outboxText(t, st)
		for _, gone := range []string{"hoa.do@example.vn", byWeb, "binh.le@example.vn", byAPI} {
			if strings.Contains(strings.ToLower(after), strings.ToLower(gone)) {
				t.Errorf("after erasure the outbox still holds %q:\n%s", gone, after)
			}
		}
		mustContain(t, after, "cuong@example.vn", keeps)

		sender := &recordingSender{}
		if _, err := env.App.DeliverOutbox(ctx, sender); err != nil {
			t.Fatal(err)
		}
		slices.Sort(sender.to)
		if want := []string{"cuong@example.vn", env.OfficialA.Email}; !slices.Equal(sender.to, want) {
			t.Errorf("mailed %v, want %v", sender.to, want)
		}

		// A notice queued for an erased opinion afterwards (a retry of the publication's
		// notices, a second worker) finds no contact and stores nothing.
		key := fmt.Sprintf("results:%d:opinion:%d:again", c.ID, ids[0])
		created, err := st.Enqueue(ctx, &store.OutboxMessage{To: "Hoa.Do@example.vn", Subject: "Kết quả", Body: byWeb,
			Kind: app.MailResults, DedupKey: &key, OpinionID: &ids[0]})
		if err != nil || created {
			t.Fatalf("notice queued after erasure: created %t, %v", created, err)
		}
		if n := countRows(t, st, "outbox", "LOWER(to_addr) = 'hoa.do@example.vn'"); n != 0 {
			t.Fatalf("%d messages to the erased address", n)
		}
	})
}

func decodeReceipt(t *testing.T, res *testutil.Response) string {
	t.Helper()
	m := receiptCode.FindStringSubmatch(res.Body)
	if res.Status != http.StatusCreated || m == nil {
		t.Fatalf("API receipt: %d %s", res.Status, res.Body)
	}
	return m[1]
}

// TestWithdrawErasesToo withdraws an opinion that left a name, a contact and a queued notice:
// the purposes they were kept for end with it, so they go as on erasure, and the consents are
// marked withdrawn. An offline opinion erased by its code loses the scan of its paper, which
// shows the name and signature.
func TestWithdrawErasesToo(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		c := env.OpenConsultation(t)
		code := submitForm(t, env, c, url.Values{"stance": {"agree"}, "body": {"Ý kiến tôi sẽ rút."},
			"author_name": {"Vũ Văn Rút"}, "show_name": {"1"}, "contact": {"rut.vu@example.vn"}, "consent": {"1"}})
		o, err := st.OpinionByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprintf("test:%d", o.ID)
		if created, err := st.Enqueue(ctx, &store.OutboxMessage{To: "rut.vu@example.vn", Subject: "Thư", Body: "Mã " + code,
			Kind: app.MailResults, DedupKey: &key, OpinionID: &o.ID}); err != nil || !created {
			t.Fatalf("queue a notice: %t %v", created, err)
		}

		track := "/track/" + code
		if res := env.NewBrowser(t).Submit(track, track+"/withdraw", url.Values{"confirm": {"yes"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", res.Status)
		}
		o, _ = st.OpinionByCode(ctx, code)
		if o.Status != domain.OpinionWithdrawn || o.AuthorName != "" || o.Contact != "" || o.ShowName || o.ErasedAt == nil || o.Body != "Ý kiến tôi sẽ rút." {
			t.Fatalf("after withdrawal: %+v", o)
		}
		consents, _ := st.Consents(ctx, o.ID)
		if len(consents) != 2 {
			t.Fatalf("consents: %+v", consents)
		}
		for _, k := range consents {
			if k.WithdrawnAt == nil {
				t.Errorf("consent %s not marked withdrawn", k.Purpose)
			}
		}
		if text := outboxText(t, st); strings.Contains(text, "rut.vu") || strings.Contains(text, code) {
			t.Errorf("the outbox still holds the withdrawn opinion's notice:\n%s", text)
		}

		paper, err := env.App.EnterOfflineOpinion(ctx, env.OfficialA, c.ID, app.NewOpinion{
			Channel: "form", Reference: "Phiếu số 7", Stance: "disagree", Body: "Ý kiến ghi trên phiếu.", AuthorName: "Lò Văn Páo",
			Attachment: &app.Upload{Name: "phieu-7.png", Data: samplePNG},
		}, "")
		if err != nil {
			t.Fatal(err)
		}
		where := fmt.Sprintf("opinion_id = %d", paper.Opinion.ID)
		if n := countRows(t, st, "opinion_attachments", where); n != 1 {
			t.Fatalf("%d scans stored", n)
		}
		ptrack := "/track/" + paper.Opinion.TrackingCode
		if res := env.NewBrowser(t).Submit(ptrack, ptrack+"/erase", url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("erase the paper opinion: %d", res.Status)
		}
		if n := countRows(t, st, "opinion_attachments", where); n != 0 {
			t.Errorf("%d scans left after erasure", n)
		}
		if o, _ := st.OpinionByID(ctx, paper.Opinion.ID); o.AuthorName != "" || o.Body != "Ý kiến ghi trên phiếu." {
			t.Errorf("paper opinion after erasure: %+v", o)
		}
	})
}

// TestOpinionFormPrivacyNotice checks what the form tells a commenter before they leave a
// name or contact (Law 91/2025/QH15 art. 9: a consent holds only when the person knows the
// data and purpose, the controller, and their rights): the People's Committee of the commune
// as controller, even for a village's draft; each purpose, with how long the contact is kept;
// the rights of art. 4. The consent recorded with an opinion is in those words, and a name
// given without consent to show it is not kept.
func TestOpinionFormPrivacyNotice(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		env.App.RetentionDays = 60
		ctx := context.Background()
		opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
		c, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{
			Title: "Dự thảo quy ước Thôn Một", Kind: "quy_uoc", UnitCode: "A1", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
		})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		form := fmt.Sprintf("/c/%d/comment", c.ID)
		b := env.NewBrowser(t)
		page := b.Get(form).Body
		mustContain(t, page,
			"Bên kiểm soát dữ liệu cá nhân bạn để lại ở đây là Ủy ban nhân dân xã An Bình",
			"Tôi đồng ý để Ủy ban nhân dân xã An Bình công khai họ tên tôi cùng ý kiến này",
			"Họ tên chỉ được lưu khi bạn đánh dấu ô đồng ý công khai",
			"chỉ để liên hệ với tôi về ý kiến này và báo cho tôi khi công bố kết quả",
			"bị xóa 60 ngày sau khi công bố kết quả",
			"Luật số 91/2025/QH15", "rút lại sự đồng ý", "yêu cầu cung cấp, xóa, hạn chế xử lý", "khiếu nại, tố cáo, khởi kiện")
		english := b.Get(form + "?lang=en").Body
		mustContain(t, english,
			"controlled by the People&#39;s Committee of An Bình commune",
			"I agree that the People&#39;s Committee of An Bình commune publishes my name with this opinion",
			"only to contact me about this opinion and to tell me when the results are published",
			"erased 60 days after the results are published", "Law No. 91/2025/QH15", "to withdraw your consent")

		code := submitForm(t, env, c, url.Values{"stance": {"agree"}, "body": {"Tôi đồng ý, không công khai tên."},
			"author_name": {"Mai Thị Ẩn"}, "contact": {"0903 111 222"}, "consent": {"1"}})
		o, err := st.OpinionByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if o.AuthorName != "" || o.ShowName || o.Contact != "0903 111 222" {
			t.Fatalf("stored name %q (shown %t), contact %q: a name without consent to show it is not kept", o.AuthorName, o.ShowName, o.Contact)
		}
		consents, _ := st.Consents(ctx, o.ID)
		if len(consents) != 1 || consents[0].Purpose != domain.ConsentContact {
			t.Fatalf("consents: %+v", consents)
		}
		for _, want := range []string{
			i18n.T(i18n.VI, "consent.contact", "Ủy ban nhân dân xã An Bình", 60),
			i18n.T(i18n.VI, "consent.controller", "Ủy ban nhân dân xã An Bình"),
			i18n.T(i18n.VI, "consent.rights"),
		} {
			if !strings.Contains(consents[0].Text, want) {
				t.Errorf("recorded consent lacks %q:\n%s", want, consents[0].Text)
			}
		}
	})
}

// TestPurgeAfterRetention checks that what is kept for a consultation's commenters is erased
// once the retention period after its results has passed, and not before: contacts, names
// not shown, the scans of paper opinions, and the messages in the outbox; a shown name and
// every opinion's text stay. Messages given up after their last attempt go at once, and a
// message unsent for longer than the retention period goes too.
func TestPurgeAfterRetention(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		c := env.OpenConsultation(t)
		in := approveLater()
		contact, err := env.App.SubmitOpinion(ctx, c.ID, in, "")
		if err != nil {
			t.Fatal(err)
		}
		shown, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "agree", Body: "Tôi đồng ý, ghi tên tôi.",
			AuthorName: "Trần Văn Hiện", ShowName: true, Contact: "hien@example.vn", Consent: true}, "")
		if err != nil {
			t.Fatal(err)
		}
		paper, err := env.App.EnterOfflineOpinion(ctx, env.OfficialA, c.ID, app.NewOpinion{
			Channel: "form", Reference: "Phiếu số 3", Stance: "disagree", Body: "Ý kiến trên phiếu.", AuthorName: "Lò Văn Páo",
			Attachment: &app.Upload{Name: "phieu-3.png", Data: samplePNG},
		}, "")
		if err != nil {
			t.Fatal(err)
		}

		now := env.App.Now()
		old := now.AddDate(0, 0, -100)
		queue := func(key string, m store.OutboxMessage) {
			t.Helper()
			m.DedupKey, m.Subject, m.Body, m.Kind = &key, "Thư "+key, "Nội dung "+key, app.MailDigest
			if created, err := st.Enqueue(ctx, &m); err != nil || !created {
				t.Fatalf("queue %s: %t %v", key, created, err)
			}
		}
		queue("notice", store.OutboxMessage{To: "0911 222 333", OpinionID: &contact.Opinion.ID})
		queue("sent-long-ago", store.OutboxMessage{To: "official.a@example.vn", CreatedAt: old, SentAt: &old})
		queue("unsent-long-ago", store.OutboxMessage{To: "official.a@example.vn", CreatedAt: old, Attempts: 5})
		queue("given-up", store.OutboxMessage{To: "official.a@example.vn", CreatedAt: now.Add(-3 * 24 * time.Hour),
			Attempts: store.OutboxMaxAttempts, NextAttemptAt: now.Add(-time.Hour), LastError: "550 no such user"})
		queue("waiting", store.OutboxMessage{To: "official.a@example.vn", CreatedAt: now.Add(-time.Hour), Attempts: 2,
			NextAttemptAt: now.Add(time.Hour)})

		published := now.AddDate(0, 0, -100)
		if err := st.ChangeStatus(ctx, c.ID, "open", "closed", nil, "", store.StatusStamps{}); err != nil {
			t.Fatal(err)
		}
		if err := st.ChangeStatus(ctx, c.ID, "closed", "results_published", nil, "", store.StatusStamps{ResultsPublishedAt: &published}); err != nil {
			t.Fatal(err)
		}
		keys := func() []string {
			var list []string
			rows, err := st.SQLDB().QueryContext(ctx, "SELECT dedup_key FROM outbox ORDER BY dedup_key")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					t.Fatal(err)
				}
				list = append(list, k)
			}
			return list
		}

		env.App.RetentionDays = 120
		got, err := env.App.PurgeExpired(ctx)
		if err != nil || got != (domain.Purged{Messages: 1}) {
			t.Fatalf("inside the retention period: purged %+v, %v; want only the given-up message", got, err)
		}
		if k := keys(); !slices.Equal(k, []string{"notice", "sent-long-ago", "unsent-long-ago", "waiting"}) {
			t.Fatalf("inside the retention period the outbox holds %v", k)
		}
		if n := countRows(t, st, "opinion_attachments", "1 = 1"); n != 1 {
			t.Fatalf("%d scans inside the retention period", n)
		}

		env.App.RetentionDays = 90
		got, err = env.App.PurgeExpired(ctx)
		if want := (domain.Purged{Opinions: 3, Attachments: 1, Messages: 3}); err != nil || got != want {
			t.Fatalf("after the retention period: purged %+v, %v; want %+v", got, err, want)
		}
		if k := keys(); !slices.Equal(k, []string{"waiting"}) {
			t.Errorf("after the retention period the outbox holds %v", k)
		}
		for _, want := range []struct {
			id         int64
			name, body string
		}{
			{contact.Opinion.ID, "", in.Body},
			{shown.Opinion.ID, "Trần Văn Hiện", "Tôi đồng ý, ghi tên tôi."},
			{paper.Opinion.ID, "", "Ý kiến trên phiếu."},
		} {
			o, _ := st.OpinionByID(ctx, want.id)
			if o.Contact != "" || o.AuthorName != want.name || o.Body != want.body {
				t.Errorf("after purge: contact %q name %q body %q; want name %q body %q", o.Contact, o.AuthorName, o.Body, want.name, want.body)
			}
		}
		if n := countRows(t, st, "opinion_attachments", "1 = 1"); n != 0 {
			t.Errorf("%d scans after the retention period", n)
		}
		if got, err := env.App.PurgeExpired(ctx); err != nil || got != (domain.Purged{}) {
			t.Errorf("a second purge: %+v, %v", got, err)
		}
	})
}
