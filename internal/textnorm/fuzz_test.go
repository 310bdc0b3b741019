package textnorm

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func FuzzCleanText(f *testing.F) {
	for _, s := range xssPayloads {
		f.Add(s)
	}
	for _, s := range []string{
		"Tôi & bạn <3",
		"a &lt;b&gt; &amp;lt;",
		"Hu\u031Bo\u031Bng\r\n\r\n\r\n\x00u\u031Bo\u031B\u0301c",
		"<textarea>&lt;b&gt;<b></textarea>",
		"e<b></b>\u0301",
		"\xff<\xfe>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for name, clean := range map[string]func(string) string{"CleanText": CleanText, "CleanLine": CleanLine} {
			out := clean(in)
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q: invalid UTF-8", name, in, out)
			}
			if !norm.NFC.IsNormalString(out) {
				t.Fatalf("%s(%q) = %q: not NFC", name, in, out)
			}
			if strings.Contains(strings.ToLower(out), "<script") {
				t.Fatalf("%s(%q) = %q: contains <script", name, in, out)
			}
			if i := markupStart(out); i >= 0 {
				t.Fatalf("%s(%q) = %q: tag opener at %d", name, in, out, i)
			}
			for _, r := range out {
				if r != '\n' && r != '\t' && unicode.IsControl(r) {
					t.Fatalf("%s(%q) = %q: control char %U", name, in, out, r)
				}
			}
			if again := clean(out); again != out {
				t.Fatalf("%s not idempotent: %q -> %q -> %q", name, in, out, again)
			}
		}
		if strings.ContainsRune(CleanLine(in), '\n') {
			t.Fatalf("CleanLine(%q) contains a newline", in)
		}
		// Ordinary text must come back unchanged: no "<", nothing that the
		// other steps would touch.
		if utf8.ValidString(in) && !strings.Contains(in, "<") && !strings.Contains(in, "\n\n\n") &&
			norm.NFC.IsNormalString(in) && strings.TrimSpace(in) == in && dropControls(in) == in {
			if out := CleanText(in); out != in {
				t.Fatalf("plain text changed: %q -> %q", in, out)
			}
		}
	})
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"Hương Ước Thôn Đông", "ĐẠI HỘI", "Quy ước", "Hu\u031Bo\u031Bng",
		"Ｔｈôｎ　１２", "ǅ ǈ İ ẞ Ω K Å", "㎒ ﬁ ½ ①", "\xff\xfe", "  -- ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Fold(in)
		if !utf8.ValidString(out) {
			t.Fatalf("Fold(%q) = %q: invalid UTF-8", in, out)
		}
		if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
			t.Fatalf("Fold(%q) = %q: untidy spaces", in, out)
		}
		for _, r := range out {
			if r == ' ' {
				continue
			}
			if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
				t.Fatalf("Fold(%q) = %q: unexpected %U", in, out, r)
			}
			if unicode.ToLower(r) != r {
				t.Fatalf("Fold(%q) = %q: %U is not lower case", in, out, r)
			}
			if r == 'đ' || unicode.Is(unicode.M, r) {
				t.Fatalf("Fold(%q) = %q: %U survived", in, out, r)
			}
		}
		if again := Fold(out); again != out {
			t.Fatalf("Fold not idempotent: %q -> %q -> %q", in, out, again)
		}
	})
}
