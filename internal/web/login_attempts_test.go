package web_test

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"

	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// behindProxy trusts loopback as a reverse proxy, so a test can speak from any address with
// X-Forwarded-For.
func behindProxy(failures int) func(*config.Config) {
	return func(c *config.Config) {
		_, lo, _ := net.ParseCIDR("127.0.0.0/8")
		_, lo6, _ := net.ParseCIDR("::1/128")
		c.TrustedProxies = []*net.IPNet{lo, lo6}
		c.LoginFailures = failures
	}
}

func apiLogin(b *testutil.Browser, email, password, from string) *testutil.Response {
	return b.JSON(http.MethodPost, "/api/v1/session", fmt.Sprintf(`{"email":%q,"password":%q}`, email, password),
		map[string]string{"X-Forwarded-For": from})
}

// TestLoginBurstChecksNoMoreThanTheLimit sends 25 logins to one account at once, 24 wrong and
// the right one among them, with LOGIN_FAILURES at 5. Each is counted before its password is
// checked, so at most five wrong ones are checked at all (the right one, if it is checked,
// gives its own attempt back); the rest are refused with 429 unchecked. Before, all 24 wrong
// passwords were checked.
func TestLoginBurstChecksNoMoreThanTheLimit(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServerWith(t, st, behindProxy(5))
		statuses := make([]int, 25)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				password := fmt.Sprintf("đoán sai %d", i)
				if i == 12 {
					password = testutil.Password
				}
				statuses[i] = apiLogin(env.NewBrowser(t), env.OfficialA.Email, password, "203.0.113.7").Status
			}()
		}
		wg.Wait()
		wrong, refused := 0, 0
		for _, s := range statuses {
			switch s {
			case http.StatusUnauthorized:
				wrong++
			case http.StatusTooManyRequests:
				refused++
			case http.StatusOK:
			default:
				t.Errorf("unexpected status %d", s)
			}
		}
		if wrong > 5 || refused < 19 {
			t.Fatalf("%d wrong passwords checked and %d refused of 25, want at most 5 checked: %v", wrong, refused, statuses)
		}
		// The burst used the allowance: now even the right password is refused unchecked.
		if res := apiLogin(env.NewBrowser(t), env.OfficialA.Email, testutil.Password, "203.0.113.7"); statuses[12] != http.StatusOK && res.Status != http.StatusTooManyRequests {
			t.Fatalf("after the burst, right password: %d, want 429", res.Status)
		}
	})
}

// TestLockoutIsPerAddress: wrong passwords from one address lock the account at that address
// only, so whoever sends them cannot keep the owner out; a right password gives its attempt
// back; an IPv6 client is one client across its /64.
func TestLockoutIsPerAddress(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServerWith(t, st, behindProxy(2))
		b := env.NewBrowser(t)
		for i := range 2 {
			if res := apiLogin(b, env.OfficialA.Email, "sai", "198.51.100.1"); res.Status != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d", i+1, res.Status)
			}
		}
		if res := apiLogin(b, env.OfficialA.Email, testutil.Password, "198.51.100.1"); res.Status != http.StatusTooManyRequests {
			t.Fatalf("the attacker's address, right password: %d, want 429", res.Status)
		}
		if res := apiLogin(env.NewBrowser(t), env.OfficialA.Email, testutil.Password, "192.0.2.50"); res.Status != http.StatusOK {
			t.Fatalf("the owner from their own address: %d, want 200", res.Status)
		}

		// Right passwords are given back: many logins of one account from one address pass.
		for i := range 5 {
			if res := apiLogin(env.NewBrowser(t), env.ModeratorA.Email, testutil.Password, "192.0.2.60"); res.Status != http.StatusOK {
				t.Fatalf("login %d with the right password: %d", i+1, res.Status)
			}
		}

		// Two addresses of one /64 share an allowance; another /64 has its own.
		for i, from := range []string{"2001:db8:1:2::1", "2001:db8:1:2::ffff"} {
			if res := apiLogin(b, env.ObserverA.Email, "sai", from); res.Status != http.StatusUnauthorized {
				t.Fatalf("IPv6 wrong password %d: %d", i+1, res.Status)
			}
		}
		if res := apiLogin(b, env.ObserverA.Email, testutil.Password, "2001:db8:1:2:abcd::9"); res.Status != http.StatusTooManyRequests {
			t.Fatalf("a third address of the same /64: %d, want 429", res.Status)
		}
		if res := apiLogin(b, env.ObserverA.Email, testutil.Password, "2001:db8:1:3::1"); res.Status != http.StatusOK {
			t.Fatalf("another /64: %d, want 200", res.Status)
		}
	})
}
