package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// newClient returns an HTTP client for n concurrent workers on one host: one keep-alive
// connection per worker and never more, so the server sees exactly n clients.
func newClient(n int, compress bool) *http.Client {
	return &http.Client{
		Timeout: 5 * time.Minute,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        n,
			MaxIdleConnsPerHost: n,
			MaxConnsPerHost:     n,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  !compress,
			ForceAttemptHTTP2:   false,
			WriteBufferSize:     16 << 10,
			ReadBufferSize:      32 << 10,
		},
	}
}

// request builds the i-th request of worker w.
type request func(w, i int) (*http.Request, error)

// result is what one load run measured.
type result struct {
	Clients   int
	Elapsed   time.Duration
	Latencies []time.Duration // of the requests answered with the expected status
	OK        int
	Errors    map[string]int // by status code or transport error
	Bytes     int64          // response bodies, as received (compressed when gzip was used)
	CPU       cpuUse
	Peak      memory  // server memory over the run
	Xacts     float64 // PostgreSQL transactions per answered request
	Load      string  // the machine's one-minute load average at the start
}

func (r *result) errorCount() int {
	n := 0
	for _, v := range r.Errors {
		n += v
	}
	return n
}

func (r *result) errorText() string {
	if len(r.Errors) == 0 {
		return "0"
	}
	var parts []string
	for k, v := range r.Errors {
		parts = append(parts, fmt.Sprintf("%d× %s", v, k))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// rate is requests answered as expected per second.
func (r *result) rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// percentile returns the nearest-rank percentile p (0–100) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(rank, len(sorted)-1))]
}

func (r *result) p(q float64) time.Duration { return percentile(r.Latencies, q) }

// runLoad sends requests from n workers, each one at a time on its own connection, for d;
// workers stop starting requests at the deadline and the run ends when the last answer is
// in. serverPID, when not 0, is measured for CPU and peak memory over the run.
func runLoad(ctx context.Context, client *http.Client, n int, d time.Duration, want int, build request, serverPID int) *result {
	type worker struct {
		lat    []time.Duration
		errs   map[string]int
		ok     int
		nbytes int64
	}
	workers := make([]worker, n)
	var cpu *cpuMeter
	if serverPID != 0 {
		resetPeak(serverPID)
		cpu = startCPU(serverPID)
	}
	// VmHWM is exact; sampling VmRSS as well covers kernels that refuse the reset.
	var peakRSS int64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		if serverPID == 0 {
			return
		}
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if m := processMemory(serverPID); m.RSS > peakRSS {
				peakRSS = m.RSS
			}
			select {
			case <-stopSampling:
				return
			case <-t.C:
			}
		}
	}()

	load := loadAvg()
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := &workers[w]
			wk.lat = make([]time.Duration, 0, 4096)
			wk.errs = map[string]int{}
			buf := make([]byte, 32<<10)
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				req, err := build(w, i)
				if err != nil {
					wk.errs["build: "+err.Error()]++
					return
				}
				t0 := time.Now()
				res, err := client.Do(req.WithContext(ctx))
				if err != nil {
					wk.errs[shortError(err)]++
					continue
				}
				nb, err := io.CopyBuffer(io.Discard, res.Body, buf)
				res.Body.Close()
				lat := time.Since(t0)
				wk.nbytes += nb
				switch {
				case err != nil:
					wk.errs[shortError(err)]++
				case res.StatusCode != want:
					wk.errs[fmt.Sprintf("HTTP %d", res.StatusCode)]++
				default:
					wk.ok++
					wk.lat = append(wk.lat, lat)
				}
			}
		}()
	}
	wg.Wait()
	r := &result{Clients: n, Elapsed: time.Since(start), Errors: map[string]int{}, Load: strings.Fields(load + " ?")[0]}
	close(stopSampling)
	<-sampled
	if serverPID != 0 {
		r.CPU = cpu.stop()
		r.Peak = processMemory(serverPID)
		r.Peak.Peak = max(r.Peak.Peak, peakRSS)
	}
	for _, wk := range workers {
		r.Latencies = append(r.Latencies, wk.lat...)
		r.OK += wk.ok
		r.Bytes += wk.nbytes
		for k, v := range wk.errs {
			r.Errors[k] += v
		}
	}
	slices.Sort(r.Latencies)
	return r
}

// shortError names a transport error without the URL, so equal errors count together.
func shortError(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// getRequest builds a GET of url.
func getRequest(url string) request {
	return func(int, int) (*http.Request, error) { return http.NewRequest(http.MethodGet, url, nil) }
}

// fetch GETs url once and returns its status, body and time.
func fetch(ctx context.Context, client *http.Client, url string) (int, []byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, 0, err
	}
	t0 := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, body, time.Since(t0), err
}

// jsonRequest builds a request with a JSON body.
func jsonRequest(ctx context.Context, method, url, token string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, nil
}
