package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

const unitHeader = "code,name,kind,parent_code,households\n"

// TestImportUnitsKeepsTheTwoTierTree: since the 2025 reform a province is at the top,
// communes, wards and special zones sit under a province, and villages (thôn, tổ dân phố)
// under one of those. An import that breaks the tree is refused whole, every bad line named
// with the rule it breaks; a unit whose new kind its children no longer fit is refused too.
func TestImportUnitsKeepsTheTwoTierTree(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		f := testutil.Seed(t, st)
		ctx := context.Background()

		good := unitHeader +
			"Q,Thành phố Thử,province,,\n" +
			"Q-W1,Tổ dân phố 1,village,Q-W,90\n" + // its ward comes later in the file
			"Q-W,Phường Thử,ward,Q,\n" +
			"Q-Z,Đặc khu Thử,special_zone,Q,\n" +
			"Q-Z1,Thôn Đảo,village,Q-Z,40\n" +
			"Q-C,Xã Thử,commune,Q,\n" +
			"Q-C1,Thôn Thử,village,Q-C,70\n"
		res, err := f.App.ImportUnits(ctx, nil, strings.NewReader(good))
		if err != nil || res.Created != 7 {
			t.Fatalf("a well-formed tree: %+v %v", res, err)
		}

		bad := unitHeader +
			"X1,Tỉnh lạc,province,P,\n" + // 2: a province under a province
			"X2,Xã lạc,commune,,\n" + // 3: a commune at the top
			"X3,Phường lạc,ward,A,\n" + // 4: a ward under a commune
			"X4,Đặc khu lạc,special_zone,A1,\n" + // 5: a special zone under a village
			"X5,Thôn lạc,village,P,10\n" + // 6: a village under a province
			"X6,Tổ lạc,village,A1,10\n" + // 7: a village under a village
			"X7,Tổ dân phố lạc,village,X1,10\n" + // 8: under a province refused above
			"X8,Thôn Tám,village,A,10\n" // a good row, not imported with the others
		_, err = f.App.ImportUnits(ctx, nil, strings.NewReader(bad))
		want := map[int]string{
			2: "validation.csv_parent_kind.province",
			3: "validation.csv_parent_kind.commune",
			4: "validation.csv_parent_kind.ward",
			5: "validation.csv_parent_kind.special_zone",
			6: "validation.csv_parent_kind.village",
			7: "validation.csv_parent_kind.village",
			8: "validation.csv_parent",
		}
		checkLines(t, err, want)
		for _, code := range []string{"X1", "X2", "X3", "X8"} {
			if _, err := st.UnitByCode(ctx, code); err == nil {
				t.Errorf("%s was imported from a refused file", code)
			}
		}

		// A commune becomes a ward: its villages are now its residential groups, and fit.
		if _, err := f.App.ImportUnits(ctx, nil, strings.NewReader(unitHeader+"A,Phường An Bình,ward,P,\n")); err != nil {
			t.Fatalf("a commune becoming a ward: %v", err)
		}
		if a, err := st.UnitByCode(ctx, "A"); err != nil || a.Kind != domain.UnitWard {
			t.Fatalf("A after the import: %+v %v", a, err)
		}
		// A unit with villages cannot become a province: they would sit under it directly.
		_, err = f.App.ImportUnits(ctx, nil, strings.NewReader(unitHeader+"A,Tỉnh An Bình,province,,\n"))
		checkLines(t, err, map[int]string{2: "validation.csv_children_kind"})
		// Unless the same file moves them under a ward of the new province.
		moved := unitHeader + "A,Tỉnh An Bình,province,,\nAW,Phường Mới,ward,A,\nA1,Tổ dân phố Một,village,AW,120\nA2,Tổ dân phố Hai,village,AW,80\n"
		if _, err := f.App.ImportUnits(ctx, nil, strings.NewReader(moved)); err != nil {
			t.Fatalf("a province with its villages moved under a ward: %v", err)
		}
	})
}

// checkLines checks that err refuses exactly the given lines, each with its message key.
func checkLines(t *testing.T, err error, want map[int]string) {
	t.Helper()
	de := domain.AsError(err)
	if err == nil || de.Code != domain.CodeInvalid {
		t.Fatalf("import accepted or failed otherwise: %v", err)
	}
	if len(de.Fields) != len(want) {
		t.Errorf("%d lines refused, want %d: %v", len(de.Fields), len(want), de.Fields)
	}
	for line, key := range want {
		got, ok := de.Fields[fmt.Sprintf("line %04d", line)]
		if !ok || got.Key != key {
			t.Errorf("line %d: %q, want %q", line, got.Key, key)
		}
	}
}
