package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gopy-vn/gopy/internal/domain"
)

// InsertOpinion stores an opinion and returns the stored row. When the opinion carries an
// idempotency key already used on the same consultation, nothing is inserted and the first
// opinion is returned with created=false: a resident pressing submit twice on 3G, or many
// retries racing each other, leave exactly one row. The unique constraint decides the race.
// The consents the commenter gave are stored in the same transaction.
//
// Outside a transaction, while RunWriter runs, the opinion goes to the batched writer
// (batch.go), which writes it with the others that arrive at the same moment. Inside one it
// is written in that transaction.
func (s *Store) InsertOpinion(ctx context.Context, o *domain.Opinion, consents []domain.Consent) (stored *domain.Opinion, created bool, err error) {
	if s.tx(ctx) == nil {
		op := &opinionWrite{ctx: ctx, opinion: o, consents: consents, done: make(chan writeResult, 1)}
		queued, err := s.writer.enqueue(ctx, op)
		if err != nil {
			return nil, false, err
		}
		if queued {
			r := <-op.done
			return r.stored, r.created, r.err
		}
	}
	return s.insertOpinion(ctx, o, consents)
}

// insertOpinion writes one opinion and its consents.
func (s *Store) insertOpinion(ctx context.Context, o *domain.Opinion, consents []domain.Consent) (stored *domain.Opinion, created bool, err error) {
	insert := func(ctx context.Context) error {
		res := s.conn(ctx).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "consultation_id"}, {Name: "idempotency_key"}},
			DoNothing: true,
		}).Create(o)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		created = true
		s.touched(ctx, o.ConsultationID)
		for i := range consents {
			consents[i].OpinionID = o.ID
			if err := s.conn(ctx).Create(&consents[i]).Error; err != nil {
				return err
			}
		}
		return nil
	}
	if len(consents) == 0 {
		// One statement is atomic on its own: most opinions come without a consent, and an
		// explicit transaction would add two round trips to each of them.
		err = insert(ctx)
	} else {
		err = s.InTx(ctx, insert)
	}
	if err != nil {
		return nil, false, err
	}
	if created {
		return o, true, nil
	}
	var first domain.Opinion
	err = s.conn(ctx).Where("consultation_id = ? AND idempotency_key = ?", o.ConsultationID, o.IdempotencyKey).Take(&first).Error
	return &first, false, notFound(err)
}

// OpinionByCode finds an opinion by its canonical tracking code.
func (s *Store) OpinionByCode(ctx context.Context, code string) (*domain.Opinion, error) {
	var o domain.Opinion
	err := s.conn(ctx).Where("tracking_code = ?", code).Take(&o).Error
	return &o, notFound(err)
}

// OpinionByID finds an opinion by ID.
func (s *Store) OpinionByID(ctx context.Context, id int64) (*domain.Opinion, error) {
	var o domain.Opinion
	err := s.conn(ctx).Take(&o, id).Error
	return &o, notFound(err)
}

// ApprovedOpinions returns a page of approved opinions of a consultation, newest first,
// and whether another page follows.
func (s *Store) ApprovedOpinions(ctx context.Context, consultationID int64, f domain.SectionFilter, page, perPage int) ([]domain.Opinion, bool, error) {
	// Hidden opinions stay in the list as markers, so nothing disappears silently.
	q := s.conn(ctx).Where("consultation_id = ? AND "+publicStatusSQL, consultationID)
	switch {
	case f.SectionID != nil:
		q = q.Where("section_id = ?", *f.SectionID)
	case f.General:
		q = q.Where("section_id IS NULL")
	}
	if page < 1 {
		page = 1
	}
	var list []domain.Opinion
	err := q.Order("submitted_at DESC, id DESC").Limit(perPage + 1).Offset((page - 1) * perPage).Find(&list).Error
	if err != nil {
		return nil, false, err
	}
	more := len(list) > perPage
	if more {
		list = list[:perPage]
	}
	return list, more, s.attachVillages(ctx, list)
}

// LatestApproved returns up to n of the newest public opinions (approved, and markers of
// hidden ones) for every section of a consultation, of every version, and for the draft as a
// whole (key 0). Each section's are read from the top of opinions_public_newest_idx, which
// holds only public opinions: the cost is the number of sections, not of opinions, and a
// burst of opinions waiting for moderation is not in the way.
func (s *Store) LatestApproved(ctx context.Context, consultationID int64, n int) (map[int64][]domain.Opinion, error) {
	var sections []int64
	if err := s.conn(ctx).Model(&domain.Section{}).Where("consultation_id = ?", consultationID).
		Order("id").Pluck("id", &sections).Error; err != nil {
		return nil, err
	}
	newest := "SELECT id FROM opinions WHERE consultation_id = ? AND " + publicStatusSQL +
		" AND %s ORDER BY submitted_at DESC, id DESC LIMIT ?"
	var ids []int64
	if err := s.conn(ctx).Raw(fmt.Sprintf(newest, "section_id IS NULL"), consultationID, n).Scan(&ids).Error; err != nil {
		return nil, err
	}
	if len(sections) > 0 && s.dialect == Postgres {
		// One round trip: the same ordered read for each section.
		// The IDs go as one array literal: a slice would be spread into a row by GORM.
		list := make([]string, len(sections))
		for i, id := range sections {
			list[i] = strconv.FormatInt(id, 10)
		}
		var more []int64
		err := s.conn(ctx).Raw(`SELECT l.id FROM unnest(CAST(? AS BIGINT[])) AS s(id)
			CROSS JOIN LATERAL (`+fmt.Sprintf(newest, "section_id = s.id")+`) l`,
			"{"+strings.Join(list, ",")+"}", consultationID, n).Scan(&more).Error
		if err != nil {
			return nil, err
		}
		ids = append(ids, more...)
	} else {
		for _, id := range sections {
			var more []int64
			if err := s.conn(ctx).Raw(fmt.Sprintf(newest, "section_id = ?"), consultationID, id, n).Scan(&more).Error; err != nil {
				return nil, err
			}
			ids = append(ids, more...)
		}
	}
	var list []domain.Opinion
	if len(ids) > 0 {
		if err := s.conn(ctx).Where("id IN ?", ids).Order("submitted_at DESC, id DESC").Find(&list).Error; err != nil {
			return nil, err
		}
	}
	if err := s.attachVillages(ctx, list); err != nil {
		return nil, err
	}
	out := map[int64][]domain.Opinion{}
	for _, o := range list {
		var key int64
		if o.SectionID != nil {
			key = *o.SectionID
		}
		out[key] = append(out[key], o)
	}
	return out, nil
}

func (s *Store) attachVillages(ctx context.Context, list []domain.Opinion) error {
	var ids []int64
	for _, o := range list {
		if o.VillageID != nil {
			ids = append(ids, *o.VillageID)
		}
	}
	units, err := s.UnitsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	for i := range list {
		if list[i].VillageID != nil {
			list[i].Village = units[*list[i].VillageID]
		}
	}
	return nil
}

// publicStatuses are shown in public lists: approved opinions, and markers of hidden ones.
var publicStatuses = []domain.OpinionStatus{domain.OpinionApproved, domain.OpinionHidden}

// publicStatusSQL selects publicStatuses in the words of the partial indexes of public
// opinions (migration 00015): the databases use a partial index only for a query whose
// condition they can see implies the index's, which a bound parameter hides.
const publicStatusSQL = "status IN ('approved', 'hidden')"

// QueueFilter selects the opinions that wait for a moderator.
type QueueFilter struct {
	UnitIDs        []int64 // consultations of these units only
	ConsultationID *int64
	Flag           string     // only opinions with this automatic flag
	SubmittedTo    *time.Time // only opinions submitted before this (older than an age)
	// Moderator is left out of appeals against their own rejection: a different moderator decides.
	Moderator int64
	Limit     int
}

// waitingSQL is what a moderator must look at: pending opinions, opinions published under
// post-moderation and not yet reviewed, and rejected opinions with an open appeal.
const waitingSQL = `(opinions.status = 'pending'
	OR (opinions.status = 'approved' AND opinions.reviewed_at IS NULL)
	OR (opinions.status = 'rejected' AND EXISTS (SELECT 1 FROM appeals a WHERE a.opinion_id = opinions.id AND a.decided_at IS NULL)))`

// PendingOpinions lists what waits for moderation, oldest first, with sections and villages.
func (s *Store) PendingOpinions(ctx context.Context, f QueueFilter) ([]domain.Opinion, error) {
	q := s.waiting(ctx, f).Select("opinions.*, c.title AS consultation_title")
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var list []domain.Opinion
	if err := q.Order("opinions.submitted_at, opinions.id").Limit(f.Limit).Find(&list).Error; err != nil {
		return nil, err
	}
	if err := s.attachAppeals(ctx, list); err != nil {
		return nil, err
	}
	var sectionIDs []int64
	for _, o := range list {
		if o.SectionID != nil {
			sectionIDs = append(sectionIDs, *o.SectionID)
		}
	}
	if len(sectionIDs) > 0 {
		var sections []domain.Section
		if err := s.conn(ctx).Where("id IN ?", sectionIDs).Find(&sections).Error; err != nil {
			return nil, err
		}
		byID := map[int64]*domain.Section{}
		for i := range sections {
			byID[sections[i].ID] = &sections[i]
		}
		for i := range list {
			if list[i].SectionID != nil {
				list[i].Section = byID[*list[i].SectionID]
			}
		}
	}
	return list, s.attachVillages(ctx, list)
}

// ModerationEvents lists the decisions about an opinion, oldest first, with the moderators' names.
func (s *Store) ModerationEvents(ctx context.Context, opinionID int64) ([]domain.ModerationEvent, error) {
	var ev []domain.ModerationEvent
	err := s.conn(ctx).Model(&domain.ModerationEvent{}).
		Select("moderation_events.*, staff.name AS actor_name").
		Joins("LEFT JOIN staff ON staff.id = moderation_events.actor_id").
		Where("opinion_id = ?", opinionID).Order("moderation_events.id").Scan(&ev).Error
	return ev, err
}

// Consents lists the consents given with an opinion.
func (s *Store) Consents(ctx context.Context, opinionID int64) ([]domain.Consent, error) {
	var list []domain.Consent
	return list, s.conn(ctx).Where("opinion_id = ?", opinionID).Order("id").Find(&list).Error
}

// Withdraw marks an opinion withdrawn by its author and logs it, and erases its personal
// data as ErasePersonalData does, in one transaction: the name was kept to be shown with the
// opinion and the contact to answer it, and a withdrawn opinion is neither shown nor answered.
func (s *Store) Withdraw(ctx context.Context, opinionID int64, from domain.OpinionStatus, now time.Time) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.touchedOpinion(ctx, opinionID); err != nil {
			return err
		}
		res := s.conn(ctx).Model(&domain.Opinion{}).Where("id = ? AND status = ?", opinionID, from).
			Updates(map[string]any{"status": domain.OpinionWithdrawn, "withdrawn_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.CodeConflict, "error.opinion_already_decided")
		}
		if err := s.conn(ctx).Create(&domain.ModerationEvent{
			OpinionID: opinionID, FromStatus: from, ToStatus: domain.OpinionWithdrawn, Note: "withdrawn by the author", CreatedAt: now,
		}).Error; err != nil {
			return err
		}
		return s.erase(ctx, opinionID, now)
	})
}

// ErasePersonalData erases what an opinion holds of its author, everywhere it is kept: the
// name and contact on the opinion, the results notices queued or sent for it (the outbox
// keeps the address and the tracking code), and the photos or scans of its paper, which show
// the name and signature. Its consents are marked withdrawn. The text and stance stay, so the
// consultation's record stays whole.
func (s *Store) ErasePersonalData(ctx context.Context, opinionID int64, now time.Time) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.touchedOpinion(ctx, opinionID); err != nil {
			return err
		}
		return s.erase(ctx, opinionID, now)
	})
}

// erase is ErasePersonalData inside the caller's transaction. The opinion's row is changed
// first: on PostgreSQL its lock makes a notice being queued for the opinion at this moment
// (Enqueue) wait for the commit and then find no contact, or, if that notice got the row
// first, this transaction waits for it and the DELETE below sees the new message.
func (s *Store) erase(ctx context.Context, opinionID int64, now time.Time) error {
	var o domain.Opinion
	if err := s.conn(ctx).Select("id, tracking_code").Take(&o, opinionID).Error; err != nil {
		return notFound(err)
	}
	err := s.conn(ctx).Model(&domain.Opinion{}).Where("id = ?", opinionID).
		Updates(map[string]any{"author_name": "", "show_name": false, "contact": "", "erased_at": now}).Error
	if err != nil {
		return err
	}
	err = s.conn(ctx).Model(&domain.Consent{}).Where("opinion_id = ? AND withdrawn_at IS NULL", opinionID).
		Update("withdrawn_at", now).Error
	if err != nil {
		return err
	}
	// A message about the opinion is found by its link and, should one lack it, by the
	// tracking code in its text (codes are letters, digits and a hyphen: nothing LIKE reads).
	err = s.conn(ctx).Where("opinion_id = ? OR body LIKE ?", opinionID, "%"+o.TrackingCode+"%").
		Delete(&OutboxMessage{}).Error
	if err != nil {
		return err
	}
	return s.conn(ctx).Where("opinion_id = ?", opinionID).Delete(&domain.Attachment{}).Error
}

// PurgeExpired erases what has been kept past its retention, and returns what it erased:
//   - on consultations whose results were published before cutoff, the contacts (their
//     purpose, answering the commenter, has been served), the names that were not shown with
//     the opinion, and the photos and scans of offline papers;
//   - from the outbox, every message queued before cutoff, sent or not, every message given
//     up after its last attempt, and every message about an opinion that no longer holds a
//     contact (erased, withdrawn or purged).
//
// Every instance of the portal runs the purge; on PostgreSQL one runs it at a time, holding
// a transaction-level advisory lock, and one that finds the lock taken returns at once with
// nothing purged: the other is doing the same work, and two at once would only wait on each
// other's rows.
func (s *Store) PurgeExpired(ctx context.Context, cutoff time.Time) (domain.Purged, error) {
	var out domain.Purged
	cutoff = cutoff.UTC()
	err := s.InTx(ctx, func(ctx context.Context) error {
		if s.dialect == Postgres {
			var mine bool
			if err := s.conn(ctx).Raw("SELECT pg_try_advisory_xact_lock(?)", PurgeLock).Scan(&mine).Error; err != nil || !mine {
				return err
			}
		}
		expired := s.conn(ctx).Model(&domain.Consultation{}).Select("id").Where("results_published_at < ?", cutoff)
		res := s.conn(ctx).Model(&domain.Opinion{}).
			Where("consultation_id IN (?) AND (contact <> '' OR (author_name <> '' AND NOT show_name))", expired).
			Updates(map[string]any{
				"contact":     "",
				"author_name": gorm.Expr("CASE WHEN show_name THEN author_name ELSE '' END"),
			})
		if res.Error != nil {
			return res.Error
		}
		out.Opinions = res.RowsAffected
		res = s.conn(ctx).Where("opinion_id IN (?)",
			s.conn(ctx).Model(&domain.Opinion{}).Select("id").Where("consultation_id IN (?)", expired)).
			Delete(&domain.Attachment{})
		if res.Error != nil {
			return res.Error
		}
		out.Attachments = res.RowsAffected
		// A message queued before the cutoff was sent before it or has waited as long.
		res = s.conn(ctx).Where("created_at < ?", cutoff).
			Or("sent_at IS NULL AND attempts >= ? AND next_attempt_at <= ?", OutboxMaxAttempts, s.now().UTC()).
			Or("opinion_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM opinions o WHERE o.id = outbox.opinion_id AND o.contact <> '')").
			Delete(&OutboxMessage{})
		out.Messages = res.RowsAffected
		return res.Error
	})
	return out, err
}

// PurgeLock is the key of the advisory lock PurgeExpired holds on PostgreSQL (any number the
// portal uses for nothing else).
const PurgeLock int64 = 0x676f70792d7072 // "gopy-pr"

// ModerationLog lists the moderation decisions on consultations of the given units, newest
// first, with the moderator's name and the consultation's title.
func (s *Store) ModerationLog(ctx context.Context, unitIDs []int64, page, perPage int) ([]domain.ModerationLogEntry, bool, error) {
	if page < 1 {
		page = 1
	}
	var list []domain.ModerationLogEntry
	err := s.conn(ctx).Model(&domain.ModerationEvent{}).
		Select("moderation_events.*, staff.name AS actor_name, c.id AS consultation_id, c.title AS consultation_title").
		Joins("JOIN opinions o ON o.id = moderation_events.opinion_id").
		Joins("JOIN consultations c ON c.id = o.consultation_id").
		Joins("LEFT JOIN staff ON staff.id = moderation_events.actor_id").
		Where("c.unit_id IN ?", unitIDs).
		Order("moderation_events.id DESC").Limit(perPage + 1).Offset((page - 1) * perPage).Scan(&list).Error
	if err != nil {
		return nil, false, err
	}
	more := len(list) > perPage
	if more {
		list = list[:perPage]
	}
	return list, more, nil
}

func (s *Store) waiting(ctx context.Context, f QueueFilter) *gorm.DB {
	q := s.conn(ctx).Model(&domain.Opinion{}).
		Joins("JOIN consultations c ON c.id = opinions.consultation_id").
		Where("c.unit_id IN ?", f.UnitIDs).Where(waitingSQL).
		Where(`NOT (opinions.status = 'rejected' AND EXISTS (SELECT 1 FROM moderation_events e
			WHERE e.opinion_id = opinions.id AND e.to_status = 'rejected' AND e.actor_id = ?))`, f.Moderator)
	if f.ConsultationID != nil {
		q = q.Where("opinions.consultation_id = ?", *f.ConsultationID)
	}
	if f.Flag != "" {
		q = q.Where("(',' || opinions.flags || ',') LIKE ?", "%,"+f.Flag+",%")
	}
	if f.SubmittedTo != nil {
		q = q.Where("opinions.submitted_at < ?", f.SubmittedTo.UTC())
	}
	return q
}

// QueueState is how much waits and since when, for the queue page and the daily e-mail.
type QueueState struct {
	Waiting int64
	Oldest  *time.Time
}

// WaitingState counts what waits for moderation in the filter's scope.
func (s *Store) WaitingState(ctx context.Context, f QueueFilter) (QueueState, error) {
	var st QueueState
	if err := s.waiting(ctx, f).Count(&st.Waiting).Error; err != nil || st.Waiting == 0 {
		return st, err
	}
	var oldest domain.Opinion
	err := s.waiting(ctx, f).Select("opinions.submitted_at").Order("opinions.submitted_at").Limit(1).Take(&oldest).Error
	st.Oldest = &oldest.SubmittedAt
	return st, err
}

func (s *Store) attachAppeals(ctx context.Context, list []domain.Opinion) error {
	var ids []int64
	for _, o := range list {
		if o.Status == domain.OpinionRejected {
			ids = append(ids, o.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var appeals []domain.Appeal
	if err := s.conn(ctx).Where("opinion_id IN ? AND decided_at IS NULL", ids).Find(&appeals).Error; err != nil {
		return err
	}
	by := map[int64]*domain.Appeal{}
	for i := range appeals {
		by[appeals[i].OpinionID] = &appeals[i]
	}
	for i := range list {
		list[i].Appeal = by[list[i].ID]
	}
	return nil
}

// Transition is one moderation decision to store.
type Transition struct {
	OpinionID int64
	From, To  domain.OpinionStatus
	Reason    domain.RejectReason
	Note      string
	ActorID   *int64
	Now       time.Time
	// Seconds since submission; kept only for the opinion's first decision.
	Seconds int64
	// Appeal, when set, is the outcome of the open appeal this decision settles.
	Appeal string
}

// Apply stores a moderation decision and appends it to the log, in one transaction. A
// conflict means someone decided first.
func (s *Store) Apply(ctx context.Context, t Transition) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.touchedOpinion(ctx, t.OpinionID); err != nil {
			return err
		}
		set := map[string]any{
			"status": t.To, "decided_at": t.Now, "reviewed_at": t.Now,
			"decision_seconds": gorm.Expr("COALESCE(decision_seconds, ?)", t.Seconds),
		}
		if t.To == domain.OpinionRejected || t.To == domain.OpinionHidden {
			set["rejection_reason"] = t.Reason
		} else {
			set["rejection_reason"] = ""
		}
		res := s.conn(ctx).Model(&domain.Opinion{}).Where("id = ? AND status = ?", t.OpinionID, t.From).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.CodeConflict, "error.opinion_already_decided")
		}
		if t.Appeal != "" {
			res := s.conn(ctx).Model(&domain.Appeal{}).Where("opinion_id = ? AND decided_at IS NULL", t.OpinionID).
				Updates(map[string]any{"decided_at": t.Now, "decided_by": t.ActorID, "outcome": t.Appeal})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return domain.Errorf(domain.CodeConflict, "error.opinion_already_decided")
			}
		}
		return s.conn(ctx).Create(&domain.ModerationEvent{
			OpinionID: t.OpinionID, ActorID: t.ActorID, FromStatus: t.From, ToStatus: t.To,
			Reason: string(t.Reason), Note: t.Note, CreatedAt: t.Now,
		}).Error
	})
}

// CreateAppeal records a rejected author's appeal; a second one is a conflict.
func (s *Store) CreateAppeal(ctx context.Context, a *domain.Appeal) error {
	if err := s.touchedOpinion(ctx, a.OpinionID); err != nil {
		return err
	}
	var n int64
	if err := s.conn(ctx).Model(&domain.Appeal{}).Where("opinion_id = ?", a.OpinionID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return domain.Errorf(domain.CodeConflict, "error.appeal_once")
	}
	return s.conn(ctx).Create(a).Error
}

// AppealOf returns the appeal of an opinion, if any.
func (s *Store) AppealOf(ctx context.Context, opinionID int64) (*domain.Appeal, error) {
	var a domain.Appeal
	err := s.conn(ctx).Where("opinion_id = ?", opinionID).Take(&a).Error
	return &a, notFound(err)
}

// LastRejecter returns who last rejected an opinion, or 0.
func (s *Store) LastRejecter(ctx context.Context, opinionID int64) (int64, error) {
	var ev domain.ModerationEvent
	err := s.conn(ctx).Where("opinion_id = ? AND to_status = ?", opinionID, domain.OpinionRejected).
		Order("id DESC").Limit(1).Take(&ev).Error
	if err != nil {
		if notFound(err) == domain.ErrNotFound {
			return 0, nil
		}
		return 0, err
	}
	if ev.ActorID == nil {
		return 0, nil
	}
	return *ev.ActorID, nil
}

// OpinionCounts counts the opinions of each listed consultation by status, among the
// consultations of the given units, from the counters the database keeps (tallies.go);
// only the status counts and Received are filled.
func (s *Store) OpinionCounts(ctx context.Context, consultationIDs, unitIDs []int64) (map[int64]*domain.ModerationStats, error) {
	out := map[int64]*domain.ModerationStats{}
	if len(consultationIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ConsultationID int64
		Key            string
		N              int
	}
	err := s.conn(ctx).Table("opinion_tallies").Select("consultation_id, key, SUM(n) AS n").
		Where("kind = 'status' AND consultation_id IN ? AND consultation_id IN (SELECT id FROM consultations WHERE unit_id IN ?)",
			consultationIDs, unitIDs).Group("consultation_id, key").Having("SUM(n) <> 0").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		st := out[r.ConsultationID]
		if st == nil {
			st = &domain.ModerationStats{}
			out[r.ConsultationID] = st
		}
		status, reason, _ := strings.Cut(r.Key, ":")
		st.Count(domain.OpinionStatus(status), domain.RejectReason(reason), r.N)
	}
	return out, nil
}

// BodyRef is an opinion's id and original text, for comparing texts.
type BodyRef struct {
	ID   int64
	Body string
}

// RecentBodies returns the newest opinions of a consultation (any status but withdrawn).
func (s *Store) RecentBodies(ctx context.Context, consultationID int64, limit int) ([]BodyRef, error) {
	var list []BodyRef
	err := s.conn(ctx).Model(&domain.Opinion{}).Select("id, body").
		Where("consultation_id = ? AND status <> ?", consultationID, domain.OpinionWithdrawn).
		Order("id DESC").Limit(limit).Scan(&list).Error
	return list, err
}

// Answer stores a response and attaches it to the opinions, which must be approved opinions
// of the response's consultation; it returns how many were answered.
func (s *Store) Answer(ctx context.Context, r *domain.Response, opinionIDs []int64) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(r).Error; err != nil {
			return err
		}
		s.touched(ctx, r.ConsultationID)
		res := s.conn(ctx).Model(&domain.Opinion{}).
			Where("id IN ? AND consultation_id = ? AND status = ?", opinionIDs, r.ConsultationID, domain.OpinionApproved).
			Update("response_id", r.ID)
		if res.Error != nil {
			return res.Error
		}
		if n = res.RowsAffected; n != int64(len(opinionIDs)) {
			return domain.InvalidField("ids", "validation.answer_opinions")
		}
		return nil
	})
	return n, err
}

// Unanswered counts the approved opinions of a consultation that have no response yet.
func (s *Store) Unanswered(ctx context.Context, consultationID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&domain.Opinion{}).
		Where("consultation_id = ? AND status = ? AND response_id IS NULL", consultationID, domain.OpinionApproved).Count(&n).Error
	return n, err
}

// AttachResponses loads the responses of the opinions that have one.
func (s *Store) AttachResponses(ctx context.Context, list []domain.Opinion) error {
	var ids []int64
	for _, o := range list {
		if o.ResponseID != nil {
			ids = append(ids, *o.ResponseID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var rs []domain.Response
	if err := s.conn(ctx).Where("id IN ?", ids).Find(&rs).Error; err != nil {
		return err
	}
	by := map[int64]*domain.Response{}
	for i := range rs {
		by[rs[i].ID] = &rs[i]
	}
	for i := range list {
		if list[i].ResponseID != nil {
			list[i].Response = by[*list[i].ResponseID]
		}
	}
	return nil
}

// ApprovedForAnswer lists every approved opinion of a consultation in document order of
// their sections (general ones first), with sections, villages and responses.
func (s *Store) ApprovedForAnswer(ctx context.Context, consultationID int64) ([]domain.Opinion, error) {
	var list []domain.Opinion
	err := s.conn(ctx).Model(&domain.Opinion{}).Select("opinions.*").
		Joins("LEFT JOIN sections sec ON sec.id = opinions.section_id").
		Where("opinions.consultation_id = ? AND opinions.status = ?", consultationID, domain.OpinionApproved).
		Order("COALESCE(sec.ordinal, 0), opinions.submitted_at, opinions.id").Find(&list).Error
	if err != nil {
		return nil, err
	}
	if err := s.attachVillages(ctx, list); err != nil {
		return nil, err
	}
	return list, s.AttachResponses(ctx, list)
}
