// Package store is the only package that talks to the database. It opens PostgreSQL or the
// embedded SQLite file, applies the migrations, and holds one file of queries per entity.
// Dialect differences stay in this package.
package store

import (
	"github.com/gopy-vn/gopy/internal/cache"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"
	"github.com/libtnb/sqlite"
	"github.com/pressly/goose/v3"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/migrations"
)

// Dialect names a supported database.
type Dialect string

// Supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Store wraps a GORM handle. A transaction travels in the context (see InTx), not in a
// copy of the Store.
type Store struct {
	db      *gorm.DB
	dialect Dialect
	clock   *clock // the app's clock
	url     string // to listen for other instances' changes (notify.go)
	targets *targetCache
	writer  *opinionWriter // batches opinions while RunWriter runs
	// versions says when what the copies in memory were made from last changed, here or
	// on another instance (notify.go); the app's caches of pages share it.
	versions *cache.Versions
	closing  chan struct{} // closed by Close: the listener stops
}

// clock is the time the store stamps rows with (GORM's created_at and updated_at, the time
// of a status change) and ages its copies in memory by. The store never reads the system
// clock: app.New hands it the app's, so a test that sets the app's time sets the rows' too.
type clock struct {
	read atomic.Pointer[func() time.Time]
}

// now is the clock's time in UTC. Writing through a store on which no app was built is a
// mistake of the program, not of its input, and panics.
func (c *clock) now() time.Time {
	read := c.read.Load()
	if read == nil {
		panic("store: no clock; app.New gives the store the app's")
	}
	return (*read)().UTC()
}

// SetClock makes now the time the store stamps rows with. app.New sets the app's clock; on a
// store shared by several apps, the last one built sets it.
func (s *Store) SetClock(now func() time.Time) { s.clock.read.Store(&now) }

// now is the time of the app's clock, in UTC.
func (s *Store) now() time.Time { return s.clock.now() }

// IsPostgresURL reports whether a DATABASE_URL points at PostgreSQL rather than a SQLite file.
func IsPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// SQLiteDSN builds the DSN for a SQLite file: WAL so readers do not block the writer,
// foreign keys on, and immediate transactions so concurrent writers queue instead of failing.
func SQLiteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// Open connects to url: a postgres:// URL, or else a SQLite file path (created with its folder).
func Open(ctx context.Context, url string) (*Store, error) {
	clk := &clock{}
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		NowFunc:                clk.now,
		SkipDefaultTransaction: true,
	}
	var (
		db      *gorm.DB
		err     error
		dialect Dialect
	)
	if IsPostgresURL(url) {
		dialect = Postgres
		db, err = gorm.Open(postgres.Open(url), cfg)
	} else {
		dialect = SQLite
		path := strings.TrimPrefix(url, "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create database folder: %w", err)
			}
		}
		db, err = gorm.Open(sqlite.Open(SQLiteDSN(path)), cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's model; a small pool keeps readers concurrent under WAL.
		sqlDB.SetMaxOpenConns(8)
	} else {
		sqlDB.SetMaxOpenConns(32)
		sqlDB.SetMaxIdleConns(32)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{db: db, dialect: dialect, url: url, clock: clk, writer: newOpinionWriter(), versions: &cache.Versions{}, closing: make(chan struct{})}
	s.targets = newTargetCache(s)
	if err := s.Ping(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return s, nil
}

// Dialect tells which database the store talks to.
func (s *Store) Dialect() Dialect { return s.dialect }

// SQLDB returns the underlying pool, for the session store and migrations.
func (s *Store) SQLDB() *sql.DB {
	db, _ := s.db.DB()
	return db
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return s.SQLDB().PingContext(ctx)
}

// Close stops a writer that still runs (RunWriter), after it has written what was queued,
// then closes the pool.
func (s *Store) Close() error {
	select {
	case <-s.closing:
	default:
		close(s.closing)
	}
	s.writer.close()
	return s.SQLDB().Close()
}

// txKey is the context key of the transaction a context carries.
type txKey struct{}

// txState is a transaction in a context, with the store whose pool it came from: another
// store given that context keeps to its own pool.
type txState struct {
	owner   *Store
	db      *gorm.DB
	changed []string // topics the transaction changed, told to the caches once it has ended
	touched []string // and topics it touched (notify.go)
}

// InTx runs fn in a transaction that travels in fn's context: every method of this store
// called with that context joins it, so what a use case writes commits together or not at
// all. fn's error rolls the transaction back. An InTx within another joins the outer one
// (no savepoint): an inner error must be returned, and then undoes everything.
//
// Inside a transaction everything goes through its one connection: opinions are written
// directly rather than by the batched writer, and the opinion-target cache is neither read
// nor filled (targets.go). SQLite allows one writer at a time, and a write on another
// connection would wait for this transaction to end, which waits for that write.
//
// What the transaction changed is told to this instance's caches once it has ended, when
// the change is visible to the requests that would copy it again (notify.go).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.tx(ctx) != nil {
		return fn(ctx)
	}
	state := &txState{owner: s}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		state.db = tx
		return fn(context.WithValue(ctx, txKey{}, state))
	})
	if len(state.changed) > 0 {
		s.versions.Changed(state.changed...)
	}
	if len(state.touched) > 0 {
		s.versions.Touched(state.touched...)
	}
	return err
}

// OutsideTx returns ctx without the transaction it may carry, for work that outlives the
// transaction (a goroutine started inside it): that work uses the pool.
func OutsideTx(ctx context.Context) context.Context {
	if ctx.Value(txKey{}) == nil {
		return ctx
	}
	return context.WithValue(ctx, txKey{}, (*txState)(nil))
}

// tx returns the transaction of this store that ctx carries, or nil.
func (s *Store) tx(ctx context.Context) *gorm.DB {
	if t, _ := ctx.Value(txKey{}).(*txState); t != nil && t.owner == s {
		return t.db
	}
	return nil
}

// conn is the handle every query uses: ctx's transaction when it carries one of this
// store, the pool otherwise.
func (s *Store) conn(ctx context.Context) *gorm.DB {
	if tx := s.tx(ctx); tx != nil {
		return tx.WithContext(ctx)
	}
	return s.db.WithContext(ctx)
}

// MigrationsFS returns the migration files of a dialect.
func MigrationsFS(d Dialect) fs.FS {
	sub, err := fs.Sub(migrations.FS, string(d))
	if err != nil {
		panic(err) // the folders are embedded at build time
	}
	return sub
}

func (s *Store) provider() (*goose.Provider, error) {
	return newProvider(s.dialect, s.SQLDB())
}

func newProvider(d Dialect, db *sql.DB) (*goose.Provider, error) {
	gd := goose.DialectPostgres
	if d == SQLite {
		gd = goose.DialectSQLite3
	}
	return goose.NewProvider(gd, db, MigrationsFS(d))
}

// Migrate applies pending migrations, each in its own transaction.
func (s *Store) Migrate(ctx context.Context) error {
	return MigrateDB(ctx, s.dialect, s.SQLDB())
}

// MigrateDB applies pending migrations to a raw connection pool; tests use it to build
// template databases.
func MigrateDB(ctx context.Context, d Dialect, db *sql.DB) error {
	p, err := newProvider(d, db)
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	for _, r := range results {
		slog.Info("migration applied", "version", r.Source.Version, "file", filepath.Base(r.Source.Path), "duration", r.Duration)
	}
	return err
}

// SchemaCurrent reports whether every migration has been applied, so the server can refuse
// to serve a schema that is behind its code.
func (s *Store) SchemaCurrent(ctx context.Context) (bool, error) {
	p, err := s.provider()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	return !pending, err
}

// notFound turns GORM's missing-row error into the domain's.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.ErrNotFound
	}
	return err
}

// SessionStore returns a scs session store on this database, in the table the migrations made.
func (s *Store) SessionStore() scs.Store {
	if s.dialect == Postgres {
		return postgresstore.New(s.SQLDB())
	}
	return sqlite3store.New(s.SQLDB())
}
