package app

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/draft"
	"github.com/gopy-vn/gopy/internal/revision"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// NewVersion is the next text of a draft, revised by the drafting team after the comments.
type NewVersion struct {
	Text string `json:"text" validate:"required,max=200000"`
	// Note says in a few words what changed and why, for residents.
	Note string `json:"note" validate:"max=3000"`
}

// versionStatuses are the statuses in which a draft may be revised: while it takes opinions
// and after, until its results are published. The law's order is comments, then the revised
// draft, then the results and the decision; the published results (and the decisions on each
// article, and the households' vote) are about one text, so the text is fixed from then on.
var versionStatuses = []domain.Status{domain.StatusOpen, domain.StatusClosed}

// PublishVersion publishes the next version of a draft. Its parts are matched to the parts
// of the current version they revise (package revision), so the opinions written on an
// article stay with it when it is renumbered, moved or reworded. It returns the consultation
// at its new version.
func (a *App) PublishVersion(ctx context.Context, actor *domain.Actor, consultationID int64, in NewVersion) (*domain.Consultation, error) {
	in.Text = textnorm.CleanText(in.Text)
	in.Note = textnorm.CleanText(in.Note)
	c, err := a.consultationFor(ctx, actor, domain.PermManageConsultation, consultationID, "error.version_status", versionStatuses...)
	if err != nil {
		return nil, err
	}
	err = a.check(in)
	var sections []domain.Section
	for _, s := range draft.Split(in.Text) {
		sections = append(sections, domain.Section{
			Ordinal: s.Ordinal, Kind: string(s.Kind), Level: s.Level, Path: s.Path, Heading: s.Heading, Body: s.Body,
		})
	}
	switch {
	case in.Text == "":
	case len(sections) == 0:
		err = mergeInvalid(err, "text", "validation.draft_empty")
	case sameText(c.Sections, sections):
		err = mergeInvalid(err, "text", "validation.version_unchanged", c.Version)
	}
	if err != nil {
		return nil, err
	}
	links := map[int]int64{}
	for n, o := range revision.Match(c.Sections, sections) {
		links[n] = c.Sections[o].ID
	}
	v := &domain.DraftVersion{Number: c.Version + 1, SourceText: in.Text, Note: in.Note, CreatedAt: a.Now()}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.AddVersion(ctx, c.ID, c.Version, versionStatuses, v, sections, links); err != nil {
			return err
		}
		return a.audit(ctx, actor, "consultation.version", "consultation", c.ID, c.UnitID, strconv.Itoa(v.Number))
	})
	if err != nil {
		return nil, err
	}
	return a.store.ConsultationByID(ctx, c.ID)
}

// sameText reports whether two versions say exactly the same thing in the same order.
func sameText(a, b []domain.Section) bool {
	return slices.EqualFunc(a, b, func(x, y domain.Section) bool {
		return x.Kind == y.Kind && x.Heading == y.Heading && x.Body == y.Body
	})
}

// VersionDraft loads a consultation for the form of its next version, with the current
// text to start from: only its officials revise it, and only while it may be revised.
func (a *App) VersionDraft(ctx context.Context, actor *domain.Actor, consultationID int64) (*domain.Consultation, string, error) {
	c, err := a.OverseenConsultation(ctx, actor, consultationID)
	if err != nil {
		return nil, "", err
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID); err != nil {
		return nil, "", err
	}
	if !slices.Contains(versionStatuses, c.Status) {
		return nil, "", domain.Errorf(domain.CodeConflict, "error.version_status")
	}
	text, err := a.draftText(ctx, c)
	return c, text, err
}

// draftText is the text of the current version as an official would paste it, to start the
// next version from: the text pasted for it, or for a draft entered part by part, the parts
// one after another.
func (a *App) draftText(ctx context.Context, c *domain.Consultation) (string, error) {
	text, err := a.store.VersionText(ctx, c.ID, c.Version)
	if err != nil {
		return "", wrap(err)
	}
	if strings.TrimSpace(text) != "" {
		return text, nil
	}
	var b strings.Builder
	for _, s := range c.Sections {
		if s.Kind == "clause" {
			b.WriteString(s.Heading + " " + s.Body + "\n")
			continue
		}
		if s.Kind != "preamble" {
			b.WriteString(s.Heading + "\n")
		}
		if s.Body != "" {
			b.WriteString(s.Body + "\n")
		}
	}
	return b.String(), nil
}

// Versions lists the versions of a published consultation's draft.
func (a *App) Versions(ctx context.Context, actor *domain.Actor, consultationID int64) (*domain.Consultation, []domain.DraftVersion, error) {
	c, err := a.Consultation(ctx, actor, consultationID)
	if err != nil {
		return nil, nil, err
	}
	list, err := a.store.Versions(ctx, c.ID)
	return c, list, wrap(err)
}

// versionGraph is every section of every version of a draft with the links between them.
type versionGraph struct {
	byID    map[int64]domain.VersionedSection
	version map[int][]domain.Section // number → sections in order
	prev    map[int64]int64          // section → the section it revises
	next    map[int64]int64          // section → the section that revises it
}

func (a *App) versionGraph(ctx context.Context, consultationID int64) (*versionGraph, error) {
	all, err := a.store.SectionsWithVersions(ctx, consultationID)
	if err != nil {
		return nil, wrap(err)
	}
	links, err := a.store.SectionLinks(ctx, consultationID)
	if err != nil {
		return nil, wrap(err)
	}
	g := &versionGraph{byID: map[int64]domain.VersionedSection{}, version: map[int][]domain.Section{}, prev: links, next: map[int64]int64{}}
	for _, s := range all {
		g.byID[s.ID] = s
		g.version[s.VersionNumber] = append(g.version[s.VersionNumber], s.Section)
	}
	for n, o := range links {
		g.next[o] = n
	}
	return g, nil
}

// ancestor follows the links back from a section to the version given; false when the part
// did not exist then.
func (g *versionGraph) ancestor(id int64, number int) (int64, bool) {
	for {
		s, ok := g.byID[id]
		if !ok || s.VersionNumber < number {
			return 0, false
		}
		if s.VersionNumber == number {
			return id, true
		}
		if id, ok = g.prev[id]; !ok {
			return 0, false
		}
	}
}

// Changes is the comparison of two versions of a draft, article by article.
type Changes struct {
	C        *domain.Consultation
	Versions []domain.DraftVersion
	From, To int
	Result   revision.Result
}

// Compare compares two versions of a published draft; from and to of 0 mean the one before
// the current version and the current one.
func (a *App) Compare(ctx context.Context, actor *domain.Actor, consultationID int64, from, to int) (*Changes, error) {
	c, versions, err := a.Versions(ctx, actor, consultationID)
	if err != nil {
		return nil, err
	}
	if to == 0 {
		to = c.Version
	}
	if from == 0 {
		from = to - 1
	}
	var fields map[string]domain.Message
	if to < 1 || to > c.Version {
		fields = map[string]domain.Message{"to": {Key: "validation.version_range", Args: []any{c.Version}}}
	}
	if c.Version > 1 && (from < 1 || from >= to) {
		if fields == nil {
			fields = map[string]domain.Message{}
		}
		fields["from"] = domain.Message{Key: "validation.version_from", Args: []any{to}}
	}
	if fields != nil {
		return nil, domain.Invalid(fields)
	}
	out := &Changes{C: c, Versions: versions, From: from, To: to}
	if c.Version == 1 {
		return out, nil
	}
	g, err := a.versionGraph(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	prev, next := g.version[from], g.version[to]
	index := make(map[int64]int, len(prev))
	for i, s := range prev {
		index[s.ID] = i
	}
	links := map[int]int{}
	for i, s := range next {
		if id, ok := g.ancestor(s.ID, from); ok {
			links[i] = index[id]
		}
	}
	out.Result = revision.Compare(prev, next, links)
	return out, nil
}

// EarlierSection is a part of an earlier version that a part of the current text revises:
// the opinions written on it belong to the current part too.
type EarlierSection struct {
	domain.Section
	Version int
}

// EarlierSections returns, for each part of the current version, the parts of earlier
// versions it revises, the most recent first. Nil for a draft with one version.
func (a *App) EarlierSections(ctx context.Context, c *domain.Consultation) (map[int64][]EarlierSection, error) {
	if c.Version <= 1 {
		return nil, nil
	}
	g, err := a.versionGraph(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := map[int64][]EarlierSection{}
	for _, s := range c.Sections {
		for id, ok := g.prev[s.ID]; ok; id, ok = g.prev[id] {
			e := g.byID[id]
			out[s.ID] = append(out[s.ID], EarlierSection{Section: e.Section, Version: e.VersionNumber})
		}
	}
	return out, nil
}

// SectionAnyVersion finds a part of a consultation's draft in any version. For a part of
// an earlier version it also returns the part of the current text that revises it, nil when
// the part was removed since.
func (a *App) SectionAnyVersion(ctx context.Context, c *domain.Consultation, sectionID int64) (*EarlierSection, *domain.Section, error) {
	g, err := a.versionGraph(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	s, ok := g.byID[sectionID]
	if !ok {
		return nil, nil, domain.ErrNotFound
	}
	found := &EarlierSection{Section: s.Section, Version: s.VersionNumber}
	id := sectionID
	for g.byID[id].VersionNumber < c.Version {
		if id, ok = g.next[id]; !ok {
			return found, nil, nil
		}
	}
	for i := range c.Sections {
		if c.Sections[i].ID == id {
			return found, &c.Sections[i], nil
		}
	}
	return found, nil, nil
}
