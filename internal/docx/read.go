// Package docx reads the text of a Word document (.docx, Office Open XML) for the draft
// splitter, and writes the simple documents the portal hands officials to sign.
//
// Reading turns a document into the plain text an official would get by copying it out of
// Word: one line per paragraph, Word's automatic numbering written out in front of the
// paragraph as Word shows it ("Điều 3.", "1.", "a)"), a table's rows as lines of cells.
// internal/draft then splits that text exactly as it splits pasted text, so a .docx and
// its pasted copy give the same Chương / Điều / Khoản.
//
// Only the standard library is used (archive/zip, encoding/xml), and the work is bounded:
// the file's size, the uncompressed size of each part read, and the number of paragraphs.
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Limits on what Text reads.
const (
	// MaxFile is the largest .docx accepted, in bytes. A draft's text is a few hundred
	// kilobytes at most; what makes a Word file larger is pictures, which are not read.
	MaxFile = 5 << 20
	// MaxPart is the most a part (word/document.xml, numbering, styles) may take
	// uncompressed. XML compresses well, but not by a thousand times: a part that expands
	// past this is a zip bomb or far beyond any draft.
	MaxPart = 32 << 20
	// MaxParagraphs bounds the paragraphs (table cells' included) of a document.
	MaxParagraphs = 20000
	// MaxText bounds the text read, in bytes: four times the longest draft the portal takes
	// (200,000 characters, at most 4 bytes each), so reading stops long before a part's end.
	MaxText = 4 * 200000 * 4
)

// Why a file cannot be read. The app turns each into a message for the official.
var (
	// ErrNotWord: the file is not a Word document (.docx) at all, or a damaged one.
	ErrNotWord = errors.New("docx: not a Word document")
	// ErrOldWord: a Word 97–2003 .doc, which must be saved again as .docx.
	ErrOldWord = errors.New("docx: a Word 97-2003 document")
	// ErrEncrypted: a document protected by a password (an OLE compound file holding an
	// EncryptedPackage stream), which cannot be read without it.
	ErrEncrypted = errors.New("docx: encrypted")
	// ErrTooLarge: the file, one of its parts uncompressed, or its number of paragraphs is
	// past the limits above.
	ErrTooLarge = errors.New("docx: too large")
)

// oleSignature starts every OLE compound file: Word 97–2003 documents, and .docx files
// encrypted with a password, which Office wraps in one.
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// encryptedPackage is the name of the stream of an encrypted OOXML document, as it is
// stored in the compound file's directory (UTF-16LE).
var encryptedPackage = func() []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune("EncryptedPackage")) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}()

// Text returns the text of the Word document in data, one line per paragraph.
func Text(data []byte) (string, error) {
	if len(data) > MaxFile {
		return "", ErrTooLarge
	}
	if bytes.HasPrefix(data, oleSignature) {
		if bytes.Contains(data, encryptedPackage) {
			return "", ErrEncrypted
		}
		return "", ErrOldWord
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", ErrNotWord
	}
	p := pkg{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		p.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	main, err := p.mainPart()
	if err != nil {
		return "", err
	}
	doc, err := p.read(main)
	if err != nil {
		return "", err
	}
	// Numbering and styles are found through the main part's relationships; Word and
	// LibreOffice both name them word/numbering.xml and word/styles.xml.
	rels := p.relationships(main)
	r := newReader()
	if name := rels["numbering"]; name != "" {
		if raw, err := p.read(name); err == nil {
			r.num = parseNumbering(raw)
		} else if errors.Is(err, ErrTooLarge) {
			return "", err
		}
	}
	if name := rels["styles"]; name != "" {
		if raw, err := p.read(name); err == nil {
			r.styles = parseStyles(raw)
		} else if errors.Is(err, ErrTooLarge) {
			return "", err
		}
	}
	return r.document(doc)
}

// pkg is the zip package of a document, by part name.
type pkg struct{ files map[string]*zip.File }

// read returns a part's bytes, refusing one that expands past MaxPart whatever its header
// claims: the header's size is only what the file says about itself.
func (p pkg) read(name string) ([]byte, error) {
	f := p.files[name]
	if f == nil {
		return nil, ErrNotWord
	}
	if f.UncompressedSize64 > MaxPart {
		return nil, ErrTooLarge
	}
	rc, err := f.Open()
	if err != nil {
		return nil, ErrNotWord
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, MaxPart+1))
	if err != nil {
		return nil, ErrNotWord
	}
	if len(raw) > MaxPart {
		return nil, ErrTooLarge
	}
	return raw, nil
}

// relsXML is a relationships part (_rels/.rels, word/_rels/document.xml.rels).
type relsXML struct {
	Rels []struct {
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
		Mode   string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

// relationships maps the last word of each relationship type of a part ("officeDocument",
// "numbering", "styles") to the part it points to.
func (p pkg) relationships(part string) map[string]string {
	dir, file := path.Split(part)
	out := map[string]string{}
	raw, err := p.read(dir + "_rels/" + file + ".rels")
	if err != nil {
		return out
	}
	var rs relsXML
	if xml.Unmarshal(raw, &rs) != nil {
		return out
	}
	for _, r := range rs.Rels {
		if r.Mode == "External" {
			continue
		}
		kind := r.Type[strings.LastIndexByte(r.Type, '/')+1:]
		target := r.Target
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join(dir, target)
		}
		if _, seen := out[kind]; !seen {
			out[kind] = target
		}
	}
	return out
}

// mainPart finds the document's body: the package's officeDocument relationship, as Word
// and LibreOffice both write it, or word/document.xml when the relationships are missing.
func (p pkg) mainPart() (string, error) {
	if name := p.relationships("")["officeDocument"]; name != "" && p.files[name] != nil {
		return name, nil
	}
	if p.files["word/document.xml"] != nil {
		return "word/document.xml", nil
	}
	return "", ErrNotWord
}

// level is one level of a list definition: how its number is counted and written.
type level struct {
	start   int
	format  string // numFmt: decimal, lowerLetter, upperRoman, bullet, none…
	text    string // lvlText: "Điều %1.", "%1.", "%2)"
	suffix  string // suff: tab (the default), space or nothing
	restart int    // lvlRestart: restart after this level (1-based), 0 for never, -1 for the default
	legal   bool   // isLgl: every %n in decimal
}

// numbering is what numbering.xml defines: abstract lists and the numIds that use them.
type numbering struct {
	abstract map[string]map[int]*level // abstractNumId → ilvl → level
	nums     map[string]numDef
}

type numDef struct {
	abstract string
	starts   map[int]int // lvlOverride/startOverride by ilvl
	levels   map[int]*level
}

// parseNumbering reads numbering.xml with the token stream; a part it cannot read simply
// gives no automatic numbers.
func parseNumbering(raw []byte) *numbering {
	n := &numbering{abstract: map[string]map[int]*level{}, nums: map[string]numDef{}}
	d := xml.NewDecoder(bytes.NewReader(raw))
	var (
		abstractID string // inside w:abstractNum
		numID      string // inside w:num
		def        numDef // the w:num being read
		lvl        *level // the w:lvl being read
		lvlIdx     int    // its ilvl
		override   = -1   // inside w:lvlOverride of this ilvl
		levels     = map[int]*level{}
	)
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "abstractNum":
				abstractID, levels = attr(t, "abstractNumId"), map[int]*level{}
			case "num":
				numID = attr(t, "numId")
				def = numDef{starts: map[int]int{}, levels: map[int]*level{}}
			case "abstractNumId":
				if numID != "" {
					def.abstract = attr(t, "val")
				}
			case "lvlOverride":
				override = atoi(attr(t, "ilvl"), -1)
			case "startOverride":
				if numID != "" && override >= 0 {
					def.starts[override] = atoi(attr(t, "val"), 1)
				}
			case "lvl":
				lvlIdx = atoi(attr(t, "ilvl"), 0)
				lvl = &level{start: 1, format: "decimal", suffix: "tab", restart: -1}
			case "start":
				if lvl != nil {
					lvl.start = atoi(attr(t, "val"), 1)
				}
			case "numFmt":
				if lvl != nil {
					lvl.format = attr(t, "val")
				}
			case "lvlText":
				if lvl != nil {
					lvl.text = attr(t, "val")
				}
			case "suff":
				if lvl != nil {
					lvl.suffix = attr(t, "val")
				}
			case "lvlRestart":
				if lvl != nil {
					lvl.restart = atoi(attr(t, "val"), -1)
				}
			case "isLgl":
				if lvl != nil {
					lvl.legal = attr(t, "val") != "0" && attr(t, "val") != "false"
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "lvl":
				if lvl != nil && lvlIdx >= 0 && lvlIdx < 9 {
					if numID != "" && override >= 0 {
						def.levels[lvlIdx] = lvl
					} else if abstractID != "" {
						levels[lvlIdx] = lvl
					}
				}
				lvl = nil
			case "lvlOverride":
				override = -1
			case "abstractNum":
				if abstractID != "" {
					n.abstract[abstractID] = levels
				}
				abstractID = ""
			case "num":
				if numID != "" {
					n.nums[numID] = def
				}
				numID = ""
			}
		}
	}
	return n
}

// style is what the reader needs of a paragraph style: its list, if any, and its parent.
type style struct {
	basedOn string
	numID   string
	ilvl    int
	hasIlvl bool
}

// parseStyles reads the numbering that paragraph styles carry (a "Heading 2" numbered
// "Điều %1." in the style itself, say).
func parseStyles(raw []byte) map[string]style {
	out := map[string]style{}
	d := xml.NewDecoder(bytes.NewReader(raw))
	var id string
	var cur style
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "style":
				id, cur = "", style{}
				if attr(t, "type") == "paragraph" {
					id = attr(t, "styleId")
				}
			case "basedOn":
				cur.basedOn = attr(t, "val")
			case "numId":
				cur.numID = attr(t, "val")
			case "ilvl":
				cur.ilvl, cur.hasIlvl = atoi(attr(t, "val"), 0), true
			}
		case xml.EndElement:
			if t.Name.Local == "style" && id != "" {
				out[id] = cur
				id = ""
			}
		}
	}
	return out
}

// reader walks document.xml, keeping the lists' counters as Word does.
type reader struct {
	num    *numbering
	styles map[string]style
	// counters of each abstract list by level; lists that share an abstract definition
	// continue each other's numbers, as in Word, unless a numId restarts them.
	counters  map[string]*[9]int
	started   map[string]bool // numIds whose start overrides have been applied
	lines     []string
	paras     int
	textBytes int
}

func newReader() *reader {
	return &reader{counters: map[string]*[9]int{}, started: map[string]bool{}}
}

// para is a paragraph being read: its list membership, style and text so far.
type para struct {
	style   string
	numID   string
	ilvl    int
	hasNum  bool
	hasIlvl bool
	text    strings.Builder
}

// tableState collects a table's rows, each as one line of its cells.
type tableState struct {
	rows  []string
	cells []string
	cell  strings.Builder
}

func (r *reader) document(raw []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(raw))
	var (
		paras  []*para       // nested: a text box's paragraphs sit inside a run of another
		tables []*tableState // nested tables are flattened into their outer cell
		skip   int           // depth inside content never shown (mc:Fallback, deleted text)
		inText bool
		inPPr  bool
		inBody bool
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", ErrNotWord
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			switch t.Name.Local {
			case "body":
				inBody = true
			case "Fallback", "del", "moveFrom", "pPrChange", "rPrChange", "numberingChange":
				// mc:Fallback repeats what mc:Choice says for older readers; deleted
				// tracked changes are not part of the text.
				skip = 1
			case "p":
				if !inBody {
					continue
				}
				r.paras++
				if r.paras > MaxParagraphs {
					return "", ErrTooLarge
				}
				paras = append(paras, &para{})
			case "pPr":
				inPPr = true
			case "pStyle":
				if inPPr && len(paras) > 0 {
					paras[len(paras)-1].style = attr(t, "val")
				}
			case "numId":
				if inPPr && len(paras) > 0 {
					p := paras[len(paras)-1]
					p.numID, p.hasNum = attr(t, "val"), true
				}
			case "ilvl":
				if inPPr && len(paras) > 0 {
					p := paras[len(paras)-1]
					p.ilvl, p.hasIlvl = atoi(attr(t, "val"), 0), true
				}
			case "t":
				inText = !inPPr
			case "tab", "ptab":
				if !inPPr && len(paras) > 0 {
					paras[len(paras)-1].text.WriteByte('\t')
				}
			case "br", "cr":
				if !inPPr && len(paras) > 0 {
					paras[len(paras)-1].text.WriteByte('\n')
				}
			case "noBreakHyphen":
				if len(paras) > 0 {
					paras[len(paras)-1].text.WriteByte('-')
				}
			case "tbl":
				if inBody {
					tables = append(tables, &tableState{})
				}
			case "tr":
				if n := len(tables); n > 0 {
					tables[n-1].cells = nil
				}
			case "tc":
				if n := len(tables); n > 0 {
					tables[n-1].cell.Reset()
				}
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			switch t.Name.Local {
			case "pPr":
				inPPr = false
			case "t":
				inText = false
			case "p":
				if len(paras) == 0 {
					continue
				}
				p := paras[len(paras)-1]
				paras = paras[:len(paras)-1]
				line := r.prefix(p) + p.text.String()
				switch {
				case len(paras) > 0:
					// A text box's paragraph: a line of its own, before its anchor's.
					r.lines = append(r.lines, line)
				case len(tables) > 0:
					tb := tables[len(tables)-1]
					if tb.cell.Len() > 0 {
						tb.cell.WriteByte(' ')
					}
					tb.cell.WriteString(strings.Join(strings.Fields(line), " "))
				default:
					r.lines = append(r.lines, line)
				}
			case "tc":
				if n := len(tables); n > 0 {
					tb := tables[n-1]
					tb.cells = append(tb.cells, strings.TrimSpace(tb.cell.String()))
					tb.cell.Reset()
				}
			case "tr":
				if n := len(tables); n > 0 {
					tb := tables[n-1]
					if strings.Join(tb.cells, "") != "" {
						tb.rows = append(tb.rows, "| "+strings.Join(tb.cells, " | ")+" |")
					}
				}
			case "tbl":
				n := len(tables)
				if n == 0 {
					continue
				}
				tb := tables[n-1]
				tables = tables[:n-1]
				if n > 1 {
					// A table inside a cell: its rows join the outer cell's text.
					outer := tables[n-2]
					if outer.cell.Len() > 0 {
						outer.cell.WriteByte(' ')
					}
					outer.cell.WriteString(strings.Join(tb.rows, " "))
					continue
				}
				// A blank line around a table keeps its rows apart from the text.
				r.lines = append(r.lines, "")
				r.lines = append(r.lines, tb.rows...)
				r.lines = append(r.lines, "")
			}
		case xml.CharData:
			if inText && skip == 0 && len(paras) > 0 {
				if r.textBytes += len(t); r.textBytes > MaxText {
					return "", ErrTooLarge
				}
				paras[len(paras)-1].text.Write(t)
			}
		}
	}
	return strings.Join(r.lines, "\n"), nil
}

// maxStyleDepth bounds the walk up a style's basedOn chain, which a damaged file may loop.
const maxStyleDepth = 16

// prefix is a paragraph's automatic number as Word shows it, with what follows the number,
// or "" for a paragraph outside any list.
func (r *reader) prefix(p *para) string {
	numID, ilvl, hasIlvl := p.numID, p.ilvl, p.hasIlvl
	if !p.hasNum {
		// The list may come with the paragraph's style ("Heading 2" numbered "Điều %1.").
		id := p.style
		for i := 0; i < maxStyleDepth && id != ""; i++ {
			s, ok := r.styles[id]
			if !ok {
				break
			}
			if s.numID != "" {
				numID = s.numID
				if !hasIlvl && s.hasIlvl {
					ilvl = s.ilvl
				}
				break
			}
			id = s.basedOn
		}
	}
	if numID == "" || numID == "0" || r.num == nil || ilvl < 0 || ilvl > 8 {
		return ""
	}
	def, ok := r.num.nums[numID]
	if !ok {
		return ""
	}
	levels := r.num.abstract[def.abstract]
	lv := func(i int) *level {
		if l := def.levels[i]; l != nil {
			return l
		}
		if l := levels[i]; l != nil {
			return l
		}
		return &level{start: 1, format: "decimal", restart: -1}
	}
	counters := r.counters[def.abstract]
	if counters == nil {
		counters = &[9]int{}
		r.counters[def.abstract] = counters
	}
	if !r.started[numID] {
		// A list that restarts ("startOverride") restarts on its first paragraph.
		r.started[numID] = true
		for i, s := range def.starts {
			if i >= 0 && i < 9 {
				counters[i] = s - 1
			}
		}
		for i, l := range def.levels {
			if _, set := def.starts[i]; !set && i >= 0 && i < 9 {
				counters[i] = l.start - 1
			}
		}
	}
	cur := lv(ilvl)
	if counters[ilvl] == 0 {
		counters[ilvl] = cur.start - 1
	}
	counters[ilvl]++
	// Deeper levels start again, unless their definition says they never restart.
	for i := ilvl + 1; i < 9; i++ {
		l := lv(i)
		if l.restart == 0 || (l.restart > 0 && ilvl >= l.restart) {
			continue
		}
		counters[i] = 0
	}
	if cur.format == "bullet" {
		return "- "
	}
	if cur.format == "none" && !strings.Contains(cur.text, "%") {
		if cur.text == "" {
			return ""
		}
	}
	var b strings.Builder
	text := cur.text
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '%' && i+1 < len(text) && text[i+1] >= '1' && text[i+1] <= '9' {
			k := int(text[i+1] - '1')
			i++
			n := counters[k]
			if n == 0 {
				n = lv(k).start
			}
			format := lv(k).format
			if cur.legal {
				format = "decimal"
			}
			b.WriteString(formatNumber(n, format))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	if out == "" {
		return ""
	}
	if cur.suffix == "nothing" {
		return out
	}
	// "Chương %1" then a tab is how Word lays out a heading whose title follows the
	// number; the text shown reads as "Chương I  NHỮNG QUY ĐỊNH CHUNG". A number that ends
	// without a separator gets a full stop, so the splitter reads the heading or clause that
	// the official sees.
	if last := out[len(out)-1]; last >= '0' && last <= '9' || last >= 'A' && last <= 'Z' || last >= 'a' && last <= 'z' {
		return out + ". "
	}
	return out + " "
}

// formatNumber writes n as a list level's numFmt does; formats the portal has no use for
// (Chinese counting, ordinals in words) fall back to decimal, which is what the splitter
// reads anyway.
func formatNumber(n int, format string) string {
	switch format {
	case "lowerLetter":
		return letters(n, 'a')
	case "upperLetter":
		return letters(n, 'A')
	case "lowerRoman":
		return strings.ToLower(roman(n))
	case "upperRoman":
		return roman(n)
	case "decimalZero":
		if n < 10 {
			return "0" + strconv.Itoa(n)
		}
		return strconv.Itoa(n)
	case "none":
		return ""
	default:
		return strconv.Itoa(n)
	}
}

// letters counts a, b, … z, aa, bb… as Word does.
func letters(n int, base byte) string {
	if n < 1 {
		return strconv.Itoa(n)
	}
	c := string(rune(base + byte((n-1)%26)))
	return strings.Repeat(c, (n-1)/26+1)
}

func roman(n int) string {
	if n < 1 || n > 3999 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

// attr is an attribute's value by local name (w:val, w:ilvl…), whatever its namespace.
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func atoi(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}
