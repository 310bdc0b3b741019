package web

import (
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/throttle"
)

// A guess at a secret (a password, a second-factor code) is counted before the secret is
// checked and given back once it proved right. Counting after the check let a burst of
// concurrent guesses all be checked before the first failure was counted.

// limitKey is one allowance an attempt draws on.
type limitKey struct {
	limiter *throttle.Limiter
	key     string
}

// attempt is a guess counted against its allowances. forgive, when set, is the allowance a
// right secret clears: the failures of an account at an address end with its owner's login.
type attempt struct {
	keys    []limitKey
	forgive *limitKey
}

// beginAttempt counts one guess against each allowance. If one is used up it gives back what
// it took and answers 429 with Retry-After.
func beginAttempt(c echo.Context, keys ...limitKey) (*attempt, error) {
	for i, k := range keys {
		if ok, retry := k.limiter.Allow(k.key); !ok {
			(&attempt{keys: keys[:i]}).notAGuess()
			return nil, rateLimited(c, retry)
		}
	}
	return &attempt{keys: keys}, nil
}

// notAGuess gives the attempt back: the answer said nothing about the secret (a malformed
// code, a busy server).
func (a *attempt) notAGuess() {
	for _, k := range a.keys {
		k.limiter.Refund(k.key)
	}
}

// succeeded gives the attempt back, and clears the failures it forgives: the secret was right.
func (a *attempt) succeeded() {
	a.notAGuess()
	if a.forgive != nil {
		a.forgive.limiter.Reset(a.forgive.key)
	}
}

// loginAttempt counts a guess at the password or code of an account from the client's
// address: against the account at this address, and against the address. The account is not
// locked everywhere, so guesses from elsewhere cannot keep its owner out.
func (s *Server) loginAttempt(c echo.Context, email string) (*attempt, error) {
	addr := clientKey(c)
	here := limitKey{s.accountLimit, strings.ToLower(strings.TrimSpace(email)) + "|" + addr}
	a, err := beginAttempt(c, here, limitKey{s.addressLimit, addr})
	if a != nil {
		a.forgive = &here
	}
	return a, err
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
