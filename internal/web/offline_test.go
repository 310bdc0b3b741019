package web_test

// Opinions gathered offline, through the official's form: the reference a paper needs,
// the form kept for the next paper of a batch, the photo or scan checked by its bytes and
// served only to overseeing staff, and the entries counted by channel once approved.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// samplePDF is a small PDF as a scanner writes it: what matters is its first bytes.
var samplePDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// samplePNG starts like every PNG.
var samplePNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)

// upload is a file part of a multipart form.
type upload struct {
	name, contentType string
	data              []byte
}

// postMultipart loads formPage and posts fields and the file to action as
// multipart/form-data, with the page's CSRF token and idempotency key, as a browser would.
func postMultipart(t *testing.T, b *testutil.Browser, formPage, action string, fields url.Values, file *upload) *testutil.Response {
	t.Helper()
	page := b.Get(formPage)
	if page.Status != http.StatusOK {
		t.Fatalf("form %s: status %d", formPage, page.Status)
	}
	for _, name := range []string{"_csrf", "key"} {
		if _, set := fields[name]; !set {
			fields.Set(name, hiddenValue(t, page.Body, name))
		}
	}
	body, ct := multipartBody(t, fields, file)
	return b.Do(http.MethodPost, action, body, map[string]string{"Content-Type": ct})
}

func multipartBody(t *testing.T, fields url.Values, file *upload) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if file != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="attachment"; filename=%q`, file.name))
		h.Set("Content-Type", file.contentType)
		part, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(file.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, w.FormDataContentType()
}

// offlineRow is what the database holds of an offline opinion and its attachments.
type offlineRow struct {
	ID                 int64
	Channel, Ref, Body string
	Status, Village    string
	EnteredBy          int64
	Files              int
	FileType           string
	FileSize           int64
	TrackingCode       string
	SectionID          *int64
	AuthorName         string
	ShowName           bool
	AttachmentUploader *int64
}

// offlineRows reads a consultation's offline opinions, oldest first.
func offlineRows(t *testing.T, st *store.Store, consultationID int64) []offlineRow {
	t.Helper()
	rows, err := st.SQLDB().QueryContext(context.Background(), `
		SELECT o.id, o.channel, o.offline_ref, o.body, o.status, COALESCE(u.code, ''), COALESCE(o.entered_by, 0),
			o.tracking_code, o.section_id, o.author_name, o.show_name,
			(SELECT COUNT(*) FROM opinion_attachments a WHERE a.opinion_id = o.id),
			COALESCE((SELECT MIN(a.content_type) FROM opinion_attachments a WHERE a.opinion_id = o.id), ''),
			COALESCE((SELECT MIN(a.size) FROM opinion_attachments a WHERE a.opinion_id = o.id), 0),
			(SELECT MIN(a.uploaded_by) FROM opinion_attachments a WHERE a.opinion_id = o.id)
		FROM opinions o LEFT JOIN units u ON u.id = o.village_id
		WHERE o.consultation_id = `+strconv.FormatInt(consultationID, 10)+` AND o.channel <> 'online' ORDER BY o.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []offlineRow
	for rows.Next() {
		var r offlineRow
		if err := rows.Scan(&r.ID, &r.Channel, &r.Ref, &r.Body, &r.Status, &r.Village, &r.EnteredBy, &r.TrackingCode,
			&r.SectionID, &r.AuthorName, &r.ShowName, &r.Files, &r.FileType, &r.FileSize, &r.AttachmentUploader); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// fieldError is the message a form shows at a field, as the template writes it.
func fieldError(field, key string, args ...any) string {
	return `<p class="field-error" id="e-` + field + `">` + viMessage(key, args...) + `</p>`
}

var selectedOption = func(value string) *regexp.Regexp {
	return regexp.MustCompile(`<option value="` + regexp.QuoteMeta(value) + `"\s+selected>`)
}

func TestOfflineEntryThroughTheForm(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		cons := env.OpenConsultation(t)
		art5 := testutil.Section(t, cons, "c2.d5")
		sheet := fmt.Sprintf("/staff/consultations/%d/offline", cons.ID)
		official := env.NewBrowser(t)
		official.Login(env.OfficialA.Email)

		page := official.Get(sheet)
		if page.Status != http.StatusOK {
			t.Fatalf("sheet: status %d", page.Status)
		}
		mustContain(t, page.Body, `enctype="multipart/form-data"`, viMessage("channel.meeting"), viMessage("channel.form"),
			viMessage("channel.box"), viMessage("channel.phone"), "Thôn Hai", "Điều 5. Việc cưới", viMessage("offline.none"))
		if strings.Contains(page.Body, `<option value="online"`) {
			t.Error("the sheet offers the online channel, which residents use themselves")
		}

		paper := func(body string) url.Values {
			return url.Values{"channel": {"meeting"}, "reference": {""}, "village_code": {"A2"},
				"section_id": {fmt.Sprint(art5.ID)}, "stance": {"disagree"}, "body": {body}, "author_name": {"Lò Văn Páo"}}
		}
		first := "Đề nghị cho phép cưới hai ngày với nhà ở xa."

		// A meeting's opinion needs its minutes number: refused at the field, nothing lost,
		// nothing saved.
		res := postMultipart(t, official, sheet, sheet, paper(first), nil)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("no reference: status %d, want 422", res.Status)
		}
		mustContain(t, res.Body, fieldError("reference", "validation.reference_required.meeting"), first, `value="Lò Văn Páo"`)
		if !selectedOption("A2").MatchString(res.Body) || !selectedOption(fmt.Sprint(art5.ID)).MatchString(res.Body) {
			t.Error("the refused form lost the village or the article")
		}
		if n := len(offlineRows(t, st, cons.ID)); n != 0 {
			t.Fatalf("%d opinions saved by a refused form", n)
		}

		// With its reference and the scan of the minutes, it is saved; the form comes back
		// empty for the next paper of the batch, with the channel, reference and village kept.
		withRef := paper(first)
		withRef.Set("reference", " BB-03/2026 ")
		res = postMultipart(t, official, sheet, sheet, withRef, &upload{"bien-ban.pdf", "application/pdf", samplePDF})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("paper with reference: status %d\n%s", res.Status, res.Body)
		}
		next := res.Header.Get("Location")
		if want := sheet + "?channel=meeting&reference=BB-03%2F2026&village=A2"; next != want {
			t.Fatalf("after saving, sent to %q, want %q", next, want)
		}
		rows := offlineRows(t, st, cons.ID)
		if len(rows) != 1 {
			t.Fatalf("%d offline opinions, want 1", len(rows))
		}
		got := rows[0]
		if got.Channel != "meeting" || got.Ref != "BB-03/2026" || got.Village != "A2" || got.Body != first ||
			got.Status != "pending" || got.EnteredBy != env.OfficialA.StaffID || got.SectionID == nil || *got.SectionID != art5.ID ||
			got.AuthorName != "Lò Văn Páo" || got.ShowName {
			t.Errorf("stored %+v", got)
		}
		if got.Files != 1 || got.FileType != "application/pdf" || got.FileSize != int64(len(samplePDF)) ||
			got.AttachmentUploader == nil || *got.AttachmentUploader != env.OfficialA.StaffID {
			t.Errorf("attachment: %d file(s), type %q, size %d, uploader %v", got.Files, got.FileType, got.FileSize, got.AttachmentUploader)
		}
		keyBefore := hiddenValue(t, page.Body, "key")
		page = official.Get(next)
		mustContain(t, page.Body, viMessage("offline.saved", got.TrackingCode), `value="BB-03/2026"`, "BB-03/2026", got.TrackingCode,
			"bien-ban.pdf · PDF, 1 KB")
		if !selectedOption("meeting").MatchString(page.Body) || !selectedOption("A2").MatchString(page.Body) {
			t.Error("the next paper's form lost the channel or the village")
		}
		if strings.Contains(page.Body, first+"</textarea>") {
			t.Error("the next paper's form still holds the text of the last one")
		}
		if hiddenValue(t, page.Body, "key") == keyBefore {
			t.Error("the next paper reuses the last one's idempotency key: it would be taken for a retry")
		}

		// The next paper of the batch goes in without retyping what the batch shares.
		second := url.Values{"channel": {"meeting"}, "reference": {"BB-03/2026"}, "village_code": {"A2"},
			"stance": {"agree"}, "body": {"Đồng ý với dự thảo."}}
		if res := postMultipart(t, official, next, sheet, second, nil); res.Status != http.StatusSeeOther {
			t.Fatalf("second paper: status %d", res.Status)
		}
		// A comment box has no numbered paper: no reference needed.
		box := url.Values{"channel": {"box"}, "stance": {"other"}, "body": {"Ý kiến bỏ hòm thư của xã."}}
		if res := postMultipart(t, official, sheet, sheet, box, nil); res.Status != http.StatusSeeOther {
			t.Fatalf("comment box paper: status %d", res.Status)
		}
		// A household form needs its batch.
		form := url.Values{"channel": {"form"}, "stance": {"agree"}, "body": {"Phiếu của hộ."}}
		res = postMultipart(t, official, sheet, sheet, form, nil)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("form without batch: status %d", res.Status)
		}
		mustContain(t, res.Body, fieldError("reference", "validation.reference_required.form"))

		// Files are judged by their bytes: a GIF named .pdf and declared as a PDF is refused
		// at the field, as is a file one byte over 5 MB; the text typed is kept, nothing saved.
		gif := &upload{"scan.pdf", "application/pdf", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")}
		third := url.Values{"channel": {"phone"}, "stance": {"other"}, "body": {"Gọi điện góp ý về đường làng."}}
		res = postMultipart(t, official, sheet, sheet, third, gif)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("GIF as PDF: status %d", res.Status)
		}
		mustContain(t, res.Body, fieldError("attachment", "validation.attachment_type"), "Gọi điện góp ý về đường làng.")
		big := append(append([]byte{}, samplePDF...), bytes.Repeat([]byte{' '}, domain.MaxAttachment+1-len(samplePDF))...)
		res = postMultipart(t, official, sheet, sheet, third, &upload{"lon.pdf", "application/pdf", big})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("file over 5 MB: status %d", res.Status)
		}
		mustContain(t, res.Body, fieldError("attachment", "validation.attachment_size", 5), "Gọi điện góp ý về đường làng.")
		if n := len(offlineRows(t, st, cons.ID)); n != 3 {
			t.Fatalf("%d offline opinions after refused files, want 3", n)
		}
		// Exactly 5 MB is within the limit; a PNG photo is accepted as PNG.
		res = postMultipart(t, official, sheet, sheet, third, &upload{"anh.jpg", "image/jpeg", big[:domain.MaxAttachment]})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("file of exactly 5 MB: status %d\n%.500s", res.Status, res.Body)
		}
		photo := url.Values{"channel": {"phone"}, "stance": {"agree"}, "body": {"Ảnh chụp phiếu."}}
		if res := postMultipart(t, official, sheet, sheet, photo, &upload{"anh.jpg", "image/jpeg", samplePNG}); res.Status != http.StatusSeeOther {
			t.Fatalf("PNG photo: status %d", res.Status)
		}
		rows = offlineRows(t, st, cons.ID)
		if len(rows) != 5 || rows[3].FileSize != domain.MaxAttachment || rows[4].FileType != "image/png" {
			t.Fatalf("after the 5 MB file and the photo: %+v", rows)
		}
		// The larger limit is the upload route's alone: the resident's form keeps 512 KB.
		huge := url.Values{"stance": {"agree"}, "body": {strings.Repeat("a", 600<<10)}}
		if res := official.Submit(fmt.Sprintf("/c/%d/comment", cons.ID), fmt.Sprintf("/c/%d/comment", cons.ID), huge); res.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("a 600 KB opinion: status %d, want 413", res.Status)
		}

		// The scan is served to staff who oversee commune A, as a download of its stored type.
		var attID int64
		if err := st.SQLDB().QueryRowContext(ctx, fmt.Sprintf("SELECT id FROM opinion_attachments WHERE opinion_id = %d", got.ID)).Scan(&attID); err != nil {
			t.Fatal(err)
		}
		link := fmt.Sprintf("/staff/attachments/%d", attID)
		mustContain(t, official.Get(sheet).Body, `href="`+link+`"`)
		for _, who := range []*domain.Actor{env.OfficialA, env.ModeratorA, env.ObserverA, env.Admin} {
			b := env.NewBrowser(t)
			b.Login(who.Email)
			res := b.Get(link)
			if res.Status != http.StatusOK || res.Body != string(samplePDF) {
				t.Errorf("%s: status %d, %d bytes", who.Email, res.Status, len(res.Body))
				continue
			}
			h := res.Header
			if h.Get("Content-Type") != "application/pdf" || h.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || !strings.Contains(h.Get("Cache-Control"), "no-store") {
				t.Errorf("%s: headers %v", who.Email, h)
			}
		}
		if n := countRows(t, st, "audit_log", fmt.Sprintf("action = 'attachment.download' AND target_id = %d", attID)); n != 4 {
			t.Errorf("%d downloads in the audit log, want 4", n)
		}
		// Nobody else: the official of another commune is refused, a visitor is sent to the
		// login form, and an unknown attachment does not exist.
		other := env.NewBrowser(t)
		other.Login(env.OfficialB.Email)
		if res := other.Get(link); res.Status != http.StatusForbidden || strings.Contains(res.Body, "%PDF") {
			t.Errorf("official of commune B: status %d", res.Status)
		}
		visitor := env.NewBrowser(t)
		if res := visitor.Get(link); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("visitor: status %d, location %q", res.Status, res.Header.Get("Location"))
		}
		if res := official.Get("/staff/attachments/999999"); res.Status != http.StatusNotFound {
			t.Errorf("unknown attachment: status %d", res.Status)
		}
		if n := countRows(t, st, "audit_log", "action = 'attachment.download'"); n != 4 {
			t.Errorf("%d downloads in the audit log after refusals, want still 4", n)
		}

		// Moderated like online opinions: not counted while pending; counted under their
		// channel once approved, on the public page and in the API.
		chartsBefore := official.Get(fmt.Sprintf("/c/%d", cons.ID)).Body
		if strings.Contains(chartsBefore, `id="chart-channels"`) {
			t.Error("pending offline opinions are counted by channel")
		}
		for _, r := range offlineRows(t, st, cons.ID)[:3] { // two from the meeting, one from the box
			if _, err := env.App.Moderate(ctx, env.ModeratorA, r.ID, approve()); err != nil {
				t.Fatal(err)
			}
		}
		public := visitor.Get(fmt.Sprintf("/c/%d", cons.ID))
		tables, _ := chartTables(t, public.Body)
		wantChannels := []string{i18n.T(i18n.VI, "charts.col.channel") + " | " + i18n.T(i18n.VI, "charts.col.opinions"),
			i18n.T(i18n.VI, "channel.meeting") + " | 2 (66,7%)", i18n.T(i18n.VI, "channel.box") + " | 1 (33,3%)"}
		if got := tables["chart-channels"]; strings.Join(got, "\n") != strings.Join(wantChannels, "\n") {
			t.Errorf("public counts by channel:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantChannels, "\n"))
		}
		var sum struct {
			Total     int            `json:"total"`
			ByChannel map[string]int `json:"by_channel"`
		}
		if err := json.Unmarshal([]byte(visitor.Get(fmt.Sprintf("/api/v1/consultations/%d/summary", cons.ID)).Body), &sum); err != nil {
			t.Fatal(err)
		}
		if sum.Total != 3 || sum.ByChannel["meeting"] != 2 || sum.ByChannel["box"] != 1 {
			t.Errorf("API summary %+v", sum)
		}
		// The public sees the opinions, never the reference, the name or the scan.
		all := public.Body + visitor.Get(fmt.Sprintf("/c/%d/opinions", cons.ID)).Body
		mustContain(t, all, first)
		for _, secret := range []string{"BB-03/2026", "Lò Văn Páo", "/staff/attachments/", "bien-ban.pdf"} {
			if strings.Contains(all, secret) {
				t.Errorf("public pages show %q", secret)
			}
		}
	})
}

// TestOfflineAttachmentThroughTheAPI enters a meeting's opinion with its reference and
// attaches the scan afterwards, as an integrator's client would.
func TestOfflineAttachmentThroughTheAPI(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		cons := env.OpenConsultation(t)
		token, err := env.App.CreateToken(context.Background(), env.OfficialA.Email)
		if err != nil {
			t.Fatal(err)
		}
		client := env.NewBrowser(t)
		bearer := map[string]string{"Authorization": "Bearer " + token}
		res := client.JSON("POST", fmt.Sprintf("/api/v1/consultations/%d/opinions/offline", cons.ID),
			`{"channel":"form","reference":"Đợt 2 – Thôn Một","stance":"agree","body":"Phiếu lấy ý kiến hộ gia đình."}`, bearer)
		if res.Status != http.StatusCreated {
			t.Fatalf("offline entry: status %d %s", res.Status, res.Body)
		}
		var receipt struct {
			ID           int64  `json:"id"`
			TrackingCode string `json:"tracking_code"`
			Reference    string `json:"reference"`
		}
		if err := json.Unmarshal([]byte(res.Body), &receipt); err != nil || receipt.ID == 0 || receipt.Reference != "Đợt 2 – Thôn Một" {
			t.Fatalf("receipt %s (%v)", res.Body, err)
		}
		path := fmt.Sprintf("/api/v1/opinions/%d/attachments", receipt.ID)
		send := func(file *upload, header map[string]string) *testutil.Response {
			t.Helper()
			body, ct := multipartBody(t, url.Values{}, file)
			h := map[string]string{"Content-Type": ct}
			for k, v := range header {
				h[k] = v
			}
			return client.Do("POST", path, body, h)
		}
		res = send(&upload{"phieu.png", "application/octet-stream", samplePNG}, bearer)
		if res.Status != http.StatusCreated {
			t.Fatalf("attach: status %d %s", res.Status, res.Body)
		}
		var att struct {
			ContentType string `json:"content_type"`
			Size        int64  `json:"size"`
			FileName    string `json:"file_name"`
		}
		if err := json.Unmarshal([]byte(res.Body), &att); err != nil || att.ContentType != "image/png" || att.Size != int64(len(samplePNG)) || att.FileName != "phieu.png" {
			t.Errorf("attachment %s", res.Body)
		}
		wantField := func(res *testutil.Response, field, key string, args ...any) {
			t.Helper()
			var e struct {
				Error struct {
					Code   string            `json:"code"`
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(res.Body), &e); err != nil || res.Status != http.StatusUnprocessableEntity ||
				e.Error.Fields[field] != i18n.T(i18n.VI, key, args...) {
				t.Errorf("status %d, body %s; want 422 with %q on %s", res.Status, res.Body, i18n.T(i18n.VI, key, args...), field)
			}
		}
		wantField(send(&upload{"a.pdf", "application/pdf", []byte("just text, not a PDF")}, bearer), "attachment", "validation.attachment_type")
		wantField(send(nil, bearer), "attachment", "validation.attachment_missing")
		big := append(append([]byte{}, samplePDF...), bytes.Repeat([]byte{' '}, domain.MaxAttachment)...)
		wantField(send(&upload{"lon.pdf", "application/pdf", big}, bearer), "attachment", "validation.attachment_size", 5)
		// A browser session must show the request comes from the portal's own pages: a
		// cross-site form can send multipart bodies.
		session := env.NewBrowser(t)
		session.Login(env.OfficialA.Email)
		body, ct := multipartBody(t, url.Values{}, &upload{"p.pdf", "application/pdf", samplePDF})
		if res := session.Do("POST", path, body, map[string]string{"Content-Type": ct}); res.Status != http.StatusForbidden {
			t.Errorf("session upload without fetch metadata: status %d", res.Status)
		}
		body, ct = multipartBody(t, url.Values{}, &upload{"p.pdf", "application/pdf", samplePDF})
		if res := session.Do("POST", path, body, map[string]string{"Content-Type": ct, "Sec-Fetch-Site": "same-origin"}); res.Status != http.StatusCreated {
			t.Errorf("same-origin session upload: status %d %s", res.Status, res.Body)
		}
		// An online opinion has no paper to attach.
		online, err := env.App.SubmitOpinion(context.Background(), cons.ID, app.NewOpinion{Stance: "agree", Body: "Gửi qua cổng."}, "")
		if err != nil {
			t.Fatal(err)
		}
		body, ct = multipartBody(t, url.Values{}, &upload{"p.pdf", "application/pdf", samplePDF})
		if res := client.Do("POST", fmt.Sprintf("/api/v1/opinions/%d/attachments", online.Opinion.ID), body,
			map[string]string{"Content-Type": ct, "Authorization": "Bearer " + token}); res.Status != http.StatusConflict {
			t.Errorf("attachment on an online opinion: status %d", res.Status)
		}
		if n := countRows(t, st, "opinion_attachments", fmt.Sprintf("opinion_id = %d", receipt.ID)); n != 2 {
			t.Errorf("%d attachments stored, want 2", n)
		}
	})
}

// annualQuery is the matrix's annual report: commune A, this year.
func annualQuery(*testing.T, *authzWorld) string {
	return "unit=A&year=" + strconv.Itoa(time.Now().In(domain.Zone).Year())
}

// offlineOpinion is a meeting's opinion entered on the open consultation of the world.
func (w *authzWorld) offlineOpinion(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := w.st.SQLDB().QueryRowContext(ctx, fmt.Sprintf("SELECT id FROM opinions WHERE consultation_id = %d AND channel = 'meeting'", w.open(t).ID)).Scan(&id)
	if err == nil {
		return id
	}
	r, err := w.env.App.EnterOfflineOpinion(ctx, w.env.OfficialA, w.open(t).ID,
		app.NewOpinion{Channel: "meeting", Reference: "BB-01/2026", Stance: "agree", Body: "Ý kiến tại cuộc họp thôn."}, "")
	if err != nil {
		t.Fatalf("offline opinion: %v", err)
	}
	return r.Opinion.ID
}

// attachment is a scan attached to the world's offline opinion.
func (w *authzWorld) attachment(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := w.st.SQLDB().QueryRowContext(ctx, fmt.Sprintf("SELECT id FROM opinion_attachments WHERE opinion_id = %d", w.offlineOpinion(t))).Scan(&id); err == nil {
		return id
	}
	a, err := w.env.App.AttachToOpinion(ctx, w.env.OfficialA, w.offlineOpinion(t), &app.Upload{Name: "bb.pdf", Data: samplePDF})
	if err != nil {
		t.Fatalf("attach: %v", err)
	}
	return a.ID
}

// sendUpload makes a row's request as multipart/form-data with its file: on a page with the
// browser's CSRF token, on the API with a bearer token or, from a signed-in browser, with
// the fetch metadata a browser sends from the portal's own pages.
func (m *matrix) sendUpload(t *testing.T, c caller, via string, r authzRoute, w *authzWorld, path string) *testutil.Response {
	t.Helper()
	fields := url.Values{}
	if r.form != nil {
		fields = r.form(t, w)
	}
	file := &upload{"scan.pdf", "application/pdf", r.upload(t, w)}
	if !strings.HasPrefix(r.path, "/api/") {
		fields.Set("_csrf", m.csrf[c])
		body, ct := multipartBody(t, fields, file)
		h := m.browsers[c].FormHeaders()
		h["Content-Type"] = ct
		return m.browsers[c].Do(r.method, path, body, h)
	}
	body, ct := multipartBody(t, fields, file)
	h := map[string]string{"Content-Type": ct}
	if via == "session" {
		h["Sec-Fetch-Site"] = "same-origin"
		return m.browsers[c].Do(r.method, path, body, h)
	}
	if m.tokens[c] != "" {
		h["Authorization"] = "Bearer " + m.tokens[c]
	}
	return m.api.Do(r.method, path, body, h)
}
