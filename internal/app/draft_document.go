package app

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/gopy-vn/gopy/internal/docx"
	"github.com/gopy-vn/gopy/internal/domain"
)

// MaxDocument is the largest Word file a draft is read from, in bytes; pages and the API
// read an upload up to one byte past it, so that a larger file is refused and not read whole.
const MaxDocument = docx.MaxFile

// maxDraftText is the longest text of a draft, in characters, pasted or read from Word: the
// same bound as NewConsultation.Text.
const maxDraftText = 200000

// documentField is where an official chooses the Word file, on the page and in the API.
const documentField = "document"

// draftFromDocument reads the text of a draft from a Word upload, or gives the message that
// says why it cannot, in words an official can act on.
func draftFromDocument(u *Upload) (string, *domain.Message) {
	text, err := docx.Text(u.Data)
	switch {
	case len(u.Data) == 0:
		return "", refusal("validation.document_empty")
	case errors.Is(err, docx.ErrEncrypted):
		return "", refusal("validation.document_encrypted")
	case errors.Is(err, docx.ErrOldWord):
		return "", refusal("validation.document_old_word")
	case errors.Is(err, docx.ErrTooLarge):
		return "", refusal("validation.document_too_large", docx.MaxFile>>20, docx.MaxParagraphs)
	case err != nil:
		return "", refusal("validation.document_not_word")
	case strings.TrimSpace(text) == "":
		return "", refusal("validation.document_empty")
	case utf8.RuneCountInString(text) > maxDraftText:
		return "", refusal("validation.document_too_long", maxDraftText)
	}
	return text, nil
}

func refusal(key string, args ...any) *domain.Message {
	return &domain.Message{Key: key, Args: args}
}
