package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// annualText writes the lines of a report's sections as "key=n" (a mean as "key=n/of"),
// one section per line, so a failure shows every figure against the hand count.
func annualText(sections []domain.AnnualSection) string {
	var b strings.Builder
	for _, s := range sections {
		b.WriteString(s.Key + ":")
		for _, l := range s.Lines {
			if l.Mean {
				fmt.Fprintf(&b, " %s=%d/%d", strings.TrimPrefix(l.Key, s.Key+"."), l.N, l.Of)
				continue
			}
			fmt.Fprintf(&b, " %s=%d", strings.TrimPrefix(l.Key, s.Key+"."), l.N)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// The annual reports of 2026 of communes A and B, counted by hand from testutil.SeedAnnual
// and SeedOversight. Charters (Decree 61/2023 art. 16(1)): A has two villages and no
// charter; B's hương ước, recognised on 15 Jun, stands in force at the end of the year and
// is due for the review of 18 November (art. 15(4)), none recorded. Disclosures (Law
// 10/2022 art. 11–12): A posted its budget (item 2) and Thôn Một its fund accounts (item
// 5, late), and the portal published OnTimeA's results (item 8, on time); the notice taken
// down does not count. B posted its plan (item 1) on 31 Dec, and the portal published
// LateB's results (late) and CharterB's (on time); its posting of 4 Jan 2027 is the next
// year's. Initiatives (art. 16(3)): A's three of 2026, the one not yet moderated included;
// Thôn Hai's reached 9 of the 8 supports needed (7 on paper, 2 online) and was put; B's one
// of 2026 has 3 paper supports of the 6 needed. Plans (art. 25, 28): the consult matters
// published in 2026 – A's OnTimeA, PolicyA and NewYearA (published 20 Dec to open in
// January), B's LateB, NeverClosedB and EveB – by item; PolicyA's plan went to the Council
// before its publication and to the Front after it, no other was sent; OnTimeA's report went
// to the Council, LateB's is owed. The dialogue of A (art. 32): held, 3 questions (2
// approved, 1 rejected, 1 answered), 2 promises, one kept, one overdue on 20 Jan 2027.
const (
	annualA2026 = `consultations: total=3 consult=2 decide=1 kind.huong_uoc=1 kind.quy_uoc=0 kind.plan=1 kind.policy=1 kind.budget=0 kind.other=0
participation: received=9 published=7 channel.online=6 channel.meeting=1 channel.form=0 channel.box=0 channel.phone=0 channel.social=0 channel.front=0 channel.dialogue=0 villages=2
answers: answered=6 late=1 unanswered=1
decisions: total=1 form.meeting=1 form.ballot=0 form.online=0 adopted=1 not_adopted=0 no_quorum=0 households=60 households_online=0
charters: recognise=0 rerecognise=0 refuse=0 suspend=0 suspend_part=0 annul=0 annul_part=0 amend=0 communities=2 with_charter=0 in_force=0 suspended=0 annulled=0 due_review=0 reviewed=0
disclosures: posted=3 late=1 item1=0 item2=1 item3=0 item4=0 item5=1 item6=0 item7=0 item8=1 item9=0 item10=0 item11=0 item12=0 item13=0 item14=0
initiatives: proposed=3 reached=1 put=1 declined=1 supports=11 supports_online=2 supports_paper=9
plans: matters=3 topic1=2 topic2=0 topic3=0 topic4=0 topic5=0 topic6=1 topic_none=0 council_sent=1 council_late=0 council_missing=2 front_sent=1 front_late=1 front_missing=2 reports_submitted=1 reports_pending=0
dialogues: scheduled=1 held=1 cancelled=0 questions=3 approved=2 rejected=1 answered=1 promises=2 promises_kept=1 promises_late=0 promises_overdue=1 promises_pending=0
satisfaction: count=3 mean=13/3 score5=1 score4=2 score3=0 score2=0 score1=0
late: total=2 results=2 decisions=0 charters=0
`
	annualB2026 = `consultations: total=4 consult=3 decide=1 kind.huong_uoc=1 kind.quy_uoc=0 kind.plan=3 kind.policy=0 kind.budget=0 kind.other=0
participation: received=3 published=3 channel.online=3 channel.meeting=0 channel.form=0 channel.box=0 channel.phone=0 channel.social=0 channel.front=0 channel.dialogue=0 villages=0
answers: answered=2 late=0 unanswered=1
decisions: total=0 form.meeting=0 form.ballot=0 form.online=0 adopted=0 not_adopted=0 no_quorum=0 households=0 households_online=0
charters: recognise=1 rerecognise=0 refuse=0 suspend=0 suspend_part=0 annul=0 annul_part=0 amend=0 communities=1 with_charter=0 in_force=1 suspended=0 annulled=0 due_review=1 reviewed=0
disclosures: posted=3 late=1 item1=1 item2=0 item3=0 item4=0 item5=0 item6=0 item7=0 item8=2 item9=0 item10=0 item11=0 item12=0 item13=0 item14=0
initiatives: proposed=1 reached=0 put=0 declined=0 supports=3 supports_online=0 supports_paper=3
plans: matters=3 topic1=3 topic2=0 topic3=0 topic4=0 topic5=0 topic6=0 topic_none=0 council_sent=0 council_late=0 council_missing=3 front_sent=0 front_late=0 front_missing=3 reports_submitted=0 reports_pending=1
dialogues: scheduled=0 held=0 cancelled=0 questions=0 approved=0 rejected=0 answered=0 promises=0 promises_kept=0 promises_late=0 promises_overdue=0 promises_pending=0
satisfaction: count=1 mean=2/1 score5=0 score4=0 score3=0 score2=1 score1=0
late: total=4 results=2 decisions=0 charters=2
`
	// The province sums its two communes line by line; its own consultation (10 Nov–20 Dec,
	// overdue by January) is in neither commune's report, so not in the sum either.
	annualP2026 = `consultations: total=7 consult=5 decide=2 kind.huong_uoc=2 kind.quy_uoc=0 kind.plan=4 kind.policy=1 kind.budget=0 kind.other=0
participation: received=12 published=10 channel.online=9 channel.meeting=1 channel.form=0 channel.box=0 channel.phone=0 channel.social=0 channel.front=0 channel.dialogue=0 villages=2
answers: answered=8 late=1 unanswered=2
decisions: total=1 form.meeting=1 form.ballot=0 form.online=0 adopted=1 not_adopted=0 no_quorum=0 households=60 households_online=0
charters: recognise=1 rerecognise=0 refuse=0 suspend=0 suspend_part=0 annul=0 annul_part=0 amend=0 communities=3 with_charter=0 in_force=1 suspended=0 annulled=0 due_review=1 reviewed=0
disclosures: posted=6 late=2 item1=1 item2=1 item3=0 item4=0 item5=1 item6=0 item7=0 item8=3 item9=0 item10=0 item11=0 item12=0 item13=0 item14=0
initiatives: proposed=4 reached=1 put=1 declined=1 supports=14 supports_online=2 supports_paper=12
plans: matters=6 topic1=5 topic2=0 topic3=0 topic4=0 topic5=0 topic6=1 topic_none=0 council_sent=1 council_late=0 council_missing=5 front_sent=1 front_late=1 front_missing=5 reports_submitted=1 reports_pending=1
dialogues: scheduled=1 held=1 cancelled=0 questions=3 approved=2 rejected=1 answered=1 promises=2 promises_kept=1 promises_late=0 promises_overdue=1 promises_pending=0
satisfaction: count=4 mean=15/4 score5=1 score4=2 score3=0 score2=1 score1=0
late: total=6 results=4 decisions=0 charters=2
`
)

// TestDemocracyReport checks every figure of the annual report (Law 10/2022 art. 85–86)
// against what SeedAnnual entered, on both databases: a commune's, the next year's across
// the new-year boundary in Vietnam's time, and the province's as the sum of its communes.
func TestDemocracyReport(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		testutil.SeedAnnual(t, f)

		for code, want := range map[string]string{"A": annualA2026, "B": annualB2026, "P": annualP2026} {
			r, err := f.App.DemocracyReport(ctx, code, 2026)
			if err != nil {
				t.Fatal(err)
			}
			if got := annualText(r.Sections); got != want {
				t.Errorf("%s 2026:\n got %s\nwant %s", code, got, want)
			}
			if r.From != time.Date(2026, 1, 1, 0, 0, 0, 0, domain.Zone) || r.To != time.Date(2027, 1, 1, 0, 0, 0, 0, domain.Zone) {
				t.Errorf("%s: period %v – %v", code, r.From, r.To)
			}
		}

		// The province's view: one row per commune, each the commune's own report, and the
		// total their sum.
		p, err := f.App.DemocracyReport(ctx, "P", 2026)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Communes) != 2 || p.Communes[0].Unit.Code != "A" || p.Communes[1].Unit.Code != "B" {
			t.Fatalf("communes of P: %+v", p.Communes)
		}
		if got := annualText(p.Communes[0].Sections) + annualText(p.Communes[1].Sections); got != annualA2026+annualB2026 {
			t.Errorf("province rows:\n%s", got)
		}
		if got := annualText(domain.SumAnnualSections(p.Communes[0].Sections, p.Communes[1].Sections)); got != annualText(p.Sections) {
			t.Errorf("total is not the sum of the communes:\n%s", got)
		}
		if mean, ok := annualLine(p.Sections, "satisfaction.mean").MeanTenths(); !ok || mean != 38 { // 15/4 = 3.75, half up
			t.Errorf("province mean %d %v, want 3,8", mean, ok)
		}

		// The satisfaction figures are those of the satisfaction report of the same year.
		sat, err := f.App.AnnualReport(ctx, f.Admin, "A", 2026)
		if err != nil {
			t.Fatal(err)
		}
		if sat.Totals.Ratings.Count != 3 || sat.Totals.Ratings.Sum != 13 {
			t.Errorf("satisfaction report of A: %+v", sat.Totals.Ratings)
		}

		// 2027: the consultation whose period began at 00:00 on 1 January (17:00 UTC on
		// 31 December) and the meeting of 1 January are the next year's.
		r, err := f.App.DemocracyReport(ctx, "A", 2027)
		if err != nil {
			t.Fatal(err)
		}
		text := annualText(r.Sections)
		for _, want := range []string{
			"consultations: total=1 consult=1 decide=0 kind.huong_uoc=0 kind.quy_uoc=0 kind.plan=1 ",
			"decisions: total=1 form.meeting=1 form.ballot=0 form.online=0 adopted=0 not_adopted=0 no_quorum=1 households=50 ",
			"satisfaction: count=0 mean=0/0 ",
			"disclosures: posted=0 late=0 ",
			"initiatives: proposed=0 ",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("A 2027: want %q in\n%s", want, text)
			}
		}
		// B's posting of Mon 4 Jan 2027 and its proposal of 00:00 on 1 January are 2027's.
		if r, err = f.App.DemocracyReport(ctx, "B", 2027); err != nil {
			t.Fatal(err)
		}
		text = annualText(r.Sections)
		for _, want := range []string{
			"disclosures: posted=1 late=0 item1=0 item2=0 item3=0 item4=0 item5=0 item6=1 ",
			"initiatives: proposed=1 reached=0 put=0 declined=0 supports=1 supports_online=0 supports_paper=1\n",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("B 2027: want %q in\n%s", want, text)
			}
		}

		// The figures of the disclosures and the initiatives expand the units they are given to
		// the units beneath: the commune with its villages counts each thing once.
		a, err := st.UnitByCode(ctx, "A")
		if err != nil {
			t.Fatal(err)
		}
		tree, err := st.UnitSubtree(ctx, []int64{a.ID})
		if err != nil || len(tree) != 3 {
			t.Fatalf("subtree of A: %v %v", tree, err)
		}
		for _, ids := range [][]int64{{a.ID}, tree} {
			d, err := f.App.DisclosureYearFigures(ctx, ids, 2026)
			if err != nil || d.Posted != 3 || d.Late != 1 {
				t.Errorf("disclosures of %v: %+v %v", ids, d, err)
			}
			i, err := f.App.InitiativeYearFigures(ctx, ids, 2026)
			if err != nil || i.Proposed != 3 || i.SupportsPaper != 9 {
				t.Errorf("initiatives of %v: %+v %v", ids, i, err)
			}
		}

		// Wrong input: a village, a year out of range, an unknown unit.
		for _, tc := range []struct {
			code string
			year int
			want domain.Code
		}{{"A1", 2026, domain.CodeInvalid}, {"A", 1999, domain.CodeInvalid}, {"A", 2101, domain.CodeInvalid}, {"ZZ", 2026, domain.CodeNotFound}} {
			if _, err := f.App.DemocracyReport(ctx, tc.code, tc.year); !domain.IsCode(err, tc.want) {
				t.Errorf("%s %d: %v, want %s", tc.code, tc.year, err, tc.want)
			}
		}
	})
}

// annualLine finds a line of a report by its key.
func annualLine(sections []domain.AnnualSection, key string) domain.AnnualLine {
	for _, s := range sections {
		for _, l := range s.Lines {
			if l.Key == key {
				return l
			}
		}
	}
	return domain.AnnualLine{}
}

// TestAnnualPeriod checks the edges of the report year in Vietnam's time: the calendar year,
// since neither Law 10/2022 art. 86 nor its decrees set another reporting period.
func TestAnnualPeriod(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		year int
	}{
		{time.Date(2026, 12, 31, 23, 59, 59, 0, domain.Zone), 2026},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, domain.Zone), 2027},
		{time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC), 2027}, // 00:00 on 1 Jan in Vietnam
		{time.Date(2026, 12, 31, 16, 59, 59, 0, time.UTC), 2026},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, domain.Zone), 2026},
	} {
		if !domain.InAnnualYear(tc.at, tc.year) || domain.InAnnualYear(tc.at, tc.year-1) || domain.InAnnualYear(tc.at, tc.year+1) {
			t.Errorf("%v: want only %d", tc.at, tc.year)
		}
	}
}
