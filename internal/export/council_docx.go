package export

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/docx"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// SendCouncilReportDOCX answers with the report to the commune People's Council on the
// results of a consult matter as a Word document to sign.
func SendCouncilReportDOCX(c echo.Context, r *app.CouncilReport) error {
	return sendDOCX(c, "bao-cao-hdnd-"+strconv.FormatInt(r.ConsultationID, 10)+"."+DOCX, CouncilReportDOCX(r, httpx.Lang(c)))
}

// CouncilReportDOCX lays the report to the Council out as its printed page (Law 10/2022 art.
// 28(5), 14(3)): the heading block of the commune People's Committee, what was consulted on
// and under which item of art. 25, the plan's sending (art. 28(1)), the opinions by stance
// and channel, the decisions on each part, and the signature on behalf of the Committee.
func CouncilReportDOCX(r *app.CouncilReport, lang string) *docx.Document {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	date := func(p interface{ Format(string) string }) string { return p.Format("02/01/2006") }
	day := r.Day()
	d := &docx.Document{Title: t("plans.report.title") + " · " + r.Title, Creator: t("app.name"), Language: lang}
	h := docHeader(lang, "", t("plans.report.issuer", r.Commune), r.Commune, day)
	d.AddHeader(h)
	d.Add(docx.Para{Runs: []docx.Run{{Text: t("plans.report.number")}}},
		docx.Para{Runs: []docx.Run{{Text: strings.ToUpper(t("plans.report.doc_title")), Bold: true, Size: 14}}, Align: docx.Center},
		docx.Para{Runs: []docx.Run{{Text: t("plans.report.about", r.Title), Bold: true}}, Align: docx.Center},
		docx.Para{Runs: []docx.Run{{Text: t("plans.report.to", r.In)}}, Align: docx.Center, After: 12},
		docx.Plain(t("plans.report.intro", r.In, r.In)))

	d.Heading(2, t("plans.report.h1"))
	content := t("plans.report.content", r.Title)
	if r.UnitName != "" {
		content += " (" + r.UnitName + ")"
	}
	topic := t("plans.report.topic_none")
	if r.Topic != nil {
		topic = t("plans.report.topic", t(r.Topic.Key()))
	}
	d.Add(docx.Plain(content+"."), docx.Plain(topic), docx.Plain(t("plans.report.period", r.Period(lang))))

	d.Heading(2, t("plans.report.h2"))
	council, front := t("plans.report.plan_council_none", r.In), t("plans.report.plan_front_none", r.In)
	if p := r.Plan.CouncilSentOn; p != nil {
		council = t("plans.report.plan_council", r.In, date(p.In(domain.Zone)))
	}
	if p := r.Plan.FrontSentOn; p != nil {
		front = t("plans.report.plan_front", r.In, date(p.In(domain.Zone)))
	}
	d.Add(docx.Plain(council), docx.Plain(front))

	d.Heading(2, t("plans.report.h3"))
	d.Add(docx.Plain(t("plans.report.totals", Thousands(r.Totals.Total), Thousands(r.Totals.Agree),
		Thousands(r.Totals.Disagree), Thousands(r.Totals.Other))))
	rows := [][]docx.Cell{{headCell(t("report.col.channel")), headCell(t("report.col.count"))}}
	for _, ch := range r.ByChannel {
		rows = append(rows, []docx.Cell{docx.TextCell(t("channel." + string(ch.Channel))), numCell(ch.N)})
	}
	d.AddTable(docx.Table{Widths: []int{120, 45}, Rows: rows, Borders: true, HeaderRows: 1})

	d.Heading(2, t("plans.report.h4"))
	rows = [][]docx.Cell{{headCell(t("report.col.part")), headCell(t("report.col.count")), headCell(t("plans.report.col_decision"))}}
	for _, s := range r.Sections {
		if s.Counts.Total == 0 {
			continue
		}
		decision := t("plans.report.no_decision")
		if s.Decision != nil {
			decision = t("decision." + string(s.Decision.Decision))
			if s.Decision.Reason != "" {
				decision += ". " + t("report.decision_reason") + " " + s.Decision.Reason
			}
		}
		rows = append(rows, []docx.Cell{docx.TextCell(s.Label(lang)), numCell(s.Counts.Total), docx.TextCell(decision)})
	}
	d.AddTable(docx.Table{Widths: []int{75, 20, 70}, Rows: rows, Borders: true, HeaderRows: 1})
	if r.Unanswered > 0 {
		d.Add(docx.Plain(t("report.unanswered", r.Unanswered)))
	}
	d.Add(docx.Plain(t("plans.report.annex")), docx.Plain(t("plans.report.closing", r.In, r.In)))
	if p := r.Plan.ReportSubmittedOn; p != nil {
		text := t("plans.report.submitted", date(p.In(domain.Zone)))
		if r.Plan.ReportSession != "" {
			text += " – " + r.Plan.ReportSession
		}
		d.Add(docx.Para{Runs: []docx.Run{{Text: text, Italic: true}}})
	}
	d.AddSignatures(docx.Signer{}, docx.Signer{Title: t("plans.report.signer_on_behalf") + "\n" + t("plans.report.signer"), Hint: t("docx.sign_hint")})
	d.Add(docx.Para{Runs: []docx.Run{{Text: t("plans.report.receivers"), Bold: true, Italic: true, Size: 12}}},
		docx.Para{Runs: []docx.Run{{Text: t("plans.report.receiver_council"), Size: 11}}},
		docx.Para{Runs: []docx.Run{{Text: t("plans.report.receiver_front", r.In), Size: 11}}},
		docx.Para{Runs: []docx.Run{{Text: t("docx.receivers_archive"), Size: 11}}})
	return d
}
