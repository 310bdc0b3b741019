package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// A household proposes and supports through the API; the village's official enters paper
// supports and the outcome. A village of 120 households needs 12 (Law 10/2022 art. 16(3):
// at least 10% of all households); one household supports once, whichever channel first.
func TestInitiativesThroughTheAPI(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		sheet, err := env.App.IssueHouseholdCodes(ctx, env.OfficialA, "A1", "")
		if err != nil {
			t.Fatal(err)
		}
		b := env.NewBrowser(t)
		lastDay := time.Now().In(domain.Zone).AddDate(0, 0, 20).Format(time.DateOnly)
		res := b.JSON("POST", "/api/v1/initiatives", fmt.Sprintf(`{"village":"A1","kind":"matter","title":"Lắp đèn đường","body":"Lắp đèn ngõ 5.","last_day":%q,"code":%q}`,
			lastDay, strings.ToLower(sheet.Codes[0].Code)), nil)
		if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"threshold":12`) || !strings.Contains(res.Body, `"status":"pending"`) {
			t.Fatalf("propose: %d %s", res.Status, res.Body)
		}
		var receipt struct{ ID int64 }
		if err := json.Unmarshal([]byte(res.Body), &receipt); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/initiatives/%d", receipt.ID)
		if res := b.Get(path); res.Status != http.StatusNotFound {
			t.Fatalf("pending shown: %d", res.Status)
		}
		modTok, _ := env.App.CreateToken(ctx, env.ModeratorA.Email)
		offTok, _ := env.App.CreateToken(ctx, env.OfficialA.Email)
		offB, _ := env.App.CreateToken(ctx, env.OfficialB.Email)
		if res := b.JSON("POST", path+"/moderation", `{"decision":"approve"}`, map[string]string{"Authorization": "Bearer " + modTok}); res.Status != http.StatusOK {
			t.Fatalf("approve: %d %s", res.Status, res.Body)
		}
		if res := b.JSON("POST", path+"/supports", fmt.Sprintf(`{"code":%q}`, sheet.Codes[1].Code), nil); res.Status != http.StatusCreated || !strings.Contains(res.Body, `"supports":2`) {
			t.Fatalf("support: %d %s", res.Status, res.Body)
		}
		res = b.JSON("POST", path+"/paper-supports", fmt.Sprintf(`{"households":"2","signed_on":%q}`, time.Now().In(domain.Zone).Format(time.DateOnly)), map[string]string{"Authorization": "Bearer " + offTok})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Hộ số 2 đã ủng hộ đề xuất này trực tuyến") {
			t.Fatalf("paper after online: %d %s", res.Status, res.Body)
		}
		if res := b.JSON("POST", path+"/paper-supports", `{"households":"3-12","signed_on":"`+time.Now().In(domain.Zone).Format(time.DateOnly)+`"}`, map[string]string{"Authorization": "Bearer " + offB}); res.Status != http.StatusForbidden {
			t.Fatalf("official of commune B: %d", res.Status)
		}
		// 2 + 9 = 11 of 12: not yet.
		res = b.JSON("POST", path+"/paper-supports", `{"households":"3-11","signed_on":"`+time.Now().In(domain.Zone).Format(time.DateOnly)+`"}`, map[string]string{"Authorization": "Bearer " + offTok})
		if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"supports":11`) || !strings.Contains(res.Body, `"phase":"collecting"`) {
			t.Fatalf("11 of 12: %d %s", res.Status, res.Body)
		}
		res = b.JSON("POST", path+"/supports", fmt.Sprintf(`{"code":%q}`, sheet.Codes[11].Code), nil)
		if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"supports":12`) || !strings.Contains(res.Body, `"phase":"reached"`) {
			t.Fatalf("12 of 12: %d %s", res.Status, res.Body)
		}
		res = b.JSON("POST", path+"/supports", fmt.Sprintf(`{"code":%q}`, sheet.Codes[5].Code), nil)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Hộ số 6 đã ủng hộ đề xuất này bằng giấy") {
			t.Fatalf("online after paper: %d %s", res.Status, res.Body)
		}
		list := b.Get("/api/v1/initiatives?unit=A")
		if list.Status != http.StatusOK || !strings.Contains(list.Body, `"title":"Lắp đèn đường"`) || !strings.Contains(list.Body, `"code":"A1"`) {
			t.Fatalf("list: %d %s", list.Status, list.Body)
		}
		res = b.JSON("POST", path+"/outcome", `{"outcome":"put","on":"`+time.Now().In(domain.Zone).Format(time.DateOnly)+`"}`, map[string]string{"Authorization": "Bearer " + offTok})
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `"phase":"put"`) {
			t.Fatalf("outcome: %d %s", res.Status, res.Body)
		}
	})
}
