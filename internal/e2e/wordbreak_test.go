package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// brokenWordsJS lists the words of the elements matching %q that the browser laid out on
// more than one line: a Vietnamese syllable cut in two ("hài lò" / "ng") reads as two
// wrong words.
const brokenWordsJS = `(() => {
  const broken = [];
  for (const el of document.querySelectorAll(%q)) {
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const re = /\S+/g;
      let m;
      while ((m = re.exec(n.data))) {
        const r = document.createRange();
        r.setStart(n, m.index);
        r.setEnd(n, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
})()`

// TestWordsNeverBreakInsideASyllable lays out the tables residents and staff read: the
// rating table on a 360 px phone, and the staff tables on a 1280 px screen, where the staff
// pages use the width there is. No word may be cut across lines, and nothing may stick out
// sideways on the phone.
func TestWordsNeverBreakInsideASyllable(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c, _ := resultsPublished(t, env)
		for i, score := range []int{5, 4, 4, 2, 1, 3} {
			if _, err := env.App.Rate(context.Background(), c.ID, app.NewRating{Rating: score, Comment: fmt.Sprintf("Đánh giá %d", i)}); err != nil {
				t.Fatal(err)
			}
		}

		phone := newTab(t, browser, env.URL)
		page := fmt.Sprintf("/c/%d", c.ID)
		phone.open(page)
		if n := phone.count(".satisfaction-table"); n != 1 {
			t.Fatalf("%s shows %d rating tables", page, n)
		}
		if broken := eval[[]string](phone, fmt.Sprintf(brokenWordsJS, "table")); len(broken) > 0 {
			t.Errorf("%s at 360 px: words cut across lines: %s", page, strings.Join(broken, ", "))
		}
		phone.checkPhone("rating-table")

		desk := newTab(t, browser, env.URL)
		desk.do(chromedp.EmulateViewport(1280, 900))
		login(desk, "admin@example.vn")
		for _, p := range []string{"/staff", "/staff/audit", "/staff/oversight", "/staff/admin/staff"} {
			desk.open(p)
			if broken := eval[[]string](desk, fmt.Sprintf(brokenWordsJS, "table")); len(broken) > 0 {
				t.Errorf("%s at 1280 px: words cut across lines: %s", p, strings.Join(broken, ", "))
			}
			// The staff pages use the screen: the content is more than a phone column wide.
			if w := eval[float64](desk, `document.querySelector("main").getBoundingClientRect().width`); w < 1100 {
				t.Errorf("%s at 1280 px: the page uses %.0f px of the width", p, w)
			}
		}
	})
}
