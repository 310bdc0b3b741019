// Package trackcode issues and reads back the tracking code (mã tra cứu) a
// resident receives after submitting an opinion.
//
// Codes are copied by hand, read over the phone and photographed, so they
// use Crockford base32: no I, L, O (confused with 1 and 0) and no U (avoids
// accidental words); reading is lenient about case, separators and those
// look-alike letters.
package trackcode

import "crypto/rand"

const (
	alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	symbols  = 10
	group    = 5
	// maxInput bounds the work done on hostile input; a generously spaced
	// code ("7 K 3 M 9 - Q X P 2 D") is still far below it.
	maxInput = 64
)

// decode maps an input byte to its symbol value, -1 if it is a separator the
// user may type anywhere, and -2 if it is not allowed.
var decode = func() (t [256]int8) {
	for i := range t {
		t[i] = -2
	}
	for i := 0; i < len(alphabet); i++ {
		c := alphabet[i]
		t[c] = int8(i)
		if 'A' <= c && c <= 'Z' {
			t[c+'a'-'A'] = int8(i)
		}
	}
	// Crockford look-alikes: what people write for 0 and 1.
	for _, c := range "oO" {
		t[c] = 0
	}
	for _, c := range "iIlL" {
		t[c] = 1
	}
	for _, c := range " \t\r\n\v\f-." {
		t[c] = -1
	}
	return t
}()

// New returns a fresh random code; 50 bits make guessing another resident's code impractical while staying short enough to dictate.
func New() string {
	var b [symbols]byte
	// Since Go 1.24 crypto/rand.Read never returns an error (it crashes
	// instead), so there is no failure to hand on. 256 is a multiple of 32,
	// so masking keeps every symbol uniform.
	rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return format(b)
}

// Parse accepts a code the way a person might type or dictate it and returns the canonical form, so lookups compare equal strings.
func Parse(s string) (code string, ok bool) {
	if len(s) > maxInput {
		return "", false
	}
	var b [symbols]byte
	n := 0
	for i := 0; i < len(s); i++ {
		v := decode[s[i]]
		switch {
		case v == -1:
			continue
		case v < 0 || n == symbols:
			return "", false
		}
		b[n] = alphabet[v]
		n++
	}
	if n != symbols {
		return "", false
	}
	return format(b), true
}

// format groups the symbols because five characters is about what people
// hold in their head while copying.
func format(b [symbols]byte) string {
	return string(b[:group]) + "-" + string(b[group:])
}
