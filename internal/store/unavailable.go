package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsUnavailable reports whether err means the database could not be reached, rather than
// that it refused what was asked: the server is down, restarting or shutting down, the
// connection was refused, reset or closed under a query. Such a failure is temporary and
// the request may be retried, so the application answers "unavailable" (503), not
// "internal" (500). It is the one place that tells the two apart.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		// No connection was made, whatever the reason: nothing of the request was done.
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// An answer from the server: only the connection and shutdown classes mean it is
		// going away; a constraint or syntax error is the query's fault.
		return strings.HasPrefix(pe.Code, "08") || // connection_exception and its subclasses
			pe.Code == "57P01" || // admin_shutdown
			pe.Code == "57P02" || // crash_shutdown
			pe.Code == "57P03" // cannot_connect_now: starting up or shutting down
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return true
	}
	for _, target := range []error{
		driver.ErrBadConn, sql.ErrConnDone, pgconn.ErrConnClosed, net.ErrClosed,
		io.EOF, io.ErrUnexpectedEOF,
		syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// IsBadText reports whether the database refused a text it was given as not valid in its
// encoding: PostgreSQL takes no NUL character in TEXT, where SQLite takes and stores it. The
// request sent a character no stored text holds, so the application answers "malformed"
// (400), not "internal" (500).
func IsBadText(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "22021" || pe.Code == "22P05") // character_not_in_repertoire, untranslatable_character
}

// isForeignKey reports whether the database refused a delete or write because a row of
// another table still refers to the row: PostgreSQL's foreign_key_violation, SQLite's
// "FOREIGN KEY constraint failed" (its driver gives the extended code in the text only).
func isForeignKey(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	return err != nil && strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}
