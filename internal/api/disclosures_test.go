package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestDisclosuresAPI checks the register through the API: the 30 days of Law 10/2022 art.
// 13(2) (12 Nov → 11 Dec, 29 days, refused; → 12 Dec, 30, accepted), the 5 working days of
// art. 12(3) (a document of Thu 5 Nov 2026 posted Thu 12 Nov on time, Fri 13 Nov late), the
// public register and the quarterly list with its CSV.
func TestDisclosuresAPI(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		env.App.Now = func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, domain.Zone) }
		official := as(t, env, env.OfficialA)
		body := func(from, until string) map[string]any {
			return map[string]any{"unit": "A1", "category": 5, "title": "Thu chi quỹ thôn quý III",
				"posted_from": from, "posted_until": until, "forms": []string{"notice_board", "village_head"},
				"document":    map[string]string{"number": "03/BC-TM", "date": "2026-11-05", "issuer": "Ban quản lý thôn Một"},
				"attachments": []map[string]string{{"name": "Báo cáo", "url": "https://anbinh.example.vn/bc03.pdf"}}}
		}
		res := official.post(api+"/disclosures", body("2026-11-12", "2026-12-11"))
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "posted_until") {
			t.Fatalf("29 days: %d %s", res.Status, res.Body)
		}
		var got struct {
			ID         *int64 `json:"id"`
			Late       bool   `json:"late"`
			Days       int    `json:"days"`
			PostedFrom string `json:"posted_from"`
		}
		for _, c := range []struct {
			from, until string
			late        bool
		}{{"2026-11-12", "2026-12-12", false}, {"2026-11-13", "2026-12-13", true}} {
			res = official.post(api+"/disclosures", body(c.from, c.until))
			if res.Status != http.StatusCreated {
				t.Fatalf("%s: %d %s", c.from, res.Status, res.Body)
			}
			if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
				t.Fatal(err)
			}
			if got.ID == nil || got.Late != c.late || got.Days != 30 || got.PostedFrom != c.from {
				t.Errorf("%s: %+v, want late %v and 30 days", c.from, got, c.late)
			}
		}
		// A javascript: link and a form outside art. 12(1) are refused.
		bad := body("2026-11-12", "2026-12-12")
		bad["attachments"] = []map[string]string{{"name": "x", "url": "javascript:alert(1)"}}
		bad["forms"] = []string{"carrier_pigeon"}
		res = official.post(api+"/disclosures", bad)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "attachments") || !strings.Contains(res.Body, "forms") {
			t.Errorf("bad link and form: %d %s", res.Status, res.Body)
		}
		if res := anon(t, env).post(api+"/disclosures", body("2026-11-12", "2026-12-12")); res.Status != http.StatusUnauthorized {
			t.Errorf("anonymous create: %d", res.Status)
		}
		if res := as(t, env, env.OfficialB).post(api+"/disclosures", body("2026-11-12", "2026-12-12")); res.Status != http.StatusForbidden {
			t.Errorf("official of B creates in A1: %d", res.Status)
		}

		resident := anon(t, env)
		list := resident.get(api + "/disclosures?unit=A")
		var l struct {
			Items []struct {
				Unit     string `json:"unit"`
				Category int    `json:"category"`
				Late     bool   `json:"late"`
				Document struct {
					Number string `json:"number"`
				} `json:"document"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(list.Body), &l); err != nil || len(l.Items) != 2 {
			t.Fatalf("register of A: %d %s", list.Status, list.Body)
		}
		if l.Items[0].Unit != "A1" || !l.Items[0].Late || l.Items[0].Document.Number != "03/BC-TM" {
			t.Errorf("latest entry: %+v", l.Items[0])
		}
		if r := resident.get(api + "/disclosures?unit=B"); !strings.Contains(r.Body, `"items":[]`) {
			t.Errorf("register of B: %s", r.Body)
		}
		if r := resident.get(api + "/disclosures?unit=A&category=15"); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("category 15: %d", r.Status)
		}
		q := resident.get(api + "/disclosures/quarterly?unit=A&year=2026&quarter=4")
		if q.Status != http.StatusOK || !strings.Contains(q.Body, `"late":1`) || !strings.Contains(q.Body, `"to":"2026-12-31"`) {
			t.Errorf("quarterly: %d %s", q.Status, q.Body)
		}
		if r := resident.get(api + "/disclosures/quarterly?unit=A&year=2026&quarter=3"); !strings.Contains(r.Body, `"items":[]`) {
			t.Errorf("Q3 should be empty: %s", r.Body)
		}
		csv := resident.get(api + "/disclosures/quarterly.csv?unit=A&year=2026&quarter=4")
		if csv.Status != http.StatusOK || !strings.Contains(csv.Body, "Công khai muộn") ||
			!strings.HasPrefix(csv.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("CSV: %d %q %s", csv.Status, csv.Header.Get("Content-Disposition"), csv.Body)
		}
	})
}
