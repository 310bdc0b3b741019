// Package votecode issues the voting codes handed to households for online voting, reads
// them back as people type them, and hashes them for storage.
//
// A code is printed on a slip and typed on a phone, so it uses the same Crockford base32
// alphabet as tracking codes (no I, L, O, U; lenient about case, spaces, dashes and the
// look-alike letters). It is longer than a tracking code: only its hash is stored, and 75
// random bits keep a copy of the database from revealing the codes still unused by trying
// them all, while guessing one over the network stays hopeless under the rate limit.
package votecode

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/gopy-vn/gopy/internal/crockford"
)

// code is longer than a tracking code: 15 symbols, 75 random bits.
var code = crockford.Code{Symbols: 15, MaxInput: 80}

// New returns a fresh random code in its printed form, "XXXXX-XXXXX-XXXXX".
func New() string { return code.New() }

// Parse accepts a code as a person might type it and returns its canonical form.
func Parse(s string) (string, bool) { return code.Parse(s) }

// Hash is what is stored of a canonical code. The ballot's number is part of it, so the
// same code in two ballots hashes differently and one table of hashes serves every ballot.
func Hash(ballotID int64, code string) string {
	sum := sha256.Sum256([]byte("gopy-vote:" + strconv.FormatInt(ballotID, 10) + ":" + code))
	return hex.EncodeToString(sum[:])
}
