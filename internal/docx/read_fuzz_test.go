package docx

import (
	"os"
	"testing"
	"unicode/utf8"
)

// FuzzText feeds the reader arbitrary bytes, starting from the fixtures: it must return
// text or one of its errors, never panic, and its text must be valid UTF-8.
func FuzzText(f *testing.F) {
	for _, name := range []string{"huong-uoc-libreoffice.docx", "quy-uoc-word.docx"} {
		raw, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		text, err := Text(data)
		if err == nil && !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8: %q", text)
		}
	})
}
