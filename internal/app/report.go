package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
)

// Report is the consolidated report of a consultation (báo cáo tổng hợp, tiếp thu, giải
// trình ý kiến): what residents said about each part of the draft and what the authority
// answered. It is a plain value that the printable page, the CSV and the XLSX all render, so
// the three cannot disagree. It holds no commenter's name or contact: opinions appear by
// their masked public text, and their authors only as villages and channels.
type Report struct {
	ConsultationID int64
	Title          string
	Kind           domain.ConsultationKind
	Matter         domain.Matter
	UnitName       string
	// UnitAbove names the unit above the consultation's (a village's commune), for the
	// heading of the signed report; Place is the commune or ward it is issued at.
	UnitAbove          string
	Place              string
	Status             domain.Status
	OpensAt            time.Time
	LastDay            time.Time // the last day of the period, local time
	ClosedAt           *time.Time
	ResultsPublishedAt *time.Time
	GeneratedAt        time.Time
	// ClosedEarly is set when an official ended the period before LastDay was over, at
	// ClosedAt, for CloseReason: the report then gives that end, not the planned one.
	ClosedEarly bool
	CloseReason string

	// Totals counts the approved opinions by stance; ByChannel by how they reached the
	// commune, every channel listed in report order, zeros included.
	Totals    domain.Counts
	ByChannel []ChannelCount
	// Unanswered is how many approved opinions still have no answer.
	Unanswered int
	// Sections are the opinions on the draft as a whole first, then every part residents
	// could comment on, in document order, with or without opinions.
	Sections []ReportSection

	// Slice is the commune this report is limited to, for a consultation that covered
	// several: only the opinions from its villages are counted. Nil for the whole report.
	Slice *domain.Unit
	// Communes lists every commune the consultation covered with its approved opinions,
	// when it covered more than one; each has its own slice. NoVillage counts the opinions
	// whose commenters named no village, so no commune's slice holds them.
	Communes  []CommuneCount
	NoVillage int
	// Decisions says which parts with opinions still need a decision, or a reason for one.
	Decisions DecisionState
}

// CommuneCount is a commune covered by a consultation with its approved opinions.
type CommuneCount struct {
	Code string
	Name string
	N    int
}

// ChannelCount is the number of opinions that came through one channel.
type ChannelCount struct {
	Channel domain.Channel
	N       int
}

// ReportSection is one part of the draft (or the draft as a whole) in the report.
type ReportSection struct {
	General bool // the opinions on the draft as a whole
	ID      int64
	Kind    string
	Path    string // the section's stable anchor ("d5", "c2.d2.k1"); empty for General
	Heading string // as written in the draft ("Điều 5. Việc cưới", "1.")
	Parent  string // for a clause, the heading of its article
	Counts  domain.Counts
	// Decision is the authority's decision on this part, if recorded; Majority the view of
	// more than half of all its opinions (the whole consultation's, even in a slice), and
	// ReasonMissing that the decision goes against it without saying why.
	Decision      *domain.ArticleDecision
	Majority      domain.Stance
	ReasonMissing bool
	// Groups are the opinions grouped by the answer they share, in the order of their first
	// opinion; an unanswered opinion is a group of its own.
	Groups []ReportGroup
}

// Period is the consultation period as it really ran, the same in the page, the CSV and
// the XLSX: "01/12/2026 – 05/01/2027", or, cut short, the moment it was closed and the last
// day that had been announced.
func (r *Report) Period(lang string) string {
	opens := r.OpensAt.In(domain.Zone).Format("02/01/2006")
	if r.ClosedEarly && r.ClosedAt != nil {
		return i18n.T(lang, "report.period_closed_early", opens, r.ClosedAt.In(domain.Zone).Format("15:04 02/01/2006"),
			r.LastDay.In(domain.Zone).Format("02/01/2006"))
	}
	return opens + " – " + r.LastDay.In(domain.Zone).Format("02/01/2006")
}

// Label names the section for a reader: a clause under its article, the preamble and the
// draft as a whole by their localised names.
func (s ReportSection) Label(lang string) string {
	switch {
	case s.General:
		return i18n.T(lang, "opinions.general")
	case s.Heading == "" && s.Kind == "preamble":
		return i18n.T(lang, "section.preamble")
	case s.Parent != "":
		return s.Parent + " – " + s.Heading
	}
	return s.Heading
}

// ReportGroup is a set of opinions on one section that received one answer, or a single
// unanswered opinion.
type ReportGroup struct {
	Texts    []string      // the opinions' public texts, personal data masked
	Count    int           // len(Texts)
	Stances  domain.Counts // the group's opinions by stance
	Villages []VillageCount
	Channels []domain.Channel // in report order
	Answered bool
	Kind     domain.ResponseKind // empty when unanswered
	Answer   string
}

// VillageCount is how many opinions of a group came from one village.
type VillageCount struct {
	Name string `json:"name"`
	N    int    `json:"count"`
}

// Report builds the consolidated report of a consultation for whoever oversees its unit
// (officials, moderators, observers, the Front and admins above it), whatever its status. A commune code
// limits it to that commune's slice.
func (a *App) Report(ctx context.Context, actor *domain.Actor, consultationID int64, commune string) (*Report, error) {
	c, err := a.OverseenConsultation(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	return a.buildReport(ctx, c, commune)
}

// PublishedReport is the report anyone may read once the results are published: on the
// consultation's page, and in each commune's slice on the commune's page.
func (a *App) PublishedReport(ctx context.Context, consultationID int64, commune string) (*Report, error) {
	c, err := a.store.ConsultationByID(ctx, consultationID)
	if err != nil {
		return nil, wrap(err)
	}
	if !c.Status.ResultsPublished() {
		return nil, domain.ErrNotFound
	}
	return a.buildReport(ctx, c, commune)
}

func (a *App) buildReport(ctx context.Context, c *domain.Consultation, commune string) (*Report, error) {
	list, err := a.store.ApprovedForAnswer(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	r := &Report{
		ConsultationID: c.ID, Title: c.Title, Kind: c.Kind, Matter: c.Matter, Status: c.Status,
		OpensAt: c.OpensAt, LastDay: c.LastDay(), ClosedAt: c.ClosedAt, ResultsPublishedAt: c.ResultsPublishedAt,
		GeneratedAt: a.Now(), ClosedEarly: c.ClosedEarly(), CloseReason: c.CloseReason,
	}
	if c.Unit != nil {
		r.UnitName, r.Place = c.Unit.Name, c.Unit.Name
		if c.Unit.ParentID != nil {
			above, err := a.store.UnitByID(ctx, *c.Unit.ParentID)
			if err != nil {
				return nil, wrap(err)
			}
			r.UnitAbove = above.Name
			if c.Unit.Kind == domain.UnitVillage {
				r.Place = above.Name
			}
		}
	}
	if err := a.reportCommunes(ctx, c, r, list); err != nil {
		return nil, err
	}
	if commune != "" {
		if list, err = a.slice(ctx, r, list, commune); err != nil {
			return nil, err
		}
	}

	// The sections: the draft as a whole, then each commentable part of the current text.
	r.Sections = append(r.Sections, ReportSection{General: true})
	index := map[int64]int{}
	article := ""
	for _, s := range c.Sections {
		if s.Kind == "article" {
			article = s.Heading
		} else if s.Level < 2 {
			article = ""
		}
		if !s.Commentable() {
			continue
		}
		rs := ReportSection{ID: s.ID, Kind: s.Kind, Path: s.Path, Heading: s.Heading}
		if s.Kind == "clause" {
			rs.Parent = article
		}
		index[s.ID] = len(r.Sections)
		r.Sections = append(r.Sections, rs)
	}
	// An opinion on a part that is not in the current text (an earlier version) keeps its
	// own section at the end rather than being filed under another.
	var stray []int64
	for _, o := range list {
		if o.SectionID != nil {
			if _, ok := index[*o.SectionID]; !ok && !slices.Contains(stray, *o.SectionID) {
				stray = append(stray, *o.SectionID)
			}
		}
	}
	if len(stray) > 0 {
		old, err := a.store.SectionsByIDs(ctx, stray)
		if err != nil {
			return nil, wrap(err)
		}
		for _, s := range old {
			index[s.ID] = len(r.Sections)
			r.Sections = append(r.Sections, ReportSection{ID: s.ID, Kind: s.Kind, Path: s.Path, Heading: s.Heading})
		}
	}

	channels := map[domain.Channel]int{}
	type groupKey struct {
		section  int
		response int64
	}
	groups := map[groupKey]int{}
	for _, o := range list {
		si := 0
		if o.SectionID != nil {
			i, ok := index[*o.SectionID]
			if !ok {
				continue // a section that vanished from the database
			}
			si = i
		}
		sec := &r.Sections[si]
		sec.Counts.Add(o.Stance, 1)
		r.Totals.Add(o.Stance, 1)
		channels[o.Channel]++

		gi := -1
		if o.ResponseID != nil {
			key := groupKey{si, *o.ResponseID}
			if i, ok := groups[key]; ok {
				gi = i
			} else {
				groups[key] = len(sec.Groups)
			}
		} else {
			r.Unanswered++
		}
		if gi < 0 {
			g := ReportGroup{}
			if o.ResponseID != nil {
				g.Answered = true
				if o.Response != nil {
					g.Kind, g.Answer = o.Response.Kind, o.Response.Text
				}
			}
			sec.Groups = append(sec.Groups, g)
			gi = len(sec.Groups) - 1
		}
		sec.Groups[gi].add(o)
	}
	for _, ch := range domain.Channels {
		r.ByChannel = append(r.ByChannel, ChannelCount{Channel: ch, N: channels[ch]})
	}
	return r, a.reportDecisions(ctx, c, r)
}

// communeKinds are the units a consultation's report is sliced by.
var communeKinds = []domain.UnitKind{domain.UnitCommune, domain.UnitWard, domain.UnitSpecialZone}

// reportCommunes lists the communes a consultation covered, when there are several, with
// the approved opinions from each (counted from the opinions' villages).
func (a *App) reportCommunes(ctx context.Context, c *domain.Consultation, r *Report, list []domain.Opinion) error {
	if c.Unit == nil || slices.Contains(communeKinds, c.Unit.Kind) {
		return nil
	}
	ids, err := a.store.UnitSubtree(ctx, []int64{c.UnitID})
	if err != nil {
		return wrap(err)
	}
	units, err := a.store.UnitsIn(ctx, ids)
	if err != nil {
		return wrap(err)
	}
	communeOf := map[int64]int{} // village ID → index in r.Communes
	index := map[int64]int{}     // commune ID → index in r.Communes
	for _, u := range units {
		if slices.Contains(communeKinds, u.Kind) {
			index[u.ID] = len(r.Communes)
			r.Communes = append(r.Communes, CommuneCount{Code: u.Code, Name: u.Name})
		}
	}
	for _, u := range units {
		if u.Kind == domain.UnitVillage && u.ParentID != nil {
			if i, ok := index[*u.ParentID]; ok {
				communeOf[u.ID] = i
			}
		}
	}
	for _, o := range list {
		if o.VillageID == nil {
			r.NoVillage++
			continue
		}
		if i, ok := communeOf[*o.VillageID]; ok {
			r.Communes[i].N++
		}
	}
	slices.SortStableFunc(r.Communes, func(x, y CommuneCount) int { return strings.Compare(x.Name, y.Name) })
	return nil
}

// slice keeps the opinions from the villages of one of the communes the consultation covered.
func (a *App) slice(ctx context.Context, r *Report, list []domain.Opinion, code string) ([]domain.Opinion, error) {
	i := slices.IndexFunc(r.Communes, func(cc CommuneCount) bool { return cc.Code == code })
	if i < 0 {
		return nil, domain.ErrNotFound // not a commune this consultation covered
	}
	u, err := a.store.UnitByCode(ctx, code)
	if err != nil {
		return nil, wrap(err)
	}
	villages, err := a.store.VillagesUnder(ctx, u.ID)
	if err != nil {
		return nil, wrap(err)
	}
	in := map[int64]bool{}
	for _, v := range villages {
		in[v.ID] = true
	}
	r.Slice = u
	return slices.DeleteFunc(list, func(o domain.Opinion) bool { return o.VillageID == nil || !in[*o.VillageID] }), nil
}

// reportDecisions attaches the decision on each part, judged against the majority of all the
// opinions on it (the law speaks of the consultation's majority, not a commune's).
func (a *App) reportDecisions(ctx context.Context, c *domain.Consultation, r *Report) error {
	decisions, err := a.store.Decisions(ctx, c.ID)
	if err != nil {
		return wrap(err)
	}
	sum, err := a.store.Summary(ctx, c.ID)
	if err != nil {
		return wrap(err)
	}
	r.Decisions = decisionState(sum, decisions)
	for i := range r.Sections {
		s := &r.Sections[i]
		if s.General {
			continue
		}
		whole := sum.BySection[s.ID]
		s.Majority = domain.MajorityView(whole)
		if s.Decision = decisions[s.ID]; s.Decision != nil {
			s.ReasonMissing = s.Decision.Reason == "" && domain.DiffersFromMajority(s.Decision.Decision, whole)
		}
	}
	return nil
}

// add puts an opinion into the group: its public text, stance, village and channel, never
// its author's name or contact.
func (g *ReportGroup) add(o domain.Opinion) {
	g.Texts = append(g.Texts, o.BodyPublic)
	g.Count++
	g.Stances.Add(o.Stance, 1)
	if o.Village != nil {
		i := slices.IndexFunc(g.Villages, func(v VillageCount) bool { return v.Name == o.Village.Name })
		if i < 0 {
			g.Villages = append(g.Villages, VillageCount{Name: o.Village.Name})
			i = len(g.Villages) - 1
		}
		g.Villages[i].N++
	}
	if !slices.Contains(g.Channels, o.Channel) {
		g.Channels = append(g.Channels, o.Channel)
		slices.SortFunc(g.Channels, func(a, b domain.Channel) int {
			return slices.Index(domain.Channels, a) - slices.Index(domain.Channels, b)
		})
	}
}
