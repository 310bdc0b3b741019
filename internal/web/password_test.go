package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestStaffChangeTheirPassword: the owner changes their password with the present one; the
// session that changed it carries on, every other session of the account ends and its bearer
// tokens are revoked; the old password no longer signs in and the new one does.
func TestStaffChangeTheirPassword(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		email := env.OfficialA.Email
		mine, other := env.NewBrowser(t), env.NewBrowser(t)
		mine.Login(email)
		other.Login(email)
		token, err := env.App.CreateToken(t.Context(), email)
		if err != nil {
			t.Fatal(err)
		}
		const page = "/staff/account/password"
		mustContain(t, mine.Get("/staff").Body, `href="/staff/account/password"`)
		for _, tc := range []struct {
			current, new, msg string
		}{
			{"sai mật khẩu", "mật khẩu mới rất dài", vi("validation.password_wrong")},
			{testutil.Password, "ngắn quá", vi("validation.password_short")},
			{testutil.Password, testutil.Password, vi("validation.password_same")},
		} {
			res := mine.Submit(page, page, url.Values{"current": {tc.current}, "new": {tc.new}})
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("current %q new %q: status %d, want 422", tc.current, tc.new, res.Status)
			}
			mustContain(t, res.Body, tc.msg)
		}
		const fresh = "một câu dài làm mật khẩu mới"
		res := mine.Submit(page, page, url.Values{"current": {testutil.Password}, "new": {fresh}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("change: status %d", res.Status)
		}
		mustContain(t, mine.Get(page).Body, vi("flash.password_changed"))
		if got := mine.Get("/staff").Status; got != http.StatusOK {
			t.Fatalf("the session that changed the password: /staff answered %d", got)
		}
		if got := other.Get("/staff"); !signedOut(got) {
			t.Fatalf("another session of the account survived the change: %d", got.Status)
		}
		api := env.NewBrowser(t).JSON(http.MethodGet, "/api/v1/moderation/queue", "", map[string]string{"Authorization": "Bearer " + token})
		if api.Status != http.StatusUnauthorized {
			t.Fatalf("a token made before the change: %d, want 401", api.Status)
		}
		if _, err := env.App.Login(t.Context(), email, testutil.Password); err == nil {
			t.Fatal("the old password still signs in")
		}
		if _, err := env.App.Login(t.Context(), email, fresh); err != nil {
			t.Fatalf("the new password: %v", err)
		}
		if !slices.Contains(auditActions(t, env), "password.change") {
			t.Error("no password.change in the audit log")
		}

		// Through the API: 204, and the calling session carries on.
		b := env.NewBrowser(t)
		b.Login(env.ModeratorA.Email)
		res = b.JSON(http.MethodPost, "/api/v1/account/password", `{"current":"`+testutil.Password+`","new":"mật khẩu mới của kiểm duyệt"}`, nil)
		if res.Status != http.StatusNoContent {
			t.Fatalf("API change: %d %s", res.Status, res.Body)
		}
		if got := b.Get("/staff").Status; got != http.StatusOK {
			t.Fatalf("after the API change, the caller's session: %d", got)
		}
	})
}

// TestAdminSetsAPassword: an administrator gives an account a new password; the account's
// sessions end, and it signs in with the new one.
func TestAdminSetsAPassword(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		victim := env.NewBrowser(t)
		victim.Login(env.ObserverA.Email)
		admin := env.NewBrowser(t)
		admin.Login(env.Admin.Email)
		page := fmt.Sprintf("/staff/admin/staff/%d", env.ObserverA.StaffID)
		res := admin.Submit(page, page+"/password", url.Values{"new": {"ngắn"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("short password: %d", res.Status)
		}
		mustContain(t, admin.Get(page).Body, vi("validation.password_short"))
		if got := victim.Get("/staff").Status; got != http.StatusOK {
			t.Fatalf("a refused password ended the session: %d", got)
		}
		res = admin.Submit(page, page+"/password", url.Values{"new": {"mật khẩu do quản trị đặt"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("set: %d", res.Status)
		}
		mustContain(t, admin.Get(page).Body, vi("flash.password_set"))
		if got := victim.Get("/staff"); !signedOut(got) {
			t.Fatalf("the account's session survived a new password: %d", got.Status)
		}
		if _, err := env.App.Login(t.Context(), env.ObserverA.Email, "mật khẩu do quản trị đặt"); err != nil {
			t.Fatalf("the new password: %v", err)
		}
	})
}
