package faults

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAChangeOnOneInstanceReachesTheOthers: three instances behind a balancer, each with its
// copies in memory (the rows that check an opinion, the shared public pages). An official
// withdraws the open consultation through the first instance; the second refuses the next
// opinion, and the third shows the consultation withdrawn, within a second (PostgreSQL's
// NOTIFY, store/notify.go).
func TestAChangeOnOneInstanceReachesTheOthers(t *testing.T) {
	tr := startTrio(t)
	urls := tr.URLs()
	cid := openConsultation(t, tr.Balancer)
	page := fmt.Sprintf("/c/%d", cid)

	// Each instance copies the consultation: it takes an opinion and shows the page.
	client := &http.Client{Timeout: 5 * time.Second}
	for i, u := range urls {
		if o := post(client, u, cid, newSubmission(90+i, 0)); o.Status != http.StatusCreated {
			t.Fatalf("opinion through instance %d: %d %v", i+1, o.Status, o.Err)
		}
		if status, body := get(t, client, u+page); status != http.StatusOK || strings.Contains(body, "withdrawn-note") {
			t.Fatalf("page on instance %d: %d, withdrawn already", i+1, status)
		}
	}

	var official *demoLogin
	for i := range tr.Logins {
		if strings.HasPrefix(tr.Logins[i].Email, "canbo@") {
			official = &tr.Logins[i]
		}
	}
	if official == nil {
		t.Fatalf("no official among the demo logins %v", tr.Logins)
	}
	status, cookie := apiLogin(t, urls[0], *official)
	if status != http.StatusOK || cookie == nil {
		t.Fatalf("official's login on instance 1: %d", status)
	}
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/consultations/%d/withdraw", urls[0], cid),
		bytes.NewReader([]byte(`{"reason":"Dự thảo cần sửa lại theo góp ý của Mặt trận."}`)))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(cookie)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("withdraw on instance 1: %d %s", res.StatusCode, raw)
	}
	withdrawn := time.Now()

	within := func(what string, done func() bool) {
		t.Helper()
		for !done() {
			if time.Since(withdrawn) > time.Second {
				t.Fatalf("%s: not within 1 s of the withdrawal on instance 1", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Logf("%s: after %v", what, time.Since(withdrawn).Round(time.Millisecond))
	}
	n := 0
	within("instance 2 refuses opinions", func() bool {
		n++
		return post(client, urls[1], cid, newSubmission(95, n)).Status == http.StatusConflict
	})
	within("instance 3 shows the consultation withdrawn", func() bool {
		_, body := get(t, client, urls[2]+page)
		return strings.Contains(body, "withdrawn-note")
	})
}

func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}
