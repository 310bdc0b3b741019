package store

import (
	"context"

	"github.com/gopy-vn/gopy/internal/domain"
)

// attachmentMeta are the columns of an attachment without its bytes: lists never need them.
const attachmentMeta = "id, opinion_id, content_type, file_name, size, sha256, uploaded_by, created_at"

// InsertAttachment stores a photo or scan of an offline opinion's paper, bytes included.
func (s *Store) InsertAttachment(ctx context.Context, a *domain.Attachment) error {
	return s.conn(ctx).Create(a).Error
}

// AttachmentByID loads an attachment with its bytes.
func (s *Store) AttachmentByID(ctx context.Context, id int64) (*domain.Attachment, error) {
	var a domain.Attachment
	err := s.conn(ctx).Take(&a, id).Error
	return &a, notFound(err)
}

// AttachmentsOf lists the attachments of the given opinions, without their bytes, oldest
// first, by opinion.
func (s *Store) AttachmentsOf(ctx context.Context, opinionIDs []int64) (map[int64][]domain.Attachment, error) {
	out := map[int64][]domain.Attachment{}
	if len(opinionIDs) == 0 {
		return out, nil
	}
	var list []domain.Attachment
	err := s.conn(ctx).Select(attachmentMeta).Where("opinion_id IN ?", opinionIDs).Order("id").Find(&list).Error
	for _, a := range list {
		out[a.OpinionID] = append(out[a.OpinionID], a)
	}
	return out, err
}

// OfflineOpinions returns the newest opinions staff entered for a consultation, whatever
// their status, with their villages: the batch an official is working through.
func (s *Store) OfflineOpinions(ctx context.Context, consultationID int64, limit int) ([]domain.Opinion, error) {
	var list []domain.Opinion
	err := s.conn(ctx).Where("consultation_id = ? AND channel <> ?", consultationID, domain.ChannelOnline).
		Order("submitted_at DESC, id DESC").Limit(limit).Find(&list).Error
	if err != nil {
		return nil, err
	}
	return list, s.attachVillages(ctx, list)
}
