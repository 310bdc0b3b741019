package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/detect"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

var (
	fuzzHidden       = regexp.MustCompile(`<input type="hidden" name="(_csrf|started)" value="([^"]*)">`)
	fuzzTracked      = regexp.MustCompile(`^/track/([0-9A-Z]{5}-[0-9A-Z]{5})\?new=1$`)
	fuzzSummary      = regexp.MustCompile(`<div class="error-summary" role="alert" tabindex="-1"><p>([^<]*)</p>`)
	fuzzFieldError   = regexp.MustCompile(`<p class="field-error" id="e-([a-z_]+)">([^<]*)</p>`)
	fuzzTextarea     = regexp.MustCompile(`(?s)<textarea id="f-body"[^>]*>(.*?)</textarea>`)
	fuzzInputValue   = regexp.MustCompile(`<input id="f-(author_name|contact)" name="[a-z_]+" value="([^"]*)"`)
	fuzzKeyLike      = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_-]+)+$`)
	fuzzKeyInText    = regexp.MustCompile(`>\s*(error|validation|form|consent|comment)\.[a-z0-9_.]+\s*<`)
	fuzzFormStatuses = map[int]bool{http.StatusSeeOther: true, http.StatusUnprocessableEntity: true, http.StatusConflict: true, http.StatusNotFound: true}
)

// FuzzOpinionForm posts arbitrary field values to the opinion form, POST /c/{id}/comment,
// through the real server on SQLite, in process, with the form start and Fetch Metadata as
// a browser would send them. Every answer is a redirect to the new opinion's tracking page or
// the form again (or the error page) with translated messages; the form shows back exactly
// what was typed, and a stored opinion holds the cleaned text, with no markup.
func FuzzOpinionForm(f *testing.F) {
	st := testutil.NewStore(f, store.SQLite)
	env := testutil.StartServerWith(f, st, func(c *config.Config) { c.OpinionsPerHour = 1 << 30 })
	cons := env.OpenConsultation(f)
	var chapter, article string
	for _, s := range cons.Sections {
		if s.Commentable() {
			article = strconv.FormatInt(s.ID, 10)
		} else {
			chapter = strconv.FormatInt(s.ID, 10)
		}
	}
	if chapter == "" || article == "" {
		f.Fatalf("the fixture draft has no chapter or no article: %+v", cons.Sections)
	}
	handler := env.Server.Config.Handler
	path := fmt.Sprintf("/c/%d/comment", cons.ID)

	// One visit to the form gives a signed start time; a visitor without a session gets no
	// cookie and an empty CSRF token, and the browser vouches for the form's origin.
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	hidden := map[string]string{}
	for _, m := range fuzzHidden.FindAllStringSubmatch(rec.Body.String(), -1) {
		hidden[m[1]] = html.UnescapeString(m[2])
	}
	cookies := rec.Result().Cookies()
	if hidden["started"] == "" || len(cookies) != 0 {
		f.Fatalf("the form page has no start time, or sets cookies %v: %d", cookies, rec.Code)
	}

	const (
		showName = 1 << iota
		consent
		english
		noKey
	)
	f.Add("agree", "Tôi & bạn <3", "", "", "", "", uint8(0))
	f.Add("disagree", "a &lt;b&gt; &amp;lt; a < b", "Trần Thị B", "0912 345 678", "A1", article, uint8(showName|consent))
	f.Add("other", "Về chương", "", "", "", chapter, uint8(0))
	f.Add("other", "Phần đã bỏ", "", "", "", "999999", uint8(english))
	f.Add("other", "Phần lạ", "", "", "", "x1", uint8(0))
	f.Add("agree", "Liên hệ", "", "a@b.vn", "B1", "", uint8(english|noKey))
	f.Add("maybe", "", "", "", "", "", uint8(0))
	f.Add("agree", strings.Repeat("Ý kiến dài. ", 450), strings.Repeat("Tên ", 30), "", "", "", uint8(0))
	f.Add("agree", "a\xffb\x00c\r\n\r\n\r\nd", "\xfe", "", "", "", uint8(0))
	for _, p := range []string{
		"<script>alert(1)</script>", "</textarea><script>alert(1)</script>", "\"><svg onload=alert(1)>",
		"<<script>script>alert(1)<</script>/script>", "<img src=x onerror=alert(1)>", "<\u212Ascript>",
		"{{.}} %d %!s(MISSING) error.invalid",
	} {
		f.Add("agree", "Ý kiến "+p, p, p, "", "", uint8(showName|consent))
		f.Add("", p, p, p, p, "", uint8(english))
	}

	n := 0
	f.Fuzz(func(t *testing.T, stance, body, author, contact, village, section string, flags uint8) {
		n++
		form := url.Values{
			"_csrf": {hidden["_csrf"]}, "started": {hidden["started"]},
			"stance": {stance}, "body": {body}, "author_name": {author}, "contact": {contact}, "village_code": {village},
		}
		if section != "" {
			form.Set("section_id", section)
		}
		if flags&showName != 0 {
			form.Set("show_name", "1")
		}
		if flags&consent != 0 {
			form.Set("consent", "1")
		}
		if flags&noKey == 0 {
			// A fresh form each time, as a browser loading the page would have.
			form.Set("key", fmt.Sprintf("fuzz-%d", n))
		}
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if flags&english != 0 {
			req.Header.Set("Accept-Language", "en")
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		page := rec.Body.String()
		inputs := fmt.Sprintf("%q", []string{stance, body, author, contact, village, section})

		if !fuzzFormStatuses[rec.Code] {
			t.Fatalf("%s: status %d\n%s", inputs, rec.Code, page)
		}
		if rec.Code != http.StatusSeeOther {
			checkFormRefusal(t, inputs, page, body, author, contact)
			return
		}

		m := fuzzTracked.FindStringSubmatch(rec.Header().Get("Location"))
		if m == nil {
			t.Fatalf("%s: redirected to %q", inputs, rec.Header().Get("Location"))
		}
		o, err := env.Store.OpinionByCode(context.Background(), m[1])
		if err != nil {
			t.Fatalf("%s: no stored opinion %s: %v", inputs, m[1], err)
		}
		for field, v := range map[string]string{"body": o.Body, "body_public": o.BodyPublic, "author_name": o.AuthorName, "contact": o.Contact} {
			if testutil.OpensTag(v) {
				t.Fatalf("%s: stored %s %q contains markup", inputs, field, v)
			}
		}
		// Stored exactly as cleaned: what a resident typed without markup comes back as typed.
		if want := textnorm.CleanText(body); o.Body != want {
			t.Fatalf("%s: stored body %q, want %q", inputs, o.Body, want)
		}
		// A name is kept only to be shown with the opinion.
		if want := textnorm.CleanLine(author); flags&showName == 0 && o.AuthorName != "" || flags&showName != 0 && o.AuthorName != want {
			t.Fatalf("%s: stored name %q, want %q (shown: %t)", inputs, o.AuthorName, want, flags&showName != 0)
		}
		if want := textnorm.CleanContact(contact); o.Contact != want {
			t.Fatalf("%s: stored contact %q, want %q", inputs, o.Contact, want)
		}
		if string(o.Stance) != stance || o.Channel != domain.ChannelOnline || o.BodyPublic != detect.Mask(o.Body) {
			t.Fatalf("%s: stored %+v", inputs, o)
		}
		if (section == "") != (o.SectionID == nil) || o.SectionID != nil && strconv.FormatInt(*o.SectionID, 10) != section {
			t.Fatalf("%s: stored under section %v", inputs, o.SectionID)
		}
	})
}

// checkFormRefusal checks a refused post: every message shown is translated text, and the
// form shows back what was typed, escaped, so that it reads exactly as typed.
func checkFormRefusal(t *testing.T, inputs, page, body, author, contact string) {
	t.Helper()
	var messages []string
	for _, m := range fuzzSummary.FindAllStringSubmatch(page, -1) {
		messages = append(messages, m[1])
	}
	for _, m := range fuzzFieldError.FindAllStringSubmatch(page, -1) {
		messages = append(messages, m[2])
	}
	for _, m := range messages {
		m = html.UnescapeString(m)
		if strings.TrimSpace(m) == "" || fuzzKeyLike.MatchString(m) || strings.Contains(m, "%!") {
			t.Fatalf("%s: message %q is not translated text", inputs, m)
		}
	}
	if k := fuzzKeyInText.FindString(page); k != "" {
		t.Fatalf("%s: the page shows the key %s", inputs, k)
	}
	// html/template writes invalid UTF-8 and NUL as U+FFFD, so only text without them is
	// expected back byte for byte.
	shown := func(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
	if m := fuzzTextarea.FindStringSubmatch(page); m != nil && shown(body) {
		if got := html.UnescapeString(m[1]); got != body {
			t.Fatalf("%s: the form shows the body as %q", inputs, got)
		}
	}
	for _, m := range fuzzInputValue.FindAllStringSubmatch(page, -1) {
		want := author
		if m[1] == "contact" {
			want = contact
		}
		if got := html.UnescapeString(m[2]); shown(want) && got != want {
			t.Fatalf("%s: the form shows %s as %q", inputs, m[1], got)
		}
	}
}
