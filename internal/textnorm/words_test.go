package textnorm

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // exact/fold, toneless marked with *
	}{
		{"", ""},
		{"Hương ước", "hương/huong ước/uoc"},
		{"duong lang", "duong/duong* lang/lang*"},
		{"Đeo ĐÉO deo", "đeo/deo* đéo/deo deo/deo*"},
		{"61/2023/NĐ-CP", "61/61* 2023/2023* nđ/nd* cp/cp*"},
		{"Hu\u031Bo\u031Bng", "hương/huong"}, // decomposed, as some phones send it
		{"½ ① ﬁ", "½/1 2 ①/1 ﬁ/fi"},          // compatibility characters fold as Fold does
		{"a\xffb \u0301c", "a/a* b/b* \u0301c/c"},
		{"zalo.me/0912345678", "zalo/zalo* me/me* 0912345678/0912345678*"},
	} {
		var got []string
		for _, w := range Words(tc.in) {
			s := w.Exact + "/" + w.Fold
			if w.Toneless {
				s += "*"
			}
			got = append(got, s)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("Words(%q) = %q, want %q", tc.in, strings.Join(got, " "), tc.want)
		}
	}
}

func TestClauses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Đường làng xuống cấp, cần sửa gấp.\nThu gom rác", "đường làng xuống cấp|cần sửa gấp|thu gom rác"},
		{"theo 61/2023/NĐ-CP – A&B, l'eau", "theo 61 2023 nđ cp a b|l eau"},
		{"... ; !", ""},
		{"một (hai) ba", "một|hai|ba"},
	} {
		var got []string
		for _, cl := range Clauses(tc.in, Words(tc.in)) {
			var ws []string
			for _, w := range cl {
				ws = append(ws, w.Exact)
			}
			got = append(got, strings.Join(ws, " "))
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("Clauses(%q) = %q, want %q", tc.in, strings.Join(got, "|"), tc.want)
		}
	}
}

// FuzzWords checks Words against the definitions it speeds up: a word is a maximal run of
// word runes, its exact form is its lower case in NFC, its fold is Fold of it.
func FuzzWords(f *testing.F) {
	for _, s := range []string{
		"Hương Ước Thôn Đông", "ĐẠI HỘI đeo ĐÉO", "lo\u0302\u0300n \xff0912345678\xfe", "Ｔｈôｎ　１２",
		"ǅ ǈ İ ẞ Ω K Å Ωmega ỹ Ǘ", "㎒ ﬁ ½ ①", "61/2023/NĐ-CP, v.v.\nTP.HCM", "<\u0338a \u0301",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		words := Words(in)
		prev := 0
		for _, w := range words {
			if w.Start < prev || w.Start >= w.End || w.End > len(in) {
				t.Fatalf("Words(%q): word at %d-%d out of order or empty", in, w.Start, w.End)
			}
			for _, r := range in[prev:w.Start] {
				if IsWordRune(r) {
					t.Fatalf("Words(%q): %q between words is a word rune", in, r)
				}
			}
			raw := in[w.Start:w.End]
			for _, r := range raw {
				if !IsWordRune(r) {
					t.Fatalf("Words(%q): word %q holds %q", in, raw, r)
				}
			}
			if want := norm.NFC.String(strings.ToLower(raw)); w.Exact != want {
				t.Fatalf("Words(%q): exact form of %q is %q, want %q", in, raw, w.Exact, want)
			}
			if want := Fold(raw); w.Fold != want {
				t.Fatalf("Words(%q): fold of %q is %q, Fold gives %q", in, raw, w.Fold, want)
			}
			toneless := strings.IndexFunc(raw, func(r rune) bool { return r >= utf8.RuneSelf && r != 'đ' && r != 'Đ' }) < 0
			if w.Toneless != toneless {
				t.Fatalf("Words(%q): %q toneless = %v", in, raw, w.Toneless)
			}
			prev = w.End
		}
		for _, r := range in[prev:] {
			if IsWordRune(r) {
				t.Fatalf("Words(%q): %q after the last word is a word rune", in, r)
			}
		}
		n := 0
		for _, cl := range Clauses(in, words) {
			if len(cl) == 0 {
				t.Fatalf("Clauses(%q): an empty clause", in)
			}
			n += len(cl)
		}
		if n != len(words) {
			t.Fatalf("Clauses(%q) hold %d words of %d", in, n, len(words))
		}
	})
}
