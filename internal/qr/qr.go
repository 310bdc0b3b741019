// Package qr draws QR codes as small SVG for the printed notices and household forms, so a
// resident can open a consultation by pointing a phone at the village notice board.
//
// github.com/yeqown/go-qrcode/v2 encodes the data; this package writes the SVG itself
// (the library's own writers pull in image libraries) and settles the mask pattern. The
// library scores the eight masks in parallel goroutines and keeps whichever lowest score
// arrives first, so when two masks tie (about one URL in four hundred) the same URL could
// give a different picture after a restart. Scoring the masks again here with the
// library's rules and taking the lowest number on a tie keeps the library's picture in
// every other case and makes the output a pure function of the text: the same notice
// prints the same code, and tests can compare bytes.
package qr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"
	"golang.org/x/net/idna"
)

// QuietZone is the light margin around the code, in modules: the four the standard asks
// for, which a code printed next to other ink on a notice board needs to be found.
const QuietZone = 4

// ErrNotASCII is returned for text a code should not carry: anything but printable ASCII.
// A URL with Vietnamese letters would be encoded as UTF-8 bytes, which some phone
// scanners show garbled or refuse to open.
var ErrNotASCII = errors.New("qr: text must be printable ASCII")

// Code is a QR code as a square of modules, without its quiet zone.
type Code struct {
	Version int // 1–40; the side is 17 + 4×Version modules
	Size    int // modules per side
	Mask    int // the mask pattern chosen, 0–7
	dark    []bool
}

// Dark reports whether the module in column x, row y is dark.
func (c *Code) Dark(x, y int) bool { return c.dark[y*c.Size+x] }

// DarkCount is the number of dark modules.
func (c *Code) DarkCount() int {
	n := 0
	for _, d := range c.dark {
		if d {
			n++
		}
	}
	return n
}

// Encode returns the QR code of text at error correction level Q, which still reads with a
// quarter of the code soiled or torn, as happens on an outdoor notice board.
func Encode(text string) (*Code, error) {
	var w captureWriter
	if err := save(text, &w); err != nil {
		return nil, err
	}
	return w.code, nil
}

// SVG returns the QR code of text as an SVG document; label says where the code leads and
// becomes its accessible name.
func SVG(text, label string) ([]byte, error) {
	var buf bytes.Buffer
	if err := save(text, NewSVGWriter(&buf, label)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func save(text string, w qrcode.Writer) error {
	if !printableASCII(text) || text == "" {
		return ErrNotASCII
	}
	q, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionQuart))
	if err != nil {
		return fmt.Errorf("qr: %w", err)
	}
	return q.Save(w)
}

// captureWriter keeps the code instead of drawing it.
type captureWriter struct{ code *Code }

func (w *captureWriter) Write(mat qrcode.Matrix) (err error) {
	w.code, err = fromMatrix(mat)
	return err
}

func (w *captureWriter) Close() error { return nil }

// SVGWriter draws a code as SVG: one <path> for all dark modules, each row's runs of dark
// modules merged into one rectangle, on a light square that includes the quiet zone. It
// implements the writer interface of github.com/yeqown/go-qrcode/v2.
type SVGWriter struct {
	w     io.Writer
	label string
}

// NewSVGWriter returns a writer that draws codes into w, labelled for screen readers.
func NewSVGWriter(w io.Writer, label string) *SVGWriter { return &SVGWriter{w: w, label: label} }

// Write draws the library's matrix, after choosing its mask (see the package comment).
func (s *SVGWriter) Write(mat qrcode.Matrix) error {
	c, err := fromMatrix(mat)
	if err != nil {
		return err
	}
	_, err = s.w.Write(c.svg(s.label))
	return err
}

// Close does nothing: the writer does not own w.
func (s *SVGWriter) Close() error { return nil }

func (c *Code) svg(label string) []byte {
	side := strconv.Itoa(c.Size + 2*QuietZone)
	var esc bytes.Buffer
	_ = xml.EscapeText(&esc, []byte(label))
	var b bytes.Buffer
	b.Grow(4096)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + side + " " + side +
		`" shape-rendering="crispEdges" role="img" aria-label="` + esc.String() + `"><title>` + esc.String() + `</title>`)
	b.WriteString(`<rect width="` + side + `" height="` + side + `" fill="#fff"/><path fill="#000" d="`)
	// Relative moves keep the numbers short: after "z" the pen is back at the start of the
	// run just drawn, so the next run is reached by a small step.
	px, py, first := 0, 0, true
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; {
			if !c.Dark(x, y) {
				x++
				continue
			}
			run := 1
			for x+run < c.Size && c.Dark(x+run, y) {
				run++
			}
			ax, ay := x+QuietZone, y+QuietZone
			if first {
				b.WriteString("M" + strconv.Itoa(ax) + " " + strconv.Itoa(ay))
				first = false
			} else {
				b.WriteString("m" + strconv.Itoa(ax-px) + " " + strconv.Itoa(ay-py))
			}
			n := strconv.Itoa(run)
			b.WriteString("h" + n + "v1h-" + n + "z")
			px, py = ax, ay
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes()
}

// URL joins the portal's public address and a path into the URL a code and a printed link
// carry, in ASCII: an internationalised host name becomes its xn-- form and any other
// character outside printable ASCII is percent-escaped, so every scanner and every phone
// keyboard can use it.
func URL(base, path string) (string, error) {
	u, err := url.Parse(strings.TrimRight(base, "/") + path)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("qr: %q is not an http(s) address", base)
	}
	host := u.Hostname()
	if net.ParseIP(host) == nil {
		if host, err = idna.Lookup.ToASCII(host); err != nil {
			return "", fmt.Errorf("qr: host of %q: %w", base, err)
		}
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if p := u.Port(); p != "" {
		host += ":" + p
	}
	u.Host = host
	s := u.String()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
