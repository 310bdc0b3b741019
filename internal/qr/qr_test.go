package qr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

const typicalURL = "https://gopy.example.vn/c/1234"

// svgDoc is what the tests read back from an SVG.
type svgDoc struct {
	ViewBox, Role, Label, Rendering, Title string
	Paths                                  []string // the d attribute of each <path>
	Rects                                  int
}

// parseSVG reads the whole document with encoding/xml, so anything that is not well-formed
// XML fails the test.
func parseSVG(t *testing.T, raw []byte) svgDoc {
	t.Helper()
	var doc svgDoc
	dec := xml.NewDecoder(bytes.NewReader(raw))
	var inTitle bool
	for depth := 0; ; {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if depth != 0 {
				t.Fatalf("SVG ends inside an element")
			}
			return doc
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, raw)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			attr := map[string]string{}
			for _, a := range el.Attr {
				attr[a.Name.Local] = a.Value
			}
			switch el.Name.Local {
			case "svg":
				if el.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("svg namespace %q", el.Name.Space)
				}
				doc.ViewBox, doc.Role, doc.Label, doc.Rendering = attr["viewBox"], attr["role"], attr["aria-label"], attr["shape-rendering"]
			case "title":
				inTitle = true
			case "path":
				doc.Paths = append(doc.Paths, attr["d"])
			case "rect":
				doc.Rects++
			default:
				t.Errorf("unexpected element <%s>", el.Name.Local)
			}
		case xml.EndElement:
			depth--
			inTitle = false
		case xml.CharData:
			if inTitle {
				doc.Title += string(el)
			}
		}
	}
}

var runRe = regexp.MustCompile(`([Mm])(-?\d+) (-?\d+)h(\d+)v1h-(\d+)z`)

// raster turns the path back into modules (quiet zone removed), checking that it is made of
// nothing but one-module-high runs.
func raster(t *testing.T, d string, size int) []bool {
	t.Helper()
	grid := make([]bool, size*size)
	x, y, rest := 0, 0, d
	for rest != "" {
		m := runRe.FindStringSubmatchIndex(rest)
		if m == nil || m[0] != 0 {
			t.Fatalf("path has something else than runs at %.30q", rest)
		}
		dx, _ := strconv.Atoi(rest[m[4]:m[5]])
		dy, _ := strconv.Atoi(rest[m[6]:m[7]])
		n, _ := strconv.Atoi(rest[m[8]:m[9]])
		back, _ := strconv.Atoi(rest[m[10]:m[11]])
		if rest[m[2]:m[3]] == "M" {
			x, y = dx, dy
		} else {
			x, y = x+dx, y+dy
		}
		if back != n {
			t.Fatalf("run drawn %d forward and %d back", n, back)
		}
		for i := 0; i < n; i++ {
			mx, my := x+i-QuietZone, y-QuietZone
			if mx < 0 || my < 0 || mx >= size || my >= size {
				t.Fatalf("dark module (%d,%d) outside the symbol: the quiet zone must stay light", mx, my)
			}
			if grid[my*size+mx] {
				t.Fatalf("module (%d,%d) drawn twice", mx, my)
			}
			grid[my*size+mx] = true
		}
		rest = rest[m[1]:]
	}
	return grid
}

func TestSVGIsSmallWellFormedXML(t *testing.T) {
	label := `Mã QR dẫn đến trang góp ý: ` + typicalURL + ` & "<thử>"`
	raw, err := SVG(typicalURL, label)
	if err != nil {
		t.Fatal(err)
	}
	doc := parseSVG(t, raw)
	c, err := Encode(typicalURL)
	if err != nil {
		t.Fatal(err)
	}
	side := c.Size + 2*QuietZone
	if want := fmt.Sprintf("0 0 %d %d", side, side); doc.ViewBox != want {
		t.Errorf("viewBox %q, want %q (the symbol and a quiet zone of %d modules)", doc.ViewBox, want, QuietZone)
	}
	if doc.Role != "img" || doc.Label != label || doc.Title != label {
		t.Errorf("role %q, aria-label %q, title %q; want img and the label", doc.Role, doc.Label, doc.Title)
	}
	if doc.Rendering != "crispEdges" {
		t.Errorf("shape-rendering %q", doc.Rendering)
	}
	if len(doc.Paths) != 1 || doc.Rects != 1 {
		t.Fatalf("%d paths and %d rects, want one path for the dark modules on one light square", len(doc.Paths), doc.Rects)
	}
	t.Logf("%s: version %d, %d×%d modules, %d dark, SVG %d bytes", typicalURL, c.Version, c.Size, c.Size, c.DarkCount(), len(raw))
	if len(raw) > 5000 {
		t.Errorf("SVG of a typical URL is %d bytes; merging runs should keep it under 5000", len(raw))
	}
}

// TestVersionFollowsLength checks the symbol grows exactly when the text outgrows the byte
// capacity of a version at level Q (ISO/IEC 18004 table 7: 11, 20, 32, 46 bytes).
func TestVersionFollowsLength(t *testing.T) {
	for _, tc := range []struct{ length, version int }{
		{11, 1}, {12, 2}, {20, 2}, {21, 3}, {32, 3}, {33, 4}, {46, 4}, {47, 5},
	} {
		text := "x.vn/" + strings.Repeat("c", tc.length-5)
		c, err := Encode(text)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := SVG(text, "x")
		if err != nil {
			t.Fatal(err)
		}
		size := 17 + 4*tc.version
		side := size + 2*QuietZone
		if c.Version != tc.version || c.Size != size {
			t.Errorf("%d bytes: version %d of %d modules, want version %d of %d", tc.length, c.Version, c.Size, tc.version, size)
		}
		if want := fmt.Sprintf(`viewBox="0 0 %d %d"`, side, side); !bytes.Contains(raw, []byte(want)) {
			t.Errorf("%d bytes: SVG lacks %s", tc.length, want)
		}
	}
}

// TestSameURLSameSVG: the library alone gives two different pictures for
// http://127.0.0.1/c/10 from run to run (two masks tie); the package must not.
func TestSameURLSameSVG(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1/c/10", typicalURL, "https://gopy.example.vn/c/597", "http://127.0.0.1/c/1418"} {
		first, err := SVG(u, "x")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 40; i++ {
			again, err := SVG(u, "x")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, again) {
				t.Fatalf("%s: SVG differs on run %d", u, i+2)
			}
		}
	}
}

// libraryMatrix is the library's own matrix, module values and types.
type libraryMatrix struct {
	size  int
	dark  []bool
	types []qrcode.QRType
}

func (l *libraryMatrix) Write(mat qrcode.Matrix) error {
	l.size = mat.Width()
	l.dark = make([]bool, l.size*l.size)
	l.types = make([]qrcode.QRType, l.size*l.size)
	mat.Iterate(qrcode.IterDirection_ROW, func(x, y int, v qrcode.QRValue) {
		l.dark[y*l.size+x], l.types[y*l.size+x] = v.IsSet(), v.Type()
	})
	return nil
}

func (l *libraryMatrix) Close() error { return nil }

func newLibraryMatrix(t *testing.T, text string) *libraryMatrix {
	t.Helper()
	q, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionQuart))
	if err != nil {
		t.Fatal(err)
	}
	var lib libraryMatrix
	if err := q.Save(&lib); err != nil {
		t.Fatal(err)
	}
	return &lib
}

// dataArea marks the modules that carry codewords: those the library types as data, less
// the alignment patterns it types so too.
func (l *libraryMatrix) dataArea() []bool {
	align := alignmentModules((l.size - 17) / 4)
	out := make([]bool, len(l.types))
	for i, ty := range l.types {
		out[i] = ty == qrcode.QRType_DATA && !align[point{i % l.size, i / l.size}]
	}
	return out
}

// TestAlignmentPatterns checks the alignment patterns the package leaves out of the data
// against the library, for every version: each is drawn there (dark ring, light ring,
// dark centre), and what remains is exactly as many modules as the standard gives a
// version for codewords and remainder bits.
func TestAlignmentPatterns(t *testing.T) {
	seen := map[int]bool{}
	for length := 5; length <= 1663; length += 1 + length/60 {
		text := "x.vn/" + strings.Repeat("a", length-5)
		lib := newLibraryMatrix(t, text)
		n, v := lib.size, (lib.size-17)/4
		if seen[v] {
			continue
		}
		seen[v] = true
		coords := alignmentCoords(v)
		for _, cy := range coords {
			for _, cx := range coords {
				if !alignmentModules(v)[point{cx, cy}] {
					continue
				}
				for dy := -2; dy <= 2; dy++ {
					for dx := -2; dx <= 2; dx++ {
						ring := max(absInt(dx), absInt(dy))
						if want := ring != 1; lib.dark[(cy+dy)*n+cx+dx] != want {
							t.Fatalf("version %d: no alignment pattern around (%d,%d)", v, cx, cy)
						}
					}
				}
			}
		}
		data := 0
		for _, d := range lib.dataArea() {
			if d {
				data++
			}
		}
		// The standard's count of modules left for data (ISO/IEC 18004 table 1).
		want := (16*v+128)*v + 64
		if v >= 2 {
			k := v/7 + 2
			want -= (25*k-10)*k - 55
			if v >= 7 {
				want -= 36
			}
		}
		if data != want {
			t.Errorf("version %d: %d data modules, the standard has %d", v, data, want)
		}
	}
	if len(seen) != 40 {
		t.Errorf("covered %d versions, want all 40: %v", len(seen), seen)
	}
}

// TestSVGDrawsTheLibraryMatrix re-derives the expected symbol from the library's matrix
// (its mask swapped for the one the package chose, and the format information to match)
// and compares it with the modules the SVG draws, one by one.
func TestSVGDrawsTheLibraryMatrix(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1/c/1", "http://127.0.0.1/c/10", typicalURL,
		"https://ubnd-xa-an-binh.tinh-thu.gov.vn/c/12345", "https://x.vn/" + strings.Repeat("d", 150)} {
		lib := newLibraryMatrix(t, u)
		n := lib.size
		data := lib.dataArea()

		// The format information sits where formatPositions says, in both copies.
		row, col := formatPositions(n)
		format := map[int]bool{}
		for i := range 15 {
			format[row[i].y*n+row[i].x], format[col[i].y*n+col[i].x] = true, true
		}
		for i, ty := range lib.types {
			if (ty == qrcode.QRType_FORMAT) != format[i] {
				t.Fatalf("%s: module (%d,%d) is %v in the library; formatPositions disagrees", u, i%n, i/n, ty)
			}
		}
		libMask := lib.libraryMask(t)

		raw, err := SVG(u, "x")
		if err != nil {
			t.Fatal(err)
		}
		c, err := Encode(u)
		if err != nil {
			t.Fatal(err)
		}
		if c.Size != n {
			t.Fatalf("%s: %d modules, the library has %d", u, c.Size, n)
		}
		want := make([]bool, n*n)
		wantDark := 0
		for i := range want {
			x, y := i%n, i/n
			want[i] = lib.dark[i]
			if data[i] {
				want[i] = want[i] != maskBit(libMask, x, y) != maskBit(c.Mask, x, y)
			}
		}
		for i := range 15 {
			bit := formatQ[c.Mask]&(1<<(14-i)) != 0
			want[row[i].y*n+row[i].x], want[col[i].y*n+col[i].x] = bit, bit
		}
		for _, d := range want {
			if d {
				wantDark++
			}
		}
		got := raster(t, parseSVG(t, raw).Paths[0], n)
		gotDark := 0
		for i := range got {
			if got[i] {
				gotDark++
			}
			if got[i] != want[i] {
				t.Fatalf("%s: module (%d,%d) is %v in the SVG, %v re-derived from the library", u, i%n, i/n, got[i], want[i])
			}
		}
		if gotDark != wantDark || gotDark != c.DarkCount() {
			t.Errorf("%s: the SVG draws %d dark modules; the library's matrix gives %d", u, gotDark, wantDark)
		}
	}
}

// libraryMask reads the mask the library chose from its format information.
func (l *libraryMatrix) libraryMask(t *testing.T) int {
	t.Helper()
	row, col := formatPositions(l.size)
	for m := range 8 {
		ok := true
		for i := range 15 {
			bit := formatQ[m]&(1<<(14-i)) != 0
			ok = ok && l.dark[row[i].y*l.size+row[i].x] == bit && l.dark[col[i].y*l.size+col[i].x] == bit
		}
		if ok {
			return m
		}
	}
	t.Fatalf("the library's format information is no level-Q mask")
	return -1
}

// TestMaskIsTheLibrarys: the code is the library's own picture, except where two masks
// tie, and there the lower mask number wins; ties stay rare (a wrong penalty would make
// the choices differ often, and a constant one would tie everything).
func TestMaskIsTheLibrarys(t *testing.T) {
	urls, ties := 0, 0
	for i := 1; i <= 400; i++ {
		for _, base := range []string{"http://127.0.0.1/c/%d", "https://gopy.example.vn/c/%d"} {
			u := fmt.Sprintf(base, i)
			urls++
			c, err := Encode(u)
			if err != nil {
				t.Fatal(err)
			}
			lib := newLibraryMatrix(t, u)
			libMask := lib.libraryMask(t)
			if c.Mask == libMask {
				for j := range lib.dark {
					if lib.dark[j] != c.dark[j] {
						t.Fatalf("%s: same mask %d as the library, but module (%d,%d) differs", u, c.Mask, j%c.Size, j/c.Size)
					}
				}
				continue
			}
			ties++
			ours, theirs := penalty(c.dark, lib.types, c.Size), penalty(lib.dark, lib.types, c.Size)
			if ours != theirs || c.Mask > libMask {
				t.Errorf("%s: mask %d (penalty %d) where the library chose %d (penalty %d)", u, c.Mask, ours, libMask, theirs)
			}
		}
	}
	t.Logf("%d URLs, %d where the library's mask tied with a lower one", urls, ties)
	if ties*50 > urls {
		t.Errorf("%d ties in %d URLs: the penalty no longer follows the library's", ties, urls)
	}
}

func TestEncodeRefusesWhatScannersGarble(t *testing.T) {
	for _, text := range []string{"", "https://gopy.vn/góp-ý", "https://gopy.vn/c/1\n", "a\x00b"} {
		if _, err := Encode(text); !errors.Is(err, ErrNotASCII) {
			t.Errorf("Encode(%q): %v, want ErrNotASCII", text, err)
		}
		if _, err := SVG(text, "x"); !errors.Is(err, ErrNotASCII) {
			t.Errorf("SVG(%q): %v, want ErrNotASCII", text, err)
		}
	}
}

func TestURLIsASCII(t *testing.T) {
	for _, tc := range []struct{ base, path, want string }{
		{"http://127.0.0.1", "/c/5", "http://127.0.0.1/c/5"},
		{"https://gopy.example.vn/", "/c/12", "https://gopy.example.vn/c/12"},
		{"http://localhost:8080", "/c/7", "http://localhost:8080/c/7"},
		{"https://Góp-Ý.vn", "/c/3", "https://xn--gp--gna6c.vn/c/3"},
		{"https://xã.example.vn:8443/cổng thông tin", "/c/3", "https://xn--x-yfa.example.vn:8443/c%E1%BB%95ng%20th%C3%B4ng%20tin/c/3"},
		{"http://[::1]:8080", "/c/4", "http://[::1]:8080/c/4"},
	} {
		got, err := URL(tc.base, tc.path)
		if err != nil {
			t.Errorf("URL(%q, %q): %v", tc.base, tc.path, err)
			continue
		}
		if got != tc.want {
			t.Errorf("URL(%q, %q) = %q, want %q", tc.base, tc.path, got, tc.want)
		}
		if !printableASCII(got) {
			t.Errorf("URL(%q, %q) = %q is not printable ASCII", tc.base, tc.path, got)
		}
		if _, err := Encode(got); err != nil {
			t.Errorf("Encode(%q): %v", got, err)
		}
	}
	for _, base := range []string{"", "gopy.vn", "ftp://gopy.vn", "https://", "https://bad host.vn"} {
		if got, err := URL(base, "/c/1"); err == nil {
			t.Errorf("URL(%q) = %q, want an error", base, got)
		}
	}
}
