package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestPublicPagesAreSharedAndRevalidated: the consultation page and the JSON summary a
// surge opens are the same for every visitor without a session. They carry a public
// Cache-Control and an ETag, answer 304 to a browser that holds them, come compressed once,
// follow new approved opinions within seconds, and follow a closed consultation at once.
// A signed-in official, the opinion form and the tracking page are never shared.
func TestPublicPagesAreSharedAndRevalidated(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		c := env.OpenConsultation(t)
		visitor := env.NewBrowser(t)
		page := fmt.Sprintf("/c/%d", c.ID)
		summary := fmt.Sprintf("/api/v1/consultations/%d/summary", c.ID)

		for _, path := range []string{page, summary} {
			first := visitor.Get(path)
			if first.Status != http.StatusOK {
				t.Fatalf("%s: %d", path, first.Status)
			}
			if cc := first.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=5") {
				t.Errorf("%s: Cache-Control %q, want public with a short max-age", path, cc)
			}
			etag := first.Header.Get("ETag")
			if etag == "" || first.Header.Get("Set-Cookie") != "" {
				t.Fatalf("%s: ETag %q, Set-Cookie %q: want an ETag and no cookie", path, etag, first.Header.Get("Set-Cookie"))
			}
			again := visitor.Do(http.MethodGet, path, nil, map[string]string{"If-None-Match": etag})
			if again.Status != http.StatusNotModified || again.Body != "" {
				t.Errorf("%s with its ETag: %d and %d bytes, want 304 and no body", path, again.Status, len(again.Body))
			}
			zipped := visitor.Do(http.MethodGet, path, nil, map[string]string{"Accept-Encoding": "gzip"})
			if len(first.Body) < 1024 {
				continue // too small to gain from compression
			}
			if zipped.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("%s: Content-Encoding %q, want gzip", path, zipped.Header.Get("Content-Encoding"))
			} else if body := gunzip(t, zipped.Body); body != first.Body {
				t.Errorf("%s: the compressed answer is not the page", path)
			}
		}

		// Past its freshness the page is built again, by the request that finds it old: the
		// same page keeps its ETag, and that request still gets its 304.
		etag := visitor.Get(page).Header.Get("ETag")
		time.Sleep(1100 * time.Millisecond)
		if again := visitor.Do(http.MethodGet, page, nil, map[string]string{"If-None-Match": etag}); again.Status != http.StatusNotModified {
			t.Errorf("page rebuilt with the same content: %d, want 304", again.Status)
		}

		// A new approved opinion shows within seconds.
		in := app.NewOpinion{Stance: "agree", Body: "Đề nghị giữ nguyên điều này, rất hợp lý."}
		r, err := env.App.SubmitOpinion(ctx, c.ID, in, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(visitor.Get(page).Body, "Đề nghị giữ nguyên điều này") {
			if time.Now().After(deadline) {
				t.Fatal("an approved opinion is not on the public page after 5 s")
			}
			time.Sleep(200 * time.Millisecond)
		}
		if got := visitor.Get(summary).Body; !strings.Contains(got, `"total":1`) {
			t.Errorf("summary %s, want a total of 1", got)
		}

		// A signed-in official sees the page built for them, never the shared one.
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		staffView := official.Get(page)
		if cc := staffView.Header.Get("Cache-Control"); cc != "no-store" || staffView.Header.Get("ETag") != "" {
			t.Errorf("official's view: Cache-Control %q, ETag %q; want no-store and no ETag", cc, staffView.Header.Get("ETag"))
		}

		// The opinion form carries a key of its own for each visitor: private, never shared.
		key := regexp.MustCompile(`name="key" value="([^"]+)"`)
		form1, form2 := visitor.Get(page+"/comment"), visitor.Get(page+"/comment")
		if cc := form1.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
			t.Errorf("opinion form: Cache-Control %q, want private", cc)
		}
		k1, k2 := key.FindStringSubmatch(form1.Body), key.FindStringSubmatch(form2.Body)
		if k1 == nil || k2 == nil || k1[1] == k2[1] {
			t.Errorf("two opinion forms carry keys %v and %v, want two different keys", k1, k2)
		}
		if cc := visitor.Get("/track/" + r.Opinion.TrackingCode).Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
			t.Errorf("tracking page: Cache-Control %q, want private", cc)
		}

		// Closed by an official: the very next view says so, with no comment button.
		env.CloseAtEnd(t, env.OfficialA, c)
		if body := visitor.Get(page).Body; strings.Contains(body, page+"/comment") {
			t.Error("the page still offers to comment right after the consultation was closed")
		}
	})
}

func gunzip(t *testing.T, s string) string {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader([]byte(s)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
