package app

// Two-step login for staff: after the password, a one-time code from an authenticator app
// on the phone. The codes are TOTP (RFC 6238) as those apps make them: HMAC-SHA-1, 6 digits,
// a new code every 30 seconds. A code is accepted one step either side of the server's
// clock, for phones whose clock is a little off, and never twice: the last accepted step is
// kept per account, so a code read over a shoulder or from a log cannot be replayed.

import (
	"context"
	"encoding/base32"
	"errors"
	"strings"
	"time"
	"unicode"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"github.com/gopy-vn/gopy/internal/domain"
)

const (
	totpIssuer     = "Góp Ý"
	totpPeriod     = 30 // seconds per step
	totpDigits     = 6
	totpSkew       = 1  // steps accepted either side of the current one
	totpSecretSize = 20 // bytes: 160 bits, as RFC 4226 recommends
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// ErrCodeNeeded is what Login returns, together with the actor, when the password is right
// but the account has a second factor on: the caller must not sign it in before a code has
// been checked with LoginWithCode. Callers that do not know about codes fail closed.
var ErrCodeNeeded = domain.Errorf(domain.CodeUnauthorized, "error.totp_required")

// IsCodeNeeded reports whether err is ErrCodeNeeded.
func IsCodeNeeded(err error) bool { return errors.Is(err, ErrCodeNeeded) }

// TOTPState is what the set-up page shows: whether the second factor is on, and while it is
// not, the pending secret to type into an app.
type TOTPState struct {
	Enabled   bool
	EnabledAt time.Time
	Issuer    string
	Account   string
	Secret    string // base32, only while pending
	URI       string // otpauth:// key URI of the pending secret
}

// TOTPSetup returns the actor's second-factor state. When it is off, the account gets a
// pending secret (kept until it is confirmed, so reloading the page or scanning twice does
// not invalidate what the app already has).
func (a *App) TOTPSetup(ctx context.Context, actor *domain.Actor) (*TOTPState, error) {
	if actor == nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	st, err := a.store.StaffByID(ctx, actor.StaffID)
	if err != nil {
		return nil, wrap(err)
	}
	if st.TOTPEnabled == nil && st.TOTPSecret == "" {
		key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: st.Email,
			Period: totpPeriod, SecretSize: totpSecretSize, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return nil, wrap(err)
		}
		stored, err := a.store.SetPendingTOTPSecret(ctx, st.ID, key.Secret())
		if err != nil {
			return nil, wrap(err)
		}
		if stored {
			st.TOTPSecret = key.Secret()
		} else if st, err = a.store.StaffByID(ctx, actor.StaffID); err != nil { // another request was first
			return nil, wrap(err)
		}
	}
	s := &TOTPState{Issuer: totpIssuer, Account: st.Email}
	if st.TOTPEnabled != nil {
		s.Enabled, s.EnabledAt = true, *st.TOTPEnabled
		return s, nil
	}
	s.Secret = st.TOTPSecret
	if s.URI, err = keyURI(st.TOTPSecret, st.Email); err != nil {
		return nil, wrap(err)
	}
	return s, nil
}

// keyURI builds the otpauth:// URI of a stored secret (Key URI Format of Google
// Authenticator, which the other apps follow too).
func keyURI(secret, email string) (string, error) {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return "", err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: email, Period: totpPeriod,
		Secret: raw, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", err
	}
	return key.String(), nil
}

// EnableTOTP switches the second factor on once the actor proves, with a current code, that
// their app holds the pending secret.
func (a *App) EnableTOTP(ctx context.Context, actor *domain.Actor, code string) error {
	if actor == nil {
		return domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	code, err := normalizeCode(code)
	if err != nil {
		return err
	}
	st, err := a.store.StaffByID(ctx, actor.StaffID)
	if err != nil {
		return wrap(err)
	}
	if st.TOTPEnabled != nil {
		return domain.Errorf(domain.CodeConflict, "error.totp_already_on")
	}
	if st.TOTPSecret == "" {
		return domain.Errorf(domain.CodeConflict, "error.totp_no_secret")
	}
	step, res := matchStep(st.TOTPSecret, code, a.Now(), st.TOTPLastStep)
	if res != codeOK {
		return wrongCode(res, domain.CodeInvalid)
	}
	return a.inTx(ctx, func(ctx context.Context) error {
		done, err := a.store.EnableTOTP(ctx, st.ID, st.TOTPSecret, step, a.Now())
		if err != nil {
			return err
		}
		if !done {
			return domain.Errorf(domain.CodeConflict, "error.totp_changed")
		}
		return a.audit(ctx, actor, "totp.enable", "staff", st.ID, homeUnit(actor), "")
	})
}

// DisableTOTP switches the second factor off and forgets its secret. It needs a current
// code, so a session left open on a shared computer is not enough. A wrong code is an
// unauthorized error, which the caller counts against the login throttles.
func (a *App) DisableTOTP(ctx context.Context, actor *domain.Actor, code string) error {
	if actor == nil {
		return domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	code, err := normalizeCode(code)
	if err != nil {
		return err
	}
	st, err := a.store.StaffByID(ctx, actor.StaffID)
	if err != nil {
		return wrap(err)
	}
	if st.TOTPEnabled == nil {
		return domain.Errorf(domain.CodeConflict, "error.totp_not_on")
	}
	step, res := matchStep(st.TOTPSecret, code, a.Now(), st.TOTPLastStep)
	if res != codeOK {
		return wrongCode(res, domain.CodeUnauthorized)
	}
	return a.inTx(ctx, func(ctx context.Context) error {
		done, err := a.store.DisableTOTP(ctx, st.ID, step)
		if err != nil {
			return err
		}
		if !done { // a concurrent request used this step first
			return wrongCode(codeReused, domain.CodeUnauthorized)
		}
		return a.audit(ctx, actor, "totp.disable", "staff", st.ID, homeUnit(actor), "")
	})
}

// LoginWithCode completes a login whose password Login accepted with ErrCodeNeeded. A wrong
// or reused code is an unauthorized error (counted by the caller like a wrong password) and
// is written to the audit log.
func (a *App) LoginWithCode(ctx context.Context, staffID int64, code string) (*domain.Actor, error) {
	code, err := normalizeCode(code)
	if err != nil {
		return nil, err
	}
	st, err := a.store.StaffByID(ctx, staffID)
	if err != nil {
		if !domain.IsCode(err, domain.CodeNotFound) {
			return nil, wrap(err)
		}
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.login_failed")
	}
	if st.DisabledAt != nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.login_failed")
	}
	if st.TOTPEnabled == nil { // switched off meanwhile, in another window: start again
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.totp_expired")
	}
	actor, err := a.actorOf(ctx, st)
	if err != nil {
		return nil, err
	}
	step, res := matchStep(st.TOTPSecret, code, a.Now(), st.TOTPLastStep)
	if res == codeOK {
		// The step is claimed and the login logged together: a login that cannot be logged
		// is refused, and leaves its code unused.
		claimed := false
		err := a.inTx(ctx, func(ctx context.Context) error {
			var err error
			if claimed, err = a.store.ClaimTOTPStep(ctx, st.ID, step); err != nil || !claimed {
				return err
			}
			return a.audit(ctx, actor, "login", "staff", st.ID, homeUnit(actor), "")
		})
		if err != nil {
			return nil, err
		}
		if claimed {
			return actor, nil
		}
		res = codeReused // a concurrent request used this step first
	}
	a.auditAttempt(ctx, actor, "login.totp_failed", st.ID)
	return nil, wrongCode(res, domain.CodeUnauthorized)
}

// normalizeCode drops the spaces some apps show in a code ("123 456") and checks what is
// left: six ASCII digits. Its errors name the field "code".
func normalizeCode(raw string) (string, error) {
	code := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, raw)
	if code == "" {
		return "", domain.InvalidField("code", "validation.required")
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return "", domain.InvalidField("code", "validation.totp_digits")
		}
	}
	if len(code) != totpDigits {
		return "", domain.InvalidField("code", "validation.totp_length", totpDigits)
	}
	return code, nil
}

type codeResult int

const (
	codeWrong  codeResult = iota // matches no step in the window
	codeReused                   // matches only steps already used
	codeOK
)

// matchStep finds the time step whose code is code: the step of now first, then the steps
// within totpSkew on either side. Steps at or before lastStep have been used and are
// refused. It returns the matching step, to be recorded as the new last step.
func matchStep(secret, code string, now time.Time, lastStep int64) (int64, codeResult) {
	current := now.Unix() / totpPeriod
	res := codeWrong
	steps := []int64{current}
	for i := int64(1); i <= totpSkew; i++ {
		steps = append(steps, current-i, current+i)
	}
	for _, step := range steps {
		if step < 0 {
			continue
		}
		ok, err := hotp.ValidateCustom(code, uint64(step), secret, totpOpts)
		if err != nil || !ok {
			continue
		}
		if step <= lastStep {
			res = codeReused
			continue
		}
		return step, codeOK
	}
	return 0, res
}

// wrongCode is the error for a code that did not match: an invalid field while setting up,
// unauthorized where the code guards access (login, switching off).
func wrongCode(res codeResult, code domain.Code) error {
	key := "validation.totp_wrong"
	if res == codeReused {
		key = "validation.totp_reused"
	}
	e := domain.InvalidField("code", key)
	if code == domain.CodeUnauthorized {
		e.Code, e.Message = code, domain.Message{Key: "error.totp_wrong"}
	}
	return e
}
