package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// useDatabase points the command at a fresh database: a SQLite file, or a PostgreSQL
// database cloned from the migrated template.
func useDatabase(t *testing.T, postgres bool) {
	if postgres {
		t.Setenv("DATABASE_URL", testutil.PostgresURL(t))
	} else {
		t.Setenv("DATABASE_URL", filepath.Join(t.TempDir(), "data", "gopy.db"))
	}
}

// TestCommands runs the command line as an administrator would on a fresh database.
func TestCommands(t *testing.T) {
	for _, pg := range postgresToo(t) {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			useDatabase(t, pg)
			ctx := context.Background()
			var out bytes.Buffer
			if err := run(ctx, []string{"migrate"}, nil, &out); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			if err := run(ctx, []string{"demo"}, nil, &out); err != nil {
				t.Fatalf("demo: %v", err)
			}
			if !strings.Contains(out.String(), "canbo@example.vn") {
				t.Fatalf("demo printed no logins:\n%s", out.String())
			}
			if err := run(ctx, []string{"demo"}, nil, &out); err == nil {
				t.Fatal("demo ran twice on the same database")
			}
			out.Reset()
			err := run(ctx, []string{"user", "add", "--email", "Chu.Tich@Example.vn", "--name", "Chủ tịch", "--role", "official", "--unit", "VD-HB"},
				strings.NewReader("một mật khẩu đủ dài\n"), &out)
			if err != nil || !strings.Contains(out.String(), "created chu.tich@example.vn") {
				t.Fatalf("user add: %v\n%s", err, out.String())
			}
			// The Fatherland Front committee of the commune: its own role, nothing more.
			out.Reset()
			err = run(ctx, []string{"user", "add", "--email", "mttq@example.vn", "--name", "Ủy ban MTTQ xã", "--role", "front", "--unit", "VD-HB"},
				strings.NewReader("một mật khẩu đủ dài\n"), &out)
			if err != nil || !strings.Contains(out.String(), "created mttq@example.vn") || !strings.Contains(out.String(), "as front of VD-HB") {
				t.Fatalf("user add --role front: %v\n%s", err, out.String())
			}
			checkRoles(t, ctx, "mttq@example.vn", domain.RoleFront)
			err = run(ctx, []string{"user", "add", "--email", "x@example.vn", "--name", "X", "--role", "king", "--unit", "NOPE"},
				strings.NewReader("ngắn\n"), &out)
			if err == nil || !strings.Contains(err.Error(), "--role") || !strings.Contains(err.Error(), "--password") {
				t.Fatalf("bad user add: %v", err)
			}
			out.Reset()
			if err := run(ctx, []string{"token", "create", "--email", "chu.tich@example.vn"}, nil, &out); err != nil {
				t.Fatalf("token create: %v", err)
			}
			if tok := strings.TrimSpace(out.String()); !strings.HasPrefix(tok, "gopy_") || len(tok) < 40 {
				t.Fatalf("token %q", tok)
			}
			out.Reset()
			if err := run(ctx, []string{"token", "revoke", "--email", "chu.tich@example.vn"}, nil, &out); err != nil || !strings.Contains(out.String(), "revoked 1 tokens") {
				t.Fatalf("token revoke: %v %q", err, out.String())
			}
			// A new password from standard input ends the account's tokens.
			if err := run(ctx, []string{"token", "create", "--email", "chu.tich@example.vn"}, nil, &out); err != nil {
				t.Fatalf("token create: %v", err)
			}
			if err := run(ctx, []string{"user", "password", "--email", "chu.tich@example.vn"}, strings.NewReader("ngắn\n"), &out); err == nil || !strings.Contains(err.Error(), "12") {
				t.Fatalf("a short password: %v", err)
			}
			out.Reset()
			if err := run(ctx, []string{"user", "password", "--email", "chu.tich@example.vn"}, strings.NewReader("một mật khẩu mới đủ dài\n"), &out); err != nil || !strings.Contains(out.String(), "password set") {
				t.Fatalf("user password: %v %q", err, out.String())
			}
			out.Reset()
			if err := run(ctx, []string{"token", "revoke", "--email", "chu.tich@example.vn"}, nil, &out); err != nil || !strings.Contains(out.String(), "revoked 0 tokens") {
				t.Fatalf("after a new password, the token was not revoked: %v %q", err, out.String())
			}
			csvPath := filepath.Join(t.TempDir(), "units.csv")
			csv := "\ufeffcode,name,kind,parent_code,households\nVD-HB-MOI,Thôn Mới,village,VD-HB,77\nVD-HB-DONG,Thôn Đông (sáp nhập),village,VD-HB,260\n"
			if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
				t.Fatal(err)
			}
			out.Reset()
			if err := run(ctx, []string{"units", "import", csvPath}, nil, &out); err != nil || !strings.Contains(out.String(), "1 created, 1 updated") {
				t.Fatalf("units import: %v %q", err, out.String())
			}
			if err := run(ctx, []string{"frobnicate"}, nil, &out); err == nil {
				t.Fatal("unknown command accepted")
			}
		})
	}
}

// TestServeStartsOnAFreshMachine is README's first command: serve on an empty SQLite file
// migrates it, loads the demo, answers, and shuts down cleanly when told to stop.
func TestServeStartsOnAFreshMachine(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DATABASE_URL", filepath.Join(dir, "data", "gopy.db"))
	addr := freeAddr(t)
	t.Setenv("ADDR", addr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, nil, &bytes.Buffer{}) }()

	// The first start hashes the demo accounts' passwords at the production cost, which
	// takes seconds on a busy machine: wait as long as serve is still starting, and fail
	// at once if it gives up. A server that hangs is caught by go test's -timeout.
	var body string
	for {
		res, err := http.Get("http://" + addr + "/c/1")
		if err == nil {
			var b bytes.Buffer
			_, _ = b.ReadFrom(res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				body = b.String()
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended before it answered: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !strings.Contains(body, "Dự thảo Hương ước Thôn Đông") || !strings.Contains(body, "Điều 4. Việc cưới") {
		t.Fatal("demo consultation not served")
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "gopy.db")); err != nil {
		t.Fatalf("no database file under data/: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

// TestServeRefusesSchemaBehind checks that PostgreSQL, which is migrated on purpose with
// `gopy migrate`, is not served with a schema older than the code.
func TestServeRefusesSchemaBehind(t *testing.T) {
	for _, pg := range postgresToo(t) {
		if !pg {
			continue
		}
		t.Setenv("DATABASE_URL", testutil.EmptyPostgresURL(t))
		t.Setenv("ADDR", freeAddr(t))
		err := run(context.Background(), []string{"serve"}, nil, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "gopy migrate") {
			t.Fatalf("serve on an empty PostgreSQL database: %v", err)
		}
	}
}

func postgresToo(t *testing.T) []bool {
	out := []bool{false}
	for _, d := range testutil.Dialects(t) {
		if d == "postgres" {
			out = append(out, true)
		}
	}
	return out
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr())
}

// checkRoles opens the database the command used and checks the account's roles.
func checkRoles(t *testing.T, ctx context.Context, email string, want ...domain.Role) {
	t.Helper()
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	a, closeDB, err := openApp(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	actor, err := a.ActorByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	var got []domain.Role
	for _, r := range actor.Roles {
		got = append(got, r.Role)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s has roles %v, want %v", email, got, want)
	}
}
