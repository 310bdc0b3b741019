package web_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// atomDoc is what a feed reader takes from a feed; encoding/xml decodes the escaping.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Author struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary string `xml:"summary"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
	} `xml:"entry"`
}

// TestAtomFeeds publishes consultations in communes A and B, leaves one a draft, withdraws
// one and publishes the results of another, then reads both feeds as a feed reader would:
// the XML parses, every required Atom element is there, a unit's feed holds that unit and
// the units under it, drafts and withdrawn consultations never appear, and a title full of
// XML's special characters comes back exactly as the official typed it.
func TestAtomFeeds(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		// Each publication a minute after the last, so "newest first" has one answer.
		clock := time.Now().UTC().Truncate(time.Second)
		env.App.Now = func() time.Time { return clock }
		tick := func() { clock = clock.Add(time.Minute) }
		opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
		create := func(official *domain.Actor, unit, title string) *domain.Consultation {
			t.Helper()
			c, err := env.App.CreateConsultation(ctx, official, app.NewConsultation{
				Title: title, Kind: "huong_uoc", UnitCode: unit, Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
				Summary: "Tóm tắt: điểm < 5 & > 2 không phải mã HTML.",
			})
			if err != nil {
				t.Fatalf("create %q: %v", title, err)
			}
			return c
		}
		publish := func(c *domain.Consultation) *domain.Consultation {
			t.Helper()
			tick()
			c, err := env.App.Publish(ctx, env.OfficialA, c.ID)
			if err != nil {
				t.Fatalf("publish %q: %v", c.Title, err)
			}
			return c
		}
		tricky := publish(create(env.OfficialA, "A", `Đường & cống < 5 m > "ngõ" 'Một' ]]> &amp;`))
		draft := create(env.OfficialA, "A", "Bản nháp chưa công bố")
		gone := publish(create(env.OfficialA, "A", "Dự thảo đã rút"))
		if err := st.ChangeStatus(ctx, gone.ID, domain.StatusOpen, domain.StatusWithdrawn, &env.OfficialA.StaffID, "thử", store.StatusStamps{}); err != nil {
			t.Fatal(err)
		}
		done := publish(create(env.OfficialA, "A", "Quy ước đã có kết quả"))
		tick()
		var err error
		env.CloseAtEnd(t, env.OfficialA, done)
		tick()
		if done, err = env.App.PublishResults(ctx, env.OfficialA, done.ID); err != nil {
			t.Fatal(err)
		}
		tick()
		c, err := env.App.CreateConsultation(ctx, env.OfficialB, app.NewConsultation{
			Title: "Dự thảo của xã Bắc Sơn", Kind: "plan", UnitCode: "B", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
			Topic: testutil.TopicFor("plan", ""),
		})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = env.App.Publish(ctx, env.OfficialB, c.ID); err != nil {
			t.Fatal(err)
		}
		bacSon := c
		env.App.Now = time.Now

		base := "http://127.0.0.1" // testutil.StartServer's BASE_URL
		b := env.NewBrowser(t)
		read := func(path string) (*atomDoc, string) {
			t.Helper()
			res := b.Get(path)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: status %d\n%s", path, res.Status, res.Body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", path, ct)
			}
			if !strings.HasPrefix(res.Body, `<?xml version="1.0" encoding="UTF-8"?>`) {
				t.Errorf("%s: no XML declaration: %.80s", path, res.Body)
			}
			var doc atomDoc
			if err := xml.Unmarshal([]byte(res.Body), &doc); err != nil {
				t.Fatalf("%s does not parse: %v\n%s", path, err, res.Body)
			}
			checkAtom(t, path, base, &doc)
			return &doc, res.Body
		}
		titles := func(doc *atomDoc) []string {
			var out []string
			for _, e := range doc.Entries {
				out = append(out, e.Title)
			}
			return out
		}

		all, raw := read("/feeds/consultations.atom")

		want := []string{bacSon.Title, done.Title, tricky.Title} // newest publication first
		if got := titles(all); !slices.Equal(got, want) {
			t.Errorf("all consultations: %q, want %q", got, want)
		}
		for _, bad := range []string{draft.Title, gone.Title} {
			if strings.Contains(raw, bad) {
				t.Errorf("the feed shows %q", bad)
			}
		}
		// The title decodes to exactly what was stored, so the raw XML escaped it.
		if tricky.Title != `Đường & cống < 5 m > "ngõ" 'Một' ]]> &amp;` {
			t.Fatalf("the title was changed on input: %q", tricky.Title)
		}
		if strings.Contains(raw, "Đường & cống < 5") || !strings.Contains(raw, "Đường &amp; cống &lt; 5 m &gt;") {
			t.Errorf("the title is not escaped in the XML:\n%s", raw)
		}
		e := all.Entries[2]
		if e.Links[0].Href != fmt.Sprintf("%s/c/%d", base, tricky.ID) || e.Author.Name != "Xã An Bình" {
			t.Errorf("entry: link %q, author %q", e.Links[0].Href, e.Author.Name)
		}
		if !strings.Contains(e.Summary, "Xã An Bình · Hương ước") || !strings.Contains(e.Summary, "Tóm tắt: điểm < 5 & > 2 không phải mã HTML.") {
			t.Errorf("summary %q", e.Summary)
		}
		if all.Updated != all.Entries[0].Updated {
			t.Errorf("feed updated %s, want the newest entry's %s", all.Updated, all.Entries[0].Updated)
		}
		if all.Entries[0].Author.Name != "Xã Bắc Sơn" {
			t.Errorf("author of commune B's entry: %q", all.Entries[0].Author.Name)
		}

		for _, tc := range []struct {
			path string
			want []string
		}{
			{"/feeds/consultations.atom?unit=A", []string{done.Title, tricky.Title}},
			{"/feeds/consultations.atom?unit=B", []string{bacSon.Title}},
			{"/feeds/consultations.atom?unit=P", []string{bacSon.Title, done.Title, tricky.Title}},
			{"/feeds/consultations.atom?unit=A1", nil}, // nothing is published by the village itself
			{"/feeds/results.atom", []string{"Kết quả: " + done.Title}},
			{"/feeds/results.atom?unit=A", []string{"Kết quả: " + done.Title}},
			{"/feeds/results.atom?unit=B", nil},
		} {
			doc, _ := read(tc.path)
			if got := titles(doc); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %q, want %q", tc.path, got, tc.want)
			}
			if len(tc.want) == 0 {
				// An empty unit's feed is as old as its unit: not 1970, and not new on each fetch.
				code := tc.path[strings.Index(tc.path, "unit=")+len("unit="):]
				u, err := st.UnitByCode(ctx, code)
				if err != nil {
					t.Fatal(err)
				}
				if want := u.CreatedAt.UTC().Format(time.RFC3339); doc.Updated != want {
					t.Errorf("%s: an empty feed is updated %s, want its unit's creation %s", tc.path, doc.Updated, want)
				}
			}
		}
		unitA, _ := read("/feeds/consultations.atom?unit=A")
		if unitA.Author.Name != "Xã An Bình" || !strings.Contains(unitA.Title, "Xã An Bình") {
			t.Errorf("unit feed: title %q, author %q", unitA.Title, unitA.Author.Name)
		}
		results, _ := read("/feeds/results.atom")
		if got := results.Entries[0]; got.Updated != done.ResultsPublishedAt.UTC().Format(time.RFC3339) ||
			got.ID == all.Entries[1].ID || !strings.Contains(got.Summary, "Đã công bố kết quả") {
			t.Errorf("results entry: updated %s (results published %s), id %s, summary %q",
				got.Updated, done.ResultsPublishedAt.UTC().Format(time.RFC3339), got.ID, got.Summary)
		}

		for _, path := range []string{"/feeds/consultations.atom?unit=KHONGCO", "/feeds/results.atom?unit=KHONGCO"} {
			if res := b.Get(path); res.Status != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", path, res.Status)
			}
		}
		home := b.Get("/").Body
		mustContain(t, home, `<link rel="alternate" type="application/atom+xml"`, `href="/feeds/consultations.atom"`, `href="/feeds/results.atom"`)
	})
}

// checkAtom checks the elements RFC 4287 requires of a feed and of its entries, with the
// portal's own rules: absolute links from BASE_URL, RFC 3339 times, an author on every entry.
func checkAtom(t *testing.T, path, base string, doc *atomDoc) {
	t.Helper()
	if doc.Lang != "vi" {
		t.Errorf("%s: xml:lang %q", path, doc.Lang)
	}
	if doc.ID == "" || doc.Title == "" || doc.Author.Name == "" {
		t.Errorf("%s: id %q, title %q, author %q", path, doc.ID, doc.Title, doc.Author.Name)
	}
	if _, err := time.Parse(time.RFC3339, doc.Updated); err != nil {
		t.Errorf("%s: updated %q: %v", path, doc.Updated, err)
	}
	self := ""
	for _, l := range doc.Links {
		if l.Rel == "self" {
			self = l.Href
		}
	}
	if self != base+path {
		t.Errorf("%s: rel=self %q, want %q", path, self, base+path)
	}
	ids := map[string]bool{}
	for _, e := range doc.Entries {
		if e.ID == "" || ids[e.ID] || !strings.HasPrefix(e.ID, "tag:127.0.0.1,") {
			t.Errorf("%s: entry id %q missing, repeated or not a tag URI", path, e.ID)
		}
		ids[e.ID] = true
		if e.Title == "" || e.Summary == "" || e.Author.Name == "" {
			t.Errorf("%s: entry %s: title %q, summary %q, author %q", path, e.ID, e.Title, e.Summary, e.Author.Name)
		}
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("%s: entry %s: updated %q: %v", path, e.ID, e.Updated, err)
		}
		if len(e.Links) != 1 || e.Links[0].Rel != "alternate" || !strings.HasPrefix(e.Links[0].Href, base+"/c/") {
			t.Errorf("%s: entry %s: links %+v", path, e.ID, e.Links)
		}
	}
}

// TestEmptyFeedUpdated checks the updated time of the feed of every unit on a portal with
// nothing published yet: when the portal started serving, the same on every fetch, and never
// the 1970 of a zero time.
func TestEmptyFeedUpdated(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		before := time.Now().Add(-time.Second)
		env := testutil.StartServer(t, st)
		after := time.Now().Add(time.Second)
		b := env.NewBrowser(t)
		var seen []string
		for _, path := range []string{"/feeds/consultations.atom", "/feeds/results.atom", "/feeds/consultations.atom"} {
			res := b.Get(path)
			var doc atomDoc
			if err := xml.Unmarshal([]byte(res.Body), &doc); err != nil || res.Status != http.StatusOK {
				t.Fatalf("%s: %d %v", path, res.Status, err)
			}
			updated, err := time.Parse(time.RFC3339, doc.Updated)
			if err != nil || len(doc.Entries) != 0 || updated.Before(before.Truncate(time.Second)) || updated.After(after) {
				t.Errorf("%s: updated %q (%v) with %d entries, want the start of the server, between %v and %v",
					path, doc.Updated, err, len(doc.Entries), before, after)
			}
			seen = append(seen, doc.Updated)
		}
		if seen[0] != seen[1] || seen[0] != seen[2] {
			t.Errorf("the empty feeds' updated times differ from fetch to fetch: %q", seen)
		}
	})
}
