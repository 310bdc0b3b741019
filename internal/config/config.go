// Package config loads the one Config struct from the environment and checks it at start.
package config

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
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
	// ShutdownTimeout bounds the wait for in-flight requests on shutdown.
	ShutdownTimeout time.Duration
	// LogFormat is "json" (default) or "text" (LOG_FORMAT).
	LogFormat string
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
		ShutdownTimeout: 15 * time.Second,
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
	return c, nil
}

func env(key, def string) string {
	if v := strings.TrimSpace(os.Getenv(key)); v != "" {
		return v
	}
	return def
}
