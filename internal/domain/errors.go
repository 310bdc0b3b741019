// Package domain holds Góp Ý's types and rules: units, staff, consultations, opinions and
// moderation. It knows nothing of HTTP or SQL; the store and the web layers depend on it.
//
// The types kept in a table say only where: gorm column tags and a TableName method that
// spells out the table of migrations/, so that renaming a type never points GORM at a table
// that does not exist. The store alone reads and writes them.
package domain

import (
	"errors"
	"fmt"
)

// Code classifies an application error; the HTTP layer maps each code to one status.
type Code string

// The error codes of API.md.
const (
	CodeInvalid      Code = "invalid"
	CodeMalformed    Code = "malformed"
	CodeUnauthorized Code = "unauthorized"
	CodeForbidden    Code = "forbidden"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeTooLarge     Code = "too_large"
	CodeRateLimited  Code = "rate_limited"
	CodeUnavailable  Code = "unavailable"
	CodeInternal     Code = "internal"
)

// Message is a locale key with its arguments; the edge turns it into text in the user's language.
type Message struct {
	Key  string
	Args []any
}

// Error is the one application error type. Message and field messages are locale keys,
// so the same error reads in Vietnamese or English; internal causes never reach users.
type Error struct {
	Code    Code
	Message Message
	Fields  map[string]Message
	cause   error
}

func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message.Key, e.cause)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message.Key)
}

// Unwrap exposes the cause to errors.Is and errors.As, for logging.
func (e *Error) Unwrap() error { return e.cause }

// Errorf builds an Error with a message key and its arguments.
func Errorf(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Message: Message{Key: key, Args: args}}
}

// Internal wraps an unexpected error; users see a generic message, the log sees the cause.
func Internal(cause error) *Error {
	return &Error{Code: CodeInternal, Message: Message{Key: "error.internal"}, cause: cause}
}

// Invalid builds a validation error from per-field messages.
func Invalid(fields map[string]Message) *Error {
	return &Error{Code: CodeInvalid, Message: Message{Key: "error.invalid"}, Fields: fields}
}

// InvalidField builds a validation error about one field.
func InvalidField(field, key string, args ...any) *Error {
	return Invalid(map[string]Message{field: {Key: key, Args: args}})
}

// AsError returns err as an *Error, wrapping anything else as internal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// ErrNotFound is returned by the store when a row does not exist.
var ErrNotFound = Errorf(CodeNotFound, "error.not_found")

// IsCode reports whether err is an application error with the given code.
func IsCode(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
