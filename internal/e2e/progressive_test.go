package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// The small scripts of public/app.js, tried in the browser. That the pages work with them
// off is TestResidentCommentsWithoutJavaScript's business.

// draftKeys lists the opinion drafts the page's script keeps in local storage.
const draftKeysJS = `Object.keys(localStorage).filter(k => k.startsWith('gopy.draft.')).sort()`

// TestUnsentOpinionIsKeptOnThePhone: a resident types an opinion, leaves the form without
// sending it (the network dropped, a call came in) and finds it again on coming back; once
// the server has acknowledged it, the form is empty again.
func TestUnsentOpinionIsKeptOnThePhone(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		art5, art1 := testutil.Section(t, c, "c2.d5"), testutil.Section(t, c, "c1.d1")
		form5 := fmt.Sprintf("/c/%d/comment?section=%d", c.ID, art5.ID)
		const typed = "Nên cho phép cưới hai ngày với các gia đình ở xa — tôi & hàng xóm <đều> đồng ý"

		tb := newTab(t, browser, env.URL)
		tb.open(form5)
		if tb.count("#draft-restored:not([hidden])") != 0 {
			t.Error("a fresh form says a draft was restored")
		}
		tb.do(chromedp.Tap(byText("label", "Không đồng ý")))
		tb.do(chromedp.SendKeys(chromedp.CSS("#f-body"), typed))
		tb.do(chromedp.SendKeys(chromedp.CSS("#f-author_name"), "Lê Văn Tám"))
		if keys := eval[[]string](tb, draftKeysJS); len(keys) != 1 {
			t.Fatalf("drafts kept while typing: %q, want one", keys)
		}
		if stored := eval[string](tb, `JSON.stringify(localStorage)`); strings.Contains(stored, "Lê Văn Tám") {
			t.Errorf("the name was kept on the phone: %s", stored)
		}

		// Away without sending, then back to the same article: the text and the stance are
		// there, and the resident is told why.
		tb.open(fmt.Sprintf("/c/%d", c.ID))
		tb.open(form5)
		if got := get(tb, chromedp.Value(chromedp.CSS("#f-body")), "body"); got != typed {
			t.Errorf("back on the form the text is %q, want %q", got, typed)
		}
		if !eval[bool](tb, `document.querySelector('input[name=stance][value=disagree]').checked`) {
			t.Error("back on the form the stance Không đồng ý is not chosen")
		}
		if got := textOf(tb, chromedp.CSS("#draft-restored")); !strings.Contains(got, "khôi phục") ||
			tb.count("#draft-restored:not([hidden])") != 1 {
			t.Errorf("restored draft notice %q (shown: %d)", got, tb.count("#draft-restored:not([hidden])"))
		}
		if got := get(tb, chromedp.Value(chromedp.CSS("#f-author_name")), "name"); got != "" {
			t.Errorf("the name came back from the phone: %q", got)
		}
		tb.checkPhone("comment-form-restored")

		// The draft belongs to its article: another article's form and the general one are empty.
		for _, path := range []string{fmt.Sprintf("/c/%d/comment?section=%d", c.ID, art1.ID), fmt.Sprintf("/c/%d/comment", c.ID)} {
			tb.open(path)
			if got := get(tb, chromedp.Value(chromedp.CSS("#f-body")), "body"); got != "" {
				t.Errorf("%s shows %q, the draft of another article", path, got)
			}
		}

		// Sent: the receipt clears it, and the form is empty again.
		tb.open(form5)
		res := tb.follow(chromedp.Tap(byText("button", "Gửi ý kiến")), "send the restored opinion")
		tb.wantStatus(res, 200, "receipt")
		code := textOf(tb, chromedp.CSS("#code"))
		if keys := eval[[]string](tb, draftKeysJS); len(keys) != 0 {
			t.Errorf("drafts left after the receipt: %q", keys)
		}
		tracked, err := env.App.Track(context.Background(), code)
		if err != nil {
			t.Fatalf("track %s: %v", code, err)
		}
		if tracked.Opinion.Body != typed || tracked.Opinion.Stance != "disagree" {
			t.Errorf("stored opinion %q (%s), want the restored %q (disagree)", tracked.Opinion.Body, tracked.Opinion.Stance, typed)
		}
		tb.open(form5)
		if got := get(tb, chromedp.Value(chromedp.CSS("#f-body")), "body"); got != "" {
			t.Errorf("after sending, the form shows %q again", got)
		}
		if tb.count("#draft-restored:not([hidden])") != 0 {
			t.Error("after sending, the form still says a draft was restored")
		}

		// A form the server sent back with an error keeps what the server echoed, not an
		// older draft: send a text too long, with a draft of another text on the phone.
		tb.do(chromedp.SendKeys(chromedp.CSS("#f-body"), "Bản nháp cũ"))
		long := strings.Repeat("Quá dài. ", 600)
		tb.do(chromedp.SetValue(chromedp.CSS("#f-body"), long))
		res = tb.follow(chromedp.Tap(byText("button", "Gửi ý kiến")), "send a text too long")
		if res.Status != 422 {
			t.Fatalf("a %d-character opinion: status %d, want 422", len([]rune(long)), res.Status)
		}
		if got := get(tb, chromedp.Value(chromedp.CSS("#f-body")), "body"); got != long[:len(long)-1] && got != long {
			t.Errorf("the refused form shows %.40q…, not what was sent", got)
		}
	})
}

// TestReadAloud: each article has a button that reads it, and only it, in Vietnamese, also
// on the English page; pressing it again stops. Speech is recorded, not played: the page's
// speechSynthesis.speak is replaced once the page has loaded.
func TestReadAloud(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		art5 := testutil.Section(t, c, "c2.d5")
		const opinion = "Ý kiến này không được đọc cùng điều khoản."
		r, err := env.App.SubmitOpinion(context.Background(), c.ID, app.NewOpinion{Stance: "agree", Body: opinion, SectionID: &art5.ID}, "read-aloud")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Moderate(context.Background(), env.ModeratorA, r.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
			t.Fatal(err)
		}

		tb := newTab(t, browser, env.URL)
		for _, lang := range []struct{ query, read, stop string }{{"", "Đọc to", "Dừng đọc"}, {"?lang=en", "Read aloud", "Stop reading"}} {
			tb.open(fmt.Sprintf("/c/%d%s", c.ID, lang.query))
			tb.do(chromedp.Evaluate[chromedp.Void](`window.__spoken = []; window.__cancelled = 0;
				speechSynthesis.speak = u => window.__spoken.push({text: u.text, lang: u.lang});
				speechSynthesis.cancel = () => { window.__cancelled++; };`))
			button := chromedp.Search(`//section[h3[normalize-space()=` + xpathText(article5) + `]]/button[contains(@class,"read-aloud")]`)
			if got := textOf(tb, button); got != lang.read {
				t.Errorf("%s: the button reads %q, want %q", lang.query, got, lang.read)
			}
			if got := get(tb, chromedp.AttributeValue(button, "aria-describedby"), "aria-describedby").Value; got != "h-c2.d5" {
				t.Errorf("%s: the button is described by %q, want the article heading h-c2.d5", lang.query, got)
			}
			tb.do(chromedp.Tap(button))
			spoken := eval[[]struct{ Text, Lang string }](tb, `window.__spoken`)
			if len(spoken) != 1 {
				t.Fatalf("%s: %d utterances, want 1: %+v", lang.query, len(spoken), spoken)
			}
			if want := "Điều 5. Việc cưới. Tổ chức cưới tiết kiệm, không quá một ngày."; spoken[0].Text != want {
				t.Errorf("%s: read %q, want %q", lang.query, spoken[0].Text, want)
			}
			if spoken[0].Lang != "vi-VN" {
				t.Errorf("%s: read in %q, want vi-VN", lang.query, spoken[0].Lang)
			}
			if got := textOf(tb, button); got != lang.stop {
				t.Errorf("%s: while reading the button says %q, want %q", lang.query, got, lang.stop)
			}
			tb.do(chromedp.Tap(button))
			if n := eval[int](tb, `window.__spoken.length`); n != 1 {
				t.Errorf("%s: pressing stop spoke again (%d utterances)", lang.query, n)
			}
			if eval[int](tb, `window.__cancelled`) < 2 {
				t.Errorf("%s: pressing stop did not cancel the speech", lang.query)
			}
			if got := textOf(tb, button); got != lang.read {
				t.Errorf("%s: after stopping the button says %q, want %q", lang.query, got, lang.read)
			}
		}

		// A browser without speech synthesis shows no button that would do nothing.
		mute := newTab(t, browser, env.URL)
		mute.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: `delete window.SpeechSynthesisUtterance; Object.defineProperty(window, 'speechSynthesis', {value: undefined});`,
			})
			return err
		}))
		mute.open(fmt.Sprintf("/c/%d", c.ID))
		if eval[bool](mute, `typeof window.SpeechSynthesisUtterance === "function"`) {
			t.Fatal("could not take speech synthesis away: the test would prove nothing")
		}
		if n := mute.count("button.read-aloud"); n != 0 {
			t.Errorf("without speech synthesis the page shows %d read-aloud buttons", n)
		}
	})
}

// TestCopyTrackingCode: the receipt's copy button puts the code on the clipboard, and where
// the Clipboard API is missing it falls back to selecting the code and copying that.
func TestCopyTrackingCode(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		r, err := env.App.SubmitOpinion(context.Background(), c.ID, app.NewOpinion{Stance: "other", Body: "Cần thêm đèn đường."}, "copy")
		if err != nil {
			t.Fatal(err)
		}
		code := r.Opinion.TrackingCode
		receipt := "/track/" + code + "?new=1"
		tb := newTab(t, browser, env.URL)

		tb.open(receipt)
		tb.do(chromedp.Evaluate[chromedp.Void](`window.__copied = [];
			navigator.clipboard.writeText = t => { window.__copied.push(t); return Promise.resolve(); };`))
		tb.do(chromedp.Tap(byText("button", "Sao chép mã")))
		tb.do(chromedp.WaitVisible(chromedp.CSS(".copy-status:not(:empty)")))
		if got := eval[[]string](tb, `window.__copied`); len(got) != 1 || got[0] != code {
			t.Errorf("copied %q, want [%s]", got, code)
		}
		if got := textOf(tb, chromedp.CSS(".copy-status")); !strings.HasPrefix(got, "Đã sao chép mã") {
			t.Errorf("after copying the page says %q", got)
		}
		tb.checkPhone("receipt-copied")

		// No Clipboard API: the code is selected and copied the old way; if even that is
		// refused, it stays selected and the resident is told to copy it by hand.
		for _, fallback := range []struct {
			copies bool
			says   string
		}{{true, "Đã sao chép mã"}, {false, "Máy không tự sao chép được"}} {
			tb.open(receipt)
			tb.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`window.__copied = [];
				Object.defineProperty(navigator, 'clipboard', {value: undefined});
				document.execCommand = cmd => { window.__copied.push(cmd + ':' + getSelection().toString()); return %v; };`, fallback.copies)))
			tb.do(chromedp.Tap(byText("button", "Sao chép mã")))
			tb.do(chromedp.WaitVisible(chromedp.CSS(".copy-status:not(:empty)")))
			if got := eval[[]string](tb, `window.__copied`); len(got) != 1 || got[0] != "copy:"+code {
				t.Errorf("fallback (copies %v): execCommand calls %q, want [copy:%s]", fallback.copies, got, code)
			}
			if got := textOf(tb, chromedp.CSS(".copy-status")); !strings.HasPrefix(got, fallback.says) {
				t.Errorf("fallback (copies %v): the page says %q, want %q…", fallback.copies, got, fallback.says)
			}
			if got := eval[string](tb, `getSelection().toString()`); got != code {
				t.Errorf("fallback (copies %v): selection %q, want the code %s", fallback.copies, got, code)
			}
		}
	})
}
