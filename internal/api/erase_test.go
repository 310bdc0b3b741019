package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestIdempotencyWithoutContactInHash checks that the hash kept to recognise a retry says
// nothing of the name and contact: a phone number has few enough values to be found again
// from a hash that covers it, long after the number itself was erased. Opinions that differ
// only in their contact keep the same hash. A retry is still the same submission in every
// field: the same key with another contact is refused like another text, and once the
// commenter erased their data, a retry is matched on the rest and brings nothing back.
func TestIdempotencyWithoutContactInHash(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		cons := env.OpenConsultation(t)
		in := func(contact string) map[string]any {
			m := map[string]any{"stance": "other", "body": "Xin gọi lại cho tôi về điều 5."}
			if contact != "" {
				m["contact"], m["consent"] = contact, true
			}
			return m
		}
		c := anon(t, env).with("Idempotency-Key", "hash-1")
		first := decodeAs[receiptJSON](t, c.post(opinionsPath(cons.ID), in("0912345678")), http.StatusCreated)
		if again := decodeAs[receiptJSON](t, c.post(opinionsPath(cons.ID), in("0912345678")), http.StatusCreated); again != first {
			t.Fatalf("retry: %+v, want %+v", again, first)
		}
		res := c.post(opinionsPath(cons.ID), in("0912345679"))
		if res.Status == http.StatusCreated {
			t.Fatalf("same key, other contact: 201 %s; want 422", abbrev(res.Body))
		}
		wantInvalid(t, res, "idempotency_key")
		if strings.Contains(res.Body, first.TrackingCode) {
			t.Errorf("same key, other contact: the answer reveals the first opinion's tracking code")
		}
		anon(t, env).with("Idempotency-Key", "hash-2").post(opinionsPath(cons.ID), in(""))
		anon(t, env).with("Idempotency-Key", "hash-3").post(opinionsPath(cons.ID), in("0987654321"))

		var rows, hashes int
		var empty bool
		err := env.Store.SQLDB().QueryRowContext(context.Background(), fmt.Sprintf(
			"SELECT COUNT(*), COUNT(DISTINCT request_hash), MIN(request_hash) = '' FROM opinions WHERE consultation_id = %d", cons.ID)).
			Scan(&rows, &hashes, &empty)
		if err != nil {
			t.Fatal(err)
		}
		if rows != 3 || hashes != 1 || empty {
			t.Fatalf("%d opinions with %d distinct hashes (one empty: %t); want 3 opinions sharing one hash", rows, hashes, empty)
		}

		if res := anon(t, env).post(api+"/opinions/"+first.TrackingCode+"/erase", nil); res.Status != http.StatusOK {
			t.Fatalf("erase: %d %s", res.Status, res.Body)
		}
		if again := decodeAs[receiptJSON](t, c.post(opinionsPath(cons.ID), in("0912345678")), http.StatusCreated); again.TrackingCode != first.TrackingCode {
			t.Fatalf("retry after erasure: %+v, want the first receipt", again)
		}
		o, err := env.Store.OpinionByCode(context.Background(), first.TrackingCode)
		if err != nil || o.Contact != "" || o.ErasedAt == nil {
			t.Fatalf("after erasure and a retry: contact %q erased %v (%v)", o.Contact, o.ErasedAt, err)
		}
	})
}

// TestIdempotencyKeyLength checks the documented limit of an Idempotency-Key: 64 characters,
// counted as characters, so a key of 64 Vietnamese letters (more than 64 bytes) is taken and
// repeats its receipt, and a 65th character is refused with 422 on idempotency_key.
func TestIdempotencyKeyLength(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		cons := env.OpenConsultation(t)
		in := map[string]any{"stance": "agree", "body": "Khóa dài bằng chữ có dấu."}
		key := strings.Repeat("ệ", 64)
		c := anon(t, env).with("Idempotency-Key", key)
		first := decodeAs[receiptJSON](t, c.post(opinionsPath(cons.ID), in), http.StatusCreated)
		if again := decodeAs[receiptJSON](t, c.post(opinionsPath(cons.ID), in), http.StatusCreated); again != first {
			t.Errorf("repeat with a 64-character key: %+v, want %+v", again, first)
		}
		wantInvalid(t, anon(t, env).with("Idempotency-Key", key+"ệ").post(opinionsPath(cons.ID), in), "idempotency_key")
	})
}
