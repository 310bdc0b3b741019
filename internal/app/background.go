package app

import (
	"context"
	"sync"
	"time"

	"github.com/gopy-vn/gopy/internal/cache"
	"github.com/gopy-vn/gopy/internal/store"
)

// Work that outlives a request runs in one group per App: the store's opinion writer (started
// by New), the workers the server starts with Go (mail, the purge of contacts), and the
// recomputations of themes and public figures. Shutdown ends the group's context and waits
// for all of it, so the server calls it after the HTTP server has stopped and before it
// closes the store: nothing then runs against a closed pool.
type group struct {
	ctx    context.Context // ended by Shutdown
	cancel context.CancelFunc

	mu     sync.Mutex // guards closed, and orders every Add before Shutdown's Wait
	closed bool
	all    sync.WaitGroup // every goroutine of the group
	jobs   sync.WaitGroup // the recomputations, which WaitForBackground waits for
}

func newGroup() *group {
	ctx, cancel := context.WithCancel(context.Background())
	return &group{ctx: ctx, cancel: cancel}
}

// start runs fn in a goroutine of the group, or reports false once the group is shut down.
func (g *group) start(job bool, fn func(ctx context.Context)) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.all.Add(1)
	if job {
		g.jobs.Add(1)
	}
	go func() {
		defer g.all.Done()
		if job {
			defer g.jobs.Done()
		}
		fn(g.ctx)
	}()
	return true
}

// Go runs fn in a goroutine of the App's background group. fn's context ends when Shutdown
// is called, and fn must then return soon: Shutdown waits for it. Once Shutdown has been
// called, Go reports false and does not run fn.
func (a *App) Go(fn func(ctx context.Context)) bool { return a.group.start(false, fn) }

// Shutdown stops the App's background work and waits for it: it ends the context of every
// goroutine of the group, lets the opinion writer write what was queued, and returns when
// all have returned. The store may be closed after it. Background work asked for later is
// not started.
func (a *App) Shutdown() {
	g := a.group
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.cancel()
	g.all.Wait()
}

// WaitForBackground returns once the recomputations the App started in the background have
// ended, such as recomputing a consultation's themes after its opinions changed. It waits
// for those started before it is called; tests and benchmarks call it between views, not
// during them. Unlike Shutdown it stops nothing.
func (a *App) WaitForBackground() { a.group.jobs.Wait() }

// goDetached runs a recomputation in the background group. Its context keeps ctx's values
// (for the log) but neither its end nor its transaction, since it outlives the request; it
// ends after timeout, so that a hung database cannot keep it running for ever, and at
// Shutdown. It reports false, without running fn, once Shutdown has been called.
func (a *App) goDetached(ctx context.Context, timeout time.Duration, fn func(ctx context.Context)) bool {
	values := context.WithoutCancel(store.OutsideTx(ctx))
	return a.group.start(true, func(group context.Context) {
		ctx, cancel := context.WithTimeout(values, timeout)
		defer cancel()
		stop := context.AfterFunc(group, cancel)
		defer stop()
		fn(ctx)
	})
}

// shuttingDown reports whether Shutdown has ended the background group's context, so a
// recomputation cut short by it need not be reported as a failure.
func (a *App) shuttingDown() bool { return a.group.ctx.Err() != nil }

// Changes says when what the caches of this instance copy last changed, here or on
// another instance sharing the database (store/notify.go): the web server's cache of
// public pages depends on it.
func (a *App) Changes() *cache.Versions { return a.store.Changes() }
