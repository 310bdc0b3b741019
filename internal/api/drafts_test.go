package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestDraftsAreEditedAndDeletedBeforePublication: PATCH changes only the fields sent and
// keeps the rest (the text too, unless a new one is sent); once published, a draft is
// neither edited nor deleted (409: it changes by a new version); DELETE removes a draft
// never published.
func TestDraftsAreEditedAndDeletedBeforePublication(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
		c, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{
			Title: "Dự thảo hương ước Thôn Một", Kind: "huong_uoc", UnitCode: "A", Text: testutil.Draft,
			Summary: "Tóm tắt ban đầu.", OpensAt: opens, ClosesAt: closes,
		})
		if err != nil {
			t.Fatal(err)
		}
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		path := fmt.Sprintf("/api/v1/consultations/%d", c.ID)

		r := official.JSON(http.MethodPatch, path, `{"title":"Dự thảo hương ước Thôn Một (sửa)"}`, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("PATCH title: %d %s", r.Status, r.Body)
		}
		got, err := env.App.Consultation(ctx, env.OfficialA, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Dự thảo hương ước Thôn Một (sửa)" || got.Summary != "Tóm tắt ban đầu." || len(got.Sections) != len(c.Sections) ||
			!got.ClosesAt.Equal(c.ClosesAt) {
			t.Errorf("after PATCH of the title: %q, %q, %d sections, closes %v; want the new title and everything else kept",
				got.Title, got.Summary, len(got.Sections), got.ClosesAt)
		}
		r = official.JSON(http.MethodPatch, path, `{"text":"Điều 1. Phạm vi\nHương ước áp dụng trong thôn.\nĐiều 2. Hiệu lực\nCó hiệu lực khi được công nhận."}`, nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Hiệu lực") {
			t.Fatalf("PATCH text: %d %s", r.Status, r.Body)
		}
		if r := official.JSON(http.MethodPatch, path, `{"title":""}`, nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("PATCH with an empty title: %d, want 422", r.Status)
		}

		if _, err := env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		if r := official.JSON(http.MethodPatch, path, `{"title":"Sửa sau khi niêm yết"}`, nil); r.Status != http.StatusConflict {
			t.Errorf("PATCH of a published draft: %d, want 409", r.Status)
		}
		if r := official.Do(http.MethodDelete, path, nil, nil); r.Status != http.StatusConflict {
			t.Errorf("DELETE of a published draft: %d, want 409", r.Status)
		}

		d, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{
			Title: "Bản nháp bỏ đi", Kind: "huong_uoc", UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
		})
		if err != nil {
			t.Fatal(err)
		}
		if r := official.Do(http.MethodDelete, fmt.Sprintf("/api/v1/consultations/%d", d.ID), nil, nil); r.Status != http.StatusNoContent {
			t.Fatalf("DELETE of a draft: %d %s", r.Status, r.Body)
		}
		if _, err := env.App.Consultation(ctx, env.OfficialA, d.ID); err == nil {
			t.Error("the deleted draft is still there")
		}
	})
}
