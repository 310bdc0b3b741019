package app

import (
	"context"
	"time"

	"github.com/gopy-vn/gopy/internal/detect"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// QueueQuery narrows the moderation queue.
type QueueQuery struct {
	ConsultationID *int64
	Flag           string        // personal_data, profanity, link or similar
	OlderThan      time.Duration // only items waiting longer than this
}

// QueueItem is an opinion waiting for a moderator, with what the automatic checks found.
type QueueItem struct {
	domain.Opinion
	Matches      []detect.Match
	SimilarCount int     // other opinions on the same consultation that read nearly the same
	SimilarIDs   []int64 // the waiting ones among them, for a bulk decision
}

// Queue is the moderation queue with how much waits and since when.
type Queue struct {
	Items   []QueueItem
	Waiting int64
	Oldest  *time.Time
}

// ModerationQueue lists what waits in the actor's units, oldest first, with flags and groups
// of near-identical texts.
func (a *App) ModerationQueue(ctx context.Context, actor *domain.Actor, q QueueQuery) (*Queue, error) {
	units, err := a.scope(ctx, actor, domain.PermModerate)
	if err != nil {
		return nil, err
	}
	f := store.QueueFilter{UnitIDs: units, ConsultationID: q.ConsultationID, Moderator: actor.StaffID, Limit: 100}
	if q.Flag != "" && q.Flag != string(detect.Similar) {
		f.Flag = q.Flag
	}
	if q.OlderThan > 0 {
		before := a.Now().Add(-q.OlderThan)
		f.SubmittedTo = &before
	}
	state, err := a.store.WaitingState(ctx, store.QueueFilter{UnitIDs: units, Moderator: actor.StaffID})
	if err != nil {
		return nil, wrap(err)
	}
	list, err := a.store.PendingOpinions(ctx, f)
	if err != nil {
		return nil, wrap(err)
	}
	out := &Queue{Waiting: state.Waiting, Oldest: state.Oldest}
	for _, o := range list {
		out.Items = append(out.Items, QueueItem{Opinion: o, Matches: detect.Scan(o.Body)})
	}
	if err := a.groupSimilar(ctx, out.Items); err != nil {
		return nil, err
	}
	if q.Flag == string(detect.Similar) {
		kept := out.Items[:0]
		for _, it := range out.Items {
			if it.SimilarCount > 0 {
				kept = append(kept, it)
			}
		}
		out.Items = kept
	}
	return out, nil
}

// similarWindow bounds how many recent opinions of a consultation each waiting one is compared
// with: campaign copies arrive together, so the recent past is where their twins are.
const similarWindow = 2000

// groupSimilar counts, for each queue item, the recent opinions of its consultation that read
// nearly the same (diacritics ignored), and which of those are waiting too.
func (a *App) groupSimilar(ctx context.Context, items []QueueItem) error {
	byConsultation := map[int64][]int{}
	for i := range items {
		byConsultation[items[i].ConsultationID] = append(byConsultation[items[i].ConsultationID], i)
	}
	waiting := map[int64]bool{}
	for _, it := range items {
		waiting[it.ID] = true
	}
	for cid, idx := range byConsultation {
		recent, err := a.store.RecentBodies(ctx, cid, similarWindow)
		if err != nil {
			return wrap(err)
		}
		sets := make([][]uint64, len(recent))
		for j, r := range recent {
			sets[j] = detect.Shingles(r.Body)
		}
		for _, i := range idx {
			mine := detect.Shingles(items[i].Body)
			for j, r := range recent {
				if r.ID == items[i].ID || detect.Similarity(mine, sets[j]) < detect.SimilarThreshold {
					continue
				}
				items[i].SimilarCount++
				if waiting[r.ID] {
					items[i].SimilarIDs = append(items[i].SimilarIDs, r.ID)
				}
			}
		}
	}
	return nil
}

// Decision is a moderator's verdict: approve or reject what waits, or hide what was published.
type Decision struct {
	Decision string `json:"decision" validate:"required,oneof=approve reject hide"`
	Reason   string `json:"reason" validate:"required_unless=Decision approve,omitempty,oneof=spam offensive off_topic personal_data duplicate other"`
	Note     string `json:"note" validate:"required_if=Reason other,max=1000"`
}

// Moderate applies a moderator's decision and logs it. What a decision means depends on where
// the opinion stands: a pending opinion is approved or rejected; one published under
// post-moderation is confirmed or hidden; a published one can be hidden with a reason; a
// rejected one under appeal is decided again, by someone other than who rejected it.
func (a *App) Moderate(ctx context.Context, actor *domain.Actor, opinionID int64, d Decision) (*domain.Opinion, error) {
	d.Note = textnorm.CleanText(d.Note)
	if err := a.check(d); err != nil {
		return nil, err
	}
	o, c, err := a.opinionFor(ctx, actor, domain.PermModerate, opinionID)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	t := store.Transition{
		OpinionID: o.ID, From: o.Status, Reason: domain.RejectReason(d.Reason), Note: d.Note,
		ActorID: &actor.StaffID, Now: now, Seconds: int64(now.Sub(o.SubmittedAt).Seconds()),
	}
	switch {
	case o.Status == domain.OpinionPending && d.Decision != "hide":
		t.To = map[string]domain.OpinionStatus{"approve": domain.OpinionApproved, "reject": domain.OpinionRejected}[d.Decision]
	case o.Status == domain.OpinionApproved && o.ReviewedAt == nil && d.Decision == "approve":
		t.To = domain.OpinionApproved // post-moderation: reviewed and kept
	case o.Status == domain.OpinionApproved && (d.Decision == "hide" || (o.ReviewedAt == nil && d.Decision == "reject")):
		t.To = domain.OpinionHidden
	case o.Status == domain.OpinionRejected && d.Decision != "hide":
		appeal, err := a.store.AppealOf(ctx, o.ID)
		if err != nil || appeal.DecidedAt != nil {
			return nil, domain.Errorf(domain.CodeConflict, "error.opinion_already_decided")
		}
		rejecter, err := a.store.LastRejecter(ctx, o.ID)
		if err != nil {
			return nil, wrap(err)
		}
		if rejecter == actor.StaffID {
			return nil, domain.Errorf(domain.CodeForbidden, "error.appeal_other_moderator")
		}
		t.To, t.Appeal = domain.OpinionApproved, "overturned"
		if d.Decision == "reject" {
			t.To, t.Appeal = domain.OpinionRejected, "upheld"
		}
	default:
		return nil, domain.Errorf(domain.CodeConflict, "error.opinion_already_decided")
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.Apply(ctx, t); err != nil {
			return err
		}
		return a.audit(ctx, actor, "opinion."+d.Decision, "opinion", o.ID, c.UnitID, d.Reason)
	})
	if err != nil {
		return nil, err
	}
	o, err = a.store.OpinionByID(ctx, opinionID)
	return o, wrap(err)
}

// BulkModerate applies one decision to several opinions (a group of copies of one campaign
// text), each checked and logged on its own; it returns how many were decided.
func (a *App) BulkModerate(ctx context.Context, actor *domain.Actor, ids []int64, d Decision) (int, error) {
	if len(ids) == 0 || len(ids) > 500 {
		return 0, domain.InvalidField("ids", "validation.bulk_count")
	}
	if err := a.check(d); err != nil {
		return 0, err
	}
	// Every opinion must be one the actor may moderate before any is decided: a refused
	// bulk decision changes nothing.
	for _, id := range ids {
		if _, _, err := a.opinionFor(ctx, actor, domain.PermModerate, id); err != nil {
			return 0, err
		}
	}
	done := 0
	for _, id := range ids {
		if _, err := a.Moderate(ctx, actor, id, d); err != nil {
			if domain.IsCode(err, domain.CodeConflict) {
				continue // someone decided it meanwhile
			}
			return done, err
		}
		done++
	}
	return done, nil
}

// Appeal lets a rejected author ask once, with a short text, for another look.
func (a *App) Appeal(ctx context.Context, typed, text string) (*domain.Appeal, error) {
	o, _, err := a.byCode(ctx, typed)
	if err != nil {
		return nil, err
	}
	text = textnorm.CleanText(text)
	switch n := textnorm.Length(text); {
	case n < 2:
		return nil, domain.InvalidField("text", "validation.required")
	case n > domain.MaxAppeal:
		return nil, domain.InvalidField("text", "validation.max", domain.MaxAppeal)
	}
	if o.Status != domain.OpinionRejected {
		return nil, domain.Errorf(domain.CodeConflict, "error.appeal_not_rejected")
	}
	ap := &domain.Appeal{OpinionID: o.ID, Text: text, CreatedAt: a.Now()}
	if err := a.store.CreateAppeal(ctx, ap); err != nil {
		return nil, wrap(err)
	}
	return ap, nil
}

// ModerationStats returns the public moderation figures of a published consultation.
func (a *App) ModerationStats(ctx context.Context, consultationID int64) (*domain.ModerationStats, error) {
	c, err := a.Consultation(ctx, nil, consultationID)
	if err != nil {
		return nil, err
	}
	return a.PublicModerationStats(ctx, c)
}

// PublicModerationStats returns the moderation figures of a consultation for its public
// page, from the counters the database keeps.
func (a *App) PublicModerationStats(ctx context.Context, c *domain.Consultation) (*domain.ModerationStats, error) {
	st, err := a.store.ModerationStats(ctx, c.ID)
	return st, wrap(err)
}

// ModerationLog lists the decisions about one opinion, for staff who oversee its unit.
func (a *App) ModerationLog(ctx context.Context, actor *domain.Actor, opinionID int64) ([]domain.ModerationEvent, error) {
	if _, _, err := a.opinionFor(ctx, actor, domain.PermOversee, opinionID); err != nil {
		return nil, err
	}
	ev, err := a.store.ModerationEvents(ctx, opinionID)
	return ev, wrap(err)
}

// ModerationLogOf lists the moderation decisions in the units the actor oversees, so the
// Fatherland Front and the People's Inspection Board can check that nothing was silenced.
func (a *App) ModerationLogOf(ctx context.Context, actor *domain.Actor, page int) ([]domain.ModerationLogEntry, bool, error) {
	units, err := a.scope(ctx, actor, domain.PermOversee)
	if err != nil {
		return nil, false, err
	}
	list, more, err := a.store.ModerationLog(ctx, units, page, 50)
	return list, more, wrap(err)
}

// opinionFor loads an opinion and its consultation for an actor who holds perm over the
// consultation's unit, the check every staff action on one opinion starts with.
func (a *App) opinionFor(ctx context.Context, actor *domain.Actor, perm domain.Permission, opinionID int64) (*domain.Opinion, *domain.Consultation, error) {
	o, err := a.store.OpinionByID(ctx, opinionID)
	if err != nil {
		return nil, nil, wrap(err)
	}
	c, err := a.store.ConsultationByID(ctx, o.ConsultationID)
	if err != nil {
		return nil, nil, wrap(err)
	}
	if err := a.authorize(ctx, actor, perm, c.UnitID); err != nil {
		return nil, nil, err
	}
	return o, c, nil
}
