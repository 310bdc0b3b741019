package app

import (
	"context"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// NewResponse is an official's answer to one opinion or a group of similar ones.
type NewResponse struct {
	OpinionIDs []int64 `json:"-"`
	Kind       string  `json:"kind" validate:"required,oneof=accepted explained noted"`
	Text       string  `json:"text" validate:"required,min=2,max=5000"`
}

// Answer records the authority's acceptance or explanation (tiếp thu, giải trình) for
// approved opinions of a closed consultation. Answering again replaces the earlier answer.
func (a *App) Answer(ctx context.Context, actor *domain.Actor, consultationID int64, in NewResponse) (*domain.Response, error) {
	in.Text = textnorm.CleanText(in.Text)
	if err := a.check(in); err != nil {
		return nil, err
	}
	if len(in.OpinionIDs) == 0 || len(in.OpinionIDs) > 500 {
		return nil, domain.InvalidField("ids", "validation.bulk_count")
	}
	c, err := a.consultationFor(ctx, actor, domain.PermManageConsultation, consultationID, "error.answer_when_closed", domain.StatusClosed)
	if err != nil {
		return nil, err
	}
	r := &domain.Response{ConsultationID: c.ID, Kind: domain.ResponseKind(in.Kind), Text: in.Text, CreatedBy: &actor.StaffID, CreatedAt: a.Now()}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if _, err := a.store.Answer(ctx, r, in.OpinionIDs); err != nil {
			return err
		}
		return a.audit(ctx, actor, "opinion.answer", "consultation", c.ID, c.UnitID, in.Kind)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// AnswerSheet lists every approved opinion of a consultation with its answer, for the
// official answering them, and how many still have none.
func (a *App) AnswerSheet(ctx context.Context, actor *domain.Actor, consultationID int64) ([]domain.Opinion, int64, error) {
	c, err := a.consultationFor(ctx, actor, domain.PermOversee, consultationID, "")
	if err != nil {
		return nil, 0, err
	}
	list, err := a.store.ApprovedForAnswer(ctx, consultationID)
	if err != nil {
		return nil, 0, wrap(err)
	}
	sections := map[int64]*domain.Section{}
	for i := range c.Sections {
		sections[c.Sections[i].ID] = &c.Sections[i]
	}
	var missing int64
	for i := range list {
		if list[i].SectionID != nil {
			list[i].Section = sections[*list[i].SectionID]
		}
		if list[i].ResponseID == nil {
			missing++
		}
	}
	return list, missing, nil
}

// PublishResults publishes the answers of a closed consultation. It is refused while an
// approved opinion has no answer (every commenter must be able to see what became of theirs),
// while a part of the draft that received opinions has no decision, and while a decision
// against the majority of those opinions states no reason (Law 10/2022 art. 28(4)).
func (a *App) PublishResults(ctx context.Context, actor *domain.Actor, consultationID int64) (*domain.Consultation, error) {
	c, err := a.manageable(ctx, actor, consultationID, domain.StatusResultsPublished, a.Now(), "")
	if err != nil {
		return nil, err
	}
	missing, err := a.store.Unanswered(ctx, c.ID)
	if err != nil {
		return nil, wrap(err)
	}
	if missing > 0 {
		return nil, domain.Errorf(domain.CodeConflict, "error.unanswered", missing)
	}
	ds, err := a.decisionStateOf(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if ds.Undecided > 0 {
		return nil, domain.Errorf(domain.CodeConflict, "error.undecided", ds.Undecided)
	}
	if ds.ReasonsMissing > 0 {
		return nil, domain.Errorf(domain.CodeConflict, "error.decision_reasons", ds.ReasonsMissing)
	}
	now := a.Now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.ChangeStatus(ctx, c.ID, c.Status, domain.StatusResultsPublished, &actor.StaffID, "", store.StatusStamps{ResultsPublishedAt: &now}); err != nil {
			return err
		}
		return a.audit(ctx, actor, "consultation.results", "consultation", c.ID, c.UnitID, "")
	})
	if err != nil {
		return nil, err
	}
	a.notifyResults(ctx, c)
	return a.store.ConsultationByID(ctx, c.ID)
}

// withPublishedAnswers attaches answers to opinions of a consultation whose results are
// published; before that, answers are a draft of the authority's and stay private.
func (a *App) withPublishedAnswers(ctx context.Context, c *domain.Consultation, list []domain.Opinion) error {
	if !c.Status.ResultsPublished() {
		return nil
	}
	return wrap(a.store.AttachResponses(ctx, list))
}

// AnswerOpinion answers one opinion, by its id (the API's form of Answer).
func (a *App) AnswerOpinion(ctx context.Context, actor *domain.Actor, opinionID int64, in NewResponse) (*domain.Response, error) {
	o, err := a.store.OpinionByID(ctx, opinionID)
	if err != nil {
		return nil, wrap(err)
	}
	in.OpinionIDs = []int64{o.ID}
	return a.Answer(ctx, actor, o.ConsultationID, in)
}
