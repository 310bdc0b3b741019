package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/textnorm"
)

// Upload is a file an official attaches to an offline opinion, as the request brought it.
// Data holds at most domain.MaxAttachment+1 bytes: readers stop one byte past the limit, so a
// larger file is known to be too large without being read whole.
type Upload struct {
	Name string
	Data []byte
}

// maxFileName bounds the original file name kept with an attachment, in characters.
const maxFileName = 200

// checkUpload turns an upload into an attachment, or says at the "attachment" field why
// not. The type is read from the bytes: a file's name and the type its sender declared are
// whatever the sender wants them to be.
func checkUpload(u *Upload) (*domain.Attachment, error) {
	switch {
	case len(u.Data) == 0:
		return nil, domain.InvalidField("attachment", "validation.attachment_empty")
	case len(u.Data) > domain.MaxAttachment:
		return nil, domain.InvalidField("attachment", "validation.attachment_size", domain.MaxAttachment>>20)
	}
	ct := http.DetectContentType(u.Data)
	if !slices.Contains(domain.AttachmentTypes, ct) {
		return nil, domain.InvalidField("attachment", "validation.attachment_type")
	}
	sum := sha256.Sum256(u.Data)
	return &domain.Attachment{ContentType: ct, FileName: cleanFileName(u.Name), Size: int64(len(u.Data)),
		SHA256: hex.EncodeToString(sum[:]), Data: u.Data}, nil
}

// cleanFileName keeps the last element of a file name as plain text of bounded length; it
// is only ever shown to staff, and never decides how the file is served.
func cleanFileName(name string) string {
	if !utf8.ValidString(name) {
		return ""
	}
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" {
		return ""
	}
	name = textnorm.CleanLine(name)
	if r := []rune(name); len(r) > maxFileName {
		name = string(r[:maxFileName])
	}
	return name
}

// checkOffline adds to err what an offline entry must also satisfy: a reference for the
// channels whose papers are numbered, and an acceptable attachment. It returns the
// attachment to store with the opinion.
func checkOffline(in NewOpinion, err error) (*domain.Attachment, error) {
	ch := domain.Channel(in.Channel)
	if domain.ReferenceRequired(ch) && in.Reference == "" {
		err = mergeInvalid(err, "reference", "validation.reference_required."+string(ch))
	}
	if in.Attachment == nil {
		return nil, err
	}
	att, aerr := checkUpload(in.Attachment)
	if aerr != nil {
		de := domain.AsError(aerr)
		for field, m := range de.Fields {
			err = mergeInvalid(err, field, m.Key, m.Args...)
		}
	}
	return att, err
}

// insertOpinion stores an opinion, and its attachment in the same transaction: an entry is
// saved with its scan or not at all. A retry of an entry already saved adds no second copy.
func (a *App) insertOpinion(ctx context.Context, o *domain.Opinion, consents []domain.Consent, att *domain.Attachment) (*domain.Opinion, bool, error) {
	if att == nil {
		return a.store.InsertOpinion(ctx, o, consents)
	}
	var (
		stored  *domain.Opinion
		created bool
	)
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		stored, created, err = a.store.InsertOpinion(ctx, o, consents)
		if err != nil || !created {
			return err
		}
		att.OpinionID, att.UploadedBy, att.CreatedAt = stored.ID, o.EnteredBy, o.SubmittedAt
		return a.store.InsertAttachment(ctx, att)
	})
	return stored, created, err
}

// OfflineSheet is the page where officials enter the papers of a consultation: what the
// form offers, and the entries made so far with their attachments.
type OfflineSheet struct {
	Consultation *domain.Consultation
	Villages     []domain.Unit
	Channels     []domain.Channel
	Open         bool // the consultation still takes entries (open or closed, not yet published)
	Entries      []domain.Opinion
	Attachments  map[int64][]domain.Attachment // by opinion
}

// offlineShown is how many recent entries the sheet lists: about a meeting's worth.
const offlineShown = 50

// OfflineSheet loads the offline entry page of a consultation for an official who may
// manage it.
func (a *App) OfflineSheet(ctx context.Context, actor *domain.Actor, consultationID int64) (*OfflineSheet, error) {
	c, err := a.store.ConsultationByID(ctx, consultationID)
	if err != nil || c.Status == domain.StatusDraft {
		return nil, domain.ErrNotFound
	}
	if err := a.authorize(ctx, actor, domain.PermManageConsultation, c.UnitID); err != nil {
		return nil, err
	}
	sh := &OfflineSheet{Consultation: c, Channels: domain.EnteredChannels(),
		Open: c.Status == domain.StatusOpen || c.Status == domain.StatusClosed}
	if sh.Villages, err = a.Villages(ctx, c.UnitID); err != nil {
		return nil, err
	}
	if sh.Entries, err = a.store.OfflineOpinions(ctx, c.ID, offlineShown); err != nil {
		return nil, wrap(err)
	}
	ids := make([]int64, len(sh.Entries))
	for i, o := range sh.Entries {
		ids[i] = o.ID
	}
	sh.Attachments, err = a.store.AttachmentsOf(ctx, ids)
	return sh, wrap(err)
}

// AttachToOpinion adds a photo or scan to an opinion entered offline, for an official who
// may manage its consultation: the paper may arrive after its text was typed in. u is nil
// when the request brought no file, which is refused once the caller may attach at all.
func (a *App) AttachToOpinion(ctx context.Context, actor *domain.Actor, opinionID int64, u *Upload) (*domain.Attachment, error) {
	if actor == nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	o, c, err := a.opinionFor(ctx, actor, domain.PermManageConsultation, opinionID)
	if err != nil {
		return nil, err
	}
	if o.Channel == domain.ChannelOnline {
		// An online opinion has no paper; a file beside it would be a document about a
		// resident that nobody asked for.
		return nil, domain.Errorf(domain.CodeConflict, "error.attachment_online")
	}
	if u == nil {
		return nil, domain.InvalidField("attachment", "validation.attachment_missing")
	}
	att, err := checkUpload(u)
	if err != nil {
		return nil, err
	}
	att.OpinionID, att.UploadedBy, att.CreatedAt = o.ID, &actor.StaffID, a.Now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.InsertAttachment(ctx, att); err != nil {
			return err
		}
		return a.audit(ctx, actor, "opinion.attachment", "opinion", o.ID, c.UnitID, att.ContentType)
	})
	if err != nil {
		return nil, err
	}
	return att, nil
}

// Attachment returns an attachment with its bytes to staff who oversee the unit of its
// consultation. A signed paper shows names and signatures: nobody else ever gets it.
func (a *App) Attachment(ctx context.Context, actor *domain.Actor, id int64) (*domain.Attachment, error) {
	if actor == nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "error.unauthorized")
	}
	att, err := a.store.AttachmentByID(ctx, id)
	if err != nil {
		return nil, wrap(err)
	}
	_, c, err := a.opinionFor(ctx, actor, domain.PermOversee, att.OpinionID)
	if err != nil {
		return nil, err
	}
	// Opening a signed paper is reading personal data: the audit log says who did, or
	// nobody opens it.
	if err := a.audit(ctx, actor, "attachment.download", "attachment", att.ID, c.UnitID, ""); err != nil {
		return nil, wrap(err)
	}
	return att, nil
}
