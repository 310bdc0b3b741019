package faults

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Several instances of `gopy serve` on one PostgreSQL database behind a real HAProxy, as
// docs/scaling.md describes. startTrio starts them; a test talks to the balancer like a
// resident's browser, or to one chosen instance directly.

// trio is three instances of the portal on one database behind a balancer.
type trio struct {
	DB        string        // the database URL the instances share
	Env       []string      // the instances' environment (without ADDR and BASE_URL)
	Instances []*server     // each instance; Instances[i].Base talks to it directly
	Balancer  string        // http://127.0.0.1:port of HAProxy in front of all three
	stats     string        // HAProxy's statistics, as CSV
	Logins    []demoLogin   // the demo's staff accounts and passwords
	haproxy   *exec.Cmd     // the balancer's process
	haproxyCh chan struct{} // closed when the balancer has exited
}

// URLs returns the instances' base URLs, in order.
func (tr *trio) URLs() []string {
	out := make([]string, len(tr.Instances))
	for i, s := range tr.Instances {
		out[i] = s.Base
	}
	return out
}

// haproxyBinary finds HAProxy (Debian's package installs it in /usr/sbin, often not on a
// user's PATH). Outside CI the test is skipped without it; in CI (.ci/run installs it) a
// missing HAProxy fails the test.
func haproxyBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("haproxy"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/haproxy"); err == nil {
		return "/usr/sbin/haproxy"
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but haproxy is not installed: .ci/run installs it (apt-get install haproxy)")
	}
	t.Skip("haproxy is not installed (apt-get install haproxy): the multi-instance tests need a real load balancer")
	return ""
}

// haproxyConfig is the balancer's configuration, the one docs/scaling.md gives: round robin
// over the instances, each checked on /readyz every 500 ms and taken out after two failures;
// a request whose server refused the connection, or closed it without an answer, is sent
// again (retries) to another server (redispatch). Sending a POST again is safe only because
// an opinion carries an idempotency key: the second server finds the first opinion if the
// first server committed it before dying.
func haproxyConfig(listen, stats string, servers []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `global
    maxconn 256

defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout
    option forwardfor

frontend portal
    bind %s
    default_backend gopy

frontend stats
    bind %s
    stats enable
    stats uri /stats

backend gopy
    balance roundrobin
    option httpchk
    http-check send meth GET uri /readyz
    http-check expect status 200
    default-server check inter 500ms fall 2 rise 2
`, listen, stats)
	for i, s := range servers {
		fmt.Fprintf(&b, "    server gopy%d %s\n", i+1, s)
	}
	return b.String()
}

// startTrio migrates a new database, loads the demo, starts three instances of `gopy serve`
// on it with extra in their environment, and HAProxy in front of them, all on loopback and
// free ports; everything is stopped when the test ends.
func startTrio(t *testing.T, extra ...string) *trio {
	t.Helper()
	bin := haproxyBinary(t)
	tr := &trio{DB: testDatabase(t)}
	tr.Env = baseEnv(tr.DB, extra...)
	runCLI(t, tr.Env, "", "migrate")
	tr.Logins = demoLogins(t, runCLI(t, tr.Env, "", "demo"))
	var addrs []string
	for range 3 {
		s := startServer(t, tr.Env)
		tr.Instances = append(tr.Instances, s)
		addrs = append(addrs, s.Addr)
	}

	listen, stats := freeAddr(t), freeAddr(t)
	tr.Balancer, tr.stats = "http://"+listen, "http://"+stats+"/stats;csv"
	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(cfg, []byte(haproxyConfig(listen, stats, addrs)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-c", "-q", "-f", cfg).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c: %v\n%s", err, out)
	}
	out := &syncBuffer{}
	tr.haproxy = exec.Command(bin, "-db", "-f", cfg) // -db: in the foreground, a child of the test
	tr.haproxy.Stdout, tr.haproxy.Stderr = out, out
	if err := tr.haproxy.Start(); err != nil {
		t.Fatalf("start haproxy: %v", err)
	}
	tr.haproxyCh = make(chan struct{})
	go func() {
		_ = tr.haproxy.Wait()
		close(tr.haproxyCh)
	}()
	t.Cleanup(func() {
		_ = tr.haproxy.Process.Kill()
		<-tr.haproxyCh
		if t.Failed() {
			t.Logf("haproxy log:\n%s", tail(out.String(), 30))
		}
	})

	// Ready when the balancer answers through each of its servers.
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(15 * time.Second)
	for ok := 0; ok < 2*len(addrs); {
		select {
		case <-tr.haproxyCh:
			t.Fatalf("haproxy exited:\n%s", tail(out.String(), 30))
		default:
		}
		if res, err := c.Get(tr.Balancer + "/readyz"); err == nil && res.StatusCode == http.StatusOK {
			ok++
			res.Body.Close()
			continue
		} else if err == nil {
			res.Body.Close()
		}
		ok = 0
		if time.Now().After(deadline) {
			t.Fatalf("the balancer did not answer /readyz within 15 s:\n%s", tail(out.String(), 30))
		}
		time.Sleep(50 * time.Millisecond)
	}
	return tr
}

// retries reads from the balancer's statistics how many times it sent a request again
// (wretr) and how many of those went to another server (wredis).
func (tr *trio) retries(t *testing.T) (retried, redispatched int) {
	t.Helper()
	res, err := http.Get(tr.stats)
	if err != nil {
		t.Fatalf("haproxy statistics: %v", err)
	}
	defer res.Body.Close()
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("haproxy statistics: %v (%d rows)", err, len(rows))
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[strings.TrimPrefix(name, "# ")] = i
	}
	for _, r := range rows[1:] {
		if r[col["pxname"]] == "gopy" && r[col["svname"]] == "BACKEND" {
			retried, _ = strconv.Atoi(r[col["wretr"]])
			redispatched, _ = strconv.Atoi(r[col["wredis"]])
			return retried, redispatched
		}
	}
	t.Fatalf("no backend row in haproxy statistics: %v", rows)
	return 0, 0
}

// apiLogin logs in through the JSON API on base and returns the session cookie.
func apiLogin(t *testing.T, base string, l demoLogin) (status int, cookie *http.Cookie) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": l.Email, "password": l.Password})
	res, err := http.Post(base+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("login on %s: %v", base, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	for _, c := range res.Cookies() {
		if c.Value != "" {
			cookie = c
		}
	}
	return res.StatusCode, cookie
}

// staffGet fetches a staff-only path with a session cookie and returns the status.
func staffGet(t *testing.T, base, path string, cookie *http.Cookie) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s%s: %v", base, path, err)
	}
	res.Body.Close()
	return res.StatusCode
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// openForm fetches the opinion form of a consultation from base, as a resident's browser
// does, and returns its hidden fields filled in with an opinion.
func openForm(t *testing.T, base string, consultation int64, body string) url.Values {
	t.Helper()
	res, err := http.Get(fmt.Sprintf("%s/c/%d/comment", base, consultation))
	if err != nil {
		t.Fatalf("the opinion form on %s: %v", base, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the opinion form on %s: %d", base, res.StatusCode)
	}
	form := url.Values{"stance": {"agree"}, "body": {body}, "website": {""}}
	for _, m := range hiddenInput.FindAllStringSubmatch(string(raw), -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("key") == "" || form.Get("started") == "" {
		t.Fatalf("the opinion form on %s has no key or start time: %v", base, form)
	}
	return form
}

// sendForm posts an opinion form to base, as the browser sends it, and returns the status
// and the tracking code the answer leads to.
func sendForm(t *testing.T, base string, consultation int64, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/c/%d/comment", base, consultation), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := http.DefaultTransport.RoundTrip(req) // the redirect is the answer
	if err != nil {
		t.Fatalf("send the opinion form to %s: %v", base, err)
	}
	res.Body.Close()
	code, _, _ := strings.Cut(strings.TrimPrefix(res.Header.Get("Location"), "/track/"), "?")
	return res.StatusCode, code
}

// TestThreeInstancesBehindBalancer runs the portal as docs/scaling.md describes: three
// instances on one PostgreSQL behind HAProxy. A session begun on one instance is good on
// the others, and a login lockout reached on one holds on the others. Under a write load
// through the balancer one instance is killed with SIGKILL: every acknowledged opinion is
// stored exactly once, the balancer's retries on another instance store nothing twice, and
// neither does sending every submission again with its idempotency key.
func TestThreeInstancesBehindBalancer(t *testing.T) {
	tr := startTrio(t)
	urls := tr.URLs()
	cid := openConsultation(t, tr.Balancer)

	// A session begun on the first instance is good on the others: sessions live in the
	// database.
	staff, locked := tr.Logins[0], tr.Logins[1]
	status, cookie := apiLogin(t, urls[0], staff)
	if status != http.StatusOK || cookie == nil {
		t.Fatalf("login on the first instance: %d, cookie %v", status, cookie)
	}
	const staffPath = "/api/v1/moderation/queue"
	for i, u := range urls {
		if got := staffGet(t, u, staffPath, cookie); got != http.StatusOK {
			t.Errorf("the session begun on instance 1, on instance %d: %d, want 200", i+1, got)
		}
	}
	if got := staffGet(t, urls[1], staffPath, nil); got != http.StatusUnauthorized {
		t.Fatalf("%s without a session: %d, want 401", staffPath, got)
	}

	// A lockout reached on the second instance holds on the others, right password or not.
	wrong := demoLogin{Email: locked.Email, Password: locked.Password + "-sai"}
	for i := range 5 { // LOGIN_FAILURES' default
		if got, _ := apiLogin(t, urls[1], wrong); got != http.StatusUnauthorized {
			t.Fatalf("wrong password %d on instance 2: %d, want 401", i+1, got)
		}
	}
	for i, u := range urls {
		if got, _ := apiLogin(t, u, locked); got != http.StatusTooManyRequests {
			t.Errorf("after 5 wrong passwords on instance 2, the right one on instance %d: %d, want 429", i+1, got)
		}
	}
	if got, _ := apiLogin(t, urls[2], staff); got != http.StatusOK {
		t.Errorf("another account from the same address, on instance 3: %d, want 200", got)
	}

	// Forms shown by the third instance, to be sent to the others once it is dead.
	forms := []url.Values{
		openForm(t, urls[2], cid, "Ý kiến gửi qua biểu mẫu: đề nghị lắp thêm đèn đường ở ngõ 3."),
		openForm(t, urls[2], cid, "Ý kiến gửi qua biểu mẫu: đề nghị nạo vét mương trước mùa mưa."),
	}

	// Opinions through the balancer; one instance dies in the middle.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, wait := runLoad(ctx, tr.Balancer, cid, 8, 0)
	waitAcked(t, l, 300, 30*time.Second)
	killedAt := time.Now()
	tr.Instances[2].kill9()
	time.Sleep(1500 * time.Millisecond) // the load goes on through the two left
	cancel()
	wait()
	st := l.statuses()
	acked := l.acked()
	after := 0
	l.mu.Lock()
	var again []submission // every submission that got no 201
	for k, o := range l.results {
		if o.Status == http.StatusCreated && o.At.After(killedAt) {
			after++
		}
		if o.Status != http.StatusCreated {
			again = append(again, l.sent[k])
		}
	}
	all := make([]submission, 0, len(l.sent))
	for _, s := range l.sent {
		all = append(all, s)
	}
	l.mu.Unlock()
	retried, redispatched := tr.retries(t)
	t.Logf("through the balancer: %v; %d acknowledged after the kill; the balancer sent %d requests again, %d to another server",
		st, after, retried, redispatched)
	if redispatched == 0 {
		t.Error("the balancer sent no request to another server: the kill missed the load")
	}
	if after == 0 {
		t.Error("no opinion was acknowledged after the kill: the balancer did not move the load to the instances left")
	}
	// The balancer answers for the dead instance: a client sees an answer, never a dropped
	// connection, and never an error of the portal itself.
	onlyStatuses(t, l, "201", "502", "503", "504")

	before := storedOpinions(t, tr.DB, cid)
	checkStored(t, before, acked)
	if n := faultKeys(before); n < len(acked) || n > len(all) {
		t.Errorf("%d test opinions stored, want between %d (acknowledged) and %d (sent)", n, len(acked), len(all))
	}

	// The clients send again what got no 201, then everything once more, with the same keys,
	// through the balancer: each is answered with its one tracking code and stored once.
	answered := resubmit(t, tr.Balancer, cid, again)
	for key, code := range answered {
		if prev := before[key]; len(prev) == 1 && prev[0] != code {
			t.Errorf("%s: stored as %s before the retry, the retry answered %s", key, prev[0], code)
		}
	}
	maps.Copy(answered, acked)
	repeat := resubmitConcurrently(t, tr.Balancer, cid, all, 8)
	for key, code := range repeat {
		if answered[key] != code {
			t.Errorf("%s sent once more: answered %s, first answered %s", key, code, answered[key])
		}
	}
	final := storedOpinions(t, tr.DB, cid)
	checkStored(t, final, answered)
	if n := faultKeys(final); n != len(all) {
		t.Errorf("%d test opinions stored after the retries, want %d: one per submission", n, len(all))
	}
	// The forms the dead instance showed are taken by the two left, each opinion once, even
	// when a resident sends it to both (the form carries its idempotency key).
	for i, form := range forms {
		status, code := sendForm(t, urls[i], cid, form)
		again, same := sendForm(t, urls[1-i], cid, form)
		if status != http.StatusSeeOther || code == "" || again != http.StatusSeeOther || same != code {
			t.Errorf("form %d shown by the dead instance, sent to instance %d: %d %q, then to instance %d: %d %q; want 303 to one tracking page",
				i+1, i+1, status, code, 2-i, again, same)
		}
		if got := storedOpinions(t, tr.DB, cid)[form.Get("key")]; len(got) != 1 || got[0] != code {
			t.Errorf("form %d stored as %v, want exactly [%s]", i+1, got, code)
		}
	}

	t.Logf("%d submissions, %d acknowledged under load, %d sent again after it, %d sent a third time: %d stored",
		len(all), len(acked), len(again), len(all), faultKeys(final))
}

// resubmitConcurrently is resubmit with several clients at once.
func resubmitConcurrently(t *testing.T, base string, consultation int64, subs []submission, clients int) map[string]string {
	t.Helper()
	var (
		mu   sync.Mutex
		out  = map[string]string{}
		next = make(chan submission)
		wg   sync.WaitGroup
	)
	for range clients {
		wg.Go(func() {
			hc := &http.Client{Timeout: 15 * time.Second}
			defer hc.CloseIdleConnections()
			for s := range next {
				o := post(hc, base, consultation, s)
				if o.Status != http.StatusCreated {
					t.Errorf("sending %s again: status %d (%v), want 201", s.Key, o.Status, o.Err)
					continue
				}
				mu.Lock()
				out[s.Key] = o.Code
				mu.Unlock()
			}
		})
	}
	for _, s := range subs {
		next <- s
	}
	close(next)
	wg.Wait()
	return out
}
