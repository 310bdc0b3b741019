package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/cache"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// When the loudspeaker announces a draft, every household opens the same page within
// minutes, and a province-wide draft sends every commune to it at once. The public pages
// and JSON answers a surge reads (publicCacheRoutes) are therefore kept whole in memory for
// the visitors who carry no session, the same for all of them:
//
//   - an answer is built once per publicFresh, however many ask meanwhile (single flight);
//     while one request builds the next, the others get the one before, for publicStale
//     more at most, so a surge never queues on the database;
//   - a change to the consultation (closed, withdrawn, a new version; on any instance, see
//     store/notify.go) drops its answers at once: the next visitor waits for a new one;
//   - newer opinions, counts, answers, ratings or decisions written on this instance make
//     its answers old at once: the next visitor's request builds them again while the
//     others get the previous ones, so whoever just acted sees the result;
//   - the answer carries an ETag and answers 304 to a browser that has it, and
//     publicCacheControl lets a reverse proxy or CDN in front serve it for a few seconds
//     (docs/scaling.md).
//
// The counts on these pages thus lag the opinions by a second or two, as they would behind
// any cache. A request with a session (staff, or a resident's flash message) or an
// Authorization header never reaches this cache, nor does an answer that sets a cookie or
// is not a 200; pages that carry something personal or unique to the visitor (the opinion
// form and its idempotency key, tracking, voting) are not on the list, and are private.
const (
	publicFresh        = time.Second
	publicStale        = 10 * time.Second
	publicMaxEntries   = 256
	publicMaxBody      = 2 << 20
	publicCacheControl = "public, max-age=5, stale-while-revalidate=30"
	// privateCacheControl is for every other answer to a visitor without a session: kept
	// by the visitor's browser, never by a shared cache.
	privateCacheControl = "private, no-cache"
)

// publicCacheRoutes are the routes whose answers are cached, by registered path.
var publicCacheRoutes = map[string]bool{
	"/":               true,
	"/c/:id":          true,
	"/c/:id/opinions": true,
	"/c/:id/changes":  true,
	"/c/:id/report":   true,
	"/u/:code":        true,
	// The annual report adds up a year of a commune, or of every commune of a province.
	"/units/:code/annual/:year":                  true,
	"/api/v1/units/:code/annual/:year":           true,
	"/feeds/consultations.atom":                  true,
	"/feeds/results.atom":                        true,
	"/api/v1/consultations":                      true,
	"/api/v1/consultations/:id":                  true,
	"/api/v1/consultations/:id/summary":          true,
	"/api/v1/consultations/:id/opinions":         true,
	"/api/v1/consultations/:id/moderation-stats": true,
	"/api/v1/consultations/:id/report":           true,
}

// cachedAnswer is an answer as every visitor gets it.
type cachedAnswer struct {
	contentType string
	body, gz    []byte // gz: the body gzip-compressed, when that is smaller
	etag        string
}

// notCacheable is the answer of a request whose answer must not be shared (a redirect, an
// answer that sets a cookie); it reaches the request that built it only.
type notCacheable struct{ status int }

func (notCacheable) Error() string { return "answer not cacheable" }

const skipGzipKey = "gopy.skip_gzip"

func newPublicCache(versions *cache.Versions) *cache.Cache[string, *cachedAnswer] {
	return cache.New[string, *cachedAnswer](versions, cache.Options{
		Fresh: publicFresh, ServeStale: publicStale, Max: publicMaxEntries, Inline: true, FollowTouches: true,
	})
}

// publicCache serves the routes of publicCacheRoutes from the cache to visitors without a
// session. It runs before the gzip middleware, and compresses a cached answer once.
func (s *Server) publicCache(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Method != http.MethodGet || !publicCacheRoutes[c.Path()] || !s.withoutSession(req) ||
			c.Response().Header().Get(echo.HeaderSetCookie) != "" {
			return next(c)
		}
		key := httpx.Lang(c) + " " + req.URL.Path + "?" + canonicalQuery(req.URL.Query())
		answer, err := s.pages.Get(req.Context(), key, pageTopic(c), func(context.Context) (*cachedAnswer, error) {
			return s.record(c, next)
		})
		var nc notCacheable
		switch {
		case errors.As(err, &nc):
			// Recorded for this request only, and already written to it (record); a
			// request that waited for it builds its own.
			if c.Response().Committed {
				return nil
			}
			return next(c)
		case err != nil:
			return err
		}
		return answer.write(c)
	}
}

// withoutSession reports whether a request carries neither a session cookie nor a bearer
// token: what every anonymous visitor's request looks like.
func (s *Server) withoutSession(req *http.Request) bool {
	if req.Header.Get(echo.HeaderAuthorization) != "" {
		return false
	}
	_, err := req.Cookie(sessionCookieName(s.cfg.SecureCookies))
	return err != nil
}

// pageTopic is what a cached answer depends on: its consultation, or the lists of them.
func pageTopic(c echo.Context) string {
	if id, err := strconv.ParseInt(c.Param("id"), 10, 64); err == nil && c.Param("id") != "" {
		return cache.TopicConsultation(id)
	}
	return cache.TopicConsultations
}

// canonicalQuery orders the query's parameters, so one page is cached once.
func canonicalQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(v))
		}
	}
	return b.String()
}

// recorder keeps what a handler writes.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
func (r *recorder) WriteHeader(status int)      { r.status = status }

// record runs the rest of the chain for c into memory and returns its answer if it can be
// shared. An answer that cannot is written to c at once and returned as notCacheable.
func (s *Server) record(c echo.Context, next echo.HandlerFunc) (*cachedAnswer, error) {
	res := c.Response()
	real := res.Writer
	rec := &recorder{header: res.Header().Clone()}
	res.Writer = rec
	c.Set(skipGzipKey, true)
	err := next(c)
	// Middleware that wraps the writer (the sessions) leaves its own Response on c: the
	// answer goes out through the original one.
	c.SetResponse(res)
	res.Writer = real
	c.Set(skipGzipKey, false)
	if err != nil {
		res.Committed, res.Status, res.Size = false, 0, 0
		return nil, err // the error handler answers it, for this request
	}
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	if status != http.StatusOK || rec.header.Get(echo.HeaderSetCookie) != "" || rec.body.Len() > publicMaxBody {
		// Not to be shared: pass it on to this request as recorded.
		for k, v := range rec.header {
			res.Header()[k] = v
		}
		res.Committed, res.Status, res.Size = false, 0, 0
		res.WriteHeader(status)
		_, _ = res.Write(rec.body.Bytes())
		return nil, notCacheable{status}
	}
	res.Committed, res.Status, res.Size = false, 0, 0
	body := rec.body.Bytes()
	sum := sha256.Sum256(body)
	a := &cachedAnswer{contentType: rec.header.Get(echo.HeaderContentType), body: body,
		etag: `W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
	if len(body) >= 1024 {
		var gz bytes.Buffer
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
		_, _ = w.Write(body)
		if w.Close() == nil && gz.Len() < len(body) {
			a.gz = gz.Bytes()
		}
	}
	return a, nil
}

// write sends a cached answer, or 304 to a browser that holds it.
func (a *cachedAnswer) write(c echo.Context) error {
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, publicCacheControl)
	h.Set("ETag", a.etag)
	h.Add(echo.HeaderVary, "Accept-Encoding, Accept-Language, Cookie")
	if etagMatches(c.Request().Header.Get("If-None-Match"), a.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	if a.gz != nil && acceptsGzip(c.Request()) {
		h.Set(echo.HeaderContentEncoding, "gzip")
		return c.Blob(http.StatusOK, a.contentType, a.gz)
	}
	return c.Blob(http.StatusOK, a.contentType, a.body)
}

// etagMatches is If-None-Match's weak comparison (RFC 9110 §13.1.2).
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip (with a q above 0).
func acceptsGzip(req *http.Request) bool {
	for _, part := range strings.Split(req.Header.Get(echo.HeaderAcceptEncoding), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}
