package faults

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// loginPeakRSS bounds the server's peak resident memory through the login burst. Each
// argon2id check holds 64 MiB (auth.DefaultParams) and the app runs at most
// min(cores, 2) at once (app/passwords.go), so the checks hold at most 128 MiB; the rest is
// the garbage collector's headroom (each check's 64 MiB is garbage the moment it ends) and
// the server's own few tens of MiB. Unbounded, 100 concurrent checks would want 6.4 GiB.
const loginPeakRSS = 400 << 20

// demoLogin is a staff account the demo printed, with its password.
type demoLogin struct{ Email, Password string }

// demoLogins reads the accounts from the output of `gopy demo` ("  role  email  password").
func demoLogins(t *testing.T, out string) []demoLogin {
	t.Helper()
	var logins []demoLogin
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 3 && strings.Contains(f[1], "@") {
			logins = append(logins, demoLogin{Email: f[1], Password: f[2]})
		}
	}
	if len(logins) < 2 {
		t.Fatalf("gopy demo printed fewer than two logins:\n%s", out)
	}
	return logins
}

// procStatus reads one "Name:   N kB" line of /proc/PID/status, in bytes.
func procStatus(pid int, name string) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+":"); ok {
			if f := strings.Fields(v); len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb << 10, err
			}
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", name, pid)
}

// mustProcStatus is procStatus for the test's own goroutine.
func mustProcStatus(t *testing.T, pid int, name string) int64 {
	t.Helper()
	v, err := procStatus(pid, name)
	if err != nil {
		t.Fatalf("the server's memory: %v", err)
	}
	return v
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// loginTry is one login of the burst.
type loginTry struct {
	Email, Password, Addr string
	Form                  bool // through the login form rather than the API
	Right                 bool
}

// send makes one login and returns its status, or the error when no answer came.
func (l loginTry) send(c *http.Client, base string) (int, error) {
	var req *http.Request
	var err error
	if l.Form {
		form := url.Values{"email": {l.Email}, "password": {l.Password}}
		req, err = http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin") // as the portal's own login page
		}
	} else {
		body, _ := json.Marshal(map[string]string{"email": l.Email, "password": l.Password})
		req, err = http.NewRequest(http.MethodPost, base+"/api/v1/session", bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	if err != nil {
		return 0, err
	}
	req.Header.Set("X-Forwarded-For", l.Addr)
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return 0, fmt.Errorf("status %d, body cut off: %w", res.StatusCode, err)
	}
	return res.StatusCode, nil
}

// TestLoginBurstStaysInMemory sends 100 logins at once to the real server on PostgreSQL:
// right and wrong passwords, for the demo's accounts and for unknown ones, through the API
// and the login form, from many addresses (X-Forwarded-For through a trusted proxy) and a
// run of guesses from one. Every login must be answered (200 or 303 when right, 401 when
// wrong, 429 once the address's allowance is used, 503 when every password slot stayed
// busy for the app's wait), /healthz must keep answering during the burst and after, a
// right login must work after it, and the server's peak resident memory (VmHWM) must stay
// under loginPeakRSS. How many logins get 503 depends on how fast the machine hashes; none
// may go unanswered.
func TestLoginBurstStaysInMemory(t *testing.T) {
	db := testDatabase(t)
	env := baseEnv(db, "TRUSTED_PROXIES=127.0.0.1")
	runCLI(t, env, "", "migrate")
	logins := demoLogins(t, runCLI(t, env, "", "demo"))
	s := startServer(t, env)
	pid := s.cmd.Process.Pid
	idle := mustProcStatus(t, pid, "VmHWM")

	const total, spread, guesses = 100, 80, 20
	tries := make([]loginTry, 0, total)
	for i := range spread {
		acct := logins[i%len(logins)]
		try := loginTry{Email: acct.Email, Password: acct.Password, Addr: fmt.Sprintf("203.0.113.%d", 1+i%40),
			Form: i%4 == 1, Right: i%3 == 0}
		switch {
		case i%10 == 9:
			try.Email, try.Right = fmt.Sprintf("khong-co-%d@example.vn", i), false // the dummy check
		case !try.Right:
			try.Password = fmt.Sprintf("mat-khau-sai-%d", i)
		}
		tries = append(tries, try)
	}
	for i := range guesses {
		// One address guessing one account: past the account-and-address allowance (5 in
		// 15 minutes) the guesses are refused before any hash is computed.
		tries = append(tries, loginTry{Email: logins[0].Email, Password: fmt.Sprintf("doan-%d", i), Addr: "198.51.100.9"})
	}

	// /healthz, asked every 50 ms from before the burst until after it.
	var (
		mu        sync.Mutex
		health    = map[string]int{}
		slowest   time.Duration
		peakRSS   int64
		stopProbe = make(chan struct{})
		probeDone = make(chan struct{})
	)
	go func() {
		defer close(probeDone)
		hc := &http.Client{Timeout: 5 * time.Second}
		for {
			start := time.Now()
			res, err := hc.Get(s.Base + "/healthz")
			took := time.Since(start)
			key := "error"
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				key = strconv.Itoa(res.StatusCode)
			}
			rss, _ := procStatus(pid, "VmRSS") // 0 if unreadable; VmHWM decides below
			mu.Lock()
			health[key]++
			slowest = max(slowest, took)
			peakRSS = max(peakRSS, rss)
			mu.Unlock()
			select {
			case <-stopProbe:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()

	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: total},
		// The form's 303 is its answer: following it would end on the login form's 200.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer hc.CloseIdleConnections()
	type answer struct {
		status int
		err    error
	}
	answers := make([]answer, len(tries))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, try := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			answers[i].status, answers[i].err = try.send(hc, s.Base)
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	burst := time.Since(began)
	time.Sleep(300 * time.Millisecond) // a few more health checks after the burst
	close(stopProbe)
	<-probeDone

	counts := map[string]int{}
	for i, a := range answers {
		try := tries[i]
		kind := "api"
		if try.Form {
			kind = "form"
		}
		if a.err != nil {
			t.Errorf("login %d (%s, %s) got no answer: %v", i, kind, try.Addr, a.err)
			continue
		}
		counts[fmt.Sprintf("%s %d", kind, a.status)]++
		allowed := map[int]bool{http.StatusTooManyRequests: true, http.StatusServiceUnavailable: true}
		switch {
		case try.Right && try.Form:
			allowed[http.StatusSeeOther] = true
		case try.Right:
			allowed[http.StatusOK] = true
		default:
			allowed[http.StatusUnauthorized] = true
		}
		if !allowed[a.status] {
			t.Errorf("login %d (%s, right password %v, %s): status %d", i, kind, try.Right, try.Addr, a.status)
		}
	}
	if counts["api 429"] == 0 {
		t.Errorf("no guess from one address was refused 429: %v", counts)
	}
	checked := 0 // logins whose password was checked: the burst must reach the hashes
	for k, n := range counts {
		if !strings.HasSuffix(k, " 429") && !strings.HasSuffix(k, " 503") {
			checked += n
		}
	}
	if checked == 0 {
		t.Errorf("no login of the burst had its password checked: %v", counts)
	}

	mu.Lock()
	t.Logf("100 logins in %v: %v; /healthz %v, slowest %v", burst.Round(time.Millisecond), counts, health, slowest.Round(time.Millisecond))
	mu.Unlock()
	if len(health) != 1 || health["200"] < 3 {
		t.Errorf("/healthz during the burst: %v, want only 200s", health)
	}
	if !s.running() {
		t.Fatalf("the server exited during the burst (%v)", s.exit)
	}

	// After the burst: healthy, and a right login from a fresh address works.
	s.waitHealthy(5 * time.Second)
	for _, after := range []struct {
		try  loginTry
		want int
	}{
		{loginTry{Email: logins[1].Email, Password: logins[1].Password, Addr: "192.0.2.1"}, http.StatusOK},
		{loginTry{Email: logins[1].Email, Password: logins[1].Password, Addr: "192.0.2.2", Form: true}, http.StatusSeeOther},
	} {
		if status, err := after.try.send(hc, s.Base); err != nil || status != after.want {
			t.Errorf("a right login after the burst (form %v): status %d, %v; want %d", after.try.Form, status, err, after.want)
		}
	}

	peak := mustProcStatus(t, pid, "VmHWM")
	t.Logf("server resident memory: %s before the burst, peak %s (VmHWM; %s seen by the probe), bound %s",
		mib(idle), mib(peak), mib(peakRSS), mib(loginPeakRSS))
	if peak-idle < 64<<20 {
		t.Errorf("the peak (%s) is not a hash's 64 MiB above the idle server's (%s): the burst measured nothing", mib(peak), mib(idle))
	}
	if peak >= loginPeakRSS {
		t.Errorf("peak resident memory %s, over the bound of %s", mib(peak), mib(loginPeakRSS))
	}
}
