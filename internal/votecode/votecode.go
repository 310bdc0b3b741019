// Package votecode is the old name of the household voting code, now in package shortcode.
// It forwards there until the household use cases (internal/app/household.go) import
// shortcode themselves; it then goes.
//
// Deprecated: use shortcode.NewVote, shortcode.ParseVote and shortcode.HashVote.
package votecode

import "github.com/gopy-vn/gopy/internal/shortcode"

// New is shortcode.NewVote.
func New() string { return shortcode.NewVote() }

// Parse is shortcode.ParseVote.
func Parse(s string) (string, bool) { return shortcode.ParseVote(s) }

// Hash is shortcode.HashVote.
func Hash(ballotID int64, code string) string { return shortcode.HashVote(ballotID, code) }
