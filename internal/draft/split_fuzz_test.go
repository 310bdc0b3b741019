package draft

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func FuzzSplit(f *testing.F) {
	// Seeds stay short on purpose: the fuzzer minimises every input that
	// finds new coverage, and minimising a long seed such as huongUoc eats
	// the whole -fuzztime budget.
	f.Add("HƯƠNG ƯỚC\nCăn cứ Luật;\n\nChương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\nNội dung.\n1. Một;\na) điểm a;\n2. Hai.\nĐiều 1. Trùng")
	f.Add("")
	f.Add("Chương I\r\n\r\nNHỮNG QUY ĐỊNH CHUNG\r\nĐiều 1. Phạm vi\r\n1. Một\r\n2) Hai\r\n2024. Năm\r\nKhoản 3: Ba")
	f.Add("\uFEFFChuong 1:\nQUY DINH\nDieu 2.\n1.\nkhoan 2\nĐiều 5 của Luật\nĐiều 5a – X\nĐiều 5A\nChương 01\nChương I")
	f.Add("Điều\u00A01\t.\u2028Đie\u0302\u0300u 1\u0085Chương XL-\n\xff\xfeĐiều 2")
	f.Fuzz(func(t *testing.T, in string) {
		got := Split(in)
		checkInvariants(t, in, got)
		// Normalising is idempotent, so splitting already-normalised text
		// must give the same sections; this catches steps that depend on
		// the raw form (CR, BOM, decomposed marks) leaking past normalize.
		if again := Split(normalize(in)); !reflect.DeepEqual(again, got) {
			t.Fatalf("Split(normalize(%q)) differs from Split of the raw input", in)
		}
	})
}

// checkInvariants asserts what any caller may rely on, whatever the input.
func checkInvariants(t *testing.T, in string, got []Section) {
	t.Helper()
	norm := normalize(in)
	if strings.TrimSpace(norm) == "" {
		if got != nil {
			t.Fatalf("blank input %q gave %d sections, want nil", in, len(got))
		}
		return
	}
	if len(got) == 0 {
		t.Fatalf("non-blank input %q gave no sections", in)
	}
	seen := map[string]bool{}
	var chapterPath, articlePath string
	chapters := 0
	var all strings.Builder
	for i, s := range got {
		if s.Ordinal != i+1 {
			t.Fatalf("section %d has Ordinal %d", i, s.Ordinal)
		}
		if s.Path == "" || seen[s.Path] {
			t.Fatalf("section %d: empty or duplicate Path %q", i, s.Path)
		}
		seen[s.Path] = true
		for _, r := range s.Path {
			if r >= 0x80 || !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
				t.Fatalf("section %d: Path %q is not a lower-case ASCII anchor", i, s.Path)
			}
		}
		if s.Heading != strings.TrimSpace(s.Heading) || s.Body != strings.TrimSpace(s.Body) || strings.Contains(s.Body, "\n\n\n") {
			t.Fatalf("section %d: untrimmed Heading %q or Body %q", i, s.Heading, s.Body)
		}
		switch s.Kind {
		case Preamble:
			if i != 0 || s.Level != 0 || s.Path != "p" || s.Heading != "" || s.Body == "" {
				t.Fatalf("bad preamble at %d: %+v", i, s)
			}
		case Chapter:
			chapters++
			chapterPath, articlePath = s.Path, ""
			if s.Level != 0 || !strings.HasPrefix(s.Path, "c") || strings.Contains(s.Path, ".") {
				t.Fatalf("bad chapter at %d: %+v", i, s)
			}
		case Article:
			articlePath = s.Path
			parent, leaf := "", s.Path
			if j := strings.LastIndexByte(s.Path, '.'); j >= 0 {
				parent, leaf = s.Path[:j], s.Path[j+1:]
			}
			if s.Level != 1 || parent != chapterPath || !strings.HasPrefix(leaf, "d") {
				t.Fatalf("bad article at %d (chapter %q): %+v", i, chapterPath, s)
			}
		case Clause:
			if s.Level != 2 || articlePath == "" || !strings.HasPrefix(s.Path, articlePath+".k") {
				t.Fatalf("bad clause at %d (article %q): %+v", i, articlePath, s)
			}
		default:
			t.Fatalf("section %d: unknown Kind %q", i, s.Kind)
		}
		all.WriteString(s.Heading)
		all.WriteString(s.Body)
	}

	// Nothing the official typed may vanish: the non-space runes of the
	// normalised input appear, in order, in the headings and bodies. The
	// only addition allowed is the "." joining a chapter to its title line.
	want, have := nonSpace(norm), nonSpace(all.String())
	k := 0
	for _, r := range have {
		if k < len(want) && r == want[k] {
			k++
		}
	}
	if k != len(want) {
		t.Fatalf("input rune %d (%q) lost; input %q", k, want[k], in)
	}
	if len(have) > len(want)+chapters {
		t.Fatalf("output has %d non-space runes, input %d with %d chapters", len(have), len(want), chapters)
	}
}

func nonSpace(s string) []rune {
	var rs []rune
	for _, r := range s {
		if !unicode.IsSpace(r) {
			rs = append(rs, r)
		}
	}
	return rs
}
