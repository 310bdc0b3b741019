// Package config loads the one Config struct from the environment and checks it at start.
package config

import (
	"crypto/rand"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// Config is every setting of the server.
type Config struct {
	// Addr is where the server listens (ADDR, default :8080).
	Addr string
	// DatabaseURL is a postgres:// URL, or a SQLite file path (DATABASE_URL, default data/gopy.db).
	DatabaseURL string
	// BaseURL is the public address of the portal, used in links and to decide on secure cookies (BASE_URL).
	BaseURL string
	// SecureCookies marks cookies Secure; on when BASE_URL is https (COOKIE_SECURE overrides).
	SecureCookies bool
	// LoadDemo loads demo data into an empty database at start (DEMO, default on for SQLite only).
	LoadDemo bool
	// ShutdownTimeout bounds the wait for in-flight requests on shutdown (SHUTDOWN_TIMEOUT,
	// default 15s).
	ShutdownTimeout time.Duration
	// HTTP bounds how long the server waits on one client (HTTP_*_TIMEOUT; see timeouts.go).
	HTTP Timeouts
	// LogFormat is "json" (default) or "text" (LOG_FORMAT).
	LogFormat string
	// DebugAddr, when set, serves Go's profiler (net/http/pprof) on this loopback address
	// (DEBUG_ADDR, e.g. 127.0.0.1:6060), so a slow server can be profiled where it runs.
	// Off by default; any other host is refused, as profiles show the server's internals.
	DebugAddr string
	// TrustedProxies are the networks whose X-Forwarded-For is believed (TRUSTED_PROXIES,
	// comma-separated CIDRs). Empty: the client address is the connection's, so nobody can
	// dodge rate limits by sending their own X-Forwarded-For.
	TrustedProxies []*net.IPNet
	// FrameAncestors are the origins allowed to embed the portal's pages, e.g. a commune's
	// e-portal (FRAME_ANCESTORS, space-separated). Empty: only the portal itself.
	FrameAncestors []string
	// Secret signs form timestamps (SECRET_KEY). When unset, serve takes a key kept in the
	// database (SecretGiven false), the same for every instance on it; a Config built in code
	// gets a random one.
	Secret []byte
	// SecretGiven is whether SECRET_KEY was set.
	SecretGiven bool
	// MinFillTime is the shortest time a person takes to fill the opinion form; faster
	// submissions are bots (MIN_FILL_SECONDS, default 3).
	MinFillTime time.Duration
	// OpinionsPerHour limits opinions from one address on one consultation
	// (OPINIONS_PER_HOUR, default 30: villagers on 3G often share one carrier address).
	OpinionsPerHour int
	// LoginFailures is how many failed logins an account or an address may have in 15
	// minutes before logins are refused for the rest of that window (LOGIN_FAILURES, default 5
	// per account, four times that per address).
	LoginFailures int
	// RetentionDays is how long after results are published commenters' contacts are kept
	// (RETENTION_DAYS, default 90).
	RetentionDays int
	// Mail holds the outgoing mail server settings (SMTP_*, DIGEST_HOUR; see mail.go).
	Mail Mail
	// Holidays are days off added to the built-in calendar of public holidays, and
	// WorkingDays days it must count as working days (HOLIDAYS: comma-separated dates, a
	// leading "-" for a working day). Tết and other movable holidays are decided by the
	// government each year, so an installation keeps its calendar current here; the
	// results of a consultation are due within 5 working days (Law 10/2022 art. 12).
	Holidays    []time.Time
	WorkingDays []time.Time
}

// IsSQLite reports whether the embedded SQLite database is used.
func (c Config) IsSQLite() bool {
	return !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// Load reads the configuration from the environment and validates it.
func Load() (Config, error) {
	c := Config{
		Addr:            env("ADDR", ":8080"),
		DatabaseURL:     env("DATABASE_URL", "data/gopy.db"),
		BaseURL:         strings.TrimRight(env("BASE_URL", "http://localhost:8080"), "/"),
		ShutdownTimeout: DefaultShutdownTimeout,
		LogFormat:       env("LOG_FORMAT", "json"),
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("BASE_URL %q is not an http(s) URL", c.BaseURL)
	}
	c.SecureCookies = u.Scheme == "https"
	if v := os.Getenv("COOKIE_SECURE"); v != "" {
		c.SecureCookies = v == "1" || v == "true"
	}
	c.LoadDemo = c.IsSQLite()
	if v := os.Getenv("DEMO"); v != "" {
		c.LoadDemo = v == "1" || v == "true"
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return c, fmt.Errorf("LOG_FORMAT %q: want json or text", c.LogFormat)
	}
	if c.DebugAddr, err = debugAddr(os.Getenv("DEBUG_ADDR")); err != nil {
		return c, err
	}
	for _, cidr := range strings.Split(os.Getenv("TRUSTED_PROXIES"), ",") {
		if cidr = strings.TrimSpace(cidr); cidr == "" {
			continue
		}
		if !strings.Contains(cidr, "/") {
			if strings.Contains(cidr, ":") {
				cidr += "/128"
			} else {
				cidr += "/32"
			}
		}
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			return c, fmt.Errorf("TRUSTED_PROXIES: %q is not an address or CIDR", cidr)
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	for _, origin := range strings.Fields(os.Getenv("FRAME_ANCESTORS")) {
		u, err := url.Parse(origin)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || strings.ContainsAny(origin, ";,'\"") {
			return c, fmt.Errorf("FRAME_ANCESTORS: %q is not an origin like https://xa.example.gov.vn", origin)
		}
		c.FrameAncestors = append(c.FrameAncestors, origin)
	}
	if k := os.Getenv("SECRET_KEY"); k != "" {
		if len(k) < 32 {
			return c, fmt.Errorf("SECRET_KEY must be at least 32 characters")
		}
		c.Secret, c.SecretGiven = []byte(k), true
	}

	if c.MinFillTime, err = seconds("MIN_FILL_SECONDS", 3); err != nil {
		return c, err
	}
	if c.OpinionsPerHour, err = positive("OPINIONS_PER_HOUR", 30); err != nil {
		return c, err
	}
	if c.LoginFailures, err = positive("LOGIN_FAILURES", 5); err != nil {
		return c, err
	}
	if c.RetentionDays, err = positive("RETENTION_DAYS", 90); err != nil {
		return c, err
	}
	if c.Mail, err = loadMail(); err != nil {
		return c, err
	}
	if c.HTTP, c.ShutdownTimeout, err = loadTimeouts(); err != nil {
		return c, err
	}
	if c.Holidays, c.WorkingDays, err = holidays(os.Getenv("HOLIDAYS")); err != nil {
		return c, err
	}
	return c.WithDefaults(), nil
}

// WithDefaults fills what a Config built in code (tests) left empty.
func (c Config) WithDefaults() Config {
	if len(c.Secret) == 0 {
		c.Secret = make([]byte, 32)
		_, _ = rand.Read(c.Secret)
	}
	if c.OpinionsPerHour == 0 {
		c.OpinionsPerHour = 30
	}
	if c.LoginFailures == 0 {
		c.LoginFailures = 5
	}
	if c.RetentionDays == 0 {
		c.RetentionDays = 90
	}
	c.HTTP = c.HTTP.withDefaults()
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	return c
}

func positive(key string, def int) (int, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s %q: want a positive whole number", key, v)
	}
	return n, nil
}

func seconds(key string, def int) (time.Duration, error) {
	v := os.Getenv(key)
	if v == "" {
		return time.Duration(def) * time.Second, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s %q: want a whole number of seconds", key, v)
	}
	return time.Duration(n) * time.Second, nil
}

// holidays parses HOLIDAYS: dates as officials write them (02/09/2026) or as ISO
// (2026-09-02), each a day off, or a working day when it starts with "-" (a Saturday worked
// in exchange for a bridge day, or a built-in holiday the government moved). The dates are
// days in Vietnam, whatever the server's time zone.
func holidays(v string) (off, work []time.Time, err error) {
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		text, working := strings.CutPrefix(item, "-")
		d, ok := parseDay(strings.TrimSpace(text))
		if !ok {
			return nil, nil, fmt.Errorf("HOLIDAYS: %q is not a date like 02/09/2026 or 2026-09-02 (a leading - marks a working day)", item)
		}
		if working {
			work = append(work, d)
		} else {
			off = append(off, d)
		}
	}
	return off, work, nil
}

// parseDay reads dd/mm/yyyy (one-digit day and month allowed) or yyyy-mm-dd; a year
// outside 2000–2100 is taken for a typo rather than a holiday.
func parseDay(s string) (time.Time, bool) {
	for _, layout := range []string{"2/1/2006", time.DateOnly} {
		if d, err := time.ParseInLocation(layout, s, domain.Zone); err == nil {
			return d, d.Year() >= 2000 && d.Year() <= 2100
		}
	}
	return time.Time{}, false
}

func env(key, def string) string {
	if v := strings.TrimSpace(os.Getenv(key)); v != "" {
		return v
	}
	return def
}

// debugAddr accepts an address on the loopback interface only: the profiler must not be
// reachable from the network.
func debugAddr(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	host, _, err := net.SplitHostPort(v)
	ip := net.ParseIP(host)
	if err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return "", fmt.Errorf("DEBUG_ADDR %q: want a loopback address such as 127.0.0.1:6060", v)
	}
	return v, nil
}
