package textnorm

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// FuzzSanitizeTokens checks the sanitiser against a real HTML tokenizer rather than the
// package's own idea of a tag opener: whatever a resident sends, CleanText and CleanLine
// return text that the tokenizer reads as text only, so it stays text even if some page
// ever printed it without escaping. Printed through html/template, as the pages do, it
// comes back from the tokenizer exactly as stored.
func FuzzSanitizeTokens(f *testing.F) {
	for _, s := range xssPayloads {
		f.Add(s)
	}
	for _, s := range []string{
		"Tôi & bạn <3", "a < b, c <= d, <<", "a &lt;b&gt; &amp;lt;", "</3 <!x <?php <\u212Ascript>",
		"<svg/onload=alert(1)>", "<img src=x onerror=alert(1)//", "<a\x00b>", "<\tb>", "x</", "<</a>>",
		"<style><!--</style><b>--></b>", "<select><template><style><!--</style><a>",
		"\"'><img src=x>", "javascript:alert(1)", "&#60;script&#62;", "\xef\xbc\x9cscript\xef\xbc\x9e",
	} {
		f.Add(s)
	}
	page := template.Must(template.New("p").Parse(`<p title="{{.}}">{{.}}</p><textarea>{{.}}</textarea>`))
	f.Fuzz(func(t *testing.T, in string) {
		for name, clean := range map[string]func(string) string{"CleanText": CleanText, "CleanLine": CleanLine} {
			out := clean(in)
			z := html.NewTokenizer(strings.NewReader(out))
			var text strings.Builder
			for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
				if tt != html.TextToken {
					t.Fatalf("%s(%q) = %q: the tokenizer reads a %v token %q", name, in, out, tt, z.Raw())
				}
				text.Write(z.Raw())
			}
			if text.String() != out {
				t.Fatalf("%s(%q) = %q: the tokenizer read only %q", name, in, out, text.String())
			}

			var buf bytes.Buffer
			if err := page.Execute(&buf, out); err != nil {
				t.Fatalf("render %q: %v", out, err)
			}
			doc, err := html.Parse(&buf)
			if err != nil {
				t.Fatalf("parse the page with %q: %v", out, err)
			}
			var seen []string
			var walk func(*html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode {
					switch n.Data {
					case "html", "head", "body":
					case "p", "textarea":
						seen = append(seen, n.Data)
						for _, a := range n.Attr {
							if a.Key != "title" || n.Data != "p" {
								t.Fatalf("%q printed in a page grew the attribute %s=%q", out, a.Key, a.Val)
							}
							if a.Val != out {
								t.Fatalf("%q printed as an attribute reads back as %q", out, a.Val)
							}
						}
						// html.Parse drops one leading newline of a textarea, as browsers do.
						got := textOf(n)
						if n.Data == "textarea" && strings.HasPrefix(out, "\n") {
							got = "\n" + got
						}
						if got != out {
							t.Fatalf("%q printed in <%s> reads back as %q", out, n.Data, got)
						}
						return
					default:
						t.Fatalf("%q printed in a page made a <%s> element", out, n.Data)
					}
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(doc)
			if strings.Join(seen, ",") != "p,textarea" {
				t.Fatalf("%q printed in a page changed its elements to %v", out, seen)
			}
		}
	})
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
		default:
			b.WriteString("\x00<not text>")
		}
	}
	return b.String()
}
