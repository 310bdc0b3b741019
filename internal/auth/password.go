// Package auth hashes staff passwords and bearer tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Params are the argon2id cost parameters of new password hashes. Every hash records the
// parameters it was made with, so a hash made under one setting still verifies under another.
type Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory per hash, in KiB
	Threads   uint8  // lanes
}

// DefaultParams is the production setting: RFC 9106's second recommended option (t=3,
// 64 MiB), with two lanes.
var DefaultParams = Params{Time: 3, MemoryKiB: 64 * 1024, Threads: 2}

// TestParams is a setting that costs almost nothing, for tests that create and log in many
// accounts. It must never protect a real password.
var TestParams = Params{Time: 1, MemoryKiB: 64, Threads: 1}

const (
	keyLen  = 32
	saltLen = 16
)

// MinPasswordLength is the shortest password accepted for a new staff password, in characters.
const MinPasswordLength = 12

// Hash returns an argon2id hash in PHC string format. The password is NFC-normalised first,
// so a Vietnamese passphrase typed on different keyboards (composed or decomposed diacritics)
// gives the same hash; argon2id, unlike bcrypt, uses every byte of a long one.
func (p Params) Hash(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(norm.NFC.String(password)), salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: malformed password hash")

// CheckPassword reports whether password matches a hash made by Params.Hash, in constant
// time, with the parameters the hash records.
func CheckPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var mem uint32
	var iter uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iter, &threads); err != nil || iter == 0 || threads == 0 {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(norm.NFC.String(password)), salt, iter, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHashes holds, per Params, the hash checked against when an account does not exist, so
// a login for an unknown e-mail takes as long as one for a known e-mail. It is made on first
// use, so a process that never checks a password never pays for it.
var dummyHashes sync.Map // Params → func() string

// CheckDummy spends the time of one password check under these parameters.
func (p Params) CheckDummy(password string) {
	f, _ := dummyHashes.LoadOrStore(p, sync.OnceValue(func() string {
		h, _ := p.Hash("gopy-dummy-password")
		return h
	}))
	_, _ = CheckPassword(f.(func() string)(), password)
}

// NewToken returns a random bearer token and the hash to store; only the hash is kept.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = "gopy_" + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken hashes a bearer token for lookup. Tokens are 256 random bits, so a fast hash is enough.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// RandomPassword returns a readable random password for demo accounts.
func RandomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
