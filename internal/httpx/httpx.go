// Package httpx holds what the HTML pages and the JSON API share about a request: the
// signed-in actor, the language, how application errors map to HTTP, and how a list of
// opinions is narrowed to a section (section.go).
package httpx

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
)

const (
	actorKey = "gopy.actor"
	langKey  = "gopy.lang"
)

// SetActor records the authenticated staff member of a request.
func SetActor(c echo.Context, a *domain.Actor) { c.Set(actorKey, a) }

// Actor returns the authenticated staff member, or nil for an anonymous visitor.
func Actor(c echo.Context) *domain.Actor {
	a, _ := c.Get(actorKey).(*domain.Actor)
	return a
}

// SetLang records the negotiated language of a request.
func SetLang(c echo.Context, lang string) { c.Set(langKey, lang) }

// Lang returns the negotiated language, Vietnamese by default.
func Lang(c echo.Context) string {
	if l, ok := c.Get(langKey).(string); ok {
		return l
	}
	return i18n.VI
}

// T translates a key in the request's language.
func T(c echo.Context, key string, args ...any) string { return i18n.T(Lang(c), key, args...) }

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[domain.Code]int{
	domain.CodeInvalid:      http.StatusUnprocessableEntity,
	domain.CodeMalformed:    http.StatusBadRequest,
	domain.CodeUnauthorized: http.StatusUnauthorized,
	domain.CodeForbidden:    http.StatusForbidden,
	domain.CodeNotFound:     http.StatusNotFound,
	domain.CodeConflict:     http.StatusConflict,
	domain.CodeTooLarge:     http.StatusRequestEntityTooLarge,
	domain.CodeRateLimited:  http.StatusTooManyRequests,
	domain.CodeUnavailable:  http.StatusServiceUnavailable,
	domain.CodeInternal:     http.StatusInternalServerError,
}

// Status returns the HTTP status of an application error code.
func Status(code domain.Code) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// FromHTTP turns Echo's own errors (unknown route, body too large, CSRF failure…) into
// application errors, so every error leaves through the same shape.
func FromHTTP(err error) *domain.Error {
	var he *echo.HTTPError
	if !errors.As(err, &he) {
		return domain.AsError(err)
	}
	switch he.Code {
	case http.StatusNotFound:
		return domain.Errorf(domain.CodeNotFound, "error.not_found")
	case http.StatusMethodNotAllowed:
		return domain.Errorf(domain.CodeNotFound, "error.not_found")
	case http.StatusRequestEntityTooLarge:
		return domain.Errorf(domain.CodeTooLarge, "error.too_large")
	case http.StatusBadRequest:
		return domain.Errorf(domain.CodeMalformed, "error.malformed")
	case http.StatusForbidden:
		return domain.Errorf(domain.CodeForbidden, "error.csrf")
	case http.StatusUnauthorized:
		return domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	case http.StatusTooManyRequests:
		return domain.Errorf(domain.CodeRateLimited, "error.rate_limited")
	case http.StatusServiceUnavailable:
		return domain.Errorf(domain.CodeUnavailable, "error.unavailable")
	}
	return domain.Internal(err)
}

// ErrorBody is the JSON error shape of API.md.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code    domain.Code       `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Body renders an application error in a language.
func Body(e *domain.Error, lang string) ErrorBody {
	d := ErrorDetail{Code: e.Code, Message: i18n.T(lang, e.Message.Key, e.Message.Args...)}
	if len(e.Fields) > 0 {
		d.Fields = FieldMessages(e, lang)
	}
	return ErrorBody{Error: d}
}

// FieldMessages renders the per-field messages of a validation error.
func FieldMessages(e *domain.Error, lang string) map[string]string {
	out := make(map[string]string, len(e.Fields))
	for f, m := range e.Fields {
		out[f] = i18n.T(lang, m.Key, m.Args...)
	}
	return out
}
