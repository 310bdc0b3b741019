// Package shortcode makes and reads the short codes residents copy by hand, read over the
// phone and photograph: the tracking code of an opinion (tracking.go) and the voting code of
// a household (vote.go). Both use Crockford's base32: no I, L, O (confused with 1 and 0) and
// no U (avoids accidental words), printed in groups of five, and reading is lenient about
// case, separators and those look-alike letters.
package shortcode

import (
	"crypto/rand"
	"strings"
)

const (
	alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	// group is about how many characters people hold in their head while copying.
	group = 5
)

// decode maps an input byte to its symbol value, -1 if it is a separator a person may type
// anywhere, and -2 if it is not allowed.
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

// kind is a kind of code: how many symbols it has (5 random bits each), and how long a typed
// input may be before it is refused unread, which bounds the work done on hostile input.
type kind struct {
	symbols  int
	maxInput int
}

// random returns a fresh random code in its printed form ("7K3M9-QXP2D").
func (k kind) random() string {
	b := make([]byte, k.symbols)
	// crypto/rand.Read never fails since Go 1.24; 256 is a multiple of 32, so masking keeps
	// every symbol uniform.
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return format(b)
}

// parse accepts a code as a person might type or dictate it and returns its canonical
// printed form, so lookups compare equal strings.
func (k kind) parse(s string) (string, bool) {
	if len(s) > k.maxInput {
		return "", false
	}
	b := make([]byte, 0, k.symbols)
	for i := 0; i < len(s); i++ {
		v := decode[s[i]]
		switch {
		case v == -1:
			continue
		case v < 0 || len(b) == k.symbols:
			return "", false
		}
		b = append(b, alphabet[v])
	}
	if len(b) != k.symbols {
		return "", false
	}
	return format(b), true
}

func format(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i += group {
		if i > 0 {
			sb.WriteByte('-')
		}
		sb.WriteString(string(b[i:min(i+group, len(b))]))
	}
	return sb.String()
}
