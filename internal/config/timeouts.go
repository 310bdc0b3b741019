package config

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// Timeouts bound how long the HTTP server waits on one client. Without them a client that
// sends its request a byte at a time (slowloris), or never reads the answer, holds a
// connection for as long as it likes; enough of them exhaust the server.
type Timeouts struct {
	// ReadHeader is the time to read a request's headers (HTTP_READ_HEADER_TIMEOUT, default 5s).
	ReadHeader time.Duration
	// Read is the time to read a whole request, headers and body (HTTP_READ_TIMEOUT, default
	// 30s: an official's scan of a paper form over 3G must fit).
	Read time.Duration
	// Write is the time from the end of the request's headers to the end of the answer
	// (HTTP_WRITE_TIMEOUT, default 30s).
	Write time.Duration
	// Idle is how long a kept-alive connection may wait for its next request
	// (HTTP_IDLE_TIMEOUT, default 2m).
	Idle time.Duration
}

// Default timeouts, used for every setting left unset.
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultShutdownTimeout   = 15 * time.Second
)

func (t Timeouts) withDefaults() Timeouts {
	for _, f := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&t.ReadHeader, DefaultReadHeaderTimeout}, {&t.Read, DefaultReadTimeout}, {&t.Write, DefaultWriteTimeout}, {&t.Idle, DefaultIdleTimeout}} {
		if *f.v <= 0 {
			*f.v = f.def
		}
	}
	return t
}

// loadTimeouts reads the HTTP server's timeouts and the shutdown grace period.
func loadTimeouts() (t Timeouts, shutdown time.Duration, err error) {
	for _, f := range []struct {
		key string
		v   *time.Duration
		def time.Duration
	}{
		{"HTTP_READ_HEADER_TIMEOUT", &t.ReadHeader, DefaultReadHeaderTimeout},
		{"HTTP_READ_TIMEOUT", &t.Read, DefaultReadTimeout},
		{"HTTP_WRITE_TIMEOUT", &t.Write, DefaultWriteTimeout},
		{"HTTP_IDLE_TIMEOUT", &t.Idle, DefaultIdleTimeout},
		{"SHUTDOWN_TIMEOUT", &shutdown, DefaultShutdownTimeout},
	} {
		if *f.v, err = duration(f.key, f.def); err != nil {
			return t, 0, err
		}
	}
	return t, shutdown, nil
}

// duration reads a positive Go duration ("5s", "1m30s", "500ms"); a bare number is seconds.
func duration(key string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(key))
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		d, err = time.ParseDuration(v + "s")
	}
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s %q: want a duration such as 5s, 2m or 500ms", key, v)
	}
	return d, nil
}
