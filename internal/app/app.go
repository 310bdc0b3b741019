// Package app holds the use cases of Góp Ý: what an official, a resident and a moderator can
// do. The web pages and the JSON API both call it, so every rule is enforced once, here:
// validation, sanitising, authorisation and the law's periods.
package app

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-playground/validator/v10"

	"github.com/gopy-vn/gopy/internal/auth"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
)

// App carries the dependencies of the use cases.
type App struct {
	store   *store.Store
	Now     func() time.Time
	BaseURL string // the portal's public address, for links in e-mail (BASE_URL)
	// MailEnabled queues notices in the outbox only when a mail server is configured, so no
	// address waits in the database for a message that will never be sent.
	MailEnabled bool
	// RetentionDays is how many days after a consultation's results are published its
	// commenters' contacts are kept (RETENTION_DAYS); zero means the default, 90. The opinion
	// form says it, and PurgeExpired keeps to it.
	RetentionDays int
	// Calendar tells working days from holidays, for the deadlines the law counts in working
	// days; the zero Calendar means the default one (see calendar).
	Calendar domain.Calendar
	validate *validator.Validate
	// passwords are the cost parameters of new password hashes (auth.DefaultParams unless an
	// Option says otherwise).
	passwords auth.Params
	// passwordSlots bounds the password checks running at once (passwords.go).
	passwordSlots chan struct{}
	// themes caches Themes per consultation (themes.go); its zero value is ready to use.
	themes themeCache
	// group runs the work that outlives a request (background.go).
	group *group
}

// Option changes how New builds the App.
type Option func(*App)

// WithPasswordParams hashes new staff passwords with p instead of auth.DefaultParams. Tests
// use auth.TestParams, which costs almost nothing; hashes already stored keep verifying, as
// each records its own parameters.
func WithPasswordParams(p auth.Params) Option { return func(a *App) { a.passwords = p } }

// New builds the App on a store and starts the store's opinion writer in the App's
// background group; Shutdown stops it.
func New(st *store.Store, opts ...Option) *App {
	v := validator.New(validator.WithRequiredStructEnabled())
	// Field errors are reported under the JSON names that API clients and forms use.
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	a := &App{store: st, Now: func() time.Time { return time.Now().UTC() }, Calendar: domain.DefaultCalendar(),
		validate: v, passwords: auth.DefaultParams}
	for _, opt := range opts {
		opt(a)
	}
	a.newPasswordSlots()
	// The store stamps rows with the App's clock, read at each use: a test that sets a.Now
	// after New sets the store's time too.
	st.SetClock(func() time.Time { return a.Now() })
	a.group = newGroup()
	a.Go(st.RunWriter)
	a.Go(st.ListenForChanges)
	return a
}

// Ping reports whether the database answers, for the readiness probe.
func (a *App) Ping(ctx context.Context) error { return wrap(a.store.Ping(ctx)) }

// SessionStore is where the web server keeps its sessions: in the database, so that every
// instance of the portal sees the same ones.
func (a *App) SessionStore() scs.Store { return a.store.SessionStore() }

// DatabaseKind names the database the portal runs on ("postgres" or "sqlite"), for the log.
func (a *App) DatabaseKind() string { return string(a.store.Dialect()) }

// calendar is the App's calendar, or Vietnam's default holidays when none was set, so an
// App built in a test or a tool never counts every weekday as a working day by mistake.
func (a *App) calendar() domain.Calendar {
	if a.Calendar.IsZero() {
		return domain.DefaultCalendar()
	}
	return a.Calendar
}

// check validates a struct and turns validator errors into a domain error with one locale
// key per field ("validation.required", "validation.max", …) and the rule's parameter.
func (a *App) check(in any) error {
	err := a.validate.Struct(in)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return domain.Internal(err)
	}
	fields := map[string]domain.Message{}
	for _, fe := range verrs {
		if _, seen := fields[fe.Field()]; seen {
			continue
		}
		msg := domain.Message{Key: "validation." + fe.Tag()}
		// Only a rule whose message shows its parameter passes it on: required_if's
		// "Reason other" is a condition, not something to print.
		if fe.Param() != "" && paramShown[fe.Tag()] {
			msg.Args = []any{fe.Param()}
		}
		fields[fe.Field()] = msg
	}
	return domain.Invalid(fields)
}

// paramShown lists the validation rules whose message prints the rule's parameter
// ("Tối đa %v ký tự.").
var paramShown = map[string]bool{"max": true, "min": true, "oneof": true}

// mergeInvalid adds field messages to a validation error, or starts one.
func mergeInvalid(err error, field, key string, args ...any) error {
	var de *domain.Error
	if errors.As(err, &de) && de.Code == domain.CodeInvalid {
		if _, seen := de.Fields[field]; !seen {
			de.Fields[field] = domain.Message{Key: key, Args: args}
		}
		return de
	}
	if err != nil {
		return err
	}
	return domain.InvalidField(field, key, args...)
}

// wrap passes domain errors through, answers "unavailable" when the database could not be
// reached (a retry may succeed), and hides anything else behind an internal error.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return de
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || store.IsUnavailable(err) {
		return domain.Errorf(domain.CodeUnavailable, "error.unavailable")
	}
	if store.IsBadText(err) {
		return domain.Errorf(domain.CodeMalformed, "error.nul")
	}
	return domain.Internal(err)
}

// authorize checks that the actor holds perm over a unit (or one above it).
func (a *App) authorize(ctx context.Context, actor *domain.Actor, perm domain.Permission, unitID int64) error {
	if actor == nil {
		return domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	ancestry, err := a.store.UnitAncestry(ctx, unitID)
	if err != nil {
		return wrap(err)
	}
	if !actor.Can(perm, ancestry) {
		return domain.Errorf(domain.CodeForbidden, "error.forbidden")
	}
	return nil
}

// consultationFor loads a consultation for a use case: the actor must hold perm over its
// unit, and, when statuses are given, it must be in one of them (a conflict with the message
// wrongStatus otherwise). It is the load, authorise and require-status step that acting on a
// consultation begins with.
func (a *App) consultationFor(ctx context.Context, actor *domain.Actor, perm domain.Permission, id int64, wrongStatus string, statuses ...domain.Status) (*domain.Consultation, error) {
	c, err := a.store.ConsultationByID(ctx, id)
	if err != nil {
		return nil, wrap(err)
	}
	if err := a.authorize(ctx, actor, perm, c.UnitID); err != nil {
		return nil, err
	}
	if len(statuses) > 0 && !slices.Contains(statuses, c.Status) {
		return nil, domain.Errorf(domain.CodeConflict, wrongStatus)
	}
	return c, nil
}

// scope returns the IDs of every unit where the actor holds perm, subtrees included.
func (a *App) scope(ctx context.Context, actor *domain.Actor, perm domain.Permission) ([]int64, error) {
	if actor == nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	roots := actor.UnitIDs(perm)
	if len(roots) == 0 {
		return nil, domain.Errorf(domain.CodeForbidden, "error.forbidden")
	}
	ids, err := a.store.UnitSubtree(ctx, roots)
	return ids, wrap(err)
}
