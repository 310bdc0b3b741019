package faults

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/store"
)

// testDatabase creates an empty database of its own on the cluster of TEST_DATABASE_URL and
// returns its URL; it is dropped when the test ends. Without TEST_DATABASE_URL the test is
// skipped, except in CI (CI=true), where it fails: the fault tests must run there.
func testDatabase(t *testing.T) string {
	t.Helper()
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but TEST_DATABASE_URL is not set: the fault tests need PostgreSQL")
		}
		t.Skip("TEST_DATABASE_URL is not set: the fault tests need PostgreSQL")
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL %q: %v", admin, err)
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name := "gopy_faults_" + hex.EncodeToString(suffix)
	adminExec := func(query string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		st, err := store.Open(ctx, admin)
		if err != nil {
			return err
		}
		defer st.Close()
		_, err = st.SQLDB().ExecContext(ctx, query)
		return err
	}
	if err := adminExec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		// FORCE ends the sessions a killed server may have left behind.
		if err := adminExec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// prepare migrates a database and loads the demo data, whose consultation takes opinions,
// with the command line an operator would use; it returns the environment of the server.
func prepare(t *testing.T, dbURL string, extra ...string) []string {
	t.Helper()
	env := baseEnv(dbURL, extra...)
	runCLI(t, env, "", "migrate")
	runCLI(t, env, "", "demo")
	return env
}

// waitAcked waits until the load has n submissions answered 201.
func waitAcked(t *testing.T, l *load, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for len(l.acked()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d opinions stored within %v: %v %v", n, within, l.statuses(), l.errorsOf(5))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkStored fails unless every key of want is stored exactly once, under the tracking
// code its client was given, and no idempotency key at all is stored twice.
func checkStored(t *testing.T, stored map[string][]string, want map[string]string) {
	t.Helper()
	var bad []string
	for key, code := range want {
		if got := stored[key]; len(got) != 1 || got[0] != code {
			bad = append(bad, fmt.Sprintf("%s stored as %v, want exactly [%s]", key, got, code))
		}
	}
	for key, codes := range stored {
		if key != "" && len(codes) > 1 {
			bad = append(bad, fmt.Sprintf("%s stored %d times: %v", key, len(codes), codes))
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d of %d acknowledged submissions are not stored exactly once, e.g.:\n%s",
			len(bad), len(want), strings.Join(bad[:min(len(bad), 10)], "\n"))
	}
}

// faultKeys counts the stored opinions that some test client sent.
func faultKeys(stored map[string][]string) int {
	n := 0
	for key, codes := range stored {
		if strings.HasPrefix(key, "fault-") {
			n += len(codes)
		}
	}
	return n
}

// resubmit sends each submission again under its idempotency key, as a client does when an
// answer never came, and returns key → tracking code. Each must now be answered 201.
func resubmit(t *testing.T, base string, consultation int64, subs []submission) map[string]string {
	t.Helper()
	hc := &http.Client{Timeout: 15 * time.Second}
	defer hc.CloseIdleConnections()
	out := map[string]string{}
	for _, s := range subs {
		o := post(hc, base, consultation, s)
		if o.Status != http.StatusCreated {
			t.Fatalf("resubmitting %s: status %d (%v), want 201", s.Key, o.Status, o.Err)
		}
		out[s.Key] = o.Code
	}
	return out
}

// onlyStatuses fails when the load got an answer or a failure outside allowed.
func onlyStatuses(t *testing.T, l *load, allowed ...string) map[string]int {
	t.Helper()
	got := l.statuses()
	for k, n := range got {
		found := false
		for _, a := range allowed {
			found = found || k == a
		}
		if !found {
			t.Errorf("%d requests ended as %q; only %v are acceptable here (all: %v; errors: %v)",
				n, k, allowed, got, l.errorsOf(5))
		}
	}
	return got
}

// TestKill9MidWriteLoad kills the server with SIGKILL while several clients post opinions:
// every opinion a client was told is stored must be stored, once, and the submissions that
// got no answer, resubmitted with their key after a restart, must be stored at most once.
func TestKill9MidWriteLoad(t *testing.T) {
	db := testDatabase(t)
	env := prepare(t, db)
	srv := startServer(t, env)
	cid := openConsultation(t, srv.Base)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, wait := runLoad(ctx, srv.Base, cid, 8, 0)
	waitAcked(t, l, 150, 30*time.Second)
	srv.signal(syscall.SIGKILL)
	cancel() // no new submission after the kill; the ones in flight lose their server
	if code := srv.wait(10 * time.Second); code != -1 {
		t.Fatalf("after SIGKILL the exit code is %d, want -1 (killed)", code)
	}
	wait()
	st := onlyStatuses(t, l, "201", "lost", "refused")
	acked, unanswered := l.acked(), l.unanswered()
	t.Logf("before the kill: %v; %d without an answer", st, len(unanswered))

	// What the dead server acknowledged is in the database, once, under the code it gave.
	before := storedOpinions(t, db, cid)
	checkStored(t, before, acked)
	// A submission cut off mid-flight was either committed or not: never twice.
	if n := faultKeys(before); n < len(acked) || n > len(acked)+len(unanswered) {
		t.Errorf("%d test opinions stored, want between %d (acknowledged) and %d (sent)", n, len(acked), len(acked)+len(unanswered))
	} else {
		t.Logf("%d submissions committed whose answer the kill cut off", n-len(acked))
	}

	// The same database, a new process: the clients retry what got no answer.
	srv2 := startServer(t, env)
	retried := resubmit(t, srv2.Base, cid, unanswered)
	for key, code := range retried {
		if prev := before[key]; len(prev) == 1 && prev[0] != code {
			t.Errorf("%s: committed before the kill as %s, the retry answered %s", key, prev[0], code)
		}
	}
	after := storedOpinions(t, db, cid)
	checkStored(t, after, acked)
	checkStored(t, after, retried)
	if n := faultKeys(after); n != len(acked)+len(unanswered) {
		t.Errorf("%d test opinions stored after the retries, want %d: one per submission", n, len(acked)+len(unanswered))
	}
}

// errorReply is what a probe got back.
type errorReply struct {
	Status     int
	RetryAfter string
	JSON       bool
	Code       string // error.code of a JSON error body
	Err        error
}

// probe sends one request and reads an error body if there is one.
func probe(c *http.Client, method, target string, body []byte, key string) errorReply {
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		return errorReply{Err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := c.Do(req)
	if err != nil {
		return errorReply{Err: err}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := errorReply{Status: res.StatusCode, RetryAfter: res.Header.Get("Retry-After")}
	var v struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	r.JSON = strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") && json.Unmarshal(raw, &v) == nil
	r.Code = v.Error.Code
	return r
}

// TestPostgresRestartDuringLoad stops PostgreSQL under a write load. While it is down the
// server must say so (503, a JSON error, Retry-After) rather than fail (500) or die, keep
// answering /healthz, and take opinions again within seconds of PostgreSQL's return,
// without a restart of its own.
func TestPostgresRestartDuringLoad(t *testing.T) {
	pg := startCluster(t)
	env := prepare(t, pg.URL)
	srv := startServer(t, env)
	cid := openConsultation(t, srv.Base)
	opinions := fmt.Sprintf("%s/api/v1/consultations/%d/opinions", srv.Base, cid)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, wait := runLoad(ctx, srv.Base, cid, 4, 20*time.Millisecond)
	waitAcked(t, l, 40, 30*time.Second)

	pg.stop()
	down := time.Now()
	hc := &http.Client{Timeout: 10 * time.Second}
	var probes []submission // the probes answered 503, retried at the end
	for i := 0; time.Since(down) < 3*time.Second; i++ {
		s := newSubmission(90, i)
		w := probe(hc, http.MethodPost, opinions, s.Body, s.Key)
		if w.Status != http.StatusServiceUnavailable || !w.JSON || w.Code != "unavailable" || w.RetryAfter == "" {
			t.Fatalf("POST an opinion while PostgreSQL is down: %+v, want 503 with a JSON error \"unavailable\" and Retry-After", w)
		}
		probes = append(probes, s)
		if w := probe(hc, http.MethodGet, srv.Base+"/readyz", nil, ""); w.Status != http.StatusServiceUnavailable || !w.JSON || w.RetryAfter == "" {
			t.Fatalf("GET /readyz while PostgreSQL is down: %+v, want 503 in JSON with Retry-After", w)
		}
		if w := probe(hc, http.MethodGet, srv.Base+"/healthz", nil, ""); w.Status != http.StatusOK {
			t.Fatalf("GET /healthz while PostgreSQL is down: %+v, want 200: the process runs", w)
		}
		if !srv.running() {
			t.Fatalf("gopy serve exited while PostgreSQL was down: %v", srv.exit)
		}
		time.Sleep(100 * time.Millisecond)
	}

	pg.start()
	up := time.Now()
	for i := 0; ; i++ {
		s := newSubmission(91, i)
		w := probe(hc, http.MethodPost, opinions, s.Body, s.Key)
		if w.Status == http.StatusCreated {
			t.Logf("PostgreSQL down for %v; the server took opinions again %v after it came back",
				up.Sub(down).Round(time.Millisecond), time.Since(up).Round(time.Millisecond))
			break
		}
		if w.Status != http.StatusServiceUnavailable {
			t.Fatalf("POST an opinion as PostgreSQL comes back: %+v, want 201 or 503", w)
		}
		probes = append(probes, s)
		if time.Since(up) > 5*time.Second {
			t.Fatalf("no opinion stored within 5s of PostgreSQL's return: %+v", w)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if w := probe(hc, http.MethodGet, srv.Base+"/readyz", nil, ""); w.Status != http.StatusOK {
		t.Errorf("GET /readyz after PostgreSQL came back: %+v, want 200", w)
	}
	time.Sleep(500 * time.Millisecond) // the load runs on the recovered database a while
	cancel()
	wait()

	if !srv.running() {
		t.Fatalf("gopy serve exited: %v", srv.exit)
	}
	st := onlyStatuses(t, l, "201", "503")
	t.Logf("load: %v", st)
	if st["503"] == 0 {
		t.Errorf("the load never saw the outage: %v", st)
	}
	if log := srv.out.String(); strings.Contains(strings.ToLower(log), "panic") {
		t.Errorf("the server's log mentions a panic:\n%s", tail(log, 40))
	}

	// Every 201 is stored once; a 503'd submission retried with its key is stored once too
	// (its commit may have happened before the answer was lost).
	acked := l.acked()
	var retry []submission
	l.mu.Lock()
	for k, o := range l.results {
		if o.Status == http.StatusServiceUnavailable {
			retry = append(retry, l.sent[k])
		}
	}
	l.mu.Unlock()
	retried := resubmit(t, srv.Base, cid, append(retry, probes...))
	stored := storedOpinions(t, pg.URL, cid)
	checkStored(t, stored, acked)
	checkStored(t, stored, retried)
}

// TestIdempotentRetriesFromManyClients sends one submission from many clients at once, each
// on its own connection, under the same idempotency key: one opinion is stored, and every
// client gets the same 201 with the same tracking code (API.md).
func TestIdempotentRetriesFromManyClients(t *testing.T) {
	db := testDatabase(t)
	env := prepare(t, db)
	srv := startServer(t, env)
	cid := openConsultation(t, srv.Base)

	const rounds, clients = 5, 24
	want := map[string]string{}
	for r := range rounds {
		s := newSubmission(80, r)
		start := make(chan struct{})
		out := make([]outcome, clients)
		var wg sync.WaitGroup
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				hc := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{}}
				defer hc.CloseIdleConnections()
				<-start
				out[i] = post(hc, srv.Base, cid, s)
			}()
		}
		close(start)
		wg.Wait()
		codes := map[string]int{}
		for i, o := range out {
			if o.Status != http.StatusCreated {
				t.Errorf("round %d, client %d: status %d (%v), want 201", r, i, o.Status, o.Err)
				continue
			}
			codes[o.Code]++
		}
		if len(codes) != 1 {
			t.Fatalf("round %d: %d clients sending one submission got %d tracking codes: %v", r, clients, len(codes), codes)
		}
		for code := range codes {
			want[s.Key] = code
		}
	}
	stored := storedOpinions(t, db, cid)
	checkStored(t, stored, want)
	if n := faultKeys(stored); n != rounds {
		t.Errorf("%d opinions stored for %d submissions", n, rounds)
	}
}

// TestGracefulShutdownUnderLoad sends SIGTERM while clients post opinions and one request
// is half sent: the listener closes at once (new connections are refused, not answered with
// an error), the request in flight is finished and answered, the process exits 0 within
// SHUTDOWN_TIMEOUT, and every opinion answered 201 is stored.
func TestGracefulShutdownUnderLoad(t *testing.T) {
	const shutdownTimeout = 10 * time.Second
	db := testDatabase(t)
	env := prepare(t, db, fmt.Sprintf("SHUTDOWN_TIMEOUT=%v", shutdownTimeout))
	srv := startServer(t, env)
	cid := openConsultation(t, srv.Base)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, wait := runLoad(ctx, srv.Base, cid, 6, 0)
	waitAcked(t, l, 100, 30*time.Second)

	// A request inside its handler: headers sent, the server asked for the body (100
	// Continue), the body not yet sent.
	slow := newSubmission(70, 0)
	conn, err := net.DialTimeout("tcp", srv.Addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(shutdownTimeout + 10*time.Second))
	fmt.Fprintf(conn, "POST /api/v1/consultations/%d/opinions HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"Idempotency-Key: %s\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", cid, srv.Addr, slow.Key, len(slow.Body))
	br := bufio.NewReader(conn)
	if code, err := readStatusLine(br); err != nil || code != http.StatusContinue {
		t.Fatalf("the half-sent request: status %d (%v), want 100 Continue", code, err)
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "\r\n" {
			break
		}
	}

	srv.signal(syscall.SIGTERM)
	term := time.Now()
	// The clients finish the requests they have in flight and send no more: past this point
	// every new one would only be refused, which the checks below try themselves.
	cancel()

	// The listener closes at once: a new connection is refused, not accepted and dropped.
	for {
		c, err := net.DialTimeout("tcp", srv.Addr, time.Second)
		if errors.Is(err, syscall.ECONNREFUSED) {
			break
		}
		if err == nil {
			c.Close()
		} else if !refused(err) { // a reset one was in the backlog as the listener closed
			t.Fatalf("connecting after SIGTERM: %v, want connection refused", err)
		}
		if time.Since(term) > 2*time.Second {
			t.Fatalf("still accepting connections %v after SIGTERM", time.Since(term))
		}
		time.Sleep(10 * time.Millisecond)
	}
	fresh := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}
	if o := post(fresh, srv.Base, cid, newSubmission(71, 0)); o.Status != 0 || !refused(o.Err) {
		t.Errorf("a new client after SIGTERM: status %d (%v), want connection refused", o.Status, o.Err)
	}
	if !srv.running() {
		t.Fatalf("the server exited with a request in flight: %v", srv.exit)
	}

	// The request in flight finishes and is answered.
	time.Sleep(300 * time.Millisecond)
	if _, err := conn.Write(slow.Body); err != nil {
		t.Fatalf("send the body of the request in flight: %v", err)
	}
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var receipt struct {
		TrackingCode string `json:"tracking_code"`
	}
	if res.StatusCode != http.StatusCreated || json.Unmarshal(raw, &receipt) != nil || receipt.TrackingCode == "" {
		t.Fatalf("the request in flight: %d %s, want 201 with a tracking code", res.StatusCode, raw)
	}
	conn.Close()

	if code := srv.wait(shutdownTimeout + 5*time.Second); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	if took := time.Since(term); took > shutdownTimeout {
		t.Errorf("the server took %v to exit, more than SHUTDOWN_TIMEOUT %v", took, shutdownTimeout)
	} else {
		t.Logf("exited %v after SIGTERM", took.Round(time.Millisecond))
	}
	wait()

	// The clients saw answers or refused connections, never a 5xx nor a connection cut
	// under a request.
	st := onlyStatuses(t, l, "201", "refused")
	t.Logf("load: %v", st)
	acked := l.acked()
	acked[slow.Key] = receipt.TrackingCode
	checkStored(t, storedOpinions(t, db, cid), acked)
}

// TestSlowlorisDoesNotExhaust opens many connections that send their headers a byte at a
// time and never finish them: the server closes each once HTTP_READ_HEADER_TIMEOUT has
// passed, and meanwhile answers ordinary requests quickly.
func TestSlowlorisDoesNotExhaust(t *testing.T) {
	const (
		headerTimeout = time.Second
		slowConns     = 200
	)
	db := testDatabase(t)
	env := prepare(t, db, fmt.Sprintf("HTTP_READ_HEADER_TIMEOUT=%v", headerTimeout))
	srv := startServer(t, env)
	cid := openConsultation(t, srv.Base)

	type closed struct {
		after time.Duration
		err   error // how the connection ended; a read timeout means it was never closed
	}
	results := make(chan closed, slowConns)
	stop := make(chan struct{})
	defer close(stop)
	for range slowConns {
		c, err := net.DialTimeout("tcp", srv.Addr, 5*time.Second)
		if err != nil {
			t.Fatalf("open a slow connection: %v", err)
		}
		opened := time.Now()
		go func() { // the writer; the reader below closes the connection
			if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: "+srv.Addr+"\r\nX-Slow: "); err != nil {
				return
			}
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
				if _, err := c.Write([]byte("a")); err != nil {
					return
				}
			}
		}()
		go func() {
			defer c.Close()
			_ = c.SetReadDeadline(opened.Add(headerTimeout + 10*time.Second))
			buf := make([]byte, 512)
			n, err := c.Read(buf)
			if n > 0 {
				err = fmt.Errorf("answered %q", buf[:n])
			}
			results <- closed{after: time.Since(opened), err: err}
		}()
	}

	// Ordinary visitors, each on a new connection, while the slow ones hold theirs.
	var latencies []time.Duration
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var got []closed
	deadline := time.Now().Add(headerTimeout + 12*time.Second)
	for len(got) < slowConns && time.Now().Before(deadline) {
		for _, path := range []string{"/healthz", fmt.Sprintf("/api/v1/consultations/%d", cid)} {
			start := time.Now()
			res, err := hc.Get(srv.Base + path)
			if err != nil {
				t.Fatalf("GET %s beside %d slow connections: %v", path, slowConns, err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s beside %d slow connections: %d", path, slowConns, res.StatusCode)
			}
			latencies = append(latencies, time.Since(start))
		}
	drain:
		for {
			select {
			case c := <-results:
				got = append(got, c)
			case <-time.After(50 * time.Millisecond):
				break drain
			}
		}
	}

	var early, late, open []string
	var slowest time.Duration
	for _, c := range got {
		slowest = max(slowest, c.after)
		var ne net.Error
		switch {
		case errors.As(c.err, &ne) && ne.Timeout():
			open = append(open, c.err.Error())
		case !errors.Is(c.err, io.EOF) && !errors.Is(c.err, syscall.ECONNRESET):
			late = append(late, fmt.Sprintf("ended by %v after %v", c.err, c.after))
		case c.after < headerTimeout*9/10:
			early = append(early, fmt.Sprintf("closed after %v", c.after))
		case c.after > headerTimeout+5*time.Second:
			late = append(late, fmt.Sprintf("closed after %v", c.after))
		}
	}
	if len(got) < slowConns || len(open) > 0 {
		t.Errorf("%d of %d slow connections still open long after the %v header timeout", slowConns-len(got)+len(open), slowConns, headerTimeout)
	}
	if len(early) > 0 {
		t.Errorf("%d slow connections closed before the header timeout, e.g. %s", len(early), early[0])
	}
	if len(late) > 0 {
		t.Errorf("%d slow connections not closed as expected, e.g. %s", len(late), late[0])
	}
	p50, p95 := percentile(latencies, 50), percentile(latencies, 95)
	t.Logf("%d slow connections closed, the last after %v; %d ordinary requests meanwhile: p50 %v, p95 %v, max %v",
		len(got), slowest.Round(time.Millisecond), len(latencies), p50, p95, percentile(latencies, 100))
	if p95 > time.Second {
		t.Errorf("ordinary requests slowed down beside slow connections: p95 %v, want under 1s", p95)
	}
	if !srv.running() {
		t.Fatalf("gopy serve exited: %v", srv.exit)
	}
}
