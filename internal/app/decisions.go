package app

import (
	"context"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// NewDecision is an official's decision on one part of the draft after the consultation.
type NewDecision struct {
	SectionID int64  `json:"section_id" validate:"required"`
	Decision  string `json:"decision" validate:"required,oneof=kept amended removed"`
	Reason    string `json:"reason" validate:"max=5000"`
}

// DecideArticle records what the authority decided about a part of its draft: kept, amended
// or removed. Where the decision goes against the majority of the approved opinions on that
// part, the reason is required (Law 10/2022 art. 28(4)). Deciding again replaces the earlier
// decision, until the results are published.
func (a *App) DecideArticle(ctx context.Context, actor *domain.Actor, consultationID int64, in NewDecision) (*domain.ArticleDecision, error) {
	in.Reason = textnorm.CleanText(in.Reason)
	if err := a.check(in); err != nil {
		return nil, err
	}
	c, err := a.consultationFor(ctx, actor, domain.PermManageConsultation, consultationID, "error.decide_when_closed", domain.StatusClosed)
	if err != nil {
		return nil, err
	}
	sec, err := a.store.SectionOf(ctx, c.ID, in.SectionID)
	if err != nil {
		return nil, domain.InvalidField("section_id", "validation.section_unknown")
	}
	if !sec.Commentable() {
		return nil, domain.InvalidField("section_id", "validation.section_unknown")
	}
	sum, err := a.store.Summary(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	d := &domain.ArticleDecision{
		ConsultationID: c.ID, SectionID: sec.ID, Decision: domain.DecisionOnText(in.Decision),
		Reason: in.Reason, DecidedBy: &actor.StaffID, DecidedAt: a.Now(),
	}
	if d.Reason == "" && domain.DiffersFromMajority(d.Decision, sum.BySection[sec.ID]) {
		return nil, domain.InvalidField("reason", "validation.decision_reason",
			sum.BySection[sec.ID].Total, majorityCount(sum.BySection[sec.ID]))
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SaveDecision(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, actor, "article.decide", "consultation", c.ID, c.UnitID, in.Decision)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// majorityCount is how many opinions hold the majority view.
func majorityCount(n domain.Counts) int {
	switch domain.MajorityView(n) {
	case domain.StanceAgree:
		return n.Agree
	case domain.StanceDisagree:
		return n.Disagree
	}
	return 0
}

// DecisionState says, for the parts of a draft that received approved opinions, which have
// no decision yet and which have one that goes against the majority without a reason (the
// counts can change after a decision: paper opinions entered late, an opinion hidden).
type DecisionState struct {
	Undecided      int
	ReasonsMissing int
}

// Ready reports whether every part with opinions has a decision that stands.
func (s DecisionState) Ready() bool { return s.Undecided == 0 && s.ReasonsMissing == 0 }

func decisionState(sum *domain.Summary, decisions map[int64]*domain.ArticleDecision) DecisionState {
	var st DecisionState
	for id, n := range sum.BySection {
		if n.Total == 0 {
			continue
		}
		d := decisions[id]
		switch {
		case d == nil:
			st.Undecided++
		case d.Reason == "" && domain.DiffersFromMajority(d.Decision, n):
			st.ReasonsMissing++
		}
	}
	return st
}

// decisionStateOf counts what stands between a consultation's decisions and its results.
func (a *App) decisionStateOf(ctx context.Context, consultationID int64) (DecisionState, error) {
	sum, err := a.store.Summary(ctx, consultationID)
	if err != nil {
		return DecisionState{}, wrap(err)
	}
	decisions, err := a.store.Decisions(ctx, consultationID)
	if err != nil {
		return DecisionState{}, wrap(err)
	}
	return decisionState(sum, decisions), nil
}
