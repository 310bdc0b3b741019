package shortcode

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// The voting code handed to a household for online voting, printed on a slip and typed on a
// phone. It is longer than a tracking code, 15 symbols ("XXXXX-XXXXX-XXXXX"): only its hash
// is stored, and 75 random bits keep a copy of the database from revealing the codes still
// unused by trying them all, while guessing one over the network stays hopeless under the
// rate limit.
var vote = kind{symbols: 15, maxInput: 80}

// NewVote returns a fresh random voting code in its printed form.
func NewVote() string { return vote.random() }

// ParseVote accepts a voting code as a person might type it and returns its canonical form.
func ParseVote(s string) (string, bool) { return vote.parse(s) }

// HashVote is what is stored of a canonical voting code. The ballot's number is part of it,
// so the same code in two ballots hashes differently and one table of hashes serves every
// ballot.
func HashVote(ballotID int64, code string) string {
	sum := sha256.Sum256([]byte("gopy-vote:" + strconv.FormatInt(ballotID, 10) + ":" + code))
	return hex.EncodeToString(sum[:])
}

// HashHousehold is what is stored of a household's code for the initiatives of its village
// (a voting code in form, printed on the village's sheet the same way). The village's number
// is part of it, as the ballot's is of a voting code.
func HashHousehold(villageID int64, code string) string {
	sum := sha256.Sum256([]byte("gopy-household:" + strconv.FormatInt(villageID, 10) + ":" + code))
	return hex.EncodeToString(sum[:])
}
