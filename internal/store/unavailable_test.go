package store_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
)

func TestIsUnavailable(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("boom"), false},
		{"missing row", gorm.ErrRecordNotFound, false},
		{"domain not found", domain.ErrNotFound, false},
		{"context canceled", context.Canceled, false},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax error", fmt.Errorf("query: %w", &pgconn.PgError{Code: "42601"}), false},
		{"admin shutdown", fmt.Errorf("query: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}), true},
		{"shutting down", &pgconn.PgError{Code: "57P03", Message: "the database system is shutting down"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"bad conn", fmt.Errorf("exec: %w", driver.ErrBadConn), true},
		{"conn closed", pgconn.ErrConnClosed, true},
		{"unexpected EOF", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"EOF", io.EOF, true},
		{"reset", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, true},
		{"refused errno", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{"broken pipe", syscall.EPIPE, true},
		{"wrapped in a domain error", domain.Internal(fmt.Errorf("x: %w", driver.ErrBadConn)), true},
	} {
		if got := store.IsUnavailable(c.err); got != c.want {
			t.Errorf("%s: IsUnavailable(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

// TestIsUnavailableOnRefusedConnection opens PostgreSQL on a loopback port nothing listens
// on: the error the driver really returns must read as unavailable.
func TestIsUnavailableOnRefusedConnection(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	st, err := store.Open(context.Background(), "postgres://postgres@"+addr+"/gopy?sslmode=disable&connect_timeout=5")
	if err == nil {
		_ = st.Close()
		t.Fatalf("opened a database on %s, where nothing listens", addr)
	}
	if !store.IsUnavailable(err) {
		t.Errorf("IsUnavailable(%v) = false, want true", err)
	}
}
