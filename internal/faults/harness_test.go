package faults

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/store"
)

// The binary is built once per test run: every test starts, kills and restarts it, and
// building it each time would cost more than the tests themselves.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// gopyBinary returns the path of the real command, built from this checkout.
func gopyBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "gopy-faults-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "gopy")
		start := time.Now()
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/gopy-vn/gopy/cmd/gopy").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build ./cmd/gopy: %v\n%s", err, out)
			return
		}
		t.Logf("built %s in %v", binPath, time.Since(start).Round(time.Millisecond))
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// syncBuffer collects a child's output while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("… (%d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// baseEnv is the environment of every child: the test's own, a database, quiet text logs,
// and an opinion limit no load test reaches (every client here shares 127.0.0.1).
func baseEnv(dbURL string, extra ...string) []string {
	env := append(os.Environ(),
		"DATABASE_URL="+dbURL,
		"LOG_FORMAT=text",
		"OPINIONS_PER_HOUR=100000000",
		"SMTP_ADDR=",
	)
	return append(env, extra...)
}

// runCLI runs a gopy subcommand to completion and returns its standard output.
func runCLI(t *testing.T, env []string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(gopyBinary(t), args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("gopy %s: %v\n%s", strings.Join(args, " "), err, tail(stderr.String(), 30))
	}
	return stdout.String()
}

// server is one run of `gopy serve` as a child process.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	Addr string // 127.0.0.1:port
	Base string // http://127.0.0.1:port
	out  *syncBuffer
	done chan struct{} // closed when the process has exited
	exit error         // what Wait returned, once done is closed
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServer starts `gopy serve` with env on a free loopback port and waits until it answers
// /healthz. It is killed, if still running, when the test ends; its log is shown if the
// test failed.
func startServer(t *testing.T, env []string) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{t: t, Addr: addr, Base: "http://" + addr, out: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(gopyBinary(t), "serve")
	s.cmd.Env = append(slices.Clone(env), "ADDR="+addr, "BASE_URL=http://"+addr)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start gopy serve: %v", err)
	}
	go func() {
		s.exit = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		if s.running() {
			_ = s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			t.Logf("server %s (pid %d) log:\n%s", addr, s.cmd.Process.Pid, tail(s.out.String(), 40))
		}
	})
	s.waitHealthy(30 * time.Second)
	return s
}

func (s *server) running() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// waitHealthy waits for /healthz to answer 200.
func (s *server) waitHealthy(within time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(within)
	c := &http.Client{Timeout: time.Second}
	for {
		if !s.running() {
			s.t.Fatalf("gopy serve exited before answering (%v):\n%s", s.exit, tail(s.out.String(), 40))
		}
		if res, err := c.Get(s.Base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("gopy serve did not answer /healthz within %v:\n%s", within, tail(s.out.String(), 40))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// signal sends sig to the process.
func (s *server) signal(sig os.Signal) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("signal %v: %v", sig, err)
	}
}

// wait waits for the process to exit and returns its exit code (-1 when killed by a signal).
func (s *server) wait(within time.Duration) int {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(within):
		s.t.Fatalf("gopy serve did not exit within %v:\n%s", within, tail(s.out.String(), 40))
	}
	var ee *exec.ExitError
	if errors.As(s.exit, &ee) {
		return ee.ExitCode()
	}
	if s.exit != nil {
		s.t.Fatalf("wait: %v", s.exit)
	}
	return 0
}

// kill9 kills the process with SIGKILL, as the kernel's OOM killer or a power cut would:
// no deferred function, no shutdown hook runs.
func (s *server) kill9() {
	s.t.Helper()
	s.signal(syscall.SIGKILL)
	if code := s.wait(10 * time.Second); code != -1 {
		s.t.Fatalf("after SIGKILL the exit code is %d, want -1 (killed)", code)
	}
}

// getJSON fetches a path and decodes a JSON answer, requiring the status want.
func getJSON[T any](t *testing.T, base, path string, want int) T {
	t.Helper()
	var v T
	res, err := (&http.Client{Timeout: 10 * time.Second}).Get(base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("GET %s: %d %s, want %d", path, res.StatusCode, raw, want)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, raw)
	}
	return v
}

// openConsultation returns the id of a consultation that takes opinions (the demo's).
func openConsultation(t *testing.T, base string) int64 {
	t.Helper()
	list := getJSON[struct {
		Items []struct {
			ID    int64  `json:"id"`
			Phase string `json:"phase"`
		} `json:"items"`
	}](t, base, "/api/v1/consultations", http.StatusOK)
	for _, c := range list.Items {
		if c.Phase == "open" {
			return c.ID
		}
	}
	t.Fatalf("no open consultation among %+v", list.Items)
	return 0
}

// submission is one opinion a client sends, with the idempotency key a retry reuses.
type submission struct {
	Key  string
	Body []byte
}

func newSubmission(client, n int) submission {
	key := fmt.Sprintf("fault-c%02d-%06d", client, n)
	body, _ := json.Marshal(map[string]any{
		"stance": []string{"agree", "disagree", "other"}[n%3],
		"body":   fmt.Sprintf("Ý kiến thử số %d của máy %d: đề nghị làm đường bê tông liên thôn.", n, client),
	})
	return submission{Key: key, Body: body}
}

// outcome is what one submission got back.
type outcome struct {
	Status int    // 0 when no answer came
	Code   string // the tracking code of a 201
	Err    error  // the transport error when no answer came
	At     time.Time
}

// post sends one submission.
func post(c *http.Client, base string, consultation int64, s submission) outcome {
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/consultations/%d/opinions", base, consultation), bytes.NewReader(s.Body))
	if err != nil {
		return outcome{Err: err, At: time.Now()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", s.Key)
	res, err := c.Do(req)
	if err != nil {
		return outcome{Err: err, At: time.Now()}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	o := outcome{Status: res.StatusCode, At: time.Now()}
	if err != nil {
		// A status line with a cut-off body is no answer either.
		return outcome{Err: fmt.Errorf("status %d, body cut off: %w", res.StatusCode, err), At: o.At}
	}
	if res.StatusCode == http.StatusCreated {
		var r struct {
			TrackingCode string `json:"tracking_code"`
		}
		if err := json.Unmarshal(raw, &r); err != nil || r.TrackingCode == "" {
			return outcome{Err: fmt.Errorf("201 without a tracking code: %s", raw), At: o.At}
		}
		o.Code = r.TrackingCode
	}
	return o
}

// refused reports a connection the server never accepted: nothing was sent. A connection
// still waiting in the listener's backlog when the listener closes is reset rather than
// refused, but it never reached the server either.
func refused(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial" && errors.Is(err, syscall.ECONNRESET)
}

// load is a set of clients posting opinions as fast as the server answers.
type load struct {
	mu      sync.Mutex
	results map[string]outcome    // by idempotency key
	sent    map[string]submission // every submission made, by key
}

// runLoad starts clients posting to consultation until ctx ends, each waiting pause between
// requests; wait blocks until every client has finished its last request.
func runLoad(ctx context.Context, base string, consultation int64, clients int, pause time.Duration) (l *load, wait func()) {
	l = &load{results: map[string]outcome{}, sent: map[string]submission{}}
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			defer hc.CloseIdleConnections()
			for n := 0; ctx.Err() == nil; n++ {
				s := newSubmission(c, n)
				l.mu.Lock()
				l.sent[s.Key] = s
				l.mu.Unlock()
				o := post(hc, base, consultation, s)
				l.mu.Lock()
				l.results[s.Key] = o
				l.mu.Unlock()
				if pause > 0 {
					select {
					case <-ctx.Done():
					case <-time.After(pause):
					}
				}
			}
		}()
	}
	return l, wg.Wait
}

// acked returns key → tracking code of every 201.
func (l *load) acked() map[string]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]string{}
	for k, o := range l.results {
		if o.Status == http.StatusCreated {
			out[k] = o.Code
		}
	}
	return out
}

// statuses counts the answers by status; "refused" and "lost" count the requests that got
// none, before and after the server accepted the connection.
func (l *load) statuses() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for _, o := range l.results {
		switch {
		case o.Status != 0:
			out[strconv.Itoa(o.Status)]++
		case refused(o.Err):
			out["refused"]++
		default:
			out["lost"]++
		}
	}
	return out
}

// unanswered returns the submissions that got no answer, sorted by key.
func (l *load) unanswered() []submission {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []submission
	for k, o := range l.results {
		if o.Status == 0 {
			out = append(out, l.sent[k])
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// errorsOf returns a few of the transport errors, for a failure message.
func (l *load) errorsOf(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for k, o := range l.results {
		if o.Err != nil && len(out) < n {
			out = append(out, k+": "+o.Err.Error())
		}
	}
	return out
}

// storedOpinions reads, straight from the database, idempotency key → tracking codes of the
// opinions on a consultation: the check does not trust the server it checks.
func storedOpinions(t *testing.T, dbURL string, consultation int64) map[string][]string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("open the database to check it: %v", err)
	}
	defer st.Close()
	rows, err := st.SQLDB().QueryContext(ctx, fmt.Sprintf(
		"SELECT COALESCE(idempotency_key, ''), tracking_code FROM opinions WHERE consultation_id = %d", consultation))
	if err != nil {
		t.Fatalf("read opinions: %v", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var key, code string
		if err := rows.Scan(&key, &code); err != nil {
			t.Fatal(err)
		}
		out[key] = append(out[key], code)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// --- a PostgreSQL cluster of the test's own -----------------------------------------------

// pgCluster is a throwaway PostgreSQL started by .ci/pg-start for one test, so that
// stopping it disturbs no other test.
type pgCluster struct {
	t     *testing.T
	dir   string // holds data/, sock/, server.log, port
	URL   string
	port  string
	bin   string // the folder of pg_ctl
	owner string // the user the cluster runs as, when the test runs as root
}

// pgBin finds the folder of initdb and pg_ctl as .ci/pg-start does: PATH first, then the
// newest /usr/lib/postgresql/*/bin.
func pgBin() string {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "initdb")); err == nil {
			return filepath.Dir(p)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d
		}
	}
	return ""
}

// startCluster starts a cluster of the test's own. Outside CI the test is skipped when no
// PostgreSQL binaries are installed; in CI pg-start installs them, and any failure fails.
func startCluster(t *testing.T) *pgCluster {
	t.Helper()
	if pgBin() == "" && os.Getenv("CI") != "true" {
		t.Skip("no PostgreSQL binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql: install postgresql to run this test")
	}
	script, err := filepath.Abs(filepath.Join("..", "..", ".ci", "pg-start"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script, "start")
	// Away from the port range of the suite's own cluster, so the two never race for one.
	cmd.Env = append(os.Environ(), "GOPY_PG_PORT=56432")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pg-start: %v\n%s", err, tail(stderr.String(), 30))
	}
	c := &pgCluster{t: t}
	for _, line := range strings.Split(stdout.String(), "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, "'")
		switch k {
		case "TEST_DATABASE_URL":
			c.URL = v
		case "GOPY_PG_DIR":
			c.dir = v
		}
	}
	if c.URL == "" || c.dir == "" {
		t.Fatalf("pg-start printed no URL or folder:\n%s", stdout.String())
	}
	t.Cleanup(func() {
		if out, err := exec.Command("bash", script, "stop", c.dir).CombinedOutput(); err != nil {
			t.Errorf("pg-start stop: %v\n%s", err, out)
		}
	})
	port, err := os.ReadFile(filepath.Join(c.dir, "port"))
	if err != nil {
		t.Fatal(err)
	}
	c.port = strings.TrimSpace(string(port))
	if c.bin = pgBin(); c.bin == "" {
		t.Fatal("pg-start ran but pg_ctl is still not found")
	}
	if os.Geteuid() == 0 {
		fi, err := os.Stat(filepath.Join(c.dir, "data"))
		if err != nil {
			t.Fatal(err)
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
			u, err := user.LookupId(strconv.Itoa(int(st.Uid)))
			if err != nil {
				t.Fatal(err)
			}
			c.owner = u.Username
		}
	}
	return c
}

// ctl runs pg_ctl on the cluster as its owner.
func (c *pgCluster) ctl(args ...string) {
	c.t.Helper()
	name, all := filepath.Join(c.bin, "pg_ctl"), append([]string{"-D", filepath.Join(c.dir, "data")}, args...)
	if c.owner != "" {
		name, all = "runuser", append([]string{"-u", c.owner, "--", name}, all...)
	}
	cmd := exec.Command(name, all...)
	cmd.Dir = "/" // the owner must be able to enter the working directory
	if out, err := cmd.CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		c.t.Fatalf("pg_ctl %s: %v\n%s\nserver log:\n%s", strings.Join(args, " "), err, out, tail(string(log), 20))
	}
}

// stop shuts PostgreSQL down the way an operator restarting it would: fast mode ends every
// session at once.
func (c *pgCluster) stop() { c.ctl("-m", "fast", "-w", "-t", "30", "stop") }

// start starts it again on the same port, socket folder and settings as pg-start did.
func (c *pgCluster) start() {
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %s -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
		c.port, filepath.Join(c.dir, "sock"))
	c.ctl("-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "30", "-o", opts, "start")
}

// --- raw connections ----------------------------------------------------------------------

// readStatusLine reads the first line of an HTTP answer.
func readStatusLine(r *bufio.Reader) (int, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return 0, err
	}
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
		return 0, fmt.Errorf("not a status line: %q", line)
	}
	return strconv.Atoi(f[1])
}

// percentile returns the p-th percentile (0–100) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}
