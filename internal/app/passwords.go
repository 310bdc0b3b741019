package app

import (
	"context"
	"runtime"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// Password checks are bounded: each argon2id check holds its hash's memory (64 MiB under
// auth.DefaultParams) and a core for a tenth of a second, so a burst of logins could
// otherwise take the process past its memory. At most one check runs per core, and no more
// than passwordMemoryBudget holds at once; a login that finds every slot taken waits
// passwordWait, then is answered 503 with Retry-After.
const (
	passwordMemoryBudget = 128 << 10 // KiB
	passwordWait         = 3 * time.Second
)

// newPasswordSlots makes the slots for the App's hash parameters.
func (a *App) newPasswordSlots() {
	n := runtime.GOMAXPROCS(0)
	if byMemory := int(passwordMemoryBudget / max(a.passwords.MemoryKiB, 1)); byMemory < n {
		n = byMemory
	}
	a.passwordSlots = make(chan struct{}, max(n, 1))
}

// passwordSlot waits for a free slot and returns its release.
func (a *App) passwordSlot(ctx context.Context) (release func(), err error) {
	wait := time.NewTimer(passwordWait)
	defer wait.Stop()
	select {
	case a.passwordSlots <- struct{}{}:
		return func() { <-a.passwordSlots }, nil
	case <-wait.C:
		return nil, domain.Errorf(domain.CodeUnavailable, "error.unavailable")
	case <-ctx.Done():
		return nil, wrap(ctx.Err())
	}
}
