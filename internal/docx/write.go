package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"
)

// Document is a Word document built paragraph by paragraph and table by table, laid out as
// Vietnamese administrative documents are (Decree 30/2020/NĐ-CP, Appendix I): A4, Times New
// Roman 13 pt, margins 20 mm top and bottom, 30 mm left, 15 mm right.
type Document struct {
	Title    string // the document's title in its properties
	Creator  string
	Language string // "vi" or "en"
	body     bytes.Buffer
}

// Run is a piece of text in one format. A "\n" in Text is a line break.
type Run struct {
	Text         string
	Bold, Italic bool
	Size         int // in points; 0 for the document's 13 pt
}

// Alignments of a paragraph.
const (
	Left    = ""
	Center  = "center"
	Right   = "right"
	Justify = "both"
)

// Para is a paragraph: its runs, alignment, style ("Heading1", "Heading2") and the space
// after it in points.
type Para struct {
	Runs     []Run
	Align    string
	Style    string
	After    int
	KeepNext bool // keep with the next paragraph (a heading with its table)
}

// Plain is a paragraph of plain text.
func Plain(s string) Para { return Para{Runs: []Run{{Text: s}}} }

// Bold is a paragraph of bold text.
func Bold(s string) Para { return Para{Runs: []Run{{Text: s, Bold: true}}} }

// Cell is a table cell: its paragraphs and whether it is shaded as a header.
type Cell struct {
	Paras  []Para
	Header bool
}

// TextCell is a cell of one paragraph of plain text.
func TextCell(s string) Cell { return Cell{Paras: []Para{Plain(s)}} }

// Table is a table: its rows of cells and the width of each column in millimetres. Borders
// draws the grid; a table without them lays out a heading or signature block. HeaderRows
// repeat at the top of each page.
type Table struct {
	Widths     []int
	Rows       [][]Cell
	Borders    bool
	HeaderRows int
}

// Heading adds a heading of level 1 or 2.
func (d *Document) Heading(level int, s string) {
	d.Add(Para{Runs: []Run{{Text: s}}, Style: "Heading" + strconv.Itoa(level), KeepNext: true})
}

// Add adds paragraphs.
func (d *Document) Add(ps ...Para) {
	for _, p := range ps {
		writePara(&d.body, p)
	}
}

// AddTable adds a table, followed by an empty paragraph (Word needs one between two tables,
// and it keeps the next text off the grid).
func (d *Document) AddTable(t Table) {
	b := &d.body
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblLayout w:type="fixed"/>`)
	if t.Borders {
		b.WriteString(`<w:tblBorders>`)
		for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
			b.WriteString(`<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="000000"/>`)
		}
		b.WriteString(`</w:tblBorders>`)
	}
	b.WriteString(`<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>`)
	for _, w := range t.Widths {
		b.WriteString(`<w:gridCol w:w="` + strconv.Itoa(mm(w)) + `"/>`)
	}
	b.WriteString(`</w:tblGrid>`)
	for i, row := range t.Rows {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/>`)
		if i < t.HeaderRows {
			b.WriteString(`<w:tblHeader/>`)
		}
		b.WriteString(`</w:trPr>`)
		for j, c := range row {
			width := 0
			if j < len(t.Widths) {
				width = mm(t.Widths[j])
			}
			b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="` + strconv.Itoa(width) + `" w:type="dxa"/>`)
			if c.Header {
				b.WriteString(`<w:shd w:val="clear" w:color="auto" w:fill="EDEDED"/>`)
			}
			b.WriteString(`</w:tcPr>`)
			if len(c.Paras) == 0 {
				b.WriteString(`<w:p/>`)
			}
			for _, p := range c.Paras {
				if c.Header {
					for k := range p.Runs {
						p.Runs[k].Bold = true
					}
				}
				writePara(b, p)
			}
			b.WriteString(`</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
	writePara(b, Para{})
}

// mm converts millimetres to twentieths of a point.
func mm(v int) int { return v * 1440 * 10 / 254 }

func writePara(b *bytes.Buffer, p Para) {
	b.WriteString(`<w:p><w:pPr>`)
	if p.Style != "" {
		b.WriteString(`<w:pStyle w:val="` + p.Style + `"/>`)
	}
	if p.KeepNext {
		b.WriteString(`<w:keepNext/>`)
	}
	b.WriteString(`<w:spacing w:before="0" w:after="` + strconv.Itoa(p.After*20) + `"/>`)
	if p.Align != "" {
		b.WriteString(`<w:jc w:val="` + p.Align + `"/>`)
	}
	b.WriteString(`</w:pPr>`)
	for _, r := range p.Runs {
		writeRun(b, r)
	}
	b.WriteString(`</w:p>`)
}

func writeRun(b *bytes.Buffer, r Run) {
	b.WriteString(`<w:r>`)
	if r.Bold || r.Italic || r.Size > 0 {
		b.WriteString(`<w:rPr>`)
		if r.Bold {
			b.WriteString(`<w:b/>`)
		}
		if r.Italic {
			b.WriteString(`<w:i/>`)
		}
		if r.Size > 0 {
			b.WriteString(`<w:sz w:val="` + strconv.Itoa(r.Size*2) + `"/><w:szCs w:val="` + strconv.Itoa(r.Size*2) + `"/>`)
		}
		b.WriteString(`</w:rPr>`)
	}
	for i, line := range strings.Split(r.Text, "\n") {
		if i > 0 {
			b.WriteString(`<w:br/>`)
		}
		b.WriteString(`<w:t xml:space="preserve">`)
		// EscapeText also replaces the characters XML cannot hold.
		_ = xml.EscapeText(b, []byte(line))
		b.WriteString(`</w:t>`)
	}
	b.WriteString(`</w:r>`)
}

// WriteTo writes the document as a .docx package. It is built in memory first, so a
// failure leaves nothing half-written.
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", packageRels},
		{"docProps/core.xml", d.coreProps()},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/styles.xml", stylesXML(d.Language)},
		{"word/document.xml", documentHead + d.body.String() + sectionProps + `</w:body></w:document>`},
	}
	for _, p := range parts {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return 0, err
		}
		if _, err := io.WriteString(fw, p.body); err != nil {
			return 0, err
		}
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return buf.WriteTo(w)
}

func escape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (d *Document) coreProps() string {
	return xml.Header + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
		`<dc:title>` + escape(d.Title) + `</dc:title><dc:creator>` + escape(d.Creator) + `</dc:creator><dc:language>` + escape(d.Language) + `</dc:language></cp:coreProperties>`
}

const contentTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`</Types>`

const packageRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`</Relationships>`

const documentRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`

const documentHead = xml.Header + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`

// sectionProps: A4 portrait, margins of Decree 30/2020 (20, 15, 20, 30 mm), page numbers
// left out (a footer part would be needed) since the documents run to a few pages.
var sectionProps = `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="` + strconv.Itoa(mm(20)) +
	`" w:right="` + strconv.Itoa(mm(15)) + `" w:bottom="` + strconv.Itoa(mm(20)) + `" w:left="` + strconv.Itoa(mm(30)) +
	`" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr>`

func stylesXML(lang string) string {
	if lang == "" {
		lang = "vi"
	}
	tag := "vi-VN"
	if lang == "en" {
		tag = "en-GB"
	}
	heading := func(id, name string, outline int) string {
		return `<w:style w:type="paragraph" w:styleId="` + id + `"><w:name w:val="` + name + `"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
			`<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="` + strconv.Itoa(outline) + `"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>`
	}
	return xml.Header + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
		`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/>` +
		`<w:sz w:val="26"/><w:szCs w:val="26"/><w:lang w:val="` + tag + `"/></w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>` +
		heading("Heading1", "heading 1", 0) + heading("Heading2", "heading 2", 1) +
		`</w:styles>`
}

// Heading block and signatures -------------------------------------------------------------

// HeaderBlock is the top of an administrative document: the issuing unit on the left (the
// unit above it, then the unit itself in bold), the national title and motto on the right,
// and under them the place and date.
type HeaderBlock struct {
	Above, Unit     string // "XÃ AN BÌNH", "THÔN MỘT"; Above may be empty
	Nation, Motto   string
	PlaceDate       string
	LeftMM, RightMM int // column widths; 0 for 62 and 103 mm
}

// AddHeader adds the heading block.
func (d *Document) AddHeader(h HeaderBlock) {
	left, right := h.LeftMM, h.RightMM
	if left == 0 {
		left, right = 62, 103
	}
	var unit []Para
	if h.Above != "" {
		unit = append(unit, Para{Runs: []Run{{Text: strings.ToUpper(h.Above), Size: 12}}, Align: Center})
	}
	unit = append(unit, Para{Runs: []Run{{Text: strings.ToUpper(h.Unit), Bold: true, Size: 12}}, Align: Center},
		Para{Runs: []Run{{Text: "———", Size: 12}}, Align: Center})
	nation := []Para{
		{Runs: []Run{{Text: h.Nation, Bold: true, Size: 12}}, Align: Center},
		{Runs: []Run{{Text: h.Motto, Bold: true}}, Align: Center},
		{Runs: []Run{{Text: "———————", Size: 12}}, Align: Center},
	}
	d.AddTable(Table{Widths: []int{left, right}, Rows: [][]Cell{{{Paras: unit}, {Paras: nation}}}})
	d.Add(Para{Runs: []Run{{Text: h.PlaceDate, Italic: true}}, Align: Right, After: 12})
}

// Signer is one signature box: the title in capitals, then a hint such as "(Ký, ghi rõ
// họ tên)", then room to sign.
type Signer struct {
	Title string
	Hint  string
}

// AddSignatures lays signature boxes out two by two, with room to sign under each.
func (d *Document) AddSignatures(signers ...Signer) {
	var rows [][]Cell
	for i := 0; i < len(signers); i += 2 {
		var row []Cell
		for j := i; j < i+2; j++ {
			if j >= len(signers) {
				row = append(row, Cell{})
				continue
			}
			s := signers[j]
			row = append(row, Cell{Paras: []Para{
				{Runs: []Run{{Text: s.Title, Bold: true}}, Align: Center, KeepNext: true},
				{Runs: []Run{{Text: s.Hint, Italic: true}}, Align: Center, KeepNext: true, After: 60},
			}})
		}
		rows = append(rows, row)
	}
	d.AddTable(Table{Widths: []int{82, 83}, Rows: rows})
}

// PlaceDate writes "Xã An Bình, ngày 06 tháng 02 năm 2026" with a format of the locale
// (place, day, month, year): a day below 10 and the months January and February take a
// leading zero (Decree 30/2020, Appendix I).
func PlaceDate(format func(place, day, month, year string) string, place string, t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() < 10 {
		day = "0" + day
	}
	month := strconv.Itoa(int(t.Month()))
	if t.Month() <= 2 {
		month = "0" + month
	}
	return format(place, day, month, strconv.Itoa(t.Year()))
}
