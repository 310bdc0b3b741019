package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestUnitImport checks the CSV import an admin uses to load the official unit list: a good
// file creates and renames units, a bad one is refused whole with every bad line named, and
// a unit outside the admin's province is refused.
func TestUnitImport(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		admin := env.NewBrowser(t)
		admin.Login("admin@example.vn")
		good := "code,name,kind,parent_code,households\n" +
			"A3,Thôn Ba,village,A,45\n" +
			"C,\"Xã Cẩm Hà, mới\",commune,P,0\n" +
			"C1,Thôn Cẩm,village,C,70\n" + // its parent comes from this same file
			"A1,Thôn Một (sáp nhập),village,A,190\n"
		res := admin.Submit("/staff/admin/units", "/staff/admin/units/import", url.Values{"csv": {good}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("import: %d\n%s", res.Status, res.Body)
		}
		page := admin.Get("/staff/admin/units")
		mustContain(t, page.Body, "3 đơn vị mới, 1 đơn vị cập nhật", "Thôn Ba", "Xã Cẩm Hà, mới", "Thôn Một (sáp nhập)", "190")
		a1, err := st.UnitByCode(context.Background(), "A1")
		if err != nil || a1.Households != 190 || a1.Name != "Thôn Một (sáp nhập)" {
			t.Fatalf("A1 after import: %+v %v", a1, err)
		}

		bad := "code,name,kind,parent_code,households\n" +
			"X1,Thôn X,village,A,10\n" +
			"X2,,village,A,10\n" +
			"X3,Thôn Z,hamlet,A,10\n" +
			"X4,Thôn Y,village,NOPE,10\n" +
			"X5,Thôn W,village,A,-3\n"
		res = admin.Submit("/staff/admin/units", "/staff/admin/units/import", url.Values{"csv": {bad}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad import: %d", res.Status)
		}
		mustContain(t, res.Body, "4 dòng chưa đúng", "Dòng 3:", "Dòng 4:", "Dòng 5:", "Dòng 6:")
		if _, err := st.UnitByCode(context.Background(), "X1"); err == nil {
			t.Fatal("a refused file still created its good rows")
		}

		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		if got := official.Get("/staff/admin/units").Status; got != http.StatusForbidden {
			t.Fatalf("official opened the unit admin page: %d", got)
		}
		res = official.Submit("/staff", "/staff/admin/units/import", url.Values{"csv": {good}})
		if res.Status != http.StatusForbidden {
			t.Fatalf("official imported units: %d", res.Status)
		}
	})
}

// TestStaffAdministration checks creating an account, giving it a second role, and that a
// disabled account loses its session at once and cannot log in.
func TestStaffAdministration(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		admin := env.NewBrowser(t)
		admin.Login("admin@example.vn")
		res := admin.Submit("/staff/admin/staff", "/staff/admin/staff", url.Values{
			"name": {"Hoàng Văn Em"}, "email": {"em@example.vn"}, "role": {"moderator"}, "unit_code": {"B"}, "password": {testutil.Password},
		})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.Status, res.Body)
		}
		detail := res.Header.Get("Location")
		res = admin.Submit(detail, detail+"/roles", url.Values{"role": {"observer"}, "unit_code": {"A"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("add role: %d", res.Status)
		}
		mustContain(t, admin.Get(detail).Body, "Kiểm duyệt viên", "Giám sát", "Xã Bắc Sơn", "Xã An Bình")

		bad := admin.Submit("/staff/admin/staff", "/staff/admin/staff", url.Values{
			"name": {"Trùng"}, "email": {"em@example.vn"}, "role": {"official"}, "unit_code": {"A"}, "password": {"ngắn"},
		})
		if bad.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad create: %d", bad.Status)
		}
		mustContain(t, bad.Body, "Cần ít nhất 12 ký tự.", "Trùng")

		em := env.NewBrowser(t)
		em.Login("em@example.vn")
		if got := em.Get("/staff").Status; got != http.StatusOK {
			t.Fatalf("new account: %d", got)
		}
		res = admin.Submit(detail, detail+"/disabled", url.Values{"disabled": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("disable: %d", res.Status)
		}
		if got := em.Get("/staff").Status; got != http.StatusSeeOther {
			t.Fatalf("disabled account kept its session: %d", got)
		}
		login := em.Submit("/login", "/login", url.Values{"email": {"em@example.vn"}, "password": {testutil.Password}})
		if login.Status != http.StatusUnauthorized {
			t.Fatalf("disabled account logged in: %d", login.Status)
		}

		// Admins act on their own units only; a commune official is no admin at all.
		official := env.NewBrowser(t)
		official.Login("official.a@example.vn")
		if got := official.Get(detail).Status; got != http.StatusForbidden {
			t.Fatalf("official opened an account page: %d", got)
		}
		// A staff member who lost their phone: the admin turns the second factor off.
		emID := mustID(t, strings.TrimPrefix(detail, "/staff/admin/staff/"))
		if _, err := st.SetPendingTOTPSecret(context.Background(), emID, "JBSWY3DPEHPK3PXP"); err != nil {
			t.Fatal(err)
		}
		if ok, err := st.EnableTOTP(context.Background(), emID, "JBSWY3DPEHPK3PXP", 1, time.Now()); err != nil || !ok {
			t.Fatalf("enable totp: %v %v", ok, err)
		}
		mustContain(t, admin.Get(detail).Body, "Tắt xác thực hai lớp")
		if res := admin.Submit(detail, detail+"/totp/reset", url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("reset totp: %d", res.Status)
		}
		if got, _ := st.StaffByEmail(context.Background(), "em@example.vn"); got.TOTPEnabled != nil || got.TOTPSecret != "" {
			t.Fatalf("second factor still on: %+v", got)
		}
		audit := admin.Get("/staff/audit")
		mustContain(t, audit.Body, "Tạo tài khoản cán bộ", "Thêm vai trò", "Khóa tài khoản", "127.0.0.1")
	})
}

// TestWithdrawAndErase follows a resident who changes their mind: erase the name and contact,
// then withdraw the opinion; it stops counting and the public page no longer shows it.
func TestWithdrawAndErase(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		resident := env.NewBrowser(t)
		form := fmt.Sprintf("/c/%d/comment", c.ID)
		res := resident.Submit(form, form, url.Values{
			"stance": {"agree"}, "body": {"Ý kiến tôi sẽ rút lại"}, "author_name": {"Đỗ Thị Hoa"}, "show_name": {"1"},
			"contact": {"0987 654 321"}, "consent": {"1"},
		})
		code := codeInLocation.FindStringSubmatch(res.Header.Get("Location"))
		if code == nil {
			t.Fatalf("no receipt: %d %s", res.Status, res.Header.Get("Location"))
		}
		ctx := context.Background()
		tracked, _ := env.App.Track(ctx, code[1])
		if _, err := env.App.Moderate(ctx, env.ModeratorA, tracked.Opinion.ID, approve()); err != nil {
			t.Fatal(err)
		}
		mustContain(t, resident.Get(fmt.Sprintf("/c/%d", c.ID)).Body, "Đỗ Thị Hoa", "Tổng số: 1 ý kiến")
		consents, err := st.Consents(ctx, tracked.Opinion.ID)
		if err != nil || len(consents) != 2 || !strings.Contains(consents[1].Text, "liên hệ") || consents[0].Lang != "vi" {
			t.Fatalf("consents: %+v %v", consents, err)
		}

		track := "/track/" + code[1]
		res = resident.Submit(track, track+"/erase", url.Values{})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("erase: %d", res.Status)
		}
		mustContain(t, resident.Get(res.Header.Get("Location")).Body, "Đã xóa họ tên")
		o, _ := st.OpinionByCode(ctx, code[1])
		if o.AuthorName != "" || o.Contact != "" || o.ShowName || o.ErasedAt == nil || o.Body != "Ý kiến tôi sẽ rút lại" {
			t.Fatalf("after erasure: %+v", o)
		}
		consents, _ = st.Consents(ctx, o.ID)
		for _, k := range consents {
			if k.WithdrawnAt == nil {
				t.Fatalf("consent %s not marked withdrawn", k.Purpose)
			}
		}
		mustNotContain(t, resident.Get(fmt.Sprintf("/c/%d", c.ID)).Body, "Đỗ Thị Hoa")

		res = resident.Submit(track, track+"/withdraw", url.Values{"confirm": {"yes"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", res.Status)
		}
		mustContain(t, resident.Get(track).Body, "Đã rút")
		public := resident.Get(fmt.Sprintf("/c/%d", c.ID)).Body
		mustNotContain(t, public, "Ý kiến tôi sẽ rút lại")
		mustContain(t, public, "Tổng số: 0 ý kiến")
		// The page no longer offers it; a crafted second request is refused all the same.
		again := resident.Submit("/login", track+"/withdraw", url.Values{"confirm": {"yes"}})
		if again.Status != http.StatusConflict {
			t.Fatalf("second withdrawal: %d", again.Status)
		}
	})
}
