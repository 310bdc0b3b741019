package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestPrintedSheetsReadAsDocuments: the household form names parts by their article, with
// no internal code, and ends with a block for the household to sign; the report's scope
// names the commune rather than "every commune, ward and special zone".
func TestPrintedSheetsReadAsDocuments(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		c := env.OpenConsultation(t)
		form := env.NewBrowser(t).Get(fmt.Sprintf("/c/%d/form?lang=vi", c.ID)).Body
		mustContain(t, form, `<div class="sign-block">`, "ĐẠI DIỆN HỘ GIA ĐÌNH", "(Ký, ghi rõ họ tên)", ">Điều 2. Vệ sinh môi trường</h3>")
		mustNotContain(t, form, "Mã phần", "c2.d2<", ": c2.d2")
		done, _ := resultsWithCodes(t, env, "Dự thảo quy ước về vệ sinh")
		report := env.NewBrowser(t).Get(fmt.Sprintf("/c/%d/report?lang=vi", done.ID)).Body
		mustContain(t, report, "<dt>Phạm vi</dt><dd>Toàn bộ Xã An Bình</dd>")
		if strings.Contains(report, "Toàn bộ các xã, phường, đặc khu") {
			t.Error("the report's scope is every commune")
		}
	})
}
