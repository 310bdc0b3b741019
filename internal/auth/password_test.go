package auth

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestPasswordHashing(t *testing.T) {
	pass := "Trăm năm trong cõi người ta, chữ tài chữ mệnh khéo là ghét nhau"
	hash, err := DefaultParams.Hash(pass)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q", hash)
	}
	for _, c := range []struct {
		name, try string
		want      bool
	}{
		{"same", pass, true},
		{"decomposed diacritics", norm.NFD.String(pass), true},
		{"last character differs", pass[:len(pass)-1] + "U", false},
		// bcrypt would ignore everything after 72 bytes; argon2id does not.
		{"long passphrase differs after 72 bytes", pass + " thêm", false},
		{"empty", "", false},
	} {
		ok, err := CheckPassword(hash, c.try)
		if err != nil || ok != c.want {
			t.Errorf("%s: ok=%v err=%v, want %v", c.name, ok, err, c.want)
		}
	}
	other, _ := DefaultParams.Hash(pass)
	if other == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if _, err := CheckPassword("$2a$10$bcrypt", pass); err == nil {
		t.Error("a malformed hash was accepted")
	}
}

// A hash records its own parameters: one made under the cheap test setting verifies, and so
// does one made under production's, whatever setting the checker runs with.
func TestHashesVerifyUnderTheirOwnParameters(t *testing.T) {
	pass := "mật khẩu đủ dài"
	cheap, err := TestParams.Hash(pass)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cheap, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("cheap hash %q", cheap)
	}
	for _, h := range []string{cheap, mustHash(t, DefaultParams, pass)} {
		if ok, err := CheckPassword(h, pass); !ok || err != nil {
			t.Errorf("%.30s…: ok=%v err=%v", h, ok, err)
		}
		if ok, _ := CheckPassword(h, pass+"x"); ok {
			t.Errorf("%.30s… accepted a wrong password", h)
		}
	}
	for _, bad := range []string{"$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$a2V5", "$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHQ$a2V5", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$"} {
		if _, err := CheckPassword(bad, pass); err == nil {
			t.Errorf("%s was taken for a hash", bad)
		}
	}
	TestParams.CheckDummy(pass) // must not panic, and costs the cheap setting
}

func mustHash(t *testing.T, p Params, pass string) string {
	t.Helper()
	h, err := p.Hash(pass)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestTokens(t *testing.T) {
	tok, hash, err := NewToken()
	if err != nil || !strings.HasPrefix(tok, "gopy_") || HashToken(tok) != hash || strings.Contains(hash, tok) {
		t.Fatalf("token %q hash %q err %v", tok, hash, err)
	}
	tok2, _, _ := NewToken()
	if tok2 == tok {
		t.Fatal("tokens repeat")
	}
}
