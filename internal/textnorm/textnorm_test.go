package textnorm

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain vietnamese", "Đề nghị sửa đường liên thôn", "Đề nghị sửa đường liên thôn"},
		{"ampersand and less-than kept", "Tôi & bạn <3", "Tôi & bạn <3"},
		{"quotes and greater-than kept", `Ông "Ba" nói 'được' > 5 < 6`, `Ông "Ba" nói 'được' > 5 < 6`},
		{"tags stripped, script content dropped", "<b>xin</b> chào<script>alert(1)</script>", "xin chào"},
		{"text after script kept", "<script>alert(1)</script>Đồng ý", "Đồng ý"},
		{"style content dropped", "<style>body{color:red}</style>Không đồng ý", "Không đồng ý"},
		{"attributes dropped", `<a href="javascript:alert(1)" onclick="x()">link</a>`, "link"},
		{"img onerror", `xem <img src=x onerror=alert(1)>ảnh`, "xem ảnh"},
		{"comment dropped", "a<!-- bí mật -->b", "ab"},
		{"entity text kept literally", "a &lt;b&gt;", "a &lt;b&gt;"},
		{"double-escaped entity kept literally", "&amp;lt;", "&amp;lt;"},
		{"named entity kept literally", "a&nbsp;b &copy;", "a&nbsp;b &copy;"},
		{"entity next to a tag kept literally", "<i>&lt;script&gt;</i>", "&lt;script&gt;"},
		{"nested tag openers", "<<b>b>in đậm", "b>in đậm"},
		{"nested script", "<<script>script>alert(1)<</script>/script>", "/script>"},
		{"textarea content is not reparsed", "<textarea><script>alert(1)</script></textarea>", "script>alert(1)/script>"},
		{"plaintext element", "<plaintext><b>x</b>", "b>x/b>"},
		{"kelvin sign cannot form a tag", "<\u212Ascript>", "Kscript>"},
		{"lone lt kept", "a < b, c <= d, <3, <<", "a < b, c <= d, <3, <<"},
		{"lt then letter is markup", "x<y and y>z", "xz"},
		{"crlf", "dòng 1\r\ndòng 2\rdòng 3", "dòng 1\ndòng 2\ndòng 3"},
		{"control chars", "a\x00b\x07c\x1bd\u0085e\x7ff\tg", "abcdef\tg"},
		{"invalid utf8", "a\xffb\xc3", "a\uFFFDb\uFFFD"},
		{"nfd to nfc", "Hu\u031Bo\u031Bng u\u031Bo\u031B\u0301c", "Hương ước"},
		{"mark joined after tag removal", "Hu\u031B<b></b>\u0301", "Hứ"},
		{"trim", " \n\t xin chào \n ", "xin chào"},
		{"blank lines collapsed", "a\n\n\n\n\nb\n\nc\n\n\nd", "a\n\nb\n\nc\n\nd"},
		{"spaces within lines kept", "a    b\t\tc", "a    b\t\tc"},
		{"empty", "", ""},
		{"only markup", "<p></p><br/>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CleanText(tt.in)
			if got != tt.want {
				t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := CleanText(got); again != got {
				t.Errorf("not idempotent: CleanText(%q) = %q", got, again)
			}
		})
	}
}

func TestCleanLine(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Nguyễn   Văn\nAn", "Nguyễn Văn An"},
		{"  Thôn\r\n\r\nĐông \t ", "Thôn Đông"},
		{"<b>Trần</b> Thị & Cộng sự", "Trần Thị & Cộng sự"},
		{"0912 345 678", "0912 345 678"},
		{"a\u00a0\u00a0b", "a b"},
		{"", ""},
		// Bidirectional overrides and isolates would make a title or a file name (and the
		// audit log quoting it) read otherwise than stored: "bao-cao\u202Efdp.exe" shows as
		// "bao-caoexe.pdf".
		{"bao-cao\u202Efdp.exe", "bao-caofdp.exe"},
		{"\u2066Thôn\u2069 \u202AĐông\u202C\u202B\u202D", "Thôn Đông"},
		{"\u2067x\u2068", "x"},
	}
	for _, tt := range tests {
		if got := CleanLine(tt.in); got != tt.want {
			t.Errorf("CleanLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanContact(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Nguyễn Văn An <an@example.vn>", "Nguyễn Văn An an@example.vn"},
		{"<an@example.vn>", "an@example.vn"},
		{" 0912 345 678 ", "0912 345 678"},
		{"<script>alert(1)</script>", "script alert(1) /script"},
	}
	for _, tt := range tests {
		if got := CleanContact(tt.in); got != tt.want {
			t.Errorf("CleanContact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// xssPayloads are well-known filter-evasion strings; none may leave a
// script tag behind, however the result is later embedded.
var xssPayloads = []string{
	"<script>alert(1)</script>",
	"<SCRIPT SRC=//xss.rocks/.j></SCRIPT>",
	"<scr<script>ipt>alert(1)</scr</script>ipt>",
	"<<script>script>alert(1)<</script>/script>",
	"<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
	"&lt;script&gt;alert(1)&lt;/script&gt;",
	"&amp;lt;script&amp;gt;alert(1)",
	"<textarea><script>alert(1)</script></textarea>",
	"<title><script>alert(1)</script></title>",
	"<noscript><p title=\"</noscript><script>alert(1)</script>\">",
	"<xmp><script>alert(1)</script></xmp>",
	"<plaintext><script>alert(1)</script>",
	"<iframe src=\"javascript:alert(1)\"></iframe>",
	"<svg><script>alert(1)</script></svg>",
	"<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;\">",
	"<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
	"<!--<script>alert(1)</script>-->",
	"<![CDATA[<script>alert(1)</script>]]>",
	"<?xml <script>alert(1)</script>?>",
	"<scr\x00ipt>alert(1)</scr\x00ipt>",
	"<\u212Ascript>",
	"<<<<script>script>script>script>",
	"\"><script>alert(1)</script>",
	"<a href=\"&#106;avascript:alert(1)\">x</a>",
}

func TestCleanTextXSS(t *testing.T) {
	for _, p := range xssPayloads {
		got := CleanText(p)
		if strings.Contains(strings.ToLower(got), "<script") {
			t.Errorf("CleanText(%q) = %q keeps a script tag", p, got)
		}
		if i := markupStart(got); i >= 0 {
			t.Errorf("CleanText(%q) = %q has a tag opener at %d", p, got, i)
		}
		if again := CleanText(got); again != got {
			t.Errorf("not idempotent: CleanText(%q) = %q, again %q", p, got, again)
		}
	}
}

// markupStart returns the index of the first "<" that an HTML tokenizer
// would read as the start of markup, or -1.
func markupStart(s string) int {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '<' && opensMarkup(s[i+1]) {
			return i
		}
	}
	return -1
}

func TestFold(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Hương Ước Thôn Đông", "huong uoc thon dong"},
		{"ĐẠI HỘI", "dai hoi"},
		{"Quy ước", "quy uoc"},
		{"đường", "duong"},
		{"Hu\u031Bo\u031Bng u\u031Bo\u031B\u0301c", "huong uoc"}, // NFD input
		{"H\u01b0\u01a1ng \u01b0\u1edbc", "huong uoc"},           // NFC input
		{"  Thôn 3 -- xã Yên-Phú, (Hà Nội)!! ", "thon 3 xa yen phu ha noi"},
		{"Ｔｈôｎ　１２", "thon 12"}, // full-width from phone keyboards
		{"ﬁle", "file"},
		{"...", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLength(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"Hương", 5},
		{"Hu\u031Bo\u031Bng", 5}, // NFD: 7 runes, 5 letters
		{"ệ", 1},
		{"e\u0323\u0302", 1},
	}
	for _, tt := range tests {
		if got := Length(tt.in); got != tt.want {
			t.Errorf("Length(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestCleanTextValidUTF8(t *testing.T) {
	for _, in := range []string{"\xff", "<b>\xfe</b>", "a\xe1\xbb", "\xed\xa0\x80"} {
		if got := CleanText(in); !utf8.ValidString(got) {
			t.Errorf("CleanText(%q) = %q is not valid UTF-8", in, got)
		}
	}
}
