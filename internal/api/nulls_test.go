package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestNullIsRefusedWhereTheDocumentAllowsNone: a JSON null for a field that is not nullable
// (a string, a number, the heading inside a section) is answered 422 naming the field, as a
// value of the wrong type is, instead of being read as empty; where null is allowed (a
// section_id that says "the whole draft") it is taken.
func TestNullIsRefusedWhereTheDocumentAllowsNone(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		b := env.NewBrowser(t)
		opinions := fmt.Sprintf("/api/v1/consultations/%d/opinions", c.ID)
		for body, field := range map[string]string{
			`{"stance":"agree","body":"Tôi đồng ý với dự thảo.","village_code":null}`: "village_code",
			`{"stance":null,"body":"Tôi đồng ý với dự thảo."}`:                        "stance",
		} {
			r := b.JSON(http.MethodPost, opinions, body, nil)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"`+field+`"`) {
				t.Errorf("%s: %d %s, want 422 naming %s", body, r.Status, r.Body, field)
			}
		}
		if r := b.JSON(http.MethodPost, opinions, `{"stance":"agree","body":"Tôi đồng ý với dự thảo.","section_id":null}`, nil); r.Status != http.StatusCreated {
			t.Errorf("section_id null (the whole draft): %d %s, want 201", r.Status, r.Body)
		}

		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		r := official.JSON(http.MethodPost, "/api/v1/consultations",
			`{"title":"Dự thảo","kind":"plan","unit_code":"A","sections":[{"heading":null,"body":"Nội dung."}],"opens_at":"2030-01-01","closes_at":"2030-02-15"}`, nil)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "heading") {
			t.Errorf("a section with a null heading: %d %s, want 422 naming the heading", r.Status, r.Body)
		}
	})
}
