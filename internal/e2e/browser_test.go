package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

const (
	// phoneWidth and phoneHeight are the CSS viewport of a cheap Android phone.
	phoneWidth, phoneHeight = 360, 740
	// stepTimeout bounds one browser step (starting the browser, opening a tab, a
	// navigation, a screenshot, an axe run…), so a selector that never matches fails
	// instead of hanging. There is no budget for a whole test or tab: on a loaded machine a
	// test takes longer, and fails only when one step is stuck. A step takes well under a
	// second on an idle machine; the bound leaves room for a machine many times slower.
	stepTimeout = 60 * time.Second
	// minFontPx is the smallest type the portal promises for reading text.
	minFontPx = 16
)

// phoneUserAgent is what a resident's phone sends; Vietnamese first, as set on such a phone.
// phoneLanguage is a list of tags only: Chromium adds the q-values to the header itself
// ("vi-VN,vi;q=0.9"), and q-values given here would come out doubled and unparsable.
const (
	phoneUserAgent = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36"
	phoneLanguage  = "vi-VN,vi"
)

// chromePath finds the browser: CHROME_PATH, else Debian's chromium. Without one the test
// is skipped on a developer machine, but fails in CI, where skipping would hide a hole.
func chromePath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("CHROME_PATH")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but no Chromium at %q (set CHROME_PATH): %v", p, err)
		}
		t.Skipf("no Chromium at %q (set CHROME_PATH to run the browser tests): %v", p, err)
	}
	return p
}

// TestMain runs the tests and then ends the shared browser, if one was started.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared.stop != nil {
		shared.stop()
	}
	os.Exit(code)
}

// shared is the one headless Chromium of the package's tests, started by the first test
// that needs it. Each test works in tabs of its own browser context (newTab), with its own
// cookies and storage, so the tests share the browser and run in parallel; starting one per
// test would cost a browser start each and, with the tests waiting for a turn, keep many
// idle browsers alive at once.
var shared struct {
	once sync.Once
	ctx  context.Context
	err  error
	stop func() // kills the browser and removes its profile
}

// startBrowser returns the context of the shared browser, starting it on first use.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromePath(t)
	shared.once.Do(func() { shared.ctx, shared.stop, shared.err = launch(path) })
	if shared.err != nil {
		t.Fatalf("start Chromium %s: %v", path, shared.err)
	}
	return shared.ctx
}

// launch starts a headless Chromium with a fresh profile and returns its context and the
// function that ends it.
func launch(path string) (context.Context, func(), error) {
	profile, err := os.MkdirTemp("", "gopy-chromium-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // the suite may run as root, where Chromium refuses its sandbox
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "vi-VN"),
		chromedp.UserDataDir(profile),
		// How long Chromium may take to say where it listens: its start is a step too.
		chromedp.WSURLReadTimeout(stepTimeout),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	stop := func() {
		cancelBrowser()
		cancelAlloc() // waits for the process to exit
		_ = os.RemoveAll(profile)
	}
	if err := firstRun(browserCtx, cancelBrowser); err != nil {
		stop()
		return nil, nil, err
	}
	return browserCtx, stop, nil
}

// firstRun makes the first call on a new browser or tab context, which starts the browser
// or opens the tab and ties it to the context it is given: that must be ctx itself, not a
// step's context, or the browser or tab would end with the step. The call is bounded like
// a step all the same: after stepTimeout, cancel ends the browser or tab.
func firstRun(ctx context.Context, cancel context.CancelFunc) error {
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx) }()
	timer := time.NewTimer(stepTimeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		cancel()
		<-done
		return fmt.Errorf("not done after %v", stepTimeout)
	}
}

// tab is one resident's (or official's) phone: a fresh browser context, so no cookie or
// stored data crosses from one tab, test or database's server to another, with a 360 px
// touch screen.
type tab struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string // folder of screenshots
	name  string // prefix of this tab's screenshot files
	// scriptsOff is set by disableScripts: the page's own JavaScript does not run.
	scriptsOff bool
}

// newTab opens a tab on the browser for the server at baseURL.
func newTab(t *testing.T, browser context.Context, baseURL string) *tab {
	t.Helper()
	ctx, cancelTab := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)
	if err := firstRun(ctx, cancelTab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	tb := &tab{t: t, ctx: ctx, base: baseURL, shots: screenshotDir(t),
		name: strings.NewReplacer("/", "-", " ", "_").Replace(strings.TrimPrefix(t.Name(), "Test"))}
	clearScreenshots(t, tb.shots, tb.name)
	tb.do(
		chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
				UserAgent: phoneUserAgent, AcceptLanguage: phoneLanguage, Platform: "Linux armv8l",
			})
			return err
		}),
	)
	return tb
}

var (
	shotsOnce sync.Once
	shotsDir  string
	shotsErr  error
)

// screenshotDir is GOPY_SCREENSHOTS, or gopy-screenshots in the temporary directory.
func screenshotDir(t *testing.T) string {
	t.Helper()
	shotsOnce.Do(func() {
		shotsDir = os.Getenv("GOPY_SCREENSHOTS")
		if shotsDir == "" {
			shotsDir = filepath.Join(os.TempDir(), "gopy-screenshots")
		}
		shotsErr = os.MkdirAll(shotsDir, 0o755)
	})
	if shotsErr != nil {
		t.Fatalf("screenshot folder: %v", shotsErr)
	}
	return shotsDir
}

// disableScripts turns the page's JavaScript off for the rest of the tab's life, as on an
// old phone, a data saver or a proxy browser, and proves it is off.
func (tb *tab) disableScripts() {
	tb.t.Helper()
	tb.name += "-nojs"
	clearScreenshots(tb.t, tb.shots, tb.name)
	tb.scriptsOff = true
	tb.setScripts(false)
	tb.do(chromedp.Navigate(`data:text/html,<title>off</title><script>document.title="on"</script>`))
	if title := get(tb, chromedp.Title(), "title"); title != "off" {
		tb.t.Fatalf("page scripts still run (title %q): the test would prove nothing", title)
	}
}

// setScripts lets the page's scripts run or not.
func (tb *tab) setScripts(on bool) {
	tb.t.Helper()
	tb.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	}))
}

var (
	cleared   sync.Map // screenshot name prefixes already cleared in this run
	shotCount sync.Map // screenshot name prefix → *atomic.Int32, the last number used
)

// clearScreenshots removes the screenshots an earlier run left under a name, once per run,
// so the folder shows this run's pages only (a step that no longer exists leaves none).
func clearScreenshots(t *testing.T, dir, name string) {
	t.Helper()
	if _, done := cleared.LoadOrStore(name, true); done {
		return
	}
	old, err := filepath.Glob(filepath.Join(dir, name+"-[0-9][0-9]-*.png"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			t.Fatalf("remove old screenshot: %v", err)
		}
	}
}

// step returns a context for one browser step.
func (tb *tab) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(tb.ctx, stepTimeout)
}

// do runs steps that return nothing and fails the test on the first error.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// get runs one action and returns its value, failing the test on error.
func get[T any](tb *tab, a chromedp.Action[T], what string) T {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// eval evaluates a JavaScript expression with DevTools rights (it works with the page's
// own scripts disabled too) and decodes the result.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	return get(tb, chromedp.EvaluateAsDevTools[T](expr), "evaluate "+expr)
}

// open loads a path of the portal like a typed address and requires a 200.
func (tb *tab) open(path string) *network.Response {
	tb.t.Helper()
	res := get(tb, chromedp.NavigateResponse(tb.base+path), "open "+path)
	tb.wantStatus(res, 200, "GET "+path)
	return res
}

// follow runs an action that navigates (a tap on a link, a click on a submit button),
// waits for the new page and returns its response, after redirects.
func (tb *tab) follow(a chromedp.Action[chromedp.Void], what string) *network.Response {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	res, err := chromedp.RunResponse(ctx, a)
	if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
	if res == nil {
		tb.t.Fatalf("%s: no page was loaded", what)
	}
	return res
}

func (tb *tab) wantStatus(res *network.Response, want int64, what string) {
	tb.t.Helper()
	if res.Status != want {
		ctx, cancel := tb.step()
		defer cancel()
		body, _ := chromedp.Run(ctx, chromedp.EvaluateAsDevTools[string](`document.body ? document.body.innerText : ""`))
		tb.t.Fatalf("%s: status %d, want %d (%s)\npage text:\n%s", what, res.Status, want, res.URL, body)
	}
}

// path returns the path and query of a response's URL, relative to the server.
func (tb *tab) path(res *network.Response) string {
	u, err := url.Parse(res.URL)
	if err != nil {
		tb.t.Fatalf("bad URL %q", res.URL)
	}
	return u.RequestURI()
}

// textOf returns the rendered text of the first element a selector finds, trimmed.
func textOf[S chromedp.Selectable](tb *tab, sel S) string {
	tb.t.Helper()
	return strings.TrimSpace(get(tb, chromedp.Text(sel), fmt.Sprintf("text of %v", sel)))
}

// textContentOf returns the exact textContent of the first element a selector finds.
func textContentOf[S chromedp.Selectable](tb *tab, sel S) string {
	tb.t.Helper()
	return get(tb, chromedp.TextContent(sel), fmt.Sprintf("textContent of %v", sel))
}

// count returns how many elements match a CSS selector, without waiting for one.
func (tb *tab) count(css string) int {
	tb.t.Helper()
	return eval[int](tb, fmt.Sprintf(`document.querySelectorAll(%q).length`, css))
}

// paste puts text into a field in one go, as pasting from Word does.
func paste[S chromedp.Selectable](tb *tab, sel S, s string) {
	tb.t.Helper()
	tb.do(
		chromedp.Focus(sel),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: s})
			return err
		}),
	)
}

// phoneLayout is what checkPhone measures on a page.
type phoneLayout struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	BodyFont    float64  `json:"bodyFont"`
	SmallText   []string `json:"smallText"`   // reading text under minFontPx: a failure
	SmallMeta   []string `json:"smallMeta"`   // secondary text under minFontPx: an observation
	Wide        []string `json:"wide"`        // elements that stick out to the right
	SmallTarget []string `json:"smallTarget"` // controls under 44 CSS px high, outside running text
}

const measureJS = `(() => {
  const min = %d;
  const vw = %d; // the phone's width, not innerWidth: a mobile browser zooms out to fit a page that is too wide
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
  const label = e => { const t = (e.innerText || e.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : '') + (t ? ' "' + t + '"' : ''); };
  const px = e => parseFloat(getComputedStyle(e).fontSize);
  const reading = 'main p, main li, main dd, main label, main legend, main input, main textarea, main select, main button, main .button, main h1, main h2, main h3, main h4';
  const secondary = '.meta, .hint, .badge, .counts dt, .path, .foot, .foot p, .top nav a';
  const smallText = [], smallMeta = [], wide = [], smallTarget = [];
  for (const e of document.querySelectorAll(reading)) {
    if (!visible(e) || e.closest(secondary) || e.closest('.sr-only, .skip')) continue;
    if (px(e) < min) smallText.push(label(e) + ' ' + px(e) + 'px');
  }
  for (const e of document.querySelectorAll(secondary)) {
    if (visible(e) && px(e) < min) smallMeta.push(label(e) + ' ' + px(e) + 'px');
  }
  for (const e of document.body.querySelectorAll('*')) {
    if (!visible(e) || e.closest('.sr-only, .skip')) continue;
    if (e.getBoundingClientRect().right > vw + 0.5) wide.push(label(e) + ' right=' + Math.round(e.getBoundingClientRect().right));
  }
  for (const e of document.querySelectorAll('a, button, input:not([type=hidden]), select, textarea')) {
    if (!visible(e) || e.closest('.sr-only, .skip')) continue;
    const inText = e.tagName === 'A' && e.parentElement && /^(P|LI|DD|SPAN)$/.test(e.parentElement.tagName) && e.parentElement.innerText.trim() !== e.innerText.trim();
    const r = e.getBoundingClientRect();
    const box = (e.type === 'radio' || e.type === 'checkbox') ? e.closest('label') || e : e;
    const h = box.getBoundingClientRect().height;
    if (!inText && h < 44) smallTarget.push(label(e) + ' ' + Math.round(r.width) + 'x' + Math.round(h));
  }
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, bodyFont: px(document.body),
    smallText, smallMeta, wide: wide.slice(0, 10), smallTarget: [...new Set(smallTarget)].slice(0, 12) };
})()`

// checkPhone asserts what every page owes a 360 px phone: no sideways scrolling, reading
// text of at least 16 px and no WCAG 2.1 A/AA violation that axe-core finds (checkAxe). It
// logs smaller secondary text and small tap targets as observations, and saves a full-page
// screenshot named after the page.
func (tb *tab) checkPhone(page string) {
	tb.t.Helper()
	l := eval[phoneLayout](tb, fmt.Sprintf(measureJS, minFontPx, phoneWidth))
	if l.InnerWidth != phoneWidth {
		tb.t.Errorf("%s: window.innerWidth = %d, want %d: the page is too wide and the phone zoomed out to fit it; sticking out: %s",
			page, l.InnerWidth, phoneWidth, strings.Join(l.Wide, "; "))
	}
	if l.ScrollWidth > l.InnerWidth {
		tb.t.Errorf("%s: horizontal scroll at %d px: scrollWidth %d > innerWidth %d; sticking out: %s",
			page, phoneWidth, l.ScrollWidth, l.InnerWidth, strings.Join(l.Wide, "; "))
	}
	if l.BodyFont < minFontPx {
		tb.t.Errorf("%s: body font-size %.1fpx < %dpx", page, l.BodyFont, minFontPx)
	}
	if len(l.SmallText) > 0 {
		tb.t.Errorf("%s: reading text under %dpx: %s", page, minFontPx, strings.Join(l.SmallText, "; "))
	}
	if len(l.SmallMeta) > 0 {
		tb.t.Logf("observation, %s: secondary text under %dpx: %s", page, minFontPx, strings.Join(dedupe(l.SmallMeta), "; "))
	}
	if len(l.SmallTarget) > 0 {
		tb.t.Logf("observation, %s: tap targets under 44px high: %s", page, strings.Join(l.SmallTarget, "; "))
	}
	tb.screenshot(page)
	tb.checkAxe(page)
}

// screenshot writes a full-page PNG of the current page.
func (tb *tab) screenshot(page string) {
	tb.t.Helper()
	png := get(tb, chromedp.FullScreenshot(100), "screenshot of "+page)
	// The tabs of one test share its name, so they share the count too: files sort in the
	// order the pages were seen and never overwrite each other.
	counter, _ := shotCount.LoadOrStore(tb.name, new(atomic.Int32))
	n := counter.(*atomic.Int32).Add(1)
	file := filepath.Join(tb.shots, fmt.Sprintf("%s-%02d-%s.png", tb.name, n, page))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		tb.t.Fatalf("write screenshot: %v", err)
	}
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// xpathText quotes s for an XPath string literal.
func xpathText(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return `concat("` + strings.ReplaceAll(s, `"`, `", '"', "`) + `")`
}

// byText finds elements of a tag whose normalised text is exactly s, as a person reads it.
func byText(tag, s string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`//%s[normalize-space()=%s]`, tag, xpathText(s)))
}

var spaces = regexp.MustCompile(`\s+`)

// squash collapses runs of white space, for comparing rendered text.
func squash(s string) string {
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}
