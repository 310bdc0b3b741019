package throttle

import (
	"context"
	"testing"
	"time"
)

func TestMemory(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	l := New(3, time.Hour)
	l.Now = func() time.Time { return now }
	allow := func(key string) (bool, time.Duration) {
		ok, retry, err := l.Allow(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return ok, retry
	}
	for i := range 3 {
		if ok, _ := allow("a"); !ok {
			t.Fatalf("event %d refused", i+1)
		}
	}
	ok, retry := allow("a")
	if ok || retry != time.Hour {
		t.Fatalf("fourth event: ok=%v retry=%v", ok, retry)
	}
	if ok, _ := allow("b"); !ok {
		t.Fatal("another key is limited too")
	}
	_ = l.Refund(ctx, "a")
	if ok, _ := allow("a"); !ok {
		t.Fatal("a refunded event was not given back")
	}
	now = now.Add(45 * time.Minute)
	if ok, retry := allow("a"); ok || retry != 15*time.Minute {
		t.Fatalf("ok=%v retry=%v", ok, retry)
	}
	now = now.Add(15 * time.Minute)
	if ok, _ := allow("a"); !ok {
		t.Fatal("a new window did not start")
	}
	now = now.Add(2 * time.Hour)
	allow("c")
	if len(l.windows) != 1 {
		t.Fatalf("%d windows kept after they expired, want 1", len(l.windows))
	}
}
