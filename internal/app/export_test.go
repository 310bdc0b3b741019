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
