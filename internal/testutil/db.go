// Package testutil gives tests a real, migrated database: SQLite always, and PostgreSQL as
// well when TEST_DATABASE_URL is set (each test gets its own database cloned from a migrated
// template by pgtestdb). In CI (CI=true) a missing PostgreSQL fails the test, never skips it.
package testutil

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver pgtestdb connects with
	"github.com/peterldowns/pgtestdb"

	"github.com/gopy-vn/gopy/internal/store"
)

// Dialects returns the databases the suite runs on.
func Dialects(t testing.TB) []store.Dialect {
	t.Helper()
	if os.Getenv("TEST_DATABASE_URL") != "" {
		return []store.Dialect{store.SQLite, store.Postgres}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but TEST_DATABASE_URL is not set: the suite must also run on PostgreSQL")
	}
	return []store.Dialect{store.SQLite}
}

// EachDB runs fn once per database as subtests named after the dialect, each with a fresh,
// migrated store. The subtests run in parallel with each other and with other parallel
// tests: each owns its database and whatever server it starts, so fn must not change state
// of the whole process (t.Setenv panics in a parallel test; use EachDBInOrder for that).
// The subtests run after the calling test function has returned, so that function must do
// nothing after EachDB; its t.Cleanup functions run once both subtests have finished.
func EachDB(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	eachDB(t, true, fn)
}

// EachDBInOrder is EachDB with the subtests run one after the other, for a test that must
// change state of the whole process, such as environment variables with t.Setenv.
func EachDBInOrder(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	eachDB(t, false, fn)
}

func eachDB(t *testing.T, parallel bool, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			if parallel {
				t.Parallel()
			}
			fn(t, NewStore(t, d))
		})
	}
}

// EachDBTwice is EachDB with a second store open on the same database, as a second instance
// of the portal has its own pool on it: what one writes, the other reads.
func EachDBTwice(t *testing.T, fn func(t *testing.T, st, other *store.Store)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			st, dsn := newStore(t, d)
			other, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatalf("open %s again: %v", d, err)
			}
			t.Cleanup(func() { _ = other.Close() })
			fn(t, st, other)
		})
	}
}

// NewStore opens a fresh migrated database of a dialect, closed when the test ends.
func NewStore(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	st, _ := newStore(t, d)
	return st
}

// newStore is NewStore, also returning what store.Open was given.
func newStore(t testing.TB, d store.Dialect) (*store.Store, string) {
	t.Helper()
	quietLogs()
	ctx := context.Background()
	var dsn string
	if d == store.Postgres {
		dsn = PostgresURL(t)
	} else {
		dsn = filepath.Join(t.TempDir(), "gopy.db")
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if d == store.SQLite {
		if err := st.Migrate(ctx); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	return st, dsn
}

// PostgresURL returns the URL of a new database cloned from the migrated template.
func PostgresURL(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, pgConfig(t), migrator{}).URL()
}

// EmptyPostgresURL returns the URL of a new database with no schema at all.
func EmptyPostgresURL(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, pgConfig(t), pgtestdb.NoopMigrator{}).URL()
}

func pgConfig(t testing.TB) pgtestdb.Config {
	t.Helper()
	raw := os.Getenv("TEST_DATABASE_URL")
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		t.Fatalf("TEST_DATABASE_URL %q is not a URL", raw)
	}
	pw, _ := u.User.Password()
	conf := pgtestdb.Config{
		DriverName: "pgx",
		User:       u.User.Username(),
		Password:   pw,
		Host:       u.Hostname(),
		Port:       u.Port(),
		Database:   strings.TrimPrefix(u.Path, "/"),
		Options:    u.RawQuery,
		// A test that leaves a connection open must not keep its database from being dropped.
		ForceTerminateConnections: true,
	}
	return conf
}

// migrator builds pgtestdb's template with the project's own migrations.
type migrator struct{}

// Hash identifies the template by the content of the PostgreSQL migrations, so a new
// migration makes a new template.
func (migrator) Hash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(store.MigrationsFS(store.Postgres), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(store.MigrationsFS(store.Postgres), p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// Migrate applies the migrations to the template database.
func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	return store.MigrateDB(ctx, store.Postgres, db)
}

// CountRows counts the rows of a table that match a condition written by the test itself.
func CountRows(t testing.TB, st *store.Store, table, where string, args ...any) int {
	t.Helper()
	var n int
	if err := st.SQLDB().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table+" WHERE "+where, args...).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
