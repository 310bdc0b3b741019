package shortcode

// The tracking code (mã tra cứu) a resident receives after submitting an opinion: ten symbols
// ("7K3M9-QXP2D"). 50 random bits make guessing another resident's code impractical while
// staying short enough to dictate. Typed input is bounded at 64 bytes: a generously spaced
// code ("7 K 3 M 9 - Q X P 2 D") is still far below it.
var tracking = kind{symbols: 10, maxInput: 64}

// NewTracking returns a fresh random tracking code.
func NewTracking() string { return tracking.random() }

// ParseTracking accepts a tracking code the way a person might type or dictate it and
// returns the canonical form, so lookups compare equal strings.
func ParseTracking(s string) (string, bool) { return tracking.parse(s) }
