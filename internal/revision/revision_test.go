package revision_test

import (
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/draft"
	"github.com/gopy-vn/gopy/internal/revision"
)

func sections(text string) []domain.Section {
	var out []domain.Section
	for _, s := range draft.Split(text) {
		out = append(out, domain.Section{Ordinal: s.Ordinal, Kind: string(s.Kind), Level: s.Level, Path: s.Path, Heading: s.Heading, Body: s.Body})
	}
	return out
}

const v1 = `Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi
Hương ước này áp dụng trong thôn.
Chương II
NỘI DUNG
Điều 2. Vệ sinh môi trường
1. Mỗi hộ phân loại rác tại nguồn.
2. Tổng vệ sinh vào chủ nhật cuối tháng.
Điều 3. Việc tang
Tổ chức tang lễ văn minh, không rải vàng mã trên đường.
Điều 4. Lễ hội
Lễ hội đình làng tổ chức vào rằm tháng giêng.
Điều 5. Việc cưới
Tổ chức cưới tiết kiệm, không quá một ngày.
Chương III
KHEN THƯỞNG
Điều 6. Khen thưởng
Hộ gia đình thực hiện tốt được biểu dương tại hội nghị thôn.`

// v2 inserts an article in chapter I (renumbering every later one), removes "Lễ hội",
// rewords a clause of "Vệ sinh môi trường", moves "Việc tang" to chapter III and renames
// "Khen thưởng" while keeping its words.
const v2 = `Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi
Hương ước này áp dụng trong thôn.
Điều 2. Giải thích từ ngữ
Hộ gia đình là những người cùng sống chung một mái nhà.
Chương II
NỘI DUNG
Điều 3. Vệ sinh môi trường
1. Mỗi hộ phân loại rác tại nguồn.
2. Tổng vệ sinh vào sáng chủ nhật đầu tháng.
Điều 4. Việc cưới
Tổ chức cưới tiết kiệm, không quá một ngày.
Chương III
KHEN THƯỞNG VÀ XỬ LÝ VI PHẠM
Điều 5. Việc tang
Tổ chức tang lễ văn minh, không rải vàng mã trên đường.
Điều 6. Khen thưởng hộ gia đình
Hộ gia đình thực hiện tốt được biểu dương tại hội nghị thôn.`

func byHeading(list []domain.Section, prefix string) int {
	for i, s := range list {
		if strings.HasPrefix(s.Heading, prefix) {
			return i
		}
	}
	return -1
}

func TestMatchAndCompare(t *testing.T) {
	old, next := sections(v1), sections(v2)
	links := revision.Match(old, next)
	for _, tc := range []struct{ newHead, oldHead string }{
		{"Điều 1. Phạm vi", "Điều 1. Phạm vi"},
		{"Điều 3. Vệ sinh", "Điều 2. Vệ sinh"},
		{"Điều 4. Việc cưới", "Điều 5. Việc cưới"},
		{"Điều 5. Việc tang", "Điều 3. Việc tang"},
		{"Điều 6. Khen thưởng hộ gia đình", "Điều 6. Khen thưởng"},
		{"Chương III", "Chương III"},
	} {
		n, o := byHeading(next, tc.newHead), byHeading(old, tc.oldHead)
		if got, ok := links[n]; !ok || got != o {
			t.Errorf("%q should revise %q: got %v (%v)", tc.newHead, tc.oldHead, got, ok)
		}
	}
	if _, ok := links[byHeading(next, "Điều 2. Giải thích")]; ok {
		t.Error("the new article 2 matched an old one")
	}
	// The clauses of the matched article follow it, the reworded one included.
	art := byHeading(next, "Điều 3. Vệ sinh")
	if o, ok := links[art+2]; !ok || old[o].Body != "Tổng vệ sinh vào chủ nhật cuối tháng." {
		t.Errorf("reworded clause 2 not matched: %v %v", o, ok)
	}

	res := revision.Compare(old, next, links)
	find := func(kind revision.Kind, heading string) *revision.Change {
		for i := range res.Changes {
			if c := &res.Changes[i]; c.Kind == kind && strings.HasPrefix(c.Section().Heading, heading) {
				return c
			}
		}
		t.Fatalf("no %s change for %q in %+v", kind, heading, res.Changes)
		return nil
	}
	find(revision.Added, "Điều 2. Giải thích")
	find(revision.Removed, "Điều 4. Lễ hội")
	wedding := find(revision.Unchanged, "Điều 4. Việc cưới")
	if !wedding.Renumbered || wedding.Moved {
		t.Errorf("wedding: renumbered %v moved %v, want renumbered only", wedding.Renumbered, wedding.Moved)
	}
	funeral := find(revision.Unchanged, "Điều 5. Việc tang")
	if !funeral.Moved || !funeral.Renumbered || funeral.OldChapter != "Chương II. NỘI DUNG" || !strings.HasPrefix(funeral.NewChapter, "Chương III.") {
		t.Errorf("funeral: %+v", funeral)
	}
	hygiene := find(revision.Changed, "Điều 3. Vệ sinh")
	var del, ins string
	for _, op := range hygiene.Text {
		switch op.Kind {
		case revision.Delete:
			del += op.Text
		case revision.Insert:
			ins += op.Text
		}
	}
	if strings.TrimSpace(del) != "chủ nhật cuối" && strings.TrimSpace(del) != "cuối" {
		t.Errorf("deleted words %q", del)
	}
	if !strings.Contains(ins, "sáng") || !strings.Contains(ins, "đầu") {
		t.Errorf("inserted words %q", ins)
	}
	reward := find(revision.Changed, "Điều 6. Khen thưởng")
	if !reward.Retitled || reward.Renumbered {
		t.Errorf("reward: retitled %v renumbered %v", reward.Retitled, reward.Renumbered)
	}
	// The removed article comes after the last one that preceded it and is still there.
	for i, c := range res.Changes {
		if c.Kind == revision.Removed && i > 0 && !strings.HasPrefix(res.Changes[i-1].Section().Heading, "Điều 5. Việc tang") {
			t.Errorf("removed article placed after %q", res.Changes[i-1].Section().Heading)
		}
	}
	want := revision.Totals{Added: 1, Removed: 1, Changed: 2, Renumbered: 3, Moved: 1, Unchanged: 1}
	if res.Totals != want {
		t.Errorf("totals %+v, want %+v", res.Totals, want)
	}
}

func TestWords(t *testing.T) {
	ops := revision.Words("Tổ chức cưới không quá một ngày.", "Tổ chức cưới không quá hai ngày.")
	want := []revision.Op{{revision.Same, "Tổ chức cưới không quá "}, {revision.Delete, "một "}, {revision.Insert, "hai "}, {revision.Same, "ngày."}}
	if len(ops) != len(want) {
		t.Fatalf("ops %+v", ops)
	}
	for i := range ops {
		if ops[i] != want[i] {
			t.Errorf("op %d = %+v, want %+v", i, ops[i], want[i])
		}
	}
	// Tone marks are words of their own: "cuối" is not "cưới".
	ops = revision.Words("cuối", "cưới")
	if len(ops) != 2 || ops[0].Kind != revision.Delete || ops[1].Kind != revision.Insert {
		t.Errorf("tone mark change: %+v", ops)
	}
	if ops := revision.Words("", ""); len(ops) != 0 {
		t.Errorf("empty texts: %+v", ops)
	}
}
