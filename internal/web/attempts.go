package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/throttle"
)

// A guess at a secret (a password, a second-factor code) is counted before the secret is
// checked and given back once it proved right. Counting after the check let a burst of
// concurrent guesses all be checked before the first failure was counted.

// limitKey is one allowance an attempt draws on.
type limitKey struct {
	limiter throttle.Limiter
	key     string
}

// attempt is a guess counted against its allowances.
type attempt struct {
	keys []limitKey
}

// beginAttempt counts one guess against each allowance. If one is used up it gives back what
// it took and answers 429 with Retry-After. The allowances of guesses are counted in the
// database, shared by every instance (app.SharedLimiter): when it cannot be reached, the
// guess is not checked and the answer is 503.
func beginAttempt(c echo.Context, keys ...limitKey) (*attempt, error) {
	for i, k := range keys {
		ok, retry, err := k.limiter.Allow(c.Request().Context(), k.key)
		if err != nil || !ok {
			(&attempt{keys: keys[:i]}).notAGuess(c)
		}
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, rateLimited(c, retry)
		}
	}
	return &attempt{keys: keys}, nil
}

// notAGuess gives the attempt back: the answer said nothing about the secret (a malformed
// code, a busy server). It is given back even when the client has hung up meanwhile; a
// refund that fails leaves the guess counted, which errs on the side of the limit.
func (a *attempt) notAGuess(c echo.Context) {
	ctx := context.WithoutCancel(c.Request().Context())
	for _, k := range a.keys {
		if err := k.limiter.Refund(ctx, k.key); err != nil {
			slog.WarnContext(ctx, "attempt not given back", "err", err)
		}
	}
}

// succeeded gives the attempt back: the secret was right. It does not forgive the failures
// before it: a right password sent among a burst of guesses must not give the guesses after
// it a fresh allowance.
func (a *attempt) succeeded(c echo.Context) { a.notAGuess(c) }

// loginAttempt counts a guess at the password or code of an account from the client's
// address: against the account at this address, and against the address. The account is not
// locked everywhere, so guesses from elsewhere cannot keep its owner out.
func (s *Server) loginAttempt(c echo.Context, email string) (*attempt, error) {
	addr := clientKey(c)
	return beginAttempt(c, limitKey{s.accountLimit, strings.ToLower(strings.TrimSpace(email)) + "|" + addr}, limitKey{s.addressLimit, addr})
}

// clientKey is the client's address as rate limits count it: an IPv6 client is known by its
// /64, the block one subscriber is given, so it cannot take a fresh allowance per address.
func clientKey(c echo.Context) string {
	ip, err := netip.ParseAddr(c.RealIP())
	if err != nil {
		return c.RealIP()
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	p, _ := ip.Prefix(64)
	return p.String()
}

// A tracking code lets whoever holds it read, withdraw, erase and appeal an opinion, so wrong
// codes are limited per address like wrong voting codes. The allowance is generous: villagers
// on 3G share addresses, and a code read off paper is often mistyped.
const (
	trackFailures      = 20
	trackFailureWindow = 15 * time.Minute
)

// limitCodeGuesses counts every request with a tracking code against the address's allowance
// before the code is looked up, and gives it back unless the code was not found: only wrong
// codes use the allowance up, and once it is, the address is refused unchecked.
func (s *Server) limitCodeGuesses(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		try, err := beginAttempt(c, limitKey{s.trackLimit, clientKey(c)})
		if err != nil {
			return err
		}
		err = next(c)
		notFound := domain.IsCode(err, domain.CodeNotFound) || err == nil && c.Response().Status == http.StatusNotFound
		if !notFound {
			try.notAGuess(c)
		}
		return err
	}
}

// limitHouseholdCodes counts a request with a household code against the allowance of
// voting codes, whose kind it is, and gives it back unless the code was wrong.
func (s *Server) limitHouseholdCodes(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		try, err := beginAttempt(c, limitKey{s.voteLimit, clientKey(c)})
		if err != nil {
			return err
		}
		err = next(c)
		if !errors.Is(err, app.ErrBadVotingCode) {
			try.notAGuess(c)
		}
		return err
	}
}
