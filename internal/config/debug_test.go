package config

import (
	"strings"
	"testing"
)

// TestDebugAddr: the profiler is off unless asked for, and never offered to the network.
func TestDebugAddr(t *testing.T) {
	for _, c := range []struct{ env, want, err string }{
		{env: "", want: ""},
		{env: "127.0.0.1:6060", want: "127.0.0.1:6060"},
		{env: " localhost:6060 ", want: "localhost:6060"},
		{env: "[::1]:6060", want: "[::1]:6060"},
		{env: ":6060", err: "DEBUG_ADDR"},
		{env: "0.0.0.0:6060", err: "DEBUG_ADDR"},
		{env: "10.0.0.5:6060", err: "DEBUG_ADDR"},
		{env: "127.0.0.1", err: "DEBUG_ADDR"},
	} {
		t.Run(c.env, func(t *testing.T) {
			t.Setenv("DEBUG_ADDR", c.env)
			cfg, err := Load()
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one about %s", err, c.err)
				}
				return
			}
			if err != nil || cfg.DebugAddr != c.want {
				t.Fatalf("got %q, %v; want %q", cfg.DebugAddr, err, c.want)
			}
		})
	}
}
