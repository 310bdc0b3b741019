package export

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/docx"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// DOCX is the Word format of the documents officials sign: the consolidated report and a
// village's decision record.
const DOCX = "docx"

// MIMEDOCX is the type of a Word document.
const MIMEDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// SendReportDOCX answers with the consolidated report as a Word document to sign, in the
// request's language.
func SendReportDOCX(c echo.Context, r *app.Report) error {
	return sendDOCX(c, Filename(r, DOCX), ReportDOCX(r, httpx.Lang(c)))
}

// SendRecordDOCX answers with a village's decision record as a Word document to sign.
func SendRecordDOCX(c echo.Context, r *app.DecisionRecord) error {
	name := "bien-ban-" + strconv.FormatInt(r.C.ID, 10)
	if s := slug(r.Village.Name, 40); s != "" {
		name += "-" + s
	}
	return sendDOCX(c, name+"."+DOCX, RecordDOCX(r, httpx.Lang(c)))
}

// sendDOCX writes the whole document to memory before the first byte goes out, so a failure
// still gets an error page rather than a truncated download.
func sendDOCX(c echo.Context, filename string, d *docx.Document) error {
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, MIMEDOCX, buf.Bytes())
}

// docHeader is the heading block of a document issued by unit under above, at place on day.
func docHeader(lang, above, unit, place string, day time.Time) docx.HeaderBlock {
	return docx.HeaderBlock{
		Above: above, Unit: unit,
		Nation: i18n.T(lang, "household.record.nation"), Motto: i18n.T(lang, "household.record.motto"),
		PlaceDate: docx.PlaceDate(func(p, d, m, y string) string { return i18n.T(lang, "docx.place_date", p, d, m, y) },
			place, day.In(domain.Zone)),
	}
}

// fact is a line "Label: value" with the label in bold.
func fact(label, value string) docx.Para {
	return docx.Para{Runs: []docx.Run{{Text: label + ": ", Bold: true}, {Text: value}}, After: 3}
}

func numCell(n int) docx.Cell {
	return docx.Cell{Paras: []docx.Para{{Runs: []docx.Run{{Text: Thousands(n)}}, Align: docx.Right}}}
}

func headCell(s string) docx.Cell { return docx.Cell{Paras: []docx.Para{docx.Plain(s)}, Header: true} }

// Thousands groups thousands with dots, as Vietnamese readers expect (1.234).
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// ReportDOCX lays the consolidated report out as the page shows it, under the heading block
// of the consultation's unit and over the signatures of whoever prepared it and the head of
// the authority.
func ReportDOCX(r *app.Report, lang string) *docx.Document {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	d := &docx.Document{Title: t("report.title") + " · " + r.Title, Creator: t("app.name"), Language: lang}
	d.AddHeader(docHeader(lang, r.UnitAbove, r.UnitName, r.Place, r.GeneratedAt))
	d.Add(docx.Para{Runs: []docx.Run{{Text: strings.ToUpper(t("report.title")), Bold: true, Size: 14}}, Align: docx.Center},
		docx.Para{Runs: []docx.Run{{Text: t("docx.report.about", r.Title), Bold: true}}, Align: docx.Center, After: 12})
	d.Add(fact(t("report.unit"), r.UnitName), fact(t("report.slice"), sliceName(r, lang)), fact(t("report.period"), r.Period(lang)))
	if r.ClosedEarly {
		d.Add(fact(t("report.close_reason"), r.CloseReason))
	}
	d.Add(fact(t("report.status"), t("status."+string(r.Status))),
		fact(t("report.generated"), r.GeneratedAt.In(domain.Zone).Format("15:04 02/01/2006")))
	if r.Unanswered > 0 {
		d.Add(docx.Para{Runs: []docx.Run{{Text: t("report.unanswered", r.Unanswered), Italic: true}}})
	}

	if len(r.Communes) > 1 {
		d.Heading(2, t("report.h.communes"))
		rows := [][]docx.Cell{{headCell(t("report.col.commune")), headCell(t("report.col.count"))}}
		for _, cc := range r.Communes {
			rows = append(rows, []docx.Cell{docx.TextCell(cc.Name), numCell(cc.N)})
		}
		if r.NoVillage > 0 {
			rows = append(rows, []docx.Cell{docx.TextCell(t("report.no_village")), numCell(r.NoVillage)})
		}
		d.AddTable(docx.Table{Widths: []int{120, 45}, Rows: rows, Borders: true, HeaderRows: 1})
	}

	d.Heading(1, t("report.h.totals"))
	rows := [][]docx.Cell{{headCell(t("report.col.stance")), headCell(t("report.col.count"))},
		{docx.TextCell(t("stance.agree")), numCell(r.Totals.Agree)},
		{docx.TextCell(t("stance.disagree")), numCell(r.Totals.Disagree)},
		{docx.TextCell(t("stance.other")), numCell(r.Totals.Other)},
		{{Paras: []docx.Para{docx.Bold(t("report.total"))}}, numCell(r.Totals.Total)}}
	d.AddTable(docx.Table{Widths: []int{120, 45}, Rows: rows, Borders: true, HeaderRows: 1})
	rows = [][]docx.Cell{{headCell(t("report.col.channel")), headCell(t("report.col.count"))}}
	for _, ch := range r.ByChannel {
		rows = append(rows, []docx.Cell{docx.TextCell(t("channel." + string(ch.Channel))), numCell(ch.N)})
	}
	d.AddTable(docx.Table{Widths: []int{120, 45}, Rows: rows, Borders: true, HeaderRows: 1})

	d.Heading(1, t("report.h.sections"))
	rows = [][]docx.Cell{{headCell(t("report.col.part")), headCell(t("stance.agree")), headCell(t("stance.disagree")),
		headCell(t("stance.other")), headCell(t("report.total"))}}
	for _, s := range r.Sections {
		rows = append(rows, []docx.Cell{docx.TextCell(s.Label(lang)), numCell(s.Counts.Agree), numCell(s.Counts.Disagree),
			numCell(s.Counts.Other), numCell(s.Counts.Total)})
	}
	d.AddTable(docx.Table{Widths: []int{85, 20, 20, 20, 20}, Rows: rows, Borders: true, HeaderRows: 1})

	d.Heading(1, t("report.h.detail"))
	if r.Totals.Total == 0 {
		d.Add(docx.Plain(t("report.none")))
	}
	for _, s := range r.Sections {
		if len(s.Groups) == 0 {
			continue
		}
		d.Heading(2, s.Label(lang))
		d.Add(docx.Para{Runs: []docx.Run{{Text: t("section.count", s.Counts.Total, s.Counts.Agree, s.Counts.Disagree, s.Counts.Other), Italic: true}}, KeepNext: true})
		if s.Decision != nil {
			text := t("decision." + string(s.Decision.Decision))
			if s.Decision.Reason != "" {
				text += ". " + t("report.decision_reason") + " " + s.Decision.Reason
			}
			d.Add(docx.Para{Runs: []docx.Run{{Text: t("report.decision") + " ", Bold: true}, {Text: text}}, KeepNext: true})
		}
		rows := [][]docx.Cell{{headCell(t("report.col.opinions")), headCell(t("report.col.count")),
			headCell(t("report.col.from")), headCell(t("report.col.answer"))}}
		for _, g := range s.Groups {
			var texts []docx.Para
			for _, x := range g.Texts {
				texts = append(texts, docx.Plain(x))
			}
			from := []docx.Para{docx.Plain(Villages(g.Villages)), {Runs: []docx.Run{{Text: Channels(lang, g.Channels), Italic: true}}}}
			answer := []docx.Para{{Runs: []docx.Run{{Text: t("report.not_answered"), Italic: true}}}}
			if g.Answered {
				answer = []docx.Para{docx.Bold(t("answer." + string(g.Kind))), docx.Plain(g.Answer)}
			}
			rows = append(rows, []docx.Cell{{Paras: texts}, numCell(g.Count), {Paras: from}, {Paras: answer}})
		}
		d.AddTable(docx.Table{Widths: []int{65, 15, 35, 50}, Rows: rows, Borders: true, HeaderRows: 1})
	}

	d.AddSignatures(
		docx.Signer{Title: t("docx.report.maker"), Hint: t("docx.sign_hint_plain")},
		docx.Signer{Title: t("docx.report.signer_title"), Hint: t("docx.sign_hint")},
	)
	d.Add(docx.Para{Runs: []docx.Run{{Text: t("docx.receivers"), Bold: true, Italic: true, Size: 12}}},
		docx.Para{Runs: []docx.Run{{Text: t("docx.receivers_archive"), Size: 11}}})
	return d
}

// RecordDOCX lays a village's decision record out as its printed page (Law 10/2022 art.
// 20(2)): the heading block of the village under its commune, what was decided, the tally,
// the outcome, and the four signatures the law asks for.
func RecordDOCX(r *app.DecisionRecord, lang string) *docx.Document {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	dec, out := r.Decision, r.Outcome
	form := string(dec.Form)
	d := &docx.Document{Title: t("household.record.title") + " · " + r.Village.Name, Creator: t("app.name"), Language: lang}
	above, place := "", r.Village.Name
	if r.Commune != nil {
		above, place = r.Commune.Name, r.Commune.Name
	}
	d.AddHeader(docHeader(lang, above, r.Village.Name, place, dec.HeldOn))
	d.Add(docx.Para{Runs: []docx.Run{{Text: t("household.record.heading"), Bold: true, Size: 14}}, Align: docx.Center},
		docx.Para{Runs: []docx.Run{{Text: t("household.record.about." + form)}}, Align: docx.Center},
		docx.Para{Runs: []docx.Run{{Text: r.C.Title, Bold: true}}, Align: docx.Center, After: 12})

	date := func(tm time.Time) string { return tm.In(domain.Zone).Format("02/01/2006") }
	dtime := func(tm time.Time) string { return tm.In(domain.Zone).Format("15:04 02/01/2006") }
	d.Add(docx.Plain(t("household.record.when."+form, date(dec.HeldOn), r.Village.Name)))
	placeText := dec.Place
	if placeText == "" {
		placeText = "……………………………………………"
	}
	d.Add(docx.Plain(t("household.record.place") + " " + placeText))
	if dec.PriorMeetingOn != nil {
		d.Add(docx.Plain(t("household.prior_meeting", date(*dec.PriorMeetingOn), dec.PriorPresent(), dec.Households)))
	}
	d.Add(docx.Plain(t("household.record.matter") + " " + t("household.item."+strconv.Itoa(int(r.Item))) + "."))
	content := dec.Content
	if content == "" {
		content = r.C.Title
	}
	d.Add(docx.Plain(t("household.record.content") + " " + content))

	d.AddTable(docx.Table{Widths: []int{120, 45}, Borders: true, Rows: [][]docx.Cell{
		{docx.TextCell(t("household.record.households")), numCell(dec.Households)},
		{docx.TextCell(t("household.record.present." + form)), numCell(dec.Present)},
		{docx.TextCell(t("household.record.absent." + form)), numCell(dec.Absent())},
		{docx.TextCell(t("household.record.agree")), numCell(dec.Agree)},
		{docx.TextCell(t("household.record.disagree")), numCell(dec.Disagree)},
		{docx.TextCell(t("household.record.other")), numCell(dec.Other)},
	}})
	if len(dec.Clusters) > 0 {
		d.Add(docx.Para{Runs: []docx.Run{{Text: t("household.clusters.caption", len(dec.Clusters)), Bold: true}}, KeepNext: true})
		rows := [][]docx.Cell{{headCell(t("household.clusters.name")), headCell(t("household.col.present")),
			headCell(t("stance.agree")), headCell(t("stance.disagree")), headCell(t("stance.other"))}}
		for _, cl := range dec.Clusters {
			name := cl.Name
			if name == "" {
				name = t("household.clusters.nth", cl.Ordinal)
			}
			rows = append(rows, []docx.Cell{docx.TextCell(name), numCell(cl.Present), numCell(cl.Agree), numCell(cl.Disagree), numCell(cl.Other)})
		}
		d.AddTable(docx.Table{Widths: []int{65, 25, 25, 25, 25}, Rows: rows, Borders: true, HeaderRows: 1})
	}

	d.Add(docx.Plain(t("household.record.rule") + " " + t("household.rule."+string(out.Rule)) + " " + t("household.record.needed", out.Needed, dec.Households)))
	verdict := t("household.record.rejected")
	switch {
	case !out.Quorate:
		verdict = t("household.record.no_quorum")
	case out.Adopted:
		verdict = t("household.record.adopted")
	}
	d.Add(docx.Para{Runs: []docx.Run{{Text: t("household.record.outcome") + " "}, {Text: verdict, Bold: true}}})
	switch r.Recognition {
	case "awaiting":
		d.Add(docx.Bold(t("household.record.awaiting")))
	case "recognised":
		d.Add(docx.Plain(t("household.record.recognised")))
	case "refused":
		d.Add(docx.Bold(t("household.record.refused")))
	}
	recorded := t("household.record.recorded", dtime(dec.RecordedAt))
	if r.Acts != nil {
		if r.Acts.SentOn != nil {
			recorded += " " + t("household.record.sent", date(*r.Acts.SentOn))
		}
		if r.Acts.FrontSignedAt != nil {
			recorded += " " + t("household.record.front_signed", dtime(*r.Acts.FrontSignedAt))
		}
	}
	d.Add(docx.Para{Runs: []docx.Run{{Text: recorded, Italic: true, Size: 11}}, After: 12})

	hint := t("household.record.sign.hint")
	d.AddSignatures(
		docx.Signer{Title: strings.ToUpper(t("household.record.sign.head")), Hint: hint},
		docx.Signer{Title: strings.ToUpper(t("household.record.sign.front")), Hint: hint},
		docx.Signer{Title: strings.ToUpper(t("household.record.sign.household", 1)), Hint: hint},
		docx.Signer{Title: strings.ToUpper(t("household.record.sign.household", 2)), Hint: hint},
	)
	return d
}
