package api

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// offlineReceiptJSON is the receipt of an offline entry: with the opinion's ID, to attach
// the photo or scan of its paper, and the reference as stored.
type offlineReceiptJSON struct {
	ID           int64  `json:"id"`
	TrackingCode string `json:"tracking_code"`
	Status       string `json:"status"`
	Reference    string `json:"reference"`
}

// attachmentJSON describes a stored attachment; its bytes are never sent back through the
// API, only served to overseeing staff by the staff pages.
type attachmentJSON struct {
	ID          int64     `json:"id"`
	OpinionID   int64     `json:"opinion_id"`
	ContentType string    `json:"content_type"`
	FileName    string    `json:"file_name"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}

// attach adds a photo or scan (multipart field "attachment") to an opinion entered offline.
func (a *API) attach(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r := c.Request()
	if err := sameSiteOrToken(c); err != nil {
		return err
	}
	if !isMultipart(c) {
		return domain.Errorf(domain.CodeMalformed, "error.content_type_multipart")
	}
	var upload *app.Upload
	fh, err := c.FormFile("attachment")
	switch {
	case errors.Is(err, http.ErrMissingFile):
	case err != nil:
		var he *echo.HTTPError
		if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
			return domain.Errorf(domain.CodeTooLarge, "error.too_large")
		}
		return domain.Errorf(domain.CodeMalformed, "error.malformed")
	default:
		f, err := fh.Open()
		if err != nil {
			return domain.Errorf(domain.CodeMalformed, "error.malformed")
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, domain.MaxAttachment+1))
		if err != nil {
			return domain.Errorf(domain.CodeMalformed, "error.malformed")
		}
		upload = &app.Upload{Name: fh.Filename, Data: data}
	}
	att, err := a.App.AttachToOpinion(r.Context(), actor(c), id, upload)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, attachmentJSON{ID: att.ID, OpinionID: att.OpinionID, ContentType: att.ContentType,
		FileName: att.FileName, Size: att.Size, SHA256: att.SHA256, CreatedAt: att.CreatedAt.In(domain.Zone)})
}
