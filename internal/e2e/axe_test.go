package e2e

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core's minified build, taken unchanged from the npm package axe-core
// (version and MPL-2.0 licence in its header). It is a test asset: the portal never serves
// it. To update: npm pack axe-core@4, then copy package/axe.min.js over testdata/axe.min.js.
//
//go:embed testdata/axe.min.js
var axeSource string

// axeTags are the rules the portal promises: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeFinding is one rule that failed (or that axe could not decide) on the current page.
type axeFinding struct {
	ID     string    `json:"id"`
	Impact string    `json:"impact"`
	Help   string    `json:"help"`
	Nodes  []axeNode `json:"nodes"`
}

// axeNode is one element a finding is about.
type axeNode struct {
	Target  string `json:"target"`
	Summary string `json:"summary"`
}

type axeResult struct {
	Violations []axeFinding `json:"violations"`
	Incomplete []axeFinding `json:"incomplete"`
}

// axeRunJS runs axe on the whole document and keeps what a failure message needs. Targets
// inside frames or shadow roots come as nested lists; they are joined with " >>> ".
const axeRunJS = `axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations', 'incomplete']})
  .then(r => {
    const keep = list => list.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(', '),
        summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim()}))}));
    return {violations: keep(r.violations), incomplete: keep(r.incomplete)};
  })`

// checkAxe injects axe-core into the current page and fails the test with every WCAG 2.0/2.1
// A or AA violation it reports: rule, impact, the elements and what is wrong with each.
// Results axe cannot decide alone (text over an image, say) are logged for a person to check.
//
// To audit a new page, open it in a tab and call tb.checkAxe("name"); checkPhone does it
// too. It works in a tab whose page scripts are off (see disableScripts).
func (tb *tab) checkAxe(page string) {
	tb.t.Helper()
	r := tb.axe(page)
	for _, v := range r.Violations {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: axe %s (%s): %s", page, v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    %s: %s", n.Target, n.Summary)
		}
		tb.t.Error(b.String())
	}
	for _, v := range r.Incomplete {
		var targets []string
		for _, n := range v.Nodes {
			targets = append(targets, n.Target)
		}
		targets = dedupe(targets)
		tb.t.Logf("observation, %s: axe could not decide %s (%s) on %d element(s): %s", page, v.ID, v.Help, len(v.Nodes),
			strings.Join(targets[:min(5, len(targets))], "; "))
	}
}

// axe runs axe-core on the current page and returns what it found.
func (tb *tab) axe(page string) axeResult {
	tb.t.Helper()
	if tb.scriptsOff {
		// axe waits on timers, which do not fire while the page's scripts are off. Turning
		// them on for the audit runs none of the page's own scripts: those were skipped when
		// the page loaded and are not tried again.
		tb.setScripts(true)
		defer tb.setScripts(false)
	}
	if !eval[bool](tb, `typeof window.axe === "object" && typeof window.axe.run === "function"`) {
		tb.do(chromedp.Evaluate[chromedp.Void](axeSource))
	}
	tags := `["` + strings.Join(axeTags, `", "`) + `"]`
	return get(tb, chromedp.EvaluateAsDevTools[axeResult](fmt.Sprintf(axeRunJS, tags), chromedp.EvalAwaitPromise), "axe.run on "+page)
}

// TestAxeFindsViolations shows the audit a page with known faults, so that the silence of
// checkAxe on the portal's pages means something: axe is injected and runs with the tags
// given, also in a tab whose scripts are off.
func TestAxeFindsViolations(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	const faulty = `data:text/html;charset=utf-8,<!doctype html><title>x</title><main><h1>Lỗi</h1>` +
		`<img src="x.png"><p style="color:%23aaa">chữ mờ</p><input id="nolabel"><a href="/a"></a></main>`
	want := []string{"color-contrast", "html-has-lang", "image-alt", "label", "link-name"}
	for _, scriptsOff := range []bool{false, true} {
		tb := newTab(t, browser, "")
		if scriptsOff {
			tb.disableScripts()
		}
		tb.do(chromedp.Navigate(faulty))
		var got []string
		for _, v := range tb.axe("faulty").Violations {
			got = append(got, v.ID)
		}
		for _, id := range want {
			if !slices.Contains(got, id) {
				t.Errorf("scripts off %v: axe found %q on the faulty page, not %s", scriptsOff, got, id)
			}
		}
	}
}
