package app

// SetThemeRecomputeHook installs a function that every background recomputation of themes
// (see Themes) calls in its goroutine before it reads the opinions; an error it returns fails
// the recomputation as a database error would. The tests use it to hold a recomputation while
// they look at the themes, to count recomputations and to make one fail; nil removes it.
func (a *App) SetThemeRecomputeHook(hook func() error) {
	a.themes.mu.Lock()
	defer a.themes.mu.Unlock()
	a.themes.hook = hook
}

// SetThemeSyncLimit lowers the number of approved opinions past which the first view of a
// consultation computes its themes in the background, so a test needs a few opinions, not
// twenty thousand; zero restores the default.
func (a *App) SetThemeSyncLimit(n int) {
	a.themes.mu.Lock()
	defer a.themes.mu.Unlock()
	a.themes.limit = n
}

// HoldPasswordSlots takes every slot for password checks, as a burst of logins would, until
// the returned function is called.
func (a *App) HoldPasswordSlots() (release func()) {
	for range cap(a.passwordSlots) {
		a.passwordSlots <- struct{}{}
	}
	return func() {
		for range cap(a.passwordSlots) {
			<-a.passwordSlots
		}
	}
}

// PasswordSlots is how many password checks may run at once.
func (a *App) PasswordSlots() int { return cap(a.passwordSlots) }

// SetThemePage sets how many opinions the theme filter reads at a time, so a test crosses
// pages with a few dozen opinions; zero restores the default.
func (a *App) SetThemePage(n int) {
	a.themes.mu.Lock()
	defer a.themes.mu.Unlock()
	a.themes.page = n
}
