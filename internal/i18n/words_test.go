package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// TestWordsOfficialsUse scans every message for the words an official would have to
// correct (testutil.WrongWords): districts, hội nghị for the community's meeting, khiếu nại
// for a request to review a moderation decision, other names for the tracking code, titles
// in lower case, tạm ngưng, durations in English units.
func TestWordsOfficialsUse(t *testing.T) {
	committee := regexp.MustCompile(`Ủy ban nhân dân xã(?:$|[^\p{L}])`)
	for _, k := range i18n.Keys(i18n.VI) {
		vi := i18n.T(i18n.VI, k)
		for _, w := range testutil.WrongWords(vi) {
			t.Errorf("vi %s: %s", k, w)
		}
		// The People's Committee a message speaks of in general is the law's "Ủy ban nhân dân
		// cấp xã", and the list of commune-level units names special zones too.
		if committee.MatchString(vi) {
			t.Errorf("vi %s: say Ủy ban nhân dân cấp xã: %q", k, vi)
		}
		if strings.Contains(vi, "xã, phường") && !strings.Contains(vi, "đặc khu") {
			t.Errorf("vi %s: name special zones with communes and wards: %q", k, vi)
		}
		for _, w := range testutil.WrongEnglishWords(i18n.T(i18n.EN, k)) {
			t.Errorf("en %s: %s", k, w)
		}
	}
	// The law's own words where a message quotes it.
	for key, want := range map[string]string{
		// Law 10/2022 art. 15(1), word for word.
		"household.item.1": "Chủ trương và mức đóng góp xây dựng cơ sở hạ tầng, các công trình công cộng trong phạm vi địa bàn cấp xã, ở thôn, tổ dân phố do Nhân dân đóng góp toàn bộ hoặc một phần kinh phí, tài sản, công sức",
		// Art. 28(2): the period runs from the day the matter is made public.
		"validation.period_too_short.consult": "kể từ ngày công khai nội dung lấy ý kiến",
		// Decree 61/2023 art. 12.
		"charter.badge.suspended": "Tạm ngừng thực hiện",
		"track.appeal":            "Gửi đề nghị xem xét lại",
		"duration.hours":          "%d giờ %02d phút",
		"channel.meeting":         "Cuộc họp của cộng đồng dân cư",
	} {
		if got := i18n.T(i18n.VI, key); !strings.Contains(got, want) {
			t.Errorf("vi %s = %q, want it to say %q", key, got, want)
		}
	}
	// Keys the pages build from a unit's kind.
	var keys []string
	for _, k := range []string{"commune", "ward", "any"} {
		keys = append(keys, "place.head."+k, "place.community."+k)
	}
	for _, k := range []domain.UnitKind{domain.UnitProvince, domain.UnitCommune, domain.UnitWard, domain.UnitSpecialZone, domain.UnitVillage} {
		keys = append(keys, "validation.csv_parent_kind."+string(k), "unitkind."+string(k))
	}
	keys = append(keys, "unitkind.village.commune", "unitkind.village.ward", "front.act.records", "front.act.recognition")
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("missing key %q", k)
		}
	}
}

// TestNoDistrictLeft: since the 2025 reform there is no district level (huyện) left; no page,
// document, comment or migration may speak of one. Test data quoting residents is left out.
func TestNoDistrictLeft(t *testing.T) {
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if strings.HasPrefix(name, ".") && p != root || name == "testdata" || name == "node_modules" || name == "data" {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(name) {
		case ".go", ".html", ".md", ".json", ".sql", ".js", ".css", ".txt":
		default:
			return nil
		}
		if name == "words.go" || name == "words_test.go" {
			return nil // the lists of wrong words themselves
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		checked++
		text := string(b)
		for _, w := range append(testutil.WrongWords(text), testutil.WrongEnglishWords(text)...) {
			if strings.Contains(w, "huyện") || strings.Contains(strings.ToLower(w), "district") {
				t.Errorf("%s: %s", p, w)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("checked only %d files: the walk no longer finds the sources", checked)
	}
}
