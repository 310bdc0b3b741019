package app

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// Themes: the phrases residents repeat most.
//
// A theme is a syllable bigram or trigram (Vietnamese writes one syllable per word, so "đường
// làng" is two) taken inside one clause of an opinion: phrases never run across a full stop
// or a comma. Phrases are compared folded (textnorm.Fold), so "đường làng" typed on a phone
// without tone marks as "duong lang" is the same theme, and each phrase counts once per
// opinion however often the opinion repeats it.
//
// Phrases containing a stop word (và, của, là…) or a generic word of every consultation
// (ý kiến, đề nghị, dự thảo, hương ước) say nothing and are dropped. Folding makes some stop
// words look like content words ("về" and "vệ" both fold to "ve", "chợ" and "cho" to "cho"),
// so a syllable written with its marks is checked against the list as written, and only a
// syllable typed without any marks, whose meaning folding cannot recover, against the folded
// list. A phrase is a theme if at least one opinion wrote it without a stop word; it then
// counts every opinion that contains it, typed with or without marks, except where a stop
// word written with its marks shows it means something else ("về sinh hoạt" is not "vệ
// sinh"). MatchesTheme applies the same rule, so a theme's count is the number of opinions
// its link lists.

// MinThemeOpinions is how many opinions must share a phrase before it is a theme: a phrase
// from a single opinion is that opinion, not a theme.
const MinThemeOpinions = 2

// Theme is a phrase shared by several opinions.
type Theme struct {
	Phrase string // folded, the key in links (?theme=duong lang)
	Label  string // the spelling most opinions used, for display ("đường làng")
	Count  int    // opinions containing the phrase
}

// stopWords are Vietnamese function words and pronouns, as written with their marks.
var stopWords = []string{
	"và", "của", "là", "có", "không", "được", "cho", "các", "những", "này", "đó", "thì", "mà",
	"với", "trong", "để", "một", "người", "tôi", "chúng", "ta", "đã", "sẽ", "rất", "cũng",
	"nên", "như", "khi", "ở", "về", "từ", "ra", "vào", "lại", "còn", "đến", "theo", "hay",
	"hoặc", "nếu", "vì", "do", "bị", "bởi", "nhưng", "thế", "rằng", "gì", "nào", "ấy", "kia",
	"đang", "vẫn", "chỉ", "nữa", "rồi", "nhé", "ạ", "ơi", "nhiều", "hơn", "nhất", "lắm", "quá",
	"tại", "qua", "sau", "trước", "trên", "dưới", "giữa", "cần", "phải", "muốn", "xin", "mong",
	"ai", "anh", "chị", "em", "ông", "bà", "họ", "mình", "bạn", "nhau",
	// Words of every opinion on every draft: ý kiến, góp ý, đồng ý, đề nghị, vấn đề.
	"ý", "kiến", "góp", "đề",
}

// stopPhrases are folded phrases too common in consultations to be a theme: the draft itself.
var stopPhrases = [][]string{{"du", "thao"}, {"huong", "uoc"}, {"quy", "uoc"}}

var (
	stopMarked = map[string]bool{} // as written, lower case, NFC
	stopFolded = map[string]bool{} // folded
)

func init() {
	for _, w := range stopWords {
		stopMarked[norm.NFC.String(w)] = true
		stopFolded[textnorm.Fold(w)] = true
	}
}

// syllable is one word of an opinion: folded, and as written (lower case). A stop syllable
// keeps a phrase from being a theme; a hard one, a stop word written with its marks or part
// of a stop phrase, also keeps that occurrence from counting towards a theme ("về sinh hoạt"
// is not about "vệ sinh"). A stop word typed without marks may be a content word that lost
// them ("cho" for "chợ"), so its occurrence still counts.
type syllable struct {
	folded, written string
	stop, hard      bool
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// clauses splits a text into clauses of syllables (textnorm.Clauses). A word that folding
// splits (a compatibility character such as "½") gives its parts as folded.
func clauses(text string) [][]syllable {
	text = norm.NFC.String(strings.ToLower(text))
	var out [][]syllable
	for _, words := range textnorm.Clauses(text, textnorm.Words(text)) {
		var cl []syllable
		for _, w := range words {
			written := text[w.Start:w.End]
			if !strings.Contains(w.Fold, " ") {
				if w.Fold != "" {
					cl = append(cl, syllable{folded: w.Fold, written: written})
				}
				continue
			}
			for _, p := range strings.Fields(w.Fold) {
				cl = append(cl, syllable{folded: p, written: p})
			}
		}
		if len(cl) > 0 {
			markStops(cl)
			out = append(out, cl)
		}
	}
	return out
}

// markStops flags the stop words of a clause and the syllables of its stop phrases.
func markStops(cl []syllable) {
	for i := range cl {
		s := &cl[i]
		if isASCII(s.written) {
			s.stop = stopFolded[s.folded]
		} else {
			s.stop = stopMarked[s.written]
			s.hard = s.stop
		}
	}
	for _, p := range stopPhrases {
		for i := 0; i+len(p) <= len(cl); i++ {
			if foldedKey(cl[i:i+len(p)]) == strings.Join(p, " ") {
				for j := i; j < i+len(p); j++ {
					cl[j].stop, cl[j].hard = true, true
				}
			}
		}
	}
}

// counts reports whether an occurrence of a phrase counts towards it: no hard stop syllable.
func counts(run []syllable) bool {
	for _, s := range run {
		if s.hard {
			return false
		}
	}
	return true
}

// phraseOK reports whether a run of syllables may be a theme as written here.
func phraseOK(run []syllable) bool {
	letters := false
	for _, s := range run {
		if s.stop {
			return false
		}
		if strings.IndexFunc(s.folded, unicode.IsLetter) >= 0 {
			letters = true
		}
	}
	return letters
}

func foldedKey(run []syllable) string {
	parts := make([]string, len(run))
	for i, s := range run {
		parts[i] = s.folded
	}
	return strings.Join(parts, " ")
}

func writtenForm(run []syllable) string {
	parts := make([]string, len(run))
	for i, s := range run {
		parts[i] = s.written
	}
	return strings.Join(parts, " ")
}

type phraseStat struct {
	n       int // syllables
	count   int // opinions
	allowed bool
	forms   map[string]int
}

// FindThemes returns up to limit themes of the texts, most shared first.
func FindThemes(texts []string, limit int) []Theme {
	pc := phraseCounter{}
	for _, text := range texts {
		pc.add(text)
	}
	return pc.themes(limit)
}

// phraseCounter counts the phrases of texts added one at a time, so the texts of a large
// consultation are read page by page and never held all at once: its memory is that of the
// distinct phrases, not of the opinions.
type phraseCounter struct {
	stats map[string]*phraseStat
}

// add counts the phrases of one text.
func (pc *phraseCounter) add(text string) {
	if pc.stats == nil {
		pc.stats = map[string]*phraseStat{}
	}
	stats := pc.stats
	seen := map[string]bool{}
	for _, cl := range clauses(text) {
		for n := 2; n <= 3; n++ {
			for i := 0; i+n <= len(cl); i++ {
				run := cl[i : i+n]
				if !counts(run) {
					continue
				}
				key := foldedKey(run)
				st := stats[key]
				if st == nil {
					st = &phraseStat{n: n, forms: map[string]int{}}
					stats[key] = st
				}
				ok := phraseOK(run)
				st.allowed = st.allowed || ok
				if !seen[key] {
					seen[key] = true
					st.count++
				}
				if ok && !seen[key+"\x00"+writtenForm(run)] {
					seen[key+"\x00"+writtenForm(run)] = true
					st.forms[writtenForm(run)]++
				}
			}
		}
	}
}

// themes returns up to limit themes of the texts added, most shared first.
func (pc *phraseCounter) themes(limit int) []Theme {
	stats := pc.stats
	var cands []string
	for key, st := range stats {
		if st.allowed && st.count >= MinThemeOpinions {
			cands = append(cands, key)
		}
	}
	slices.SortFunc(cands, func(a, b string) int {
		sa, sb := stats[a], stats[b]
		return cmp.Or(cmp.Compare(sb.count, sa.count), cmp.Compare(sb.n, sa.n), strings.Compare(a, b))
	})
	// A bigram that every opinion containing it continues into the same trigram is left
	// out: the trigram says more, with the same count.
	longest := map[string]int{}
	for key, st := range stats {
		if st.n != 3 || !st.allowed {
			continue
		}
		w := strings.Fields(key)
		for _, bi := range []string{w[0] + " " + w[1], w[1] + " " + w[2]} {
			longest[bi] = max(longest[bi], st.count)
		}
	}
	var out []Theme
	for _, key := range cands {
		if len(out) == limit {
			break
		}
		if st := stats[key]; st.n == 2 && longest[key] == st.count {
			continue
		}
		out = append(out, Theme{Phrase: key, Label: bestForm(stats[key].forms), Count: stats[key].count})
	}
	return out
}

// bestForm picks the spelling most opinions used, preferring one with tone marks on a tie.
func bestForm(forms map[string]int) string {
	best, bestN := "", 0
	for f, n := range forms {
		switch {
		case n > bestN, n == bestN && isASCII(best) && !isASCII(f), n == bestN && isASCII(best) == isASCII(f) && f < best:
			best, bestN = f, n
		}
	}
	return best
}

// MatchesTheme reports whether a text contains a phrase, compared folded and inside one
// clause, as FindThemes counts it. The phrase may be typed with or without marks.
func MatchesTheme(text, phrase string) bool {
	want := strings.Fields(textnorm.Fold(phrase))
	if len(want) == 0 {
		return false
	}
	for _, cl := range clauses(text) {
		for i := 0; i+len(want) <= len(cl); i++ {
			match := true
			for j, w := range want {
				if cl[i+j].folded != w {
					match = false
					break
				}
			}
			if match && counts(cl[i:i+len(want)]) {
				return true
			}
		}
	}
	return false
}

// Themes finds the themes of a consultation's approved opinions, in their public text
// (personal data masked). The caller has loaded the consultation, with its visibility rules.
//
// Finding them reads and tokenises the text of every approved opinion, in time that grows
// with their number (docs/benchmarks.md): too slow for every view of a large consultation's
// page. So the
// result is cached per consultation with a fingerprint of the approved set it came from
// (store.ApprovedSet: how many opinions are approved, and how many times one entered the
// set, left it or changed its public text while in it), read on each call from the
// counters the database keeps (migration 00015), and computed again when it differs. The
// second number only grows and the database moves it in the transaction of every such
// change, whoever makes it, so equal fingerprints mean the same opinions with the same text,
// on every instance sharing the database. themeCacheTTL bounds what the fingerprint cannot
// see: a change in the words that make a theme (the stop words shipped with a new release).
//
// Moderators decide all day during a consultation, and each decision moves the fingerprint,
// so the views after one do not wait for the new themes: a view that finds themes of another
// approved set, or older than themeCacheTTL, returns them at once and starts a recomputation
// in the background, one per consultation and limit at a time; the views that come while it
// runs get the same earlier themes and start none. Only a view that finds no themes at all
// for the consultation computes them itself, and the views arriving meanwhile wait for that
// one computation; or, for a consultation of more than themeSyncLimit approved opinions,
// starts it in the background and shows no themes until it ends.
//
// Earlier themes are thus served only while a recomputation runs: once the opinions change,
// the first view starts one, and the views after it ends get the themes it found, so what
// residents see lags the approved opinions by one recomputation. A
// recomputation that fails (the database unreachable, or slower than themeRecomputeTimeout)
// is logged and leaves the earlier themes in place, and the next view starts another. So a
// failing database keeps the last themes found on the page rather than failing it over a
// summary; they stay only as long as the failures do, each view retrying once the last
// attempt has ended (and a database that fails altogether fails the view's own fingerprint
// read first).
func (a *App) Themes(ctx context.Context, c *domain.Consultation, limit int) ([]Theme, error) {
	// The fingerprint is read before the texts. If the opinions change in between, the
	// entry holds newer themes under an older fingerprint, which the next view finds
	// different and recomputes; the other order could keep old themes under a new one.
	set, err := a.store.ApprovedSetOf(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	key := themeKey{consultationID: c.ID, limit: limit}
	e := a.themes.entry(key)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.computed.IsZero() && set.Count > a.themes.syncLimit() {
		if !e.recomputing {
			a.recomputeThemes(ctx, e, key, set)
		}
		return nil, nil
	}
	if e.computed.IsZero() {
		themes, err := computeThemes(ctx, a.store, key)
		if err != nil {
			return nil, err
		}
		e.set, e.themes, e.computed = set, themes, time.Now()
		return slices.Clone(themes), nil
	}
	if !e.fresh(set) && !e.recomputing {
		a.recomputeThemes(ctx, e, key, set)
	}
	return slices.Clone(e.themes), nil
}

// themePage is how many opinions computeThemes reads at a time.
const themePage = 5000

// computeThemes reads the approved opinions of a key's consultation, a page at a time, and
// finds their themes.
func computeThemes(ctx context.Context, st *store.Store, key themeKey) ([]Theme, error) {
	var pc phraseCounter
	var after int64
	for {
		bodies, err := st.ApprovedPublicBodies(ctx, key.consultationID, after, themePage)
		if err != nil {
			return nil, wrap(err)
		}
		for _, b := range bodies {
			pc.add(b.Body)
		}
		if len(bodies) < themePage {
			return pc.themes(key.limit), nil
		}
		after = bodies[len(bodies)-1].ID
	}
}

// recomputeThemes finds the themes of an entry again in the background group, for the
// approved set the view read, and stores them in the entry when done. The caller holds e.mu;
// e.recomputing is set while the goroutine runs, which clears it however it ends (and stays
// unset if the App is shutting down and starts none). The goroutine's context keeps the request's
// values (for the log) but not its end, since it outlives the request, and has its own
// deadline so that a hung database cannot keep the entry recomputing for ever.
func (a *App) recomputeThemes(ctx context.Context, e *themeEntry, key themeKey, set store.ApprovedSet) {
	st, hook := a.store, a.themes.recomputeHook()
	e.recomputing = a.goDetached(ctx, themeRecomputeTimeout, func(ctx context.Context) {
		var (
			themes []Theme
			err    error
		)
		if hook != nil {
			err = hook()
		}
		if err == nil {
			themes, err = computeSafely(ctx, func(ctx context.Context) ([]Theme, error) {
				return computeThemes(ctx, st, key)
			})
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		e.recomputing = false
		if err != nil {
			if !a.shuttingDown() {
				slog.WarnContext(ctx, "themes not recomputed, the earlier ones stay",
					"consultation", key.consultationID, "err", err)
			}
			return
		}
		e.set, e.themes, e.computed = set, themes, time.Now()
	})
}

const (
	// themeSyncLimit is the most approved opinions whose themes the first view of a
	// consultation computes itself. Past it, that view starts the computation in the
	// background and the page shows no themes until it ends, rather than keep the resident
	// waiting: for the largest consultations, longer than the server's write timeout
	// (docs/benchmarks.md).
	themeSyncLimit = 20_000
	// themeCacheTTL bounds how long themes can outlive a change the fingerprint misses.
	themeCacheTTL = time.Minute
	// themeCacheSize bounds the cache: past it, the least recently viewed consultation's
	// themes are dropped. A province has a few hundred consultations open at most.
	themeCacheSize = 256
	// themeRecomputeTimeout bounds a background recomputation's reading of the opinions. It
	// is far above what reading takes and only stops a hung database from keeping the entry
	// recomputing for ever.
	themeRecomputeTimeout = time.Minute
)

// themeCache holds the themes of the consultations viewed recently (see Themes). Its zero
// value is ready to use, and it is safe for concurrent use.
type themeCache struct {
	mu      sync.Mutex // guards entries, every entry's lastUsed, hook and limit
	entries map[themeKey]*themeEntry
	hook    func() error // set by tests (export_test.go): called before each background recomputation
	limit   int          // set by tests (export_test.go): themeSyncLimit when zero
	page    int          // set by tests (export_test.go): themePage when zero
}

// pageSize is themePage, or the page a test set.
func (tc *themeCache) pageSize() int {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.page > 0 {
		return tc.page
	}
	return themePage
}

// syncLimit is themeSyncLimit, or the limit a test set.
func (tc *themeCache) syncLimit() int64 {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.limit > 0 {
		return int64(tc.limit)
	}
	return themeSyncLimit
}

type themeKey struct {
	consultationID int64
	limit          int
}

type themeEntry struct {
	// mu guards the fields below except lastUsed. It is held while the first themes of the key
	// are computed, so the views that arrive together then wait for one computation instead
	// of each tokenising every opinion; a recomputation holds it only to store its result.
	mu          sync.Mutex
	set         store.ApprovedSet
	themes      []Theme   // never modified once stored, only replaced
	computed    time.Time // zero until computed; compared on the monotonic clock, not App.Now
	recomputing bool      // a background recomputation runs (recomputeThemes)
	lastUsed    time.Time
}

// fresh reports whether the entry holds themes of the approved set, young enough to use.
// The caller holds e.mu.
func (e *themeEntry) fresh(set store.ApprovedSet) bool {
	return !e.computed.IsZero() && e.set == set && time.Since(e.computed) < themeCacheTTL
}

func (tc *themeCache) recomputeHook() func() error {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.hook
}

// entry returns the entry of a key, adding an empty one (and dropping the least recently
// used when the cache is full) if there is none.
func (tc *themeCache) entry(key themeKey) *themeEntry {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.entries == nil {
		tc.entries = map[themeKey]*themeEntry{}
	}
	e := tc.entries[key]
	if e == nil {
		if len(tc.entries) >= themeCacheSize {
			var oldest themeKey
			var at time.Time
			for k, v := range tc.entries {
				if at.IsZero() || v.lastUsed.Before(at) {
					oldest, at = k, v.lastUsed
				}
			}
			// A view or a recomputation still computing the dropped entry finishes on its
			// own copy, which nothing reads any more.
			delete(tc.entries, oldest)
		}
		e = &themeEntry{}
		tc.entries[key] = e
	}
	e.lastUsed = time.Now()
	return e
}

// ThemeOpinions lists a page of the approved opinions of a published consultation (or of one
// of its sections) that contain a phrase, newest first, and whether another page follows.
// It filters in Go, reading the approved opinions a page at a time.
func (a *App) ThemeOpinions(ctx context.Context, consultationID int64, f domain.SectionFilter, phrase string, page int) ([]domain.Opinion, bool, error) {
	c, err := a.Consultation(ctx, nil, consultationID)
	if err != nil {
		return nil, false, err
	}
	if page < 1 {
		page = 1
	}
	// The approved opinions are read a page at a time, newest first, until the page asked
	// for and one more match are found; the matches before that page are only counted. A
	// theme of a large consultation thus never holds all of its opinions in memory.
	skip := (page - 1) * domain.OpinionsPerPage
	pageSize := a.themes.pageSize()
	var list []domain.Opinion
	var before *domain.Opinion
scan:
	for {
		batch, err := a.store.ApprovedBefore(ctx, consultationID, f, before, pageSize)
		if err != nil {
			return nil, false, wrap(err)
		}
		for _, o := range batch {
			if !MatchesTheme(o.BodyPublic, phrase) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			list = append(list, o)
			if len(list) > domain.OpinionsPerPage {
				break scan
			}
		}
		if len(batch) < pageSize {
			break
		}
		before = &batch[len(batch)-1]
	}
	more := len(list) > domain.OpinionsPerPage
	list = list[:min(len(list), domain.OpinionsPerPage)]
	if err := a.store.AttachVillages(ctx, list); err != nil {
		return nil, false, wrap(err)
	}
	return list, more, a.withPublishedAnswers(ctx, c, list)
}
