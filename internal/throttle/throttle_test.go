package throttle

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	l := New(3, time.Hour)
	l.Now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("event %d refused", i+1)
		}
	}
	ok, retry := l.Allow("a")
	if ok || retry != time.Hour {
		t.Fatalf("fourth event: ok=%v retry=%v", ok, retry)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another key is limited too")
	}
	now = now.Add(45 * time.Minute)
	if blocked, retry := l.Blocked("a"); !blocked || retry != 15*time.Minute {
		t.Fatalf("blocked=%v retry=%v", blocked, retry)
	}
	now = now.Add(15 * time.Minute)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("a new window did not start")
	}
	l.Reset("a")
	if blocked, _ := l.Blocked("a"); blocked {
		t.Fatal("reset did not forget")
	}
	now = now.Add(2 * time.Hour)
	l.Allow("c")
	if len(l.windows) != 1 {
		t.Fatalf("%d windows kept after they expired, want 1", len(l.windows))
	}
}
