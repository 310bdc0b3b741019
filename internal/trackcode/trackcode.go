// Package trackcode issues and reads back the tracking code (mã tra cứu) a resident receives
// after submitting an opinion: ten Crockford base32 symbols ("7K3M9-QXP2D"). 50 random bits
// make guessing another resident's code impractical while staying short enough to dictate.
package trackcode

import "github.com/gopy-vn/gopy/internal/crockford"

// code bounds typed input at 64 bytes: a generously spaced code ("7 K 3 M 9 - Q X P 2 D") is
// still far below it.
var code = crockford.Code{Symbols: 10, MaxInput: 64}

// New returns a fresh random tracking code.
func New() string { return code.New() }

// Parse accepts a code the way a person might type or dictate it and returns the canonical
// form, so lookups compare equal strings.
func Parse(s string) (string, bool) { return code.Parse(s) }
